import { destinationRuleSubsetAnalyzer } from '../../analysis/analyzers/virtualservice-destination-rules.js';
import { drHost, drSubsets } from '../../analysis/destination-rules.js';
import { toFqdn } from '../../analysis/hosts.js';
import type { IstioMessage } from '../../analysis/messages.js';
import { asRecord, stringMap } from '../../analysis/object-access.js';
import { mirrorDestinations, routeDestinations, stringList } from '../../analysis/virtual-service.js';
import { podsOfService, serviceForHost } from '../../analysis/workloads.js';
import type { ResourceRecord } from '../../model/facets.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { defineRule, type Evidence } from '../rule.js';
import { documentYaml } from '../fix-yaml.js';
import { analyzerDocsFor, fieldEvidence, getCommand, importedCounterparts, plain, resourceName, provenance, subjectOf } from './offline-findings.js';

/** The pod label Istio's samples and most meshes split versions by. */
const VERSION_LABEL = 'version';

export const cfg003 = defineRule({
  id: 'CFG003',
  slug: 'subset-not-defined',
  title: 'a route names a subset no DestinationRule defines',
  severity: 'critical',
  step: 'configuration',
  istioCodes: ['IST0101'],
  inputs: { required: ['k8s.resources'], optional: ['kubectl.pods', 'istioctl.analyze'], views: ['configuration'] },
  description:
    'Every route or mirror destination with a `subset` needs a DestinationRule for that host that defines the subset (istioctl analyze IST0101 host+subset / ' +
    'mirror+subset). The DestinationRules considered are those the client\'s proxies apply: the rule for exactly the host, else the most specific wildcard host, ' +
    'exported to the VirtualService\'s namespace. A destination without subset needs no DestinationRule. Subset names are case-sensitive.',
  rationale:
    'Envoy has no cluster for a subset that no DestinationRule defines (`outbound|9080|v3|reviews…`), so every request routed to it fails with 503 — the ' +
    '"missing DestinationRule for referenced services" failure.',
  remediation: 'Define the subset in the DestinationRule for that host (with the labels of the pods it means), or route to a subset that exists; the DestinationRule to apply is in each finding.',
  threshold: { value: 'route subset undefined critical; mirror subset undefined high', source: 'rule catalogue CFG003; Istio analysis IST0101; istio.io DestinationRule Subset' },
  docs: ['https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset', 'https://istio.io/latest/docs/ops/best-practices/traffic-management/'],
  check(inputs, context) {
    const view = inputs.configuration;
    // One finding per VirtualService and host: the fix (one DestinationRule) covers all its subsets.
    const groups = new Map<string, IstioMessage[]>();
    for (const message of view.from(destinationRuleSubsetAnalyzer)) {
      const s = subjectOf(view, message.resource);
      const key = `${message.resource.source.path}|${s.kind}|${s.namespace ?? ''}|${s.name}|${message.details.host}|${message.details.reference}`;
      groups.set(key, [...(groups.get(key) ?? []), message]);
    }
    for (const messages of groups.values()) {
      const first = messages[0]!;
      const imported = messages.flatMap((m) => importedCounterparts(m, view, inputs['istioctl.analyze']));
      // A host that resolves to nothing in the bundle is CFG002's (or not checked, when its namespace
      // was not collected); a DestinationRule for it would be written for a host that may not exist.
      const vs = first.resource;
      if (!view.index.resolveHost(first.details.host ?? '', view.index.namespaceOf(vs), stringList(asRecord(vs.object.spec)?.exportTo)) && imported.length === 0) continue;
      const mirror = first.details.reference === 'mirror+subset';
      const rules = (first.details.related ?? []) as ResourceRecord[];
      const subsets = [...new Set(messages.map((m) => m.details.subset!))];
      const near = messages.map((m) => m.details.caseInsensitiveMatch).filter((n): n is string => typeof n === 'string');
      const listed = subsets.map((x) => `\`${x}\``).join(', ');
      const notDeployed = undeployed(view, first, subsets);
      // Every missing name is a defined one in another letter case, and no pod carries it: a typo in the route, not a subset to add.
      const typo = near.length === subsets.length && notDeployed !== '' && undeployed(view, first, near) === '';
      context.report({
        severity: mirror ? 'high' : 'critical',
        subject: subjectOf(view, first.resource),
        key: `${first.code} ${first.details.reference} ${first.details.host}`,
        title: plain(`${resourceName(view, first.resource)}: subset${subsets.length > 1 ? 's' : ''} ${listed} of \`${first.details.host}\` not defined (${first.code})`),
        evidence: [...messages.map(fieldEvidence), ...rules.map((r) => fieldEvidence({ ...first, resource: r, field: '/spec/subsets' })), ...dedupe(imported)],
        explanation:
          `${messages.map((m) => m.text).join(' ')} ${near.length > 0 ? `Subset names are case-sensitive: ${messages.filter((m) => m.details.caseInsensitiveMatch).map((m) => `\`${m.details.subset}\` is not \`${m.details.caseInsensitiveMatch}\``).join(', ')}. ` : ''}` +
          `${mirror ? 'The mirrored copies are lost.' : 'Every request these routes send there fails with 503: Envoy has no cluster for an undefined subset.'}` +
          (typo ? ` No pod of the Service carries ${subsets.map((x) => `\`${VERSION_LABEL}=${x}\``).join(', ')}, while pods with ${near.map((x) => `\`${VERSION_LABEL}=${x}\``).join(', ')} run: the route has a typo.` : notDeployed) +
          `${provenance(first, imported, inputs['istioctl.analyze'])}`,
        remediation: typo
          ? `Correct the route's subset to ${near.map((n) => `\`${n}\``).join(', ')} in ${resourceName(view, first.resource)}; the DestinationRule needs no change.`
          : near.length === subsets.length
            ? `Correct the route's subset to ${near.map((n) => `\`${n}\``).join(', ')}, or define ${listed} in the DestinationRule.`
            : rules.some((r) => !drHost(r).startsWith('*'))
              ? `Add ${listed} to DestinationRule ${rules.map((r) => `${view.index.namespaceOf(r)}/${r.object.metadata.name}`).join(', ')} (below, with every subset the routes use), then \`kubectl apply -f\` it.`
              : `Create the DestinationRule below for \`${first.details.host}\`, with every subset the routes use, then \`kubectl apply -f\` it.`,
        ...(typo ? {} : { yaml: destinationRuleFix(view, first, rules) }),
        commands: [getCommand(view, first.resource), ...rules.map((r) => getCommand(view, r)), ...(rules.length === 0 ? ['kubectl get destinationrules.networking.istio.io -A'] : [])],
        docs: [analyzerDocsFor(first), 'https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset'],
      });
    }
  },
});

