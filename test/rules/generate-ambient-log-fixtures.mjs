// Regenerates the AMB001 fixture bundles: `node test/rules/generate-ambient-log-fixtures.mjs`.
//
// Cluster: the CP007 fixtures' (samples/healthy) Bookinfo on Istio 1.24.3, three GKE nodes, moved to ambient mode:
// - the `bookinfo` pods of CP007/quiet-one-minor-behind without what the sidecar injector adds (the istio-proxy
//   container and istio-init, their statuses, the injector's annotations and labels), with istio-cni's
//   `ambient.istio.io/redirection: enabled` where a ztunnel captured them; the `bookinfo` Namespace labelled
//   `istio.io/dataplane-mode: ambient` in a `kubectl get namespaces -o json` List (the collector stub cluster's
//   Namespace shape, test/collector/data/kubectl/namespaces.json);
// - ztunnel DaemonSet pods made from the collector stub cluster's ztunnel pod
//   (test/collector/data/kubectl/pods-istio-system.json `ztunnel-4xkzp`): renamed, image 1.24.3, one per node with
//   that node's host IP and a pod IP of its pod CIDR, beside CP007's istiod and ingress gateway;
// - ztunnel logs in the ≥ 1.22 layout (`<time>\t<level>\t<target>\t<message>\t<fields>`), their lines those of
//   test/fixtures/formats/ztunnel.log (origins in its README) with this cluster's names, IPs and times: L2's
//   `connection complete` (mTLS, quoted values), L6's policy rejection (`allow policies exist, but none allowed`)
//   and the `explicitly denied by:` form of its source (index id 59435379918, which also shows the caller's
//   `http status: 401 Unauthorized`), the SAN mismatch of index id 67230987956, L8's XDS error put into the
//   ≥ 1.22 layout; `Stream established` / `received response` of istio/ztunnel#1363 and `XDS client complete`
//   (istio/ztunnel src/xds/client.rs, logged at WARN when istiod closes the stream at its MaxConnectionAge).
// - the pre-1.22 fixture is an istioctl bug-report layout with L9 (tracing's default layout) verbatim, L8 with the
//   date of L9, and L9's connection failing (`ERROR`, `error="io error: Connection refused (os error 111)"`).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlList as list, ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';
import { podFromTemplate } from '../../scripts/fixtures/pod-from-template.mjs';
import { ambientPod as withoutInjection } from '../../scripts/fixtures/ambient-pod.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here; inputs are always read from here.
const writeBundle = (name, files, expect) => writeRuleFixture(join(ruleFixturesOut(here), 'AMB001', name), files, expect);
const formats = readFileSync(join(here, '../fixtures/formats/ztunnel.log'), 'utf8').split('\n').filter((l) => l !== '');
const items = (path) => JSON.parse(readFileSync(join(here, path), 'utf8')).items;

