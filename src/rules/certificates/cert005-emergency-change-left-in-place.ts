import type { ConfigIndex } from '../../analysis/config-index.js';
import { asArray, asNumber, asRecord, asString } from '../../analysis/object-access.js';
import { DEFAULT_CONSECUTIVE_5XX, INCIDENT_CONSECUTIVE_ERRORS, ejectionThreshold } from '../../analysis/outlier-detection.js';
import type { ResourceRecord } from '../../model/facets.js';
import { compareText } from '../../order.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import { defineRule, type RuleContext, type Severity } from '../rule.js';
import { shell } from '../shell.js';
import { rfc3339 } from './certificate-text.js';
import { span } from './validity.js';

/**
 * Outlier detection that needs this many consecutive errors before it ejects is switched off in all
 * but name: it is the value the Istio production debugging guide's quick fix for "random 503s"
 * sets (`consecutive5xxErrors: 50`), meant to last an incident, not a year.
 */
export const NEUTERED_CONSECUTIVE_ERRORS = INCIDENT_CONSECUTIVE_ERRORS;

/** Names people give a change made under pressure (the guide's `emergency-permissive`, `debug-allow-all`). */
const EMERGENCY_NAME = /emergency|debug|temp|tmp|hotfix|allow-?all|permissive|disable/i;
/** Shadowed ALLOW policies named in the explanation; the rest are counted. */
const SHADOWED_NAMED = 4;

export const cert005 = defineRule({
  id: 'CERT005',
  slug: 'emergency-change-left-in-place',
  title: 'an emergency change left in place: mesh-wide PERMISSIVE or disabled mTLS, an allow-all AuthorizationPolicy, outlier detection switched off',
  severity: 'medium',
  step: 'certificates',
  inputs: { required: ['k8s.resources'], optional: ['kubectl.pods'], views: ['configuration'] },
  description:
    'Changes that restore traffic in an incident and degrade security or resilience if they stay: a mesh-wide PeerAuthentication (root namespace, no selector) ' +
    'with mode PERMISSIVE (medium) or DISABLE (high); an ALLOW AuthorizationPolicy with a rule that matches everything (`rules: [{}]`), high when it is mesh- or ' +
    'namespace-wide or other ALLOW policies on the same workloads become moot, else medium; a DestinationRule whose outlier detection cannot eject ' +
    `(every detector 0, \`maxEjectionPercent: 0\`) or needs ${NEUTERED_CONSECUTIVE_ERRORS}+ consecutive errors (low). Each says how long it has been in place (creationTimestamp).`,
  rationale:
    'PERMISSIVE accepts plaintext from anyone who reaches the pod; an allow-all policy lets every caller through; outlier detection switched off sends traffic to ' +
    'endpoints that fail. Made at 3 AM to stop an outage, they are rarely undone.',
  remediation:
    'Undo each once its incident is over: STRICT again (after the certificate rules are quiet), the allow-all policy deleted once the real ALLOW rules are right, ' +
    'outlier detection back to thresholds that eject a failing endpoint (the defaults: 5 consecutive 5xx, 10% of endpoints).',
  threshold: {
    value: `mesh-wide PERMISSIVE medium, DISABLE high; allow-all high mesh/namespace-wide or shadowing ALLOW policies, medium otherwise; outlier detection off or ≥ ${NEUTERED_CONSECUTIVE_ERRORS} consecutive errors low`,
    source: 'rule catalogue CERT005; Istio production debugging guide (emergency-permissive, debug-allow-all, consecutive5xxErrors: 50); Istio docs: PeerAuthentication, AuthorizationPolicy, OutlierDetection',
  },
  docs: [
    'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
    'https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection',
  ],
  check(inputs, context) {
    const { index } = inputs.configuration;
    for (const policy of index.ofKind('PeerAuthentication')) meshWideMtls(index, policy, context);
    for (const policy of index.ofKind('AuthorizationPolicy')) allowAll(index, policy, context);
    outliersOff(index, index.ofKind('DestinationRule'), context);
  },
});

