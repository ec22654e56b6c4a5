import type { ResourceRecord } from '../../model/facets.js';
import { defineRule } from '../rule.js';
import { breakdownText, parseCluster, podCommands, podLabel, severityNote, signatureEvidence, where, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { groupEvidence, groupOccurrences, groupSeverityNote, keysText, signatureGroups, spanText, whoText, worstPodsText } from './by-target.js';
import { plural } from '../evidence.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { DEFAULT_CONSECUTIVE_5XX, ejectionTrigger, INCIDENT_CONSECUTIVE_ERRORS, type EjectionTrigger } from '../../analysis/outlier-detection.js';
import { endpointsFinding, subsetOf } from './upstream-causes.js';
import type { TargetGroup } from './by-target.js';
import { shellQuote } from '../shell.js';

/** Outlier detection that ejects after fewer consecutive errors than this is "too aggressive". */
const AGGRESSIVE_CONSECUTIVE_ERRORS = 5;

/**
 * The guide's relaxed policy for "random 503s with healthy services", with the detector that
 * actually ejects relaxed too (a gateway-error detector left at 1 would keep ejecting).
 */
function relaxedPolicy(trigger: EjectionTrigger): string {
  const lines = ['trafficPolicy:', '  outlierDetection:', `    consecutive5xxErrors: ${INCIDENT_CONSECUTIVE_ERRORS}`];
  if (trigger.field === 'consecutiveGatewayErrors') lines.push(`    consecutiveGatewayErrors: ${INCIDENT_CONSECUTIVE_ERRORS}`);
  if (trigger.field === 'consecutiveErrors') lines.push('    # and remove consecutiveErrors (deprecated; it counts gateway errors only)');
  lines.push('    interval: 30s', '    baseEjectionTime: 30s');
  return lines.join('\n');
}

/** 50 stops the ejections during the incident; left in place it switches the protection off (CERT005). */
const AFTERWARDS =
  ` ${INCIDENT_CONSECUTIVE_ERRORS} is an incident setting: once the endpoints are stable, go back to a threshold that ejects a failing endpoint ` +
  `(Istio's default, ${DEFAULT_CONSECUTIVE_5XX} consecutive 5xx, with \`maxEjectionPercent\` below 100); CERT005 reports ${INCIDENT_CONSECUTIVE_ERRORS} left in place.`;

export const log002 = defineRule({
  id: 'LOG002',
  slug: 'no-healthy-upstream',
  title: 'no healthy upstream: every endpoint of the target is down or ejected',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources', 'kubectl.pods'], views: ['routing', 'configuration'] },
  description:
    'Counts `no healthy upstream` (the 503 body) and its access-log form: response flag UH or details `no_healthy_upstream`, grouped by the upstream ' +
    'the requests were for: one finding per target, listing the pods with counts and times, most affected first. The same words in an xDS ' +
    '`gRPC config stream closed` line are istiod connectivity (LOG008), not this. High; critical when most of the affected pods\' requests fail this way, medium when under 1% of at least 1,000. When the bundle has ' +
    'DestinationRules, the one for the failing host is checked for aggressive outlier detection. The endpoints of the target (of the subset the cluster names) come ' +
    'first: none ready is the cause (which pods, and why); all ready beside an aggressive outlier detection means Envoy ejected them.',
  rationale:
    'Envoy had no endpoint it considered healthy: the Service has no ready endpoints, or outlier detection ejected them all. An aggressive `outlierDetection` ' +
    '(ejecting after one or two 5xx) turns a few errors into an outage: the "random 503s with healthy services" pattern.',
  remediation:
    `Check the endpoints first. If they are ready, relax the DestinationRule's outlier detection, e.g. \`consecutive5xxErrors: ${INCIDENT_CONSECUTIVE_ERRORS}\`, \`interval: 30s\`, \`baseEjectionTime: 30s\` ` +
    "(deleting the client pod only resets that pod's ejection state; the DestinationRule is the fix)." + AFTERWARDS,
  threshold: { value: `${SIGNATURE_THRESHOLD}; outlier detection with consecutive errors < ${AGGRESSIVE_CONSECUTIVE_ERRORS} called aggressive`, source: 'rule catalogue (`istio-bundle explain LOG002`), after the Istio production debugging guide\'s "Random 503 errors with healthy services"; Istio docs: DestinationRule OutlierDetection' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection', 'https://istio.io/latest/docs/ops/common-problems/network-issues/'],
  check(inputs, context) {
    const { groups, perPod } = signatureGroups(inputs['logs.proxy'], 'noHealthyUpstream');
    for (const target of groups) {
      const top = target.keys[0]!.key;
      const cluster = parseCluster(top);
      // The DestinationRule a client applies is looked up from its own namespace first.
      const clientNamespaces = [...new Set(target.sides.map((s) => s.log.namespace))];
      const aggressive = clientNamespaces
        .flatMap((namespace) => inputs.routing.destinationRulesFor(target.host, namespace))
        .map(outlierSummary)
        .find((summary) => summary !== undefined);
      // UH for one subset is about the pods of that subset (`outbound|9080|v2|…`), not the whole Service.
      const subset = cluster?.subset ? subsetOf(inputs.routing.destinationRulesFor(target.host, worstNamespace(target)), cluster.subset) : undefined;
      const endpoints = serviceOfFqdn(target.host) ? endpointsFinding(inputs.configuration.index, target.host, subset) : undefined;
      // Endpoints that are all down explain UH whatever the DestinationRule says; its fix comes second.
      const fixEndpoints = endpoints?.decisive === true;
      const worst = target.sides[0]!.log;
      context.report({
        severity: target.severity,
        subject: target.subject,
        title: `no healthy upstream for ${target.host} seen by ${target.sides.length === 1 ? podLabel(worst) : plural(target.sides.length, 'pod')}`,
        evidence: [...groupEvidence(target), ...(endpoints?.evidence ?? []), ...(aggressive ? [aggressive.evidence] : [])],
        occurrences: groupOccurrences(target),
        explanation:
          `${whoText(target)} found no healthy endpoint of \`${target.host}\` in ${target.volume}${spanText(target)}.` +
          (target.sides.length > 1 ? ` Most affected: ${worstPodsText(target)}.` : '') +
          keysText(target, 'upstream cluster') +
          (endpoints ? ` ${endpoints.text}` : '') +
          (aggressive ? ` ${fixEndpoints ? 'Also: ' : endpoints?.allReady && aggressive.emptiesPool ? 'So they are up, and Envoy ejected them: ' : ''}${aggressive.text}` : '') +
          (!endpoints?.decisive && !aggressive && serviceOfFqdn(target.host) ? noCauseText(endpoints !== undefined, target.host) : '') +
          groupSeverityNote(target),
        ...(fixEndpoints
          ? { remediation: `${endpoints.fix!}${aggressive ? ` Then relax the outlier detection of DestinationRule \`${aggressive.name}\` as below.${AFTERWARDS}` : ''}`, ...(aggressive ? { yaml: `# DestinationRule ${aggressive.name}: spec\n${relaxedPolicy(aggressive.trigger)}` } : {}) }
          : aggressive
            ? { remediation: `Relax the outlier detection of DestinationRule \`${aggressive.name}\` (\`spec.trafficPolicy.outlierDetection\`) as below, then check the endpoints are HEALTHY again.${AFTERWARDS}`, yaml: `# DestinationRule ${aggressive.name}: spec\n${relaxedPolicy(aggressive.trigger)}` }
            : {}),
        commands: [
          ...podCommands(worst, (pod) => [`istioctl proxy-config endpoint ${pod}${cluster ? ` --cluster ${shellQuote(top)}` : ''}`]),
          `kubectl get endpointslices -A -l ${shellQuote(`kubernetes.io/service-name=${target.host.split('.')[0]!}`)}`,
        ],
      });
    }
    for (const match of perPod) {
      const inbound = match.hits.breakdown.some((row) => row.key.startsWith('inbound|'));
      const blackHole = match.hits.breakdown.some((row) => row.key === BLACK_HOLE_CLUSTER);
      const remediation = [...(inbound ? [INBOUND_REMEDIATION] : []), ...(blackHole ? [BLACK_HOLE_REMEDIATION] : [])].join(' ');
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `no healthy upstream seen by ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation:
          `${where(match)} found no healthy endpoint in ${match.volume}.${breakdownText(match, 'upstream cluster or message')}` +
          (inbound ? ' Inbound (`inbound|<port>||`) means the sidecar found its own application unfit to take requests: the application container is not ready or not up. Outlier detection does not apply to inbound clusters.' : '') +
          (blackHole ? BLACK_HOLE_WHY : '') +
          severityNote(match),
        ...(remediation ? { remediation } : {}),
        commands: [
          ...podCommands(match.log, (pod) => [`istioctl proxy-config endpoint ${pod}`, ...(inbound ? [`kubectl describe pod ${pod}`, `kubectl logs ${pod} --all-containers --tail=200`] : [])]),
          ...(blackHole ? blackHoleCommands(context.bundle.istioNamespace) : []),
        ],
      });
    }
  },
});

/**
 * Where a sidecar sends what it may not pass through: with `outboundTrafficPolicy.mode: REGISTRY_ONLY`,
 * a connection to a destination that is no Service or ServiceEntry goes to this cluster, which has no
 * endpoints, and is logged `UH` (Istio, "Accessing External Services"). No endpoint was ejected.
 */
const BLACK_HOLE_CLUSTER = 'BlackHoleCluster';
const INBOUND_REMEDIATION = "Look at this pod's application container: its readiness probe, restarts and logs (commands below), and that it listens on the inbound cluster's port.";
const BLACK_HOLE_WHY =
  ' `BlackHoleCluster` is where the sidecar sends a connection to a destination the mesh does not know while `outboundTrafficPolicy.mode` is `REGISTRY_ONLY` (mesh-wide or in a Sidecar resource): the application called a host that is no Service or ServiceEntry. It has no endpoints by design; outlier detection and the endpoints of Services have nothing to do with it. The lines quoted give the address called (the field after the cluster name).';
const BLACK_HOLE_REMEDIATION =
  'Register the destination the application calls with a ServiceEntry (`hosts`, `ports`, `resolution: DNS` for a name, `location: MESH_EXTERNAL`), or, if unknown destinations are meant to pass, set `outboundTrafficPolicy.mode: ALLOW_ANY` (meshConfig, or the namespace\'s Sidecar).';
/** The mesh config is the `istio` ConfigMap in the control plane's namespace. */
const blackHoleCommands = (istioNamespace: string) => [
  `kubectl get configmap istio -n ${istioNamespace} -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy`,
  'kubectl get sidecars,serviceentries -A',
];

function worstNamespace(target: TargetGroup): string | undefined {
  return target.sides[0]!.log.namespace;
}

/** No cause proven: what is left, in order. Outlier ejection shows in the client's endpoint table as FAILED_OUTLIER_CHECK. */
function noCauseText(endpointsKnown: boolean, host: string): string {
  const service = serviceOfFqdn(host)!;
  const candidates = [
    ...(endpointsKnown ? [] : [`the Service's endpoints (\`kubectl get endpointslices -n ${service.namespace} -l kubernetes.io/service-name=${service.name} -o wide\`)`]),
    'outlier ejection by a DestinationRule the bundle does not hold (`istioctl proxy-config endpoint <client> --cluster <cluster>` shows `FAILED_OUTLIER_CHECK`)',
    'a subset whose labels match no ready pod',
  ];
  return ` The bundle proves no cause; left to check, in order: ${candidates.join('; ')}.`;
}

/** Envoy's default `max_ejection_percent`: at most this share of a cluster's hosts is ejected at once. */
const DEFAULT_MAX_EJECTION_PERCENT = 10;

function outlierSummary(record: ResourceRecord) {
  const spec = record.object.spec as { trafficPolicy?: { outlierDetection?: Record<string, unknown> } } | undefined;
  const od = spec?.trafficPolicy?.outlierDetection;
  if (!od) return undefined;
  const trigger = ejectionTrigger(od);
  if (trigger === undefined || trigger.errors >= AGGRESSIVE_CONSECUTIVE_ERRORS) return undefined;
  const name = `${record.object.metadata.namespace ?? 'default'}/${record.object.metadata.name}`;
  const ejection = od.baseEjectionTime ? ` for ${String(od.baseEjectionTime)}` : '';
  const maxPercent = od.maxEjectionPercent !== undefined ? Number(od.maxEjectionPercent) : DEFAULT_MAX_EJECTION_PERCENT;
  // Only a policy that may eject every host can empty the pool by itself.
  const emptiesPool = maxPercent >= 100;
  const errors = trigger.counts === '5xx' ? '5xx' : trigger.errors === 1 ? 'gateway error' : 'gateway errors';
  const counted = trigger.counts === '5xx' ? '' : ': a 502, 503 or 504, or a failed connection';
  return {
    name,
    trigger,
    emptiesPool,
    text:
      `DestinationRule \`${name}\` ejects an endpoint after ${trigger.errors} consecutive ${errors} (\`${trigger.field}: ${trigger.errors}\`${counted})${ejection}, up to ${maxPercent}% of endpoints${od.maxEjectionPercent === undefined ? ' (the default)' : ''}: ` +
      (emptiesPool ? 'a handful of errors empties the pool.' : 'a handful of errors ejects endpoints, though not all at once.'),
    evidence: {
      path: record.source.path,
      ...(record.source.line ? { line: record.source.line } : {}),
      pointer: `${record.source.pointer ?? ''}/spec/trafficPolicy/outlierDetection`,
      excerpt: JSON.stringify(od),
    },
  };
}
