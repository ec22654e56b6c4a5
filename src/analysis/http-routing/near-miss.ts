import type { ResourceRecord } from '../../model/facets.js';
import type { ConfigIndex } from '../config-index.js';
import { asArray, asNumber, asRecord, asString, stringMap } from '../object-access.js';
import { stringList, vsSpec } from '../virtual-service.js';
import { type Condition, type HttpRequest, type ProxyContext, uriPath } from './request.js';
import { compileRegex, escapeRegex, isPresenceMatch, stringMatchOf, stringMatches } from './string-match.js';
import { evaluateMatch } from './match-evaluation.js';
import { type Applicable } from './applicable.js';

/** The rule a no-route request nearly matched, why not, and the corrected match. */

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

function relaxationCount(relax: UriRelaxation): number {
  return Number(relax.ignoreCase) + Number(relax.trailingSlash) + Number(relax.subPaths);
}

/**
 * The `uri` StringMatch (and `ignoreUriCase`) with the relaxations applied: `ignoreUriCase: true`
 * for letter case on exact/prefix, `(?i)` on a regex (ignoreUriCase does not reach regex), `prefix`
 * for sub-paths, an optional trailing slash by regex. undefined when the relaxation does not apply.
 */
function relaxUri(match: Record<string, unknown>, relax: UriRelaxation): Record<string, unknown> | undefined {
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
      // `exact: /` is a root-only route on purpose: every path is below it, so none is a near miss (`prefix: /` would route them all).
      if (relax.subPaths) return trimmed === '/' ? undefined : plain({ prefix: trimmed });
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
      // Case folds when the relaxation ignores it or the match already does (`ignoreUriCase: true`).
      const fold = (s: string) => (relaxed.ignoreUriCase === true ? s.toLowerCase() : s);
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
function widenStringMatch(wanted: unknown, actuals: readonly string[]): Record<string, string> | undefined {
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
