import type { LogRecord, PodRecord } from '../../model/facets.js';
import { defineRule } from '../rule.js';
import { otherMeshesIn, type OtherMeshInPod } from '../multi-cluster/other-meshes.js';
import { breakdownText, podCommands, podLabel, signatureEvidence, signatureMatches, where } from './signature-findings.js';

/** The ports Istio's iptables redirect sends traffic to: only one proxy per pod can hold them. */
const CAPTURE_PORTS = ['15001', '15006'];

export const log006 = defineRule({
  id: 'LOG006',
  slug: 'listener-bind-failure',
  title: 'a listener cannot bind its port: another proxy holds it, or a privileged port without the right',
  severity: 'high',
  step: 'sidecar-logs',
  inputs: { required: ['logs.proxy'], optional: ['kubectl.pods'] },
  description:
    'Matches Envoy\'s bind errors: `listener \'<name>\' failed to bind or apply socket options: cannot bind \'<address>\': <reason>` and `cannot bind` inside a rejected listener update. ' +
    'Broken down by address and reason. On the capture ports 15001/15006 with `Address already in use`, names the other proxy containers of the pod when the pod spec is in the bundle.',
  rationale:
    'A listener that cannot bind does not exist: on 15001/15006 the sidecar cannot capture the pod\'s traffic at all (usually a second mesh\'s proxy, or a second injection, in the pod); ' +
    'on a port below 1024 (`Permission denied`) a Gateway asks the gateway pod for a port it may not open.',
  remediation:
    'For 15001/15006: one mesh per pod — remove the other proxy (disable the other mesh\'s injection for the namespace) or Istio\'s (`sidecar.istio.io/inject: "false"`). ' +
    'For `Permission denied` on 80/443: let the Gateway server listen on 8080/8443 and map 80/443 to them in the gateway Service (the Istio charts do), or run the gateway with `NET_BIND_SERVICE`.',
  threshold: { value: 'any match', source: 'rule catalogue (`istio-bundle explain LOG006`), after the Istio production debugging guide ("failed to bind" port 15001: several meshes or broken injection)' },
  docs: ['https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio', 'https://istio.io/latest/docs/ops/common-problems/network-issues/'],
  check(inputs, context) {
    const pods = inputs['kubectl.pods'];
    for (const match of signatureMatches(inputs['logs.proxy'], 'bindFailure')) {
      const keys = match.hits.breakdown.map((b) => b.key);
      const capture = keys.some((k) => CAPTURE_PORTS.some((port) => k.includes(`:${port}:`)) && k.includes('Address already in use'));
      const privileged = keys.some((k) => /:(\d{1,3}): Permission denied$/.test(k) && Number(/:(\d{1,3}):/.exec(k)?.[1]) < 1024);
      const port = capture ? Number(CAPTURE_PORTS.find((p) => keys.some((k) => k.includes(`:${p}:`)))) : undefined;
      const others = port !== undefined ? otherProxies(match.log, pods) : [];
      const holding = others.filter((o) => o.mesh.sharedPorts.includes(port!));
      const holder =
        holding.length > 0
          ? ` — the pod also runs ${holding.map((o) => `\`${o.proxies[0]!.name}\` (${o.mesh.mesh})`).join(', ')}, another mesh's proxy, which binds ${port} too`
          : others.length > 0
            ? ` (the pod also runs ${others.map((o) => `\`${o.proxies[0]!.name}\` (${o.mesh.mesh}, which listens on ${o.mesh.listens}, not ${port})`).join(', ')}: a second Istio injection, or another process)`
            : " (another mesh's proxy, or a second injection)";
      const cause = capture
        ? ` Port 15001/15006 is where Istio's iptables rules send the pod's traffic: another process holds it${holder}, so this sidecar captures nothing.`
        : privileged
          ? ' A port below 1024 needs `NET_BIND_SERVICE`, which Istio\'s proxies do not have: a Gateway server on 80/443 should listen on 8080/8443 behind the Service\'s port mapping.'
          : '';
      context.report({
        severity: 'high',
        subject: match.subject,
        key: match.key,
        title: `a listener of ${podLabel(match.log)} cannot bind its port`,
        evidence: signatureEvidence(match),
        explanation: `${where(match)} could not bind a listener socket (${match.volume}).${breakdownText(match, 'address and reason')}${cause}`,
        commands: podCommands(match.log, (pod) => [`istioctl proxy-config listeners ${pod}`, `kubectl get pod ${pod} -o jsonpath='{.spec.containers[*].name}'`]),
      });
    }
  },
});

function otherProxies(log: LogRecord, pods: readonly PodRecord[]): OtherMeshInPod[] {
  const pod = pods.find((p) => p.name === log.pod && (log.namespace === undefined || p.namespace === log.namespace));
  return pod ? otherMeshesIn(pod.pod) : [];
}
