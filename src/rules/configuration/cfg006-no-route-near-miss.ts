import { applicableVirtualServices, proxyContext, type Applicable } from '../../analysis/http-routing/applicable.js';
import { gatewayRef } from '../../analysis/http-routing/match-evaluation.js';
import { correctedMatch, describeStringMatch, mergeRelaxations, nearMiss, type NearMiss, type NearMissReason, type UriRelaxation } from '../../analysis/http-routing/near-miss.js';
import { parseRequestKey, type HttpRequest, type ProxyContext } from '../../analysis/http-routing/request.js';
import { stringMatchOf } from '../../analysis/http-routing/string-match.js';
import { asRecord } from '../../analysis/object-access.js';
import { vsGateways } from '../../analysis/virtual-service.js';
import { podOfLog } from '../../analysis/workloads.js';
import type { SignatureHits } from '../../artifacts/logs/schema.js';
import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { compareText } from '../../order.js';
import { evidenceAt, percent, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext, type Severity } from '../rule.js';
import { podCommands, signatureMatches, SIGNATURE_SEVERITY, type SignatureMatch } from '../sidecar-logs/signature-findings.js';
import { fragmentYaml, getCommand, plain, resourceName, subjectOf, valueAt } from './offline-findings.js';

/**
 * When the near misses are few enough to be medium: under 1% of the pods' requests and under the
 * request count below which the log rules call a share meaningless (SIGNATURE_SEVERITY.minRequests).
 */
export const NEAR_MISS_SEVERITY = { fewShare: 0.01, fewCount: SIGNATURE_SEVERITY.minRequests } as const;

const HTTP_MATCH_DOCS = 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest';
const STRING_MATCH_DOCS = 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch';
const ENVOY_ROUTE_MATCH_DOCS = 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-routematch';

export const cfg006 = defineRule({
  id: 'CFG006',
  slug: 'no-route-near-miss',
  title: 'no route matched: requests that a VirtualService rule misses by letter case, exact vs prefix or a trailing slash',
  severity: 'high',
  step: 'configuration',
  inputs: { required: ['logs.proxy', 'k8s.resources'], optional: ['kubectl.pods'], views: ['configuration'] },
  description:
    'Takes the requests each proxy answered 404 `NR` / `route_not_found` (the `no route matched` log signature, by method, authority and path) and the ' +
    'VirtualServices that route that authority at that proxy: `hosts` claiming it (short names in the VirtualService\'s namespace, wildcards, the port ' +
    'stripped), exported to the proxy\'s namespace, bound to the mesh at a sidecar and to a Gateway that selects the pod at a gateway (a pod the bundle does ' +
    'not describe is checked against both). It then looks for the rule match the request fails on exactly one condition, and a near one: the `uri` but for ' +
    'letter case, `exact` where the paths are below it, or a trailing slash; or the method, port, authority, a query parameter, `sourceLabels` or a match\'s ' +
    '`gateways` while the rest matches. A match that fails only on a header the log cannot show is reported as deduced. One finding per VirtualService ' +
    'rule match, with the corrected match. No finding when no VirtualService claims the authority (LOG004 reports those), or when no rule is near (scanner paths).',
  rationale:
    'Routes are case-sensitive and exact-match by default: `exact: /api/v1` matches neither `/API/v1`, `/api/v1/` nor `/api/v1/users`, and a request ' +
    'that matches no rule of the VirtualService for its host gets 404 from the proxy itself, without reaching any workload. The application team sees ' +
    'a 404 and looks for a bug in their service.',
  remediation:
    'Correct the match as the finding\'s YAML shows (`ignoreUriCase: true`, `prefix` instead of `exact`, or a regex allowing the trailing slash), or fix ' +
    'the clients\' paths; then check the proxy\'s routes with `istioctl proxy-config routes <pod> -n <ns> -o json`.',
  threshold: {
    value: `any near miss; high, medium when under ${NEAR_MISS_SEVERITY.fewShare * 100}% of the pod's requests and under ${NEAR_MISS_SEVERITY.fewCount} requests`,
    source: 'rule catalogue (`istio-bundle explain CFG006`); istio.io VirtualService HTTPMatchRequest and StringMatch (case-sensitive, `exact` is exact, `ignoreUriCase`); Envoy RouteMatch',
  },
  docs: [HTTP_MATCH_DOCS, STRING_MATCH_DOCS, ENVOY_ROUTE_MATCH_DOCS],
  check(inputs, context) {
    const view = inputs.configuration;
    const groups = new Map<string, Group>();
    for (const match of signatureMatches(inputs['logs.proxy'], 'noRouteMatched')) {
      const proxy = proxyOf(view, match.log);
      for (const row of match.hits.breakdown) {
        const request = parseRequestKey(row.key);
        if (!request?.authority) continue;
        const applicable = applicableVirtualServices(view.index, request.authority, proxy);
        if (applicable.length === 0) continue;
        const miss = nearMiss(applicable, request, proxy, view.index);
        if (!miss) continue;
        const key = `${view.index.namespaceOf(miss.record)}/${miss.record.object.metadata.name} ${miss.matchPointer}`;
        const group = groups.get(key) ?? { miss, requests: [] };
        group.requests.push({ match, proxy, request, key: row.key, count: row.count, first: row.first, miss, applicable: applicable.find((a) => a.record === miss.record)! });
        groups.set(key, group);
      }
    }
    for (const group of groups.values()) report(view, group, (finding) => context.report(finding));
  },
});

