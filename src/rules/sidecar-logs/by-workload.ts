import type { SignatureId } from '../../artifacts/logs/signatures.js';
import { workloadOf } from '../../analysis/workloads.js';
import type { LogRecord, ResourceRecord } from '../../model/facets.js';
import type { Subject } from '../rule.js';
import { signatureGroupsBy } from './by-target.js';

/**
 * A signature's matches grouped by the workload whose pods logged them: the replicas of one
 * Deployment fail the same way (the same policy denies them, the same routes miss), so they are one
 * finding about the Deployment with each pod among its occurrences. A log tied to no pod is its own group.
 */
export function workloadGroups(logs: readonly LogRecord[], id: SignatureId, podRecord: (log: LogRecord) => ResourceRecord | undefined) {
  const subjects = new Map<string, Subject>();
  const keyOf = (_row: unknown, log: LogRecord): string => {
    if (log.pod === undefined) {
      subjects.set(log.path, { kind: 'File', name: log.path });
      return log.path;
    }
    const workload = workloadOf(log.pod, podRecord(log));
    const key = `${log.namespace ?? ''}/${workload.kind}/${workload.name}`;
    subjects.set(key, { kind: workload.kind, ...(log.namespace ? { namespace: log.namespace } : {}), name: workload.name });
    return key;
  };
  return signatureGroupsBy(logs, id, keyOf, (key) => subjects.get(key)!, { wholeLog: true }).groups;
}

/** "`bookinfo/details-v1-…`" for a one-pod group, "2 pods of Deployment details-v1" for more. */
export function workloadLabel(group: { subject: Subject; sides: ReadonlyArray<{ log: LogRecord }> }, podLabel: (log: LogRecord) => string): string {
  return group.sides.length === 1 ? podLabel(group.sides[0]!.log) : `${group.sides.length} pods of ${group.subject.kind} ${group.subject.name}`;
}
