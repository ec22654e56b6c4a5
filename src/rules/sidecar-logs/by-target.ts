import type { SignatureHits } from '../../artifacts/logs/schema.js';
import type { SignatureId } from '../../artifacts/logs/signatures.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import type { LogRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { evidenceAt, percent, plural } from '../evidence.js';
import type { Evidence, Occurrence, Severity, Subject } from '../rule.js';
import { identifiedByNote, logSubject, parseCluster, signatureMatch, signatureMatches, signatureSeverity, SIGNATURE_SEVERITY, type SignatureMatch } from './signature-findings.js';

type Row = SignatureHits['breakdown'][number];

/** One pod's failures toward a target: the breakdown rows of its log that name the target. */
export interface TargetSide {
  log: LogRecord;
  rows: Row[];
  count: number;
  accessCount: number;
  first: Row['first'];
  last: Row['last'];
  firstTime?: string;
  lastTime?: string;
}

/**
 * Every pod's failures toward one upstream target, as one finding reports them: on a mesh where
 * 200 sidecars see the same upstream fail, the target is the problem and the pods are its evidence.
 */
export interface TargetGroup {
  /** The outbound cluster's host, or the request's authority when no cluster was chosen. */
  host: string;
  /** The Service for a `<name>.<namespace>.svc.cluster.local` host; the host itself otherwise. */
  subject: Subject;
  /** The cluster (or authority) keys seen for the host, most failures first. */
  keys: Array<{ key: string; count: number }>;
  /** The pods failing toward it, most failures first. */
  sides: TargetSide[];
  count: number;
  accessCount: number;
  /** All requests of the affected pods' access logs: what the failures are read against. */
  requests: number;
  firstTime?: string;
  lastTime?: string;
  severity: Severity;
  /** e.g. "42 of its 50 requests (84%), 42 of the 44 sent to it (95%)" or "3 log lines". */
  volume: string;
}

/** Envoy's own clusters: their failures have no one target (the destination is an IP each time). */
const NOT_A_TARGET = new Set(['unknown destination', 'PassthroughCluster', 'BlackHoleCluster', 'InboundPassthroughClusterIpv4', 'InboundPassthroughClusterIpv6']);

/**
 * The target a breakdown row names: an outbound cluster's host, or an authority (`reviews:9080`
 * → `reviews`). Rows of plain log lines are keyed by reset reason or message, and inbound clusters
 * name the pod's own application: those have no shared target.
 */
export function targetOf(row: Row): string | undefined {
  if (row.accessCount === 0 || NOT_A_TARGET.has(row.key)) return undefined;
  const cluster = parseCluster(row.key);
  if (cluster) return cluster.direction === 'outbound' ? cluster.host : undefined;
  if (row.key.includes('|') || /\s/.test(row.key)) return undefined;
  return hostOfAuthority(row.key);
}

/** `reviews:9080` → `reviews`; `[::1]:80` → `::1`; a bare host stays as it is. */
function hostOfAuthority(authority: string): string | undefined {
  const host = authority.startsWith('[') ? authority.slice(1, authority.indexOf(']')) : authority.replace(/:\d+$/, '');
  return host === '' ? undefined : host.toLowerCase();
}

export function targetSubject(host: string): Subject {
  const service = serviceOfFqdn(host);
  return service ? { kind: 'Service', namespace: service.namespace, name: service.name } : { kind: 'Host', name: host };
}

/**
 * A signature's matches grouped by the target they fail toward, worst first; and, per pod, what
 * names no target (plain log lines, inbound or passthrough failures), as the per-pod matches of
 * `signatureMatches` restricted to those rows.
 */
export function signatureGroups(logs: readonly LogRecord[], id: SignatureId): { groups: TargetGroup[]; perPod: SignatureMatch[] } {
  return signatureGroupsBy(logs, id, (row) => targetOf(row), targetSubject);
}

/**
 * The same grouping by any shared key of a row (the reason a readiness probe fails, whether an xDS
 * close is routine): `keyOf` returns the group a row belongs to, undefined to leave it per pod.
 */
