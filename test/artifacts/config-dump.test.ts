import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import type { ArtifactSink } from '../../src/artifacts/artifact-kind.js';
import { configDumpKind } from '../../src/artifacts/envoy/config-dump-kind.js';
import { StringPool } from '../../src/artifacts/entry/string-pool.js';
import type { ConfigDumpSummary } from '../../src/artifacts/envoy/summary-schema.js';
import { analyzeBundle } from '../../src/pipeline.js';

const bytes = (name: string) => readFileSync(new URL(`../fixtures/envoy/${name}`, import.meta.url));

function summarise(input: Buffer | string, chunk = 4096): ConfigDumpSummary {
  const data = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const sink = configDumpKind.open({
    entry: { path: 'proxies/default/p/config_dump.json' },
    size: data.length,
    encoding: 'utf8',
    recognisedBy: 'path',
    limits: DEFAULT_LIMITS,
    budget: { tryKeep: () => true, release: () => undefined },
    strings: new StringPool(),
  }) as ArtifactSink;
  for (let at = 0; at < data.length; at += chunk) sink.write(data.subarray(at, at + chunk));
  return sink.end().data as ConfigDumpSummary;
}

type Section = Record<string, unknown> & { '@type': string };

/** The SecretsConfigDump section of the istioctl testdata dump (config-dump-secrets.json). */
function secretsSection(): Section {
  const dump = JSON.parse(bytes('config-dump-secrets.json').toString('utf8')) as { configs: Section[] };
  return dump.configs.find((c) => c['@type'].endsWith('.SecretsConfigDump'))!;
}

/** Its ROOTCA secret, as Envoy prints an SDS secret. */
function rootCa(section: Section): unknown {
  return (section.dynamic_active_secrets as Array<{ name: string }>).find((s) => s.name === 'ROOTCA');
}

