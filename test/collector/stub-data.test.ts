// The stub cluster must be self-consistent, or the collector tests prove nothing: the jsonpath
// listings the collector relies on must say what the recorded `-o json` outputs say, and the stub
// itself must behave like kubectl where no response is recorded.
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
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
    for (const ns of ['istio-system', 'shop', 'ambient-demo', 'payments']) {
      const text = read(`kubectl/pods-${ns}.json`);
      expect(text.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
      const pods = items<Pod>(`kubectl/pods-${ns}.json`);
      expect(pods.map((p) => p.metadata.name)).toEqual(pods.map((p) => p.metadata.name).sort());
      for (const p of pods) expect(p.metadata.namespace).toBe(ns);
    }
  });

  it('jsonpath listings agree with the pod JSON', () => {
    for (const ns of ['istio-system', 'shop', 'ambient-demo']) {
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
