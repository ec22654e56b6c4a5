import { ISTIOD_SIGNATURES } from '../artifacts/logs/istiod-signatures.js';
import { LOG_SIGNATURES, type SignatureId } from '../artifacts/logs/signatures.js';
import type { ContainerStatus } from '../artifacts/k8s/pod-schema.js';
import type { LogRecord, MeshModel, PodRecord } from '../model/facets.js';
import { compareText } from '../order.js';
import { evidenceAt, plural } from '../rules/evidence.js';
import type { Evidence, Finding, Subject } from '../rules/rule.js';
import { targetOf, targetSubject } from '../rules/sidecar-logs/by-target.js';
import { logSubject } from '../rules/sidecar-logs/signature-findings.js';
import { certificateName, proxySubject, rfc3339 } from '../rules/certificates/certificate-text.js';

/**
 * The dated events a bundle holds, in order: container terminations and restarts, pods turning not
 * ready, the first and last line of each log signature per target, the collection itself. "Everything
 * failed at 3 AM" then reads as a sequence. Times are the bundle's own, never the wall clock.
 */
export type TimelineEvent = {
  /** As the bundle writes it (UTC). */
  time: string;
  kind: TimelineKind;
  subject: Subject;
  what: string;
  evidence: Evidence;
  /** Fingerprints of the findings this event is evidence of. */
  findings?: string[];
};

