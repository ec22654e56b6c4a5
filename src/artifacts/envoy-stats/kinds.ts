import { defineLineKind } from '../artifact-kind.js';
import { EnvoyStatsScanner, TEXT_STAT } from './scanner.js';
import { envoyStatsSchema, type EnvoyStats } from './schema.js';

/** Roots of Envoy's stat names (`docs/root/operations/admin.rst`, `statistics.rst`): what tells `/stats` text from other `key: value` files. */
const ENVOY_ROOT = /^(?:cluster_manager|listener_manager|server|cluster|http|listener|control_plane|runtime|vhost|wasm|sds|workers|main_thread|tls_inspector|http1|http2|filesystem|overload)\./;

function sniffEnvoyStats(head: string): boolean {
  if (/^# TYPE envoy_\w+ (?:counter|gauge|histogram)\s*$/m.test(head) || /^envoy_\w+\{/m.test(head)) return true;
  let stats = 0;
  for (const line of head.split('\n', 50)) {
    const m = TEXT_STAT.exec(line.trimEnd());
    if (m && ENVOY_ROOT.test(m[1]!) && ++stats >= 2) return true;
  }
  return false;
}

/**
 * Envoy admin `/stats` (text: `name: value`, quoted text readouts, histogram lines) or
 * `/stats/prometheus`. Scanned line by line, only a summary is kept: a large mesh's proxy prints
 * hundreds of thousands of lines.
 */
export const envoyStatsKind = defineLineKind<EnvoyStats>({
  id: 'envoy.stats',
  title: 'Envoy stats (/stats text or /stats/prometheus)',
  schema: envoyStatsSchema,
  collect: ['kubectl exec <pod> -n <namespace> -c istio-proxy -- pilot-agent request GET stats'],
  paths: [
    // collector layout
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/stats\.txt$/,
    // istioctl bug-report layout (Envoy admin `stats/prometheus`); ztunnel is not Envoy
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>(?!ztunnel)[^/]+)\/stats\/prometheus$/,
  ],
  sniff: sniffEnvoyStats,
  createScanner: () => new EnvoyStatsScanner(),
});
