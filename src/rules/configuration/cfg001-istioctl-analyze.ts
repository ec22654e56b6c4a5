import type { AnalyzeMessage } from '../../artifacts/analyze/schema.js';
import type { AnalyzeRecord } from '../../model/facets.js';
import { evidenceAt } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { ANALYZER_MESSAGES, analyzerDocs } from './analyzer-messages.js';
import { compareText } from '../../order.js';
import { shell } from '../shell.js';

/** "IST0101/IST0102: Traffic routing broken - fix immediately" (seed, step 2). */
const CRITICAL_CODES = new Set(['IST0101', 'IST0102']);
const CRITICAL_IMPACT: Record<string, string> = {
  IST0101: ' Traffic that uses this reference is broken until it is fixed (a missing host or subset answers 503, a missing gateway binds nothing).',
  IST0102: ' Pods in this namespace run without a sidecar: they are outside the mesh (no mTLS, no routing rules, no telemetry), and STRICT mTLS peers refuse them.',
};
const BY_LEVEL: Record<AnalyzeMessage['level'], Severity> = { Error: 'high', Warning: 'medium', Info: 'low' };
/** When the same messages were captured as text and as JSON, the richer format wins. */
const FORMAT_PREFERENCE: Record<AnalyzeRecord['format'], number> = { json: 0, yaml: 1, text: 2 };

export const cfg001 = defineRule({
  id: 'CFG001',
  slug: 'istioctl-analyze-messages',
  title: 'istioctl analyze reports configuration problems',
  severity: 'high',
  step: 'configuration',
  inputs: { required: ['istioctl.analyze'] },
  description:
    'Every message of `istioctl analyze` (text, `-o json` or `-o yaml`) becomes a finding with its code, resource and text. IST0101 (referenced resource not found) and ' +
    'IST0102 (namespace not injected) are critical; other Errors are high, Warnings medium, Info low. The same message captured in several formats is reported once.',
  rationale:
    'istioctl analyze runs Istio\'s own analyzers over the live configuration: a referenced host, subset or gateway that does not exist means the route is broken now, ' +
    'and a namespace without injection runs its pods outside the mesh.',
  remediation: 'Apply the fix for each code (Istio\'s analysis reference linked in each finding), then run `istioctl analyze -A` again until it is clean.',
  threshold: { value: 'IST0101/IST0102 critical; Error high; Warning medium; Info low', source: 'playbook CFG001; seed step 2 "IST0101/IST0102: Traffic routing broken - fix immediately"' },
  docs: ['https://istio.io/latest/docs/reference/config/analysis/'],
  check(inputs, context) {
    const records = [...inputs['istioctl.analyze']].sort((a, b) => FORMAT_PREFERENCE[a.format] - FORMAT_PREFERENCE[b.format] || compareText(a.path, b.path));
    const seen = new Set<string>();
    for (const record of records) {
      for (const message of record.messages) {
        const key = [message.cluster, message.code, message.origin?.kind, message.origin?.namespace, message.origin?.name, message.message].join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        const known = ANALYZER_MESSAGES[message.code];
        const origin = message.origin;
        const where = origin ? `${origin.kind} ${origin.namespace ? `${origin.namespace}/` : ''}${origin.name}` : 'the cluster';
        context.report({
          severity: CRITICAL_CODES.has(message.code) ? 'critical' : BY_LEVEL[message.level],
          subject: origin ? { kind: origin.kind, ...(origin.namespace ? { namespace: origin.namespace } : {}), name: origin.name } : { kind: 'Cluster', name: message.cluster ?? 'cluster' },
          title: `${message.code}${known ? ` ${known.name}` : ''}: ${message.message}`,
          evidence: [evidenceAt({ path: record.path, ...(message.line ? { line: message.line } : {}), ...(message.pointer ? { pointer: message.pointer } : {}) }, message.text ?? message.message)],
          explanation:
            `istioctl analyze reports ${message.level} ${message.code} on ${where}: ${sentence(message.message)}` +
            (message.reference ? ` (${message.reference})` : '') +
            (CRITICAL_IMPACT[message.code] ?? ''),
          remediation: known?.fix ?? `See Istio's description of ${message.code} for the cause and fix.`,
          docs: [trustedDocsUrl(message.documentationUrl) ?? analyzerDocs(message.code)],
          commands: origin?.namespace ? [shell`istioctl analyze -n ${origin.namespace}`] : ['istioctl analyze -A'],
        });
      }
    }
  },
});

function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The bundle's own documentation link is used only when it points at istio.io. */
function trustedDocsUrl(url: string | undefined): string | undefined {
  return url && /^https:\/\/istio\.io\/[\w./-]*(?:\?ref=istioctl-analyze)?$/.test(url) ? url.replace(/\?ref=istioctl-analyze$/, '') : undefined;
}
