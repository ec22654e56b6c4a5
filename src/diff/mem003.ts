import { workloadOf } from '../analysis/workloads.js';
import { MiB } from '../artifacts/quantity.js';
import { fingerprintOf } from '../findings/fingerprint.js';
import type { Report } from '../report/report.js';
import type { Evidence, Finding, Subject } from '../rules/rule.js';
import { shell } from '../rules/shell.js';
import type { BundleDiff, MemoryRow } from './diff-schema.js';
import { epochMs } from '../times.js';
import { GROWTH_MIN_BYTES, GROWTH_MIN_PERCENT, LEAK_NEAR_LIMIT_SHARE, MEM003, TRAFFIC_PROPORTION } from './rules.js';
import { durationText, mibText, percentText, signedMib, signedPercent, trim } from './units.js';

export interface DiffSide {
  report: Report;
  /** The path given on the command line. */
  input: string;
}

type NotChecked = BundleDiff['notChecked'][number];

export interface LeakCheck {
  leak: BundleDiff['leak'];
  findings: Finding[];
  notChecked: NotChecked[];
}

/** Grown past MEM003's line: by GROWTH_MIN_PERCENT of what it was and by GROWTH_MIN_BYTES, both at least. */
export function grewPastLine(beforeBytes: number, afterBytes: number): boolean {
  const change = afterBytes - beforeBytes;
  return change >= GROWTH_MIN_BYTES && change * 100 >= beforeBytes * GROWTH_MIN_PERCENT;
}

const COLLECT_BUNDLE = 'sh collector/collect.sh --context <the same context as the earlier bundle>';

function notChecked(reason: string, collect: string[]): LeakCheck {
  return { leak: { ruleId: 'MEM003', status: 'not-checked', reason }, findings: [], notChecked: [{ ruleId: MEM003.id, title: MEM003.title, reason, collect }] };
}

/**
 * MEM003: memory that grew between the bundles while the configuration stayed the same. Needs the
 * same cluster, both collection times in order and both configuration digests; a changed
 * configuration is a verdict (not a leak), not a gap.
 */
export function checkLeak(before: DiffSide, after: DiffSide, metrics: BundleDiff['metrics']): LeakCheck {
  const b = before.report;
  const a = after.report;
  if (b.bundle.cluster && a.bundle.cluster && b.bundle.cluster !== a.bundle.cluster) {
    return notChecked(`the bundles are of different clusters (\`${b.bundle.cluster}\`, then \`${a.bundle.cluster}\`): memory growth is only read between two collections of one cluster`, [COLLECT_BUNDLE]);
  }
  const from = epochMs(b.bundle.collectedAt);
  const to = epochMs(a.bundle.collectedAt);
  if (from === undefined || to === undefined) {
    const which = [from === undefined ? 'the earlier' : '', to === undefined ? 'the later' : ''].filter(Boolean).join(' and ');
    return notChecked(`${which} bundle has no collection time (no manifest \`collectedAt\`, no timestamp in its files): growth cannot be read per hour`, [COLLECT_BUNDLE]);
  }
  if (to === from) return notChecked(`both bundles were collected at ${a.bundle.collectedAt}: growth needs two collections apart in time`, [COLLECT_BUNDLE]);
  if (to < from) {
    return notChecked(`the later bundle (${a.bundle.collectedAt}) was not collected after the earlier one (${b.bundle.collectedAt}): give the older bundle first`, []);
  }
  const digestBefore = b.metrics?.configuration;
  const digestAfter = a.metrics?.configuration;
  if (!digestBefore || !digestAfter) {
    const which = [!digestBefore ? 'the earlier' : '', !digestAfter ? 'the later' : ''].filter(Boolean).join(' and ');
    return notChecked(
      `${which} bundle has no configuration digest (no Istio resources or Services in it${b.metrics === undefined || a.metrics === undefined ? ', or a report written before metrics' : ''}): whether the configuration changed is unknown`,
      ['kubectl get virtualservices.networking.istio.io,destinationrules.networking.istio.io,gateways.networking.istio.io,serviceentries.networking.istio.io,sidecars.networking.istio.io,peerauthentications.security.istio.io,authorizationpolicies.security.istio.io -A -o json', 'kubectl get services -A -o json'],
    );
  }
  const rows = [...metrics.istiod.map((row) => ({ row, istiod: true })), ...metrics.proxies.map((row) => ({ row, istiod: false }))].filter(({ row }) => row.beforeBytes !== undefined && row.afterBytes !== undefined);
  if (rows.length === 0) {
    return notChecked('no istiod or proxy has a memory measurement in both bundles', ['kubectl top pod -n istio-system --containers', 'kubectl top pod -n <namespace> --containers']);
  }
  const grown = rows.filter(({ row }) => grewPastLine(row.beforeBytes!, row.afterBytes!));
  const hours = (to - from) / 3_600_000;
  if (digestBefore.digest !== digestAfter.digest) {
    const notes = grown.map(({ row, istiod }) => `${istiod ? 'istiod' : 'proxy'} ${row.key} grew ${growthText(row)}: with the configuration changed, not read as a leak`);
    return {
      leak: {
        ruleId: 'MEM003',
        status: 'configuration-changed',
        reason: `the configuration changed between the bundles (digest \`${digestBefore.digest}\` → \`${digestAfter.digest}\`, ${digestBefore.resources} → ${digestAfter.resources} resources): memory follows configuration, so growth is not read as a leak`,
        ...(notes.length > 0 ? { notes } : {}),
      },
      findings: [],
      notChecked: [],
    };
  }
  const notes: string[] = [];
  const findings: Finding[] = [];
  for (const { row, istiod } of grown) {
    const changed = configCountsChanged(row);
    if (changed) {
      notes.push(`proxy ${row.key} grew ${growthText(row)} but its ${changed}: its configuration changed, not read as a leak`);
      continue;
    }
    findings.push(leakFinding(row, istiod, before, after, hours, metrics));
  }
  if (findings.length > 0) return { leak: { ruleId: 'MEM003', status: 'fired', reason: `${findings.length} container${findings.length === 1 ? '' : 's'} grew by ≥ ${GROWTH_MIN_PERCENT} % and ≥ ${GROWTH_MIN_BYTES / MiB} MiB in ${durationText((to - from) / 1000)} with the same configuration digest (\`${digestAfter.digest}\`)`, ...(notes.length > 0 ? { notes } : {}) }, findings, notChecked: [] };
  const largest = rows.filter(({ row }) => (row.changeBytes ?? 0) > 0).sort((x, y) => y.row.changeBytes! - x.row.changeBytes! || (x.row.key < y.row.key ? -1 : 1))[0];
  const most = largest ? ` (most: ${largest.row.key}, ${growthText(largest.row)})` : '';
  return {
    leak: { ruleId: 'MEM003', status: 'quiet', reason: `the configuration digest is the same (\`${digestAfter.digest}\`) and no istiod or proxy memory grew by ≥ ${GROWTH_MIN_PERCENT} % and ≥ ${GROWTH_MIN_BYTES / MiB} MiB${most}`, ...(notes.length > 0 ? { notes } : {}) },
    findings: [],
    notChecked: [],
  };
}

