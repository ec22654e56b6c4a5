import { gatewayApiReferenceAnalyzer } from '../../analysis/analyzers/gateway-api-references.js';
import { delegateAnalyzer } from '../../analysis/analyzers/virtualservice-delegates.js';
import { destinationHostAnalyzer } from '../../analysis/analyzers/virtualservice-destination-hosts.js';
import { serviceOfFqdn, toFqdn } from '../../analysis/hosts.js';
import type { IstioMessage } from '../../analysis/messages.js';
import { nearestName } from '../../analysis/near-names.js';
import { asRecord } from '../../analysis/object-access.js';
import { stringList } from '../../analysis/virtual-service.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { defineRule, type Severity } from '../rule.js';
import {
  analyzerDocsFor,
  fieldEvidence,
  fragmentYaml,
  getCommand,
  importedCounterparts,
  plain,
  resourceName,
  provenance,
  subjectOf,
  valueAt,
} from './offline-findings.js';

/** A route to nowhere answers every request with 503; a broken mirror loses only the copies. */
const SEVERITY_BY_REFERENCE: Record<string, Severity> = { host: 'critical', 'host:port': 'critical', backendRef: 'critical', delegate: 'critical', 'mirror host': 'high' };

export const cfg002 = defineRule({
  id: 'CFG002',
  slug: 'destination-host-not-found',
  title: 'a VirtualService routes to a host no Service or ServiceEntry defines',
  severity: 'critical',
  step: 'configuration',
  istioCodes: ['IST0101', 'IST0112'],
  inputs: { required: ['k8s.resources'], optional: ['kubectl.pods', 'istioctl.analyze'], views: ['configuration'] },
  description:
    'Resolves every route, mirror and port of every VirtualService as Istio does (istioctl analyze IST0101 host / mirror host / host:port, IST0112): a short host ' +
    'resolves in the VirtualService\'s namespace, a name with a dot is taken as written, ServiceEntry hosts (wildcards included) count, and `exportTo` ' +
    '(VirtualService, ServiceEntry, the Service annotation `networking.istio.io/exportTo`) limits who sees a host. Hosts are case-sensitive. Beyond istioctl analyze: ' +
    '`http[].delegate` to a VirtualService that does not exist, and Gateway API HTTPRoute/GRPCRoute `backendRefs` to a missing Service or port. A fault in a namespace ' +
    'whose Services are not in the bundle is not reported (listed as not checked instead).',
  rationale:
    'A route whose destination does not exist, or names a port the service does not expose, has no cluster behind it: every request it matches fails with 503 ' +
    '(`NR`/`UH`/`NC`). A missing mirror loses only the mirrored copies.',
  remediation: 'Correct the destination host (or port) to the Service or ServiceEntry meant, or create it; the corrected fragment is in each finding.',
  threshold: {
    value: 'route or port to nowhere critical; mirror to nowhere high; several service ports and none chosen (IST0112) medium',
    source: 'rule catalogue CFG002; Istio analysis IST0101/IST0112; istio.io VirtualService Destination',
  },
  docs: ['https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination', 'https://istio.io/latest/docs/reference/config/analysis/ist0101/'],
  check(inputs, context) {
    const view = inputs.configuration;
    const servicedNamespaces = new Set(view.index.ofKind('Service').map((s) => view.index.namespaceOf(s)));
    const unknown = new Set<string>();
    const gaps = new Set<string>();
    const messages = [
      ...view.from(destinationHostAnalyzer, ['IST0101', 'IST0112']),
      ...view.from(delegateAnalyzer),
      ...view.from(gatewayApiReferenceAnalyzer).filter((m) => m.details.reference !== 'parentRef'),
    ];
    for (const message of messages) {
      const vsNamespace = view.index.namespaceOf(message.resource);
      const targetNamespace = serviceOfFqdn(toFqdn(message.details.host ?? '', vsNamespace, view.index.clusterDomain), view.index.clusterDomain)?.namespace;
      const imported = importedCounterparts(message, view, inputs['istioctl.analyze']);
      // With the Namespace listing in the bundle, a namespace not in it does not exist: no reason to defer.
      const unlisted = targetNamespace !== undefined && !servicedNamespaces.has(targetNamespace) && !namespaceMissing(view, targetNamespace);
      if (message.code === 'IST0101' && ['host', 'mirror host', 'backendRef'].includes(message.details.reference ?? '') && unlisted && imported.length === 0) {
        unknown.add(targetNamespace);
        continue;
      }
      if (imported.length === 0 && !context.bundle.layout.startsWith('collector') && notListedOutsideCollector(view, message)) {
        gaps.add(message.details.reference === 'delegate' ? `delegates into namespace ${(message.details.host ?? '').split('/')[0]} (none of its VirtualServices is in the bundle)` : 'external hosts (the bundle has no ServiceEntry listing)');
        continue;
      }
      const fix = correction(view, message);
      context.report({
        // A host only clients of other namespaces cannot see breaks their requests, not those of its own namespace.
        severity: message.code === 'IST0112' ? 'medium' : message.details.ownNamespaceOnly === true ? 'high' : (SEVERITY_BY_REFERENCE[message.details.reference ?? 'host'] ?? 'critical'),
        subject: subjectOf(view, message.resource),
        key: `${message.code} ${message.field ?? ''}`,
        title: plain(`${resourceName(view, message.resource)}: ${headline(message)} (${message.code})`),
        evidence: [fieldEvidence(message), ...imported],
        explanation: `${message.text} ${fix.why}${provenance(message, imported, inputs['istioctl.analyze'])}`,
        remediation: fix.remediation,
        ...(fix.yaml ? { yaml: fix.yaml } : {}),
        commands: [getCommand(view, message.resource), 'kubectl get services,serviceentries.networking.istio.io -A'],
        docs: [analyzerDocsFor(message), 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination'],
      });
    }
    if (unknown.size > 0 || gaps.size > 0) {
      const namespaces = [...unknown].sort();
      const parts = [
        ...(namespaces.length > 0 ? [`route destinations into namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')} (the bundle has none of their Services)`] : []),
        ...[...gaps].sort(),
      ];
      context.notChecked(
        `Could not be checked: ${parts.join('; ')}.`,
        [...namespaces.map((n) => `kubectl get services -n ${n} -o json`), ...(gaps.size > 0 ? ['kubectl get virtualservices.networking.istio.io,serviceentries.networking.istio.io -A -o json'] : [])],
      );
    }
  },
});

function headline(message: IstioMessage): string {
  const host = message.details.host ?? '';
  if (message.code === 'IST0112') return `route to \`${host}\` names no port of its several`;
  if (message.details.reference === 'host:port') return `route to \`${host}\` port ${message.details.port} that the service does not expose`;
  if (message.details.reference === 'delegate') return `delegates to VirtualService ${host}, which does not exist`;
  if (message.details.reference === 'backendRef') return `backend Service \`${host}\` does not exist`;
  if (host === '') return 'a route with no destination host';
  if (message.details.ownNamespaceOnly === true) return `${message.details.reference === 'mirror host' ? 'mirror' : 'route'} to \`${host}\`, which some namespaces it is exported to cannot see`;
  return `${message.details.reference === 'mirror host' ? 'mirror' : 'route'} to \`${host}\`, which does not exist`;
}

interface Correction {
  why: string;
  remediation: string;
  yaml?: string;
}

function correction(view: ConfigurationView, message: IstioMessage): Correction {
  if (message.details.reference === 'delegate') {
    return {
      why: 'Istio routes the requests this rule matches with the delegate\'s rules; without it they get no route.',
      remediation: `Create VirtualService \`${message.details.host}\` (a delegate has no \`hosts\` and no \`gateways\`), or correct the delegate's name and namespace.`,
    };
  }
  if (message.analyzer === gatewayApiReferenceAnalyzer.name) return backendCorrection(view, message);
  const destinationPointer = message.field!.replace(/\/(?:host|port\/number)$/, '');
  const destination = asRecord(valueAt(message.resource.object, destinationPointer)) ?? {};
  const namespace = view.index.namespaceOf(message.resource);
  const host = message.details.host ?? '';
  if (message.code === 'IST0112') {
    const ports = (message.details.ports as number[] | undefined) ?? [];
    return {
      why: 'Without `destination.port.number` Istio routes to the port the request arrived on: that works for a sidecar calling the service on one of its ports, and fails at a gateway (port 80/443) or wherever the ports differ.',
      remediation: `Add the port the route means (one of ${ports.join(', ')}) to the destination.`,
      yaml: fragmentYaml(view, message.resource, destinationPointer, { ...destination, port: { number: ports[0] } }, `choose one of ports ${ports.join(', ')}`),
    };
  }
  if (message.details.reference === 'host:port') {
    const ports = (message.details.ports as number[] | undefined) ?? [];
    return {
      why: 'Istio builds one cluster per service port, so a port the service does not expose has no cluster and the route fails.',
      remediation: ports.length > 0 ? `Route to a port the service exposes (${ports.join(', ')}), or add port ${message.details.port} to the service.` : 'Add the port to the service, or route to one it exposes.',
      ...(ports.length === 1 ? { yaml: fragmentYaml(view, message.resource, destinationPointer, { ...destination, port: { number: ports[0] } }) } : {}),
    };
  }
  if (host === '') {
    return { why: 'A route entry without `destination.host` sends its share of the traffic nowhere.', remediation: 'Give the route entry a destination host, or remove it.' };
  }
  const hidden = hiddenByExportTo(view, host, namespace);
  if (hidden) {
    // The VirtualService applies where it is exported; the host must be visible in all of those namespaces.
    const vsExport = stringList(asRecord(message.resource.object.spec)?.exportTo).map((ns) => (ns === '.' ? namespace : ns));
    const where = vsExport.length === 0 || vsExport.every((ns) => ns === namespace) ? `namespace \`${namespace}\`` : `every namespace the VirtualService is exported to (${vsExport.map((ns) => `\`${ns}\``).join(', ')})`;
    return {
      why: `${hidden} exists, but its \`exportTo\` does not reach ${where}, so proxies there do not know it.`,
      remediation: `Export ${hidden} to ${where} (its \`exportTo\`, or the Service annotation \`networking.istio.io/exportTo\`), or narrow the VirtualService's \`exportTo\` to where the host is visible.`,
    };
  }
  const elsewhere = sameNameElsewhere(view, host, namespace);
  if (elsewhere) {
    return {
      why: `A short name resolves in the VirtualService's own namespace: \`${host}\` here means \`${toFqdn(host, namespace, view.index.clusterDomain)}\`. The Service \`${host}\` is in namespace \`${elsewhere}\`.`,
      remediation: `Use the fully qualified name \`${host}.${elsewhere}.${view.index.clusterDomain}\`.`,
      yaml: fragmentYaml(view, message.resource, destinationPointer, { ...destination, host: `${host}.${elsewhere}.${view.index.clusterDomain}` }),
    };
  }
  const meant = suggestion(view, host, namespace);
  if (meant) {
    const caseOnly = meant.toLowerCase() === host.toLowerCase();
    return {
      why: caseOnly ? `Hosts are case-sensitive: \`${host}\` is not \`${meant}\`.` : `The closest host that exists is \`${meant}\`.`,
      remediation: `Correct the destination host to \`${meant}\`${caseOnly ? '' : ' if that is the service meant; otherwise create the Service or ServiceEntry'}.`,
      yaml: fragmentYaml(view, message.resource, destinationPointer, { ...destination, host: meant }),
    };
  }
  const target = serviceOfFqdn(toFqdn(host, namespace, view.index.clusterDomain), view.index.clusterDomain);
  if (target && namespaceMissing(view, target.namespace)) {
    const meantNamespace = nearestName(target.namespace, view.index.ofKind('Namespace').map((n) => n.object.metadata.name));
    return {
      why: `Namespace \`${target.namespace}\` does not exist (the bundle lists the cluster's namespaces)${meantNamespace ? `; the closest is \`${meantNamespace}\`` : ''}.`,
      remediation: meantNamespace ? `Correct the host to \`${target.name}.${meantNamespace}.${view.index.clusterDomain}\`.` : 'Correct the host to a service that exists.',
      ...(meantNamespace ? { yaml: fragmentYaml(view, message.resource, destinationPointer, { ...destination, host: `${target.name}.${meantNamespace}.${view.index.clusterDomain}` }) } : {}),
    };
  }
  return {
    why: 'No Service or ServiceEntry in the bundle has that name or a similar one.',
    remediation: target
      ? `Create the Service \`${target.name}\` in namespace \`${target.namespace}\`, or correct the host to an existing one.`
      : `Create a ServiceEntry for \`${host}\` (a route destination must be a Service or ServiceEntry host, whatever the outbound traffic policy), or correct the host.`,
  };
}

