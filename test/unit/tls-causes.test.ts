import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { peerAuthenticationInForce, upstreamOf } from '../../src/rules/sidecar-logs/tls-causes.js';

// PeerAuthentication shapes of https://istio.io/latest/docs/reference/config/security/peer_authentication/,
// as `kubectl get peerauthentications -A -o json` lists them (the pointer is the item's place in that List).
const record = (object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'istio/resources/peerauthentications.json', pointer: `/items/${i}` } });
const pa = (namespace: string, name: string, spec: Record<string, unknown>, i: number, creationTimestamp?: string) =>
  record({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace, ...(creationTimestamp ? { creationTimestamp } : {}) }, spec }, i);
const pod = record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-v1-5b5d6494f4-8fwlm', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' } }, spec: {} }, 0);

describe('peerAuthenticationInForce: the policies Istio composes for the pod, the most specific last', () => {
  it('a namespace policy whose name sorts before the mesh-wide `default` still comes after it, and decides', () => {
    // The mesh is STRICT; bookinfo was opened to plaintext clients by a namespace-wide policy.
    const index = buildConfigIndex([pa('bookinfo', 'allow-legacy-clients', { mtls: { mode: 'PERMISSIVE' } }, 0), pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }, 1)], [pod]);
    expect(peerAuthenticationInForce(index, pod, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is PERMISSIVE, set by `bookinfo/allow-legacy-clients`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/allow-legacy-clients` (namespace, PERMISSIVE).",
    );
  });

  it('of two workload policies on one pod the oldest counts and the newer is ignored, whatever order the bundle lists them in', () => {
    // Two workload policies selecting the same pod (one by app, one by version): Istio composes the oldest (pilot's
    // sortConfigByCreationTime), even though the newer one is STRICT.
    const resources = [
      pa('bookinfo', 'reviews-v1-strict', { selector: { matchLabels: { version: 'v1' } }, mtls: { mode: 'STRICT' } }, 0, '2025-06-02T09:00:00Z'),
      pa('bookinfo', 'reviews-permissive', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'PERMISSIVE' } }, 1, '2025-05-20T14:31:07Z'),
      pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }, 2, '2025-01-08T10:00:00Z'),
    ];
    const text =
      "This pod's inbound mTLS is PERMISSIVE, set by `bookinfo/reviews-permissive`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/reviews-permissive` (workload, PERMISSIVE). " +
      'Istio ignores `bookinfo/reviews-v1-strict`: of several policies of one level only the oldest counts, and a workload selector in the root namespace `istio-system` none.';
    expect(peerAuthenticationInForce(buildConfigIndex(resources, [pod]), pod, 'bookinfo')?.text).toBe(text);
    expect(peerAuthenticationInForce(buildConfigIndex([...resources].reverse(), [pod]), pod, 'bookinfo')?.text).toBe(text);
    // The evidence follows the same order, the ignored policy left out.
    expect(peerAuthenticationInForce(buildConfigIndex(resources, [pod]), pod, 'bookinfo')?.evidence.map((e) => e.pointer)).toEqual(['/items/2/spec', '/items/1/spec']);
  });

  it('without timestamps the first by name counts, as Go sorts equal zero times', () => {
    const resources = [pa('bookinfo', 'b-strict', { mtls: { mode: 'STRICT' } }, 0), pa('bookinfo', 'a-disable', { mtls: { mode: 'DISABLE' } }, 1)];
    expect(peerAuthenticationInForce(buildConfigIndex(resources, [pod]), pod, 'bookinfo')?.text).toMatch(/^This pod's inbound mTLS is DISABLE, set by `bookinfo\/a-disable`; .*`bookinfo\/a-disable` \(namespace, DISABLE\)\. Istio ignores `bookinfo\/b-strict`/);
  });

  it('an empty selector is namespace-wide; without the pod only the mesh and namespace levels are known', () => {
    const resources = [
      pa('bookinfo', 'empty-selector', { selector: {}, mtls: { mode: 'PERMISSIVE' } }, 0),
      pa('bookinfo', 'reviews-strict', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } }, 1),
    ];
    const index = buildConfigIndex(resources, [pod]);
    expect(peerAuthenticationInForce(index, pod, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is STRICT, set by `bookinfo/reviews-strict`; PeerAuthentications that apply, the most specific last: `bookinfo/empty-selector` (namespace, PERMISSIVE), `bookinfo/reviews-strict` (workload, STRICT).",
    );
    expect(peerAuthenticationInForce(index, undefined, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is PERMISSIVE, set by `bookinfo/empty-selector`; PeerAuthentications that apply, the most specific last: `bookinfo/empty-selector` (namespace, PERMISSIVE).",
    );
    expect(peerAuthenticationInForce(index, undefined, undefined)).toBeUndefined();
    expect(peerAuthenticationInForce(index, undefined, 'shop')).toBeUndefined();
  });
});

describe('upstreamOf: the outbound Service a TLS failure of an access line went toward', () => {
  // Istio TEXT access lines as the LOG fixtures hold them (productpage's sidecar, Istio 1.24).
  const wrongVersion =
    '[2024-11-05T09:38:00.000Z] "GET /reviews/0 HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end} - "TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end" 0 234 3 - "-" "python-requests/2.31.0" "ecb9d045-62ea-4edd-a2ed-684d83a1725f" "reviews:9080" "10.244.2.10:9080" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.96.148.211:9080 10.244.1.17:42028 - default';
  const toSubset =
    '[2025-04-22T14:00:27.349Z] "GET /reviews/0 HTTP/1.1" 200 - via_upstream - "-" 0 437 24 23 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" "fa12d123-81ad-4c9c-8926-e6d362729673" "reviews:9080" "10.244.2.16:9080" outbound|9080|v2|reviews.bookinfo.svc.cluster.local 10.244.1.12:54909 10.96.201.17:9080 10.244.1.12:44532 - -';
  const inbound =
    '[2024-11-05T09:38:00.000Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 5293 48 47 "203.0.113.24" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" "ecb9d045-62ea-4edd-a2ed-684d83a1725f" "bookinfo.example.com" "10.244.1.17:9080" inbound|9080|| 127.0.0.6:59345 10.244.1.17:9080 10.244.0.8:39159 outbound_.9080_._.productpage.bookinfo.svc.cluster.local default';
  // Istio before 1.10 named inbound clusters after the pod's own Service (an Istio 1.7 sidecar's line, 2020).
  const inboundBefore110 =
    '[2020-08-09T06:33:04.054Z] "GET /productpage HTTP/1.1" 200 - "-" "-" 0 5179 21 21 "192.168.34.210" "curl/7.54.0" "b00a9a1f-8f01-9b76-b47f-ca8515f15098" "a5a1acc36239d46038f3dd828465c946-706040707.us-west-2.elb.amazonaws.com" "127.0.0.1:9080" inbound|9080|http|productpage.default.svc.cluster.local 127.0.0.1:58640 192.168.44.36:9080 192.168.34.210:0 outbound_.9080_._.productpage.default.svc.cluster.local default';
  const blackHole = '[2024-11-05T09:37:52.118Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - 52.85.132.19:443 10.244.1.17:43216 - -';
  const warmFailure =
    '2023-05-04T10:13:30.563882Z     warn    sds     failed to warm certificate: failed to generate workload certificate: create certificate: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: x509: certificate signed by unknown authority"';

  it('an outbound cluster names the host, port and subset the DestinationRule lookup needs', () => {
    expect(upstreamOf(wrongVersion)).toEqual({ host: 'reviews.bookinfo.svc.cluster.local', port: 9080 });
    expect(upstreamOf(toSubset)).toEqual({ host: 'reviews.bookinfo.svc.cluster.local', port: 9080, subset: 'v2' });
  });

  it('the inbound side names no upstream Service, even where the cluster carries the pod\'s own host: what decides it is the pod\'s PeerAuthentication', () => {
    expect(upstreamOf(inbound)).toBeUndefined();
    expect(upstreamOf(inboundBefore110)).toBeUndefined();
  });

  it('a cluster without a Service host (BlackHoleCluster), or a line that is no access line, names none', () => {
    expect(upstreamOf(blackHole)).toBeUndefined();
    expect(upstreamOf(warmFailure)).toBeUndefined();
  });
});
