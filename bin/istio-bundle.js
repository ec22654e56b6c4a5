#!/usr/bin/env node
// Entry point for `npx istio-bundle` / the package bin: runs the compiled CLI (npm run build).
import { hideBin } from 'yargs/helpers';
import { main } from '../dist/cli.js';

// `istio-bundle analyze … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`istio-bundle: internal error: ${error?.stack ?? String(error)}\n`);
    process.exitCode = 3;
  },
);
