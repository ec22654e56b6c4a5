import { basename } from 'node:path';
import type { AnalyzeData } from '../artifacts/analyze/schema.js';
import type { Artifact, InventoryItem } from '../artifacts/artifact.js';
import type { LocatedPod, LocatedResource } from '../artifacts/k8s/kinds.js';
import type { LogSummary } from '../artifacts/logs/schema.js';
import type { Manifest } from '../artifacts/manifest/schema.js';
import type { ProxySync } from '../artifacts/proxy-status/schema.js';
import type { TopData } from '../artifacts/top/schema.js';
import { INPUT_IDS, type BundleFacts, type BundleLayout, type InputId, type LogRecord, type MeshModel, type ModelFacets, type PodRecord } from './facets.js';
import { compareText } from '../order.js';

export interface ModelInput {
  source: string;
  artifacts: Artifact[];
  inventory: InventoryItem[];
  manifest?: Manifest;
}

/** Joins parsed artifacts into one snapshot. Deterministic: artifacts are visited in path order. */
export function buildModel(input: ModelInput): MeshModel {
  const facets: ModelFacets = {
    'istioctl.proxyStatus': [],
    'istiod.syncz': [],
    'kubectl.pods': [],
    'kubectl.top': [],
    'istioctl.analyze': [],
    'k8s.resources': [],
    'logs.proxy': [],
    'logs.istiod': [],
  };
  const artifacts = [...input.artifacts].sort((a, b) => compareText(a.path, b.path));
  const seenPods = new Set<string>();
  const addPod = (located: LocatedPod, path: string) => {
    const name = located.object.metadata.name;
    const namespace = located.object.metadata.namespace ?? 'default';
    const key = `${namespace}/${name}`;
    if (seenPods.has(key)) return; // the same pod in two listings: the first (by path) is kept
    seenPods.add(key);
    facets['kubectl.pods'].push({ namespace, name, pod: located.object, source: source(path, located.pointer, located.line) });
  };
  const logs: Array<{ artifact: Artifact; target: 'logs.proxy' | 'logs.istiod' }> = [];

  for (const artifact of artifacts) {
    switch (artifact.kind) {
      case 'istioctl.proxyStatus':
        facets[artifact.kind].push({ ...(artifact.data as ProxySync), path: artifact.path });
        break;
      case 'istiod.syncz': {
        // syncz is one istiod's view: the istiod is the pod the file was fetched from.
        const data = artifact.data as ProxySync;
        const { pod: istiod, namespace: istiodNamespace } = artifact.context;
        const proxies = data.proxies.map((row) =>
          row.istiod || !istiod ? row : { ...row, istiod, ...(istiodNamespace ? { istiodNamespace } : {}) },
        );
        facets[artifact.kind].push({ ...data, proxies, path: artifact.path });
        break;
      }
      case 'kubectl.pods':
        for (const located of artifact.data as LocatedPod[]) addPod(located, artifact.path);
        break;
      case 'k8s.resources':
        for (const located of artifact.data as LocatedResource[]) {
          if (located.object.kind === 'Pod') addPod(located as unknown as LocatedPod, artifact.path);
          else facets['k8s.resources'].push({ object: located.object, source: source(artifact.path, located.pointer, located.line) });
        }
        break;
      case 'kubectl.top':
        for (const row of (artifact.data as TopData).rows) facets['kubectl.top'].push({ ...row, path: artifact.path });
        break;
      case 'istioctl.analyze': {
        const data = artifact.data as AnalyzeData;
        facets['istioctl.analyze'].push({ path: artifact.path, format: data.format, messages: data.messages });
        break;
      }
      case 'logs.proxy':
      case 'logs.istiod':
        logs.push({ artifact, target: artifact.kind });
        break;
      case 'bundle.manifest':
      case 'collector.stderr':
        break;
    }
  }
  resolveTopNamespaces(facets);
  for (const { artifact, target } of logs) facets[target].push(logRecord(artifact, facets['kubectl.pods']));

  return { bundle: bundleFacts(input, facets), facets, provided: providedInputs(artifacts, facets) };
}

