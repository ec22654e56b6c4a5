import type { AnalyzeMessage } from '../artifacts/analyze/schema.js';
import type { EnvoyCerts, PublicCertificates } from '../artifacts/certificates/kinds.js';
import type { EnvoyStats } from '../artifacts/envoy-stats/schema.js';
import type { FileDescriptors } from '../artifacts/file-descriptors/kinds.js';
import type { IstiodMetrics } from '../artifacts/istiod-metrics/schema.js';
import type { ConfigDumpSummary } from '../artifacts/envoy/summary-schema.js';
import type { IstioctlVersion } from '../artifacts/istioctl-version/kinds.js';
import { ARTIFACT_IDS, type ArtifactId } from '../artifacts/artifact-kind.js';
import type { Pod } from '../artifacts/k8s/pod-schema.js';
import type { KubectlVersion } from '../artifacts/kubectl-version/kinds.js';
import type { KubernetesObject } from '../artifacts/k8s/resource-schema.js';
import type { LogPart } from '../artifacts/logs/schema.js';
import type { ProxySync } from '../artifacts/proxy-status/schema.js';
import type { SecretNames } from '../artifacts/secret-names/kinds.js';
import type { ServiceNames } from '../artifacts/service-names/kinds.js';
import type { TopRow } from '../artifacts/top/schema.js';
import type { ZtunnelLogPart } from '../artifacts/ztunnel/schema.js';
import type { Collection } from './collection.js';
import type { ModelViews, ViewId } from './views/types.js';

/** Where a model object came from: the file and, inside it, the line or JSON pointer. */
export interface Source {
  path: string;
  line?: number;
  pointer?: string;
}

export interface ProxySyncSource extends ProxySync {
  path: string;
  /** syncz: the istiod pod it was fetched from (bundle path or manifest), when known; it lists that pod's proxies only. */
  fetchedFrom?: { pod: string; namespace?: string };
}

export interface PodRecord {
  namespace: string;
  name: string;
  pod: Pod;
  source: Source;
}

export interface TopRecord extends TopRow {
  path: string;
}

export interface VersionRecord extends IstioctlVersion {
  path: string;
}

export interface KubectlVersionRecord extends KubectlVersion {
  path: string;
}

/** A cluster-wide listing of Service names (`kubectl get services -A`): complete by construction. */
export interface ServiceNamesRecord extends ServiceNames {
  path: string;
}

/** A listing of Secret names and types (never values): a namespace's table, or the `istio/multiCluster=true` Secrets. */
export interface SecretNamesRecord extends SecretNames {
  path: string;
}

/** Output of one proxy's (or istiod's) admin endpoint; `pod` when the bundle's path or manifest names it. */
interface PodOutput {
  path: string;
  namespace?: string;
  pod?: string;
}

/**
 * One proxy's Envoy configuration, summarised. `identifiedBy`: the bundle's path or manifest named the
 * pod, or the dump's own bootstrap node did; `unknown` when neither (findings then name the file).
 */
export interface ProxyConfigRecord extends PodOutput {
  identifiedBy: 'path' | 'bootstrap' | 'unknown';
  summary: ConfigDumpSummary;
}


export interface EnvoyStatsRecord extends PodOutput {
  summary: EnvoyStats;
}

/** Envoy's `/certs` of one proxy. */
export interface EnvoyCertsRecord extends PodOutput, EnvoyCerts {}

/** A PEM file of public certificates (a CA's, from the cacerts / istio-ca-secret Secrets, or a saved root). */
export interface PublicCertsRecord extends PublicCertificates {
  path: string;
}

export interface FileDescriptorsRecord extends PodOutput, FileDescriptors {}

export interface IstiodMetricsRecord extends PodOutput {
  metrics: IstiodMetrics;
}

export interface AnalyzeRecord {
  path: string;
  format: 'text' | 'json' | 'yaml';
  messages: AnalyzeMessage[];
}

export interface ResourceRecord {
  object: KubernetesObject;
  source: Source;
}

/**
 * How a log was tied to its pod: the bundle said so (manifest, path layout, `kubectl logs --prefix`),
 * the log names its proxy (`Proxy role … id=`), its own addresses matched a pod's IP, or the file
 * is named after the pod. `unknown`: nothing ties it to a pod, and findings name the file.
 */
export type LogIdentity = 'manifest' | 'path' | 'prefix' | 'proxy-id' | 'pod-ip' | 'file-name' | 'unknown';

export interface LogRecord {
  path: string;
  namespace?: string;
  /** Absent when nothing in the bundle ties the log to a pod. */
  pod?: string;
  container: string;
  /** The log of the container's previous instance (`kubectl logs --previous`). */
  previous: boolean;
  identifiedBy: LogIdentity;
  summary: LogPart;
}

/**
 * One ztunnel's log (or one pod's part of a `kubectl logs --prefix` file), tied to its pod and node.
 * `node`: the ztunnel pod's `spec.nodeName` in the bundle's pod listings (`nodeFrom: 'pod'`), else
 * the node collect.sh wrote beside the file in its manifest (`nodeFrom: 'manifest'`).
 */