const NODE = { k8vx: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx', m2qd: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-m2qd', w7tn: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-w7tn' };
const HOST_IP = { [NODE.k8vx]: '10.132.0.21', [NODE.m2qd]: '10.132.0.22', [NODE.w7tn]: '10.132.0.20' };

// ─── pods ───────────────────────────────────────────────────────────────────────────────────────
const CP007 = 'CP007/quiet-one-minor-behind/bundle/kubernetes/pods';
const controlPlane = items(`${CP007}/istio-system.json`);
const sidecarBookinfo = items(`${CP007}/bookinfo.json`);

/** A sidecar pod as it is without the injector, on `node`; `redirection` as istio-cni marks a captured pod. */
function ambientPod(pod, { redirection, labels = {}, node } = {}) {
  const out = withoutInjection(pod, { redirection });
  out.metadata.labels ??= {};
  Object.assign(out.metadata.labels, labels);
  if (node) {
    out.spec.nodeName = node;
    out.status.hostIP = HOST_IP[node];
    out.status.hostIPs = [{ ip: HOST_IP[node] }];
  }
  return out;
}

const byName = (prefix) => sidecarBookinfo.find((p) => p.metadata.name.startsWith(prefix));
const bookinfo = (redirection) => sidecarBookinfo.map((p) => ambientPod(p, { redirection }));

const ztunnelTemplate = items('../collector/data/kubectl/pods-istio-system.json').find((p) => p.metadata.name === 'ztunnel-4xkzp');
/** A ztunnel DaemonSet pod on `node`; `state` changes its status (not Ready, crashlooping, being deleted). */
function ztunnelPod(name, node, podIp, state = 'ready') {
  const pod = structuredClone(ztunnelTemplate);
  pod.metadata.name = name;
  pod.metadata.uid = `7a1f0c2e-5b3d-4e8a-9f6c-${Buffer.from(name).toString('hex').slice(-12).padStart(12, '0')}`;
  pod.metadata.creationTimestamp = '2025-03-04T16:12:40Z';
  pod.spec.nodeName = node;
  pod.spec.containers[0].image = 'docker.io/istio/ztunnel:1.24.3';
  const status = pod.status.containerStatuses[0];
  status.image = 'docker.io/istio/ztunnel:1.24.3';
  status.imageID = 'docker.io/istio/ztunnel@sha256:2c9a6cb1b1a4b3e0a1a6b3b4d8e5f9a07c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f';
  status.state = { running: { startedAt: '2025-03-04T16:12:49Z' } };
  pod.status.startTime = '2025-03-04T16:12:40Z';
  for (const condition of pod.status.conditions) condition.lastTransitionTime = '2025-03-04T16:12:52Z';
  pod.status.hostIP = HOST_IP[node];
  pod.status.hostIPs = [{ ip: HOST_IP[node] }];
  pod.status.podIP = podIp;
  pod.status.podIPs = [{ ip: podIp }];
  if (state === 'crashloop') {
    status.ready = false;
    status.started = false;
    status.restartCount = 12;
    status.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=istio-proxy pod=' + name + '_istio-system(' + pod.metadata.uid + ')' } };
    status.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-03-11T09:21:02Z', finishedAt: '2025-03-11T09:21:33Z' } };
    for (const condition of pod.status.conditions) if (condition.type === 'Ready' || condition.type === 'ContainersReady') Object.assign(condition, { status: 'False', reason: 'ContainersNotReady', lastTransitionTime: '2025-03-11T08:02:10Z' });
  }
  if (state === 'terminating') {
    pod.metadata.deletionTimestamp = '2025-03-11T09:40:02Z';
    pod.metadata.deletionGracePeriodSeconds = 30;
  }
  return pod;
}

const ZT = { k8vx: 'ztunnel-5k2wq', m2qd: 'ztunnel-8hjvx', w7tn: 'ztunnel-q4n7d' };
const ZT_IP = { k8vx: '10.244.1.5', m2qd: '10.244.2.4', w7tn: '10.244.0.6' };
const ztunnels = (states = {}) => Object.entries(ZT).filter(([node]) => states[node] !== 'absent').map(([node, name]) => ztunnelPod(name, NODE[node], ZT_IP[node], states[node]));

const namespace = (name, labels = {}, uid) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { creationTimestamp: '2025-03-04T16:10:02Z', labels: { 'kubernetes.io/metadata.name': name, ...labels }, name, resourceVersion: '3678101', uid },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});
const NAMESPACES = list([
  namespace('bookinfo', { 'istio.io/dataplane-mode': 'ambient' }, '0f6c2b7e-3d41-4a5e-9b8c-1e2f3a4b5c6d'),
  namespace('default', {}, '5a1d9c3b-7e2f-4c6a-8b9d-0e1f2a3b4c5d'),
  namespace('istio-system', {}, '9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'),
]);

// ─── ztunnel log lines (≥ 1.22 layout) ──────────────────────────────────────────────────────────
const PEER = {
  productpage: { pod: 'productpage-v1-54bb874995-9xq7d', ip: '10.244.1.12', sa: 'bookinfo-productpage', service: 'productpage' },
  reviews1: { pod: 'reviews-v1-5b5d6494f4-8fwlm', ip: '10.244.1.15', sa: 'bookinfo-reviews', service: 'reviews' },
  reviews3: { pod: 'reviews-v3-5b9bd44f4-2hj7n', ip: '10.244.1.17', sa: 'bookinfo-reviews', service: 'reviews' },
  ratings: { pod: 'ratings-v1-686ccfb5d8-wq4mv', ip: '10.244.2.18', sa: 'bookinfo-ratings', service: 'ratings' },
  details: { pod: 'details-v1-65cfcf56f9-r2l8c', ip: '10.244.2.14', sa: 'bookinfo-details', service: 'details' },
};
const identity = (peer) => `spiffe://cluster.local/ns/bookinfo/sa/${peer.sa}`;

