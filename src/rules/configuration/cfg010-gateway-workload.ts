import { conflictingGatewaysAnalyzer } from '../../analysis/analyzers/conflicting-gateways.js';
import { gatewayPortAnalyzer } from '../../analysis/analyzers/gateway-ports.js';
import { stringMap } from '../../analysis/object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import { defineMessageRule } from './message-rule.js';

export const cfg010 = defineMessageRule({
  id: 'CFG010',
  slug: 'gateway-workload',
  title: 'a Gateway selects no gateway pod, listens on a port its Service does not expose, or conflicts with another Gateway',
  severity: 'high',
  step: 'configuration',
  sources: [{ analyzer: gatewayPortAnalyzer }, { analyzer: conflictingGatewaysAnalyzer }],
  description:
    'Istio Gateways against the gateway pods and Services in the bundle: a selector that matches no pod (istioctl analyze IST0101 selector), a server port that ' +
    'no Service of the gateway pods exposes as port or targetPort (IST0162), and two Gateways on the same workload, port and host (IST0145). Needs the pod listing: ' +
    'without pods nothing is reported.',
  rationale:
    'A Gateway that selects no pod configures nothing. A port the Service does not expose is open on the pod but unreachable from outside. Two Gateways with the ' +
    'same host and port on one workload conflict: Istio keeps one server and drops the other, so some hosts or certificates silently disappear.',
  remediation: 'Point the selector at the gateway pods\' labels (usually `istio: ingressgateway`), expose the port on the gateway Service, and give conflicting Gateways distinct hosts or ports.',
  threshold: { value: 'no workload or conflict high; port not on the Service medium', source: 'rule catalogue CFG010; Istio analysis IST0101, IST0145, IST0162' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/gateway/', 'https://istio.io/latest/docs/reference/config/analysis/ist0145/'],
  finding(message, view, confirmed) {
    // Istio's file-only analysis assumes a default ingress gateway; a bundle without pods cannot say.
    if (!confirmed && (message.details.assumedDefaultIngress || view.index.pods().length === 0)) return undefined;
    if (message.code === 'IST0162') {
      // Only when a Service of the gateway pods is in the bundle: a missing Service listing proves nothing.
      if (!confirmed && ((message.details.related as unknown[] | undefined) ?? []).length === 0) return undefined;
      return {
        severity: 'medium',
        headline: `listens on port ${message.details.port}, which the gateway Service does not expose`,
        impact: 'The gateway pod accepts the port, but clients outside cannot reach it through the Service.',
        remediation: `Add port ${message.details.port} (as port or targetPort) to the Service of the gateway pods, or use a port it exposes.`,
      };
    }
    if (message.code === 'IST0145') {
      return {
        severity: 'high',
        headline: 'conflicts with another Gateway on the same workload, port and host',
        impact: 'Istio keeps one of the conflicting servers; the hosts or TLS settings of the other are silently missing on the gateway.',
        remediation: 'Merge the servers into one Gateway, or give them distinct hosts or ports.',
      };
    }
    const listed = new Set(view.index.pods().map((p) => view.index.namespaceOf(p)));
    const gatewayNamespace = view.index.namespaceOf(message.resource);
    // Gateway pods run in the Gateway's namespace, the control plane's, or their own (istio-ingress):
    // the bundle must list the first two and hold some gateway pod, or it may just not show them.
    const gatewayPodListed = view.index.pods().some((p) => isGatewayPod(p));
    if (!confirmed && (!listed.has(gatewayNamespace) || !listed.has(view.index.istioNamespace) || !gatewayPodListed)) return undefined;
    return {
      severity: 'high',
      headline: `selector \`${message.details.selector}\` matches no gateway pod`,
      impact: `No pod in the bundle (namespaces ${[...listed].sort().map((n) => `\`${n}\``).join(', ')}) carries these labels, so no gateway applies this Gateway: its servers (ports, hosts, TLS) exist nowhere, and VirtualServices bound to it route nothing.`,
      remediation: 'Set `spec.selector` to the labels of the gateway pods (`kubectl get pods -A -l istio=ingressgateway --show-labels`).',
      commands: ['kubectl get pods -A -l istio=ingressgateway --show-labels'],
    };
  },
});

/** Istio's gateway deployments: the Helm charts' `istio` label, or a managed Gateway API gateway. */
function isGatewayPod(pod: ResourceRecord): boolean {
  const labels = stringMap(pod.object.metadata.labels);
  return labels.istio === 'ingressgateway' || labels.istio === 'egressgateway' || labels.istio === 'ingress' || labels['gateway.istio.io/managed'] !== undefined;
}
