// Writes samples/ambient/ whole (removed and rewritten, manifest included): `node scripts/make-ambient-sample.mjs`
// (see samples/README.md, "ambient/"). Deterministic: no clock, no randomness; every UID, container ID and
// ephemeral port is derived from a name (sha256), so a second run writes the same bytes.
//
// What: samples/healthy's cluster (GKE `shop-prod-eu1`, nodes pool-1 k8vx and m2qd) eight months later, moved to
// ambient mode on Istio 1.26.4 and collected by collector/collect.sh at 2025-11-04T10:15:00Z:
// - `bookinfo` (labels `istio.io/dataplane-mode=ambient`, `istio.io/use-waypoint=waypoint`): the six Bookinfo pods
//   without sidecars, and since 08:46 that day a waypoint for the L7 AuthorizationPolicy `productpage-viewer` (GET
//   only, `targetRefs` Service productpage): Gateway `waypoint` of class `istio-waypoint` (what `istioctl waypoint
//   apply -n bookinfo --enroll-namespace` makes), its `spec.infrastructure.parametersRef` naming a ConfigMap that
//   sets the istio-proxy memory limit to 64Mi. The pod is OOMKilled 30 s after every start and has never been Ready
//   (CrashLoopBackOff, 17 restarts), so the policy is enforced by nothing, and every call to a bookinfo Service
//   (productpage → details, reviews) fails at the caller's ztunnel: `connection failed … no healthy upstream`.
// - `shop` (ambient, no waypoint): AuthorizationPolicy `payments-viewer` (selector app=payments, methods GET/POST)
//   goes to ztunnel, which drops its HTTP rules and so allows nothing: every frontend → payments connection is
//   rejected by policy. cart and checkout run on the new node pool-2 h5rc, where the ztunnel DaemonSet (node
//   selector `cloud.google.com/gke-nodepool: pool-1`, never updated for the new pool) runs no pod.
// - istio-system: istiod (one, Ready), the ztunnel DaemonSet's two pods (k8vx, m2qd) and istio-cni-node on all
//   three nodes.
//
// From what, formats and origins:
// - pods (`kubectl get pods -n <ns> -o json`): samples/healthy's real pod JSON. Bookinfo's keep their apps, images,
//   nodes and IPs, renamed to new ReplicaSets (they were restarted without the injection); the sidecar injector's
//   istio-init, istio-proxy, annotations and labels taken out and istio-cni's `ambient.istio.io/redirection: enabled`
//   added, as test/rules/generate-ambient-log-fixtures.mjs does. shop's are healthy's productpage pod renamed with
//   scripts/fixtures/pod-from-template.mjs. istiod is healthy's, renamed and on 1.26.4. ztunnel and istio-cni pods
//   come from the collector stub cluster's ztunnel pod (test/collector/data/kubectl/pods-istio-system.json
//   `ztunnel-4xkzp`), as the AMB001 fixtures make them. The waypoint pod is istiod's waypoint template
//   (manifests/charts/istio-control/istio-discovery/files/waypoint.yaml; docs istio-facts §6.1) in the shape of
//   test/rules/generate-ambient-fixtures.mjs `waypointPod`, with the 64Mi limit and the OOMKilled status;
// - `kubectl get … -o json` Lists (namespaces, `istio/resources/<kind>.json`, `kubernetes/resources/<ns>.json` with
//   Services, EndpointSlices and Deployments): keys sorted, 4-space indent (scripts/fixtures/bundle-files.mjs);
//   Gateway and AuthorizationPolicy status conditions as istiod's ambient status writer words them (those of the
//   AMB002/AMB003 fixtures); paths, commands and kinds those of collector/collect.sh;
// - ztunnel logs (`kubectl logs <ztunnel> -n istio-system -c istio-proxy --tail=2000 --since=30m`, kind `logs.ztunnel`, the
//   manifest entry carrying `node`): the ≥ 1.22 tab layout of ztunnel's `src/telemetry.rs` as
//   test/fixtures/formats/ztunnel.log shows it (its origins in test/fixtures/formats/README.md) (access events `connection complete` with quoted values, at ERROR with
//   `error=` on failure; `connection failed` at WARN with `src.addr dst.addr direction error` only, as
//   `log_early_deny` writes it; xds `Stream established` / `received response` / `XDS client complete`);
// - istiod's `discovery.log`: zap console lines of samples/healthy and cert-expiry (`Push debounce stable`,
//   `XDS: Incremental Pushing`, delta `ADS: new delta connection` / `… terminated`);
// - the waypoint's `istio-proxy.log` (its last run, which the OOM kill ends mid-start): pilot-agent's start-up
//   messages in zap's console format (`Starting proxy agent`, `xdsproxy connected to delta upstream XDS server`),
//   written from pilot-agent's messages, not copied from a capture;
// - `istioctl proxy-status`: istioctl 1.26's table (`NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION`, tabwriter
//   padding 5; ztunnels subscribe none of these types: `IGNORED`). The waypoint is not listed: its container is
//   not running at collection time, so it holds no XDS stream.
// Node >= 20, no dependencies.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlList } from './fixtures/bundle-files.mjs';
import { podFromTemplate } from './fixtures/pod-from-template.mjs';
import { ambientPod as withoutInjection } from './fixtures/ambient-pod.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(REPO, 'samples/ambient');
const COLLECTED = '2025-11-04T10:15:00Z';
const VERSION = '1.26.4';
const CLUSTER = { name: 'shop-prod-eu1', context: 'gke_acme-shop_europe-west1_shop-prod-eu1' };

