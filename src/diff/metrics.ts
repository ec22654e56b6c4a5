import type { Metrics } from '../report/metrics/index.js';
import type { Report } from '../report/report.js';
import { compareText, sortedRecord } from '../order.js';
import type { BundleDiff } from './diff-schema.js';
import { pairUp, proxyWorkloadKey, splitDotted, type Identified } from './identity.js';
import { istiodMemoryRows, proxyMemoryRows } from './memory.js';
import { epochMs } from '../times.js';

type DiffMetrics = BundleDiff['metrics'];
type Traffic = NonNullable<Metrics['traffic']>;

function collection(before: Report, after: Report): DiffMetrics['collection'] {
  const from = epochMs(before.bundle.collectedAt);
  const to = epochMs(after.bundle.collectedAt);
  return { before: before.bundle.collectedAt, after: after.bundle.collectedAt, elapsedSeconds: from !== undefined && to !== undefined ? Math.round((to - from) / 1000) : null };
}

function configuration(before: Report, after: Report): DiffMetrics['configuration'] {
  const b = before.metrics?.configuration;
  const a = after.metrics?.configuration;
  return { ...(b ? { before: b } : {}), ...(a ? { after: a } : {}), same: a && b ? a.digest === b.digest : null };
}

function sync(before: Report, after: Report): DiffMetrics['sync'] {
  const b = before.metrics?.sync?.stale;
  const a = after.metrics?.sync?.stale;
  const was = new Set(b ?? []);
  const is = new Set(a ?? []);
  return {
    staleBefore: b ? b.length : null,
    staleAfter: a ? a.length : null,
    newStale: b && a ? a.filter((id) => !was.has(id)).sort(compareText) : [],
    cleared: b && a ? b.filter((id) => !is.has(id)).sort(compareText) : [],
  };
}

/** Minutes from the first to the last minute of the access logs (both counted). */
export function spanMinutes(traffic: Traffic): number {
  const times = traffic.minutes.map((m) => epochMs(`${m.minute}:00Z`)).filter((t): t is number => t !== undefined);
  if (times.length === 0) return 0;
  return Math.round((Math.max(...times) - Math.min(...times)) / 60_000) + 1;
}

export function trafficSide(traffic: Traffic | undefined): DiffMetrics['traffic']['before'] {
  if (!traffic) return null;
  const span = spanMinutes(traffic);
  return { requests: traffic.requests, failed: traffic.failed, spanMinutes: span, requestsPerMinute: span > 0 ? traffic.requests / span : 0 };
}

function upstreams(before: Report, after: Report): DiffMetrics['upstreams'] {
  const side = (report: Report) => new Map((report.metrics?.traffic?.upstreams ?? []).map((u) => [u.upstream, u]));
  const b = side(before);
  const a = side(after);
  const out = (u: Traffic['upstreams'][number] | undefined) => (u ? { requests: u.requests, failed: u.failed, failureRate: u.requests > 0 ? u.failed / u.requests : 0, byFlag: sortedRecord(Object.entries(u.byFlag)) } : null);
  return [...new Set([...b.keys(), ...a.keys()])]
    .filter((name) => {
      const x = b.get(name);
      const y = a.get(name);
      return (x && y && x.requests > 0 && y.requests > 0) || (x?.failed ?? 0) > 0 || (y?.failed ?? 0) > 0;
    })
    .sort(compareText)
    .map((upstream) => ({ upstream, before: out(b.get(upstream)), after: out(a.get(upstream)) }));
}

type CertificateRow = NonNullable<Report['certificates']>[number];

function certificatesOf(report: Report): Identified<CertificateRow>[] {
  return (report.certificates ?? []).map((row) => {
    const at = splitDotted(row.proxy);
    return { key: at ? proxyWorkloadKey(at.namespace, at.pod) : row.proxy, pod: row.proxy, value: row };
  });
}

function certificates(before: Report, after: Report): DiffMetrics['certificates'] {
  return pairUp(certificatesOf(before), certificatesOf(after)).map(({ key, before: b, after: a }) => {
    const x = b?.value.notAfter;
    const y = a?.value.notAfter;
    const tx = epochMs(x);
    const ty = epochMs(y);
    const change = !b ? 'after-only' : !a ? 'before-only' : tx === undefined || ty === undefined ? 'unknown' : ty > tx ? 'rotated' : ty < tx ? 'earlier' : 'same';
    return {
      key,
      ...(b ? { proxyBefore: b.pod } : {}),
      ...(a ? { proxyAfter: a.pod } : {}),
      ...(x ? { notAfterBefore: x } : {}),
      ...(y ? { notAfterAfter: y } : {}),
      change,
      ...(a?.value.expired !== undefined ? { expiredAfter: a.value.expired } : {}),
    };
  });
}

/** The measurements that matter between two bundles, each side from its report's `metrics`. */
export function metricDeltas(before: Report, after: Report): DiffMetrics {
  return {
    collection: collection(before, after),
    configuration: configuration(before, after),
    istiod: istiodMemoryRows(before, after),
    proxies: proxyMemoryRows(before, after),
    sync: sync(before, after),
    traffic: { before: trafficSide(before.metrics?.traffic), after: trafficSide(after.metrics?.traffic) },
    upstreams: upstreams(before, after),
    certificates: certificates(before, after),
  };
}
