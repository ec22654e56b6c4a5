import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { memoryMetrics } from '../../src/report/metrics/memory.js';

/** Which proxies the memory metrics (HTML memory chart, diff of two bundles) list, and in what order. */
const ROOT = join(import.meta.dirname, '..', '..');

describe('memory metrics', () => {
  it('keep a proxy known only from its config dump, with the estimate it implies', async () => {
    // No kubectl top, no Envoy stats: the estimate from clusters and routes is all the bundle says about memory.
    const { report } = await analyzeBundle(join(ROOT, 'test', 'rules', 'TP001', 'fires-two-proxies-same-undefined-subset', 'bundle'));
    const estimate = 50 * 1024 * 1024 + 14 * 10 * 1024 + 5 * 1024;
    expect(report.metrics!.memory).toEqual({
      proxies: [
        { proxy: 'shop/cart-5c9d8b7f6-x2lqp', estimateBytes: estimate, clusters: 14, routes: 5, limitBytes: 1024 * 1024 * 1024 },
        { proxy: 'shop/productpage-v1-7d9f8c6b5-r4t2x', estimateBytes: estimate, clusters: 14, routes: 5, limitBytes: 1024 * 1024 * 1024 },
      ],
      istiod: [],
    });
  });

  it('list proxies by namespace and pod, whatever order kubectl top printed them in', async () => {
    // `kubectl top pod --sort-by=memory` prints the biggest first; the metrics (and a diff of two bundles) must not depend on it.
    const { model } = await analyzeBundle(join(ROOT, 'samples', 'sidecar-memory'));
    model.facets['kubectl.top'].reverse();
    expect(memoryMetrics(model)!.proxies.map((p) => [p.proxy, p.workingSetBytes! / 1048576])).toEqual([
      ['billing/invoice-7c8b9d6f4-p9w3m', 58],
      ['istio-system/istio-ingressgateway-5c9f8b6d7-m4tqz', 71],
      ['shop/checkout-6d9f7c7b5-k2x8p', 2310],
    ]);
  });
});
