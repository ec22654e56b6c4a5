import { hasProxy } from '../../analysis/analyzers/injection.js';
import { workloadOf } from '../../analysis/workloads.js';
import type { KubernetesObject } from '../../artifacts/k8s/resource-schema.js';
import type { PodRecord, ResourceRecord } from '../../model/facets.js';
import { evidenceAt, plural } from '../evidence.js';
import { documentYaml } from '../fix-yaml.js';
import { defineRule, type Evidence, type Occurrence, type Subject } from '../rule.js';
import { shell } from '../shell.js';
import { containersOf, marksOf, otherMeshesIn, type Located, type OptOut, type OtherMesh, type OtherMeshInPod } from './other-meshes.js';

/** Istio's side: the UID its iptables rules exempt and the pod-template label that stops its injection. */
const ISTIO_UID = 1337;
const ISTIO_OPT_OUT: OptOut = { in: 'labels', key: 'sidecar.istio.io/inject', value: 'false', source: 'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy' };
/** Namespace labels and pod-template labels or annotations that ask Istio to inject. */
const ISTIO_MARKS = ['istio-injection', 'istio.io/rev', 'sidecar.istio.io/inject'];
/** What istio-proxy binds in a sidecar: Envoy's admin on 127.0.0.1, the outbound and inbound capture ports. */
const ISTIO_PORTS: Record<number, string> = { 15000: 'admin', 15001: 'outbound', 15006: 'inbound' };

interface PodHit {
  record: PodRecord;
  other: OtherMeshInPod;
  istio: Located;
  istioMarks: OtherMeshInPod['marks'];
}

const asResource = (record: PodRecord): ResourceRecord => ({ object: record.pod as unknown as KubernetesObject, source: record.source });
const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const names = (list: readonly Located[]) => list.map((c) => `\`${c.name}\``).join(', ');

export const mesh001 = defineRule({
  id: 'MESH001',
  slug: 'other-mesh-proxy',
  title: 'a pod runs istio-proxy beside another mesh\'s proxy',
  severity: 'high',
  step: 'multi-cluster',
  inputs: { required: ['kubectl.pods'], optional: ['k8s.resources'] },
  description:
    'Looks at every collected pod that runs `istio-proxy` (a container, or a native sidecar in `initContainers`) for the proxy container another mesh\'s injector adds: ' +
    'Linkerd `linkerd-proxy`, Consul `consul-dataplane` (`envoy-sidecar` beside `consul-connect-inject-init`, `consul-connect-envoy-sidecar` on old versions), Kuma and Kong Mesh `kuma-sidecar`, ' +
    'Open Service Mesh `envoy` beside `osm-init`, AWS App Mesh `envoy` beside `proxyinit` (or with the `aws-appmesh-envoy` image). A container merely named `envoy` without that mesh\'s init container or image is an application\'s, not a mesh\'s. ' +
    'The other mesh\'s init container and its injection annotations or labels on the pod and namespace are cited as supporting evidence. One finding per workload (a Deployment\'s replicas together) and mesh, each pod among its occurrences.',
  rationale:
    'Both meshes redirect all of the pod\'s traffic to their own proxy with iptables rules, each exempting only its own proxy\'s UID: one proxy\'s outbound connections are captured again by the other mesh\'s rules, so requests loop between the two proxies, bypass one of them, or fail. ' +
    'Envoy-based meshes also listen on Istio\'s ports (Kuma on 15001 and 15006, Consul\'s transparent proxy on 127.0.0.1:15001, Open Service Mesh and App Mesh on 15000 and 15001): whichever proxy starts second cannot bind its listeners (`cannot bind \'0.0.0.0:15001\': Address already in use`) and captures nothing.',
  remediation:
    'Pick one mesh per workload. To keep Istio, take the pods out of the other mesh: its opt-out on the pod template (`linkerd.io/inject: disabled`, `consul.hashicorp.com/connect-inject: "false"`, the label `kuma.io/sidecar-injection: disabled`, ' +
    '`openservicemesh.io/sidecar-injection: disabled`, `appmesh.k8s.aws/sidecarInjectorWebhook: disabled`), and remove its injection mark from the namespace if the whole namespace belongs to Istio. ' +
    'To keep the other mesh, label the pod template `sidecar.istio.io/inject: "false"` (and drop `istio-injection`/`istio.io/rev` from the namespace). Changing the pod template rolls the pods; after a namespace change, restart the workload.',
  threshold: {
    value: 'any pod with `istio-proxy` and another mesh\'s proxy container',
    source: 'the container names each injector writes (Linkerd, Consul on Kubernetes, Kuma/Kong Mesh, Open Service Mesh and AWS App Mesh documentation and injector source); Istio docs: Application Requirements (ports used by Istio, UID 1337)',
  },
  docs: [
    'https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio',
    'https://istio.io/latest/docs/ops/deployment/application-requirements/#application-uids',
    'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy',
  ],
  check(inputs, context) {
    for (const group of podsWithTwoMeshes(inputs['kubectl.pods'], inputs['k8s.resources'])) context.report(findingOf(group));
  },
});

