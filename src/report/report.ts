import { certificateRows, type ProxyCertificateRow } from './certificate-table.js';
import type { FromSchema } from 'json-schema-to-ts';
import { reportSchema } from './report-schema.js';
import { sortInventory, type InventoryItem, type SecretMaterial } from '../artifacts/artifact.js';
import { buildTimeline, type TimelineEvent } from '../findings/timeline.js';
import type { CollectionFailure } from '../model/collection.js';
import { isUsableInput, type MeshModel } from '../model/facets.js';
import type { NotChecked, RuleRun } from '../rules/run.js';
import { SEVERITIES, STEPS, type AnyRule, type Finding, type Severity, type Step } from '../rules/rule.js';
import { catalogueOf, type RulesCatalogue } from './catalogue.js';
import { compareFindings } from '../rules/run.js';
import type { ExpiredSuppression, FindingsOutcome, SuppressedFinding, Suppression } from '../findings/stage.js';
import { suppressionWarnings } from '../findings/suppressions.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { buildMetrics, type Metrics } from './metrics/index.js';
import { compareText } from '../order.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

/** The JSON report contract (schemas/report.schema.json). Fields are added, never renamed. */
export type Report = {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  bundle: {
    source: string;
    layout: MeshModel['bundle']['layout'];
    collectedAt: string | null;
    collectedAtSource: MeshModel['bundle']['collectedAtSource'];
    cluster?: string;
  };
  /** Findings per severity, counting those in `findings`. */
  summary: Record<Severity, number>;
  /** Ordered by severity, rule and subject; `number` is the finding's place in the document (sections). */
  findings: NumberedFinding[];
  /** The report's structure: one section per debugging step, its rules and its findings in order. */
  sections: ReportSection[];
  /** The bundle's dated events in order (findings/timeline.ts), linked to the findings they are evidence of. */
  timeline: TimelineEvent[];
  /** The catalogue entries of the rules that ran or could not: all a renderer needs to describe them. */
  rules: RulesCatalogue;
  /** Present when `--min-severity` hid findings: how many, and the threshold. */
  hidden?: { belowSeverity: Severity; count: number };
  /** Present when findings were suppressed (already discussed): which, and why. */
  suppressed?: SuppressedFinding[];
  /** Present when suppressions expired before the bundle was collected: not applied, their findings are reported. */
  suppressionsExpired?: ExpiredSuppression[];
  /** Present when suppressions matched no finding of this bundle (stale). */
  suppressionsUnmatched?: Suppression[];
  notChecked: NotChecked[];
  /** Commands the collector ran that failed, from the manifest. */
  collectionFailures: CollectionFailure[];
  /** Steps the collector did not run, and why. */
  collectionSkipped: Array<{ path: string; reason: string }>;
  /** Present when the bundle holds proxies' certificates: one row per proxy, the soonest expiry first. */
  certificates?: ProxyCertificateRow[];
  /**
   * Measurements for charts and for the diff of two bundles: traffic per minute, sync status,
   * memory, the configuration's digest. Always written; optional so that reports written before it
   * still render.
   */
  metrics?: Metrics;
  /** Present when entries hold private keys or secret values: which files, what kind, where (never the values). */
  secretMaterial?: Array<SecretMaterial & { path: string }>;
  inventory: Array<InventoryItem>;
  inventorySummary: Record<InventoryItem['status'], number>;
  rulesChecked: string[];
  /** Facts the report header shows: proxy and pod counts, Istio versions seen. */
  facts: {
    proxies: number;
    pods: number;
    /** Every Istio release seen, control plane and proxies. */
    istioVersions: string[];
    istio: { controlPlane: string[]; dataPlane: string[] };
    /** The API server's Kubernetes release, when the bundle has `kubectl version` with a server part. */
    kubernetesVersion?: string;
    /** Entries a rule could read (not the manifest or stderr files). */
    inputsUsed: number;
  };
  warnings: string[];
};

export type NumberedFinding = Finding & { number: number };

/** Rows of a grouped finding's occurrences a document shows; the JSON report carries every one. */
export const OCCURRENCES_SHOWN = 10;

export type ReportSection = {
  step: Step;
  title: string;
  /** Rules of this step: checked (ran on their inputs) and not checked (inputs missing or unusable). */
  checked: string[];
  notChecked: string[];
  /** Fingerprints of the step's findings, in document order. */
  findings: string[];
};

export interface ReportInput {
  model: MeshModel;
  rules: readonly AnyRule[];
  run: RuleRun;
  /** What the findings stage decided to show, hide and suppress. */
  outcome: FindingsOutcome;
  inventory: InventoryItem[];
  warnings: string[];
}

function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const finding of findings) summary[finding.severity]++;
  return summary;
}

/**
 * The order findings are shown and numbered in: by debugging step (control plane first, as causes
 * upstream explain symptoms downstream), then by severity, rule and subject.
 */
export function inDocumentOrder(findings: readonly Finding[]): Finding[] {
  const steps = Object.keys(STEPS);
  return [...findings].sort((a, b) => steps.indexOf(a.step) - steps.indexOf(b.step) || compareFindings(a, b));
}

