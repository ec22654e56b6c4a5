import { createHash } from 'node:crypto';
import type { Subject } from '../rules/rule.js';

/**
 * A finding's identity across runs and bundles: the rule, the subject, and the key the rule gives
 * when it reports several findings on one subject (a code, a kind of problem). Counts and wording
 * are not part of it, so the same problem in tomorrow's bundle has the same fingerprint
 * (suppressions, diffs of two bundles and ticket links rely on it).
 */
export function fingerprintOf(ruleId: string, subject: Subject, key = ''): string {
  const identity = [ruleId, subject.kind, subject.namespace ?? '', subject.name, key].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
