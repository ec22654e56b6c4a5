#!/usr/bin/env node
// Entry point for `npx istio-bundle` / the package bin: runs the compiled CLI (npm run build).
import { hideBin } from 'yargs/helpers';
import { main } from '../dist/cli.js';

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`istio-bundle: internal error: ${error?.stack ?? String(error)}\n`);
    process.exitCode = 3;
  },
);
