import { GiB, MiB } from '../../artifacts/quantity.js';
import { containerLimit } from '../../model/container-resources.js';
import type { PodRecord } from '../../model/facets.js';
import { evidenceAt, usedPercent } from '../evidence.js';
import { defineRule, type Evidence, type Subject } from '../rule.js';
import { shell } from '../shell.js';
import { sidecarYaml } from './sidecar-resource.js';

/**
 * The Istio production debugging guide's "> 2 GB" for a sidecar; `kubectl top` reports MiB, so the
 * line is drawn at 2 GiB (2048Mi), as CP004 draws istiod's 4 GB at 4 GiB. Above it, not at it.
 */
export const PROXY_MEMORY_LINE_BYTES = 2 * GiB;
/** Critical from this share of the container's memory limit: the kernel OOM-kills the container at the limit. */
export const NEAR_LIMIT_SHARE = 0.9;
const LINE = `${PROXY_MEMORY_LINE_BYTES / GiB} GiB`;

interface Measurement {
  bytes: number;
  /** What measured it, as the explanation names it. */
  source: string;
  evidence: Evidence;
}

interface Proxy {
  subject: Subject;
  namespace?: string;
  pod?: string;
  measurements: Measurement[];
}

/** Whole MiB, except where rounding would show the line itself (2147483649 B is over 2 GiB, "2048 MiB" would not say so). */
const mib = (bytes: number) => {
  const whole = Math.round(bytes / MiB);
  return whole * MiB === PROXY_MEMORY_LINE_BYTES && bytes > PROXY_MEMORY_LINE_BYTES ? `${bytes} bytes` : `${whole} MiB`;
};

