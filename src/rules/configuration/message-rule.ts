import type { OfflineAnalyzer } from '../../analysis/analyzer.js';
import type { IstioCode, IstioMessage } from '../../analysis/messages.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import type { AnalyzeRecord, BundleFacts } from '../../model/facets.js';
import { defineRule, type AnyRule, type Evidence, type Rule, type RuleContext, type Severity } from '../rule.js';
import { analyzerDocsFor, fieldEvidence, plain, getCommand, importedCounterparts, resourceName, provenance, subjectOf } from './offline-findings.js';

/** A message the bundle cannot support, with what is missing: said once under *Not checked*. */
export interface NotSupported {
  notSupported: string;
  collect: string;
}

/** What a configuration rule adds to an offline analyzer's message to make it a finding. */
export interface MessageFinding {
  severity: Severity;
  /** After the resource name in the title. */
  headline: string;
  /** Why it matters, after the message's own sentence. */
  impact: string;
  remediation: string;
  yaml?: string;
  commands?: string[];
}

type MessageRuleSpec = Omit<Rule<'k8s.resources', never, 'kubectl.pods' | 'istioctl.analyze', 'configuration'>, 'check' | 'inputs'> & {
  /** The analyzers (and codes of each) whose messages this rule reports. */
  sources: readonly { analyzer: OfflineAnalyzer; codes?: readonly IstioCode[] }[];
  /**
   * Undefined drops the message (the bundle cannot support it). `confirmed`: an imported
   * `istioctl analyze` message reports the same fault, which a live cluster saw whole, so a rule
   * keeps what it would drop only for lack of input.
   */
  finding(message: IstioMessage, view: ConfigurationView, confirmed: boolean, bundle: BundleFacts): MessageFinding | NotSupported | undefined;
};

/**
 * A configuration rule that reports offline analyzer messages one finding each: subject, evidence
 * at the field, the imported `istioctl analyze` message about the same fault, Istio's code.
 */
export function defineMessageRule(spec: MessageRuleSpec): AnyRule {
  const { sources, finding, ...meta } = spec;
  const istioCodes = [...new Set(sources.flatMap(({ analyzer, codes }) => codes ?? analyzer.codes))].sort();
  return defineRule({
    ...meta,
    istioCodes,
    inputs: { required: ['k8s.resources'], optional: ['kubectl.pods', 'istioctl.analyze'], views: ['configuration'] },
    check(inputs, context) {
      const view = inputs.configuration;
      const unsupported = new Map<string, string>();
      for (const { analyzer, codes } of sources) {
        for (const message of view.from(analyzer, codes)) {
          const imported = importedCounterparts(message, view, inputs['istioctl.analyze']);
          const f = finding(message, view, imported.length > 0, context.bundle);
          if (f && 'notSupported' in f) unsupported.set(f.notSupported, f.collect);
          else if (f) reportMessage(message, view, inputs['istioctl.analyze'], f, context, [], imported);
        }
      }
      if (unsupported.size > 0) context.notChecked(`Could not be checked: ${[...unsupported.keys()].sort().join('; ')}.`, [...new Set(unsupported.values())].sort());
    },
  });
}

/** One finding for one message, with `extra` evidence (what raised or lowered its severity). */
export function reportMessage(
  message: IstioMessage,
  view: ConfigurationView,
  analyze: readonly AnalyzeRecord[],
  f: MessageFinding,
  context: RuleContext,
  extra: readonly Evidence[] = [],
  imported: readonly Evidence[] = importedCounterparts(message, view, analyze),
): void {
  context.report({
    severity: f.severity,
    subject: subjectOf(view, message.resource),
    // Never the text: it lists related resources and wording changes; fingerprints must not.
    key: [message.code, message.field ?? '', message.details.reference ?? '', message.details.host ?? '', message.details.subset ?? '', message.details.gateway ?? ''].join(' '),
    title: plain(`${resourceName(view, message.resource)}: ${f.headline} (${message.code})`),
    evidence: [fieldEvidence(message), ...extra, ...imported],
    explanation: `${message.text} ${f.impact}${provenance(message, imported, analyze)}`,
    remediation: f.remediation,
    ...(f.yaml ? { yaml: f.yaml } : {}),
    commands: f.commands ?? [getCommand(view, message.resource)],
    docs: [analyzerDocsFor(message)],
  });
}
