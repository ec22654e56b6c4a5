import { defineDocumentKind, type DocumentKind, type ParsedDocument } from '../artifact-kind.js';
import { readKubernetesObjects, type LocatedObject } from './documents.js';
import { podSchema, type Pod } from './pod-schema.js';
import { resourceSchema, type KubernetesObject } from './resource-schema.js';
import { secretValuesIn } from './secret-values.js';

export interface LocatedPod extends Omit<LocatedObject, 'object'> {
  object: Pod;
}
export interface LocatedResource extends Omit<LocatedObject, 'object'> {
  object: KubernetesObject;
}

const jsonKind = /"kind"\s*:\s*"([A-Za-z]+)"/;
const yamlKind = /^kind:\s*([A-Za-z]+)\s*$/m;
const yamlApiVersion = /^apiVersion:\s*\S+/m;

/** The first object kind named in the head of a JSON or YAML document, List items included. */
function kindsInHead(head: string): string[] {
  const kinds: string[] = [];
  for (const m of head.matchAll(new RegExp(jsonKind.source, 'g'))) kinds.push(m[1]!);
  for (const m of head.matchAll(/^\s*-?\s*kind:\s*([A-Za-z]+)\s*$/gm)) kinds.push(m[1]!);
  return kinds;
}

function looksLikeKubernetes(head: string): boolean {
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{')) return jsonKind.test(head) && /"apiVersion"\s*:/.test(head);
  return yamlKind.test(head) || (yamlApiVersion.test(head) && /^\s*-?\s*kind:/m.test(head));
}

/**
 * A Pod, or a List that starts with one. Other kinds appear in a pod's head too (`ownerReferences`
 * name a ReplicaSet), so only the first object kind counts; a List that turns out to hold other kinds
 * is re-read as resources after parsing (ingest.ts).
 */
function looksLikePods(head: string): boolean {
  if (!looksLikeKubernetes(head)) return false;
  return kindsInHead(head).find((k) => k !== 'List') === 'Pod';
}

function resourcesDocument(objects: LocatedObject[]): ParsedDocument<LocatedResource[]> {
  return {
    data: objects as LocatedResource[],
    validate: objects.flatMap((o) => [
      { value: o.object, pointer: o.pointer, line: o.line },
      // Pods inside a mixed List feed the same rules as `kubectl get pods`: hold them to its schema.
      ...(o.object.kind === 'Pod' ? [{ value: o.object, pointer: o.pointer, line: o.line, schema: podSchema }] : []),
    ]),
  };
}

export const podsKind = defineDocumentKind<LocatedPod[]>({
  id: 'kubectl.pods',
  title: 'Pods (kubectl get pods -o json)',
  schema: podSchema,
  collect: ['kubectl get pods -n istio-system -o json', 'kubectl get pods -n <namespace> -o json'],
  paths: [/(?:^|\/)kubernetes\/pods(?:\/(?<namespace>[^/]+))?\.(?:json|ya?ml)$/, /(?:^|\/)cluster\/pods$/],
  sniff: looksLikePods,
  parse(text): ParsedDocument<LocatedPod[]> {
    const objects = readKubernetesObjects(text);
    return {
      data: objects as LocatedPod[],
      validate: objects.map((o) => ({ value: o.object, pointer: o.pointer, line: o.line })),
    };
  },
  reclassify(objects) {
    if (objects.every((o) => o.object.kind === 'Pod')) return undefined;
    return { kind: resourcesKind as DocumentKind, parsed: resourcesDocument(objects as unknown as LocatedObject[]) };
  },
});

export const resourcesKind = defineDocumentKind<LocatedResource[]>({
  id: 'k8s.resources',
  title: 'Kubernetes and Istio resources (kubectl get -o json|yaml)',
  schema: resourceSchema,
  // Fully qualified kinds: `gateways` alone could be the Gateway API's.
  collect: [
    'kubectl get virtualservices.networking.istio.io,destinationrules.networking.istio.io,gateways.networking.istio.io,serviceentries.networking.istio.io,sidecars.networking.istio.io,peerauthentications.security.istio.io,authorizationpolicies.security.istio.io -A -o json',
    'kubectl get gateways.gateway.networking.k8s.io,httproutes.gateway.networking.k8s.io -A -o json',
    'kubectl get services,endpointslices.discovery.k8s.io,deployments -n <namespace> -o json',
    'kubectl get networkpolicies.networking.k8s.io -n <namespace> -o json',
    'kubectl get namespaces -o json',
  ],
  paths: [
    /(?:^|\/)(?:istio|kubernetes)\/resources\/[^/]+\.(?:json|ya?ml)$/,
    /(?:^|\/)kubernetes\/networkpolicies\/[^/]+\.json$/,
    /(?:^|\/)cluster\/(?:k8s-resources|k8s-cluster-resources|crs|nodes)$/,
  ],
  sniff: (head) => looksLikeKubernetes(head) && !looksLikePods(head),
  parse: (text) => resourcesDocument(readKubernetesObjects(text)),
  secretMaterial: (data) => secretValuesIn(data as LocatedResource[]),
});
