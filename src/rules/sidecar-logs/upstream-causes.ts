import type { ConfigIndex } from '../../analysis/config-index.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { ingressVerdict } from '../../analysis/network-policies.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from '../../analysis/object-access.js';
import { serviceEndpoints, type EndpointRef, type ServiceEndpoints } from '../../analysis/service-endpoints.js';
import { containerPortOf, podOfLog, podsOfService, serviceOfClusterHost } from '../../analysis/workloads.js';
import type { ResourceRecord } from '../../model/facets.js';
import { evidenceAt, plural } from '../evidence.js';
import type { Evidence } from '../rule.js';
import type { TargetGroup } from './by-target.js';

/**
 * What the rest of the bundle says about an upstream that requests fail toward: the Service, its
 * endpoints, the NetworkPolicies in front of its pods. A finding names the cause the evidence
 * supports; where none is proven it lists what is left to check, in order.
 */
export interface EndpointsFinding {
  /** A sentence for the explanation. */
  text: string;
  evidence: Evidence[];
  /** No endpoint can take the request: this alone explains the failures. */
  decisive: boolean;
  /** The fix of a decisive cause, for the remediation. */
  fix?: string;
  /** Every endpoint is ready: the endpoints are ruled out. */
  allReady: boolean;
}

/** Endpoints shown by name in a sentence; the rest are counted. */
const ENDPOINTS_NAMED = 5;

/**
 * The Service's endpoints as Kubernetes lists them: none (its selector matches no pod), none ready
 * (say which and why, from the pods' status), some not ready, or all ready. Undefined when the
 * bundle has no endpoint listing of the namespace, or the host is no Service of the bundle.
 */
export function endpointsFinding(index: ConfigIndex, host: string, subset?: Subset): EndpointsFinding | undefined {
  const service = serviceOfClusterHost(index, host);
  if (!service) return undefined;
  const spec = asRecord(service.object.spec);
  const selector = stringMap(spec?.selector);
  // An ExternalName Service has no endpoints by design; one without selector has them managed by hand or
  // by a controller; one whose selector picks WorkloadEntries (VMs) has endpoints no EndpointSlice lists.
  if (asString(spec?.type) === 'ExternalName' || Object.keys(selector).length === 0 || selectsWorkloadEntries(index, service, selector)) return undefined;
  const all = serviceEndpoints(index, service);
  if (!all) return undefined;
  const serviceName = `${index.namespaceOf(service)}/${service.object.metadata.name}`;
  const endpoints = subset ? inSubset(index, all, subset) : all;
  // An endpoint whose pod the bundle does not hold cannot be placed in or out of the subset.
  if (!endpoints) return undefined;
  if (subset && endpoints.ready.length + endpoints.notReady.length === 0 && all.ready.length + all.notReady.length > 0) {
    const labels = Object.entries(subset.labels).map(([k, v]) => `${k}=${v}`).join(',');
    return {
      text: `The cause: no endpoint of Service \`${serviceName}\` is a pod of subset \`${subset.name}\` (labels \`${labels}\`), so the subset's cluster is empty.`,
      evidence: [evidenceAt({ ...subset.record.source, pointer: `${subset.record.source.pointer ?? ''}${subset.pointer}` }, labels)],
      decisive: true,
      fix: `Correct the labels of subset \`${subset.name}\` in DestinationRule \`${index.namespaceOf(subset.record)}/${subset.record.object.metadata.name}\` to those of the pods meant to serve it (\`kubectl get pods -n ${index.namespaceOf(service)} --show-labels\`), or route to a subset that has pods.`,
      allReady: false,
    };
  }
  const name = subset ? `${serviceName}\` subset \`${subset.name}` : serviceName;
  if (endpoints.records.length === 0 || endpoints.ready.length + endpoints.notReady.length === 0) {
    const labels = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
    return {
      text: `The cause: Service \`${name}\` has no endpoints in the bundle's EndpointSlices: its selector \`${labels}\` matches no running pod.`,
      evidence: [evidenceAt({ ...service.source, pointer: `${service.source.pointer ?? ''}/spec/selector` }, labels), ...endpoints.records.map((r) => evidenceAt(r.source, 'no endpoints'))],
      decisive: true,
      fix: `Give Service \`${serviceName}\` pods to send to: correct its selector \`${labels}\` to the labels of the pods meant to serve it, or start those pods.`,
      allReady: false,
    };
  }
  if (endpoints.ready.length === 0) {
    return {
      text: `The cause: ${endpoints.notReady.length === 1 ? `the only endpoint of Service \`${name}\` is not ready` : `none of the ${endpoints.notReady.length} endpoints of Service \`${name}\` is ready`} (${notReadyText(index, endpoints.notReady)}): no ready pod serves it.`,
      evidence: endpointEvidence(endpoints),
      decisive: true,
      fix: 'Make the endpoints ready: the pods named above are not ready (see their events and logs: `kubectl describe pod`). Envoy sends traffic again as soon as Kubernetes lists them ready.',
      allReady: false,
    };
  }
  if (endpoints.notReady.length > 0) {
    return {
      text: `${endpoints.notReady.length} of the ${endpoints.ready.length + endpoints.notReady.length} endpoints of Service \`${name}\` ${endpoints.notReady.length === 1 ? 'is' : 'are'} not ready (${notReadyText(index, endpoints.notReady)}).`,
      evidence: endpointEvidence(endpoints),
      decisive: false,
      allReady: false,
    };
  }
  return {
    text: `Kubernetes lists ${endpoints.ready.length === 1 ? 'the only endpoint' : `all ${endpoints.ready.length} endpoints`} of Service \`${name}\` as ready.`,
    evidence: [evidenceAt({ ...endpoints.records[0]!.source, pointer: `${endpoints.records[0]!.source.pointer ?? ''}/endpoints` }, `${endpoints.ready.length} ready`)],
    decisive: false,
    allReady: true,
  };
}