/** A Service or ServiceEntry with exactly that host exists but is not exported to the namespace. */
function hiddenByExportTo(view: ConfigurationView, host: string, namespace: string): string | undefined {
  const fqdn = toFqdn(host, namespace, view.index.clusterDomain);
  const found = view.index.knownHosts().find((h) => h.host === fqdn);
  return found ? `${found.kind} ${view.index.namespaceOf(found.record)}/${found.record.object.metadata.name}` : undefined;
}

/** The trap: a short name that only a Service of that name in another namespace matches. */
function sameNameElsewhere(view: ConfigurationView, host: string, namespace: string): string | undefined {
  if (host.includes('.') || host.startsWith('*')) return undefined;
  const namespaces = view.index
    .ofKind('Service')
    .filter((s) => s.object.metadata.name === host && view.index.namespaceOf(s) !== namespace)
    .map((s) => view.index.namespaceOf(s));
  return namespaces.length === 1 ? namespaces[0] : undefined;
}

/** The host most likely meant, written the way the VirtualService wrote its own (short or FQDN). */
function suggestion(view: ConfigurationView, host: string, namespace: string): string | undefined {
  if (!host.includes('.')) {
    const local = view.index.ofKind('Service').filter((s) => view.index.namespaceOf(s) === namespace).map((s) => s.object.metadata.name);
    return nearestName(host, local);
  }
  return nearestName(host, view.index.knownHosts().map((h) => h.host).filter((h) => !h.startsWith('*')));
}

