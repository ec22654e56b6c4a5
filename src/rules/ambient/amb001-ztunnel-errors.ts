import { mentionsCertificateFailure } from '../../artifacts/ztunnel/errors.js';
import type { ZtunnelError, ZtunnelErrorClass, ZtunnelErrorPair } from '../../artifacts/ztunnel/schema.js';
import type { PodRecord, ResourceRecord, ZtunnelLogRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { evidenceAt, MAX_EXCERPT_CHARS, namedList, plural } from '../evidence.js';
import { defineRule, severityRank, type Evidence, type RuleContext, type Severity, type Subject } from '../rule.js';
import { shell } from '../shell.js';
import { ambientPods, namespaceModes, whyNotServing, ztunnelServes, ztunnelsByNode, type AmbientPod } from './ztunnel-coverage.js';

/**
 * What each class of ztunnel error means, how bad it is, and where to look. Severity: a connection
 * that fails (policy, mTLS, certificate, refused or timed out) is traffic lost now, high; an XDS
 * reconnect, a late workload update or a DNS failure is degradation that retries, medium, unless the
 * XDS stream fails on certificate verification (ztunnel then gets no configuration at all) or ztunnel
 * rejects what istiod sends (a NACK): high.
 */
const CLASSES: Record<ZtunnelErrorClass, { severity: Severity; label: string; meaning: string; remediation: string }> = {
  policy: {
    severity: 'high',
    label: 'connections rejected by policy',
    meaning:
      'an AuthorizationPolicy (or a STRICT PeerAuthentication, which ztunnel enforces as `istio-system/istio_converted_static_strict`) refuses these connections at the destination\'s ztunnel: the callers see their connections reset (`http status: 401` on the caller\'s side)',
    remediation:
      'If the traffic is wanted, allow the caller\'s identity (`principals: ["cluster.local/ns/<ns>/sa/<sa>"]`) in an ALLOW policy of the destination, or narrow the DENY policy the line names; a plaintext caller outside the mesh needs the destination\'s PeerAuthentication at PERMISSIVE. If the traffic is not wanted, the policy works as meant.',
  },
  tls: {
    severity: 'high',
    label: 'mTLS handshake failures',
    meaning:
      'the mTLS handshake between ztunnels (or with a waypoint or east-west gateway) failed: the peer presented a certificate of another identity than the destination workload\'s (SAN mismatch), or one signed by a CA this ztunnel does not trust. Those workloads cannot talk until identities and roots agree',
    remediation:
      'Compare the identities the line names with the workloads\' service accounts (`istioctl ztunnel-config workload`), and the roots both ztunnels trust (`istioctl ztunnel-config certificate`); after a CA change, restart the ztunnels and workloads that still hold certificates of the old root.',
  },
  certificate: {
    severity: 'high',
    label: 'certificate requests failing',
    meaning:
      'ztunnel could not get a workload certificate from the CA (istiod, or the external CA configured): the workloads it asked for cannot open or accept mesh connections, and when the certificates they hold expire all of their mTLS fails',
    remediation:
      'Check istiod\'s CA (its `CSR signing error` lines, CP009) and that ztunnel reaches it on port 15012; `Unauthenticated` means istiod refused ztunnel\'s token: check the `istio-ca` audience of the projected token and that istiod and ztunnel are of the same revision.',
  },
  connection: {
    severity: 'high',
    label: 'connections failing',
    meaning:
      'connections between these workloads failed in ztunnel: refused by the destination (nothing listening on that port), timed out (a NetworkPolicy that does not admit the HBONE port 15008 is the classic cause), or the peer or waypoint answered the HBONE request with an HTTP error',
    remediation:
      'For `Connection refused` check that the destination listens on the port its Service targets; for a timeout, allow TCP 15008 in the NetworkPolicies of the destination namespace; for `http status: 503` check the waypoint or destination pod the line names.',
  },
  xds: {
    severity: 'medium',
    label: 'XDS stream to istiod failing',
    meaning:
      'ztunnel\'s XDS stream to istiod broke and was retried: while it is down ztunnel keeps its last configuration but learns no new pods, services or policies. Occasional reconnects (an istiod restart or scale-down) are normal; sustained ones point at istiod or the network path to its port 15012',
    remediation: 'Check that istiod runs and is Ready (CP003) and reachable from the node on port 15012; sustained errors after a CA change mean ztunnel does not trust istiod\'s serving certificate: restart ztunnel once the new root is distributed.',
  },
  'workload-info': {
    severity: 'medium',
    label: 'workload information late from istiod',
    meaning: 'ztunnel waited for a workload\'s information from istiod and gave up: connections of that pod fail until istiod sends it (istiod slow or overloaded, or the pod new)',
    remediation: 'Check istiod\'s push latency and load (CP006) and that the pod appears in `istioctl ztunnel-config workload` for its node.',
  },
  dns: {
    severity: 'medium',
    label: 'DNS proxy failures',
    meaning: 'ztunnel\'s DNS proxy failed to answer: applications on this node see name-resolution errors for the names it serves',
    remediation: 'Check the upstream DNS servers the node resolves with and the ServiceEntries that give names their addresses.',
  },
  inpod: {
    severity: 'high',
    label: 'traffic capture of pods failing',
    meaning: 'the node agent could not set up traffic capture for pods on this node: those pods are not in the mesh as their namespace says (or their traffic is blocked)',
    remediation: 'Check the istio-cni node agent on this node (`kubectl logs -n istio-system -l k8s-app=istio-cni-node`) and restart the pods named once ztunnel is healthy.',
  },
  other: {
    severity: 'medium',
    label: 'errors',
    meaning: 'ztunnel logged this error; the lines quoted say what failed',
    remediation: 'Read the quoted lines with the ztunnel troubleshooting guide.',
  },
};

/** Errors of one ztunnel shown as findings of their own, the most lines first; the rest share one finding. */
const FINDINGS_PER_ZTUNNEL = 10;
/** Source → destination pairs named per finding. */
const PAIRS_SHOWN = 5;
/** Ambient pods named in a node's finding. */
const PODS_SHOWN = 10;
/** The words of an error text a `grep -F` command quotes, cut at a word. */
const GREP_CHARS = 120;
/** Targets of lines that are connections (access events): a count against all connections is shown. */
const ACCESS = 'access';

export const amb001 = defineRule({
  id: 'AMB001',
  slug: 'ztunnel-errors',
  title: 'ztunnel logs connection, policy, certificate or XDS errors, or a node with ambient pods runs no ztunnel',
  severity: 'high',
  step: 'ambient',
  inputs: { required: [], anyOf: ['logs.ztunnel', 'kubectl.pods'], optional: ['k8s.resources'] },
  description:
    'Reads every ztunnel log (collect.sh `logs/<ns>/<ztunnel>/ztunnel.log`, bug-report `proxies/<ns>/<ztunnel>/istio-proxy.log`; the ≥ 1.22 tab-separated layout, the older tracing layout ' +
    'and JSON) and groups its errors by text, addresses, ports, ids and times taken out: failed connections (`connection complete` at ERROR with its `error=`, `connection failed`), ' +
    'policy rejections, mTLS and certificate failures, XDS stream errors and NACKs, late workload updates, DNS and capture failures. One finding per ztunnel and error text, about the ' +
    'node it runs on, with the count, first and last time and the source → destination workloads the lines name (high for failed connections, policy, mTLS and certificates; ' +
    'medium for XDS reconnects, late workload updates and DNS). Also: a node where ambient pods (label `istio.io/dataplane-mode=ambient` on the pod or its namespace, not `none`; ' +
    'no sidecar, not on the host network) are scheduled but no ztunnel pod (`app=ztunnel`) is Running and Ready is critical.',
  rationale:
    'In ambient mode all of a pod\'s traffic goes through the ztunnel of its node: its log is the only place a refused, rejected or unencrypted connection shows up, and a node ' +
    'without a working ztunnel has every ambient pod on it cut off (traffic is redirected to a ztunnel that is not there, and new pods wait for one).',
  remediation:
    'For the errors, follow the class: policy rejections → the AuthorizationPolicy named; mTLS and certificate failures → the identities and the CA; connection failures → the ' +
    'destination port, NetworkPolicies admitting HBONE port 15008; XDS errors → istiod. For a node without ztunnel: `kubectl -n istio-system get ds ztunnel` and the DaemonSet\'s ' +
    'node selector and tolerations against the node\'s taints; a crashlooping ztunnel\'s previous log.',
  threshold: {
    value: 'any error line (ERROR, a failed connection, an XDS, certificate, DNS or capture failure); any ambient pod on a node without a Ready ztunnel',
    source:
      'istio/ztunnel src/proxy/metrics.rs (access events: `connection complete` at ERROR with `error=`, `connection failed`), src/proxy.rs (error texts), src/xds/client.rs, src/identity; ' +
      'Istio ambient data plane: one ztunnel per node (https://istio.io/latest/docs/ambient/architecture/data-plane/)',
  },
  docs: [
    'https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/',
    'https://istio.io/latest/docs/ambient/architecture/data-plane/',
    'https://istio.io/latest/docs/ambient/usage/l4-policy/',
  ],
  check(inputs, context) {
    const logs = inputs['logs.ztunnel'];
    const pods = inputs['kubectl.pods'];
    const resources = inputs['k8s.resources'];
    const podByIp = podsByIp(pods);
    for (const log of logs) reportLogErrors(log, podByIp, context);
    reportNodesWithoutZtunnel(pods, resources, logs, context);
  },
});

// ─── ztunnel log errors ─────────────────────────────────────────────────────────────────────────

function reportLogErrors(log: ZtunnelLogRecord, podByIp: ReadonlyMap<string, string>, context: RuleContext): void {
  const errors = log.summary.errors;
  if (errors.length === 0) return;
  const subject = subjectOf(log);
  const who = ztunnelName(log);
  const shown = errors.slice(0, FINDINGS_PER_ZTUNNEL);
  for (const error of shown) {
    const meaning = meaningOf(error);
    const pairs = pairsText(error, podByIp);
    const connections = error.target === ACCESS ? connectionsText(log) : '';
    context.report({
      severity: meaning.severity,
      subject,
      key: `${error.class}\n${error.key}${log.previous ? '\n(previous)' : ''}`,
      title: `ztunnel ${who}: ${meaning.label} — ${error.key.length > 100 ? `${error.key.slice(0, 100)}…` : error.key}`,
      evidence: errorEvidence(log, error),
      explanation:
        `ztunnel ${who} logged \`${error.key}\` ${times(error.count)}${span(error)} (${meaning.label}).${pairs}${connections} ` +
        `That means ${meaning.meaning}.`,
      remediation: meaning.remediation,
      commands: commandsFor(log, error),
    });
  }
  const rest = errors.slice(FINDINGS_PER_ZTUNNEL);
  if (rest.length === 0) return;
  const lines = rest.reduce((n, e) => n + e.count, 0) + (log.summary.errorsDropped ?? 0);
  const severity = rest.map((e) => meaningOf(e).severity).sort((a, b) => severityRank(a) - severityRank(b))[0]!;
  const listed = rest.slice(0, FINDINGS_PER_ZTUNNEL).map((e) => `\`${e.key}\` (${e.count}, ${meaningOf(e).label})`);
  const dropped = log.summary.errorsDropped ? `, and ${plural(log.summary.errorsDropped, 'line')} of further texts the scan only counted` : '';
  context.report({
    severity,
    subject,
    key: `further errors${log.previous ? '\n(previous)' : ''}`,
    title: `ztunnel ${who}: ${plural(rest.length, 'further error text')}`,
    evidence: rest.slice(0, 3).flatMap((e) => errorEvidence(log, e).slice(0, 1)),
    explanation: `Besides the ${FINDINGS_PER_ZTUNNEL} error texts reported on their own, ztunnel ${who} logged ${plural(lines, 'error line')} of ${plural(rest.length, 'other text')}: ${listed.join(', ')}${rest.length > listed.length ? ', …' : ''}${dropped}.`,
    commands: [grepCommand(log, 'error')],
  });
}

function meaningOf(error: ZtunnelError): { severity: Severity; label: string; meaning: string; remediation: string } {
  const base = CLASSES[error.class];
  if (error.class !== 'xds') return base;
  if (error.key.startsWith('rejected ')) {
    return { ...base, severity: 'high', label: 'configuration from istiod rejected (NACK)', meaning: 'ztunnel rejected configuration istiod sent it: the workloads, services or policies named are missing from this ztunnel until istiod sends a version it accepts' };
  }
  if (mentionsCertificateFailure(error.key)) {
    return {
      ...base,
      severity: 'high',
      label: 'XDS stream to istiod failing certificate verification',
      meaning: 'ztunnel does not trust the certificate istiod serves its XDS port 15012 with (or has no certificate of its own): it gets no configuration at all, and pods starting on this node get no mesh connectivity. The usual cause is a root of trust that changed (a new `cacerts`) without ztunnel being restarted',
    };
  }
  return base;
}

function subjectOf(log: ZtunnelLogRecord): Subject {
  if (log.node) return { kind: 'Node', name: log.node };
  if (log.pod) return { kind: 'Pod', ...(log.namespace ? { namespace: log.namespace } : {}), name: log.pod };
  return { kind: 'File', name: log.path };
}

function ztunnelName(log: ZtunnelLogRecord): string {
  const pod = log.pod ? `\`${log.namespace ? `${log.namespace}/` : ''}${log.pod}\`${log.previous ? ' (previous container)' : ''}` : `(log \`${log.path}\`)`;
  return log.node ? `${pod} on node \`${log.node}\`` : pod;
}

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

function span(error: ZtunnelError): string {
  if (!error.firstTime) return '';
  return error.lastTime && error.lastTime !== error.firstTime ? ` from ${error.firstTime} to ${error.lastTime}` : ` at ${error.firstTime}`;
}

/** `` Connections: `a/x` → `b/y` (`svc`) (12), … `` with IP-only ends named by the pod that has the IP. */
function pairsText(error: ZtunnelError, podByIp: ReadonlyMap<string, string>): string {
  if (error.pairs.length === 0) return '';
  const end = (value: string | undefined) => (value === undefined ? undefined : podByIp.get(value) ?? value);
  const shown = error.pairs.slice(0, PAIRS_SHOWN).map((pair) => pairText(pair, end));
  const more = error.pairs.length > PAIRS_SHOWN || error.pairsDropped ? `, and ${plural(error.pairs.slice(PAIRS_SHOWN).reduce((n, p) => n + p.count, 0) + (error.pairsDropped ?? 0), 'line')} of further pairs` : '';
  const isAccess = error.target === ACCESS;
  return ` ${isAccess ? 'Connections' : 'Workloads'}: ${shown.join(', ')}${more}.`;
}

function pairText(pair: ZtunnelErrorPair, end: (value: string | undefined) => string | undefined): string {
  const src = end(pair.src);
  const dst = end(pair.dst);
  const service = pair.service ? ` (service \`${pair.service}\`)` : '';
  if (dst === undefined && pair.service === undefined) return `\`${src ?? 'unknown source'}\` (${pair.count})`;
  return `\`${src ?? 'unknown source'}\` → \`${dst ?? pair.service}\`${dst !== undefined ? service : ''} (${pair.count})`;
}

function connectionsText(log: ZtunnelLogRecord): string {
  const { completed, failed } = log.summary.connections;
  return ` This log holds ${plural(completed + failed, 'connection')}, ${failed} of them failed.`;
}

function errorEvidence(log: ZtunnelLogRecord, error: ZtunnelError): Evidence[] {
  const evidence = [evidenceAt({ path: log.path, line: error.first.line }, quoted(error.first.text))];
  if (error.last.line !== error.first.line) evidence.push(evidenceAt({ path: log.path, line: error.last.line }, quoted(error.last.text)));
  return evidence;
}

/** Access lines run to 700 characters and end with their `error=`: a long one is quoted with its middle left out, never its error. */
function quoted(text: string): string {
  const at = text.lastIndexOf(' error=');
  if (text.length <= MAX_EXCERPT_CHARS || at < 0) return text;
  const tail = text.slice(at + 1);
  const head = Math.max(80, MAX_EXCERPT_CHARS - tail.length - 3);
  return tail.length + 80 > MAX_EXCERPT_CHARS ? text : `${text.slice(0, head)} … ${tail}`;
}

/** The words of the key before its first placeholder: what to grep for in the live log. */
function grepText(key: string): string {
  const literal = key.split('<')[0]!.replace(/[\s:,('"]+$/, '');
  const text = literal.length >= 12 ? literal : key;
  if (text.length <= GREP_CHARS) return text;
  const cut = text.slice(0, GREP_CHARS);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), GREP_CHARS / 2)).replace(/[\s:,('"]+$/, '');
}

function grepCommand(log: ZtunnelLogRecord, text: string): string {
  const namespace = log.namespace ?? 'istio-system';
  return log.pod ? shell`kubectl logs ${log.pod} -n ${namespace} -c istio-proxy --since=1h | grep -F ${text}` : shell`kubectl logs -n ${namespace} -l app=ztunnel -c istio-proxy --since=1h --prefix | grep -F ${text}`;
}

function commandsFor(log: ZtunnelLogRecord, error: ZtunnelError): string[] {
  const namespace = log.namespace ?? 'istio-system';
  const node = log.node ? shell` --node ${log.node}` : '';
  const commands = [grepCommand(log, grepText(error.key))];
  switch (error.class) {
    case 'policy':
      commands.push(`istioctl ztunnel-config policy${node}`, 'kubectl get authorizationpolicies.security.istio.io,peerauthentications.security.istio.io -A');
      break;
    case 'tls':
    case 'certificate':
      commands.push(`istioctl ztunnel-config certificate${node}`, shell`kubectl logs -n ${namespace} -l app=istiod -c discovery --since=1h` + ' | grep -i csr');
      break;
    case 'connection':
      commands.push(`istioctl ztunnel-config workload${node}`, 'kubectl get networkpolicies -A');
      break;
    case 'xds':
    case 'workload-info':
      commands.push(shell`kubectl -n ${namespace} get pods -l app=istiod`, `istioctl ztunnel-config workload${node}`);
      break;
    case 'inpod':
      commands.push(shell`kubectl -n ${namespace} logs -l k8s-app=istio-cni-node --since=1h`, shell`kubectl -n ${namespace} get ds ztunnel istio-cni-node`);
      break;
    default:
      commands.push(shell`kubectl -n ${namespace} get ds ztunnel`);
  }
  return commands;
}

function podsByIp(pods: readonly PodRecord[]): Map<string, string> {
  const byIp = new Map<string, string | null>();
  for (const { namespace, name, pod } of pods) {
    const ip = pod.status?.podIP;
    // ztunnel shares no IP with its pods; host-network pods share the node's: such an IP names no one pod.
    if (!ip) continue;
    byIp.set(ip, byIp.has(ip) ? null : `${namespace}/${name}`);
  }
  return new Map([...byIp].filter((entry): entry is [string, string] => entry[1] !== null));
}

// ─── nodes with ambient pods and no ztunnel ─────────────────────────────────────────────────────

function reportNodesWithoutZtunnel(pods: readonly PodRecord[], resources: readonly ResourceRecord[], logs: readonly ZtunnelLogRecord[], context: RuleContext): void {
  const enrolled = ambientPods(pods, namespaceModes(resources));
  if (enrolled.length === 0) return;
  const ztunnels = ztunnelsByNode(pods);
  const istioNamespace = context.bundle.istioNamespace;
  // Where ztunnel runs is known only from a pod listing that would hold its pods: one with ztunnel pods, or the control plane's namespace.
  const listsZtunnels = ztunnels.size > 0 || pods.some((p) => p.namespace === istioNamespace);
  if (!listsZtunnels || (ztunnels.size === 0 && logs.length > 0)) {
    context.notChecked(
      `${plural(enrolled.length, 'ambient pod')} in the bundle, but no pod listing of \`${istioNamespace}\` shows where ztunnel runs: whether every node has one was not checked`,
      [shell`kubectl get pods -n ${istioNamespace} -o json`],
    );
    return;
  }
  if (logs.length === 0 && ztunnels.size > 0) {
    context.notChecked('no ztunnel log in the bundle: ztunnel errors were not checked', [shell`kubectl logs <ztunnel-pod> -n ${istioNamespace} -c istio-proxy --tail=2000`]);
  }
  const byNode = new Map<string, AmbientPod[]>();
  for (const pod of enrolled) byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), pod]);
  for (const [node, onNode] of [...byNode].sort(([a], [b]) => compareText(a, b))) {
    const here = ztunnels.get(node) ?? [];
    if (here.some(ztunnelServes)) continue;
    reportNode(node, onNode, here, istioNamespace, context);
  }
}

function reportNode(node: string, onNode: AmbientPod[], here: PodRecord[], istioNamespace: string, context: RuleContext): void {
  const names = namedList(onNode, PODS_SHOWN, (p) => `\`${p.record.namespace}/${p.record.name}\``);
  const how = enrolmentText(onNode);
  const ztunnelState =
    here.length === 0
      ? `no ztunnel pod (\`app=ztunnel\`) runs there`
      : `its ztunnel ${here.map((z) => `\`${z.namespace}/${z.name}\` is ${whyNotServing(z)}`).join(', ')}`;
  const namespace = here[0]?.namespace ?? istioNamespace;
  const evidence: Evidence[] = [
    ...here.map((z) => evidenceAt({ ...z.source, pointer: `${z.source.pointer ?? ''}/status` }, `${z.namespace}/${z.name}: ${whyNotServing(z)}`)),
    ...onNode.slice(0, 5).map((p) => evidenceAt({ ...p.record.source, pointer: `${p.record.source.pointer ?? ''}/spec/nodeName` }, `${p.record.namespace}/${p.record.name}: nodeName ${node}`)),
    ...[...new Map(onNode.filter((p) => p.namespaceSource).map((p) => [p.record.namespace, p.namespaceSource!])).entries()]
      .slice(0, 3)
      .map(([ns, source]) => evidenceAt({ ...source, pointer: `${source.pointer ?? ''}/metadata/labels` }, `Namespace ${ns}: istio.io/dataplane-mode=ambient`)),
  ];
  context.report({
    severity: 'critical',
    subject: { kind: 'Node', name: node },
    key: 'no ztunnel',
    title: `Ambient pods on node ${node} have no ztunnel: their traffic is not captured, or blocked`,
    evidence,
    explanation:
      `${plural(onNode.length, 'ambient pod')} ${onNode.length === 1 ? 'is' : 'are'} scheduled on node \`${node}\` (${names}; ${how}), but ${ztunnelState}. ` +
      'In ambient mode every connection of these pods goes through the ztunnel of their node: without one, their redirected traffic has nowhere to go and fails (ambient fails closed), ' +
      'and new ambient pods there wait for a ztunnel to accept them.',
    remediation:
      here.length === 0
        ? 'Find why the ztunnel DaemonSet has no pod on this node: a nodeSelector or affinity that excludes it, a taint it does not tolerate (`kubectl describe node`), or the DaemonSet missing. Once a ztunnel runs there, restart the pods that started without it.'
        : 'Find why the ztunnel pod is not Ready: its previous log, its events (image pull, resources), istiod reachable on port 15012 for its certificate and configuration.',
    commands: [
      shell`kubectl -n ${namespace} get ds ztunnel -o wide`,
      shell`kubectl -n ${namespace} get pods -l app=ztunnel -o wide --field-selector spec.nodeName=${node}`,
      ...(here.length === 0 ? [shell`kubectl describe node ${node}`] : here.map((z) => shell`kubectl -n ${z.namespace} logs ${z.name} -c istio-proxy --previous`)),
      shell`istioctl ztunnel-config workload --node ${node}`,
    ],
    occurrences: onNode.map((p) => ({
      subject: { kind: 'Pod', namespace: p.record.namespace, name: p.record.name },
      count: 1,
      evidence: evidenceAt({ ...p.record.source, pointer: `${p.record.source.pointer ?? ''}/spec/nodeName` }),
    })),
  });
}

function enrolmentText(pods: AmbientPod[]): string {
  const namespaces = [...new Set(pods.filter((p) => p.enrolledBy === 'namespace-label').map((p) => p.record.namespace))].sort(compareText);
  const parts = [
    ...(namespaces.length > 0 ? [`namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.map((n) => `\`${n}\``).join(', ')} labelled \`istio.io/dataplane-mode=ambient\``] : []),
    ...(pods.some((p) => p.enrolledBy === 'pod-label') ? ['pods labelled `istio.io/dataplane-mode=ambient`'] : []),
    ...(pods.some((p) => p.enrolledBy === 'annotation') ? ['pods istio-cni marked `ambient.istio.io/redirection`'] : []),
  ];
  return `enrolled by ${parts.join(', ')}`;
}
