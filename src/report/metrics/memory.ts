import { containerLimit } from '../../model/container-resources.js';
import type { MeshModel } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { estimatedProxyBytes, routeCount } from '../../rules/scale/proxy-memory-estimate.js';
import type { Metrics } from './index.js';

type ProxyMemory = NonNullable<Metrics['memory']>['proxies'][number];

/** Each proxy's memory from every source the bundle has, and istiod's; undefined when the bundle measures none. */
export function memoryMetrics(model: MeshModel): Metrics['memory'] {
  const byProxy = new Map<string, ProxyMemory>();
  const entry = (namespace: string | undefined, pod: string | undefined, path: string) => {
    const proxy = pod === undefined ? path : `${namespace ?? ''}/${pod}`;
    let found = byProxy.get(proxy);
    if (!found) byProxy.set(proxy, (found = { proxy }));
    return found;
  };
  for (const row of model.facets['kubectl.top']) {
    if (row.container === 'istio-proxy') entry(row.namespace, row.pod, row.path).workingSetBytes = row.memoryBytes;
  }
  for (const record of model.facets['envoy.stats']) {
    const allocated = record.summary.stats['server.memory_allocated'];
    if (allocated) entry(record.namespace, record.pod, record.path).allocatedBytes = allocated.value;
  }
  for (const proxy of model.view('proxyConfig').proxies) {
    const clusters = proxy.sections.clusters?.summary.clusters.length;
    const tables = proxy.sections.routes?.summary.routeTables;
    if (clusters === undefined || tables === undefined) continue;
    const routes = routeCount(tables);
    const found = entry(proxy.namespace, proxy.pod, proxy.id);
    Object.assign(found, { estimateBytes: estimatedProxyBytes(clusters, routes), clusters, routes });
  }
  const pods = new Map(model.facets['kubectl.pods'].map((p) => [`${p.namespace}/${p.name}`, p]));
  for (const found of byProxy.values()) {
    const record = pods.get(found.proxy);
    const limit = record ? containerLimit(record, 'istio-proxy', 'memory') : undefined;
    if (limit) found.limitBytes = limit.value;
  }
  const controlPlane = model.view('controlPlane');
  const istiod = controlPlane.istiods
    .map((p) => controlPlane.memory(p.namespace, p.name))
    .filter((m) => m.usedBytes !== undefined || m.limitBytes !== undefined)
    .map((m) => ({ pod: `${m.namespace}/${m.pod}`, ...(m.usedBytes !== undefined ? { usedBytes: m.usedBytes } : {}), ...(m.limitBytes !== undefined ? { limitBytes: m.limitBytes } : {}) }))
    .sort((a, b) => compareText(a.pod, b.pod));
  const proxies = [...byProxy.values()].filter((p) => p.workingSetBytes !== undefined || p.allocatedBytes !== undefined || p.estimateBytes !== undefined);
  if (proxies.length === 0 && istiod.length === 0) return undefined;
  return { proxies: proxies.sort((a, b) => compareText(a.proxy, b.proxy)), istiod };
}
