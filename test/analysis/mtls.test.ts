import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildConfigIndex, type ConfigIndex } from '../../src/analysis/config-index.js';
import { destinationTlsMode, effectiveInboundMtls, mtlsConflicts, type MtlsConflict } from '../../src/analysis/mtls.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import type { ResourceRecord } from '../../src/model/facets.js';

// Shapes of istio.io's reference pages (security/peer_authentication, networking/destination-rule)
// and Kubernetes' v1 Service and Pod, read the way the bundle reader reads `kubectl get -o yaml`.

function bundle(...documents: string[]): ConfigIndex {
  const located = readKubernetesObjects(documents.map((d) => d.trim()).join('\n---\n'));
  const records: ResourceRecord[] = located.map((l) => ({ object: l.object as KubernetesObject, source: { path: 'resources.yaml', ...(l.line !== undefined ? { line: l.line } : {}) } }));
  return buildConfigIndex(records, []);
}

interface PodOptions {
  sidecar?: 'container' | 'native' | false;
  ports?: Array<{ name: string; containerPort: number }>;
  extraLabels?: Record<string, string>;
}

/** A Deployment's pod as `kubectl get pod -o yaml` prints it (the fields read here). */
function pod(name: string, namespace: string, labels: Record<string, string>, options: PodOptions = {}): string {
  const sidecar = options.sidecar ?? 'container';
  const app = { name: labels.app ?? name, image: `docker.io/istio/examples-bookinfo-${labels.app ?? name}:1.20.2`, ports: options.ports ?? [{ name: 'http', containerPort: 9080 }] };
  const proxy = { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.0', args: ['proxy', 'sidecar'], ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] };
  const spec =
    sidecar === 'container'
      ? { initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.27.0' }], containers: [app, proxy] }
      : sidecar === 'native'
        ? { initContainers: [{ ...proxy, restartPolicy: 'Always' }], containers: [app] }
        : { containers: [app] };
  return stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { ...labels, ...options.extraLabels } }, spec, status: { phase: 'Running' } });
}

function service(name: string, namespace: string, ports: Array<Record<string, unknown>>, selector: Record<string, string> = { app: name }): string {
  return stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: { app: name } }, spec: { selector, ports } });
}

const MESH_STRICT = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
  creationTimestamp: "2024-03-01T09:00:00Z"
spec:
  mtls:
    mode: STRICT
`;

const REVIEWS_SVC = service('reviews', 'bookinfo', [{ name: 'http', port: 9080, targetPort: 9080 }]);
const REVIEWS_V1 = pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews', version: 'v1' });
const REVIEWS_V2 = pod('reviews-v2-7d79d5bd5d-8zzqd', 'bookinfo', { app: 'reviews', version: 'v2' });
const RATINGS_V1 = pod('ratings-v1-5f9699cfdf-5vq6w', 'bookinfo', { app: 'ratings', version: 'v1' });

const named = (records: readonly ResourceRecord[] | undefined) => (records ?? []).map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`);
const podOf = (index: ConfigIndex, name: string) => index.pods().find((p) => p.object.metadata.name === name)!;
const summary = (conflicts: MtlsConflict[]) =>
  conflicts.map((c) => ({
    kind: c.kind,
    rule: `${c.destinationRule.object.metadata.namespace}/${c.destinationRule.object.metadata.name}`,
    drPointer: c.drPointer,
    drMode: c.drMode,
    service: `${c.service.object.metadata.namespace}/${c.service.object.metadata.name}`,
    port: c.port,
    ...(c.targetPort !== undefined ? { targetPort: c.targetPort } : {}),
    ...(c.subset !== undefined ? { subset: c.subset } : {}),
    pods: c.pods.map((p) => p.object.metadata.name),
    ...(c.peerAuthentication ? { pa: `${c.peerAuthentication.object.metadata.namespace}/${c.peerAuthentication.object.metadata.name}`, paPointer: c.paPointer } : {}),
    ...(c.serverMode ? { serverMode: c.serverMode } : {}),
  }));