/** An access event as istio/ztunnel src/proxy/metrics.rs writes it (the field order of formats/ztunnel.log L2). */
function access(time, { level = 'info', src, dst, port, direction, sent, recv, ms, error, identityOf = identity }) {
  const fields = [
    `src.addr=${src.ip}:${port.src}`,
    `src.workload="${src.pod}"`,
    'src.namespace="bookinfo"',
    `src.identity="${identity(src)}"`,
    `dst.addr=${dst.ip}:15008`,
    `dst.hbone_addr=${dst.ip}:9080`,
    `dst.service="${dst.service}.bookinfo.svc.cluster.local"`,
    `dst.workload="${dst.pod}"`,
    'dst.namespace="bookinfo"',
    `dst.identity="${identityOf(dst)}"`,
    `direction="${direction}"`,
    `bytes_sent=${sent}`,
    `bytes_recv=${recv}`,
    `duration="${ms}ms"`,
    ...(error ? [`error="${error}"`] : []),
  ];
  return `${time}\t${level}\taccess\tconnection complete\t${fields.join(' ')}`;
}
const ok = (time, src, dst, direction, srcPort, bytes = [1024, 3382], ms = 14) => access(time, { src, dst, port: { src: srcPort }, direction, sent: bytes[0], recv: bytes[1], ms });
const failed = (time, src, dst, direction, srcPort, error) => access(time, { level: 'error', src, dst, port: { src: srcPort }, direction, sent: 0, recv: 0, ms: 0, error });

const START = [
  '2025-03-11T09:20:01.114083Z\tinfo\txds::client:xds{id=1}\tStream established',
  '2025-03-11T09:20:01.114131Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=23 removes=0',
  '2025-03-11T09:20:01.114292Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.security.Authorization" size=2 removes=0',
];
/** istiod closes the stream at its MaxConnectionAge (30 min): ztunnel logs it at WARN and reconnects at once. */
const routineReconnect = (id) => [`2025-03-11T09:50:01.120417Z\twarn\txds::client:xds{id=${id}}\tXDS client complete`, `2025-03-11T09:50:01.131502Z\tinfo\txds::client:xds{id=${id + 1}}\tStream established`];
const ROUTINE_RECONNECT = routineReconnect(1);

const { productpage, reviews1, reviews3, ratings, details } = PEER;
const HEALTHY = [
  ok('2025-03-11T09:21:12.204511Z', productpage, details, 'outbound', 48210, [230, 358], 9),
  ok('2025-03-11T09:21:12.231870Z', productpage, reviews1, 'outbound', 51822, [241, 295], 17),
  ok('2025-03-11T09:21:12.232014Z', productpage, reviews1, 'inbound', 51822, [295, 241], 16),
  ok('2025-03-11T09:21:14.880032Z', reviews3, ratings, 'outbound', 39114, [201, 176], 6),
];
const DENIED = 'connection closed due to policy rejection: explicitly denied by: bookinfo/deny-reviews-v3';
const NONE_ALLOWED = 'connection closed due to policy rejection: allow policies exist, but none allowed';
const SAN = 'io error: invalid peer certificate: Other(OtherError(identity verification error: peer did not present the expected SAN (spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings), got spiffe://cluster.local/ns/bookinfo/sa/default))';
const FAULTS = [
  // productpage → reviews-v3, both on k8vx: the destination side rejects, the caller's side sees HTTP 401.
  ...['09:31:02.118204', '09:31:07.402771', '09:31:19.950336'].flatMap((t, i) => [
    failed(`2025-03-11T${t}Z`, productpage, reviews3, 'inbound', 55410 + i, DENIED),
    failed(`2025-03-11T${t.slice(0, -3)}${String(Number(t.slice(-3)) + 41).padStart(3, '0')}Z`, productpage, reviews3, 'outbound', 55410 + i, 'http status: 401 Unauthorized'),
  ]),
  ...['09:32:44.019283', '09:33:01.774102'].flatMap((t, i) => [
    failed(`2025-03-11T${t}Z`, productpage, reviews1, 'inbound', 57022 + i, NONE_ALLOWED),
    failed(`2025-03-11T${t.slice(0, -3)}${String(Number(t.slice(-3)) + 37).padStart(3, '0')}Z`, productpage, reviews1, 'outbound', 57022 + i, 'http status: 401 Unauthorized'),
  ]),
  // reviews-v1 → ratings (on m2qd): ratings presents the `default` service account's certificate.
  access('2025-03-11T09:34:10.551902Z', { level: 'error', src: reviews1, dst: ratings, port: { src: 40118 }, direction: 'outbound', sent: 0, recv: 0, ms: 3, error: SAN, identityOf: () => 'spiffe://cluster.local/ns/bookinfo/sa/default' }),
  access('2025-03-11T09:34:12.093417Z', { level: 'error', src: reviews1, dst: ratings, port: { src: 40126 }, direction: 'outbound', sent: 0, recv: 0, ms: 2, error: SAN, identityOf: () => 'spiffe://cluster.local/ns/bookinfo/sa/default' }),
];
// formats/ztunnel.log L8's XDS error, in the ≥ 1.22 layout.
const XDS_ERROR = formats[7].replace(/^\S+ +WARN xds\{id=1\}: ztunnel::xds::client: /, '');
// The stream breaks, the first reconnect breaks too, the second one holds.
const XDS_ERRORS = [
  ...['2025-03-11T09:27:40.204428Z', '2025-03-11T09:27:40.318870Z'].map((t, i) => `${t}\twarn\txds::client:xds{id=${i + 1}}\t${XDS_ERROR}`),
  '2025-03-11T09:27:40.441026Z\tinfo\txds::client:xds{id=3}\tStream established',
];