interface NearRequest {
  match: SignatureMatch;
  proxy: ProxyContext;
  request: HttpRequest;
  /** The breakdown key, `GET bookinfo.example.com/api/v1/users`. */
  key: string;
  count: number;
  /** The first log line of this request (its breakdown row). */
  first: SignatureHits['first'];
  miss: NearMiss;
  applicable: Applicable;
}

interface Group {
  miss: NearMiss;
  requests: NearRequest[];
}

function proxyOf(view: ConfigurationView, log: LogRecord): ProxyContext {
  const pod = podOfLog(view.index, log);
  return proxyContext(view.index, log.namespace, pod);
}

function report(view: ConfigurationView, group: Group, emit: RuleContext['report']): void {
  const { miss, requests } = group;
  const vs = miss.record;
  const match = asRecord(valueAt(vs.object, miss.matchPointer)) ?? {};
  const reasons = requests.map((r) => r.miss.reason);
  const corrected = correctedMatch(match, reasons);
  const logs = uniqueLogs(requests);
  const count = requests.reduce((sum, r) => sum + r.count, 0);
  const total = logs.reduce((sum, m) => sum + m.log.summary.access.requests, 0);
  const few = count < NEAR_MISS_SEVERITY.fewCount && count < total * NEAR_MISS_SEVERITY.fewShare;
  const severity: Severity = few ? 'medium' : 'high';
  const rule = `\`http[${miss.ruleIndex}].match[${miss.matchIndex}]\``;
  const why = whySentences(reasons, match);
  const fields = [...new Set(requests.map((r) => r.miss.fieldPointer))];

  const evidence = requestEvidence(requests);
  for (const field of fields) evidence.push(fieldEvidence(vs, `${miss.matchPointer}${field}`));

  const explanation = [
    `${byPod(requests)}: ${plural(count, 'request')} answered 404 "no route" (\`NR\`) that ${resourceName(view, vs)} nearly routes.`,
    `Its rule ${rule} (${describeMatch(match)}) fails these requests only on ${headline(reasons)}: ${why}`,
    bindingSentence(view, requests),
    unknownSentence(requests),
    truncatedSentence(logs),
    `These are ${count} of the pod${logs.length > 1 ? 's\'' : '\'s'} ${plural(total, 'request')} (${share(count, total)})${few ? `, under ${NEAR_MISS_SEVERITY.fewShare * 100}% and under ${NEAR_MISS_SEVERITY.fewCount}, so the severity is medium` : ''}.`,
  ]
    .filter(Boolean)
    .join(' ');

  emit({
    severity,
    subject: subjectOf(view, vs),
    key: miss.matchPointer,
    title: plain(`${resourceName(view, vs)}: ${plural(count, 'request')} miss ${rule} by ${headline(reasons)}`),
    evidence,
    explanation,
    remediation: remediationFor(reasons, match, corrected),
    yaml: fragmentYaml(view, vs, miss.matchPointer, corrected, `was ${describeMatch(match)}`),
    commands: [...new Set([...logs.flatMap((m) => podCommands(m.log, (pod) => [`istioctl proxy-config routes ${pod} -o json`])), getCommand(view, vs)])],
    docs: [HTTP_MATCH_DOCS, STRING_MATCH_DOCS],
  });
}

