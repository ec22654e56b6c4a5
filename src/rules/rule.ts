import type { BundleFacts, InputId, ModelFacets } from '../model/facets.js';
import type { ModelViews, ViewId } from '../model/views/types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The report's order: the 5-step debugging workflow, then the specialised areas. */
export const STEPS = {
  'control-plane': '1 · Control plane',
  configuration: '2 · Configuration',
  'traffic-path': '3 · Traffic path',
  'sidecar-logs': '4 · Sidecar logs',
  certificates: '5 · Certificates and mTLS',
  scale: 'Memory, scale and resources',
  ambient: 'Ambient mode',
  'multi-cluster': 'Multi-cluster',
} as const;
export type Step = keyof typeof STEPS;

export type Evidence = {
  path: string;
  line?: number;
  pointer?: string;
  excerpt?: string;
};

/** What a finding is about: a pod, a resource, a namespace, the mesh. */
export type Subject = {
  kind: string;
  namespace?: string;
  name: string;
};

/**
 * One place a grouped finding was seen (a pod failing toward the finding's target), with its own
 * counts and time span: the finding stays one, its detail stays in the report.
 */
export type Occurrence = {
  subject: Subject;
  /** Matches there (failed requests and log lines). */
  count: number;
  /** All requests that pod's access log holds, when it has any: the scale the count is read against. */
  requests?: number;
  firstTime?: string;
  lastTime?: string;
  /** Its first matching line. */
  evidence?: Evidence;
};

export type Finding = {
  ruleId: string;
  /** Stable identity: rule, subject and the rule's key (findings/fingerprint.ts). */
  fingerprint: string;
  severity: Severity;
  step: Step;
  title: string;
  subject: Subject;
  evidence: Evidence[];
  /** What we see and why it matters, in plain sentences. */
  explanation: string;
  /** The fix, as an expert would write it in the ticket. */
  remediation: string;
  /** Commands to run (to fix or to verify), shown as a code block. */
  commands: string[];
  /** A configuration snippet that implements the fix, when there is one. */
  yaml?: string;
  docs: string[];
  /** Other findings this one is explained by (a symptom's cause), by fingerprint. */
  causedBy?: string[];
  /** The findings this one explains (a cause's symptoms), by fingerprint: the other side of `causedBy`. */
  explains?: string[];
  /** Where a finding grouped by its target or cause was seen, the most affected first. */
  occurrences?: Occurrence[];
};

export type FindingInput = Omit<Finding, 'ruleId' | 'fingerprint' | 'step' | 'severity' | 'docs' | 'commands' | 'remediation' | 'causedBy' | 'explains'> &
  Partial<Pick<Finding, 'severity' | 'commands' | 'remediation' | 'docs' | 'yaml' | 'occurrences'>> & {
    /** What tells this finding from the rule's other findings on the same subject (part of the fingerprint). */
    key?: string;
  };

export interface RuleContext {
  bundle: BundleFacts;
  report(finding: FindingInput): void;
  /** The inputs exist but cannot answer the question (e.g. proxy-status without per-type status). */
  notChecked(reason: string, collect?: string[]): void;
}

export interface RuleInputs<R extends InputId, A extends InputId, O extends InputId, V extends ViewId> {
  required: readonly R[];
  /** At least one of these must be present (alternative sources of the same fact). */
  anyOf?: readonly A[];
  optional?: readonly O[];
  /** Derived views (model/views/) the rule reads; each reads only facets the rule declares above. */
  views?: readonly V[];
}

export interface Rule<R extends InputId = InputId, A extends InputId = InputId, O extends InputId = InputId, V extends ViewId = ViewId> {
  id: string;
  /** Readable stable name, used in docs and JSON (`istiod-memory-over-4gb`). */
  slug: string;
  title: string;
  /** Default severity; the rule text says when evidence raises or lowers it. */
  severity: Severity;
  step: Step;
  inputs: RuleInputs<R, A, O, V>;
  /** What the rule looks at and when it fires, for `istio-bundle explain`. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** The general fix (findings may refine it). */
  remediation: string;
  threshold?: { value: string; source: string };
  /** The `istioctl analyze` codes the rule derives offline (engineers search for them). */
  istioCodes?: readonly string[];
  docs: string[];
  check(inputs: Pick<ModelFacets, R | A | O> & Pick<ModelViews, V>, context: RuleContext): void;
}

export type AnyRule = Rule<InputId, InputId, InputId, ViewId>;

export function defineRule<R extends InputId, A extends InputId = never, O extends InputId = never, V extends ViewId = never>(rule: Rule<R, A, O, V>): AnyRule {
  return rule as unknown as AnyRule;
}

export function declaredViews(rule: AnyRule): ViewId[] {
  return [...(rule.inputs.views ?? [])];
}

export function declaredInputs(rule: AnyRule): InputId[] {
  return [...rule.inputs.required, ...(rule.inputs.anyOf ?? []), ...(rule.inputs.optional ?? [])];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
