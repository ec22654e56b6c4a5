// Writes samples/sidecar-memory/ from samples/healthy: `node scripts/make-sidecar-memory-sample.mjs` (see samples/README.md).
// The healthy Bookinfo mesh grows to 600 services in 12 namespaces with no Sidecar resource. In `shop`, the
// checkout sidecar holds all of them and uses 2310Mi; in `billing`, a Sidecar resource scopes the invoice
// sidecar to its namespace and istio-system, and it stays small. Config dumps come from
// scripts/envoy/config-dump-generator.mjs (Istio 1.24 shapes) as `pilot-agent request GET config_dump` prints them.
// Their SDS secrets hold the certificates of test/fixtures/certs/ (made with OpenSSL by its generate.sh): the
// mesh root istio-root.pem and, signed by it directly (Istio's default self-signed CA, as in samples/healthy),
// memory-checkout.pem and memory-invoice.pem, issued 5h37m and 2h24m before the collection for 24 h. Run this
// again after `sh test/fixtures/certs/generate.sh` (new keys, the same dates): only the two config dumps and
// their manifest `bytes` change. samples/healthy's certificate files (written into it by
// scripts/make-cert-samples.mjs) are not copied: this sample's certificates are those of its config dumps.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meshServices, sidecarConfigDump } from './envoy/config-dump-generator.mjs';
import { podFromTemplate } from './fixtures/pod-from-template.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEALTHY = join(ROOT, 'samples', 'healthy');
const OUT = join(ROOT, 'samples', 'sidecar-memory');
const NAMESPACES = ['shop', 'billing', 'catalog', 'search', 'payments', 'orders', 'users', 'inventory', 'shipping', 'reports', 'ads', 'bookinfo'];

// samples/healthy's certificate files (scripts/make-cert-samples.mjs writes them): not copied, nor their manifest entries.
const HEALTHY_CERT_FILES = [
  'kubernetes/configmaps/istio-system-istio-ca-root-cert.json',
  'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/secret.json',
  'proxies/istio-system/istio-ingressgateway-5c9f8b6d7-m4tqz/secret.json',
];
const skipped = new Set(HEALTHY_CERT_FILES.map((p) => join(HEALTHY, p)));
// A file unless skipped; a folder if it holds a file that is not (no empty folders left behind).
const copied = (src) =>
  statSync(src).isDirectory() ? readdirSync(src, { recursive: true }).some((p) => !skipped.has(join(src, p)) && statSync(join(src, p)).isFile()) : !skipped.has(src);
rmSync(OUT, { recursive: true, force: true });
cpSync(HEALTHY, OUT, { recursive: true, filter: copied });
const manifest = JSON.parse(readFileSync(join(HEALTHY, 'manifest.json'), 'utf8'));
manifest.artifacts = manifest.artifacts.filter((a) => !HEALTHY_CERT_FILES.includes(a.path));
manifest.cluster = { name: 'shop-prod-eu2', context: 'gke_acme-shop_europe-west4_shop-prod-eu2' };
manifest.options.namespaces = ['bookinfo', 'billing', 'istio-system', 'shop'];

function write(path, text, kind, command, extra = {}) {
  mkdirSync(dirname(join(OUT, path)), { recursive: true });
  writeFileSync(join(OUT, path), text);
  const entry = { path, kind, command, exitCode: 0, durationMs: 400, bytes: statSync(join(OUT, path)).size, truncated: false, ...extra };
  const at = manifest.artifacts.findIndex((a) => a.path === path);
  if (at >= 0) manifest.artifacts[at] = entry;
  else manifest.artifacts.push(entry);
}

const template = JSON.parse(readFileSync(join(HEALTHY, 'kubernetes/pods/bookinfo.json'), 'utf8')).items.find((p) => p.metadata.name.startsWith('productpage'));
const pod = (name, namespace, app, ip) => podFromTemplate(template, { name, namespace, app, ip });
const list = (items) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;

const CHECKOUT = { pod: 'checkout-6d9f7c7b5-k2x8p', namespace: 'shop', ip: '10.244.5.17', app: 'checkout', istioVersion: '1.24.3' };
const INVOICE = { pod: 'invoice-7c8b9d6f4-p9w3m', namespace: 'billing', ip: '10.244.6.21', app: 'invoice', istioVersion: '1.24.3' };
const services = meshServices(600, NAMESPACES);

// The SDS secrets of the two config dumps: `default` the workload certificate and the root (the chain Istio's
// self-signed CA returns), `ROOTCA` the root. Envoy took the certificate 2 minutes after its notBefore (when istiod
// signed it; Istio back-dates notBefore by 2 minutes) and the root when istio-proxy started (the pods'
// 16:20:30 plus 1.5 s, as in samples/healthy's secret.json).
const CERTS = join(ROOT, 'test', 'fixtures', 'certs');
const pem = (name) => readFileSync(join(CERTS, `${name}.pem`), 'utf8');
const certIndex = JSON.parse(readFileSync(join(CERTS, 'index.json'), 'utf8'));
const loaded = (leaf, ms) => new Date(Date.parse(certIndex.find((c) => c.file === `${leaf}.pem`).notBefore) + 120_000 + ms).toISOString();
const secrets = (leaf, ms, rootMs) => ({ chain: pem(leaf) + pem('istio-root'), roots: pem('istio-root'), defaultUpdated: loaded(leaf, ms), rootUpdated: `2025-03-04T16:20:31.${rootMs}Z` });

