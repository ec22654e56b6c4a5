import { defineAnalyzer } from '../analyzer.js';
import type { IstioMessage } from '../messages.js';
import { asArray, asNumber, asRecord, asString } from '../object-access.js';
import { compareText } from '../../order.js';
import type { ResourceRecord } from '../../model/facets.js';

/**
 * Routing rules and matches of a VirtualService that traffic can never reach. Rules are tried in
 * order and the first match wins (istio.io "VirtualService: HTTPRoute"), so a rule is dead when an
 * earlier rule without `match` takes everything, or when each of its matches repeats an earlier one
 * (IST0130); a single match is dead when it repeats an earlier match, or when an earlier `uri.prefix`
 * match with the same other conditions covers its prefix (IST0131, http only).
 *
 * Istio computes these while validating the VirtualService (`ValidateVirtualService`) and its
 * `schema.ValidationAnalyzer.VirtualService` turns those warnings into IST0130/IST0131; the other
 * schema errors and warnings of that analyzer (IST0106, IST0133) are not derived here.
 */
export const unreachableRulesAnalyzer = defineAnalyzer({
  name: 'schema.ValidationAnalyzer.VirtualService',
  codes: ['IST0130', 'IST0131'],
  analyze(index) {
    const byOrigin = (a: ResourceRecord, b: ResourceRecord) =>
      compareText(index.namespaceOf(a), index.namespaceOf(b)) || compareText(a.object.metadata.name, b.object.metadata.name);
    const messages: Omit<IstioMessage, 'analyzer'>[] = [];
    for (const vs of [...index.ofKind('VirtualService')].sort(byOrigin)) {
      const spec = asRecord(vs.object.spec);
      if (!spec) continue;
      for (const section of SECTIONS) {
        for (const finding of analyzeSection(section, asArray(spec[section]))) messages.push({ ...toMessage(finding), resource: vs });
      }
    }
    return messages;
  },
});

const SECTIONS = ['http', 'tcp', 'tls'] as const;
type Section = (typeof SECTIONS)[number];

/** A rule, or one match of it, that a finding points at. */
interface RuleRef {
  section: Section;
  ruleIndex: number;
  matchIndex?: number;
  /** The `name` of an http rule or match (tcp and tls rules and matches have none). */
  ruleName?: string;
  matchName?: string;
  /** Istio's label: the quoted name when there is one, else `#<index>`. */
  rule: string;
  match?: string;
  field: string;
}

type Finding =
  /** Every match of the rule repeats an earlier match. */
  | { code: 'IST0130'; reason: 'repeated'; target: RuleRef; earlier: RuleRef[] }
  /** A rule without `match` came first and takes all traffic; `target` may itself have none. */
  | { code: 'IST0130'; reason: 'after-catch-all'; target: RuleRef; catchAll: RuleRef; targetHasMatch: boolean }
  | { code: 'IST0131'; reason: 'duplicate'; target: RuleRef; earlier: RuleRef }
  | { code: 'IST0131'; reason: 'overlap'; target: RuleRef; earlier: RuleRef; prefix: string; coveringPrefix: string };

/** Istio's reason words (VirtualServiceUnreachableRule's second parameter), kept for merging with `istioctl analyze` output. */
const ISTIO_REASON = {
  repeated: 'all matches used by prior rules',
  'after-catch-all': 'route without matches defined before',
  'second-catch-all': 'only the last rule can have no matches',
} as const;

