import { subjectText } from '../rules/evidence.js';
import type { Evidence, Severity, Subject } from '../rules/rule.js';
import type { RulesCatalogue } from './catalogue.js';
import { isDocsUrl, stripControl } from './escape.js';
import { jsonDocument } from './json.js';
import type { NumberedFinding, Report } from './report.js';

/**
 * SARIF 2.1.0 for code-scanning tools. Formats the report object only, like every renderer: the
 * same report gives the same bytes (nothing from the clock or the machine is written).
 */

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Artifact URIs are relative to the bundle; where it was on disk is not the log's business. */
const BUNDLE_BASE = 'BUNDLE';
const FINGERPRINT_KEY = 'istioBundleFinding/v1';

type Level = 'error' | 'warning' | 'note';
type Json = Record<string, unknown>;
type Rule = RulesCatalogue[number];
/**
 * What a suppressed finding needs here. Only the first four are certain (stored reports written
 * before the others were added lack them), so the rest is read only when present.
 */
type Suppressed = { fingerprint: string; ruleId: string; title: string; reason: string; severity?: Severity; subject?: Subject; source?: string };

const LEVELS: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export function renderSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((rule, i) => [rule.id, i]));
  const findings = [...report.findings].sort((a, b) => a.number - b.number);
  const run = {
    tool: { driver: { name: report.tool.name, version: report.tool.version, rules: report.rules.map(reportingDescriptor) } },
    originalUriBaseIds: { [BUNDLE_BASE]: { description: { text: 'The root of the analysed Istio diagnostic bundle (folder or archive): artifact URIs are paths inside it.' } } },
    results: [...findings.map((f) => result(f, ruleIndex)), ...(report.suppressed ?? []).map((s) => suppressedResult(s, ruleIndex))],
  };
  return jsonDocument({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] });
}

function reportingDescriptor(rule: Rule): Json {
  const helpUri = rule.docs.find(isDocsUrl);
  return {
    id: rule.id,
    name: pascalCase(rule.slug || rule.title),
    shortDescription: { text: stripControl(rule.title) },
    fullDescription: { text: stripControl(rule.description) },
    // SARIF `fixes` need artifact edits; the remediation is advice, so it is the rule's help.
    help: { text: stripControl(rule.remediation) },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: { step: rule.step, severity: rule.severity, tags: [...new Set([rule.step, ...(rule.istioCodes ?? [])])] },
  };
}

/** SARIF suggests a PascalCase rule name: `proxies-not-synced` → `ProxiesNotSynced`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function result(f: NumberedFinding, ruleIndex: ReadonlyMap<string, number>): Json {
  const [primary, ...related] = f.evidence.map(location);
  return {
    ...ruleReference(f.ruleId, ruleIndex),
    level: LEVELS[f.severity],
    message: { text: messageText(f) },
    // §3.27.12: more than one location only when the fix needs a change at each. The first
    // evidence item is where the finding is; the others support it.
    ...(primary ? { locations: [primary] } : {}),
    ...(related.length > 0 ? { relatedLocations: related.map((loc, i) => ({ id: i + 1, ...loc })) } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      number: f.number,
      severity: f.severity,
      step: f.step,
      subject: f.subject,
      ...(f.causedBy ? { causedBy: f.causedBy } : {}),
      ...(f.explains ? { explains: f.explains } : {}),
    },
  };
}

/** Suppressed findings stay in the log, marked so: the decision and its reason travel with them. */
function suppressedResult(s: Suppressed, ruleIndex: ReadonlyMap<string, number>): Json {
  const level = s.severity ? LEVELS[s.severity] : undefined;
  return {
    ...ruleReference(s.ruleId, ruleIndex),
    // Without a level SARIF takes the rule's default one, the best an older report allows.
    ...(level ? { level } : {}),
    message: { text: stripControl(`${headline(s.title, s.subject)}.`) },
    suppressions: [{ kind: 'external', status: 'accepted', justification: stripControl(s.reason), ...(s.source ? { properties: { source: stripControl(s.source) } } : {}) }],
    partialFingerprints: { [FINGERPRINT_KEY]: s.fingerprint },
  };
}

function ruleReference(ruleId: string, ruleIndex: ReadonlyMap<string, number>): Json {
  const index = ruleIndex.get(ruleId);
  return index === undefined ? { ruleId } : { ruleId, ruleIndex: index };
}

/** Plain text (SARIF `text` is not Markdown): what, where, then why; the first sentence stands alone. */
function messageText(f: NumberedFinding): string {
  return stripControl(`${headline(f.title, f.subject)}. ${f.explanation}`);
}

/** The title with its subject, unless the title already names it. */
function headline(title: string, subject: Subject | undefined): string {
  const bare = title.replace(/[.\s]+$/, '');
  const where = subject ? subjectText(subject) : undefined;
  return where === undefined || bare.includes(where) ? bare : `${bare} (${where})`;
}

/**
 * One evidence item as a SARIF location. A region needs a line (or offset), and its snippet must
 * be that line's text: an evidence line with a pointer is where the document starts and its
 * excerpt is the value pointed at, so then the excerpt (like one without a line) and the JSON
 * pointer (no region field holds one) go in the physical location's property bag. The pointer is
 * also a logical location, the place SARIF gives to positions in structured data.
 */
function location(e: Evidence): Json {
  const hasLine = e.line !== undefined && Number.isInteger(e.line) && e.line >= 1;
  const excerpt = e.excerpt ? stripControl(e.excerpt) : undefined;
  const pointer = e.pointer ? stripControl(e.pointer) : undefined;
  const quotesTheLine = hasLine && pointer === undefined;
  const region = hasLine ? { startLine: e.line, ...(excerpt !== undefined && quotesTheLine ? { snippet: { text: excerpt } } : {}) } : undefined;
  const bag = { ...(pointer ? { jsonPointer: pointer } : {}), ...(excerpt !== undefined && !quotesTheLine ? { excerpt } : {}) };
  return {
    physicalLocation: {
      artifactLocation: { uri: bundleUri(e.path), uriBaseId: BUNDLE_BASE },
      ...(region ? { region } : {}),
      ...(Object.keys(bag).length > 0 ? { properties: bag } : {}),
    },
    ...(pointer ? { logicalLocations: [{ name: lastToken(pointer), fullyQualifiedName: pointer }] } : {}),
  };
}

/**
 * A bundle path as a relative URI reference: each segment percent-encoded (spaces, `#`, `%`, `?`,
 * and `:` that would otherwise read as a scheme), the `/` between them kept.
 */
export function bundleUri(path: string): string {
  // A lone surrogate would make encodeURIComponent throw.
  const wellFormed = path.replace(/\p{Cs}/gu, '\uFFFD');
  return wellFormed.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}

/** The last reference token of a JSON pointer, unescaped (RFC 6901: `~1` is `/`, `~0` is `~`). */
function lastToken(pointer: string): string {
  return (pointer.split('/').pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
}
