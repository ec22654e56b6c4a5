// Regenerates the MEM002 fixture bundles: `node test/rules/generate-proxy-config-fixtures.mjs`.
// Config dumps come from scripts/envoy/config-dump-generator.mjs (Istio 1.24 sidecar shapes), pods from the
// bookinfo productpage pod of the CP007 fixtures (a real `kubectl get pods -o json` layout), access-log
// lines in Istio's default TEXT format as in the LOG fixtures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meshServices, sidecarConfigDump } from '../../scripts/envoy/config-dump-generator.mjs';
import { podFromTemplate } from '../../scripts/fixtures/pod-from-template.mjs';
import { ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';
const writeBundle = writeRuleFixture;

const here = dirname(fileURLToPath(import.meta.url));
// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here; inputs are always read from here.
const outRoot = ruleFixturesOut(here);
const template = JSON.parse(readFileSync(join(here, 'CP007/quiet-one-minor-behind/bundle/kubernetes/pods/bookinfo.json'), 'utf8')).items.find((p) => p.metadata.name.startsWith('productpage'));
const NAMESPACES = ['shop', 'payments', 'catalog', 'search', 'istio-system'];

const pod = (name, namespace, ip, labels = {}) => podFromTemplate(template, { name, namespace, app: name.split('-')[0], ip, labels });

function accessLine(i, host, port, ip) {
  const id = `0b1f${String(i).padStart(4, '0')}-7ae3-4dc7-a10e-9ae4e8ee4ede`;
  return `[2024-05-14T09:0${Math.floor(i / 60) % 10}:${String(i % 60).padStart(2, '0')}.000Z] "GET /api/${i} HTTP/1.1" 200 - via_upstream - "-" 0 120 4 3 "-" "checkout/1.4" "${id}" "${host.split('.')[0]}.${host.split('.')[1]}:${port}" "10.244.9.${(i % 50) + 10}:${port}" outbound|${port}||${host} 10.244.1.7:40312 10.96.0.${(i % 200) + 1}:${port} ${ip}:38394 - default`;
}


const podList = (items) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
const proxy = (podName, namespace, ip) => ({ pod: podName, namespace, ip, app: podName.split('-')[0] });
const top = (rows) => `POD${' '.repeat(30)}NAME          CPU(cores)   MEMORY(bytes)   \n${rows.map(([p, c, cpu, mem]) => `${p.padEnd(33)}${c.padEnd(14)}${cpu.padEnd(13)}${mem.padEnd(16)}`).join('\n')}\n`;
const sidecarList = (namespace) => `${JSON.stringify({ apiVersion: 'v1', items: [{ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace, creationTimestamp: '2024-05-01T10:00:00Z' }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } }], kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;

const CHECKOUT = 'checkout-6d9f7c7b5-k2x8p';
const IP = '10.244.1.7';

/** A mesh of `count` services spread over the namespaces; the checkout sidecar in `shop` gets all of them. */
function meshBundle(count, extra = {}, type = 'sidecar') {
  const services = meshServices(count, NAMESPACES);
  return {
    [`proxies/shop/${CHECKOUT}/config_dump.json`]: `${sidecarConfigDump({ ...proxy(CHECKOUT, 'shop', IP), type }, services, { inboundPorts: [8080], endpoints: false })}\n`,
    'kubernetes/pods/shop.json': podList([pod(CHECKOUT, 'shop', IP)]),
    'kubernetes/top/shop.txt': top([[CHECKOUT, 'checkout', '12m', '80Mi'], [CHECKOUT, 'istio-proxy', '35m', '2310Mi']]),
    ...extra,
  };
}

function logCalling(services, calls) {
  return `${services
    .slice(0, calls)
    .flatMap((s, i) => [accessLine(2 * i, `${s.name}.${s.namespace}.svc.cluster.local`, s.ports[0].port, IP), accessLine(2 * i + 1, `${s.name}.${s.namespace}.svc.cluster.local`, s.ports[0].port, IP)])
    .join('\n')}\n`;
}

const out = join(outRoot, 'MEM002');
const subject = { kind: 'Namespace', name: 'shop' };
writeBundle(join(out, 'fires-100-services-no-sidecar'), meshBundle(100), {
  findings: [{ subject, severity: 'medium', evidencePaths: [`proxies/shop/${CHECKOUT}/config_dump.json`, 'kubernetes/top/shop.txt'], explanationIncludes: ['up to 100 services in 5 namespaces', 'no access log of them', 'measured 2310 MiB'], yamlIncludes: ['kind: Sidecar', 'namespace: shop', '- ./*', '- istio-system/*'] }],
});
writeBundle(join(out, 'quiet-99-services'), meshBundle(99), { findings: [] });
// `kubectl top` without --containers (a pod row: the app's memory too) is not the proxy's; Envoy's own allocation is.
const statsText = readFileSync(join(here, 'MEM001/fires-envoy-memory-allocated/bundle/proxies/bookinfo/ratings-v1-686ccfb5d8-wq4mv/stats.txt'), 'utf8').replace(/^server\.memory_allocated: \d+$/m, `server.memory_allocated: ${2000 * 2 ** 20}`);
writeBundle(join(out, 'fires-measured-by-envoy-stats'), meshBundle(100, { 'kubernetes/top/shop.txt': `NAME                       CPU(cores)   MEMORY(bytes)   \n${CHECKOUT.padEnd(27)}47m          2500Mi          \n`, [`proxies/shop/${CHECKOUT}/stats.txt`]: statsText }), {
  findings: [{ subject, severity: 'medium', evidencePaths: [`proxies/shop/${CHECKOUT}/stats.txt`], explanationIncludes: ["measured 2000 MiB (Envoy's `server.memory_allocated`)"], explanationExcludes: ['2500 MiB'] }],
});
// A gateway (node id `router~…`) routes to whatever it exposes: it holds every service by design.
writeBundle(join(out, 'quiet-gateway-holds-every-service'), meshBundle(100, {}, 'router'), { findings: [] });
writeBundle(join(out, 'quiet-sidecar-in-namespace'), meshBundle(100, { 'istio/resources/sidecars.json': sidecarList('shop') }), { findings: [] });
writeBundle(join(out, 'quiet-sidecar-in-root-namespace'), meshBundle(100, { 'istio/resources/sidecars.json': sidecarList('istio-system') }), { findings: [] });
const services = meshServices(100, NAMESPACES);
// 10 of 100 services called (10%): far more held than used; 11 (just over 10%) is not.
const called = services.filter((s) => s.namespace !== 'shop' && s.namespace !== 'istio-system');
writeBundle(join(out, 'fires-calls-10-percent-tailored'), meshBundle(100, { [`logs/shop/${CHECKOUT}/istio-proxy.log`]: logCalling(called, 10) }), {
  findings: [{ subject, severity: 'medium', explanationIncludes: ['access logs show calls to 10 services'], yamlIncludes: [`- payments/${called[0].name}.payments.svc.cluster.local`] }],
});
writeBundle(join(out, 'quiet-calls-11-percent'), meshBundle(100, { [`logs/shop/${CHECKOUT}/istio-proxy.log`]: logCalling(called, 11) }), { findings: [] });

// TP001 / TP002: a small mesh. `productpage` in `shop` calls `reviews` in `catalog` through a VirtualService.
const small = [
  { name: 'productpage', namespace: 'shop', ports: [{ port: 9080, protocol: 'http' }], ip: '10.96.10.1', endpoints: ['10.244.1.7'] },
  { name: 'cart', namespace: 'shop', ports: [{ port: 8080, protocol: 'http' }], ip: '10.96.10.2', endpoints: ['10.244.1.8'] },
  { name: 'reviews', namespace: 'catalog', ports: [{ port: 9080, protocol: 'http' }], ip: '10.96.20.1', endpoints: ['10.244.2.7', '10.244.2.8'], subsets: ['v1', 'v2'], destinationRule: 'reviews' },
  { name: 'istiod', namespace: 'istio-system', ports: [{ port: 15012, protocol: 'tcp' }], ip: '10.96.0.10', endpoints: ['10.244.0.5'] },
];
const PRODUCTPAGE = 'productpage-v1-7d9f8c6b5-r4t2x';
const serviceObject = (s) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace: s.namespace, labels: { app: s.name } }, spec: { clusterIP: s.ip, clusterIPs: [s.ip], ports: s.ports.map((p) => ({ name: p.protocol === 'http' ? 'http' : 'tcp', port: p.port, protocol: 'TCP', targetPort: p.port })), selector: { app: s.name }, type: 'ClusterIP' } });
const list = (items) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
const reviewsVs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'catalog' }, spec: { hosts: ['reviews.catalog.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews.catalog.svc.cluster.local', subset: 'v2' } }] }] } };
const reviewsDr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'catalog' }, spec: { host: 'reviews.catalog.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } };
const shopSidecar = (hosts) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'shop', creationTimestamp: '2024-05-01T10:00:00Z' }, spec: { egress: [{ hosts }] } });
const vsRoutes = (service, port) =>
  service.name === 'reviews' ? [{ match: { prefix: '/' }, route: { cluster: `outbound|${port.port}|v2|reviews.catalog.svc.cluster.local`, timeout: '0s' }, metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/catalog/virtual-service/reviews' } } } }] : undefined;

function smallBundle({ visible, sidecarHosts, routesFor = vsRoutes, omitClusters = [], exportReviewsTo, extraResources = [], calls = [], reviewsPortName, reviewsMetricsPort }) {
  const services = small.map(serviceObject);
  const reviews = services.find((s) => s.metadata.name === 'reviews');
  if (reviewsMetricsPort) reviews.spec.ports.push({ name: 'tcp-metrics', port: 9090, protocol: 'TCP', targetPort: 9090 });
  // `networking.istio.io/exportTo` on the Service: the only way to narrow a Kubernetes Service's visibility.
  if (exportReviewsTo) reviews.metadata.annotations = { 'networking.istio.io/exportTo': exportReviewsTo };
  if (reviewsPortName) reviews.spec.ports[0].name = reviewsPortName;
  // A port named `tcp-…` gets a TCP listener, no HTTP route table entry.
  const dumped = small.map((s) =>
    s.name !== 'reviews' ? s : { ...s, ports: [{ ...s.ports[0], protocol: reviewsPortName?.startsWith('tcp') ? 'tcp' : 'http' }, ...(reviewsMetricsPort ? [{ port: 9090, protocol: 'tcp' }] : [])] },
  );
  const resources = [...services, reviewsVs, reviewsDr, ...extraResources, ...(sidecarHosts ? [shopSidecar(sidecarHosts)] : [])];
  return {
    [`proxies/shop/${PRODUCTPAGE}/config_dump.json`]: `${sidecarConfigDump(proxy(PRODUCTPAGE, 'shop', '10.244.1.7'), dumped.filter((s) => visible.includes(s.name)), { inboundPorts: [9080], routesFor, omitClusters })}\n`,
    'kubernetes/pods/shop.json': podList([pod(PRODUCTPAGE, 'shop', '10.244.1.7')]),
    'kubernetes/resources/all.json': list(resources),
    ...(calls.length > 0 ? { [`logs/shop/${PRODUCTPAGE}/istio-proxy.log`]: `${calls.map(([host, port], i) => accessLine(i, host, port, '10.244.1.7')).join('\n')}\n` } : {}),
  };
}

const tp001 = join(outRoot, 'TP001');
const productpage = { kind: 'Pod', namespace: 'shop', name: PRODUCTPAGE };
// The Sidecar imports the VirtualService (its own namespace) but not the Service it routes to: a virtual host without its cluster.
const noV2Title = `${PRODUCTPAGE} has no cluster \`outbound|9080|v2|reviews.catalog.svc.cluster.local\` its routes send traffic to`;
const reviewsClusters = ['', 'v1', 'v2'].map((subset) => `outbound|9080|${subset}|reviews.catalog.svc.cluster.local`);
writeBundle(join(tp001, 'fires-sidecar-egress-excludes-service'), smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], sidecarHosts: ['./*', 'istio-system/*'], omitClusters: reviewsClusters }), {
  findings: [{ subject: productpage, severity: 'high', explanationIncludes: ['`outbound|9080|v2|reviews.catalog.svc.cluster.local`', 'VirtualService `reviews.catalog`', 'the Sidecar `shop/default` scopes this proxy', '`catalog/reviews.catalog.svc.cluster.local`'], evidencePointers: ['/configs/5/dynamic_route_configs/1/route_config', '/spec/egress'], titleIncludes: [noV2Title], evidenceIncludes: ['./*, istio-system/*'] }],
});
writeBundle(join(tp001, 'quiet-sidecar-lists-service'), smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], sidecarHosts: ['./*', 'istio-system/*', 'catalog/*'] }), { findings: [] });
writeBundle(join(tp001, 'fires-route-names-missing-subset-cluster'), smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], omitClusters: ['outbound|9080|v2|reviews.catalog.svc.cluster.local'] }), {
  findings: [{
    subject: productpage,
    severity: 'high',
    explanationIncludes: ['its route table sends traffic there', 'Nothing in the bundle'],
    titleIncludes: [noV2Title],
    evidenceIncludes: ['13 clusters, none of outbound|9080|v2|reviews.catalog.svc.cluster.local', 'route table 9080, virtual host reviews.catalog.svc.cluster.local:9080 → outbound|9080|v2|reviews.catalog.svc.cluster.local'],
    commandsInclude: [`istioctl proxy-config cluster ${PRODUCTPAGE} -n shop --fqdn reviews.catalog.svc.cluster.local`, `istioctl proxy-status ${PRODUCTPAGE}.shop`],
  }],
});
writeBundle(join(tp001, 'fires-service-not-exported'), smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], omitClusters: reviewsClusters, exportReviewsTo: '.' }), {
  findings: [{ subject: productpage, severity: 'high', explanationIncludes: ['`networking.istio.io/exportTo` annotation (`catalog`) does not export `reviews.catalog.svc.cluster.local` to `shop`'], evidencePaths: ['kubernetes/resources/all.json'], titleIncludes: [noV2Title], evidenceIncludes: ['11 clusters, none of outbound|9080|v2|reviews.catalog.svc.cluster.local', 'Service reviews.catalog.svc.cluster.local exported to catalog'] }],
});

