import { describe, expect, it } from 'vitest';
import type { ArtifactId } from '../../src/artifacts/artifact-kind.js';
import { recognise } from '../../src/artifacts/recognise.js';
import { fixture } from './helpers.js';

function byPath(path: string) {
  const recognition = recognise(path, undefined, undefined);
  return recognition && { kind: recognition.kind.id, by: recognition.by, context: recognition.context };
}

describe('recognise by path conventions', () => {
  it.each<[string, ArtifactId, Record<string, string>]>([
    // collector layout
    ['logs/default/productpage-v1-d5789fdfb-6x7b9/istio-proxy.log', 'logs.proxy', { namespace: 'default', pod: 'productpage-v1-d5789fdfb-6x7b9', container: 'istio-proxy' }],
    ['logs/default/productpage-v1-d5789fdfb-6x7b9/istio-proxy.previous.log', 'logs.proxy', { namespace: 'default', pod: 'productpage-v1-d5789fdfb-6x7b9', container: 'istio-proxy' }],
    ['logs/istio-system/istiod-7d4885fc54-lzx9z/discovery.log', 'logs.istiod', { namespace: 'istio-system', pod: 'istiod-7d4885fc54-lzx9z', container: 'discovery' }],
    ['kubernetes/pods/istio-system.json', 'kubectl.pods', { namespace: 'istio-system' }],
    ['kubernetes/top/istio-system.txt', 'kubectl.top', { namespace: 'istio-system' }],
    ['istio/resources/virtualservices.yaml', 'k8s.resources', {}],
    ['proxy-status.txt', 'istioctl.proxyStatus', {}],
    ['analyze.json', 'istioctl.analyze', {}],
    ['manifest.json', 'bundle.manifest', {}],
    ['out/0008.stderr', 'collector.stderr', {}],
    // istioctl bug-report layout (with and without the bug-report/ prefix)
    ['bug-report/proxies/default/productpage-v1-d5789fdfb-6x7b9/istio-proxy.log', 'logs.proxy', { namespace: 'default', pod: 'productpage-v1-d5789fdfb-6x7b9' }],
    ['proxies/bookinfo/reviews-v2-5b667bcbf8-qnvb4/istio-proxy.log', 'logs.proxy', { namespace: 'bookinfo', pod: 'reviews-v2-5b667bcbf8-qnvb4' }],
    ['bug-report/istio/istio-system/istiod-7d4885fc54-lzx9z/debug/syncz', 'istiod.syncz', { namespace: 'istio-system', pod: 'istiod-7d4885fc54-lzx9z' }],
    ['bug-report/istio/istio-system/istiod-7d4885fc54-lzx9z/discovery.log', 'logs.istiod', { namespace: 'istio-system', pod: 'istiod-7d4885fc54-lzx9z' }],
    ['bug-report/analyze/allNamespaces/allNamespaces', 'istioctl.analyze', {}],
    ['bug-report/cluster/pods', 'kubectl.pods', {}],
    ['bug-report/cluster/k8s-resources', 'k8s.resources', {}],
    ['cluster/crs', 'k8s.resources', {}],
  ])('%s → %s', (path, kind, context) => {
    expect(byPath(path)).toEqual({ kind, by: 'path', context: { path, ...context } });
  });

  it('ztunnel logs in the bug-report layout are ztunnel logs by path, not Envoy proxy logs', () => {
    const path = 'bug-report/proxies/istio-system/ztunnel-8nx5d/istio-proxy.log';
    expect(byPath(path)).toEqual({ kind: 'logs.ztunnel', by: 'path', context: { path, namespace: 'istio-system', pod: 'ztunnel-8nx5d' } });
  });

  it("the bug-report stats pattern ends at `stats/prometheus`: a file beside it is not tied to the proxy's pod", () => {
    // Like the collector's `stats.txt.stderr`, the stderr of a `stats/prometheus` fetch is the collector's, with no pod of its own.
    for (const path of ['bug-report/proxies/bookinfo/productpage-v1-7d9d4b7c8-qk5zn/stats/prometheus.stderr', 'proxies/shop/frontend-6d8f9b7c5-4hxkz/stats.txt.stderr']) {
      expect(byPath(path)).toEqual({ kind: 'collector.stderr', by: 'path', context: { path } });
    }
  });

  it('a manifest.json two folders deep is not the bundle manifest; unknown names are not recognised', () => {
    expect(byPath('a/b/manifest.json')).toBeUndefined();
    expect(byPath('notes.txt')).toBeUndefined();
    expect(byPath('bug-report/proxies/default/p/netstat')).toBeUndefined();
  });
});

