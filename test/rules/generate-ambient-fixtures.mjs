// Regenerates the AMB002 and AMB003 fixture bundles: `node test/rules/generate-ambient-fixtures.mjs`.
//
// Bookinfo on Istio 1.24.3 in ambient mode, from the CP007 fixtures' `kubectl get pods -n bookinfo -o json`
// listing (a real layout) and the CFG011 fixtures' Bookinfo Services, changed as ambient mode changes them:
// no sidecar (the injector's init container, `istio-proxy` container, annotations and labels taken out) and
// istio-cni's `ambient.istio.io/redirection: enabled` annotation. The waypoint is what `istioctl waypoint
// apply` creates: a Gateway of class `istio-waypoint` (istio.io "Configure waypoint proxies"; its status as
// istiod writes it: Accepted, Programmed "Resource programmed, assigned to service(s) …"), and the pod and
// Service of istiod's waypoint template (manifests/charts/istio-control/istio-discovery/files/waypoint.yaml:
// labels `gateway.istio.io/managed=istio.io-mesh-controller`, `gateway.networking.k8s.io/gateway-name`,
// `istio.io/dataplane-mode: none`, one `istio-proxy` container with ports 15020, 15021, 15090). The
// AuthorizationPolicy status conditions are the messages of istiod's ambient status writer
// (pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go, policies.go). Names, IPs and UIDs are
// invented but consistent within each bundle; every list is printed as kubectl prints it (keys sorted,
// 4-space indent).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlList, ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';
import { ambientPod } from '../../scripts/fixtures/ambient-pod.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const read = (path) => JSON.parse(readFileSync(join(here, path), 'utf8'));
const SIDECAR_PODS = read('CP007/quiet-one-minor-behind/bundle/kubernetes/pods/bookinfo.json').items;
const SERVICES = read('CFG011/quiet-istio-mutual-and-verified/bundle/istio/resources/services.json').items.filter((s) => s.metadata.namespace === 'bookinfo');
const clone = (value) => JSON.parse(JSON.stringify(value));

const NS = 'bookinfo';
const PATHS = {
  namespaces: 'kubernetes/namespaces.json',
  pods: `kubernetes/pods/${NS}.json`,
  resources: `kubernetes/resources/${NS}.json`,
  policies: 'istio/resources/authorizationpolicies.security.istio.io.json',
  virtualServices: 'istio/resources/virtualservices.networking.istio.io.json',
  gateways: 'istio/resources/gateways.gateway.networking.k8s.io.json',
  httpRoutes: 'istio/resources/httproutes.gateway.networking.k8s.io.json',
};


const AMBIENT_PODS = SIDECAR_PODS.map((pod) => ambientPod(pod, { redirection: 'enabled' }));

function namespace(name, labels, uid) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { creationTimestamp: '2025-03-04T16:19:58Z', labels: { 'kubernetes.io/metadata.name': name, ...labels }, name, resourceVersion: String(3679000 + uid), uid: `6b1f0c2e-4d3a-4e5f-9a1b-00000000000${uid}` },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

const namespaces = (bookinfoLabels) =>
  kubectlList([namespace(NS, bookinfoLabels, 1), namespace('default', {}, 2), namespace('istio-system', {}, 3)]);

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

