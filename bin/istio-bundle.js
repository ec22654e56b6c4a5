#!/usr/bin/env node
// Entry point for `npx istio-bundle` / the package bin: runs the compiled CLI (npm run build).
import '../dist/bin.js';
