import { REPLICASET_POD } from '../../analysis/workloads.js';
import { basename } from 'node:path';
import { ofKind, type Artifact } from '../../artifacts/artifact.js';
import type { LogPart } from '../../artifacts/logs/schema.js';
import type { LogRecord, PodRecord } from '../facets.js';
import { builtFacet, defineBuilder, namespaceByPodName } from './types.js';

export const proxyLogsBuilder = defineBuilder({
  facet: 'logs.proxy',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'logs.proxy').flatMap((artifact) => logRecords(artifact, builtFacet(built, 'kubectl.pods'))),
});

export const istiodLogsBuilder = defineBuilder({
  facet: 'logs.istiod',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'logs.istiod').flatMap((artifact) => logRecords(artifact, builtFacet(built, 'kubectl.pods'))),
});

/**
 * One record per log part: the file's own lines, and one per `kubectl logs --prefix` source. Who
 * a part belongs to is taken from the best evidence there is: the manifest or the bundle's path
 * layout, the `--prefix` source, the proxy id pilot-agent logs at start-up, the proxy's own IP in
 * its access log, and last the file name. A log none of these ties to a pod stays a file.
 */
function logRecords(artifact: Artifact<'logs.proxy' | 'logs.istiod'>, pods: readonly PodRecord[]): LogRecord[] {
  const summary = artifact.data;
  const { sources, ...own } = summary;
  const defaultContainer = artifact.kind === 'logs.istiod' ? 'discovery' : 'istio-proxy';
  const base = { path: artifact.path, previous: /\.previous\.(?:log|txt)$/.test(artifact.path) };
  const records: LogRecord[] = [];
  if (!sources || hasContent(own)) {
    records.push({ ...base, ...ownIdentity(artifact, own, pods, defaultContainer), summary: own });
  }
  for (const source of sources ?? []) {
    const namespace =
      (source.summary.proxy?.pod === source.pod ? source.summary.proxy.namespace : undefined) ?? namespaceByPodName(pods)(source.pod) ?? artifact.context.namespace;
    records.push({ ...base, ...(namespace ? { namespace } : {}), pod: source.pod, container: source.container, identifiedBy: 'prefix', summary: source.summary });
  }
  return records;
}

/** Lines of a `--prefix` file without a source: worth a record only if they say something. */
function hasContent(part: LogPart): boolean {
  return part.access.requests > 0 || part.levels.error + part.levels.warn > 0 || Object.keys(part.signatures).length > 0 || part.proxy !== undefined;
}

type Identity = Pick<LogRecord, 'namespace' | 'pod' | 'container' | 'identifiedBy'>;

function ownIdentity(artifact: Artifact<'logs.proxy' | 'logs.istiod'>, summary: LogPart, pods: readonly PodRecord[], defaultContainer: string): Identity {
  const { namespace, pod, container = defaultContainer } = artifact.context;
  const claimed = summary.proxy;
  if (pod) {
    const ns = namespace ?? (claimed?.pod === pod ? claimed.namespace : undefined) ?? namespaceByPodName(pods)(pod);
    return { ...(ns ? { namespace: ns } : {}), pod, container, identifiedBy: artifact.recognisedBy === 'manifest' ? 'manifest' : 'path' };
  }
  if (claimed) return { namespace: claimed.namespace, pod: claimed.pod, container, identifiedBy: 'proxy-id' };
  // A hand-assembled folder names files freely: the proxy's own IP in its access log finds the pod.
  const ownIp = summary.access.ownIp;
  const match = ownIp ? pods.filter((p) => p.pod.status?.podIP === ownIp) : [];
  if (match.length === 1) return { namespace: match[0]!.namespace, pod: match[0]!.name, container, identifiedBy: 'pod-ip' };
  const named = podFromFileName(basename(artifact.path), pods);
  if (named) {
    const ns = namespaceByPodName(pods)(named.pod);
    return { ...(ns ? { namespace: ns } : {}), pod: named.pod, container: named.container ?? container, identifiedBy: 'file-name' };
  }
  return { container, identifiedBy: 'unknown' };
}

/** The namespace of the one pod of that name in the bundle, if there is exactly one. */

/** `<pod>.istio-proxy.log`, `<pod>-istio-proxy.log`, `<pod>_discovery.txt`, `<pod>.log`. */
const FILE_NAME = /^(.+?)(?:[._-](istio-proxy|discovery))?(?:\.previous)?\.(?:log|txt)$/;
/**
 * A file name names a pod when a pod of that name is in the bundle or the name has the shape of a
 * Deployment's pod; anything else (`proxy.log`, `scout-sidecar.log`) is only a file name, and is
 * never handed to istioctl as a pod.
 */
function podFromFileName(file: string, pods: readonly PodRecord[]): { pod: string; container?: string } | undefined {
  const m = FILE_NAME.exec(file);
  if (!m) return undefined;
  const name = m[1]!;
  if (!pods.some((p) => p.name === name) && !REPLICASET_POD.test(name)) return undefined;
  return { pod: name, ...(m[2] ? { container: m[2] } : {}) };
}