describe('Envoy config dump summary', () => {
  it('summarises the admin config_dump of a waypoint (istioctl proxyconfig testdata): every section, clusters parsed from their names', () => {
    const summary = summarise(bytes('config-dump-waypoint.json'));
    expect(summary.format).toBe('config_dump');
    expect(summary.sections).toEqual(['bootstrap', 'clusters', 'endpoints', 'listeners', 'routes', 'secrets']);
    expect(summary.node).toMatchObject({ pointer: '/configs/0/bootstrap', istioVersion: expect.stringMatching(/^1\.2\d/) });
    const vip = summary.clusters.find((c) => c.direction === 'inbound-vip');
    expect(vip).toMatchObject({ port: expect.any(Number), host: expect.stringContaining('.svc.cluster.local'), state: 'active', type: 'EDS' });
    expect(vip!.pointer).toMatch(/^\/configs\/1\/dynamic_active_clusters\/\d+\/cluster$/);
    expect(summary.clusters.filter((c) => c.state === 'static').length).toBeGreaterThan(0);
    expect(summary.secrets.map((s) => s.name).sort()).toEqual(expect.arrayContaining(['ROOTCA', 'default']));
  });

  it('reads Istio auto mTLS (a `tlsMode-istio` transport socket match), the DestinationRule and subset of a cluster and the VirtualService of a route (istioctl describe testdata)', () => {
    const summary = summarise(bytes('config-dump-describe-http.json'));
    expect(summary.clusters).toEqual([
      {
        name: 'outbound|9080|v1|productpage.default.svc.cluster.local',
        state: 'active',
        pointer: '/configs/1/dynamic_active_clusters/0/cluster',
        direction: 'outbound',
        port: 9080,
        subset: 'v1',
        host: 'productpage.default.svc.cluster.local',
        type: 'EDS',
        destinationRule: 'productpage.default',
        tls: 'auto',
      },
    ]);
    expect(summary.routeTables).toEqual([
      {
        name: 'http.8080',
        state: 'dynamic',
        pointer: '/configs/0/dynamic_route_configs/0/route_config',
        virtualHosts: [{ name: '*:80', domains: 1, routes: 5, clusters: ['outbound|9080||productpage.default.svc.cluster.local'], virtualServices: ['bookinfo.default'] }],
      },
    ]);
  });

  it('gives the same summary whatever the chunking', () => {
    const whole = summarise(bytes('config-dump-listeners-sidecar.json'), 1 << 22);
    expect(summarise(bytes('config-dump-listeners-sidecar.json'), 13)).toEqual(whole);
    expect(whole.listeners.length).toBeGreaterThan(10);
    expect(whole.listeners.find((l) => l.name === 'virtualInbound')).toMatchObject({ address: '0.0.0.0', port: 15006, state: 'active' });
  });

  it('counts endpoints by health from the EDS section (istioctl configdump endpoint testdata)', () => {
    const summary = summarise(bytes('config-dump-endpoints.json'));
    expect(summary.sections).toEqual(['endpoints']);
    const total = summary.endpoints.reduce((sum, e) => sum + e.total, 0);
    expect(total).toBeGreaterThan(0);
    for (const e of summary.endpoints) expect(e.healthy + Object.values(e.unhealthy ?? {}).reduce((a, b) => a + b, 0)).toBe(e.total);
  });

  it('lists an endpoint whose port the dump leaves out (proto3 JSON omits a zero port_value) by its IP alone', () => {
    const dump = JSON.parse(bytes('config-dump-endpoints.json').toString('utf8')) as { configs: Section[] };
    const section = dump.configs[0]!;
    type Assignment = { endpoint_config: { cluster_name: string; endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { port_value?: number } } } }> }> } };
    const agent = (section.static_endpoint_configs as Assignment[]).find((e) => e.endpoint_config.cluster_name === 'agent')!;
    delete agent.endpoint_config.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value;
    const summary = summarise(JSON.stringify({ configs: [{ '@type': section['@type'], static_endpoint_configs: [agent] }] }));
    expect(summary.endpoints).toEqual([{ cluster: 'agent', pointer: '/configs/0/static_endpoint_configs/0/endpoint_config', total: 1, healthy: 1, addresses: ['127.0.0.1'] }]);
  });

  it('decodes the certificates of SDS secrets with X.509 (istioctl configdump secret testdata)', () => {
    const summary = summarise(bytes('config-dump-secrets.json'));
    const leaf = summary.secrets.find((s) => s.name === 'default')!;
    expect(leaf).toMatchObject({ state: 'active', holds: 'chain' });
    // `istioctl proxy-config secret` prints this serial and validity for it (testdata output).
    expect(leaf.certificates[0]).toMatchObject({ serial: '6fbee254c22900615cb1f74e3d2f1713', notAfter: '2023-05-16T01:32:52.000Z', notBefore: '2023-05-15T01:30:52.000Z', ca: false });
    expect(leaf.certificates[0]!.uris?.[0]).toMatch(/^spiffe:\/\//);
    const root = summary.secrets.find((s) => s.name === 'ROOTCA')!;
    expect(root).toMatchObject({ holds: 'trusted-ca' });
    expect(root.certificates[0]).toMatchObject({ ca: true, notAfter: '2033-05-02T03:41:33.000Z' });
    expect(summary.secrets.find((s) => s.state === 'warming')).toMatchObject({ name: 'configmap://some/thing', certificates: [] });
  });

  it('reads the static secrets of a SecretsConfigDump (secrets from the bootstrap) as secrets', () => {
    const secrets = secretsSection();
    // Envoy lists bootstrap secrets under `static_secrets`, with the shape of the SDS ones: name, last_updated, secret.
    const dump = { configs: [{ '@type': secrets['@type'], static_secrets: [rootCa(secrets)] }] };
    const summary = summarise(JSON.stringify(dump));
    expect(summary.sections).toEqual(['secrets']);
    expect(summary.secrets.map(({ name, state, pointer, holds }) => ({ name, state, pointer, holds }))).toEqual([{ name: 'ROOTCA', state: 'static', pointer: '/configs/0/static_secrets/0', holds: 'trusted-ca' }]);
  });

  it('takes only the elements of a section list: a section holding an object is not a proxy-config output', () => {
    // `proxy-config secret -o json` prints `{"dynamicActiveSecrets": [...]}`; the same secret keyed by name is no such output.
    const keyedByName = { dynamicActiveSecrets: { ROOTCA: rootCa(secretsSection()) } };
    expect(() => summarise(JSON.stringify(keyedByName))).toThrow(/not an Envoy config dump/);
  });

  it('reads the camelCase single-type outputs: proxy-config eds -o json, bootstrap -o json', () => {
    const eds = summarise(bytes('pc-eds-output.json'));
    expect(eds.format).toBe('proxy-config eds');
    expect(eds.endpoints.length).toBeGreaterThan(5);
    const boot = summarise(bytes('pc-bootstrap-output.json'));
    expect(boot.format).toBe('proxy-config bootstrap');
    expect(boot.node).toMatchObject({ pointer: '/bootstrap' });
  });

  it('reads proxy-config cluster, route and listener -o json arrays (camelCase)', () => {
    const clusters = [
      { name: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local', type: 'EDS', edsClusterConfig: { edsConfig: { ads: {} }, serviceName: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local' }, connectTimeout: '10s', outlierDetection: { consecutive5xx: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 }, metadata: { filterMetadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/bookinfo/destination-rule/reviews' } } }, transportSocketMatches: [{ name: 'tlsMode-istio' }] },
      { name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s' },
    ];
    const summary = summarise(JSON.stringify(clusters, null, 4), 7);
    expect(summary.format).toBe('proxy-config cluster');
    expect(summary.clusters[0]).toEqual({ name: clusters[0]!.name, direction: 'outbound', port: 9080, subset: 'v1', host: 'reviews.bookinfo.svc.cluster.local', type: 'EDS', state: 'active', pointer: '/0', destinationRule: 'reviews.bookinfo', outlierDetection: { consecutive5xx: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 }, tls: 'auto' });
    expect(summary.clusters[1]).toEqual({ name: 'BlackHoleCluster', type: 'STATIC', state: 'active', pointer: '/1' });
    const routes = summarise(JSON.stringify([{ name: '9080', virtualHosts: [{ name: 'reviews.bookinfo.svc.cluster.local:9080', domains: ['reviews.bookinfo.svc.cluster.local', 'reviews'], routes: [{ match: { prefix: '/v2' }, route: { weightedClusters: { clusters: [{ name: 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local', weight: 90 }, { name: 'outbound|9080|v3|reviews.bookinfo.svc.cluster.local', weight: 10 }] } } }, { match: { prefix: '/' }, route: { cluster: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local' }, metadata: { filterMetadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/bookinfo/virtual-service/reviews' } } } }] }] }]));
    expect(routes.routeTables).toEqual([{ name: '9080', pointer: '/0', virtualHosts: [{ name: 'reviews.bookinfo.svc.cluster.local:9080', domains: 2, routes: 2, clusters: ['outbound|9080|v1|reviews.bookinfo.svc.cluster.local', 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local', 'outbound|9080|v3|reviews.bookinfo.svc.cluster.local'], virtualServices: ['reviews.bookinfo'] }] }]);
  });

  /**
   * A ClusterStatus of Envoy's admin API (envoy/admin/v3/clusters.proto, Apache-2.0): `proxy-config endpoint -o json`
   * prints a list of them in camelCase, the admin `/clusters?format=json` wraps them in `cluster_statuses`, snake_case.
   * A host's HostHealthStatus omits `eds_health_status` when it is UNKNOWN (proto3 JSON leaves out the zero value),
   * which Envoy load-balances to as healthy; an outlier-ejected host keeps its EDS status and sets `failed_outlier_check`.
   */
  const hostStatus = (address: string, health: Record<string, unknown>) => ({ address: { socketAddress: { address, portValue: 8080 } }, stats: [{ name: 'cx_total' }, { type: 'GAUGE', name: 'rq_active' }], healthStatus: health, weight: 1, locality: {} });
  const frontend = {
    name: 'outbound|80||frontend.online-boutique.svc.cluster.local',
    addedViaApi: true,
    hostStatuses: [hostStatus('172.17.0.4', { edsHealthStatus: 'HEALTHY' }), hostStatus('172.17.0.9', { failedOutlierCheck: true, edsHealthStatus: 'HEALTHY' }), hostStatus('172.17.0.11', {}), hostStatus('172.17.0.12', { edsHealthStatus: 'UNHEALTHY' })],
    circuitBreakers: { thresholds: [{ maxConnections: 4294967295, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 }] },
  };
  const frontendEndpoints = (pointer: string) => ({
    cluster: frontend.name,
    pointer,
    total: 4,
    healthy: 3, // the one without an EDS status counts as healthy, as Envoy treats it
    unhealthy: { UNHEALTHY: 1 },
    addresses: ['172.17.0.4:8080', '172.17.0.9:8080', '172.17.0.11:8080', '172.17.0.12:8080'],
    outlierEjected: 1,
  });

  it('reads proxy-config endpoint -o json (ClusterStatus, camelCase): hosts, their EDS health, outlier ejections', () => {
    const summary = summarise(JSON.stringify([frontend], null, 4), 9);
    expect(summary.format).toBe('proxy-config endpoint');
    expect(summary.sections).toEqual(['endpoints']);
    expect(summary.endpoints).toStrictEqual([frontendEndpoints('/0')]);
  });

  it('reads the admin /clusters?format=json (cluster_statuses, snake_case) the same way', () => {
    const snake = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(snake) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)])) : value;
    const summary = summarise(JSON.stringify({ cluster_statuses: [snake(frontend)] }));
    expect(summary.sections).toEqual(['endpoints']);
    expect(summary.endpoints).toStrictEqual([frontendEndpoints('/cluster_statuses/0')]);
  });

  it('an outlier detection without interval or base ejection time has neither key (not keys holding undefined)', () => {
    const summary = summarise(JSON.stringify([{ name: 'outbound|9080||reviews.bookinfo.svc.cluster.local', type: 'EDS', outlierDetection: { consecutive5xx: 1 } }]));
    expect(summary.clusters[0]!.outlierDetection).toStrictEqual({ consecutive5xx: 1 });
  });

  it('an element over the document cap makes the dump invalid, naming the element and the flag that raises the cap', () => {
    const big = { name: 'outbound|9080||reviews.bookinfo.svc.cluster.local', type: 'EDS', connectTimeout: '10s', metadata: { filler: 'x'.repeat(3000) } };
    const dump = JSON.stringify([{ name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s' }, big]);
    const data = Buffer.from(dump);
    const sink = configDumpKind.open({ entry: { path: 'proxies/default/p/config_dump.json' }, size: data.length, encoding: 'utf8', recognisedBy: 'path', limits: { ...DEFAULT_LIMITS, maxDocumentBytes: 2048 }, budget: { tryKeep: () => true, release: () => undefined }, strings: new StringPool() }) as ArtifactSink;
    sink.write(data);
    expect(() => sink.end()).toThrow('an element over the 2.0 KiB document cap at element 1 (raise with --max-document-size)');
  });

  it('a section is present by its @type even when it lists nothing (a proxy with no SDS secrets yet); an unknown @type is counted as ignored', () => {
    const secrets = 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump';
    expect(summarise(JSON.stringify({ configs: [{ '@type': secrets }] }))).toMatchObject({ format: 'config_dump', sections: ['secrets'], secrets: [], ignored: 0 });
    const withScoped = summarise(JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump' }, { '@type': secrets }] }));
    expect(withScoped).toMatchObject({ sections: ['secrets'], ignored: 1 });
  });

  it('a cluster of `proxy-config cluster -o json` is known by any of its cluster fields, eds_cluster_config alone included', () => {
    const summary = summarise(JSON.stringify([{ name: 'outbound|9080||reviews.bookinfo.svc.cluster.local', edsClusterConfig: { edsConfig: { ads: {} } } }]));
    expect(summary.format).toBe('proxy-config cluster');
    expect(summary.clusters.map((c) => c.name)).toEqual(['outbound|9080||reviews.bookinfo.svc.cluster.local']);
  });

  it('refuses a list mixing two proxy-config outputs, naming both', () => {
    const mixed = [{ name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s' }, { name: '9080', virtualHosts: [] }];
    expect(() => summarise(JSON.stringify(mixed))).toThrow('not one proxy-config output: it mixes proxy-config cluster, proxy-config route');
  });

  it('sniffs `proxy-config secret -o json` (jsonpb, indented) and the admin /clusters?format=json by their first key only', () => {
    const secret = '{\n    "dynamicActiveSecrets": [\n        {\n            "name": "default",';
    expect(configDumpKind.sniff(secret, 'x')).toBe(true);
    expect(configDumpKind.sniff(`\n  ${secret}`, 'x')).toBe(true);
    expect(configDumpKind.sniff('{"dynamicWarmingSecrets": []}', 'x')).toBe(true);
    expect(configDumpKind.sniff('{\n "cluster_statuses": [', 'x')).toBe(true);
    expect(configDumpKind.sniff('{"cluster_statuses" : [', 'x')).toBe(true); // blanks JSON allows before the colon
    // The key elsewhere than first, or a line before the object: not this output.
    expect(configDumpKind.sniff('{"kind": "Secret", "dynamicActiveSecrets": []}', 'x')).toBe(false);
    expect(configDumpKind.sniff('Warning: x\n{"dynamicActiveSecrets": []}', 'x')).toBe(false);
    expect(configDumpKind.sniff('x{"dynamicActiveSecrets": []}', 'x')).toBe(false);
    expect(configDumpKind.sniff('{ x "dynamicActiveSecrets": []}', 'x')).toBe(false);
  });

  it('keeps the NACK Envoy records in error_state', () => {
    const dump = { configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump', dynamic_listeners: [{ name: '0.0.0.0_8080', error_state: { failed_configuration: {}, last_update_attempt: '2024-05-14T09:00:00Z', details: 'Error adding/updating listener(s) 0.0.0.0_8080: duplicate listener' } }] }] };
    expect(summarise(JSON.stringify(dump)).rejected).toEqual([{ type: 'listener', name: '0.0.0.0_8080', details: 'Error adding/updating listener(s) 0.0.0.0_8080: duplicate listener', pointer: '/configs/0/dynamic_listeners/0/error_state' }]);
  });

  it.each([
    ['{"configs": [', /truncated JSON/],
    ['[]', /an empty list/],
    ['{"kind": "Pod"}', /not an Envoy config dump/],
    ['[{"kind": "Pod"}]', /^not an Envoy config dump/], // a list, but of nothing Envoy prints: not "an empty list"
    ['{"configs": [{"dynamic_active_clusters": [{"cluster": {"name": "a"}}, ]}]}', /malformed JSON: unexpected "]"/],
  ])('refuses %j with a reason', (text, reason) => {
    expect(() => summarise(text)).toThrow(reason);
  });

  it('is used from its istioctl bug-report path, and tied to its pod', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dump-'));
    const dir = join(root, 'bug-report', 'proxies', 'bookinfo', 'reviews-v1-5b6c8d7f9-abcde');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config_dump?include_eds'), bytes('config-dump-compare.json'));
    const { model, report } = await analyzeBundle(root).finally(() => rmSync(root, { recursive: true }));
    const item = report.inventory.find((i) => i.path.endsWith('config_dump?include_eds'));
    expect(item).toMatchObject({ status: 'used', kind: 'envoy.configDump', recognisedBy: 'path' });
    const [record] = model.facets['envoy.configDump'];
    expect(record).toMatchObject({ namespace: 'bookinfo', pod: 'reviews-v1-5b6c8d7f9-abcde', identifiedBy: 'path' });
    expect(record!.summary.clusters.length).toBeGreaterThan(0);
  });
});
