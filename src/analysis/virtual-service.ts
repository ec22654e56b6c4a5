import type { ResourceRecord } from '../model/facets.js';
import { asArray, asNumber, asRecord, asString } from './object-access.js';

/** The reserved gateway name for the sidecars of the mesh (istio.io VirtualService `gateways`). */
export const MESH_GATEWAY = 'mesh';

/** One `destination` of a VirtualService, with where it sits in the object. */
export interface RouteDestination {
  /** `http`, `tcp`, `tls` routes; `mirror` / `mirrors` are HTTP mirrors. */
  section: 'http' | 'tcp' | 'tls' | 'mirror' | 'mirrors';
  host: string;
  subset?: string;
  port?: number;
  /** The route's `weight` (absent: an even share of what the other routes leave). */
  weight?: number;
  /** JSON pointer of the destination object (`/spec/http/0/route/1/destination`). */
  pointer: string;
  /** The route rule's index in its section. */
  ruleIndex: number;
}

export function vsSpec(record: ResourceRecord): Record<string, unknown> {
  return asRecord(record.object.spec) ?? {};
}

export function vsHosts(record: ResourceRecord): string[] {
  return stringList(vsSpec(record).hosts);
}

export function vsGateways(record: ResourceRecord): string[] {
  return stringList(vsSpec(record).gateways);
}

export function vsExportTo(record: ResourceRecord): string[] {
  return stringList(vsSpec(record).exportTo);
}

/** No `gateways` means the mesh; otherwise only when `mesh` is listed. */
export function appliesToMesh(record: ResourceRecord): boolean {
  const gateways = vsGateways(record);
  return gateways.length === 0 || gateways.includes(MESH_GATEWAY);
}

/** Route destinations in Istio's order: tcp, tls, then http routes. */
export function routeDestinations(record: ResourceRecord): RouteDestination[] {
  const spec = vsSpec(record);
  const out: RouteDestination[] = [];
  for (const section of ['tcp', 'tls', 'http'] as const) {
    asArray(spec[section]).forEach((rule, ruleIndex) => {
      asArray(asRecord(rule)?.route).forEach((route, routeIndex) => {
        const d = destinationAt(asRecord(route)?.destination, section, `/spec/${section}/${ruleIndex}/route/${routeIndex}/destination`, ruleIndex);
        const weight = asNumber(asRecord(route)?.weight);
        out.push(weight === undefined ? d : { ...d, weight });
      });
    });
  }
  return out;
}

/** HTTP `mirror` and `mirrors[].destination`. */
export function mirrorDestinations(record: ResourceRecord): RouteDestination[] {
  const out: RouteDestination[] = [];
  asArray(vsSpec(record).http).forEach((rule, ruleIndex) => {
    const r = asRecord(rule);
    if (r?.mirror !== undefined) out.push(destinationAt(r.mirror, 'mirror', `/spec/http/${ruleIndex}/mirror`, ruleIndex));
    asArray(r?.mirrors).forEach((m, i) => {
      out.push(destinationAt(asRecord(m)?.destination, 'mirrors', `/spec/http/${ruleIndex}/mirrors/${i}/destination`, ruleIndex));
    });
  });
  return out;
}

function destinationAt(value: unknown, section: RouteDestination['section'], pointer: string, ruleIndex: number): RouteDestination {
  // A route entry without destination or host routes nowhere: Istio reads it as host "".
  const d = asRecord(value) ?? {};
  const host = asString(d.host) ?? '';
  const subset = asString(d.subset);
  const port = asNumber(asRecord(d.port)?.number);
  return { section, host, ruleIndex, pointer, ...(subset ? { subset } : {}), ...(port !== undefined ? { port } : {}) };
}

export function stringList(value: unknown): string[] {
  return asArray(value).map(asString).filter((s): s is string => s !== undefined);
}
