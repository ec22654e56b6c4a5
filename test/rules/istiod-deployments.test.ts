import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { Pod } from '../../src/artifacts/k8s/pod-schema.js';
import type { PodRecord, ResourceRecord } from '../../src/model/facets.js';
import { istiodDeployments } from '../../src/rules/control-plane/istiod-deployments.js';

// Shapes of Istio's Helm chart (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml):
// a `discovery` container whose default requests are 500m CPU and 2048Mi, `kubernetes.io/os` in the
// nodeSelector; tolerations and affinity as https://kubernetes.io/docs/concepts/scheduling-eviction/ writes them.
const DISCOVERY = { name: 'discovery', image: 'docker.io/istio/pilot:1.27.2', resources: { requests: { cpu: '500m', memory: '2048Mi' } } };
const deployment = (name: string, podSpec: Record<string, unknown>, extra: { namespace?: string; replicas?: number; labels?: Record<string, string> } = {}, i = 0): ResourceRecord => ({
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: extra.namespace ?? 'istio-system' },
    spec: { ...(extra.replicas === undefined ? {} : { replicas: extra.replicas }), template: { metadata: { labels: extra.labels ?? { app: 'istiod', istio: 'pilot' } }, spec: podSpec } },
  } as ResourceRecord['object'],
  source: { path: 'kubernetes/resources/istio-system.json', pointer: `/items/${i}` },
});
const index = (...records: ResourceRecord[]) => buildConfigIndex(records, []);
const found = (...records: ResourceRecord[]) => istiodDeployments(index(...records), [], 'istio-system');

describe('istiod Deployments: which ones', () => {
  it('reads replicas and the discovery container, whatever its index, with the JSON pointer of its resources', () => {
    const [d] = found(deployment('istiod', { containers: [{ name: 'istio-proxy' }, { ...DISCOVERY, resources: { requests: { cpu: '500m', memory: '2048Mi' }, limits: { cpu: 2, memory: '4Gi' } } }] }, { replicas: 3 }, 4));
    expect(d).toEqual({
      namespace: 'istio-system',
      name: 'istiod',
      replicas: 3,
      memoryRequest: 2048 * 2 ** 20,
      memoryLimit: 4 * 2 ** 30,
      cpuRequest: 0.5,
      cpuLimit: 2,
      placement: [],
      source: { path: 'kubernetes/resources/istio-system.json', pointer: '/items/4/spec/template/spec/containers/1/resources' },
      from: 'Deployment',
    });
  });

  it('takes an unset replicas as 1 and leaves unset resources out', () => {
    const [d] = found(deployment('istiod', { containers: [{ name: 'discovery' }] }));
    expect(d).toMatchObject({ replicas: 1 });
    for (const unset of ['memoryRequest', 'memoryLimit', 'cpuRequest', 'cpuLimit']) expect(d).not.toHaveProperty(unset);
  });

  it('finds revisions (`istiod-<rev>`) and Deployments labelled app=istiod by any name, sorted by name; not other namespaces, scaled-down ones or ones without discovery', () => {
    const names = found(
      deployment('istiod-1-27-2', { containers: [DISCOVERY] }, {}, 0),
      deployment('control-plane', { containers: [DISCOVERY] }, { labels: { app: 'istiod' } }, 1),
      deployment('istiod-canary', { containers: [DISCOVERY] }, {}, 2),
      deployment('istiod', { containers: [DISCOVERY] }, { namespace: 'istio-canary' }, 3),
      deployment('istiod-old', { containers: [DISCOVERY] }, { replicas: 0 }, 4),
      deployment('istiod-no-discovery', { containers: [{ name: 'istio-proxy' }] }, {}, 5),
      deployment('reviews', { containers: [DISCOVERY] }, { labels: { app: 'reviews' } }, 6),
    ).map((d) => d.name);
    expect(names).toEqual(['control-plane', 'istiod-1-27-2', 'istiod-canary']);
  });
});