/** The waypoint `istioctl waypoint apply -n bookinfo` creates, with its status once istiod deployed it. */
function waypointGateway(name = 'waypoint', gatewayClassName = 'istio-waypoint') {
  const at = '2025-03-10T09:12:41Z';
  const ok = (type, reason, message) => ({ lastTransitionTime: at, message, observedGeneration: 1, reason, status: type === 'Conflicted' ? 'False' : 'True', type });
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { creationTimestamp: at, generation: 1, labels: { 'istio.io/waypoint-for': 'service' }, name, namespace: NS, resourceVersion: '4100231', uid: '9c0d7a4e-2b1f-4c3d-8e5f-6a7b8c9d0e1f' },
    spec: { gatewayClassName, listeners: [{ allowedRoutes: { namespaces: { from: 'Same' } }, name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    status: {
      addresses: [
        { type: 'IPAddress', value: '10.96.118.40' },
        { type: 'Hostname', value: `${name}.${NS}.svc.cluster.local` },
      ],
      conditions: [ok('Accepted', 'Accepted', 'Resource accepted'), ok('Programmed', 'Programmed', `Resource programmed, assigned to service(s) ${name}.${NS}.svc.cluster.local:15008`)],
      listeners: [
        {
          attachedRoutes: 0,
          conditions: [ok('Accepted', 'Accepted', 'No errors found'), ok('Conflicted', 'NoConflicts', 'No errors found'), ok('Programmed', 'Programmed', 'No errors found'), ok('ResolvedRefs', 'ResolvedRefs', 'No errors found')],
          name: 'mesh',
          supportedKinds: [],
        },
      ],
    },
  };
}

/** An ingress Gateway of class `istio` (not a waypoint), as in the Bookinfo Gateway API sample. */
function ingressGateway() {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { creationTimestamp: '2025-03-04T16:22:10Z', generation: 1, name: 'bookinfo-gateway', namespace: NS, resourceVersion: '3681002', uid: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7' },
    spec: { gatewayClassName: 'istio', listeners: [{ allowedRoutes: { namespaces: { from: 'Same' } }, name: 'http', port: 80, protocol: 'HTTP' }] },
    status: {
      addresses: [{ type: 'IPAddress', value: '34.118.20.7' }],
      conditions: [
        { lastTransitionTime: '2025-03-04T16:22:11Z', message: 'Resource accepted', observedGeneration: 1, reason: 'Accepted', status: 'True', type: 'Accepted' },
        { lastTransitionTime: '2025-03-04T16:22:40Z', message: 'Resource programmed, assigned to service(s) bookinfo-gateway-istio.bookinfo.svc.cluster.local:80', observedGeneration: 1, reason: 'Programmed', status: 'True', type: 'Programmed' },
      ],
    },
  };
}

const READY_AT = '2025-03-10T09:13:02Z';

/**
 * A pod of istiod's waypoint template (Istio 1.24.3) for Gateway `gateway`, as `kubectl get pods -o json` prints it.
 * `state`: `ready`, `not-ready` (running, readiness probe failing) or `crashloop`.
 */
function waypointPod({ gateway = 'waypoint', hash = '7c9d8b5f4', suffix = 'x2k8p', ip = '10.244.2.31', state = 'ready', managed = 'istio.io-mesh-controller', gatewayClass = 'istio-waypoint', controller = 'waypoint' } = {}) {
  const name = `${gateway}-${hash}-${suffix}`;
  const fieldRef = (fieldPath) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const resourceRef = (resource) => ({ valueFrom: { resourceFieldRef: { divisor: '1', resource } } });
  const ready = state === 'ready';
  const condition = (type, status, at, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: at, status, type, ...extra });
  const unready = { message: 'containers with unready status: [istio-proxy]', reason: 'ContainersNotReady' };
  const containerState =
    state === 'crashloop'
      ? { waiting: { message: `back-off 5m0s restarting failed container=istio-proxy pod=${name}_${NS}(4f2a1c9e-7b3d-4e8f-a6c5-1d2e3f4a5b6c)`, reason: 'CrashLoopBackOff' } }
      : { running: { startedAt: '2025-03-10T09:12:47Z' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'istio.io/rev': 'default', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' },
      creationTimestamp: '2025-03-10T09:12:43Z',
      generateName: `${gateway}-${hash}-`,
      labels: {
        'gateway.istio.io/managed': managed,
        'gateway.networking.k8s.io/gateway-class-name': gatewayClass,
        'gateway.networking.k8s.io/gateway-name': gateway,
        'istio.io/dataplane-mode': 'none',
        'pod-template-hash': hash,
        'service.istio.io/canonical-name': controller,
        'service.istio.io/canonical-revision': 'latest',
        'sidecar.istio.io/inject': 'false',
      },
      name,
      namespace: NS,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `${gateway}-${hash}`, uid: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d' }],
      resourceVersion: '4100298',
      uid: `4f2a1c9e-7b3d-4e8f-a6c5-1d2e3f4a5b${suffix === 'x2k8p' ? '6c' : '7d'}`,
    },
    spec: {
      containers: [
        {
          args: ['proxy', 'waypoint', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--serviceCluster', `${controller}.$(POD_NAMESPACE)`, '--proxyLogLevel', 'warning', '--proxyComponentLogLevel', 'misc:error', '--log_output_level', 'default:info'],
          env: [
            { name: 'ISTIO_META_SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
            { name: 'ISTIO_META_NODE_NAME', ...fieldRef('spec.nodeName') },
            { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
            { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
            { name: 'POD_NAME', ...fieldRef('metadata.name') },
            { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
            { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
            { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
            { name: 'HOST_IP', ...fieldRef('status.hostIP') },
            { name: 'ISTIO_CPU_LIMIT', ...resourceRef('limits.cpu') },
            { name: 'PROXY_CONFIG', value: '{}\n' },
            { name: 'GOMEMLIMIT', ...resourceRef('limits.memory') },
            { name: 'GOMAXPROCS', ...resourceRef('limits.cpu') },
            { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
            { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
            { name: 'ISTIO_META_WORKLOAD_NAME', value: controller },
            { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${NS}/deployments/${controller}` },
            { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
            { name: 'TRUST_DOMAIN', value: 'cluster.local' },
          ],
          image: 'docker.io/istio/proxyv2:1.24.3',
          imagePullPolicy: 'IfNotPresent',
          name: 'istio-proxy',
          ports: [
            { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
            { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
            { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
          ],
          readinessProbe: { failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 1 },
          resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
          startupProbe: { failureThreshold: 30, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 1, successThreshold: 1, timeoutSeconds: 1 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [
            { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
            { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
            { mountPath: '/var/lib/istio/data', name: 'istio-data' },
            { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
            { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
            { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
          ],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-m2qd',
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: controller,
      serviceAccountName: controller,
      terminationGracePeriodSeconds: 30,
      volumes: [
        { emptyDir: {}, name: 'workload-socket' },
        { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
        { emptyDir: { medium: 'Memory' }, name: 'go-proxy-envoy' },
        { emptyDir: {}, name: 'istio-data' },
        { emptyDir: {}, name: 'go-proxy-data' },
        { downwardAPI: { defaultMode: 420, items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' }, { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' }] }, name: 'istio-podinfo' },
        { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
        { configMap: { defaultMode: 420, name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
      ],
    },
    status: {
      conditions: [
        condition('PodReadyToStartContainers', 'True', '2025-03-10T09:12:45Z'),
        condition('Initialized', 'True', '2025-03-10T09:12:43Z'),
        condition('Ready', ready ? 'True' : 'False', ready ? READY_AT : '2025-03-10T09:14:17Z', ready ? {} : unready),
        condition('ContainersReady', ready ? 'True' : 'False', ready ? READY_AT : '2025-03-10T09:14:17Z', ready ? {} : unready),
        condition('PodScheduled', 'True', '2025-03-10T09:12:43Z'),
      ],
      containerStatuses: [
        {
          containerID: 'containerd://8d1f0e2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6',
          image: 'docker.io/istio/proxyv2:1.24.3',
          imageID: 'docker.io/istio/proxyv2@sha256:7569c7ff834bf1559e2aeee29c15f02aa82cb2f991ade01bfca66ccd8378cf8c',
          lastState:
            state === 'crashloop'
              ? { terminated: { containerID: 'containerd://1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80', exitCode: 255, finishedAt: '2025-03-10T10:41:09Z', reason: 'Error', startedAt: '2025-03-10T10:40:38Z' } }
              : {},
          name: 'istio-proxy',
          ready,
          restartCount: state === 'crashloop' ? 14 : 0,
          started: state !== 'crashloop',
          state: containerState,
        },
      ],
      hostIP: '10.132.0.22',
      hostIPs: [{ ip: '10.132.0.22' }],
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'Burstable',
      startTime: '2025-03-10T09:12:43Z',
    },
  };
}

/** The Service of istiod's waypoint template: status port and HBONE, selecting the waypoint's pods. */
function waypointService(gateway = 'waypoint') {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      annotations: { 'networking.istio.io/traffic-distribution': 'PreferClose' },
      creationTimestamp: '2025-03-10T09:12:42Z',
      labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint', 'gateway.networking.k8s.io/gateway-name': gateway },
      name: gateway,
      namespace: NS,
      ownerReferences: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: gateway, uid: '9c0d7a4e-2b1f-4c3d-8e5f-6a7b8c9d0e1f' }],
      resourceVersion: '4100240',
      uid: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
    },
    spec: {
      clusterIP: '10.96.118.40',
      clusterIPs: ['10.96.118.40'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'PreferDualStack',
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        { name: 'mesh', port: 15008, protocol: 'TCP', targetPort: 15008 },
      ],
      selector: { 'gateway.networking.k8s.io/gateway-name': gateway },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

/** An ingress gateway pod of the `istio` class (the gateway controller's, not the mesh controller's). */
function ingressGatewayPod(ready) {
  const pod = waypointPod({ gateway: 'bookinfo-gateway-istio', hash: '6cbd9bcd49', suffix: 'rvkss', ip: '10.244.1.40', state: ready ? 'ready' : 'not-ready', managed: 'istio.io-gateway-controller', gatewayClass: 'istio', controller: 'bookinfo-gateway-istio' });
  pod.metadata.labels['gateway.networking.k8s.io/gateway-name'] = 'bookinfo-gateway';
  delete pod.metadata.labels['istio.io/dataplane-mode'];
  pod.spec.containers[0].args[1] = 'router';
  return pod;
}

const services = (extra = [], labels = {}) =>
  kubectlList([...SERVICES.map((s) => ({ ...clone(s), metadata: { ...clone(s.metadata), labels: { ...s.metadata.labels, ...(labels[s.metadata.name] ?? {}) } } })), ...extra]);

let uidCounter = 0;
function meta(name, created = '2025-03-11T14:02:19Z') {
  uidCounter += 1;
  return { creationTimestamp: created, generation: 1, name, namespace: NS, resourceVersion: String(4200000 + uidCounter * 17), uid: `7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f${String(uidCounter).padStart(2, '0')}` };
}

const condition = (type, status, reason, message) => ({ lastTransitionTime: '2025-03-11T14:02:20.181736213Z', message, observedGeneration: '1', reason, status, type });

/**
 * istio.io's L7 example policy (l4-policy, "Policies with Layer 7 conditions"), for Bookinfo's productpage.
 * `attach: 'gateway'` attaches it to the waypoint Gateway named `gateway` instead, as istio.io's waypoint page
 * ("Attach a policy to a waypoint") writes it.
 */
function productpageViewer({ attach = 'selector', status = true, gateway = 'waypoint' } = {}) {
  const rules = [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/sleep'] } }], to: [{ operation: { methods: ['GET'] } }] }];
  const spec =
    attach === 'selector'
      ? { action: 'ALLOW', rules, selector: { matchLabels: { app: 'productpage' } } }
      : attach === 'gateway'
        ? { action: 'ALLOW', rules, targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway }] }
        : { action: 'ALLOW', rules, targetRefs: [{ group: '', kind: 'Service', name: 'productpage' }] };
  const conditions =
    attach === 'selector'
      ? [
          condition(
            'ZtunnelAccepted',
            'True',
            'UnsupportedValue',
            'ztunnel does not support HTTP attributes (found: methods). In ambient mode you must use a waypoint proxy to enforce HTTP rules. Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.',
          ),
        ]
      : attach === 'service-no-waypoint'
        ? [condition('WaypointAccepted', 'False', 'AncestorNotBound', `Service ${NS}/productpage is not bound to a waypoint`)]
        : [condition('WaypointAccepted', 'True', 'Accepted', `bound to ${NS}/${attach === 'gateway' ? gateway : 'waypoint'}`)];
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('productpage-viewer'), spec, ...(status ? { status: { conditions } } : {}) };
}

/** An L4-only policy ztunnel enforces fully: peer identity, namespace, port, an L4 condition. */
function l4Policy() {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('ratings-callers'),
    spec: {
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['bookinfo'], principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'] } }], to: [{ operation: { ports: ['9080'] } }], when: [{ key: 'source.namespace', values: ['bookinfo'] }] }],
      selector: { matchLabels: { app: 'ratings' } },
    },
  };
}

/** Bookinfo's reviews canary: 90% v1, 10% v2, with a timeout (a mesh VirtualService: no `gateways`). */
function reviewsVirtualService() {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta('reviews'),
    spec: {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
          ],
          timeout: '2s',
        },
      ],
    },
  };
}

/** An HTTPRoute attached to a Service (GAMMA): istio.io "Use Layer 7 features", "Attach to a specific service". */
function httpRoute(service) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: meta(service),
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: service, port: 9080 }],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: service, port: 9080, weight: 1 }], matches: [{ path: { type: 'PathPrefix', value: '/' } }], timeouts: { request: '3s' } }],
    },
  };
}

const podList = (items) => kubectlList(items);
const list = (items) => kubectlList(items);

const ns = { kind: 'Namespace', name: NS };
// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here; inputs are always read from here.
const write = (rule, folder, files, findings) => writeRuleFixture(join(ruleFixturesOut(here), rule, folder), files, { findings });
const WAYPOINT_YAML = ['apiVersion: gateway.networking.k8s.io/v1', 'kind: Gateway', 'gatewayClassName: istio-waypoint', 'port: 15008', 'protocol: HBONE', 'istio.io/waypoint-for: service'];

// --- AMB002 ---------------------------------------------------------------------------------------

write(
  'AMB002',
  'fires-l7-policy-no-waypoint',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList(AMBIENT_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([productpageViewer({ attach: 'selector' })]),
  },
  [
    {
      subject: ns,
      severity: 'high',
      evidencePaths: [PATHS.namespaces, PATHS.policies],
      evidencePointers: ['/spec/rules/0/to/0/operation/methods', '/status/conditions/0'],
      explanationIncludes: [
        '`bookinfo` is in ambient mode (`istio.io/dataplane-mode=ambient`) and no waypoint is enrolled for it',
        'AuthorizationPolicy `bookinfo/productpage-viewer` (ALLOW, selector `app=productpage`, the pods of Service `productpage`)',
        'matches HTTP attributes (`to.operation.methods`)',
        'so it allows nothing: unless another ALLOW policy admits them, every connection to the workloads it selects is refused',
      ],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --enroll-namespace --wait', 'kubectl label namespace bookinfo istio.io/use-waypoint=waypoint', ...WAYPOINT_YAML, 'name: waypoint', 'namespace: bookinfo', 'targetRefs:\n    - kind: Service\n      group: ""\n      name: productpage', '- GET'],
    },
  ],
);

write(
  'AMB002',
  'fires-virtual-service-no-waypoint',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList(AMBIENT_PODS),
    [PATHS.resources]: services(),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
  },
  [
    {
      subject: ns,
      severity: 'medium',
      evidencePaths: [PATHS.namespaces, PATHS.virtualServices],
      evidencePointers: ['/spec/hosts/0'],
      explanationIncludes: ['VirtualService `bookinfo/reviews` routes `reviews` (Service `bookinfo/reviews`)', 'ztunnel carries ambient clients\' connections straight to the Service\'s pods'],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --enroll-namespace --wait', ...WAYPOINT_YAML],
    },
  ],
);

// The namespace names waypoint `waypoint`; the Gateway listing (it holds the ingress Gateway) and the pod
// listing show none: istiod gives the namespace no waypoint, and the policy attached to productpage is
// enforced by nothing (its WaypointAccepted condition says so).
write(
  'AMB002',
  'fires-use-waypoint-names-missing-gateway',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, ingressGatewayPod(true)]),
    [PATHS.resources]: services(),
    [PATHS.gateways]: list([ingressGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'service-no-waypoint' })]),
  },
  [
    {
      subject: ns,
      severity: 'high',
      evidencePaths: [PATHS.namespaces, PATHS.policies],
      evidencePointers: ['/spec/targetRefs/0', '/status/conditions/0'],
      evidenceIncludes: ['istio.io/use-waypoint: waypoint', 'WaypointAccepted: False (AncestorNotBound) Service bookinfo/productpage is not bound to a waypoint'],
      explanationIncludes: [
        '`bookinfo` is labelled `istio.io/use-waypoint=waypoint`, but no waypoint `waypoint` exists in `bookinfo`',
        'AuthorizationPolicy `bookinfo/productpage-viewer` (ALLOW) is attached to Service `productpage` (`targetRefs`)',
        'the callers it should limit are not limited',
      ],
      explanationExcludes: ['is attached to Gateway'],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --name waypoint --wait', ...WAYPOINT_YAML],
    },
  ],
);

// The Service's own label names a waypoint that does not exist: istiod does not fall back to the
// namespace's, so the HTTPRoute attached to reviews is ignored; the finding is about the Service.
write(
  'AMB002',
  'fires-service-waypoint-missing-httproute',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()], { reviews: { 'istio.io/use-waypoint': 'reviews-svc-waypoint' } }),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.httpRoutes]: list([httpRoute('reviews'), httpRoute('ratings')]),
  },
  [
    {
      subject: { kind: 'Service', namespace: NS, name: 'reviews' },
      severity: 'medium',
      evidencePaths: [PATHS.resources, PATHS.httpRoutes],
      evidenceIncludes: ['istio.io/use-waypoint: reviews-svc-waypoint'],
      explanationIncludes: [
        'Service `bookinfo/reviews` is labelled `istio.io/use-waypoint=reviews-svc-waypoint`, but no waypoint `reviews-svc-waypoint` exists in `bookinfo`',
        'does not fall back to another',
        'HTTPRoute `bookinfo/reviews` has Service `bookinfo/reviews` as its parent',
      ],
      explanationExcludes: ['HTTPRoute `bookinfo/ratings`'],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --name reviews-svc-waypoint --wait', 'name: reviews-svc-waypoint', 'gatewayClassName: istio-waypoint'],
    },
  ],
);

// A waypoint serves the namespace, but the L7 policy still selects pods: ztunnel enforces it, not the waypoint.
write(
  'AMB002',
  'fires-selector-policy-behind-waypoint',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()]),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'selector' })]),
  },
  [
    {
      subject: { kind: 'AuthorizationPolicy', namespace: NS, name: 'productpage-viewer' },
      severity: 'high',
      evidencePaths: [PATHS.policies, PATHS.namespaces],
      evidencePointers: ['/spec/rules/0/to/0/operation/methods'],
      explanationIncludes: ['`bookinfo` uses waypoint `bookinfo/waypoint`', 'is enforced by the destination\'s ztunnel', 'ztunnel also sees the waypoint\'s identity'],
      yamlIncludes: ['kind: AuthorizationPolicy', 'targetRefs:\n    - kind: Service\n      group: ""\n      name: productpage', 'action: ALLOW', '- cluster.local/ns/bookinfo/sa/sleep'],
    },
  ],
);

// The namespace uses its waypoint and the L7 configuration is attached to it: nothing to report.
write(
  'AMB002',
  'quiet-namespace-uses-waypoint',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()]),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'service-with-waypoint' }), l4Policy()]),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
    [PATHS.httpRoutes]: list([httpRoute('ratings')]),
  },
  [],
);

// Ambient, no waypoint, but the only policy is L4 (principals, namespaces, ports, source.namespace): ztunnel enforces it.
write(
  'AMB002',
  'quiet-l4-only-policy',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList(AMBIENT_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([l4Policy()]),
  },
  [],
);

// Sidecar mode (the CP007 pods unchanged, `istio-injection=enabled`): the sidecars enforce L7 policy and routes.
write(
  'AMB002',
  'quiet-sidecar-namespace',
  {
    [PATHS.namespaces]: namespaces({ 'istio-injection': 'enabled' }),
    [PATHS.pods]: podList(SIDECAR_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([productpageViewer({ attach: 'selector', status: false })]),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
  },
  [],
);

// A waypoint of a GatewayClass of the team's own (`bookinfo-waypoint`, on the mesh controller), whose pods
// were relabelled by hand to the production debugging guide's selector (`kubectl label pods …
// gateway.istio.io/managed=istio.io-waypoint --overwrite`): still recognised as the waypoint, so quiet.
write(
  'AMB002',
  'quiet-guide-label-waypoint',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod({ managed: 'istio.io-waypoint', gatewayClass: 'bookinfo-waypoint' })]),
    [PATHS.resources]: services(),
    [PATHS.gateways]: list([waypointGateway('waypoint', 'bookinfo-waypoint')]),
    [PATHS.policies]: list([productpageViewer({ attach: 'service-with-waypoint' })]),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
  },
  [],
);

// `istioctl waypoint apply -n bookinfo` without `--enroll-namespace`: the waypoint runs, but nothing is
// labelled to use it, so ztunnel still enforces the L7 policy that selects productpage's pods.
write(
  'AMB002',
  'fires-waypoint-not-enrolled',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()]),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'selector' })]),
  },
  [
    {
      subject: ns,
      severity: 'high',
      titleIncludes: ['`bookinfo` is enrolled to no waypoint (waypoint `waypoint` exists there, unused): its L7 policy is not enforced as written (AuthorizationPolicy `productpage-viewer`)'],
      evidenceIncludes: ['istio.io/dataplane-mode: ambient', 'to.operation.methods: ["GET"]'],
      explanationIncludes: [
        '`bookinfo` is in ambient mode (`istio.io/dataplane-mode=ambient`), and waypoint `waypoint` exists there, but nothing is enrolled to it: a waypoint carries the traffic only of what is labelled `istio.io/use-waypoint=waypoint`.',
        'AuthorizationPolicy `bookinfo/productpage-viewer` (ALLOW, selector `app=productpage`, the pods of Service `productpage`)',
      ],
      explanationExcludes: ['no waypoint is enrolled for it (no `istio.io/use-waypoint` label'],
      remediationIncludes: ['Enroll `bookinfo` to its waypoint `waypoint`.'],
      commandsInclude: ['kubectl label namespace bookinfo istio.io/use-waypoint=waypoint'],
      yamlIncludes: [
        '# Namespace bookinfo: kubectl label namespace bookinfo istio.io/use-waypoint=waypoint\nmetadata:\n  labels:\n    istio.io/use-waypoint: waypoint',
        'targetRefs:\n    - kind: Service\n      group: ""\n      name: productpage',
      ],
    },
  ],
);

// The namespace is labelled with the name of Bookinfo's ingress Gateway (class `istio`) instead of a waypoint's:
// istiod gives it no waypoint, so the policy attached to productpage is enforced by nothing.
write(
  'AMB002',
  'fires-use-waypoint-names-ingress-gateway',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'bookinfo-gateway' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, ingressGatewayPod(true)]),
    [PATHS.resources]: services(),
    [PATHS.gateways]: list([ingressGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'service-no-waypoint' })]),
  },
  [
    {
      subject: ns,
      severity: 'high',
      titleIncludes: ['`bookinfo` uses waypoint `bookinfo-gateway`, which is no waypoint'],
      evidenceIncludes: ['istio.io/use-waypoint: bookinfo-gateway', 'targetRefs: Service productpage'],
      explanationIncludes: [
        '`bookinfo` is labelled `istio.io/use-waypoint=bookinfo-gateway`, but Gateway `bookinfo/bookinfo-gateway` is of class `istio`, not a waypoint (class `istio-waypoint`): istiod gives it no waypoint.',
        'AuthorizationPolicy `bookinfo/productpage-viewer` (ALLOW) is attached to Service `productpage` (`targetRefs`)',
      ],
      remediationIncludes: ['Create a waypoint (a Gateway of class `istio-waypoint`, not the `istio` Gateway `bookinfo-gateway`) and point the label at it.'],
      commandsInclude: ['istioctl waypoint apply -n bookinfo --wait', 'kubectl label namespace bookinfo istio.io/use-waypoint=waypoint --overwrite'],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --wait\n# then: kubectl label namespace bookinfo istio.io/use-waypoint=waypoint --overwrite', ...WAYPOINT_YAML, 'name: waypoint'],
    },
  ],
);

// reviews opts out of the namespace's waypoint (`istio.io/use-waypoint: none`) while its canary VirtualService
// stays: ambient clients reach reviews without a waypoint, so the weights and the timeout do not apply.
// The finding is the Service's: its own label decides.
write(
  'AMB002',
  'fires-service-opted-out-virtual-service',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()], { reviews: { 'istio.io/use-waypoint': 'none' } }),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
  },
  [
    {
      subject: { kind: 'Service', namespace: NS, name: 'reviews' },
      severity: 'medium',
      titleIncludes: ['Service `bookinfo/reviews` opts out of waypoints: its L7 routes are not enforced as written (VirtualService `reviews`)'],
      evidencePaths: [PATHS.namespaces, PATHS.resources, PATHS.virtualServices],
      evidenceIncludes: ['istio.io/use-waypoint: none'],
      explanationIncludes: [
        'Service `bookinfo/reviews` opts out of waypoints (`istio.io/use-waypoint: none`).',
        'VirtualService `bookinfo/reviews` routes `reviews` (Service `bookinfo/reviews`)',
      ],
      remediationIncludes: ['Take the opt-out off Service `reviews`'],
      commandsInclude: ['kubectl label service reviews -n bookinfo istio.io/use-waypoint-'],
    },
  ],
);

