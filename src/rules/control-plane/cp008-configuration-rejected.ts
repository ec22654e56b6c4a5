import type { ResourceRecord } from '../../model/facets.js';
import { evidenceAt, namedList, plural } from '../evidence.js';
import { defineRule, type Evidence, type RuleContext, type Subject } from '../rule.js';
import { shell } from '../shell.js';

/** Proxies named per finding; the rest are counted. */
const MAX_PROXIES_NAMED = 10;

/** One rejection, wherever the bundle shows it. */
interface Rejection {
  /** LDS, CDS, RDS, …: the xDS type. */
  type: string;
  /** Envoy's error text; undefined when only a counter shows the rejection. */
  reason?: string;
  /** The listener or cluster rejected, when the source names it apart from the error (a config dump's `error_state`). */
  resource?: Subject;
  proxy: string;
  evidence: Evidence;
}

const STAT_TYPES: Record<string, string> = {
  'listener_manager.lds.update_rejected': 'LDS',
  'cluster_manager.cds.update_rejected': 'CDS',
  'rds.update_rejected': 'RDS',
  'eds.update_rejected': 'EDS',
};

export const cp008 = defineRule({
  id: 'CP008',
  slug: 'configuration-rejected',
  title: 'proxies reject configuration from istiod (NACK): the change is not applied',
  severity: 'high',
  step: 'control-plane',
  inputs: { required: [], anyOf: ['logs.proxy', 'logs.istiod', 'envoy.configDump', 'envoy.stats'], optional: ['k8s.resources'] },
  description:
    'Gathers every sign of a rejected xDS update: Envoy\'s `gRPC config for type.googleapis.com/<type> rejected: <error>` (proxy logs), istiod\'s `ADS:<type>: ACK ERROR <proxy> <error>` (istiod logs), ' +
    'the `error_state` of a listener or cluster in a config dump, and `update_rejected` counters above 0 in Envoy\'s stats. One finding per xDS type and error, naming the proxies and the listener or cluster ' +
    'the error is about, and the EnvoyFilters of the bundle whose patches contain what the error names (a filter, a file path, the listener).',
  rationale:
    'A proxy that rejects an update keeps its previous configuration for that type: the change never takes effect, and every later change of the same type is rejected with it until the bad resource is fixed. ' +
    'The usual source is an EnvoyFilter that no longer fits the Envoy version (a removed field, a filter in the wrong place, a Wasm module path that does not exist).',
  remediation:
    'Fix or remove the resource the error points to — most often an EnvoyFilter (`kubectl get envoyfilters -A`); the error text names the listener and the problem. Then check that the rejection counters stop rising: ' +
    '`kubectl exec <pod> -n <namespace> -c istio-proxy -- pilot-agent request GET stats | grep update_rejected`. ' +
    'A listener that cannot bind (`cannot bind`, `Permission denied` on a port below 1024) is not a bad resource but a port the proxy may not open: see LOG006.',
  threshold: { value: 'any rejection', source: 'rule catalogue (`istio-bundle explain CP008`), after the Istio production debugging guide (ACK ERROR, `rejected`, `pilot_total_xds_rejects`) and Envoy\'s xDS protocol (NACK)' },
  docs: ['https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#ack-and-nack-semantics', 'https://istio.io/latest/docs/reference/config/networking/envoy-filter/'],
  check(inputs, context) {
    const rejections: Rejection[] = [];
    for (const log of inputs['logs.proxy']) {
      const hits = log.summary.signatures.configRejected;
      if (!hits) continue;
      const proxy = log.pod ? `${log.pod}.${log.namespace ?? ''}` : log.path;
      for (const row of hits.breakdown) {
        const [type, ...rest] = row.key.split(': ');
        rejections.push({ type: type!, reason: rest.join(': '), proxy, evidence: evidenceAt({ path: log.path, line: row.first.line }, row.first.text) });
      }
    }
    for (const log of inputs['logs.istiod']) {
      const hits = log.summary.signatures.ackError;
      if (!hits) continue;
      for (const row of hits.breakdown) {
        const ack = /^(\S+) (\S+): (.*)$/.exec(row.key);
        if (ack) rejections.push({ type: ack[1]!, reason: ack[3]!, proxy: ack[2]!, evidence: evidenceAt({ path: log.path, line: row.first.line }, row.first.text) });
      }
    }
    for (const record of inputs['envoy.configDump']) {
      const proxy = record.pod ? `${record.pod}.${record.namespace ?? ''}` : record.path;
      for (const r of record.summary.rejected) {
        const resource: Subject | undefined = r.name ? { kind: r.type === 'listener' ? 'Listener' : 'Cluster', name: r.name } : undefined;
        rejections.push({ type: r.type === 'listener' ? 'LDS' : 'CDS', ...(r.details ? { reason: r.details } : {}), ...(resource ? { resource } : {}), proxy, evidence: evidenceAt({ path: record.path, pointer: r.pointer }, r.details ?? `${r.type} ${r.name} rejected`) });
      }
    }
    for (const record of inputs['envoy.stats']) {
      const proxy = record.pod ? `${record.pod}.${record.namespace ?? ''}` : record.path;
      const counters = { ...record.summary.stats, ...record.summary.totals } as Record<string, { value: number; line: number; text: string } | undefined>;
      for (const [stat, type] of Object.entries(STAT_TYPES)) {
        const counter = counters[stat];
        if (counter && counter.value > 0) rejections.push({ type, proxy, evidence: evidenceAt({ path: record.path, line: counter.line }, counter.text) });
      }
    }
    for (const group of groups(rejections)) report(group, inputs['k8s.resources'], context.report);
  },
});

