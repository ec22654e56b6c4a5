import type { PodRecord, ProxySyncSource } from '../../model/facets.js';
import { containerStatuses, envoyProxyContainer, isIstiod, isRunningToStay, revisionOf } from '../../model/pods.js';
import { deploymentOf } from '../../model/views/control-plane.js';
import { compareText } from '../../order.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type RuleContext } from '../rule.js';
import { shell } from '../shell.js';

/**
 * How long a proxy may take to connect before its absence means something: the window Istio's
 * injected readiness probe gives it by default (`failureThreshold` 30 × `periodSeconds` 2).
 */
export const CONNECT_GRACE_SECONDS = 60;

interface Candidate {
  record: PodRecord;
  id: string;
  revision: string;
  startedAt: number;
  ready: boolean;
  statusPointer: string;
}

export const cp002 = defineRule({
  id: 'CP002',
  slug: 'proxy-not-connected',
  title: 'a running pod with an Istio proxy is not connected to istiod',
  severity: 'medium',
  step: 'control-plane',
  inputs: { required: ['kubectl.pods'], anyOf: ['istioctl.proxyStatus', 'istiod.syncz'] },
  description:
    'Lists every pod that runs an Envoy proxy (`istio-proxy` in `containers`, or as a native sidecar in `initContainers` with `restartPolicy: Always`: sidecars, ' +
    'gateways, waypoints) and looks for it, as `<pod>.<namespace>`, in `istioctl proxy-status` (any era, the ≥ 1.27 default table included) and istiod `debug/syncz`. ' +
    'A pod that is Running, not being deleted, and whose proxy started at least ' +
    `${CONNECT_GRACE_SECONDS} s before the proxy listing was taken (known from the collector's start, or from the newest proxy the listing does show) and that no listing shows is reported. ` +
    'Only revisions the listings cover are checked: a revision whose istiod appears in proxy-status, or whose every istiod replica in the bundle has its syncz. ' +
    'A namespace where the listing names proxies the pod listing lacks was captured at another time than the pods and is not checked.',
  rationale:
    'A proxy istiod does not know receives no configuration, endpoints or certificate rotation: it serves whatever it had, or nothing if it never connected ' +
    '(its readiness probe then fails). It is how a wrong discovery address, a NetworkPolicy, an unreachable revision or a crashing istiod shows on the data plane.',
  remediation:
    'Read the pilot-agent log of the pod for the xDS connection (`kubectl logs <pod> -n <namespace> -c istio-proxy | grep -i xds`): a refused or timed-out connection ' +
    'to `istiod.<istio namespace>.svc:15012` names the cause. Check the discovery address the proxy was injected with (`discoveryAddress`), that the istiod Service ' +
    'of its revision has endpoints, and that no NetworkPolicy blocks port 15012; then restart the pod.',
  threshold: {
    value: `Running, not terminating, proxy started ≥ ${CONNECT_GRACE_SECONDS} s before the listing, absent from every proxy-status/syncz that covers its revision`,
    source: "rule catalogue CP002; Istio docs: Debugging Envoy and Istiod (istioctl proxy-status); the sidecar's default readiness probe window (failureThreshold 30 × periodSeconds 2)",
  },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/', 'https://istio.io/latest/docs/ops/common-problems/injection/'],
  check(inputs, context) {
    const sources = [...inputs['istioctl.proxyStatus'], ...inputs['istiod.syncz']];
    const pods = inputs['kubectl.pods'];
    const listed = new Set(sources.flatMap((s) => s.proxies.map((row) => row.id)));
    const podIds = new Set(pods.map((p) => `${p.name}.${p.namespace}`));
    const candidates = pods.map(candidate).filter((c): c is Candidate => c !== undefined);
    if (candidates.length === 0) return;

    const covered = coveredRevisions(sources, pods);
    // Proxies listed whose pods the pod listing of their namespace lacks: the two were taken at different times.
    const podNamespaces = new Set(pods.map((p) => p.namespace));
    const churned = new Set(sources.flatMap((s) => s.proxies).filter((row) => row.namespace && podNamespaces.has(row.namespace) && !podIds.has(row.id)).map((row) => row.namespace!));
    const snapshot = snapshotAfter(candidates.filter((c) => listed.has(c.id)), context.bundle.collectedAtSource === 'manifest' ? context.bundle.collectedAt : undefined);

    const uncovered = new Set<string>();
    const skippedNamespaces = new Set<string>();
    for (const c of candidates.sort((a, b) => compareText(a.id, b.id))) {
      if (listed.has(c.id)) continue;
      if (!covered.has(c.revision)) {
        uncovered.add(c.revision);
        continue;
      }
      if (churned.has(c.record.namespace)) {
        skippedNamespaces.add(c.record.namespace);
        continue;
      }
      if (snapshot === undefined || c.startedAt > snapshot - CONNECT_GRACE_SECONDS * 1000) continue;
      report(context, c, sources.filter((s) => coversRevision(s, c.revision, pods)));
    }
    const gaps = [
      ...(uncovered.size > 0 ? [`pods of revision ${[...uncovered].sort(compareText).join(', ')} (no proxy-status row or syncz of that revision's istiod)`] : []),
      ...(skippedNamespaces.size > 0 ? [`namespace ${[...skippedNamespaces].sort(compareText).join(', ')} (the proxy listing names pods the pod listing lacks: taken at another time)`] : []),
    ];
    if (gaps.length > 0) {
      context.notChecked(`Could not be checked: ${gaps.join('; ')}.`, ['istioctl proxy-status', shell`kubectl get pods -n ${context.bundle.istioNamespace} -l app=istiod -o json`]);
    }
  },
});

