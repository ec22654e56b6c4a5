// Regenerates the MC001 fixture bundles: `node test/rules/generate-mc-fixtures.mjs`.
// Config dumps come from scripts/envoy/config-dump-generator.mjs (Istio 1.24 sidecar shapes, with EDS), pods from the
// bookinfo productpage pod of the CP007 fixtures (a real `kubectl get pods -o json` layout), the Secret listings as
// collect.sh writes them: `kubectl get secrets -n istio-system` (kubectl's table: columns padded to the widest cell
// plus 3 blanks) and the `<namespace>/<name>` lines of the Secrets labelled `istio/multiCluster=true`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sidecarConfigDump } from '../../scripts/envoy/config-dump-generator.mjs';
import { podFromTemplate } from '../../scripts/fixtures/pod-from-template.mjs';
import { kubectlList, ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const template = JSON.parse(readFileSync(join(here, 'CP007/quiet-one-minor-behind/bundle/kubernetes/pods/bookinfo.json'), 'utf8')).items.find((p) => p.metadata.name.startsWith('productpage'));
const pod = (name, namespace, ip) => podFromTemplate(template, { name, namespace, app: name.split('-')[0], ip });

const PRODUCTPAGE = 'productpage-v1-7d9f8c6b5-r4t2x';
const services = [
  { name: 'productpage', namespace: 'shop', ports: [{ port: 9080, protocol: 'http' }], ip: '10.96.10.1', endpoints: ['10.244.1.7'] },
  { name: 'cart', namespace: 'shop', ports: [{ port: 8080, protocol: 'http' }], ip: '10.96.10.2', endpoints: ['10.244.1.8'] },
  { name: 'reviews', namespace: 'catalog', ports: [{ port: 9080, protocol: 'http' }], ip: '10.96.20.1', endpoints: ['10.244.2.7', '10.244.2.8'] },
];
const pods = {
  'kubernetes/pods/shop.json': kubectlList([pod(PRODUCTPAGE, 'shop', '10.244.1.7'), pod('cart-5b8f9d7c6-q9w2e', 'shop', '10.244.1.8')]),
  'kubernetes/pods/catalog.json': kubectlList([pod('reviews-v1-6c7d8e9f5-a1b2c', 'catalog', '10.244.2.7'), pod('reviews-v2-7d8e9f6a5-d3e4f', 'catalog', '10.244.2.8')]),
};

/** kubectl's table printer: each column as wide as its widest cell, 3 blanks between columns, none after the last. */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('')).join('\n')}\n`;
}
const secretsTable = (extra = []) =>
  table([
    ['NAME', 'TYPE', 'DATA', 'AGE'],
    ['cacerts', 'Opaque', '4', '41d'],
    ['istio-ca-secret', 'istio.io/ca-root', '5', '41d'],
    ...extra,
    ['sh.helm.release.v1.istio-base.v1', 'helm.sh/release.v1', '1', '41d'],
    ['sh.helm.release.v1.istiod.v1', 'helm.sh/release.v1', '1', '41d'],
  ]);
const REMOTE = ['istio-remote-secret-cluster2', 'Opaque', '1', '12d'];

/** A remote network's endpoint as istiod sends it: the east-west gateway's address on 15443, the workload's metadata. */
const gatewayEndpoint = (address, workload) => ({
  endpoint: { address: { socket_address: { address, port_value: 15443 } }, health_check_config: {} },
  health_status: 'HEALTHY',
  metadata: { filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' }, istio: { workload } } },
  load_balancing_weight: 1,
});

function configDump({ endpoints = true, addTo } = {}) {
  const dump = JSON.parse(sidecarConfigDump({ pod: PRODUCTPAGE, namespace: 'shop', ip: '10.244.1.7', app: 'productpage' }, services, { inboundPorts: [9080], endpoints }));
  if (addTo) {
    const eds = dump.configs.find((c) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump');
    const reviews = eds.dynamic_endpoint_configs.find((e) => e.endpoint_config.cluster_name === 'outbound|9080||reviews.catalog.svc.cluster.local');
    reviews.endpoint_config.endpoints.push({ locality: { region: 'europe-west4', zone: 'europe-west4-b' }, lb_endpoints: [addTo], load_balancing_weight: 1 });
  }
  return `${JSON.stringify(dump, null, 1)}\n`;
}

const dumpPath = `proxies/shop/${PRODUCTPAGE}/config_dump.json`;
const bundle = ({ secrets = secretsTable([REMOTE]), remote = 'istio-system/istio-remote-secret-cluster2\n', dump = configDump(), extra = {} } = {}) => ({
  'kubernetes/secrets/istio-system.txt': secrets,
  'kubernetes/secrets/remote-secrets.txt': remote,
  ...pods,
  ...(dump ? { [dumpPath]: dump } : {}),
  ...extra,
});

// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here.
const out = join(ruleFixturesOut(here), 'MC001');
const subject = { kind: 'Mesh', name: 'remote clusters' };
writeRuleFixture(join(out, 'fires-remote-secret-no-remote-endpoint'), bundle(), {
  findings: [
    {
      subject,
      severity: 'high',
      evidencePaths: ['kubernetes/secrets/remote-secrets.txt', 'kubernetes/secrets/istio-system.txt', dumpPath],
      explanationIncludes: [
        'istio-system/istio-remote-secret-cluster2',
        'the mesh is meant to span 1 remote cluster `cluster2`',
        'config dumps of 1 proxy is a pod IP of this cluster: 4 addresses in 3 service clusters',
        'none on the east-west port 15443',
        'no Service of this cluster on port 15443',
        '1 remote secret makes this a multi-cluster mesh: `istio-system/istio-remote-secret-cluster2` (kubernetes/secrets/remote-secrets.txt line 1, kubernetes/secrets/istio-system.txt line 4); the mesh is meant to span 1 remote cluster `cluster2`. Yet every endpoint',
      ],
      yamlIncludes: ['kind: ServiceEntry', '- <service>.<namespace>.svc.cluster.local', 'location: MESH_INTERNAL', 'resolution: DNS', 'http: 15443', "<east-west gateway address of cluster2>"],
      explanationExcludes: ['is not among the Secrets labelled', 'past the first 20'],
      remediationIncludes: ["Find why istiod does not merge the endpoints of `cluster2`", '--name=cluster2 | kubectl apply -f -', 'that must reach cluster2 now', 'makes `<service>.<namespace>.svc.cluster.local` resolvable'],
      commandsInclude: [
        'kubectl get secrets -n istio-system -l istio/multiCluster=true',
        'istioctl remote-clusters',
        "istioctl proxy-config endpoint productpage-v1-7d9f8c6b5-r4t2x.shop --cluster 'outbound|9080||productpage.shop.svc.cluster.local'",
        'kubectl get svc -n istio-system -l istio=eastwestgateway',
      ],
    },
  ],
});
// A hand-made `istio-remote-secret-*` without the label: the table names it, the label listing is empty; istiod ignores it.
writeRuleFixture(join(out, 'fires-remote-secret-without-label'), bundle({ remote: '' }), {
  findings: [{
    subject,
    severity: 'high',
    evidencePaths: ['kubernetes/secrets/istio-system.txt'],
    explanationIncludes: [
      '`istio-system/istio-remote-secret-cluster2` (kubernetes/secrets/istio-system.txt line 4)',
      'not among the Secrets labelled `istio/multiCluster=true`',
      '`istio-remote-secret-cluster2` is not among the Secrets labelled `istio/multiCluster=true` (kubernetes/secrets/remote-secrets.txt): istiod only watches the clusters of labelled Secrets, so it ignores it.',
    ],
    remediationIncludes: ['Label `istio-remote-secret-cluster2` `istio/multiCluster=true` (or recreate it with `istioctl create-remote-secret`, which does). Find why'],
    commandsInclude: ['kubectl label secret istio-remote-secret-cluster2 -n istio-system istio/multiCluster=true'],
  }],
});
// Multi-network: one reviews endpoint is cluster2's east-west gateway on 15443, as istiod sends remote endpoints.
writeRuleFixture(join(out, 'quiet-remote-east-west-gateway-endpoint'), bundle({ dump: configDump({ addTo: gatewayEndpoint('35.204.118.21', 'reviews-v3;catalog;reviews;v3;cluster2') }) }), { findings: [] });
// Flat network: a remote pod's IP is no pod of this cluster's listing; nor can it be told from an unlisted local pod, so nothing is claimed.
writeRuleFixture(join(out, 'quiet-address-unknown-to-pod-listing'), bundle({ dump: configDump({ addTo: { ...gatewayEndpoint('10.248.3.9', 'reviews-v3;catalog;reviews;v3;cluster2'), endpoint: { address: { socket_address: { address: '10.248.3.9', port_value: 9080 } }, health_check_config: {} } } }) }), { findings: [] });
writeRuleFixture(join(out, 'quiet-single-cluster'), bundle({ secrets: secretsTable(), remote: '' }), { findings: [] });
// `pilot-agent request GET config_dump` (no `include_eds`): no endpoints, nothing to compare.
writeRuleFixture(join(out, 'quiet-config-dump-without-endpoints-not-checked'), bundle({ dump: configDump({ endpoints: false }) }), { notChecked: true, findings: [] });
writeRuleFixture(join(out, 'quiet-no-config-dump-not-checked'), bundle({ dump: null }), { notChecked: true, findings: [] });

// Access logs: UH toward `ratings.catalog`, which this cluster's `kubectl get services -A` listing does not have.
const serviceNames = (extra = []) =>
  table([
    ['NAMESPACE', 'NAME'],
    ['catalog', 'reviews'],
    ...extra,
    ['default', 'kubernetes'],
    ['istio-system', 'istiod'],
    ['kube-system', 'kube-dns'],
    ['shop', 'cart'],
    ['shop', 'productpage'],
  ]);
const requestId = (i) => `3c9e${String(i).padStart(4, '0')}-5d1a-4f7e-9b2c-6a8d0e4f1b7${i % 10}`;
const okLine = (i) => `[2024-05-14T09:0${i}:01.214Z] "GET /cart/${i} HTTP/1.1" 200 - via_upstream - "-" 0 312 6 5 "-" "productpage/1.4" "${requestId(i)}" "cart.shop:8080" "10.244.1.8:8080" outbound|8080||cart.shop.svc.cluster.local 10.244.1.7:40312 10.96.10.2:8080 10.244.1.7:38394 - default`;
const uhLine = (i) => `[2024-05-14T09:0${i}:02.530Z] "GET /ratings/${i} HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "productpage/1.4" "${requestId(10 + i)}" "ratings.catalog:9080" "-" outbound|9080||ratings.catalog.svc.cluster.local - 10.100.44.17:9080 10.244.1.7:5${i}312 - default`;
const proxyLog = `${[0, 1, 2, 3].flatMap((i) => [okLine(i), uhLine(i)]).join('\n')}\n`;
const logBundle = (names) => ({
  ...bundle({ dump: null }),
  'kubernetes/pods/catalog.json': undefined,
  'kubernetes/service-names.txt': names,
  [`logs/shop/${PRODUCTPAGE}/istio-proxy.log`]: proxyLog,
});
const defined = (files) => Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
writeRuleFixture(join(out, 'fires-uh-toward-remote-only-service'), defined(logBundle(serviceNames())), {
  findings: [
    {
      subject: { kind: 'Service', namespace: 'catalog', name: 'ratings' },
      severity: 'high',
      evidencePaths: [`logs/shop/${PRODUCTPAGE}/istio-proxy.log`, 'kubernetes/service-names.txt'],
      explanationIncludes: [
        '4 requests from `shop/productpage-v1-7d9f8c6b5-r4t2x` toward `outbound|9080||ratings.catalog.svc.cluster.local`',
        'no Service `catalog/ratings`',
        'from a remote cluster (`cluster2`;',
        '4 requests from `shop/productpage-v1-7d9f8c6b5-r4t2x` toward `outbound|9080||ratings.catalog.svc.cluster.local` failed with `no healthy upstream` (UH).',
        'no Service `catalog/ratings` (`kubernetes/service-names.txt`, every namespace)',
      ],
      yamlIncludes: ['kind: ServiceEntry', 'name: ratings-cluster2', 'namespace: catalog', '- ratings.catalog.svc.cluster.local', 'location: MESH_INTERNAL', 'resolution: DNS', 'number: 9080', 'http-9080: 15443'],
      remediationIncludes: ["the proxy's endpoints for `outbound|9080||ratings.catalog.svc.cluster.local`", "expose cluster2's east-west gateway (port 15443)", 'create a Service `catalog/ratings`'],
      commandsInclude: [
        "istioctl proxy-config endpoint productpage-v1-7d9f8c6b5-r4t2x.shop --cluster 'outbound|9080||ratings.catalog.svc.cluster.local'",
        'kubectl get svc ratings -n catalog --context=<cluster2 context>',
      ],
    },
  ],
});
// The same UH toward a Service this cluster has: LOG002's, not a cross-cluster one; without config dumps the endpoint check cannot answer.
writeRuleFixture(join(out, 'quiet-uh-toward-local-service-not-checked'), defined(logBundle(serviceNames([['catalog', 'ratings']]))), { notChecked: true, findings: [] });
