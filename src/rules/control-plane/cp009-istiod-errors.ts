import type { IstiodSignatureId } from '../../artifacts/logs/signatures.js';
import { evidenceAt, plural } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { shell } from '../shell.js';
import { logSubject } from '../sidecar-logs/signature-findings.js';

/**
 * What each istiod failure means for the mesh, and how bad it is: a CA that cannot sign, or pushes
 * that do not arrive, break workloads; throttling and lost leases are strain, not yet an outage.
 */
const MEANINGS: Record<IstiodSignatureId, { severity: Severity; label: string; meaning: string }> = {
  caSigningError: {
    severity: 'high',
    label: 'certificate signing failed',
    meaning: 'workloads starting or rotating their certificate now get none: new pods fail readiness, and mTLS breaks as certificates expire. Check the CA certificate (`cacerts` or `istio-ca-secret`) and its validity',
  },
  pushSendFailure: { severity: 'high', label: 'pushes not sent', meaning: 'those proxies keep their previous configuration until they reconnect (CP001 shows them STALE)' },
  pushWriteTimeout: { severity: 'high', label: 'pushes timed out', meaning: 'a proxy did not read its push within PILOT_XDS_SEND_TIMEOUT: the proxy is overloaded or istiod is (CP006)' },
  rateLimited: { severity: 'medium', label: 'connections throttled', meaning: 'more proxies (re)connect per second than PILOT_MAX_REQUESTS_PER_SECOND allows: a reconnect storm, typically after an istiod restart' },
  leaderElectionLost: {
    severity: 'medium',
    label: 'leader lease lost',
    meaning:
      'the controller whose lock it is pauses until a replica takes the lease again (each istiod controller that must run once has its own lock: status writes, the namespace controller that copies `istio-ca-root-cert`, the gateway deployment controller); repeated losses point at API-server latency',
  },
};

const IDS = Object.keys(MEANINGS) as IstiodSignatureId[];

/** Istio's CA refuses a CSR asking for a longer lifetime than MAX_WORKLOAD_CERT_TTL (security/pkg/pki/ca): a setting, not a broken CA. */
const TTL_REFUSED = /requested TTL .* is greater than the max allowed TTL/;
const TTL_MEANING =
  "workloads ask for certificates that live longer than istiod's CA allows, and get none: new pods fail readiness, and mTLS breaks as certificates expire. " +
  "Lower the workloads' requested lifetime (`SECRET_TTL` of the proxies, e.g. through `proxyMetadata`) or raise istiod's `MAX_WORKLOAD_CERT_TTL`";

export const cp009 = defineRule({
  id: 'CP009',
  slug: 'istiod-errors',
  title: 'istiod logs failures of its own: certificate signing, pushes, throttling, leader leases',
  severity: 'high',
  step: 'control-plane',
  inputs: { required: ['logs.istiod'] },
  description:
    'Reads istiod\'s log for its own failures: `CSR signing error` (the CA), `<type>: Send failure for node:` and `Timeout writing` (pushes that did not reach a proxy), ' +
    '`exceeded rate limit` (connection throttling) and lost or unrenewed leader leases (`leader election lock lost`, `failed to renew lease`). One finding per istiod log, ' +
    'each failure with its count, first and last line; high when the CA or pushes fail, medium for throttling and leases alone.',
  rationale:
    'These are the control plane failing while it runs, not crashing: the pod looks Ready, yet certificates are not issued or pushes do not arrive. They explain ' +
    'STALE proxies, pods that never become ready, and configuration that does not take effect.',
  remediation:
    'For signing errors check the CA secret (`kubectl get secret cacerts istio-ca-secret -n <istiod\'s namespace>`; the commands name it) and istiod\'s CA logs; for push failures and timeouts check istiod\'s ' +
    'CPU and memory against its load (CP004–CP006) and the proxies named; for throttling and lease losses check API-server latency and how many proxies restarted at once.',
  threshold: { value: 'any line', source: 'rule catalogue (`istio-bundle explain CP009`); Istio source: security/pkg/server/ca/server.go, pilot/pkg/xds/ads.go and xdsgen.go, pilot/pkg/leaderelection' },
  docs: ['https://istio.io/latest/docs/ops/diagnostic-tools/component-logging/', 'https://istio.io/latest/docs/ops/deployment/performance-and-scalability/'],
  check(inputs, context) {
    for (const log of inputs['logs.istiod']) {
      const present = IDS.flatMap((id) => {
        const hits = log.summary.signatures[id];
        return hits ? [{ id, hits, ...MEANINGS[id] }] : [];
      });
      if (present.length === 0) continue;
      const severity: Severity = present.some((p) => p.severity === 'high') ? 'high' : 'medium';
      const namespace = log.namespace ?? 'istio-system';
      const parts = present.map(({ id, hits, label, meaning: general }) => {
        const meaning = id === 'caSigningError' && hits.breakdown.some((row) => TTL_REFUSED.test(row.key)) ? TTL_MEANING : general;
        const keys = hits.breakdown.slice(0, 3).map((row) => `\`${row.key}\` (${row.count})`);
        return `${label}: ${plural(hits.count, 'line')}${hits.firstTime ? ` from ${hits.firstTime}` : ''}${hits.lastTime && hits.lastTime !== hits.firstTime ? ` to ${hits.lastTime}` : ''} — ${keys.join(', ')}${hits.breakdown.length > 3 ? ', …' : ''}. That means ${meaning}.`;
      });
      context.report({
        severity,
        subject: logSubject(log),
        key: `${log.container}${log.previous ? ' (previous)' : ''}`,
        title: `istiod ${log.pod ?? log.path}: ${present.map((p) => p.label).join(', ')}`,
        evidence: present.flatMap(({ hits }) => hits.breakdown.slice(0, 3).map((row) => evidenceAt({ path: log.path, line: row.first.line }, row.first.text))),
        explanation: `istiod ${log.pod ? `\`${log.namespace ? `${log.namespace}/` : ''}${log.pod}\`${log.previous ? ' (previous container)' : ''}` : `(log \`${log.path}\`)`} logged: ${parts.join(' ')}`,
        commands: [
          ...(log.pod ? [shell`kubectl logs ${log.pod} -n ${namespace} -c discovery --since=1h`, shell`kubectl top pod ${log.pod} -n ${namespace}`] : [shell`kubectl logs -n ${namespace} -l app=istiod -c discovery --since=1h`]),
          // The CA's keys are in istiod's own namespace: `cacerts` (a plugged-in CA) or `istio-ca-secret` (self-signed).
          ...(present.some((p) => p.id === 'caSigningError') ? [shell`kubectl get secret cacerts istio-ca-secret -n ${namespace}`] : []),
        ],
      });
    }
  },
});

