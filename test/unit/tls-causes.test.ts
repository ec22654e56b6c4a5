import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { peerAuthenticationInForce } from '../../src/rules/sidecar-logs/tls-causes.js';

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