interface Group {
  type: string;
  reason?: string;
  resource?: Subject;
  rejections: Rejection[];
}

/**
 * Envoy's log line names the listener in the error (`Error adding/updating listener(s) 0.0.0.0_8443: <error>`);
 * a config dump's `error_state.details` holds the error alone and the listener beside it. Both as
 * (listener, error), so that one NACK seen in both is one group.
 */
const LISTENER_PREFIX = /^Error adding\/updating listener\(s\) ([^:\s]+): /;

function rejectionKey(r: Rejection): string {
  const reason = normaliseReason(r.reason!);
  const named = LISTENER_PREFIX.exec(reason);
  return named ? `${r.type}\nListener ${named[1]}\n${reason.slice(named[0].length)}` : `${r.type}\n${r.resource ? `${r.resource.kind} ${r.resource.name}` : ''}\n${reason}`;
}

/** One group per type, resource and error; a counter without an error joins its proxy's errors of that type, if any. */
function groups(rejections: readonly Rejection[]): Group[] {
  const byKey = new Map<string, Group>();
  const reasoned = rejections.filter((r) => r.reason);
  for (const r of reasoned) {
    const key = rejectionKey(r);
    const group = byKey.get(key) ?? { type: r.type, reason: r.reason!, rejections: [] };
    group.resource ??= r.resource;
    group.rejections.push(r);
    byKey.set(key, group);
  }
  for (const r of rejections.filter((x) => !x.reason)) {
    const explained = [...byKey.values()].find((g) => g.type === r.type && g.rejections.some((x) => x.proxy === r.proxy));
    if (explained) explained.rejections.push(r);
    else {
      const key = `${r.type}\n`;
      const group = byKey.get(key) ?? { type: r.type, rejections: [] };
      group.rejections.push(r);
      byKey.set(key, group);
    }
  }
  return [...byKey.values()];
}

/** The same error from several sources differs at most in spacing (istiod's `Internal:` prefix is taken off by its signature). */
function normaliseReason(reason: string): string {
  return reason.replace(/\s+/g, ' ').trim();
}