function analyzeSection(section: Section, rules: readonly unknown[]): Finding[] {
  const findings: Finding[] = [];
  const firstSeen = new Map<string, RuleRef>();
  const prefixMatches: PrefixMatch[] = [];
  let catchAll: RuleRef | undefined;
  rules.forEach((raw, ruleIndex) => {
    // Istio skips a null rule without counting it as a catch-all.
    const rule = asRecord(raw);
    if (!rule) return;
    // A `match` that is not a list is malformed (the API server rejects it): not a catch-all.
    if (rule.match !== undefined && rule.match !== null && !Array.isArray(rule.match)) return;
    const target = ruleRef(section, rule, ruleIndex);
    const matches = asArray(rule.match);
    if (catchAll) {
      // Istio reports this once per match of the rule; istioctl dedupes the identical messages.
      findings.push({ code: 'IST0130', reason: 'after-catch-all', target, catchAll, targetHasMatch: matches.length > 0 });
      return;
    }
    if (matches.length === 0) {
      catchAll = target;
      return;
    }
    const repeats: RuleRef[] = [];
    matches.forEach((match, matchIndex) => {
      const here = matchRef(target, match, matchIndex);
      const key = matchIdentity(section, match);
      const earlier = firstSeen.get(key);
      if (earlier) {
        findings.push({ code: 'IST0131', reason: 'duplicate', target: here, earlier });
        repeats.push(earlier);
        return;
      }
      firstSeen.set(key, here);
      const prefixMatch = section === 'http' ? toPrefixMatch(here, match) : undefined;
      if (prefixMatch) prefixMatches.push(prefixMatch);
    });
    if (repeats.length === matches.length) findings.push({ code: 'IST0130', reason: 'repeated', target, earlier: uniqueByField(repeats) });
  });
  return [...findings, ...overlaps(prefixMatches)];
}

function ruleRef(section: Section, rule: Record<string, unknown>, ruleIndex: number): RuleRef {
  const ruleName = nameOf(section, rule);
  return { section, ruleIndex, ...(ruleName ? { ruleName } : {}), rule: istioLabel(ruleName, ruleIndex), field: `/spec/${section}/${ruleIndex}` };
}

function matchRef(rule: RuleRef, match: unknown, matchIndex: number): RuleRef {
  const matchName = nameOf(rule.section, asRecord(match));
  return { ...rule, matchIndex, ...(matchName ? { matchName } : {}), match: istioLabel(matchName, matchIndex), field: `${rule.field}/match/${matchIndex}` };
}

/** Only http rules and matches have names. */
function nameOf(section: Section, record: Record<string, unknown> | undefined): string | undefined {
  return section === 'http' ? asString(record?.name) || undefined : undefined;
}

/** Istio prints a name Go-quoted, and an unnamed rule or match by its index. */
function istioLabel(name: string | undefined, index: number): string {
  return name ? JSON.stringify(name) : `#${index}`;
}

function uniqueByField(refs: readonly RuleRef[]): RuleRef[] {
  return refs.filter((ref, i) => refs.findIndex((r) => r.field === ref.field) === i);
}

// ---------------------------------------------------------------------------------------------
// Match identity. Istio compares the Go JSON encoding of the match message: an http match's `name`
// is left out (a label, not a condition); unset, zero and empty fields are left out (`port: 0`,
// `ignoreUriCase: false`, `headers: {}` equal absence), but a set string match keeps its kind
// (`prefix: /a` is not `regex: /a`, `exact: ""` is not absent), and list order counts.

const STRING_MATCH_FIELDS = new Set(['uri', 'scheme', 'method', 'authority']);
const STRING_MATCH_MAPS = new Set(['headers', 'queryParams', 'withoutHeaders']);
const STRING_MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

function matchIdentity(section: Section, match: unknown): string {
  const record = camelCaseKeys(match);
  if (!record) return stableJson(match ?? null);
  const identity: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (section === 'http' && key === 'name') continue;
    const canonical = canonicalField(key, value);
    if (canonical !== undefined) identity[key] = canonical;
  }
  return stableJson(identity);
}

function canonicalField(key: string, value: unknown): unknown {
  if (STRING_MATCH_FIELDS.has(key)) return value === null || value === undefined ? undefined : canonicalStringMatch(value);
  const map = asRecord(value);
  if (map && Object.keys(map).length === 0) return undefined;
  if (map && STRING_MATCH_MAPS.has(key)) {
    return Object.fromEntries(Object.entries(map).map(([name, m]) => [name, m === null || m === undefined ? null : canonicalStringMatch(m)]));
  }
  return isZero(value) ? undefined : value;
}

