import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSuppressionsFile } from '../../src/findings/suppressions.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { CERTIFICATE_ROWS_SHOWN } from '../../src/report/certificate-table.js';
import { renderHtml } from '../../src/report/html/render.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { OCCURRENCES_SHOWN, type Report } from '../../src/report/report.js';
import { htmlRows, mdSection } from './helpers.js';

/**
 * The sections a report has only sometimes (suppressions, long lists cut short, caveats), as
 * Markdown and HTML write them. The reports are real analyses of the samples; a long list is made
 * by repeating one of its real rows.
 */
const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

describe('suppressions, as the report lists them', () => {
  let report: Report;
  beforeAll(async () => {
    const suppressions = parseSuppressionsFile(
      [
        'suppressions:',
        '  - rule: LOG002',
        '    subject: "Service bookinfo/*"',
        '    reason: "ticket 1234"',
        '    expires: 2027-01-15',
        '  - rule: LOG001',
        '    subject: "Service ratings.bookinfo"',
        '    reason: "ticket 999"',
        '    expires: 2025-04-21',
        '  - rule: CP001',
        '    subject: "Pod istio-system/*"',
        '    reason: "from last month\'s bundle"',
        '',
      ].join('\n'),
      's.yaml',
    );
    ({ report } = await analyzeBundle(join(SAMPLES, 'data-plane-503'), { findings: { suppressions, collectedAt: '2025-04-22T14:08:33Z' } }));
  });

  it('Markdown: the suppressed finding, the expired suppression and the one that matched nothing, each in its table', () => {
    expect(mdSection(renderMarkdown(report), '## Suppressed')).toEqual([
      'Findings already discussed, left out of the counts above and of `--fail-on`:',
      '| rule | finding | fingerprint | where | why | suppressed by | expires |',
      '|---|---|---|---|---|---|---|',
      '| LOG002 | no healthy upstream for reviews.bookinfo.svc.cluster.local seen by productpage-v1-54bb874995-9xq7d | `1218ba71e3929107` | Service bookinfo/reviews | ticket 1234 | `s.yaml entry 1 (line 2)` | 2027-01-15 |',
      'Expired before the bundle was collected (2025-04-22T14:08:33Z), so **not applied** (their findings are reported above):',
      '| suppression | expired | would suppress | why | from |',
      '|---|---|---|---|---|',
      '| LOG001 `Service ratings.bookinfo` | 2025-04-21 | 1 finding | ticket 999 | `s.yaml entry 2 (line 6)` |',
      'Matched no finding of this bundle (stale, or meant for another bundle):',
      '| suppression | why | from |',
      '|---|---|---|',
      "| CP001 `Pod istio-system/*` | from last month's bundle | `s.yaml entry 3 (line 10)` |",
    ]);
  });

  it('HTML: the same three tables', () => {
    const html = renderHtml(report);
    expect(htmlRows(html, 'Findings already discussed')).toEqual([
      ['LOG002', 'no healthy upstream for reviews.bookinfo.svc.cluster.local seen by productpage-v1-54bb874995-9xq7d', '<code>1218ba71e3929107</code>', 'Service bookinfo/reviews', 'ticket 1234', '<code>s.yaml entry 1 (line 2)</code>', '2027-01-15'],
    ]);
    expect(htmlRows(html, 'Expired before the bundle was collected (2025-04-22T14:08:33Z)')).toEqual([['LOG001 <code>Service ratings.bookinfo</code>', '2025-04-21', '1 finding', 'ticket 999', '<code>s.yaml entry 2 (line 6)</code>']]);
    expect(htmlRows(html, 'Matched no finding of this bundle (stale, or meant for another bundle):')).toEqual([['CP001 <code>Pod istio-system/*</code>', 'from last month&#39;s bundle', '<code>s.yaml entry 3 (line 10)</code>']]);
  });

  it('with only a stale suppression, says that none was suppressed; without any, has no such section', async () => {
    const suppressions = parseSuppressionsFile('suppressions:\n  - rule: CP001\n    reason: stale\n', 's.yaml');
    const { report: stale } = await analyzeBundle(join(SAMPLES, 'data-plane-503'), { findings: { suppressions } });
    expect(mdSection(renderMarkdown(stale), '## Suppressed')).toEqual([
      'No finding was suppressed.',
      'Matched no finding of this bundle (stale, or meant for another bundle):',
      '| suppression | why | from |',
      '|---|---|---|',
      '| CP001 | stale | `s.yaml entry 1 (line 2)` |',
    ]);
    expect(renderHtml(stale)).toContain('<section id="suppressed"><h2>Suppressed</h2>\n<p>No finding was suppressed.</p>\n<p>Matched no finding');
    const { report: plain } = await analyzeBundle(join(SAMPLES, 'data-plane-503'));
    expect(renderMarkdown(plain)).not.toContain('## Suppressed');
    expect(renderHtml(plain)).not.toContain('<section id="suppressed">');
  });
});

