// Writes the certificate files of samples/healthy/ and the whole of samples/cert-expiry/ from the X.509
// fixtures of test/fixtures/certs/ (made with OpenSSL by its generate.sh): `node scripts/make-cert-samples.mjs`
// (see samples/README.md). Run it after `sh test/fixtures/certs/generate.sh`, which makes new keys on every
// run: the certificate files of both samples and their manifest entries' `bytes` change with them (the dates
// stay), nothing else.
//
// samples/healthy/ (Istio's default self-signed CA, istio-root.pem signing the workload certificates
// healthy-*.pem directly): writes only these three files and replaces their entries in its manifest.json
// (the bytes computed from what is written), keeping every other file and entry:
//   kubernetes/configmaps/istio-system-istio-ca-root-cert.json             istio-ca-root-cert ConfigMap
//   proxies/bookinfo/productpage-v1-54bb874995-9xq7d/secret.json           productpage's SDS secrets
//   proxies/istio-system/istio-ingressgateway-5c9f8b6d7-m4tqz/secret.json  the ingress gateway's
//
// samples/cert-expiry/ (removed and rewritten whole, manifest included): the shop mesh of payments-prod-eu1
// (Istio 1.24.3) collected at 2025-09-15T03:10:00Z, ten minutes after its plugged-in CA
// (intermediate-expired.pem, cacerts) expired; its workload certificates are the expiry-*.pem. Its pods are
// samples/healthy's (productpage, the ingress gateway and istiod), renamed; access logs, proxy-status and
// istiod's log are generated here with a fixed seed (see samples/README.md for the story).
//
// Formats and where they come from:
// - `kubectl get ... -o json` (pods, the ConfigMap): keys sorted, 4-space indent, trailing newline, as kubectl
//   prints unstructured objects; the commands and paths are those of collector/collect.sh;
// - certs/cacerts/<field>: `kubectl get secret cacerts -n istio-system -o go-template={{index .data "<field>" |
//   base64decode}}`, the PEM text as is (collector/collect.sh, kind certs.public);
// - proxies/<ns>/<pod>/secret.json: `istioctl proxy-config secret <pod> -n <ns> -o json`, the SecretsConfigDump
//   in protojson (camelCase, fields in proto order, 4-space indent, a trailing newline), the private key
//   `[redacted]` as Envoy's admin prints it; `default` holds the workload chain, `ROOTCA` the trusted root (not a
//   file collect.sh writes: its config_dump.json holds the same secrets; a bundle put together with istioctl has it);
// - access lines: Istio's default TEXT access-log format; istiod/pilot-agent lines: zap's console format;
//   proxy-status: istioctl 1.24's table (see samples/README.md, "Where the formats come from").
//
// Deterministic: the same PEM files give the same bytes (the only randomness is a fixed-seed generator, and
// the order of its calls matters: add new draws at the end). Node >= 20, no dependencies.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlJson } from './fixtures/bundle-files.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

const CERTS = join(REPO, 'test/fixtures/certs');
const pem = (name) => readFileSync(join(CERTS, `${name}.pem`), 'utf8');
const b64 = (text) => Buffer.from(text).toString('base64');
const REDACTED = 'W3JlZGFjdGVkXQ==';


/** `istioctl proxy-config secret <pod> -o json`: jsonpb of the SecretsConfigDump, 4-space indent, Fprintln. Field order = proto order. */
function proxyConfigSecret({ chain, roots, defaultUpdated, rootUpdated }) {
  const dump = {
    dynamicActiveSecrets: [
      {
        name: 'default',
        lastUpdated: defaultUpdated,
        secret: {
          '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
          name: 'default',
          tlsCertificate: { certificateChain: { inlineBytes: b64(chain.map(pem).join('')) }, privateKey: { inlineBytes: REDACTED } },
        },
      },
      {
        name: 'ROOTCA',
        lastUpdated: rootUpdated,
        secret: {
          '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
          name: 'ROOTCA',
          validationContext: { trustedCa: { inlineBytes: b64(roots.map(pem).join('')) } },
        },
      },
    ],
  };
  return `${JSON.stringify(dump, null, 4)}\n`;
}

