import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSuppressOption } from '../../src/findings/suppressions.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { memoryChart, MEMORY_ROWS } from '../../src/report/html/charts/memory-chart.js';
import { syncChart } from '../../src/report/html/charts/sync-chart.js';
import { CONTEXT_BEFORE_TRAFFIC_MS, EVENTS_ONLY_WINDOW_MS, timelineChart, timelineDomain } from '../../src/report/html/charts/timeline-chart.js';
import { trafficChart, UPSTREAM_ROWS } from '../../src/report/html/charts/traffic-chart.js';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../../src/report/html/render.js';
import type { Metrics } from '../../src/report/metrics/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const analyse = async (sample: string, options = {}) => (await analyzeBundle(join(ROOT, 'samples', sample), options)).report;

/** The tooltips (`<title>`) of a chart's marks: what a reader hovering it is told. */
function tooltips(svg: string): string[] {
  return [...svg.matchAll(/<(?:rect|line)[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]!);
}

describe('the HTML page', () => {
  it('forbids every fetch and every script in its Content-Security-Policy, before any content', async () => {
    const html = renderHtml(await analyse('data-plane-503'));
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe-eval|https?:/);
    const head = html.slice(0, html.indexOf('<title>'));
    expect(head).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
  });

  it('lists the root causes first: findings that explain others and are explained by none', async () => {
    const report = await analyse('cert-expiry');
    const html = renderHtml(report);
    const roots = report.findings.filter((f) => (f.explains?.length ?? 0) > 0 && !f.causedBy);
    expect(roots.length).toBeGreaterThan(0);
    const section = html.slice(html.indexOf('<h3>Root causes</h3>'), html.indexOf('<h3>Top findings</h3>'));
    for (const f of roots) expect(section).toContain(`<a href="#finding-${f.number}">#${f.number} ${f.ruleId}</a>`);
    for (const f of report.findings.filter((f) => f.causedBy)) expect(section).not.toContain(`#finding-${f.number}"`);
  });

  it('shows suppressed findings with the reason and source, and expired suppressions as not applied', async () => {
    const active = parseSuppressOption('LOG005=Deployment bookinfo/*');
    const expired = { rule: 'LOG001', reason: 'agreed until the upgrade', expires: '2025-04-01', source: 'suppressions.yaml entry 1 (line 2)' };
    const report = await analyse('data-plane-503', { findings: { suppressions: [active, expired] } });
    const html = renderHtml(report);
    expect(html).toContain('<span class="count sev-suppressed">1 suppressed</span>');
    const section = html.slice(html.indexOf('<section id="suppressed">'));
    expect(section).toContain('<td>LOG005</td>');
    expect(section).toContain('<td>Deployment bookinfo/details-v1</td>');
    expect(section).toContain('<code>--suppress LOG005=Deployment bookinfo/*</code>');
    expect(section).toMatch(/Expired before the bundle was collected \(2025-04-22T14:08:33Z\), so <strong>not applied<\/strong>.*<td>LOG001<\/td><td>2025-04-01<\/td><td>1 finding<\/td><td>agreed until the upgrade<\/td>/s);
    expect(html).toContain('<article class="finding high" id="finding-');
    expect(html).not.toMatch(/<article[^>]*>\n<h3>\d+\. LOG005 /);
  });
});

describe('the timeline chart', () => {
  it('draws requests and failures per minute with their numbers, and each dated event', async () => {
    const report = await analyse('data-plane-503');
    const svg = timelineChart(report)!;
    const tips = tooltips(svg);
    for (const m of report.metrics!.traffic!.minutes) expect(tips).toContain(`${m.minute} UTC: ${m.requests} requests, ${m.failed} failed`);
    for (const e of report.timeline) expect(tips).toContain(`${e.time}: ${e.what}`);
    expect(svg).toContain(`${report.metrics!.traffic!.minutes.length} minutes of access-log traffic and ${report.timeline.length} dated events.`);
  });

  it(`widens the span to events up to ${CONTEXT_BEFORE_TRAFFIC_MS / 60_000} min before the traffic, and leaves earlier ones to the table`, async () => {
    const report = await analyse('data-plane-503');
    const first = Date.parse(`${report.metrics!.traffic!.minutes[0]!.minute}:00Z`);
    const at = (ms: number) => new Date(first - ms).toISOString();
    const event = (time: string, what: string) => ({ ...report.timeline[0]!, time, what, kind: 'certificate-expired' as const });
    const svg = timelineChart({ ...report, timeline: [event(at(CONTEXT_BEFORE_TRAFFIC_MS + 1000), 'too early'), event(at(CONTEXT_BEFORE_TRAFFIC_MS), 'at the edge'), ...report.timeline] })!;
    expect(svg).not.toContain('too early');
    expect(svg).toContain('at the edge');
    expect(svg).toContain('1 earlier events are in the timeline table only');
    // The edge event starts the axis: its line is at the plot's left.
    expect(svg).toMatch(/<line x1="52" y1="40" x2="52" y2="210" class="event ev-cert"><title>[^<]*at the edge/);
  });

  it(`without traffic, draws the events of the last ${EVENTS_ONLY_WINDOW_MS / 3_600_000} h`, () => {
    const end = Date.parse('2025-09-15T03:10:00Z');
    expect(timelineDomain([], [end - EVENTS_ONLY_WINDOW_MS - 1, end - 5000, end])).toEqual([end - EVENTS_ONLY_WINDOW_MS, end]);
    expect(timelineDomain([], [end - EVENTS_ONLY_WINDOW_MS, end])).toEqual([end - EVENTS_ONLY_WINDOW_MS, end]);
    expect(timelineDomain([], [end])).toBeUndefined();
  });

  it('is absent when there is nothing over time', async () => {
    const report = await analyse('healthy');
    expect(timelineChart({ ...report, metrics: {}, timeline: report.timeline.slice(0, 1) })).toBeUndefined();
  });
});

