// Scenario 2: a failing command, two hanging ones (one ignores SIGTERM), and RBAC refusals (a
// cluster-wide listing, and NetworkPolicies in every namespace). None of them may abort the run or
// leak into an artifact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/artifacts/manifest/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { bundleIn, extractBundle, readManifest, runCollector, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const FORBIDDEN =
  'Error from server (Forbidden): peerauthentications.security.istio.io is forbidden: User "support-readonly@acme.example" cannot list resource "peerauthentications" in API group "security.istio.io" at the cluster scope\n';
const CHECKOUT = 'checkout-7c6d5f9b8-m4r2q';
/** What the API server answers a role that may read Services but not NetworkPolicies. */
const FORBIDDEN_NETWORKPOLICIES = (ns: string) =>
  `Error from server (Forbidden): networkpolicies.networking.k8s.io is forbidden: User "support-readonly@acme.example" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "${ns}"\n`;
/** The namespaces collected one by one with default options. */
const COLLECTED = ['istio-system', 'ambient-demo', 'payments', 'shop'];

let run: CollectorRun;
let bundle: Extracted;
let manifest: CollectorManifest;
let tarball: string;

beforeAll(async () => {
  run = await runCollector(['--timeout', '2'], {
    responses: [
      { tool: 'kubectl', match: '^top pod -n shop --containers$', stderr: 'error: Metrics API not available\n', exit: 1 },
      { tool: 'kubectl', match: '^get nodes -o json$', stdoutText: '{"partial": ', sleep: 30 },
      { tool: 'kubectl', match: `^exec ${CHECKOUT} -n shop -c istio-proxy -- pilot-agent request GET stats$`, stdoutText: 'never printed\n', sleep: 30, ignoreTerm: true },
      { tool: 'kubectl', match: '^get peerauthentications\\.security\\.istio\\.io -A -o json$', stderr: FORBIDDEN, exit: 1 },
      { tool: 'kubectl', match: '^get networkpolicies\\.networking\\.k8s\\.io -n ([a-z0-9-]+) -o json$', stderr: FORBIDDEN_NETWORKPOLICIES('$1'), exit: 1 },
    ],
  });
  tarball = bundleIn(run.cwd);
  bundle = extractBundle(tarball);
  manifest = readManifest(bundle.dir);
}, 120_000);

const entry = (path: string) => manifest.artifacts.find((a) => a.path === path);

