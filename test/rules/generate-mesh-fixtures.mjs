// Regenerates the MESH001 fixture bundles: `node test/rules/generate-mesh-fixtures.mjs`.
// Pods are the Bookinfo pods of the CP007 fixtures (Istio 1.24.3, classic sidecars) and the `shop` cart pods of
// samples/control-plane-failure (Istio 1.27.2, native sidecars), with another mesh's containers added the way
// that mesh's injector writes them (names, images, args, ports and UIDs from its documentation and injector
// source, cited in src/rules/multi-cluster/other-meshes.ts). The templates carry no volumes, so the
// added containers carry no volume mounts either. The capture-port log is LOG006's: the healthy productpage
// sidecar log of the LOG003 fixtures with the bind failure of test/fixtures/formats/istio-proxy-lds-reject.log
// re-used for port 15001 with `Address already in use`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlList, ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';
import { podFromTemplate } from '../../scripts/fixtures/pod-from-template.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here; inputs are always read from here.
const writeBundle = (name, files, expect) => writeRuleFixture(join(ruleFixturesOut(here), 'MESH001', name), files, expect);

const BOOKINFO = readJson('test/rules/CP007/quiet-one-minor-behind/bundle/kubernetes/pods/bookinfo.json').items;
const SHOP = readJson('samples/control-plane-failure/kubernetes/pods/shop.json').items;
const bookinfo = (prefix) => structuredClone(BOOKINFO.find((p) => p.metadata.name.startsWith(prefix)));
const indexOf = (items, prefix) => items.findIndex((p) => p.metadata.name.startsWith(prefix));

/** A stable fake container id / digest per name. */
const hex = (seed) => createHash('sha256').update(seed).digest('hex');
const fieldRef = (name, fieldPath) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
const env = (name, value) => ({ name, value });

/** The pod's status for an added container, started when the pod's own containers started. */
function addStatus(pod, container, { init = false } = {}) {
  const startedAt = pod.status.startTime;
  const digest = `${container.image.replace(/[:@].*$/, '')}@sha256:${hex(container.image)}`;
  const base = { containerID: `containerd://${hex(`${pod.metadata.name}/${container.name}`)}`, image: container.image, imageID: digest, lastState: {}, name: container.name, restartCount: 0 };
  const list = init ? 'initContainerStatuses' : 'containerStatuses';
  const sidecar = init && container.restartPolicy === 'Always';
  pod.status[list] = pod.status[list] ?? [];
  pod.status[list].push(
    init && !sidecar
      ? { ...base, ready: true, started: false, state: { terminated: { containerID: base.containerID, exitCode: 0, finishedAt: startedAt, reason: 'Completed', startedAt } } }
      : { ...base, ready: true, started: true, state: { running: { startedAt } } },
  );
}

function inject(pod, { inits = [], containers = [], first = false, annotations = {}, labels = {} }) {
  pod.spec.initContainers = [...(pod.spec.initContainers ?? []), ...inits];
  pod.spec.containers = first ? [...containers, ...pod.spec.containers] : [...pod.spec.containers, ...containers];
  pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations };
  pod.metadata.labels = { ...pod.metadata.labels, ...labels };
  for (const c of inits) addStatus(pod, c, { init: true });
  for (const c of containers) addStatus(pod, c);
  return pod;
}

const deploymentOf = (pod) => pod.metadata.ownerReferences[0].name.replace(/-[a-z0-9]+$/, '');

