import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import type { ResourceRecord } from '../../src/model/facets.js';
import type { TargetGroup } from '../../src/rules/sidecar-logs/by-target.js';
import { endpointsFinding, networkPolicyFinding } from '../../src/rules/sidecar-logs/upstream-causes.js';

const record = (object: Record<string, unknown>, i: number): ResourceRecord => ({ object: object as ResourceRecord['object'], source: { path: 'r.json', pointer: `/items/${i}` } });
const service = (spec: Record<string, unknown>) => record({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec }, 0);
// An EndpointSlice of another Service: the namespace's slices were collected.
const otherSlice = record({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } }, endpoints: [] }, 1);
const HOST = 'db.shop.svc.cluster.local';

describe('what the endpoints of a Service can prove', () => {
  it('a Service with a selector and no endpoints: the selector matches no pod (the cause)', () => {
    const finding = endpointsFinding(buildConfigIndex([service({ selector: { app: 'db' }, ports: [{ port: 5432 }] }), otherSlice], []), HOST);
    expect(finding).toMatchObject({ decisive: true });
    expect(finding!.text).toContain('its selector `app=db` matches no running pod');
  });

  it.each([
    ['ExternalName, which has no endpoints by design', { type: 'ExternalName', externalName: 'db.example.com' }],
    ['no selector: its endpoints are managed by hand or by a controller', { ports: [{ port: 5432 }] }],
  ])('%s: no claim', (_label, spec) => {
    expect(endpointsFinding(buildConfigIndex([service(spec), otherSlice], []), HOST)).toBeUndefined();
  });

  it('a selector that picks WorkloadEntries (VMs) has endpoints no EndpointSlice lists: no claim', () => {
    const vm = record({ apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name: 'db-vm', namespace: 'shop' }, spec: { address: '10.0.0.9', labels: { app: 'db' } } }, 2);
    expect(endpointsFinding(buildConfigIndex([service({ selector: { app: 'db' } }), otherSlice, vm], []), HOST)).toBeUndefined();
  });

  it('a dual-stack Service lists each pod twice (IPv4 and IPv6 slices): counted once', () => {
    const slice = (name: string, family: string, address: string) =>
      record({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: family, metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } }, endpoints: [{ addresses: [address], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'db-0', namespace: 'shop' } }] }, 3);
    const finding = endpointsFinding(buildConfigIndex([service({ selector: { app: 'db' } }), slice('db-v4', 'IPv4', '10.0.0.5'), slice('db-v6', 'IPv6', 'fd00::5')], []), HOST);
    expect(finding!.text).toBe('Kubernetes lists the only endpoint of Service `shop/db` as ready.');
  });

  describe('a not-ready endpoint names why its pod is not ready, from its container statuses', () => {
    // Container status shapes of kubectl get pod -o json (core/v1 ContainerStatus): state and lastState hold one of waiting, running, terminated.
    const slice = record({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', metadata: { name: 'db-x', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } }, endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'db-0', namespace: 'shop' } }] }, 1);
    const pod = (status: Record<string, unknown>) => record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'shop', labels: { app: 'db' } }, spec: {}, status: { phase: 'Running', containerStatuses: [{ name: 'istio-proxy', ready: true, restartCount: 0, state: { running: {} } }, { name: 'db', ready: false, ...status }] } }, 2);
    it.each([
      ['waiting, before what ended it last', { restartCount: 12, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }, 'container db CrashLoopBackOff, 12 restarts'],
      ['terminated now', { restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 1 } } }, 'container db Error'],
      ['running but not ready: what ended it last', { restartCount: 1, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }, 'container db OOMKilled, 1 restart'],
      ['running, never ended, not ready', { restartCount: 0, state: { running: {} } }, 'container db not ready'],
      // A listing cut down by hand or by a tool can leave `state` out: the pod is still named, without a reason.
      ['no state at all', { restartCount: 2 }, 'container db not ready, 2 restarts'],
    ])('%s', (_label, status, state) => {
      const finding = endpointsFinding(buildConfigIndex([service({ selector: { app: 'db' }, ports: [{ port: 5432 }] }), slice, pod(status)], []), HOST);
      expect(finding!.text).toBe(`The cause: the only endpoint of Service \`shop/db\` is not ready (\`db-0\`: ${state}): no ready pod serves it.`);
    });
  });
});

describe('what the NetworkPolicies in front of a Service can prove', () => {
  // db's pod listens on 5432; the client is a pod of the bundle (its namespace and labels are known).
  const dbPod = record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'shop', labels: { app: 'db' } }, spec: { containers: [{ name: 'db', ports: [{ containerPort: 5432 }] }] }, status: { phase: 'Running' } }, 1);
  const webPod = record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7d9f8c6b5-x2kqz', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] }, status: { phase: 'Running' } }, 2);
  const policy = (ingress: unknown[]) => record({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db-ingress', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress } }, 3);
  const target = { host: HOST, sides: [{ log: { pod: 'web-7d9f8c6b5-x2kqz', namespace: 'shop' } }] } as unknown as TargetGroup;
  const finding = (ingress: unknown[]) => networkPolicyFinding(buildConfigIndex([service({ selector: { app: 'db' }, ports: [{ port: 5432 }] }), dbPod, webPod, policy(ingress)], []), target, 5432);

  it('a policy that admits only an ipBlock: whether it admits the client cannot be told (a candidate, not a cause), the policy named and cited', () => {
    const result = finding([{ from: [{ ipBlock: { cidr: '10.8.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(result).toMatchObject({ decisive: false });
    expect(result!.text).toBe(
      'NetworkPolicy `shop/db-ingress` selects the target\'s pods; whether it admits `shop/web-7d9f8c6b5-x2kqz` on port 5432 cannot be told from the bundle (NetworkPolicy shop/db-ingress ingress[0] admits ipBlock 10.8.0.0/16, which needs the client\'s IP).',
    );
    expect(result!.evidence).toEqual([expect.objectContaining({ path: 'r.json', pointer: '/items/3/spec' })]);
  });

  it('a policy that admits other pods only: the cause, the connection dropped', () => {
    const result = finding([{ from: [{ podSelector: { matchLabels: { app: 'admin' } } }] }]);
    expect(result).toMatchObject({ decisive: true });
    expect(result!.text).toContain('The cause: NetworkPolicy `shop/db-ingress` selects the pods of `db.shop.svc.cluster.local` (`db-0`) and admits no ingress from `shop/web-7d9f8c6b5-x2kqz` on port 5432');
  });
});
