#!/usr/bin/env node
/**
 * `npm run package`: the CLI as files to carry into an air-gapped room, written to release/:
 *
 * - istio-bundle.mjs — one ES module with every dependency inlined (esbuild), for `node istio-bundle.mjs`;
 * - istio-bundle     — a single executable for this platform: the Node binary running this script, with the
 *                      CLI injected as a single-executable-application blob (Node's SEA, injected with postject);
 * - SHA256SUMS       — `sha256sum -c` format, for both.
 *
 * Nothing here is fetched: esbuild and postject come from node_modules, the Node binary is this one.
 * Node 20's SEA runs a CommonJS script only, so the executable gets a CommonJS build of the same source.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inject } from 'postject';
import { bundleCli } from './bundle-cli.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// --out DIR: somewhere else than release/ (the packaging test builds into a temporary folder).
const { values: options } = parseArgs({ options: { out: { type: 'string' } } });
const RELEASE = options.out ? resolve(options.out) : join(ROOT, 'release');
const WORK = join(RELEASE, '.build');
/** The fuse Node's binary carries to say a SEA blob may be injected (Node docs, "Single executable applications"). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

async function buildExecutable(script, outfile) {
  // Paths relative to WORK: the blob records the script's name, and the executable must not depend on where it was built.
  // No code cache: it saves ~50 ms a start (measured) but differs from build to build, and a rebuild that
  // reproduces SHA256SUMS is worth more to someone who must trust a file carried into a closed room.
  const blob = join(WORK, 'sea-prep.blob');
  writeFileSync(join(WORK, 'sea-config.json'), JSON.stringify({ main: basename(script), output: basename(blob), disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: WORK, stdio: ['ignore', 'ignore', 'inherit'] });
  copyFileSync(process.execPath, outfile);
  chmodSync(outfile, 0o755);
  await inject(outfile, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function main() {
  rmSync(RELEASE, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const module = join(RELEASE, 'istio-bundle.mjs');
  const executable = join(RELEASE, 'istio-bundle');
  const script = join(WORK, 'istio-bundle.cjs');
  await bundleCli(module, 'esm');
  chmodSync(module, 0o755);
  await bundleCli(script, 'cjs');
  await buildExecutable(script, executable);
  rmSync(WORK, { recursive: true, force: true });
  const sums = ['istio-bundle', 'istio-bundle.mjs'].map((name) => `${sha256(join(RELEASE, name))}  ${name}\n`).join('');
  writeFileSync(join(RELEASE, 'SHA256SUMS'), sums);
  process.stdout.write(`${RELEASE} (node ${process.version}, ${process.platform}-${process.arch}):\n${sums}`);
}

await main();
