import { isSea } from 'node:sea';
import { hideBin } from 'yargs/helpers';
import { isParseThread, runParseThread } from './artifacts/entry/parse-thread.js';
import { describeIoError } from './bundle/io-errors.js';
import { EXIT, main } from './cli.js';

// This file is also what a parsing thread runs (entry/parse-threads.ts): the single-file CLI has no
// other file to start a worker from. A single executable has no file at all, so it reads on one thread.
if (isParseThread()) runParseThread();
else runCli();

function runCli(): void {
  // `istio-bundle analyze … | head` closes the pipe early: that is the reader's choice, not an error.
  // Any other failure to write the report (a full disk, /dev/full) is exit 2 with one line.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    process.stderr.write(`istio-bundle: cannot write the report to standard output: ${describeIoError(error)}\n`);
    process.exit(EXIT.usage);
  });

  main(hideBin(process.argv), { threadScript: isSea() ? undefined : new URL(import.meta.url) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`istio-bundle: internal error (please report it): ${(error as Error | undefined)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
