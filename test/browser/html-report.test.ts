/// <reference lib="dom" />
/**
 * The HTML report in a real browser (Debian's Chromium, headless): on every sample it loads with
 * no console error and no request beyond its own file, shows as many findings as the JSON report,
 * draws its charts, and text a hostile bundle planted stays text.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderHtml } from '../../src/report/html/render.js';
import type { Report } from '../../src/report/report.js';
import { tempDir } from '../bundle/helpers.js';
import { launchChromium } from './chromium.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = ['ambient', 'bug-report-503', 'cert-expiry', 'config-faults', 'control-plane-failure', 'data-plane-503', 'healthy', 'sidecar-memory'];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

interface Visit {
  page: Page;
  consoleErrors: string[];
  /** Every request the page made other than loading its own file. */
  requests: string[];
  dialogs: string[];
}

async function open(html: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Visit> {
  const dir = await tempDir('iba-html-');
  const file = join(dir, 'report.html');
  await writeFile(file, html);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const visit: Visit = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') visit.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => visit.consoleErrors.push(String(e)));
  page.on('dialog', (d) => {
    visit.dialogs.push(d.message());
    void d.dismiss();
  });
  await context.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested !== url) visit.requests.push(requested);
    return requested === url ? route.continue() : route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return visit;
}

async function close(visit: Visit): Promise<void> {
  await visit.page.context().close();
}

/** Which charts a report's data calls for: the page must draw each, and no other. */
function expectedCharts(report: Report): string[] {
  const m = report.metrics ?? {};
  return [
    ...(m.traffic || report.timeline.length > 1 ? ['chart-timeline'] : []),
    ...(m.traffic && m.traffic.upstreams.some((u) => u.failed > 0) ? ['chart-traffic'] : []),
    ...(m.sync && m.sync.byType.length > 0 ? ['chart-sync'] : []),
    ...(m.memory ? ['chart-memory'] : []),
  ];
}

describe.each(SAMPLES)('the HTML report of samples/%s in Chromium', (sample) => {
  let report: Report;
  let visit: Visit;
  beforeAll(async () => {
    report = (await analyzeBundle(join(ROOT, 'samples', sample))).report;
    visit = await open(renderHtml(report));
  }, 60_000);
  afterAll(async () => {
    if (visit) await close(visit);
  });

  it('loads with no console error, no network request and no script', async () => {
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([]);
    expect(await visit.page.locator('script').count()).toBe(0);
  });

  it('shows every finding of the JSON report, numbered as it numbers them', async () => {
    const ids = await visit.page.locator('article.finding').evaluateAll((nodes) => nodes.map((n) => `${n.id} ${n.getAttribute('data-fingerprint')}`));
    const expected = [...report.findings].sort((a, b) => a.number - b.number).map((f) => `finding-${f.number} ${f.fingerprint}`);
    expect(ids).toEqual(expected);
    const counts = await visit.page.locator('#summary .count').allTextContents();
    const severities = Object.entries(report.summary).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
    expect(counts).toEqual(severities);
  });

  it('draws the charts its data calls for, each with marks of a visible size', async () => {
    const charts = await visit.page.locator('svg.chart').evaluateAll((nodes) =>
      nodes.map((svg) => {
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('rect, line')].filter((m) => {
          const b = m.getBoundingClientRect();
          return b.width > 0 || b.height > 0;
        });
        return { id: svg.id, width: box.width, height: box.height, marks: marks.length };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(expectedCharts(report));
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(40);
      expect(c.marks, c.id).toBeGreaterThan(3);
    }
  });

  it('links only to istio.io and envoyproxy.io docs, and within the page', async () => {
    const hrefs = await visit.page.locator('a[href]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('href')!));
    for (const href of hrefs) expect(href).toMatch(/^(#finding-\d+|#not-checked|https:\/\/(istio\.io|www\.envoyproxy\.io)\/)/);
    const internal = hrefs.filter((href) => href.startsWith('#'));
    for (const href of new Set(internal)) expect(await visit.page.locator(href).count(), href).toBe(1);
  });
});

describe('the HTML report without JavaScript', () => {
  it('reads the same: every finding, the charts and the evidence are there', async () => {
    const { report } = await analyzeBundle(join(ROOT, 'samples', 'data-plane-503'));
    const visit = await open(renderHtml(report), { javaScriptEnabled: false });
    try {
      expect(await visit.page.locator('article.finding').count()).toBe(report.findings.length);
      expect(await visit.page.locator('svg.chart').count()).toBe(expectedCharts(report).length);
      // Evidence collapsed but present: a click on its summary opens it without any script.
      const evidence = visit.page.locator('article.finding details.evidence').first();
      await evidence.locator('summary').click();
      expect(await evidence.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    } finally {
      await close(visit);
    }
  });
});

/** What a hostile client or a hostile pod name can put into a bundle. */
const POD = 'web-<img src=x onerror=alert(1)>';
const ACCESS_LINE =
  '[2024-05-14T09:21:07.123Z] "GET /a<script>alert(2)</script> HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "\x1b[2J\x1b]0;owned\x07<svg onload=alert(3)>" "0c3bd4f1-7a34-4bd1-9a0f-6c2f0d8f7a11" "reviews:9080" "-" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.110.231.110:9080 10.1.0.223:42990 - default';

describe('a hostile bundle', () => {
  it('stays inert in the page, with or without its Content-Security-Policy', async () => {
    const dir = await tempDir();
    const logDir = join(dir, 'logs', 'bookinfo', POD);
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'istio-proxy.log'), `${ACCESS_LINE}\n${ACCESS_LINE.replace('09:21:07', '09:22:41')}\n`);
    const { report } = await analyzeBundle(dir);
    expect(report.findings.length).toBeGreaterThan(0);
    const html = renderHtml(report);
    expect(html).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    // The policy is the second line of defence: the escaping alone must hold, so test the page without it too.
    const withoutPolicy = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(withoutPolicy).not.toBe(html);
    for (const page of [html, withoutPolicy]) {
      const visit = await open(page);
      try {
        expect(visit.dialogs).toEqual([]);
        expect(visit.requests).toEqual([]);
        expect(await visit.page.locator('script, img, iframe, object, embed, foreignObject').count()).toBe(0);
        expect(await visit.page.locator('svg:not(.chart)').count()).toBe(0);
        const withHandlers = await visit.page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length);
        expect(withHandlers).toBe(0);
        // The planted text is there as text (textContent: the excerpts sit in collapsed evidence).
        const text = (await visit.page.locator('body').textContent()) ?? '';
        expect(text).toContain(POD);
        expect(text).toContain('<script>alert(2)</script>');
        expect(text).not.toContain('\x1b');
      } finally {
        await close(visit);
      }
    }
  }, 60_000);
});