// details opts out of the waypoint, but no L7 policy or route names it; the reviews VirtualService goes
// through the namespace's waypoint: an opt-out alone is not a finding.
write(
  'AMB002',
  'quiet-service-opted-out-without-l7',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()], { details: { 'istio.io/use-waypoint': 'none' } }),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.virtualServices]: list([reviewsVirtualService()]),
  },
  [],
);

// The waypoint was created as `bookinfo-waypoint` (`istioctl waypoint apply --name bookinfo-waypoint
// --enroll-namespace`), but the policy, copied from istio.io, is attached to Gateway `waypoint`: no such
// Gateway exists, so nothing enforces it although the namespace has a waypoint.
write(
  'AMB002',
  'fires-policy-on-missing-gateway-behind-waypoint',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'bookinfo-waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod({ gateway: 'bookinfo-waypoint', controller: 'bookinfo-waypoint' })]),
    [PATHS.resources]: services([waypointService('bookinfo-waypoint')]),
    [PATHS.gateways]: list([waypointGateway('bookinfo-waypoint')]),
    [PATHS.policies]: list([productpageViewer({ attach: 'gateway', gateway: 'waypoint', status: false })]),
  },
  [
    {
      subject: { kind: 'AuthorizationPolicy', namespace: NS, name: 'productpage-viewer' },
      severity: 'high',
      titleIncludes: ['AuthorizationPolicy `bookinfo/productpage-viewer` is attached to Gateway `waypoint`, which does not exist; bookinfo uses waypoint `bookinfo-waypoint`'],
      evidencePointers: ['/spec/targetRefs/0'],
      evidenceIncludes: ['targetRefs: Gateway waypoint', 'istio.io/use-waypoint: bookinfo-waypoint', 'gatewayClassName: istio-waypoint'],
      explanationIncludes: [
        '`bookinfo` uses waypoint `bookinfo/bookinfo-waypoint`.',
        'AuthorizationPolicy `bookinfo/productpage-viewer` (ALLOW) is attached to Gateway `waypoint` (`targetRefs`), which does not exist: nothing enforces it, the callers it should limit are not limited.',
      ],
      remediationIncludes: ['Point `targetRefs` at the waypoint `bookinfo` uses (`bookinfo-waypoint`)'],
      yamlIncludes: ['# AuthorizationPolicy bookinfo/productpage-viewer: spec.targetRefs (was Gateway waypoint)', 'name: bookinfo-waypoint'],
    },
  ],
);

