import { redactKeyMaterial } from '../artifacts/secret-material.js';
import { artifactKind } from '../artifacts/registry.js';
import type { InputId, MeshModel, ModelFacets } from '../model/facets.js';
import { fingerprintOf } from '../findings/fingerprint.js';
import { DEFAULT_ISTIO_NAMESPACE } from '../model/bundle-facts.js';
import { shell } from './shell.js';
import type { ModelViews, ViewId } from '../model/views/types.js';
import { declaredInputs, declaredViews, severityRank, type AnyRule, type Evidence, type Finding, type Subject } from './rule.js';
import { compareText } from '../order.js';

export type NotChecked = {
  ruleId: string;
  title: string;
  /** The inputs that were missing (any one of them would do when the rule accepts alternatives). */
  missing: InputId[];
  reason: string;
  /** The exact commands that would collect what is missing. */
  collect: string[];
};

export interface RuleRun {
  findings: Finding[];
  notChecked: NotChecked[];
  /** Rules that ran on their inputs (with or without findings). */
  checked: string[];
}

function present(model: MeshModel, id: InputId): boolean {
  return model.provided.has(id);
}

/**
 * The commands that collect the missing inputs, as the kinds name them; their control-plane
 * namespace is the bundle's (collect.sh `--istio-namespace`), not always `istio-system`.
 */
function collectCommands(ids: InputId[], istioNamespace: string): string[] {
  const commands = ids.flatMap((id) => artifactKind(id).collect).map((c) => (istioNamespace === DEFAULT_ISTIO_NAMESPACE ? c : c.replaceAll(`-n ${DEFAULT_ISTIO_NAMESPACE}`, shell`-n ${istioNamespace}`)));
  return [...new Set(commands)];
}

/**
 * Runs every rule whose inputs are present. A rule only sees the facets it declares: reading any
 * other throws, so a rule cannot quietly depend on data its declaration does not promise.
 */
export function runRules(rules: readonly AnyRule[], model: MeshModel, trace?: InputTrace): RuleRun {
  const findings: Finding[] = [];
  const fingerprints = new Set<string>();
  const notChecked: NotChecked[] = [];
  const checked: string[] = [];
  for (const rule of rules) {
    const missingRequired = rule.inputs.required.filter((id) => !present(model, id));
    const anyOf = rule.inputs.anyOf ?? [];
    const missingAnyOf = anyOf.length > 0 && !anyOf.some((id) => present(model, id)) ? [...anyOf] : [];
    const missing = [...missingRequired, ...missingAnyOf];
    if (missing.length > 0) {
      const reason = missingAnyOf.length > 0 && missingRequired.length === 0 ? `none of ${anyOf.join(', ')} in the bundle` : `${missing.join(', ')} not in the bundle`;
      notChecked.push({ ruleId: rule.id, title: rule.title, missing, reason, collect: collectCommands(missing, model.bundle.istioNamespace) });
      continue;
    }
    let skippedReason: NotChecked | undefined;
    rule.check(restrictedInputs(model, rule, trace), {
      bundle: model.bundle,
      report(input) {
        findings.push({
          ruleId: rule.id,
          fingerprint: uniqueFingerprint(fingerprints, rule.id, input.subject, input.key),
          step: rule.step,
          severity: input.severity ?? rule.severity,
          // A line quoted from a bundle may carry a private key: it never reaches the report.
          title: redactKeyMaterial(input.title),
          subject: input.subject,
          evidence: input.evidence.map(redactedEvidence),
          explanation: redactKeyMaterial(input.explanation),
          remediation: input.remediation ?? rule.remediation,
          commands: input.commands ?? [],
          ...(input.yaml ? { yaml: input.yaml } : {}),
          ...(input.occurrences && input.occurrences.length > 0 ? { occurrences: input.occurrences.map((o) => (o.evidence ? { ...o, evidence: redactedEvidence(o.evidence) } : o)) } : {}),
          docs: [...new Set([...(input.docs ?? []), ...rule.docs])],
        });
      },
      notChecked(reason, collect) {
        skippedReason = { ruleId: rule.id, title: rule.title, missing: [], reason, collect: collect ?? [] };
      },
    });
    // A rule that found something and could not check the rest is both: checked, and partly not.
    if (skippedReason) notChecked.push(skippedReason);
    if (!skippedReason || findings.some((f) => f.ruleId === rule.id)) checked.push(rule.id);
  }
  return { findings: findings.sort(compareFindings), notChecked, checked };
}

/**
 * A finding's fingerprint, unique in the run: the same problem reported twice (two copies of one
 * log, two `kubectl top` files) gets a deterministic second identity instead of colliding.
 */
function uniqueFingerprint(seen: Set<string>, ruleId: string, subject: Subject, key = ''): string {
  let fingerprint = fingerprintOf(ruleId, subject, key);
  for (let n = 2; seen.has(fingerprint); n++) fingerprint = fingerprintOf(ruleId, subject, `${key}\n#${n}`);
  seen.add(fingerprint);
  return fingerprint;
}

/** Called with each input (facet or view) a rule reads: the meta-tests check that declared means read. */
export type InputTrace = (ruleId: string, input: string) => void;

/** The facets and views a rule declares, and nothing else: reading another throws. */
function restrictedInputs(model: MeshModel, rule: AnyRule, trace: InputTrace | undefined): ModelFacets & ModelViews {
  const facets = new Set<string>(declaredInputs(rule));
  const views = new Set<string>(declaredViews(rule));
  return new Proxy({} as ModelFacets & ModelViews, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined;
      if (facets.has(property)) {
        trace?.(rule.id, property);
        return model.facets[property as InputId];
      }
      if (views.has(property)) {
        trace?.(rule.id, property);
        return model.view(property as ViewId);
      }
      throw new Error(`rule ${rule.id} read input "${property}" that it does not declare`);
    },
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.ruleId, b.ruleId) ||
    compareSubjects(a.subject, b.subject) ||
    compareText(a.title, b.title)
  );
}

function compareSubjects(a: Subject, b: Subject): number {
  return compareText(a.kind, b.kind) || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);
}

function redactedEvidence(evidence: Evidence): Evidence {
  return evidence.excerpt === undefined ? evidence : { ...evidence, excerpt: redactKeyMaterial(evidence.excerpt) };
}
