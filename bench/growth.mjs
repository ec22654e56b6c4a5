#!/usr/bin/env node
// How cost grows with the mesh: bench/run.mjs in tar-only mode (BENCH_TAR_ONLY=1) at several sizes,
// one table. Each size is a bundle of P proxies' config dumps (BENCH_SERVICES services each, default
// 250) with pods, logs and resources scaled in proportion (BENCH_SCALE = P / 200, so 200 proxies is the
// main bench's proportions). BENCH_GROWTH (default 50,200,800) lists the sizes; the largest default
// is a ~2.5 GB-raw bundle. Nothing here asserts a time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { textTable } from './table.mjs';

const HERE = import.meta.dirname;
const sizes = (process.env.BENCH_GROWTH ?? '50,200,800').split(',').map(Number);
if (sizes.some((p) => !Number.isInteger(p) || p < 1)) throw new Error(`BENCH_GROWTH must list positive integers, got ${process.env.BENCH_GROWTH}`);
const services = process.env.BENCH_SERVICES ?? '250';

const runs = [];
for (const proxies of sizes) {
  const env = { ...process.env, BENCH_TAR_ONLY: '1', BENCH_PROXIES: String(proxies), BENCH_SERVICES: services, BENCH_SCALE: String(proxies / 200) };
  const run = spawnSync(process.execPath, [join(HERE, 'run.mjs')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`bench at ${proxies} proxies failed (exit ${run.status})`);
  runs.push(JSON.parse(run.stdout.trim().split('\n').pop()));
}

const MB = 1e6;
const rows = [['proxies × services', 'raw MB', '.tar.gz MB', 'gzip -dc s', 'analysis s', 'ratio', 'analysis MB/s', 'peak RSS MiB', 'ms per raw MB']];
for (const r of runs) {
  rows.push([
    `${r.proxies} × ${r.services}`,
    (r.uncompressed / MB).toFixed(0),
    (r.archiveBytes / MB).toFixed(0),
    (r.gzipMs / 1000).toFixed(2),
    (r.wallMs / 1000).toFixed(2),
    (r.wallMs / r.gzipMs).toFixed(2),
    (r.uncompressed / MB / (r.wallMs / 1000)).toFixed(0),
    (r.maxRssKiB / 1024).toFixed(0),
    (r.wallMs / (r.uncompressed / MB)).toFixed(1),
  ]);
}
console.log(`\ngrowth — node ${process.version}, ${process.platform}/${process.arch}; pods, logs and resources scale with the proxies`);
console.log(textTable(rows));
console.log('(linear growth keeps "ms per raw MB" flat; memory bounded by the largest artifact, not the bundle, keeps "peak RSS" flat)');