// The policy is attached to the waypoint the namespace uses, as istio.io writes it: enforced, nothing to report.
write(
  'AMB002',
  'quiet-policy-on-waypoint-gateway',
  {
    [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
    [PATHS.pods]: podList([...AMBIENT_PODS, waypointPod()]),
    [PATHS.resources]: services([waypointService()]),
    [PATHS.gateways]: list([waypointGateway()]),
    [PATHS.policies]: list([productpageViewer({ attach: 'gateway', gateway: 'waypoint' })]),
  },
  [],
);

// Sidecar mode again (`istio-injection=enabled`, the CP007 pods), with a policy left attached to the deleted
// waypoint `waypoint`: no workload is ambient, so no waypoint is missing for AMB002.
write(
  'AMB002',
  'quiet-sidecar-policy-on-missing-gateway',
  {
    [PATHS.namespaces]: namespaces({ 'istio-injection': 'enabled' }),
    [PATHS.pods]: podList(SIDECAR_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([productpageViewer({ attach: 'gateway', gateway: 'waypoint', status: false })]),
  },
  [],
);

// --- AMB003 ---------------------------------------------------------------------------------------

const waypointBundle = (pods) => ({
  [PATHS.namespaces]: namespaces({ ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }),
  [PATHS.pods]: podList([...AMBIENT_PODS, ...pods]),
  [PATHS.resources]: services([waypointService()]),
  [PATHS.gateways]: list([waypointGateway()]),
});
const FALLBACK = ['`istio.io/dataplane-mode=sidecar`', 'takes only `ambient` or `none`', 'kubectl label namespace bookinfo istio.io/dataplane-mode- istio.io/use-waypoint-', 'kubectl label namespace bookinfo istio-injection=enabled', 'kubectl rollout restart deployment -n bookinfo', 'every pod of the namespace restarts'];

write('AMB003', 'fires-waypoint-crashloopbackoff', waypointBundle([waypointPod({ state: 'crashloop' })]), [
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
    severity: 'critical',
    evidencePaths: [PATHS.pods],
    evidencePointers: ['/status/containerStatuses/0/state/waiting/reason', '/status/conditions/2'],
    explanationIncludes: ['container `istio-proxy` is in CrashLoopBackOff after 14 restarts (last exit code 255, Error)', 'It carries the traffic of namespace `bookinfo` (`istio.io/use-waypoint=waypoint`)', 'with no Ready waypoint pod the connections fail', ...FALLBACK],
  },
]);

write('AMB003', 'fires-waypoint-not-ready', waypointBundle([waypointPod({ state: 'not-ready' })]), [
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
    severity: 'critical',
    evidencePaths: [PATHS.pods],
    evidencePointers: ['/status/conditions/2'],
    explanationIncludes: ['the pod is not Ready (ContainersNotReady)', 'namespace `bookinfo`', ...FALLBACK],
    explanationExcludes: ['CrashLoopBackOff'],
  },
]);

