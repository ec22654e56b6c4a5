import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { describeIoError } from '../bundle/io-errors.js';
import { subjectText } from '../rules/evidence.js';
import { findRule } from '../rules/registry.js';
import type { Finding, Severity, Subject } from '../rules/rule.js';

/**
 * A finding already discussed (with the customer, in a ticket), left out of what the report shows
 * and what `--fail-on` reads, never dropped silently: the report lists what it suppressed and why.
 * As `istioctl analyze -S 'CODE=resource'` does, with a reason, an expiry and a fingerprint form.
 */
export type Suppression = {
  /** A rule id (`LOG002`), `*` for every rule. Slugs given by the user are resolved to the id. */
  rule: string;
  /** A `*`-only glob matched against the finding's subject: `Service prod/*` or istioctl's `Service *.prod`. */
  subject?: string;
  /** A finding's fingerprint (as the JSON report gives it). */
  fingerprint?: string;
  reason: string;
  /** `YYYY-MM-DD` (valid through that day, UTC) or an RFC 3339 time; compared with the bundle's collection time. */
  expires?: string;
  /** Where it came from: `suppressions.yaml entry 2 (line 7)`, `--suppress LOG002=Service prod/*`. */
  source: string;
};

/** A finding the report left out, with the suppression that did it. */
export type SuppressedFinding = {
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: Severity;
  subject: Subject;
  reason: string;
  /** The suppression's `source`. */
  source: string;
  expires?: string;
  /** The suppression expires, but the bundle has no collection time to compare it with: applied unchecked. */
  expiryNotChecked?: true;
};

/** A suppression whose expiry is before the bundle's collection time: not applied. */
export type ExpiredSuppression = Suppression & {
  expires: string;
  /** Fingerprints of the findings it would have suppressed (they are in the report). */
  wouldSuppress: string[];
};

export interface SuppressionResult {
  /** The findings no suppression applies to, in their order. */
  kept: Finding[];
  suppressed: SuppressedFinding[];
  expired: ExpiredSuppression[];
  /** Applicable suppressions that matched no finding of this bundle (stale, or meant for another bundle). */
  unmatched: Suppression[];
}

/** A suppression that cannot be used: the message names the option or file, the entry and the problem. */
export class SuppressionError extends Error {}

/** What a `--suppress` suppression says as its reason (the option has no room for one). */
export const COMMAND_LINE_REASON = 'given on the command line (--suppress)';

// ---------------------------------------------------------------- globs and subjects

/** A `*`-only glob (istioctl's): `*` is any run of characters, `/`, `.` and blanks included; the rest is literal; anchored. */
export function globToRegExp(glob: string): RegExp {
  const literal = (part: string) => part.replace(/[\\^$.|?*+()[\]{}/-]/g, '\\$&');
  return new RegExp(`^${glob.split('*').map(literal).join('.*')}$`, 's');
}

/** The forms a subject glob is matched against: the report's `Kind namespace/name`, and istioctl's `Kind name.namespace`. */
export function subjectForms(subject: Subject): string[] {
  const { kind, namespace, name } = subject;
  return namespace ? [subjectText(subject), `${kind} ${name}.${namespace}`] : [subjectText(subject)];
}

function ruleMatches(rule: string, ruleId: string): boolean {
  return rule === '*' || rule === ruleId || findRule(rule)?.id === ruleId;
}

/** Whether a suppression designates a finding (rule, fingerprint and subject, each when given). */
export function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  if (!ruleMatches(suppression.rule, finding.ruleId)) return false;
  if (suppression.fingerprint !== undefined && suppression.fingerprint !== finding.fingerprint) return false;
  if (suppression.subject !== undefined) {
    const glob = globToRegExp(suppression.subject);
    if (!subjectForms(finding.subject).some((form) => glob.test(form))) return false;
  }
  return true;
}

// ---------------------------------------------------------------- expiry

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The last instant (ms) a suppression holds: a date holds through that day, UTC (`2027-01-15` is
 * applied to a bundle collected at 2027-01-15T23:59:59Z, not at 2027-01-16T00:00:00Z); an RFC 3339
 * time holds up to and including that instant. Undefined when the text is neither.
 */