interface Group {
  subject: Subject;
  mesh: OtherMesh;
  hits: PodHit[];
}

/** Pods running istio-proxy and another mesh's proxy, grouped by workload and mesh, in listing order. */
function podsWithTwoMeshes(pods: readonly PodRecord[], resources: readonly ResourceRecord[]): Group[] {
  const namespaces = new Map(resources.filter((r) => r.object.kind === 'Namespace').map((r) => [r.object.metadata.name, r.object] as const));
  const groups = new Map<string, Group>();
  for (const record of pods) {
    const resource = asResource(record);
    if (!hasProxy(resource)) continue;
    const namespace = namespaces.get(record.namespace);
    const others = otherMeshesIn(record.pod, namespace);
    if (others.length === 0) continue;
    const { containers, inits } = containersOf(record.pod);
    const istio = [...containers, ...inits].find((c) => c.name === 'istio-proxy')!;
    const workload = workloadOf(record.name, resource);
    for (const other of others) {
      const key = `${record.namespace}/${workload.kind}/${workload.name}/${other.mesh.mesh}`;
      const group = groups.get(key) ?? { subject: { kind: workload.kind, namespace: record.namespace, name: workload.name }, mesh: other.mesh, hits: [] };
      // the injector writes `istio.io/rev` on every pod it injects: an opt-in only as a namespace or pod label
      const istioMarks = marksOf(ISTIO_MARKS, record.pod, namespace).filter((m) => !(m.key === 'istio.io/rev' && m.on === 'pod annotation'));
      group.hits.push({ record, other, istio, istioMarks });
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

function findingOf({ subject, mesh, hits }: Group) {
  const sorted = [...hits].sort((a, b) => (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0));
  const first = sorted[0]!;
  const proxyNames = [...new Set(sorted.flatMap((h) => h.other.proxies.map((p) => p.name)))];
  const proxyList = proxyNames.map((n) => `\`${n}\``).join(', ');
  const ns = subject.namespace!;
  const podList = sorted.slice(0, 5).map((h) => `\`${ns}/${h.record.name}\``).join(', ') + (sorted.length > 5 ? ', …' : '');
  const where = `\`${first.record.source.path}\``;
  const native = first.istio.pointer.startsWith('/spec/initContainers/') ? ' (a native sidecar)' : '';
  const inits = first.other.inits.length > 0 ? ` with its init container ${names(first.other.inits)}` : ' (without an init container of its own, as with the mesh\'s CNI plugin)';
  const sentences = [
    sorted.length === 1
      ? `Pod ${podList} runs \`istio-proxy\`${native} and ${mesh.mesh}'s ${proxyList}${inits} (${where}).`
      : `${plural(sorted.length, 'pod')} of ${subject.kind} ${subject.name} run \`istio-proxy\`${native} and ${mesh.mesh}'s ${proxyList}${inits}: ${podList} (${where}).`,
    mesh.uid === ISTIO_UID
      ? `Both meshes redirect the pod's traffic to their own proxy with iptables rules and both exempt UID ${ISTIO_UID}, which both proxies run as: the application's connections go to whichever proxy the first rules name, the other proxy sees nothing.`
      : `Both meshes redirect all of the pod's TCP traffic to their own proxy with iptables rules, each exempting only its own proxy's UID (Istio ${ISTIO_UID}, ${mesh.mesh} ${mesh.uid}): each proxy's outbound connections are captured again by the other mesh's rules, so requests loop between the two proxies, bypass one of them, or fail.`,
    mesh.sharedPorts.length > 0
      ? `${mesh.mesh}'s proxy (${mesh.listens}) binds the same ports as istio-proxy: ${mesh.sharedPorts.map((p) => `${p} (Istio's ${ISTIO_PORTS[p]})`).join(', ')}. Whichever proxy starts second cannot bind its listener there (\`cannot bind '0.0.0.0:${mesh.sharedPorts.includes(15001) ? 15001 : mesh.sharedPorts[0]}': Address already in use\` in its log) and does not work.`
      : `${mesh.mesh}'s proxy listens on other ports than istio-proxy (${mesh.listens}), so both start, and the conflict shows as looping or failing requests rather than a bind error.`,
    ...markSentences(mesh, first),
  ];
  const template = workloadKinds.has(subject.kind);
  const keepIstio = template ? patch(subject, mesh.optOut) : undefined;
  const keepOther = template ? patch(subject, ISTIO_OPT_OUT) : undefined;
  const namespaceMark = mesh.namespaceOff && first.other.marks.some((m) => m.key === mesh.namespaceOff!.mark && m.on.startsWith('namespace') && m.value !== mesh.optOut.value);
  const commands = [
    shell`kubectl -n ${ns} get pods -o custom-columns='NAME:.metadata.name,INIT:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name'`,
    ...(keepIstio ? [`${keepIstio}   # keep Istio: ${mesh.mesh} no longer injects the new pods`] : []),
    ...(namespaceMark ? [`${mesh.namespaceOff!.command(ns)}   # and the namespace, if all of it belongs to Istio`] : []),
    ...(keepOther ? [`${keepOther}   # or keep ${mesh.mesh}: Istio no longer injects the new pods`] : []),
    template ? shell`kubectl -n ${ns} rollout status ${subject.kind.toLowerCase()}/${subject.name}` : shell`kubectl -n ${ns} delete pod ${first.record.name}`,
  ];
  const evidence: Evidence[] = [
    evidenceAt(first.record.source, `istio-proxy${first.istio.image ? ` (${first.istio.image})` : ''}`, first.istio.pointer),
    ...first.other.proxies.map((p) => evidenceAt(first.record.source, `${p.name}${p.image ? ` (${p.image})` : ''}`, p.pointer)),
    ...first.other.inits.map((c) => evidenceAt(first.record.source, `${c.name}${c.image ? ` (${c.image})` : ''}`, c.pointer)),
    ...first.other.marks.filter((m) => m.pointer).map((m) => evidenceAt(first.record.source, `${m.key}: ${m.value}`, m.pointer)),
  ];
  const occurrences: Occurrence[] = sorted.map((h) => ({
    subject: { kind: 'Pod', namespace: h.record.namespace, name: h.record.name },
    count: h.other.proxies.length,
    evidence: evidenceAt(h.record.source, h.other.proxies.map((p) => p.name).join(', '), h.other.proxies[0]!.pointer),
  }));
  const what = template ? `${subject.kind} ${ns}/${subject.name}: spec.template.metadata` : `Pod ${ns}/${first.record.name}: metadata (set it where the pod is created)`;
  return {
    subject,
    key: mesh.mesh,
    title:
      sorted.length === 1
        ? `${first.record.name} runs istio-proxy beside ${mesh.mesh}'s ${proxyNames.join(', ')}`
        : `${sorted.length} pods of ${subject.kind} ${subject.name} run istio-proxy beside ${mesh.mesh}'s ${proxyNames.join(', ')}`,
    evidence,
    explanation: sentences.join(' '),
    remediation:
      `Pick one mesh for ${subject.kind} ${subject.name}. To keep Istio, set \`${mesh.optOut.key}: "${mesh.optOut.value}"\` in the pod template's ${mesh.optOut.in}${namespaceMark ? ` and take namespace \`${ns}\` out of ${mesh.mesh} if all of it belongs to Istio` : ''}; ` +
      `to keep ${mesh.mesh}, set the label \`${ISTIO_OPT_OUT.key}: "${ISTIO_OPT_OUT.value}"\` in the pod template instead. ` +
      (template ? 'Changing the pod template rolls the pods: each new pod runs one proxy.' : 'Recreate the pod from its corrected spec: a pod\'s containers cannot change while it runs.'),
    commands,
    yaml: documentYaml({ [mesh.optOut.in]: { [mesh.optOut.key]: mesh.optOut.value } }, `${what} (keep Istio: take the pods out of ${mesh.mesh})`),
    occurrences,
  };
}

/** What each mesh's injection left on the pod and its namespace (opt-ins, injector annotations): supporting evidence. */
function markSentences(mesh: OtherMesh, hit: PodHit): string[] {
  const show = (marks: OtherMeshInPod['marks']) => marks.map((m) => `${m.on} \`${m.key}: ${m.value}\``).join(', ');
  const sentences: string[] = [];
  if (hit.other.marks.length > 0) sentences.push(`${mesh.mesh}'s marks on the pod and its namespace: ${show(hit.other.marks)}.`);
  if (hit.istioMarks.length > 0) sentences.push(`Istio's marks: ${show(hit.istioMarks)}.`);
  return sentences;
}

function patch(subject: Subject, optOut: OptOut): string {
  const body = JSON.stringify({ spec: { template: { metadata: { [optOut.in]: { [optOut.key]: optOut.value } } } } });
  return shell`kubectl -n ${subject.namespace!} patch ${subject.kind.toLowerCase()} ${subject.name} --type merge -p ${body}`;
}
