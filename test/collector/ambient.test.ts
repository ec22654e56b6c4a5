// Scenario 4: ambient mode (a namespace labelled istio.io/dataplane-mode=ambient, ztunnel pods, a
// waypoint) and the proxy cap: gateways and waypoints always, sidecars deterministically.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIn, extractBundle, readManifest, runCollector, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

interface Collected {
  run: CollectorRun;
  bundle: Extracted;
  manifest: CollectorManifest;
}

async function collect(args: string[]): Promise<Collected> {
  const run = await runCollector(args);
  const bundle = extractBundle(bundleIn(run.cwd));
  return { run, bundle, manifest: readManifest(bundle.dir) };
}

/** `<ns>/<pod>` of every proxy whose config dump was collected. */
const proxies = (c: Collected) =>
  c.bundle.files
    .filter((f) => f.startsWith('proxies/') && f.endsWith('/config_dump.json'))
    .map((f) => f.split('/').slice(1, 3).join('/'))
    .sort();

let one: Collected;
let threeA: Collected;
let threeB: Collected;

beforeAll(async () => {
  [one, threeA, threeB] = await Promise.all([
    collect(['--timeout', '3', '--max-proxies', '1']),
    collect(['--timeout', '3', '--max-proxies', '3']),
    collect(['--timeout', '3', '--max-proxies', '3']),
  ]);
}, 150_000);

describe('ambient namespaces and ztunnel', () => {
  it('collects namespaces enrolled by label, ambient ones included, without -n', () => {
    expect(one.run.code, one.run.stderr).toBe(0);
    expect(one.bundle.files).toContain('kubernetes/pods/ambient-demo.json');
    expect(one.bundle.files).toContain('kubernetes/pods/shop.json'); // istio-injection=enabled
    expect(one.bundle.files).toContain('kubernetes/pods/payments.json'); // istio.io/rev=canary
    expect(one.bundle.files).not.toContain('kubernetes/pods/default.json');
    expect(one.bundle.files).not.toContain('kubernetes/pods/kube-system.json');
    expect(one.manifest.options?.namespaces).toEqual(['ambient-demo', 'payments', 'shop']);
  });

  it('collects one ztunnel log per ztunnel pod, with its node', () => {
    const ztunnels = one.manifest.artifacts.filter((a) => a.kind === 'logs.ztunnel');
    expect(ztunnels.map((a) => [a.path, a.node, a.command])).toEqual([
      ['logs/istio-system/ztunnel-4xkzp/ztunnel.log', 'kind-worker', 'kubectl logs ztunnel-4xkzp -n istio-system -c istio-proxy --tail=2000'],
      ['logs/istio-system/ztunnel-9q7wm/ztunnel.log', 'kind-worker2', 'kubectl logs ztunnel-9q7wm -n istio-system -c istio-proxy --tail=2000'],
    ]);
    expect(readFileSync(join(one.bundle.dir, 'logs/istio-system/ztunnel-4xkzp/ztunnel.log'), 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tinfo\taccess\tconnection complete\t/);
    // ztunnel is not an Envoy: no config dump or stats are asked of it
    expect(one.run.calls.filter((c) => c.argv.some((a) => a.startsWith('ztunnel-')) && c.argv.includes('exec'))).toEqual([]);
  });
});

describe('--max-proxies', () => {
  it('always collects gateways and waypoints, even above the cap', () => {
    expect(proxies(one)).toEqual(['ambient-demo/waypoint-5d9f8b7c6-q2x8n', 'istio-system/istio-ingressgateway-6b7c9d5f4-p8m2x']);
    expect(one.bundle.files).toContain('logs/ambient-demo/waypoint-5d9f8b7c6-q2x8n/istio-proxy.log');
    expect(one.bundle.files).toContain('proxies/ambient-demo/waypoint-5d9f8b7c6-q2x8n/stats.txt');
    expect(one.bundle.files.filter((f) => f.startsWith('logs/shop/'))).toEqual([]);
  });

  it('records the proxies it left out as skipped', () => {
    const skipped = one.manifest.skipped ?? [];
    expect(skipped).toEqual([{ path: 'proxies/...', reason: '3 of 5 proxies not collected (--max-proxies 1)' }]);
    expect(one.run.stderr).toContain('3 of 5 proxies not collected (--max-proxies 1)');
  });

  it('fills the rest of the cap with sidecars in namespace/name order, the same on every run', () => {
    expect(proxies(threeA)).toEqual(['ambient-demo/waypoint-5d9f8b7c6-q2x8n', 'istio-system/istio-ingressgateway-6b7c9d5f4-p8m2x', 'shop/cart-5b7c9d8f6-z8kmt']);
    expect(proxies(threeB)).toEqual(proxies(threeA));
    expect(threeA.bundle.files).toEqual(threeB.bundle.files);
    expect(threeA.manifest.skipped).toEqual([{ path: 'proxies/...', reason: '2 of 5 proxies not collected (--max-proxies 3)' }]);
  });
});