describe('long lists are cut, saying how much is left out', () => {
  let base: Report;
  beforeAll(async () => {
    ({ report: base } = await analyzeBundle(join(SAMPLES, 'data-plane-503')));
  });

  /** The report with its timeline made of `n` copies of its first event, a second apart. */
  function withTimeline(n: number): Report {
    const first = base.timeline[0]!;
    const start = Date.parse('2025-04-22T10:00:00Z');
    return { ...base, timeline: Array.from({ length: n }, (_, i) => ({ ...first, time: new Date(start + i * 1000).toISOString(), what: `event ${i + 1}` })) };
  }

  it('the Markdown timeline shows 40 events whole; of 41, the first and last 20 around a count of the rest', () => {
    const rows = (report: Report) => mdSection(renderMarkdown(report), '## Timeline').filter((line) => line.startsWith('| ') && !line.startsWith('| time '));
    expect(rows(withTimeline(40))).toHaveLength(40);
    const cut = rows(withTimeline(41));
    expect(cut).toHaveLength(41);
    expect(cut[19]).toContain('| event 20 |');
    expect(cut[20]).toBe("| … | 1 more events (every one is in the JSON report's `timeline`) | | |");
    expect(cut[21]).toContain('| event 22 |');
    expect(cut[40]).toContain('| event 41 |');
    const many = rows(withTimeline(100));
    expect(many[20]).toBe("| … | 60 more events (every one is in the JSON report's `timeline`) | | |");
    expect(many[21]).toContain('| event 81 |');
  });

  it(`HTML shows ${OCCURRENCES_SHOWN} occurrences of a finding and counts the rest`, () => {
    const finding = base.findings.find((f) => (f.occurrences?.length ?? 0) > 0)!;
    const occurrence = finding.occurrences![0]!;
    const page = (n: number) => renderHtml({ ...base, findings: base.findings.map((f) => (f === finding ? { ...f, occurrences: Array.from({ length: n }, () => occurrence) } : f)) });
    expect(page(OCCURRENCES_SHOWN)).not.toContain('more (every one is in the JSON report');
    const cut = page(OCCURRENCES_SHOWN + 3);
    const article = cut.slice(cut.indexOf(`id="finding-${finding.number}"`));
    expect(htmlRows(article, '<table class="occurrences">')).toHaveLength(OCCURRENCES_SHOWN);
    expect(cut).toContain("<p>…and 3 more (every one is in the JSON report's <code>occurrences</code>).</p>");
  });

  it(`the certificate table shows ${CERTIFICATE_ROWS_SHOWN} proxies and says how many there are`, async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'cert-expiry'));
    const row = report.certificates![0]!;
    const rows = (n: number) => ({ ...report, certificates: Array.from({ length: n }, (_, i) => ({ ...row, proxy: `proxy-${i + 1}.shop` })) });
    const md = (n: number) => mdSection(renderMarkdown(rows(n)), '### Certificates per proxy');
    expect(md(CERTIFICATE_ROWS_SHOWN)[0]).toBe('At collection time, the soonest expiry first:');
    expect(md(CERTIFICATE_ROWS_SHOWN + 1)[0]).toBe(`At collection time, the soonest expiry first (${CERTIFICATE_ROWS_SHOWN} of ${CERTIFICATE_ROWS_SHOWN + 1}; the JSON report has every row):`);
    expect(md(CERTIFICATE_ROWS_SHOWN + 1).filter((line) => line.startsWith('| `proxy-'))).toHaveLength(CERTIFICATE_ROWS_SHOWN);
    const html = renderHtml(rows(CERTIFICATE_ROWS_SHOWN + 1));
    expect(html).toContain(`<p>At collection time, the soonest expiry first (${CERTIFICATE_ROWS_SHOWN} of ${CERTIFICATE_ROWS_SHOWN + 1}; the JSON report has every row):</p>`);
    expect(htmlRows(html, '<h3>Certificates per proxy</h3>')).toHaveLength(CERTIFICATE_ROWS_SHOWN);
    expect(renderHtml(rows(CERTIFICATE_ROWS_SHOWN))).toContain('<p>At collection time, the soonest expiry first:</p>');
  });
});
