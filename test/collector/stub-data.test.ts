// The stub cluster must be self-consistent, or the collector tests prove nothing: the jsonpath
// listings the collector relies on must say what the recorded `-o json` outputs say, and the stub
// itself must behave like kubectl where no response is recorded.
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_SCENARIO, DATA, STUB, mkdtempSync, removeTempDirs, type StubResponse } from './helpers.js';

afterAll(removeTempDirs);

interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
  status: { containerStatuses?: Array<{ name: string; restartCount: number }> };
}
interface Namespace {
  metadata: { name: string; labels?: Record<string, string> };
}

const read = (path: string) => readFileSync(join(DATA, path), 'utf8');
const items = <T>(path: string) => (JSON.parse(read(path)) as { kind: string; items: T[] }).items;

/** What kubectl prints for the collector's proxy-listing jsonpath (collect.sh, "Proxies"). */
function proxyListing(pods: Pod[]): string {
  return pods
    .map((p) => {
      const l = p.metadata.labels ?? {};
      const containers = `${p.spec.containers.map((c) => c.name).join(' ')} ${(p.spec.initContainers ?? []).map((c) => c.name).join(' ')}`;
      return [p.metadata.namespace, p.metadata.name, l.istio ?? '', l['gateway.istio.io/managed'] ?? '', l.app ?? '', containers].join('\t') + '\n';
    })
    .join('');
}

