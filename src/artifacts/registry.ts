import { analyzeKind } from './analyze/kinds.js';
import { clusterContextKind, versionsKind } from './bug-report/kinds.js';
import { envoyCertsKind, publicCertsKind } from './certificates/kinds.js';
import { envoyStatsKind } from './envoy-stats/kinds.js';
import { fileDescriptorsKind } from './file-descriptors/kinds.js';
import { istiodMetricsKind } from './istiod-metrics/kinds.js';
import { configDumpKind } from './envoy/config-dump-kind.js';
import { istioctlVersionKind } from './istioctl-version/kinds.js';
import { podsKind, resourcesKind } from './k8s/kinds.js';
import { kubectlVersionKind } from './kubectl-version/kinds.js';
import type { ArtifactId, ArtifactKind } from './artifact-kind.js';
import { istiodLogKind, proxyLogKind } from './logs/kinds.js';
import { manifestKind, stderrKind } from './manifest/kinds.js';
import { proxyStatusKind, synczKind } from './proxy-status/kinds.js';
import { secretNamesKind } from './secret-names/kinds.js';
import { serviceNamesKind } from './service-names/kinds.js';
import { topKind } from './top/kinds.js';
import { ztunnelLogKind } from './ztunnel/kinds.js';

/**
 * Every artifact kind, in sniffing order: the more specific content tests come first (pods before
 * generic resources, the manifest before anything JSON).
 */
export const ARTIFACT_KINDS: readonly ArtifactKind[] = [
  manifestKind,
  stderrKind,
  clusterContextKind,
  versionsKind,
  proxyStatusKind,
  synczKind,
  analyzeKind,
  configDumpKind,
  envoyCertsKind,
  topKind,
  podsKind,
  resourcesKind,
  // Prometheus samples and `/stats` lines are unambiguous, a log's markers less so: sniffed first.
  envoyStatsKind,
  istiodMetricsKind,
  fileDescriptorsKind,
  // ztunnel's lines (Rust module targets, access events) before the proxy log's looser markers.
  ztunnelLogKind,
  proxyLogKind,
  istiodLogKind,
  // Before istioctl's: both have `clientVersion`, only kubectl's has `gitVersion`.
  kubectlVersionKind,
  istioctlVersionKind,
  serviceNamesKind,
  secretNamesKind,
  // A PEM file's first line says what it is; nothing else starts so.
  publicCertsKind,
] as ArtifactKind[];

const BY_ID = new Map(ARTIFACT_KINDS.map((kind) => [kind.id, kind]));

export function artifactKind(id: ArtifactId): ArtifactKind {
  const kind = BY_ID.get(id);
  if (!kind) throw new Error(`unknown artifact kind ${id}`);
  return kind;
}
