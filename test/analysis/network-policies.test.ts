import { describe, expect, it } from 'vitest';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { ingressVerdict, type IngressVerdict } from '../../src/analysis/network-policies.js';
import type { ResourceRecord } from '../../src/model/facets.js';

function record(object: Record<string, unknown>, path: string): ResourceRecord {
  return { object: object as ResourceRecord['object'], source: { path } };
}
const networkPolicy = (name: string, spec: Record<string, unknown>, namespace = 'default') =>
  record({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec }, 'kubernetes/resources/networkpolicies.json');
const namespaceObject = (name: string, labels: Record<string, string>) =>
  record({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } }, 'kubernetes/resources/namespaces.json');

// The examples of https://kubernetes.io/docs/concepts/services-networking/network-policies/,
// as `kubectl get networkpolicies -o json` prints them.
const testNetworkPolicy = networkPolicy('test-network-policy', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
});
const defaultDenyIngress = networkPolicy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const allowAllIngress = networkPolicy('allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });
const multiPortEgress = networkPolicy('multi-port-egress', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
});
// The page's "namespaceSelector and podSelector" peer (one element: ANDed).
const aliceClients = networkPolicy('alice-clients', {
  podSelector: { matchLabels: { role: 'db' } },
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }],
});
// The page's "Targeting a Namespace by its name": the label the control plane sets on every namespace.
const fromWebNamespace = networkPolicy('from-web', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }] }],
});

// Single peers and ports of the examples above, to test each on its own.
const onlyRule = (name: string, rule: Record<string, unknown>) =>
  networkPolicy(name, { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Ingress'], ingress: [rule] });
const frontendOn6379 = onlyRule('frontend-6379', { from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 6379 }] });
const ipBlockOnly = onlyRule('ip-block', { from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }], ports: [{ protocol: 'TCP', port: 6379 }] });
const myProject = onlyRule('my-project', { from: [{ namespaceSelector: { matchLabels: { project: 'myproject' } } }] });
const portRange = onlyRule('multi-port-ingress', { ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] });
const namedPort = onlyRule('named-port', { ports: [{ port: 'redis' }] });
const udpOnly = onlyRule('udp-only', { ports: [{ protocol: 'UDP', port: 6379 }] });

const dbPod = (spec: Record<string, unknown> | null = { containers: [{ name: 'redis', ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }] }] }) =>
  record({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'default', labels: { role: 'db' } }, ...(spec ? { spec } : {}) }, 'kubernetes/resources/pods.json');

const frontend = { namespace: 'default', labels: { role: 'frontend' } };

function verdict(resources: ResourceRecord[], port: number, client: { namespace: string; labels: Record<string, string> } | undefined, target = dbPod()): IngressVerdict {
  return ingressVerdict(buildConfigIndex(resources, [target]), target, port, client);
}
const names = (v: IngressVerdict) => ('policies' in v ? v.policies.map((p) => p.object.metadata.name) : []);
const admittedBy = (v: IngressVerdict) => (v.verdict === 'allowed' ? v.allowedBy.map((a) => `${a.policy.object.metadata.name}#${a.rule}`) : []);

