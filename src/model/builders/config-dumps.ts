import { ofKind, type Artifact } from '../../artifacts/artifact.js';
import type { NodeSummary } from '../../artifacts/envoy/summary-schema.js';
import type { PodRecord, ProxyConfigRecord } from '../facets.js';
import { builtFacet, defineBuilder, podOf } from './types.js';

/**
 * Config dump summaries, each tied to its proxy: by the manifest or the bundle's path layout
 * (`proxies/<ns>/<pod>/…`), else by the node the dump's own bootstrap describes (Istio's node
 * metadata `NAME`/`NAMESPACE`, or the node id `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`).
 */
export const configDumpsBuilder = defineBuilder({
  facet: 'envoy.configDump',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'envoy.configDump').map((artifact) => configRecord(artifact, builtFacet(built, 'kubectl.pods'))),
});

function configRecord(artifact: Artifact<'envoy.configDump'>, pods: readonly PodRecord[]): ProxyConfigRecord {
  const summary = artifact.data;
  const own = podOf(artifact, pods);
  if (own.pod && own.namespace) return { ...own, identifiedBy: 'path', summary };
  const node = nodeIdentity(summary.node);
  if (node) return { path: artifact.path, ...node, identifiedBy: 'bootstrap', summary };
  return { path: artifact.path, identifiedBy: 'unknown', summary };
}

const NODE_ID = /^[a-z]+~[^~]*~([^.~]+)\.([^~]+)~/;

function nodeIdentity(node: NodeSummary | undefined): { pod: string; namespace: string } | undefined {
  if (!node) return undefined;
  if (node.pod && node.namespace) return { pod: node.pod, namespace: node.namespace };
  const id = node.id ? NODE_ID.exec(node.id) : null;
  return id ? { pod: id[1]!, namespace: id[2]! } : undefined;
}
