import type { ConfigIndex } from '../../analysis/config-index.js';
import { hasProxy } from '../../analysis/analyzers/injection.js';
import { destinationRulesFor } from '../../analysis/destination-rules.js';
import { destinationTlsMode, inboundMtlsIn, peerAuthenticationLevel, peerAuthenticationMode } from '../../analysis/mtls.js';
import { asRecord, asString, stringMap } from '../../analysis/object-access.js';
import { podsOfService, serviceOfClusterHost } from '../../analysis/workloads.js';
import { parseAccessLine } from '../../artifacts/logs/access-log.js';
import type { ResourceRecord } from '../../model/facets.js';
import { evidenceAt } from '../evidence.js';
import type { Evidence } from '../rule.js';
import { parseCluster } from './signature-findings.js';

/**
 * What the configuration says about a TLS failure: the mTLS mode the client's DestinationRule sets
 * toward the upstream against whether the upstream's pods run a sidecar at all, and the
 * PeerAuthentications in force for the pod that logged it. After Istio's security problems page:
 * `WRONG_VERSION_NUMBER` is TLS meeting plaintext.
 */
export interface TlsCause {
  text: string;
  evidence: Evidence[];
  remediation?: string;
  yaml?: string;
}

/** The outbound cluster of the access line a breakdown row kept (TLS rows are keyed by reason, not target). */
export function upstreamOf(line: string): { host: string; port?: number; subset?: string } | undefined {
  const record = parseAccessLine(line);
  const cluster = record?.upstreamCluster ? parseCluster(record.upstreamCluster) : undefined;
  if (cluster?.direction !== 'outbound' || !cluster.host) return undefined;
  return { host: cluster.host, ...(cluster.port ? { port: Number(cluster.port) } : {}), ...(cluster.subset ? { subset: cluster.subset } : {}) };
}

/**
 * A DestinationRule forcing TLS (`ISTIO_MUTUAL`, `MUTUAL`, `SIMPLE`) toward a Service none of whose
 * pods runs a sidecar: they answer the TLS hello in plaintext (`WRONG_VERSION_NUMBER`).
 */
export function tlsTowardPlaintext(index: ConfigIndex, upstream: { host: string; port?: number; subset?: string }, clientNamespace: string): TlsCause | undefined {
  const { host } = upstream;
  const service = serviceOfClusterHost(index, host);
  if (!service) return undefined;
  const pods = podsOfService(index, service);
  if (pods.length === 0 || pods.some(hasProxy)) return undefined;
  for (const rule of destinationRulesFor(index, host, clientNamespace)) {
    const found = destinationTlsMode(rule, upstream.port, upstream.subset);
    if (!found || found.mode === 'DISABLE') continue;
    const { mode, pointer } = found;
    const name = `${index.namespaceOf(rule)}/${rule.object.metadata.name}`;
    const podNames = pods.slice(0, 3).map((p) => `\`${p.object.metadata.name}\``).join(', ');
    return {
      text: `The cause: DestinationRule \`${name}\` sets \`tls.mode: ${mode}\` toward \`${host}\`, but its pods (${podNames}) run no sidecar: they answer the TLS handshake in plaintext.`,
      evidence: [evidenceAt({ ...rule.source, pointer: `${rule.source.pointer ?? ''}${pointer}` }, mode), ...pods.slice(0, 3).map((p) => evidenceAt({ ...p.source, pointer: `${p.source.pointer ?? ''}/spec/containers` }, 'no istio-proxy container'))],
      remediation: `Either inject the sidecar into the pods of \`${host}\` (label the namespace or the workload, then restart it), or stop forcing TLS toward them: set \`tls.mode: DISABLE\` in DestinationRule \`${name}\` (or delete its \`tls\` and let auto mTLS decide).`,
      yaml: `# DestinationRule ${name}: ${pointer.slice(1).replaceAll('/', '.')}\nmode: DISABLE # was ${mode}: the pods of ${host} have no sidecar`,
    };
  }
  return undefined;
}

/**
 * The pod's inbound mTLS mode and the PeerAuthentications that set it (mesh, namespace, workload), as a
 * sentence, with Istio's precedence (`effectiveInboundMtls`: the oldest policy of each level, UNSET
 * inherits). Without the pod, its namespace's policies: workload ones cannot be matched to it.
 */
export function peerAuthenticationInForce(index: ConfigIndex, pod: ResourceRecord | undefined, namespace: string | undefined): TlsCause | undefined {
  const podNamespace = pod ? index.namespaceOf(pod) : namespace;
  if (podNamespace === undefined) return undefined;
  const inForce = inboundMtlsIn(index, podNamespace, pod ? stringMap(pod.object.metadata.labels) : undefined);
  if (inForce.applying.length === 0) return undefined;
  const named = (p: ResourceRecord) => `\`${index.namespaceOf(p)}/${p.object.metadata.name}\``;
  const describe = (p: ResourceRecord) => {
    const level = peerAuthenticationLevel(index, p);
    // Istio reads port-level modes of workload policies only.
    const ports = level === 'workload' ? Object.entries(asRecord(asRecord(p.object.spec)?.portLevelMtls) ?? {}).map(([port, v]) => `${port}: ${asString(asRecord(v)?.mode) ?? 'UNSET'}`) : [];
    return `${named(p)} (${level}, ${peerAuthenticationMode(p)}${ports.length > 0 ? `; ports ${ports.join(', ')}` : ''})`;
  };
  const effective = inForce.decidedBy ? `${inForce.mode}, set by ${named(inForce.decidedBy)}` : 'PERMISSIVE (none sets a mode)';
  const ignored =
    inForce.ignored.length > 0
      ? ` Istio ignores ${inForce.ignored.map(named).join(', ')}: of several policies of one level only the oldest counts, and a workload selector in the root namespace \`${index.mesh.rootNamespace}\` none.`
      : '';
  return {
    text: `This pod's inbound mTLS is ${effective}; PeerAuthentications that apply, the most specific last: ${inForce.applying.map(describe).join(', ')}.${ignored}`,
    evidence: inForce.applying.map((p) => evidenceAt({ ...p.source, pointer: `${p.source.pointer ?? ''}/spec` }, JSON.stringify(asRecord(p.object.spec)?.mtls ?? {}))),
  };
}
