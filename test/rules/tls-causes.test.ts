import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import { peerAuthenticationInForce } from '../../src/rules/sidecar-logs/tls-causes.js';

// PeerAuthentication shapes of https://istio.io/latest/docs/reference/config/security/peer_authentication/.
const record = (object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'pa.json', pointer: `/items/${i}` } });
const pa = (namespace: string, name: string, spec: Record<string, unknown>, i: number) => record({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec }, i);
const pod = record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-v1-1', namespace: 'bookinfo', labels: { app: 'reviews' } }, spec: {} }, 9);

describe('the PeerAuthentications in force for a pod', () => {
  const resources = [
    pa('bookinfo', 'reviews-ports', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '9080': { mode: 'DISABLE' } } }, 0),
    pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }, 1),
    pa('bookinfo', 'namespace-wide', { mtls: { mode: 'PERMISSIVE' } }, 2),
    pa('bookinfo', 'ratings-only', { selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 'DISABLE' } }, 3),
    pa('other', 'elsewhere', { mtls: { mode: 'DISABLE' } }, 4),
  ];
  const index = buildConfigIndex(resources, [pod]);

  it('mesh, namespace and the workload policy selecting the pod, most specific last, with port-level modes', () => {
    expect(peerAuthenticationInForce(index, pod, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is STRICT, set by `bookinfo/reviews-ports`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/namespace-wide` (namespace, PERMISSIVE), `bookinfo/reviews-ports` (workload, STRICT; ports 9080: DISABLE).",
    );
  });

  it('without the pod, only what needs no selector; none at all says nothing', () => {
    expect(peerAuthenticationInForce(index, undefined, 'bookinfo')?.text).toBe("This pod's inbound mTLS is PERMISSIVE, set by `bookinfo/namespace-wide`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/namespace-wide` (namespace, PERMISSIVE).");
    // a workload policy without a mode inherits the namespace's; port-level modes of mesh policies are not Istio's
    const inherit = buildConfigIndex([pa('istio-system', 'default', { mtls: { mode: 'STRICT' }, portLevelMtls: { '80': { mode: 'DISABLE' } } }, 0), pa('bookinfo', 'unset', { selector: { matchLabels: { app: 'reviews' } } }, 1)], [pod]);
    expect(peerAuthenticationInForce(inherit, pod, 'bookinfo')?.text).toBe("This pod's inbound mTLS is STRICT, set by `istio-system/default`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT), `bookinfo/unset` (workload, UNSET).");
    expect(peerAuthenticationInForce(buildConfigIndex([], []), pod, 'bookinfo')).toBeUndefined();
  });

  it('policies that apply but set no mode leave the default: PERMISSIVE, set by none', () => {
    const unset = buildConfigIndex([pa('istio-system', 'default', {}, 0), pa('bookinfo', 'unset', { selector: { matchLabels: { app: 'reviews' } } }, 1)], [pod]);
    expect(peerAuthenticationInForce(unset, pod, 'bookinfo')?.text).toBe(
      "This pod's inbound mTLS is PERMISSIVE (none sets a mode); PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, UNSET), `bookinfo/unset` (workload, UNSET).",
    );
  });
});

