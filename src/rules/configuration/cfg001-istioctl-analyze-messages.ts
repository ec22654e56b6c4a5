import type { AnalyzeMessage } from '../../artifacts/analyze/schema.js';
import type { AnalyzeRecord } from '../../model/facets.js';
import { evidenceAt } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { ANALYZER_MESSAGES, analyzerDocs } from './analyzer-messages.js';
import { namespaceRelevance, type NamespaceRelevance } from './namespace-relevance.js';
import { compareText } from '../../order.js';
import { shell } from '../shell.js';
import { derivedOffline } from './offline-findings.js';

/**
 * IST0101 breaks traffic now (a missing host or subset answers 503). IST0102 (NamespaceNotInjected)
 * is Info in istioctl, which downgraded it for being too loud (istio/istio#27390): low, unless the
 * bundle shows the namespace matters to the mesh; never above a real routing fault.
 */
const CRITICAL_CODES = new Set(['IST0101']);
const NAMESPACE_NOT_INJECTED = 'IST0102';
const IMPACT: Record<string, string> = {
  IST0101: ' Traffic that uses this reference is broken until it is fixed (a missing host or subset answers 503, a missing gateway binds nothing).',
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
  inputs: { required: ['istioctl.analyze'], optional: ['k8s.resources', 'kubectl.pods', 'logs.proxy'], views: ['configuration'] },
  description:
    'Every message of `istioctl analyze` (text, `-o json` or `-o yaml`) becomes a finding with its code, resource and text. IST0101 (referenced resource not found) ' +
    'is critical; other Errors are high, Warnings medium, Info low. IST0102 (namespace not injected, Info in istioctl) is low, and medium when the bundle shows the ' +
    'namespace matters to the mesh: mesh proxies call its services, mesh-wide STRICT mTLS, or VirtualServices/DestinationRules for its hosts. The same message captured in several formats is reported once. ' +
    'A message that the offline configuration rules (CFG002–CFG011) derive from the resources in the bundle — same code, same resource — is reported there, citing both, and not again here.',
  rationale:
    'istioctl analyze runs Istio\'s own analyzers over the live configuration: a referenced host, subset or gateway that does not exist means the route is broken now, ' +
    'and a namespace without injection runs its pods outside the mesh.',
  remediation: 'Apply the fix for each code (Istio\'s analysis reference linked in each finding), then run `istioctl analyze -A` again until it is clean.',
  threshold: {
    value: 'IST0101 critical; Error high; Warning medium; Info low; IST0102 low, medium with evidence that the namespace matters',
    source: 'rule catalogue CFG001; Istio analysis message levels (IST0102 is Info since istio/istio#27390)',
  },
  docs: ['https://istio.io/latest/docs/reference/config/analysis/'],
  check(inputs, context) {
    const resources = inputs['k8s.resources'];
    const logs = inputs['logs.proxy'];
    const records = [...inputs['istioctl.analyze']].sort((a, b) => FORMAT_PREFERENCE[a.format] - FORMAT_PREFERENCE[b.format] || compareText(a.path, b.path));
    const seen = new Set<string>();
    for (const record of records) {
      for (const message of record.messages) {
        const key = [message.cluster, message.code, message.origin?.kind, message.origin?.namespace, message.origin?.name, message.message].join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        if (derivedOffline(inputs.configuration, message)) continue;
        const known = ANALYZER_MESSAGES[message.code];
        const origin = message.origin;
        const where = origin ? `${origin.kind} ${origin.namespace ? `${origin.namespace}/` : ''}${origin.name}` : 'the cluster';
        const relevance =
          message.code === NAMESPACE_NOT_INJECTED && origin?.kind === 'Namespace' ? namespaceRelevance(origin.name, resources, logs, context.bundle.istioNamespace) : undefined;
        const severity: Severity = CRITICAL_CODES.has(message.code) ? 'critical' : relevance ? (relevance.reasons.length > 0 ? 'medium' : 'low') : BY_LEVEL[message.level];
        context.report({
          severity,
          subject: origin ? { kind: origin.kind, ...(origin.namespace ? { namespace: origin.namespace } : {}), name: origin.name } : { kind: 'Cluster', name: message.cluster ?? 'cluster' },
          title: `${message.code}${known ? ` ${known.name}` : ''}: ${message.message}`,
          key: [message.cluster ?? '', message.code, message.message].join('\n'),
          evidence: [
            evidenceAt({ path: record.path, ...(message.line ? { line: message.line } : {}), ...(message.pointer ? { pointer: message.pointer } : {}) }, message.text ?? message.message),
            ...(relevance?.evidence ?? []),
          ],
          explanation:
            `istioctl analyze reports ${message.level} ${message.code} on ${where}: ${sentence(message.message)}` +
            (message.reference ? ` (${message.reference})` : '') +
            (IMPACT[message.code] ?? '') +
            (relevance ? notInjectedImpact(relevance) : ''),
          remediation: known?.fix ?? `See Istio's description of ${message.code} for the cause and fix.`,
          docs: [trustedDocsUrl(message.documentationUrl) ?? analyzerDocs(message.code)],
          commands: origin?.namespace ? [shell`istioctl analyze -n ${origin.namespace}`] : ['istioctl analyze -A'],
        });
      }
    }
  },
});

function notInjectedImpact(relevance: NamespaceRelevance): string {
  if (relevance.reasons.length === 0) {
    return ' Its pods run without a sidecar. Nothing else in the bundle shows this namespace takes part in the mesh, so this is low: label it `istio-injection=disabled` if it is meant to stay outside.';
  }
  return ` Its pods run without a sidecar (no mTLS, routing rules or telemetry), and the bundle shows the namespace matters to the mesh: ${relevance.reasons.join('; ')}. Hence medium.`;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The bundle's own documentation link is used only when it points at istio.io. */
function trustedDocsUrl(url: string | undefined): string | undefined {
  return url && /^https:\/\/istio\.io\/[\w./-]*(?:\?ref=istioctl-analyze)?$/.test(url) ? url.replace(/\?ref=istioctl-analyze$/, '') : undefined;
}
