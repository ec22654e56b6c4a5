import { RE2JS } from 're2js';
import { asRecord } from '../object-access.js';

/** Istio StringMatch (`exact`, `prefix`, `regex`) as Envoy applies it; regexes are RE2. */


/** What a compiled route regex offers: a full match, as Envoy's `safe_regex` does. */
interface FullMatcher {
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