const log = (lines) => `${lines.join('\n')}\n`;
const ZT_LOG = (node) => `logs/istio-system/${ZT[node]}/ztunnel.log`;
const subjectNode = (node) => ({ kind: 'Node', name: NODE[node] });

const podFiles = ({ states, pods }) => ({
  'kubernetes/pods/istio-system.json': list([...controlPlane, ...ztunnels(states)]),
  'kubernetes/pods/bookinfo.json': list(pods),
  'kubernetes/namespaces.json': NAMESPACES,
});

// ─── fires: policy rejections and an mTLS SAN mismatch (≥ 1.22 layout) ─────────────────────────
writeBundle(
  'fires-policy-and-tls-errors',
  {
    ...podFiles({ pods: bookinfo('enabled') }),
    [ZT_LOG('k8vx')]: log([...START, ...HEALTHY, ...XDS_ERRORS, ...FAULTS, ...routineReconnect(3)]),
  },
  {
    findings: [
      {
        subject: subjectNode('k8vx'),
        severity: 'high',
        explanationIncludes: [
          `\`${DENIED}\` 3 times from 2025-03-11T09:31:02.118204Z to 2025-03-11T09:31:19.950336Z`,
          `\`bookinfo/${productpage.pod}\` → \`bookinfo/${reviews3.pod}\` (service \`reviews.bookinfo.svc.cluster.local\`) (3)`,
          'This log holds 16 connections, 12 of them failed.',
        ],
        evidencePaths: [ZT_LOG('k8vx')],
        evidenceIncludes: ['explicitly denied by: bookinfo/deny-reviews-v3'],
      },
      {
        subject: subjectNode('k8vx'),
        severity: 'high',
        explanationIncludes: [`\`${NONE_ALLOWED}\` 2 times`, `\`bookinfo/${productpage.pod}\` → \`bookinfo/${reviews1.pod}\` (service \`reviews.bookinfo.svc.cluster.local\`) (2)`],
      },
      {
        subject: subjectNode('k8vx'),
        severity: 'high',
        explanationIncludes: ['`http status: 401 Unauthorized` 5 times', `→ \`bookinfo/${reviews3.pod}\` (service \`reviews.bookinfo.svc.cluster.local\`) (3), \`bookinfo/${productpage.pod}\` → \`bookinfo/${reviews1.pod}\``],
      },
      {
        subject: subjectNode('k8vx'),
        severity: 'high',
        explanationIncludes: ['(mTLS handshake failures)', 'peer did not present the expected SAN (spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings)', `\`bookinfo/${reviews1.pod}\` → \`bookinfo/${ratings.pod}\` (service \`ratings.bookinfo.svc.cluster.local\`) (2)`],
      },
      {
        subject: subjectNode('k8vx'),
        severity: 'medium',
        explanationIncludes: ['`XDS client error: gRPC error (Unknown error): error reading a body from connection: broken pipe, retrying` 2 times', 'XDS stream to istiod failing'],
        explanationExcludes: ['XDS client complete'],
      },
    ],
  },
);

