import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../src/artifacts/artifact.js';
import { analyzeBundle, validateBundle } from '../../src/pipeline.js';
import { catalogueOf } from '../../src/report/catalogue.js';
import { inDocumentOrder } from '../../src/report/report.js';
import { renderInventoryTable, renderRulesTable, renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/registry.js';
import { wantsColor, wrapText } from '../../src/report/terminal.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const columns = (line: string) => [...line.replace(ANSI, '')].length;

describe('terminal table', () => {
  it('fits an 80-column terminal: no line wider, and nothing cut (long names wrap inside their cell)', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    const text = renderTable(report, { width: 80, color: false });
    const boxed = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
    expect(boxed.length).toBeGreaterThan(5);
    for (const line of boxed) expect(columns(line), line).toBeLessThanOrEqual(80);
    // the title and subject columns, their wrapped pieces joined back: long names are whole
    const column = (i: number) => boxed.map((l) => (l.split('│')[i] ?? '').trim()).join(' ');
    expect(column(5).replace(/ /g, '')).toContain('requestsdeniedbyauthorizationpolicyatdetails-v1-65cfcf56f9-r2l8c');
    expect(column(4).replace(/ /g, '')).toContain('Deploymentbookinfo/details-v1');
    expect(text).not.toContain('…');
  });

  it('piped or --wide: one row per finding, full names and titles on one line', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    const text = renderTable(report, { color: false });
    const row = text.split('\n').find((l) => l.includes('LOG002'))!;
    expect(row).toContain('Service bookinfo/reviews');
    expect(row).toContain('no healthy upstream for reviews.bookinfo.svc.cluster.local seen by productpage-v1-54bb874995-9xq7d');
  });

  it('numbers findings as the Markdown report does', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    const rules = renderTable(report, { color: false })
      .split('\n')
      .map((l) => /^│ (\d+) +│ \w+ +│ (\w+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    expect(rules).toEqual(inDocumentOrder(report.findings).map((f, i) => `${i + 1} ${f.ruleId}`));
  });

  it('colours severities only when asked, and says how many findings --min-severity hid', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    expect(renderTable(report, { color: true })).toContain('\u001b[1;31mcritical\u001b[0m');
    expect(renderTable(report, { color: false })).not.toMatch(ANSI);
    const { report: shown } = await analyzeBundle(SAMPLE, { findings: { minSeverity: 'critical' } });
    expect(renderTable(shown, { color: false }).split('\n')[0]).toBe(
      'Istio bundle data-plane-503 (collector, 2025-04-22T14:08:33Z): 2 critical, 0 high, 0 medium, 0 low, 0 info; 3 below critical not shown (--min-severity)',
    );
  });
});

describe('wantsColor: NO_COLOR and FORCE_COLOR', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ] as const)('%j on a TTY=%s → %s', (env, tty, expected) => {
    expect(wantsColor(env, tty)).toBe(expected);
  });
});

describe('wrapText', () => {
  it('wraps at spaces and breaks only words longer than the line', () => {
    expect(wrapText('no healthy upstream for reviews', 12)).toBe('no healthy\nupstream for\nreviews');
    expect(wrapText('Pod bookinfo/productpage-v1-54bb874995-9xq7d', 16)).toBe('Pod\nbookinfo/product\npage-v1-54bb8749\n95-9xq7d');
  });
});

describe('validate and rules tables', () => {
  let inventory: InventoryItem[];
  beforeAll(async () => {
    ({ inventory } = await validateBundle(join(import.meta.dirname, '..', 'fixtures', 'bug-report')));
  });

  it('fit 80 columns and wrap long paths instead of cutting them; piped, one row per entry', () => {
    const long = inventory.find((i) => i.path.includes('config_dump?include_eds'))!.path;
    for (const text of [renderInventoryTable(inventory, 80), renderRulesTable(catalogueOf(RULES), 80)]) {
      for (const line of text.split('\n')) expect(columns(line), line).toBeLessThanOrEqual(80);
      expect(text).not.toContain('…');
    }
    const wrapped = renderInventoryTable(inventory, 80).split('\n').map((l) => (l.split('│')[1] ?? '').trim()).join('');
    expect(wrapped).toContain(long);
    expect(renderInventoryTable(inventory).split('\n').some((l) => l.includes(long))).toBe(true);
  });

  it('use the whole width given, and no less than 12 columns of text per flexible column when it is too narrow', () => {
    // Narrowest: borders, 2 columns of padding each, the fixed columns and 12 per flexible column (2 in both).
    const tables = [
      { name: 'rules', render: (width: number) => renderRulesTable(catalogueOf(RULES), width), narrowest: 7 + 6 * 2 + (6 + 8 + 13 + 7) + 2 * 12 },
      { name: 'inventory', render: (width: number) => renderInventoryTable(inventory, width), narrowest: 5 + 4 * 2 + (14 + 24) + 2 * 12 },
    ];
    for (const { name, render, narrowest } of tables) {
      for (const width of [40, narrowest - 1, narrowest, narrowest + 1, 80, 81, 120, 200]) {
        const widths = new Set(render(width).split('\n').filter((line) => line !== '').map(columns));
        expect(widths.size, `${name} at ${width}`).toBe(1);
        const [used] = widths;
        // Each flexible column's share is rounded down: at most one column short per flexible column.
        if (width <= narrowest) expect(used, `${name} at ${width}`).toBe(narrowest);
        else expect(used! > width - 2 && used! <= width, `${name} at ${width}: ${used}`).toBe(true);
      }
    }
  });
});