// ─── deterministic ids ──────────────────────────────────────────────────────────────────────────
const digest = (what) => createHash('sha256').update(`ambient:${what}`).digest('hex');
const uid = (what) => {
  const h = digest(`uid:${what}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const cid = (what) => `containerd://${digest(`container:${what}`)}`;
const rv = (what) => String(48100000 + (parseInt(digest(`rv:${what}`).slice(0, 6), 16) % 900000));
const port = (what) => 33000 + (parseInt(digest(`port:${what}`).slice(0, 6), 16) % 28000);
const at = (iso, seconds) => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');

// ─── topology ───────────────────────────────────────────────────────────────────────────────────
const NODES = {
  k8vx: { name: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx', ip: '10.132.0.21', zone: 'europe-west1-b' },
  m2qd: { name: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-m2qd', ip: '10.132.0.22', zone: 'europe-west1-c' },
  h5rc: { name: 'gke-shop-prod-eu1-pool-2-7b1e4d2a-h5rc', ip: '10.132.0.23', zone: 'europe-west1-d' },
};
const MIGRATED = '2025-10-28T13:41:07Z'; // Bookinfo restarted without sidecars
const POOL2 = '2025-11-03T16:52:30Z'; // the autoscaler added pool-2's node; shop's cart and checkout rescheduled there

const healthyPods = (ns) => JSON.parse(readFileSync(join(REPO, `samples/healthy/kubernetes/pods/${ns}.json`), 'utf8')).items;
const ZTUNNEL_TEMPLATE = JSON.parse(readFileSync(join(REPO, 'test/collector/data/kubectl/pods-istio-system.json'), 'utf8')).items.find((p) => p.metadata.name === 'ztunnel-4xkzp');

/** A sidecar pod as it runs in ambient mode (scripts/fixtures/ambient-pod.mjs), captured by istio-cni. */
const ambientPod = (pod) => withoutInjection(pod, { redirection: 'enabled' });

/** Dates, node and ids of a pod started at `created` on `node` (the template's offsets: ready after 13 s). */
function place(pod, { created, node, ip }) {
  const m = pod.metadata;
  m.creationTimestamp = created;
  m.uid = uid(`pod:${m.namespace}/${m.name}`);
  m.resourceVersion = rv(`pod:${m.name}`);
  m.ownerReferences[0].uid = uid(`rs:${m.namespace}/${m.ownerReferences[0].name}`);
  pod.spec.nodeName = node.name;
  const offsets = { PodScheduled: 0, PodReadyToStartContainers: 4, Initialized: 1, Ready: 13, ContainersReady: 13 };
  for (const c of pod.status.conditions) c.lastTransitionTime = at(created, offsets[c.type] ?? 0);
  for (const s of pod.status.containerStatuses) {
    s.containerID = cid(`${m.name}/${s.name}`);
    if (s.state.running) s.state.running.startedAt = at(created, 5);
  }
  pod.status.startTime = created;
  pod.status.hostIP = node.ip;
  pod.status.hostIPs = [{ ip: node.ip }];
  if (ip) {
    pod.status.podIP = ip;
    pod.status.podIPs = [{ ip }];
  }
  return pod;
}

/** Renames a pod to a new ReplicaSet of the same Deployment (`<deployment>-<hash>-<suffix>`). */
function renamed(pod, name) {
  const old = pod.metadata.name;
  const oldRs = old.slice(0, old.lastIndexOf('-'));
  const rs = name.slice(0, name.lastIndexOf('-'));
  const out = JSON.parse(JSON.stringify(pod).replaceAll(old, name).replaceAll(oldRs, rs));
  out.metadata.labels['pod-template-hash'] = rs.split('-').at(-1);
  return out;
}

// Bookinfo: healthy's pods, nodes and IPs; new ReplicaSets.
const BOOKINFO_NAMES = {
  'details-v1-65cfcf56f9-r2l8c': 'details-v1-7d4c8b9f65-hx2kq',
  'productpage-v1-54bb874995-9xq7d': 'productpage-v1-6f9b7c8d54-tq4wz',
  'ratings-v1-686ccfb5d8-wq4mv': 'ratings-v1-5c8d7f6b49-jn8rt',
  'reviews-v1-5b5d6494f4-8fwlm': 'reviews-v1-7b9c6d8f57-vp3mx',
  'reviews-v2-5b667bcbf8-tz6qw': 'reviews-v2-6d8f9b7c45-zk5wd',
  'reviews-v3-5b9bd44f4-2hj7n': 'reviews-v3-5f7d9c8b66-rb7nq',
};
const nodeByName = (name) => Object.values(NODES).find((n) => n.name === name);
const bookinfoPods = healthyPods('bookinfo').map((p, i) => {
  const pod = renamed(ambientPod(p), BOOKINFO_NAMES[p.metadata.name]);
  if (Object.keys(pod.metadata.annotations).length === 0) delete pod.metadata.annotations;
  for (const s of pod.status.containerStatuses) s.image = s.image.replace(':1.20.2', ':1.20.3');
  for (const c of pod.spec.containers) c.image = c.image.replace(':1.20.2', ':1.20.3');
  return place(pod, { created: at(MIGRATED, i * 3), node: nodeByName(p.spec.nodeName) });
});
const POD = Object.fromEntries(bookinfoPods.map((p) => [p.metadata.labels.app + (p.metadata.labels.app === 'reviews' ? p.metadata.labels.version.slice(1) : ''), p]));

// shop: healthy's productpage pod as the template of its four Deployments.
const productpageTemplate = healthyPods('bookinfo').find((p) => p.metadata.name.startsWith('productpage-'));
const SHOP = {
  frontend: { name: 'frontend-8c5d7b9f46-w2xkp', ip: '10.244.1.24', node: NODES.k8vx, created: '2025-10-30T08:12:44Z' },
  payments: { name: 'payments-6b9f8d7c54-m7qzt', ip: '10.244.1.27', node: NODES.k8vx, created: '2025-10-30T08:12:46Z' },
  cart: { name: 'cart-7f6c9d8b57-d4nsv', ip: '10.244.3.9', node: NODES.h5rc, created: at(POOL2, 74) },
  checkout: { name: 'checkout-5d8b7f9c68-x9hgl', ip: '10.244.3.11', node: NODES.h5rc, created: at(POOL2, 77) },
};
const shopPods = Object.entries(SHOP).map(([app, s]) => {
  const pod = ambientPod(podFromTemplate(productpageTemplate, { name: s.name, namespace: 'shop', app, ip: s.ip }));
  delete pod.metadata.annotations['kubectl.kubernetes.io/default-container'];
  if (Object.keys(pod.metadata.annotations).length === 0) delete pod.metadata.annotations;
  return place(pod, { created: s.created, node: s.node, ip: s.ip });
});

// istio-system: istiod (healthy's, renamed), ztunnel on pool-1 only, istio-cni-node everywhere.
const ISTIOD = 'istiod-7f6d8c9b54-q2xnv';
const istiodPod = (() => {
  const pod = renamed(healthyPods('istio-system').find((p) => p.metadata.labels.app === 'istiod'), ISTIOD);
  const text = JSON.stringify(pod).replaceAll('1.24.3', VERSION);
  return place(JSON.parse(text), { created: '2025-10-21T09:03:12Z', node: NODES.m2qd, ip: '10.244.2.5' });
})();

const ZTUNNELS = {
  k8vx: { name: 'ztunnel-7hq2m', ip: '10.244.1.4', node: NODES.k8vx },
  m2qd: { name: 'ztunnel-c9x4t', ip: '10.244.2.4', node: NODES.m2qd },
};
const ZTUNNEL_STARTED = '2025-10-21T09:05:40Z';
function daemonPod(name, node, ip, { app, container, image, hostNetwork, ds, hash }) {
  const pod = structuredClone(ZTUNNEL_TEMPLATE);
  pod.metadata.name = name;
  pod.metadata.labels = { ...pod.metadata.labels, app, 'app.kubernetes.io/name': app, 'controller-revision-hash': hash, 'pod-template-generation': '4' };
  if (app === 'istio-cni-node') {
    pod.metadata.labels['k8s-app'] = 'istio-cni-node';
    delete pod.metadata.labels['istio.io/dataplane-mode'];
  }
  pod.metadata.ownerReferences[0].name = ds;
  pod.metadata.ownerReferences[0].uid = uid(`ds:${ds}`);
  const c = pod.spec.containers[0];
  c.name = container;
  c.image = image;
  if (app === 'istio-cni-node') {
    c.args = ['--log_output_level=default:info'];
    c.env = [{ name: 'REPAIR_ENABLED', value: 'true' }, { name: 'AMBIENT_ENABLED', value: 'true' }];
    c.resources = { requests: { cpu: '100m', memory: '100Mi' } };
    pod.spec.serviceAccount = pod.spec.serviceAccountName = 'istio-cni';
  } else {
    pod.spec.nodeSelector = { 'cloud.google.com/gke-nodepool': 'pool-1', 'kubernetes.io/os': 'linux' };
  }
  if (hostNetwork) pod.spec.hostNetwork = true;
  pod.spec.priorityClassName = 'system-node-critical';
  pod.spec.priority = 2000001000;
  const s = pod.status.containerStatuses[0];
  s.name = container;
  s.image = image;
  s.imageID = `${image.split(':')[0]}@sha256:${digest(`image:${image}`)}`;
  const created = app === 'istio-cni-node' && node === NODES.h5rc ? POOL2 : ZTUNNEL_STARTED;
  place(pod, { created, node, ip });
  pod.metadata.generateName = `${ds}-`;
  return pod;
}
const ztunnelPods = Object.values(ZTUNNELS).map((z) =>
  daemonPod(z.name, z.node, z.ip, { app: 'ztunnel', container: 'istio-proxy', image: `docker.io/istio/ztunnel:${VERSION}-distroless`, ds: 'ztunnel', hash: '6d5b8c7f94' }),
);
const CNI = { k8vx: 'istio-cni-node-4rkw8', m2qd: 'istio-cni-node-n8d2v', h5rc: 'istio-cni-node-t6zqc' };
const cniPods = Object.entries(CNI).map(([n, name]) =>
  daemonPod(name, NODES[n], NODES[n].ip, { app: 'istio-cni-node', container: 'install-cni', image: `docker.io/istio/install-cni:${VERSION}-distroless`, hostNetwork: true, ds: 'istio-cni-node', hash: '7c9f5d8b66' }),
);

// The waypoint: istiod's template, 64Mi from the Gateway's parametersRef, OOMKilled in its last run.
const WAYPOINT = { name: 'waypoint-5c7b9d4f86-k2mvx', hash: '5c7b9d4f86', ip: '10.244.2.31', node: NODES.m2qd, created: '2025-11-04T08:46:58Z', vip: '10.96.118.40' };
const LAST_START = '2025-11-04T10:12:08Z';
const LAST_END = '2025-11-04T10:12:38Z';
const RESTARTS = 17;
function waypointPod() {
  const w = WAYPOINT;
  const fieldRef = (fieldPath) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const resourceRef = (resource) => ({ valueFrom: { resourceFieldRef: { divisor: '1', resource } } });
  const condition = (type, status, time, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: time, status, type, ...extra });
  const unready = { message: 'containers with unready status: [istio-proxy]', reason: 'ContainersNotReady' };
  const podUid = uid(`pod:bookinfo/${w.name}`);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'istio.io/rev': 'default', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' },
      creationTimestamp: w.created,
      generateName: `waypoint-${w.hash}-`,
      labels: {
        'gateway.istio.io/managed': 'istio.io-mesh-controller',
        'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint',
        'gateway.networking.k8s.io/gateway-name': 'waypoint',
        'istio.io/dataplane-mode': 'none',
        'pod-template-hash': w.hash,
        'service.istio.io/canonical-name': 'waypoint',
        'service.istio.io/canonical-revision': 'latest',
        'sidecar.istio.io/inject': 'false',
      },
      name: w.name,
      namespace: 'bookinfo',
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `waypoint-${w.hash}`, uid: uid(`rs:bookinfo/waypoint-${w.hash}`) }],
      resourceVersion: rv(`pod:${w.name}`),
      uid: podUid,
    },
    spec: {
      containers: [
        {
          args: ['proxy', 'waypoint', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--serviceCluster', 'waypoint.$(POD_NAMESPACE)', '--proxyLogLevel', 'warning', '--proxyComponentLogLevel', 'misc:error', '--log_output_level', 'default:info'],
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
            { name: 'ISTIO_META_WORKLOAD_NAME', value: 'waypoint' },
            { name: 'ISTIO_META_OWNER', value: 'kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/waypoint' },
            { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
            { name: 'TRUST_DOMAIN', value: 'cluster.local' },
          ],
          image: `docker.io/istio/proxyv2:${VERSION}`,
          imagePullPolicy: 'IfNotPresent',
          name: 'istio-proxy',
          ports: [
            { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
            { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
            { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
          ],
          readinessProbe: { failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 1 },
          resources: { limits: { cpu: '2', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
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
      nodeName: w.node.name,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'waypoint',
      serviceAccountName: 'waypoint',
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
        condition('PodReadyToStartContainers', 'True', at(w.created, 2)),
        condition('Initialized', 'True', w.created),
        condition('Ready', 'False', w.created, unready),
        condition('ContainersReady', 'False', w.created, unready),
        condition('PodScheduled', 'True', w.created),
      ],
      containerStatuses: [
        {
          containerID: cid(`${w.name}/istio-proxy/${RESTARTS}`),
          image: `docker.io/istio/proxyv2:${VERSION}`,
          imageID: `docker.io/istio/proxyv2@sha256:${digest(`image:proxyv2:${VERSION}`)}`,
          lastState: { terminated: { containerID: cid(`${w.name}/istio-proxy/${RESTARTS}`), exitCode: 137, finishedAt: LAST_END, reason: 'OOMKilled', startedAt: LAST_START } },
          name: 'istio-proxy',
          ready: false,
          restartCount: RESTARTS,
          started: false,
          state: { waiting: { message: `back-off 5m0s restarting failed container=istio-proxy pod=${w.name}_bookinfo(${podUid})`, reason: 'CrashLoopBackOff' } },
        },
      ],
      hostIP: w.node.ip,
      hostIPs: [{ ip: w.node.ip }],
      phase: 'Running',
      podIP: w.ip,
      podIPs: [{ ip: w.ip }],
      qosClass: 'Burstable',
      startTime: w.created,
    },
  };
}
const waypoint = waypointPod();

// ─── namespaces, Istio and Gateway API resources ────────────────────────────────────────────────
const namespace = (name, created, labels = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { creationTimestamp: created, labels: { 'kubernetes.io/metadata.name': name, ...labels }, name, resourceVersion: rv(`ns:${name}`), uid: uid(`ns:${name}`) },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});
const NAMESPACES = [
  namespace('bookinfo', '2025-03-04T16:19:58Z', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' }),
  namespace('default', '2025-03-03T15:02:11Z'),
  namespace('istio-system', '2025-03-03T15:19:40Z'),
  namespace('kube-node-lease', '2025-03-03T15:02:09Z'),
  namespace('kube-public', '2025-03-03T15:02:09Z'),
  namespace('kube-system', '2025-03-03T15:02:09Z'),
  namespace('shop', '2025-10-30T08:10:02Z', { 'istio.io/dataplane-mode': 'ambient' }),
];

const GATEWAY_AT = WAYPOINT.created;
const gatewayUid = uid('gateway:bookinfo/waypoint');
const gcond = (type, reason, message, status = 'True') => ({ lastTransitionTime: at(GATEWAY_AT, -2), message, observedGeneration: 1, reason, status, type });
const WAYPOINT_GATEWAY = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {
    creationTimestamp: at(GATEWAY_AT, -4),
    generation: 1,
    labels: { 'istio.io/waypoint-for': 'service' },
    name: 'waypoint',
    namespace: 'bookinfo',
    resourceVersion: rv('gateway'),
    uid: gatewayUid,
  },
  spec: {
    gatewayClassName: 'istio-waypoint',
    infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'waypoint-options' } },
    listeners: [{ allowedRoutes: { namespaces: { from: 'Same' } }, name: 'mesh', port: 15008, protocol: 'HBONE' }],
  },
  status: {
    addresses: [
      { type: 'IPAddress', value: WAYPOINT.vip },
      { type: 'Hostname', value: 'waypoint.bookinfo.svc.cluster.local' },
    ],
    conditions: [gcond('Accepted', 'Accepted', 'Resource accepted'), gcond('Programmed', 'Programmed', 'Resource programmed, assigned to service(s) waypoint.bookinfo.svc.cluster.local:15008')],
    listeners: [
      {
        attachedRoutes: 0,
        conditions: [gcond('Accepted', 'Accepted', 'No errors found'), gcond('Conflicted', 'NoConflicts', 'No errors found', 'False'), gcond('Programmed', 'Programmed', 'No errors found'), gcond('ResolvedRefs', 'ResolvedRefs', 'No errors found')],
        name: 'mesh',
        supportedKinds: [],
      },
    ],
  },
};

const pcond = (type, status, reason, message, time) => ({ lastTransitionTime: time, message, observedGeneration: '1', reason, status, type });
const PRODUCTPAGE_VIEWER = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { creationTimestamp: '2025-11-04T08:46:51Z', generation: 1, name: 'productpage-viewer', namespace: 'bookinfo', resourceVersion: rv('ap:productpage-viewer'), uid: uid('ap:productpage-viewer') },
  spec: { action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'] } }] }], targetRefs: [{ group: '', kind: 'Service', name: 'productpage' }] },
  status: { conditions: [pcond('WaypointAccepted', 'True', 'Accepted', 'bound to bookinfo/waypoint', '2025-11-04T08:46:58.318254107Z')] },
};
const PAYMENTS_VIEWER = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { creationTimestamp: '2025-11-04T09:58:41Z', generation: 1, name: 'payments-viewer', namespace: 'shop', resourceVersion: rv('ap:payments-viewer'), uid: uid('ap:payments-viewer') },
  spec: {
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }], to: [{ operation: { methods: ['GET', 'POST'] } }] }],
    selector: { matchLabels: { app: 'payments' } },
  },
  status: {
    conditions: [
      pcond(
        'ZtunnelAccepted',
        'True',
        'UnsupportedValue',
        'ztunnel does not support HTTP attributes (found: methods). In ambient mode you must use a waypoint proxy to enforce HTTP rules. Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.',
        '2025-11-04T09:58:41.904117362Z',
      ),
    ],
  },
};

