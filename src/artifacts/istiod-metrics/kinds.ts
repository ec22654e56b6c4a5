import { defineLineKind } from '../artifact-kind.js';
import { IstiodMetricsScanner } from './scanner.js';
import { istiodMetricsSchema, type IstiodMetrics } from './schema.js';

/**
 * istiod's Prometheus `/metrics` (monitoring port 15014). Streamed: per-proxy gauges
 * (`pilot_xds_lds_reject{node,err}`) make it grow with the mesh, and only a summary is kept.
 */
export const istiodMetricsKind = defineLineKind<IstiodMetrics>({
  id: 'istiod.metrics',
  title: 'istiod Prometheus metrics (/metrics on port 15014)',
  schema: istiodMetricsSchema,
  collect: ['kubectl exec deploy/istiod -n istio-system -c discovery -- pilot-discovery request GET /metrics'],
  paths: [/(?:^|\/)istiod\/(?<pod>[^/]+)\/metrics\.txt$/, /(?:^|\/)istio\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/metrics$/],
  sniff: (head) => /^(?:# (?:HELP|TYPE) )?(?:pilot|citadel|galley)_\w+/m.test(head) || /^istio_build\{component="pilot"/m.test(head),
  createScanner: () => new IstiodMetricsScanner(),
});