export interface ZtunnelLogRecord {
  path: string;
  namespace?: string;
  /** Absent when nothing in the bundle ties the log to a pod. */
  pod?: string;
  node?: string;
  nodeFrom?: 'pod' | 'manifest';
  /** The log of the container's previous instance (`kubectl logs --previous`). */
  previous: boolean;
  identifiedBy: Exclude<LogIdentity, 'proxy-id' | 'pod-ip'>;
  summary: ZtunnelLogPart;
}

/**
 * The model as rules see it, one facet per logical input. A rule declares which facets it reads
 * and receives only those (see rules/run.ts); a facet with no artifact behind it is an empty list.
 */
export interface ModelFacets {
  'istioctl.proxyStatus': ProxySyncSource[];
  'istiod.syncz': ProxySyncSource[];
  'kubectl.pods': PodRecord[];
  'kubectl.top': TopRecord[];
  'istioctl.analyze': AnalyzeRecord[];
  'k8s.resources': ResourceRecord[];
  'logs.proxy': LogRecord[];
  'logs.istiod': LogRecord[];
  'logs.ztunnel': ZtunnelLogRecord[];
  'istioctl.version': VersionRecord[];
  'envoy.stats': EnvoyStatsRecord[];
  'proxy.fileDescriptors': FileDescriptorsRecord[];
  'istiod.metrics': IstiodMetricsRecord[];
  'kubectl.version': KubectlVersionRecord[];
  'kubectl.serviceNames': ServiceNamesRecord[];
  'kubectl.secretNames': SecretNamesRecord[];
  'envoy.configDump': ProxyConfigRecord[];
  'envoy.certs': EnvoyCertsRecord[];
  'certs.public': PublicCertsRecord[];
}

export type InputId = keyof ModelFacets;

export function isInputId(kind: string): kind is InputId {
  return (INPUT_IDS as readonly string[]).includes(kind);
}

/** An inventory entry a rule can read: used, and not the bundle's own bookkeeping (manifest, stderr). */
export function isUsableInput(item: { status: string; kind?: string }): boolean {
  return item.status === 'used' && item.kind !== undefined && isInputId(item.kind);
}

/** Every artifact kind the rules can read: all of them but what describes the bundle itself. */
const BOOKKEEPING = new Set<ArtifactId>(['bundle.manifest', 'collector.stderr', 'bugReport.clusterContext', 'bugReport.versions']);
export const INPUT_IDS: readonly InputId[] = ARTIFACT_IDS.filter((id): id is InputId => !BOOKKEEPING.has(id));

// Compile-time check that the facets and the artifact ids stay one vocabulary.
type Bookkeeping = 'bundle.manifest' | 'collector.stderr' | 'bugReport.clusterContext' | 'bugReport.versions';
const inputsAreArtifacts: Exclude<ArtifactId, Bookkeeping> extends InputId ? (InputId extends ArtifactId ? true : never) : never = true;
void inputsAreArtifacts;

export const BUNDLE_LAYOUTS = ['collector', 'istioctl-bug-report', 'plain'] as const;
export type BundleLayout = (typeof BUNDLE_LAYOUTS)[number];
export const COLLECTED_AT_SOURCES = ['manifest', 'newest-timestamp', 'unknown'] as const;

export interface IstioVersions {
  controlPlane: string[];
  /** Proxies: sidecars, gateways, waypoints. */
  dataPlane: string[];
}

export interface BundleFacts {
  source: string;
  layout: BundleLayout;
  /** "Now" for time-based rules: the manifest's time, else the newest timestamp seen. */
  collectedAt?: string;
  collectedAtSource: (typeof COLLECTED_AT_SOURCES)[number];
  cluster?: string;
  /**
   * The control plane's namespace, which is also Istio's default root namespace (mesh-wide
   * policies live there): the collector's `--istio-namespace`, else the one namespace the bundle's
   * istiod pods run in, else `istio-system`.
   */
  istioNamespace: string;
  /** The Istio releases the bundle shows (istiod and proxy images, proxy-status, logs, bug-report versions). */
  istioVersions: IstioVersions;
  /** The API server's Kubernetes release (`kubectl version`'s `gitVersion`, e.g. `v1.29.5-gke.1091000`). */
  kubernetesVersion?: string;
}

export interface MeshModel {
  bundle: BundleFacts;
  /** How the bundle was collected (the manifest): failures, skipped steps, why an input is missing. */
  collection: Collection;
  facets: ModelFacets;
  /** A derived view (views/), built on first use. */
  view<V extends ViewId>(id: V): ModelViews[V];
  /**
   * Inputs the bundle provides, even when empty: a pod listing with no pods is an answer ("no
   * istiod is running"), not a missing input.
   */
  provided: ReadonlySet<InputId>;
}
