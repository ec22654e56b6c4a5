import { gatewayApiReferenceAnalyzer } from '../../analysis/analyzers/gateway-api-references.js';
import { gatewayReferenceAnalyzer } from '../../analysis/analyzers/virtualservice-gateways.js';
import { matchGatewayAnalyzer } from '../../analysis/analyzers/virtualservice-match-gateways.js';
import { vsGateways } from '../../analysis/virtual-service.js';
import { nearestName } from '../../analysis/near-names.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { fragmentYaml } from './offline-findings.js';
import { defineMessageRule } from './message-rule.js';
import { shell } from '../shell.js';

export const cfg004 = defineMessageRule({
  id: 'CFG004',
  slug: 'gateway-reference',
  title: 'a VirtualService is bound to a gateway that does not exist or does not serve its hosts',
  severity: 'high',
  step: 'configuration',
  sources: [{ analyzer: gatewayReferenceAnalyzer }, { analyzer: matchGatewayAnalyzer }, { analyzer: gatewayApiReferenceAnalyzer }],
  description:
    'Resolves every `spec.gateways` entry of every VirtualService as Istio does (istioctl analyze IST0101 gateway, IST0132, IST0165): `mesh` is the sidecars, a short ' +
    'name is a Gateway in the VirtualService\'s namespace, `ns/name` one anywhere; Istio Gateways and Gateway API Gateways both count. Then checks that the ' +
    'gateway\'s servers (or listeners) serve at least one of the VirtualService\'s hosts, honouring `ns/host` scoping in the servers. Beyond istioctl analyze: ' +
    'the gateways a rule\'s `match[].gateways` names must exist too (a typo there turns the rule off). Gateway API ' +
    'HTTPRoutes and GRPCRoutes are held to the same standard: a `parentRefs` Gateway (or mesh Service) that does not exist.',
  rationale:
    'A VirtualService bound to a Gateway that does not exist, or whose servers do not carry its hosts, programs no route on that gateway: requests entering there get 404 ' +
    '(`NR`), while the VirtualService looks fine. The most common cause is a short gateway name for a Gateway in another namespace (usually `istio-system`).',
  remediation: 'Reference the Gateway by `namespace/name`, correct its name, or add the VirtualService\'s host to the Gateway\'s `servers[].hosts`.',
  threshold: { value: 'missing gateway high; hosts not served by it high; internal generated gateway medium', source: 'rule catalogue CFG004; Istio analysis IST0101, IST0132, IST0165' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService', 'https://istio.io/latest/docs/reference/config/networking/gateway/#Server'],
  finding(message, view, confirmed, bundle) {
    const gateway = String(message.details.gateway ?? '');
    if (message.analyzer === gatewayApiReferenceAnalyzer.name) {
      // Backend references are CFG002's; parent references are the Gateway API's gateway binding.
      if (message.details.reference !== 'parentRef') return undefined;
      if (!confirmed && !bundle.layout.startsWith('collector') && view.index.ofKind('KubernetesGateway').length === 0 && !String(message.text).startsWith('Parent Service')) {
        return { notSupported: 'route parents (the bundle has no Gateway API Gateway listing)', collect: 'kubectl get gateways.gateway.networking.k8s.io -A -o json' };
      }
      // A mesh route (GAMMA) names the Service it routes for as its parent, not a Gateway.
      if (String(message.text).startsWith('Parent Service')) {
        const [namespace, name] = gateway.includes('/') ? gateway.split('/', 2) : [view.index.namespaceOf(message.resource), gateway];
        return {
          severity: 'high',
          headline: `attached to parent \`${gateway}\`, which does not exist`,
          impact: 'No mesh service programs this route: the sidecars (or waypoint) of its callers never apply it.',
          remediation: `Correct the Service \`parentRefs[]\` entry (\`kind: Service\`, \`group: ""\`, its name and namespace) to the Service this route is for, or create the Service \`${gateway}\`.`,
          commands: [shell`kubectl get services -n ${namespace!}`, shell`kubectl get service ${name!} -n ${namespace!}`],
        };
      }
      return {
        severity: 'high',
        headline: `attached to parent \`${gateway}\`, which does not exist`,
        impact: 'No gateway (or mesh service) programs this route: requests it describes get no route there.',
        remediation: 'Correct `parentRefs[]` (name, namespace, and `sectionName` for a listener) to an existing Gateway, or create it.',
        commands: ['kubectl get gateways.gateway.networking.k8s.io -A'],
      };
    }
    if (message.code === 'IST0165') {
      return {
        severity: 'medium',
        headline: `bound to Istio's internal gateway \`${gateway}\``,
        impact: 'Internal gateway names change when the Gateway API Gateway changes; the binding breaks silently.',
        remediation: 'Attach routes to the Gateway API Gateway with an HTTPRoute, or bind the VirtualService to an Istio Gateway.',
      };
    }
    if (message.code === 'IST0132') {
      // A gateway that does not exist serves no host: its IST0101 finding already says so.
      if (!message.details.related) return undefined;
      const served = (message.details.served as string[] | undefined) ?? [];
      return {
        severity: 'high',
        headline: `hosts not served by gateway \`${gateway}\``,
        impact: 'The gateway gets no route for these hosts: requests for them entering there are answered 404 (`NR`).',
        remediation: served.length > 0 ? `Add the VirtualService's host to the Gateway's \`servers[].hosts\` (it serves ${served.map((h) => `\`${h}\``).join(', ')}), or use the host the Gateway serves.` : 'Add the host to the Gateway\'s servers, or bind the VirtualService to the Gateway that serves it.',
      };
    }
    // Outside a collector bundle (every Gateway listed cluster-wide), no Gateway at all may be a gap.
    if (!confirmed && !bundle.layout.startsWith('collector') && view.index.ofKind('Gateway').length + view.index.ofKind('KubernetesGateway').length === 0) {
      return { notSupported: 'gateway references (the bundle has no Gateway listing)', collect: 'kubectl get gateways.networking.istio.io -A -o json' };
    }
    const corrected = correctedReference(view, gateway, view.index.namespaceOf(message.resource), message.details.caseInsensitiveMatch as string | undefined);
    // A rule's `match[].gateways` list, or the VirtualService's `spec.gateways`.
    const listPointer = typeof message.details.listPointer === 'string' ? message.details.listPointer : '/spec/gateways';
    const gateways = Array.isArray(message.details.list) ? (message.details.list as string[]) : vsGateways(message.resource);
    return {
      severity: 'high',
      headline: `gateway \`${gateway}\` does not exist`,
      impact: corrected
        ? `${corrected.why} Until it is corrected, nothing is routed on that gateway for this VirtualService.`
        : 'Nothing is routed on that gateway for this VirtualService until the Gateway exists.',
      remediation: corrected ? `Reference the gateway as \`${corrected.reference}\`.` : `Create the Gateway \`${gateway}\`, or correct the reference to an existing Gateway.`,
      ...(corrected ? { yaml: fragmentYaml(view, message.resource, listPointer, gateways.map((g) => (g === gateway ? corrected.reference : g))) } : {}),
      commands: ['kubectl get gateways.networking.istio.io -A', 'kubectl get gateways.gateway.networking.k8s.io -A'],
    };
  },
});

