import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { syncChart } from '../../src/report/html/charts/sync-chart.js';
import type { Metrics } from '../../src/report/metrics/index.js';

/** The HTML report's sync chart: each band coloured by its status, and a count written on the bands wide enough for it. */
const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

async function syncOf(sample: string): Promise<NonNullable<Metrics['sync']>> {
  const { report } = await analyzeBundle(join(SAMPLES, sample));
  return report.metrics!.sync!;
}

/** Each band of the chart: its CSS class (the colour) and its tooltip. */
function bands(svg: string): string[] {
  return [...svg.matchAll(/<rect[^>]*class="([^"]*)"><title>([^<]*)<\/title><\/rect>/g)].map(([, cls, tip]) => `${cls} ${tip}`);
}

/** The counts written on the bands, in drawing order. */
function labels(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*class="bar-label"[^>]*>([^<]*)<\/text>/g)].map(([, n]) => n!);
}

describe('the sync chart', () => {
  it('colours STALE, SYNCED and NOT SENT bands by status (samples/control-plane-failure), and labels each wide band with its count', async () => {
    const svg = syncChart(await syncOf('control-plane-failure'))!;
    expect(bands(svg)).toEqual([
      'st-stale CDS: 5 of 18 proxies STALE',
      'st-synced CDS: 13 of 18 proxies SYNCED',
      'st-notsent ECDS: 18 of 18 proxies NOT SENT',
      'st-stale EDS: 6 of 18 proxies STALE',
      'st-synced EDS: 12 of 18 proxies SYNCED',
      'st-stale LDS: 4 of 18 proxies STALE',
      'st-synced LDS: 14 of 18 proxies SYNCED',
      'st-synced RDS: 18 of 18 proxies SYNCED',
    ]);
    // One proxy of 18 is 47 px wide: every band here has room for its number.
    expect(labels(svg)).toEqual(['5', '13', '18', '6', '12', '4', '14', '18']);
  });

  it('colours IGNORED bands (ambient: ztunnel ignores the sidecar xDS types)', async () => {
    const svg = syncChart(await syncOf('ambient'))!;
    expect(bands(svg)).toEqual(['CDS', 'ECDS', 'EDS', 'LDS', 'RDS'].map((type) => `st-ignored ${type}: 2 of 2 proxies IGNORED`));
  });

  it('writes no count on a band 28 px wide or narrower, where it would overflow the band', async () => {
    // One STALE proxy in a mesh of 30 is a 28 px band: its count is left to the tooltip.
    const real = await syncOf('control-plane-failure');
    const svg = syncChart({
      ...real,
      proxies: 30,
      byType: [
        { type: 'CDS', statuses: { STALE: 1, SYNCED: 29 } },
        { type: 'EDS', statuses: { STALE: 2, SYNCED: 28 } },
      ],
    })!;
    expect(bands(svg)).toEqual(['st-stale CDS: 1 of 30 proxies STALE', 'st-synced CDS: 29 of 30 proxies SYNCED', 'st-stale EDS: 2 of 30 proxies STALE', 'st-synced EDS: 28 of 30 proxies SYNCED']);
    expect(labels(svg)).toEqual(['29', '2', '28']);
  });
});