// ─── Services, EndpointSlices, Deployments per namespace ────────────────────────────────────────
const healthyServices = JSON.parse(readFileSync(join(REPO, 'samples/healthy/istio/resources/services.json'), 'utf8')).items;
const SHOP_VIPS = { cart: '10.96.44.156', checkout: '10.96.201.93', frontend: '10.96.118.7', payments: '10.96.73.12' };
function service(ns, name, vip, ports, selector, extra = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { creationTimestamp: extra.created ?? '2025-10-30T08:12:40Z', ...(extra.labels ? { labels: extra.labels } : { labels: { app: name, service: name } }), ...(extra.annotations ? { annotations: extra.annotations } : {}), name, namespace: ns, ...(extra.owner ? { ownerReferences: [extra.owner] } : {}), resourceVersion: rv(`svc:${ns}/${name}`), uid: uid(`svc:${ns}/${name}`) },
    spec: { clusterIP: vip, clusterIPs: [vip], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports, selector, sessionAffinity: 'None', type: 'ClusterIP' },
    status: { loadBalancer: {} },
  };
}
const bookinfoServices = [
  ...healthyServices.filter((s) => s.metadata.namespace === 'bookinfo'),
  service('bookinfo', 'waypoint', WAYPOINT.vip, [{ name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 }, { name: 'mesh', port: 15008, protocol: 'TCP', targetPort: 15008 }], { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, {
    created: at(GATEWAY_AT, -1),
    labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint', 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
    annotations: { 'networking.istio.io/traffic-distribution': 'PreferClose' },
    owner: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'waypoint', uid: gatewayUid },
  }),
];
const shopServices = Object.keys(SHOP)
  .sort()
  .map((app) => service('shop', app, SHOP_VIPS[app], [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 9080 }], { app }));

