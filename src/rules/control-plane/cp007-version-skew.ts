import { splitProxyId } from '../../artifacts/proxy-status/schema.js';
import { shell } from '../shell.js';
import { imageRelease } from '../../model/istio-versions.js';
import { isIstiod } from '../../model/pods.js';
import { compareText } from '../../order.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext } from '../rule.js';
import { compareReleases, endOfLife, minorOf, OLDEST_LISTED, SUPPORTED_RELEASES_URL } from './istio-releases.js';

/** How far behind istiod a proxy may be: one minor (istio.io "Supported releases": control plane/data plane skew). */
const SUPPORTED_SKEW_MINORS = 1;
const NAMED_PROXIES = 5;

interface Proxy {
  id: string;
  release: string;
  /** How many proxies this stands for (the text `istioctl version` counts them per release). */
  count?: number;
  /** The istiod pod it is connected to (proxy-status), when known. */
  istiod?: string;
  evidence: Evidence;
}

export const cp007 = defineRule({
  id: 'CP007',
  slug: 'version-skew',
  title: 'proxies run an Istio release too far from istiod, or a release past its end of life',
  severity: 'medium',
  step: 'control-plane',
  inputs: { required: [], anyOf: ['kubectl.pods', 'istioctl.proxyStatus', 'istioctl.version'], optional: ['istiod.syncz'] },
  description:
    'Compares each proxy\'s Istio release (proxy-status or syncz `VERSION`, else its `istio-proxy` image, else `istioctl version`) with the release of the istiod it is ' +
    'connected to (the `discovery` image of that istiod pod, or `istioctl version`\'s control plane; with one control-plane release, that one): a proxy more than one minor behind is beyond the supported skew, a proxy ' +
    'newer than its istiod is never supported. Also reports every release in the bundle whose end of life is before the bundle was collected (istio.io supported-releases dates).',
  rationale:
    'Istio supports a control plane one minor ahead of its proxies, not more, and never behind them: outside that, xDS fields the proxy does not know or istiod no ' +
    'longer sends break configuration in ways no log names. A release past its end of life gets no security fixes.',
  remediation:
    'Upgrade the lagging proxies (restart their workloads after the injector serves the new release, or move them to the matching revision with `istio.io/rev`), ' +
    'one minor at a time; upgrade an end-of-life release to a supported one (canary upgrade with revisions).',
  threshold: {
    value: `proxy more than ${SUPPORTED_SKEW_MINORS} minor behind istiod, or ahead of it; a release past its end of life at collection time`,
    source: `rule catalogue CP007; istio.io Supported releases (control plane/data plane skew, end-of-life dates): ${SUPPORTED_RELEASES_URL}`,
  },
  docs: [SUPPORTED_RELEASES_URL, 'https://istio.io/latest/docs/setup/upgrade/canary/'],
  check(inputs, context) {
    const istiods = new Map<string, { release: string; evidence: Evidence }>();
    const proxies = new Map<string, Proxy>();
    for (const { name, namespace, pod, source } of inputs['kubectl.pods']) {
      const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
      containers.forEach((container) => {
        const cp = isIstiod(pod) && container.name === 'discovery' ? imageRelease(container.image, 'pilot') : undefined;
        if (cp) istiods.set(name, { release: cp, evidence: evidenceAt(source, container.image) });
        const dp = container.name === 'istio-proxy' ? imageRelease(container.image, 'proxyv2') : undefined;
        if (dp) proxies.set(`${name}.${namespace}`, { id: `${name}.${namespace}`, release: dp, evidence: evidenceAt(source, container.image) });
      });
    }
    // The running proxy's own report wins over its image (an image can change before the pod restarts).
    for (const status of [...inputs['istioctl.proxyStatus'], ...inputs['istiod.syncz']]) {
      for (const row of status.proxies) {
        if (!row.version || !minorOf(row.version)) continue;
        proxies.set(row.id, { id: row.id, release: row.version, ...(row.istiod ? { istiod: row.istiod } : {}), evidence: evidenceAt({ path: status.path, ...(row.line ? { line: row.line } : {}), ...(row.pointer ? { pointer: row.pointer } : {}) }, `${row.id} ${row.version}`) });
      }
    }

    // `istioctl version`: the control plane's releases, and the proxies the bundle shows no other way.
    for (const version of inputs['istioctl.version']) {
      version.controlPlane.forEach((cp, i) => {
        if (minorOf(cp.version)) istiods.set(`istioctl version ${cp.component ?? 'istiod'} ${cp.revision ?? ''} ${cp.version}`, { release: cp.version, evidence: evidenceAt({ path: version.path, ...(version.format === 'json' ? { pointer: `/meshVersion/${i}` } : {}) }, `control plane ${cp.version}`) });
      });
      version.proxies.forEach((p, i) => {
        const id = p.id ?? `${p.count ?? 1} proxies on ${p.version}`;
        if (proxies.has(id) || !minorOf(p.version)) return;
        proxies.set(id, { id, release: p.version, ...(p.count ? { count: p.count } : {}), evidence: evidenceAt({ path: version.path, ...(version.format === 'json' ? { pointer: `/dataPlaneVersion/${i}` } : {}) }, `${id} ${p.version}`) });
      });
    }
    const controlPlane = [...new Set([...istiods.values()].map((i) => i.release))].sort(compareReleases);
    if (controlPlane.length === 0 && proxies.size > 0) {
      context.notChecked('the bundle shows the proxies\' releases but not istiod\'s (no istiod pod with its `discovery` image)', [`kubectl get pods -n ${context.bundle.istioNamespace} -o json`]);
    }
    reportSkew(context, proxies, istiods, controlPlane);
    reportEndOfLife(context, proxies, istiods);
  },
});