function canonicalStringMatch(value: unknown): unknown {
  const record = asRecord(value);
  if (!record) return value;
  const kind = STRING_MATCH_KINDS.find((k) => typeof record[k] === 'string');
  return kind ? { [kind]: record[kind] } : {};
}

function isZero(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === 0 || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Istio reads `ignore_uri_case` as `ignoreUriCase`: the proto field names are accepted too. */
function camelCaseKeys(value: unknown): Record<string, unknown> | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).map(([key, v]) => [key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

/** JSON with object keys sorted, so key order in the YAML does not make two matches differ. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v ?? null)).join(',')}]`;
  const record = asRecord(value);
  if (record) {
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort(compareText);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

// ---------------------------------------------------------------------------------------------
// Overlapping prefixes (Istio's overlap check, istio/istio#32701): an earlier `uri.prefix` match
// covers a later, longer one when port, method, authority, headers, query parameters and
// withoutHeaders agree. Conditions are compared as Istio does, which is looser than routing:
// a method left out counts as `GET`; a regex value counts as no value; other conditions (scheme,
// ignoreUriCase, sourceLabels, gateways, sourceNamespace) are not compared; and a differing value
// still counts as covered when the earlier value starts with the later one. Kept as Istio has it,
// so the messages are the ones `istioctl analyze` prints.

interface PrefixMatch {
  ref: RuleRef;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

function toPrefixMatch(ref: RuleRef, match: unknown): PrefixMatch | undefined {
  const record = camelCaseKeys(match);
  const prefix = asString(asRecord(record?.uri)?.prefix);
  if (!record || !prefix) return undefined;
  return {
    ref,
    prefix,
    port: asNumber(record.port) ?? 0,
    method: conditionValue(record.method) || 'exact:GET',
    authority: conditionValue(record.authority),
    headers: conditionMap(record.headers),
    queryParams: conditionMap(record.queryParams),
    withoutHeaders: conditionMap(record.withoutHeaders),
  };
}

/** `exact:<v>` or `prefix:<v>`; empty for regex or nothing. */
function conditionValue(stringMatch: unknown): string {
  const record = asRecord(stringMatch);
  const exact = asString(record?.exact);
  if (exact) return `exact:${exact}`;
  const prefix = asString(record?.prefix);
  return prefix ? `prefix:${prefix}` : '';
}

function conditionMap(value: unknown): Map<string, string> {
  return new Map(Object.entries(asRecord(value) ?? {}).map(([name, m]) => [name, conditionValue(m)]));
}

function covers(earlier: PrefixMatch, later: PrefixMatch): boolean {
  const sameOrStartsWith = (a: string, b: string) => a === b || a.startsWith(b);
  const mapCovers = (a: Map<string, string>, b: Map<string, string>) =>
    a.size === b.size && [...a].every(([name, value]) => b.has(name) && sameOrStartsWith(value, b.get(name)!));
  return (
    later.prefix.startsWith(earlier.prefix) &&
    later.port === earlier.port &&
    sameOrStartsWith(earlier.method, later.method) &&
    sameOrStartsWith(earlier.authority, later.authority) &&
    mapCovers(earlier.headers, later.headers) &&
    mapCovers(earlier.queryParams, later.queryParams) &&
    mapCovers(earlier.withoutHeaders, later.withoutHeaders)
  );
}

/** Every (earlier, later) pair of prefix matches, in rule and match order; the same prefix was already compared as a duplicate. */
function overlaps(prefixMatches: readonly PrefixMatch[]): Finding[] {
  const findings: Finding[] = [];
  prefixMatches.forEach((earlier, i) => {
    for (const later of prefixMatches.slice(i + 1)) {
      if (later.prefix === earlier.prefix || !covers(earlier, later)) continue;
      findings.push({ code: 'IST0131', reason: 'overlap', target: later.ref, earlier: earlier.ref, prefix: later.prefix, coveringPrefix: earlier.prefix });
    }
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Messages.

function toMessage(finding: Finding): Omit<IstioMessage, 'analyzer' | 'resource'> {
  const { target } = finding;
  const common = { section: target.section, ruleIndex: target.ruleIndex, ...(target.ruleName ? { ruleName: target.ruleName } : {}) };
  const matchDetails = { matchIndex: target.matchIndex, ...(target.matchName ? { matchName: target.matchName } : {}) };
  switch (finding.reason) {
    case 'repeated': {
      const rules = [...new Set(finding.earlier.map(describeRule))];
      return {
        code: 'IST0130',
        field: target.field,
        text: `${describeRule(target)} is never used: each of its matches repeats a match of ${listText(rules)}.`,
        details: { ...common, reason: ISTIO_REASON.repeated, duplicateOf: finding.earlier.map(refDetails), istioText: istio130(target, ISTIO_REASON.repeated) },
      };
    }
    case 'after-catch-all': {
      const reason = finding.targetHasMatch ? ISTIO_REASON['after-catch-all'] : ISTIO_REASON['second-catch-all'];
      const why = finding.targetHasMatch
        ? `${describeRule(finding.catchAll)} before it has no match and takes all traffic`
        : `it has no match, but ${describeRule(finding.catchAll)} before it has none either and already takes all traffic (only the last rule may leave out match)`;
      return {
        code: 'IST0130',
        field: target.field,
        text: `${describeRule(target)} is never used: ${why}.`,
        details: { ...common, reason, duplicateOf: [refDetails(finding.catchAll)], istioText: istio130(target, reason) },
      };
    }
    case 'duplicate':
      return {
        code: 'IST0131',
        field: target.field,
        text: `${describeMatch(target)} is never used: it repeats ${describeMatch(finding.earlier, target)}.`,
        details: { ...common, ...matchDetails, reason: 'duplicate', duplicateOf: [refDetails(finding.earlier)], istioText: istio131(target, target.match!, finding.earlier.rule) },
      };
    case 'overlap':
      return {
        code: 'IST0131',
        field: target.field,
        text:
          `${describeMatch(target)} (uri prefix \`${finding.prefix}\`) is never used: ` +
          `${describeMatch(finding.earlier, target)} (uri prefix \`${finding.coveringPrefix}\`) comes first and covers it.`,
        details: {
          ...common,
          ...matchDetails,
          reason: 'overlap',
          prefix: finding.prefix,
          coveringPrefix: finding.coveringPrefix,
          duplicateOf: [refDetails(finding.earlier)],
          istioText: istio131(
            target,
            `${target.match} of prefix ${finding.prefix}`,
            `${finding.earlier.match} of prefix ${finding.coveringPrefix} on ${finding.earlier.rule}`,
          ),
        },
      };
  }
}

function describeRule(ref: RuleRef): string {
  return `${ref.section} rule ${ref.rule}`;
}

/** `match #1 of http rule "a"`; `match #0 of the same rule` when `from` is in that rule. */
function describeMatch(ref: RuleRef, from?: RuleRef): string {
  const owner = from && from.section === ref.section && from.ruleIndex === ref.ruleIndex ? 'the same rule' : describeRule(ref);
  return from ? `match ${ref.match} of ${owner}` : `${describeRule(ref)} match ${ref.match}`;
}

function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function refDetails(ref: RuleRef): Record<string, unknown> {
  return {
    ruleIndex: ref.ruleIndex,
    ...(ref.ruleName ? { ruleName: ref.ruleName } : {}),
    ...(ref.matchIndex !== undefined ? { matchIndex: ref.matchIndex } : {}),
    ...(ref.matchName ? { matchName: ref.matchName } : {}),
    field: ref.field,
  };
}

/** Istio's own wording (messages.yaml), so an imported `istioctl analyze` message can be matched to this one. */
function istio130(target: RuleRef, reason: string): string {
  return `VirtualService rule ${target.rule} not used (${reason}).`;
}

function istio131(target: RuleRef, match: string, duplicateOf: string): string {
  return `VirtualService rule ${target.rule} match ${match} is not used (duplicate/overlapping match in rule ${duplicateOf}).`;
}