export function signatureGroupsBy(
  logs: readonly LogRecord[],
  id: SignatureId,
  keyOf: (row: Row, log: LogRecord) => string | undefined,
  subjectOf: (key: string) => Subject,
  /**
   * Every row of a log goes to one group (a key that depends on the log, not the row): the side then
   * counts the log's totals, matches of keys past the breakdown's ten included.
   */
  options: { wholeLog?: boolean } = {},
): { groups: TargetGroup[]; perPod: SignatureMatch[] } {
  const byHost = new Map<string, Map<LogRecord, Row[]>>();
  const totals = new Map<LogRecord, SignatureHits>();
  const perPod: SignatureMatch[] = [];
  for (const match of signatureMatches(logs, id)) {
    if (options.wholeLog) totals.set(match.log, match.hits);
    const untargeted: Row[] = [];
    for (const row of match.hits.breakdown) {
      const host = keyOf(row, match.log);
      if (host === undefined) {
        untargeted.push(row);
        continue;
      }
      let sides = byHost.get(host);
      if (!sides) byHost.set(host, (sides = new Map()));
      const rows = sides.get(match.log) ?? [];
      rows.push(row);
      sides.set(match.log, rows);
    }
    if (untargeted.length === match.hits.breakdown.length) perPod.push(match);
    else if (untargeted.length > 0) perPod.push(restricted(match, untargeted));
  }
  const groups = [...byHost].map(([host, sides]) => group(host, subjectOf(host), [...sides].map(([log, rows]) => side(log, rows, totals.get(log)))));
  groups.sort((a, b) => b.count - a.count || compareText(a.host, b.host));
  return { groups, perPod };
}

function side(log: LogRecord, rows: Row[], whole?: SignatureHits): TargetSide {
  if (whole) {
    const { count, accessCount, first, last } = whole;
    return { log, rows, count, accessCount, first, last, ...timeSpan([whole]) };
  }
  const first = rows.reduce((a, b) => (b.first.line < a.first.line ? b : a)).first;
  const last = rows.reduce((a, b) => (b.last.line > a.last.line ? b : a)).last;
  const span = timeSpan(rows);
  return { log, rows, count: sum(rows, 'count'), accessCount: sum(rows, 'accessCount'), first, last, ...span };
}

function group(host: string, subject: Subject, sides: TargetSide[]): TargetGroup {
  sides.sort((a, b) => b.count - a.count || compareText(podName(a.log), podName(b.log)));
  const keys = new Map<string, number>();
  for (const s of sides) for (const row of s.rows) keys.set(row.key, (keys.get(row.key) ?? 0) + row.count);
  const count = sum(sides, 'count');
  const accessCount = sum(sides, 'accessCount');
  const requests = sides.reduce((total, s) => total + s.log.summary.access.requests, 0);
  const toHost = sides.reduce((total, s) => total + (s.log.summary.access.byUpstreamHost?.[host] ?? 0), 0);
  const lines = count - accessCount;
  const parts = [];
  if (accessCount > 0) {
    const their = sides.length === 1 ? 'its' : 'their';
    const share = toHost >= accessCount ? `, ${accessCount} of the ${toHost} sent to it (${percent(accessCount, toHost)})` : '';
    parts.push(`${accessCount} of ${their} ${plural(requests, 'request')} (${percent(accessCount, requests)})${share}`);
  }
  if (lines > 0) parts.push(plural(lines, 'log line'));
  return {
    host,
    subject,
    keys: [...keys].map(([key, n]) => ({ key, count: n })).sort((a, b) => b.count - a.count || compareText(a.key, b.key)),
    sides,
    count,
    accessCount,
    requests,
    ...timeSpan(sides),
    severity: groupSeverity(accessCount, lines, requests, toHost),
    volume: parts.join(' and '),
  };
}

/**
 * Step 4's severity over the affected pods' traffic, but never lowered when the requests sent to the
 * target mostly fail: 50 of 50 calls to a Service failing is not rare because the pods serve 10,000 more.
 */
function groupSeverity(failed: number, lines: number, requests: number, toTarget: number): Severity {
  const severity = signatureSeverity(failed, lines, requests);
  return severity === 'medium' && toTarget > 0 && failed > toTarget * SIGNATURE_SEVERITY.criticalShare ? 'high' : severity;
}

/** A match counting only some of its rows: the pod's failures that no shared target explains. */
function restricted(match: SignatureMatch, rows: Row[]): SignatureMatch {
  const { first, last } = side(match.log, rows);
  return signatureMatch(match.log, { count: sum(rows, 'count'), accessCount: sum(rows, 'accessCount'), first, last, ...timeSpan(rows), breakdown: rows });
}