// Two sidecars lacking the same subset cluster, the route's subset defined nowhere: one finding about the destination.
{
  const CART = 'cart-5c9d8b7f6-x2lqp';
  const noV3 = (service, port) => (service.name === 'reviews' ? [{ match: { prefix: '/' }, route: { cluster: `outbound|${port.port}|v3|reviews.catalog.svc.cluster.local`, timeout: '0s' }, metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/catalog/virtual-service/reviews' } } } }] : undefined);
  const v3Vs = { ...reviewsVs, spec: { ...reviewsVs.spec, http: [{ route: [{ destination: { host: 'reviews.catalog.svc.cluster.local', subset: 'v3' } }] }] } };
  const files = smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], routesFor: noV3, extraResources: [] });
  files['kubernetes/resources/all.json'] = list([...small.map(serviceObject), v3Vs, reviewsDr]);
  files[`proxies/shop/${CART}/config_dump.json`] = `${sidecarConfigDump(proxy(CART, 'shop', '10.244.1.8'), small, { inboundPorts: [8080], routesFor: noV3 })}\n`;
  files['kubernetes/pods/shop.json'] = podList([pod(PRODUCTPAGE, 'shop', '10.244.1.7'), pod(CART, 'shop', '10.244.1.8')]);
  writeBundle(join(tp001, 'fires-two-proxies-same-undefined-subset'), files, {
    findings: [{
      subject: { kind: 'Service', namespace: 'catalog', name: 'reviews' },
      severity: 'high',
      occurrences: [`shop/${CART}`, `shop/${PRODUCTPAGE}`],
      explanationIncludes: ['The config dumps of 2 proxies', 'have no `outbound|9080|v3|reviews.catalog.svc.cluster.local`', 'the route names subset `v3` of `reviews.catalog.svc.cluster.local`, which DestinationRule `catalog/reviews` does not define (it defines `v1`, `v2`)'],
      titleIncludes: ['2 proxies have no cluster `outbound|9080|v3|reviews.catalog.svc.cluster.local` their routes send traffic to'],
      evidenceIncludes: [`${CART}.shop: none of outbound|9080|v3|reviews.catalog.svc.cluster.local`, `${PRODUCTPAGE}.shop: none of outbound|9080|v3|reviews.catalog.svc.cluster.local`, 'v1, v2'],
      commandsInclude: [`istioctl proxy-config cluster ${CART} -n shop --fqdn reviews.catalog.svc.cluster.local`],
    }],
  });
}