export function expiryInstant(text: string): number | undefined {
  const date = DATE.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    return validDay(y, m, d) ? Date.UTC(y, m - 1, d + 1) - 1 : undefined;
  }
  const time = TIME.exec(text);
  if (!time) return undefined;
  const [y, m, d, h, min, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(time[i]));
  if (!validDay(y!, m!, d!) || h! > 23 || min! > 59 || s! > 60) return undefined;
  if (time[9] !== undefined && (Number(time[9]) > 23 || Number(time[10]) > 59)) return undefined;
  const instant = Date.parse(text.toUpperCase());
  return Number.isNaN(instant) ? undefined : instant;
}

// ---------------------------------------------------------------- applying

/**
 * Which findings are suppressed, and by which suppression (the first that applies, in the given
 * order: the file's entries, then `--suppress` options). "Now" is the bundle's collection time,
 * never the wall clock: a suppression that expired before it is not applied and is reported; without
 * a collection time an expiring suppression is applied, and its entries say the expiry was not checked.
 */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], collectedAt?: string): SuppressionResult {
  const now = collectedAt === undefined ? undefined : Date.parse(collectedAt);
  const checkable = now !== undefined && !Number.isNaN(now);
  const active: Suppression[] = [];
  const expired: ExpiredSuppression[] = [];
  for (const suppression of suppressions) {
    const until = suppression.expires === undefined ? undefined : expiryInstant(suppression.expires);
    if (suppression.expires !== undefined && until === undefined) throw new SuppressionError(`${suppression.source}: expires "${suppression.expires}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
    if (checkable && until !== undefined && now > until) {
      expired.push({ ...suppression, expires: suppression.expires!, wouldSuppress: findings.filter((f) => suppressionMatches(suppression, f)).map((f) => f.fingerprint) });
    } else active.push(suppression);
  }
  const used = new Set<Suppression>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const matching = active.filter((s) => suppressionMatches(s, finding));
    for (const s of matching) used.add(s);
    const by = matching[0];
    if (!by) {
      kept.push(finding);
      continue;
    }
    suppressed.push({
      fingerprint: finding.fingerprint,
      ruleId: finding.ruleId,
      title: finding.title,
      severity: finding.severity,
      subject: finding.subject,
      reason: by.reason,
      source: by.source,
      ...(by.expires !== undefined ? { expires: by.expires } : {}),
      ...(by.expires !== undefined && !checkable ? { expiryNotChecked: true as const } : {}),
    });
  }
  return { kept, suppressed, expired, unmatched: active.filter((s) => !used.has(s)) };
}

/** The report's warnings about suppressions: the expired ones, and expiries that could not be checked. */
export function suppressionWarnings(outcome: { suppressed: readonly SuppressedFinding[]; suppressionsExpired: readonly ExpiredSuppression[] }, collectedAt: string | undefined): string[] {
  const warnings = outcome.suppressionsExpired.map(
    (s) =>
      `suppression ${s.source} expired (${s.expires}) before the bundle was collected (${collectedAt ?? 'unknown'}): not applied${s.wouldSuppress.length > 0 ? `, ${s.wouldSuppress.length === 1 ? 'its finding is' : `its ${s.wouldSuppress.length} findings are`} reported` : ''}; renew it or remove it`,
  );
  const unchecked = new Set(outcome.suppressed.filter((s) => s.expiryNotChecked).map((s) => s.source));
  if (unchecked.size > 0) warnings.push(`the bundle has no collection time: the expiry of ${[...unchecked].join(', ')} could not be checked, and ${unchecked.size === 1 ? 'it was' : 'they were'} applied`);
  return warnings;
}

// ---------------------------------------------------------------- --suppress RULE=glob

function ruleOf(text: string): string | undefined {
  if (text === '*') return '*';
  return findRule(text)?.id;
}

/** `--suppress 'LOG002=Service prod/*'` (istioctl's `-S CODE=resource`): a rule id, slug or `*`, then a subject glob. */
export function parseSuppressOption(spec: string): Suppression {
  const problem = (what: string) => new SuppressionError(`--suppress ${JSON.stringify(spec)}: ${what}`);
  const at = spec.indexOf('=');
  if (at < 0) throw problem('expected RULE=RESOURCE, e.g. --suppress "LOG002=Service prod/*" (no "=" in it)');
  const ruleText = spec.slice(0, at).trim();
  const subject = spec.slice(at + 1).trim();
  if (ruleText === '') throw problem('no rule before "=" (a rule id such as LOG002, its slug, or *)');
  if (subject === '') throw problem('no resource after "=" (a glob such as "Service prod/*", or * for every resource)');
  const rule = ruleOf(ruleText);
  if (!rule) throw problem(`unknown rule "${ruleText}" (run \`istio-bundle rules\` for the list, or use *)`);
  return { rule, subject, reason: COMMAND_LINE_REASON, source: `--suppress ${spec}` };
}

// ---------------------------------------------------------------- suppressions file

const ENTRY_KEYS = ['rule', 'subject', 'fingerprint', 'reason', 'expires'] as const;

const fileSchema = {
  type: 'object',
  required: ['suppressions'],
  additionalProperties: false,
  properties: {
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        anyOf: [{ required: ['rule'] }, { required: ['fingerprint'] }],
        properties: {
          rule: { type: 'string', minLength: 1 },
          subject: { type: 'string', minLength: 1 },
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
          reason: { type: 'string', pattern: '\\S' },
          expires: { type: 'string', format: 'suppression-expiry' },
        },
      },
    },
  },
} as const;

