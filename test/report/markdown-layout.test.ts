import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { mdLink } from '../../src/report/escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { istioVersionsText } from '../../src/report/report.js';
import { STEPS } from '../../src/rules/rule.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const markdownOf = async (sample: string) => renderMarkdown((await analyzeBundle(join(SAMPLES, sample))).report);

describe('Markdown report layout', () => {
  it('numbers findings in document order: summary rows and sections 1, 2, 3, …', async () => {
    const markdown = await markdownOf('data-plane-503');
    const sectionNumbers = [...markdown.matchAll(/^### (\d+)\. /gm)].map((m) => Number(m[1]));
    const rowNumbers = [...markdown.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1]));
    expect(sectionNumbers.length).toBeGreaterThan(2);
    expect(sectionNumbers).toEqual(sectionNumbers.map((_, i) => i + 1));
    expect(rowNumbers).toEqual(sectionNumbers);
    // configuration (step 2) comes before the sidecar logs (step 4), whatever the severity
    expect(markdown.indexOf('### 1. CFG001')).toBeLessThan(markdown.indexOf('### 2. LOG'));
  });

  it('has a section for every step, saying what was checked, or that no rule checks it yet', async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'healthy'));
    const markdown = renderMarkdown(report);
    for (const title of Object.values(STEPS)) expect(markdown).toContain(`## ${title}\n`);
    const ambient = markdown.slice(markdown.indexOf('## Ambient mode'));
    expect(ambient).toMatch(/^## Ambient mode\n\nNo finding shown \(AMB001, AMB002, AMB003 checked\)/);
    // A step no rule of this version covers (every step has rules today): it says so rather than "nothing found".
    const uncovered = { ...report, sections: report.sections.map((s) => (s.step === 'multi-cluster' ? { ...s, checked: [], notChecked: [] } : s)) };
    expect(renderMarkdown(uncovered).slice(renderMarkdown(uncovered).indexOf('## Multi-cluster'))).toMatch(/^## Multi-cluster\n\nNo rule of this version checks this step yet/);
    const certificates = markdown.slice(markdown.indexOf('## 5 · Certificates and mTLS'));
    expect(certificates).toMatch(/^## 5 · Certificates and mTLS\n\nNo finding shown \(CFG011, CERT001, CERT002, CERT003, CERT004, CERT005 checked\)/);
    expect(certificates).toMatch(/\n### Certificates per proxy\n\nAt collection time, the soonest expiry first:\n\n\| proxy \| SPIFFE id \| not after \| time left \| root \| chain \|\n/);
  });

  it('never escapes a link target', async () => {
    const markdown = await markdownOf('data-plane-503');
    expect(markdown).toContain('<https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags>');
    expect(markdown).not.toMatch(/<https:[^>]*\\/);
    expect(mdLink('https://istio.io/latest/docs/ops/common-problems/network-issues/')).toBe('<https://istio.io/latest/docs/ops/common-problems/network-issues/>');
    expect(mdLink('https://evil.example/x')).toBe('`https://evil.example/x`');
    expect(mdLink('https://istio.io/a> <script>')).toBe('`https://istio.io/a> <script>`');
  });

  it('singular and plural: "1 file used", "1 proxy"', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', 'fixtures', 'mini-bundle'));
    const one = renderMarkdown({ ...report, inventorySummary: { ...report.inventorySummary, used: 1 }, facts: { ...report.facts, proxies: 1 } });
    expect(one).toContain(' · 1 proxy · ');
    expect(one).toContain(' · 1 file used');
    expect(await markdownOf('data-plane-503')).toContain(' · 18 files used');
  });

  it('one timestamp format: RFC 3339 UTC to the second, in the header as in the JSON', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', 'fixtures', 'mini-bundle'));
    expect(report.bundle.collectedAt).toBe('2024-05-14T09:21:07Z');
    expect(renderMarkdown(report)).toMatch(/^# Istio bundle analysis — `mini-bundle` \(newest timestamp in the bundle: 2024-05-14T09:21:07Z\)\n/);
  });

  it('the header names the Istio releases the bundle shows', async () => {
    expect(await markdownOf('data-plane-503')).toMatch(/^\*\*2 critical · 2 high · 1 info\*\* · cluster `shop-prod-eu1` · 6 proxies · Istio 1\.24\.3 · /m);
    expect(istioVersionsText({ controlPlane: ['1.22.3'], dataPlane: ['1.21.2', '1.22.3'] })).toBe('Istio 1.22.3 (control plane), 1.21.2, 1.22.3 (proxies)');
    expect(istioVersionsText({ controlPlane: [], dataPlane: ['1.24.3'] })).toBe('Istio 1.24.3');
    expect(istioVersionsText({ controlPlane: [], dataPlane: [] })).toBeUndefined();
  });
});