// ─── fires: a pre-1.22 log (tracing's default layout), istioctl bug-report layout, no pod listing ─
const L9 = formats[8];
const L9_FAILED = L9.replace('2024-04-11T15:38:42.182974Z  INFO', '2024-04-11T15:38:44.016255Z ERROR')
  .replace('src.addr=10.244.0.24:46238', 'src.addr=10.244.0.24:46240')
  .replace('bytes_sent=67 bytes_recv=490 duration="13ms"', 'bytes_sent=0 bytes_recv=0 duration="1ms" error="io error: Connection refused (os error 111)"');
const L8 = (time) => formats[7].replace(/^\S+/, time);
const OLD_POD = 'ztunnel-7xwq2';
writeBundle(
  'fires-pre-1-22-tracing-layout',
  { [`bug-report/proxies/istio-system/${OLD_POD}/istio-proxy.log`]: log([L8('2024-04-11T15:38:40.204428Z'), L9, L8('2024-04-11T15:38:43.530117Z'), L9_FAILED]) },
  {
    findings: [
      {
        subject: { kind: 'Pod', namespace: 'istio-system', name: OLD_POD },
        severity: 'high',
        explanationIncludes: ['`io error: Connection refused (os error 111)` once at 2024-04-11T15:38:44.016255Z (connections failing)', '`default/shell-6d8bcd654d-t88gp` → `10.244.0.42` (service `echo.default.svc.cluster.local`) (1)', 'This log holds 2 connections, 1 of them failed.'],
        evidencePaths: [`bug-report/proxies/istio-system/${OLD_POD}/istio-proxy.log`],
      },
      {
        subject: { kind: 'Pod', namespace: 'istio-system', name: OLD_POD },
        severity: 'medium',
        explanationIncludes: ['2 times from 2024-04-11T15:38:40.204428Z to 2024-04-11T15:38:43.530117Z'],
      },
    ],
  },
);

// ─── fires: the node comes from collect.sh's manifest when no pod listing names it ──────────────
const MANIFEST_POD = 'ztunnel-6fz9m';
const MANIFEST_LOG = `logs/istio-system/${MANIFEST_POD}/ztunnel.log`;
const manifestLog = log([formats[1], formats[5]]);
writeBundle(
  'fires-node-from-manifest',
  {
    'manifest.json': `${JSON.stringify(
      {
        schemaVersion: 1,
        collector: { name: 'istio-bundle-collector', version: '0.1.0' },
        collectedAt: '2026-10-10T01:05:00Z',
        cluster: { name: 'starfleet', context: 'kind-starfleet' },
        options: { namespaces: ['starfleet'], tail: 2000 },
        artifacts: [
          {
            path: MANIFEST_LOG,
            kind: 'logs.ztunnel',
            command: `kubectl logs ${MANIFEST_POD} -n istio-system -c istio-proxy --tail=2000`,
            exitCode: 0,
            durationMs: 187,
            bytes: Buffer.byteLength(manifestLog),
            truncated: false,
            namespace: 'istio-system',
            pod: MANIFEST_POD,
            container: 'istio-proxy',
            node: 'starfleet-worker2',
          },
        ],
      },
      null,
      2,
    )}\n`,
    [MANIFEST_LOG]: manifestLog,
  },
  {
    findings: [
      {
        subject: { kind: 'Node', name: 'starfleet-worker2' },
        severity: 'high',
        explanationIncludes: [`ztunnel \`istio-system/${MANIFEST_POD}\` on node \`starfleet-worker2\``, '`starfleet/shuttle-7b5db664c-v7b6x` → `starfleet/navcom-v1-7467bbc689-bj5jz`'],
      },
    ],
  },
);

