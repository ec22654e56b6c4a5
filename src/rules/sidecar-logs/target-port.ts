import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asNumber, asRecord, asString } from '../../analysis/object-access.js';
import { podsOfService, serviceForHost } from '../../analysis/workloads.js';
import type { ResourceRecord } from '../../model/facets.js';
import { evidenceAt } from '../evidence.js';
import type { Evidence } from '../rule.js';

export interface TargetPortMismatch {
  service: ResourceRecord;
  port: number;
  targetPort: number | string;
  /** The ports the selected pods' containers declare (the sidecar's excluded). */
  podPorts: number[];
  pods: string[];
  evidence: Evidence[];
}

/** The Service port, its target and what the selected pods' containers declare (the sidecar's excluded). */
function servicePortTarget(index: ConfigIndex, host: string, port: number) {
  const service = serviceForHost(index, host, index.istioNamespace);
  if (!service) return undefined;
  const specPorts = asArray(asRecord(service.object.spec)?.ports).map(asRecord);
  const at = specPorts.findIndex((p) => asNumber(p?.port) === port);
  if (at < 0) return undefined;
  const servicePort = specPorts[at]!;
  const targetPort = asNumber(servicePort.targetPort) ?? asString(servicePort.targetPort) ?? port;
  const pods = podsOfService(index, service);
  const declared = pods.flatMap((pod) =>
    asArray(asRecord(pod.object.spec)?.containers)
      .map(asRecord)
      .filter((c) => asString(c?.name) !== 'istio-proxy')
      .flatMap((c) => asArray(c?.ports).map(asRecord)),
  );
  // Only decided when the pods declare their ports: an undeclared port may still be open, so silence is no evidence.
  if (pods.length === 0 || declared.length === 0) return undefined;
  const listens = declared.some((p) => (typeof targetPort === 'number' ? asNumber(p?.containerPort) === targetPort : asString(p?.name) === targetPort));
  return { service, at, targetPort, pods, declared, listens };
}

/**
 * A Service port whose `targetPort` no container of the pods it selects declares: the Service sends
 * connections where nothing listens (`connection refused`, UF).
 */
export function targetPortMismatch(index: ConfigIndex, host: string, port: number): TargetPortMismatch | undefined {
  const found = servicePortTarget(index, host, port);
  if (!found || found.listens) return undefined;
  const { service, at, targetPort, pods, declared } = found;
  const podPorts = [...new Set(declared.flatMap((p) => asNumber(p?.containerPort) ?? []))].sort((a, b) => a - b);
  return {
    service,
    port,
    targetPort,
    podPorts,
    pods: pods.map((p) => p.object.metadata.name),
    evidence: [evidenceAt({ ...service.source, pointer: `${service.source.pointer ?? ''}/spec/ports/${at}/targetPort` }, `port ${port} → targetPort ${targetPort}`), ...pods.slice(0, 3).map((p) => evidenceAt(p.source, `containerPort ${podPorts.join(', ')}`))],
  };
}

/** The Service's `targetPort` is a port its pods declare: the port is ruled out as the cause. */
export function targetPortVerified(index: ConfigIndex, host: string, port: number): boolean {
  return servicePortTarget(index, host, port)?.listens === true;
}
