import { hasProxy, injectionAnalyzer } from '../../analysis/analyzers/injection.js';
import type { IstioMessage } from '../../analysis/messages.js';
import { asArray, asRecord, asString, stringMap } from '../../analysis/object-access.js';
import type { ResourceRecord } from '../../model/facets.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { plural } from '../evidence.js';
import { defineRule, type Severity } from '../rule.js';
import { shell } from '../shell.js';
import { reportMessage, type MessageFinding } from './message-rule.js';
import { namespaceRelevance } from './namespace-relevance.js';

export const cfg005 = defineRule({
  id: 'CFG005',
  slug: 'workloads-outside-mesh',
  title: 'workloads run outside the mesh: namespace not enabled for injection, or pods without sidecar',
  severity: 'high',
  step: 'configuration',
  istioCodes: ['IST0102', 'IST0103', 'IST0123', 'IST0148'],
  inputs: { required: ['k8s.resources'], optional: ['kubectl.pods', 'istioctl.analyze', 'logs.proxy'], views: ['configuration'] },
  description:
    'Reads the Namespace labels and the pods as Istio\'s injection analyzer does (istioctl analyze IST0102, IST0103, IST0123, IST0148): a namespace with neither ' +
    '`istio-injection` nor `istio.io/rev` and not ambient; a pod without `istio-proxy` (container, or native-sidecar init container) in an injected namespace; a ' +
    'namespace with competing injection labels. A namespace not injected is low, medium when the bundle shows it matters to the mesh (mesh proxies call it, ' +
    'mesh-wide STRICT mTLS, Istio configuration for its hosts), high when it does and pods there run without a sidecar.',
  rationale:
    'A pod without sidecar has no mTLS, no routing rules and no telemetry: with STRICT mTLS its calls into the mesh are refused, and calls to it bypass policy. ' +
    'A pod started before its namespace was labelled keeps running without one until restarted.',
  remediation: 'Label the namespace for injection (`istio-injection=enabled`, or `istio.io/rev=<revision>`) and restart its workloads; or label it `istio-injection=disabled` if it stays outside on purpose.',
  threshold: {
    value: 'IST0102 low; medium with evidence the namespace matters; high with that evidence and pods running without sidecar. IST0103 high; IST0123 medium; IST0148 info',
    source: 'rule catalogue CFG005 and CFG001 (IST0102 is Info in istioctl since istio/istio#27390)',
  },
  docs: ['https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/', 'https://istio.io/latest/docs/ops/common-problems/injection/'],
  check(inputs, context) {
    const view = inputs.configuration;
    const haveLogs = inputs['logs.proxy'];
    for (const message of view.from(injectionAnalyzer)) {
      if (message.code === 'IST0102') {
        const namespace = message.resource.object.metadata.name;
        const relevance = namespaceRelevance(namespace, inputs['k8s.resources'], haveLogs, view.index.mesh.rootNamespace);
        const bare = view.index.pods().filter((p) => view.index.namespaceOf(p) === namespace && !hasProxy(p) && isRunning(p));
        const severity: Severity = relevance.reasons.length === 0 ? 'low' : bare.length > 0 ? 'high' : 'medium';
        const f = notInjected(view, namespace, bare, relevance.reasons, severity);
        reportMessage(message, view, inputs['istioctl.analyze'], f, context, relevance.evidence);
        continue;
      }
      reportMessage(message, view, inputs['istioctl.analyze'], otherFinding(view, message), context);
    }
  },
});

