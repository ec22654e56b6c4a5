#!/usr/bin/env node
// `node bench/profile.mjs [BUNDLE]`: analyses BUNDLE (default bench/out/bundle.tar.gz, written by
// `npm run bench`) under `node --cpu-prof` and prints where the time goes, the main thread and the parsing threads apart: self time per source file,
// the hottest functions, and the heaviest call paths (a flame graph as text), for bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..');
const bundle = process.argv[2] ?? join(HERE, 'out', 'bundle.tar.gz');
const dir = mkdtempSync(join(tmpdir(), 'iba-profile-'));
try {
  const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(HERE, 'analyze-child.mjs'), bundle], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`analysis failed (exit ${run.status}): ${run.stderr}`);
  // One profile per thread: the main thread's is the one whose samples include analyzeBundle.
  const profiles = readdirSync(dir)
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const isMain = (profile) => profile.nodes.some((node) => node.callFrame.functionName === 'analyzeBundle');
  report(`main thread of ${relative(process.cwd(), bundle) || bundle}`, profiles.filter(isMain));
  const threads = profiles.filter((profile) => !isMain(profile));
  if (threads.length > 0) report(`${threads.length} parsing threads together`, threads);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Prints where the time of one or more profiles (several threads: node ids are per profile) went. */
function report(title, profiles) {
  const byId = new Map();
  const parent = new Map();
  const self = new Map();
  profiles.forEach(({ nodes, samples, timeDeltas }, n) => {
    const key = (id) => `${n}:${id}`;
    for (const node of nodes) byId.set(key(node.id), node);
    for (const node of nodes) for (const child of node.children ?? []) parent.set(key(child), key(node.id));
    samples.forEach((id, i) => self.set(key(id), (self.get(key(id)) ?? 0) + (timeDeltas[i] ?? 0)));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const where = (node) => {
    const url = node.callFrame.url ? relative(ROOT, node.callFrame.url.replace('file://', '')) : '';
    return url || '(native)';
  };
  const label = (node) => `${node.callFrame.functionName || '(anonymous)'} ${where(node)}:${node.callFrame.lineNumber + 1}`;
  const ms = (us) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;

  const byFile = new Map();
  const byFunction = new Map();
  const byPath = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    byFile.set(where(node), (byFile.get(where(node)) ?? 0) + us);
    byFunction.set(label(node), (byFunction.get(label(node)) ?? 0) + us);
    const path = [];
    for (let at = id; at !== undefined && path.length < 7; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame.callFrame.functionName !== '(root)') path.push(frame.callFrame.functionName || '(anonymous)');
    }
    const key = path.reverse().join(' > ');
    byPath.set(key, (byPath.get(key) ?? 0) + us);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\nprofile of the ${title}: ${(total / 1e6).toFixed(2)} s sampled\n`);
  console.log('self time by file:');
  for (const [file, us] of top(byFile, 12)) console.log(`${ms(us)} ms ${pct(us)}  ${file}`);
  console.log('\nhottest functions (self time):');
  for (const [fn, us] of top(byFunction, 15)) console.log(`${ms(us)} ms ${pct(us)}  ${fn}`);
  console.log('\nheaviest call paths (self time of the last frame; up to 7 frames):');
  for (const [path, us] of top(byPath, 12)) console.log(`${ms(us)} ms ${pct(us)}  ${path}`);
}
