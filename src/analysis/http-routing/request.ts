
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

type ConditionField =
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