// ─── fires: ambient pods on a node without ztunnel, and on one whose ztunnel crashloops ─────────
const mongodb = ambientPod(
  podFromTemplate(byName('productpage'), { name: 'mongodb-v1-7d8f6c9b5-xk2pl', namespace: 'bookinfo', app: 'mongodb', ip: '10.244.1.21', labels: { 'istio.io/dataplane-mode': 'none' } }),
  {},
);
writeBundle(
  'fires-node-without-ztunnel',
  {
    ...podFiles({
      states: { k8vx: 'absent', m2qd: 'crashloop' },
      // k8vx's pods were never captured (no annotation), m2qd's were before its ztunnel began to crash.
      pods: [...sidecarBookinfo.map((p) => ambientPod(p, { redirection: p.spec.nodeName === NODE.m2qd ? 'enabled' : undefined })), mongodb],
    }),
    [ZT_LOG('w7tn')]: log([...START, ...ROUTINE_RECONNECT]),
  },
  {
    findings: [
      {
        subject: subjectNode('k8vx'),
        severity: 'critical',
        explanationIncludes: [
          `3 ambient pods are scheduled on node \`${NODE.k8vx}\` (\`bookinfo/${productpage.pod}\`, \`bookinfo/${reviews1.pod}\`, \`bookinfo/${reviews3.pod}\`; enrolled by namespace \`bookinfo\` labelled \`istio.io/dataplane-mode=ambient\`)`,
          'no ztunnel pod (`app=ztunnel`) runs there',
        ],
        explanationExcludes: ['mongodb'],
        occurrences: [`bookinfo/${productpage.pod}`, `bookinfo/${reviews1.pod}`, `bookinfo/${reviews3.pod}`],
        evidencePaths: ['kubernetes/pods/bookinfo.json', 'kubernetes/namespaces.json'],
      },
      {
        subject: subjectNode('m2qd'),
        severity: 'critical',
        explanationIncludes: [`its ztunnel \`istio-system/${ZT.m2qd}\` is CrashLoopBackOff (12 restarts)`, `\`bookinfo/${details.pod}\``],
        evidencePaths: ['kubernetes/pods/istio-system.json'],
      },
    ],
  },
);

// ─── quiet: only successful connections and routine XDS reconnects ──────────────────────────────
writeBundle('quiet-routine-lines-only', { [ZT_LOG('k8vx')]: log([...START, ...HEALTHY, formats[1], ...ROUTINE_RECONNECT]) }, { findings: [] });

// ─── quiet: every node with ambient pods has a Ready ztunnel (k8vx's old one terminating, its new one Ready) ─
const replacement = ztunnelPod('ztunnel-r9m3c', NODE.k8vx, '10.244.1.6');
writeBundle(
  'quiet-every-ambient-node-has-ztunnel',
  {
    'kubernetes/pods/istio-system.json': list([...controlPlane, ...ztunnels({ k8vx: 'terminating' }), replacement]),
    'kubernetes/pods/bookinfo.json': list([...bookinfo('enabled'), mongodb]),
    'kubernetes/namespaces.json': NAMESPACES,
    [ZT_LOG('m2qd')]: log([...START, ok('2025-03-11T09:21:14.880032Z', reviews3, ratings, 'inbound', 39114, [176, 201], 5), ...ROUTINE_RECONNECT]),
  },
  { findings: [] },
);

// ─── fires: ztunnel's DNS proxy fails to answer (DNS capture on: `cni.ambient.dnsCapture=true`) ──
// ztunnel's src/dns/handler.rs logs `error!("request error: {}", e)` when it cannot send a DNS answer back (here
// the io error of a TCP client that had closed its connection already); in the ≥ 1.22 layout its target is
// `dns::handler`. The `dns` lines at debug are its DNS access log (istio/ztunnel#1512's format).
const dnsAccess = (time, peer, query, domain, result, endpoints) =>
  `${time}\tdebug\tdns\tsrc.workload="${peer.pod}" src.namespace="bookinfo" query="${query}" domain="${domain}" result="${result}" endpoints=${endpoints}`;