/** A DestinationRule subset a cluster routes to (`outbound|9080|v2|…`) and the labels that pick its pods. */
export interface Subset {
  name: string;
  labels: Record<string, string>;
  record: ResourceRecord;
  /** JSON pointer of the subset's labels in the record's object. */
  pointer: string;
}

/** The subset named `name` in the first of the DestinationRules that defines it. */
export function subsetOf(destinationRules: readonly ResourceRecord[], name: string): Subset | undefined {
  for (const record of destinationRules) {
    const subsets = asArray(asRecord(record.object.spec)?.subsets);
    const at = subsets.findIndex((s) => asString(asRecord(s)?.name) === name);
    if (at >= 0) return { name, labels: stringMap(asRecord(subsets[at])?.labels), record, pointer: `/spec/subsets/${at}/labels` };
  }
  return undefined;
}

/** The endpoints whose pod carries the subset's labels; undefined when an endpoint's pod is not in the bundle (it cannot be placed). */
function inSubset(index: ConfigIndex, endpoints: ServiceEndpoints, subset: Subset): ServiceEndpoints | undefined {
  const labelsOf = new Map<EndpointRef, Record<string, string>>();
  for (const ref of [...endpoints.ready, ...endpoints.notReady]) {
    const pod = ref.pod ? index.pod(ref.pod, index.namespaceOf(ref.record)) : undefined;
    if (!pod) return undefined;
    labelsOf.set(ref, stringMap(pod.object.metadata.labels));
  }
  const matches = (ref: EndpointRef) => selectorMatches(subset.labels, labelsOf.get(ref)!);
  return { records: endpoints.records, ready: endpoints.ready.filter(matches), notReady: endpoints.notReady.filter(matches) };
}

/** Istio lets a Kubernetes Service select WorkloadEntries (VMs) by label: their addresses are in no EndpointSlice. */
function selectsWorkloadEntries(index: ConfigIndex, service: ResourceRecord, selector: Record<string, string>): boolean {
  const namespace = index.namespaceOf(service);
  return index.ofKind('WorkloadEntry').some((w) => index.namespaceOf(w) === namespace && selectorMatches(selector, { ...stringMap(w.object.metadata.labels), ...stringMap(asRecord(w.object.spec)?.labels) }));
}

export interface NetworkPolicyFinding {
  text: string;
  evidence: Evidence[];
  decisive: boolean;
}

/**
 * Whether the NetworkPolicies in the bundle let the failing client reach the target's pods on the
 * port the Service sends to. `denied` is a cause; `unknown` stays a candidate; a policy that admits
 * the client rules NetworkPolicy out.
 */