function growthText(row: MemoryRow): string {
  return `${mibText(row.beforeBytes!)} → ${mibText(row.afterBytes!)} (${signedMib(row.changeBytes!)}, ${signedPercent(row.changeShare ?? 0)})`;
}

/** The proxy's clusters or routes changed, where both config dumps give them. */
function configCountsChanged(row: MemoryRow): string | undefined {
  const parts: string[] = [];
  if (row.clustersBefore !== undefined && row.clustersAfter !== undefined && row.clustersBefore !== row.clustersAfter) parts.push(`clusters went ${row.clustersBefore} → ${row.clustersAfter}`);
  if (row.routesBefore !== undefined && row.routesAfter !== undefined && row.routesBefore !== row.routesAfter) parts.push(`routes went ${row.routesBefore} → ${row.routesAfter}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function subjectOf(row: MemoryRow, istiod: boolean): Subject {
  // Nothing named the pod: the report keeps the file that measured it.
  if ((row.podAfter ?? row.podBefore) === row.key) return { kind: 'File', name: row.key };
  const slash = row.key.indexOf('/');
  const namespace = slash > 0 ? row.key.slice(0, slash) : undefined;
  const name = slash > 0 ? row.key.slice(slash + 1) : row.key;
  const kind = istiod ? 'Deployment' : workloadOf(row.podAfter ?? row.podBefore ?? name).kind;
  return { kind, ...(namespace ? { namespace } : {}), name };
}

/** Where the value sits in each report: `/metrics/memory/<istiod|proxies>/<i>`. */
function evidenceOf(side: DiffSide, pod: string | undefined, istiod: boolean, bytes: number): Evidence[] {
  const memory = side.report.metrics?.memory;
  if (!memory || pod === undefined) return [];
  const index = istiod ? memory.istiod.findIndex((m) => m.pod.endsWith(`/${pod}`)) : memory.proxies.findIndex((p) => p.proxy.endsWith(`/${pod}`));
  if (index < 0) return [];
  return [{ path: side.input, pointer: `/metrics/memory/${istiod ? 'istiod' : 'proxies'}/${index}`, excerpt: `${pod}: ${bytes} bytes (${mibText(bytes)}) at ${side.report.bundle.collectedAt ?? 'an unknown time'}` }];
}

function trafficText(metrics: BundleDiff['metrics'], memoryShare: number): string {
  const { before, after } = metrics.traffic;
  if (!before || !after) {
    const which = [!before ? 'the earlier' : '', !after ? 'the later' : ''].filter(Boolean).join(' and ');
    return ` Traffic is not compared: ${which} bundle has no access-log lines.`;
  }
  if (before.requestsPerMinute === 0) return ' Traffic is not compared: the earlier bundle\'s access logs span no minute.';
  const share = after.requestsPerMinute / before.requestsPerMinute - 1;
  const rates = `Traffic went from ${trim(before.requestsPerMinute, 1)} to ${trim(after.requestsPerMinute, 1)} requests per minute of access-log span (${signedPercent(share)})`;
  return share >= memoryShare * TRAFFIC_PROPORTION
    ? ` ${rates}: in proportion to the memory's growth, so it may be traffic, not a leak; compare with a third bundle at the earlier traffic.`
    : ` ${rates}: not in proportion to the memory's growth, which traffic does not explain.`;
}

function leakFinding(row: MemoryRow, istiod: boolean, before: DiffSide, after: DiffSide, hours: number, metrics: BundleDiff['metrics']): Finding {
  const subject = subjectOf(row, istiod);
  const namespace = subject.namespace ?? 'default';
  const share = row.changeShare ?? 0;
  const nearLimit = row.limitBytes !== undefined && row.afterBytes! >= LEAK_NEAR_LIMIT_SHARE * row.limitBytes;
  const what = istiod ? `istiod \`${row.key}\` (its \`discovery\` container)` : `the istio-proxy container of \`${row.key}\``;
  const pods = row.podBefore === row.podAfter ? `pod \`${row.podAfter}\`` : `pod \`${row.podBefore}\`, then \`${row.podAfter}\`, replaced between the bundles`;
  const measured = row.source === 'server.memory_allocated' ? "Envoy's `server.memory_allocated`" : '`kubectl top` working set';
  const configuration = metrics.configuration.after!;
  const counts = row.clustersAfter !== undefined && row.routesAfter !== undefined && row.clustersBefore !== undefined ? ` Its config dump holds the same ${row.clustersAfter} clusters and ${row.routesAfter} routes in both bundles.` : '';
  const limit =
    row.limitBytes !== undefined
      ? ` Its memory limit is ${mibText(row.limitBytes)}: ${percentText(row.afterBytes! / row.limitBytes)} used${nearLimit ? ', and the kernel OOM-kills the container at the limit' : ''}.`
      : '';
  const version = (istiod ? after.report.facts.istio.controlPlane : after.report.facts.istio.dataPlane)[0] ?? after.report.facts.istioVersions[0];
  const release = version ? `the latest patch release of Istio ${version.split('.').slice(0, 2).join('.')} (the bundle shows ${version})` : 'the latest patch release of the Istio version in use';
  const restartTarget = subject.kind === 'Deployment' ? shell`kubectl rollout restart deployment/${subject.name} -n ${namespace}` : undefined;
  return {
    ruleId: MEM003.id,
    fingerprint: fingerprintOf(MEM003.id, subject, istiod ? 'istiod' : 'istio-proxy'),
    severity: nearLimit ? 'high' : MEM003.severity,
    step: MEM003.step,
    title: `${istiod ? 'istiod' : 'istio-proxy of'} ${row.key} grew ${mibText(row.beforeBytes!)} → ${mibText(row.afterBytes!)} (${signedPercent(share)}) with the same configuration`,
    subject,
    evidence: [...evidenceOf(before, row.podBefore, istiod, row.beforeBytes!), ...evidenceOf(after, row.podAfter, istiod, row.afterBytes!)],
    explanation:
      `The memory of ${what} grew from ${mibText(row.beforeBytes!)} at ${before.report.bundle.collectedAt} to ${mibText(row.afterBytes!)} at ${after.report.bundle.collectedAt} (${measured}, ${pods}): ` +
      `${signedMib(row.changeBytes!)}, ${signedPercent(share)} in ${durationText(hours * 3600)}, ${trim(row.changeBytes! / MiB / hours, 1)} MiB per hour. ` +
      `The configuration digest is equal in both bundles (\`${configuration.digest}\`, ${configuration.resources} resources by ${configuration.by}).${counts}${limit}${trafficText(metrics, share)}`,
    remediation:
      `Upgrade to ${release}: memory leaks are fixed in patch releases. Until then restart the ${istiod ? 'istiod Deployment' : 'workload\'s pods'} periodically${nearLimit ? ', and soon: it is close to its limit' : ''}` +
      `${restartTarget ? ` (\`${restartTarget}\`)` : ''}, and collect a third bundle later: growth at the same rate confirms the leak.`,
    commands: [...(restartTarget ? [restartTarget] : []), shell`kubectl top pod -n ${namespace} --containers`],
    docs: [...MEM003.docs],
  };
}