write('AMB003', 'fires-one-replica-not-ready', waypointBundle([waypointPod({ state: 'not-ready' }), waypointPod({ suffix: 'q9zlp', ip: '10.244.1.33' })]), [
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
    severity: 'medium',
    explanationIncludes: ['the pod is not Ready', 'Another pod of the waypoint is Running and Ready'],
  },
]);

// A waypoint deployment whose pods were relabelled to the guide's selector (`gateway.istio.io/managed=istio.io-waypoint`,
// on a GatewayClass of the team's own): still a waypoint's pod.
write(
  'AMB003',
  'fires-guide-labelled-waypoint-not-ready',
  { ...waypointBundle([waypointPod({ state: 'not-ready', managed: 'istio.io-waypoint', gatewayClass: 'bookinfo-waypoint' })]), [PATHS.gateways]: list([waypointGateway('waypoint', 'bookinfo-waypoint')]) },
  [
    {
      subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
      severity: 'critical',
      explanationIncludes: ['the pod is not Ready', 'recognised by `gateway.istio.io/managed=istio.io-waypoint`, a label set by hand: Istio labels waypoint pods `istio.io-mesh-controller`', 'namespace `bookinfo`'],
    },
  ],
);

write('AMB003', 'quiet-waypoint-ready', waypointBundle([waypointPod()]), []);