export function networkPolicyFinding(index: ConfigIndex, target: TargetGroup, servicePort: number | undefined): NetworkPolicyFinding | undefined {
  const service = serviceOfClusterHost(index, target.host);
  if (!service || servicePort === undefined) return undefined;
  const pods = podsOfService(index, service);
  const pod = pods[0];
  if (!pod) return undefined;
  const port = containerPortFor(service, servicePort, pod);
  if (port === undefined) return undefined;
  // Every client of the group is judged on its own: a policy that drops one caller is not the cause for another.
  const verdicts = target.sides.slice(0, MAX_CLIENTS_JUDGED).map(({ log }) => {
    const clientPod = podOfLog(index, log);
    const client = clientPod ? { namespace: index.namespaceOf(clientPod), labels: stringMap(clientPod.object.metadata.labels) } : undefined;
    return { who: clientPod ? `\`${index.namespaceOf(clientPod)}/${clientPod.object.metadata.name}\`` : 'a client the bundle does not name', verdict: ingressVerdict(index, pod, port, client) };
  });
  const names = (policies: readonly ResourceRecord[]) => [...new Set(policies.map((p) => `\`${index.namespaceOf(p)}/${p.object.metadata.name}\``))].join(', ');
  const evidence = (policies: readonly ResourceRecord[]) => [...new Set(policies)].map((p) => evidenceAt({ ...p.source, pointer: `${p.source.pointer ?? ''}/spec` }, `NetworkPolicy ${p.object.metadata.name}`));
  const denied = verdicts.filter((v) => v.verdict.verdict === 'denied');
  const unknown = verdicts.filter((v) => v.verdict.verdict === 'unknown');
  const policiesOf = (vs: typeof verdicts) => vs.flatMap((v) => (v.verdict.verdict === 'no-policy' ? [] : v.verdict.policies));
  if (denied.length > 0) {
    const all = denied.length === verdicts.length;
    return {
      text: `${all ? 'The cause: ' : ''}NetworkPolicy ${names(policiesOf(denied))} selects the pods of \`${target.host}\` (\`${pod.object.metadata.name}\`) and admits no ingress from ${denied.map((v) => v.who).join(', ')} on port ${port}${all ? ': the connection is dropped before it reaches the pod' : ` (but admits ${verdicts.length - denied.length} of the other callers)`}.`,
      evidence: evidence(policiesOf(denied)),
      decisive: all,
    };
  }
  if (unknown.length > 0) {
    const why = unknown.map((v) => (v.verdict.verdict === 'unknown' ? v.verdict.why : '')).find((w) => w !== '') ?? '';
    return { text: `NetworkPolicy ${names(policiesOf(unknown))} selects the target's pods; whether it admits ${unknown.map((v) => v.who).join(', ')} on port ${port} cannot be told from the bundle (${why}).`, evidence: evidence(policiesOf(unknown)), decisive: false };
  }
  const allowed = verdicts.flatMap((v) => (v.verdict.verdict === 'allowed' ? v.verdict.allowedBy.map((a) => a.policy) : []));
  if (allowed.length === 0) return undefined;
  return { text: `NetworkPolicy ${names(allowed)} admits ${verdicts.map((v) => v.who).join(', ')} on port ${port} (ingress; egress policies of the callers' namespaces are not read).`, evidence: [], decisive: false };
}

/** Callers whose access a grouped finding judges one by one; the rest are counted in the finding. */
const MAX_CLIENTS_JUDGED = 20;

/** What is left to check when the bundle proves no cause, in the order an engineer would check it. */
export function remainingCandidates(checked: { endpoints: boolean; targetPort: boolean; networkPolicy: boolean }, host: string): string {
  const service = serviceOfFqdn(host);
  const candidates = [
    ...(checked.endpoints ? [] : [`the Service's endpoints (${service ? `\`kubectl get endpointslices -n ${service.namespace} -l kubernetes.io/service-name=${service.name} -o wide\`` : 'not in the bundle'})`]),
    ...(checked.targetPort ? [] : ['the Service `targetPort` against the port the container listens on']),
    checked.networkPolicy ? "egress NetworkPolicies in the callers' namespaces" : 'NetworkPolicies in both namespaces',
    'TLS to the upstream (LOG003 when the logs show TLS errors)',
    'the application refusing or resetting connections (its own logs)',
  ];
  return ` The bundle proves no cause; left to check, in order: ${candidates.join('; ')}.`;
}


/** The container port a Service port sends to: its `targetPort` number, or the named port of the pod. */
function containerPortFor(service: ResourceRecord, servicePort: number, pod: ResourceRecord): number | undefined {
  const entry = asArray(asRecord(service.object.spec)?.ports)
    .map(asRecord)
    .find((p) => asNumber(p?.port) === servicePort);
  return entry ? containerPortOf(entry.targetPort ?? servicePort, pod) : undefined;
}

function notReadyText(index: ConfigIndex, refs: readonly EndpointRef[]): string {
  const named = refs.slice(0, ENDPOINTS_NAMED).map((ref) => {
    const state = ref.pod ? podState(index, ref.pod, index.namespaceOf(ref.record)) : undefined;
    return `\`${ref.pod ?? ref.address}\`${ref.terminating ? ' terminating' : ''}${state ? `: ${state}` : ''}`;
  });
  const more = refs.length - ENDPOINTS_NAMED;
  return `${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/** Why a pod is not ready, from its container statuses: `container cart CrashLoopBackOff, 12 restarts`. */
function podState(index: ConfigIndex, name: string, namespace: string): string | undefined {
  const pod = index.pod(name, namespace);
  const statuses = asArray(asRecord(asRecord(pod?.object)?.status)?.containerStatuses).map(asRecord);
  for (const status of statuses) {
    if (status?.ready !== false) continue;
    const state = asRecord(status.state);
    const reason = asString(asRecord(state?.waiting)?.reason) ?? asString(asRecord(state?.terminated)?.reason) ?? asString(asRecord(asRecord(status.lastState)?.terminated)?.reason);
    const restarts = asNumber(status.restartCount) ?? 0;
    return `container ${asString(status.name) ?? '?'} ${reason ?? 'not ready'}${restarts > 0 ? `, ${plural(restarts, 'restart')}` : ''}`;
  }
  return undefined;
}

function endpointEvidence(endpoints: ServiceEndpoints): Evidence[] {
  return endpoints.notReady.slice(0, ENDPOINTS_NAMED).map((ref) => evidenceAt({ ...ref.record.source, pointer: `${ref.record.source.pointer ?? ''}${ref.pointer}` }, `${ref.address}${ref.pod ? ` (${ref.pod})` : ''} not ready`));
}
