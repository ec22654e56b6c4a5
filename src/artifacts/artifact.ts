import { compareText } from '../order.js';
import type { AnalyzeData } from './analyze/schema.js';
import type { EnvoyCerts, PublicCertificates } from './certificates/kinds.js';
import type { ConfigDumpSummary } from './envoy/summary-schema.js';
import type { BugReportVersions, ClusterContext } from './bug-report/kinds.js';
import type { EnvoyStats } from './envoy-stats/schema.js';
import type { FileDescriptors } from './file-descriptors/kinds.js';
import type { IstiodMetrics } from './istiod-metrics/schema.js';
import type { IstioctlVersion } from './istioctl-version/kinds.js';
import type { KubectlVersion } from './kubectl-version/kinds.js';
import type { LocatedPod, LocatedResource } from './k8s/kinds.js';
import type { ArtifactId, EntryContext } from './artifact-kind.js';
import type { LogSummary } from './logs/schema.js';
import type { StderrText } from './manifest/kinds.js';
import type { Manifest } from './manifest/schema.js';
import type { ProxySync } from './proxy-status/schema.js';
import type { SecretNames } from './secret-names/kinds.js';
import type { ServiceNames } from './service-names/kinds.js';
import type { TopData } from './top/schema.js';
import type { ZtunnelLogSummary } from './ztunnel/schema.js';

export type RecognisedBy = 'manifest' | 'path' | 'content';

/** What each kind of artifact parses to: the one place an artifact id is tied to its data type. */
export interface ArtifactDataMap {
  'bundle.manifest': Manifest;
  'collector.stderr': StderrText;
  'bugReport.clusterContext': ClusterContext;
  'bugReport.versions': BugReportVersions;
  'istioctl.proxyStatus': ProxySync;
  'istiod.syncz': ProxySync;
  'kubectl.pods': LocatedPod[];
  'kubectl.top': TopData;
  'istioctl.analyze': AnalyzeData;
  'k8s.resources': LocatedResource[];
  'logs.proxy': LogSummary;
  'logs.istiod': LogSummary;
  'logs.ztunnel': ZtunnelLogSummary;
  'istioctl.version': IstioctlVersion;
  'envoy.stats': EnvoyStats;
  'proxy.fileDescriptors': FileDescriptors;
  'istiod.metrics': IstiodMetrics;
  'kubectl.version': KubectlVersion;
  'kubectl.serviceNames': ServiceNames;
  'kubectl.secretNames': SecretNames;
  'envoy.configDump': ConfigDumpSummary;
  'envoy.certs': EnvoyCerts;
  'certs.public': PublicCertificates;
}

// Compile-time check that every artifact id has a data type and no other key slipped in.
const everyIdTyped: [ArtifactId] extends [keyof ArtifactDataMap] ? ([keyof ArtifactDataMap] extends [ArtifactId] ? true : never) : never = true;
void everyIdTyped;

/** A parsed, schema-valid artifact: a union over the kinds, so `kind` narrows `data`. */
export type Artifact<K extends ArtifactId = ArtifactId> = {
  [P in K]: { kind: P; path: string; context: EntryContext; recognisedBy: RecognisedBy; data: ArtifactDataMap[P] };
}[K];

/** The artifacts of one kind, typed. */
export function ofKind<K extends ArtifactId>(artifacts: readonly Artifact[], kind: K): Array<Artifact<K>> {
  // The union narrows on `kind`; TypeScript cannot see that through a generic K, hence the one cast.
  return artifacts.filter((a) => a.kind === kind) as unknown as Array<Artifact<K>>;
}

/**
 * `not-analysed`: a file whose origin is known (an istioctl bug-report page, a collector kind) that this
 * version does not read, with why; `not-recognised`: a file of unknown origin.
 */
export const INVENTORY_STATUSES = ['used', 'not-analysed', 'invalid', 'not-recognised', 'skipped'] as const;
export type InventoryStatus = (typeof INVENTORY_STATUSES)[number];

/**
 * Confidential material found in an entry, named but never quoted: private keys (PEM, or base64 of
 * PEM as Secrets and Envoy carry them) and the values of Kubernetes Secrets.
 */
export type SecretMaterial = {
  material: 'private-key' | 'private-key-base64' | 'secret-values';
  /** What it is: `RSA PRIVATE KEY`, or the Secret and the names of its fields. */
  label: string;
  count: number;
  /** The line of the first one, when known. */
  line?: number;
};

/** One line of the report's inventory: every entry of the bundle gets exactly one. */
export type InventoryItem = {
  path: string;
  status: InventoryStatus;
  size?: number;
  kind?: ArtifactId;
  recognisedBy?: RecognisedBy;
  reason?: string;
  /** A used entry read with caveats (bytes that are not UTF-8, lines cut for matching). */
  note?: string;
  line?: number;
  pointer?: string;
  /** Private keys or secret values in the entry, whatever its status: the report leads with them. */
  secretMaterial?: SecretMaterial[];
};

/** The inventory in path order (byte-wise), as every report lists it. */
export function sortInventory<T extends { path: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.path, b.path));
}