// The Bookinfo ingress gateway's pod (class `istio`, `gateway.istio.io/managed=istio.io-gateway-controller`)
// is not ready: a gateway's problem, not a waypoint's.
write(
  'AMB003',
  'quiet-ingress-gateway-pod-not-ready',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList([...AMBIENT_PODS, ingressGatewayPod(false)]),
    [PATHS.resources]: services(),
    [PATHS.gateways]: list([ingressGateway()]),
  },
  [],
);

/**
 * The waypoint pod after the kubelet evicted it under node memory pressure, as Kubernetes 1.29 lists it:
 * phase Failed, reason Evicted with the kubelet's message, a `DisruptionTarget` condition, the container killed.
 */
function evictedWaypointPod() {
  const pod = waypointPod();
  const at = '2025-03-12T03:41:18Z';
  const message = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 87340Ki. Container istio-proxy was using 912Mi, request is 128Mi, has larger consumption of memory. ';
  const condition = (type, status, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: at, status, type, ...extra });
  const failed = { reason: 'PodFailed' };
  const [container] = pod.status.containerStatuses;
  pod.status = {
    ...pod.status,
    conditions: [
      condition('DisruptionTarget', 'True', { message, reason: 'TerminationByKubelet' }),
      condition('PodReadyToStartContainers', 'False'),
      { ...pod.status.conditions[1] },
      condition('Ready', 'False', failed),
      condition('ContainersReady', 'False', failed),
      { ...pod.status.conditions[4] },
    ],
    containerStatuses: [
      { ...container, ready: false, started: false, state: { terminated: { containerID: container.containerID, exitCode: 137, finishedAt: at, reason: 'Error', startedAt: '2025-03-10T09:12:47Z' } } },
    ],
    message,
    phase: 'Failed',
    reason: 'Evicted',
  };
  return pod;
}

