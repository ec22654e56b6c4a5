import { sortInventory, type InventoryItem } from '../artifacts/artifact.js';
import { normaliseEntryPath } from '../bundle/entry-path.js';
import type { Manifest } from '../artifacts/manifest/schema.js';
import { isArtifactId } from '../artifacts/recognise.js';
import { artifactKind } from '../artifacts/registry.js';
import { INPUT_IDS, type InputId, type MeshModel } from '../model/facets.js';
import type { NotChecked, RuleRun } from '../rules/run.js';
import { SEVERITIES, STEPS, severityRank, type Finding, type Severity } from '../rules/rule.js';
import { compareFindings } from '../rules/run.js';
import type { FindingsOutcome, SuppressedFinding } from '../findings/stage.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { plural } from '../rules/evidence.js';
import { compareText } from '../order.js';

export const REPORT_SCHEMA_VERSION = 1;

/** The JSON report contract (schemas/report.schema.json). Fields are added, never renamed. */
export interface Report {
  schemaVersion: number;
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
  findings: Finding[];
  /** Present when `--min-severity` hid findings: how many, and the threshold. */
  hidden?: { belowSeverity: Severity; count: number };
  /** Present when findings were suppressed (already discussed): which, and why. */
  suppressed?: SuppressedFinding[];
  notChecked: NotChecked[];
  /** Commands the collector ran that failed, from the manifest. */
  collectionFailures: Array<{ path: string; command: string; exitCode: number; forbidden?: boolean; stderr?: string; stderrFirstLine?: string }>;
  /** Steps the collector did not run, and why. */
  collectionSkipped: Array<{ path: string; reason: string }>;
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
    /** Entries a rule could read (not the manifest or stderr files). */
    inputsUsed: number;
  };
  warnings: string[];
}

export interface ReportInput {
  model: MeshModel;
  run: RuleRun;
  /** What the findings stage decided to show, hide and suppress. */
  outcome: FindingsOutcome;
  inventory: InventoryItem[];
  warnings: string[];
  manifest?: Manifest | undefined;
  /** Text of the collector's .stderr files, by bundle path (relative to the manifest). */
  stderrByPath?: Map<string, string>;
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

export function buildReport({ model, run, outcome, inventory, warnings, manifest, stderrByPath = new Map() }: ReportInput): Report {
  const summary = countBySeverity(outcome.shown);
  const sortedInventory = sortInventory(inventory);
  const inventorySummary = { used: 0, invalid: 0, 'not-recognised': 0, skipped: 0 };
  for (const item of sortedInventory) inventorySummary[item.status]++;
  const bundle: Report['bundle'] = {
    source: model.bundle.source,
    layout: model.bundle.layout,
    collectedAt: model.bundle.collectedAt ?? null,
    collectedAtSource: model.bundle.collectedAtSource,
  };
  if (model.bundle.cluster) bundle.cluster = model.bundle.cluster;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    bundle,
    summary,
    findings: outcome.shown,
    ...(outcome.hidden ? { hidden: outcome.hidden } : {}),
    ...(outcome.suppressed.length > 0 ? { suppressed: outcome.suppressed } : {}),
    notChecked: explainNotChecked(run.notChecked, manifest, sortedInventory).sort((a, b) => compareText(a.ruleId, b.ruleId)),
    collectionFailures: collectionFailures(manifest, stderrByPath),
    collectionSkipped: [...(manifest?.skipped ?? [])].sort((a, b) => compareText(a.path, b.path)),
    inventory: sortedInventory,
    inventorySummary,
    rulesChecked: run.checked,
    facts: { ...facts(model), inputsUsed: sortedInventory.filter((i) => i.status === 'used' && i.kind !== undefined && isInputId(i.kind)).length },
    warnings,
  };
}

type ManifestArtifact = Manifest['artifacts'][number];

function failed(artifact: ManifestArtifact): boolean {
  if (artifact.exitCode === 0) return false;
  const kind = artifact.kind && isArtifactId(artifact.kind) ? artifactKind(artifact.kind) : undefined;
  return !kind?.successExitCodes?.includes(artifact.exitCode);
}

function isInputId(kind: string): kind is InputId {
  return (INPUT_IDS as readonly string[]).includes(kind);
}

const STDERR_LINE_CHARS = 200;

/** klog's header, as client-go prints its retries before kubectl's own message. */
const KLOG_LINE = /^[EWIF]\d{4} [\d:.]+\s+\d+ \S+:\d+\] /;

/**
 * The stderr line that says what went wrong (`connection refused`, `Unauthorized`, `forbidden`):
 * the first line that is not client-go's klog noise, else the message of the first klog line.
 */
export function meaningfulLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  return lines.find((l) => !KLOG_LINE.test(l)) ?? lines[0]?.replace(KLOG_LINE, '');
}

function collectionFailures(manifest: Manifest | undefined, stderrByPath: Map<string, string>): Report['collectionFailures'] {
  if (!manifest) return [];
  return manifest.artifacts
    .filter(failed)
    .map((a) => {
      const stderrPath = a.stderr ? normaliseEntryPath(a.stderr) : undefined;
      const stderrText = stderrPath?.ok ? stderrByPath.get(stderrPath.path) : undefined;
      const firstLine = stderrText === undefined ? undefined : meaningfulLine(stderrText)?.slice(0, STDERR_LINE_CHARS);
      return {
        path: a.path,
        command: a.command,
        exitCode: a.exitCode,
        ...(a.forbidden ? { forbidden: true } : {}),
        ...(a.stderr ? { stderr: a.stderr } : {}),
        ...(firstLine ? { stderrFirstLine: firstLine } : {}),
      };
    })
    .sort((a, b) => compareText(a.path, b.path));
}

/**
 * A missing input is explained where the bundle can explain it: its files were there but could
 * not be read (the inventory says why), or the collector tried to collect it and failed.
 */
function explainNotChecked(notChecked: NotChecked[], manifest: Manifest | undefined, inventory: InventoryItem[]): NotChecked[] {
  return notChecked.map((entry) => {
    const missing = entry.missing as string[];
    const unreadable = inventory.filter((i) => i.status === 'invalid' && i.kind !== undefined && missing.includes(i.kind));
    if (unreadable.length > 0) {
      const first = unreadable[0]!;
      const more = unreadable.length > 1 ? ` (and ${plural(unreadable.length - 1, 'more file')} of that kind)` : '';
      return { ...entry, reason: `${entry.reason}: ${first.path} could not be read: ${first.reason ?? 'invalid'}${more}` };
    }
    const attempts = manifest?.artifacts.filter((a) => a.kind !== undefined && missing.includes(a.kind) && failed(a)) ?? [];
    if (attempts.length === 0) return entry;
    const first = attempts[0]!;
    const how = first.forbidden ? 'was forbidden by RBAC' : first.exitCode === 124 ? 'timed out' : `failed (exit ${first.exitCode})`;
    const more = attempts.length > 1 ? ` (and ${attempts.length - 1} more attempts)` : '';
    return { ...entry, reason: `${entry.reason}: the collector ran \`${first.command}\`, which ${how}${more}` };
  });
}

function facts(model: MeshModel): Omit<Report['facts'], 'inputsUsed'> {
  const { controlPlane, dataPlane } = model.bundle.istioVersions;
  return {
    proxies: model.view('proxies').ids.length,
    pods: model.facets['kubectl.pods'].length,
    istioVersions: [...new Set([...controlPlane, ...dataPlane])].sort(compareText),
    istio: { controlPlane, dataPlane },
  };
}

