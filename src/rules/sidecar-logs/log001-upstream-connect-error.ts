import { defineRule } from '../rule.js';
import { serviceOfFqdn } from '../../analysis/hosts.js';
import { breakdownText, parseCluster, podCommands, podLabel, severityNote, signatureEvidence, signatureMatches, where, SIGNATURE_THRESHOLD } from './signature-findings.js';
import { shell, shellQuote } from '../shell.js';
import { targetPortMismatch } from './target-port.js';

export const log001 = defineRule({
  id: 'LOG001',
  slug: 'upstream-connect-error',
  title: 'upstream connect error: the proxy cannot connect to its target',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['k8s.resources', 'kubectl.pods'], views: ['routing', 'configuration'] },
  description:
    'Counts, per pod, `upstream connect error or disconnect/reset before headers` (the 503 body) and its access-log form: response flags UF/URX or ' +
    '`upstream_reset_before_response_started{…}`. High; critical when most of the pod\'s requests fail this way. Failures are broken down by upstream cluster.',
  rationale:
    'The sidecar reached the point of connecting to the destination and failed: the target Service does not exist, has no ready endpoints, its port does not match ' +
    'the port the container listens on, a NetworkPolicy blocks it, or TLS to it fails (see LOG003).',
  remediation:
    'For each upstream cluster named: check the Service and its endpoints (`kubectl get svc,endpoints <service> -n <ns> -o wide`), that the Service `targetPort` is the port ' +
    'the container listens on, and NetworkPolicies in both namespaces. `istioctl proxy-config endpoint <pod>.<ns> --cluster "<cluster>"` shows whether the proxy has healthy endpoints.',
  threshold: { value: SIGNATURE_THRESHOLD, source: 'rule catalogue (`istio-bundle explain LOG001`): step 4 severities, raised when most requests fail' },
  docs: ['https://istio.io/latest/docs/ops/common-problems/network-issues/', 'https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags'],
  check(inputs, context) {
    for (const match of signatureMatches(inputs['logs.proxy'], 'upstreamConnectError')) {
      const top = match.hits.breakdown[0]?.key ?? '';
      const cluster = parseCluster(top);
      const target = cluster?.host ? serviceOfFqdn(cluster.host) : undefined;
      // Only a bundle with Services of the target's namespace can tell that the target is missing.
      const servicesThere = target ? inputs.routing.servicesIn(target.namespace) : [];
      const missingService = target && servicesThere.length > 0 && !servicesThere.some((s) => s.object.metadata.name === target.name);
      const mismatch = !missingService && cluster?.host && cluster.port ? targetPortMismatch(inputs.configuration.index, cluster.host, Number(cluster.port)) : undefined;
      context.report({
        severity: match.severity,
        subject: match.subject,
        key: match.key,
        title: `upstream connect errors from ${podLabel(match.log)}${cluster?.host ? ` to ${cluster.host}` : ''}`,
        evidence: [...signatureEvidence(match), ...(mismatch?.evidence ?? [])],
        explanation:
          `${where(match)} failed to connect upstream in ${match.volume}.${breakdownText(match, 'upstream cluster')}` +
          (missingService ? ` No Service \`${target.namespace}/${target.name}\` is among the ${servicesThere.length} Services of namespace \`${target.namespace}\` in the bundle: the target does not exist.` : '') +
          (mismatch
            ? ` The cause: Service \`${mismatch.service.object.metadata.namespace ?? ''}/${mismatch.service.object.metadata.name}\` sends port ${mismatch.port} to \`targetPort: ${mismatch.targetPort}\`, but its pods (${mismatch.pods.map((p) => `\`${p}\``).join(', ')}) listen on ${mismatch.podPorts.join(', ')}: nothing accepts the connection. Set \`targetPort\` to ${mismatch.podPorts.length === 1 ? mismatch.podPorts[0] : 'the port the container serves on'}.`
            : '') +
          severityNote(match),
        commands: [
          ...(target ? [shell`kubectl get svc,endpoints ${target.name} -n ${target.namespace} -o wide`] : []),
          ...podCommands(match.log, (pod) => [
            ...(cluster ? [`istioctl proxy-config endpoint ${pod} --cluster ${shellQuote(top)}`] : []),
            `kubectl logs ${pod} -c istio-proxy --tail=200`,
          ]),
        ],
      });
    }
  },
});
