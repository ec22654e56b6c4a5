import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { certificateSchema } from '../certificates/x509.js';

/**
 * What the analyzer keeps of one Envoy config dump: a compact summary per proxy, never the dump.
 * Every item carries the JSON pointer of the element it came from, so findings cite the dump itself.
 */
const pointer = { type: 'string', pattern: '^/' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const text = { type: 'string' } as const;

const clusterSchema = {
  type: 'object',
  required: ['name', 'state', 'pointer'],
  additionalProperties: false,
  properties: {
    name: text,
    /** Parsed from Istio's `direction|port|subset|host` names; absent for BlackHoleCluster and the like. */
    direction: text,
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    subset: text,
    host: text,
    /** EDS, STRICT_DNS, ORIGINAL_DST, STATIC, LOGICAL_DNS, or the cluster_type extension's name. */
    type: text,
    state: { enum: ['active', 'warming', 'static'] },
    pointer,
    /** `<name>.<namespace>` of the DestinationRule Istio built it from (filter metadata `istio.config`). */
    destinationRule: text,
    outlierDetection: {
      type: 'object',
      additionalProperties: false,
      properties: { consecutive5xx: count, consecutiveGatewayFailure: count, interval: text, baseEjectionTime: text, maxEjectionPercent: count },
    },
    /** `auto` when Istio's auto mTLS match (`tlsMode-istio`) chooses per endpoint. */
    tls: { enum: ['auto', 'tls', 'none'] },
  },
} as const satisfies JSONSchema;

const listenerSchema = {
  type: 'object',
  required: ['name', 'state', 'pointer'],
  additionalProperties: false,
  properties: {
    name: text,
    address: text,
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    state: { enum: ['active', 'warming', 'draining', 'static'] },
    pointer,
    filterChains: count,
  },
} as const satisfies JSONSchema;

const routeTableSchema = {
  type: 'object',
  required: ['name', 'pointer', 'virtualHosts'],
  additionalProperties: false,
  properties: {
    name: text,
    state: { enum: ['dynamic', 'static'] },
    pointer,
    virtualHosts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'domains', 'routes'],
        additionalProperties: false,
        properties: {
          name: text,
          /**
           * How many domains it answers for. The names are not kept: Istio names a virtual host `<host>:<port>` after the
           * host it serves, and a sidecar's ten spellings of every host (short, namespaced, VIP) would be most of the summary.
           */
          domains: count,
          routes: count,
          /** The clusters its routes send to (`route.cluster`, `weighted_clusters`), each once. */
          clusters: { type: 'array', items: text },
          /** `<name>.<namespace>` of the VirtualServices its routes came from (route metadata `istio.config`). */
          virtualServices: { type: 'array', items: text },
        },
      },
    },
  },
} as const satisfies JSONSchema;

const endpointsSchema = {
  type: 'object',
  required: ['cluster', 'pointer', 'total', 'healthy'],
  additionalProperties: false,
  properties: {
    cluster: text,
    pointer,
    total: count,
    healthy: count,
    /** Endpoints by Envoy health status other than HEALTHY (UNHEALTHY, DRAINING, TIMEOUT, DEGRADED, UNKNOWN). */
    unhealthy: { type: 'object', additionalProperties: count },
    /** Hosts ejected by outlier detection (admin `clusters` output only). */
    outlierEjected: count,
    /** The first addresses (`ip:port`), enough to recognise a remote cluster's endpoints. */
    addresses: { type: 'array', items: text, maxItems: 20 },
  },
} as const satisfies JSONSchema;


const secretSchema = {
  type: 'object',
  required: ['name', 'state', 'pointer', 'certificates'],
  additionalProperties: false,
  properties: {
    name: text,
    state: { enum: ['active', 'warming', 'static'] },
    pointer,
    /** `chain` (workload or gateway certificate), `trusted-ca` (a root), or none when it holds no certificate. */
    holds: { enum: ['chain', 'trusted-ca'] },
    certificates: { type: 'array', items: certificateSchema },
    /** Why a certificate in it could not be decoded. */
    unreadable: text,
  },
} as const satisfies JSONSchema;

const nodeSchema = {
  type: 'object',
  required: ['pointer'],
  additionalProperties: false,
  properties: {
    pointer,
    id: text,
    cluster: text,
    istioVersion: text,
    pod: text,
    namespace: text,
    clusterId: text,
    meshId: text,
    app: text,
    version: text,
  },
} as const satisfies JSONSchema;

/** A resource Envoy rejected (the `error_state` of a dynamic listener or cluster): the NACK, as Envoy saw it. */
const rejectedSchema = {
  type: 'object',
  required: ['type', 'name', 'pointer'],
  additionalProperties: false,
  properties: { type: { enum: ['cluster', 'listener'] }, name: text, details: text, pointer },
} as const satisfies JSONSchema;

export const SECTIONS = ['bootstrap', 'clusters', 'listeners', 'routes', 'endpoints', 'secrets'] as const;

export const configDumpSchema = {
  $id: 'envoy.configDump',
  title: 'Envoy config dump, summarised per proxy (config_dump, istioctl proxy-config … -o json)',
  type: 'object',
  required: ['format', 'sections', 'clusters', 'listeners', 'routeTables', 'endpoints', 'secrets', 'rejected', 'ignored'],
  additionalProperties: false,
  properties: {
    /** `config_dump`: the admin dump (also `proxy-config all -o json`, bug-report `config_dump?include_eds`); else the single-type output. */
    format: { enum: ['config_dump', 'proxy-config cluster', 'proxy-config listener', 'proxy-config route', 'proxy-config endpoint', 'proxy-config eds', 'proxy-config secret', 'proxy-config bootstrap'] },
    /** The sections the file holds: a section absent here was not collected, which is not the same as empty. */
    sections: { type: 'array', items: { enum: SECTIONS } },
    node: nodeSchema,
    clusters: { type: 'array', items: clusterSchema },
    listeners: { type: 'array', items: listenerSchema },
    routeTables: { type: 'array', items: routeTableSchema },
    endpoints: { type: 'array', items: endpointsSchema },
    secrets: { type: 'array', items: secretSchema },
    rejected: { type: 'array', items: rejectedSchema },
    /** Elements of sections no rule reads (ECDS, scoped routes), counted. */
    ignored: count,
  },
} as const satisfies JSONSchema;

export type ConfigDumpSummary = FromSchema<typeof configDumpSchema>;
export type ClusterSummary = ConfigDumpSummary['clusters'][number];
export type ListenerSummary = ConfigDumpSummary['listeners'][number];
export type RouteTableSummary = ConfigDumpSummary['routeTables'][number];
export type EndpointsSummary = ConfigDumpSummary['endpoints'][number];
export type SecretSummary = ConfigDumpSummary['secrets'][number];
export type { CertificateSummary } from '../certificates/x509.js';
export type NodeSummary = NonNullable<ConfigDumpSummary['node']>;
export type ConfigSection = (typeof SECTIONS)[number];
