import { RE2JS } from 're2js';
import type { ResourceRecord } from '../model/facets.js';
import type { ConfigIndex } from './config-index.js';
import { DEFAULT_CLUSTER_DOMAIN, exportScopes, toFqdn, visibleIn, wildcardCovers } from './hosts.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from './object-access.js';
import { MESH_GATEWAY, stringList, vsExportTo, vsGateways, vsHosts, vsSpec } from './virtual-service.js';

/**
 * Istio's HTTPMatchRequest semantics, as the proxy applies them to one request (istio.io
 * VirtualService HTTPMatchRequest / StringMatch; Envoy RouteMatch, which Istio translates them to in
 * pilot/pkg/networking/core/route/route.go `TranslateRouteMatch`):
 *
 * - `http[]` rules are tried in order; a rule's `match` list is OR, the fields of one match are AND,
 *   a rule without `match` matches every request.
 * - `uri` matches the path without the query string (Envoy `path` / `prefix` / `safe_regex`),
 *   case-sensitively unless `ignoreUriCase: true` (Envoy `case_sensitive: false`), which applies to
 *   `exact` and `prefix` only, never to `regex`.
 * - `regex` is RE2 and must match the whole value (Envoy safe_regex is a full match).
 * - `method`, `authority`, `scheme` and `headers` are header matchers on `:method`, `:authority`
 *   (as sent, port included), `:scheme` and the named header, case-sensitive; an empty StringMatch
 *   or `regex: "*"` only requires the header to be present. `withoutHeaders` inverts.
 * - `port`, `sourceLabels`, `sourceNamespace` and a match's `gateways` are not matched per request:
 *   Istio leaves the rule out of the configuration of proxies (or listener ports) they exclude.
 *
 * An access log shows the method, authority and path, not the headers: conditions the log cannot
 * decide are `unknown`, never guessed.
 */

export interface HttpRequest {
  method?: string;
  /** The `:authority` (Host) as logged, port included when the client sent one. */
  authority?: string;
  /** The path as logged (`%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%`), query string included. */
  path?: string;
  /** The port addressed, when known (from the authority, else the caller's knowledge). */
  port?: number;
}

/** Where the request was routed: a gateway, a sidecar, or a proxy the bundle does not describe. */
export type ProxyKind = 'gateway' | 'sidecar' | 'unknown';

export interface ProxyContext {
  kind: ProxyKind;
  namespace?: string;
  /** The proxy's pod labels, when the pod is in the bundle. */
  labels?: Record<string, string>;
  /**
   * For a gateway: the Istio Gateways (`<namespace>/<name>`) whose selector picks this pod. Absent
   * when that cannot be told (no labels, or no Gateway in the bundle): then any gateway binding counts.
   */
  gateways?: ReadonlySet<string>;
}

export type Outcome = 'match' | 'fail' | 'unknown';

export type ConditionField =
  | 'uri'
  | 'scheme'
  | 'method'
  | 'authority'
  | 'headers'
  | 'withoutHeaders'
  | 'queryParams'
  | 'port'
  | 'sourceLabels'
  | 'sourceNamespace'
  | 'gateways';

export interface Condition {
  field: ConditionField;
  /** The header or query parameter name. */
  name?: string;
  /** JSON pointer of the condition inside its match (`/uri`, `/headers/end-user`). */
  pointer: string;
  outcome: Outcome;
  /** The value the request had for it, when known. */
  actual?: string | number;
}

export interface MatchEvaluation {
  outcome: Outcome;
  conditions: Condition[];
}

// ---------------------------------------------------------------------------------------------
// Requests

/** `reviews:9080` → { host: reviews, port: 9080 }; `[fd00::1]:80` → { host: [fd00::1], port: 80 }. */
export function splitAuthority(authority: string): { host: string; port?: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(authority);
  if (!m) return { host: authority };
  const port = m[2] === undefined ? undefined : Number(m[2]);
  return { host: m[1]!, ...(port !== undefined && port > 0 && port < 65536 ? { port } : {}) };
}