/** The Gateway the reference most likely meant: another letter case, or the same name in another namespace. */
function correctedReference(
  view: ConfigurationView,
  reference: string,
  vsNamespace: string,
  caseMatch: string | undefined,
): { reference: string; why: string } | undefined {
  if (caseMatch) return { reference: caseMatch, why: `Names are case-sensitive: \`${reference}\` is not \`${caseMatch}\`.` };
  const name = reference.includes('/') ? reference.split('/')[1]! : reference;
  const elsewhere = [...view.index.ofKind('Gateway'), ...view.index.ofKind('KubernetesGateway')].filter((g) => g.object.metadata.name === name).map((g) => view.index.namespaceOf(g));
  const unique = [...new Set(elsewhere)];
  if (unique.length !== 1) {
    const gwNamespace = reference.includes('/') ? reference.split('/')[0]! : vsNamespace;
    const inNamespace = [...view.index.ofKind('Gateway'), ...view.index.ofKind('KubernetesGateway')].filter((g) => view.index.namespaceOf(g) === gwNamespace).map((g) => g.object.metadata.name);
    const meant = nearestName(name, inNamespace);
    if (!meant) return undefined;
    return { reference: reference.includes('/') ? `${gwNamespace}/${meant}` : meant, why: `The closest Gateway in namespace \`${gwNamespace}\` is \`${meant}\`.` };
  }
  return {
    reference: `${unique[0]}/${name}`,
    why: reference.includes('/')
      ? `Gateway \`${name}\` is in namespace \`${unique[0]}\`, not \`${reference.split('/')[0]}\`.`
      : `A short gateway name means a Gateway in the VirtualService's namespace (\`${vsNamespace}\`); Gateway \`${name}\` is in namespace \`${unique[0]}\`.`,
  };
}
