import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import type { ConfigIndex } from './config-index.js';
import { asArray, asRecord, asString, stringMap } from './object-access.js';

/** One endpoint address of a Service, as its EndpointSlice (or v1 Endpoints) lists it. */
export interface EndpointRef {
  address: string;
  /** The pod behind it (`targetRef`), when the listing names one. */
  pod?: string;
  terminating: boolean;
  record: ResourceRecord;
  /** JSON pointer of the endpoint inside its record's object. */
  pointer: string;
}

export interface ServiceEndpoints {
  /** The EndpointSlices (or Endpoints) of the Service: none when its selector matches no pod. */
  records: ResourceRecord[];
  ready: EndpointRef[];
  notReady: EndpointRef[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * The endpoints Kubernetes lists for a Service, joined over its EndpointSlices (several per Service;
 * `conditions.ready` unset means ready). Undefined when the bundle holds no endpoint listing of the
 * Service's namespace at all: then "no endpoints" cannot be told from "not collected". v1 Endpoints
 * are read when the namespace has no EndpointSlice.
 */
export function serviceEndpoints(index: ConfigIndex, service: ResourceRecord): ServiceEndpoints | undefined {
  const namespace = index.namespaceOf(service);
  const name = service.object.metadata.name;
  const slices = index.ofKind('EndpointSlice').filter((s) => index.namespaceOf(s) === namespace);
  if (slices.length > 0) {
    const own = slices.filter((s) => stringMap(s.object.metadata.labels)[SERVICE_NAME_LABEL] === name).sort(byName);
    // A dual-stack Service lists each pod in its IPv4 and its IPv6 slice: one endpoint per pod.
    const refs = uniqueByPod(own.flatMap(sliceEndpoints));
    return { records: own, ready: refs.filter((r) => r.ready).map(strip), notReady: refs.filter((r) => !r.ready).map(strip) };
  }
  const endpoints = index.ofKind('Endpoints').filter((e) => index.namespaceOf(e) === namespace);
  if (endpoints.length === 0) return undefined;
  const own = endpoints.filter((e) => e.object.metadata.name === name);
  const refs = own.flatMap(legacyEndpoints);
  return { records: own, ready: refs.filter((r) => r.ready).map(strip), notReady: refs.filter((r) => !r.ready).map(strip) };
}

type Flagged = EndpointRef & { ready: boolean };

function sliceEndpoints(record: ResourceRecord): Flagged[] {
  const spec = record.object as Record<string, unknown>;
  return asArray(spec.endpoints).flatMap((value, i) => {
    const endpoint = asRecord(value);
    const conditions = asRecord(endpoint?.conditions);
    const address = asArray(endpoint?.addresses).map(asString).find((a) => a !== undefined);
    if (!endpoint || address === undefined) return [];
    const pod = asString(asRecord(endpoint.targetRef)?.name);
    return [{ address, ...(pod ? { pod } : {}), ready: conditions?.ready !== false, terminating: conditions?.terminating === true, record, pointer: `/endpoints/${i}` }];
  });
}

/** v1 Endpoints: `subsets[].addresses` are ready, `subsets[].notReadyAddresses` are not. */
function legacyEndpoints(record: ResourceRecord): Flagged[] {
  const subsets = asArray((record.object as Record<string, unknown>).subsets);
  return subsets.flatMap((value, s) =>
    (['addresses', 'notReadyAddresses'] as const).flatMap((field) =>
      asArray(asRecord(value)?.[field]).flatMap((entry, i) => {
        const address = asString(asRecord(entry)?.ip);
        if (address === undefined) return [];
        const pod = asString(asRecord(asRecord(entry)?.targetRef)?.name);
        return [{ address, ...(pod ? { pod } : {}), ready: field === 'addresses', terminating: false, record, pointer: `/subsets/${s}/${field}/${i}` }];
      }),
    ),
  );
}

function uniqueByPod(refs: Flagged[]): Flagged[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const id = ref.pod ?? ref.address;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function strip({ ready: _ready, ...ref }: Flagged): EndpointRef {
  return ref;
}

function byName(a: ResourceRecord, b: ResourceRecord): number {
  return compareText(a.object.metadata.name, b.object.metadata.name);
}