/** The ReplicaSet's replacement for the evicted pod, which the scheduler cannot place: Pending, not on a node, no container started. */
function pendingWaypointPod() {
  const pod = waypointPod({ suffix: 'q9zlp', ip: '10.244.1.33' });
  const at = '2025-03-12T03:41:19Z';
  pod.metadata.creationTimestamp = at;
  delete pod.spec.nodeName;
  pod.status = {
    conditions: [
      {
        lastProbeTime: null,
        lastTransitionTime: at,
        message: '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
        reason: 'Unschedulable',
        status: 'False',
        type: 'PodScheduled',
      },
    ],
    phase: 'Pending',
    qosClass: 'Burstable',
  };
  return pod;
}

/** The waypoint pod Running and Ready again after its `istio-proxy` container exited twice (exit code 255, `Error`). */
function restartedWaypointPod() {
  const pod = waypointPod();
  const back = '2025-03-11T22:17:54Z';
  const [container] = pod.status.containerStatuses;
  container.restartCount = 2;
  container.lastState = { terminated: { containerID: 'containerd://3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b', exitCode: 255, finishedAt: '2025-03-11T22:17:53Z', reason: 'Error', startedAt: '2025-03-11T19:02:10Z' } };
  container.state = { running: { startedAt: back } };
  for (const condition of pod.status.conditions) if (condition.type === 'Ready' || condition.type === 'ContainersReady') condition.lastTransitionTime = '2025-03-11T22:17:58Z';
  return pod;
}

// Node memory pressure: the kubelet evicted the waypoint's only pod, and its replacement cannot be scheduled.
// Neither serves, so both are critical; each says why as Kubernetes does: the evicted one with the kubelet's
// status.message, the Pending one (no reason of its own) with the scheduler's PodScheduled=False condition.
write('AMB003', 'fires-waypoint-evicted-replacement-pending', waypointBundle([evictedWaypointPod(), pendingWaypointPod()]), [
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
    severity: 'critical',
    titleIncludes: ['waypoint `bookinfo/waypoint`: pod waypoint-7c9d8b5f4-x2k8p is Failed'],
    evidencePointers: ['/status/phase', '/status/message'],
    evidenceIncludes: ['status.phase: Failed', 'status.message: The node was low on resource: memory.'],
    explanationIncludes: ['the pod is Failed (Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 87340Ki. Container istio-proxy was using 912Mi, request is 128Mi, has larger consumption of memory). It is', 'It carries the traffic of namespace `bookinfo` (`istio.io/use-waypoint=waypoint`)', 'with no Ready waypoint pod the connections fail'],
    explanationExcludes: ['restarted', 'not Ready'],
  },
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-q9zlp' },
    severity: 'critical',
    titleIncludes: ['waypoint `bookinfo/waypoint`: pod waypoint-7c9d8b5f4-q9zlp is Pending'],
    evidencePointers: ['/status/phase', '/status/conditions/0'],
    evidenceIncludes: ['status.phase: Pending', 'condition PodScheduled=False (Unschedulable: 0/3 nodes are available: 1 node(s) had untolerated taint'],
    explanationIncludes: ['the pod is Pending (Unschedulable: 0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }, 2 Insufficient memory. preemption:', 'with no Ready waypoint pod the connections fail'],
  },
]);

