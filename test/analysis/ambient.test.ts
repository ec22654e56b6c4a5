import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  ambientScopeOfPolicy,
  findWaypoint,
  gatewayProvablyAbsent,
  l7Attributes,
  namespaceIsAmbient,
  namespaceWaypoint,
  podIsAmbient,
  policyEnforcement,
  serviceIsAmbient,
  serviceWaypoint,
  servicesSelecting,
  usersOfWaypoint,
  waypointPodMark,
  waypoints,
  workloadWaypoint,
  type WaypointBinding,
} from '../../src/analysis/ambient.js';
import { buildConfigIndex, type ConfigIndex } from '../../src/analysis/config-index.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import type { ResourceRecord } from '../../src/model/facets.js';

// Shapes of istio.io's ambient pages (waypoint, l4-policy, l7-features) and of what istiod's waypoint
// template creates, read the way the bundle reader reads `kubectl get -o yaml`.

function bundle(...documents: object[]): ConfigIndex {
  const located = readKubernetesObjects(documents.map((d) => stringify(d).trim()).join('\n---\n'));
  const records: ResourceRecord[] = located.map((l) => ({ object: l.object as KubernetesObject, source: { path: 'resources.yaml', ...(l.pointer !== undefined ? { pointer: l.pointer } : {}) } }));
  return buildConfigIndex(records, []);
}

const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

function pod(name: string, ns: string, labels: Record<string, string>, options: { sidecar?: boolean; annotations?: Record<string, string>; serviceAccount?: string } = {}) {
  const containers = [{ name: labels.app ?? name, image: `docker.io/istio/examples-bookinfo-${labels.app ?? name}-v1:1.20.2` }, ...(options.sidecar ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.3' }] : [])];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, ...(options.annotations ? { annotations: options.annotations } : {}) }, spec: { containers, serviceAccountName: options.serviceAccount ?? name }, status: { phase: 'Running' } };
}

const service = (name: string, ns: string, labels: Record<string, string> = {}, selector: Record<string, string> = { app: name }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels: { app: name, ...labels } },
  spec: { selector, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] },
});

/** `istioctl waypoint generate --for <traffic> -n <ns>` (istio.io "Configure waypoint proxies"), with istiod's status. */
function waypointGateway(name: string, ns: string, options: { traffic?: string; gatewayClassName?: string; from?: string } = {}) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns, labels: { 'istio.io/waypoint-for': options.traffic ?? 'service' } },
    spec: { gatewayClassName: options.gatewayClassName ?? 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(options.from ? { allowedRoutes: { namespaces: { from: options.from } } } : {}) }] },
    status: { addresses: [{ type: 'Hostname', value: `${name}.${ns}.svc.cluster.local` }] },
  };
}

