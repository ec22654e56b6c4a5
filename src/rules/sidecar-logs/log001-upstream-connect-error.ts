import { defineRule } from '../rule.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { breakdownText, parseCluster, podCommands, podLabel, severityNote, signatureEvidence, where, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { groupEvidence, groupOccurrences, groupSeverityNote, keysText, signatureGroups, spanText, whoText, worstPodsText } from './by-target.js';
import { plural } from '../evidence.js';
import { shell, shellQuote } from '../shell.js';
import { targetPortMismatch, targetPortVerified, type TargetPortMismatch } from './target-port.js';
import { endpointsFinding, networkPolicyFinding, remainingCandidates } from './upstream-causes.js';

export const log001 = defineRule({
  id: 'LOG001',
  slug: 'upstream-connect-error',
  title: 'upstream connect error: the proxy cannot connect to its target',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources', 'kubectl.pods'], views: ['routing', 'configuration'] },
  description:
    'Counts `upstream connect error or disconnect/reset before headers` (the 503 body) and its access-log form: response flags UF/URX or ' +
    '`upstream_reset_before_response_started{…}`, and groups them by the upstream they fail toward (the outbound cluster\'s host, or the authority): one finding ' +
    'per target, listing the pods with their counts and times, most affected first. Failures that name no target (plain log lines keyed by reset reason, inbound ' +
    'or passthrough traffic) stay per pod. High; critical when most of the affected pods\' requests fail this way, medium when under 1% of at least 1,000. For a cluster-local target the rest of the bundle ' +
    'names the cause: the Service missing, no endpoints or none ready (which pods, and why), a `targetPort` no container declares, a NetworkPolicy admitting no ingress ' +
    'from the caller; when none is proven, what is left to check is listed in order.',
  rationale:
    'The sidecar reached the point of connecting to the destination and failed: the target Service does not exist, has no ready endpoints, its port does not match ' +
    'the port the container listens on, a NetworkPolicy blocks it, or TLS to it fails (see LOG003).',
  remediation:
    'For each upstream cluster named: check the Service and its endpoints (`kubectl get svc,endpoints <service> -n <ns> -o wide`), that the Service `targetPort` is the port ' +
    'the container listens on, and NetworkPolicies in both namespaces. `istioctl proxy-config endpoint <pod>.<ns> --cluster "<cluster>"` shows whether the proxy has healthy endpoints.',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG001`): step 4 severities, raised when most requests fail' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/network-issues/', 'https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags'],
  check(inputs, context) {
    const { groups, perPod } = signatureGroups(inputs['logs.proxy'], 'upstreamConnectError');
    for (const target of groups) {
      const top = target.keys[0]!.key;
      const cluster = parseCluster(top);
      const service = serviceOfFqdn(target.host);
      // Only a bundle with Services of the target's namespace can tell that the target is missing.
      const servicesThere = service ? inputs.routing.servicesIn(service.namespace) : [];
      const missingService = service && servicesThere.length > 0 && !servicesThere.some((s) => s.object.metadata.name === service.name);
      const index = inputs.configuration.index;
      const endpoints = service && !missingService ? endpointsFinding(index, target.host) : undefined;
      const mismatch = !missingService && cluster?.port ? targetPortMismatch(index, target.host, Number(cluster.port)) : undefined;
      const policy = service && !missingService && !endpoints?.decisive && !mismatch ? networkPolicyFinding(index, target, cluster?.port ? Number(cluster.port) : undefined) : undefined;
      const proven = missingService || endpoints?.decisive || mismatch !== undefined || policy?.decisive;
      const worst = target.sides[0]!.log;
      context.report({
        severity: target.severity,
        subject: target.subject,
        title: `upstream connect errors to ${target.host} from ${target.sides.length === 1 ? podLabel(worst) : plural(target.sides.length, 'pod')}`,
        evidence: [...groupEvidence(target), ...(endpoints?.evidence ?? []), ...(mismatch?.evidence ?? []), ...(policy?.evidence ?? [])],
        occurrences: groupOccurrences(target),
        explanation:
          `${whoText(target)} failed to connect to \`${target.host}\` in ${target.volume}${spanText(target)}.` +
          (target.sides.length > 1 ? ` Most affected: ${worstPodsText(target)}.` : '') +
          keysText(target, 'upstream cluster') +
          (missingService ? ` No Service \`${service.namespace}/${service.name}\` is among the ${plural(servicesThere.length, 'Service')} of namespace \`${service.namespace}\` in the bundle: the target does not exist.` : '') +
          (endpoints ? ` ${endpoints.text}` : '') +
          (mismatch
            ? ` The cause: Service \`${serviceName(mismatch)}\` sends port ${mismatch.port} to \`targetPort: ${mismatch.targetPort}\`, but its pods (${mismatch.pods.map((p) => `\`${p}\``).join(', ')}) listen on ${mismatch.podPorts.join(', ')}: nothing accepts the connection. Set \`targetPort\` to ${mismatch.podPorts.length === 1 ? mismatch.podPorts[0] : 'the port the container serves on'}.`
            : '') +
          (policy ? ` ${policy.text}` : '') +
          (!proven && service ? remainingCandidates({ endpoints: endpoints !== undefined, targetPort: cluster?.port !== undefined && targetPortVerified(index, target.host, Number(cluster.port)), networkPolicy: policy !== undefined }, target.host) : '') +
          groupSeverityNote(target),
        ...(mismatch ? targetPortFix(mismatch) : {}),
        commands: [
          ...(service ? [shell`kubectl get endpointslices -n ${service.namespace} -l ${`kubernetes.io/service-name=${service.name}`} -o wide`, shell`kubectl get svc ${service.name} -n ${service.namespace} -o yaml`] : []),
          ...podCommands(worst, (pod) => [...(cluster ? [`istioctl proxy-config endpoint ${pod} --cluster ${shellQuote(top)}`] : []), `kubectl logs ${pod} -c istio-proxy --tail=200`]),
        ],
      });
    }
    for (const match of perPod) {
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `upstream connect errors from ${podLabel(match.log)}`,
        evidence: signatureEvidence(match),
        explanation:
          `${where(match)} failed to connect upstream in ${match.volume}.${breakdownText(match, match.hits.accessCount > 0 ? 'upstream cluster or reset reason' : 'reset reason')}` +
          (match.hits.breakdown.some((row) => row.key.startsWith('inbound|'))
            ? ' Inbound (`inbound|<port>||`) failures are the sidecar failing to reach the application in its own pod: nothing listens on that port (the application is not up, crashed, or listens on another port).'
            : '') +
          severityNote(match),
        commands: podCommands(match.log, (pod) => [`kubectl logs ${pod} -c istio-proxy --tail=200`]),
      });
    }
  },
});

function serviceName(mismatch: TargetPortMismatch): string {
  return `${mismatch.service.object.metadata.namespace ?? ''}/${mismatch.service.object.metadata.name}`;
}

/** The Service port as it should read: `targetPort` where the pods listen. */
function targetPortFix(mismatch: TargetPortMismatch): { remediation: string; yaml?: string } {
  const [listens] = mismatch.podPorts;
  const remediation = `Point the Service's \`targetPort\` at the port the pods listen on, then check the endpoints answer (\`istioctl proxy-config endpoint\` on a client shows them HEALTHY).`;
  if (mismatch.podPorts.length !== 1 || listens === undefined) return { remediation };
  return { remediation, yaml: `# Service ${serviceName(mismatch)}: spec.ports entry for port ${mismatch.port}\nports:\n  - port: ${mismatch.port}\n    targetPort: ${listens} # was ${mismatch.targetPort}: no container listens there` };
}