describe('ingressVerdict', () => {
  it('is no-policy when no NetworkPolicy selects the pod', () => {
    expect(verdict([], 6379, frontend)).toEqual({ verdict: 'no-policy' });
    const otherPods = networkPolicy('web-only', { podSelector: { matchLabels: { role: 'web' } }, policyTypes: ['Ingress'] });
    const otherNamespace = networkPolicy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }, 'shop');
    expect(verdict([otherPods, otherNamespace], 6379, frontend)).toEqual({ verdict: 'no-policy' });
  });

  it('denies everything under default-deny-ingress', () => {
    const v = verdict([defaultDenyIngress], 6379, frontend);
    expect(v.verdict).toBe('denied');
    expect(names(v)).toEqual(['default-deny-ingress']);
  });

  it('allows through allow-all-ingress next to a default deny, and lists the policies by name', () => {
    const v = verdict([defaultDenyIngress, allowAllIngress], 1234, { namespace: 'anywhere', labels: {} });
    expect(v.verdict).toBe('allowed');
    expect(names(v)).toEqual(['allow-all-ingress', 'default-deny-ingress']);
    expect(admittedBy(v)).toEqual(['allow-all-ingress#0']);
  });

  it('admits the pods a podSelector peer selects, in the policy namespace only', () => {
    expect(admittedBy(verdict([frontendOn6379], 6379, frontend))).toEqual(['frontend-6379#0']);
    expect(verdict([frontendOn6379], 6379, { namespace: 'default', labels: { role: 'backend' } }).verdict).toBe('denied');
    expect(verdict([frontendOn6379], 6379, { namespace: 'web', labels: { role: 'frontend' } }).verdict).toBe('denied');
  });

  it('reads the docs example: the podSelector peer admits, an unmatched client is unknown because of the ipBlock', () => {
    expect(admittedBy(verdict([testNetworkPolicy], 6379, frontend))).toEqual(['test-network-policy#0']);
    const v = verdict([testNetworkPolicy, namespaceObject('default', {})], 6379, { namespace: 'default', labels: { role: 'backend' } });
    expect(v.verdict).toBe('unknown');
    expect(v.verdict === 'unknown' && v.why).toContain('NetworkPolicy default/test-network-policy ingress[0] admits ipBlock 172.17.0.0/16 (except 172.17.1.0/24)');
    // The wrong port is decided whatever the peers say.
    expect(verdict([testNetworkPolicy], 6380, frontend).verdict).toBe('denied');
  });

  it('matches a namespaceSelector on the implicit kubernetes.io/metadata.name label without the Namespace object', () => {
    expect(admittedBy(verdict([fromWebNamespace], 6379, { namespace: 'web', labels: {} }))).toEqual(['from-web#0']);
    expect(verdict([fromWebNamespace], 6379, { namespace: 'shop', labels: {} }).verdict).toBe('denied');
  });

  it('is unknown when a namespaceSelector needs labels of a Namespace the bundle lacks', () => {
    const v = verdict([myProject], 6379, { namespace: 'web', labels: {} });
    expect(v).toMatchObject({ verdict: 'unknown', why: expect.stringContaining('NetworkPolicy default/my-project ingress[0]') });
    expect(v.verdict === 'unknown' && v.why).toContain('labels of namespace web are not collected');
    expect(admittedBy(verdict([myProject, namespaceObject('web', { project: 'myproject' })], 6379, { namespace: 'web', labels: {} }))).toEqual(['my-project#0']);
    expect(verdict([myProject, namespaceObject('web', { project: 'other' })], 6379, { namespace: 'web', labels: {} }).verdict).toBe('denied');
  });

  it('ANDs a namespaceSelector and a podSelector in one peer', () => {
    const namespaces = [namespaceObject('alice-ns', { user: 'alice' }), namespaceObject('bob-ns', { user: 'bob' })];
    const resources = [aliceClients, ...namespaces];
    expect(admittedBy(verdict(resources, 6379, { namespace: 'alice-ns', labels: { role: 'client' } }))).toEqual(['alice-clients#0']);
    expect(verdict(resources, 6379, { namespace: 'alice-ns', labels: { role: 'other' } }).verdict).toBe('denied');
    expect(verdict(resources, 6379, { namespace: 'bob-ns', labels: { role: 'client' } }).verdict).toBe('denied');
  });

  it('is unknown, naming the policy and the cidr, when only an ipBlock could admit', () => {
    const v = verdict([ipBlockOnly], 6379, frontend);
    expect(v).toEqual({
      verdict: 'unknown',
      policies: [ipBlockOnly],
      why: "NetworkPolicy default/ip-block ingress[0] admits ipBlock 172.17.0.0/16 (except 172.17.1.0/24), which needs the client's IP",
    });
    expect(verdict([ipBlockOnly], 80, frontend).verdict).toBe('denied');
  });

  it('matches port numbers', () => {
    expect(admittedBy(verdict([frontendOn6379], 6379, frontend))).toEqual(['frontend-6379#0']);
    expect(verdict([frontendOn6379], 6380, frontend).verdict).toBe('denied');
  });

  it('matches an endPort range at both ends and not one past them', () => {
    expect(admittedBy(verdict([portRange], 32000, frontend))).toEqual(['multi-port-ingress#0']);
    expect(admittedBy(verdict([portRange], 32768, frontend))).toEqual(['multi-port-ingress#0']);
    expect(verdict([portRange], 32769, frontend).verdict).toBe('denied');
    expect(verdict([portRange], 31999, frontend).verdict).toBe('denied');
  });

  it("resolves a named port from the target's container ports", () => {
    expect(admittedBy(verdict([namedPort], 6379, frontend))).toEqual(['named-port#0']);
    expect(verdict([namedPort], 6380, frontend).verdict).toBe('denied');
    // A pod listing without spec: the name cannot be resolved.
    const v = verdict([namedPort], 6379, frontend, dbPod(null));
    expect(v).toMatchObject({ verdict: 'unknown', why: expect.stringContaining('names port "redis"') });
  });

  it('does not admit a TCP connection through a UDP-only port entry', () => {
    expect(verdict([udpOnly], 6379, frontend).verdict).toBe('denied');
  });

  it('ignores Egress-only policies, and implies Ingress when policyTypes is absent', () => {
    expect(verdict([multiPortEgress], 32000, frontend)).toEqual({ verdict: 'no-policy' });
    const v = verdict([multiPortEgress, defaultDenyIngress], 32000, frontend);
    expect(names(v)).toEqual(['default-deny-ingress']);
    // No policyTypes and only egress rules: Ingress is still implied, with no rule: deny.
    const egressRulesOnly = networkPolicy('egress-rules-only', { podSelector: {}, egress: [{}] });
    expect(verdict([egressRulesOnly], 6379, frontend).verdict).toBe('denied');
  });

  it('ORs the rules of every policy selecting the pod', () => {
    const namespaces = [namespaceObject('alice-ns', { user: 'alice' })];
    const resources = [aliceClients, frontendOn6379, portRange, ...namespaces];
    expect(names(verdict(resources, 6379, frontend))).toEqual(['alice-clients', 'frontend-6379', 'multi-port-ingress']);
    expect(admittedBy(verdict(resources, 6379, frontend))).toEqual(['frontend-6379#0']);
    expect(admittedBy(verdict(resources, 6379, { namespace: 'alice-ns', labels: { role: 'client' } }))).toEqual(['alice-clients#0']);
    expect(admittedBy(verdict(resources, 32000, { namespace: 'alice-ns', labels: { role: 'client' } }))).toEqual(['alice-clients#0', 'multi-port-ingress#0']);
    expect(verdict(resources, 6379, { namespace: 'alice-ns', labels: { role: 'server' } }).verdict).toBe('denied');
  });

  it('decides what it can without the client pod', () => {
    expect(verdict([defaultDenyIngress], 6379, undefined).verdict).toBe('denied');
    expect(admittedBy(verdict([defaultDenyIngress, allowAllIngress], 6379, undefined))).toEqual(['allow-all-ingress#0']);
    expect(admittedBy(verdict([portRange], 32000, undefined))).toEqual(['multi-port-ingress#0']);
    expect(verdict([frontendOn6379], 6380, undefined).verdict).toBe('denied');
    const v = verdict([frontendOn6379], 6379, undefined);
    expect(v).toMatchObject({ verdict: 'unknown', policies: [frontendOn6379], why: expect.stringContaining('the client pod is not known') });
  });
});
