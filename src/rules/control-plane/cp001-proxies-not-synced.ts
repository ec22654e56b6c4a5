import type { PodRecord } from '../../model/facets.js';
import type { ControlPlaneView } from '../../model/views/control-plane.js';
import type { SyncRow } from '../../model/views/proxies.js';
import { isServing } from '../../model/pods.js';
import { istiodHealth } from './istiod-health.js';
import { evidenceAt, namedList, percent, plural } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { compareText } from '../../order.js';
import { shell } from '../shell.js';

/** Types whose absence leaves a proxy with no clusters or no listeners at all. */
const ESSENTIAL_TYPES = new Set(['CDS', 'LDS']);
/** Evidence lines listed per finding; the count says how many there are in all. */
const MAX_LISTED = 20;

export const cp001 = defineRule({
  id: 'CP001',
  slug: 'proxies-not-synced',
  title: 'Proxies are STALE or were never sent their clusters/listeners',
  severity: 'critical',
  step: 'control-plane',
  inputs: { required: [], anyOf: ['istioctl.proxyStatus', 'istiod.syncz'], optional: ['kubectl.pods', 'kubectl.top'], views: ['proxies', 'controlPlane'] },
  description:
    'Reads the per-type xDS status of every proxy from `istioctl proxy-status` (any era) or istiod `debug/syncz`. ' +
    'Fires critical when any proxy is STALE for any type (istiod sent config the proxy has not acknowledged), and high when CDS or LDS is NOT SENT ' +
    '(the proxy has no clusters or no listeners from istiod). NOT SENT for RDS, EDS or ECDS is normal where nothing applies (a gateway without routes, no ECDS in use) and is not reported. ' +
    'NOT SENT for CDS/LDS is raised to critical when it affects more than half of the proxies. Findings are grouped by the istiod the proxies are connected to. ' +
    'ERROR (the proxy rejected a push) belongs to CP008, which this version does not implement yet.',
  rationale:
    'A STALE proxy runs on configuration istiod has already replaced: routing, security policy and endpoints drift from what is applied, and changes "do nothing". ' +
    'It is the first sign of control-plane connectivity trouble (istiod overloaded, network, or a proxy stuck on a rejected push).',
  remediation:
    'Check istiod health first (`kubectl get pods -n istio-system`, its logs and memory). If istiod is healthy, look at the proxy: its istio-proxy log for ' +
    '`gRPC config stream … closed` and `ACK ERROR`/`rejected` lines, then restart the affected workload to force a fresh xDS connection.',
  threshold: { value: 'any STALE; CDS/LDS NOT SENT', source: 'rule catalogue (`istio-bundle explain CP001`); Istio docs: Debugging Envoy and Istiod (istioctl proxy-status)' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://istio.io/latest/docs/reference/commands/istioctl/#istioctl-proxy-status'],
  check(inputs, context) {
    const rows = inputs.proxies.syncRows;
    if (!rows) {
      context.notChecked(
        'proxy-status was captured with the default table of istioctl ≥ 1.27 (SUBSCRIBED TYPES), which shows no per-type status; the mesh cannot be called synced from it',
        ['istioctl proxy-status --verbosity 1', shell`kubectl exec -n ${context.bundle.istioNamespace} deploy/istiod -c discovery -- pilot-discovery request GET /debug/syncz`],
      );
      return;
    }
    const total = rows.length;
    const stale = rows.filter(({ row }) => row.statuses.some((s) => s.status === 'STALE'));
    const notSent = rows.filter(({ row }) => row.statuses.some((s) => s.status === 'NOT SENT' && ESSENTIAL_TYPES.has(s.type)));
    const files = [...new Set(rows.map((r) => r.path))].map((p) => `\`${p}\``).join(', ');

    for (const [istiod, proxies] of byIstiod(stale)) {
      const remediation = fixGivenControlPlane(inputs.controlPlane.istiods, istiod);
      context.report({
        severity: 'critical',
        subject: istiodSubject(istiod, proxies, inputs.controlPlane),
        key: 'stale',
        title: `${plural(proxies.length, 'proxy', 'proxies')} STALE on ${istiod ?? 'istiod'} (${percent(proxies.length, total)} of the mesh)`,
        evidence: evidenceFor(proxies, 'STALE'),
        explanation:
          `${listProxies(proxies)} ${proxies.length === 1 ? 'has' : 'have'} configuration istiod sent but never acknowledged ` +
          `(${describeTypes(proxies, 'STALE')}). ${total === 1 ? `It is the only proxy in ${files}` : `${proxies.length} of the ${total} proxies in ${files} ${proxies.length === 1 ? 'is' : 'are'} affected`}. ` +
          `${proxies.length === 1 ? 'It runs' : 'Those proxies run'} on old routes, endpoints and policies; configuration changes do not reach ${proxies.length === 1 ? 'it' : 'them'}.`,
        ...(remediation ? { remediation } : {}),
        commands: [
          shell`kubectl get pods -n ${context.bundle.istioNamespace} -l app=istiod -o wide`,
          `${shell`kubectl logs -n ${context.bundle.istioNamespace} -l app=istiod -c discovery --tail=500`} | grep -E "ACK ERROR|Send failure|Timeout writing"`,
          `${proxies[0]!.row.namespace ? shell`kubectl logs ${proxies[0]!.row.pod} -n ${proxies[0]!.row.namespace}` : shell`kubectl logs ${proxies[0]!.row.pod}`} -c istio-proxy --tail=200 | grep -E "gRPC config|rejected"`,
        ],
      });
    }
    for (const [istiod, proxies] of byIstiod(notSent)) {
      const remediation = fixGivenControlPlane(inputs.controlPlane.istiods, istiod);
      const severity: Severity = proxies.length * 2 > total ? 'critical' : 'high';
      context.report({
        severity,
        subject: istiodSubject(istiod, proxies, inputs.controlPlane),
        key: 'not-sent',
        title: `${plural(proxies.length, 'proxy', 'proxies')} never sent CDS/LDS by ${istiod ?? 'istiod'}`,
        evidence: evidenceFor(proxies, 'NOT SENT'),
        explanation:
          `${listProxies(proxies)} ${proxies.length === 1 ? 'is' : 'are'} connected but istiod has not sent ${describeTypes(proxies, 'NOT SENT', ESSENTIAL_TYPES)}: ` +
          'without clusters or listeners the proxy cannot route any traffic. This usually means istiod could not build the configuration (look for errors in its log) ' +
          'or the proxy connected moments before collection.' +
          (severity === 'critical' ? ` More than half of the mesh (${proxies.length} of ${total}) is affected, so the severity is raised to critical.` : ''),
        ...(remediation ? { remediation } : {}),
      });
    }
  },
});

const PROXY_SIDE_FIX =
  'look at the proxy: its istio-proxy log for `gRPC config stream … closed` and `ACK ERROR`/`rejected` lines, then restart the affected workload to force a fresh xDS connection.';

/**
 * The fix depends on what the bundle shows of istiod, as CP003 rates it: one that does not serve
 * (not Running, not Ready, crashlooping) or serves but was OOMKilled explains the stale proxies,
 * and restarting workloads would not help; one that is healthy points at the proxies. The istiod
 * the proxies are connected to decides when it is known. Without istiod pods the general fix stands.
 */
function fixGivenControlPlane(istiods: readonly PodRecord[], istiodName: string | undefined): string | undefined {
  if (istiods.length === 0) return undefined;
  const failing = (record: PodRecord) => {
    const health = istiodHealth(record, istiods);
    return health?.severity === 'critical' ? `\`${record.name}\` ${health.headline ?? 'is not serving'}` : undefined;
  };
  const own = istiodName ? istiods.find((p) => p.name === istiodName) : undefined;
  const causes = (own ? [own] : istiods).map(failing).filter((c): c is string => c !== undefined);
  if (causes.length > 0) {
    const where = own ? `istiod ${causes[0]}, and these proxies are connected to it` : `The control plane is failing in this bundle: istiod ${causes.join(', ')}`;
    return (
      `${where} (see the CP003 finding). That explains the stale proxies: an istiod that is down or short of memory pushes late or not at all. ` +
      `Fix istiod first; proxies resync on their own once it serves steadily. If some stay STALE after that, ${PROXY_SIDE_FIX}`
    );
  }
  if (own) return `istiod \`${own.name}\`, which these proxies are connected to, is Running and Ready in the bundle, so ${PROXY_SIDE_FIX}`;
  return `istiod is Running and Ready in the bundle (${plural(istiods.filter((p) => isServing(p.pod)).length, 'replica')}), so ${PROXY_SIDE_FIX}`;
}

function byIstiod(rows: SyncRow[]): Array<[string | undefined, SyncRow[]]> {
  const groups = new Map<string, SyncRow[]>();
  for (const entry of rows) {
    const key = entry.row.istiod ?? '';
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].sort(([a], [b]) => compareText(a, b)).map(([key, entries]) => [key || undefined, entries]);
}

/** The istiod as a pod: its namespace from the sync rows, else from its pod in the bundle, else the control plane's. */
function istiodSubject(istiod: string | undefined, rows: SyncRow[], controlPlane: ControlPlaneView) {
  const pods = controlPlane.istiods.filter((p) => p.name === istiod);
  const namespace = rows.find((r) => r.row.istiodNamespace)?.row.istiodNamespace ?? (pods.length === 1 ? pods[0]!.namespace : controlPlane.namespace);
  return istiod ? { kind: 'Pod', namespace, name: istiod } : { kind: 'ControlPlane', name: 'istiod' };
}

function evidenceFor(rows: SyncRow[], status: string) {
  return rows.slice(0, MAX_LISTED).map(({ row, path }) =>
    evidenceAt(
      { path, ...(row.line ? { line: row.line } : {}), ...(row.pointer ? { pointer: row.pointer } : {}) },
      `${row.id}: ${row.statuses.filter((s) => s.status === status).map((s) => `${s.type} ${s.status}${s.note ? ` (${s.note})` : ''}`).join(', ')}`,
    ),
  );
}

function listProxies(rows: SyncRow[]): string {
  return namedList(rows, 5, ({ row }) => `\`${row.id}\``);
}

function describeTypes(rows: SyncRow[], status: string, only?: Set<string>): string {
  const types = new Set(rows.flatMap(({ row }) => row.statuses.filter((s) => s.status === status && (!only || only.has(s.type))).map((s) => s.type)));
  return [...types].sort(compareText).join(', ');
}
