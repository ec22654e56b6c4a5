#!/usr/bin/env node
// Packs every samples/<name>/ folder into samples/dist/<name>.tar.gz, deterministically:
// manifest.json first, then every other file in byte order of its path, one fixed mtime (the
// manifest's collectedAt), `portable` headers (no uid/gid/uname/ctime/atime, normalised modes) and a
// portable gzip header. Entry names are relative to the sample folder (`manifest.json`,
// `istio/proxy-status.txt`, …), exactly as the collector writes them.
//
// Before packing, the manifest is checked against the folder: every artifact it lists must exist with
// exactly `bytes` bytes, and every file must be listed, so a hand-edited sample cannot drift.
//
//   node scripts/pack-samples.mjs                 # all samples → samples/dist/
//   node scripts/pack-samples.mjs --out DIR a b   # only samples a and b, into DIR
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { create } from 'tar';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SAMPLES_DIR = join(REPO, 'samples');
export const DIST_DIR = join(SAMPLES_DIR, 'dist');

/** Files of a folder, as sorted POSIX paths relative to it. */
async function listFiles(root, dir = root) {
  const out = [];
  for (const dirent of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, dirent.name);
    if (dirent.isDirectory()) out.push(...(await listFiles(root, full)));
    else if (dirent.isFile()) out.push(relative(root, full).split(sep).join('/'));
    else throw new Error(`${full}: not a regular file or folder; samples must not contain links or devices`);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The names of the sample folders (every folder of samples/ holding a manifest.json). */
export async function sampleNames(samplesDir = SAMPLES_DIR) {
  const names = [];
  for (const dirent of await readdir(samplesDir, { withFileTypes: true })) {
    if (!dirent.isDirectory() || dirent.name === 'dist') continue;
    try {
      await stat(join(samplesDir, dirent.name, 'manifest.json'));
      names.push(dirent.name);
    } catch {
      // not a sample
    }
  }
  return names.sort();
}

/** Checks the manifest against the folder; returns the manifest and the entry list, manifest first. */
export async function checkSample(sampleDir) {
  const manifest = JSON.parse(await readFile(join(sampleDir, 'manifest.json'), 'utf8'));
  const files = (await listFiles(sampleDir)).filter((f) => f !== 'manifest.json');
  const problems = [];
  const listed = new Set();
  for (const artifact of manifest.artifacts ?? []) {
    listed.add(artifact.path);
    if (artifact.stderr) listed.add(artifact.stderr);
    let size;
    try {
      size = (await stat(join(sampleDir, artifact.path))).size;
    } catch {
      problems.push(`${artifact.path}: listed in manifest.json but missing`);
      continue;
    }
    if (artifact.bytes !== undefined && artifact.bytes !== size) {
      problems.push(`${artifact.path}: manifest.json says ${artifact.bytes} bytes, the file has ${size}`);
    }
  }
  for (const file of files) if (!listed.has(file)) problems.push(`${file}: not listed in manifest.json`);
  if (Number.isNaN(Date.parse(manifest.collectedAt))) problems.push(`manifest.json: collectedAt ${JSON.stringify(manifest.collectedAt)} is not a date`);
  if (problems.length > 0) throw new Error(`${sampleDir}:\n  ${problems.join('\n  ')}`);
  return { manifest, entries: ['manifest.json', ...files] };
}

/** Packs one sample folder into `outFile` (.tar.gz). Returns the entry names in archive order. */
export async function packSample(sampleDir, outFile) {
  const { manifest, entries } = await checkSample(sampleDir);
  await create(
    {
      gzip: { level: 9 },
      file: outFile,
      cwd: sampleDir,
      portable: true,
      noDirRecurse: true,
      mtime: new Date(manifest.collectedAt),
    },
    entries,
  );
  return entries;
}

/** Packs the named samples (all by default) into `outDir`; returns the archive paths by name. */
export async function packSamples({ samplesDir = SAMPLES_DIR, outDir = DIST_DIR, names } = {}) {
  const chosen = names && names.length > 0 ? names : await sampleNames(samplesDir);
  await mkdir(outDir, { recursive: true });
  const archives = {};
  for (const name of chosen) {
    const out = join(outDir, `${name}.tar.gz`);
    await packSample(join(samplesDir, name), out);
    archives[name] = out;
  }
  return archives;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  let outDir = DIST_DIR;
  const names = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') outDir = resolve(args[++i] ?? '');
    else names.push(args[i]);
  }
  try {
    const archives = await packSamples({ outDir, names });
    for (const [name, file] of Object.entries(archives)) {
      const { size } = await stat(file);
      console.log(`${name}: ${relative(process.cwd(), file) || file} (${size} bytes)`);
    }
  } catch (error) {
    console.error(`pack-samples: ${error.message}`);
    process.exitCode = 1;
  }
}