function rootConfigMap({ namespace, created, resourceVersion, uid, roots }) {
  return kubectlJson({
    apiVersion: 'v1',
    data: { 'root-cert.pem': roots.map(pem).join('') },
    kind: 'ConfigMap',
    metadata: { creationTimestamp: created, labels: { 'istio.io/config': 'true' }, name: 'istio-ca-root-cert', namespace, resourceVersion, uid },
  });
}

function write(dir, path, text) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const artifact = (path, kind, command, text, durationMs, extra = {}) => ({ path, kind, command, exitCode: 0, durationMs, bytes: Buffer.byteLength(text), truncated: false, ...extra });

// --- samples/healthy: its certificate files only ---------------------------------------------------------
function writeHealthy() {
  const dir = join(REPO, 'samples/healthy');
  const files = [];
  const add = (path, kind, command, text, ms, extra) => {
    write(dir, path, text);
    files.push(artifact(path, kind, command, text, ms, extra));
  };

  add(
    'kubernetes/configmaps/istio-system-istio-ca-root-cert.json',
    'k8s.resources',
    'kubectl get configmap istio-ca-root-cert -n istio-system -o json',
    rootConfigMap({ namespace: 'istio-system', created: '2025-03-03T15:20:24Z', resourceVersion: '3618544', uid: '5b0e8f3c-7d21-4a96-9c5e-2f1d84a6b7e3', roots: ['istio-root'] }),
    198,
  );
  const proxies = [
    // pod, namespace, leaf, istio-proxy startedAt (pods file) + 1.5 s, leaf notBefore + 2 min (Istio back-dates notBefore by 2 min)
    ['productpage-v1-54bb874995-9xq7d', 'bookinfo', 'healthy-productpage', '2025-03-04T16:20:31.482Z', '2025-03-11T03:17:00.264Z', 1843],
    ['istio-ingressgateway-5c9f8b6d7-m4tqz', 'istio-system', 'healthy-ingressgateway', '2025-03-03T16:20:18.907Z', '2025-03-11T06:04:00.731Z', 1712],
  ];
  for (const [pod, namespace, leaf, rootUpdated, defaultUpdated, ms] of proxies) {
    add(`proxies/${namespace}/${pod}/secret.json`, 'envoy.configDump', `istioctl proxy-config secret ${pod} -n ${namespace} -o json`, proxyConfigSecret({ chain: [leaf], roots: ['istio-root'], defaultUpdated, rootUpdated }), ms, { namespace, pod, container: 'istio-proxy' });
  }

  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const paths = new Set(files.map((f) => f.path));
  manifest.artifacts = [...manifest.artifacts.filter((a) => !paths.has(a.path)), ...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`healthy: ${files.length} files, manifest ${manifest.artifacts.length} artifacts`);
}