describe('collector when commands fail, hang or are forbidden', () => {
  it('still exits 0, well before the hanging commands would have finished', () => {
    expect(run.code, run.stderr).toBe(0);
    // two commands sleep 30 s each: not stopping them would take 60 s on top of the rest of the run;
    // with --timeout 2 each is stopped within a few seconds (their durations are checked below). The
    // bound leaves room for a loaded machine: about 90 stub calls, each a node process.
    expect(run.elapsedMs).toBeLessThan(45_000);
    expect(validateValue(manifestSchema, manifest)).toEqual([]);
  });

  it('records a failing command with its exit code and stderr file', () => {
    expect(entry('kubernetes/top/shop.txt')).toMatchObject({ exitCode: 1, bytes: 0, forbidden: false, stderr: 'kubernetes/top/shop.txt.stderr' });
    expect(readFileSync(join(bundle.dir, 'kubernetes/top/shop.txt.stderr'), 'utf8')).toBe('error: Metrics API not available\n');
    expect(readFileSync(join(bundle.dir, 'kubernetes/top/shop.txt'), 'utf8')).toBe('');
  });

  it('records a hanging command as exit code 124', () => {
    expect(entry('kubernetes/nodes.json')).toMatchObject({ exitCode: 124, command: 'kubectl get nodes -o json' });
    expect(entry('kubernetes/nodes.json')!.durationMs!).toBeGreaterThanOrEqual(1_000);
    expect(entry('kubernetes/nodes.json')!.durationMs!).toBeLessThan(10_000);
  });

  it('stops a command that ignores SIGTERM too (exit code 124)', () => {
    const stats = entry(`proxies/shop/${CHECKOUT}/stats.txt`);
    expect(stats).toMatchObject({ exitCode: 124 });
    expect(stats!.durationMs!).toBeLessThan(10_000);
    expect(readFileSync(join(bundle.dir, `proxies/shop/${CHECKOUT}/stats.txt`), 'utf8')).not.toContain('never printed');
  });

  it('records an RBAC refusal as forbidden', () => {
    const path = 'istio/resources/peerauthentications.security.istio.io.json';
    expect(entry(path)).toMatchObject({ exitCode: 1, forbidden: true, stderr: `${path}.stderr` });
    expect(readFileSync(join(bundle.dir, `${path}.stderr`), 'utf8')).toBe(FORBIDDEN);
    expect(manifest.artifacts.filter((a) => a.forbidden).map((a) => a.path).sort()).toEqual([...COLLECTED.map((ns) => `kubernetes/networkpolicies/${ns}.json`), path].sort());
  });

  it.each(COLLECTED)('NetworkPolicies refused in %s: recorded with exit code and stderr, and the Services of that namespace are still collected', (ns) => {
    const path = `kubernetes/networkpolicies/${ns}.json`;
    expect(entry(path)).toMatchObject({
      kind: 'k8s.resources',
      command: `kubectl get networkpolicies.networking.k8s.io -n ${ns} -o json`,
      namespace: ns,
      exitCode: 1,
      bytes: 0,
      forbidden: true,
      stderr: `${path}.stderr`,
    });
    expect(readFileSync(join(bundle.dir, path), 'utf8')).toBe('');
    expect(readFileSync(join(bundle.dir, `${path}.stderr`), 'utf8')).toBe(FORBIDDEN_NETWORKPOLICIES(ns));
    expect(run.stderr).toMatch(new RegExp(`${path.replace(/\./g, '\\.')} +forbidden \\(RBAC\\): Error from server \\(Forbidden\\): networkpolicies\\.networking\\.k8s\\.io is forbidden`));
    // a command of its own: the Services, EndpointSlices and Deployments of the namespace are there
    const resources = `kubernetes/resources/${ns}.json`;
    expect(entry(resources)).toMatchObject({ kind: 'k8s.resources', exitCode: 0, forbidden: false, namespace: ns, command: `kubectl get services,endpointslices.discovery.k8s.io,deployments -n ${ns} -o json` });
    expect(entry(resources)!.stderr).toBeUndefined();
    const items = (JSON.parse(readFileSync(join(bundle.dir, resources), 'utf8')) as { items: Array<{ kind: string; metadata: { name: string } }> }).items;
    const services = items.filter((o) => o.kind === 'Service').map((o) => o.metadata.name);
    expect(services).toEqual({ 'istio-system': ['istio-ingressgateway', 'istiod', 'istiod-canary'], 'ambient-demo': ['waypoint'], payments: [], shop: ['cart', 'checkout', 'frontend', 'redis'] }[ns]);
  });

  it('goes on after each failure: later steps are collected', () => {
    expect(entry('kubernetes/pods/shop.json')).toMatchObject({ exitCode: 0 });
    expect(entry(`proxies/shop/${CHECKOUT}/fd-count.txt`)).toMatchObject({ exitCode: 0 });
    expect(entry('logs/istio-system/ztunnel-9q7wm/ztunnel.log')).toMatchObject({ exitCode: 0 });
    expect(bundle.entries[0]).toBe('manifest.json');
  });

  it('lists every failure in the summary, with the reason', () => {
    const summary = run.stderr;
    expect(summary).toMatch(/failed or incomplete: 9\n/);
    expect(summary).toMatch(/kubernetes\/top\/shop\.txt +exit 1: error: Metrics API not available/);
    expect(summary).toMatch(/kubernetes\/nodes\.json +timed out after 2s/);
    expect(summary).toMatch(new RegExp(`proxies/shop/${CHECKOUT}/stats\\.txt +timed out after 2s`));
    expect(summary).toMatch(/istio\/resources\/peerauthentications\.security\.istio\.io\.json +forbidden \(RBAC\): Error from server \(Forbidden\)/);
    expect(summary).toMatch(/istio\/resources\/grpcroutes\.gateway\.networking\.k8s\.io\.json +exit 1/);
  });

  it('the analyzer lists the failures and still reports the faults it can see', async () => {
    const { report } = await analyzeBundle(tarball);
    expect(report.bundle.layout).toBe('collector');
    const failures = new Map(report.collectionFailures.map((f) => [f.path, f.exitCode]));
    expect(failures.get('kubernetes/top/shop.txt')).toBe(1);
    expect(failures.get('kubernetes/nodes.json')).toBe(124);
    expect(failures.get(`proxies/shop/${CHECKOUT}/stats.txt`)).toBe(124);
    expect(failures.get('istio/resources/peerauthentications.security.istio.io.json')).toBe(1);
    for (const ns of COLLECTED) {
      const failure = report.collectionFailures.find((f) => f.path === `kubernetes/networkpolicies/${ns}.json`);
      expect(failure, ns).toMatchObject({ exitCode: 1, forbidden: true, command: `kubectl get networkpolicies.networking.k8s.io -n ${ns} -o json`, stderr: `kubernetes/networkpolicies/${ns}.json.stderr` });
      expect(failure!.stderrFirstLine).toMatch(/^Error from server \(Forbidden\): networkpolicies\.networking\.k8s\.io is forbidden: User "support-readonly@acme\.example" cannot list/);
      // the namespace's Services are read all the same
      expect(report.inventory.find((i) => i.path === `kubernetes/resources/${ns}.json`), ns).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    }
    expect(report.findings.some((f) => f.ruleId === 'CP003' && f.severity === 'critical')).toBe(true);
    // a failed command's empty or partial file is not analysed as if it were the output
    const nodes = report.inventory.find((i) => i.path === 'kubernetes/nodes.json');
    expect(nodes?.status).not.toBe('used');
  }, 120_000);
});
