import { basename } from 'node:path';
import type { AnalyzeData } from '../artifacts/analyze/schema.js';
import type { Artifact, InventoryItem } from '../artifacts/artifact.js';
import type { LocatedPod, LocatedResource } from '../artifacts/k8s/kinds.js';
import type { BugReportVersions, ClusterContext } from '../artifacts/bug-report/kinds.js';
import type { LogPart, LogSummary } from '../artifacts/logs/schema.js';
import { istioVersions } from './istio-versions.js';
import type { Manifest } from '../artifacts/manifest/schema.js';
import type { ProxySync } from '../artifacts/proxy-status/schema.js';
import type { TopData } from '../artifacts/top/schema.js';
import { INPUT_IDS, type BundleFacts, type BundleLayout, type InputId, type IstioVersions, type LogRecord, type MeshModel, type ModelFacets, type PodRecord } from './facets.js';
import { STDIN } from '../bundle/read-bundle.js';
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
  const clusterContexts: ClusterContext[] = [];
  const bugReportVersions: BugReportVersions[] = [];

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
      case 'bugReport.clusterContext':
        clusterContexts.push(artifact.data as ClusterContext);
        break;
      case 'bugReport.versions':
        bugReportVersions.push(artifact.data as BugReportVersions);
        break;
      case 'bundle.manifest':
      case 'collector.stderr':
        break;
    }
  }
  resolveTopNamespaces(facets);
  for (const { artifact, target } of logs) facets[target].push(...logRecords(artifact, facets['kubectl.pods']));

  const bundle = bundleFacts(input, facets, istioVersions(facets, bugReportVersions), clusterContexts[0]);
  return { bundle, facets, provided: providedInputs(artifacts, facets) };
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

/**
 * One record per log part: the file's own lines, and one per `kubectl logs --prefix` source. Who
 * a part belongs to is taken from the best evidence there is: the manifest or the bundle's path
 * layout, the `--prefix` source, the proxy id pilot-agent logs at start-up, the proxy's own IP in
 * its access log, and last the file name. A log none of these ties to a pod stays a file.
 */
function logRecords(artifact: Artifact, pods: PodRecord[]): LogRecord[] {
  const summary = artifact.data as LogSummary;
  const { sources, ...own } = summary;
  const defaultContainer = artifact.kind === 'logs.istiod' ? 'discovery' : 'istio-proxy';
  const base = { path: artifact.path, previous: /\.previous\.(?:log|txt)$/.test(artifact.path) };
  const records: LogRecord[] = [];
  if (!sources || hasContent(own)) {
    records.push({ ...base, ...ownIdentity(artifact, own, pods, defaultContainer), summary: own });
  }
  for (const source of sources ?? []) {
    const namespace =
      (source.summary.proxy?.pod === source.pod ? source.summary.proxy.namespace : undefined) ?? uniqueNamespace(pods, source.pod) ?? artifact.context.namespace;
    records.push({ ...base, ...(namespace ? { namespace } : {}), pod: source.pod, container: source.container, identifiedBy: 'prefix', summary: source.summary });
  }
  return records;
}

/** Lines of a `--prefix` file without a source: worth a record only if they say something. */
function hasContent(part: LogPart): boolean {
  return part.access.requests > 0 || part.levels.error + part.levels.warn > 0 || Object.keys(part.signatures).length > 0 || part.proxy !== undefined;
}

type Identity = Pick<LogRecord, 'namespace' | 'pod' | 'container' | 'identifiedBy'>;

function ownIdentity(artifact: Artifact, summary: LogPart, pods: PodRecord[], defaultContainer: string): Identity {
  const { namespace, pod, container = defaultContainer } = artifact.context;
  const claimed = summary.proxy;
  if (pod) {
    const ns = namespace ?? (claimed?.pod === pod ? claimed.namespace : undefined) ?? uniqueNamespace(pods, pod);
    return { ...(ns ? { namespace: ns } : {}), pod, container, identifiedBy: artifact.recognisedBy === 'manifest' ? 'manifest' : 'path' };
  }
  if (claimed) return { namespace: claimed.namespace, pod: claimed.pod, container, identifiedBy: 'proxy-id' };
  // A hand-assembled folder names files freely: the proxy's own IP in its access log finds the pod.
  const ownIp = summary.access.ownIp;
  const match = ownIp ? pods.filter((p) => p.pod.status?.podIP === ownIp) : [];
  if (match.length === 1) return { namespace: match[0]!.namespace, pod: match[0]!.name, container, identifiedBy: 'pod-ip' };
  const named = podFromFileName(basename(artifact.path), pods);
  if (named) {
    const ns = uniqueNamespace(pods, named.pod);
    return { ...(ns ? { namespace: ns } : {}), pod: named.pod, container: named.container ?? container, identifiedBy: 'file-name' };
  }
  return { container, identifiedBy: 'unknown' };
}

/** The namespace of the one pod of that name in the bundle, if there is exactly one. */
function uniqueNamespace(pods: PodRecord[], name: string): string | undefined {
  const namespaces = new Set(pods.filter((p) => p.name === name).map((p) => p.namespace));
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

/** `<pod>.istio-proxy.log`, `<pod>-istio-proxy.log`, `<pod>_discovery.txt`, `<pod>.log`. */
const FILE_NAME = /^(.+?)(?:[._-](istio-proxy|discovery))?(?:\.previous)?\.(?:log|txt)$/;
/**
 * What a Deployment's pod is called: `<name>-<pod-template-hash>-<5 characters>`, both suffixes in
 * Kubernetes' alphabet without vowels (`k8s.io/apimachinery/pkg/util/rand`), so `payment-errors-today`
 * is not taken for a pod.
 */
const REPLICASET_POD = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[bcdfghjklmnpqrstvwxz2456789]{5,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/**
 * A file name names a pod when a pod of that name is in the bundle or the name has the shape of a
 * Deployment's pod; anything else (`proxy.log`, `scout-sidecar.log`) is only a file name, and is
 * never handed to istioctl as a pod.
 */
function podFromFileName(file: string, pods: PodRecord[]): { pod: string; container?: string } | undefined {
  const m = FILE_NAME.exec(file);
  if (!m) return undefined;
  const name = m[1]!;
  if (!pods.some((p) => p.name === name) && !REPLICASET_POD.test(name)) return undefined;
  return { pod: name, ...(m[2] ? { container: m[2] } : {}) };
}

function bundleFacts(input: ModelInput, facets: ModelFacets, versions: IstioVersions, clusterContext: ClusterContext | undefined): BundleFacts {
  const facts: BundleFacts = {
    source: input.source === STDIN ? 'standard input' : basename(input.source),
    layout: detectLayout(input),
    collectedAtSource: 'unknown',
    istioNamespace: istioNamespace(input.manifest),
    istioVersions: versions,
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

function istioNamespace(manifest: Manifest | undefined): string {
  const option = manifest?.options?.istioNamespace;
  return typeof option === 'string' && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(option) ? option : DEFAULT_ISTIO_NAMESPACE;
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
