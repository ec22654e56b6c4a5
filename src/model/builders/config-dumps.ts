import { ofKind, type Artifact } from '../../artifacts/artifact.js';
import type { NodeSummary } from '../../artifacts/envoy/summary-schema.js';
import type { ProxyConfigRecord } from '../facets.js';
import { defineBuilder } from './types.js';

/**
 * Config dump summaries, each tied to its proxy: by the manifest or the bundle's path layout
 * (`proxies/<ns>/<pod>/…`), else by the node the dump's own bootstrap describes (Istio's node
 * metadata `NAME`/`NAMESPACE`, or the node id `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`).
 */
export const configDumpsBuilder = defineBuilder({
  facet: 'envoy.configDump',
  build: (artifacts) => ofKind(artifacts, 'envoy.configDump').map(configRecord),
});

function configRecord(artifact: Artifact<'envoy.configDump'>): ProxyConfigRecord {
  const { context, data: summary, path } = artifact;
  if (context.pod && context.namespace) return { path, namespace: context.namespace, pod: context.pod, identifiedBy: 'path', summary };
  const node = nodeIdentity(summary.node);
  if (node) return { path, ...node, identifiedBy: 'bootstrap', summary };
  return { path, identifiedBy: 'unknown', summary };
}

const NODE_ID = /^[a-z]+~[^~]*~([^.~]+)\.([^~]+)~/;

function nodeIdentity(node: NodeSummary | undefined): { pod: string; namespace: string } | undefined {
  if (!node) return undefined;
  if (node.pod && node.namespace) return { pod: node.pod, namespace: node.namespace };
  const id = node.id ? NODE_ID.exec(node.id) : null;
  return id ? { pod: id[1]!, namespace: id[2]! } : undefined;
}
