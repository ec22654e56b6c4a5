import { buildConfigIndex } from '../../analysis/config-index.js';
import { GiB, MiB } from '../../artifacts/quantity.js';
import type { TopRecord } from '../../model/facets.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext } from '../rule.js';
import { shell } from '../shell.js';
import { istiodDeployments, type IstiodDeployment } from './istiod-deployments.js';
import { expectedIstiodMemoryBytes, SERVICE_SIZING as S } from './istiod-sizing.js';
import { serviceCount, type ServiceCount } from './service-count.js';

type CountedServices = Exclude<ServiceCount, { unknown: string }>;

const NAMES_COMMAND = 'kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name';
const GB = `${S.memoryBytes / 1e9} GB`;

export const cp005 = defineRule({
  id: 'CP005',
  slug: 'istiod-sizing',
  title: 'istiod is sized below what the number of Services calls for, or uses far more memory than they explain',
  severity: 'medium',
  step: 'control-plane',
  inputs: { required: [], anyOf: ['kubectl.serviceNames', 'k8s.resources'], optional: ['kubectl.pods', 'kubectl.top'], views: ['controlPlane'] },
  description:
    'Counts the Services istiod watches: exactly from a cluster-wide `kubectl get services -A` listing, else the Services of the bundle\'s listings as a lower bound; ' +
    'with MeshConfig `discoverySelectors`, only those of the namespaces they select. Compares the count with each istiod Deployment (its `discovery` container\'s ' +
    'requests, else limits; its replicas, nodeSelector, required node affinity and tolerations; its pods when the Deployment is not in the bundle): ' +
    `from ${S.defaultUpTo} Services istiod needs ${GB} of memory and ${S.cpuCores} CPU, above ${S.largeAbove} also nodes of its own and at least ${S.minReplicas} replicas. ` +
    `Also compares istiod's measured memory (\`kubectl top\`) with the estimate of ${S.baseMiB} MiB + ${S.perThousandMiB} MiB per 1000 Services, and reports use of ` +
    `${S.overFactor}× the estimate or more. A lower-bound count decides only what it proves; the rest is listed as not checked.`,
  rationale:
    'istiod holds and pushes a model of every Service it watches: below the resources their number needs it is throttled or OOMKilled, pushes lag and proxies go STALE. ' +
    'Memory far above what the Services explain points at something else growing: configuration objects, endpoints, connected proxies without Sidecar scoping.',
  remediation:
    'Give istiod\'s `discovery` container what the Service count calls for (Helm `pilot.resources` / `resources` of the istiod chart, or `kubectl set resources`), ' +
    'run several replicas (`autoscaleMin`) and, in large meshes, schedule it on nodes of its own (`nodeSelector` and `tolerations`). Then shrink what it must compute: ' +
    '`discoverySelectors` in MeshConfig for namespaces outside the mesh, Sidecar resources so each proxy only gets the Services it calls.',
  threshold: {
    value:
      `from ${S.defaultUpTo} Services: memory ≥ ${GB} (4 × 10⁹ bytes) and ≥ ${S.cpuCores} CPU; over ${S.largeAbove}: also ≥ ${S.minReplicas} replicas and nodes of its own; ` +
      `memory use ≥ ${S.overFactor} × (${S.baseMiB} MiB + ${S.perThousandMiB} MiB per 1000 Services)`,
    source:
      'rule catalogue (`istio-bundle explain CP005`), after the Istio production debugging guide (istiod sizing by Service count; "4 GB" read as 4 × 10⁹ bytes, ' +
      `"far above" as ${S.overFactor}×, "several replicas" as ${S.minReplicas}); Istio docs: Performance and Scalability`,
  },
  docs: [
    'https://istio.io/latest/docs/ops/deployment/performance-and-scalability/',
    'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-discovery_selectors',
    'https://istio.io/latest/docs/reference/config/networking/sidecar/',
  ],
  check(inputs, context) {
    const namespace = context.bundle.istioNamespace;
    const index = buildConfigIndex(inputs['k8s.resources'], [], { istioNamespace: namespace });
    const services = serviceCount(index, inputs['kubectl.serviceNames']);
    if ('unknown' in services) {
      context.notChecked(services.unknown, [NAMES_COMMAND, 'kubectl get namespaces -o json']);
      return;
    }
    const { count, complete } = services;
    const atLeast = complete ? `${count}` : `at least ${count}`;
    const gaps: string[] = [];
    if (count >= S.defaultUpTo) {
      const deployments = istiodDeployments(index, inputs.controlPlane.istiods, namespace);
      if (deployments.length === 0) gaps.push(`istiod's resources for ${atLeast} Services (neither its Deployment nor its pods are in the bundle)`);
      for (const deployment of deployments) reportSizing(context, deployment, services);
      if (!complete && count <= S.largeAbove) gaps.push(`whether istiod needs nodes of its own and several replicas (over ${S.largeAbove} Services): the bundle shows ${atLeast}`);
    } else if (!complete) {
      gaps.push(`istiod's resources: the bundle shows at least ${count} Services, fewer than the ${S.defaultUpTo} from which the default resources no longer do`);
    }
    if (complete) reportMemory(context, inputs.controlPlane.memoryRows, count, services.evidence);
    else if (inputs.controlPlane.memoryRows.length > 0) gaps.push("istiod's measured memory against the Services' estimate (a lower-bound count understates it)");
    if (gaps.length > 0) context.notChecked(`Could not be checked: ${gaps.join('; ')}.`, [NAMES_COMMAND, shell`kubectl get deployments -n ${namespace} -o json`]);
  },
});

