import { GiB, MiB } from '../../artifacts/quantity.js';
import { memoryAdvice, moreReplicasCommands } from './istiod-sizing.js';
import { evidenceAt } from '../evidence.js';
import { defineRule } from '../rule.js';
import { shell } from '../shell.js';

/** The Istio production debugging guide's ">4GB"; kubectl reports MiB, so the line is drawn at 4 GiB (4096Mi). */
export const ISTIOD_MEMORY_LIMIT_BYTES = 4 * GiB;
const LINE = `${ISTIOD_MEMORY_LIMIT_BYTES / GiB} GiB`;

export const cp004 = defineRule({
  id: 'CP004',
  slug: 'istiod-memory-over-4gb',
  title: `istiod uses more than ${LINE} of memory`,
  severity: 'critical',
  step: 'control-plane',
  inputs: { required: ['kubectl.top'], optional: ['kubectl.pods'], views: ['controlPlane'] },
  description:
    `Reads istiod memory from \`kubectl top pod --containers\` (the \`discovery\` container, or the pod row without \`--containers\`). Fires when it is above ${LINE}. ` +
    'When the pods are in the bundle, the finding also shows the container memory limit and how close istiod is to being OOMKilled.',
  rationale:
    `istiod memory grows with the number of services, endpoints and configuration objects it must push. Above ${LINE} the mesh is too large for the control plane's resources: ` +
    'pushes slow down (proxies lag behind) and the next growth step ends in an OOMKill, which takes configuration and certificate delivery down with it.',
  remediation:
    'Give istiod the memory it needs now (a limit of at least 1.5× current use, never lower than the limit it has; twice the limit after an OOMKill) and spread the load over several replicas. Then shrink what it computes: ' +
    '`discoverySelectors` in MeshConfig to ignore namespaces outside the mesh, and Sidecar resources so each proxy only gets the services it uses. ' +
    'As a rule of thumb, istiod needs ≈ 200 MiB + 200 MiB per 1000 services (an estimate, not a measurement of this cluster).',
  threshold: { value: `${LINE} (${ISTIOD_MEMORY_LIMIT_BYTES / MiB}Mi)`, source: 'rule catalogue (`istio-bundle explain CP004`), after the Istio production debugging guide ("istiod memory usage >4GB indicates cluster too large for control plane resources"); Istio docs: Performance and Scalability' },
  docs: ['https://istio.io/latest/docs/ops/deployment/performance-and-scalability/', 'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-discovery_selectors'],
  check(inputs, context) {
    const rows = inputs.controlPlane.memoryRows;
    if (rows.length === 0) {
      context.notChecked('no istiod row in the `kubectl top` output collected', [shell`kubectl top pod -n ${context.bundle.istioNamespace} --containers`]);
      return;
    }
    for (const row of rows) {
      if (row.memoryBytes <= ISTIOD_MEMORY_LIMIT_BYTES) continue;
      // `kubectl top` without -A prints no namespace; build.ts fills it in only when the pod name is unambiguous.
      const namespace = row.namespace;
      const pod = namespace ? inputs.controlPlane.pod(namespace, row.pod) : undefined;
      const memory = inputs.controlPlane.memory(namespace ?? context.bundle.istioNamespace, row.pod, row);
      const advice = memoryAdvice(memory);
      const used = `${Math.round(row.memoryBytes / MiB)} MiB`;
      const limitText =
        memory.limitBytes !== undefined
          ? ` Its memory limit is ${memory.limit} (${Math.round((row.memoryBytes / memory.limitBytes) * 100)}% used)${advice.limitGi === undefined ? ', which leaves the headroom it needs: keep it' : `: raise it to ${advice.limitGi}Gi`}.`
          : pod
            ? ' It has no memory limit set (none is suggested: a limit would only add an OOMKill risk); make sure the node has the memory.'
            : ` Its limit is not in the bundle: make sure it is at least ${advice.minimumLimitGi}Gi (1.5× this use) before anything else (\`kubectl -n ${memory.namespace} get deploy ${memory.deployment} -o yaml\`).`;
      context.report({
        subject: { kind: 'Pod', ...(namespace ? { namespace } : {}), name: row.pod },
        title: `istiod ${row.pod} uses ${used}, above ${LINE}`,
        evidence: [evidenceAt({ path: row.path, line: row.line }, row.text ?? `${row.pod} ${used}`)],
        explanation: `\`kubectl top\` shows istiod \`${row.pod}\`${row.container ? ` (container ${row.container})` : ''} at ${used}, over the ${LINE} line.${limitText} The control plane is too small for this mesh.`,
        commands: [
          ...(advice.command ? [advice.command] : []),
          ...moreReplicasCommands(memory.namespace, memory.deployment),
        ],
      });
    }
  },
});
