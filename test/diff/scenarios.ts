/** The bundle pairs the diff tests compare, each derived from a sample (bundles.ts). */
import { DerivedBundle, bumpResourceVersion, type KubeList } from './bundles.js';

export const TOP = 'kubernetes/top/istio-system.txt';
export const ISTIOD = 'istiod-6b9c8d7f5-kx2vq';
export const GATEWAY = 'istio-ingressgateway-5c9f8b6d7-m4tqz';

/** 2025-03-11T09:42:17Z (healthy's collection) plus `hours`. */
export function healthyTime(hours: number): string {
  return new Date(Date.parse('2025-03-11T09:42:17Z') + hours * 3_600_000).toISOString().replace('.000Z', 'Z');
}

/**
 * `healthy/` collected again `hours` later, istiod's `discovery` and the ingress gateway's
 * `istio-proxy` at the given `kubectl top` values (healthy: 698Mi and 71Mi). Within 5 h the
 * workload certificates stay before their rotation point, so no CERT finding appears.
 */
export async function healthyAt(name: string, hours: number, memory: { istiodMi?: number; gatewayMi?: number } = {}): Promise<DerivedBundle> {
  const bundle = await DerivedBundle.from('healthy', name);
  if (hours !== 0) await bundle.collectedAt(healthyTime(hours));
  if (memory.istiodMi !== undefined) await bundle.topMemory(TOP, ISTIOD, 'discovery', memory.istiodMi);
  if (memory.gatewayMi !== undefined) await bundle.topMemory(TOP, GATEWAY, 'istio-proxy', memory.gatewayMi);
  return bundle;
}

/** A VirtualService changed (a new retry policy): its resourceVersion moves, so the configuration digest does. */
export async function changeConfiguration(bundle: DerivedBundle): Promise<DerivedBundle> {
  return bundle.editJson<KubeList>('istio/resources/virtualservices.json', (list) => {
    const vs = list.items.find((i) => i.metadata.name === 'reviews') ?? list.items[0]!;
    bumpResourceVersion(vs);
  });
}

/**
 * `data-plane-503/` two hours later, after the customer's change: DestinationRule `reviews`
 * gained the `v3` subset (CFG003 resolves; `istioctl analyze` is clean again, exit 0), but a new
 * VirtualService `ratings` routes to the typo `raitngs` (CFG002, new), and reviews-v2's calls to
 * ratings keep failing, now 14 of its 20 requests (LOG001 high → critical).
 */
export async function dataPlaneAfterFix(name = 'data-plane-503-after'): Promise<DerivedBundle> {
  const bundle = await DerivedBundle.from('data-plane-503', name);
  await bundle.collectedAt('2025-04-22T16:08:33Z');
  await bundle.editJson<KubeList>('istio/resources/destinationrules.json', (list) => {
    const dr = list.items.find((i) => i.metadata.name === 'reviews')!;
    (dr.spec!.subsets as unknown[]).push({ labels: { version: 'v3' }, name: 'v3' });
    bumpResourceVersion(dr);
  });
  await bundle.edit('istio/analyze.json', () => '[]\n');
  await bundle.edit('istio/analyze.txt', () => '\u2714 No validation issues found when analyzing all namespaces.\n');
  await bundle.manifest((m) => {
    m.artifacts.find((a) => a.path === 'istio/analyze.txt')!.exitCode = 0;
  });
  await bundle.editJson<KubeList>('istio/resources/virtualservices.json', (list) => {
    list.items.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { creationTimestamp: '2025-04-22T15:31:09Z', generation: 1, name: 'ratings', namespace: 'bookinfo', resourceVersion: '802114', uid: 'b18e27c4-2f6d-4b9a-9e51-7d0c3a6f28e1' },
      spec: { hosts: ['ratings'], http: [{ retries: { attempts: 3, perTryTimeout: '2s' }, route: [{ destination: { host: 'raitngs', port: { number: 9080 } } }], timeout: '10s' }] },
    } as unknown as KubeList['items'][number]);
  });
  const log = 'logs/bookinfo/reviews-v2-5b667bcbf8-tz6qw/istio-proxy.log';
  await bundle.edit(log, (text) => {
    const failure = text.split('\n').find((l) => l.includes(' 503 UF,URX '))!;
    const more = Array.from({ length: 12 }, (_, i) => {
      const at = new Date(Date.parse('2025-04-22T16:00:05.118Z') + i * 37_000).toISOString();
      const id = `5e0c${String(i).padStart(4, '0')}-9b1d-4c7e-a3f2-6d8e1b2c${String(4000 + i * 7).padStart(4, '0')}`;
      return failure.replace(/^\[[^\]]+\]/, `[${at}]`).replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/, `"${id}"`).replace(/:(\d+) - default$/, `:${41000 + i * 113} - default`);
    });
    return `${text.trimEnd()}\n${more.join('\n')}\n`;
  });
  return bundle;
}
