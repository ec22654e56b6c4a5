import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex } from '../config-index.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asRecord, asString, stringMap } from '../object-access.js';
import type { ResourceRecord } from '../../model/facets.js';

/** Namespaces Istio never expects to be injected (its control plane's and Kubernetes' own). */
const SYSTEM_NAMESPACES = new Set(['istio-system', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
const SIDECAR_INJECT = 'sidecar.istio.io/inject';

/**
 * Sidecar injection as the namespace labels configure it (Istio's `injection.Analyzer`;
 * istio.io "Installing the sidecar: automatic injection"): a namespace with no way into the mesh
 * (IST0102, or IST0148 when the injector injects every namespace by default), a namespace with
 * competing mechanisms (IST0123), and pods of an injected namespace running without `istio-proxy`
 * (IST0103: created before the label, or injection failed).
 */
export const injectionAnalyzer = defineAnalyzer({
  name: 'injection.Analyzer',
  codes: ['IST0102', 'IST0103', 'IST0123', 'IST0148'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    const injected = new Set<string>();
    for (const ns of index.ofKind('Namespace')) {
      const name = ns.object.metadata.name;
      if (SYSTEM_NAMESPACES.has(name) || name === index.istioNamespace) continue;
      const labels = stringMap(ns.object.metadata.labels);
      const mechanisms = [
        ...(labels[INJECTION_LABEL] === 'enabled' ? [`${INJECTION_LABEL}=enabled`] : []),
        ...(labels[REVISION_LABEL] !== undefined ? [`${REVISION_LABEL}=${labels[REVISION_LABEL]}`] : []),
        ...(labels[DATAPLANE_MODE_LABEL] === 'ambient' ? [`${DATAPLANE_MODE_LABEL}=ambient`] : []),
      ];
      if (mechanisms.length > 1) {
        messages.push({
          code: 'IST0123',
          resource: ns,
          field: '/metadata/labels',
          text: `Namespace \`${name}\` has ${mechanisms.map((m) => `\`${m}\``).join(' and ')}: which one applies is undefined; keep one.`,
          details: { labels: mechanisms },
        });
        continue;
      }
      if (labels[INJECTION_LABEL] === undefined && labels[REVISION_LABEL] === undefined && labels[DATAPLANE_MODE_LABEL] !== 'ambient') {
        const byDefault = enablesNamespacesByDefault(index);
        messages.push(
          byDefault
            ? { code: 'IST0148', resource: ns, text: `Namespace \`${name}\` has no injection label and is injected because the injector has \`enableNamespacesByDefault: true\`.`, details: {} }
            : {
                code: 'IST0102',
                resource: ns,
                field: '/metadata/labels',
                text: `Namespace \`${name}\` has no \`${INJECTION_LABEL}\` or \`${REVISION_LABEL}\` label and is not ambient: its pods get no sidecar.`,
                details: {},
              },
        );
        if (byDefault) injected.add(name);
        continue;
      }
      if (labels[INJECTION_LABEL] === 'enabled' || (labels[REVISION_LABEL] !== undefined && labels[INJECTION_LABEL] !== 'disabled')) injected.add(name);
    }
    for (const pod of index.pods()) {
      if (!injected.has(index.namespaceOf(pod)) || injectionDisabled(pod) || hasProxy(pod)) continue;
      messages.push({
        code: 'IST0103',
        resource: pod,
        field: '/spec/containers',
        text: `Pod \`${index.namespaceOf(pod)}/${pod.object.metadata.name}\` runs in an injected namespace without an \`istio-proxy\` container: it was started before injection was enabled, or injection failed.`,
        details: {},
      });
    }
    return messages;
  },
});

/** The pod's own opt-out; the label wins over the annotation. */
function injectionDisabled(pod: ResourceRecord): boolean {
  const label = stringMap(pod.object.metadata.labels)[SIDECAR_INJECT];
  const annotation = stringMap(pod.object.metadata.annotations)[SIDECAR_INJECT];
  if ((label ?? annotation)?.toLowerCase() === 'false') return true;
  return asRecord(pod.object.spec)?.hostNetwork === true;
}

/** `istio-proxy` as a container, or (Istio ≥ 1.27 native sidecars) as an init container. */
export function hasProxy(pod: ResourceRecord): boolean {
  const spec = asRecord(pod.object.spec);
  return [...asArray(spec?.containers), ...asArray(spec?.initContainers)].some((c) => asString(asRecord(c)?.name) === 'istio-proxy');
}

/** `sidecarInjectorWebhook.enableNamespacesByDefault` in the injector ConfigMap's `values` JSON. */
function enablesNamespacesByDefault(index: ConfigIndex): boolean {
  const injector = index.ofKind('ConfigMap').find((cm) => cm.object.metadata.name === 'istio-sidecar-injector');
  const values = asString(asRecord(injector?.object.data)?.values);
  if (!values) return false;
  try {
    return asRecord(asRecord(JSON.parse(values))?.sidecarInjectorWebhook)?.enableNamespacesByDefault === true;
  } catch {
    return false;
  }
}