// --- samples/cert-expiry: the whole sample ----------------------------------------------------------------
function writeCertExpiry() {
  const dir = join(REPO, 'samples/cert-expiry');
  rmSync(dir, { recursive: true, force: true });
  const COLLECTED = '2025-09-15T03:10:00Z';
  const files = [];
  const add = (path, kind, command, text, ms, extra) => {
    write(dir, path, text);
    files.push(artifact(path, kind, command, text, ms, extra));
  };

  // --- deterministic randomness --------------------------------------------------------------------
  let seed = 0x5eed2025;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return ((seed >>> 8) & 0xffffff) / 0x1000000;
  };
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  const port = () => int(33000, 60999);
  const digest = (what) => createHash('sha256').update(`cert-expiry:${what}`).digest('hex');

  // --- topology --------------------------------------------------------------------------------------
  const NODES = {
    a: { name: 'gke-payments-prod-eu1-pool-1-8c4e2a7b-q2vd', ip: '10.132.0.30' },
    b: { name: 'gke-payments-prod-eu1-pool-1-8c4e2a7b-x7mh', ip: '10.132.0.31' },
    c: { name: 'gke-payments-prod-eu1-pool-1-8c4e2a7b-z4kp', ip: '10.132.0.32' },
  };
  const ISTIOD = { name: 'istiod-5d8f7b9c4-h7x2p', hash: '5d8f7b9c4', ip: '10.244.0.7', node: NODES.a, created: '2025-09-02T08:14:03Z' };
  const GATEWAY = { name: 'istio-ingressgateway-6f8d9b7c5-r2kxw', hash: '6f8d9b7c5', ip: '10.244.0.12', node: NODES.a, created: '2025-09-02T08:15:40Z', ns: 'istio-system', leaf: 'expiry-ingressgateway' };
  const APPS = {
    frontend: { name: 'frontend-5f7c9d8b6-xq2lm', hash: '5f7c9d8b6', ip: '10.244.1.21', svc: '10.96.118.7', node: NODES.b, created: '2025-09-10T14:22:08Z', image: 'frontend:3.8.2', ua: 'axios/1.7.7' },
    checkout: { name: 'checkout-6b8d7f9c4-t5wzn', hash: '6b8d7f9c4', ip: '10.244.2.33', svc: '10.96.201.93', node: NODES.c, created: '2025-09-10T14:22:09Z', image: 'checkout:2.11.0', ua: 'Go-http-client/1.1' },
    payments: { name: 'payments-7d9f8c6b5-k4hvr', hash: '7d9f8c6b5', ip: '10.244.1.27', svc: '10.96.73.12', node: NODES.b, created: '2025-09-10T14:22:11Z', image: 'payments:4.2.1', ua: 'Java-http-client/21.0.4' },
    cart: { name: 'cart-84c6b9d7f5-pj8sd', hash: '84c6b9d7f5', ip: '10.244.2.29', svc: '10.96.44.156', node: NODES.c, created: '2025-09-10T14:22:08Z', image: 'cart:1.19.4', ua: 'Go-http-client/1.1' },
  };
  for (const [app, a] of Object.entries(APPS)) Object.assign(a, { app, ns: 'shop', leaf: `expiry-${app}` });

  // --- pods: samples/healthy's, renamed ---------------------------------------------------------------
  const healthy = (ns) => JSON.parse(readFileSync(join(REPO, `samples/healthy/kubernetes/pods/${ns}.json`), 'utf8'));
  const at = (iso, seconds) => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace('.000Z', 'Z');
  const cid = (what) => `containerd://${digest(`container:${what}`)}`;
  const rv = () => String(int(2400000, 2990000));

  function renamePod(template, p, { app, ns, labels, serviceAccount, appContainer }) {
    const pod = structuredClone(template);
    const m = pod.metadata;
    m.name = p.name;
    m.namespace = ns;
    m.generateName = `${p.name.slice(0, p.name.lastIndexOf('-') + 1)}`;
    m.creationTimestamp = p.created;
    m.labels = { ...labels, 'pod-template-hash': p.hash };
    m.ownerReferences[0].name = `${p.name.slice(0, p.name.lastIndexOf('-'))}`;
    m.ownerReferences[0].uid = uuid();
    m.resourceVersion = rv();
    m.uid = uuid();
    if (m.annotations['kubectl.kubernetes.io/default-container']) {
      m.annotations['kubectl.kubernetes.io/default-container'] = app;
      m.annotations['kubectl.kubernetes.io/default-logs-container'] = app;
    }
    const s = pod.spec;
    s.nodeName = p.node.name;
    s.serviceAccount = serviceAccount;
    s.serviceAccountName = serviceAccount;
    if (Array.isArray(s.initContainers) && s.initContainers.length === 0) delete s.initContainers;
    if (appContainer) {
      const c = s.containers.find((x) => x.name !== 'istio-proxy');
      c.name = app;
      c.image = appContainer.image;
      c.ports = [{ containerPort: 8080, name: 'http', protocol: 'TCP' }];
    }
    const st = pod.status;
    // Scheduled at creation, init done after 4-5 s, ready after 13 s (as in the template's offsets).
    const offsets = { PodScheduled: 0, PodReadyToStartContainers: 4, Initialized: 5, Ready: 13, ContainersReady: 13 };
    for (const c of st.conditions) c.lastTransitionTime = at(p.created, offsets[c.type] ?? 0);
    st.startTime = p.created;
    st.hostIP = p.node.ip;
    st.hostIPs = [{ ip: p.node.ip }];
    st.podIP = p.ip;
    st.podIPs = [{ ip: p.ip }];
    for (const c of st.containerStatuses) {
      c.containerID = cid(`${p.name}/${c.name}`);
      if (c.name !== 'istio-proxy' && c.name !== 'discovery') {
        c.name = app;
        c.image = `europe-west1-docker.pkg.dev/acme-payments/shop/${appContainer.image.split('/').pop()}`;
        c.imageID = `${c.image.split(':')[0]}@sha256:${digest(`image:${c.image}`)}`;
      } else {
        c.imageID = `${c.image.split(':')[0]}@sha256:${digest(`image:${c.image}`)}`;
      }
      c.state.running.startedAt = at(p.created, 6);
    }
    st.containerStatuses.sort((x, y) => (x.name < y.name ? -1 : 1));
    for (const c of st.initContainerStatuses ?? []) {
      c.containerID = cid(`${p.name}/${c.name}`);
      c.imageID = `${c.image.split(':')[0]}@sha256:${digest(`image:${c.image}`)}`;
      c.state.terminated.containerID = cid(`${p.name}/${c.name}/0`);
      c.state.terminated.startedAt = at(p.created, 4);
      c.state.terminated.finishedAt = at(p.created, 4);
    }
    return pod;
  }

  const sys = healthy('istio-system').items;
  const gwTemplate = sys.find((x) => x.metadata.name.startsWith('istio-ingressgateway'));
  const istiodTemplate = sys.find((x) => x.metadata.name.startsWith('istiod'));
  const appTemplate = healthy('bookinfo').items.find((x) => x.metadata.name.startsWith('productpage'));
  const list = (items) => kubectlJson({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

  const systemPods = [
    renamePod(gwTemplate, GATEWAY, { app: 'istio-ingressgateway', ns: 'istio-system', labels: gwTemplate.metadata.labels, serviceAccount: 'istio-ingressgateway-service-account' }),
    renamePod(istiodTemplate, ISTIOD, { app: 'istiod', ns: 'istio-system', labels: istiodTemplate.metadata.labels, serviceAccount: 'istiod' }),
  ];
  const shopPods = Object.values(APPS).sort((x, y) => (x.name < y.name ? -1 : 1)).map((a) =>
    renamePod(appTemplate, a, {
      app: a.app,
      ns: 'shop',
      labels: { app: a.app, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': a.app, 'service.istio.io/canonical-revision': 'v1', version: 'v1' },
      serviceAccount: a.app,
      appContainer: { image: `europe-west1-docker.pkg.dev/acme-payments/shop/${a.image}` },
    }),
  );
  add('kubernetes/pods/istio-system.json', 'kubectl.pods', 'kubectl get pods -n istio-system -o json', list(systemPods), 331, { namespace: 'istio-system' });
  add('kubernetes/pods/shop.json', 'kubectl.pods', 'kubectl get pods -n shop -o json', list(shopPods), 296, { namespace: 'shop' });

  // --- the CA: ConfigMap and cacerts --------------------------------------------------------------------
  add(
    'kubernetes/configmaps/istio-system-istio-ca-root-cert.json',
    'k8s.resources',
    'kubectl get configmap istio-ca-root-cert -n istio-system -o json',
    rootConfigMap({ namespace: 'istio-system', created: '2024-09-16T09:31:52Z', resourceVersion: '1187', uid: uuid(), roots: ['istio-root'] }),
    187,
  );
  const caField = (field, text) =>
    add(`certs/cacerts/${field}`, 'certs.public', `kubectl get secret cacerts -n istio-system -o go-template={{index .data "${field}" | base64decode}}`, text, int(150, 240), { namespace: 'istio-system' });
  caField('ca-cert.pem', pem('intermediate-expired'));
  caField('cert-chain.pem', pem('intermediate-expired') + pem('istio-root'));
  caField('root-cert.pem', pem('istio-root'));

  // --- proxy-status (1.24 table) ----------------------------------------------------------------------
  const proxies = [GATEWAY, ...Object.values(APPS)].map((p) => ({ id: `${p.name}.${p.ns}`, p })).sort((x, y) => (x.id < y.id ? -1 : 1));
  {
    // Since the last push of each type: the reconnect (CDS, LDS, RDS) and the last EDS push at 03:07:12.
    const ages = { 'istio-ingressgateway': '25m5s', frontend: '25m29s', checkout: '22m41s', payments: '20m6s', cart: '27m12s' };
    const rows = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
    for (const { id, p } of proxies) {
      const s = `SYNCED (${ages[p.app ?? 'istio-ingressgateway']})`;
      rows.push([id, 'Kubernetes', s, s, 'SYNCED (2m47s)', s, 'NOT SENT', ISTIOD.name, '1.24.3']);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 5);
    const text = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('')).join('\n') + '\n';
    add('istio/proxy-status.txt', 'istioctl.proxyStatus', 'istioctl proxy-status', text, 1187);
  }

  // --- proxy-config secret ------------------------------------------------------------------------------
  const index = JSON.parse(readFileSync(join(REPO, 'test/fixtures/certs/index.json'), 'utf8'));
  const notBefore = (leaf) => index.find((c) => c.file === `${leaf}.pem`).notBefore;
  const ms = (iso, plus, frac) => new Date(Date.parse(iso) + plus * 1000).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
  for (const { p } of proxies) {
    const text = proxyConfigSecret({
      chain: [p.leaf, 'intermediate-expired'],
      roots: ['istio-root'],
      // Envoy loads the certificate when istiod signs it: 2 minutes after its notBefore (Istio back-dates it by 2 minutes).
      defaultUpdated: ms(notBefore(p.leaf), 120, String(int(100, 999))),
      rootUpdated: ms(p.created, 7, String(int(100, 999))),
    });
    add(`proxies/${p.ns}/${p.name}/secret.json`, 'envoy.configDump', `istioctl proxy-config secret ${p.name} -n ${p.ns} -o json`, text, int(1500, 2100), { namespace: p.ns, pod: p.name, container: 'istio-proxy' });
  }

  // --- access logs --------------------------------------------------------------------------------------
  const EXPIRY = Date.parse('2025-09-15T03:00:00Z');
  const logs = new Map([[GATEWAY.name, []], ...Object.values(APPS).map((a) => [a.name, []])]);
  const TLS = 'TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end';
  const UF = `503 UF,URX upstream_reset_before_response_started{remote_connection_failure|${TLS}} - "${TLS}"`;
  const stamp = (t) => new Date(t).toISOString();
  const q = (s) => `"${s}"`;
  const push = (pod, start, duration, line) => logs.get(pod).push({ end: start + duration, start, line: `[${stamp(start)}] ${line}` });
  const cluster = (a) => `outbound|8080||${a.app}.shop.svc.cluster.local`;

  /** One call from a sidecar (or the gateway) to app `to`; returns the duration seen at the caller. */
  function call({ from, to, t, method, path, authority, ua, xff = '-', rid, code, rx = 0, tx, serverTime }) {
    const fromIp = from.ip;
    if (t >= EXPIRY) {
      // The handshake to the server's sidecar fails on its expired intermediate: retried twice, then 503.
      const d = int(14, 71);
      const local = from === GATEWAY ? `${GATEWAY.ip}:8080 ${xff}:${port()}` : `${to.svc}:8080 ${fromIp}:${port()}`;
      push(from.name, t, d, `${q(`${method} ${path} HTTP/1.1`)} ${UF} ${rx} 239 ${d} - ${q(xff)} ${q(ua)} ${q(rid)} ${q(authority)} ${q(`${to.ip}:8080`)} ${cluster(to)} - ${local} - ${from === GATEWAY ? '-' : 'default'}`);
      return d;
    }
    const upstreamLocal = `${fromIp}:${port()}`;
    const inboundStart = t + 1;
    const d = serverTime + 2;
    push(to.name, inboundStart, serverTime, `${q(`${method} ${path} HTTP/1.1`)} ${code} - via_upstream - "-" ${rx} ${tx} ${serverTime} ${serverTime - 1} ${q(xff)} ${q(ua)} ${q(rid)} ${q(authority)} ${q(`${to.ip}:8080`)} inbound|8080|| 127.0.0.6:${port()} ${to.ip}:8080 ${upstreamLocal} outbound_.8080_._.${to.app}.shop.svc.cluster.local default`);
    const local = from === GATEWAY ? `${GATEWAY.ip}:8080 ${xff}:${port()}` : `${to.svc}:8080 ${fromIp}:${port()}`;
    push(from.name, t, d, `${q(`${method} ${path} HTTP/1.1`)} ${code} - via_upstream - "-" ${rx} ${tx} ${d} ${serverTime + 1} ${q(xff)} ${q(ua)} ${q(rid)} ${q(authority)} ${q(`${to.ip}:8080`)} ${cluster(to)} ${upstreamLocal} ${local} - ${from === GATEWAY ? '-' : 'default'}`);
    return d;
  }

  const { frontend, checkout, payments, cart } = APPS;
  const BROWSERS = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:142.0) Gecko/20100101 Firefox/142.0',
    'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Mobile Safari/537.36',
  ];
  const CLIENTS = ['203.0.113.58', '198.51.100.23', '192.0.2.141', '203.0.113.9', '198.51.100.187', '192.0.2.66'];
  const T = (hms, msec) => Date.parse(`2025-09-15T${hms}Z`) + msec;

  // Shoppers, one a minute at 5 a.m. local time, through the ingress gateway to the frontend.
  const shoppers = [
    ['02:57:14', 208, 'GET', '/', 18344],
    ['02:58:09', 731, 'POST', '/cart', 2210],
    ['02:59:21', 402, 'POST', '/checkout', 4871],
    ['03:00:18', 613, 'GET', '/'],
    ['03:01:07', 329, 'GET', '/product/OLJCESPC7Z'],
    ['03:02:12', 847, 'GET', '/'],
    ['03:03:04', 115, 'POST', '/cart'],
    ['03:04:16', 526, 'GET', '/product/66VCHSJNUP'],
    ['03:05:09', 941, 'GET', '/'],
    ['03:06:22', 207, 'GET', '/cart'],
    ['03:07:03', 718, 'GET', '/'],
    ['03:08:11', 433, 'POST', '/checkout'],
    ['03:09:05', 862, 'GET', '/'],
  ];
  shoppers.forEach(([hms, msec, method, path, size], i) => {
    const t = T(hms, msec);
    const rid = uuid();
    const ua = BROWSERS[i % BROWSERS.length];
    const xff = CLIENTS[i % CLIENTS.length];
    const session = hex(16);
    let inner = 0;
    if (t < EXPIRY) {
      // What the frontend calls for the page, before it answers.
      let s = t + 3;
      if (method === 'GET') inner += call({ from: frontend, to: cart, t: s, method: 'GET', path: `/v1/carts/${session}`, authority: 'cart:8080', ua: frontend.ua, rid, code: 200, tx: 512, serverTime: int(3, 6) });
      if (path === '/cart') inner += call({ from: frontend, to: cart, t: s, method: 'POST', path: `/v1/carts/${session}/items`, authority: 'cart:8080', ua: frontend.ua, rid, code: 201, rx: 96, tx: 188, serverTime: int(5, 9) });
      if (path === '/checkout') {
        const orderTime = int(120, 160);
        inner += call({ from: frontend, to: checkout, t: s, method: 'POST', path: '/v1/orders', authority: 'checkout:8080', ua: frontend.ua, rid, code: 201, rx: 642, tx: 318, serverTime: orderTime });
        // Inside checkout's handling: charge the card, then empty the cart.
        const charged = call({ from: checkout, to: payments, t: s + 9, method: 'POST', path: '/v1/charges', authority: 'payments:8080', ua: checkout.ua, rid, code: 201, rx: 287, tx: 244, serverTime: orderTime - 40 });
        call({ from: checkout, to: cart, t: s + 9 + charged + 4, method: 'DELETE', path: `/v1/carts/${session}`, authority: 'cart:8080', ua: checkout.ua, rid, code: 204, tx: 0, serverTime: int(3, 5) });
      }
      const server = inner + int(18, 40);
      const rx = method === 'POST' ? int(180, 420) : 0;
      // frontend's inbound line, then the gateway's.
      const upstreamLocal = `${GATEWAY.ip}:${port()}`;
      push(frontend.name, t + 1, server, `${q(`${method} ${path} HTTP/1.1`)} 200 - via_upstream - "-" ${rx} ${size} ${server} ${server - 1} ${q(xff)} ${q(ua)} ${q(rid)} "shop.example.com" ${q(`${frontend.ip}:8080`)} inbound|8080|| 127.0.0.6:${port()} ${frontend.ip}:8080 ${upstreamLocal} outbound_.8080_._.frontend.shop.svc.cluster.local default`);
      push(GATEWAY.name, t, server + 2, `${q(`${method} ${path} HTTP/1.1`)} 200 - via_upstream - "-" ${rx} ${size} ${server + 2} ${server + 1} ${q(xff)} ${q(ua)} ${q(rid)} "shop.example.com" ${q(`${frontend.ip}:8080`)} ${cluster(frontend)} ${upstreamLocal} ${GATEWAY.ip}:8080 ${xff}:${port()} - -`);
    } else {
      call({ from: GATEWAY, to: frontend, t, method, path, authority: 'shop.example.com', ua, xff, rid, rx: method === 'POST' ? int(180, 420) : 0 });
    }
  });

  // Background jobs: each service's periodic call to another one, before and after 03:00.
  const jobs = [
    { from: frontend, to: checkout, method: 'GET', path: '/v1/shipping/rates?country=DE', code: 200, tx: 731, times: ['02:57:40', '02:58:40', '02:59:40', ...Array.from({ length: 10 }, (_, i) => `03:0${i}:40`)] },
    { from: checkout, to: payments, method: 'GET', path: '/v1/charges?status=pending', code: 200, tx: 2, times: ['02:57:25', '02:57:55', '02:58:25', '02:58:55', '02:59:25', '02:59:55', ...Array.from({ length: 10 }, (_, i) => [`03:0${i}:25`, `03:0${i}:55`]).flat()] },
    { from: payments, to: checkout, method: 'POST', path: '/v1/orders/settlements', code: 202, rx: 64, tx: 0, times: ['02:58:52', '02:59:52', ...Array.from({ length: 10 }, (_, i) => `03:0${i}:52`)] },
    { from: cart, to: checkout, method: 'POST', path: '/v1/reservations/release', code: 200, rx: 41, tx: 27, times: ['02:58:03', '02:59:03', ...Array.from({ length: 10 }, (_, i) => `03:0${i}:03`)] },
  ];
  for (const job of jobs) {
    for (const hms of job.times) {
      call({ from: job.from, to: job.to, t: T(hms, int(0, 999)), method: job.method, path: job.path, authority: `${job.to.app}:8080`, ua: job.from.ua, rid: uuid(), code: job.code, rx: job.rx ?? 0, tx: job.tx, serverTime: int(2, 9) });
    }
  }

  // xdsproxy: the agent's stream to istiod recycled every ~30 min (keepaliveMaxServerConnectionAge), the last before 02:50.
  const XDS = { 'istio-ingressgateway': '02:44:55', frontend: '02:44:31', checkout: '02:47:19', payments: '02:49:54', cart: '02:42:48' };
  const xdsLines = new Map();
  for (const p of [GATEWAY, ...Object.values(APPS)]) {
    const last = T(XDS[p.app ?? 'istio-ingressgateway'], int(0, 999));
    const lines = [];
    let id = int(3, 9);
    for (let k = 3; k >= 0; k--) {
      const t = last - k * (1800 + int(-25, 25)) * 1000 + (k ? int(0, 999) : 0);
      lines.push({ t, id });
      id += int(2, 12);
    }
    xdsLines.set(p.name, lines);
  }
  const micro = (t) => `${new Date(t).toISOString().slice(0, 19)}.${String(new Date(t).getUTCMilliseconds()).padStart(3, '0')}${String(int(0, 999)).padStart(3, '0')}Z`;
  for (const p of [GATEWAY, ...Object.values(APPS)]) {
    const agent = xdsLines.get(p.name).map(({ t, id }) => `${micro(t)}\tinfo\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=${id}\n`).join('');
    const access = logs.get(p.name).sort((x, y) => x.end - y.end || x.start - y.start).map((l) => `${l.line}\n`).join('');
    const text = agent + access;
    const kind = 'logs.proxy';
    add(`logs/${p.ns}/${p.name}/istio-proxy.log`, kind, `kubectl logs -n ${p.ns} ${p.name} -c istio-proxy --tail=2000`, text, int(190, 420), { namespace: p.ns, pod: p.name, container: 'istio-proxy' });
  }

  // --- istiod ---------------------------------------------------------------------------------------------
  {
    const lines = [];
    const line = (t, level, scope, msg) => lines.push({ t, text: `${micro(t)}\t${level}\t${scope}\t${msg}` });
    let conn = 211;
    const size = { gw: ['13', '12.9kB', '11', '2.1kB', '1', '3.4kB', '1', '1.2kB'], app: ['15', '14.6kB', '11', '2.1kB', '15', '41.7kB', '4', '4.8kB'] };
    const reconnects = [...xdsLines.entries()].map(([name, l]) => ({ name, t: l[l.length - 1].t })).sort((x, y) => x.t - y.t);
    for (const { name, t } of reconnects) {
      const p = [GATEWAY, ...Object.values(APPS)].find((x) => x.name === name);
      const id = `${p.name}.${p.ns}`;
      const s = p === GATEWAY ? size.gw : size.app;
      line(t - int(150, 240), 'info', 'delta', `ADS: "${p.ip}:${port()}" ${id}-${conn - int(5, 9)} terminated`);
      const c = conn++;
      let u = t + int(2, 6);
      line(u, 'info', 'delta', `ADS: new delta connection for node:${id}-${c}`);
      line((u += 1), 'info', 'delta', `CDS: PUSH request for node:${id} resources:${s[0]} removed:0 size:${s[1]} cached:${Number(s[0]) - 5}/${Number(s[0]) - 4} filtered:0`);
      line((u += 1), 'info', 'delta', `EDS: PUSH request for node:${id} resources:${s[2]} removed:0 size:${s[3]} empty:0 cached:${Number(s[2]) - 1}/${s[2]} filtered:0`);
      line((u += 3), 'info', 'delta', `LDS: PUSH request for node:${id} resources:${s[4]} removed:0 size:${s[5]} filtered:0`);
      line((u += 1), 'info', 'delta', `RDS: PUSH request for node:${id} resources:${s[6]} removed:0 size:${s[7]} cached:${Number(s[6]) - 1}/${s[6]} filtered:0`);
    }
    // Endpoint churn elsewhere in the cluster: incremental (EDS) pushes, logged by ads.
    let version = 1846;
    for (const [hms, msec, what] of [
      ['02:45:37', 118, 'ServiceEntry/monitoring/kube-state-metrics.monitoring.svc.cluster.local'],
      ['02:52:06', 944, 'ServiceEntry/monitoring/kube-state-metrics.monitoring.svc.cluster.local'],
      ['03:03:41', 507, 'ServiceEntry/kube-system/metrics-server.kube-system.svc.cluster.local'],
      ['03:07:12', 262, 'ServiceEntry/kube-system/metrics-server.kube-system.svc.cluster.local'],
    ]) {
      const t = T(hms, msec);
      const quiet = (100 + rnd()).toFixed(6);
      line(t, 'info', 'ads', `Push debounce stable[${version}] 1 for config ${what}: ${quiet}ms since last change, ${quiet}ms since last push, full=false`);
      line(t + 1, 'info', 'ads', `XDS: Incremental Pushing ConnectedEndpoints:6 Version:${new Date(t - 100).toISOString().slice(0, 19)}Z/${version}`);
      version += int(1, 4);
    }
    // Nothing from the CA after 03:00: istiod checks its signing certificate's dates at start-up only, and no
    // workload is due for a new certificate in these ten minutes (none is past half its lifetime).
    const text = lines.sort((x, y) => x.t - y.t).map((l) => `${l.text}\n`).join('');
    add(`logs/istio-system/${ISTIOD.name}/discovery.log`, 'logs.istiod', `kubectl logs -n istio-system ${ISTIOD.name} -c discovery --tail=2000`, text, 402, { namespace: 'istio-system', pod: ISTIOD.name, container: 'discovery' });
  }

  // --- manifest -------------------------------------------------------------------------------------------
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = {
    schemaVersion: 1,
    collector: { name: 'istio-bundle-collector', version: '0.1.0' },
    collectedAt: COLLECTED,
    cluster: { name: 'payments-prod-eu1', context: 'gke_acme-payments_europe-west1_payments-prod-eu1' },
    options: { namespaces: ['istio-system', 'shop'], tail: 2000, previousLogs: true, proxyStatusVerbosity: 0 },
    artifacts: files,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`cert-expiry: ${files.length} files`);
}

writeHealthy();
writeCertExpiry();
