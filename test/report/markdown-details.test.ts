import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderHtml } from '../../src/report/html/render.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/report.js';
import { htmlRows, mdSection } from './helpers.js';

/**
 * Cells and lines of the Markdown report a support engineer reads first (title, headline, the
 * confidential table) and the tables some bundles only have (certificates without a workload
 * certificate, collection failures without stderr, file names with a pipe). Reports are real
 * analyses; where a case needs it, one field of the report is changed.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = join(ROOT, 'samples');

describe('a bundle holding secrets (test/fixtures/secret-corpus)', () => {
  let report: Report;
  beforeAll(async () => {
    ({ report } = await analyzeBundle(join(ROOT, 'test', 'fixtures', 'secret-corpus')));
  });

  it('names the newest timestamp as the time when the bundle has no manifest, and counts invalid and unrecognised files', () => {
    const [title, , headline] = renderMarkdown(report).split('\n');
    expect(title).toBe(`# Istio bundle analysis — \`secret-corpus\` (newest timestamp in the bundle: ${report.bundle.collectedAt})`);
    expect(report.bundle.collectedAtSource).not.toBe('manifest');
    expect(headline).toBe('**2 high · 1 medium** · Istio 1.24.2 · 7 files used, 1 invalid, 3 not recognised · layout: plain');
  });

  it('leaves the line cell empty for a Secret listed in JSON, whose values have no line of their own', () => {
    // The engineer goes to the line shown: a made-up one (or "undefined") would send them to the wrong place.
    const rows = renderMarkdown(report)
      .split('\n')
      .filter((line) => line.startsWith('> | `kubectl-get-secret.'));
    expect(rows).toEqual([
      '> | `kubectl-get-secret.json` | private key (PRIVATE KEY, base64 of PEM) | 29 |',
      '> | `kubectl-get-secret.json` | secret values (Secret shop/db-credentials: config.properties, password, username) |  |',
      '> | `kubectl-get-secret.json` | secret values (Secret shop/frontend-tls: tls.key) |  |',
      '> | `kubectl-get-secret.json` | secret values (Secret shop/registry-pull: .dockerconfigjson) |  |',
      '> | `kubectl-get-secret.yaml` | private key (PRIVATE KEY, base64 of PEM) | 23 |',
      '> | `kubectl-get-secret.yaml` | secret values (Secret shop/db-credentials: config.properties, password, username) | 3 |',
      '> | `kubectl-get-secret.yaml` | secret values (Secret shop/frontend-tls: tls.key) | 19 |',
      '> | `kubectl-get-secret.yaml` | secret values (Secret shop/registry-pull: .dockerconfigjson) | 32 |',
    ]);
  });

  it('counts skipped files in the headline', () => {
    // Skipped entries (symlinks, entries outside the bundle) are files the customer sent that were not read.
    const headline = renderMarkdown({ ...report, inventorySummary: { ...report.inventorySummary, skipped: 2 } }).split('\n')[2];
    expect(headline).toBe('**2 high · 1 medium** · Istio 1.24.2 · 7 files used, 1 invalid, 3 not recognised, 2 skipped · layout: plain');
  });
});

describe('the header without a collection time', () => {
  it('names the bundle only, never an empty or undefined time', async () => {
    const { report } = await analyzeBundle(join(ROOT, 'test', 'rules', 'CFG001', 'quiet-no-validation-issues', 'bundle'));
    expect(report.bundle.collectedAt).toBeNull();
    expect(renderMarkdown(report).split('\n')[0]).toBe('# Istio bundle analysis — `bundle`');
  });
});

describe('samples/healthy, one field changed', () => {
  let report: Report;
  beforeAll(async () => {
    ({ report } = await analyzeBundle(join(SAMPLES, 'healthy')));
  });

  it('a proxy without a workload certificate has empty "not after" and "time left" cells', () => {
    // A proxy that trusts the mesh root but never got its own certificate: nothing expires, nothing to show.
    const [first, second] = report.certificates!;
    const { notAfter: _n, timeLeft: _t, expired: _e, spiffeId: _s, ...rootsOnly } = second!;
    const md = renderMarkdown({ ...report, certificates: [first!, rootsOnly] });
    expect(mdSection(md, '### Certificates per proxy').slice(1)).toEqual([
      '| proxy | SPIFFE id | not after | time left | root | chain |',
      '|---|---|---|---|---|---|',
      '| `productpage-v1-54bb874995-9xq7d.bookinfo` | `spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage` | 2025-03-12T03:15:00Z | 17 h 32 min left | matches the mesh root | verifies |',
      '| `istio-ingressgateway-5c9f8b6d7-m4tqz.istio-system` |  |  |  | matches the mesh root | verifies |',
    ]);
    expect(htmlRows(renderHtml({ ...report, certificates: [first!, rootsOnly] }), '<h3>Certificates per proxy</h3>')[1]).toEqual([
      '<code>istio-ingressgateway-5c9f8b6d7-m4tqz.istio-system</code>',
      '',
      '',
      '',
      'matches the mesh root',
      'verifies',
    ]);
  });

  it('a collection failure without stderr: its table after the findings, with "—" for the stderr', () => {
    // Something was analysed, so the failures do not lead the report: they come after Not checked.
    const failed: Report = { ...report, collectionFailures: [{ path: 'istio/proxy-status.txt', command: 'istioctl proxy-status', exitCode: 124, ending: '124 (timed out)' }] };
    const md = renderMarkdown(failed);
    expect(md).not.toContain('Nothing in this bundle could be analysed');
    const headings = md.split('\n').filter((line) => line.startsWith('## '));
    expect(headings.slice(-3)).toEqual(['## Not checked', '## Collection failures', '## Inventory']);
    expect(mdSection(md, '## Collection failures')).toEqual([
      'Commands the collector ran that did not succeed (from `manifest.json`):',
      '| file | command | exit | stderr |',
      '|---|---|---|---|',
      '| `istio/proxy-status.txt` | `istioctl proxy-status` | 124 (timed out) | — |',
    ]);
    expect(htmlRows(renderHtml(failed), '<section id="collection-failures">')).toEqual([['<code>istio/proxy-status.txt</code>', '<code>istioctl proxy-status</code>', '124 (timed out)', '—']]);
  });

  it('a step the collector skipped: its own table, with why', () => {
    // The collector's reason is what tells the engineer whether to ask for the file again.
    const skipped: Report = { ...report, collectionSkipped: [{ path: 'istio/proxy-status.txt', reason: 'istioctl not on PATH (istiod debug/syncz collected instead)' }] };
    expect(mdSection(renderMarkdown(skipped), '## Collection failures')).toEqual([
      'Steps the collector skipped:',
      '| file | why |',
      '|---|---|',
      '| `istio/proxy-status.txt` | istioctl not on PATH (istiod debug/syncz collected instead) |',
    ]);
  });

  it('a used file whose name holds a pipe stays one row of the files-used table', () => {
    // Entry names come from the customer's archive; a `|` must not split the row into extra cells.
    const inventory = report.inventory.map((item) => (item.path === 'manifest.json' ? { ...item, path: 'notes|manifest.json' } : item));
    expect(inventory.some((item) => item.path === 'notes|manifest.json' && item.status === 'used')).toBe(true);
    const row = renderMarkdown({ ...report, inventory })
      .split('\n')
      .find((line) => line.includes('manifest.json` |'));
    expect(row).toBe('| `notes\\|manifest.json` | bundle.manifest | path |');
  });
});
