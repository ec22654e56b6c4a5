import type { ResourceRecord } from '../../model/facets.js';
import { defineRule } from '../rule.js';
import { breakdownText, parseCluster, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { shellQuote } from '../shell.js';

/** Outlier detection that ejects after fewer consecutive errors than this is "too aggressive". */
const AGGRESSIVE_CONSECUTIVE_ERRORS = 5;

const RELAXED_POLICY = `trafficPolicy:
  outlierDetection:
    consecutive5xxErrors: 50
    interval: 30s
    baseEjectionTime: 30s`;

export const log002 = defineRule({
  id: 'LOG002',
  slug: 'no-healthy-upstream',
  title: 'no healthy upstream: every endpoint of the target is down or ejected',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources'], views: ['routing'] },
  description:
    'Counts, per pod, `no healthy upstream` (the 503 body) and its access-log form: response flag UH or details `no_healthy_upstream`. The same words in an xDS ' +
    '`gRPC config stream closed` line are istiod connectivity (LOG008), not this. High; critical when most of the pod\'s requests fail this way. When the bundle has ' +
    'DestinationRules, the one for the failing host is checked for aggressive outlier detection.',
  rationale:
    'Envoy had no endpoint it considered healthy: the Service has no ready endpoints, or outlier detection ejected them all. An aggressive `outlierDetection` ' +
    '(ejecting after one or two 5xx) turns a few errors into an outage: the "random 503s with healthy services" pattern.',
  remediation:
    "Check the endpoints first. If they are ready, relax the DestinationRule's outlier detection, e.g. `consecutive5xxErrors: 50`, `interval: 30s`, `baseEjectionTime: 30s` " +
    "(deleting the client pod only resets that pod's ejection state; the DestinationRule is the fix).",
  threshold: { value: `${SIGNATURE_THRESHOLD}; outlier detection with consecutive errors < ${AGGRESSIVE_CONSECUTIVE_ERRORS} called aggressive`, source: 'rule catalogue (`istio-bundle explain LOG002`), after the Istio production debugging guide\'s "Random 503 errors with healthy services"; Istio docs: DestinationRule OutlierDetection' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection', 'https://istio.io/latest/docs/ops/common-problems/network-issues/'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'noHealthyUpstream')) {
      const top = match.hits.breakdown[0]?.key ?? '';
      const host = parseCluster(top)?.host;
      const aggressive = host ? inputs.routing.destinationRulesFor(host, match.log.namespace).map(outlierSummary).find((s) => s !== undefined) : undefined;
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `no healthy upstream for ${host ?? 'its target'} seen by ${podLabel(match.log)}`,
        evidence: [...signatureEvidence(match), ...(aggressive ? [aggressive.evidence] : [])],
        explanation:
          `${where(match)} found no healthy endpoint in ${match.volume}.${breakdownText(match, 'upstream cluster')}` +
          (aggressive ? ` ${aggressive.text}` : '') +
          severityNote(match),
        ...(aggressive
          ? { remediation: `Relax the outlier detection of DestinationRule \`${aggressive.name}\` (\`spec.trafficPolicy.outlierDetection\`) as below, then check the endpoints are HEALTHY again.`, yaml: `# DestinationRule ${aggressive.name}: spec\n${RELAXED_POLICY}` }
          : {}),
        commands: [
          ...podCommands(match.log, (pod) => [`istioctl proxy-config endpoint ${pod}${host ? ` --cluster ${shellQuote(top)}` : ''}`]),
          ...(host ? [`kubectl get endpointslices -A -l ${shellQuote(`kubernetes.io/service-name=${host.split('.')[0]!}`)}`] : []),
        ],
      });
    }
  },
});

function outlierSummary(record: ResourceRecord) {
  const spec = record.object.spec as { trafficPolicy?: { outlierDetection?: Record<string, unknown> } } | undefined;
  const od = spec?.trafficPolicy?.outlierDetection;
  if (!od) return undefined;
  const consecutive = Number(od.consecutive5xxErrors ?? od.consecutiveErrors ?? od.consecutiveGatewayErrors);
  if (!Number.isFinite(consecutive) || consecutive >= AGGRESSIVE_CONSECUTIVE_ERRORS) return undefined;
  const name = `${record.object.metadata.namespace ?? 'default'}/${record.object.metadata.name}`;
  const ejection = od.baseEjectionTime ? ` for ${String(od.baseEjectionTime)}` : '';
  const maxPercent = od.maxEjectionPercent !== undefined ? `, up to ${String(od.maxEjectionPercent)}% of endpoints` : '';
  return {
    name,
    text: `DestinationRule \`${name}\` ejects an endpoint after ${consecutive} consecutive 5xx${ejection}${maxPercent}: a handful of errors empties the pool.`,
    evidence: {
      path: record.source.path,
      ...(record.source.line ? { line: record.source.line } : {}),
      pointer: `${record.source.pointer ?? ''}/spec/trafficPolicy/outlierDetection`,
      excerpt: JSON.stringify(od),
    },
  };
}
