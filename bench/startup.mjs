#!/usr/bin/env node
// Start-up: the demo (samples/data-plane-503 packed, analysed to Markdown) against a bare `node -e 0`,
// for bin/istio-bundle.js (dist/istio-bundle.mjs, what `npm run build` writes), the release's single-file module and the single
// executable (built by scripts/package.mjs into bench/out/release/). Median of BENCH_STARTUP_RUNS
// (default 15) runs each, wall and CPU (user + system) time. Target: the demo within 2× `node -e 0`.
// Nothing here asserts a time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { textTable } from './table.mjs';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(import.meta.dirname, 'out');
const RELEASE = join(OUT, 'release');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? '15');
const DEMO = join(ROOT, 'samples', 'dist', 'data-plane-503.tar.gz');
const TARGET = 2;

mkdirSync(OUT, { recursive: true });
if (!existsSync(DEMO)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'pack-samples.mjs')], { cwd: ROOT, stdio: 'ignore' });
execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--out', RELEASE], { cwd: ROOT, stdio: 'ignore' });

/** Median wall and CPU milliseconds of RUNS runs of one command; CPU is user + system time of the shell's children, as its `times` prints it. */
function measure(command, args) {
  const walls = [];
  const cpus = [];
  for (let i = 0; i < RUNS; i += 1) {
    const script = `"$@" >/dev/null; times`;
    const start = process.hrtime.bigint();
    const run = spawnSync('sh', ['-c', script, 'sh', command, ...args], { encoding: 'utf8' });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
    // `times` prints the shell's then its children's user and system time: "0m0.001s 0m0.002s\n0m0.310s 0m0.040s".
    const children = run.stdout.trim().split('\n').pop().split(/\s+/).map((t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t) ?? [];
      return Number(m) * 60_000 + Number(s) * 1000;
    });
    cpus.push(children[0] + children[1]);
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { wall: median(walls), cpu: median(cpus) };
}

const demoArgs = ['analyze', DEMO, '--format', 'md'];
const base = measure(process.execPath, ['-e', '0']);
const rows = [
  ['node -e 0', base],
  ['--version, bin/istio-bundle.js', measure(process.execPath, [join(ROOT, 'bin', 'istio-bundle.js'), '--version'])],
  ['--version, istio-bundle.mjs', measure(process.execPath, [join(RELEASE, 'istio-bundle.mjs'), '--version'])],
  ['--version, istio-bundle (executable)', measure(join(RELEASE, 'istio-bundle'), ['--version'])],
  ['demo, bin/istio-bundle.js', measure(process.execPath, [join(ROOT, 'bin', 'istio-bundle.js'), ...demoArgs])],
  ['demo, istio-bundle.mjs', measure(process.execPath, [join(RELEASE, 'istio-bundle.mjs'), ...demoArgs])],
  ['demo, istio-bundle (executable)', measure(join(RELEASE, 'istio-bundle'), demoArgs)],
];
console.log(`\nstart-up — median of ${RUNS} runs, node ${process.version}; target: the demo within ${TARGET}× node -e 0`);
console.log(textTable([['what', 'wall ms', 'cpu ms', '× node -e 0 (wall)'], ...rows.map(([label, { wall, cpu }]) => [label, wall.toFixed(0), cpu.toFixed(0), (wall / base.wall).toFixed(1)])]));