let compiledFileValidator: ValidateFunction | undefined;
/** Compiled on first use: compiling (and ajv's meta-schema) cost every start ~150 ms, and few runs read a file. */
function fileValidator(): ValidateFunction {
  if (!compiledFileValidator) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
    ajv.addFormat('suppression-expiry', (text: string) => expiryInstant(text) !== undefined);
    compiledFileValidator = ajv.compile(fileSchema);
  }
  return compiledFileValidator;
}

/** At most this many problems are named; the first ones say enough. */
const MAX_PROBLEMS = 5;

type FileEntry = { rule?: string; subject?: string; fingerprint?: string; reason: string; expires?: string };

/**
 * Reads a suppressions file (YAML, `suppressions:` then a list of `{rule, subject, fingerprint,
 * reason, expires}`). Every problem names the file, the entry (number from 1 and line) and what is wrong.
 */
export async function loadSuppressionsFile(path: string): Promise<Suppression[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SuppressionError(`${path}: cannot read: ${describeIoError(error)}`);
  }
  return parseSuppressionsFile(text, path);
}

/** The file's text into suppressions (loadSuppressionsFile without the reading); `name` is what messages call it. */
export function parseSuppressionsFile(text: string, name: string): Suppression[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new SuppressionError(`${name}: line ${lineAt(first.pos[0])}: not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) throw new SuppressionError(`${name}: the file is empty (expected a top-level "suppressions:" list)`);
  const validateFile = fileValidator();
  const valid = validateFile(value);
  const problems = valid ? [] : describeFileErrors(validateFile.errors ?? [], doc, lineAt);
  // Rule ids against the catalogue, in the same pass: every problem of the file at once, in entry order.
  const raw = (value as { suppressions?: unknown }).suppressions;
  if (Array.isArray(raw)) {
    raw.forEach((entry: unknown, i) => {
      const rule = (entry as { rule?: unknown } | null)?.rule;
      if (typeof rule === 'string' && rule.trim() !== '' && !ruleOf(rule.trim())) problems.push({ index: i, text: `${entryWhere(doc, i, lineAt)}: unknown rule "${rule}" (run \`istio-bundle rules\` for the list, or use *)` });
    });
  }
  if (!valid || problems.length > 0) {
    const texts = [...new Set(problems.sort((a, b) => a.index - b.index).map((p) => p.text))];
    const more = texts.length > MAX_PROBLEMS ? `; and ${texts.length - MAX_PROBLEMS} more` : '';
    throw new SuppressionError(`${name}: ${texts.slice(0, MAX_PROBLEMS).join('; ')}${more}`);
  }
  const entries = (value as { suppressions: FileEntry[] }).suppressions;
  return entries.map((entry, i): Suppression => {
    const where = entryWhere(doc, i, lineAt);
    const rule = entry.rule === undefined ? '*' : ruleOf(entry.rule.trim())!;
    return {
      rule,
      ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
      ...(entry.fingerprint !== undefined ? { fingerprint: entry.fingerprint } : {}),
      reason: entry.reason.trim(),
      ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
      source: `${name} ${where}`,
    };
  });
}