export const mem001 = defineRule({
  id: 'MEM001',
  slug: 'proxy-memory-over-2gb',
  title: `an istio-proxy container uses more than ${LINE} of memory`,
  severity: 'high',
  step: 'scale',
  inputs: { required: [], anyOf: ['kubectl.top', 'envoy.stats'], optional: ['kubectl.pods'] },
  description:
    `Reads each proxy's memory from \`kubectl top pod --containers\` (the \`istio-proxy\` container's working set: Envoy and pilot-agent) and from Envoy's own ` +
    `\`server.memory_allocated\` stat (\`/stats\` or \`/stats/prometheus\`: Envoy's heap). Fires when either is above ${LINE}. With the pod spec in the bundle it ` +
    `shows the container's memory limit (native sidecars are init containers) and is critical at ${NEAR_LIMIT_SHARE * 100}% of it or more.`,
  rationale:
    'By default every sidecar receives the configuration of the whole mesh: every Service, every endpoint, every route. A proxy above 2 GiB holds far more than its ' +
    'workload uses, which costs memory on every node, slows every push (istiod computes and sends it all) and ends in an OOMKill of the sidecar, taking the pod\'s traffic with it.',
  remediation:
    `Limit what the proxies receive with a Sidecar resource in the workload's namespace: egress to its own namespace and the control plane (\`./*\`, \`<istio namespace>/*\`), ` +
    'then add the namespaces or hosts the workload really calls. MEM002, when the bundle has this proxy\'s config dump, writes the Sidecar tailored to what the proxy uses: ' +
    'prefer that one. Until the configuration shrinks, give the container the memory it uses (`sidecar.istio.io/proxyMemoryLimit` on the pod template).',
  threshold: {
    value: `above ${LINE} (${PROXY_MEMORY_LINE_BYTES / MiB}Mi); critical at ${NEAR_LIMIT_SHARE * 100}% of the container's memory limit`,
    source: 'rule catalogue (`istio-bundle explain MEM001`), after the Istio production debugging guide ("Memory Exhaustion (Sidecars >2GB RAM)"; kubectl reports MiB, so 2 GiB); Istio docs: Sidecar reference',
  },
  docs: ['https://istio.io/latest/docs/reference/config/networking/sidecar/', 'https://istio.io/latest/docs/ops/deployment/performance-and-scalability/'],
  check(inputs, context) {
    const proxies = new Map<string, Proxy>();
    const proxy = (namespace: string | undefined, pod: string | undefined, path: string) => {
      const key = pod === undefined ? `file ${path}` : `${namespace ?? ''}/${pod}`;
      let found = proxies.get(key);
      if (!found) {
        found = { subject: pod === undefined ? { kind: 'File', name: path } : { kind: 'Pod', ...(namespace ? { namespace } : {}), name: pod }, ...(namespace ? { namespace } : {}), ...(pod ? { pod } : {}), measurements: [] };
        proxies.set(key, found);
      }
      return found;
    };
    for (const row of inputs['kubectl.top']) {
      if (row.container !== 'istio-proxy') continue; // a pod row adds the application's memory
      proxy(row.namespace, row.pod, row.path).measurements.push({ bytes: row.memoryBytes, source: '`kubectl top`', evidence: evidenceAt({ path: row.path, line: row.line }, row.text) });
    }
    for (const record of inputs['envoy.stats']) {
      const allocated = record.summary.stats['server.memory_allocated'];
      if (!allocated) continue;
      proxy(record.namespace, record.pod, record.path).measurements.push({ bytes: allocated.value, source: "Envoy's `server.memory_allocated`", evidence: evidenceAt({ path: record.path, line: allocated.line }, allocated.text) });
    }

    for (const p of proxies.values()) {
      const highest = Math.max(...p.measurements.map((m) => m.bytes));
      if (highest <= PROXY_MEMORY_LINE_BYTES) continue;
      const record = p.pod === undefined ? undefined : podRecord(inputs['kubectl.pods'], p.namespace, p.pod);
      const limit = record ? containerLimit(record, 'istio-proxy', 'memory') : undefined;
      const nearLimit = limit !== undefined && highest >= NEAR_LIMIT_SHARE * limit.value;
      const namespace = p.namespace ?? record?.namespace;
      const measured = p.measurements.map((m) => `${m.source} shows ${mib(m.bytes)} (\`${m.evidence.path}\` line ${m.evidence.line})`).join('; ');
      const limitText = limit
        ? ` Its memory limit is ${limit.quantity} (${usedPercent(highest / limit.value)} used)${nearLimit ? ': the kernel OOM-kills the container at the limit, and this one is close' : ''}.`
        : record
          ? ' It has no memory limit: the node pays for it.'
          : ' Its pod spec is not in the bundle, so its memory limit is unknown.';
      const who = p.pod === undefined ? `The proxy of \`${p.subject.name}\`` : `The istio-proxy container of \`${p.pod}\``;
      context.report({
        severity: nearLimit ? 'critical' : 'high',
        subject: p.subject,
        title: `${p.pod === undefined ? 'a proxy' : `istio-proxy of ${p.pod}`} uses ${mib(highest)}, above ${LINE}`,
        evidence: [...p.measurements.map((m) => m.evidence), ...(limit && record ? [evidenceAt(record.source, `limits.memory: ${limit.quantity}`, limit.pointer)] : [])],
        explanation: `${who} is over the ${LINE} line: ${measured}.${limitText} A proxy this large holds configuration for much more of the mesh than its workload calls.`,
        ...(namespace ? { yaml: sidecarYaml(namespace, ['./*', `${context.bundle.istioNamespace}/*`]) } : {}),
        commands:
          p.pod === undefined
            ? []
            : [shell`istioctl proxy-config cluster ${p.pod} -n ${namespace ?? 'default'}`, shell`kubectl top pod ${p.pod} -n ${namespace ?? 'default'} --containers`],
      });
    }
  },
});

/** The pod of that name: in its namespace, or the only one of that name when `kubectl top` gave none. */
function podRecord(pods: readonly PodRecord[], namespace: string | undefined, name: string): PodRecord | undefined {
  const named = pods.filter((p) => p.name === name && (namespace === undefined || p.namespace === namespace));
  return named.length === 1 ? named[0] : undefined;
}
