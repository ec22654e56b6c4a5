import type { LogRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { evidenceAt, percent, plural } from '../evidence.js';
import { defineRule } from '../rule.js';
import { identifiedByNote } from './signature-findings.js';

/**
 * Envoy's response flags (`%RESPONSE_FLAGS%`), with what each means: Envoy access-log documentation
 * (usage.rst "%RESPONSE_FLAGS%", `envoy/stream_info/stream_info.h`). Which rule reads a flag in depth, where one does.
 */
export const RESPONSE_FLAGS: Readonly<Record<string, string>> = {
  UH: 'no healthy upstream host (LOG002)',
  UF: 'upstream connection failure (LOG001)',
  UO: 'upstream overflow: a circuit breaker tripped',
  NR: 'no route configured, or no matching filter chain (LOG004)',
  URX: 'upstream retry limit or connect attempts exceeded (LOG001)',
  NC: 'upstream cluster not found (TP001; a subset no DestinationRule defines: CFG003)',
  DT: 'maximum connection duration exceeded',
  DC: 'downstream connection terminated',
  LH: 'local service failed its health check',
  UT: 'upstream request timeout',
  LR: 'connection reset locally',
  UR: 'upstream remote reset',
  UC: 'upstream connection terminated',
  DI: 'delayed by fault injection',
  FI: 'aborted by fault injection',
  RL: 'rate-limited locally',
  UAEX: 'denied by the external authorization service',
  RLSE: 'rate limit service error',
  IH: 'invalid value for a strictly checked header',
  SI: 'stream idle timeout',
  DPE: 'downstream HTTP protocol error',
  UPE: 'upstream HTTP protocol error',
  UMSDR: 'upstream maximum stream duration reached',
  OM: 'terminated by the overload manager',
  DF: 'DNS resolution failed',
  DO: 'dropped by drop_overload',
  DR: 'downstream remote reset',
  UDO: 'dropped: drop_overload at 100%',
};

/** Pods listed in the table; the rest are counted. */
const MAX_PODS = 20;

export const log009 = defineRule({
  id: 'LOG009',
  slug: 'response-flags',
  title: 'response flags in the access logs: per pod, which flags and how many requests fail',
  severity: 'info',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'] },
  description:
    'One table for the bundle: for each proxy whose access log shows response flags, its requests, the share answered 5xx, and each flag with its count, worst pods first; ' +
    'and what each flag present means. The flags a rule reads in depth (UH, UF/URX, NR, NC) are findings of their own; this table shows the rest and the proportions.',
  rationale: 'A response flag is Envoy saying why a request or connection ended the way it did; the table tells a pod with a handful of client resets (DC) from one whose upstream is failing, before reading any single finding.',
  remediation: 'Start with the pods at the top; look up each flag below, and the finding of the rule named beside it.',
  threshold: { value: 'any response flag in an access log (info)', source: 'rule catalogue (`istio-bundle explain LOG009`), after the Istio production debugging guide step 4 and Envoy\'s access-log documentation (%RESPONSE_FLAGS%)' },
  docs: ['https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags', 'https://istio.io/latest/docs/ops/diagnostic-tools/component-logging/'],
  check(inputs, context) {
    const rows = inputs['logs.proxy'].filter((log) => Object.keys(log.summary.access.byFlag).length > 0).sort(worstFirst);
    if (rows.length === 0) return;
    const flags = [...new Set(rows.flatMap((log) => Object.keys(log.summary.access.byFlag)))].sort(compareText);
    const table = rows.slice(0, MAX_PODS).map((log) => {
      const { requests, byFlag, byStatusClass } = log.summary.access;
      const counts = Object.entries(byFlag).sort(([a, x], [b, y]) => y - x || compareText(a, b)).map(([flag, n]) => `${flag} ${n}`).join(', ');
      return `${label(log)}: ${plural(requests, 'request')}, ${percent(byStatusClass['5xx'] ?? 0, requests)} 5xx — ${counts}`;
    });
    context.report({
      // One table for the whole bundle: its subject must not depend on what the bundle says about itself.
      subject: { kind: 'Mesh', name: 'all proxies' },
      title: `response flags in ${plural(rows.length, 'access log')}: ${flags.join(', ')}`,
      evidence: rows.slice(0, MAX_PODS).map((log) => evidenceAt({ path: log.path }, `${Object.entries(log.summary.access.byFlag).map(([f, n]) => `${f}=${n}`).join(' ')} of ${log.summary.access.requests} requests`)),
      explanation:
        `${table.join('; ')}${rows.length > MAX_PODS ? `; and ${rows.length - MAX_PODS} more` : ''}. ` +
        `Flags: ${flags.map((f) => `\`${f}\` ${RESPONSE_FLAGS[f] ?? 'not a flag this version knows'}`).join('; ')}.`,
      commands: [],
    });
  },
});

/** The pod whose requests fail most (by count, then share) first; ties by path. */
function worstFirst(a: LogRecord, b: LogRecord): number {
  return b.summary.access.failed - a.summary.access.failed || compareText(a.path, b.path);
}

function label(log: LogRecord): string {
  return log.pod ? `\`${log.namespace ? `${log.namespace}/` : ''}${log.pod}\`${log.previous ? ' (previous)' : ''}${identifiedByNote(log)}` : `\`${log.path}\``;
}