function candidate(record: PodRecord): Candidate | undefined {
  const { pod } = record;
  const proxy = envoyProxyContainer(pod);
  if (!proxy || !isRunningToStay(pod)) return undefined;
  const status = containerStatuses(pod).find((s) => s.name === 'istio-proxy');
  const startedAt = Date.parse(status?.state?.running?.startedAt ?? '');
  if (!status || Number.isNaN(startedAt)) return undefined;
  return { record, id: `${record.name}.${record.namespace}`, revision: revisionOf(pod), startedAt, ready: status.ready === true, statusPointer: status.pointer };
}

/** The revision of an istiod pod: as its pod says, else as its Deployment's name does (`istiod-1-22-3` → `1-22-3`). */
function istiodRevision(name: string, pods: readonly PodRecord[]): string {
  const pod = pods.find((p) => p.name === name && isIstiod(p.pod));
  if (pod) return revisionOf(pod.pod);
  const deployment = deploymentOf(name);
  return deployment === 'istiod' ? 'default' : deployment.replace(/^istiod-/, '');
}

/**
 * Whether a listing answers for a revision's proxies. istioctl proxy-status asks every istiod of
 * the revisions it covers, so one row on an istiod of the revision is enough (rows without an
 * istiod: every revision). A syncz lists the proxies of the one istiod it was fetched from, so a
 * revision is covered by syncz only when every running replica of it in the bundle has its own.
 */
function coversRevision(source: ProxySyncSource, revision: string, pods: readonly PodRecord[]): boolean {
  if (source.source !== 'syncz') {
    const istiods = source.proxies.map((row) => row.istiod);
    return istiods.some((i) => i === undefined) || istiods.some((i) => i !== undefined && istiodRevision(i, pods) === revision);
  }
  return source.fetchedFrom !== undefined && istiodRevision(source.fetchedFrom.pod, pods) === revision;
}

function coveredRevisions(sources: readonly ProxySyncSource[], pods: readonly PodRecord[]): Set<string> {
  const revisions = new Set(pods.filter((p) => isIstiod(p.pod)).map((p) => istiodRevision(p.name, pods)));
  for (const s of sources) for (const row of s.proxies) if (row.istiod) revisions.add(istiodRevision(row.istiod, pods));
  const covered = new Set<string>();
  for (const revision of [...revisions, 'default']) {
    if (sources.some((s) => s.source !== 'syncz' && coversRevision(s, revision, pods))) covered.add(revision);
    const replicas = pods.filter((p) => isIstiod(p.pod) && p.pod.status?.phase === 'Running' && istiodRevision(p.name, pods) === revision);
    const syncz = sources.filter((s) => s.source === 'syncz' && coversRevision(s, revision, pods));
    if (replicas.length > 0 && replicas.every((r) => syncz.some((s) => s.fetchedFrom?.pod === r.name))) covered.add(revision);
  }
  return covered;
}

/**
 * The listing was taken no earlier than this: after the newest proxy it shows had started, and,
 * in a collector bundle, after the collector started (proxy-status and syncz run after `collectedAt`).
 */
function snapshotAfter(listed: readonly Candidate[], collectorStart: string | undefined): number | undefined {
  const times = [...listed.map((c) => c.startedAt), ...(collectorStart ? [Date.parse(collectorStart)] : [])].filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : undefined;
}

function report(context: RuleContext, c: Candidate, sources: readonly ProxySyncSource[]): void {
  const { record } = c;
  const node = record.pod.spec?.nodeName;
  const istiodService = c.revision === 'default' ? 'istiod' : `istiod-${c.revision}`;
  const files = sources.map((s) => `\`${s.path}\` (${plural(s.proxies.length, 'proxy', 'proxies')})`).join(', ');
  context.report({
    subject: { kind: 'Pod', namespace: record.namespace, name: record.name },
    title: `${record.namespace}/${record.name} runs a proxy istiod does not list`,
    evidence: [
      evidenceAt(record.source, `${record.name}: Running, istio-proxy ${c.ready ? 'ready' : 'not ready'}`, c.statusPointer),
      ...sources.map((s) => evidenceAt({ path: s.path }, `no ${c.id} among ${plural(s.proxies.length, 'proxy', 'proxies')}`)),
    ],
    explanation:
      `Pod \`${record.name}\` (namespace ${record.namespace}${node ? `, node ${node}` : ''}, revision ${c.revision}) is Running with an Istio proxy` +
      ` (${c.ready ? 'ready: it received its configuration once' : 'not ready: it has never received its configuration'}), but it is not among the proxies of ${files}. ` +
      'Unless it is connected to a control plane this listing does not show (a remote or external istiod), nothing is pushed to it: ' +
      'no configuration changes, endpoint updates or certificate rotation reach it.',
    commands: [
      `${shell`kubectl logs ${record.name} -n ${record.namespace} -c istio-proxy`} | grep -i xds`,
      `${shell`kubectl get pod ${record.name} -n ${record.namespace} -o yaml`} | grep -E -A2 'discoveryAddress|CA_ADDR'`,
      shell`kubectl get endpointslices -n ${context.bundle.istioNamespace} -l ${`kubernetes.io/service-name=${istiodService}`}`,
      'istioctl proxy-status',
    ],
  });
}
