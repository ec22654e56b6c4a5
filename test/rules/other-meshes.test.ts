import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/artifacts/k8s/pod-schema.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { otherMeshesIn } from '../../src/rules/multi-cluster/other-meshes.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

type Container = { name: string; image?: string; restartPolicy?: string };
const pod = (containers: Container[], initContainers: Container[] = [], metadata: Partial<Pod['metadata']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-6d8f9b7c5-4hxkz', namespace: 'shop', ...metadata },
  spec: { containers, initContainers },
});
const ISTIO = { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.2' };
const found = (p: Pod, ns?: KubernetesObject) => otherMeshesIn(p, ns).map((m) => ({ mesh: m.mesh.mesh, proxies: m.proxies.map((c) => `${c.name} ${c.pointer}`), inits: m.inits.map((c) => c.name) }));

describe('MESH001: which containers are another mesh\'s proxy', () => {
  it('finds native sidecars of the other mesh in initContainers (Kuma, Linkerd)', () => {
    const kuma = pod([{ name: 'web' }], [{ name: 'kuma-init' }, { name: 'kuma-sidecar', image: 'docker.io/kumahq/kuma-dp:2.9.3', restartPolicy: 'Always' }, { ...ISTIO, restartPolicy: 'Always' }]);
    expect(found(kuma)).toEqual([{ mesh: 'Kuma', proxies: ['kuma-sidecar /spec/initContainers/1'], inits: ['kuma-init'] }]);
    const linkerd = pod([{ name: 'web' }, ISTIO], [{ name: 'linkerd-init' }, { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:edge-24.11.8', restartPolicy: 'Always' }]);
    expect(found(linkerd)).toEqual([{ mesh: 'Linkerd', proxies: ['linkerd-proxy /spec/initContainers/1'], inits: ['linkerd-init'] }]);
  });

  it('knows every Consul dataplane name: multi-port pods, consul-k8s 0.x and the first Helm injector', () => {
    const multiPort = pod([{ name: 'web' }, ISTIO, { name: 'consul-dataplane-web' }, { name: 'consul-dataplane-web-admin' }], [{ name: 'consul-connect-inject-init-web' }]);
    expect(found(multiPort)).toEqual([{ mesh: 'Consul', proxies: ['consul-dataplane-web /spec/containers/2', 'consul-dataplane-web-admin /spec/containers/3'], inits: ['consul-connect-inject-init-web'] }]);
    expect(found(pod([{ name: 'web' }, ISTIO, { name: 'envoy-sidecar' }], [{ name: 'consul-connect-inject-init' }]))[0]!.mesh).toBe('Consul');
    expect(found(pod([{ name: 'web' }, ISTIO, { name: 'consul-connect-envoy-sidecar' }]))[0]!.mesh).toBe('Consul');
  });

  it('does not take generic names for a mesh without that mesh\'s init container or image', () => {
    // another injector's `envoy-sidecar`, an application's `envoy`
    expect(found(pod([{ name: 'web' }, ISTIO, { name: 'envoy-sidecar', image: 'envoyproxy/envoy:v1.31.2' }], [{ name: 'istio-init' }]))).toEqual([]);
    expect(found(pod([{ name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.31.2' }, ISTIO], [{ name: 'istio-init' }]))).toEqual([]);
    // Open Service Mesh's envoy beside osm-init is OSM's, not App Mesh's
    expect(found(pod([{ name: 'web' }, ISTIO, { name: 'envoy', image: 'envoyproxy/envoy-distroless:v1.22.2' }], [{ name: 'osm-init' }])).map((m) => m.mesh)).toEqual(['Open Service Mesh']);
    // App Mesh with its CNI has no proxyinit: its Envoy image names it
    const appMeshCni = pod([{ name: 'web' }, ISTIO, { name: 'envoy', image: '840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod' }]);
    expect(found(appMeshCni)).toEqual([{ mesh: 'AWS App Mesh', proxies: ['envoy /spec/containers/2'], inits: [] }]);
  });

  it('cites the other mesh\'s marks on the pod and its namespace, with the pod\'s JSON pointers', () => {
    const p = pod([{ name: 'web' }, ISTIO, { name: 'linkerd-proxy' }], [], { annotations: { 'linkerd.io/inject': 'enabled' } });
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } } } as KubernetesObject;
    expect(otherMeshesIn(p, ns)[0]!.marks).toEqual([
      { key: 'linkerd.io/inject', value: 'enabled', on: 'pod annotation', pointer: '/metadata/annotations/linkerd.io~1inject' },
      { key: 'linkerd.io/inject', value: 'enabled', on: 'namespace annotation' },
    ]);
  });
});

describe('MESH001: the fix follows what owns the pods', () => {
  const listing = (pods: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods, metadata: { resourceVersion: '' } }, null, 4);
  const meshed = (name: string, ownerReferences?: unknown[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'data', ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }, ISTIO, { name: 'kuma-sidecar', image: 'docker.io/kumahq/kuma-dp:2.9.3' }], initContainers: [{ name: 'istio-init' }, { name: 'kuma-init' }] },
    status: { phase: 'Running' },
  });

  it('patches a StatefulSet\'s pod template, and recreates a bare pod', async () => {
    const dir = await tempDir();
    await writeTree(dir, {
      'kubernetes/pods/data.json': listing([
        meshed('ledger-0', [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ledger', controller: true, uid: 'a1' }]),
        meshed('ledger-1', [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ledger', controller: true, uid: 'a1' }]),
        meshed('debug'),
      ]),
    });
    const findings = (await analyzeBundle(dir)).report.findings.filter((f) => f.ruleId === 'MESH001');
    expect(findings.map((f) => `${f.subject.kind} ${f.subject.name}`).sort()).toEqual(['Pod debug', 'StatefulSet ledger']);
    const ledger = findings.find((f) => f.subject.kind === 'StatefulSet')!;
    expect(ledger.occurrences!.map((o) => o.subject.name)).toEqual(['ledger-0', 'ledger-1']);
    expect(ledger.commands).toContain(`kubectl -n data patch statefulset ledger --type merge -p '{"spec":{"template":{"metadata":{"labels":{"kuma.io/sidecar-injection":"disabled"}}}}}'   # keep Istio: Kuma no longer injects the new pods`);
    expect(ledger.commands.at(-1)).toBe('kubectl -n data rollout status statefulset/ledger');
    const debug = findings.find((f) => f.subject.kind === 'Pod')!;
    expect(debug.commands.some((c) => c.includes(' patch '))).toBe(false);
    expect(debug.commands.at(-1)).toBe('kubectl -n data delete pod debug');
    expect(debug.yaml).toContain('# Pod data/debug: metadata');
  });
});