function meshWideMtls(index: ConfigIndex, policy: ResourceRecord, context: RuleContext): void {
  const spec = asRecord(policy.object.spec);
  if (index.namespaceOf(policy) !== index.mesh.rootNamespace || asRecord(spec?.selector)) return;
  const mode = asString(asRecord(spec?.mtls)?.mode);
  if (mode !== 'PERMISSIVE' && mode !== 'DISABLE') return;
  const name = nameOf(index, policy);
  const strict = strictNamespaces(index);
  context.report({
    key: 'peer-authentication',
    severity: mode === 'DISABLE' ? 'high' : 'medium',
    subject: subjectOf(index, policy),
    title: `mesh-wide PeerAuthentication \`${name}\` sets mTLS ${mode}${age(policy, context)}`,
    evidence: [evidenceAt({ ...policy.source, pointer: `${policy.source.pointer ?? ''}/spec/mtls/mode` }, mode)],
    explanation:
      `\`${name}\` applies to every workload without a namespace or workload policy of its own: ${mode === 'DISABLE' ? 'they accept plaintext only, and mTLS is off between them' : 'they accept plaintext as well as mTLS, from any caller that reaches them'}. ` +
      (mode === 'PERMISSIVE'
        ? `${EMERGENCY_NAME.test(policy.object.metadata.name) ? 'Its name says it was meant to be temporary: ' : ''}a mesh-wide PERMISSIVE policy is the usual emergency restore while certificates are replaced, and is easily left behind.`
        : `${EMERGENCY_NAME.test(policy.object.metadata.name) ? 'Its name says it was meant to be temporary. ' : ''}DISABLE goes further than the usual emergency restore (PERMISSIVE, which still accepts mTLS).`) +
      (strict.length > 0 ? ` ${strict.length === 1 ? `1 namespace (${strict[0]}) keeps STRICT with a policy of its own` : `${strict.length} namespaces (${strict.slice(0, 5).join(', ')}) keep STRICT with policies of their own`}.` : ''),
    remediation:
      'Once workload certificates are valid again (CERT001, CERT002 and CERT003 quiet in a new bundle), set `mode: STRICT` in it (deleting it is not the same: without a mesh-wide policy, workloads fall back to Istio\'s default, PERMISSIVE). ' +
      'Check first that no client outside the mesh still needs plaintext (`istioctl x describe pod <pod>` shows the mode a workload gets).',
    yaml: `# PeerAuthentication ${name}: spec.mtls\nmode: STRICT # was ${mode}`,
    commands: [shell`kubectl get peerauthentication -A`, shell`kubectl patch peerauthentication ${policy.object.metadata.name} -n ${index.namespaceOf(policy)} --type merge -p ${'{"spec":{"mtls":{"mode":"STRICT"}}}'}`],
  });
}

/** A rule matches every request when it has no non-empty `from`, `to` or `when`. */
function matchesEverything(rule: unknown): boolean {
  const record = asRecord(rule);
  if (!record) return false;
  return ['from', 'to', 'when'].every((field) => asArray(record[field]).length === 0);
}

function allowAll(index: ConfigIndex, policy: ResourceRecord, context: RuleContext): void {
  const spec = asRecord(policy.object.spec);
  const action = asString(spec?.action) ?? 'ALLOW';
  const rules = asArray(spec?.rules);
  const at = rules.findIndex(matchesEverything);
  if (action !== 'ALLOW' || at < 0) return;
  const scope = scopeOf(index, policy);
  const shadowed = index
    .ofKind('AuthorizationPolicy')
    .filter((other) => other !== policy && (asString(asRecord(other.object.spec)?.action) ?? 'ALLOW') === 'ALLOW' && asArray(asRecord(other.object.spec)?.rules).length > 0)
    .filter((other) => scope === 'mesh' || index.namespaceOf(other) === index.namespaceOf(policy))
    .filter((other) => scope !== 'workload' || JSON.stringify(asRecord(other.object.spec)?.selector) === JSON.stringify(spec?.selector));
  const severity: Severity = scope !== 'workload' || shadowed.length > 0 ? 'high' : 'medium';
  const name = nameOf(index, policy);
  const whom = scope === 'mesh' ? 'every workload of the mesh' : scope === 'namespace' ? `every workload in \`${index.namespaceOf(policy)}\`` : 'the workloads its selector picks';
  context.report({
    key: 'allow-all',
    severity,
    subject: subjectOf(index, policy),
    title: `AuthorizationPolicy \`${name}\` allows every request to ${whom.replace(/`/g, '')}${age(policy, context)}`,
    evidence: [evidenceAt({ ...policy.source, pointer: `${policy.source.pointer ?? ''}/spec/rules/${at}` }, JSON.stringify(rules[at]))],
    explanation:
      `Rule ${at + 1} of \`${name}\` has no \`from\`, \`to\` or \`when\`: it matches every request, so any caller reaches ${whom}. ` +
      (shadowed.length > 0
        ? `Istio allows a request when any ALLOW policy matches it, so ${plural(shadowed.length, 'other ALLOW policy', 'other ALLOW policies')} there (${namedList(shadowed, SHADOWED_NAMED, (p) => `\`${nameOf(index, p)}\``)}) no longer ${shadowed.length === 1 ? 'restricts' : 'restrict'} anything. `
        : 'No other ALLOW policy is there today, but any added later will restrict nothing while this one stays. ') +
      'DENY policies still apply (Istio evaluates them first).' +
      (EMERGENCY_NAME.test(policy.object.metadata.name) ? ' Its name says it was meant for debugging.' : ''),
    remediation: `Delete \`${name}\` once the ALLOW rules it stood in for are right; check a workload's effective policies with \`istioctl x authz check <pod> -n ${index.namespaceOf(policy)}\` before and after.`,
    commands: [shell`kubectl delete authorizationpolicy ${policy.object.metadata.name} -n ${index.namespaceOf(policy)}`],
  });
}