// Linkerd edge-24.11.8: linkerd-init (proxy-init v2.4.1) and linkerd-proxy, injected first among the containers (≥ 2.11).
function withLinkerd(pod) {
  const version = 'edge-24.11.8';
  return inject(pod, {
    first: true,
    annotations: {
      'linkerd.io/created-by': `linkerd/proxy-injector ${version}`,
      'linkerd.io/inject': 'enabled',
      'linkerd.io/proxy-version': version,
      'linkerd.io/trust-root-sha256': hex('linkerd trust root'),
    },
    labels: { 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/proxy-deployment': deploymentOf(pod), 'linkerd.io/workload-ns': pod.metadata.namespace },
    inits: [
      {
        args: ['--ipv6=false', '--incoming-proxy-port', '4143', '--outgoing-proxy-port', '4140', '--proxy-uid', '2102', '--inbound-ports-to-ignore', '4190,4191,4567,4568', '--outbound-ports-to-ignore', '4567,4568'],
        image: 'cr.l5d.io/linkerd/proxy-init:v2.4.1',
        imagePullPolicy: 'IfNotPresent',
        name: 'linkerd-init',
        resources: { limits: { cpu: '100m', memory: '20Mi' }, requests: { cpu: '100m', memory: '20Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
      },
    ],
    containers: [
      {
        env: [
          fieldRef('_pod_name', 'metadata.name'),
          fieldRef('_pod_ns', 'metadata.namespace'),
          fieldRef('_pod_nodeName', 'spec.nodeName'),
          env('LINKERD2_PROXY_LOG', 'warn,linkerd=info,hickory=error,[{headers}]=off,[{request}]=off'),
          env('LINKERD2_PROXY_DESTINATION_SVC_ADDR', 'linkerd-dst-headless.linkerd.svc.cluster.local.:8086'),
          env('LINKERD2_PROXY_CONTROL_LISTEN_ADDR', '[::]:4190'),
          env('LINKERD2_PROXY_ADMIN_LISTEN_ADDR', '[::]:4191'),
          env('LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR', '127.0.0.1:4140'),
          env('LINKERD2_PROXY_INBOUND_LISTEN_ADDR', '[::]:4143'),
          env('LINKERD2_PROXY_IDENTITY_SVC_ADDR', 'linkerd-identity-headless.linkerd.svc.cluster.local.:8080'),
        ],
        image: `cr.l5d.io/linkerd/proxy:${version}`,
        imagePullPolicy: 'IfNotPresent',
        lifecycle: { postStart: { exec: { command: ['/usr/lib/linkerd/linkerd-await', '--timeout=2m', '--port=4191'] } } },
        livenessProbe: { failureThreshold: 3, httpGet: { path: '/live', port: 4191, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
        name: 'linkerd-proxy',
        ports: [
          { containerPort: 4143, name: 'linkerd-proxy', protocol: 'TCP' },
          { containerPort: 4191, name: 'linkerd-admin', protocol: 'TCP' },
        ],
        readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' }, initialDelaySeconds: 2, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 2102, seccompProfile: { type: 'RuntimeDefault' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
      },
    ],
  });
}

// Consul on Kubernetes 1.6.1 (consul-dataplane 1.6.1), transparent proxy: the connect-init container and the dataplane, appended.
function withConsul(pod) {
  const account = pod.spec.serviceAccountName;
  return inject(pod, {
    annotations: {
      'consul.hashicorp.com/connect-inject': 'true',
      'consul.hashicorp.com/connect-inject-status': 'injected',
      'consul.hashicorp.com/consul-k8s-version': '1.6.1',
      'consul.hashicorp.com/transparent-proxy-status': 'enabled',
    },
    labels: { 'consul.hashicorp.com/connect-inject-managed-by': 'consul-k8s-endpoints-controller', 'consul.hashicorp.com/connect-inject-status': 'injected' },
    inits: [
      {
        command: [
          '/bin/sh',
          '-ec',
          `consul-k8s-control-plane connect-init -pod-name=\${POD_NAME} -pod-namespace=\${POD_NAMESPACE} \\\n  -log-level=info \\\n  -log-json=false \\\n  -service-account-name="${account}" \\\n  -service-name="" \\\n  -proxy-id-file=/consul/connect-inject/proxyid`,
        ],
        env: [
          fieldRef('POD_NAME', 'metadata.name'),
          fieldRef('POD_NAMESPACE', 'metadata.namespace'),
          fieldRef('NODE_NAME', 'spec.nodeName'),
          env('CONSUL_ADDRESSES', 'consul-server.consul.svc'),
          env('CONSUL_GRPC_PORT', '8502'),
          env('CONSUL_HTTP_PORT', '8500'),
          env('CONSUL_API_TIMEOUT', '5m0s'),
          env('CONSUL_NODE_NAME', '$(NODE_NAME)-virtual'),
          env(
            'CONSUL_REDIRECT_TRAFFIC_CONFIG',
            '{"ConsulDNSIP":"","ConsulDNSPort":0,"ProxyUserID":"5995","ProxyInboundPort":20000,"ProxyOutboundPort":15001,"ExcludeInboundPorts":null,"ExcludeOutboundPorts":null,"ExcludeOutboundCIDRs":null,"ExcludeUIDs":["5996"],"NetNS":"","IptablesProvider":null}',
          ),
        ],
        image: 'hashicorp/consul-k8s-control-plane:1.6.1',
        imagePullPolicy: 'IfNotPresent',
        name: 'consul-connect-inject-init',
        resources: { limits: { cpu: '50m', memory: '150Mi' }, requests: { cpu: '50m', memory: '25Mi' } },
        securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    containers: [
      {
        args: ['-addresses', 'consul-server.consul.svc', '-grpc-port=8502', '-proxy-service-id-path=/consul/connect-inject/proxyid', '-log-level=info', '-log-json=false', '-envoy-concurrency=2', '-tls-disabled', '-graceful-port=20600', '-telemetry-prom-scrape-path=/metrics'],
        env: [
          env('TMPDIR', '/consul/connect-inject'),
          fieldRef('NODE_NAME', 'spec.nodeName'),
          env('DP_SERVICE_NODE_NAME', '$(NODE_NAME)-virtual'),
          fieldRef('POD_NAME', 'metadata.name'),
          fieldRef('POD_NAMESPACE', 'metadata.namespace'),
          fieldRef('POD_UID', 'metadata.uid'),
          env('DP_CREDENTIAL_LOGIN_META', 'pod=$(POD_NAMESPACE)/$(POD_NAME)'),
          env('DP_CREDENTIAL_LOGIN_META1', 'pod=$(POD_NAMESPACE)/$(POD_NAME)'),
          env('DP_CREDENTIAL_LOGIN_META2', 'pod-uid=$(POD_UID)'),
        ],
        image: 'hashicorp/consul-dataplane:1.6.1',
        imagePullPolicy: 'IfNotPresent',
        name: 'consul-dataplane',
        readinessProbe: { failureThreshold: 3, initialDelaySeconds: 1, periodSeconds: 10, successThreshold: 1, tcpSocket: { port: 20000 }, timeoutSeconds: 1 },
        resources: { limits: { cpu: '100m', memory: '100Mi' }, requests: { cpu: '100m', memory: '100Mi' } },
        securityContext: { readOnlyRootFilesystem: true, runAsGroup: 5995, runAsNonRoot: true, runAsUser: 5995 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
  });
}

// Kuma 2.5.4: kuma-init (`kumactl install transparent-proxy`) and the kuma-sidecar (kuma-dp), appended.
function withKuma(pod) {
  return inject(pod, {
    annotations: {
      'kuma.io/envoy-admin-port': '9901',
      'kuma.io/mesh': 'default',
      'kuma.io/sidecar-injected': 'true',
      'kuma.io/sidecar-uid': '5678',
      'kuma.io/transparent-proxying': 'enabled',
      'kuma.io/transparent-proxying-inbound-port': '15006',
      'kuma.io/transparent-proxying-outbound-port': '15001',
      'kuma.io/virtual-probes': 'enabled',
    },
    labels: { 'kuma.io/sidecar-injection': 'enabled' },
    inits: [
      {
        args: ['--redirect-outbound-port', '15001', '--redirect-inbound=true', '--redirect-inbound-port', '15006', '--kuma-dp-uid', '5678', '--exclude-inbound-ports', '', '--exclude-outbound-ports', '', '--verbose', '--ip-family-mode', 'dualstack'],
        command: ['/usr/bin/kumactl', 'install', 'transparent-proxy'],
        image: 'docker.io/kumahq/kuma-init:2.5.4',
        imagePullPolicy: 'IfNotPresent',
        name: 'kuma-init',
        resources: { limits: { cpu: '100m', memory: '50M' }, requests: { cpu: '20m', memory: '20M' } },
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] }, runAsGroup: 0, runAsUser: 0 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    containers: [
      {
        args: ['run', '--log-level=info', '--concurrency=2'],
        env: [
          fieldRef('INSTANCE_IP', 'status.podIP'),
          env('KUMA_CONTROL_PLANE_URL', 'https://kuma-control-plane.kuma-system:5678'),
          env('KUMA_DATAPLANE_DRAIN_TIME', '30s'),
          env('KUMA_DATAPLANE_MESH', 'default'),
          env('KUMA_DATAPLANE_RUNTIME_TOKEN_PATH', '/var/run/secrets/kubernetes.io/serviceaccount/token'),
          env('KUMA_DNS_CORE_DNS_PORT', '15053'),
          env('KUMA_DNS_ENABLED', 'true'),
          env('KUMA_DNS_ENVOY_DNS_PORT', '15054'),
          fieldRef('POD_NAME', 'metadata.name'),
          fieldRef('POD_NAMESPACE', 'metadata.namespace'),
        ],
        image: 'docker.io/kumahq/kuma-dp:2.5.4',
        imagePullPolicy: 'IfNotPresent',
        livenessProbe: { failureThreshold: 12, httpGet: { path: '/ready', port: 9901, scheme: 'HTTP' }, initialDelaySeconds: 60, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 3 },
        name: 'kuma-sidecar',
        readinessProbe: { failureThreshold: 12, httpGet: { path: '/ready', port: 9901, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 3 },
        resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
        securityContext: { readOnlyRootFilesystem: true, runAsGroup: 5678, runAsUser: 5678 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
  });
}

// Open Service Mesh v1.2.4: osm-init (its iptables-restore rules) and the `envoy` sidecar, appended.
const OSM_RULES = [
  '# OSM sidecar interception rules',
  '*nat',
  ':OSM_PROXY_INBOUND - [0:0]',
  ':OSM_PROXY_IN_REDIRECT - [0:0]',
  ':OSM_PROXY_OUTBOUND - [0:0]',
  ':OSM_PROXY_OUT_REDIRECT - [0:0]',
  '-A OSM_PROXY_IN_REDIRECT -p tcp -j REDIRECT --to-port 15003',
  '-A PREROUTING -p tcp -j OSM_PROXY_INBOUND',
  '-A OSM_PROXY_INBOUND -p tcp --dport 15010 -j RETURN',
  '-A OSM_PROXY_INBOUND -p tcp --dport 15901 -j RETURN',
  '-A OSM_PROXY_INBOUND -p tcp --dport 15902 -j RETURN',
  '-A OSM_PROXY_INBOUND -p tcp --dport 15903 -j RETURN',
  '-A OSM_PROXY_INBOUND -p tcp --dport 15904 -j RETURN',
  '-A OSM_PROXY_INBOUND -p tcp -j OSM_PROXY_IN_REDIRECT',
  '-A OSM_PROXY_OUT_REDIRECT -p tcp -j REDIRECT --to-port 15001',
  '-A OSM_PROXY_OUT_REDIRECT -p tcp --dport 15000 -j ACCEPT',
  '-A OUTPUT -p tcp -j OSM_PROXY_OUTBOUND',
  '-A OSM_PROXY_OUTBOUND -o lo ! -d 127.0.0.1/32 -m owner --uid-owner 1500 -j OSM_PROXY_IN_REDIRECT',
  '-A OSM_PROXY_OUTBOUND -o lo -m owner ! --uid-owner 1500 -j RETURN',
  '-A OSM_PROXY_OUTBOUND -m owner --uid-owner 1500 -j RETURN',
  '-A OSM_PROXY_OUTBOUND -d 127.0.0.1/32 -j RETURN',
  '-A OSM_PROXY_OUTBOUND -j OSM_PROXY_OUT_REDIRECT',
  'COMMIT',
];
function withOsm(pod) {
  const cluster = `${pod.spec.serviceAccountName}.${pod.metadata.namespace}`;
  return inject(pod, {
    labels: { 'osm-proxy-uuid': '8f2d3c61-5b7e-4d0a-9c1f-3e6a2b9d4c70' },
    inits: [
      {
        args: ['-c', `iptables-restore --noflush <<EOF\n${OSM_RULES.join('\n')}\nEOF\n`],
        command: ['/bin/sh'],
        image: 'openservicemesh/init:v1.2.4',
        imagePullPolicy: 'IfNotPresent',
        name: 'osm-init',
        resources: {},
        securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: false, runAsNonRoot: false, runAsUser: 0 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    containers: [
      {
        args: ['--log-level', 'error', '--config-path', '/etc/envoy/bootstrap.yaml', '--service-cluster', cluster],
        command: ['envoy'],
        env: [fieldRef('POD_UID', 'metadata.uid'), fieldRef('POD_NAME', 'metadata.name'), fieldRef('POD_NAMESPACE', 'metadata.namespace'), fieldRef('POD_IP', 'status.podIP'), fieldRef('SERVICE_ACCOUNT', 'spec.serviceAccountName')],
        image: 'envoyproxy/envoy-distroless:v1.22.2',
        imagePullPolicy: 'IfNotPresent',
        name: 'envoy',
        ports: [
          { containerPort: 15000, name: 'proxy-admin', protocol: 'TCP' },
          { containerPort: 15003, name: 'proxy-inbound', protocol: 'TCP' },
          { containerPort: 15010, name: 'proxy-metrics', protocol: 'TCP' },
        ],
        resources: {},
        securityContext: { allowPrivilegeEscalation: false, runAsUser: 1500 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
  });
}

// AWS App Mesh controller v1.13.1: proxyinit (the proxy route manager) and the `envoy` sidecar, appended.
function withAppMesh(pod) {
  const node = `${deploymentOf(pod)}_${pod.metadata.namespace}`;
  const port = String(pod.spec.containers[0].ports[0].containerPort);
  return inject(pod, {
    annotations: { 'appmesh.k8s.aws/mesh': 'bookinfo', 'appmesh.k8s.aws/virtualNode': node },
    inits: [
      {
        env: [
          env('APPMESH_START_ENABLED', '1'),
          env('APPMESH_IGNORE_UID', '1337'),
          env('APPMESH_ENVOY_INGRESS_PORT', '15000'),
          env('APPMESH_ENVOY_EGRESS_PORT', '15001'),
          env('APPMESH_APP_PORTS', port),
          env('APPMESH_EGRESS_IGNORED_IP', '169.254.169.254,169.254.170.2'),
          env('APPMESH_EGRESS_IGNORED_PORTS', '22'),
        ],
        image: '840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-proxy-route-manager:v7-prod',
        imagePullPolicy: 'IfNotPresent',
        name: 'proxyinit',
        resources: { requests: { cpu: '10m', memory: '32Mi' } },
        securityContext: { capabilities: { add: ['NET_ADMIN'] } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    containers: [
      {
        env: [
          env('APPMESH_RESOURCE_ARN', `arn:aws:appmesh:us-west-2:111122223333:mesh/bookinfo/virtualNode/${node}`),
          env('APPMESH_PREVIEW', '0'),
          env('ENVOY_LOG_LEVEL', 'info'),
          env('ENVOY_ADMIN_ACCESS_PORT', '9901'),
          env('ENVOY_ADMIN_ACCESS_LOG_FILE', '/tmp/envoy_admin_access.log'),
          env('AWS_REGION', 'us-west-2'),
        ],
        image: '840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod',
        imagePullPolicy: 'IfNotPresent',
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 20'] } } },
        name: 'envoy',
        ports: [{ containerPort: 9901, name: 'stats', protocol: 'TCP' }],
        readinessProbe: { exec: { command: ['sh', '-c', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'] }, failureThreshold: 3, initialDelaySeconds: 1, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
        resources: { requests: { cpu: '10m', memory: '32Mi' } },
        securityContext: { runAsUser: 1337 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
  });
}

/** A Namespace as `kubectl get namespaces -o json` lists it. */
const namespace = (name, { labels = {}, annotations = {} }) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    creationTimestamp: '2025-02-11T09:14:02Z',
    labels: { 'kubernetes.io/metadata.name': name, ...labels },
    name,
    resourceVersion: '48211',
    uid: '5d0c7a2e-8b1f-4c3d-9e6a-7f2b1c0d4e58',
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

const PODS = 'kubernetes/pods/bookinfo.json';
const NAMESPACES = 'kubernetes/namespaces.json';
const productpage = { kind: 'Deployment', namespace: 'bookinfo', name: 'productpage-v1' };
const quiet = { findings: [] };

// Linkerd beside Istio in productpage, the namespace asking for both; the other Bookinfo pods are Istio's only.
{
  const items = structuredClone(BOOKINFO);
  const i = indexOf(items, 'productpage');
  withLinkerd(items[i]);
  writeBundle(
    'fires-linkerd-proxy-beside-istio',
    { [PODS]: kubectlList(items), [NAMESPACES]: kubectlList([namespace('bookinfo', { labels: { 'istio-injection': 'enabled' }, annotations: { 'linkerd.io/inject': 'enabled' } })]) },
    {
      findings: [
        {
          subject: productpage,
          severity: 'high',
          occurrences: [`bookinfo/${items[i].metadata.name}`],
          explanationIncludes: [
            "runs `istio-proxy` and Linkerd's `linkerd-proxy` with its init container `linkerd-init`",
            '(Istio 1337, Linkerd 2102)',
            'listens on other ports than istio-proxy (inbound 4143, outbound 127.0.0.1:4140, admin 4191)',
            'pod annotation `linkerd.io/inject: enabled`',
            'namespace annotation `linkerd.io/inject: enabled`',
            "Istio's marks: namespace label `istio-injection: enabled`",
          ],
          explanationExcludes: ['Address already in use'],
          evidencePointers: [`/items/${i}/spec/containers/0`, `/items/${i}/spec/containers/2`, `/items/${i}/spec/initContainers/1`, `/items/${i}/metadata/annotations/linkerd.io~1inject`],
          yamlIncludes: ['spec.template.metadata', 'linkerd.io/inject: disabled'],
        },
      ],
    },
  );
}

// Consul's transparent proxy beside Istio in the LOG006 productpage pod, whose istio-proxy log has the 15001 bind failure.
{
  const POD = 'productpage-v1-6b746f74dc-8xk2r';
  const healthy = readFileSync(join(here, 'LOG003/quiet-healthy-traffic/bundle/logs/bookinfo', POD, 'istio-proxy.log'), 'utf8').trimEnd().split('\n');
  const lds = readFileSync(join(here, '../fixtures/formats/istio-proxy-lds-reject.log'), 'utf8').split('\n');
  const bind15001 = lds
    .find((l) => l.includes("cannot bind '0.0.0.0:80'"))
    .replace("listener '0.0.0.0_80'", "listener 'virtualOutbound'")
    .replace("'0.0.0.0:80': Permission denied", "'0.0.0.0:15001': Address already in use");
  const log = `${[...healthy.filter((l) => !l.startsWith('[')), bind15001, ...healthy.filter((l) => l.startsWith('['))].join('\n')}\n`;
  const pod = withConsul(podFromTemplate(bookinfo('productpage'), { name: POD, namespace: 'bookinfo', app: 'productpage', ip: '10.244.1.17' }));
  writeBundle(
    'fires-consul-dataplane-capture-port',
    { [PODS]: kubectlList([pod]), [`logs/bookinfo/${POD}/istio-proxy.log`]: log },
    {
      findings: [
        {
          subject: productpage,
          severity: 'high',
          occurrences: [`bookinfo/${POD}`],
          explanationIncludes: [
            "runs `istio-proxy` and Consul's `consul-dataplane` with its init container `consul-connect-inject-init`",
            '(Istio 1337, Consul 5995)',
            "binds the same ports as istio-proxy: 15001 (Istio's outbound)",
            "`cannot bind '0.0.0.0:15001': Address already in use`",
            'pod annotation `consul.hashicorp.com/connect-inject: true`',
            'pod label `consul.hashicorp.com/connect-inject-status: injected`',
          ],
          evidencePaths: [PODS],
          evidencePointers: ['/items/0/spec/containers/2', '/items/0/spec/initContainers/1'],
          yamlIncludes: ["consul.hashicorp.com/connect-inject: \"false\""],
        },
      ],
    },
  );
}

// Consul beside Istio's native sidecars (Istio 1.27) in both replicas of `cart`: one finding for the Deployment.
{
  const items = structuredClone(SHOP).filter((p) => /^(cart|catalog)-/.test(p.metadata.name));
  for (const pod of items.filter((p) => p.metadata.name.startsWith('cart-'))) withConsul(pod);
  const cart = items.filter((p) => p.metadata.name.startsWith('cart-')).map((p) => `shop/${p.metadata.name}`).sort();
  writeBundle('fires-consul-native-sidecar-two-replicas', { 'kubernetes/pods/shop.json': kubectlList(items) }, {
    findings: [
      {
        subject: { kind: 'Deployment', namespace: 'shop', name: 'cart' },
        severity: 'high',
        occurrences: cart,
        explanationIncludes: ["2 pods of Deployment cart run `istio-proxy` (a native sidecar) and Consul's `consul-dataplane`", cart.map((c) => `\`${c}\``).join(', ')],
        explanationExcludes: ['catalog'],
        evidencePointers: ['/spec/initContainers/1', '/spec/containers/1'],
      },
    ],
  });
}

// Kuma beside Istio in reviews-v1: the same capture ports 15001 and 15006.
{
  const items = structuredClone(BOOKINFO);
  const i = indexOf(items, 'reviews-v1');
  withKuma(items[i]);
  writeBundle('fires-kuma-sidecar-capture-ports', { [PODS]: kubectlList(items) }, {
    findings: [
      {
        subject: { kind: 'Deployment', namespace: 'bookinfo', name: 'reviews-v1' },
        severity: 'high',
        occurrences: [`bookinfo/${items[i].metadata.name}`],
        explanationIncludes: ["Kuma's `kuma-sidecar` with its init container `kuma-init`", "binds the same ports as istio-proxy: 15001 (Istio's outbound), 15006 (Istio's inbound)", '(Istio 1337, Kuma 5678)', 'pod label `kuma.io/sidecar-injection: enabled`'],
        evidencePointers: [`/items/${i}/spec/containers/2`, `/items/${i}/spec/initContainers/1`, `/items/${i}/metadata/labels/kuma.io~1sidecar-injection`],
        yamlIncludes: ['labels:', 'kuma.io/sidecar-injection: disabled'],
      },
    ],
  });
}

// Open Service Mesh's `envoy` beside osm-init in details, the namespace added to both meshes.
{
  const items = structuredClone(BOOKINFO);
  const i = indexOf(items, 'details');
  withOsm(items[i]);
  const ns = namespace('bookinfo', { labels: { 'istio.io/rev': 'default', 'openservicemesh.io/monitored-by': 'osm' }, annotations: { 'openservicemesh.io/metrics': 'enabled', 'openservicemesh.io/sidecar-injection': 'enabled' } });
  writeBundle('fires-osm-envoy-beside-osm-init', { [PODS]: kubectlList(items), [NAMESPACES]: kubectlList([ns]) }, {
    findings: [
      {
        subject: { kind: 'Deployment', namespace: 'bookinfo', name: 'details-v1' },
        severity: 'high',
        occurrences: [`bookinfo/${items[i].metadata.name}`],
        explanationIncludes: [
          "Open Service Mesh's `envoy` with its init container `osm-init`",
          "15000 (Istio's admin), 15001 (Istio's outbound)",
          '(Istio 1337, Open Service Mesh 1500)',
          'namespace annotation `openservicemesh.io/sidecar-injection: enabled`',
          'namespace label `openservicemesh.io/monitored-by: osm`',
          "Istio's marks: namespace label `istio.io/rev: default`",
        ],
        yamlIncludes: ['openservicemesh.io/sidecar-injection: disabled'],
      },
    ],
  });
}

// AWS App Mesh's `envoy` beside proxyinit in ratings: both meshes exempt UID 1337.
{
  const items = structuredClone(BOOKINFO);
  const i = indexOf(items, 'ratings');
  withAppMesh(items[i]);
  writeBundle('fires-app-mesh-envoy-beside-proxyinit', { [PODS]: kubectlList(items) }, {
    findings: [
      {
        subject: { kind: 'Deployment', namespace: 'bookinfo', name: 'ratings-v1' },
        severity: 'high',
        occurrences: [`bookinfo/${items[i].metadata.name}`],
        explanationIncludes: ["AWS App Mesh's `envoy` with its init container `proxyinit`", 'both exempt UID 1337', "15000 (Istio's admin), 15001 (Istio's outbound)"],
        evidencePointers: [`/items/${i}/spec/containers/2`, `/items/${i}/spec/initContainers/1`],
        yamlIncludes: ['appmesh.k8s.aws/sidecarInjectorWebhook: disabled'],
      },
    ],
  });
}

// Quiet: Istio only (the CP007 listing as it is).
writeBundle('quiet-istio-only', { [PODS]: kubectlList(structuredClone(BOOKINFO)) }, quiet);

// Quiet: a Linkerd-only productpage (Istio's containers, annotations and labels taken out).
{
  const pod = bookinfo('productpage');
  pod.spec.containers = pod.spec.containers.filter((c) => c.name !== 'istio-proxy');
  pod.spec.initContainers = pod.spec.initContainers.filter((c) => c.name !== 'istio-init');
  pod.status.containerStatuses = pod.status.containerStatuses.filter((c) => c.name !== 'istio-proxy');
  pod.status.initContainerStatuses = pod.status.initContainerStatuses.filter((c) => c.name !== 'istio-init');
  for (const key of Object.keys(pod.metadata.annotations)) if (/istio|prometheus/.test(key)) delete pod.metadata.annotations[key];
  for (const key of Object.keys(pod.metadata.labels)) if (/istio/.test(key)) delete pod.metadata.labels[key];
  if (pod.spec.initContainers.length === 0) delete pod.spec.initContainers;
  writeBundle('quiet-linkerd-only', { [PODS]: kubectlList([withLinkerd(pod)]) }, quiet);
}

// Quiet: Istio pods whose own containers are called `envoy` (an edge proxy application) and `envoy-sidecar`
// (another team's injector), with no other mesh's init container or image beside them.
{
  const front = podFromTemplate(bookinfo('productpage'), { name: 'front-envoy-7d9c8b6f5-x2k4q', namespace: 'bookinfo', app: 'front-envoy', ip: '10.244.1.31' });
  const app = front.spec.containers.find((c) => c.name === 'front-envoy');
  Object.assign(app, { args: ['-c', '/etc/envoy/envoy.yaml', '--service-cluster', 'front-envoy'], command: ['envoy'], image: 'docker.io/envoyproxy/envoy:v1.31.2', name: 'envoy' });
  const status = front.status.containerStatuses.find((c) => c.name === 'front-envoy');
  Object.assign(status, { image: app.image, imageID: `docker.io/envoyproxy/envoy@sha256:${hex(app.image)}`, name: 'envoy' });
  front.metadata.annotations['kubectl.kubernetes.io/default-container'] = 'envoy';
  front.metadata.annotations['kubectl.kubernetes.io/default-logs-container'] = 'envoy';
  const auth = podFromTemplate(bookinfo('productpage'), { name: 'auth-5f7b9c8d6-m3p8t', namespace: 'bookinfo', app: 'auth', ip: '10.244.1.32' });
  inject(auth, { containers: [{ args: ['-c', '/etc/envoy/ext-authz.yaml'], image: 'docker.io/envoyproxy/envoy:v1.31.2', imagePullPolicy: 'IfNotPresent', name: 'envoy-sidecar', ports: [{ containerPort: 9901, name: 'admin', protocol: 'TCP' }], resources: {} }] });
  writeBundle('quiet-app-containers-named-envoy', { [PODS]: kubectlList([front, auth]) }, quiet);
}

// Quiet: an Istio pod annotated for Linkerd that Linkerd's injector never touched (no linkerd-proxy): a mark is not a proxy.
{
  const items = structuredClone(BOOKINFO);
  const pod = items[indexOf(items, 'productpage')];
  pod.metadata.annotations['linkerd.io/inject'] = 'enabled';
  writeBundle('quiet-other-mesh-annotation-only', { [PODS]: kubectlList(items) }, quiet);
}