/** One breakdown row per key of the group, as the most affected pod that logged it has it: the line a cause is read from. */
export function rowPerKey(group: TargetGroup): Row[] {
  const rows = group.sides.flatMap((s) => s.rows);
  return group.keys.map(({ key }) => rows.find((row) => row.key === key)!);
}

/** The first line of the worst pods and the last of the worst, at most `pods` pods. */
export function groupEvidence(target: TargetGroup, pods = 5): Evidence[] {
  const evidence = target.sides.slice(0, pods).map((s) => evidenceAt({ path: s.log.path, line: s.first.line }, s.first.text));
  const worst = target.sides[0];
  if (worst && worst.last.line !== worst.first.line) evidence.splice(1, 0, evidenceAt({ path: worst.log.path, line: worst.last.line }, worst.last.text));
  return evidence;
}

export function groupOccurrences(target: TargetGroup): Occurrence[] {
  return target.sides.map((s) => ({
    subject: logSubject(s.log),
    count: s.count,
    ...(s.log.summary.access.requests > 0 ? { requests: s.log.summary.access.requests } : {}),
    ...(s.firstTime !== undefined ? { firstTime: s.firstTime } : {}),
    ...(s.lastTime !== undefined ? { lastTime: s.lastTime } : {}),
    // Where, not what: the finding's own evidence quotes the worst pods' lines, and 200 pods' excerpts would bloat the report.
    evidence: { path: s.log.path, line: s.first.line },
  }));
}

/** Why a grouped finding is not high: most of the affected pods' requests fail, or the failures are rare in their traffic. */
export function groupSeverityNote(target: TargetGroup): string {
  if (target.severity === 'critical') return ' Most of the affected pods\' requests fail this way, so the severity is raised to critical.';
  return target.severity === 'medium' ? ' A rare failure in this much traffic (under 1% of the affected pods\' requests), so the severity is lowered to medium.' : '';
}

/** "`bookinfo/reviews-v2-…` (8), `bookinfo/reviews-v3-…` (3), and 4 more pods" */
export function worstPodsText(target: TargetGroup, shown = 5): string {
  const named = target.sides.slice(0, shown).map((s) => `\`${podName(s.log)}\`${s.log.previous ? ' (previous container)' : ''} (${s.count})`);
  const more = target.sides.length - shown;
  return `${named.join(', ')}${more > 0 ? `, and ${plural(more, 'more pod')}` : ''}`;
}

/** ", from 2025-03-11T09:37:26Z to 2025-03-11T10:02:11Z", when the lines carry times. */
export function spanText(target: { firstTime?: string; lastTime?: string }): string {
  if (target.firstTime === undefined) return '';
  return target.firstTime === target.lastTime ? `, at ${target.firstTime}` : `, from ${target.firstTime} to ${target.lastTime}`;
}

/** "`bookinfo/reviews-v2-…`" for one pod, "3 pods" for several. */
export function whoText(target: TargetGroup): string {
  const [only] = target.sides;
  if (target.sides.length !== 1 || !only) return plural(target.sides.length, 'pod');
  return `\`${podName(only.log)}\`${only.log.previous ? ' (log of the previous container)' : ''}${identifiedByNote(only.log)}`;
}

export function keysText(target: TargetGroup, label: string): string {
  const shown = target.keys.slice(0, 5).map((k) => `\`${k.key}\` (${k.count})`);
  return ` By ${label}: ${shown.join(', ')}${target.keys.length > 5 ? ', …' : ''}.`;
}


function podName(log: LogRecord): string {
  if (log.pod === undefined) return log.path;
  return log.namespace ? `${log.namespace}/${log.pod}` : log.pod;
}

function timeSpan(items: ReadonlyArray<{ firstTime?: string; lastTime?: string }>): { firstTime?: string; lastTime?: string } {
  let firstTime: string | undefined;
  let lastTime: string | undefined;
  for (const item of items) {
    if (item.firstTime !== undefined && (firstTime === undefined || item.firstTime < firstTime)) firstTime = item.firstTime;
    if (item.lastTime !== undefined && (lastTime === undefined || item.lastTime > lastTime)) lastTime = item.lastTime;
  }
  return { ...(firstTime !== undefined ? { firstTime } : {}), ...(lastTime !== undefined ? { lastTime } : {}) };
}

function sum<K extends string>(items: ReadonlyArray<Record<K, number>>, key: K): number {
  return items.reduce((total, item) => total + item[key], 0);
}