type OutlierLevel = { detection: Record<string, unknown>; pointer: string };

function outlierLevels(rule: ResourceRecord): OutlierLevel[] {
  const spec = asRecord(rule.object.spec);
  const levels: OutlierLevel[] = [];
  const add = (policy: unknown, pointer: string) => {
    const detection = asRecord(asRecord(policy)?.outlierDetection);
    if (detection) levels.push({ detection, pointer: `${pointer}/outlierDetection` });
    asArray(asRecord(policy)?.portLevelSettings).forEach((p, i) => {
      const portDetection = asRecord(asRecord(p)?.outlierDetection);
      if (portDetection) levels.push({ detection: portDetection, pointer: `${pointer}/portLevelSettings/${i}/outlierDetection` });
    });
  };
  add(spec?.trafficPolicy, '/spec/trafficPolicy');
  asArray(spec?.subsets).forEach((s, i) => add(asRecord(s)?.trafficPolicy, `/spec/subsets/${i}/trafficPolicy`));
  return levels;
}

/**
 * Why the detection cannot do its job, if it cannot. Istio's defaults when the block is present:
 * consecutive5xxErrors 5 (0 disables it), consecutiveGatewayErrors 0 (off), maxEjectionPercent 10.
 */
export function outlierProblem(detection: Record<string, unknown>): string | undefined {
  if (asNumber(detection.maxEjectionPercent) === 0) return '`maxEjectionPercent: 0`: no endpoint may ever be ejected';
  const lowest = ejectionThreshold(detection);
  if (lowest === undefined) return 'every detector is 0 (`consecutive5xxErrors: 0`, no `consecutiveGatewayErrors`): nothing is ever ejected';
  if (lowest >= NEUTERED_CONSECUTIVE_ERRORS) return `an endpoint is ejected only after ${lowest} consecutive errors (Envoy's default: ${DEFAULT_CONSECUTIVE_5XX})`;
  return undefined;
}

type OutlierOff = { rule: ResourceRecord; problems: Array<OutlierLevel & { problem: string }> };

/**
 * One finding per DestinationRule whose outlier detection cannot eject; several in one namespace are one
 * finding about the namespace, each rule among its occurrences: the guide's quick fix applied to every
 * rule of a mesh is one change to undo, not thousands.
 */
function outliersOff(index: ConfigIndex, rules: readonly ResourceRecord[], context: RuleContext): void {
  const byNamespace = new Map<string, OutlierOff[]>();
  for (const rule of rules) {
    const problems = outlierLevels(rule).flatMap((level) => {
      const problem = outlierProblem(level.detection);
      return problem ? [{ ...level, problem }] : [];
    });
    if (problems.length === 0) continue;
    const namespace = index.namespaceOf(rule);
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), { rule, problems }]);
  }
  for (const [namespace, off] of [...byNamespace].sort(([a], [b]) => compareText(a, b))) {
    if (off.length === 1) reportOutlierOff(index, off[0]!, context);
    else reportOutliersOff(index, namespace, off, context);
  }
}

const OUTLIER_REMEDIATION =
  "Once the cause of the ejections is fixed, let outlier detection work again: a threshold that ejects a failing endpoint (Istio's default 5 consecutive 5xx), " +
  'with `maxEjectionPercent` well below 100 so a bad deploy cannot eject everything.';