function reportSkew(context: RuleContext, proxies: Map<string, Proxy>, istiods: Map<string, { release: string; evidence: Evidence }>, controlPlane: readonly string[]): void {
  const groups = new Map<string, { cp: string; dp: string; ahead: boolean; proxies: Proxy[]; cpEvidence?: Evidence }>();
  for (const proxy of [...proxies.values()].sort((a, b) => compareText(a.id, b.id))) {
    const own = proxy.istiod ? istiods.get(proxy.istiod) : undefined;
    const cp = own?.release ?? closestControlPlane(proxy.release, controlPlane);
    if (!cp) continue;
    const gap = minorGap(cp, proxy.release);
    if (gap === undefined || (gap >= 0 && gap <= SUPPORTED_SKEW_MINORS)) continue;
    const key = `${cp}|${proxy.release}`;
    const group = groups.get(key) ?? { cp, dp: proxy.release, ahead: gap < 0, proxies: [], ...(own ? { cpEvidence: own.evidence } : {}) };
    group.proxies.push(proxy);
    groups.set(key, group);
  }
  for (const group of [...groups.values()].sort((a, b) => compareText(`${a.cp}|${a.dp}`, `${b.cp}|${b.dp}`))) {
    const total = group.proxies.reduce((n, p) => n + (p.count ?? 1), 0);
    const named = namedList(group.proxies, NAMED_PROXIES, (p) => `\`${p.id}\``);
    const cpEvidence = group.cpEvidence ?? [...istiods.values()].find((i) => i.release === group.cp)?.evidence;
    context.report({
      severity: group.ahead ? 'high' : 'medium',
      subject: { kind: 'Cluster', name: context.bundle.cluster ?? 'cluster' },
      key: `skew ${group.cp} ${group.dp}`,
      title: group.ahead
        ? `${plural(total, 'proxy', 'proxies')} on Istio ${group.dp}, newer than istiod ${group.cp}`
        : `${plural(total, 'proxy', 'proxies')} on Istio ${group.dp}, more than ${SUPPORTED_SKEW_MINORS} minor behind istiod ${group.cp}`,
      evidence: [...(cpEvidence ? [cpEvidence] : []), ...group.proxies.slice(0, NAMED_PROXIES).map((p) => p.evidence)],
      explanation: group.ahead
        ? `${named} ${total === 1 ? 'runs' : 'run'} Istio ${group.dp} against istiod ${group.cp}. A data plane newer than its control plane is not supported: the proxies may expect configuration istiod does not send.`
        : `${named} ${total === 1 ? 'runs' : 'run'} Istio ${group.dp} against istiod ${group.cp}: ${minorGap(group.cp, group.dp)} minors apart, beyond the ${SUPPORTED_SKEW_MINORS} Istio supports. istiod may send configuration these proxies reject or misread.`,
      remediation: group.ahead
        ? `Upgrade istiod to ${group.dp} (or move these workloads to a revision that runs it) before anything else.`
        : `Restart ${total === 1 ? 'the workload of this proxy so that it gets' : 'the workloads of these proxies so that they get'} the ${group.cp} sidecar (\`kubectl rollout restart\` of ${total === 1 ? 'its Deployment' : 'their Deployments'}), or move them to a revision one minor behind at most, one step at a time.`,
      commands: [
        'istioctl version',
        'istioctl proxy-status',
        ...(group.ahead ? [] : namespacesOf(group.proxies).map((namespace) => shell`kubectl rollout restart deployment -n ${namespace}`)),
      ],
    });
  }
}

