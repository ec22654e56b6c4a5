import { describe, expect, it } from 'vitest';
import { OFFLINE_ANALYZERS } from '../src/analysis/analyzers/index.js';
import { conformance, loadGrid, notImplemented } from '../scripts/conformance/grid.js';

/**
 * Every IST code an offline analyzer claims matches Istio's own analyzer test grid exactly: the
 * same (code, origin) multiset on every case of that analyzer (test/fixtures/istio-analyzer-grid).
 */
describe('conformance with Istio\'s analyzer test grid', () => {
  const rows = conformance(OFFLINE_ANALYZERS);

  it.each(rows.map((r) => [`${r.code} ${r.analyzer}`, r] as const))('%s: 0 missed, 0 extra', (_name, row) => {
    expect(row.cases).toBeGreaterThan(0);
    expect(row.missed).toEqual([]);
    expect(row.extra).toEqual([]);
    expect(row.matched).toBe(row.expected);
  });

  it('claims the codes the issue asks for', () => {
    const claimed = new Set(rows.map((r) => r.code));
    for (const code of ['IST0101', 'IST0102', 'IST0103', 'IST0109', 'IST0132']) expect(claimed).toContain(code);
  });

  it('counts a missed expectation when an analyzer says nothing', () => {
    const silent = OFFLINE_ANALYZERS.map((a) => ({ ...a, analyze: () => [] }));
    const broken = conformance(silent);
    expect(broken.reduce((n, r) => n + r.missed.length, 0)).toBe(rows.reduce((n, r) => n + r.expected, 0));
  });

  it('lists the grid codes no offline analyzer produces, with Istio\'s analyzers for them', () => {
    const missing = notImplemented(OFFLINE_ANALYZERS, loadGrid());
    expect(missing.find((m) => m.code === 'IST0118')?.analyzers).toEqual(['service.PortNameAnalyzer']);
    expect(missing.map((m) => m.code)).not.toContain('IST0109');
  });
});

describe('rules and the codes they claim', () => {
  it('every IST code a rule names is produced by an offline analyzer', async () => {
    const { RULES } = await import('../src/rules/registry.js');
    const produced = new Set<string>(OFFLINE_ANALYZERS.flatMap((a) => a.codes));
    const named = RULES.flatMap((r) => (r.istioCodes ?? []).map((code) => `${r.id} ${code}`));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !produced.has(n.split(' ')[1]!))).toEqual([]);
  });

  it('analyzers beyond Istio\'s are kept out of the grid comparison, and every other analyzer has grid cases', () => {
    const beyond = OFFLINE_ANALYZERS.filter((a) => a.beyondIstio).map((a) => a.name);
    expect(beyond).toEqual(['virtualservice.DelegateReferences', 'gatewayapi.RouteReferences', 'destinationrule.InsecureSkipVerify', 'virtualservice.MatchGatewayReferences']);
    const compared = new Set(conformance(OFFLINE_ANALYZERS).map((r) => r.analyzer));
    for (const a of OFFLINE_ANALYZERS) expect(compared.has(a.name)).toBe(!a.beyondIstio);
  });
});