/** A share as the severity rule reads it: below 1% with one decimal, so "0.8%" is not shown as "1%". */
function share(part: number, whole: number): string {
  if (whole > 0 && part / whole < 0.01) return `${((part / whole) * 100).toFixed(1)}%`;
  return percent(part, whole);
}

/**
 * The first line of each near-missed request (at most five), not the signature's first and last
 * line: those may be other requests (a scanner's paths at a gateway).
 */
const MAX_REQUEST_LINES = 5;

function requestEvidence(requests: readonly NearRequest[]): Evidence[] {
  return requests
    .slice(0, MAX_REQUEST_LINES)
    .sort((a, b) => compareText(a.match.log.path, b.match.log.path) || a.first.line - b.first.line) // in the order the log has them
    .map((r) => evidenceAt({ path: r.match.log.path, line: r.first.line }, r.first.text));
}

function uniqueLogs(requests: readonly NearRequest[]): SignatureMatch[] {
  const out: SignatureMatch[] = [];
  for (const r of requests) if (!out.includes(r.match)) out.push(r.match);
  return out;
}

function podName(log: LogRecord): string {
  if (log.pod === undefined) return `the log \`${log.path}\``;
  return `\`${log.namespace ? `${log.namespace}/` : ''}${log.pod}\`${log.previous ? ' (previous container)' : ''}`;
}

/** `ns/pod`: `GET host/path` (3), `GET host/other` (1); `ns/pod2`: … */
function byPod(requests: readonly NearRequest[]): string {
  const parts: string[] = [];
  for (const m of uniqueLogs(requests)) {
    const own = requests.filter((r) => r.match === m);
    parts.push(`${podName(m.log)} logged ${own.map((r) => `\`${r.key}\` (${r.count})`).join(', ')}`);
  }
  return parts.join('; ');
}

function fieldEvidence(vs: ResourceRecord, pointer: string): Evidence {
  const value = valueAt(vs.object, pointer);
  const excerpt = value === undefined ? undefined : stringMatchOf(value) ? describeStringMatch(value) : typeof value === 'string' ? value : JSON.stringify(value);
  return evidenceAt(vs.source, excerpt, pointer);
}

/** The match the way it reads in YAML: `uri: exact: /api/v1`, `method: exact: POST`. */
function describeMatch(match: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(match)) {
    if (key === 'name') continue;
    if (stringMatchOf(value)) parts.push(`\`${key}: ${describeStringMatch(value)}\``);
    else if (key === 'headers' || key === 'withoutHeaders' || key === 'queryParams') {
      for (const [name, m] of Object.entries(asRecord(value) ?? {})) parts.push(`\`${key}.${name}: ${describeStringMatch(m)}\``);
    } else parts.push(`\`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}\``);
  }
  return parts.length > 0 ? parts.join(', ') : 'an empty match';
}

type UriReason = Extract<NearMissReason, { field: 'uri' }>;

function uriRelax(reasons: readonly NearMissReason[]): UriRelaxation | undefined {
  const uri = reasons.filter((r): r is UriReason => r.field === 'uri');
  return uri.length === 0 ? undefined : uri.map((r) => r.relax).reduce(mergeRelaxations);
}

