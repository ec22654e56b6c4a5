#!/usr/bin/env node
// Entry point for `npx istio-bundle` / the package bin: runs the CLI as built by `npm run build`, one
// file with its dependencies inlined (scripts/bundle-cli.mjs), which starts faster than dist/'s modules.
import '../dist/istio-bundle.mjs';
