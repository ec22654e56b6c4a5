/** Scenarios a review of the architecture work found: each failed before its fix. */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { tempDir, writeTree } from '../bundle/helpers.js';
import { undeclaredReportFields } from '../helpers/report-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CONTROL_PLANE = join(ROOT, 'samples', 'control-plane-failure');

/** kubectl top without --containers: one row per pod, the same istiod as the sample's own top file. */
const SECOND_TOP = 'NAME                                   CPU(cores)   MEMORY(bytes)   \nistiod-7d4b9c6f8-hm2xr                 1912m        8000Mi          \n';

describe('two reports of one problem', () => {
  it('get distinct fingerprints, numbers 1..n, and each is sized from its own top row', async () => {
    const dir = await tempDir();
    await cp(CONTROL_PLANE, dir, { recursive: true });
    await writeFile(join(dir, 'top.txt'), SECOND_TOP);
    const { report } = await analyzeBundle(dir);
    const fps = report.findings.map((f) => f.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
    expect(report.findings.map((f) => f.number).sort((a, b) => a - b)).toEqual(report.findings.map((_, i) => i + 1));
    const cp004 = report.findings.filter((f) => f.ruleId === 'CP004');
    expect(cp004.map((f) => f.title).sort()).toEqual(['istiod istiod-7d4b9c6f8-hm2xr uses 4712 MiB, above 4 GiB', 'istiod istiod-7d4b9c6f8-hm2xr uses 8000 MiB, above 4 GiB']);
    const eightGi = cp004.find((f) => f.title.includes('8000 MiB'))!;
    expect(eightGi.commands[0]).toBe('kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=12Gi --requests=memory=8Gi');
    const markdown = renderMarkdown(report);
    const headings = [...markdown.matchAll(/^### (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(headings).toEqual(headings.map((_, i) => i + 1));
  });
});

describe('a proxy listed by two istiod replicas', () => {
  it('is STALE if either listing says so', async () => {
    const fixture = join(ROOT, 'test', 'rules', 'CP001', 'fires-stale-on-second-istiod-replica', 'bundle');
    const stale = JSON.parse(await readFile(join(fixture, 'istio', 'istio-system', 'istiod-5d8f7c9b6-r7mtd', 'debug', 'syncz'), 'utf8')) as Array<Record<string, string>>;
    const synced = stale.map((p) => ({ ...p, cluster_acked: p.cluster_sent! }));
    const dir = await tempDir();
    await cp(fixture, dir, { recursive: true });
    // a replica whose name sorts first lists the same proxies, synced
    await writeTree(dir, { 'istio/istio-system/istiod-5d8f7c9b6-bkzqm/debug/syncz': JSON.stringify(synced) });
    const { report } = await analyzeBundle(dir);
    expect(report.findings.filter((f) => f.ruleId === 'CP001' && f.title.includes('STALE')).length).toBeGreaterThan(0);
  });
});

describe('CP001 and its cause when istiod runs outside istio-system (no manifest)', () => {
  it('names the istiod pod in its namespace and links to its CP003', async () => {
    const dir = await tempDir();
    const pods = (await readFile(join(CONTROL_PLANE, 'kubernetes', 'pods', 'istio-system.json'), 'utf8')).replaceAll('"namespace": "istio-system"', '"namespace": "istio-control"');
    await writeTree(dir, { 'pods.json': pods, 'proxy-status.txt': await readFile(join(CONTROL_PLANE, 'istio', 'proxy-status.txt'), 'utf8') });
    const { report } = await analyzeBundle(dir);
    const cp001 = report.findings.find((f) => f.ruleId === 'CP001')!;
    expect(cp001.subject).toEqual({ kind: 'Pod', namespace: 'istio-control', name: 'istiod-7d4b9c6f8-hm2xr' });
    const causes = report.findings.filter((f) => cp001.causedBy?.includes(f.fingerprint));
    expect(causes.map((f) => f.ruleId)).toEqual(['CP003']);
  });
});

describe('suppression', () => {
  it('drops the links to what it suppressed, and Markdown lists what was suppressed', async () => {
    const { report: full } = await analyzeBundle(CONTROL_PLANE);
    const causes = full.findings.filter((f) => ['CP003', 'CP004', 'CP009'].includes(f.ruleId));
    const suppressions = causes.map((f, i) => ({ rule: f.ruleId, fingerprint: f.fingerprint, reason: 'discussed in ticket 4711', source: `test entry ${i + 1}` }));
    const { report } = await analyzeBundle(CONTROL_PLANE, { findings: { suppressions } });
    expect(report.findings.find((f) => f.ruleId === 'CP001')?.causedBy).toBeUndefined();
    expect(report.suppressed).toHaveLength(causes.length);
    expect(undeclaredReportFields(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Suppressed');
    const cp004 = causes.find((f) => f.ruleId === 'CP004')!;
    const cp004Source = suppressions.find((s) => s.fingerprint === cp004.fingerprint)!.source;
    expect(markdown).toContain(`| CP004 | ${cp004.title} | \`${cp004.fingerprint}\` | ${cp004.subject.kind} ${cp004.subject.namespace}/${cp004.subject.name} | discussed in ticket 4711 | \`${cp004Source}\` | — |`);
  });
});

describe('the parse budget', () => {
  it('gives back what an unreadable document reserved', async () => {
    const dir = await tempDir();
    const valid = await readFile(join(CONTROL_PLANE, 'kubernetes', 'pods', 'istio-system.json'), 'utf8');
    const broken = valid.slice(0, 2000); // a truncated copy: recognised as pods, then not parseable
    await writeTree(dir, { 'a-broken.json': broken, 'b-pods.json': valid });
    const limits = { ...DEFAULT_LIMITS, maxParsedBytes: Buffer.byteLength(valid) + 100 };
    const ingest = new BundleIngest(limits);
    await readBundle(dir, limits, ingest);
    expect(ingest.inventory.find((i) => i.path === 'a-broken.json')).toMatchObject({ status: 'invalid' });
    expect(ingest.inventory.find((i) => i.path === 'b-pods.json')).toMatchObject({ status: 'used', kind: 'kubectl.pods' });
    expect(ingest.keptBytes).toBe(Buffer.byteLength(valid));
  });
});

describe('the report schema check', () => {
  it('sees an undeclared field on an inventory item too', async () => {
    const { report } = await analyzeBundle(CONTROL_PLANE);
    const json = JSON.parse(JSON.stringify(report)) as { inventory: Array<Record<string, unknown>> };
    json.inventory[0]!.bogus = 1;
    expect(undeclaredReportFields(json)).toEqual(['/inventory/0/bogus']);
  });
});
