import { MiB } from '../artifacts/quantity.js';
import type { RulesCatalogue } from '../report/catalogue.js';

/**
 * MEM003's line: memory grew by at least this percentage of the earlier bundle's value AND by at
 * least GROWTH_MIN_BYTES; at the line counts (compared in whole numbers, so 20 % is 20 %).
 */
export const GROWTH_MIN_PERCENT = 20;
/** Above the noise of `kubectl top`'s working set (page cache, GC timing), which moves by tens of MiB between scrapes. */
export const GROWTH_MIN_BYTES = 50 * MiB;
/** High, not medium, when the grown container is at this share of its memory limit or more in the later bundle (as MEM001). */
export const LEAK_NEAR_LIMIT_SHARE = 0.9;
/**
 * Traffic "changed in proportion": its requests per minute of log span grew by at least this share
 * of the memory's growth (memory +40 %, traffic +20 % or more): then the growth may be load, not a leak.
 */
export const TRAFFIC_PROPORTION = 0.5;

const PERFORMANCE_DOCS = 'https://istio.io/latest/docs/ops/deployment/performance-and-scalability/';

/**
 * MEM003, the playbook's leak indicator. It reads two bundles, not one, so it is not a bundle
 * rule (rules/registry.ts): `istio-bundle diff` applies it, `rules` and `explain` list it.
 */
export const MEM003: RulesCatalogue[number] = {
  id: 'MEM003',
  slug: 'memory-growth-without-config-change',
  title: 'proxy or istiod memory grew between two bundles while the configuration did not change',
  severity: 'medium',
  step: 'scale',
  description:
    'Applied by `istio-bundle diff BEFORE AFTER` to two bundles (or stored JSON reports) of the same cluster. Compares the memory of each istiod (matched by Deployment, so a restart with a new pod hash still matches) ' +
    'and each proxy (matched by namespace and workload, the pod hash stripped) between the two collections: the `kubectl top` working set, else Envoy\'s `server.memory_allocated`. ' +
    `Fires when one grew by ${GROWTH_MIN_PERCENT} % or more and by ${GROWTH_MIN_BYTES / MiB} MiB or more while the configuration digest (Istio resources and Services by resourceVersion) is the same in both bundles ` +
    'and, where the config dumps give them, the proxy\'s cluster and route counts are unchanged. States the growth per hour from the two collection times, and whether traffic (requests per minute of access-log span) grew in proportion. ' +
    `High when the grown container is at ${LEAK_NEAR_LIMIT_SHARE * 100} % of its memory limit or more in the later bundle. Not checked when either bundle has no configuration digest or no collection time, when the later bundle is not later, or when the bundles are of different clusters.`,
  rationale:
    'Linear memory growth over time, not traffic-correlated, gradual over hours/days without configuration changes is the leak indicator. Configuration explains memory (every cluster, route and endpoint costs memory in the proxy and in istiod): ' +
    'with the same configuration and the same traffic, memory that keeps growing ends in an OOMKill, of the sidecar (its pod\'s traffic with it) or of istiod (every proxy\'s configuration with it).',
  remediation:
    'Upgrade to the latest Istio patch release of the version in use (leaks are fixed in patch releases: read their notes). Until then, restart the affected sidecars or istiod periodically, before they reach their limit: ' +
    '`kubectl rollout restart deployment/<name> -n <namespace>` (a CronJob can run it). Collect a third bundle later: growth that continues at the same rate confirms the leak; growth that stops was a warm-up.',
  threshold: {
    value: `grew by ≥ ${GROWTH_MIN_PERCENT} % and ≥ ${GROWTH_MIN_BYTES / MiB} MiB with the same configuration digest; high at ≥ ${LEAK_NEAR_LIMIT_SHARE * 100} % of the memory limit`,
    source: `this project's line (\`istio-bundle explain MEM003\`): ${GROWTH_MIN_BYTES / MiB} MiB is above the noise of kubectl top's working set between two scrapes; the indicator itself from the Istio production debugging guide ("linear growth over time, not traffic-correlated, without configuration changes")`,
  },
  docs: [PERFORMANCE_DOCS],
  inputs: ['kubectl.top', 'envoy.stats', 'k8s.resources', 'envoy.configDump', 'kubectl.pods', 'logs.proxy'],
};

/** The rules `istio-bundle diff` applies, in catalogue order, after the bundle rules. */
export const DIFF_RULES: RulesCatalogue = [MEM003];
