import { defineLineKind } from '../artifact-kind.js';
import { withoutKubectlPrefixes } from './kubectl-prefix.js';
import { LogScanner, MAX_LINE_CHARS } from './scanner.js';
import { logSummarySchema, type LogSummary } from './schema.js';

/** Lines only an istio-proxy container writes: access logs, pilot-agent scopes, Envoy's own loggers. */
const PROXY_MARKERS = [
  /^\[\d{4}-\d\d-\d\dT[^\]]*\] "/m,
  /^\{.*"(?:response_code|upstream_cluster)"/m,
  /\s(?:xdsproxy|sds|cache|citadelclient)\s/,
  /Envoy proxy is (?:NOT )?ready|Starting proxy agent|Pilot SAN|Readiness succeeded|Envoy command:/,
  /\s(?:warning|error|critical|info|debug)\s+envoy \w+/,
  /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\]\[\d+\]\[\w+\]\[\w+\]/,
];
/** Lines only istiod (pilot-discovery) writes. */
const ISTIOD_MARKERS = [
  /\sads\s+(?:ADS:|XDS:|Push |CDS:|EDS:|LDS:|RDS:)/,
  /Push debounce stable|XDS: (?:Incremental )?Pushing|Push Status: \{/,
  /leader election lock|successfully acquired lease|attempting to acquire leader lease/,
  // Tab-separated scopes; a pasted log may have its tabs turned into runs of spaces.
  /pilot-discovery|Starting Istiod|Discovery service started|(?:\t| {2,})(?:model|serverca)(?:\t| {2,})/,
];

function score(head: string, markers: RegExp[]): number {
  return markers.filter((marker) => marker.test(head)).length;
}

/** Markers are looked for in the container's own lines, without `kubectl logs --timestamps/--prefix`. */
export function sniffProxyLog(head: string): boolean {
  const lines = withoutKubectlPrefixes(head);
  const proxy = score(lines, PROXY_MARKERS);
  return proxy > 0 && proxy >= score(lines, ISTIOD_MARKERS);
}

export function sniffIstiodLog(head: string): boolean {
  const lines = withoutKubectlPrefixes(head);
  const istiod = score(lines, ISTIOD_MARKERS);
  return istiod > 0 && istiod > score(lines, PROXY_MARKERS);
}

export const proxyLogKind = defineLineKind<LogSummary>({
  id: 'logs.proxy',
  title: 'istio-proxy container log',
  schema: { ...logSummarySchema, $id: 'logs.proxy', title: 'Summary of an istio-proxy container log' },
  collect: ['kubectl logs <pod> -n <namespace> -c istio-proxy --tail=2000'],
  paths: [
    // collector layout
    /(?:^|\/)logs\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/(?<container>istio-proxy)(?:\.previous)?\.log$/,
    // istioctl bug-report layout; ztunnel pods also log as istio-proxy.log but are not Envoy
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>(?!ztunnel)[^/]+)\/istio-proxy\.log$/,
  ],
  sniff: sniffProxyLog,
  createScanner: () => new LogScanner('istio-proxy'),
  caveats: (data) => logCaveats(data as LogSummary),
});

export const istiodLogKind = defineLineKind<LogSummary>({
  id: 'logs.istiod',
  title: 'istiod (discovery) container log',
  schema: { ...logSummarySchema, $id: 'logs.istiod', title: 'Summary of an istiod discovery container log' },
  collect: ['kubectl logs deploy/istiod -n istio-system -c discovery --tail=2000'],
  paths: [
    /(?:^|\/)logs\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/(?<container>discovery)(?:\.previous)?\.log$/,
    /(?:^|\/)istio\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/discovery\.log$/,
  ],
  sniff: sniffIstiodLog,
  createScanner: () => new LogScanner('discovery'),
  caveats: (data) => logCaveats(data as LogSummary),
});

/** How a log was read, when not as written: over all its parts (`--prefix` sources included). */
export function logCaveats(summary: LogSummary): string[] {
  const parts = [summary, ...(summary.sources ?? []).map((s) => s.summary)];
  const invalid = parts.reduce((n, p) => n + (p.invalidUtf8Lines ?? 0), 0);
  const long = parts.reduce((n, p) => n + (p.longLines ?? 0), 0);
  return [
    ...(invalid > 0 ? [`${invalid} ${invalid === 1 ? 'line has' : 'lines have'} bytes that are not UTF-8 (read as U+FFFD, the rest of the line as written)`] : []),
    ...(long > 0 ? [`${long} ${long === 1 ? 'line was' : 'lines were'} longer than ${MAX_LINE_CHARS / 1024} KiB and cut for matching`] : []),
  ];
}