function dedupe(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.path}:${e.line ?? ''}:${e.pointer ?? ''}:${e.excerpt ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The DestinationRule as it should read: the existing one with the missing subsets added, or a new
 * one with every subset the VirtualServices route to, each with the labels of the service's pods
 * that carry that version (a placeholder where no pod does).
 */
function destinationRuleFix(view: ConfigurationView, message: IstioMessage, rules: readonly ResourceRecord[]): string {
  const vsNamespace = view.index.namespaceOf(message.resource);
  const host = message.details.host ?? '';
  const fqdn = toFqdn(host, vsNamespace, view.index.clusterDomain);
  const wanted = subsetsRoutedTo(view, fqdn);
  const service = serviceForHost(view.index, host, vsNamespace);
  const podLabels = service ? podsOfService(view.index, service).map((p) => stringMap(p.object.metadata.labels)) : [];
  const unmatched = wanted.filter((subset) => !podLabels.some((l) => l[VERSION_LABEL] === subset));
  const labelsFor = (subset: string) => ({ [VERSION_LABEL]: subset });
  // A wildcard rule (often the mesh-wide `*.local` one) is not where one service's subsets belong:
  // write an exact-host rule that keeps its traffic policy, since the new rule shadows it for this host.
  const existing = rules[0] && !drHost(rules[0]).startsWith('*') ? rules[0] : undefined;
  const inherited = rules[0] && !existing ? asRecord(rules[0].object.spec)?.trafficPolicy : undefined;
  let yaml: string;
  if (existing) {
    const defined = drSubsets(existing);
    const subsets = [...defined.map((s) => ({ name: s.name, labels: s.labels })), ...wanted.filter((w) => !defined.some((d) => d.name === w)).map((name) => ({ name, labels: labelsFor(name) }))];
    yaml = documentYaml(
      { apiVersion: existing.object.apiVersion, kind: 'DestinationRule', metadata: { name: existing.object.metadata.name, namespace: view.index.namespaceOf(existing) }, spec: { ...(existing.object.spec as object), subsets } },
      `${resourceName(view, existing)} with the missing subsets added`,
    );
  } else {
    const name = service?.object.metadata.name ?? host.split('.')[0] ?? host;
    const namespace = service ? view.index.namespaceOf(service) : vsNamespace;
    yaml = documentYaml(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name, namespace },
        spec: { host: fqdn, ...(inherited ? { trafficPolicy: inherited } : {}), subsets: wanted.map((s) => ({ name: s, labels: labelsFor(s) })) },
      },
      (podLabels.length > 0 ? `labels taken from the pods of Service ${namespace}/${name}` : 'no pods of the service in the bundle: check the labels') +
        (inherited ? `; traffic policy kept from ${resourceName(view, rules[0]!)}, which this rule shadows for the host` : ''),
    );
  }
  return podLabels.length > 0 ? flagUnmatched(yaml, unmatched) : yaml;
}

/** " No pod of Service … carries version=v2 either": the version the route means is not deployed. */
function undeployed(view: ConfigurationView, message: IstioMessage, subsets: readonly string[]): string {
  const service = serviceForHost(view.index, message.details.host ?? '', view.index.namespaceOf(message.resource));
  const labels = service ? podsOfService(view.index, service).map((p) => stringMap(p.object.metadata.labels)) : [];
  if (labels.length === 0) return '';
  const missing = subsets.filter((s) => !labels.some((l) => l[VERSION_LABEL] === s));
  if (missing.length === 0) return '';
  return ` No pod of Service ${view.index.namespaceOf(service!)}/${service!.object.metadata.name} carries ${missing.map((s) => `\`${VERSION_LABEL}=${s}\``).join(', ')} either: that version is not deployed, so deploy it before adding the subset, or route its share elsewhere.`;
}

/** A YAML comment on the label of each subset no pod carries: the engineer must supply the real labels. */
function flagUnmatched(yaml: string, subsets: readonly string[]): string {
  let out = yaml;
  for (const subset of subsets) {
    const escaped = subset.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(- name: ${escaped}\\n\\s+labels:\\n\\s+${VERSION_LABEL}: ${escaped})$`, 'm'), '$1 # no pod of the service has this label: use the labels of the pods meant');
  }
  return out;
}

/** Every subset any VirtualService routes or mirrors to for this host, in first-use order. */
function subsetsRoutedTo(view: ConfigurationView, fqdn: string): string[] {
  const subsets: string[] = [];
  for (const vs of view.index.ofKind('VirtualService')) {
    const ns = view.index.namespaceOf(vs);
    for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
      if (d.subset && toFqdn(d.host, ns, view.index.clusterDomain) === fqdn && !subsets.includes(d.subset)) subsets.push(d.subset);
    }
  }
  return subsets;
}