/** An HTTPRoute/GRPCRoute backend: the Service name or port the route should use. */
function backendCorrection(view: ConfigurationView, message: IstioMessage): Correction {
  const host = message.details.host ?? '';
  const [name = '', namespace = ''] = host.split('.');
  if (message.details.reference === 'host:port') {
    const ports = (message.details.ports as number[] | undefined) ?? [];
    return {
      why: 'The Gateway API sends a backend only to a port its Service exposes; this backend gets no endpoints and its share of requests fails.',
      remediation: `Use a port the Service exposes (${ports.join(', ')}), or add port ${message.details.port} to it.`,
    };
  }
  const meant = nearestName(name, view.index.ofKind('Service').filter((s) => view.index.namespaceOf(s) === namespace).map((s) => s.object.metadata.name));
  return {
    why: meant ? `The closest Service in namespace \`${namespace}\` is \`${meant}\`.` : `No Service of that name is in namespace \`${namespace}\`.`,
    remediation: meant ? `Correct \`backendRefs[].name\` to \`${meant}\`.` : `Create the Service \`${namespace}/${name}\`, or correct the backend reference.`,
    ...(meant ? { yaml: fragmentYaml(view, message.resource, message.field!.replace(/\/name$/, ''), { ...(asRecord(valueAt(message.resource.object, message.field!.replace(/\/name$/, ''))) ?? {}), name: meant }) } : {}),
  };
}

/** The bundle lists the cluster's Namespaces and this one is not among them. */
function namespaceMissing(view: ConfigurationView, namespace: string): boolean {
  const namespaces = view.index.ofKind('Namespace');
  return namespaces.length > 0 && !namespaces.some((n) => n.object.metadata.name === namespace);
}

/**
 * Outside a collector bundle (which lists every Istio kind cluster-wide), absence proves nothing
 * when the bundle has none of what the reference needs: no ServiceEntry at all for an external
 * host, no VirtualService of the delegate's namespace.
 */
function notListedOutsideCollector(view: ConfigurationView, message: IstioMessage): boolean {
  const reference = message.details.reference;
  const host = message.details.host ?? '';
  if (reference === 'delegate') {
    const namespace = host.split('/')[0]!;
    return !view.index.ofKind('VirtualService').some((vs) => view.index.namespaceOf(vs) === namespace);
  }
  if ((reference === 'host' || reference === 'mirror host') && host.includes('.') && !serviceOfFqdn(host, view.index.clusterDomain)) {
    return view.index.ofKind('ServiceEntry').length === 0;
  }
  return false;
}