const OUTLIER_WHY = `This is the usual quick fix for "random 503s" (\`consecutive5xxErrors: ${NEUTERED_CONSECUTIVE_ERRORS}\`, as LOG002 suggests during an incident): right while ejections cause the outage, wrong to keep.`;
const outlierYaml = (name: string, pointer: string) => `# DestinationRule ${name}: ${pointer.slice(1).replaceAll('/', '.')}\nconsecutive5xxErrors: 5\ninterval: 10s\nbaseEjectionTime: 30s\nmaxEjectionPercent: 50`;
const outlierEvidence = ({ rule, problems }: OutlierOff) => problems.map((p) => evidenceAt({ ...rule.source, pointer: `${rule.source.pointer ?? ''}${p.pointer}` }, JSON.stringify(p.detection)));

function reportOutlierOff(index: ConfigIndex, off: OutlierOff, context: RuleContext): void {
  const { rule, problems } = off;
  const name = nameOf(index, rule);
  const host = asString(asRecord(rule.object.spec)?.host) ?? '?';
  const first = problems[0]!;
  context.report({
    key: 'outlier-detection',
    severity: 'low',
    subject: subjectOf(index, rule),
    title: `DestinationRule \`${name}\` (host \`${host}\`): outlier detection switched off in effect${age(rule, context)}`,
    evidence: outlierEvidence(off),
    explanation: `In \`${name}\`, ${first.problem}${problems.length > 1 ? ` (and ${plural(problems.length - 1, 'more level')})` : ''}. A failing endpoint of \`${host}\` keeps receiving its share of the traffic. ${OUTLIER_WHY}`,
    remediation: OUTLIER_REMEDIATION,
    yaml: outlierYaml(name, first.pointer),
    commands: [],
  });
}

function reportOutliersOff(index: ConfigIndex, namespace: string, off: readonly OutlierOff[], context: RuleContext): void {
  const problems = new Map<string, number>();
  for (const { problems: ps } of off) problems.set(ps[0]!.problem, (problems.get(ps[0]!.problem) ?? 0) + 1);
  const listed = [...problems].sort(([, a], [, b]) => b - a).map(([problem, count]) => `${plural(count, 'rule')}: ${problem}`);
  const first = off[0]!;
  context.report({
    key: 'outlier-detection',
    severity: 'low',
    subject: { kind: 'Namespace', name: namespace },
    title: `${plural(off.length, 'DestinationRule')} in \`${namespace}\`: outlier detection switched off in effect`,
    evidence: off.slice(0, 5).flatMap(outlierEvidence),
    explanation: `In \`${namespace}\`, ${off.length} DestinationRules cannot eject a failing endpoint (${listed.join('; ')}); their hosts keep sending traffic to it. ${OUTLIER_WHY}`,
    remediation: OUTLIER_REMEDIATION,
    yaml: outlierYaml(nameOf(index, first.rule), first.problems[0]!.pointer),
    commands: [],
    occurrences: off.map((o) => ({ subject: subjectOf(index, o.rule), count: o.problems.length, evidence: outlierEvidence(o)[0]! })),
  });
}

function scopeOf(index: ConfigIndex, policy: ResourceRecord): 'mesh' | 'namespace' | 'workload' {
  const spec = asRecord(policy.object.spec);
  if (asRecord(spec?.selector) || asArray(spec?.targetRefs).length > 0 || asRecord(spec?.targetRef)) return 'workload';
  return index.namespaceOf(policy) === index.mesh.rootNamespace ? 'mesh' : 'namespace';
}

function strictNamespaces(index: ConfigIndex): string[] {
  const names = index
    .ofKind('PeerAuthentication')
    .filter((p) => index.namespaceOf(p) !== index.mesh.rootNamespace && !asRecord(asRecord(p.object.spec)?.selector) && asString(asRecord(asRecord(p.object.spec)?.mtls)?.mode) === 'STRICT')
    .map((p) => index.namespaceOf(p));
  return [...new Set(names)].sort();
}

function nameOf(index: ConfigIndex, record: ResourceRecord): string {
  return `${index.namespaceOf(record)}/${record.object.metadata.name}`;
}

function subjectOf(index: ConfigIndex, record: ResourceRecord) {
  return { kind: record.object.kind, namespace: index.namespaceOf(record), name: record.object.metadata.name };
}

/** `, in place for 12 d` from its creationTimestamp to the collection, when both are known. */
function age(record: ResourceRecord, context: RuleContext): string {
  const created = Date.parse(asString(record.object.metadata.creationTimestamp) ?? '');
  const now = Date.parse(context.bundle.collectedAt ?? '');
  if (Number.isNaN(created) || Number.isNaN(now) || now < created) return '';
  return `, in place for ${span(now - created)} (since ${rfc3339(created)})`;
}
