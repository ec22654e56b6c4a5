import type { ResourceRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import type { ConfigIndex } from './config-index.js';
import { asArray, asNumber, asRecord, asString, stringMap } from './object-access.js';

/** Istio Gateways and the pods they select: what the gateway analyzers share. */

export interface GatewayServer {
  /** `port.number`; undefined when the server has none (invalid: it opens no listener). */
  port?: number;
  hosts: string[];
  /** The address the listener binds to; '' = every address. */
  bind: string;
}

/** A Gateway's servers in spec order, so the index of each is its position in `spec.servers`. */

export function gatewayServers(gateway: ResourceRecord): GatewayServer[] {
  return asArray(asRecord(gateway.object.spec)?.servers).map((entry) => {
    const server = asRecord(entry);
    const port = asNumber(asRecord(server?.port)?.number);
    const hosts = asArray(server?.hosts).map(asString).filter((h): h is string => h !== undefined);
    return { ...(port !== undefined ? { port } : {}), hosts, bind: asString(server?.bind) ?? '' };
  });
}

export function gatewaySelector(gateway: ResourceRecord): Record<string, string> {
  return stringMap(asRecord(gateway.object.spec)?.selector);
}

/** `app=x,istio=ingressgateway`: keys in byte order, as Kubernetes prints a label set (and istioctl its messages). */

export function formatSelector(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort(compareText)
    .map((key) => `${key}=${selector[key]}`)
    .join(',');
}

export function podLabels(pod: ResourceRecord): Record<string, string> {
  return stringMap(pod.object.metadata.labels);
}

export interface GatewayWorkloads {
  pods: readonly ResourceRecord[];
  services: readonly ResourceRecord[];
  /** True when the bundle lists no pods and istioctl's stand-in ingress gateway is used instead. */
  assumed: boolean;
}

/**
 * The pods a Gateway selector can match, and the Services that may select them. A Gateway selects
 * gateway pods in every namespace: istiod scopes Gateways to their workload's namespace only with
 * `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`, off by default, and Istio's analyzers ignore it.
 *
 * A bundle with no pods at all says nothing about workloads. istioctl, analyzing files without a
 * cluster, then assumes the default `istio-ingressgateway` (one pod labelled `istio: ingressgateway`
 * and its Service in the Istio namespace); doing the same keeps every Gateway from reading as
 * unserved merely because pods were not collected.
 */

export function gatewayWorkloads(index: ConfigIndex): GatewayWorkloads {
  const pods = index.pods();
  if (pods.length > 0) return { pods, services: index.ofKind('Service'), assumed: false };
  const stand = defaultIngressGateway(index.istioNamespace);
  return { pods: [stand.pod], services: [...index.ofKind('Service'), stand.service], assumed: true };
}

/** istioctl's stand-in ingress gateway for file-only analysis (its ports and targetPorts: 80, 443, 31400, 15443). */

function defaultIngressGateway(namespace: string): { pod: ResourceRecord; service: ResourceRecord } {
  const name = 'istio-ingressgateway';
  const labels = { istio: 'ingressgateway' };
  const source = { path: '(assumed: istioctl default ingress gateway)' };
  const ports = [80, 443, 31400, 15443].map((port) => ({ port, targetPort: port, protocol: 'TCP' }));
  return {
    pod: { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-assumed`, namespace, labels }, spec: {} }, source },
    service: { object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: labels, ports } }, source },
  };
}

/**
 * The TCP ports that reach the pods through the Services selecting them. A Gateway server port
 * may name either side of a Service port: istiod listens on the targetPort of a Service port equal
 * to the server port, and on the server port itself otherwise (istio/istio#51257).
 */

/** A Service selects pods of its own namespace; one without a selector selects none (its endpoints are managed by hand). */

/** A numeric targetPort, or a named one resolved against the pod's container ports. */

/** `namespace/name`, or the bare name of an object without a namespace (Istio's test grid). */

export function qualifiedName(index: ConfigIndex, record: ResourceRecord): string {
  const namespace = index.namespaceOf(record);
  return namespace ? `${namespace}/${record.object.metadata.name}` : record.object.metadata.name;
}
