// The collector's awk and `istio-bundle redact` on one corpus: the same values removed, the same
// certificates kept, the same counts per layer per file. The collector runs under dash with the stub
// kubectl/istioctl of test/collector, each corpus file being the answer to one command it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIn, extractBundle, removeTempDirs as removeCollectorDirs, runCollector, type StubResponse } from '../collector/helpers.js';
import { redactBundle } from '../../src/redact/redact-bundle.js';
import { CORPUS, corpusFiles, extract, PLANTED, removeTempDirs, tempDir, texts, type ReportShape } from './helpers.js';

afterAll(() => {
  removeTempDirs();
  removeCollectorDirs();
});

const FRONTEND = 'frontend-6d8f9b7c5-4hxkz';
const ISTIOD = 'istiod-7d4b9c6f8-hm2xr';

/** Corpus file → the command whose answer it is, and where the collector writes that answer. */
const ROUTES: Record<string, { tool: 'kubectl' | 'istioctl'; match: string; path: string }> = {
  'certificates.pem': { tool: 'kubectl', match: '^get secret cacerts -n istio-system -o go-template=\\{\\{index \\.data "ca-cert\\.pem" \\| base64decode\\}\\}$', path: 'certs/cacerts/ca-cert.pem' },
  'configmap-escaped-json.json': { tool: 'kubectl', match: '^get configmap istio -n istio-system -o json$', path: 'kubernetes/configmaps/istio-system-istio.json' },
  'edge-cases.yaml': { tool: 'kubectl', match: '^get configmap istio-sidecar-injector -n istio-system -o json$', path: 'kubernetes/configmaps/istio-system-istio-sidecar-injector.json' },
  'envoy-config_dump.json': { tool: 'istioctl', match: `^proxy-config all ${FRONTEND} -n shop -o json$`, path: `proxies/shop/${FRONTEND}/config_dump.json` },
  'istio-proxy.log': { tool: 'kubectl', match: `^logs ${FRONTEND} -n shop -c istio-proxy `, path: `logs/shop/${FRONTEND}/istio-proxy.log` },
  'kubectl-get-secret.json': { tool: 'kubectl', match: '^get nodes -o json$', path: 'kubernetes/nodes.json' },
  'kubectl-get-secret.yaml': { tool: 'kubectl', match: `^logs ${ISTIOD} -n istio-system -c discovery --tail`, path: `logs/istio-system/${ISTIOD}/discovery.log` },
  'pem-keys.yaml': { tool: 'kubectl', match: '^get networkpolicies\\.networking\\.k8s\\.io -n shop -o json$', path: 'kubernetes/networkpolicies/shop.json' },
  'pod-env.json': { tool: 'kubectl', match: '^get pods -n shop -o json$', path: 'kubernetes/pods/shop.json' },
};

let collected: Map<string, string>;
let collectorReport: ReportShape;
let redacted: Map<string, string>;
let redactReport: ReportShape;

beforeAll(async () => {
  const responses: StubResponse[] = corpusFiles().map((file) => {
    const route = ROUTES[file];
    if (!route) throw new Error(`corpus file ${file} has no route into the collector: add one`);
    return { tool: route.tool, match: route.match, stdoutText: readFileSync(join(CORPUS, file), 'utf8') };
  });
  const run = await runCollector(['-n', 'shop', '--timeout', '5'], { responses });
  expect(run.code, run.stderr).toBe(0);
  const bundle = extractBundle(bundleIn(run.cwd));
  collected = texts(bundle.dir);
  collectorReport = JSON.parse(collected.get('redaction-report.json')!) as ReportShape;

  const out = join(tempDir(), 'corpus.redacted.tar.gz');
  await redactBundle(CORPUS, out);
  redacted = texts(extract(out).dir);
  redactReport = JSON.parse(redacted.get('redaction-report.json')!) as ReportShape;
}, 120_000);

const countsIn = (report: ReportShape, path: string) => report.files.find((f) => f.path === path)?.redactions ?? {};

describe('the collector and istio-bundle redact agree on the secret corpus', () => {
  it('routes every corpus file into the collector bundle', () => {
    for (const file of corpusFiles()) expect(collected.has(ROUTES[file]!.path), ROUTES[file]!.path).toBe(true);
  });

  it('each planted secret is absent from both outputs', () => {
    for (const file of corpusFiles()) {
      const original = readFileSync(join(CORPUS, file), 'utf8');
      const fromCollector = collected.get(ROUTES[file]!.path)!;
      const fromRedact = redacted.get(file)!;
      for (const secret of PLANTED.secrets.filter((s) => original.includes(s))) {
        expect(fromCollector, `collector kept ${secret} of ${file}`).not.toContain(secret);
        expect(fromRedact, `redact kept ${secret} of ${file}`).not.toContain(secret);
      }
    }
    // every planted secret is in some corpus file (a typo in planted.json would make the test vacuous)
    const all = corpusFiles().map((f) => readFileSync(join(CORPUS, f), 'utf8')).join('\n');
    for (const secret of PLANTED.secrets) expect(all, secret).toContain(secret);
  });

  it('every certificate (and the prose around secrets) is present in both outputs', () => {
    for (const file of corpusFiles()) {
      const original = readFileSync(join(CORPUS, file), 'utf8');
      for (const kept of PLANTED.kept.filter((k) => original.includes(k))) {
        expect(collected.get(ROUTES[file]!.path), `collector lost ${kept.slice(0, 40)} of ${file}`).toContain(kept);
        expect(redacted.get(file), `redact lost ${kept.slice(0, 40)} of ${file}`).toContain(kept);
      }
    }
  });

  it('the counts per layer are equal, file by file, and every layer is exercised', () => {
    const layers = new Set<string>();
    for (const file of corpusFiles()) {
      const ours = countsIn(redactReport, file);
      expect(ours, file).toEqual(countsIn(collectorReport, ROUTES[file]!.path));
      for (const layer of Object.keys(ours)) layers.add(layer);
    }
    expect([...layers].sort()).toEqual(['base64-pem-key', 'bearer', 'env-secret', 'envoy-inline', 'jwt', 'key-value', 'private-key', 'secret-data']);
    expect(countsIn(redactReport, 'certificates.pem')).toEqual({});
  });

  it('both outputs are line for line the same (the collector always ends a file with a newline)', () => {
    for (const file of corpusFiles()) {
      const ours = redacted.get(file)!;
      expect(collected.get(ROUTES[file]!.path), file).toBe(ours.endsWith('\n') ? ours : `${ours}\n`);
    }
  });
});