// Every Service of the mesh, as `kubectl get services -A -o json` lists them (the healthy sample's Bookinfo ones kept).
const healthyServices = JSON.parse(readFileSync(join(HEALTHY, 'istio/resources/services.json'), 'utf8'));
const serviceObject = (s) => ({ apiVersion: 'v1', kind: 'Service', metadata: { creationTimestamp: '2025-01-20T08:00:00Z', labels: { app: s.name }, name: s.name, namespace: s.namespace, resourceVersion: '1200', uid: `6f1c2d3e-0000-4000-8000-${String(services.indexOf(s)).padStart(12, '0')}` }, spec: { clusterIP: s.ip, clusterIPs: [s.ip], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: s.ports.map((p) => ({ name: p.protocol === 'http' ? 'http' : 'tcp-redis', port: p.port, protocol: 'TCP', targetPort: p.port })), selector: { app: s.name }, sessionAffinity: 'None', type: 'ClusterIP' }, status: { loadBalancer: {} } });
write('istio/resources/services.json', list([...healthyServices.items, ...services.map(serviceObject)]), 'k8s.resources', 'kubectl get services -A -o json');
write('istio/resources/sidecars.json', list([{ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { creationTimestamp: '2025-02-02T10:00:00Z', generation: 1, name: 'default', namespace: 'billing', resourceVersion: '88121', uid: '0d6a7f1e-5b2c-4e8a-9c1d-3f4e5a6b7c8d' }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } }]), 'k8s.resources', 'kubectl get sidecars.networking.istio.io -A -o json');

// The checkout team raised the sidecar's limit to 3Gi (annotation sidecar.istio.io/proxyMemoryLimit) when it was OOMKilled.
const checkout = pod(CHECKOUT.pod, 'shop', 'checkout', CHECKOUT.ip);
checkout.metadata.annotations = { ...checkout.metadata.annotations, 'sidecar.istio.io/proxyMemoryLimit': '3Gi' };
for (const c of [...(checkout.spec.containers ?? []), ...(checkout.spec.initContainers ?? [])]) if (c.name === 'istio-proxy') c.resources = { ...c.resources, limits: { ...c.resources?.limits, memory: '3Gi' } };
write('kubernetes/pods/shop.json', list([checkout]), 'kubectl.pods', 'kubectl get pods -n shop -o json', { namespace: 'shop' });
write('kubernetes/pods/billing.json', list([pod(INVOICE.pod, 'billing', 'invoice', INVOICE.ip)]), 'kubectl.pods', 'kubectl get pods -n billing -o json', { namespace: 'billing' });
const top = (rows) => `POD                        NAME          CPU(cores)   MEMORY(bytes)   \n${rows.map(([p, c, cpu, mem]) => `${p.padEnd(27)}${c.padEnd(14)}${cpu.padEnd(13)}${mem.padEnd(16)}`).join('\n')}\n`;
write('kubernetes/top/shop.txt', top([[CHECKOUT.pod, 'checkout', '41m', '182Mi'], [CHECKOUT.pod, 'istio-proxy', '96m', '2310Mi']]), 'kubectl.top', 'kubectl top pod -n shop --containers', { namespace: 'shop' });
write('kubernetes/top/billing.txt', top([[INVOICE.pod, 'invoice', '12m', '96Mi'], [INVOICE.pod, 'istio-proxy', '9m', '58Mi']]), 'kubectl.top', 'kubectl top pod -n billing --containers', { namespace: 'billing' });

const dumpCommand = (p) => `kubectl exec ${p.pod} -n ${p.namespace} -c istio-proxy -- pilot-agent request GET config_dump`;
// The Bookinfo Services of the healthy sample are in the mesh too: an unscoped sidecar holds them as well.
const bookinfo = healthyServices.items.map((s) => ({
  name: s.metadata.name,
  namespace: s.metadata.namespace,
  ip: s.spec.clusterIP,
  ports: s.spec.ports.map((p) => ({ port: p.port, protocol: /^(tcp|tls|mongo|mysql|redis)/.test(p.name ?? '') ? 'tcp' : 'http' })),
}));
const everything = [...services, ...bookinfo];
const scoped = everything.filter((s) => s.namespace === 'billing' || s.namespace === 'istio-system');
write(`proxies/shop/${CHECKOUT.pod}/config_dump.json`, `${sidecarConfigDump(CHECKOUT, everything, { inboundPorts: [8080], endpoints: false, secrets: secrets('memory-checkout', 318, 482) })}\n`, 'envoy.configDump', dumpCommand(CHECKOUT), { namespace: 'shop', pod: CHECKOUT.pod, container: 'istio-proxy' });
write(`proxies/billing/${INVOICE.pod}/config_dump.json`, `${sidecarConfigDump(INVOICE, scoped, { inboundPorts: [8080], endpoints: false, secrets: secrets('memory-invoice', 705, 517) })}\n`, 'envoy.configDump', dumpCommand(INVOICE), { namespace: 'billing', pod: INVOICE.pod, container: 'istio-proxy' });

// proxy-status lists the two new proxies too (SYNCED), in the healthy sample's 1.24 table layout.
const status = readFileSync(join(HEALTHY, 'istio/proxy-status.txt'), 'utf8').trimEnd().split('\n');
const row = (id) => `${id.padEnd(54)}Kubernetes     SYNCED (3m12s)     SYNCED (3m12s)     SYNCED (3m12s)     SYNCED (3m12s)     NOT SENT     istiod-6b9c8d7f5-kx2vq     1.24.3`;
const rows = [...status.slice(1), row(`${CHECKOUT.pod}.shop`), row(`${INVOICE.pod}.billing`)].sort();
write('istio/proxy-status.txt', `${[status[0], ...rows].join('\n')}\n`, 'istioctl.proxyStatus', 'istioctl proxy-status');

manifest.artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