/** "letter case", "a trailing slash", "exact vs prefix", "the method"… */
function headline(reasons: readonly NearMissReason[]): string {
  const words: string[] = [];
  const relax = uriRelax(reasons);
  if (relax?.ignoreCase) words.push('letter case');
  if (relax?.trailingSlash) words.push('a trailing slash');
  if (relax?.subPaths) words.push('exact vs prefix');
  const labels: Partial<Record<NearMissReason['field'], string>> = {
    method: 'the method',
    authority: 'the authority',
    queryParams: 'a query parameter',
    port: 'the port',
    sourceLabels: 'its sourceLabels',
    sourceNamespace: 'its sourceNamespace',
    gateways: 'its gateways',
    headers: 'a header',
    withoutHeaders: 'a header',
    scheme: 'the scheme',
  };
  for (const r of reasons) {
    const label = labels[r.field];
    if (label && !words.includes(label)) words.push(label);
  }
  return words.length <= 1 ? (words[0] ?? 'one condition') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function whySentences(reasons: readonly NearMissReason[], match: Record<string, unknown>): string {
  const out: string[] = [];
  const uriReasons = reasons.filter((r): r is UriReason => r.field === 'uri');
  const relax = uriRelax(reasons);
  if (relax && uriReasons.length > 0) {
    const m = uriReasons[0]!.match;
    const paths = [...new Set(uriReasons.map((r) => r.path))].map((p) => `\`${p}\``).join(', ');
    const many = new Set(uriReasons.map((r) => r.path)).size > 1;
    out.push(`the path${many ? 's' : ''} ${paths} (query string removed, as Envoy matches paths) ${many ? 'do' : 'does'} not match \`${m.type}: ${m.value}\`.`);
    if (relax.ignoreCase) {
      out.push(
        m.type === 'regex'
          ? 'URI matches are case-sensitive, and `ignoreUriCase` does not apply to `regex`: a case-insensitive regex starts with `(?i)`.'
          : 'URI matches are case-sensitive unless the match sets `ignoreUriCase: true`.',
      );
    }
    if (relax.trailingSlash) {
      out.push(
        m.type === 'prefix'
          ? `\`prefix: ${m.value}\` includes the trailing slash, so a path without it does not start with the prefix.`
          : `\`${m.type}\` compares the whole path, so a trailing slash makes it another path.`,
      );
    }
    if (relax.subPaths) {
      out.push(m.type === 'regex' ? 'A `regex` must match the whole path (the query string removed), not its beginning.' : `\`exact: ${m.value}\` matches that one path only, not the paths below it; \`prefix\` does.`);
    }
  }
  const seen = new Set<string>();
  for (const r of reasons) {
    const text = otherReason(r, match);
    if (text && !seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out.join(' ');
}

function otherReason(r: NearMissReason, match: Record<string, unknown>): string | undefined {
  switch (r.field) {
    case 'method':
      return `The match requires \`method: ${describeStringMatch(r.wanted)}\`; these requests are \`${r.actual}\` (method matches are case-sensitive).`;
    case 'authority':
      return `The match requires \`authority: ${describeStringMatch(r.wanted)}\`; these requests have \`${r.actual}\` (authority matches compare the Host header as sent, port included, case-sensitively).`;
    case 'queryParams':
      return r.actual === undefined
        ? `The match requires the query parameter \`${r.name}\` (\`${describeStringMatch(r.wanted)}\`), which these requests do not have.`
        : `The match requires the query parameter \`${r.name}\` to be \`${describeStringMatch(r.wanted)}\`; these requests have \`${r.name}=${r.actual}\`.`;
    case 'port':
      return `The match is limited to \`port: ${r.wanted}\`; these requests address port ${r.actual}, whose routes do not include the rule.`;
    case 'sourceLabels':
      return `The match is limited to \`sourceLabels\` ${Object.entries(r.wanted).map(([k, v]) => `\`${k}=${v}\``).join(', ')}, which this proxy's pod does not have, so Istio leaves the rule out of its routes.`;
    case 'sourceNamespace':
      return `The match is limited to \`sourceNamespace: ${r.wanted}\`; this proxy is in \`${r.actual}\`, so Istio leaves the rule out of its routes.`;
    case 'gateways':
      return `The match is limited to \`gateways\` ${r.wanted.map((g) => `\`${g}\``).join(', ')}, which do not include this proxy, so Istio leaves the rule out of its routes.`;
    case 'headers':
    case 'withoutHeaders':
    case 'scheme': {
      const wanted = r.field === 'scheme' ? match.scheme : asRecord(match[r.field])?.[r.name ?? ''];
      const what = r.field === 'scheme' ? `\`scheme: ${describeStringMatch(wanted)}\`` : `${r.field === 'withoutHeaders' ? 'the absence of header' : 'header'} \`${r.name}\` (\`${describeStringMatch(wanted)}\`)`;
      return `Everything the log shows matches; the match also requires ${what}, which the access log does not show, so that is what these requests failed (deduced, not seen).`;
    }
    default:
      return undefined;
  }
}