// The waypoint's proxy exited twice and is Running and Ready again: a medium finding about the restarts, with
// the last exit's reason and time, and the previous container's log to read.
write('AMB003', 'fires-waypoint-restarted-ready', waypointBundle([restartedWaypointPod()]), [
  {
    subject: { kind: 'Pod', namespace: NS, name: 'waypoint-7c9d8b5f4-x2k8p' },
    severity: 'medium',
    titleIncludes: ['waypoint `bookinfo/waypoint`: pod waypoint-7c9d8b5f4-x2k8p has restarted'],
    evidencePointers: ['/status/containerStatuses/0/restartCount'],
    evidenceIncludes: ['istio-proxy: restartCount 2'],
    explanationIncludes: ['container `istio-proxy` restarted 2 times (last exit: Error at 2025-03-11T22:17:53Z)', 'It is Running and Ready now: find out why it restarted before it happens to every replica.'],
    explanationExcludes: ['CrashLoopBackOff', 'OOMKilled'],
    commandsInclude: ['kubectl logs waypoint-7c9d8b5f4-x2k8p -n bookinfo -c istio-proxy --previous --tail=200'],
  },
]);

// --- AMB002: DENY policies ------------------------------------------------------------------------
// (Written last: meta() numbers the uids in order, and the fixtures above keep theirs.)

const DENY_STATUS = (found) =>
  condition(
    'ZtunnelAccepted',
    'True',
    'UnsupportedValue',
    `ztunnel does not support HTTP attributes (found: ${found}). In ambient mode you must use a waypoint proxy to enforce HTTP rules. DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested.`,
  );

/** A DENY policy meant to refuse only sleep's DELETE requests to productpage: one rule, with an HTTP method. */
function productpageDenyDelete() {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('productpage-deny-delete'),
    spec: { action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/sleep'] } }], to: [{ operation: { methods: ['DELETE'] } }] }], selector: { matchLabels: { app: 'productpage' } } },
    status: { conditions: [DENY_STATUS('methods')] },
  };
}

/** A DENY policy for reviews with two rules, each with an HTTP attribute: the admin paths, and POSTs from `default`. */
function reviewsDenyAdmin() {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('reviews-deny-admin'),
    spec: {
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }, { from: [{ source: { namespaces: ['default'] } }], to: [{ operation: { methods: ['POST'] } }] }],
      selector: { matchLabels: { app: 'reviews' } },
    },
    status: { conditions: [DENY_STATUS('methods, paths')] },
  };
}

/** A DENY policy ztunnel enforces whole: callers from `default` refused on port 9080 of ratings (L4 only). */
function ratingsDenyDefault() {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('ratings-deny-default'),
    spec: { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['default'] } }], to: [{ operation: { ports: ['9080'] } }] }], selector: { matchLabels: { app: 'ratings' } } },
  };
}

// Ambient, no waypoint, two DENY policies with HTTP conditions: ztunnel enforces each without them (istiod's
// "DENY policy with HTTP attributes is enforced without the HTTP rules"), so what was meant to refuse some
// requests refuses whole connections: every connection from sleep to productpage, not only its DELETEs; every
// connection to reviews matched by the rest of either rule (the path rule has nothing else: all of them).
write(
  'AMB002',
  'fires-l7-deny-policies-no-waypoint',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList(AMBIENT_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([productpageDenyDelete(), reviewsDenyAdmin()]),
  },
  [
    {
      subject: ns,
      severity: 'high',
      titleIncludes: ['`bookinfo` is in ambient mode with no waypoint: its L7 policy is not enforced as written (AuthorizationPolicy `productpage-deny-delete`, AuthorizationPolicy `reviews-deny-admin`)'],
      evidencePointers: ['/spec/rules/0/to/0/operation/methods', '/spec/rules/0/to/0/operation/paths', '/status/conditions/0'],
      evidenceIncludes: ['ZtunnelAccepted: True (UnsupportedValue) ztunnel does not support HTTP attributes (found: methods). In ambient mode you must use a waypoint proxy to enforce HTTP rules. DENY policy with HTTP attributes is enforced without the HTTP rules.'],
      explanationIncludes: [
        'AuthorizationPolicy `bookinfo/productpage-deny-delete` (DENY, selector `app=productpage`, the pods of Service `productpage`) matches HTTP attributes (`to.operation.methods`) and is enforced by the destination\'s ztunnel: ztunnel enforces it without its HTTP conditions (istiod: "DENY policy with HTTP attributes is enforced without the HTTP rules"): it refuses every connection the rest of that rule matches, not only the requests the HTTP conditions name.',
        'AuthorizationPolicy `bookinfo/reviews-deny-admin` (DENY, selector `app=reviews`, the pods of Service `reviews`) matches HTTP attributes (`to.operation.paths`, `to.operation.methods`) and is enforced by the destination\'s ztunnel: ztunnel enforces it without its HTTP conditions',
        'it refuses every connection the rest of those rules matches, not only the requests the HTTP conditions name.',
      ],
      explanationExcludes: ['istiod drops', 'so it allows nothing', 'Within an ALLOW policy'],
      occurrences: ['bookinfo/productpage-deny-delete', 'bookinfo/reviews-deny-admin'],
      yamlIncludes: ['# istioctl waypoint apply -n bookinfo --enroll-namespace --wait', 'targetRefs:\n    - kind: Service\n      group: ""\n      name: productpage\n  action: DENY', 'targetRefs:\n    - kind: Service\n      group: ""\n      name: reviews\n  action: DENY', '- /admin/*'],
    },
  ],
);

// The same namespace with a DENY policy of L4 conditions only (source namespace, port): ztunnel enforces it as
// written, no waypoint needed.
write(
  'AMB002',
  'quiet-l4-only-deny-policy',
  {
    [PATHS.namespaces]: namespaces(AMBIENT),
    [PATHS.pods]: podList(AMBIENT_PODS),
    [PATHS.resources]: services(),
    [PATHS.policies]: list([ratingsDenyDefault()]),
  },
  [],
);
