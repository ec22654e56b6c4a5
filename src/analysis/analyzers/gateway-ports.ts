import { defineAnalyzer } from '../analyzer.js';
import type { ConfigIndex } from '../config-index.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from '../object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';

/**
 * A Gateway's workload and the ports its Services offer (Istio's `gateway.IngressGatewayPortAnalyzer`;
 * istio.io IST0101, IST0162): a selector that matches no pod (IST0101), and a server port that no
 * Service selecting those pods offers (IST0162), so traffic sent through the gateway Service never
 * reaches the listener.
 */
export const gatewayPortAnalyzer = defineAnalyzer({
  name: 'gateway.IngressGatewayPortAnalyzer',
  codes: ['IST0101', 'IST0162'],
  analyze(index) {
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    const workloads = gatewayWorkloads(index);
    for (const gateway of index.ofKind('Gateway')) {
      const selector = gatewaySelector(gateway);
      const selectorText = formatSelector(selector);
      const pods = workloads.pods.filter((pod) => selectorMatches(selector, podLabels(pod)));
      if (pods.length === 0) {
        messages.push({
          code: 'IST0101',
          resource: gateway,
          field: '/spec/selector',
          text: `Gateway selector \`${selectorText}\` matches no pod in any namespace${workloads.assumed ? ' (the bundle lists no pods; istioctl\'s default `istio: ingressgateway` workload was assumed)' : ''}: no gateway proxy serves this Gateway.`,
          details: { reference: 'selector', selector: selectorText, ...(workloads.assumed ? { assumedDefaultIngress: true } : {}) },
        });
        continue;
      }
      const { ports, services } = offeredPorts(index, pods, workloads.services);
      gatewayServers(gateway).forEach(({ port }, i) => {
        if (port === undefined || ports.has(port)) return;
        const offered = [...ports].sort((a, b) => a - b);
        messages.push({
          code: 'IST0162',
          resource: gateway,
          field: `/spec/servers/${i}/port/number`,
          text:
            services.length === 0
              ? `Gateway server port ${port} cannot be reached through a Service: no Service selects the pods of selector \`${selectorText}\`.`
              : `Gateway server port ${port} is neither a port nor a targetPort of the Services selecting the pods of selector \`${selectorText}\` (${services.map((svc) => qualifiedName(index, svc)).join(', ')} ${services.length === 1 ? 'offers' : 'offer'} ${offered.join(', ') || 'no TCP port'}${workloads.assumed ? '; the bundle lists no pods, so istioctl\'s default ingress gateway was assumed' : ''}).`,
          details: { port, selector: selectorText, offeredPorts: offered, related: services, ...(workloads.assumed ? { assumedDefaultIngress: true } : {}) },
        });
      });
    }
    return messages;
  },
});

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
function offeredPorts(index: ConfigIndex, pods: readonly ResourceRecord[], services: readonly ResourceRecord[]): { ports: Set<number>; services: ResourceRecord[] } {
  const ports = new Set<number>();
  const selecting = new Set<ResourceRecord>();
  for (const pod of pods) {
    for (const service of services) {
      if (!selectsPod(index, service, pod)) continue;
      selecting.add(service);
      for (const entry of asArray(asRecord(service.object.spec)?.ports)) {
        const port = asRecord(entry);
        // Kubernetes defaults `protocol` to TCP; a gateway listener never serves UDP or SCTP.
        if (!port || (asString(port.protocol) ?? 'TCP') !== 'TCP') continue;
        const number = asNumber(port.port);
        if (number !== undefined) ports.add(number);
        const target = targetPortOf(port.targetPort, pod);
        if (target !== undefined) ports.add(target);
      }
    }
  }
  const sorted = [...selecting].sort((a, b) => compareText(qualifiedName(index, a), qualifiedName(index, b)));
  return { ports, services: sorted };
}

/** A Service selects pods of its own namespace; one without a selector selects none (its endpoints are managed by hand). */
function selectsPod(index: ConfigIndex, service: ResourceRecord, pod: ResourceRecord): boolean {
  if (index.namespaceOf(service) !== index.namespaceOf(pod)) return false;
  const selector = stringMap(asRecord(service.object.spec)?.selector);
  return Object.keys(selector).length > 0 && selectorMatches(selector, podLabels(pod));
}

/** A numeric targetPort, or a named one resolved against the pod's container ports. */
function targetPortOf(value: unknown, pod: ResourceRecord): number | undefined {
  const number = asNumber(value);
  if (number !== undefined) return number;
  const name = asString(value);
  if (!name) return undefined;
  if (/^\d+$/.test(name)) return Number(name);
  for (const container of asArray(asRecord(pod.object.spec)?.containers)) {
    for (const entry of asArray(asRecord(container)?.ports)) {
      const port = asRecord(entry);
      if (asString(port?.name) === name) return asNumber(port?.containerPort);
    }
  }
  return undefined;
}

/** `namespace/name`, or the bare name of an object without a namespace (Istio's test grid). */
export function qualifiedName(index: ConfigIndex, record: ResourceRecord): string {
  const namespace = index.namespaceOf(record);
  return namespace ? `${namespace}/${record.object.metadata.name}` : record.object.metadata.name;
}