function notInjected(view: ConfigurationView, namespace: string, bare: readonly ResourceRecord[], reasons: readonly string[], severity: Severity): MessageFinding {
  const revision = revisionInUse(view);
  const label = revision ? `istio.io/rev=${revision}` : 'istio-injection=enabled';
  const pods = bare.length > 0 ? `${plural(bare.length, 'pod')} there ${bare.length === 1 ? 'runs' : 'run'} without a sidecar (${bare.slice(0, 3).map((p) => `\`${p.object.metadata.name}\``).join(', ')}${bare.length > 3 ? ', …' : ''}). ` : '';
  return {
    severity,
    headline: 'namespace not enabled for sidecar injection',
    impact:
      pods +
      (reasons.length > 0
        ? `The bundle shows the namespace matters to the mesh: ${reasons.join('; ')}.`
        : 'Nothing else in the bundle shows this namespace takes part in the mesh, so this is low: label it `istio-injection=disabled` if it is meant to stay outside.'),
    remediation:
      severity === 'low'
        ? `If the namespace stays outside the mesh on purpose, say so with \`istio-injection=disabled\` (first command); if it belongs in the mesh, label it \`${label}\` and restart its workloads.`
        : `Label the namespace \`${label}\`${revision ? ' (the revision the other injected namespaces use)' : ''} and restart its workloads so they get the sidecar; or label it \`istio-injection=disabled\` if it stays outside on purpose.`,
    // Low: nothing shows the namespace belongs in the mesh, so the harmless label comes first.
    commands:
      severity === 'low'
        ? [shell`kubectl label namespace ${namespace} istio-injection=disabled`, shell`kubectl label namespace ${namespace} ${label}`, shell`kubectl rollout restart deployment -n ${namespace}`]
        : [shell`kubectl label namespace ${namespace} ${label}`, shell`kubectl rollout restart deployment -n ${namespace}`],
  };
}

function otherFinding(view: ConfigurationView, message: IstioMessage): MessageFinding {
  if (message.code === 'IST0103') {
    const namespace = view.index.namespaceOf(message.resource);
    const owner = deploymentOf(message.resource);
    return {
      severity: 'high',
      headline: 'pod runs without the istio-proxy sidecar in an injected namespace',
      impact: 'It has no mTLS, routing or telemetry: with STRICT mTLS its calls into the mesh are refused. It was started before injection was enabled, or the injector was not reached (check the webhook and istiod).',
      remediation: owner ? `Restart deployment \`${owner}\` so the injector adds the sidecar.` : 'Recreate the pod so the injector adds the sidecar.',
      commands: owner ? [shell`kubectl rollout restart deployment/${owner} -n ${namespace}`] : [shell`kubectl delete pod ${message.resource.object.metadata.name} -n ${namespace}`],
    };
  }
  if (message.code === 'IST0123') {
    const name = message.resource.object.metadata.name;
    return {
      severity: 'medium',
      headline: 'namespace has several injection labels',
      impact: 'Which mechanism wins is undefined; an upgrade or revision change can silently move the namespace.',
      remediation: `Keep the one mechanism the namespace is meant to use — \`istio.io/rev\` for a revisioned install, \`istio-injection\` otherwise, \`istio.io/dataplane-mode\` for ambient — and remove the others (\`kubectl label namespace ${name} <label>-\`). Which to keep depends on the install, so check the revisions istiod runs first.`,
      commands: [shell`kubectl get namespace ${name} --show-labels`, 'kubectl get mutatingwebhookconfigurations -l app=sidecar-injector'],
    };
  }
  return {
    severity: 'info',
    headline: 'namespace injected because the injector enables every namespace by default',
    impact: 'New namespaces join the mesh without a label; that is intended with `enableNamespacesByDefault`.',
    remediation: 'Label namespaces that must stay outside `istio-injection=disabled`.',
  };
}

/** The Deployment behind a pod, from its ReplicaSet owner (`reviews-v1-5b8d7c9f4d` → `reviews-v1`). */
function deploymentOf(pod: ResourceRecord): string | undefined {
  const owner = asArray(asRecord(pod.object.metadata)?.ownerReferences).map(asRecord).find((o) => asString(o?.kind) === 'ReplicaSet');
  const name = asString(owner?.name);
  return name?.replace(/-[a-z0-9]{6,10}$/, '');
}

function isRunning(pod: ResourceRecord): boolean {
  const phase = asString(asRecord(pod.object.status)?.phase);
  return phase === undefined || phase === 'Running';
}

/** The revision other namespaces are injected with, when they all use `istio.io/rev` and one value. */
function revisionInUse(view: ConfigurationView): string | undefined {
  const labels = view.index.ofKind('Namespace').map((ns) => stringMap(ns.object.metadata.labels));
  if (labels.some((l) => l['istio-injection'] === 'enabled')) return undefined;
  const revisions = [...new Set(labels.map((l) => l['istio.io/rev']).filter((r): r is string => r !== undefined))];
  return revisions.length === 1 ? revisions[0] : undefined;
}
