import type { Metrics } from '../report/metrics/index.js';
import type { Report } from '../report/report.js';
import type { MemoryRow } from './diff-schema.js';
import { istiodKey, pairUp, proxyWorkloadKey, splitNamespaced, type Identified } from './identity.js';

type ProxyMemory = NonNullable<Metrics['memory']>['proxies'][number];
type IstiodMemory = NonNullable<Metrics['memory']>['istiod'][number];

function proxiesOf(report: Report): Identified<ProxyMemory>[] {
  return (report.metrics?.memory?.proxies ?? []).map((p) => {
    const at = splitNamespaced(p.proxy);
    return { key: at ? proxyWorkloadKey(at.namespace, at.pod) : p.proxy, pod: at?.pod ?? p.proxy, value: p };
  });
}

function istiodsOf(report: Report): Identified<IstiodMemory>[] {
  return (report.metrics?.memory?.istiod ?? []).map((m) => {
    const at = splitNamespaced(m.pod);
    return { key: at ? istiodKey(at.namespace, at.pod) : m.pod, pod: at?.pod ?? m.pod, value: m };
  });
}

function growth(before: number | undefined, after: number | undefined): Pick<MemoryRow, 'beforeBytes' | 'afterBytes' | 'changeBytes' | 'changeShare'> {
  return {
    ...(before !== undefined ? { beforeBytes: before } : {}),
    ...(after !== undefined ? { afterBytes: after } : {}),
    ...(before !== undefined && after !== undefined ? { changeBytes: after - before, ...(before > 0 ? { changeShare: (after - before) / before } : {}) } : {}),
  };
}

/** Each proxy's memory in both bundles: the same measurement on both sides (`kubectl top` first, else Envoy's allocated). */
export function proxyMemoryRows(before: Report, after: Report): MemoryRow[] {
  return pairUp(proxiesOf(before), proxiesOf(after)).map(({ key, before: b, after: a, restarted }) => {
    const x = b?.value;
    const y = a?.value;
    const source = x?.workingSetBytes !== undefined && y?.workingSetBytes !== undefined ? 'kubectl top' : x?.allocatedBytes !== undefined && y?.allocatedBytes !== undefined ? 'server.memory_allocated' : undefined;
    const pick = (m: ProxyMemory | undefined) => (source === 'server.memory_allocated' ? m?.allocatedBytes : (m?.workingSetBytes ?? m?.allocatedBytes));
    const limit = y?.limitBytes ?? x?.limitBytes;
    return {
      key,
      ...(b ? { podBefore: b.pod } : {}),
      ...(a ? { podAfter: a.pod } : {}),
      restarted,
      ...(source ? { source } : {}),
      ...growth(pick(x), pick(y)),
      ...(limit !== undefined ? { limitBytes: limit } : {}),
      ...(x?.clusters !== undefined ? { clustersBefore: x.clusters } : {}),
      ...(y?.clusters !== undefined ? { clustersAfter: y.clusters } : {}),
      ...(x?.routes !== undefined ? { routesBefore: x.routes } : {}),
      ...(y?.routes !== undefined ? { routesAfter: y.routes } : {}),
    };
  });
}

/** Each istiod's `discovery` memory, matched by Deployment across restarts. */
export function istiodMemoryRows(before: Report, after: Report): MemoryRow[] {
  return pairUp(istiodsOf(before), istiodsOf(after)).map(({ key, before: b, after: a, restarted }) => {
    const limit = a?.value.limitBytes ?? b?.value.limitBytes;
    const measured = b?.value.usedBytes !== undefined && a?.value.usedBytes !== undefined;
    return {
      key,
      ...(b ? { podBefore: b.pod } : {}),
      ...(a ? { podAfter: a.pod } : {}),
      restarted,
      ...(measured ? { source: 'kubectl top' as const } : {}),
      ...growth(b?.value.usedBytes, a?.value.usedBytes),
      ...(limit !== undefined ? { limitBytes: limit } : {}),
    };
  });
}