function size(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/** Cores as a number a reader recognises (`1900m` → 1.9), without float noise. */
function cores(value: number): number {
  return Number(value.toFixed(3));
}

/** What one istiod Deployment lacks for `count` Services, in words, with the settings that fix it. */
function shortfalls(d: IstiodDeployment, count: number) {
  const found: string[] = [];
  const requests: string[] = [];
  const limits: string[] = [];
  const memory = d.memoryRequest ?? d.memoryLimit;
  if (memory === undefined || memory < S.memoryBytes || (d.memoryLimit !== undefined && d.memoryLimit < S.memoryBytes)) {
    found.push(`memory ${d.memoryRequest !== undefined ? `request ${size(d.memoryRequest)}` : 'request unset'}${d.memoryLimit !== undefined ? `, limit ${size(d.memoryLimit)}` : ''} (needs ${GB})`);
    if (memory === undefined || memory < S.memoryBytes) requests.push('memory=4Gi');
    if (d.memoryLimit !== undefined && d.memoryLimit < S.memoryBytes) limits.push('memory=4Gi');
  }
  const cpu = d.cpuRequest ?? d.cpuLimit;
  if (cpu === undefined || cpu < S.cpuCores || (d.cpuLimit !== undefined && d.cpuLimit < S.cpuCores)) {
    found.push(`CPU ${d.cpuRequest !== undefined ? `request ${cores(d.cpuRequest)}` : 'request unset'}${d.cpuLimit !== undefined ? `, limit ${cores(d.cpuLimit)}` : ''} (needs ${S.cpuCores})`);
    if (cpu === undefined || cpu < S.cpuCores) requests.push(`cpu=${S.cpuCores}`);
    if (d.cpuLimit !== undefined && d.cpuLimit < S.cpuCores) limits.push(`cpu=${S.cpuCores}`);
  }
  const large = count > S.largeAbove;
  if (large && d.replicas < S.minReplicas) found.push(`${plural(d.replicas, 'replica')} (needs ${S.minReplicas} or more)`);
  if (large && d.placement.length === 0) found.push('no nodeSelector, required node affinity or toleration: it shares nodes with the workloads');
  return { found, requests, limits, large };
}

function reportSizing(context: RuleContext, d: IstiodDeployment, services: CountedServices): void {
  const { found, requests, limits, large } = shortfalls(d, services.count);
  if (found.length === 0) return;
  const counted = `${services.complete ? services.count : `at least ${services.count}`} Services`;
  const counting = `${counted}${services.scope}, per ${services.basis}`;
  const deploy = `deploy/${d.name}`;
  const settings = [...(requests.length > 0 ? [`--requests=${requests.join(',')}`] : []), ...(limits.length > 0 ? [`--limits=${limits.join(',')}`] : [])];
  context.report({
    subject: { kind: 'Deployment', namespace: d.namespace, name: d.name },
    key: 'sizing',
    title: `${d.name} is sized below what ${counted} call for`,
    evidence: [evidenceAt(d.source, `discovery resources of ${d.name}`), ...services.evidence],
    explanation:
      `${counting.charAt(0).toUpperCase()}${counting.slice(1)}: ${large ? `over ${S.largeAbove}, so istiod needs ${GB} of memory, ${S.cpuCores} CPU, ${S.minReplicas} or more replicas and nodes of its own` : `from ${S.defaultUpTo} on, istiod needs ${GB} of memory and ${S.cpuCores} CPU`}. ` +
      `\`${d.name}\`${d.from === 'pods' ? ` (read from its pods; the Deployment is not in the bundle)` : ''} has: ${found.join('; ')}. ` +
      'Short of that, pushes slow down as the mesh grows and the next growth step ends in throttling or an OOMKill.',
    commands: [
      ...(settings.length > 0 ? [`${shell`kubectl -n ${d.namespace} set resources ${deploy} -c discovery`} ${settings.join(' ')}`] : []),
      ...(large && d.replicas < S.minReplicas ? [shell`kubectl -n ${d.namespace} scale ${deploy} --replicas=${S.minReplicas}`] : []),
      shell`kubectl -n ${d.namespace} get ${deploy} -o yaml`,
    ],
  });
}

function reportMemory(context: RuleContext, rows: readonly TopRecord[], count: number, serviceEvidence: Evidence[]): void {
  const expected = expectedIstiodMemoryBytes(count);
  for (const row of rows) {
    if (row.memoryBytes < S.overFactor * expected) continue;
    const namespace = row.namespace ?? context.bundle.istioNamespace;
    const used = Math.round(row.memoryBytes / MiB);
    const estimate = Math.round(expected / MiB);
    context.report({
      subject: { kind: 'Pod', namespace, name: row.pod },
      key: 'memory-vs-services',
      title: `${row.pod} uses ${used} MiB, ${(row.memoryBytes / expected).toFixed(1)}× what ${count} Services explain`,
      evidence: [evidenceAt({ path: row.path, line: row.line }, row.text ?? `${row.pod} ${used}Mi`), ...serviceEvidence],
      explanation:
        `\`kubectl top\` shows istiod \`${row.pod}\` at ${used} MiB; ${count} Services explain about ${estimate} MiB (${S.baseMiB} MiB + ${S.perThousandMiB} MiB per 1000 Services), ` +
        `and ${S.overFactor}× that (${Math.round((S.overFactor * expected) / MiB)} MiB) is the line. Something other than the Services grows istiod: many configuration objects ` +
        '(VirtualServices, EnvoyFilters), large endpoint sets, many connected proxies each receiving every Service (no Sidecar scoping), or a leak.',
      commands: [
        `${shell`kubectl -n ${namespace} exec ${row.pod} -c discovery -- pilot-discovery request GET /metrics`} | grep -E '^pilot_(services|virt_services|xds|xds_pushes)'`,
        shell`kubectl get sidecars.networking.istio.io -A`,
      ],
    });
  }
}
