import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { certificateRows } from '../../src/report/certificate-table.js';
import { tempDir } from '../bundle/helpers.js';

/** The per-proxy certificate table: its order, and what it claims without a collection time. */
const HEALTHY = join(import.meta.dirname, '..', '..', 'samples', 'healthy');
const PRODUCTPAGE_SECRETS = 'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/secret.json';

describe('certificate rows', () => {
  it('put a proxy that has no workload certificate after those that have one', async () => {
    // samples/healthy, its productpage never issued its certificate: `istioctl proxy-config secret`
    // shows the ROOTCA secret only. Nothing of it expires, so it goes last, not before the soonest expiry.
    const dir = await tempDir();
    await cp(HEALTHY, dir, { recursive: true });
    const path = join(dir, PRODUCTPAGE_SECRETS);
    const dump = JSON.parse(await readFile(path, 'utf8')) as { dynamicActiveSecrets: Array<{ name: string }> };
    dump.dynamicActiveSecrets = dump.dynamicActiveSecrets.filter((s) => s.name === 'ROOTCA');
    await writeFile(path, JSON.stringify(dump, null, 2));
    const { report } = await analyzeBundle(dir);
    expect(report.certificates!.map((r) => [r.proxy, r.notAfter ?? null, r.timeLeft ?? null])).toEqual([
      ['istio-ingressgateway-5c9f8b6d7-m4tqz.istio-system', '2025-03-12T06:02:00Z', '20 h 19 min left'],
      ['productpage-v1-54bb874995-9xq7d.bookinfo', null, null],
    ]);
  });

  it('without a collection time, call a chain that verifies "verifies", never "expired"', async () => {
    // Whether a CA certificate had expired depends on when; with no time known the table cannot say so.
    const { model } = await analyzeBundle(HEALTHY);
    expect(certificateRows(model).map((r) => [r.proxy, r.chain])).toEqual([
      ['productpage-v1-54bb874995-9xq7d.bookinfo', 'verifies'],
      ['istio-ingressgateway-5c9f8b6d7-m4tqz.istio-system', 'verifies'],
    ]);
    delete model.bundle.collectedAt;
    expect(certificateRows(model).map((r) => [r.proxy, r.chain, r.timeLeft ?? null])).toEqual([
      ['productpage-v1-54bb874995-9xq7d.bookinfo', 'verifies', null],
      ['istio-ingressgateway-5c9f8b6d7-m4tqz.istio-system', 'verifies', null],
    ]);
  });
});