function remediationFor(reasons: readonly NearMissReason[], match: Record<string, unknown>, corrected: Record<string, unknown>): string {
  const steps: string[] = [];
  const relax = uriRelax(reasons);
  const uri = stringMatchOf(match.uri);
  const fixed = stringMatchOf(corrected.uri);
  if (relax && uri && fixed) {
    const caseOnly = relax.ignoreCase && !relax.subPaths && !relax.trailingSlash && uri.type !== 'regex';
    steps.push(
      caseOnly
        ? 'Add `ignoreUriCase: true` to the match (or correct the clients to the path\'s letter case)'
        : `Change \`uri: ${uri.type}: ${uri.value}\` to \`${fixed.type}: ${fixed.value}\`${corrected.ignoreUriCase === true && match.ignoreUriCase !== true ? ' with `ignoreUriCase: true`' : ''}`,
    );
    if (relax.subPaths && fixed.type === 'prefix') steps.push(`note that \`prefix: ${fixed.value}\` also matches paths such as \`${fixed.value}x\`; put more specific rules before it`);
  }
  if (reasons.some((r) => r.field === 'method' || r.field === 'authority' || r.field === 'queryParams')) steps.push('widen the method, authority or query condition to the values the clients send, as in the YAML, if these requests are meant to reach this route');
  if (reasons.some((r) => r.field === 'port' || r.field === 'sourceLabels' || r.field === 'sourceNamespace' || r.field === 'gateways')) steps.push('drop the restriction, as in the YAML, or add a rule for the proxies and ports it leaves out');
  if (reasons.some((r) => 'deduced' in r)) steps.push('add a rule after this one without the header condition, as a default route, or make the clients send the header (the YAML shows the match without it)');
  const text = steps.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}. Then confirm with \`istioctl proxy-config routes <pod> -n <ns> -o json\` that the route is there and matches.`;
}

function bindingSentence(view: ConfigurationView, requests: readonly NearRequest[]): string {
  const first = requests[0]!;
  const { applicable, proxy } = first;
  const vsNamespace = view.index.namespaceOf(applicable.record);
  const host = `It claims \`${first.request.authority}\` through its host \`${applicable.host}\``;
  if (applicable.binding === 'mesh') return `${host} and applies to sidecars (mesh).`;
  const refs = vsGateways(applicable.record).filter((g) => g !== 'mesh').map((g) => gatewayRef(g, vsNamespace));
  const selecting = proxy.gateways ? refs.filter((g) => proxy.gateways!.has(g)) : [];
  if (!applicable.assumed && selecting.length > 0) return `${host} and is bound to gateway ${selecting.map((g) => `\`${g}\``).join(', ')}, which selects this pod.`;
  return `${host} and is bound to gateway ${refs.map((g) => `\`${g}\``).join(', ')}; the bundle does not show which Gateway selects this pod, so that binding is assumed.`;
}

function unknownSentence(requests: readonly NearRequest[]): string {
  const parts: string[] = [];
  const unknownKind = uniqueLogs(requests).filter((m) => requests.find((r) => r.match === m)!.proxy.kind === 'unknown');
  if (unknownKind.length > 0) {
    parts.push(
      `The bundle does not show whether ${unknownKind.map((m) => podName(m.log)).join(', ')} ${unknownKind.length > 1 ? 'are gateways or sidecars' : 'is a gateway or a sidecar'} (no pod listing for it), so VirtualServices bound to gateways and to the mesh were both considered.`,
    );
  }
  const unknownConditions = [...new Set(requests.flatMap((r) => r.miss.unknown.map((c) => `\`${c.field}${c.name ? `.${c.name}` : ''}\``)))];
  if (unknownConditions.length > 0) parts.push(`The match also has ${unknownConditions.join(', ')}, which the access log does not show; the near miss assumes ${unknownConditions.length > 1 ? 'they hold' : 'it holds'}.`);
  return parts.join(' ');
}

function truncatedSentence(logs: readonly SignatureMatch[]): string {
  const truncated = logs.some((m) => m.hits.breakdown.reduce((sum, row) => sum + row.count, 0) < m.hits.count);
  return truncated ? 'The log summary keeps the most frequent no-route requests only; others may miss the same rule.' : '';
}

