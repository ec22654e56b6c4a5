import { basename } from 'node:path';
import { normaliseEntryPath } from '../../bundle/entry-path.js';
import { ofKind, type Artifact } from '../../artifacts/artifact.js';
import type { ZtunnelLogPart } from '../../artifacts/ztunnel/schema.js';
import type { PodRecord, ZtunnelLogRecord } from '../facets.js';
import { builtFacet, defineBuilder, namespaceByPodName } from './types.js';

/**
 * ztunnel logs, one record per log part (the file's own lines, and one per `kubectl logs --prefix`
 * source), each tied to its ztunnel pod (the manifest, the path layout, the `--prefix` source, or a
 * file named after a ztunnel pod of the bundle) and to the node it runs on: the pod's
 * `spec.nodeName`, else the `node` collect.sh records beside each ztunnel log in its manifest.
 */
export const ztunnelLogsBuilder = defineBuilder({
  facet: 'logs.ztunnel',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => {
    const pods = builtFacet(built, 'kubectl.pods');
    const manifestNode = manifestNodes(artifacts);
    return ofKind(artifacts, 'logs.ztunnel').flatMap((artifact) => ztunnelRecords(artifact, pods, manifestNode));
  },
});

function ztunnelRecords(artifact: Artifact<'logs.ztunnel'>, pods: readonly PodRecord[], manifestNode: ReadonlyMap<string, string>): ZtunnelLogRecord[] {
  const { sources, ...own } = artifact.data;
  const base = { path: artifact.path, previous: /\.previous\.(?:log|txt)$/.test(artifact.path) };
  const namespaceOf = namespaceByPodName(pods);
  const records: ZtunnelLogRecord[] = [];
  if (!sources || hasContent(own)) {
    const identity = ownIdentity(artifact, pods);
    records.push({ ...base, ...identity, ...nodeOf(identity, pods, manifestNode.get(artifact.path)), summary: own });
  }
  for (const source of sources ?? []) {
    const namespace = namespaceOf(source.pod) ?? artifact.context.namespace;
    const identity = { ...(namespace ? { namespace } : {}), pod: source.pod, identifiedBy: 'prefix' as const };
    records.push({ ...base, ...identity, ...nodeOf(identity, pods, undefined), summary: source.summary });
  }
  return records;
}

/** Lines of a `--prefix` file without a source: worth a record only if they say something. */
function hasContent(part: ZtunnelLogPart): boolean {
  return part.errors.length > 0 || part.connections.completed + part.connections.failed > 0;
}

type Identity = Pick<ZtunnelLogRecord, 'namespace' | 'pod' | 'identifiedBy'>;

function ownIdentity(artifact: Artifact<'logs.ztunnel'>, pods: readonly PodRecord[]): Identity {
  const { namespace, pod } = artifact.context;
  if (pod) {
    const ns = namespace ?? namespaceByPodName(pods)(pod);
    return { ...(ns ? { namespace: ns } : {}), pod, identifiedBy: artifact.recognisedBy === 'manifest' ? 'manifest' : 'path' };
  }
  // A hand-assembled folder: `ztunnel-4xkzp.log`, `ztunnel-4xkzp.txt`, named after a ztunnel pod of the bundle.
  const name = /^(.+?)(?:[._-]istio-proxy)?(?:\.previous)?\.(?:log|txt)$/.exec(basename(artifact.path))?.[1];
  const named = name ? pods.filter((p) => p.name === name && isZtunnel(p)) : [];
  if (named.length === 1) return { namespace: named[0]!.namespace, pod: named[0]!.name, identifiedBy: 'file-name' };
  return { identifiedBy: 'unknown' };
}

function nodeOf(identity: Identity, pods: readonly PodRecord[], fromManifest: string | undefined): Pick<ZtunnelLogRecord, 'node' | 'nodeFrom'> {
  if (identity.pod) {
    const matches = pods.filter((p) => p.name === identity.pod && (identity.namespace === undefined || p.namespace === identity.namespace));
    const node = matches.length === 1 ? matches[0]!.pod.spec?.nodeName : undefined;
    if (node) return { node, nodeFrom: 'pod' };
  }
  return fromManifest ? { node: fromManifest, nodeFrom: 'manifest' } : {};
}

function isZtunnel(pod: PodRecord): boolean {
  return pod.pod.metadata.labels?.app === 'ztunnel';
}

/**
 * The `node` collect.sh writes beside each ztunnel log (`run logs.ztunnel … "node": …`), by bundle
 * path: manifest paths are relative to the manifest's folder.
 */
function manifestNodes(artifacts: readonly Artifact[]): Map<string, string> {
  const nodes = new Map<string, string>();
  const manifest = ofKind(artifacts, 'bundle.manifest')[0];
  if (!manifest) return nodes;
  const prefix = manifest.path.includes('/') ? manifest.path.slice(0, manifest.path.lastIndexOf('/') + 1) : '';
  for (const entry of manifest.data.artifacts) {
    if (entry.kind !== 'logs.ztunnel' || !entry.node) continue;
    const path = normaliseEntryPath(entry.path);
    if (path.ok) nodes.set(prefix + path.path, entry.node);
  }
  return nodes;
}