export const TIMELINE_KINDS = ['certificate-expired', 'container-terminated', 'container-restarted', 'pod-not-ready', 'log-first', 'log-last', 'log-once', 'collected'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** The rule that reports each log signature, so an event links to its finding. */
const SIGNATURE_RULES: Record<SignatureId, string> = {
  upstreamConnectError: 'LOG001',
  noHealthyUpstream: 'LOG002',
  tlsError: 'LOG003',
  noRouteMatched: 'LOG004',
  rbacDenied: 'LOG005',
  bindFailure: 'LOG006',
  tooManyOpenFiles: 'LOG007',
  xdsStreamClosed: 'LOG008',
  proxyNotReady: 'LOG010',
  configRejected: 'CP008',
  ackError: 'CP008',
  pushSendFailure: 'CP009',
  pushWriteTimeout: 'CP009',
  rateLimited: 'CP009',
  caSigningError: 'CP009',
  leaderElectionLost: 'CP009',
};

/** The signatures whose breakdown keys name the upstream the requests failed toward (rules/sidecar-logs/by-target.ts). */
const TARGETED: ReadonlySet<SignatureId> = new Set(['upstreamConnectError', 'noHealthyUpstream']);

const TITLES = new Map([...LOG_SIGNATURES, ...ISTIOD_SIGNATURES].map((s) => [s.id, s.title]));

export function buildTimeline(model: MeshModel, findings: readonly Finding[]): TimelineEvent[] {
  const citations = new Citations(findings);
  const events = [
    ...model.facets['kubectl.pods'].flatMap((pod) => podEvents(pod, citations)),
    ...logEvents([...model.facets['logs.proxy'], ...model.facets['logs.istiod']], citations),
    ...certificateEvents(model, citations),
  ];
  const { collectedAt, collectedAtSource } = model.bundle;
  if (collectedAt && collectedAtSource === 'manifest') {
    events.push({ time: collectedAt, kind: 'collected', subject: { kind: 'Bundle', name: model.bundle.source }, what: 'the bundle was collected', evidence: { path: 'manifest.json', pointer: '/collectedAt' } });
  }
  return events.filter((e) => !Number.isNaN(Date.parse(e.time))).sort(inOrder);
}

/** By instant (`…:44Z` and `…:44.120Z` compared as times, not text), then a stable order of the rest. */
function inOrder(a: TimelineEvent, b: TimelineEvent): number {
  return (
    Date.parse(a.time) - Date.parse(b.time) ||
    TIMELINE_KINDS.indexOf(a.kind) - TIMELINE_KINDS.indexOf(b.kind) ||
    compareText(`${a.subject.namespace ?? ''}/${a.subject.name}`, `${b.subject.namespace ?? ''}/${b.subject.name}`) ||
    compareText(a.what, b.what)
  );
}

function podEvents(record: PodRecord, citations: Citations): TimelineEvent[] {
  const subject: Subject = { kind: 'Pod', namespace: record.namespace, name: record.name };
  // A finding citing the pod's status (CP003 on an OOMKill) is what these events are evidence of.
  const linked = citations.citing([record.source.path], { cites: (e) => isWithin(e.pointer, `${record.source.pointer ?? ''}/status`) });
  const at = (suffix: string, text: string) => evidenceAt({ ...record.source, pointer: `${record.source.pointer ?? ''}${suffix}` }, text);
  const events: TimelineEvent[] = [];
  const status = record.pod.status;
  for (const [field, statuses] of [['containerStatuses', status?.containerStatuses], ['initContainerStatuses', status?.initContainerStatuses]] as const) {
    (statuses ?? []).forEach((container: ContainerStatus, i) => {
      const base = `/status/${field}/${i}`;
      for (const state of ['lastState', 'state'] as const) {
        const terminated = container[state]?.terminated;
        if (!terminated?.finishedAt) continue;
        // An init container that ran to completion did its job: not an event of the incident.
        if (field === 'initContainerStatuses' && terminated.exitCode === 0) continue;
        const reason = `${terminated.reason ?? 'terminated'}${terminated.exitCode !== undefined ? ` (exit ${terminated.exitCode})` : ''}`;
        events.push({
          time: terminated.finishedAt,
          kind: 'container-terminated',
          subject,
          what: `container ${container.name} terminated: ${reason}${terminated.startedAt ? `, after running since ${terminated.startedAt}` : ''}`,
          evidence: at(`${base}/${state}/terminated`, JSON.stringify(terminated)),
          ...linked,
        });
      }
      const started = container.state?.running?.startedAt;
      const restarts = container.restartCount ?? 0;
      if (started && restarts > 0) {
        events.push({ time: started, kind: 'container-restarted', subject, what: `container ${container.name} running again (${plural(restarts, 'restart')} so far)`, evidence: at(`${base}/state/running`, `restartCount ${restarts}`), ...linked });
      }
    });
  }
  (status?.conditions ?? []).forEach((condition, i) => {
    if (condition.type !== 'Ready' || condition.status !== 'False' || !condition.lastTransitionTime) return;
    events.push({ time: condition.lastTransitionTime, kind: 'pod-not-ready', subject, what: `pod not ready${condition.reason ? ` (${condition.reason})` : ''}`, evidence: at(`/status/conditions/${i}`, `Ready False`), ...linked });
  });
  return events;
}

interface SignatureSpan {
  id: SignatureId;
  /** The target the lines fail toward, or the breakdown key when they name none. */
  about: string;
  targeted: boolean;
  logs: Set<LogRecord>;
  count: number;
  first: { time: string; log: LogRecord; line: number; text: string };
  last: { time: string; log: LogRecord; line: number; text: string };
}

/**
 * The first and last dated line of each signature, per target (or per key when it names none),
 * across every log: 200 pods failing toward one host are two events, not 400.
 */
function logEvents(logs: readonly LogRecord[], citations: Citations): TimelineEvent[] {
  const spans = new Map<string, SignatureSpan>();
  for (const log of logs) {
    for (const [id, hits] of Object.entries(log.summary.signatures) as Array<[SignatureId, NonNullable<LogRecord['summary']['signatures'][string]>]>) {
      for (const row of hits.breakdown) {
        if (row.firstTime === undefined || row.lastTime === undefined) continue;
        // Only these two signatures are keyed by the upstream; the others by policy, reason or message.
        const target = TARGETED.has(id) ? targetOf(row) : undefined;
        const about = target ?? row.key;
        const key = `${id}\n${about}`;
        const first = { time: row.firstTime, log, line: row.first.line, text: row.first.text };
        const last = { time: row.lastTime, log, line: row.last.line, text: row.last.text };
        const span = spans.get(key);
        if (!span) {
          spans.set(key, { id, about, targeted: target !== undefined, logs: new Set([log]), count: row.count, first, last });
          continue;
        }
        span.logs.add(log);
        span.count += row.count;
        if (Date.parse(first.time) < Date.parse(span.first.time)) span.first = first;
        if (Date.parse(last.time) > Date.parse(span.last.time)) span.last = last;
      }
    }
  }
  return [...spans.values()].flatMap((span) => spanEvents(span, citations));
}

function spanEvents(span: SignatureSpan, citations: Citations): TimelineEvent[] {
  const ruleId = SIGNATURE_RULES[span.id];
  const paths = new Set([...span.logs].map((l) => l.path));
  // A targeted span is evidence of the finding about that target only, not of the rule's other targets in the same logs.
  const subject = span.targeted ? targetSubject(span.about) : undefined;
  const linked = citations.citing(paths, {
    about: (f) => f.ruleId === ruleId && (subject === undefined || (f.subject.kind === subject.kind && f.subject.name === subject.name && f.subject.namespace === subject.namespace)),
  });
  // Plain text: the JSON carries it as is and every renderer escapes it its own way.
  const title = TITLES.get(span.id) ?? span.id;
  const about = span.targeted ? ` toward ${span.about}` : ` (${span.about})`;
  const scale = span.logs.size > 1 ? `, ${plural(span.count, 'time')} in ${plural(span.logs.size, 'log')}` : `, ${plural(span.count, 'time')}`;
  const event = (kind: TimelineKind, at: SignatureSpan['first'], what: string): TimelineEvent => ({
    time: at.time,
    kind,
    subject: logSubject(at.log),
    what,
    evidence: evidenceAt({ path: at.log.path, line: at.line }, at.text),
    ...linked,
  });
  if (span.count === 1 || (span.first.time === span.last.time && span.first.log === span.last.log && span.first.line === span.last.line)) {
    return [event('log-once', span.first, `${title}${about}${scale}`)];
  }
  return [event('log-first', span.first, `first ${title}${about}${scale}`), event('log-last', span.last, `last ${title}${about}`)];
}

const CERTIFICATE_INPUTS = ['envoy.configDump', 'envoy.certs', 'certs.public', 'k8s.resources'] as const;

/**
 * Certificates that expired before the collection: each CA certificate, and per namespace the first
 * workload certificate to expire (with how many did), so "everything failed at 3 AM" shows its cause.
 */
function certificateEvents(model: MeshModel, citations: Citations): TimelineEvent[] {
  const now = model.bundle.collectedAt ? Date.parse(model.bundle.collectedAt) : NaN;
  if (Number.isNaN(now) || !CERTIFICATE_INPUTS.some((id) => model.provided.has(id))) return [];
  const view = model.view('certificates');
  const cites = (ruleId: string, path: string) => citations.citing([path], { about: (f) => f.ruleId === ruleId });
  const events: TimelineEvent[] = [];
  for (const ca of view.caCertificates) {
    if (Date.parse(ca.certificate.notAfter) > now) continue;
    const where = ca.seenIn[0]!;
    events.push({ time: rfc3339(ca.certificate.notAfter), kind: 'certificate-expired', subject: { kind: 'Certificate', name: certificateName(ca.certificate) }, what: `CA certificate ${certificateName(ca.certificate)} expired (${where.what})`, evidence: evidenceAt(where.source), ...cites('CERT003', where.source.path) });
  }
  const expiredByNamespace = new Map<string, Array<(typeof view.proxies)[number]>>();
  for (const proxy of view.proxies) {
    const leaf = proxy.workload?.chain[0];
    if (!leaf || Date.parse(leaf.notAfter) > now) continue;
    const key = proxy.namespace ?? proxy.id;
    expiredByNamespace.set(key, [...(expiredByNamespace.get(key) ?? []), proxy]);
  }
  for (const [namespace, proxies] of expiredByNamespace) {
    const first = [...proxies].sort((a, b) => compareText(a.workload!.chain[0]!.notAfter, b.workload!.chain[0]!.notAfter) || compareText(a.id, b.id))[0]!;
    const more = proxies.length > 1 ? `, ${proxies.length} in ${namespace} by the collection` : '';
    events.push({ time: rfc3339(first.workload!.chain[0]!.notAfter), kind: 'certificate-expired', subject: proxySubject(first), what: `workload certificate of ${first.id} expired${more}`, evidence: evidenceAt(first.workload!.source), ...cites('CERT001', first.workload!.source.path) });
  }
  return events;
}

/**
 * The findings' evidence (and their occurrences'), by the file it cites: an event asks only the
 * findings that cite its own file instead of every finding (2,000 pods × 2,000 findings otherwise).
 */
class Citations {
  private readonly byPath = new Map<string, Array<{ finding: Finding; evidence: Evidence }>>();

  constructor(findings: readonly Finding[]) {
    for (const finding of findings) {
      const cited = [...finding.evidence, ...(finding.occurrences ?? []).flatMap((o) => (o.evidence ? [o.evidence] : []))];
      for (const evidence of cited) {
        const list = this.byPath.get(evidence.path) ?? [];
        list.push({ finding, evidence });
        this.byPath.set(evidence.path, list);
      }
    }
  }

  /** `{ findings }`: the fingerprints of the findings `about` accepts that cite one of `paths` with evidence `cites` accepts. */
  citing(paths: Iterable<string>, { about = () => true, cites = () => true }: { about?: (f: Finding) => boolean; cites?: (e: Evidence) => boolean } = {}): { findings?: string[] } {
    const fingerprints = new Set<string>();
    for (const path of paths) {
      for (const { finding, evidence } of this.byPath.get(path) ?? []) {
        if (about(finding) && cites(evidence)) fingerprints.add(finding.fingerprint);
      }
    }
    return fingerprints.size > 0 ? { findings: [...fingerprints].sort(compareText) } : {};
  }
}

/** `/items/3/status/…` is within `/items/3`; `/items/30` is not. */
function isWithin(pointer: string | undefined, base: string): boolean {
  return pointer === base || (pointer?.startsWith(`${base}/`) ?? false);
}

