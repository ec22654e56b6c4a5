import { declaredInputs, type AnyRule } from '../rules/rule.js';

/** The rule metadata renderers need, so they never import rule logic. */
export type RulesCatalogue = Array<Pick<AnyRule, 'id' | 'slug' | 'title' | 'severity' | 'step' | 'description' | 'rationale' | 'remediation' | 'threshold' | 'docs'> & { inputs: string[] }>;

export function catalogueOf(rules: readonly AnyRule[]): RulesCatalogue {
  return rules.map((rule) => ({
    id: rule.id,
    slug: rule.slug,
    title: rule.title,
    severity: rule.severity,
    step: rule.step,
    description: rule.description,
    rationale: rule.rationale,
    remediation: rule.remediation,
    ...(rule.threshold ? { threshold: rule.threshold } : {}),
    docs: rule.docs,
    inputs: declaredInputs(rule),
  }));
}
