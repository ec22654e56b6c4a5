// Runs analyzeBundle once on argv[2] in its own process, so that its peak RSS is its own (parsing
// threads included: they share the process), and prints one JSON line: { wallMs, maxRssKiB, threads,
// findings, summary, inventorySummary }. BENCH_THREADS sets the parsing threads as the CLI's --threads
// does (default: the cores, at most 8; 0 reads everything on the main thread).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { analyzeBundle } from '../dist/pipeline.js';

const threads = process.env.BENCH_THREADS === undefined ? Math.min(availableParallelism(), 8) : Number(process.env.BENCH_THREADS);
// dist/bin.js is the CLI's entry file, which serves as a parsing thread when started as one.
const options = threads > 0 ? { threads: { threads, script: new URL('../dist/bin.js', import.meta.url) } } : {};

const source = process.argv[2];
if (!source) {
  console.error('usage: node bench/analyze-child.mjs <bundle.tar.gz | folder>');
  process.exit(2);
}
const start = performance.now();
const { report } = await analyzeBundle(source, options);
const wallMs = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({
    wallMs,
    maxRssKiB: process.resourceUsage().maxRSS,
    threads,
    findings: report.findings.length,
    summary: report.summary,
    inventorySummary: report.inventorySummary,
    rules: report.findings.map((f) => f.ruleId).reduce((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {}),
  })}\n`,
);