/** `entry 2 (line 7)`: numbered from 1, as a reader counts them. */
function entryWhere(doc: Document, index: number, lineAt: (offset: number) => number): string {
  const seq = doc.get('suppressions', true);
  const node = isSeq(seq) ? seq.items[index] : undefined;
  return isNode(node) && node.range ? `entry ${index + 1} (line ${lineAt(node.range[0])})` : `entry ${index + 1}`;
}

/** Ajv's errors in words, each with the entry it is about (-1: the file as a whole). */
function describeFileErrors(errors: readonly ErrorObject[], doc: Document, lineAt: (offset: number) => number): Array<{ index: number; text: string }> {
  const problems: Array<{ index: number; text: string }> = [];
  for (const error of errors) {
    let index = -1;
    const out = { push: (text: string) => problems.push({ index, text }) };
    // anyOf's branches each report a missing key: the anyOf error says it once.
    if (error.schemaPath.includes('/anyOf/')) continue;
    const path = error.instancePath.split('/').slice(1);
    if (path[0] !== 'suppressions' || path.length < 2) {
      out.push(topLevelProblem(error, doc, lineAt));
      continue;
    }
    index = Number(path[1]);
    const key = path[2];
    const where = entryWhere(doc, index, lineAt);
    const entryNode = doc.getIn(['suppressions', index], true);
    const keyLine = (name: string) => {
      if (!isMap(entryNode)) return '';
      const pair = entryNode.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === name);
      const range = pair && isNode(pair.key) ? pair.key.range : undefined;
      return range && lineAt(range[0]) !== lineAt((entryNode.range ?? range)[0]) ? ` at line ${lineAt(range[0])}` : '';
    };
    const given = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
    switch (error.keyword) {
      case 'required':
        out.push(`${where}: missing "${(error.params as { missingProperty: string }).missingProperty}"`);
        break;
      case 'anyOf':
        out.push(`${where}: needs "rule" (a rule id, its slug or *) or "fingerprint" (as the JSON report gives it)`);
        break;
      case 'additionalProperties': {
        const extra = (error.params as { additionalProperty: string }).additionalProperty;
        out.push(`${where}: unknown key "${extra}"${keyLine(extra)} (allowed: ${ENTRY_KEYS.join(', ')})`);
        break;
      }
      case 'type':
        out.push(key ? `${where}: "${key}"${keyLine(key)} must be a string, not ${given(error.data)}` : `${where}: an entry must be a mapping of ${ENTRY_KEYS.join(', ')}, not ${given(error.data)}`);
        break;
      case 'format':
        out.push(`${where}: "expires"${keyLine('expires')} must be a date (YYYY-MM-DD) or an RFC 3339 time (2027-01-15T09:00:00Z), not ${given(error.data)}`);
        break;
      case 'pattern':
        out.push(key === 'fingerprint' ? `${where}: "fingerprint"${keyLine('fingerprint')} must be 16 lowercase hex digits (as the JSON report gives it), not ${given(error.data)}` : `${where}: "${key}"${keyLine(key ?? '')} must not be blank`);
        break;
      case 'minLength':
        out.push(`${where}: "${key}"${keyLine(key ?? '')} must not be empty`);
        break;
      default:
        out.push(`${where}: ${key ? `"${key}" ` : ''}${error.message ?? 'is not valid'}`);
    }
  }
  return problems;
}

function topLevelProblem(error: ErrorObject, doc: Document, lineAt: (offset: number) => number): string {
  const expected = 'expected a top-level "suppressions:" list of entries with rule, subject, fingerprint, reason, expires';
  if (error.keyword === 'required') return 'no top-level "suppressions:" list (of entries with rule, subject, fingerprint, reason, expires)';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    const root = doc.contents;
    const pair = isMap(root) ? root.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === extra) : undefined;
    const range = pair && isNode(pair.key) ? pair.key.range : undefined;
    return `${range ? `line ${lineAt(range[0])}: ` : ''}unknown top-level key "${extra}" (only "suppressions" is allowed)`;
  }
  if (error.keyword === 'type' && error.instancePath === '/suppressions') return `"suppressions" must be a list (${expected})`;
  return expected;
}