// TP002: the cart VirtualService (in shop) is in the route table, so the dump names VirtualServices; reviews' may not be.
const tp002 = join(outRoot, 'TP002');
const vsMetadata = (ns, name) => ({ filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${ns}/virtual-service/${name}` } } });
const cartVs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop' }, spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' } }], timeout: '3s' }] } };
const cartRoute = (port) => [{ match: { prefix: '/' }, route: { cluster: `outbound|${port.port}||cart.shop.svc.cluster.local`, timeout: '3s' }, metadata: vsMetadata('shop', 'cart') }];
const all = ['productpage', 'cart', 'istiod', 'reviews'];
const callsReviews = Array.from({ length: 4 }, () => ['reviews.catalog.svc.cluster.local', 9080]);
const withCart = (reviewsRoutes) => (service, port) => (service.name === 'cart' ? cartRoute(port) : service.name === 'reviews' ? reviewsRoutes?.(port) : undefined);
const reviewsOnDefaultRoute = withCart(undefined);
writeBundle(join(tp002, 'fires-called-host-on-default-route'), smallBundle({ visible: all, routesFor: reviewsOnDefaultRoute, extraResources: [cartVs], calls: callsReviews }), {
  findings: [{ subject: productpage, severity: 'high', explanationIncludes: ['sends requests to `reviews.catalog.svc.cluster.local` (its access log)', 'routes `reviews.catalog.svc.cluster.local:9080` without it', 'VirtualService `reviews.catalog`', 'Nothing in the bundle explains it'], evidencePointers: ['/configs/5/dynamic_route_configs/1/route_config'] }],
});
writeBundle(join(tp002, 'quiet-not-called'), smallBundle({ visible: all, routesFor: reviewsOnDefaultRoute, extraResources: [cartVs] }), { findings: [] });
writeBundle(join(tp002, 'quiet-applied'), smallBundle({ visible: all, routesFor: withCart((port) => vsRoutes({ name: 'reviews' }, port)), extraResources: [cartVs], calls: callsReviews }), { findings: [] });
// A second VirtualService for the same host, in the client's namespace: istiod builds the virtual host from one of them only.
const shopReviewsVs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews-timeouts', namespace: 'shop', creationTimestamp: '2024-04-01T10:00:00Z' }, spec: { hosts: ['reviews.catalog.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews.catalog.svc.cluster.local' } }], timeout: '2s' }] } };
const shopReviewsRoutes = (port) => [{ match: { prefix: '/' }, route: { cluster: `outbound|${port.port}||reviews.catalog.svc.cluster.local`, timeout: '2s' }, metadata: vsMetadata('shop', 'reviews-timeouts') }];
writeBundle(join(tp002, 'fires-other-virtual-service-wins'), smallBundle({ visible: all, routesFor: withCart(shopReviewsRoutes), extraResources: [cartVs, shopReviewsVs], calls: callsReviews }), {
  findings: [{ subject: productpage, severity: 'high', explanationIncludes: ['routes `reviews.catalog.svc.cluster.local:9080` by another VirtualService', 'built from `reviews-timeouts.shop` instead', '`reviews.catalog` is ignored here'] }],
});
writeBundle(join(tp002, 'fires-tcp-port-name'), smallBundle({ visible: all, routesFor: reviewsOnDefaultRoute, extraResources: [cartVs], calls: callsReviews, reviewsPortName: 'tcp-web' }), {
  findings: [{ subject: productpage, severity: 'high', explanationIncludes: ['has no virtual host `reviews.catalog.svc.cluster.local:9080` in route table `9080`', 'declared `tcp` (port name `tcp-web`)'] }],
});
// reviews also has a `tcp-metrics` port: a TCP port never gets HTTP routes, and that is no fault.
writeBundle(join(tp002, 'quiet-applied-tcp-side-port'), smallBundle({ visible: all, routesFor: withCart((port) => vsRoutes({ name: 'reviews' }, port)), extraResources: [cartVs], calls: callsReviews, reviewsMetricsPort: true }), { findings: [] });

// TP001: the reviews VirtualService moved to a canary of the next release (90% `v3`, 10% `v4`) while DestinationRule
// `catalog/reviews` still defines only `v1` and `v2`: istiod routes to both subsets' clusters (Envoy's weighted_clusters)
// and builds neither. Two missing clusters, each with its own fix: both fixes, one after the other.
{
  const canary = (service, port) =>
    service.name === 'reviews'
      ? [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: `outbound|${port.port}|v3|reviews.catalog.svc.cluster.local`, weight: 90 }, { name: `outbound|${port.port}|v4|reviews.catalog.svc.cluster.local`, weight: 10 }] }, timeout: '0s' }, metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/catalog/virtual-service/reviews' } } } }]
      : undefined;
  const canaryVs = { ...reviewsVs, spec: { ...reviewsVs.spec, http: [{ route: [{ destination: { host: 'reviews.catalog.svc.cluster.local', subset: 'v3' }, weight: 90 }, { destination: { host: 'reviews.catalog.svc.cluster.local', subset: 'v4' }, weight: 10 }] }] } };
  const files = smallBundle({ visible: ['productpage', 'cart', 'istiod', 'reviews'], routesFor: canary });
  files['kubernetes/resources/all.json'] = list([...small.map(serviceObject), canaryVs, reviewsDr]);
  writeBundle(join(tp001, 'fires-canary-subsets-both-undefined'), files, {
    findings: [{
      subject: productpage,
      severity: 'high',
      titleIncludes: [`${PRODUCTPAGE} has no cluster for 2 destinations its routes send traffic to`],
      explanationIncludes: [
        'has no `outbound|9080|v3|reviews.catalog.svc.cluster.local`, `outbound|9080|v4|reviews.catalog.svc.cluster.local`, yet its route table sends traffic there',
        'the route names subset `v3` of `reviews.catalog.svc.cluster.local`, which DestinationRule `catalog/reviews` does not define (it defines `v1`, `v2`): istiod builds no cluster for it (CFG003); the route names subset `v4`',
      ],
      explanationExcludes: ['more)'],
      remediationIncludes: [
        'Define subset `v3` in DestinationRule `catalog/reviews` (with the labels of the pods meant to serve it), or route to a subset it defines (`v1`, `v2`). Define subset `v4` in DestinationRule `catalog/reviews` (with the labels of the pods meant to serve it), or route to a subset it defines (`v1`, `v2`).',
      ],
    }],
  });
}

// TP001: shop's Sidecar (`./*`, `istio-system/*`) leaves out `catalog`, while shop keeps a client-side VirtualService
// (a 3s timeout) for each catalog service it calls: every one of their virtual hosts names a cluster the proxy lacks.
// Ten are named in the explanation; an eleventh is counted.
{
  const CATALOG = ['reviews', 'ratings', 'details', 'inventory', 'pricing', 'search', 'recommendations', 'images', 'availability', 'shipping', 'promotions'];
  const catalogBundle = (count) => {
    const catalog = CATALOG.slice(0, count).map((name, i) => ({ name, namespace: 'catalog', ports: [{ port: 9080, protocol: 'http' }], ip: `10.96.20.${i + 1}`, endpoints: [`10.244.2.${i + 7}`] }));
    const mesh = [...small.filter((s) => s.namespace !== 'catalog'), ...catalog];
    const fqdnOf = (s) => `${s.name}.${s.namespace}.svc.cluster.local`;
    const timeouts = (s) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `${s.name}-timeouts`, namespace: 'shop' }, spec: { hosts: [fqdnOf(s)], http: [{ route: [{ destination: { host: fqdnOf(s) } }], timeout: '3s' }] } });
    const routesFor = (service, port) =>
      service.namespace === 'catalog'
        ? [{ match: { prefix: '/' }, route: { cluster: `outbound|${port.port}||${fqdnOf(service)}`, timeout: '3s' }, metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/shop/virtual-service/${service.name}-timeouts` } } } }]
        : undefined;
    return {
      [`proxies/shop/${PRODUCTPAGE}/config_dump.json`]: `${sidecarConfigDump(proxy(PRODUCTPAGE, 'shop', '10.244.1.7'), mesh, { inboundPorts: [9080], routesFor, omitClusters: catalog.map((s) => `outbound|9080||${fqdnOf(s)}`) })}\n`,
      'kubernetes/pods/shop.json': podList([pod(PRODUCTPAGE, 'shop', '10.244.1.7')]),
      'kubernetes/resources/all.json': list([...mesh.map(serviceObject), ...catalog.map(timeouts), shopSidecar(['./*', 'istio-system/*'])]),
    };
  };
  const cluster = (name) => `\`outbound|9080||${name}.catalog.svc.cluster.local\``;
  writeBundle(join(tp001, 'fires-sidecar-excludes-eleven-services'), catalogBundle(11), {
    findings: [{
      subject: productpage,
      severity: 'high',
      titleIncludes: [`${PRODUCTPAGE} has no cluster for 11 destinations its routes send traffic to`],
      explanationIncludes: [`has no ${CATALOG.slice(0, 10).map(cluster).join(', ')} (and 1 more), yet its route table sends traffic there`, '`shipping-timeouts.shop`, `promotions-timeouts.shop`)',
        // One Sidecar leaves all eleven out: one sentence, five hosts named and the rest counted, not eleven sentences.
        'Why: the Sidecar `shop/default` scopes this proxy and its egress hosts (`./*`, `istio-system/*`) do not include `catalog/reviews.catalog.svc.cluster.local`, `catalog/ratings.catalog.svc.cluster.local`, `catalog/details.catalog.svc.cluster.local`, `catalog/inventory.catalog.svc.cluster.local`, `catalog/pricing.catalog.svc.cluster.local` and 6 more: add them to `spec.egress[].hosts`.'],
      explanationExcludes: [`${cluster('promotions')},`, `, ${cluster('promotions')}`, '; the Sidecar'],
    }],
  });
  writeBundle(join(tp001, 'fires-sidecar-excludes-ten-services'), catalogBundle(10), {
    findings: [{
      subject: productpage,
      severity: 'high',
      titleIncludes: [`${PRODUCTPAGE} has no cluster for 10 destinations its routes send traffic to`],
      explanationIncludes: [`has no ${CATALOG.slice(0, 10).map(cluster).join(', ')}, yet its route table sends traffic there`],
      explanationExcludes: ['more)', 'promotions'],
    }],
  });
}