const podsSelected = (svc, pods) => pods.filter((p) => Object.entries(svc.spec.selector).every(([k, v]) => p.metadata.labels[k] === v));
const ready = (p) => p.status.containerStatuses.every((c) => c.ready);
function endpointSlice(svc, pods) {
  const name = `${svc.metadata.name}-${digest(`eps:${svc.metadata.namespace}/${svc.metadata.name}`).replace(/[0-9]/g, '').slice(0, 5).padEnd(5, 'x')}`;
  return {
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints: podsSelected(svc, pods).map((p) => ({
      addresses: [p.status.podIP],
      conditions: { ready: ready(p), serving: ready(p), terminating: false },
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
      zone: nodeByName(p.spec.nodeName).zone,
    })),
    kind: 'EndpointSlice',
    metadata: {
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': svc.metadata.name === 'waypoint' ? LAST_END : at(podsSelected(svc, pods).map((p) => p.metadata.creationTimestamp).sort().at(-1), 13) },
      creationTimestamp: svc.metadata.creationTimestamp,
      generateName: `${svc.metadata.name}-`,
      generation: 3,
      labels: { ...(svc.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.metadata.name },
      name,
      namespace: svc.metadata.namespace,
      ownerReferences: [{ apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid }],
      resourceVersion: rv(`eps:${name}`),
      uid: uid(`eps:${svc.metadata.namespace}/${name}`),
    },
    ports: svc.spec.ports.map((p) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol })),
  };
}
function deployment(pod, { revision = '2', managed } = {}) {
  const rs = pod.metadata.ownerReferences[0].name;
  const name = rs.slice(0, rs.lastIndexOf('-'));
  const labels = Object.fromEntries(Object.entries(pod.metadata.labels).filter(([k]) => k !== 'pod-template-hash'));
  const selector = managed ? { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } : { app: labels.app, version: labels.version };
  const spec = structuredClone(pod.spec);
  delete spec.nodeName;
  const isReady = ready(pod);
  const created = managed ? at(GATEWAY_AT, -1) : pod.metadata.namespace === 'shop' ? '2025-10-30T08:12:40Z' : '2025-03-04T16:20:20Z';
  const c = (type, status, reason, message, time) => ({ lastTransitionTime: time, lastUpdateTime: time, message, reason, status, type });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': revision },
      creationTimestamp: created,
      generation: Number(revision),
      labels: managed ? { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint', 'gateway.networking.k8s.io/gateway-name': 'waypoint' } : { app: labels.app, version: labels.version },
      name,
      namespace: pod.metadata.namespace,
      ...(managed ? { ownerReferences: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'waypoint', uid: gatewayUid }] } : {}),
      resourceVersion: rv(`deploy:${name}`),
      uid: uid(`deploy:${pod.metadata.namespace}/${name}`),
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: {
          ...(pod.metadata.annotations ? { annotations: Object.fromEntries(Object.entries(pod.metadata.annotations).filter(([k]) => k !== 'ambient.istio.io/redirection')) } : {}),
          labels,
        },
        spec,
      },
    },
    status: {
      ...(isReady ? { availableReplicas: 1 } : {}),
      conditions: isReady
        ? [c('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', at(pod.metadata.creationTimestamp, 13)), c('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`, at(pod.metadata.creationTimestamp, 13))]
        : [c('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`, at(pod.metadata.creationTimestamp, 14)), c('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', pod.metadata.creationTimestamp)],
      observedGeneration: Number(revision),
      ...(isReady ? { readyReplicas: 1 } : {}),
      replicas: 1,
      ...(isReady ? {} : { unavailableReplicas: 1 }),
      updatedReplicas: 1,
    },
  };
}
const bookinfoAll = [...bookinfoPods, waypoint];
const nsResources = (services, pods, deployments) => kubectlList([...services, ...services.map((s) => endpointSlice(s, pods)), ...deployments]);

// ─── ztunnel logs ───────────────────────────────────────────────────────────────────────────────
const BOOKINFO_SVC = Object.fromEntries(bookinfoServices.map((s) => [s.metadata.name, s.spec.clusterIP]));
const peer = (pod, service) => ({ pod: pod.metadata.name, ns: pod.metadata.namespace, ip: pod.status.podIP, sa: pod.spec.serviceAccountName, service });
const P = {
  productpage: peer(POD.productpage, 'productpage'),
  details: peer(POD.details, 'details'),
  ratings: peer(POD.ratings, 'ratings'),
  reviews1: peer(POD.reviews1, 'reviews'),
  reviews2: peer(POD.reviews2, 'reviews'),
  reviews3: peer(POD.reviews3, 'reviews'),
};
const shopPod = (app) => shopPods.find((p) => p.metadata.labels.app === app);
const S = { frontend: peer(shopPod('frontend'), 'frontend'), payments: peer(shopPod('payments'), 'payments') };
const identity = (p) => `spiffe://cluster.local/ns/${p.ns}/sa/${p.sa}`;

/** `connection complete` as istio/ztunnel src/proxy/metrics.rs writes it (the field order of formats/ztunnel.log L2). */
function complete(time, { level = 'info', src, dst, dstPort, direction, sent, recv, ms, error, key }) {
  const fields = [
    `src.addr=${src.ip}:${port(key)}`,
    `src.workload="${src.pod}"`,
    `src.namespace="${src.ns}"`,
    `src.identity="${identity(src)}"`,
    `dst.addr=${dst.ip}:15008`,
    `dst.hbone_addr=${dst.ip}:${dstPort}`,
    `dst.service="${dst.service}.${dst.ns}.svc.cluster.local"`,
    `dst.workload="${dst.pod}"`,
    `dst.namespace="${dst.ns}"`,
    `dst.identity="${identity(dst)}"`,
    `direction="${direction}"`,
    `bytes_sent=${sent}`,
    `bytes_recv=${recv}`,
    `duration="${ms}ms"`,
    ...(error ? [`error="${error}"`] : []),
  ];
  return [time, `${time}\t${level}\taccess\tconnection complete\t${fields.join(' ')}`];
}
/** `connection failed` (`log_early_deny`): the outbound connection refused before a destination was chosen. */
const early = (time, src, dstAddr, error, key) => [time, `${time}\twarn\taccess\tconnection failed\tsrc.addr=${src.ip}:${port(key)} dst.addr=${dstAddr} direction="outbound" error="${error}"`];

/** A new XDS stream to istiod and its first responses (istio/ztunnel#1363's lines), `us` the microseconds of each. */
const xdsStart = (hms, us, id, sizes) => [
  [micro(hms, us), `${micro(hms, us)}\tinfo\txds::client:xds{id=${id}}\tStream established`],
  ...sizes.map(([type, size], i) => {
    const time = micro(hms, us + 48 + i * 161);
    return [time, `${time}\tinfo\txds::client:xds{id=${id}}\treceived response\ttype_url="type.googleapis.com/${type}" size=${size} removes=0`];
  }),
];
/** istiod closes the stream at its MaxConnectionAge (30 min): ztunnel logs it at WARN and reconnects at once. */
const reconnect = (hms, us, id, sizes) => [[micro(hms, us), `${micro(hms, us)}\twarn\txds::client:xds{id=${id}}\tXDS client complete`], ...xdsStart(hms, us + 11085, id + 1, sizes)];
const SIZES = [['istio.workload.Address', 31], ['istio.security.Authorization', 2]];

const micro = (hms, us) => `2025-11-04T${hms}.${String(us).padStart(6, '0')}Z`;
const NO_HEALTHY = `no healthy upstream: ${WAYPOINT.vip}:15008`;
const NONE_ALLOWED = 'connection closed due to policy rejection: allow policies exist, but none allowed';
const UNAUTHORIZED = 'http status: 401 Unauthorized';

function k8vxLog() {
  const lines = [...xdsStart('09:50:02', 114083, 41, SIZES)];
  // productpage → details / reviews through the waypoint: its only pod is not ready, so the caller's ztunnel finds no endpoint.
  const minutes = ['10:00', '10:01', '10:02', '10:03', '10:04', '10:05', '10:06', '10:07', '10:08', '10:09', '10:10', '10:11', '10:12', '10:13', '10:14'];
  minutes.forEach((m, i) => {
    const s = String(7 + (i * 13) % 50).padStart(2, '0');
    lines.push(early(micro(`${m}:${s}`, 204511 + i * 7919), P.productpage, `${BOOKINFO_SVC.details}:9080`, NO_HEALTHY, `pp-details-${i}`));
    lines.push(early(micro(`${m}:${s}`, 231870 + i * 7919), P.productpage, `${BOOKINFO_SVC.reviews}:9080`, NO_HEALTHY, `pp-reviews-${i}`));
  });
  // shop frontend → payments, both on this node: the policy ztunnel enforces without its HTTP rules allows nothing.
  ['10:00:41', '10:02:12', '10:03:44', '10:05:15', '10:06:47', '10:08:18', '10:09:50', '10:11:21', '10:12:53', '10:14:24'].forEach((t, i) => {
    const key = `fe-pay-${i}`;
    lines.push(complete(micro(t, 550210 + i * 1013), { level: 'error', src: S.frontend, dst: S.payments, dstPort: 9080, direction: 'inbound', sent: 0, recv: 0, ms: 0, error: NONE_ALLOWED, key }));
    lines.push(complete(micro(t, 550251 + i * 1013), { level: 'error', src: S.frontend, dst: S.payments, dstPort: 9080, direction: 'outbound', sent: 0, recv: 0, ms: 1, error: UNAUTHORIZED, key }));
  });
  // Before the policy (09:58:41) frontend's calls went through.
  ['09:52:03', '09:53:35', '09:55:06', '09:56:38'].forEach((t, i) => {
    const key = `fe-pay-ok-${i}`;
    lines.push(complete(micro(t, 118204 + i * 3001), { src: S.frontend, dst: S.payments, dstPort: 9080, direction: 'inbound', sent: 1873, recv: 612, ms: 38 + i, key }));
    lines.push(complete(micro(t, 118311 + i * 3001), { src: S.frontend, dst: S.payments, dstPort: 9080, direction: 'outbound', sent: 612, recv: 1873, ms: 39 + i, key }));
  });
  lines.push(...reconnect('10:20:02', 120417, 41, SIZES).filter(([t]) => t < COLLECTED));
  return finish(lines);
}

function m2qdLog() {
  // Nothing reaches this node's pods: productpage's calls fail at its own ztunnel (the waypoint), and nothing
  // else calls details, ratings or reviews-v2. XDS lines only: the stream of 09:50, recycled at 10:05 and 10:20
  // would be next (istiod's MaxConnectionAge is 30 min per stream; this one was opened at 09:35).
  const lines = [...reconnect('10:05:03', 880032, 39, SIZES)];
  return finish(lines);
}

function finish(lines) {
  return `${lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, l]) => l).join('\n')}\n`;
}

// ─── istiod log ─────────────────────────────────────────────────────────────────────────────────
function istiodLog() {
  const lines = [];
  const push = (time, text) => lines.push([time, `${time}\t${text}`]);
  // Waypoint runs: connects ~2 s after each start, its stream ends when the OOM kill takes the container.
  const runs = [['10:01:40', '10:02:10'], ['10:06:54', '10:07:24'], [LAST_START.slice(11, 19), LAST_END.slice(11, 19)]];
  let conn = 212;
  runs.forEach(([start, end], i) => {
    const s = micro(start, 0).replace('.000000Z', '');
    const connectAt = `${at(`${s}Z`, 2).replace('Z', '')}.${String(133458 + i * 4111).padStart(6, '0')}Z`;
    const endAt = `${at(`${s.slice(0, 11)}${end}Z`, 0).replace('Z', '')}.${String(926982 - i * 5003).padStart(6, '0')}Z`;
    push(connectAt, `info\tdelta\tADS: new delta connection for node:${WAYPOINT.name}.bookinfo-${conn}`);
    push(endAt, `info\tdelta\tADS: "${WAYPOINT.ip}:${port(`wp-${i}`)}" ${WAYPOINT.name}.bookinfo-${conn} terminated`);
    conn += 3;
  });
  // Endpoint churn of the waypoint's pod (not ready / ready never): debounced incremental pushes to the 2 ztunnels.
  let n = 731;
  ['10:00:12', '10:02:11', '10:04:37', '10:07:25', '10:09:48', '10:12:39', '10:14:02'].forEach((t, i) => {
    const base = micro(t, 100211 + i * 9173);
    push(base, `info\tads\tPush debounce stable[${n}] 1 for config ServiceEntry/bookinfo/waypoint.bookinfo.svc.cluster.local: 100.${String(211186 + i * 1777).slice(0, 6)}ms since last change, ${200 + i * 17}.${String(313 + i * 41).slice(0, 3)}ms since last push, full=false`);
    const pushAt = base.replace(/\.(\d{6})Z$/, (m, us) => `.${String(Number(us) + 252).padStart(6, '0')}Z`);
    push(pushAt, `info\tads\tXDS: Incremental Pushing ConnectedEndpoints:2 Version:2025-11-04T${t}Z/${n - 12}`);
    n += 1;
  });
  // payments-viewer created at 09:58:41: a full push.
  push(micro('09:58:42', 5117), `info\tads\tPush debounce stable[730] 1 for config AuthorizationPolicy/shop/payments-viewer: 100.402113ms since last change, 100.401889ms since last push, full=true`);
  push(micro('09:58:42', 5402), 'info\tads\tXDS: Pushing Services:13 ConnectedEndpoints:2 Version:2025-11-04T09:58:42Z/718');
  // The ztunnels' streams, recycled at istiod's MaxConnectionAge.
  push(micro('09:50:02', 101877), `info\tdelta\tADS: new delta connection for node:${ZTUNNELS.k8vx.name}.istio-system-207`);
  push(micro('10:05:03', 880671), `info\tdelta\tADS: "${ZTUNNELS.m2qd.ip}:${port('zt-m2qd')}" ${ZTUNNELS.m2qd.name}.istio-system-198 terminated`);
  push(micro('10:05:03', 889940), `info\tdelta\tADS: new delta connection for node:${ZTUNNELS.m2qd.name}.istio-system-209`);
  return finish(lines);
}

// ─── the waypoint's last run (its log ends where the OOM kill stopped it) ──────────────────────
function waypointLog() {
  const t = (s, us) => `${at(LAST_START, s).replace('Z', '')}.${String(us).padStart(6, '0')}Z`;
  const lines = [
    [t(0, 118392), 'info\tFLAG: --concurrency="0"'],
    [t(0, 121884), `info\tVersion ${VERSION}-1f3a2c9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39-Clean`],
    [t(0, 124504), `info\tProxy role\tips=[${WAYPOINT.ip}] type=router id=${WAYPOINT.name}.bookinfo domain=bookinfo.svc.cluster.local`],
    [t(0, 124573), 'info\tApply proxy config from env {}'],
    [t(0, 130186), 'info\tcpu limit detected as 2, setting concurrency'],
    [t(0, 132027), 'info\tJWT policy is third-party-jwt'],
    [t(0, 132037), 'info\tusing credential fetcher of JWT type in cluster.local trust domain'],
    [t(0, 334283), 'info\tWorkload SDS socket not found. Starting Istio SDS Server'],
    [t(0, 334316), 'info\tCA Endpoint istiod.istio-system.svc:15012, provider Citadel'],
    [t(0, 334340), 'info\tUsing CA istiod.istio-system.svc:15012 cert with certs: var/run/secrets/istio/root-cert.pem'],
    [t(0, 334609), 'info\tOpening status port 15020'],
    [t(0, 353186), 'info\txdsproxy\tInitializing with upstream address "istiod.istio-system.svc:15012" and cluster "Kubernetes"'],
    [t(0, 353598), 'info\tsds\tStarting SDS grpc server'],
    [t(0, 354115), 'info\tstarting Http service at 127.0.0.1:15004'],
    [t(0, 356604), 'info\tStarting proxy agent'],
    [t(0, 356660), 'info\tEnvoy command: [-c etc/istio/proxy/envoy-rev.json --drain-time-s 45 --drain-strategy immediate --local-address-ip-version v4 --file-flush-interval-msec 1000 --disable-hot-restart --allow-unknown-static-fields -l warning --component-log-level misc:error]'],
    [t(2, 118204), 'info\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=1'],
    [t(2, 147233), 'info\tcache\tgenerated new workload certificate\tresourceName=default latency=1.791s ttl=23h59m59.852769s'],
    [t(2, 147265), 'info\tcache\tRoot cert has changed, start rotating root cert'],
    [t(2, 147289), 'info\tcache\treturned workload trust anchor from cache\tttl=23h59m59.852712s'],
  ];
  return finish(lines.map(([time, text]) => [time, `${time}\t${text}`]));
}

// ─── proxy-status ───────────────────────────────────────────────────────────────────────────────
function proxyStatus() {
  const rows = [
    ['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION'],
    ...Object.values(ZTUNNELS)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((z) => [`${z.name}.istio-system`, 'Kubernetes', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', ISTIOD, VERSION]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 5);
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('')).join('\n')}\n`;
}

// ─── write ──────────────────────────────────────────────────────────────────────────────────────
rmSync(DIR, { recursive: true, force: true });
const artifacts = [];
function add(path, kind, command, text, durationMs, extra = {}) {
  mkdirSync(dirname(join(DIR, path)), { recursive: true });
  writeFileSync(join(DIR, path), text);
  artifacts.push({ path, kind, command, exitCode: 0, durationMs, bytes: Buffer.byteLength(text), truncated: false, ...extra });
}
const podMeta = (ns, pod, container) => ({ namespace: ns, pod, container });
const byName = (a, b) => (a.metadata.name < b.metadata.name ? -1 : 1);

add('kubernetes/namespaces.json', 'k8s.resources', 'kubectl get namespaces -o json', kubectlList(NAMESPACES), 214);
add('kubernetes/pods/bookinfo.json', 'kubectl.pods', 'kubectl get pods -n bookinfo -o json', kubectlList([...bookinfoAll].sort(byName)), 388, { namespace: 'bookinfo' });
add('kubernetes/pods/shop.json', 'kubectl.pods', 'kubectl get pods -n shop -o json', kubectlList([...shopPods].sort(byName)), 301, { namespace: 'shop' });
add('kubernetes/pods/istio-system.json', 'kubectl.pods', 'kubectl get pods -n istio-system -o json', kubectlList([istiodPod, ...cniPods, ...ztunnelPods].sort(byName)), 296, { namespace: 'istio-system' });
add(
  'kubernetes/resources/bookinfo.json',
  'k8s.resources',
  'kubectl get services,endpointslices.discovery.k8s.io,deployments -n bookinfo -o json',
  nsResources(bookinfoServices, bookinfoAll, [...bookinfoPods.map((p) => deployment(p)), deployment(waypoint, { revision: '1', managed: true })].sort(byName)),
  467,
  { namespace: 'bookinfo' },
);
add('kubernetes/resources/shop.json', 'k8s.resources', 'kubectl get services,endpointslices.discovery.k8s.io,deployments -n shop -o json', nsResources(shopServices, shopPods, shopPods.map((p) => deployment(p, { revision: '1' })).sort(byName)), 352, { namespace: 'shop' });
add('istio/resources/authorizationpolicies.security.istio.io.json', 'k8s.resources', 'kubectl get authorizationpolicies.security.istio.io -A -o json', kubectlList([PRODUCTPAGE_VIEWER, PAYMENTS_VIEWER]), 243);
add('istio/resources/gateways.gateway.networking.k8s.io.json', 'k8s.resources', 'kubectl get gateways.gateway.networking.k8s.io -A -o json', kubectlList([WAYPOINT_GATEWAY]), 229);
add('istio/proxy-status.txt', 'istioctl.proxyStatus', 'istioctl proxy-status', proxyStatus(), 1187);
add(`logs/istio-system/${ISTIOD}/discovery.log`, 'logs.istiod', `kubectl logs ${ISTIOD} -n istio-system -c discovery --tail=2000 --since=30m`, istiodLog(), 341, podMeta('istio-system', ISTIOD, 'discovery'));
add(`logs/bookinfo/${WAYPOINT.name}/istio-proxy.log`, 'logs.proxy', `kubectl logs ${WAYPOINT.name} -n bookinfo -c istio-proxy --tail=2000 --since=30m`, waypointLog(), 198, podMeta('bookinfo', WAYPOINT.name, 'istio-proxy'));
add(`logs/istio-system/${ZTUNNELS.k8vx.name}/ztunnel.log`, 'logs.ztunnel', `kubectl logs ${ZTUNNELS.k8vx.name} -n istio-system -c istio-proxy --tail=2000 --since=30m`, k8vxLog(), 233, { ...podMeta('istio-system', ZTUNNELS.k8vx.name, 'istio-proxy'), node: NODES.k8vx.name });
add(`logs/istio-system/${ZTUNNELS.m2qd.name}/ztunnel.log`, 'logs.ztunnel', `kubectl logs ${ZTUNNELS.m2qd.name} -n istio-system -c istio-proxy --tail=2000 --since=30m`, m2qdLog(), 187, { ...podMeta('istio-system', ZTUNNELS.m2qd.name, 'istio-proxy'), node: NODES.m2qd.name });

artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
const manifest = {
  schemaVersion: 1,
  collector: { name: 'istio-bundle-collector', version: '0.1.0' },
  collectedAt: COLLECTED,
  cluster: CLUSTER,
  options: { namespaces: ['bookinfo', 'shop'], allNamespaces: false, since: '30m', tail: 2000, maxProxies: 20, istioNamespace: 'istio-system', timeoutSeconds: 60, istioctl: true },
  artifacts,
};
writeFileSync(join(DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`ambient: ${artifacts.length} files`);
