import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { peerAuthenticationInForce } from '../../src/rules/sidecar-logs/tls-causes.js';

// PeerAuthentication shapes of https://istio.io/latest/docs/reference/config/security/peer_authentication/,
// as `kubectl get peerauthentications -A -o json` lists them (the pointer is the item's place in that List).
const record = (object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'istio/resources/peerauthentications.json', pointer: `/items/${i}` } });
const pa = (namespace: string, name: string, spec: Record<string, unknown>, i: number) => record({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec }, i);
const pod = record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-v1-5b5d6494f4-8fwlm', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' } }, spec: {} }, 0);

describe('peerAuthenticationInForce lists the policies by scope, then by name', () => {
  it('a namespace policy whose name sorts before the mesh-wide `default` still comes after it, and decides', () => {
    // The mesh is STRICT; bookinfo was opened to plaintext clients by a namespace-wide policy.
    const index = buildConfigIndex([pa('bookinfo', 'allow-legacy-clients', { mtls: { mode: 'PERMISSIVE' } }, 0), pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }, 1)], [pod]);
    expect(peerAuthenticationInForce(index, pod, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is PERMISSIVE, set by `bookinfo/allow-legacy-clients`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/allow-legacy-clients` (namespace, PERMISSIVE).",
    );
  });

  it('policies of one scope are listed by name, whatever order the bundle lists them in', () => {
    // Two workload policies selecting the same pod (one by app, one by version), listed by kubectl in another order.
    const resources = [
      pa('bookinfo', 'reviews-v1-strict', { selector: { matchLabels: { version: 'v1' } }, mtls: { mode: 'STRICT' } }, 0),
      pa('bookinfo', 'reviews-permissive', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'PERMISSIVE' } }, 1),
      pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }, 2),
    ];
    const text = "PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/reviews-permissive` (workload, PERMISSIVE), `bookinfo/reviews-v1-strict` (workload, STRICT).";
    expect(peerAuthenticationInForce(buildConfigIndex(resources, [pod]), pod, 'bookinfo')?.text).toContain(text);
    expect(peerAuthenticationInForce(buildConfigIndex([...resources].reverse(), [pod]), pod, 'bookinfo')?.text).toContain(text);
    // The evidence follows the same order.
    expect(peerAuthenticationInForce(buildConfigIndex(resources, [pod]), pod, 'bookinfo')?.evidence.map((e) => e.pointer)).toEqual(['/items/2/spec', '/items/1/spec', '/items/0/spec']);
  });
});