/** What the error text is about: `Error adding/updating listener(s) 0.0.0.0_8443: …` → the listener. */
function subjectOf(group: Group): Subject {
  const listener = group.reason && /listener\(s\) ([^:\s]+)/.exec(group.reason)?.[1];
  if (listener) return { kind: 'Listener', name: listener };
  if (group.resource) return group.resource;
  const cluster = group.reason && /cluster(?:\(s\))? '?([^:'\s]+)/.exec(group.reason)?.[1];
  if (cluster) return { kind: 'Cluster', name: cluster };
  return { kind: 'xDS', name: group.type };
}

/** The EnvoyFilters whose patches contain a filter name, a path or the listener the error names. */
function suspectFilters(group: Group, resources: readonly ResourceRecord[]): ResourceRecord[] {
  if (!group.reason) return [];
  const tokens = [...new Set([...(group.reason.match(/\b(?:envoy|istio)\.[a-z0-9_.]+[a-z0-9]/g) ?? []), ...(group.reason.match(/\/[\w.-]+(?:\/[\w.-]+){2,}/g) ?? [])])];
  if (tokens.length === 0) return [];
  return resources.filter((r) => r.object.kind === 'EnvoyFilter' && tokens.some((t) => JSON.stringify(r.object.spec ?? {}).includes(t)));
}

function report(group: Group, resources: readonly ResourceRecord[], emit: RuleContext['report']): void {
  const proxies = [...new Set(group.rejections.map((r) => r.proxy))].sort();
  const filters = suspectFilters(group, resources);
  const subject = subjectOf(group);
  const named = namedList(proxies, MAX_PROXIES_NAMED, (p) => `\`${p}\``);
  const sources = [...new Set(group.rejections.map((r) => r.evidence.path))];
  const bindFailure = group.reason !== undefined && /cannot bind/.test(group.reason);
  const filterText = bindFailure
    ? ' The error is a listener that cannot bind its port: not a bad resource but a port the proxy may not open (LOG006 names the port and the fix).'
    : filters.length > 0
      ? ` The error names what ${filters.length === 1 ? 'this EnvoyFilter patches in' : 'these EnvoyFilters patch in'}: ${filters.map((f) => `\`${f.object.metadata.namespace ?? ''}/${f.object.metadata.name}\``).join(', ')} — the likely source.`
      : resources.some((r) => r.object.kind === 'EnvoyFilter')
        ? ' No EnvoyFilter of the bundle contains what the error names; check them anyway (`kubectl get envoyfilters -A`).'
        : '';
  emit({
    subject,
    key: `${group.type} ${group.reason ? normaliseReason(group.reason) : '(no reason)'}`,
    title: `${plural(proxies.length, 'proxy', 'proxies')} ${proxies.length === 1 ? 'rejects' : 'reject'} ${group.type} configuration${subject.kind === 'xDS' ? '' : ` (${subject.kind.toLowerCase()} ${subject.name})`}`,
    evidence: [...group.rejections.slice(0, MAX_PROXIES_NAMED).map((r) => r.evidence), ...filters.map((f) => evidenceAt(f.source, `EnvoyFilter ${f.object.metadata.name}`))],
    explanation:
      `${named} rejected ${group.type} updates from istiod` +
      (group.reason ? `: \`${group.reason.replace(/\.$/, '')}\`.` : ' (only the `update_rejected` counters show it; the error text is in the proxy\'s log or its config dump\'s `error_state`).') +
      ` ${proxies.length === 1 ? 'It keeps its' : 'They keep their'} previous ${group.type} configuration, so the change — and every later ${group.type} change — is not applied.${filterText} Seen in ${sources.map((s) => `\`${s}\``).join(', ')}.`,
    commands: [
      ...filters.map((f) => shell`kubectl get envoyfilter ${f.object.metadata.name} -n ${f.object.metadata.namespace ?? 'istio-system'} -o yaml`),
      'kubectl get envoyfilters -A',
      // With -l, kubectl logs prints 10 lines per pod unless told otherwise.
      `kubectl logs -n istio-system -l app=istiod -c discovery --tail=-1 --since=1h | grep 'ACK ERROR'`,
    ],
  });
}