describe('effectiveInboundMtls: PeerAuthentication precedence', () => {
  it('nothing set: PERMISSIVE, decided by no policy', () => {
    const index = bundle(REVIEWS_V1);
    expect(effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'), 9080)).toEqual({ mode: 'PERMISSIVE', applying: [], ignored: [] });
  });

  it('a namespace-wide PERMISSIVE overrides a mesh-wide STRICT', () => {
    const index = bundle(
      MESH_STRICT,
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: bookinfo
spec:
  mtls:
    mode: PERMISSIVE
`,
      REVIEWS_V1,
    );
    const result = effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'), 9080);
    expect(result.mode).toBe('PERMISSIVE');
    expect(named([result.decidedBy!])).toEqual(['bookinfo/default']);
    expect(result.pointer).toBe('/spec/mtls/mode');
    expect(named(result.applying)).toEqual(['istio-system/default', 'bookinfo/default']);
  });

  it('a namespace-wide UNSET (or one without mtls) inherits the mesh-wide mode', () => {
    for (const mtls of ['  mtls:\n    mode: UNSET', '  {}']) {
      const index = bundle(MESH_STRICT, `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n${mtls}\n`, REVIEWS_V1);
      const result = effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'));
      expect(result.mode).toBe('STRICT');
      expect(named([result.decidedBy!])).toEqual(['istio-system/default']);
      expect(named(result.applying)).toEqual(['istio-system/default', 'bookinfo/default']);
    }
  });

  it('a workload policy overrides the namespace-wide one for the pods it selects only', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: bookinfo
spec:
  mtls:
    mode: STRICT
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: reviews-permissive
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  mtls:
    mode: PERMISSIVE
`,
      REVIEWS_V1,
      RATINGS_V1,
    );
    const reviews = effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'), 9080);
    expect([reviews.mode, named([reviews.decidedBy!])]).toEqual(['PERMISSIVE', ['bookinfo/reviews-permissive']]);
    expect(named(reviews.applying)).toEqual(['bookinfo/default', 'bookinfo/reviews-permissive']);
    const ratings = effectiveInboundMtls(index, podOf(index, 'ratings-v1-5f9699cfdf-5vq6w'), 9080);
    expect([ratings.mode, named([ratings.decidedBy!])]).toEqual(['STRICT', ['bookinfo/default']]);
  });

  it('portLevelMtls of a workload policy decides for that container port only; a port-level UNSET inherits', () => {
    const index = bundle(
      MESH_STRICT,
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: finance
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  mtls:
    mode: UNSET
  portLevelMtls:
    8080:
      mode: DISABLE
    9080:
      mode: UNSET
`,
      REVIEWS_V1,
    );
    const reviews = podOf(index, 'reviews-v1-7f99cc4496-gdxfn');
    expect(effectiveInboundMtls(index, reviews, 8080)).toMatchObject({ mode: 'DISABLE', pointer: '/spec/portLevelMtls/8080/mode' });
    expect(named([effectiveInboundMtls(index, reviews, 8080).decidedBy!])).toEqual(['bookinfo/finance']);
    // UNSET at the port inherits the workload's mode, itself UNSET: the mesh's.
    for (const port of [9080, 9090, undefined]) {
      const result = effectiveInboundMtls(index, reviews, port);
      expect([result.mode, result.pointer, named([result.decidedBy!])]).toEqual(['STRICT', '/spec/mtls/mode', ['istio-system/default']]);
    }
  });

  it('portLevelMtls of a namespace-wide or mesh-wide policy is ignored', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
  portLevelMtls:
    9090:
      mode: DISABLE
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: bookinfo
spec:
  portLevelMtls:
    9080:
      mode: DISABLE
`,
      REVIEWS_V1,
    );
    const reviews = podOf(index, 'reviews-v1-7f99cc4496-gdxfn');
    for (const port of [9080, 9090]) expect(effectiveInboundMtls(index, reviews, port)).toMatchObject({ mode: 'STRICT', pointer: '/spec/mtls/mode' });
  });

  it('two workload policies: the oldest decides (creationTimestamp, then name), even when it is UNSET; the newer one is ignored', () => {
    const workload = (name: string, created: string, mode: string) =>
      `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: bookinfo\n  creationTimestamp: "${created}"\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n  mtls:\n    mode: ${mode}\n`;
    const older = bundle(MESH_STRICT, workload('a-newer', '2024-06-02T10:00:00Z', 'PERMISSIVE'), workload('z-older', '2024-06-01T10:00:00Z', 'DISABLE'), REVIEWS_V1);
    const result = effectiveInboundMtls(older, podOf(older, 'reviews-v1-7f99cc4496-gdxfn'));
    expect([result.mode, named([result.decidedBy!]), named(result.ignored)]).toEqual(['DISABLE', ['bookinfo/z-older'], ['bookinfo/a-newer']]);
    // Same second: the name breaks the tie.
    const tie = bundle(workload('b-strict', '2024-06-01T10:00:00Z', 'STRICT'), workload('a-disable', '2024-06-01T10:00:00Z', 'DISABLE'), REVIEWS_V1);
    expect(named([effectiveInboundMtls(tie, podOf(tie, 'reviews-v1-7f99cc4496-gdxfn')).decidedBy!])).toEqual(['bookinfo/a-disable']);
    // The oldest is UNSET: Istio inherits from the namespace/mesh, it does not fall back to the newer policy.
    const unset = bundle(MESH_STRICT, workload('newer', '2024-06-02T10:00:00Z', 'DISABLE'), workload('older', '2024-06-01T10:00:00Z', 'UNSET'), REVIEWS_V1);
    const inherited = effectiveInboundMtls(unset, podOf(unset, 'reviews-v1-7f99cc4496-gdxfn'));
    expect([inherited.mode, named([inherited.decidedBy!]), named(inherited.applying)]).toEqual(['STRICT', ['istio-system/default'], ['istio-system/default', 'bookinfo/older']]);
  });

  it('two namespace-wide (or mesh-wide) policies: the oldest wins', () => {
    const wide = (name: string, namespace: string, created: string, mode: string) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  creationTimestamp: "${created}"\nspec:\n  mtls:\n    mode: ${mode}\n`;
    const index = bundle(
      wide('default', 'istio-system', '2024-05-02T00:00:00Z', 'PERMISSIVE'),
      wide('strict-everywhere', 'istio-system', '2024-05-01T00:00:00Z', 'STRICT'),
      wide('later', 'team-a', '2024-05-03T00:00:00Z', 'PERMISSIVE'),
      wide('first', 'team-a', '2024-05-01T00:00:00Z', 'DISABLE'),
      REVIEWS_V1,
      pod('billing-6d5b8c7f9d-x2k4p', 'team-a', { app: 'billing' }),
    );
    const reviews = effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'));
    expect([reviews.mode, named([reviews.decidedBy!]), named(reviews.ignored)]).toEqual(['STRICT', ['istio-system/strict-everywhere'], ['istio-system/default']]);
    const billing = effectiveInboundMtls(index, podOf(index, 'billing-6d5b8c7f9d-x2k4p'));
    expect([billing.mode, named([billing.decidedBy!]), named(billing.ignored)]).toEqual(['DISABLE', ['team-a/first'], ['istio-system/default', 'team-a/later']]);
  });

  it('a "mesh-wide" policy outside the root namespace is namespace-wide there only; selector policies in the root namespace are ignored', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: team-a
spec:
  mtls:
    mode: DISABLE
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: reviews-from-root
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: reviews
  mtls:
    mode: DISABLE
`,
      REVIEWS_V1,
      pod('billing-6d5b8c7f9d-x2k4p', 'team-a', { app: 'billing' }),
      pod('reviews-root-6f7b8c9d5d-k2m4n', 'istio-system', { app: 'reviews' }),
    );
    expect(effectiveInboundMtls(index, podOf(index, 'billing-6d5b8c7f9d-x2k4p'))).toMatchObject({ mode: 'DISABLE' });
    expect(effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'))).toEqual({ mode: 'PERMISSIVE', applying: [], ignored: [] });
    const inRoot = effectiveInboundMtls(index, podOf(index, 'reviews-root-6f7b8c9d5d-k2m4n'));
    expect([inRoot.mode, named(inRoot.ignored)]).toEqual(['PERMISSIVE', ['istio-system/reviews-from-root']]);
  });

  it('a selector without matchLabels is no workload selector: the policy is namespace-wide', () => {
    const index = bundle(
      MESH_STRICT,
      `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: empty-selector\n  namespace: bookinfo\nspec:\n  selector: {}\n  mtls:\n    mode: PERMISSIVE\n  portLevelMtls:\n    9080:\n      mode: DISABLE\n`,
      REVIEWS_V1,
    );
    expect(effectiveInboundMtls(index, podOf(index, 'reviews-v1-7f99cc4496-gdxfn'), 9080)).toMatchObject({ mode: 'PERMISSIVE', pointer: '/spec/mtls/mode' });
  });
});

describe('destinationTlsMode', () => {
  const index = bundle(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
    portLevelSettings:
    - port:
        number: 9443
      tls:
        mode: SIMPLE
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      tls:
        mode: DISABLE
      portLevelSettings:
      - port:
          number: 9080
        tls:
          mode: MUTUAL
`);
  const rule = index.ofKind('DestinationRule')[0]!;

  it('subset port level, subset, port level, top level', () => {
    expect(destinationTlsMode(rule, 9080, 'v2')).toEqual({ mode: 'MUTUAL', pointer: '/spec/subsets/1/trafficPolicy/portLevelSettings/0/tls/mode' });
    expect(destinationTlsMode(rule, 9443, 'v2')).toEqual({ mode: 'DISABLE', pointer: '/spec/subsets/1/trafficPolicy/tls/mode' });
    expect(destinationTlsMode(rule, 9443, 'v1')).toEqual({ mode: 'SIMPLE', pointer: '/spec/trafficPolicy/portLevelSettings/0/tls/mode' });
    expect(destinationTlsMode(rule, 9080)).toEqual({ mode: 'ISTIO_MUTUAL', pointer: '/spec/trafficPolicy/tls/mode' });
    expect(destinationTlsMode(rule)).toEqual({ mode: 'ISTIO_MUTUAL', pointer: '/spec/trafficPolicy/tls/mode' });
  });
});

describe('mtlsConflicts', () => {
  const NS_STRICT = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: bookinfo
spec:
  mtls:
    mode: STRICT
`;
  const dr = (name: string, tls: string, host = 'reviews', namespace = 'bookinfo') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  host: ${host}
  trafficPolicy:
    tls:
      mode: ${tls}
`;

  it('plaintext-to-strict: DISABLE toward sidecars the namespace makes STRICT', () => {
    const index = bundle(NS_STRICT, dr('reviews-plaintext', 'DISABLE'), REVIEWS_SVC, REVIEWS_V1, REVIEWS_V2);
    expect(summary(mtlsConflicts(index))).toEqual([
      {
        kind: 'plaintext-to-strict',
        rule: 'bookinfo/reviews-plaintext',
        drPointer: '/spec/trafficPolicy/tls/mode',
        drMode: 'DISABLE',
        service: 'bookinfo/reviews',
        port: 9080,
        targetPort: 9080,
        pods: ['reviews-v1-7f99cc4496-gdxfn', 'reviews-v2-7d79d5bd5d-8zzqd'],
        pa: 'bookinfo/default',
        paPointer: '/spec/mtls/mode',
        serverMode: 'STRICT',
      },
    ]);
  });

  it('plaintext-to-strict through a named targetPort and a port-level STRICT of a workload policy', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: reviews
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  mtls:
    mode: PERMISSIVE
  portLevelMtls:
    9080:
      mode: STRICT
`,
      dr('reviews', 'DISABLE'),
      service('reviews', 'bookinfo', [
        { name: 'http', port: 80, targetPort: 'http-api' },
        { name: 'http-admin', port: 8080, targetPort: 8080 },
      ]),
      pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews', version: 'v1' }, { ports: [{ name: 'http-api', containerPort: 9080 }, { name: 'admin', containerPort: 8080 }] }),
    );
    expect(summary(mtlsConflicts(index))).toEqual([
      expect.objectContaining({ kind: 'plaintext-to-strict', port: 80, targetPort: 9080, pa: 'bookinfo/reviews', paPointer: '/spec/portLevelMtls/9080/mode', serverMode: 'STRICT', pods: ['reviews-v1-7f99cc4496-gdxfn'] }),
    ]);
  });

  it('mtls-to-no-sidecar: ISTIO_MUTUAL toward pods none of which runs istio-proxy', () => {
    const index = bundle(
      dr('reviews', 'ISTIO_MUTUAL'),
      REVIEWS_SVC,
      pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews', version: 'v1' }, { sidecar: false }),
      pod('reviews-v2-7d79d5bd5d-8zzqd', 'bookinfo', { app: 'reviews', version: 'v2' }, { sidecar: false }),
    );
    expect(summary(mtlsConflicts(index))).toEqual([
      { kind: 'mtls-to-no-sidecar', rule: 'bookinfo/reviews', drPointer: '/spec/trafficPolicy/tls/mode', drMode: 'ISTIO_MUTUAL', service: 'bookinfo/reviews', port: 9080, targetPort: 9080, pods: ['reviews-v1-7f99cc4496-gdxfn', 'reviews-v2-7d79d5bd5d-8zzqd'] },
    ]);
    // One pod with a native sidecar (istio-proxy as a restartable init container) is a sidecar: no claim.
    const native = bundle(dr('reviews', 'ISTIO_MUTUAL'), REVIEWS_SVC, pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews' }, { sidecar: 'native' }));
    expect(mtlsConflicts(native)).toEqual([]);
  });

  it('SIMPLE or MUTUAL toward pods without sidecar only when the Service port declares a plaintext protocol', () => {
    const noSidecar = pod('legacy-6b8f9c7d5-q7w2e', 'bookinfo', { app: 'legacy' }, { sidecar: false });
    const plaintext = bundle(dr('legacy', 'SIMPLE', 'legacy'), service('legacy', 'bookinfo', [{ name: 'http-web', port: 8080, targetPort: 9080 }]), noSidecar);
    expect(summary(mtlsConflicts(plaintext))).toEqual([expect.objectContaining({ kind: 'mtls-to-no-sidecar', drMode: 'SIMPLE', port: 8080, targetPort: 9080 })]);
    const appProtocol = bundle(dr('legacy', 'MUTUAL', 'legacy'), service('legacy', 'bookinfo', [{ name: 'web', appProtocol: 'http', port: 8080 }]), noSidecar);
    expect(summary(mtlsConflicts(appProtocol))).toEqual([expect.objectContaining({ kind: 'mtls-to-no-sidecar', drMode: 'MUTUAL', port: 8080, targetPort: 8080 })]);
    // The application serves TLS itself (https), or the port says nothing: no claim.
    for (const port of [{ name: 'https', port: 8443 }, { port: 8443 }]) expect(mtlsConflicts(bundle(dr('legacy', 'SIMPLE', 'legacy'), service('legacy', 'bookinfo', [port]), noSidecar))).toEqual([]);
  });

  it('mtls-to-disabled: ISTIO_MUTUAL toward sidecars whose inbound mTLS is DISABLE', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: reviews-plaintext
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  mtls:
    mode: DISABLE
`,
      dr('reviews', 'ISTIO_MUTUAL'),
      REVIEWS_SVC,
      REVIEWS_V1,
    );
    expect(summary(mtlsConflicts(index))).toEqual([
      {
        kind: 'mtls-to-disabled',
        rule: 'bookinfo/reviews',
        drPointer: '/spec/trafficPolicy/tls/mode',
        drMode: 'ISTIO_MUTUAL',
        service: 'bookinfo/reviews',
        port: 9080,
        targetPort: 9080,
        pods: ['reviews-v1-7f99cc4496-gdxfn'],
        pa: 'bookinfo/reviews-plaintext',
        paPointer: '/spec/mtls/mode',
        serverMode: 'DISABLE',
      },
    ]);
  });

  describe('no conflict', () => {
    const PERMISSIVE_NS = NS_STRICT.replace('STRICT', 'PERMISSIVE');
    const DISABLE_NS = NS_STRICT.replace('STRICT', 'DISABLE');

    it('a DestinationRule without tls: auto mTLS follows the server', () => {
      const index = bundle(
        NS_STRICT,
        `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: LEAST_REQUEST
  subsets:
  - name: v1
    labels:
      version: v1
`,
        REVIEWS_SVC,
        REVIEWS_V1,
        pod('reviews-v3-84779c7bbc-7rzcx', 'bookinfo', { app: 'reviews', version: 'v3' }, { sidecar: false }),
      );
      expect(mtlsConflicts(index)).toEqual([]);
    });

    it('DISABLE toward PERMISSIVE or DISABLE sidecars, or toward pods without sidecar', () => {
      expect(mtlsConflicts(bundle(PERMISSIVE_NS, dr('reviews', 'DISABLE'), REVIEWS_SVC, REVIEWS_V1))).toEqual([]);
      expect(mtlsConflicts(bundle(DISABLE_NS, dr('reviews', 'DISABLE'), REVIEWS_SVC, REVIEWS_V1))).toEqual([]);
      expect(mtlsConflicts(bundle(NS_STRICT, dr('reviews', 'DISABLE'), REVIEWS_SVC, pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews' }, { sidecar: false })))).toEqual([]);
    });

    it('ISTIO_MUTUAL toward STRICT or PERMISSIVE sidecars (PERMISSIVE also by default)', () => {
      expect(mtlsConflicts(bundle(NS_STRICT, dr('reviews', 'ISTIO_MUTUAL'), REVIEWS_SVC, REVIEWS_V1))).toEqual([]);
      expect(mtlsConflicts(bundle(PERMISSIVE_NS, dr('reviews', 'ISTIO_MUTUAL'), REVIEWS_SVC, REVIEWS_V1))).toEqual([]);
      expect(mtlsConflicts(bundle(dr('reviews', 'ISTIO_MUTUAL'), REVIEWS_SVC, REVIEWS_V1))).toEqual([]);
    });

    it('no pods of the Service in the bundle: unknown, no claim', () => {
      expect(mtlsConflicts(bundle(NS_STRICT, dr('reviews', 'DISABLE'), REVIEWS_SVC, RATINGS_V1))).toEqual([]);
      expect(mtlsConflicts(bundle(dr('reviews', 'ISTIO_MUTUAL'), REVIEWS_SVC))).toEqual([]);
    });

    it('a host that names no Service of the bundle (a ServiceEntry host, a missing Service, a bare unqualified dotted name)', () => {
      const index = bundle(
        NS_STRICT,
        dr('external', 'DISABLE', 'api.example.com'),
        dr('missing', 'DISABLE', 'details'),
        dr('dotted', 'DISABLE', 'reviews.bookinfo'),
        REVIEWS_SVC,
        REVIEWS_V1,
      );
      expect(mtlsConflicts(index)).toEqual([]);
    });

    it('ambient pods: no sidecar, yet in the mesh', () => {
      const index = bundle(
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio.io/dataplane-mode: ambient\n',
        dr('reviews', 'ISTIO_MUTUAL'),
        REVIEWS_SVC,
        pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews' }, { sidecar: false }),
      );
      expect(mtlsConflicts(index)).toEqual([]);
    });
  });

  it('a subset restricts the pods: only the subset whose pods are STRICT conflicts', () => {
    const index = bundle(
      `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: reviews-v2-strict
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
      version: v2
  mtls:
    mode: STRICT
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews.bookinfo.svc.cluster.local
  subsets:
  - name: v1
    labels:
      version: v1
    trafficPolicy:
      tls:
        mode: DISABLE
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      tls:
        mode: DISABLE
`,
      REVIEWS_SVC,
      REVIEWS_V1,
      REVIEWS_V2,
    );
    expect(summary(mtlsConflicts(index))).toEqual([
      {
        kind: 'plaintext-to-strict',
        rule: 'bookinfo/reviews',
        drPointer: '/spec/subsets/1/trafficPolicy/tls/mode',
        drMode: 'DISABLE',
        service: 'bookinfo/reviews',
        port: 9080,
        targetPort: 9080,
        subset: 'v2',
        pods: ['reviews-v2-7d79d5bd5d-8zzqd'],
        pa: 'bookinfo/reviews-v2-strict',
        paPointer: '/spec/mtls/mode',
        serverMode: 'STRICT',
      },
    ]);
  });

  it('a subset whose pods run no sidecar conflicts with the mode it inherits; a subset selecting no pod makes no claim', () => {
    const index = bundle(
      `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
  - name: v3
    labels:
      version: v3
    trafficPolicy:
      tls:
        mode: ISTIO_MUTUAL
`,
      REVIEWS_SVC,
      pod('reviews-v1-7f99cc4496-gdxfn', 'bookinfo', { app: 'reviews', version: 'v1' }, { sidecar: false }),
      REVIEWS_V2,
    );
    // The Service as a whole has a sidecar pod (v2): only the v1 cluster reaches pods without one.
    expect(summary(mtlsConflicts(index))).toEqual([
      { kind: 'mtls-to-no-sidecar', rule: 'bookinfo/reviews', drPointer: '/spec/trafficPolicy/tls/mode', drMode: 'ISTIO_MUTUAL', service: 'bookinfo/reviews', port: 9080, targetPort: 9080, subset: 'v1', pods: ['reviews-v1-7f99cc4496-gdxfn'] },
    ]);
  });

  it('a port-level setting overrides the top level, for its port only', () => {
    const twoPorts = service('reviews', 'bookinfo', [
      { name: 'http', port: 9080 },
      { name: 'grpc', port: 9090 },
    ]);
    const portLevel = (top: string, port: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    tls:
      mode: ${top}
    portLevelSettings:
    - port:
        number: 9080
      tls:
        mode: ${port}
`;
    const disabledPort = bundle(NS_STRICT, portLevel('ISTIO_MUTUAL', 'DISABLE'), twoPorts, REVIEWS_V1);
    expect(summary(mtlsConflicts(disabledPort))).toEqual([expect.objectContaining({ kind: 'plaintext-to-strict', port: 9080, drMode: 'DISABLE', drPointer: '/spec/trafficPolicy/portLevelSettings/0/tls/mode' })]);
    const mutualPort = bundle(NS_STRICT, portLevel('DISABLE', 'ISTIO_MUTUAL'), twoPorts, REVIEWS_V1);
    expect(summary(mtlsConflicts(mutualPort))).toEqual([expect.objectContaining({ kind: 'plaintext-to-strict', port: 9090, drMode: 'DISABLE', drPointer: '/spec/trafficPolicy/tls/mode' })]);
  });

  it('a wildcard rule of the root namespace counts once per Service it reaches, however many ports', () => {
    const index = bundle(
      dr('mesh-mtls', 'ISTIO_MUTUAL', '"*.local"', 'istio-system'),
      service('reviews', 'legacy', [
        { name: 'http', port: 9080 },
        { name: 'http-metrics', port: 9091 },
      ]),
      service('ratings', 'legacy', [{ name: 'http', port: 9080 }]),
      service('productpage', 'bookinfo', [{ name: 'http', port: 9080 }]),
      pod('reviews-5c9d8f7b6c-abcde', 'legacy', { app: 'reviews' }, { sidecar: false }),
      pod('ratings-7d4f6b9c8d-fghjk', 'legacy', { app: 'ratings' }, { sidecar: false }),
      pod('productpage-v1-6b746f74dc-9stvs', 'bookinfo', { app: 'productpage' }),
    );
    expect(summary(mtlsConflicts(index)).map((c) => [c.kind, c.rule, c.service, c.port, c.drPointer])).toEqual([
      ['mtls-to-no-sidecar', 'istio-system/mesh-mtls', 'legacy/ratings', 9080, '/spec/trafficPolicy/tls/mode'],
      ['mtls-to-no-sidecar', 'istio-system/mesh-mtls', 'legacy/reviews', 9080, '/spec/trafficPolicy/tls/mode'],
    ]);
  });

  it('a wildcard rule every client sees a more specific rule before applies nowhere', () => {
    const index = bundle(
      NS_STRICT,
      dr('bookinfo-plaintext', 'DISABLE', '"*.bookinfo.svc.cluster.local"'),
      `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
`,
      REVIEWS_SVC,
      REVIEWS_V1,
      service('ratings', 'bookinfo', [{ name: 'http', port: 9080 }]),
      RATINGS_V1,
    );
    expect(summary(mtlsConflicts(index)).map((c) => [c.kind, c.rule, c.service])).toEqual([['plaintext-to-strict', 'bookinfo/bookinfo-plaintext', 'bookinfo/ratings']]);
  });

  it('conflicts come ordered by rule, Service, port', () => {
    const index = bundle(
      NS_STRICT,
      dr('z-reviews', 'DISABLE'),
      dr('a-ratings', 'DISABLE', 'ratings'),
      REVIEWS_SVC,
      REVIEWS_V1,
      service('ratings', 'bookinfo', [{ name: 'http', port: 9080 }]),
      RATINGS_V1,
    );
    expect(summary(mtlsConflicts(index)).map((c) => `${c.rule} ${c.service}`)).toEqual(['bookinfo/a-ratings bookinfo/ratings', 'bookinfo/z-reviews bookinfo/reviews']);
  });
});
