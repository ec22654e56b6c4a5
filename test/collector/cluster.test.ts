// Scenario 1 (and 6): a stub cluster with planted faults and planted secrets, collected under dash
// with default options. One collector run serves every test in this file.
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/artifacts/manifest/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { analyzeBundle, type Analysis } from '../../src/pipeline.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import {
  bundleIn,
  exists,
  extractBundle,
  joined,
  mkdtempSync,
  MUTATING_VERBS,
  PLANTED_SECRETS,
  readManifest,
  runCollector,
  type CollectorManifest,
  type CollectorRun,
  type Extracted,
  removeTempDirs,
} from './helpers.js';

afterAll(removeTempDirs);

const ISTIOD = 'istiod-7d4b9c6f8-hm2xr';
const FRONTEND = 'frontend-6d8f9b7c5-4hxkz';

let run: CollectorRun;
let bundle: Extracted;
let manifest: CollectorManifest;
let tarball: string;

beforeAll(async () => {
  run = await runCollector(['--timeout', '3']);
  tarball = bundleIn(run.cwd);
  bundle = extractBundle(tarball);
  manifest = readManifest(bundle.dir);
}, 120_000);

describe('collector on a stub cluster with planted faults and secrets', () => {
  it('exits 0 and prints a summary naming the bundle and the redactions', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Bundle: istio-bundle-kind-mesh-prod-\d{8}T\d{6}Z\.tar\.gz \(\d+ bytes\)/);
    expect(run.stderr).toMatch(/Collected: \d+ outputs; failed or incomplete: 1\n/);
    expect(run.stderr).toMatch(/Redacted: [1-9]\d* values/);
    // the one command the stub cluster cannot answer (GRPCRoute CRD not installed) is listed
    expect(run.stderr).toContain('istio/resources/grpcroutes.gateway.networking.k8s.io.json');
  });

  it('puts manifest.json first and redaction-report.json second in the tarball', () => {
    expect(bundle.entries[0]).toBe('manifest.json');
    expect(bundle.entries[1]).toBe('redaction-report.json');
  });

  it('writes the documented layout', () => {
    const expected = [
      'manifest.json',
      'redaction-report.json',
      'kubernetes/version.json',
      'kubernetes/namespaces.json',
      'kubernetes/nodes.json',
      'kubernetes/pods/istio-system.json',
      'kubernetes/pods/shop.json',
      'kubernetes/pods/ambient-demo.json',
      'kubernetes/top/istio-system.txt',
      'kubernetes/top/shop.txt',
      'kubernetes/resources/shop.json',
      'kubernetes/resources/istio-system.json',
      'kubernetes/networkpolicies/istio-system.json',
      'kubernetes/networkpolicies/shop.json',
      'kubernetes/networkpolicies/ambient-demo.json',
      'kubernetes/networkpolicies/payments.json',
      'kubernetes/configmaps/istio-ca-root-cert/shop.json',
      'kubernetes/configmaps/istio-ca-root-cert/ambient-demo.json',
      'kubernetes/configmaps/istio-ca-root-cert/payments.json',
      'kubernetes/resources/services.other-namespaces.json',
      'kubernetes/resources/pods.other-namespaces.json',
      'kubernetes/service-names.txt',
      'kubernetes/configmaps/istio-system-istio.json',
      'kubernetes/configmaps/istio-system-istio-sidecar-injector.json',
      'kubernetes/configmaps/istio-system-istio-canary.json',
      'kubernetes/configmaps/istio-system-istio-sidecar-injector-canary.json',
      'kubernetes/configmaps/istio-system-istio-ca-root-cert.json',
      'kubernetes/secrets/istio-system.txt',
      'kubernetes/secrets/remote-secrets.txt',
      'certs/cacerts/ca-cert.pem',
      'certs/cacerts/root-cert.pem',
      'certs/cacerts/cert-chain.pem',
      'istio/version.json',
      'istio/proxy-status.txt',
      'istio/analyze.json',
      'istio/analyze.txt',
      'istio/resources/virtualservices.networking.istio.io.json',
      'istio/resources/destinationrules.networking.istio.io.json',
      'istio/resources/peerauthentications.security.istio.io.json',
      'istio/resources/httproutes.gateway.networking.k8s.io.json',
      `logs/istio-system/${ISTIOD}/discovery.log`,
      `logs/istio-system/${ISTIOD}/discovery.previous.log`,
      `istiod/${ISTIOD}/syncz.json`,
      `istiod/${ISTIOD}/configz.json`,
      `istiod/${ISTIOD}/metrics.txt`,
      `logs/shop/${FRONTEND}/istio-proxy.log`,
      `proxies/shop/${FRONTEND}/config_dump.json`,
      `proxies/shop/${FRONTEND}/stats.txt`,
      `proxies/shop/${FRONTEND}/fd-count.txt`,
      'logs/istio-system/istio-ingressgateway-6b7c9d5f4-p8m2x/istio-proxy.log',
      'proxies/istio-system/istio-ingressgateway-6b7c9d5f4-p8m2x/config_dump.json',
      'logs/ambient-demo/waypoint-5d9f8b7c6-q2x8n/istio-proxy.log',
      'logs/istio-system/ztunnel-4xkzp/ztunnel.log',
      'logs/istio-system/ztunnel-9q7wm/ztunnel.log',
    ];
    const missing = expected.filter((p) => !bundle.files.includes(p));
    expect(missing).toEqual([]);
    // istio-ca-secret does not exist in the stub cluster: probed with -o name, never fetched
    expect(bundle.files.filter((f) => f.startsWith('certs/istio-ca-secret'))).toEqual([]);
    // the namespace without mesh labels and kube-system are not collected one by one (their Services
    // and pods are in the other-namespaces listings)
    expect(bundle.files.filter((f) => /\/(default|kube-system)(\.json|\.txt|\/)/.test(f))).toEqual([]);
    // the native sidecar (istio-proxy as an init container) is a proxy too
    expect(bundle.files).toContain('proxies/shop/cart-5b7c9d8f6-z8kmt/config_dump.json');
    // ztunnel pods are not Envoy proxies, the ambient app pod has no proxy
    expect(bundle.files.filter((f) => /^proxies\/.*(ztunnel|tester)/.test(f))).toEqual([]);
  });

  it('writes a manifest that validates against the analyzer schema', () => {
    expect(validateValue(manifestSchema, manifest)).toEqual([]);
    expect(manifest.collectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(manifest.cluster).toEqual({ name: 'kind-mesh-prod', context: 'kind-mesh-prod' });
    expect(manifest.skipped ?? []).toEqual([]);
  });

  it('lists every file of the bundle in the manifest, once, and nothing that is not there', () => {
    const listed = new Set<string>(['manifest.json']);
    for (const a of manifest.artifacts) {
      expect(listed.has(a.path), `${a.path} listed twice`).toBe(false);
      listed.add(a.path);
      if (a.stderr) listed.add(a.stderr);
    }
    expect(bundle.files.filter((f) => !listed.has(f))).toEqual([]);
    expect([...listed].filter((p) => !bundle.files.includes(p))).toEqual([]);
  });

  it('records the byte count of every artifact as written', () => {
    const wrong = manifest.artifacts
      .filter((a) => a.bytes !== undefined)
      .map((a) => ({ path: a.path, bytes: a.bytes, size: statSync(join(bundle.dir, a.path)).size }))
      .filter((a) => a.bytes !== a.size);
    expect(wrong).toEqual([]);
    expect(manifest.artifacts.filter((a) => a.path !== 'redaction-report.json' && a.bytes === undefined)).toEqual([]);
  });

  it('keeps stderr apart: JSON artifacts parse, stderr files hold the messages', () => {
    for (const a of manifest.artifacts.filter((x) => x.path.endsWith('.json') && x.exitCode === 0)) {
      const text = readFileSync(join(bundle.dir, a.path), 'utf8');
      expect(() => JSON.parse(text), a.path).not.toThrow();
    }
    const analyzeText = manifest.artifacts.find((a) => a.path === 'istio/analyze.txt');
    expect(analyzeText).toMatchObject({ exitCode: 79, stderr: 'istio/analyze.txt.stderr', kind: 'istioctl.analyze' });
    expect(readFileSync(join(bundle.dir, 'istio/analyze.txt'), 'utf8')).not.toContain('Analyzers found issues');
    expect(readFileSync(join(bundle.dir, 'istio/analyze.txt.stderr'), 'utf8')).toContain('Error: Analyzers found issues when analyzing all namespaces.');
    // exit 0 with a message on stderr (kubectl top in a namespace without pods)
    const top = manifest.artifacts.find((a) => a.path === 'kubernetes/top/payments.txt');
    expect(top).toMatchObject({ exitCode: 0, bytes: 0, stderr: 'kubernetes/top/payments.txt.stderr' });
    expect(readFileSync(join(bundle.dir, 'kubernetes/top/payments.txt.stderr'), 'utf8')).toBe('No resources found in payments namespace.\n');
    const failed = manifest.artifacts.find((a) => a.path === 'istio/resources/grpcroutes.gateway.networking.k8s.io.json');
    expect(failed).toMatchObject({ exitCode: 1, bytes: 0, forbidden: false, stderr: 'istio/resources/grpcroutes.gateway.networking.k8s.io.json.stderr' });
    // artifacts without stderr have no stderr file and no stderr field
    const version = manifest.artifacts.find((a) => a.path === 'kubernetes/version.json');
    expect(version?.stderr).toBeUndefined();
    expect(exists(bundle.dir, 'kubernetes/version.json.stderr')).toBe(false);
  });

  it('records kinds and pod metadata for per-pod artifacts', () => {
    const byPath = new Map(manifest.artifacts.map((a) => [a.path, a]));
    expect(byPath.get(`logs/shop/${FRONTEND}/istio-proxy.log`)).toMatchObject({ kind: 'logs.proxy', namespace: 'shop', pod: FRONTEND, container: 'istio-proxy', truncated: false });
    expect(byPath.get(`logs/istio-system/${ISTIOD}/discovery.log`)).toMatchObject({ kind: 'logs.istiod', namespace: 'istio-system', pod: ISTIOD, container: 'discovery' });
    expect(byPath.get(`istiod/${ISTIOD}/syncz.json`)).toMatchObject({ kind: 'istiod.syncz', pod: ISTIOD });
    expect(byPath.get(`istiod/${ISTIOD}/configz.json`)).toMatchObject({ kind: 'istiod.configz' });
    expect(byPath.get(`istiod/${ISTIOD}/metrics.txt`)).toMatchObject({ kind: 'istiod.metrics', namespace: 'istio-system', pod: ISTIOD, container: 'discovery' });
    expect(byPath.get(`proxies/shop/${FRONTEND}/config_dump.json`)).toMatchObject({ kind: 'envoy.configDump', namespace: 'shop', pod: FRONTEND });
    expect(byPath.get(`proxies/shop/${FRONTEND}/stats.txt`)).toMatchObject({ kind: 'envoy.stats' });
    expect(byPath.get(`proxies/shop/${FRONTEND}/fd-count.txt`)).toMatchObject({ kind: 'proxy.fileDescriptors' });
    expect(byPath.get('kubernetes/pods/istio-system.json')).toMatchObject({ kind: 'kubectl.pods', namespace: 'istio-system' });
    expect(byPath.get('kubernetes/resources/istio-system.json')).toMatchObject({ kind: 'k8s.resources', namespace: 'istio-system' });
    expect(byPath.get('kubernetes/networkpolicies/istio-system.json')).toMatchObject({ kind: 'k8s.resources', namespace: 'istio-system' });
    expect(byPath.get('kubernetes/networkpolicies/shop.json')).toMatchObject({ kind: 'k8s.resources', namespace: 'shop' });
    expect(byPath.get('kubernetes/resources/services.other-namespaces.json')).toMatchObject({ kind: 'k8s.resources' });
    expect(byPath.get('kubernetes/resources/pods.other-namespaces.json')).toMatchObject({ kind: 'kubectl.pods' });
    expect(byPath.get('kubernetes/configmaps/istio-system-istio-sidecar-injector.json')).toMatchObject({ kind: 'k8s.resources' });
    expect(byPath.get('kubernetes/top/istio-system.txt')).toMatchObject({ kind: 'kubectl.top' });
    expect(byPath.get('istio/proxy-status.txt')).toMatchObject({ kind: 'istioctl.proxyStatus' });
    expect(byPath.get('istio/analyze.json')).toMatchObject({ kind: 'istioctl.analyze', exitCode: 0 });
    expect(byPath.get('kubernetes/secrets/istio-system.txt')).toMatchObject({ kind: 'kubectl.secretNames' });
    expect(byPath.get('certs/cacerts/ca-cert.pem')).toMatchObject({ kind: 'certs.public' });
    expect(byPath.get('kubernetes/version.json')).toMatchObject({ kind: 'kubectl.version' });
    expect(byPath.get('kubernetes/service-names.txt')).toMatchObject({ kind: 'kubectl.serviceNames' });
    expect(byPath.get('istio/version.json')).toMatchObject({ kind: 'istioctl.version' });
    expect(byPath.get('redaction-report.json')).toMatchObject({ kind: 'collector.redactionReport' });
  });

  it('records the exact commands it ran (scenario 6: under dash)', () => {
    const command = (path: string) => manifest.artifacts.find((a) => a.path === path)?.command;
    expect(command('kubernetes/pods/istio-system.json')).toBe('kubectl get pods -n istio-system -o json');
    expect(command('kubernetes/top/istio-system.txt')).toBe('kubectl top pod -n istio-system --containers');
    expect(command('istio/proxy-status.txt')).toBe('istioctl proxy-status --verbosity 1');
    expect(command('istio/analyze.json')).toBe('istioctl analyze -A -o json');
    expect(command('istio/analyze.txt')).toBe('istioctl analyze -A');
    expect(command('kubernetes/service-names.txt')).toBe('kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name');
    expect(command(`logs/shop/${FRONTEND}/istio-proxy.log`)).toBe(`kubectl logs ${FRONTEND} -n shop -c istio-proxy --tail=2000`);
    expect(command(`logs/istio-system/${ISTIOD}/discovery.previous.log`)).toBe(`kubectl logs ${ISTIOD} -n istio-system -c discovery --previous --tail=2000`);
    expect(command(`istiod/${ISTIOD}/syncz.json`)).toBe(`kubectl exec ${ISTIOD} -n istio-system -c discovery -- pilot-discovery request GET /debug/syncz`);
    expect(command(`istiod/${ISTIOD}/metrics.txt`)).toBe(`kubectl exec ${ISTIOD} -n istio-system -c discovery -- pilot-discovery request GET /metrics`);
    expect(command(`proxies/shop/${FRONTEND}/config_dump.json`)).toBe(`istioctl proxy-config all ${FRONTEND} -n shop -o json`);
    expect(command(`proxies/shop/${FRONTEND}/stats.txt`)).toBe(`kubectl exec ${FRONTEND} -n shop -c istio-proxy -- pilot-agent request GET stats`);
    expect(command('kubernetes/resources/istio-system.json')).toBe('kubectl get services,endpointslices.discovery.k8s.io,deployments -n istio-system -o json');
    expect(command('kubernetes/resources/shop.json')).toBe('kubectl get services,endpointslices.discovery.k8s.io,deployments -n shop -o json');
    expect(command('kubernetes/networkpolicies/istio-system.json')).toBe('kubectl get networkpolicies.networking.k8s.io -n istio-system -o json');
    expect(command('kubernetes/networkpolicies/shop.json')).toBe('kubectl get networkpolicies.networking.k8s.io -n shop -o json');
    expect(command('kubernetes/configmaps/istio-system-istio-canary.json')).toBe('kubectl get configmap istio-canary -n istio-system -o json');
    expect(command('kubernetes/resources/pods.other-namespaces.json')).toBe(
      'kubectl get pods -A --field-selector metadata.namespace!=ambient-demo,metadata.namespace!=istio-system,metadata.namespace!=payments,metadata.namespace!=shop -o json',
    );
    expect(command('certs/cacerts/ca-cert.pem')).toBe('kubectl get secret cacerts -n istio-system -o go-template={{index .data "ca-cert.pem" | base64decode}}');
    // every manifest command is one the stub actually received
    const received = new Set(run.calls.map((c) => `${c.tool} ${c.argv.join(' ')}`));
    const unknown = manifest.artifacts.filter((a) => a.path !== 'redaction-report.json' && !received.has(a.command)).map((a) => a.command);
    expect(unknown).toEqual([]);
  });

  it('records durations as non-negative integers', () => {
    for (const a of manifest.artifacts.filter((x) => x.durationMs !== undefined)) {
      expect(Number.isInteger(a.durationMs) && a.durationMs! >= 0, a.path).toBe(true);
    }
  });
});