const DNS_LOOKUPS = [
  dnsAccess('2025-03-11T09:36:40.117204Z', productpage, 'A', 'reviews.bookinfo.svc.cluster.local.', 'success', 0),
  dnsAccess('2025-03-11T09:36:40.117351Z', productpage, 'AAAA', 'reviews.bookinfo.svc.cluster.local.', 'service does not support this record type', 0),
  // glibc's search-domain expansions of an external name: NXDOMAIN upstream, then the name itself resolves.
  dnsAccess('2025-03-11T09:36:41.502918Z', reviews1, 'A', 'api.exchangerate.example.com.bookinfo.svc.cluster.local.', 'forwarding failed', 0),
  dnsAccess('2025-03-11T09:36:41.503377Z', reviews1, 'A', 'api.exchangerate.example.com.svc.cluster.local.', 'forwarding failed', 0),
  dnsAccess('2025-03-11T09:36:41.531806Z', reviews1, 'A', 'api.exchangerate.example.com.', 'forwarded', 2),
];
const DNS_REQUEST_ERRORS = ['2025-03-11T09:37:12.480116Z', '2025-03-11T09:37:12.480533Z', '2025-03-11T09:38:55.019472Z'].map((t) => `${t}\terror\tdns::handler\trequest error: Broken pipe (os error 32)`);
writeBundle(
  'fires-dns-proxy-request-errors',
  { ...podFiles({ pods: bookinfo('enabled') }), [ZT_LOG('k8vx')]: log([...START, ...HEALTHY, ...DNS_LOOKUPS, ...DNS_REQUEST_ERRORS, ...ROUTINE_RECONNECT]) },
  {
    findings: [
      {
        subject: subjectNode('k8vx'),
        severity: 'medium',
        titleIncludes: [`ztunnel \`istio-system/${ZT.k8vx}\` on node \`${NODE.k8vx}\`: DNS proxy failures — request error: Broken pipe (os error 32)`],
        explanationIncludes: [
          '`request error: Broken pipe (os error 32)` 3 times from 2025-03-11T09:37:12.480116Z to 2025-03-11T09:38:55.019472Z (DNS proxy failures).',
          "That means ztunnel's DNS proxy failed to answer: applications on this node see name-resolution errors for the names it serves.",
        ],
        explanationExcludes: ['forwarding failed'],
        remediationIncludes: ['Check the upstream DNS servers the node resolves with'],
        evidencePaths: [ZT_LOG('k8vx')],
        evidenceIncludes: ['dns::handler\trequest error: Broken pipe (os error 32)'],
        commandsInclude: ['kubectl -n istio-system get ds ztunnel'],
      },
    ],
  },
);

// ─── quiet: the DNS access log at debug, failed search-domain expansions included, is no error ─
writeBundle('quiet-dns-access-log-only', { ...podFiles({ pods: bookinfo('enabled') }), [ZT_LOG('k8vx')]: log([...START, ...HEALTHY, ...DNS_LOOKUPS, ...ROUTINE_RECONNECT]) }, { findings: [] });