/** A pod of istiod's waypoint template (`files/waypoint.yaml`): its labels as the template writes them. */
function waypointPod(gateway: string, ns: string, managed = 'istio.io-mesh-controller', gatewayClass = 'istio-waypoint') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${gateway}-7c9d8b5f4-x2k8p`,
      namespace: ns,
      labels: {
        'gateway.istio.io/managed': managed,
        'gateway.networking.k8s.io/gateway-class-name': gatewayClass,
        'gateway.networking.k8s.io/gateway-name': gateway,
        'istio.io/dataplane-mode': 'none',
        'service.istio.io/canonical-name': gateway,
        'sidecar.istio.io/inject': 'false',
      },
    },
    spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.3', args: ['proxy', 'waypoint'] }], serviceAccountName: gateway },
    status: { phase: 'Running' },
  };
}

const ingressGateway = (name: string, ns: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
});

function policy(name: string, ns: string, spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, spec };
}

const byName = (index: ConfigIndex, kind: 'Service' | 'Pod' | 'AuthorizationPolicy', name: string) => index.ofKind(kind).find((r) => r.object.metadata.name === name)!;
const summary = (binding: WaypointBinding) =>
  binding.state === 'none' ? 'none' : binding.state === 'opted-out' ? `opted-out on ${binding.on.object.kind}` : `${binding.state} ${binding.ref.namespace}/${binding.ref.name} from ${binding.ref.on.object.kind}`;

describe('ambient enrollment', () => {
  const index = bundle(
    namespace('bookinfo', AMBIENT),
    namespace('legacy', { 'istio-injection': 'enabled' }),
    namespace('plain'),
    pod('productpage-v1-54bb874995-9xq7d', 'bookinfo', { app: 'productpage' }),
    pod('ratings-v1-686ccfb5d8-wq4mv', 'bookinfo', { app: 'ratings', 'istio.io/dataplane-mode': 'none' }),
    pod('reviews-v1-5b5d6494f4-8fwlm', 'legacy', { app: 'reviews' }, { sidecar: true }),
    pod('details-v1-65cfcf56f9-r2l8c', 'plain', { app: 'details', 'istio.io/dataplane-mode': 'ambient' }),
    pod('sleep-7598f4665f-9thnf', 'plain', { app: 'sleep' }, { annotations: { 'ambient.istio.io/redirection': 'enabled' } }),
    pod('curl-5b4c8d9f7-2hj7n', 'plain', { app: 'curl' }),
    waypointPod('waypoint', 'bookinfo'),
    service('productpage', 'bookinfo'),
    service('ratings', 'bookinfo'),
    service('reviews', 'legacy'),
    service('details', 'plain'),
  );
  const ambient = (name: string) => podIsAmbient(index, index.pods().find((p) => p.object.metadata.name.startsWith(name))!);

  it('reads the namespace label, and knows nothing of a namespace it has no object for', () => {
    expect(namespaceIsAmbient(index, 'bookinfo')).toBe(true);
    expect(namespaceIsAmbient(index, 'legacy')).toBe(false);
    expect(namespaceIsAmbient(index, 'elsewhere')).toBeUndefined();
  });

  it('enrolls pods by namespace or own label, istio-cni annotation; `none`, sidecars and waypoints are not ambient', () => {
    expect(ambient('productpage')).toBe(true);
    expect(ambient('ratings')).toBe(false); // istio.io/dataplane-mode: none
    expect(ambient('reviews')).toBe(false); // a sidecar
    expect(ambient('details')).toBe(true); // own label in a plain namespace
    expect(ambient('sleep')).toBe(true); // ambient.istio.io/redirection: enabled
    expect(ambient('curl')).toBe(false);
    expect(ambient('waypoint')).toBe(false); // the template labels it dataplane-mode none
  });

  it('calls a Service ambient by its pods, or its namespace when no pod is listed', () => {
    expect(serviceIsAmbient(index, byName(index, 'Service', 'productpage'))).toBe(true);
    expect(serviceIsAmbient(index, byName(index, 'Service', 'ratings'))).toBe(false);
    expect(serviceIsAmbient(index, byName(index, 'Service', 'reviews'))).toBe(false);
    expect(serviceIsAmbient(index, byName(index, 'Service', 'details'))).toBe(true);
    const unlisted = bundle(namespace('bookinfo', AMBIENT), service('reviews', 'bookinfo'));
    expect(serviceIsAmbient(unlisted, byName(unlisted, 'Service', 'reviews'))).toBe(true);
  });
});

describe('waypoint recognition', () => {
  it('marks waypoint pods by the mesh controller label, the class label, or the guide\'s value; not other gateways', () => {
    expect(waypointPodMark({ 'gateway.istio.io/managed': 'istio.io-mesh-controller' })).toBe('controller-label');
    expect(waypointPodMark({ 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint' })).toBe('controller-label');
    expect(waypointPodMark({ 'gateway.istio.io/managed': 'istio.io-waypoint' })).toBe('guide-label');
    expect(waypointPodMark({ 'gateway.istio.io/managed': 'istio.io-gateway-controller', 'gateway.networking.k8s.io/gateway-class-name': 'istio' })).toBeUndefined();
    expect(waypointPodMark({ app: 'productpage' })).toBeUndefined();
  });

  it('finds waypoints by Gateway class, by their pods for another class, and by pods alone without the Gateway listing', () => {
    const index = bundle(
      waypointGateway('waypoint', 'bookinfo'),
      waypointGateway('team-waypoint', 'shop', { gatewayClassName: 'shop-waypoint' }),
      waypointPod('team-waypoint', 'shop', 'istio.io-waypoint', 'shop-waypoint'),
      waypointGateway('plain-custom', 'shop', { gatewayClassName: 'shop-waypoint' }),
      ingressGateway('bookinfo-gateway', 'bookinfo'),
      waypointPod('bookinfo-gateway', 'bookinfo', 'istio.io-gateway-controller', 'istio'),
      waypointPod('orphan', 'payments'),
    );
    expect(waypoints(index).map((w) => `${w.namespace}/${w.name} ${w.recognisedBy} ${w.trafficType} gateway=${w.gateway !== undefined} pods=${w.pods.length}`)).toEqual([
      'bookinfo/waypoint gateway-class service gateway=true pods=0',
      'payments/orphan controller-label service gateway=false pods=1',
      'shop/team-waypoint guide-label service gateway=true pods=1',
    ]);
  });

  it('reads the traffic type from istio.io/waypoint-for (service when absent)', () => {
    const index = bundle(waypointGateway('pods', 'bookinfo', { traffic: 'workload' }), waypointGateway('both', 'bookinfo', { traffic: 'all' }));
    expect(findWaypoint(index, 'bookinfo', 'pods')?.trafficType).toBe('workload');
    expect(findWaypoint(index, 'bookinfo', 'both')?.trafficType).toBe('all');
  });

  it('tells a Gateway proven absent from one the bundle may just not hold', () => {
    const withPods = bundle(pod('productpage-v1-54bb874995-9xq7d', 'bookinfo', { app: 'productpage' }));
    expect(gatewayProvablyAbsent(withPods, 'bookinfo', 'waypoint')).toBe(true);
    expect(gatewayProvablyAbsent(withPods, 'shop', 'waypoint')).toBe(false); // nothing of shop listed
    const withGateways = bundle(ingressGateway('bookinfo-gateway', 'bookinfo'));
    expect(gatewayProvablyAbsent(withGateways, 'shop', 'waypoint')).toBe(true); // the cluster-wide Gateway listing is there
    expect(gatewayProvablyAbsent(bundle(waypointPod('waypoint', 'bookinfo')), 'bookinfo', 'waypoint')).toBe(false);
  });
});

describe('waypoint enrollment resolution', () => {
  const index = bundle(
    namespace('bookinfo', { ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    namespace('shop', { ...AMBIENT, 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' }),
    namespace('payments', { ...AMBIENT, 'istio.io/use-waypoint': 'shared-open', 'istio.io/use-waypoint-namespace': 'infra' }),
    namespace('plain', AMBIENT),
    namespace('infra'),
    waypointGateway('waypoint', 'bookinfo'),
    waypointGateway('reviews-v2-pod-waypoint', 'bookinfo', { traffic: 'workload' }),
    waypointGateway('shared', 'infra'),
    waypointGateway('shared-open', 'infra', { from: 'All' }),
    ingressGateway('bookinfo-gateway', 'bookinfo'),
    pod('productpage-v1-54bb874995-9xq7d', 'bookinfo', { app: 'productpage' }),
    pod('reviews-v2-5b667bcbf8-tz6qw', 'bookinfo', { app: 'reviews', 'istio.io/use-waypoint': 'reviews-v2-pod-waypoint' }),
    service('productpage', 'bookinfo'),
    service('reviews', 'bookinfo', { 'istio.io/use-waypoint': 'reviews-svc-waypoint' }),
    service('ratings', 'bookinfo', { 'istio.io/use-waypoint': 'none' }),
    service('details', 'bookinfo', { 'istio.io/use-waypoint': 'reviews-v2-pod-waypoint' }),
    service('edge', 'bookinfo', { 'istio.io/use-waypoint': 'bookinfo-gateway' }),
    service('waypoint', 'bookinfo', { 'gateway.istio.io/managed': 'istio.io-mesh-controller' }, { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }),
    service('cart', 'shop'),
    service('ledger', 'payments'),
    service('search', 'plain'),
    service('catalog', 'elsewhere', { 'istio.io/use-waypoint': 'catalog-waypoint' }),
  );
  const of = (name: string) => summary(serviceWaypoint(index, byName(index, 'Service', name)));

  it('inherits the namespace label', () => {
    expect(of('productpage')).toBe('bound bookinfo/waypoint from Namespace');
    expect(summary(namespaceWaypoint(index, 'bookinfo'))).toBe('bound bookinfo/waypoint from Namespace');
  });

  it('lets the Service label win, without falling back to the namespace when it names nothing', () => {
    expect(of('reviews')).toBe('missing bookinfo/reviews-svc-waypoint from Service');
  });

  it('honours `none` as an opt-out', () => {
    expect(of('ratings')).toBe('opted-out on Service');
  });

  it('needs a waypoint that takes Service traffic for a Service, workload traffic for a pod', () => {
    expect(of('details')).toBe('wrong-traffic bookinfo/reviews-v2-pod-waypoint from Service');
    const reviewsV2 = index.pods().find((p) => p.object.metadata.name.startsWith('reviews-v2'))!;
    expect(summary(workloadWaypoint(index, reviewsV2))).toBe('bound bookinfo/reviews-v2-pod-waypoint from Pod');
    // The namespace waypoint takes Service traffic only: a pod addressed by its IP gets none.
    const productpage = index.pods().find((p) => p.object.metadata.name.startsWith('productpage'))!;
    expect(summary(workloadWaypoint(index, productpage))).toBe('wrong-traffic bookinfo/waypoint from Namespace');
  });

  it('does not take a Gateway of another class for a waypoint', () => {
    const binding = serviceWaypoint(index, byName(index, 'Service', 'edge'));
    expect(summary(binding)).toBe('missing bookinfo/bookinfo-gateway from Service');
    expect(binding.state === 'missing' && binding.notWaypoint?.object.metadata.name).toBe('bookinfo-gateway');
  });

  it('follows istio.io/use-waypoint-namespace, where the listener must admit the namespace (Same by default)', () => {
    expect(of('cart')).toBe('denied infra/shared from Namespace');
    expect(of('ledger')).toBe('bound infra/shared-open from Namespace');
  });

  it('gives the waypoint\'s own Service no waypoint, and a namespace without label none', () => {
    expect(of('waypoint')).toBe('none');
    expect(of('search')).toBe('none');
  });

  it('says unknown when the bundle can neither confirm nor rule out the waypoint', () => {
    const sparse = bundle(namespace('bookinfo', { ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }), service('productpage', 'bookinfo'));
    expect(summary(serviceWaypoint(sparse, byName(sparse, 'Service', 'productpage')))).toBe('unknown bookinfo/waypoint from Namespace');
    expect(of('catalog')).toBe('missing elsewhere/catalog-waypoint from Service'); // the Gateway listing is there and holds none
  });

  it('lists who is enrolled to a waypoint', () => {
    const waypoint = findWaypoint(index, 'bookinfo', 'waypoint')!;
    expect(usersOfWaypoint(index, waypoint).map((r) => `${r.object.kind} ${r.object.metadata.name}`)).toEqual(['Namespace bookinfo']);
    const shared = findWaypoint(index, 'infra', 'shared-open')!;
    expect(usersOfWaypoint(index, shared).map((r) => `${r.object.kind} ${r.object.metadata.name}`)).toEqual(['Namespace payments']);
  });
});

describe('L7 attributes of an AuthorizationPolicy', () => {
  it('lists what istiod drops for ztunnel, with pointers; ports, principals, namespaces, ipBlocks and the L4 conditions are not L7', () => {
    const index = bundle(
      policy('mixed', 'bookinfo', {
        action: 'ALLOW',
        rules: [
          { from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/sleep'], namespaces: ['bookinfo'], ipBlocks: ['10.0.0.0/8'] } }], to: [{ operation: { ports: ['9080'], methods: ['GET'], paths: ['/api/*'] } }] },
          { from: [{ source: { requestPrincipals: ['https://accounts.example.com/*'], notRemoteIpBlocks: ['192.0.2.0/24'] } }], to: [{ operation: { notHosts: ['admin.example.com'] } }] },
          { when: [{ key: 'source.namespace', values: ['bookinfo'] }, { key: 'request.headers[x-user]', values: ['alice'] }, { key: 'destination.port', values: ['9080'] }] },
        ],
      }),
      policy('l4', 'bookinfo', {
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/sleep'], notNamespaces: ['legacy'] } }], to: [{ operation: { ports: ['9080'], notPorts: ['15020'] } }], when: [{ key: 'source.ip', values: ['10.1.2.3'] }] }],
      }),
    );
    expect(l7Attributes(byName(index, 'AuthorizationPolicy', 'mixed')).map((a) => `${a.attribute} ${a.pointer}`)).toEqual([
      'to.operation.methods /spec/rules/0/to/0/operation/methods',
      'to.operation.paths /spec/rules/0/to/0/operation/paths',
      'to.operation.notHosts /spec/rules/1/to/0/operation/notHosts',
      'from.source.notRemoteIpBlocks /spec/rules/1/from/0/source/notRemoteIpBlocks',
      'from.source.requestPrincipals /spec/rules/1/from/0/source/requestPrincipals',
      'when request.headers[x-user] /spec/rules/2/when/1/key',
    ]);
    expect(l7Attributes(byName(index, 'AuthorizationPolicy', 'l4'))).toEqual([]);
  });
});

describe('where an AuthorizationPolicy is enforced', () => {
  const index = bundle(
    namespace('bookinfo', AMBIENT),
    namespace('legacy', { 'istio-injection': 'enabled' }),
    pod('productpage-v1-54bb874995-9xq7d', 'bookinfo', { app: 'productpage' }),
    pod('ratings-v1-686ccfb5d8-wq4mv', 'bookinfo', { app: 'ratings' }),
    pod('reviews-v1-5b5d6494f4-8fwlm', 'legacy', { app: 'reviews' }, { sidecar: true }),
    service('productpage', 'bookinfo'),
    service('ratings', 'bookinfo'),
    policy('selected', 'bookinfo', { selector: { matchLabels: { app: 'productpage' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
    policy('namespace-wide', 'bookinfo', { rules: [{ to: [{ operation: { paths: ['/admin'] } }] }], action: 'DENY' }),
    policy('mesh-wide', 'istio-system', { rules: [{ to: [{ operation: { paths: ['/debug'] } }] }], action: 'DENY' }),
    policy('attached', 'bookinfo', { targetRefs: [{ kind: 'Service', group: '', name: 'productpage' }], rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
    policy('attached-old', 'bookinfo', { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }, rules: [{}] }),
    policy('shadow', 'bookinfo', { selector: { matchLabels: { app: 'productpage' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, { 'istio.io/dry-run': 'true' }),
    policy('audit', 'bookinfo', { action: 'AUDIT', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
  );
  const enforcement = (name: string) => {
    const e = policyEnforcement(index, byName(index, 'AuthorizationPolicy', name));
    return e.by === 'ztunnel' ? `ztunnel ${e.scope}` : e.by === 'waypoint' ? `waypoint ${e.targets.map((t) => `${t.kind}/${t.namespace}/${t.name} ${t.pointer}`).join(', ')}` : 'none';
  };

  it('sends selector, namespace and root-namespace policies to ztunnel, targetRefs to waypoints, dry runs and AUDIT nowhere', () => {
    expect(enforcement('selected')).toBe('ztunnel workload');
    expect(enforcement('namespace-wide')).toBe('ztunnel namespace');
    expect(enforcement('mesh-wide')).toBe('ztunnel mesh');
    expect(enforcement('attached')).toBe('waypoint Service/bookinfo/productpage /spec/targetRefs/0');
    expect(enforcement('attached-old')).toBe('waypoint Gateway/bookinfo/waypoint /spec/targetRef');
    expect(enforcement('shadow')).toBe('none');
    expect(enforcement('audit')).toBe('none');
  });

  it('scopes a ztunnel policy to the ambient pods it selects, across namespaces from the root namespace', () => {
    const scope = (name: string) => [...ambientScopeOfPolicy(index, byName(index, 'AuthorizationPolicy', name))].map(([ns, pods]) => `${ns}: ${pods.map((p) => p.object.metadata.name.split('-')[0]).join(',')}`);
    expect(scope('selected')).toEqual(['bookinfo: productpage']);
    expect(scope('namespace-wide')).toEqual(['bookinfo: productpage,ratings']);
    // The sidecar in `legacy` enforces L7 itself: not in the ambient scope.
    expect(scope('mesh-wide')).toEqual(['bookinfo: productpage,ratings']);
    const unlisted = bundle(namespace('bookinfo', AMBIENT), policy('p', 'bookinfo', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }));
    expect([...ambientScopeOfPolicy(unlisted, byName(unlisted, 'AuthorizationPolicy', 'p')).keys()]).toEqual(['bookinfo']);
  });

  it('finds the Services of the pods a policy selects, or by selector when no pod is listed', () => {
    const productpage = index.pods().filter((p) => p.object.metadata.name.startsWith('productpage'));
    expect(servicesSelecting(index, 'bookinfo', productpage, { app: 'productpage' }).map((s) => s.object.metadata.name)).toEqual(['productpage']);
    const unlisted = bundle(service('productpage', 'bookinfo'), service('ratings', 'bookinfo'));
    expect(servicesSelecting(unlisted, 'bookinfo', [], { app: 'ratings' }).map((s) => s.object.metadata.name)).toEqual(['ratings']);
    expect(servicesSelecting(unlisted, 'bookinfo', [], {})).toEqual([]);
  });
});