/** `Istio 1.22.3`, or `Istio 1.22.3 (control plane), 1.21.2, 1.22.3 (proxies)` when they differ. */
export function istioVersionsText(istio: Report['facts']['istio']): string | undefined {
  const { controlPlane, dataPlane } = istio;
  if (controlPlane.length === 0 && dataPlane.length === 0) return undefined;
  const same = controlPlane.length <= 1 && dataPlane.length <= 1 && (controlPlane[0] ?? dataPlane[0]) === (dataPlane[0] ?? controlPlane[0]);
  if (same) return `Istio ${controlPlane[0] ?? dataPlane[0]}`;
  const parts = [...(controlPlane.length > 0 ? [`${controlPlane.join(', ')} (control plane)`] : []), ...(dataPlane.length > 0 ? [`${dataPlane.join(', ')} (proxies)`] : [])];
  return `Istio ${parts.join(', ')}`;
}

/** What an entry holds, in words, never the value: `private key (RSA PRIVATE KEY, PEM), 2 times`. */
export function secretMaterialText(m: SecretMaterial): string {
  const times = m.count > 1 ? `, ${m.count} times` : '';
  if (m.material === 'private-key') return `private key (${m.label}, PEM)${times}`;
  if (m.material === 'private-key-base64') return `private key (${m.label}, base64 of PEM)${times}`;
  return `secret values (${m.label})`;
}

export function buildReport({ model, rules, run, outcome, inventory, warnings }: ReportInput): Report {
  const summary = countBySeverity(outcome.shown);
  const ordered = inDocumentOrder(outcome.shown);
  const numbers = new Map(ordered.map((f, i) => [f.fingerprint, i + 1]));
  const sortedInventory = sortInventory(inventory);
  const inventorySummary = { used: 0, 'not-analysed': 0, invalid: 0, 'not-recognised': 0, skipped: 0 };
  for (const item of sortedInventory) inventorySummary[item.status]++;
  const bundle: Report['bundle'] = {
    source: model.bundle.source,
    layout: model.bundle.layout,
    collectedAt: model.bundle.collectedAt ?? null,
    collectedAtSource: model.bundle.collectedAtSource,
  };
  if (model.bundle.cluster) bundle.cluster = model.bundle.cluster;
  const certificates = certificateRows(model);
  const secretMaterial = sortedInventory.flatMap((item) => (item.secretMaterial ?? []).map((m) => ({ path: item.path, ...m })));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    bundle,
    summary,
    findings: outcome.shown.map((f) => ({ ...f, number: numbers.get(f.fingerprint)! })),
    sections: sectionsOf(rules, run, ordered),
    timeline: buildTimeline(model, outcome.shown),
    ...(certificates.length > 0 ? { certificates } : {}),
    metrics: buildMetrics(model),
    rules: catalogueOf(rules),
    ...(outcome.hidden ? { hidden: outcome.hidden } : {}),
    ...(outcome.suppressed.length > 0 ? { suppressed: outcome.suppressed } : {}),
    ...(outcome.suppressionsExpired.length > 0 ? { suppressionsExpired: outcome.suppressionsExpired } : {}),
    ...(outcome.suppressionsUnmatched.length > 0 ? { suppressionsUnmatched: outcome.suppressionsUnmatched } : {}),
    notChecked: explainNotChecked(run.notChecked, model.collection).sort((a, b) => compareText(a.ruleId, b.ruleId)),
    collectionFailures: model.collection.failures,
    collectionSkipped: model.collection.skipped,
    ...(secretMaterial.length > 0 ? { secretMaterial } : {}),
    inventory: sortedInventory,
    inventorySummary,
    rulesChecked: run.checked,
    facts: { ...facts(model), inputsUsed: sortedInventory.filter(isUsableInput).length },
    warnings: [...warnings, ...suppressionWarnings(outcome, model.bundle.collectedAt)],
  };
}


function sectionsOf(rules: readonly AnyRule[], run: RuleRun, ordered: readonly Finding[]): ReportSection[] {
  return (Object.keys(STEPS) as Step[]).map((step) => {
    const ids = rules.filter((r) => r.step === step).map((r) => r.id);
    return {
      step,
      title: STEPS[step],
      checked: ids.filter((id) => run.checked.includes(id)),
      notChecked: ids.filter((id) => !run.checked.includes(id)),
      findings: ordered.filter((f) => f.step === step).map((f) => f.fingerprint),
    };
  });
}

/** A missing input is explained where the bundle can: its files could not be read, or the collector failed to collect them. */
function explainNotChecked(notChecked: NotChecked[], collection: MeshModel['collection']): NotChecked[] {
  return notChecked.map((entry) => {
    const why = collection.whyMissing(entry.missing);
    return why ? { ...entry, reason: `${entry.reason}: ${why}` } : entry;
  });
}

function facts(model: MeshModel): Omit<Report['facts'], 'inputsUsed'> {
  const { controlPlane, dataPlane } = model.bundle.istioVersions;
  return {
    proxies: model.view('proxies').ids.length,
    pods: model.facets['kubectl.pods'].length,
    istioVersions: [...new Set([...controlPlane, ...dataPlane])].sort(compareText),
    istio: { controlPlane, dataPlane },
    ...(model.bundle.kubernetesVersion ? { kubernetesVersion: model.bundle.kubernetesVersion } : {}),
  };
}


/**
 * The Report interface stays readable (its findings are the rules' Finding type), and the compiler
 * holds it to the published contract: a Report must be a value of the schema's own type, so a
 * field or enum added to one and not the other fails the build.
 */
type ReportContract = FromSchema<typeof reportSchema>;
const fitsContract = (report: Report): ReportContract => report;
void fitsContract;
