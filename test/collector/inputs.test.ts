// The inputs the offline configuration rules need (issue 8, "Collector"): Istio and Gateway API
// objects cluster-wide, Services and pods of every namespace (each once), namespaces with their
// labels, the mesh config and injector config of every revision, the NetworkPolicies of every
// namespace collected one by one (each once). A missing Gateway API CRD is recorded and collection
// goes on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/artifacts/manifest/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { DATA, bundleIn, extractBundle, joined, readManifest, runCollector, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

interface Collected {
  run: CollectorRun;
  bundle: Extracted;
  manifest: CollectorManifest;
  tarball: string;
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

async function collect(args: string[], responses: Parameters<typeof runCollector>[1] = {}): Promise<Collected> {
  const run = await runCollector(args, responses);
  const tarball = bundleIn(run.cwd);
  const bundle = extractBundle(tarball);
  return { run, bundle, manifest: readManifest(bundle.dir), tarball };
}

const entry = (c: Collected, path: string) => c.manifest.artifacts.find((a) => a.path === path);
const json = <T>(c: Collected, path: string) => JSON.parse(readFileSync(join(c.bundle.dir, path), 'utf8')) as T;
const items = (c: Collected, path: string) => json<{ items: K8sObject[] }>(c, path).items;
const ids = (objects: K8sObject[]) => objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

/** `kind`/`ns/name` of every object in the artifacts of these manifest kinds that succeeded. */
function objectsIn(c: Collected, kinds: string[]): Array<{ path: string; id: string }> {
  return c.manifest.artifacts
    .filter((a) => kinds.includes(a.kind ?? '') && a.exitCode === 0 && a.path.endsWith('.json'))
    .flatMap((a) => {
      const doc = json<K8sObject & { items?: K8sObject[] }>(c, a.path);
      return (doc.items ?? [doc]).map((o) => ({ path: a.path, id: `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}` }));
    });
}

const NOT_COLLECTED_SELECTOR = 'metadata.namespace!=ambient-demo,metadata.namespace!=istio-system,metadata.namespace!=payments,metadata.namespace!=shop';
const NO_CRD = (type: string) => `error: the server doesn't have a resource type "${type}"\n`;
const FORBIDDEN_CONFIGMAPS =
  'Error from server (Forbidden): configmaps is forbidden: User "support-readonly@acme.example" cannot list resource "configmaps" in API group "" in the namespace "istio-system"\n';

let base: Collected;
let noGatewayApi: Collected;
let selected: Collected;
let all: Collected;

beforeAll(async () => {
  [base, noGatewayApi, selected, all] = await Promise.all([
    collect(['--timeout', '3']),
    // No Gateway API CRDs at all, and credentials that may read named ConfigMaps but not list them.
    collect(['--timeout', '3'], {
      responses: [
        { tool: 'kubectl', match: '^get (gateways|httproutes|grpcroutes|referencegrants)\\.gateway\\.networking\\.k8s\\.io -A -o json$', stderr: NO_CRD('$1'), exit: 1 },
        { tool: 'kubectl', match: '^get configmaps -n istio-system -l ', stderr: FORBIDDEN_CONFIGMAPS, exit: 1 },
      ],
    }),
    collect(['-n', 'shop', '--timeout', '3', '--max-proxies', '0']),
    collect(['-A', '--timeout', '3', '--max-proxies', '0']),
  ]);
}, 150_000);

describe('Istio and Gateway API configuration, cluster-wide', () => {
  const RESOURCES = [
    'virtualservices.networking.istio.io',
    'destinationrules.networking.istio.io',
    'gateways.networking.istio.io',
    'serviceentries.networking.istio.io',
    'sidecars.networking.istio.io',
    'workloadentries.networking.istio.io',
    'envoyfilters.networking.istio.io',
    'peerauthentications.security.istio.io',
    'authorizationpolicies.security.istio.io',
    'requestauthentications.security.istio.io',
    'telemetries.telemetry.istio.io',
    'gateways.gateway.networking.k8s.io',
    'httproutes.gateway.networking.k8s.io',
    'grpcroutes.gateway.networking.k8s.io',
  ];

  it.each(RESOURCES)('%s: -A, by its fully qualified name, as k8s.resources', (resource) => {
    for (const c of [base, selected]) {
      expect(entry(c, `istio/resources/${resource}.json`)).toMatchObject({ kind: 'k8s.resources', command: `kubectl get ${resource} -A -o json` });
    }
  });

  it('keeps Istio\'s Gateway and the Gateway API Gateway apart', () => {
    expect(base.run.calls.filter((c) => /^get gateways(,| |$)/.test(joined(c)))).toEqual([]);
    expect(base.bundle.files).toContain('istio/resources/gateways.networking.istio.io.json');
    expect(base.bundle.files).toContain('istio/resources/gateways.gateway.networking.k8s.io.json');
  });
});

describe('a cluster without the Gateway API CRDs', () => {
  it('records each failing command with its exit code and stderr, and goes on', () => {
    expect(noGatewayApi.run.code, noGatewayApi.run.stderr).toBe(0);
    expect(validateValue(manifestSchema, noGatewayApi.manifest)).toEqual([]);
    for (const type of ['gateways', 'httproutes', 'grpcroutes', 'referencegrants']) {
      const path = `istio/resources/${type}.gateway.networking.k8s.io.json`;
      expect(entry(noGatewayApi, path)).toMatchObject({
        kind: 'k8s.resources',
        command: `kubectl get ${type}.gateway.networking.k8s.io -A -o json`,
        exitCode: 1,
        bytes: 0,
        forbidden: false,
        stderr: `${path}.stderr`,
      });
      expect(readFileSync(join(noGatewayApi.bundle.dir, `${path}.stderr`), 'utf8')).toBe(NO_CRD(type));
      expect(noGatewayApi.run.stderr).toMatch(new RegExp(`${path.replace(/\./g, '\\.')} +exit 1: error: the server doesn't have a resource type "${type}"`));
    }
    // the steps after it ran
    for (const path of ['kubernetes/nodes.json', 'kubernetes/resources/shop.json', 'kubernetes/networkpolicies/shop.json', 'kubernetes/resources/services.other-namespaces.json', 'kubernetes/resources/pods.other-namespaces.json', 'logs/istio-system/ztunnel-9q7wm/ztunnel.log']) {
      expect(entry(noGatewayApi, path), path).toMatchObject({ exitCode: 0 });
    }
    expect(noGatewayApi.run.stderr).toMatch(/failed or incomplete: 4\n/);
  });

  it('the analyzer lists them under collection failures', async () => {
    const { report } = await analyzeBundle(noGatewayApi.tarball);
    const failures = report.collectionFailures.map((f) => f.path).sort();
    expect(failures).toEqual(['gateways', 'grpcroutes', 'httproutes', 'referencegrants'].map((t) => `istio/resources/${t}.gateway.networking.k8s.io.json`));
  }, 120_000);
});

describe('mesh config and injector config of every revision', () => {
  const CONFIGMAPS = ['istio', 'istio-sidecar-injector', 'istio-canary', 'istio-sidecar-injector-canary'];

  it.each(CONFIGMAPS)('%s: collected by name as k8s.resources', (name) => {
    const path = `kubernetes/configmaps/istio-system-${name}.json`;
    expect(entry(base, path)).toMatchObject({ kind: 'k8s.resources', exitCode: 0, command: `kubectl get configmap ${name} -n istio-system -o json` });
    const object = json<K8sObject>(base, path);
    expect(object).toMatchObject({ kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' } });
  });

  it('the mesh configs carry rootNamespace and the exportTo defaults; the injector configs their values', () => {
    const mesh = (name: string) => json<K8sObject>(base, `kubernetes/configmaps/istio-system-${name}.json`).data!.mesh!;
    expect(mesh('istio')).toMatch(/^rootNamespace: istio-system$/m);
    expect(mesh('istio-canary')).toMatch(/^rootNamespace: istio-system$/m);
    for (const key of ['defaultServiceExportTo', 'defaultVirtualServiceExportTo', 'defaultDestinationRuleExportTo']) expect(mesh('istio-canary')).toMatch(new RegExp(`^${key}:\\n- `, 'm'));
    const values = JSON.parse(json<K8sObject>(base, 'kubernetes/configmaps/istio-system-istio-sidecar-injector-canary.json').data!.values!) as { revision: string; sidecarInjectorWebhook: { enableNamespacesByDefault: boolean } };
    expect(values).toMatchObject({ revision: 'canary', sidecarInjectorWebhook: { enableNamespacesByDefault: false } });
  });

  it('finds the revisions from the ConfigMaps\' own istio.io/rev label, and reads no other ConfigMap', () => {
    const listing = base.run.calls.filter((c) => /^get configmaps /.test(joined(c))).map(joined);
    expect(listing).toEqual(['get configmaps -n istio-system -l istio.io/rev -o jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.metadata.labels.istio\\.io/rev}{"\\n"}{end}']);
    const fetched = base.run.calls.filter((c) => /^get configmap .* -n istio-system /.test(joined(c))).map((c) => joined(c).split(' ')[2]);
    // istio-ca-root-cert carries istio.io/rev=default too: it is collected once, for its own reasons
    expect(fetched.sort()).toEqual([...CONFIGMAPS, 'istio-ca-root-cert'].sort());
    // In the application namespaces, the published root and nothing else (applications keep credentials in theirs).
    const elsewhere = base.run.calls.map(joined).filter((c) => /^get (configmaps?|cm)\b.* -o (json|yaml)$/.test(c) && !/^get configmap [a-z0-9-]+ -n istio-system -o json$/.test(c));
    expect(elsewhere.sort()).toEqual(['ambient-demo', 'payments', 'shop'].map((ns) => `get configmap istio-ca-root-cert -n ${ns} -o json`));
  });

  it('when the ConfigMaps cannot be listed, the default revision\'s are still collected and nothing fails', () => {
    expect(entry(noGatewayApi, 'kubernetes/configmaps/istio-system-istio.json')).toMatchObject({ exitCode: 0 });
    expect(entry(noGatewayApi, 'kubernetes/configmaps/istio-system-istio-sidecar-injector.json')).toMatchObject({ exitCode: 0 });
    expect(noGatewayApi.bundle.files.filter((f) => f.includes('canary'))).toEqual([]);
    expect(noGatewayApi.manifest.artifacts.filter((a) => a.path.startsWith('kubernetes/configmaps/') && a.exitCode !== 0)).toEqual([]);
  });

  it('the analyzer reads them as resources', async () => {
    const { report } = await analyzeBundle(base.tarball);
    for (const name of CONFIGMAPS) {
      const item = report.inventory.find((i) => i.path === `kubernetes/configmaps/istio-system-${name}.json`);
      expect(item, name).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    }
  }, 120_000);
});

describe('namespaces with their labels', () => {
  it('are collected once, cluster-wide, with every label', () => {
    expect(entry(base, 'kubernetes/namespaces.json')).toMatchObject({ kind: 'k8s.resources', exitCode: 0, command: 'kubectl get namespaces -o json' });
    const labels = new Map(items(base, 'kubernetes/namespaces.json').map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
    expect([...labels.keys()].sort()).toEqual(['ambient-demo', 'default', 'istio-system', 'kube-system', 'payments', 'shop']);
    expect(labels.get('shop')).toMatchObject({ 'istio-injection': 'enabled' });
    expect(labels.get('payments')).toMatchObject({ 'istio.io/rev': 'canary' });
    expect(labels.get('ambient-demo')).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
  });
});

describe('Services and pods of every namespace', () => {
  it('collects the control plane namespace\'s Services, EndpointSlices and Deployments', () => {
    expect(entry(base, 'kubernetes/resources/istio-system.json')).toMatchObject({
      kind: 'k8s.resources',
      exitCode: 0,
      namespace: 'istio-system',
      command: 'kubectl get services,endpointslices.discovery.k8s.io,deployments -n istio-system -o json',
    });
    const services = items(base, 'kubernetes/resources/istio-system.json').filter((o) => o.kind === 'Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['istio-ingressgateway', 'istiod', 'istiod-canary']);
  });

  it('lists the other namespaces\' Services and pods in one call each, leaving out those collected one by one', () => {
    expect(entry(base, 'kubernetes/resources/services.other-namespaces.json')).toMatchObject({
      kind: 'k8s.resources',
      exitCode: 0,
      command: `kubectl get services -A --field-selector ${NOT_COLLECTED_SELECTOR} -o json`,
    });
    expect(entry(base, 'kubernetes/resources/pods.other-namespaces.json')).toMatchObject({
      kind: 'kubectl.pods',
      exitCode: 0,
      command: `kubectl get pods -A --field-selector ${NOT_COLLECTED_SELECTOR} -o json`,
    });
    expect(ids(items(base, 'kubernetes/resources/services.other-namespaces.json'))).toEqual(['default/kubernetes', 'kube-system/kube-dns']);
    expect(ids(items(base, 'kubernetes/resources/pods.other-namespaces.json'))).toEqual(['kube-system/coredns-76f75df574-8wq5h']);
    // the field selector is one argument
    const call = base.run.calls.find((c) => joined(c).startsWith('get services -A '));
    expect(call?.argv).toEqual(['get', 'services', '-A', '--field-selector', NOT_COLLECTED_SELECTOR, '-o', 'json']);
  });

  it('-n: the other namespaces are everything but the control plane and the chosen ones', () => {
    expect(selected.run.code, selected.run.stderr).toBe(0);
    const selector = 'metadata.namespace!=istio-system,metadata.namespace!=shop';
    expect(entry(selected, 'kubernetes/resources/services.other-namespaces.json')?.command).toBe(`kubectl get services -A --field-selector ${selector} -o json`);
    expect(ids(items(selected, 'kubernetes/resources/services.other-namespaces.json'))).toEqual(['ambient-demo/waypoint', 'default/kubernetes', 'kube-system/kube-dns']);
    expect(ids(items(selected, 'kubernetes/resources/pods.other-namespaces.json'))).toEqual(['ambient-demo/tester-577d497fbd-c4gtz', 'ambient-demo/waypoint-5d9f8b7c6-q2x8n', 'kube-system/coredns-76f75df574-8wq5h']);
    // they are listings, not per-namespace collection: no logs, proxies or top of those namespaces
    expect(selected.bundle.files.filter((f) => /^(logs|proxies)\/ambient-demo\//.test(f) || f === 'kubernetes/top/ambient-demo.txt')).toEqual([]);
  });

  it('-A: every namespace is collected one by one, so there is no other-namespaces listing', () => {
    expect(all.run.code, all.run.stderr).toBe(0);
    expect(all.run.calls.filter((c) => c.argv.some((a) => a.startsWith('--field-selector')))).toEqual([]);
    const resources = all.bundle.files.filter((f) => f.startsWith('kubernetes/resources/'));
    expect(resources).toEqual(['ambient-demo', 'default', 'istio-system', 'kube-system', 'payments', 'shop'].map((n) => `kubernetes/resources/${n}.json`));
  });

  it.each([
    ['default options', () => base],
    ['-n shop', () => selected],
    ['-A', () => all],
  ])('%s: every Service and every pod of the cluster, each in one file only', (_name, get) => {
    const c = get();
    const services = objectsIn(c, ['k8s.resources']).filter((o) => o.id.startsWith('Service/'));
    const pods = objectsIn(c, ['kubectl.pods']);
    for (const list of [services, pods]) {
      const seen = new Map<string, string>();
      for (const o of list) {
        expect(seen.get(o.id), `${o.id} in ${seen.get(o.id)} and ${o.path}`).toBeUndefined();
        seen.set(o.id, o.path);
      }
    }
    expect(services.map((o) => o.id).sort()).toEqual(
      [
        'Service/ambient-demo/waypoint',
        'Service/default/kubernetes',
        'Service/istio-system/istio-ingressgateway',
        'Service/istio-system/istiod',
        'Service/istio-system/istiod-canary',
        'Service/kube-system/kube-dns',
        'Service/shop/cart',
        'Service/shop/checkout',
        'Service/shop/frontend',
        'Service/shop/redis',
      ].sort(),
    );
    expect(pods.map((o) => o.id.split('/')[1]).sort()).toEqual(['ambient-demo', 'ambient-demo', 'istio-system', 'istio-system', 'istio-system', 'istio-system', 'kube-system', 'shop', 'shop', 'shop']);
  });

  it.each([
    ['default options', () => base],
    ['-n shop', () => selected],
    ['-A', () => all],
  ])('%s: the name of every Service of the cluster, in one cluster-wide listing without specs (istiod sizing)', (_name, get) => {
    const c = get();
    expect(entry(c, 'kubernetes/service-names.txt')).toMatchObject({
      kind: 'kubectl.serviceNames',
      exitCode: 0,
      command: 'kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name',
    });
    const rows = readFileSync(join(c.bundle.dir, 'kubernetes/service-names.txt'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/).join('/'));
    expect(rows[0]).toBe('NAMESPACE/NAME');
    const services = objectsIn(c, ['k8s.resources']).filter((o) => o.id.startsWith('Service/')).map((o) => o.id.replace(/^Service\//, ''));
    expect(rows.slice(1).sort()).toEqual(services.sort());
  });

  it('the control plane listing already holds the istiod Deployment with its replicas and discovery resources', () => {
    const istiod = items(base, 'kubernetes/resources/istio-system.json').find((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod') as unknown as {
      spec: { replicas: number; template: { spec: { containers: Array<{ name: string; resources: unknown }> } } };
    };
    expect(istiod.spec.replicas).toBe(1);
    expect(istiod.spec.template.spec.containers.find((c) => c.name === 'discovery')?.resources).toEqual({ limits: { memory: '5Gi' }, requests: { cpu: '500m', memory: '2Gi' } });
  });

  it('the analyzer uses the listings: pods of other namespaces join the pods facet', async () => {
    const { report } = await analyzeBundle(base.tarball);
    const status = (path: string) => report.inventory.find((i) => i.path === path);
    expect(status('kubernetes/resources/services.other-namespaces.json')).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    expect(status('kubernetes/resources/pods.other-namespaces.json')).toMatchObject({ status: 'used', kind: 'kubectl.pods' });
    expect(status('kubernetes/resources/istio-system.json')).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    expect(status('kubernetes/service-names.txt')).toMatchObject({ status: 'used', kind: 'kubectl.serviceNames' });
    expect(report.inventory.filter((i) => i.status === 'invalid' && i.path !== 'kubernetes/top/payments.txt')).toEqual([]);
  }, 120_000);
});

describe('NetworkPolicies of every namespace collected one by one', () => {
  const OPTIONS: Array<[string, () => Collected, string[]]> = [
    ['default options', () => base, ['ambient-demo', 'istio-system', 'payments', 'shop']],
    ['-n shop', () => selected, ['istio-system', 'shop']],
    ['-A', () => all, ['ambient-demo', 'default', 'istio-system', 'kube-system', 'payments', 'shop']],
  ];

  it.each(OPTIONS)('%s: one listing per namespace, -n, by the fully qualified name, as k8s.resources, beside the Services', (_name, get, namespaces) => {
    const c = get();
    expect(c.run.code, c.run.stderr).toBe(0);
    expect(c.bundle.files.filter((f) => f.startsWith('kubernetes/networkpolicies/'))).toEqual(namespaces.map((ns) => `kubernetes/networkpolicies/${ns}.json`));
    for (const ns of namespaces) {
      expect(entry(c, `kubernetes/networkpolicies/${ns}.json`), ns).toMatchObject({
        kind: 'k8s.resources',
        exitCode: 0,
        forbidden: false,
        namespace: ns,
        command: `kubectl get networkpolicies.networking.k8s.io -n ${ns} -o json`,
      });
      expect(entry(c, `kubernetes/networkpolicies/${ns}.json`)?.stderr, ns).toBeUndefined();
      // a command of its own: the namespace's Services, EndpointSlices and Deployments stay one listing
      expect(entry(c, `kubernetes/resources/${ns}.json`)?.command, ns).toBe(`kubectl get services,endpointslices.discovery.k8s.io,deployments -n ${ns} -o json`);
    }
    // what the stub received: one call per namespace, never -A, never the short or ambiguous name
    const calls = c.run.calls.map(joined).filter((l) => /networkpolic|netpol/.test(l));
    expect(calls.sort()).toEqual(namespaces.map((ns) => `get networkpolicies.networking.k8s.io -n ${ns} -o json`).sort());
  });

  it.each(OPTIONS)('%s: every NetworkPolicy of those namespaces, each in one file only', (_name, get) => {
    const policies = objectsIn(get(), ['k8s.resources', 'kubectl.pods']).filter((o) => o.id.startsWith('NetworkPolicy/'));
    expect(policies).toEqual([{ path: 'kubernetes/networkpolicies/shop.json', id: 'NetworkPolicy/shop/cart-allow-frontend' }]);
  });

  it('keeps kubectl\'s output as printed: a List of networking.k8s.io/v1 NetworkPolicies, nothing redacted', () => {
    expect(readFileSync(join(base.bundle.dir, 'kubernetes/networkpolicies/shop.json'), 'utf8')).toBe(readFileSync(join(DATA, 'kubectl/networkpolicies-shop.json'), 'utf8'));
    for (const ns of ['ambient-demo', 'istio-system', 'payments']) {
      expect(json(base, `kubernetes/networkpolicies/${ns}.json`), ns).toEqual({ apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
    }
    const [policy] = items(base, 'kubernetes/networkpolicies/shop.json') as unknown as Array<K8sObject & { apiVersion: string; spec: unknown }>;
    expect(policy).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'cart-allow-frontend', namespace: 'shop' } });
    expect(policy!.spec).toEqual({
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      podSelector: { matchLabels: { app: 'cart' } },
      policyTypes: ['Ingress'],
    });
    const report = json<{ files: Array<{ path: string }> }>(base, 'redaction-report.json');
    expect(report.files.filter((f) => f.path.startsWith('kubernetes/networkpolicies/'))).toEqual([]);
  });

  it('the analyzer reads them as resources, the empty Lists too', async () => {
    const { report } = await analyzeBundle(base.tarball);
    for (const ns of ['ambient-demo', 'istio-system', 'payments', 'shop']) {
      expect(report.inventory.find((i) => i.path === `kubernetes/networkpolicies/${ns}.json`), ns).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    }
  }, 120_000);
});

describe('still no Secret values, no ConfigMap beyond the named ones', () => {
  it.each([
    ['default options', () => base],
    ['-n shop', () => selected],
    ['-A', () => all],
  ])('%s', (_name, get) => {
    const calls = get().run.calls.map(joined);
    const secrets = calls.filter((l) => /^get [^ ]*secret/.test(l));
    expect(secrets.filter((l) => !/^get secrets -n istio-system$|^get secrets -A -l istio\/multiCluster=true -o jsonpath=|^get secret (cacerts|istio-ca-secret) -n istio-system -o (name|go-template=\{\{index \.data "(ca-cert|root-cert|cert-chain)\.pem" \| base64decode\}\})$/.test(l))).toEqual([]);
    const configMaps = calls.filter((l) => /^get [^ ]*(configmap|\bcm\b)/.test(l));
    // istio-system's named ConfigMaps; elsewhere only the root certificate istiod publishes (public).
    expect(configMaps.filter((l) => !/^get configmap [a-z0-9-]+ -n istio-system -o json$|^get configmaps -n istio-system -l istio\.io\/rev -o jsonpath=|^get configmap istio-ca-root-cert -n [a-z0-9-]+ -o json$/.test(l))).toEqual([]);
  });
});
