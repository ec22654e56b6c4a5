import type { ConfigIndex, KnownHost } from '../../analysis/config-index.js';
import { exportScopes, serviceOfFqdn, toFqdn, visibleIn } from '../../analysis/hosts.js';
import { asArray, asNumber, asRecord, asString } from '../../analysis/object-access.js';
import { appliesToMesh, vsExportTo, vsHosts, vsSpec } from '../../analysis/virtual-service.js';
import type { RouteTableSummary } from '../../artifacts/envoy/summary-schema.js';
import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import type { ProxyConfig } from '../../model/views/proxy-config.js';
import { evidenceAt } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext } from '../rule.js';
import { isGatewayProxy, proxiesHolding } from '../proxy-configs.js';
import { shell } from '../shell.js';
import { whyHostMissing } from './why-host-missing.js';

/**
 * Service port protocols Istio does not route as HTTP (istio.io "Protocol Selection": the port name
 * prefix or `appProtocol`): a VirtualService's `http` routes never apply on them.
 */
const NOT_HTTP = new Set(['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp']);

interface Expectation {
  vs: ResourceRecord;
  vsName: string;
  host: string;
  port: number;
  known: KnownHost;
}

export const tp002 = defineRule({
  id: 'TP002',
  slug: 'virtual-service-not-applied',
  title: "a VirtualService's HTTP routes are not in the route table of a sidecar that calls its host",
  severity: 'high',
  step: 'traffic-path',
  inputs: { required: ['envoy.configDump', 'k8s.resources'], optional: ['kubectl.pods', 'logs.proxy'], views: ['proxyConfig', 'configuration'] },
  description:
    "Reads each sidecar's route tables from its config dump and the bundle's VirtualServices with `http` routes for the mesh. For a VirtualService visible in the sidecar's namespace, " +
    'for each HTTP port of its host\'s Service, the route table of that port (`9080`) should hold the virtual host `<host>:<port>` with routes Istio built from it (route metadata names the VirtualService). ' +
    "Checked only where the sidecar is known to use the host — its access log shows requests to the host's cluster, or the VirtualService is in the sidecar's own namespace — " +
    'and where the dump names the VirtualService behind its routes at all. Gateways are not checked.',
  rationale:
    'A VirtualService that is not in the route table does nothing for that proxy: traffic takes the default route to every endpoint, so canary weights, retries, timeouts, fault injection and header matches are silently ignored, ' +
    'and the VirtualService looks right in `kubectl get`. The route table is the truth of what the proxy does.',
  remediation:
    'Find why istiod did not apply it: a Service port named or declared as TCP (`tcp-`, `appProtocol: tcp`) gets no HTTP routes — rename it `http-…`; another VirtualService for the same host wins (only one applies per host to sidecars: merge them); ' +
    'a Sidecar resource or `exportTo` hides the host or the VirtualService from this namespace. Then check: `istioctl proxy-config route <pod> -n <namespace> --name <port> -o json`.',
  threshold: { value: 'any VirtualService host:port the sidecar uses whose virtual host is missing or built from another VirtualService', source: 'rule catalogue (`istio-bundle explain TP002`), after the Istio production debugging guide, step 3 (route table `8080` without the VirtualService: "the VirtualService is not applied")' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/'],
  check(inputs, context) {
    const index = inputs.configuration.index;
    const virtualServices = index.ofKind('VirtualService').filter((vs) => appliesToMesh(vs) && asArray(vsSpec(vs).http).length > 0);
    for (const proxy of proxiesHolding('routes', inputs.proxyConfig, context)) {
      if (!proxy.namespace || isGatewayProxy(proxy)) continue;
      const tables = proxy.sections.routes!.summary.routeTables;
      // Without route metadata (older istiod, or a hand-trimmed dump) a missing VirtualService cannot be told from an unnamed one.
      if (!tables.some((t) => t.virtualHosts.some((vh) => vh.virtualServices))) continue;
      const called = calledHosts(inputs['logs.proxy'], proxy);
      for (const expectation of expectations(index, virtualServices, proxy.namespace)) {
        const used = called.has(expectation.host) || index.namespaceOf(expectation.vs) === proxy.namespace;
        if (used) checkOne(proxy, expectation, tables, index, context, called.has(expectation.host));
      }
    }
  },
});

/** Hosts this proxy's access logs show it calling (outbound clusters `outbound|port|subset|host`). */
function calledHosts(logs: readonly LogRecord[], proxy: ProxyConfig): Set<string> {
  return new Set(logs.filter((log) => log.pod === proxy.pod && log.namespace === proxy.namespace).flatMap((log) => Object.keys(log.summary.access.byUpstreamHost ?? {})));
}

/** Every (VirtualService, host, port) a sidecar in `namespace` should have routes for. */
function expectations(index: ConfigIndex, virtualServices: readonly ResourceRecord[], namespace: string): Expectation[] {
  const out: Expectation[] = [];
  for (const vs of virtualServices) {
    const vsNamespace = index.namespaceOf(vs);
    if (!visibleIn(exportScopes(vsExportTo(vs), vsNamespace, index.mesh.defaultVirtualServiceExportTo), namespace)) continue;
    const matchPorts = httpMatchPorts(vs);
    for (const written of vsHosts(vs)) {
      const host = toFqdn(written, vsNamespace, index.clusterDomain);
      if (host.includes('*')) continue;
      const known = index.resolveHost(written, serviceOfFqdn(host, index.clusterDomain)?.namespace ?? vsNamespace);
      if (!known) continue; // a host nothing defines is CFG002's finding
      // HTTP routes are for a Service's HTTP ports; its TCP ports (metrics, a database) never get them. Only when
      // no port is HTTP is the protocol itself suspect (a misnamed `tcp-` port), and every port is checked.
      const httpPorts = known.ports.filter((p) => !NOT_HTTP.has(portProtocol(known, p.number)?.protocol ?? 'http'));
      for (const port of httpPorts.length > 0 ? httpPorts : known.ports) {
        if (matchPorts && !matchPorts.has(port.number)) continue;
        out.push({ vs, vsName: `${vs.object.metadata.name}.${vsNamespace}`, host, port: port.number, known });
      }
    }
  }
  return out;
}

/** The ports `http[].match[].port` restricts the VirtualService to; undefined when some route matches any port. */
function httpMatchPorts(vs: ResourceRecord): Set<number> | undefined {
  const ports = new Set<number>();
  for (const rule of asArray(vsSpec(vs).http)) {
    const matches = asArray(asRecord(rule)?.match);
    if (matches.length === 0) return undefined;
    for (const m of matches) {
      const port = asNumber(asRecord(m)?.port);
      if (port === undefined) return undefined;
      ports.add(port);
    }
  }
  return ports;
}

function checkOne(proxy: ProxyConfig, e: Expectation, tables: readonly RouteTableSummary[], index: ConfigIndex, context: RuleContext, called: boolean): void {
  const record = proxy.sections.routes!;
  const table = tables.find((t) => t.name === String(e.port));
  const vhName = `${e.host}:${e.port}`;
  const vh = table?.virtualHosts.find((v) => v.name === vhName);
  if (vh?.virtualServices?.includes(e.vsName)) return;
  const declared = portProtocol(e.known, e.port);
  let cause: string | undefined;
  const causeEvidence: Evidence[] = [];
  if (declared && NOT_HTTP.has(declared.protocol)) {
    cause = `port ${e.port} of \`${e.host}\` is declared \`${declared.protocol}\` (${declared.declaredBy}), so Istio routes it as ${declared.protocol.toUpperCase()}: HTTP routes never apply. Name it \`http-…\` (or set \`appProtocol: http\`) if it carries HTTP`;
    causeEvidence.push(evidenceAt(e.known.record.source, `${e.known.kind} ${e.host} port ${e.port}: ${declared.declaredBy}`));
  } else if (vh?.virtualServices && vh.virtualServices.length > 0) {
    cause = `the virtual host is built from ${vh.virtualServices.map((n) => `\`${n}\``).join(', ')} instead: for sidecars Istio applies one VirtualService per host, so \`${e.vsName}\` is ignored here. Merge their routes into one VirtualService`;
  } else if (!vh) {
    const why = whyHostMissing(index, e.host, e.known, proxy.namespace!, proxy.podRecord?.pod.metadata?.labels ?? {});
    if (why) {
      cause = why.text;
      causeEvidence.push(...why.evidence);
    }
  }
  const where = !table
    ? `has no route table \`${e.port}\``
    : !vh
      ? `has no virtual host \`${vhName}\` in route table \`${e.port}\``
      : vh.virtualServices?.length
        ? `routes \`${vhName}\` by another VirtualService`
        : `routes \`${vhName}\` without it (the default route)`;
  context.report({
    subject: proxy.pod ? { kind: 'Pod', namespace: proxy.namespace!, name: proxy.pod } : { kind: 'File', name: record.path },
    key: `${proxy.id} ${e.vsName} ${e.port}`,
    title: `VirtualService ${e.vsName} is not applied to ${proxy.pod ?? record.path} for ${e.host}:${e.port}`,
    evidence: [
      evidenceAt({ path: record.path, pointer: table?.pointer ?? '' }, table ? `route table ${table.name}: ${vh ? `${vh.name}, ${vh.routes} route(s), built from ${vh.virtualServices?.join(', ') ?? 'no VirtualService'}` : `no ${vhName}`}` : `no route table ${e.port}`),
      evidenceAt(e.vs.source, `VirtualService ${e.vsName} hosts ${vsHosts(e.vs).join(', ')}`),
      ...causeEvidence,
    ],
    explanation:
      `The sidecar \`${proxy.id}\` ${called ? `sends requests to \`${e.host}\` (its access log)` : `is in the VirtualService's namespace`}, and its config dump ${where}: ` +
      `the HTTP routes of VirtualService \`${e.vsName}\` (retries, timeouts, weights, matches) do not apply to its traffic to \`${e.host}:${e.port}\`. ` +
      (cause ? `Why: ${cause}.` : 'Nothing in the bundle explains it: compare `istioctl proxy-status` for this proxy (a STALE proxy has not received it yet) and run `istioctl analyze`.'),
    commands: [shell`istioctl proxy-config route ${proxy.pod ?? '<pod>'} -n ${proxy.namespace!} --name ${String(e.port)} -o json`, shell`istioctl analyze -n ${index.namespaceOf(e.vs)}`],
  });
}

/**
 * The protocol Istio selects for a port and what declares it: a Service's `appProtocol`, else its
 * port name's prefix (`tcp-web` → tcp; the Kubernetes `protocol: TCP` is layer 4 and says nothing);
 * a ServiceEntry's `protocol`.
 */
function portProtocol(known: KnownHost, port: number): { protocol: string; declaredBy: string } | undefined {
  const spec = asArray(asRecord(known.record.object.spec)?.ports).map(asRecord).find((p) => asNumber(p?.port ?? p?.number) === port);
  const appProtocol = asString(spec?.appProtocol);
  if (appProtocol) return { protocol: appProtocol.toLowerCase(), declaredBy: `\`appProtocol: ${appProtocol}\`` };
  if (known.kind === 'ServiceEntry') {
    const protocol = asString(spec?.protocol);
    return protocol ? { protocol: protocol.toLowerCase(), declaredBy: `\`protocol: ${protocol}\`` } : undefined;
  }
  const name = asString(spec?.name);
  return name ? { protocol: name.split('-')[0]!.toLowerCase(), declaredBy: `port name \`${name}\`` } : undefined;
}
