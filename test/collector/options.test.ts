// Scenario 5: command-line options: help, usage errors, namespace selection, output path and name,
// --context, --since/--tail, and a deterministic layout across runs.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/artifacts/manifest/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { COLLECTOR, bundleIn, extractBundle, joined, readManifest, runCollector, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

interface Collected {
  run: CollectorRun;
  bundle: Extracted;
  manifest: CollectorManifest;
}

function open(run: CollectorRun, tarball = bundleIn(run.cwd)): Collected {
  const bundle = extractBundle(tarball);
  return { run, bundle, manifest: readManifest(bundle.dir) };
}

describe('--help, --version and usage errors', () => {
  it('--help documents every option the script accepts and exits 0', async () => {
    const run = await runCollector(['--help']);
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([]);
    // every option in the argument parser's case labels appears in the help text
    const script = readFileSync(COLLECTOR, 'utf8');
    const parser = script.slice(script.indexOf('while [ $# -gt 0 ]'), script.indexOf('esac', script.indexOf('while [ $# -gt 0 ]')));
    const accepted = [...parser.matchAll(/^\s+([-|a-zA-Z=*]+)\)/gm)].flatMap((m) => m[1]!.split('|')).filter((o) => o.startsWith('-')).map((o) => o.replace(/=\*$/, ''));
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    for (const option of new Set(accepted)) expect(run.stdout, option).toContain(option);
    for (const option of ['-n, --namespace', '-A, --all-namespaces', '-o, --output', '--since', '--tail', '--max-proxies', '--istio-namespace', '--context', '--timeout', '-h, --help', '--version']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('Exit codes');
  }, 30_000);

  it('--version prints the collector version', async () => {
    const run = await runCollector(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^collect\.sh \d+\.\d+\.\d+\n$/);
  }, 30_000);

  it.each([
    [['--bogus'], /unknown option: --bogus/],
    [['-n'], /-n needs a value/],
    [['--tail', 'many'], /--tail must be a number/],
    [['--max-proxies', '-1'], /--max-proxies must be a number/],
    [['--timeout', '0'], /--timeout must be a positive number/],
    [['--since', '2d'], /--since takes a duration/],
    [['-n', 'shop', '-A'], /-n and -A exclude each other/],
  ])('%j is a usage error: exit 2, a message, nothing run or written', async (args, message) => {
    const run = await runCollector(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n').filter((l) => l !== '').length).toBe(1);
    expect(run.calls).toEqual([]);
    expect(readdirSync(run.cwd)).toEqual([]);
  }, 30_000);
});

describe('namespace selection, output, context and log options', () => {
  let selected: Collected;
  let selectedAgain: Collected;
  let all: Collected;
  let context: Collected;
  const CONTEXT = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod east'; // a space: one argument all the same

  beforeAll(async () => {
    const [a, b, c, d] = await Promise.all([
      runCollector(['-n', 'shop,ambient-demo', '-o', 'ticket-4711.tar.gz', '--since', '1h', '--tail', '50', '--timeout', '3']),
      runCollector(['--namespace=shop,ambient-demo', '--output=ticket-4711.tar.gz', '--since=1h', '--tail=50', '--timeout=3']),
      runCollector(['-A', '--timeout', '3', '--max-proxies', '0']),
      runCollector(['--context', CONTEXT, '--timeout', '3', '--max-proxies', '2']),
    ]);
    selected = open(a!, join(a!.cwd, 'ticket-4711.tar.gz'));
    selectedAgain = open(b!, join(b!.cwd, 'ticket-4711.tar.gz'));
    all = open(c!);
    context = open(d!);
  }, 150_000);

  it('-n restricts the namespaces (plus the control plane)', () => {
    expect(selected.run.code, selected.run.stderr).toBe(0);
    const pods = selected.bundle.files.filter((f) => f.startsWith('kubernetes/pods/'));
    expect(pods).toEqual(['kubernetes/pods/ambient-demo.json', 'kubernetes/pods/istio-system.json', 'kubernetes/pods/shop.json']);
    expect(selected.run.calls.filter((c) => c.argv.includes('payments') || c.argv.includes('default') || c.argv.includes('kube-system'))).toEqual([]);
    expect(selected.manifest.options?.namespaces).toEqual(['ambient-demo', 'shop']);
    // the namespace labels are not consulted
    expect(selected.run.calls.filter((c) => /^get namespaces -o jsonpath=/.test(joined(c)))).toEqual([]);
  });

  it('-n analyzes per namespace, -o json only', () => {
    const analyze = selected.manifest.artifacts.filter((a) => a.kind === 'istioctl.analyze').map((a) => [a.path, a.command]);
    expect(analyze).toEqual([
      ['istio/analyze/istio-system.json', 'istioctl analyze -n istio-system -o json'],
      ['istio/analyze/ambient-demo.json', 'istioctl analyze -n ambient-demo -o json'],
      ['istio/analyze/shop.json', 'istioctl analyze -n shop -o json'],
    ]);
    expect(selected.run.calls.filter((c) => c.tool === 'istioctl' && c.argv.includes('-A'))).toEqual([]);
  });

  it('-o writes the bundle where asked, and nothing else in the working directory', () => {
    expect(readdirSync(selected.run.cwd)).toEqual(['ticket-4711.tar.gz']);
    expect(selected.run.stderr).toContain('Bundle: ticket-4711.tar.gz');
  });

  it('--since and --tail reach the log commands', () => {
    const logs = selected.manifest.artifacts.filter((a) => a.kind === 'logs.proxy' || a.kind === 'logs.ztunnel' || (a.kind === 'logs.istiod' && !a.path.endsWith('.previous.log')));
    expect(logs.length).toBeGreaterThan(3);
    for (const a of logs) expect(a.command, a.path).toMatch(/ --tail=50 --since=1h$/);
    expect(selected.manifest.options).toMatchObject({ since: '1h', tail: 50 });
  });

  it('the long --option=value forms are the same options', () => {
    expect(selectedAgain.run.code).toBe(0);
    expect(selectedAgain.manifest.options).toEqual(selected.manifest.options);
  });

  it('a re-run produces the same layout', () => {
    expect(selectedAgain.bundle.files).toEqual(selected.bundle.files);
    expect(selectedAgain.bundle.entries).toEqual(selected.bundle.entries);
    const strip = (m: CollectorManifest) => m.artifacts.map(({ durationMs: _d, ...rest }) => rest);
    expect(strip(selectedAgain.manifest)).toEqual(strip(selected.manifest));
  });

  it('-A collects every namespace and analyzes with -A', () => {
    expect(all.run.code, all.run.stderr).toBe(0);
    const pods = all.bundle.files.filter((f) => f.startsWith('kubernetes/pods/'));
    expect(pods).toEqual(['ambient-demo', 'default', 'istio-system', 'kube-system', 'payments', 'shop'].map((n) => `kubernetes/pods/${n}.json`));
    expect(all.manifest.options).toMatchObject({ allNamespaces: true, maxProxies: 0 });
    expect(all.bundle.files).toContain('istio/analyze.json');
    expect(validateValue(manifestSchema, all.manifest)).toEqual([]);
  });

  it('names the default output after the cluster and the UTC time', () => {
    const name = readdirSync(all.run.cwd)[0]!;
    expect(name).toMatch(/^istio-bundle-kind-mesh-prod-\d{8}T\d{6}Z\.tar\.gz$/);
    const stamp = /(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/.exec(name)!;
    const when = Date.UTC(+stamp[1]!, +stamp[2]! - 1, +stamp[3]!, +stamp[4]!, +stamp[5]!, +stamp[6]!);
    expect(Math.abs(when - Date.parse(all.manifest.collectedAt))).toBeLessThanOrEqual(2_000);
  });

  it('--context goes to every kubectl and istioctl call, the manifest and a file-safe output name', () => {
    expect(context.run.code, context.run.stderr).toBe(0);
    expect(context.run.calls.length).toBeGreaterThan(20);
    for (const c of context.run.calls) expect(c.argv[0], `${c.tool} ${c.argv.join(' ')}`).toBe(`--context=${CONTEXT}`);
    expect(context.run.calls.filter((c) => joined(c) === 'config current-context')).toEqual([]);
    expect(context.manifest.cluster).toEqual({ name: CONTEXT, context: CONTEXT });
    expect(context.manifest.artifacts.find((a) => a.path === 'kubernetes/pods/istio-system.json')?.command).toBe(`kubectl --context=${CONTEXT} get pods -n istio-system -o json`);
    expect(readdirSync(context.run.cwd)[0]).toMatch(/^istio-bundle-arn_aws_eks_eu-west-1_123456789012_cluster_prod_east-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(validateValue(manifestSchema, context.manifest)).toEqual([]);
  });
});