describe('read-only and secret-safe', () => {
  it('never runs a command that changes the cluster or a log level', () => {
    const bad = run.calls.filter(
      (c) =>
        MUTATING_VERBS.includes(joined(c).split(' ')[0] ?? '') ||
        c.argv.some((a) => a === '--level' || a.startsWith('--level=')) ||
        (c.tool === 'istioctl' && /^(proxy-config|pc) log\b/.test(joined(c))) ||
        (c.tool === 'istioctl' && /^(install|uninstall|upgrade|manifest|tag|x|experimental|admin|create-remote-secret|kube-inject|dashboard)\b/.test(joined(c))),
    );
    expect(bad).toEqual([]);
    const verbs = new Set(run.calls.filter((c) => c.tool === 'kubectl').map((c) => joined(c).split(' ')[0]));
    expect([...verbs].sort()).toEqual(['auth', 'config', 'exec', 'get', 'logs', 'top', 'version']);
    // `auth` only as the preflight's question, which changes nothing
    expect(run.calls.filter((c) => joined(c).startsWith('auth ')).map(joined)).toEqual(['auth can-i get pods -n istio-system']);
    const istioctlVerbs = new Set(run.calls.filter((c) => c.tool === 'istioctl').map((c) => joined(c).split(' ')[0]));
    expect([...istioctlVerbs].sort()).toEqual(['analyze', 'proxy-config', 'proxy-status', 'version']);
  });

  it('execs only read-only requests', () => {
    const execs = run.calls.filter((c) => joined(c).startsWith('exec '));
    for (const c of execs) {
      const command = c.argv.slice(c.argv.indexOf('--') + 1).join(' ');
      expect(command, joined(c)).toMatch(/^(pilot-discovery request GET \/(debug\/syncz|debug\/configz|metrics)|pilot-agent request GET (config_dump|stats)|sh -c ls -1 \/proc\/\[0-9\]\*\/fd 2>\/dev\/null \| grep -c "\^\[0-9\]"; ulimit -n; ulimit -H -n)$/);
      expect(command).not.toMatch(/\b(POST|PUT|DELETE)\b|logging|quitquitquit|drain_listeners|healthcheck\/fail/);
    }
    expect(execs.length).toBeGreaterThan(0);
  });

  it('never asks for a Secret value: only the table, names, -o name probes and public certificate fields', () => {
    const secretCalls = run.calls.filter((c) => /^get (secret|secrets)\b/.test(joined(c)));
    expect(secretCalls.length).toBeGreaterThan(0);
    for (const c of secretCalls) {
      const line = joined(c);
      expect(line).not.toMatch(/-o (yaml|json|wide)\b|-o=(yaml|json)|--output/);
      expect(line).not.toContain('ca-key.pem');
      expect(line).not.toContain('tls.key');
      const allowed =
        /^get secrets -n istio-system$/.test(line) ||
        /^get secrets -A -l istio\/multiCluster=true -o jsonpath=\{range \.items\[\*\]\}\{\.metadata\.namespace\}\{"\/"\}\{\.metadata\.name\}\{"\\n"\}\{end\}$/.test(line) ||
        /^get secret (cacerts|istio-ca-secret) -n istio-system -o name$/.test(line) ||
        /^get secret (cacerts|istio-ca-secret) -n istio-system -o go-template=\{\{index \.data "(ca-cert|root-cert|cert-chain)\.pem" \| base64decode\}\}$/.test(line);
      expect(allowed, line).toBe(true);
    }
    // istio-ca-secret is absent in the stub cluster: probed, never read
    expect(secretCalls.filter((c) => /istio-ca-secret .*go-template/.test(joined(c)))).toEqual([]);
  });

  it('lets none of the planted secrets into any file of the bundle', () => {
    const leaks: string[] = [];
    for (const file of bundle.files) {
      const bytes = readFileSync(join(bundle.dir, file)).toString('latin1');
      for (const secret of PLANTED_SECRETS) if (bytes.includes(secret)) leaks.push(`${file}: ${secret}`);
      if (/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.test(bytes)) leaks.push(`${file}: a JWT`);
      if (/PRIVATE KEY-----/.test(bytes)) leaks.push(`${file}: a PEM private key marker`);
    }
    expect(leaks).toEqual([]);
    // nor into the summary the customer pastes into the ticket
    for (const secret of PLANTED_SECRETS) expect(run.stderr + run.stdout).not.toContain(secret);
  });

  it('keeps public certificates, in PEM and in base64', () => {
    expect(readFileSync(join(bundle.dir, 'certs/cacerts/root-cert.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\nMIIC\/DCCAeSgAwIBAgIQAZOlQ/);
    expect(readFileSync(join(bundle.dir, 'certs/cacerts/cert-chain.pem'), 'utf8')).toContain('-----END CERTIFICATE-----');
    expect(readFileSync(join(bundle.dir, 'kubernetes/configmaps/istio-system-istio-ca-root-cert.json'), 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    const dump = readFileSync(join(bundle.dir, `proxies/shop/${FRONTEND}/config_dump.json`), 'utf8');
    expect(dump.match(/"inline_bytes": "LS0tLS1CRUdJTiBDRVJU/g)?.length).toBe(3);
    expect(dump).toContain('"inline_string": "-----BEGIN CERTIFICATE-----\\n');
    // Envoy's own redaction marker is kept as it is
    expect(dump).toContain('"inline_bytes": "W3JlZGFjdGVkXQ=="');
  });

  it('keeps redacted JSON parseable and the rest of the line intact', () => {
    const pods = JSON.parse(readFileSync(join(bundle.dir, 'kubernetes/pods/shop.json'), 'utf8')) as {
      items: Array<{ metadata: { name: string }; spec: { containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> } }>;
    };
    const frontend = pods.items.find((p) => p.metadata.name === FRONTEND);
    const env = frontend?.spec.containers.find((c) => c.name === 'app')?.env ?? [];
    expect(env.find((e) => e.name === 'DB_PASSWORD')?.value).toMatch(/^\[REDACTED/);
    expect(env.find((e) => e.name === 'CART_URL')?.value).toBe('http://cart.shop:8080');
    const dump = JSON.parse(readFileSync(join(bundle.dir, `proxies/shop/${FRONTEND}/config_dump.json`), 'utf8')) as {
      configs: Array<{ dynamic_active_secrets: Array<{ name: string; secret: { tls_certificate?: { private_key: Record<string, string> } } }> }>;
    };
    const secrets = dump.configs[0]!.dynamic_active_secrets;
    expect(secrets.map((s) => s.name)).toEqual(['default', 'ROOTCA', 'kubernetes://shop-frontend-credential', 'file-cert:/etc/certs/legacy']);
    expect(secrets[2]!.secret.tls_certificate!.private_key.inline_bytes).toMatch(/^\[REDACTED/);
    expect(secrets[3]!.secret.tls_certificate!.private_key.inline_string).toMatch(/^\[REDACTED/);
    const log = readFileSync(join(bundle.dir, `logs/shop/${FRONTEND}/istio-proxy.log`), 'utf8');
    expect(log).toContain('user=shop password=[REDACTED] sslmode=require');
    expect(log).toContain('\\"token\\":\\"[REDACTED]\\",\\"items\\":3}');
    expect(log.split('\n').filter((l) => l.startsWith('[2024-05-14T09:21:')).length).toBe(8);
  });

  it('reports what it removed, per file and kind', () => {
    const report = JSON.parse(readFileSync(join(bundle.dir, 'redaction-report.json'), 'utf8')) as {
      schemaVersion: number;
      files: Array<{ path: string; redactions: Record<string, number> }>;
    };
    expect(report.schemaVersion).toBe(1);
    const byPath = new Map(report.files.map((f) => [f.path, f.redactions]));
    expect(byPath.get('kubernetes/pods/shop.json')).toEqual({ 'env-secret': 1 });
    expect(byPath.get('kubernetes/resources/shop.json')).toEqual({ 'env-secret': 1 });
    expect(byPath.get(`logs/shop/${FRONTEND}/istio-proxy.log`)).toEqual({ bearer: 1, jwt: 1, 'key-value': 2 });
    expect(byPath.get(`proxies/shop/${FRONTEND}/config_dump.json`)).toEqual({ 'base64-pem-key': 1, 'private-key': 1 });
    // one entry per file, and only files of the bundle
    expect(new Set(report.files.map((f) => f.path)).size).toBe(report.files.length);
    for (const f of report.files) expect(bundle.files, f.path).toContain(f.path);
    // the summary's total equals the report's
    const total = report.files.reduce((n, f) => n + Object.values(f.redactions).reduce((a, b) => a + b, 0), 0);
    expect(run.stderr).toContain(`Redacted: ${total} values`);
  });
});

describe('round trip: the analyzer on the collector output', () => {
  let analysis: Analysis;
  beforeAll(async () => {
    analysis = await analyzeBundle(tarball);
  }, 120_000);

  const find = (ruleId: string, name?: string) =>
    analysis.report.findings.filter((f) => f.ruleId === ruleId && (name === undefined || f.subject.name === name));

  it('writes a JSON report that satisfies schemas/report.schema.json', () => {
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(analysis.report)))).toEqual([]);
  });

  it('reads the bundle as a collector bundle, with the manifest time', () => {
    expect(analysis.report.bundle.layout).toBe('collector');
    expect(analysis.report.bundle.collectedAt).toBe(manifest.collectedAt);
    expect(analysis.report.bundle.collectedAtSource).toBe('manifest');
    expect(analysis.report.bundle.cluster).toBe('kind-mesh-prod');
  });

  it('reports the planted control-plane faults', () => {
    expect(find('CP003', ISTIOD).map((f) => f.severity)).toEqual(['critical']);
    expect(find('CP004', ISTIOD).map((f) => f.severity)).toEqual(['critical']);
    expect(find('CP001').map((f) => f.severity)).toContain('critical');
    expect(find('CP001').some((f) => f.explanation.includes('cart-5b7c9d8f6-z8kmt'))).toBe(true);
  });

  it('reports the planted configuration and data-plane faults', () => {
    // The planted IST0101 (VirtualService shop/cart routes to a subset its DestinationRule lacks), once:
    // derived offline by CFG003 from the collected resources, citing istioctl analyze; CFG001 defers to it.
    expect(find('CFG003', 'cart').map((f) => f.severity)).toEqual(['critical']);
    expect(find('CFG001', 'cart')).toEqual([]);
    expect(find('CFG003', 'cart')[0]!.evidence.some((e) => e.path.includes('analyze'))).toBe(true);
    // the frontend sidecar's UH toward cart: one finding about the cart Service, the frontend pod its occurrence
    expect(find('LOG002', 'cart').length).toBe(1);
    expect(find('LOG002', 'cart')[0]!.subject).toEqual({ kind: 'Service', namespace: 'shop', name: 'cart' });
    expect(find('LOG002', 'cart')[0]!.occurrences!.map((o) => `${o.subject.namespace}/${o.subject.name}`)).toEqual([`shop/${FRONTEND}`]);
  });

  it('uses the kinds it reads and lists the others as not analysed, none invalid', () => {
    const inventory = analysis.report.inventory;
    const status = (path: string) => inventory.find((i) => i.path === path)?.status;
    expect(status('kubernetes/pods/istio-system.json')).toBe('used');
    expect(status('kubernetes/top/istio-system.txt')).toBe('used');
    expect(status('istio/proxy-status.txt')).toBe('used');
    expect(status(`istiod/${ISTIOD}/syncz.json`)).toBe('used');
    expect(status('istio/analyze.json')).toBe('used');
    expect(status(`logs/shop/${FRONTEND}/istio-proxy.log`)).toBe('used');
    expect(status('istio/version.json')).toBe('used');
    expect(status('kubernetes/version.json')).toBe('used');
    expect(status('kubernetes/service-names.txt')).toBe('used');
    expect(status(`istiod/${ISTIOD}/metrics.txt`)).toBe('used');
    expect(status(`proxies/shop/${FRONTEND}/stats.txt`)).toBe('used');
    expect(status(`proxies/shop/${FRONTEND}/fd-count.txt`)).toBe('used');
    expect(status(`proxies/shop/${FRONTEND}/config_dump.json`)).toBe('used');
    for (const ns of ['istio-system', 'shop', 'ambient-demo', 'payments']) expect(status(`kubernetes/networkpolicies/${ns}.json`), ns).toBe('used');
    for (const path of ['certs/cacerts/ca-cert.pem', 'certs/cacerts/root-cert.pem', 'certs/cacerts/cert-chain.pem', ...['shop', 'ambient-demo', 'payments'].map((ns) => `kubernetes/configmaps/istio-ca-root-cert/${ns}.json`)]) expect(status(path), path).toBe('used');
    expect(status('logs/istio-system/ztunnel-4xkzp/ztunnel.log')).toBe('used');
    for (const path of ['redaction-report.json']) {
      const item = inventory.find((i) => i.path === path);
      expect(item?.status, path).toBe('not-analysed');
      expect(item?.reason, path).toMatch(/not analysed/);
    }
    const invalid = inventory.filter((i) => i.status === 'invalid' && i.path !== 'kubernetes/top/payments.txt');
    expect(invalid.map((i) => `${i.path}: ${i.reason ?? ''}`)).toEqual([]);
  });

  it('does not call an empty `kubectl top` output (namespace without pods, exit 0) invalid', () => {
    // kubectl top prints nothing on stdout and "No resources found in payments namespace." on stderr, exit 0.
    const item = analysis.report.inventory.find((i) => i.path === 'kubernetes/top/payments.txt');
    expect(item?.status, item?.reason).not.toBe('invalid');
  });

  it('gains no finding from the NetworkPolicies: shop/cart-allow-frontend admits the frontend on 8080', async () => {
    // the policy is read (inventory above) and admits the one caller whose requests fail (LOG002):
    // the findings are those of the same bundle without the NetworkPolicy listings, and none cites them
    expect(analysis.report.findings.filter((f) => f.evidence.some((e) => e.path.startsWith('kubernetes/networkpolicies/')))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'collector-no-netpol-'));
    cpSync(bundle.dir, dir, { recursive: true });
    rmSync(join(dir, 'kubernetes/networkpolicies'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, artifacts: manifest.artifacts.filter((a) => !a.path.startsWith('kubernetes/networkpolicies/')) }, null, 2));
    const without = await analyzeBundle(dir);
    const key = (f: Analysis['report']['findings'][number]) => ({ ruleId: f.ruleId, severity: f.severity, subject: f.subject, explanation: f.explanation });
    expect(without.report.inventory.filter((i) => i.path.includes('networkpolicies'))).toEqual([]);
    expect(analysis.report.findings.map(key)).toEqual(without.report.findings.map(key));
  }, 120_000);

  it('lists the failed command under collection failures', () => {
    expect(analysis.report.collectionFailures.map((f) => f.path)).toEqual(['istio/resources/grpcroutes.gateway.networking.k8s.io.json']);
  });
});
