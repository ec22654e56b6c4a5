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
// A folder without manifest.json but with bug-report/bug-report.log is an `istioctl bug-report` sample
// (samples/bug-report-503/): packed as istioctl writes its bug-report.tar.gz, regular files only, every one
// under the `bug-report/` prefix, in byte order of its path (the order of istioctl's directory walk). Its
// fixed mtime is the newest timestamp of bug-report.log, to the second (the tool logs up to creating the
// archive, so that is when istioctl wrote it); the same portable headers and gzip settings as the others.
//
//   node scripts/pack-samples.mjs                 # all samples (bug-report ones too) → samples/dist/
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

const exists = async (path) => {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
};

/** The names of the sample folders (every folder of samples/ holding a manifest.json). */
export async function sampleNames(samplesDir = SAMPLES_DIR) {
  const names = [];
  for (const dirent of await readdir(samplesDir, { withFileTypes: true })) {
    if (!dirent.isDirectory() || dirent.name === 'dist') continue;
    if (await exists(join(samplesDir, dirent.name, 'manifest.json'))) names.push(dirent.name);
  }
  return names.sort();
}

/** The `istioctl bug-report` samples: folders of samples/ without a manifest, holding bug-report/bug-report.log. */
export async function bugReportSampleNames(samplesDir = SAMPLES_DIR) {
  const names = [];
  for (const dirent of await readdir(samplesDir, { withFileTypes: true })) {
    if (!dirent.isDirectory() || dirent.name === 'dist') continue;
    const dir = join(samplesDir, dirent.name);
    if (!(await exists(join(dir, 'manifest.json'))) && (await exists(join(dir, BUG_REPORT_LOG)))) names.push(dirent.name);
  }
  return names.sort();
}

/** Every sample folder `packSamples` packs by default: the collector ones and the bug-report ones. */
export async function allSampleNames(samplesDir = SAMPLES_DIR) {
  return [...(await sampleNames(samplesDir)), ...(await bugReportSampleNames(samplesDir))].sort();
}

const BUG_REPORT_LOG = 'bug-report/bug-report.log';
/** `2025-04-22T14:08:37.932775Z` at the start of a zap console line. */
const LOG_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\t/;

/**
 * Checks an `istioctl bug-report` sample: every file under `bug-report/` (nothing beside it), and a
 * bug-report.log with timestamps. Returns the entries in archive order and the archive's mtime.
 */
export async function checkBugReportSample(sampleDir) {
  const entries = await listFiles(sampleDir);
  const problems = [];
  const outside = entries.filter((f) => !f.startsWith('bug-report/'));
  for (const file of outside) problems.push(`${file}: not under bug-report/ (istioctl writes every entry there)`);
  let newest;
  for (const line of (await readFile(join(sampleDir, BUG_REPORT_LOG), 'utf8')).split('\n')) {
    const time = LOG_TIME.exec(line)?.[1];
    if (time && (newest === undefined || Date.parse(time) > newest)) newest = Date.parse(time);
  }
  if (newest === undefined) problems.push(`${BUG_REPORT_LOG}: no timestamped line to date the archive by`);
  if (problems.length > 0) throw new Error(`${sampleDir}:\n  ${problems.join('\n  ')}`);
  return { entries, mtime: new Date(Math.floor(newest / 1000) * 1000) };
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
  if (!(await exists(join(sampleDir, 'manifest.json'))) && (await exists(join(sampleDir, BUG_REPORT_LOG)))) {
    const { entries, mtime } = await checkBugReportSample(sampleDir);
    await create({ gzip: { level: 9 }, file: outFile, cwd: sampleDir, portable: true, noDirRecurse: true, mtime }, entries);
    return entries;
  }
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

/** Packs the named samples (all by default, bug-report ones included) into `outDir`; returns the archive paths by name. */
export async function packSamples({ samplesDir = SAMPLES_DIR, outDir = DIST_DIR, names } = {}) {
  const chosen = names && names.length > 0 ? names : await allSampleNames(samplesDir);
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