describe('recognise by manifest hint', () => {
  it('the manifest kind wins over name and content, and carries namespace/pod/container', () => {
    const recognition = recognise('out/0007.txt', 'hello', { kind: 'kubectl.top', namespace: 'istio-system' });
    expect(recognition?.kind.id).toBe('kubectl.top');
    expect(recognition?.by).toBe('manifest');
    expect(recognition?.context).toEqual({ path: 'out/0007.txt', namespace: 'istio-system' });
  });

  it('hint fields override what the path says', () => {
    const recognition = recognise('logs/default/productpage-v1/istio-proxy.log', undefined, { kind: 'logs.proxy', namespace: 'bookinfo', pod: 'productpage-v2' });
    expect(recognition?.by).toBe('manifest');
    expect(recognition?.context).toEqual({ path: 'logs/default/productpage-v1/istio-proxy.log', namespace: 'bookinfo', pod: 'productpage-v2', container: 'istio-proxy' });
  });

  it('a hint without a kind does not recognise; it only adds context', () => {
    const recognition = recognise('proxy-status.out', undefined, { namespace: 'istio-system' });
    expect(recognition?.by).toBe('path');
    expect(recognition?.context.namespace).toBe('istio-system');
    expect(recognise('data.bin', undefined, { pod: 'x' })).toBeUndefined();
  });
});

describe('recognise by content, whatever the file name', () => {
  const SYNCZ = '[{"cluster_id":"Kubernetes","proxy":"productpage-v1-d5789fdfb-6x7b9.default","proxy_type":"sidecar","cluster_sent":"n1","cluster_acked":"n1"}]';
  const PODS = JSON.stringify({ apiVersion: 'v1', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }], kind: 'List', metadata: { resourceVersion: '' } });
  const MANIFEST = JSON.stringify({ schemaVersion: 1, collectedAt: '2024-07-25T20:13:00Z', artifacts: [] });
  const ANALYZE = 'Warning [IST0103] (Pod default/noninjectedpod) The pod default/noninjectedpod is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.\n';

  it.each<[string, () => string, ArtifactId]>([
    ['proxy-status table ≥ 1.27', () => fixture('multiXdsStatusSinglePilot.txt'), 'istioctl.proxyStatus'],
    ['proxy-status table -v 1', () => fixture('multiXdsStatusMultiPilot_verbose.txt'), 'istioctl.proxyStatus'],
    ['proxy-status 1.6 (PILOT)', () => 'NAME          CDS        LDS        EDS        RDS        PILOT             VERSION\n', 'istioctl.proxyStatus'],
    ['proxy-status -o json', () => fixture('multiXdsStatusSinglePilot.json'), 'istioctl.proxyStatus'],
    ['debug/syncz', () => SYNCZ, 'istiod.syncz'],
    ['kubectl top --containers', () => fixture('kubectl-top-pod-containers.txt'), 'kubectl.top'],
    ['kubectl get pods -o json', () => PODS, 'kubectl.pods'],
    ['multi-document Istio YAML', () => fixture('virtualservice_destinationhosts.yaml'), 'k8s.resources'],
    ['istioctl analyze text', () => ANALYZE, 'istioctl.analyze'],
    ['bundle manifest', () => MANIFEST, 'bundle.manifest'],
    ['TEXT access log', () => fixture('istio-proxy-access-text.log'), 'logs.proxy'],
    ['JSON access log', () => fixture('istio-proxy-access-json.log'), 'logs.proxy'],
    ['pilot-agent cert failure log', () => fixture('istio-proxy-startup-cert-failure.log'), 'logs.proxy'],
    ['Envoy xDS stream log', () => fixture('istio-proxy-xds-stream.log'), 'logs.proxy'],
    ['istiod push log', () => fixture('istiod-push.log'), 'logs.istiod'],
  ])('%s', (_name, head, kind) => {
    const recognition = recognise('export-3f9c.dat', head(), undefined);
    expect(recognition?.kind.id).toBe(kind);
    expect(recognition?.by).toBe('content');
    expect(recognition?.context).toEqual({ path: 'export-3f9c.dat' });
  });

  it('plain text matches no kind', () => {
    expect(recognise('README', 'This bundle was collected on Monday.\n', undefined)).toBeUndefined();
    expect(recognise('events.txt', 'LAST SEEN   TYPE      REASON      OBJECT     MESSAGE\n', undefined)).toBeUndefined();
  });
});
