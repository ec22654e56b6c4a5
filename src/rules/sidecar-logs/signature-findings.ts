import type { SignatureHits } from '../../artifacts/logs/schema.js';
import type { SignatureId } from '../../artifacts/logs/signatures.js';
import type { LogRecord } from '../../model/facets.js';
import { evidenceAt, percent, plural } from '../evidence.js';
import type { FindingInput, Severity, Subject } from '../rule.js';
import { shell } from '../shell.js';

/**
 * When a log signature is critical rather than high: most of the pod's requests fail with it, and
 * there are enough requests for the share to mean something (step 4 severities).
 */
export const SIGNATURE_SEVERITY = {
  /** Below this many requests a failure share says little; the finding stays high. */
  minRequests: 10,
  /** Failing requests above this share of all make it critical. */
  criticalShare: 0.5,
  /** From this many requests a small share is rare rather than unknown: a day of traffic, not a burst. */
  minorMinRequests: 1000,
  /** Failing requests below this share (of at least minorMinRequests) make it medium: real, but not what the traffic suffers from. */
  minorShare: 0.01,
} as const;

/** The threshold every log-signature rule states in its catalogue entry. */
export const SIGNATURE_THRESHOLD =
  `any match; critical above ${SIGNATURE_SEVERITY.criticalShare * 100}% of requests (≥ ${SIGNATURE_SEVERITY.minRequests} requests); ` +
  `medium below ${SIGNATURE_SEVERITY.minorShare * 100}% of requests (≥ ${SIGNATURE_SEVERITY.minorMinRequests} requests, access lines only)`;

/**
 * Step 4's severity by impact: most requests failing is critical; a rare failure in plenty of
 * traffic (and no log message beside it) is medium; anything else high.
 */
export function signatureSeverity(failed: number, lines: number, requests: number): Severity {
  if (requests >= SIGNATURE_SEVERITY.minRequests && failed > requests * SIGNATURE_SEVERITY.criticalShare) return 'critical';
  if (lines === 0 && requests >= SIGNATURE_SEVERITY.minorMinRequests && failed < requests * SIGNATURE_SEVERITY.minorShare) return 'medium';
  return 'high';
}

export interface SignatureMatch {
  log: LogRecord;
  hits: SignatureHits;
  subject: Subject;
  /** Tells apart two logs of one pod: its containers, and a previous container's log. */
  key: string;
  /** By impact: critical when most of the pod's requests fail with it, medium when rare in plenty of traffic, else high. */
  severity: Severity;
  /** e.g. "42 of 50 requests (84%)" or "3 log lines". */
  volume: string;
}

/** Every log with at least one hit of the signature, with the severity step 4 gives it. */
export function signatureMatches(logs: readonly LogRecord[], id: SignatureId): SignatureMatch[] {
  return logs.flatMap((log) => {
    const hits = log.summary.signatures[id];
    return hits ? [signatureMatch(log, hits)] : [];
  });
}

/** One log's hits as a finding reads them: the subject, the volume, the severity. */
export function signatureMatch(log: LogRecord, hits: SignatureHits): SignatureMatch {
  const requests = log.summary.access.requests;
  const lines = hits.count - hits.accessCount;
  const parts = [];
  if (hits.accessCount > 0) parts.push(`${hits.accessCount} of ${plural(requests, 'request')} (${percent(hits.accessCount, requests)})`);
  if (lines > 0) parts.push(plural(lines, 'log line'));
  return {
    log,
    hits,
    key: `${log.container}${log.previous ? ' (previous)' : ''}`,
    subject: logSubject(log),
    severity: signatureSeverity(hits.accessCount, lines, requests),
    volume: parts.join(' and '),
  };
}

/** What a log is about: its pod, or the file itself when nothing in the bundle ties it to one. */
export function logSubject(log: LogRecord): Subject {
  return log.pod === undefined ? { kind: 'File', name: log.path } : { kind: 'Pod', ...(log.namespace ? { namespace: log.namespace } : {}), name: log.pod };
}

/** First and last matching line, the way an engineer quotes a log in a ticket. */
export function signatureEvidence(match: SignatureMatch) {
  const { first, last } = match.hits;
  const evidence = [evidenceAt({ path: match.log.path, line: first.line }, first.text)];
  if (last.line !== first.line) evidence.push(evidenceAt({ path: match.log.path, line: last.line }, last.text));
  return evidence;
}

export function breakdownText(match: SignatureMatch, label: string): string {
  const rows = match.hits.breakdown;
  if (rows.length === 0) return '';
  const shown = rows.slice(0, 5).map((row) => `\`${row.key}\` (${row.count})`);
  return ` By ${label}: ${shown.join(', ')}${rows.length > 5 ? ', …' : ''}.`;
}

/** The pod as a title names it; a previous container's log says so, so its finding is told apart. */
export function podLabel(log: LogRecord): string {
  if (log.pod === undefined) return `the log ${log.path}`;
  return log.previous ? `${log.pod} (previous container)` : log.pod;
}

const IDENTIFIED_BY: Partial<Record<LogRecord['identifiedBy'], string>> = {
  'proxy-id': ' (named by the proxy id pilot-agent logged at start-up)',
  'pod-ip': ' (matched to the pod by the IP in its access log)',
  'file-name': ' (pod named after the file: the bundle does not confirm it)',
  prefix: ' (from the `kubectl logs --prefix` source of its lines)',
};

/** How a log was tied to its pod, when the bundle did not say so itself (empty for the manifest and the path layout). */
export function identifiedByNote(log: LogRecord): string {
  return IDENTIFIED_BY[log.identifiedBy] ?? '';
}

export function where(match: SignatureMatch): string {
  const { log } = match;
  if (log.pod === undefined) return `The log \`${log.path}\` (no pod in the bundle matches it; its pod is not known)`;
  const pod = `${log.namespace ? `${log.namespace}/${log.pod}` : log.pod}${log.previous ? ' (log of the previous container)' : ''}`;
  return `\`${pod}\`${identifiedByNote(log)}`;
}

export function severityNote(match: SignatureMatch): string {
  if (match.severity === 'critical') return ' Most of this pod\'s requests fail this way, so the severity is raised to critical.';
  return match.severity === 'medium' ? ' A rare failure in this much traffic (under 1% of its requests), so the severity is lowered to medium.' : '';
}

/** The cluster's parts: `outbound|9080|v1|reviews.bookinfo.svc.cluster.local`. */
export function parseCluster(cluster: string): { direction: string; port?: string; subset?: string; host?: string } | undefined {
  const parts = cluster.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, host] = parts as [string, string, string, string];
  return { direction, ...(port ? { port } : {}), ...(subset ? { subset } : {}), ...(host ? { host } : {}) };
}

/**
 * Commands about the log's pod, given `<pod> -n <namespace>` shell-quoted. A log that no pod is
 * tied to gets the command that finds its pod instead: a file name is never passed on as a pod.
 */
export function podCommands(log: LogRecord, commands: (podArgs: string) => string[]): string[] {
  if (log.pod === undefined) {
    const ip = log.summary.access.ownIp;
    return [ip ? shell`kubectl get pods -A -o wide --field-selector status.podIP=${ip}` : 'kubectl get pods -A -o wide'];
  }
  return commands(log.namespace ? shell`${log.pod} -n ${log.namespace}` : shell`${log.pod}`);
}

export type { FindingInput };