describe('stub cluster data', () => {
  it('recorded pod lists are kubectl Lists, 4-space indented, sorted by name', () => {
    for (const ns of ['istio-system', 'shop', 'ambient-demo', 'payments', 'kube-system']) {
      const text = read(`kubectl/pods-${ns}.json`);
      expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
      const pods = items<Pod>(`kubectl/pods-${ns}.json`);
      expect(pods.map((p) => p.metadata.name)).toEqual(pods.map((p) => p.metadata.name).sort());
      for (const p of pods) expect(p.metadata.namespace).toBe(ns);
    }
  });

  it('jsonpath listings agree with the pod JSON', () => {
    for (const ns of ['istio-system', 'shop', 'ambient-demo', 'kube-system']) {
      expect(read(`kubectl/pods-${ns}.proxies.txt`), ns).toBe(proxyListing(items<Pod>(`kubectl/pods-${ns}.json`)));
    }
    const system = items<Pod>('kubectl/pods-istio-system.json');
    const istiod = system.filter((p) => p.metadata.labels?.app === 'istiod');
    expect(read('kubectl/istiod-names.txt')).toBe(istiod.map((p) => `${p.metadata.name}\n`).join(''));
    const ztunnels = system.filter((p) => p.metadata.labels?.app === 'ztunnel');
    expect(read('kubectl/ztunnel-nodes.txt')).toBe(ztunnels.map((p) => `${p.metadata.name}\t${p.spec.nodeName}\n`).join(''));
    // the restart count the scenario answers for istiod's discovery container
    const scenario = JSON.parse(readFileSync(BASE_SCENARIO, 'utf8')) as { responses: StubResponse[] };
    const restarts = scenario.responses.find((r) => r.match.includes('restartCount'));
    expect(restarts?.stdoutText).toBe(String(istiod[0]!.status.containerStatuses!.find((c) => c.name === 'discovery')!.restartCount));
  });

  it('namespace listings agree with the namespace JSON', () => {
    const namespaces = items<Namespace>('kubectl/namespaces.json');
    expect(read('kubectl/namespaces-names.txt')).toBe(namespaces.map((n) => `${n.metadata.name}\n`).join(''));
    const labels = namespaces
      .map((n) => {
        const l = n.metadata.labels ?? {};
        return [n.metadata.name, l['istio-injection'] ?? '', l['istio.io/rev'] ?? '', l['istio.io/dataplane-mode'] ?? ''].join('\t') + '\n';
      })
      .join('');
    expect(read('kubectl/namespaces-labels.txt')).toBe(labels);
  });

  it('the revision listing agrees with the ConfigMap JSON (collect.sh, "Mesh config")', () => {
    const configMaps = readdirSync(join(DATA, 'kubectl'))
      .filter((f) => /^configmap-.*\.json$/.test(f))
      .map((f) => JSON.parse(read(`kubectl/${f}`)) as { kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string> } });
    for (const c of configMaps) expect(c.kind).toBe('ConfigMap');
    const listing = configMaps
      .filter((c) => c.metadata.namespace === 'istio-system' && c.metadata.labels?.['istio.io/rev'] !== undefined)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
      .map((c) => `${c.metadata.name}\t${c.metadata.labels!['istio.io/rev']}\n`)
      .join('');
    expect(read('kubectl/configmaps-revisions.txt')).toBe(listing);
  });

  it('resource lists: Services, then EndpointSlices, then Deployments, each by name; slices point at the pods', () => {
    const order = ['Service', 'EndpointSlice', 'Deployment'];
    const pods = new Map(['istio-system', 'shop', 'ambient-demo', 'payments', 'kube-system'].flatMap((ns) => items<Pod & { metadata: { uid: string }; status: { podIP?: string } }>(`kubectl/pods-${ns}.json`)).map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    for (const ns of ['istio-system', 'shop', 'ambient-demo', 'default', 'kube-system']) {
      const text = read(`kubectl/resources-${ns}.json`);
      expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": ['), ns).toBe(true);
      const objects = items<{ kind: string; metadata: { name: string; namespace: string }; endpoints?: Array<{ addresses: string[]; nodeName?: string; targetRef?: { kind: string; name: string; namespace: string; uid: string } }> | null }>(`kubectl/resources-${ns}.json`);
      const sorted = [...objects].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`), ns).toEqual(sorted.map((o) => `${o.kind}/${o.metadata.name}`));
      for (const o of objects) {
        expect(o.metadata.namespace, `${ns}: ${o.kind}/${o.metadata.name}`).toBe(ns);
        for (const e of o.endpoints ?? []) {
          if (!e.targetRef) continue;
          const pod = pods.get(`${e.targetRef.namespace}/${e.targetRef.name}`);
          expect(pod, `${ns}: ${o.metadata.name} -> ${e.targetRef.name}`).toBeDefined();
          expect([e.targetRef.uid, e.addresses[0], e.nodeName]).toEqual([pod!.metadata.uid, pod!.status.podIP, pod!.spec.nodeName]);
        }
      }
    }
  });

  it('the NetworkPolicy list is kubectl\'s, and its policy admits what the shop pods do: frontend to cart on the port cart listens on', () => {
    const text = read('kubectl/networkpolicies-shop.json');
    expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
    expect(text.endsWith('    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')).toBe(true);
    interface Policy {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string; generation: number };
      spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Array<{ from: Array<{ podSelector: { matchLabels: Record<string, string> } }>; ports: Array<{ port: number; protocol: string }> }> };
    }
    const policies = items<Policy>('kubectl/networkpolicies-shop.json');
    expect(policies.map((p) => p.metadata.name)).toEqual(policies.map((p) => p.metadata.name).sort());
    const pods = items<{ metadata: Pod['metadata']; spec: { containers: Array<{ name: string; ports?: Array<{ containerPort: number; protocol: string }> }> } }>('kubectl/pods-shop.json');
    const selects = (selector: { matchLabels: Record<string, string> }) =>
      pods.filter((p) => Object.entries(selector.matchLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).map((p) => p.metadata.name);
    const services = items<{ kind: string; metadata: { name: string }; spec: { selector?: Record<string, string>; ports: Array<{ targetPort: number; protocol: string }> } }>('kubectl/resources-shop.json').filter((o) => o.kind === 'Service');
    for (const p of policies) {
      expect(p).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'shop', generation: 1 } });
      expect(p.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(p.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(p.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const targets = selects(p.spec.podSelector);
      expect(targets.length, p.metadata.name).toBeGreaterThan(0);
      for (const rule of p.spec.ingress) {
        for (const peer of rule.from) expect(selects(peer.podSelector).length, `${p.metadata.name}: ${JSON.stringify(peer)}`).toBeGreaterThan(0);
        // each admitted port is one the selected pods listen on, and the one their Service sends to
        for (const port of rule.ports) {
          for (const target of targets) {
            const listening = pods.find((pod) => pod.metadata.name === target)!.spec.containers.flatMap((c) => c.ports ?? []);
            expect(listening.some((l) => l.containerPort === port.port && l.protocol === port.protocol), `${target} listens on ${port.port}`).toBe(true);
          }
          const service = services.find((s) => s.spec.selector && Object.entries(s.spec.selector).every(([k, v]) => p.spec.podSelector.matchLabels[k] === v));
          expect(service?.spec.ports.some((sp) => sp.targetPort === port.port && sp.protocol === port.protocol), p.metadata.name).toBe(true);
        }
      }
    }
    // frontend, whose sidecar log shows the failing requests to cart, is the caller the policy admits
    expect(policies.flatMap((p) => (selects(p.spec.podSelector).some((n) => n.startsWith('cart-')) ? p.spec.ingress.flatMap((r) => r.from.flatMap((f) => selects(f.podSelector))) : []))).toEqual(['frontend-6d8f9b7c5-4hxkz']);
  });

  it('the Service name listing names every Service of the resource lists, as kubectl -A orders them', () => {
    const services = ['ambient-demo', 'default', 'istio-system', 'kube-system', 'shop']
      .flatMap((ns) => items<{ kind: string; metadata: { name: string; namespace: string } }>(`kubectl/resources-${ns}.json`))
      .filter((o) => o.kind === 'Service')
      .map((o) => [o.metadata.namespace, o.metadata.name] as const)
      .sort((a, b) => (a.join('/') < b.join('/') ? -1 : 1));
    // kubectl's custom-columns printer: tabwriter min width 6, padding 3, the last cell unpadded.
    const width = Math.max(6, ...['NAMESPACE', ...services.map(([ns]) => ns)].map((c) => c.length + 3));
    expect(read('kubectl/service-names.txt')).toBe([['NAMESPACE', 'NAME'], ...services].map(([ns, name]) => `${ns.padEnd(width)}${name}\n`).join(''));
  });

  it('proxy-status rows and syncz entries name the same proxies as the pods', () => {
    const pods = ['istio-system', 'shop', 'ambient-demo'].flatMap((ns) => items<Pod>(`kubectl/pods-${ns}.json`));
    const envoys = pods
      .filter((p) => p.metadata.labels?.app !== 'ztunnel')
      .filter((p) => [...p.spec.containers, ...(p.spec.initContainers ?? [])].some((c) => c.name === 'istio-proxy'))
      .map((p) => `${p.metadata.name}.${p.metadata.namespace}`)
      .sort();
    const table = read('istioctl/proxy-status.txt').split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(/\s+/)[0]);
    expect(table).toEqual(envoys);
    const syncz = (JSON.parse(read('istiod/syncz.json')) as Array<{ proxy: string }>).map((s) => s.proxy).sort();
    expect(syncz).toEqual(envoys);
    expect(read('istioctl/proxy-status.txt').split('\n')[0]).toMatch(/^NAME {5,}CLUSTER {5,}CDS {5,}ECDS {5,}EDS {5,}LDS {5,}RDS {5,}ISTIOD {5,}VERSION$/);
  });
});

describe('stub executable', () => {
  function stub(tool: string, args: string[], responses: StubResponse[]) {
    const dir = mkdtempSync(join(tmpdir(), 'collector-stub-'));
    copyFileSync(STUB, join(dir, tool));
    chmodSync(join(dir, tool), 0o755);
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ dataDir: DATA, responses }));
    const result = spawnSync(join(dir, tool), args, {
      encoding: 'utf8',
      env: { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'), STUB_SCENARIO: join(dir, 'scenario.json'), STUB_LOG: join(dir, 'log') },
    });
    return { ...result, log: readFileSync(join(dir, 'log'), 'utf8') };
  }

  it('answers like kubectl for a resource it does not know, and logs the call', () => {
    const r = stub('kubectl', ['get', 'grpcroutes.gateway.networking.k8s.io', '-A', '-o', 'json'], []);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: the server doesn\'t have a resource type "grpcroutes"\n');
    expect(JSON.parse(r.log)).toEqual({ tool: 'kubectl', argv: ['get', 'grpcroutes.gateway.networking.k8s.io', '-A', '-o', 'json'] });
  });

  it('merges the Lists of several files into one, sorted by namespace and name, and keeps the items of one kind', () => {
    const r = stub('kubectl', ['get', 'services', '-A', '-o', 'json'], [
      { tool: 'kubectl', match: '^get services -A -o json$', itemKind: 'Service', stdout: ['kubectl/resources-shop.json', 'kubectl/resources-default.json'] },
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
    const list = JSON.parse(r.stdout) as { kind: string; items: Array<{ kind: string; metadata: { namespace: string; name: string } }> };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => `${i.kind}/${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['Service/default/kubernetes', 'Service/shop/cart', 'Service/shop/checkout', 'Service/shop/frontend', 'Service/shop/redis']);
  });

  it('applies metadata.namespace field selectors to a List, like the API server', () => {
    const responses: StubResponse[] = [{ tool: 'kubectl', match: '^get pods -A ', stdout: ['kubectl/pods-shop.json', 'kubectl/pods-kube-system.json', 'kubectl/pods-ambient-demo.json'] }];
    const names = (args: string[]) => (JSON.parse(stub('kubectl', args, responses).stdout) as { items: Array<{ metadata: { namespace: string } }> }).items.map((i) => i.metadata.namespace);
    expect(names(['get', 'pods', '-A', '--field-selector', 'metadata.namespace!=shop,metadata.namespace!=ambient-demo', '-o', 'json'])).toEqual(['kube-system']);
    expect(names(['get', 'pods', '-A', '--field-selector=metadata.namespace=shop', '-o', 'json'])).toEqual(['shop', 'shop', 'shop']);
    const empty = stub('kubectl', ['get', 'pods', '-A', '--field-selector', 'metadata.namespace==nowhere', '-o', 'json'], responses);
    expect(empty.stdout).toBe('{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
    // a selector it cannot evaluate is an error, never silently ignored
    const other = stub('kubectl', ['get', 'pods', '-A', '--field-selector', 'status.phase=Running', '-o', 'json'], responses);
    expect(other.status).toBe(3);
    expect(other.stderr).toContain('status.phase=Running');
  });

  it('matches without the --context prefix, first match wins, fills $1 from the match', () => {
    const responses: StubResponse[] = [
      { tool: 'istioctl', match: '^get pods', stdoutText: 'wrong tool' },
      { tool: 'kubectl', match: '^get pods -n (\\S+) -o json$', stdout: 'kubectl/pods-$1.json' },
      { match: '^get pods', stdoutText: 'second' },
    ];
    const r = stub('kubectl', ['--context=kind-x', 'get', 'pods', '-n', 'shop', '-o', 'json'], responses);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(read('kubectl/pods-shop.json'));
    expect(JSON.parse(r.log).argv[0]).toBe('--context=kind-x');
  });
});