// ─── quiet: the only ambient-namespace pod of a node without ztunnel is on the host network ─────
// `monitoring` is labelled ambient, and kube-prometheus-stack's node-exporter DaemonSet (hostNetwork, hostPID, every
// node) runs there. ztunnel's DaemonSet leaves out w7tn (it runs istiod and the ingress gateway, nothing of
// bookinfo): the node-exporter pod on it shares the node's network namespace, which istio-cni never redirects, so
// no ambient traffic depends on a ztunnel there.
const EXPORTER_DS = 'kube-prometheus-stack-prometheus-node-exporter';
function nodeExporterPod(node, suffix) {
  const ip = HOST_IP[node];
  const at = '2025-03-04T16:14:21Z';
  const condition = (type, time = at) => ({ lastProbeTime: null, lastTransitionTime: time, status: 'True', type });
  const probe = { failureThreshold: 3, httpGet: { httpHeaders: [], path: '/', port: 9100, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
      creationTimestamp: at,
      generateName: `${EXPORTER_DS}-`,
      labels: {
        'app.kubernetes.io/component': 'metrics',
        'app.kubernetes.io/instance': 'kube-prometheus-stack',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/name': 'prometheus-node-exporter',
        'app.kubernetes.io/part-of': 'prometheus-node-exporter',
        'app.kubernetes.io/version': '1.8.2',
        'controller-revision-hash': '6b8d7c9f54',
        'helm.sh/chart': 'prometheus-node-exporter-4.39.0',
        jobLabel: 'node-exporter',
        'pod-template-generation': '1',
        release: 'kube-prometheus-stack',
      },
      name: `${EXPORTER_DS}-${suffix}`,
      namespace: 'monitoring',
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'DaemonSet', name: EXPORTER_DS, uid: '3d5f7a9c-1b2e-4c6d-8e0f-2a4b6c8d0e1f' }],
      resourceVersion: '3679412',
      uid: `8e2c4a6f-0b1d-4e3f-9a5c-7d${Buffer.from(suffix).toString('hex').padStart(10, '0')}`,
    },
    spec: {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
      automountServiceAccountToken: false,
      containers: [
        {
          args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--path.udev.data=/host/root/run/udev/data', '--web.listen-address=[$(HOST_IP)]:9100'],
          env: [{ name: 'HOST_IP', value: '0.0.0.0' }],
          image: 'quay.io/prometheus/node-exporter:v1.8.2',
          imagePullPolicy: 'IfNotPresent',
          livenessProbe: probe,
          name: 'node-exporter',
          ports: [{ containerPort: 9100, hostPort: 9100, name: 'http-metrics', protocol: 'TCP' }],
          readinessProbe: probe,
          resources: {},
          securityContext: { readOnlyRootFilesystem: true },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [
            { mountPath: '/host/proc', name: 'proc', readOnly: true },
            { mountPath: '/host/sys', name: 'sys', readOnly: true },
            { mountPath: '/host/root', mountPropagation: 'HostToContainer', name: 'root', readOnly: true },
          ],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      hostNetwork: true,
      hostPID: true,
      nodeName: node,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
      serviceAccount: EXPORTER_DS,
      serviceAccountName: EXPORTER_DS,
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoSchedule', operator: 'Exists' },
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/network-unavailable', operator: 'Exists' },
      ],
      volumes: [
        { hostPath: { path: '/proc', type: '' }, name: 'proc' },
        { hostPath: { path: '/sys', type: '' }, name: 'sys' },
        { hostPath: { path: '/', type: '' }, name: 'root' },
      ],
    },
    status: {
      conditions: [condition('PodReadyToStartContainers', '2025-03-04T16:14:24Z'), condition('Initialized'), condition('Ready', '2025-03-04T16:14:31Z'), condition('ContainersReady', '2025-03-04T16:14:31Z'), condition('PodScheduled')],
      containerStatuses: [
        {
          containerID: `containerd://${Buffer.from(`node-exporter-${suffix}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
          image: 'quay.io/prometheus/node-exporter:v1.8.2',
          imageID: 'quay.io/prometheus/node-exporter@sha256:4032c6d5bf7e8e4c2d1a3b2a9e0f5c6d7b8a9e0f1c2d3b4a5e6f7a8b9c0d1e2f',
          lastState: {},
          name: 'node-exporter',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: '2025-03-04T16:14:23Z' } },
        },
      ],
      hostIP: ip,
      hostIPs: [{ ip }],
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'BestEffort',
      startTime: at,
    },
  };
}
writeBundle(
  'quiet-host-network-pod-on-node-without-ztunnel',
  {
    'kubernetes/pods/istio-system.json': list([...controlPlane, ...ztunnels({ w7tn: 'absent' })]),
    'kubernetes/pods/bookinfo.json': list(bookinfo('enabled')),
    'kubernetes/pods/monitoring.json': list([nodeExporterPod(NODE.w7tn, 'c4x8v'), nodeExporterPod(NODE.k8vx, 'h2m9q'), nodeExporterPod(NODE.m2qd, 'r7t5z')]),
    'kubernetes/namespaces.json': list([
      namespace('bookinfo', { 'istio.io/dataplane-mode': 'ambient' }, '0f6c2b7e-3d41-4a5e-9b8c-1e2f3a4b5c6d'),
      namespace('default', {}, '5a1d9c3b-7e2f-4c6a-8b9d-0e1f2a3b4c5d'),
      namespace('istio-system', {}, '9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'),
      namespace('monitoring', { 'istio.io/dataplane-mode': 'ambient' }, '2b4d6f8a-0c1e-4a3b-9d5f-7e9a1b3c5d7e'),
    ]),
    [ZT_LOG('k8vx')]: log([...START, ...HEALTHY, ...ROUTINE_RECONNECT]),
  },
  { findings: [] },
);