describe('istiod Deployments: what places them on nodes of their own', () => {
  const placementOf = (podSpec: Record<string, unknown>) => found(deployment('istiod', { containers: [DISCOVERY], ...podSpec }))[0]!.placement;

  it('a nodeSelector beyond the OS labels every node has', () => {
    expect(placementOf({ nodeSelector: { 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/os': 'linux' } })).toEqual([]);
    expect(placementOf({ nodeSelector: { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/infra': '', pool: 'istio' } })).toEqual(['nodeSelector node-role.kubernetes.io/infra=, pool=istio']);
  });

  it('required node affinity with terms; a preferred one or an empty list places nothing', () => {
    const term = { matchExpressions: [{ key: 'pool', operator: 'In', values: ['istio'] }] };
    expect(placementOf({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } })).toEqual(['required node affinity']);
    expect(placementOf({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } })).toEqual([]);
    expect(placementOf({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: term }] } } })).toEqual([]);
  });

  it('tolerations of custom taints, not the node.kubernetes.io/ ones Kubernetes adds to every pod nor a keyless "tolerate everything"', () => {
    const kubernetesOwn = [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ];
    expect(placementOf({ tolerations: kubernetesOwn })).toEqual([]);
    expect(placementOf({ tolerations: [{ operator: 'Exists' }] })).toEqual([]);
    expect(placementOf({ tolerations: [...kubernetesOwn, { key: 'dedicated', operator: 'Equal', value: 'istio', effect: 'NoSchedule' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }] })).toEqual(['tolerations of `dedicated`, `CriticalAddonsOnly`']);
  });

  it('all three, in that order', () => {
    expect(placementOf({
      nodeSelector: { pool: 'istio' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'Exists' }] }] } } },
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    })).toEqual(['nodeSelector pool=istio', 'required node affinity', 'tolerations of `dedicated`']);
  });
});

describe('istiod Deployments: from the pods when the bundle has no Deployment', () => {
  const pod = (name: string, phase: string, extra: Record<string, unknown> = {}, i = 0): PodRecord => ({
    namespace: 'istio-system',
    name,
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'istio-system', labels: { app: 'istiod' }, ...extra },
      spec: { containers: [{ name: 'istio-proxy' }, DISCOVERY], nodeSelector: { pool: 'istio' } },
      status: { phase },
    } as unknown as Pod,
    source: { path: 'kubernetes/pods/istio-system.json', pointer: `/items/${i}` },
  });

  it('counts the running pods of each Deployment as its replicas, and reads the first one', () => {
    const pods = [
      pod('istiod-7c4d8d6d7b-9mzt4', 'Running', {}, 0),
      pod('istiod-7c4d8d6d7b-x2bqf', 'Running', {}, 1),
      pod('istiod-7c4d8d6d7b-pl4sd', 'Running', { deletionTimestamp: '2026-11-30T03:01:12Z' }, 2),
      pod('istiod-7c4d8d6d7b-wq8zr', 'Pending', {}, 3),
      pod('istiod-1-27-2-5f9c8b7d6c-h7k2m', 'Running', {}, 4),
    ];
    const deployments = istiodDeployments(index(), pods, 'istio-system');
    expect(deployments.map((d) => [d.name, d.replicas, d.source.pointer, d.from])).toEqual([
      ['istiod', 2, '/items/0/spec/containers/1/resources', 'pods'],
      ['istiod-1-27-2', 1, '/items/4/spec/containers/1/resources', 'pods'],
    ]);
    expect(deployments[0]).toMatchObject({ namespace: 'istio-system', memoryRequest: 2048 * 2 ** 20, cpuRequest: 0.5, placement: ['nodeSelector pool=istio'] });
  });

  it('leaves out pods without a discovery container, and the pods are not read when a Deployment is there', () => {
    const noDiscovery = pod('istiod-7c4d8d6d7b-9mzt4', 'Running');
    (noDiscovery.pod.spec as { containers: unknown[] }).containers = [{ name: 'istio-proxy' }];
    expect(istiodDeployments(index(), [noDiscovery], 'istio-system')).toEqual([]);
    const fromDeployment = istiodDeployments(index(deployment('istiod', { containers: [DISCOVERY] })), [pod('istiod-1-27-2-5f9c8b7d6c-h7k2m', 'Running')], 'istio-system');
    expect(fromDeployment.map((d) => [d.name, d.from])).toEqual([['istiod', 'Deployment']]);
  });
});