function reportEndOfLife(context: RuleContext, proxies: Map<string, Proxy>, istiods: Map<string, { release: string; evidence: Evidence }>): void {
  const now = context.bundle.collectedAt?.slice(0, 10);
  if (!now) return;
  const releases = new Map<string, { controlPlane: boolean; count: number; evidence: Evidence }>();
  const note = (minor: string, controlPlane: boolean, evidence: Evidence, weight = 1) => {
    const seen = releases.get(minor);
    releases.set(minor, { controlPlane: (seen?.controlPlane ?? false) || controlPlane, count: (seen?.count ?? 0) + (controlPlane ? 0 : weight), evidence: seen?.evidence ?? evidence });
  };
  for (const i of istiods.values()) note(minorName(i.release), true, i.evidence);
  for (const p of proxies.values()) note(minorName(p.release), false, p.evidence, p.count ?? 1);
  for (const [minor, seen] of [...releases].sort((a, b) => compareReleases(a[0], b[0]))) {
    const eol = endOfLife(minor);
    if (!eol || eol.date >= now) continue;
    const who = [seen.controlPlane ? 'istiod' : '', seen.count > 0 ? plural(seen.count, 'proxy', 'proxies') : ''].filter(Boolean).join(' and ');
    const one = seen.controlPlane ? seen.count === 0 : seen.count === 1;
    const ended = eol.exact ? `on ${eol.date}` : `before ${eol.date} (when that of Istio ${OLDEST_LISTED.minor}, a later minor, did)`;
    context.report({
      severity: 'medium',
      subject: { kind: 'Cluster', name: context.bundle.cluster ?? 'cluster' },
      key: `end-of-life ${minor}`,
      title: `Istio ${minor} is past its end of life (${eol.exact ? eol.date : `before ${eol.date}`})`,
      evidence: [seen.evidence],
      explanation: `${who} ${one ? 'runs' : 'run'} Istio ${minor}, whose support ended ${ended}, before this bundle was collected (${now}): it gets no security or bug fixes.`,
      remediation: `Upgrade to a supported release, one minor at a time with a canary revision; istio.io lists the supported releases and their end-of-life dates.`,
      commands: ['istioctl version'],
    });
  }
}

function minorName(version: string): string {
  const m = minorOf(version);
  return m ? `${m[0]}.${m[1]}` : version;
}

/** Minors from `dp` up to `cp` (negative: the proxy is newer); undefined across major versions. */
function minorGap(cp: string, dp: string): number | undefined {
  const a = minorOf(cp);
  const b = minorOf(dp);
  if (!a || !b || a[0] !== b[0]) return undefined;
  return a[1] - b[1];
}

/** With several control-plane releases (revisions) and no pairing: the lowest one not older than the proxy. */
function closestControlPlane(dp: string, controlPlane: readonly string[]): string | undefined {
  if (controlPlane.length === 1) return controlPlane[0];
  const candidates = controlPlane.filter((cp) => (minorGap(cp, dp) ?? -1) >= 0).sort((a, b) => (minorGap(a, dp) ?? 0) - (minorGap(b, dp) ?? 0));
  return candidates[0] ?? controlPlane[controlPlane.length - 1];
}

/** The namespaces of proxies named `<pod>.<namespace>`, in order, at most three (a restart command each). */
function namespacesOf(proxies: readonly Proxy[]): string[] {
  const namespaces = proxies.flatMap((p) => splitProxyId(p.id).namespace ?? []);
  return [...new Set(namespaces)].sort(compareText).slice(0, 3);
}