/** The path as Envoy's path matchers see it: the query string (and a fragment) removed. */
export function uriPath(path: string): string {
  const cut = path.search(/[?#]/);
  return cut < 0 ? path : path.slice(0, cut);
}

/** Query parameters as Envoy's QueryParameterMatcher reads them: the first value of each name, not decoded. */
export function queryParams(path: string): Map<string, string> {
  const params = new Map<string, string>();
  const at = path.indexOf('?');
  if (at < 0) return params;
  const query = path.slice(at + 1).split('#')[0]!;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!params.has(name)) params.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return params;
}

/**
 * The `no route matched` breakdown key of a log signature (`METHOD authority/path`, see
 * artifacts/logs/signatures.ts). Keys from debug lines (`/path` only) carry no authority: undefined.
 */
export function parseRequestKey(key: string): HttpRequest | undefined {
  const m = /^([A-Z][A-Z0-9_-]*) (\S*)$/.exec(key);
  if (!m) return undefined;
  const rest = m[2]!;
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? undefined : rest.slice(slash);
  if (!authority) return undefined;
  const { port } = splitAuthority(authority);
  return { method: m[1]!, authority, ...(path ? { path } : {}), ...(port !== undefined ? { port } : {}) };
}

// ---------------------------------------------------------------------------------------------
// StringMatch


/** What a compiled route regex offers: a full match, as Envoy's `safe_regex` does. */
export interface FullMatcher {
  test(input: string): boolean;
}

const regexCache = new Map<string, FullMatcher | null>();

/**
 * An RE2 pattern compiled with re2js, a port of RE2 itself: the engine Envoy's `safe_regex` uses,
 * so the syntax is exactly Istio's and matching is linear in the path — a pattern like `/(a+)+`
 * against a scanner's path cannot hang the analysis as a backtracking RegExp would. Undefined when
 * the pattern is not valid RE2: Istio rejects those at admission, so it means "cannot tell".
 */
export function compileRegex(pattern: string): FullMatcher | undefined {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let compiled: FullMatcher | undefined;
  try {
    const re = RE2JS.compile(pattern);
    compiled = { test: (input) => re.matches(input) };
  } catch {
    compiled = undefined;
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(pattern, compiled ?? null);
  return compiled;
}

/** A literal as a regex (RE2 and JavaScript escape the same metacharacters). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A StringMatch with exactly one of exact / prefix / regex; undefined for any other shape. */
export function stringMatchOf(value: unknown): { type: 'exact' | 'prefix' | 'regex'; value: string } | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const types = (['exact', 'prefix', 'regex'] as const).filter((t) => typeof record[t] === 'string');
  return types.length === 1 ? { type: types[0]!, value: record[types[0]!] as string } : undefined;
}

/** Istio turns an empty StringMatch and `regex: "*"` into a presence check (route.go canBeConvertedToPresentMatch). */
export function isPresenceMatch(value: unknown): boolean {
  const record = asRecord(value);
  if (value === null || value === undefined) return true;
  if (!record) return false;
  if (record.regex === '*') return true;
  return record.exact === undefined && record.prefix === undefined && record.regex === undefined;
}

/**
 * Whether `actual` satisfies the StringMatch; `ignoreCase` applies to exact and prefix only (as
 * Envoy's `case_sensitive` does). undefined when it cannot be told (an invalid regex, a malformed match).
 */
export function stringMatches(match: unknown, actual: string, options: { ignoreCase?: boolean } = {}): boolean | undefined {
  const m = stringMatchOf(match);
  if (!m) return undefined;
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  switch (m.type) {
    case 'exact':
      return fold(actual) === fold(m.value);
    case 'prefix':
      return fold(actual).startsWith(fold(m.value));
    case 'regex': {
      const re = compileRegex(m.value);
      return re ? re.test(actual) : undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

function outcomeOf(result: boolean | undefined): Outcome {
  return result === undefined ? 'unknown' : result ? 'match' : 'fail';
}

function pointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `ns/name` or `name` (in the VirtualService's namespace) → `ns/name`. */
export function gatewayRef(ref: string, vsNamespace: string): string {
  return ref.includes('/') ? ref : `${vsNamespace}/${ref}`;
}

/** Whether routes bound to `gateways` (a VirtualService's or a match's list) are given to the proxy. */
export function gatewaysInclude(gateways: readonly string[], vsNamespace: string, proxy: ProxyContext): Outcome {
  if (proxy.kind === 'sidecar') return gateways.includes(MESH_GATEWAY) ? 'match' : 'fail';
  const named = gateways.filter((g) => g !== MESH_GATEWAY);
  if (proxy.kind === 'gateway') {
    if (named.length === 0) return 'fail';
    if (!proxy.gateways) return 'unknown';
    return named.some((g) => proxy.gateways!.has(gatewayRef(g, vsNamespace))) ? 'match' : 'fail';
  }
  return 'unknown';
}

/**
 * Evaluates one HTTPMatchRequest against a request: every condition it sets, each `match`, `fail`
 * or `unknown`. The match holds when all hold; fails when one fails; else it is unknown.
 */
export function evaluateMatch(match: unknown, request: HttpRequest, proxy: ProxyContext = { kind: 'unknown' }, vsNamespace = ''): MatchEvaluation {
  const m = asRecord(match) ?? {};
  const conditions: Condition[] = [];
  const ignoreCase = m.ignoreUriCase === true;
  const path = request.path === undefined ? undefined : uriPath(request.path);

  if (m.uri !== undefined) {
    conditions.push({
      field: 'uri',
      pointer: '/uri',
      outcome: path === undefined ? 'unknown' : outcomeOf(stringMatches(m.uri, path, { ignoreCase })),
      ...(path !== undefined ? { actual: path } : {}),
    });
  }
  for (const [field, actual] of [
    ['method', request.method],
    ['authority', request.authority],
  ] as const) {
    if (m[field] === undefined) continue;
    const outcome = actual === undefined ? 'unknown' : isPresenceMatch(m[field]) ? 'match' : outcomeOf(stringMatches(m[field], actual));
    conditions.push({ field, pointer: `/${field}`, outcome, ...(actual !== undefined ? { actual } : {}) });
  }
  // The default access-log format shows no scheme and no request headers.
  if (m.scheme !== undefined) conditions.push({ field: 'scheme', pointer: '/scheme', outcome: 'unknown' });
  for (const field of ['headers', 'withoutHeaders'] as const) {
    for (const name of Object.keys(asRecord(m[field]) ?? {}).sort()) {
      conditions.push({ field, name, pointer: `/${field}/${pointerKey(name)}`, outcome: 'unknown' });
    }
  }
  const params = request.path === undefined ? undefined : queryParams(request.path);
  for (const [name, wanted] of Object.entries(asRecord(m.queryParams) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const actual = params?.get(name);
    const outcome: Outcome = params === undefined ? 'unknown' : actual === undefined ? 'fail' : isPresenceMatch(wanted) ? 'match' : outcomeOf(stringMatches(wanted, actual));
    conditions.push({ field: 'queryParams', name, pointer: `/queryParams/${pointerKey(name)}`, outcome, ...(actual !== undefined ? { actual } : {}) });
  }
  const port = asNumber(m.port);
  if (port !== undefined && port !== 0) {
    conditions.push({ field: 'port', pointer: '/port', outcome: request.port === undefined ? 'unknown' : request.port === port ? 'match' : 'fail', ...(request.port !== undefined ? { actual: request.port } : {}) });
  }
  const sourceLabels = stringMap(m.sourceLabels);
  if (Object.keys(sourceLabels).length > 0) {
    conditions.push({ field: 'sourceLabels', pointer: '/sourceLabels', outcome: proxy.labels ? (selectorMatches(sourceLabels, proxy.labels) ? 'match' : 'fail') : 'unknown' });
  }
  const sourceNamespace = asString(m.sourceNamespace);
  if (sourceNamespace) {
    conditions.push({
      field: 'sourceNamespace',
      pointer: '/sourceNamespace',
      outcome: proxy.namespace === undefined ? 'unknown' : proxy.namespace === sourceNamespace ? 'match' : 'fail',
      ...(proxy.namespace !== undefined ? { actual: proxy.namespace } : {}),
    });
  }
  const gateways = stringList(m.gateways);
  if (gateways.length > 0) conditions.push({ field: 'gateways', pointer: '/gateways', outcome: gatewaysInclude(gateways, vsNamespace, proxy) });

  return { outcome: combine(conditions.map((c) => c.outcome)), conditions };
}

/** AND: fail if any fails, match if all match. */
function combine(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.includes('fail')) return 'fail';
  return outcomes.includes('unknown') ? 'unknown' : 'match';
}

/** A rule's `match` list: OR; no list (or an empty one) matches every request. */
export function ruleMatches(rule: unknown, request: HttpRequest, proxy: ProxyContext = { kind: 'unknown' }, vsNamespace = ''): Outcome {
  const matches = asArray(asRecord(rule)?.match);
  if (matches.length === 0) return 'match';
  const outcomes = matches.map((m) => evaluateMatch(m, request, proxy, vsNamespace).outcome);
  if (outcomes.includes('match')) return 'match';
  return outcomes.includes('unknown') ? 'unknown' : 'fail';
}

/** The first `http[]` rule the request matches, as the proxy tries them; unknown when one before it could not be told. */
export function firstMatchingRule(vs: ResourceRecord, request: HttpRequest, proxy: ProxyContext = { kind: 'unknown' }, vsNamespace = ''): { index: number; certain: boolean } | undefined {
  let certain = true;
  const rules = asArray(vsSpec(vs).http);
  for (let index = 0; index < rules.length; index++) {
    const outcome = ruleMatches(rules[index], request, proxy, vsNamespace);
    if (outcome === 'match') return { index, certain };
    if (outcome === 'unknown') certain = false;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Which VirtualServices apply

/**
 * How a proxy's pod says what it is: a gateway has `istio=ingressgateway` / `istio=egressgateway`
 * or runs `pilot-agent proxy router`; a sidecar runs `proxy sidecar` (a classic container or an
 * Istio ≥ 1.27 native sidecar in initContainers) or carries the injector's `sidecar.istio.io/status`.
 * A pod the bundle does not list, or that says neither, is `unknown`.
 */
export function proxyKindOf(pod: ResourceRecord | undefined): ProxyKind {
  if (!pod) return 'unknown';
  const labels = stringMap(pod.object.metadata.labels);
  if (labels.istio === 'ingressgateway' || labels.istio === 'egressgateway') return 'gateway';
  const spec = asRecord(pod.object.spec);
  const containers = [...asArray(spec?.containers), ...asArray(spec?.initContainers)].map(asRecord);
  const args = containers.flatMap((c) => [...stringList(c?.args), ...stringList(c?.command)]);
  if (args.includes('router')) return 'gateway';
  if (args.includes('sidecar')) return 'sidecar';
  // Injection records itself; a gateway deployment is not injected as a sidecar.
  if (stringMap(pod.object.metadata.annotations)['sidecar.istio.io/status'] !== undefined) return 'sidecar';
  return 'unknown';
}

/** The proxy context of a pod: its kind, labels and, for a gateway, the Gateways that select it. */
export function proxyContext(index: ConfigIndex, namespace: string | undefined, pod: ResourceRecord | undefined): ProxyContext {
  const kind = proxyKindOf(pod);
  const labels = pod ? stringMap(pod.object.metadata.labels) : undefined;
  const context: ProxyContext = { kind, ...(namespace !== undefined ? { namespace } : {}), ...(labels ? { labels } : {}) };
  if (kind === 'gateway' && labels) {
    const gateways = index.ofKind('Gateway');
    if (gateways.length > 0) {
      const selecting = gateways.filter((g) => {
        const selector = stringMap(asRecord(g.object.spec)?.selector);
        return Object.keys(selector).length > 0 && selectorMatches(selector, labels);
      });
      context.gateways = new Set(selecting.map((g) => `${index.namespaceOf(g)}/${g.object.metadata.name}`));
    }
  }
  return context;
}

/**
 * The host names a request's authority can stand for at a proxy. At a sidecar the outbound virtual
 * hosts of a Kubernetes service also answer to its short forms (`reviews`, `reviews.bookinfo`,
 * `reviews.bookinfo.svc`, from the proxy's namespace); a gateway answers only to the names written.
 * The port is stripped (Istio adds `host:port` and `host:*` domains); DNS names compare lower-case.
 */
export function authorityHosts(authority: string, proxy: ProxyContext, domain = DEFAULT_CLUSTER_DOMAIN): string[] {
  const host = splitAuthority(authority).host.toLowerCase().replace(/\.$/, '');
  const hosts = [host];
  if (proxy.kind !== 'gateway' && !host.startsWith('[') && !/^\d+(\.\d+){3}$/.test(host)) {
    const labels = host.split('.');
    if (labels.length === 1 && proxy.namespace) hosts.push(`${host}.${proxy.namespace}.${domain}`);
    if (labels.length === 2) hosts.push(`${host}.${domain}`);
    if (labels.length === 3 && labels[2] === 'svc') hosts.push(`${host}.${domain.replace(/^svc\./, '')}`);
  }
  return [...new Set(hosts)];
}

/** How specific a VirtualService host is for a request host: exact beats a longer wildcard beats a shorter one. */
function hostSpecificity(pattern: string, host: string): number | undefined {
  const p = pattern.toLowerCase();
  if (p === host) return Number.MAX_SAFE_INTEGER;
  return p.startsWith('*') && wildcardCovers(p, host) ? p.length : undefined;
}

export interface Applicable {
  record: ResourceRecord;
  /** The VirtualService host that claims the authority (as written). */
  host: string;
  /** Bound to the mesh (sidecars) or to a gateway; `assumed` when the bundle cannot confirm it. */
  binding: 'mesh' | 'gateway';
  assumed: boolean;
}

/**
 * The VirtualServices whose routes a proxy uses for a request authority: hosts that claim it (short
 * names resolve in the VirtualService's namespace, wildcards cover, the most specific host wins as
 * in Envoy's virtual-host choice), exported to the proxy's namespace, and bound to the proxy: mesh
 * VirtualServices at a sidecar, those whose `gateways` name a Gateway selecting the pod (whose
 * servers admit the host) at a gateway. For a proxy of unknown kind both bindings are considered.
 */
export function applicableVirtualServices(index: ConfigIndex, authority: string, proxy: ProxyContext): Applicable[] {
  const hosts = authorityHosts(authority, proxy, index.clusterDomain);
  const candidates: (Applicable & { specificity: number })[] = [];
  for (const record of index.ofKind('VirtualService')) {
    const vsNamespace = index.namespaceOf(record);
    if (proxy.namespace !== undefined && !visibleIn(exportScopes(vsExportTo(record), vsNamespace, index.mesh.defaultVirtualServiceExportTo), proxy.namespace)) continue;
    let best: { host: string; specificity: number } | undefined;
    for (const written of vsHosts(record)) {
      const fqdn = toFqdn(written, vsNamespace, index.clusterDomain);
      for (const host of hosts) {
        const specificity = hostSpecificity(fqdn, host);
        if (specificity !== undefined && (!best || specificity > best.specificity)) best = { host: written, specificity };
      }
    }
    if (!best) continue;
    const binding = bindingFor(index, record, proxy, hosts);
    if (binding) candidates.push({ record, host: best.host, ...binding, specificity: best.specificity });
  }
  const top = Math.max(...candidates.map((c) => c.specificity));
  return candidates.filter((c) => c.specificity === top).map(({ specificity: _, ...rest }) => rest);
}

function bindingFor(index: ConfigIndex, record: ResourceRecord, proxy: ProxyContext, hosts: readonly string[]): Pick<Applicable, 'binding' | 'assumed'> | undefined {
  const vsNamespace = index.namespaceOf(record);
  const gateways = vsGateways(record);
  const mesh = gateways.length === 0 || gateways.includes(MESH_GATEWAY);
  const named = gateways.filter((g) => g !== MESH_GATEWAY).map((g) => gatewayRef(g, vsNamespace));
  if (proxy.kind === 'sidecar') return mesh ? { binding: 'mesh', assumed: false } : undefined;
  if (named.length > 0) {
    if (proxy.kind === 'gateway' && proxy.gateways) {
      const bound = named.some((ref) => proxy.gateways!.has(ref) && gatewayAdmits(index, ref, vsNamespace, hosts));
      if (bound) return { binding: 'gateway', assumed: false };
    } else {
      // The pod's labels (or the Gateways) are not in the bundle: the binding cannot be confirmed.
      const known = index.ofKind('Gateway').length === 0 || named.some((ref) => gatewayAdmits(index, ref, vsNamespace, hosts));
      if (known) return { binding: 'gateway', assumed: true };
    }
  }
  if (proxy.kind === 'unknown' && mesh) return { binding: 'mesh', assumed: true };
  return undefined;
}

/** A Gateway's servers admit a VirtualService host: `hosts` entries `[namespace/]host`, `*` or `.` namespaces. */
function gatewayAdmits(index: ConfigIndex, ref: string, vsNamespace: string, hosts: readonly string[]): boolean {
  const [namespace, name] = ref.split('/') as [string, string];
  const gateway = index.ofKind('Gateway').find((g) => g.object.metadata.name === name && index.namespaceOf(g) === namespace);
  if (!gateway) return false;
  for (const server of asArray(asRecord(gateway.object.spec)?.servers)) {
    for (const entry of stringList(asRecord(server)?.hosts)) {
      const slash = entry.indexOf('/');
      const ns = slash < 0 ? '*' : entry.slice(0, slash);
      const pattern = (slash < 0 ? entry : entry.slice(slash + 1)).toLowerCase();
      const nsOk = ns === '*' || ns === vsNamespace || (ns === '.' && vsNamespace === namespace);
      if (nsOk && hosts.some((h) => wildcardCovers(pattern, h))) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Near misses

/** What would have to change in a `uri` match for the path to match. */
export interface UriRelaxation {
  /** Letter case: `ignoreUriCase: true` (or `(?i)` for a regex). */
  ignoreCase: boolean;
  /** A trailing slash: the path has one the match does not, or the other way round. */
  trailingSlash: boolean;
  /** `exact` where the paths are below it: `prefix`. */
  subPaths: boolean;
}

export type NearMissReason =
  | { field: 'uri'; relax: UriRelaxation; match: { type: 'exact' | 'prefix' | 'regex'; value: string }; path: string }
  | { field: 'method' | 'authority'; wanted: unknown; actual: string }
  | { field: 'queryParams'; name: string; wanted: unknown; actual?: string }
  | { field: 'port'; wanted: number; actual: number }
  | { field: 'sourceLabels'; wanted: Record<string, string> }
  | { field: 'sourceNamespace'; wanted: string; actual: string }
  | { field: 'gateways'; wanted: string[] }
  /** A condition the log cannot show (a header, the scheme): everything else matches, so it is what failed. */
  | { field: 'headers' | 'withoutHeaders' | 'scheme'; name?: string; deduced: true };

export interface NearMiss {
  record: ResourceRecord;
  ruleIndex: number;
  matchIndex: number;
  /** `/spec/http/<i>/match/<j>`. */
  matchPointer: string;
  /** The failing field inside the match (`/uri`, `/method`, `/headers/end-user`). */
  fieldPointer: string;
  reason: NearMissReason;
  /** Other conditions of the same match the log cannot show; the near miss assumes they hold. */
  unknown: Condition[];
}

const RELAXATIONS: readonly UriRelaxation[] = [
  { ignoreCase: true, trailingSlash: false, subPaths: false },
  { ignoreCase: false, trailingSlash: true, subPaths: false },
  { ignoreCase: false, trailingSlash: false, subPaths: true },
  { ignoreCase: true, trailingSlash: true, subPaths: false },
  { ignoreCase: true, trailingSlash: false, subPaths: true },
];

export function relaxationCount(relax: UriRelaxation): number {
  return Number(relax.ignoreCase) + Number(relax.trailingSlash) + Number(relax.subPaths);
}

/**
 * The `uri` StringMatch (and `ignoreUriCase`) with the relaxations applied: `ignoreUriCase: true`
 * for letter case on exact/prefix, `(?i)` on a regex (ignoreUriCase does not reach regex), `prefix`
 * for sub-paths, an optional trailing slash by regex. undefined when the relaxation does not apply.
 */
export function relaxUri(match: Record<string, unknown>, relax: UriRelaxation): Record<string, unknown> | undefined {
  const uri = stringMatchOf(match.uri);
  if (!uri) return undefined;
  const rest = { ...match };
  delete rest.uri;
  delete rest.ignoreUriCase;
  const trimmed = uri.value.length > 1 ? uri.value.replace(/\/+$/, '') : uri.value;
  const caseFlag = relax.ignoreCase || match.ignoreUriCase === true;
  const plain = (u: Record<string, string>) => ({ ...rest, uri: u, ...(caseFlag ? { ignoreUriCase: true } : {}) });
  switch (uri.type) {
    case 'exact':
      if (relax.subPaths) return plain({ prefix: trimmed });
      if (relax.trailingSlash) {
        // ignoreUriCase does not apply to regex: a case-insensitive exact becomes (?i).
        const source = `${escapeRegex(trimmed)}/?`;
        return { ...rest, uri: { regex: `${caseFlag ? '(?i)' : ''}${source}` } };
      }
      return relax.ignoreCase ? plain({ exact: uri.value }) : undefined;
    case 'prefix':
      if (relax.subPaths) return undefined;
      if (relax.trailingSlash) {
        if (!uri.value.endsWith('/') || uri.value === '/') return undefined;
        return { ...rest, uri: { regex: `${caseFlag ? '(?i)' : ''}${escapeRegex(trimmed)}(/.*)?` } };
      }
      return relax.ignoreCase ? plain({ prefix: uri.value }) : undefined;
    case 'regex': {
      if (!compileRegex(uri.value)) return undefined;
      const inner = uri.value.replace(/^\(\?i\)/, '');
      const already = inner !== uri.value;
      const source = relax.subPaths ? `(?:${inner})(/.*)?` : relax.trailingSlash ? `(?:${inner})/?` : inner;
      if (!relax.ignoreCase && !relax.subPaths && !relax.trailingSlash) return undefined;
      return { ...rest, uri: { regex: `${relax.ignoreCase || already ? '(?i)' : ''}${source}` } };
    }
  }
}

/** The smallest relaxation of a `uri` match that lets the path match; undefined when none does (the path is simply another one). */
export function uriNearMiss(match: Record<string, unknown>, path: string): UriRelaxation | undefined {
  const uri = stringMatchOf(match.uri);
  if (!uri) return undefined;
  const p = uriPath(path);
  for (const relax of RELAXATIONS) {
    const relaxed = relaxUri(match, relax);
    if (!relaxed) continue;
    if (stringMatches(relaxed.uri, p, { ignoreCase: relaxed.ignoreUriCase === true }) !== true) continue;
    // `exact: /api` is near `/api/orders`, not `/apiorders`: sub-paths are whole segments.
    if (relax.subPaths && uri.type === 'exact') {
      const base = uri.value.replace(/\/+$/, '');
      const fold = (s: string) => (relax.ignoreCase ? s.toLowerCase() : s);
      if (!fold(p).startsWith(`${fold(base)}/`)) continue;
    }
    return relax;
  }
  return undefined;
}

/** Union of two relaxations (one finding covers several paths). */
export function mergeRelaxations(a: UriRelaxation, b: UriRelaxation): UriRelaxation {
  return { ignoreCase: a.ignoreCase || b.ignoreCase, trailingSlash: a.trailingSlash || b.trailingSlash, subPaths: a.subPaths || b.subPaths };
}

/**
 * Why a request that matched no rule missed the nearest one: the rule match (over the
 * VirtualServices that apply, in their rule order) that fails on exactly one condition, when that
 * failure is near (letter case, exact vs prefix, a trailing slash of the uri; or a method, port,
 * authority, query, source or gateway condition while the rest matches). Failing only on conditions
 * the log cannot show (headers) is a deduced near miss and ranks after the certain ones. undefined
 * when no rule is near, or when a rule matches the request outright (then the proxy did not have
 * these rules: the cause is elsewhere, e.g. configuration not pushed).
 */
export function nearMiss(applicable: readonly Applicable[], request: HttpRequest, proxy: ProxyContext, index: ConfigIndex): NearMiss | undefined {
  const candidates: { miss: NearMiss; rank: number }[] = [];
  for (const { record } of applicable) {
    const vsNamespace = index.namespaceOf(record);
    const rules = asArray(vsSpec(record).http);
    for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
      const matches = asArray(asRecord(rules[ruleIndex])?.match);
      if (matches.length === 0) return undefined; // a catch-all rule: the request would have been routed
      for (let matchIndex = 0; matchIndex < matches.length; matchIndex++) {
        const match = asRecord(matches[matchIndex]) ?? {};
        const evaluation = evaluateMatch(match, request, proxy, vsNamespace);
        if (evaluation.outcome === 'match') return undefined;
        const failed = evaluation.conditions.filter((c) => c.outcome === 'fail');
        const unknown = evaluation.conditions.filter((c) => c.outcome === 'unknown');
        const base = { record, ruleIndex, matchIndex, matchPointer: `/spec/http/${ruleIndex}/match/${matchIndex}` };
        if (failed.length === 1) {
          const reason = reasonFor(failed[0]!, match, request);
          if (!reason) continue;
          const extra = reason.field === 'uri' ? relaxationCount(reason.relax) - 1 : 0;
          candidates.push({ miss: { ...base, fieldPointer: failed[0]!.pointer, reason, unknown }, rank: (unknown.length > 0 ? 10 : 0) + extra });
        } else if (failed.length === 0 && unknown.length === 1) {
          const only = unknown[0]!;
          if (only.field !== 'headers' && only.field !== 'withoutHeaders' && only.field !== 'scheme') continue;
          candidates.push({ miss: { ...base, fieldPointer: only.pointer, reason: { field: only.field, ...(only.name ? { name: only.name } : {}), deduced: true }, unknown: [] }, rank: 20 });
        }
      }
    }
  }
  // Stable: the first candidate of the lowest rank, in rule order.
  let best: { miss: NearMiss; rank: number } | undefined;
  for (const c of candidates) if (!best || c.rank < best.rank) best = c;
  return best?.miss;
}

function reasonFor(condition: Condition, match: Record<string, unknown>, request: HttpRequest): NearMissReason | undefined {
  switch (condition.field) {
    case 'uri': {
      const uri = stringMatchOf(match.uri);
      if (!uri || request.path === undefined) return undefined;
      const relax = uriNearMiss(match, request.path);
      return relax ? { field: 'uri', relax, match: uri, path: uriPath(request.path) } : undefined;
    }
    case 'method':
    case 'authority':
      return condition.actual === undefined ? undefined : { field: condition.field, wanted: match[condition.field], actual: String(condition.actual) };
    case 'queryParams':
      return { field: 'queryParams', name: condition.name!, wanted: asRecord(match.queryParams)?.[condition.name!], ...(condition.actual !== undefined ? { actual: String(condition.actual) } : {}) };
    case 'port':
      return typeof condition.actual === 'number' ? { field: 'port', wanted: asNumber(match.port)!, actual: condition.actual } : undefined;
    case 'sourceLabels':
      return { field: 'sourceLabels', wanted: stringMap(match.sourceLabels) };
    case 'sourceNamespace':
      return { field: 'sourceNamespace', wanted: asString(match.sourceNamespace)!, actual: String(condition.actual) };
    case 'gateways':
      return { field: 'gateways', wanted: stringList(match.gateways) };
    default:
      return undefined;
  }
}

/** A StringMatch that also accepts the values seen: `regex: 'GET|POST'`. */
export function widenStringMatch(wanted: unknown, actuals: readonly string[]): Record<string, string> | undefined {
  const m = stringMatchOf(wanted);
  if (!m) return undefined;
  const original = m.type === 'exact' ? escapeRegex(m.value) : m.type === 'prefix' ? `${escapeRegex(m.value)}.*` : m.value;
  const alternatives = [...new Set(actuals)].filter((a) => stringMatches(wanted, a) !== true).map(escapeRegex);
  if (alternatives.length === 0) return { [m.type]: m.value };
  return { regex: [original, ...alternatives].join('|') };
}

/**
 * The match as it should read so that every request of the near misses matches it: the uri with
 * the union of their relaxations, a widened method / authority / query match, or without the
 * condition that cannot hold for them (port, source, gateways, a header the log cannot show).
 */
export function correctedMatch(match: Record<string, unknown>, reasons: readonly NearMissReason[]): Record<string, unknown> {
  let out: Record<string, unknown> = { ...match };
  const uriReasons = reasons.filter((r): r is Extract<NearMissReason, { field: 'uri' }> => r.field === 'uri');
  if (uriReasons.length > 0) {
    const relax = uriReasons.map((r) => r.relax).reduce(mergeRelaxations);
    out = relaxUri(out, relax) ?? out;
  }
  for (const field of ['method', 'authority'] as const) {
    const actuals = reasons.filter((r): r is Extract<NearMissReason, { field: 'method' | 'authority' }> => r.field === field).map((r) => r.actual);
    if (actuals.length > 0) {
      const widened = widenStringMatch(out[field], actuals);
      if (widened) out[field] = widened;
    }
  }
  for (const reason of reasons) {
    if (reason.field === 'queryParams') {
      const params = { ...(asRecord(out.queryParams) ?? {}) };
      const actuals = reasons.filter((r): r is Extract<NearMissReason, { field: 'queryParams' }> => r.field === 'queryParams' && r.name === reason.name && r.actual !== undefined).map((r) => r.actual!);
      const widened = actuals.length > 0 ? widenStringMatch(params[reason.name], actuals) : undefined;
      if (widened) params[reason.name] = widened;
      else delete params[reason.name];
      out.queryParams = params;
      if (Object.keys(params).length === 0) delete out.queryParams;
    } else if (reason.field === 'port' || reason.field === 'sourceLabels' || reason.field === 'sourceNamespace' || reason.field === 'gateways' || reason.field === 'scheme') {
      delete out[reason.field];
    } else if (reason.field === 'headers' || reason.field === 'withoutHeaders') {
      const headers = { ...(asRecord(out[reason.field]) ?? {}) };
      if (reason.name) delete headers[reason.name];
      if (Object.keys(headers).length === 0) delete out[reason.field];
      else out[reason.field] = headers;
    }
  }
  return out;
}

/** `exact: /api/v1` the way a reader of the YAML recognises it. */
export function describeStringMatch(value: unknown): string {
  const m = stringMatchOf(value);
  if (!m) return isPresenceMatch(value) ? 'present' : JSON.stringify(value);
  return `${m.type}: ${m.value}`;
}
