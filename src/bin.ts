import { hideBin } from 'yargs/helpers';
import { describeIoError } from './bundle/io-errors.js';
import { EXIT, main } from './cli.js';

// `istio-bundle analyze … | head` closes the pipe early: that is the reader's choice, not an error.
// Any other failure to write the report (a full disk, /dev/full) is exit 2 with one line.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  process.stderr.write(`istio-bundle: cannot write the report to standard output: ${describeIoError(error)}\n`);
  process.exit(EXIT.usage);
});

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`istio-bundle: internal error (please report it): ${(error as Error | undefined)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT.internal;
  },
);
