import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/report.js';
import { tempDir } from '../bundle/helpers.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';

/**
 * A 200-proxy mesh where every sidecar sees `no healthy upstream` for reviews: the LOG002 fixture's
 * sleep sidecar log (9 of its 12 requests UH to reviews), copied for 200 replicas with only the pod
 * name changed; the first 20 replicas see one UH more (the reviews line before it made UH too), so
 * "most affected first" has an order to keep.
 */
const SOURCE = join(import.meta.dirname, '..', 'rules', 'LOG002', 'fires-majority-critical', 'bundle', 'logs', 'default', 'sleep-9454cc476-qv8fz', 'istio-proxy.log');
const PODS = 200;
const WORSE = 20;
const podName = (i: number) => `sleep-9454cc476-${String(i).padStart(5, '0')}`;

let report: Report;

beforeAll(async () => {
  const log = await readFile(SOURCE, 'utf8');
  const lines = log.split('\n');
  const uh = lines.find((l) => l.includes(' 503 UH '))!;
  const okAt = lines.findIndex((l) => l.includes('outbound|9080||reviews') && l.includes('" 200 '));
  const worse = lines.map((l, i) => (i === okAt ? uh.replace(/^\[[^\]]+\]/, l.slice(0, l.indexOf(']') + 1)) : l)).join('\n');
  const root = await tempDir('ibundle-grouped-');
  for (let i = 0; i < PODS; i++) {
    const dir = join(root, 'logs', 'default', podName(i));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'istio-proxy.log'), (i >= PODS - WORSE ? worse : log).replaceAll('sleep-9454cc476-qv8fz', podName(i)));
  }
  ({ report } = await analyzeBundle(root));
}, 60_000);

describe('symptoms grouped by their shared target', () => {
  it('200 sidecars failing toward one host give one LOG002 finding about that Service, not 200', () => {
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const log002 = report.findings.filter((f) => f.ruleId === 'LOG002');
    expect(log002).toHaveLength(1);
    const [finding] = log002;
    expect(finding!.subject).toEqual({ kind: 'Service', namespace: 'bookinfo', name: 'reviews' });
    expect(finding!.severity).toBe('critical');
    expect(finding!.explanation).toContain(`200 pods found no healthy endpoint of \`reviews.bookinfo.svc.cluster.local\` in ${180 * 9 + 20 * 10} of their 2400 requests`);
  });

  it('keeps every pod in the JSON, the most affected first, with its own count, requests and times', () => {
    const finding = report.findings.find((f) => f.ruleId === 'LOG002')!;
    const occurrences = finding.occurrences!;
    expect(occurrences).toHaveLength(PODS);
    expect(occurrences.slice(0, WORSE).map((o) => o.subject.name)).toEqual(Array.from({ length: WORSE }, (_, i) => podName(PODS - WORSE + i)));
    expect(occurrences.slice(0, WORSE).every((o) => o.count === 10)).toBe(true);
    expect(occurrences.slice(WORSE).every((o) => o.count === 9 && o.requests === 12)).toBe(true);
    expect(occurrences[0]).toMatchObject({ subject: { kind: 'Pod', namespace: 'default' }, firstTime: expect.stringMatching(/^2024-11-05T/), evidence: { path: `logs/default/${podName(PODS - WORSE)}/istio-proxy.log` } });
    // the explanation names the worst five and counts the rest
    expect(finding.explanation).toContain(`Most affected: \`default/${podName(180)}\` (10)`);
    expect(finding.explanation).toContain('and 195 more pods');
  });

  it('the Markdown shows ten pods of the table and says where the rest are', () => {
    const md = renderMarkdown(report);
    const table = md.slice(md.indexOf('| seen at | count | of requests | first | last |'));
    expect(table.split('\n').filter((l) => l.startsWith('| default/')).length).toBe(10);
    expect(md).toContain('…and 190 more (every one is in the JSON report');
  });
});
