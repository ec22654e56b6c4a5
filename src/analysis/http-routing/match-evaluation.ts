import type { ResourceRecord } from '../../model/facets.js';
import { asArray, asNumber, asRecord, asString, selectorMatches, stringMap } from '../object-access.js';
import { MESH_GATEWAY, stringList, vsSpec } from '../virtual-service.js';
import { type Condition, type HttpRequest, type MatchEvaluation, type Outcome, type ProxyContext, queryParams, uriPath } from './request.js';
import { isPresenceMatch, stringMatches } from './string-match.js';

/** One HTTPMatchRequest against one logged request, condition by condition (semantics: request.ts). */

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
function gatewaysInclude(gateways: readonly string[], vsNamespace: string, proxy: ProxyContext): Outcome {
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
