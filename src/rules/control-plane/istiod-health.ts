import type { PodRecord } from '../../model/facets.js';
import { containerStatuses, isServing, phaseCause, podCondition } from '../../model/pods.js';
import { evidenceAt, plural } from '../evidence.js';
import { severityRank, type Evidence, type Severity } from '../rule.js';

/**
 * What is wrong with one istiod pod, as CP003 reports it and as CP001 needs to know it (stale
 * proxies are explained by a control plane that is down). Critical: not Running, not Ready,
 * CrashLoopBackOff, OOMKilled. Medium: restarted but Running and Ready, or a Failed replica left
 * behind while another replica serves.
 */
export interface IstiodHealth {
  severity: Severity;
  /** The most telling problem, for a title: crashlooping, then down, then OOMKilled. */
  headline?: string;
  problems: string[];
  evidence: Evidence[];
  oomKilled: boolean;
  /** A Failed/Succeeded replica while another istiod replica is Running and Ready. */
  leftBehind: boolean;
}

export function istiodHealth(record: PodRecord, istiods: readonly PodRecord[]): IstiodHealth | undefined {
  const { pod } = record;
  const problems: string[] = [];
  const evidence: Evidence[] = [];
  let severity = 'info' as Severity;
  let headline: string | undefined;
  const headlineIf = (text: string) => {
    headline ??= text;
  };
  const raise = (to: Severity) => {
    if (severityRank(to) < severityRank(severity)) severity = to;
  };
  const phase = pod.status?.phase;
  const readySibling = servingReplicas(record, istiods).length > 0;
  const leftBehind = (phase === 'Failed' || phase === 'Succeeded') && readySibling;
  if (leftBehind) {
    // An evicted or finished replica stays listed until cleaned up; the control plane runs on.
    raise('medium');
    problems.push(`the pod is ${phaseCause(pod, phase).text}, a replica left behind while another istiod replica is Running and Ready`);
    evidence.push(evidenceAt(record.source, `status.phase: ${phase}`, '/status/phase'));
  } else if (phase && phase !== 'Running') {
    raise('critical');
    headlineIf(`is ${phase}`);
    const cause = phaseCause(pod, phase);
    problems.push(`the pod is ${cause.text}`);
    evidence.push(evidenceAt(record.source, `status.phase: ${phase}`, '/status/phase'));
    if (cause.evidence) evidence.push(evidenceAt(record.source, cause.evidence.excerpt, cause.evidence.pointer));
  } else if (podCondition(pod, 'Ready') === 'False') {
    raise('critical');
    headlineIf('is not Ready');
    problems.push('the pod is not Ready');
    const index = pod.status?.conditions?.findIndex((c) => c.type === 'Ready') ?? -1;
    evidence.push(evidenceAt(record.source, 'condition Ready=False', `/status/conditions/${index}`));
  }
  let oomKilled = false;
  for (const status of containerStatuses(pod)) {
    const waiting = status.state?.waiting?.reason;
    const oom = status.state?.terminated?.reason === 'OOMKilled' ? 'state' : status.lastState?.terminated?.reason === 'OOMKilled' ? 'lastState' : undefined;
    const restarts = status.restartCount ?? 0;
    if (waiting === 'CrashLoopBackOff') {
      raise('critical');
      headline = `is crashlooping (${plural(restarts, 'restart')})`;
      problems.push(`container \`${status.name}\` is in CrashLoopBackOff after ${restarts} restarts`);
      evidence.push(evidenceAt(record.source, `${status.name}: waiting CrashLoopBackOff, restartCount ${restarts}`, `${status.pointer}/state/waiting/reason`));
    }
    if (oom) {
      oomKilled = true;
      raise('critical');
      headlineIf(`was OOMKilled${restarts > 0 ? ` (${plural(restarts, 'restart')})` : ''}`);
      const exit = (oom === 'state' ? status.state : status.lastState)?.terminated?.exitCode;
      problems.push(`container \`${status.name}\` was OOMKilled${exit !== undefined ? ` (exit code ${exit})` : ''}: it ran out of its memory limit`);
      evidence.push(evidenceAt(record.source, `${status.name}: ${oom}.terminated.reason OOMKilled`, `${status.pointer}/${oom}/terminated/reason`));
    }
    if (restarts > 0 && waiting !== 'CrashLoopBackOff') {
      raise('medium');
      const last = status.lastState?.terminated;
      problems.push(`container \`${status.name}\` restarted ${restarts} time${restarts === 1 ? '' : 's'}${last?.reason ? ` (last exit: ${last.reason}${last.finishedAt ? ` at ${last.finishedAt}` : ''})` : ''}`);
      evidence.push(evidenceAt(record.source, `${status.name}: restartCount ${restarts}`, `${status.pointer}/restartCount`));
    }
  }
  if (problems.length === 0) return undefined;
  return { severity, ...(headline ? { headline } : {}), problems, evidence, oomKilled, leftBehind: leftBehind && severity !== 'critical' };
}

/** The other istiod replicas that serve the mesh while this one does not. */
export function servingReplicas(record: PodRecord, istiods: readonly PodRecord[]): PodRecord[] {
  return istiods.filter((other) => other !== record && isServing(other.pod));
}
