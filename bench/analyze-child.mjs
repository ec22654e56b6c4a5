// Runs analyzeBundle once on argv[2] in its own process, so that its peak RSS is its own, and prints
// one JSON line: { wallMs, maxRssKiB, findings, summary, inventorySummary }.
import { performance } from 'node:perf_hooks';
import { analyzeBundle } from '../dist/pipeline.js';

const source = process.argv[2];
if (!source) {
  console.error('usage: node bench/analyze-child.mjs <bundle.tar.gz | folder>');
  process.exit(2);
}
const start = performance.now();
const { report } = await analyzeBundle(source);
const wallMs = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({
    wallMs,
    maxRssKiB: process.resourceUsage().maxRSS,
    findings: report.findings.length,
    summary: report.summary,
    inventorySummary: report.inventorySummary,
    rules: report.findings.map((f) => f.ruleId).reduce((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {}),
  })}\n`,
);