describe('the traffic chart', () => {
  const minute = (m: string, requests: number, failed: number) => ({ minute: m, requests, failed });
  const upstream = (name: string, failed: number) => ({ upstream: name, requests: 10, failed, byFlag: (failed > 0 ? { UH: failed } : {}) as Record<string, number>, minutes: [minute('2025-04-22T14:00', 10, failed)] });
  const traffic = (upstreams: ReturnType<typeof upstream>[]): NonNullable<Metrics['traffic']> => ({
    requests: upstreams.length * 10,
    failed: upstreams.reduce((n, u) => n + u.failed, 0),
    minutes: [minute('2025-04-22T14:00', upstreams.length * 10, upstreams.reduce((n, u) => n + u.failed, 0))],
    upstreams,
    upstreamsOmitted: 0,
    uncounted: 0,
  });

  it('has a row per upstream with failures, its share and flags, none for upstreams without', () => {
    const svg = trafficChart(traffic([upstream('outbound|9080||reviews.shop.svc.cluster.local', 4), upstream('outbound|9080||details.shop.svc.cluster.local', 0), upstream('-', 2)]))!;
    expect(svg).toContain('outbound|9080||reviews.shop.svc.cluster.local — 4 of 10 failed (40 %) · flags UH 4');
    expect(svg).toContain('(no upstream cluster) — 2 of 10 failed (20 %) · flags UH 2');
    expect(svg).not.toContain('details.shop');
  });

  it(`draws at most ${UPSTREAM_ROWS} upstreams and says how many more are in the JSON report`, () => {
    const many = Array.from({ length: UPSTREAM_ROWS + 1 }, (_, i) => upstream(`outbound|80||svc-${i}.shop.svc.cluster.local`, 1));
    const svg = trafficChart(traffic(many))!;
    expect(svg.match(/class="row-label"/g)).toHaveLength(UPSTREAM_ROWS);
    expect(svg).toContain('; 1 more upstreams with failures are in the JSON report');
    expect(trafficChart(traffic(many.slice(0, UPSTREAM_ROWS)))).not.toContain('more upstreams');
  });

  it('is absent when nothing failed', () => {
    expect(trafficChart(traffic([upstream('outbound|80||a.shop.svc.cluster.local', 0)]))).toBeUndefined();
    expect(trafficChart(undefined)).toBeUndefined();
  });
});

describe('the sync and memory charts', () => {
  it('stacks each xDS type by status, with the counts in the tooltips', () => {
    const svg = syncChart({ proxies: 3, byType: [{ type: 'CDS', statuses: { STALE: 1, SYNCED: 2 } }], stale: ['web-1.shop'] })!;
    expect(tooltips(svg)).toEqual(['CDS: 1 of 3 proxies STALE', 'CDS: 2 of 3 proxies SYNCED']);
    expect(svg).toContain('3 proxies; 1 with a STALE type.');
  });

  it('shows each proxy against its limit and estimate, istiod first, the largest proxies kept', async () => {
    const report = await analyse('sidecar-memory');
    const svg = memoryChart(report.metrics!.memory)!;
    const tips = tooltips(svg);
    expect(tips[0]).toBe('istiod istio-system/istiod-6b9c8d7f5-kx2vq: 698 MiB (kubectl top), no limit known');
    const checkout = report.metrics!.memory!.proxies.find((p) => p.proxy === 'shop/checkout-6d9f7c7b5-k2x8p')!;
    const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
    expect(tips).toContain(`shop/checkout-6d9f7c7b5-k2x8p: 2310 MiB (kubectl top working set), limit ${mib(checkout.limitBytes!)}, estimate ${mib(checkout.estimateBytes!)}`);
    const proxies = Array.from({ length: MEMORY_ROWS + 2 }, (_, i) => ({ proxy: `shop/web-${String(i).padStart(2, '0')}`, workingSetBytes: (i + 1) * 1048576 }));
    const capped = memoryChart({ proxies, istiod: [] })!;
    expect(capped.match(/class="bar-mem"><title>/g)).toHaveLength(MEMORY_ROWS);
    expect(capped).not.toContain('shop/web-00:');
    expect(capped).toContain(`; 2 smaller proxies are in the JSON report`);
  });
});
