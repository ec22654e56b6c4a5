import { basename } from 'node:path';
import { ofKind } from '../artifacts/artifact.js';
import type { Manifest } from '../artifacts/manifest/schema.js';
import { STDIN } from '../bundle/read-bundle.js';
import type { BundleFacts, BundleLayout, ModelFacets } from './facets.js';
import { istioVersions } from './istio-versions.js';
import { isIstiod } from './pods.js';
import type { ModelInput } from './build.js';

/** What the bundle says about itself: its source, layout, "now", cluster, control-plane namespace, Istio versions. */
export function bundleFacts(input: ModelInput, facets: ModelFacets): BundleFacts {
  const clusterContext = ofKind(input.artifacts, 'bugReport.clusterContext').map((a) => a.data)[0];
  const versions = istioVersions(facets, ofKind(input.artifacts, 'bugReport.versions').map((a) => a.data));
  const kubernetesVersion = facets['kubectl.version'].find((v) => v.server)?.server?.gitVersion;
  const facts: BundleFacts = {
    source: input.source === STDIN ? 'standard input' : basename(input.source),
    layout: detectLayout(input),
    collectedAtSource: 'unknown',
    istioNamespace: istioNamespace(input.manifest, facets),
    istioVersions: versions,
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    ...(clusterContext ? { cluster: clusterContext.context } : {}),
  };
  if (input.manifest) {
    facts.collectedAt = canonicalTime(input.manifest.collectedAt) ?? input.manifest.collectedAt;
    facts.collectedAtSource = 'manifest';
    const cluster = input.manifest.cluster?.name ?? input.manifest.cluster?.context;
    if (cluster) facts.cluster = cluster;
    return facts;
  }
  const newest = newestTimestamp(facets);
  if (newest) {
    facts.collectedAt = newest;
    facts.collectedAtSource = 'newest-timestamp';
  }
  return facts;
}

export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

/**
 * The collector's `--istio-namespace`; without it (istioctl bug-report, a folder of outputs) the one
 * namespace the bundle's istiod pods run in, so that commands and policies name the namespace the
 * customer's control plane is in. istiod pods in several namespaces (revisions, several meshes) leave
 * Istio's default, as does a bundle without them.
 */
function istioNamespace(manifest: Manifest | undefined, facets: ModelFacets): string {
  const option = manifest?.options?.istioNamespace;
  if (typeof option === 'string' && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(option)) return option;
  const istiodNamespaces = new Set(facets['kubectl.pods'].filter((record) => isIstiod(record.pod)).map((record) => record.namespace));
  return istiodNamespaces.size === 1 ? [...istiodNamespaces][0]! : DEFAULT_ISTIO_NAMESPACE;
}

function detectLayout(input: ModelInput): BundleLayout {
  if (input.manifest) return 'collector';
  const bugReport = input.inventory.some((item) =>
    /(?:^|\/)(?:bug-report\.log|analyze\/allNamespaces\/allNamespaces|config_dump\?include_eds|istio\/[^/]+\/[^/]+\/debug\/syncz)$/.test(item.path),
  );
  return bugReport ? 'istioctl-bug-report' : 'plain';
}

/** Every time the report shows is RFC 3339 UTC to the second: `2024-05-14T09:21:07Z`. */
export function canonicalTime(value: string): string | undefined {
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Without a manifest, the newest time the bundle itself records is the best "now" there is. */
function newestTimestamp(facets: ModelFacets): string | undefined {
  let newest: string | undefined;
  const consider = (value: unknown) => {
    if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value)) return;
    const iso = canonicalTime(value);
    if (iso !== undefined && (newest === undefined || iso > newest)) newest = iso;
  };
  for (const log of [...facets['logs.proxy'], ...facets['logs.istiod']]) consider(log.summary.lastTimestamp);
  for (const { pod } of facets['kubectl.pods']) {
    consider(pod.status?.startTime);
    for (const condition of pod.status?.conditions ?? []) consider(condition.lastTransitionTime);
    for (const status of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
      consider(status.state?.running?.startedAt);
      consider(status.lastState?.terminated?.finishedAt);
    }
  }
  return newest;
}