function providedInputs(artifacts: Artifact[], facets: ModelFacets): Set<InputId> {
  const provided = new Set<InputId>();
  for (const artifact of artifacts) {
    // A resource listing provides pods only when it holds some; an empty pod listing still provides them.
    if (artifact.kind === 'k8s.resources') {
      provided.add('k8s.resources');
      if (facets['kubectl.pods'].length > 0) provided.add('kubectl.pods');
    } else if ((INPUT_IDS as readonly string[]).includes(artifact.kind)) {
      provided.add(artifact.kind as InputId);
    }
  }
  return provided;
}

function source(path: string, pointer?: string, line?: number) {
  return { path, ...(pointer ? { pointer } : {}), ...(line ? { line } : {}) };
}

/** `kubectl top` without `-A` prints no namespace: take it from the pod of the same name. */
function resolveTopNamespaces(facets: ModelFacets): void {
  const namespacesByPod = new Map<string, Set<string>>();
  for (const pod of facets['kubectl.pods']) {
    const set = namespacesByPod.get(pod.name) ?? new Set();
    set.add(pod.namespace);
    namespacesByPod.set(pod.name, set);
  }
  for (const row of facets['kubectl.top']) {
    if (row.namespace) continue;
    const candidates = namespacesByPod.get(row.pod);
    if (candidates?.size === 1) row.namespace = [...candidates][0]!;
  }
}

function logRecord(artifact: Artifact, pods: PodRecord[]): LogRecord {
  const summary = artifact.data as LogSummary;
  const { namespace, pod, container } = artifact.context;
  const defaultContainer = artifact.kind === 'logs.istiod' ? 'discovery' : 'istio-proxy';
  const previous = artifact.path.endsWith('.previous.log');
  if (pod) {
    return {
      path: artifact.path,
      ...(namespace ? { namespace } : {}),
      pod,
      container: container ?? defaultContainer,
      previous,
      identifiedBy: artifact.recognisedBy === 'manifest' ? 'manifest' : 'path',
      summary,
    };
  }
  // A hand-assembled folder names files freely: the proxy's own IP in its access log finds the pod.
  const ownIp = summary.access.ownIp;
  const match = ownIp ? pods.filter((p) => p.pod.status?.podIP === ownIp) : [];
  if (match.length === 1) {
    return { path: artifact.path, namespace: match[0]!.namespace, pod: match[0]!.name, container: defaultContainer, previous, identifiedBy: 'pod-ip', summary };
  }
  return { path: artifact.path, pod: basename(artifact.path).replace(/\.(?:log|txt)$/, ''), container: defaultContainer, previous, identifiedBy: 'file-name', summary };
}

function bundleFacts(input: ModelInput, facets: ModelFacets): BundleFacts {
  const facts: BundleFacts = { source: basename(input.source), layout: detectLayout(input), collectedAtSource: 'unknown' };
  if (input.manifest) {
    facts.collectedAt = input.manifest.collectedAt;
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

function detectLayout(input: ModelInput): BundleLayout {
  if (input.manifest) return 'collector';
  const bugReport = input.inventory.some((item) =>
    /(?:^|\/)(?:bug-report\.log|analyze\/allNamespaces\/allNamespaces|config_dump\?include_eds|istio\/[^/]+\/[^/]+\/debug\/syncz)$/.test(item.path),
  );
  return bugReport ? 'istioctl-bug-report' : 'plain';
}

/** Without a manifest, the newest time the bundle itself records is the best "now" there is. */
function newestTimestamp(facets: ModelFacets): string | undefined {
  let newest: string | undefined;
  const consider = (value: unknown) => {
    if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value)) return;
    const normalised = new Date(value);
    if (Number.isNaN(normalised.getTime())) return;
    const iso = normalised.toISOString();
    if (newest === undefined || iso > newest) newest = iso;
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
