import { subsetSelectPodAnalyzer } from '../../analysis/analyzers/destination-rule-subsets.js';
import { serviceOfFqdn, toFqdn, wildcardCovers } from '../../analysis/hosts.js';
import { routeDestinations } from '../../analysis/virtual-service.js';
import { defineMessageRule } from './message-rule.js';

export const cfg009 = defineMessageRule({
  id: 'CFG009',
  slug: 'destination-rule-matches-nothing',
  title: 'a DestinationRule subset selects no pod, or its host matches no service',
  severity: 'high',
  step: 'configuration',
  sources: [{ analyzer: subsetSelectPodAnalyzer }],
  description:
    'DestinationRule subsets whose labels select no pod of the host (istioctl analyze IST0173; topology labels come from the pods\' Nodes), and DestinationRules ' +
    'whose host matches no Service or ServiceEntry (IST0174). Not reported where the bundle lists no pods (or no Services) of that namespace, and not for a ' +
    'wildcard host that covers Services in the bundle (Istio\'s analyzer reports those, but proxies apply such rules).',
  rationale:
    'A subset with no pods has an empty cluster: every request routed to it fails with 503 `UH` (no healthy upstream). A DestinationRule for a host that does ' +
    'not exist does nothing — usually a typo, so the traffic policy meant for the real host (TLS, outlier detection) is not applied.',
  remediation: 'Give the subset the labels the pods actually carry (or deploy the version), and correct the DestinationRule host to the service meant.',
  threshold: { value: 'subset without pods high, critical when a route sends traffic to it; unknown host medium', source: 'rule catalogue CFG009; Istio analysis IST0173, IST0174' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset', 'https://istio.io/latest/docs/reference/config/analysis/ist0173/'],
  finding(message, view, confirmed) {
    const drNamespace = view.index.namespaceOf(message.resource);
    const host = String(message.details.host ?? '');
    const fqdn = toFqdn(host, drNamespace, view.index.clusterDomain);
    const hostNamespace = serviceOfFqdn(fqdn, view.index.clusterDomain)?.namespace;
    if (message.code === 'IST0174') {
      if (host.startsWith('*') && view.index.knownHosts().some((h) => wildcardCovers(host, h.host))) {
        // Istio's analyzer matches wildcard rules against ServiceEntries only; proxies apply them to the Services they cover.
        return confirmed
          ? {
              severity: 'info',
              headline: `istioctl analyze reports wildcard host \`${host}\` as unknown`,
              impact: 'It covers Services in the bundle, and proxies apply a wildcard DestinationRule to the services it covers: nothing to fix.',
              remediation: 'None needed; the message comes from how Istio\'s analyzer looks up wildcard hosts.',
            }
          : undefined;
      }
      // What was not collected cannot be called missing: the host's namespace's Services, or any
      // ServiceEntry for a host outside the cluster domain.
      if (!confirmed && hostNamespace && !view.index.ofKind('Service').some((s) => view.index.namespaceOf(s) === hostNamespace)) return undefined;
      if (!confirmed && !hostNamespace && (host.startsWith('*') ? view.index.ofKind('Service').length === 0 : view.index.ofKind('ServiceEntry').length === 0)) return undefined;
      const near = message.details.caseInsensitiveMatch;
      return {
        severity: 'medium',
        headline: `host \`${host}\` matches no service`,
        impact: `${near ? `Hosts are case-sensitive: \`${host}\` is not \`${near}\`. ` : ''}The rule's traffic policy and subsets apply to nothing.`,
        remediation: near ? `Correct the host to \`${near}\`.` : 'Correct the host to the Service or ServiceEntry meant, or delete the DestinationRule.',
      };
    }
    if (!confirmed && hostNamespace && !view.index.pods().some((p) => view.index.namespaceOf(p) === hostNamespace)) return undefined;
    // A ServiceEntry's subsets may select WorkloadEntries (VMs), which pods do not show.
    if (!confirmed && String(message.details.service ?? '').startsWith('ServiceEntry')) return undefined;
    const subset = String(message.details.subset ?? '');
    // A route at weight 0 (a canary not yet started) sends nothing there.
    const routed = view.index.ofKind('VirtualService').filter((vs) => routeDestinations(vs).some((d) => d.subset === subset && d.weight !== 0 && toFqdn(d.host, view.index.namespaceOf(vs), view.index.clusterDomain) === fqdn));
    return {
      severity: routed.length > 0 ? 'critical' : 'high',
      headline: `subset \`${subset}\` selects no pod`,
      impact:
        routed.length > 0
          ? `VirtualService ${routed.map((vs) => `${view.index.namespaceOf(vs)}/${vs.object.metadata.name}`).join(', ')} routes to it: those requests fail with 503 \`UH\` (no healthy upstream).`
          : 'Any route to this subset would fail with 503 `UH` (no healthy upstream).',
      remediation: 'Set the subset\'s labels to those the pods carry (`kubectl get pods --show-labels`), or deploy the version it names.',
      commands: [`kubectl get pods -n ${hostNamespace ?? drNamespace} --show-labels`],
    };
  },
});
