import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../src/pipeline.js';
import type { Finding, Severity } from '../src/rules/rule.js';
import { reportSchemaErrors } from './helpers/report-schema.js';

/**
 * Golden tests over the three scenario bundles in samples/ (see samples/README.md): each is analysed
 * as a folder and as the .tar.gz scripts/pack-samples.mjs builds, and must give exactly the findings
 * listed here, identified by (rule, severity, subject).
 */

const REPO = resolve(import.meta.dirname, '..');
const SAMPLES = join(REPO, 'samples');

interface PackModule {
  packSample(sampleDir: string, outFile: string): Promise<string[]>;
  packSamples(options: { samplesDir?: string; outDir?: string; names?: string[] }): Promise<Record<string, string>>;
  checkSample(sampleDir: string): Promise<{ manifest: { collectedAt: string; artifacts: Array<{ path: string; bytes?: number }> }; entries: string[] }>;
  sampleNames(samplesDir?: string): Promise<string[]>;
}
// A plain-JS script: imported through a computed URL so the typed surface above is the contract.
const PACK_URL = pathToFileURL(join(REPO, 'scripts', 'pack-samples.mjs')).href;
const loadPacker = async () => (await import(PACK_URL)) as PackModule;

type Key = `${string} ${Severity} ${string} ${string}/${string}`;

const POD = {
  istiodOk: 'istiod-7d4b9c6f8-hm2xr',
  istiodCrash: 'istiod-7d4b9c6f8-pw7kd',
  productpage: 'productpage-v1-54bb874995-9xq7d',
  details: 'details-v1-65cfcf56f9-r2l8c',
  reviewsV2: 'reviews-v2-5b667bcbf8-tz6qw',
};

/** Exactly what each sample must produce: `<rule> <severity> <kind> <namespace>/<name>`. */
const EXPECTED: Record<string, Key[]> = {
  healthy: ['CFG001 low Service bookinfo/ratings'],
  'control-plane-failure': [
    `CP001 critical Pod istio-system/${POD.istiodOk}`,
    `CP003 critical Pod istio-system/${POD.istiodOk}`,
    `CP003 critical Pod istio-system/${POD.istiodCrash}`,
    `CP004 critical Pod istio-system/${POD.istiodOk}`,
    `CP006 medium Pod istio-system/${POD.istiodOk}`,
    `CP009 high Pod istio-system/${POD.istiodOk}`,
    'LOG008 high Mesh /xDS streams to istiod',
  ],
  'config-faults': [
    'CFG002 critical VirtualService bookinfo/ratings',
    'CFG003 critical VirtualService bookinfo/details',
    'CFG004 high VirtualService bookinfo/bookinfo-admin',
    'CFG006 high VirtualService bookinfo/bookinfo',
    'LOG004 high Deployment istio-system/istio-ingressgateway',
    'LOG009 info Mesh /all proxies',
  ],
  'sidecar-memory': [
    'CFG001 low Service bookinfo/ratings',
    'CP005 medium Deployment istio-system/istiod',
    'MEM001 high Pod shop/checkout-6d9f7c7b5-k2x8p',
    'MEM002 medium Namespace /shop',
  ],
  'cert-expiry': [
    'CERT003 critical Secret istio-system/cacerts',
    'CP007 medium Cluster /payments-prod-eu1',
    'LOG003 critical Deployment istio-system/istio-ingressgateway',
    'LOG003 critical Deployment shop/cart',
    'LOG003 critical Deployment shop/checkout',
    'LOG003 critical Deployment shop/frontend',
    'LOG003 critical Deployment shop/payments',
    'LOG009 info Mesh /all proxies',
  ],
  'data-plane-503': [
    'CFG003 critical VirtualService bookinfo/reviews',
    'LOG001 high Service bookinfo/ratings',
    'LOG002 high Service bookinfo/reviews',
    'LOG005 critical Deployment bookinfo/details-v1',
    'LOG009 info Mesh /all proxies',
  ],
  ambient: [
    'AMB001 critical Node /gke-shop-prod-eu1-pool-2-7b1e4d2a-h5rc',
    'AMB001 high Node /gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx',
    'AMB001 high Node /gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx',
    'AMB001 high Node /gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx',
    'AMB002 high Namespace /shop',
    'AMB003 critical Pod bookinfo/waypoint-5c7b9d4f86-k2mvx',
    'CFG005 low Namespace /default',
  ],
};
const NAMES = Object.keys(EXPECTED).sort();

/**
 * istioctl bug-report archives of the same clusters and moments as collector samples: the same
 * findings where both hold the inputs, and what only one of them can check, by rule.
 */
const BUG_REPORTS: Record<string, { equivalent: string; expected: Key[]; onlyHere: string[]; onlyThere: string[] }> = {
  'bug-report-503': {
    equivalent: 'data-plane-503',
    expected: [
      'CFG003 critical VirtualService bookinfo/reviews',
      'LOG001 high Service bookinfo/ratings',
      'LOG002 high Service bookinfo/reviews',
      'LOG005 critical Deployment bookinfo/details-v1',
      'LOG009 info Mesh /all proxies',
      // The five sidecars lack the same subset cluster: one finding about the destination, each proxy an occurrence.
      'TP001 high Service bookinfo/reviews',
    ],
    // Config dumps and Envoy's /certs are in the bug-report only; `kubectl top` in the collector bundle only.
    onlyHere: ['CERT001', 'CERT002', 'CERT003', 'MEM002', 'TP001', 'TP002'],
    onlyThere: ['CP004'],
  },
};

function keyOf(finding: Finding): Key {
  return `${finding.ruleId} ${finding.severity} ${finding.subject.kind} ${finding.subject.namespace ?? ''}/${finding.subject.name}`;
}

function keys(findings: Finding[]): Key[] {
  return findings.map(keyOf).sort();
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const dirent of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, dirent.name);
    if (dirent.isDirectory()) out.push(...(await filesUnder(root, full)));
    else out.push(relative(root, full).split(sep).join('/'));
  }
  return out.sort();
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

let work: string;
let archives: Record<string, string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'iba-samples-'));
  const packer = await loadPacker();
  archives = await packer.packSamples({ outDir: join(work, 'dist') });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('samples/ bundles', () => {
  it('are exactly the scenarios this test knows, each with a manifest that matches its files byte for byte', async () => {
    const packer = await loadPacker();
    expect(await packer.sampleNames()).toEqual(NAMES);
    expect(await (packer as unknown as { bugReportSampleNames(): Promise<string[]> }).bugReportSampleNames()).toEqual(Object.keys(BUG_REPORTS).sort());
    for (const name of NAMES) {
      const { manifest, entries } = await packer.checkSample(join(SAMPLES, name));
      expect(entries[0]).toBe('manifest.json');
      expect(manifest.artifacts.length).toBe(entries.length - 1);
      expect(manifest.artifacts.every((a) => typeof a.bytes === 'number')).toBe(true);
    }
  });

  it('pack into archives whose first entry is manifest.json, byte-identical from one run to the next', async () => {
    const packer = await loadPacker();
    for (const name of NAMES) {
      const entries: string[] = [];
      await list({ file: archives[name]!, onReadEntry: (entry) => entries.push(entry.path) });
      expect(entries[0]).toBe('manifest.json');
      expect(entries.slice(1)).toEqual((await filesUnder(join(SAMPLES, name))).filter((f) => f !== 'manifest.json'));
      const again = join(work, `${name}-again.tar.gz`);
      await packer.packSample(join(SAMPLES, name), again);
      expect(await sha256(again)).toBe(await sha256(archives[name]!));
    }
  });

  for (const name of NAMES) {
    describe(name, () => {
      it('as a folder: exactly the expected (rule, severity, subject) findings', async () => {
        const { report } = await analyzeBundle(join(SAMPLES, name));
        expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
        expect(keys(report.findings)).toEqual([...EXPECTED[name]!].sort());
        expect(report.inventorySummary).toMatchObject({ invalid: 0, 'not-recognised': 0, skipped: 0 });
        expect(report.bundle.layout).toBe('collector');
      });

      it('as a .tar.gz: the same findings as the folder, and every entry recognised by the manifest', async () => {
        const folder = await analyzeBundle(join(SAMPLES, name));
        const tarball = await analyzeBundle(archives[name]!);
        expect(keys(tarball.report.findings)).toEqual([...EXPECTED[name]!].sort());
        expect(tarball.report.findings).toEqual(folder.report.findings);
        expect(tarball.report.warnings).toEqual([]);
        const recognised = tarball.report.inventory.filter((item) => item.path !== 'manifest.json');
        expect(recognised.every((item) => item.status === 'used' && item.recognisedBy === 'manifest')).toBe(true);
        const manifest = JSON.parse(await readFile(join(SAMPLES, name, 'manifest.json'), 'utf8')) as { collectedAt: string };
        expect(tarball.report.bundle.collectedAt).toBe(manifest.collectedAt);
      });
    });
  }

  for (const [name, { equivalent, expected, onlyHere, onlyThere }] of Object.entries(BUG_REPORTS)) {
    describe(`${name} (istioctl bug-report of ${equivalent})`, () => {
      it('as a folder and as a .tar.gz: exactly the expected findings, every file used or not analysed with its reason', async () => {
        const folder = await analyzeBundle(join(SAMPLES, name));
        const tarball = await analyzeBundle(archives[name]!);
        expect(reportSchemaErrors(JSON.parse(JSON.stringify(folder.report)))).toEqual([]);
        expect(keys(folder.report.findings)).toEqual([...expected].sort());
        expect(tarball.report.findings).toEqual(folder.report.findings);
        for (const { report } of [folder, tarball]) {
          expect(report.bundle.layout).toBe('istioctl-bug-report');
          expect(report.inventorySummary).toMatchObject({ invalid: 0, 'not-recognised': 0, skipped: 0 });
          expect(report.inventory.filter((i) => i.status === 'not-analysed' && !/: not analysed by this version \(.+\)$/.test(i.reason ?? ''))).toEqual([]);
        }
      });

      it(`finds what ${equivalent} finds, where both hold the inputs; the rest is named by rule`, async () => {
        const here = (await analyzeBundle(join(SAMPLES, name))).report;
        const there = (await analyzeBundle(join(SAMPLES, equivalent))).report;
        const shared = (keysOf: Key[], skip: string[]) => keysOf.filter((k) => !skip.includes(k.split(' ')[0]!));
        expect(shared(keys(here.findings), onlyHere)).toEqual(shared(keys(there.findings), onlyThere));
        const checked = (report: typeof here) => new Set(report.rulesChecked);
        expect(onlyHere.filter((id) => checked(here).has(id) && !checked(there).has(id))).toEqual(onlyHere);
        expect(onlyThere.filter((id) => checked(there).has(id) && !checked(here).has(id))).toEqual(onlyThere);
        // What only the bug-report shows is explained: the proxies lack the cluster of the subset CFG003 reports undefined.
        const cfg003 = here.findings.find((f) => f.ruleId === 'CFG003')!;
        for (const tp001 of here.findings.filter((f) => f.ruleId === 'TP001')) expect(tp001.causedBy).toEqual([cfg003.fingerprint]);
      });
    });
  }

  it('healthy: nothing above low', async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'healthy'));
    expect(report.findings.length).toBeGreaterThan(0); // the Info message is still reported, as low
    expect(report.findings.filter((f) => !['low', 'info'].includes(f.severity)).map(keyOf)).toEqual([]);
    expect(report.summary).toMatchObject({ critical: 0, high: 0, medium: 0 });
    expect(report.facts).toMatchObject({ proxies: 7, pods: 8, istioVersions: ['1.24.3'] });
  });

  it('data-plane-503: LOG002 cites the aggressive outlier detection, LOG001 the targetPort mismatch, each with its fix; LOG005 the ALLOW policy that matched nothing', async () => {
    const { report } = await analyzeBundle(archives['data-plane-503']!);
    const log002 = report.findings.find((f) => f.ruleId === 'LOG002')!;
    expect(log002.evidence.some((e) => e.path === 'istio/resources/destinationrules.json' && e.pointer === '/items/3/spec/trafficPolicy/outlierDetection')).toBe(true);
    expect(log002.explanation).toContain('DestinationRule `bookinfo/reviews` ejects an endpoint after 1 consecutive 5xx');
    expect(log002.yaml).toContain('consecutive5xxErrors: 50');
    const log001 = report.findings.find((f) => f.ruleId === 'LOG001')!;
    expect(log001.explanation).toContain('The cause: Service `bookinfo/ratings` sends port 9080 to `targetPort: 9090`');
    expect(log001.yaml).toContain('targetPort: 9080 # was 9090');
    expect(log001.evidence.some((e) => e.pointer?.endsWith('/spec/ports/0/targetPort'))).toBe(true);
    const log005 = report.findings.find((f) => f.ruleId === 'LOG005')!;
    expect(log005.explanation).toContain('bookinfo/details-viewer');
    expect(log005.explanation).toContain('policy[none]');
    expect(log005.explanation).toContain('The cause: the first denied request came from `bookinfo/productpage-v1-54bb874995-9xq7d` (principal `cluster.local/ns/bookinfo/sa/bookinfo-productpage`');
    expect(log005.yaml).toContain('cluster.local/ns/bookinfo/sa/bookinfo-productpage # the caller denied in the logs');
    // The missing subset, derived from the resources and reported by istioctl analyze (as JSON and as
    // text): one finding, citing the VirtualService field and both imported messages, none from CFG001.
    expect(report.findings.filter((f) => f.ruleId === 'CFG001')).toEqual([]);
    const cfg003 = report.findings.filter((f) => f.ruleId === 'CFG003');
    expect(cfg003).toHaveLength(1);
    expect(cfg003[0]!.evidence.map((e) => e.path)).toEqual(expect.arrayContaining(['istio/resources/virtualservices.json', 'istio/analyze.json', 'istio/analyze.txt']));
    expect(cfg003[0]!.evidence.find((e) => e.path === 'istio/resources/virtualservices.json')?.pointer).toMatch(/^\/items\/\d+\/spec\/http\/\d+\/route\/\d+\/destination\/subset$/);
    expect(cfg003[0]!.yaml).toContain('name: v3');
  });
});

describe('control-plane-failure: the incident as a sequence', () => {
  it('the timeline orders the OOMKills, the restart, the xDS disconnects, istiod\'s failed pushes and the collection, each linked to its finding', async () => {
    const { report } = await analyzeBundle(archives['control-plane-failure']!);
    const number = (fingerprint: string | undefined) => report.findings.find((f) => f.fingerprint === fingerprint);
    const rows = report.timeline.map((e) => `${e.time} ${e.kind} ${e.subject.name} ${(e.findings ?? []).map((fp) => number(fp)?.ruleId).join(',')}`);
    expect(rows).toEqual([
      `2025-06-03T01:58:44Z container-terminated ${POD.istiodOk} CP003`,
      `2025-06-03T01:58:46Z container-restarted ${POD.istiodOk} CP003`,
      '2025-06-03T02:01:17.003690Z log-first checkout-7c6d5f9b8-m4r2q LOG008',
      `2025-06-03T02:06:13.832862Z log-first ${POD.istiodOk} CP009`,
      `2025-06-03T02:06:13.833891Z log-first ${POD.istiodOk} CP009`,
      `2025-06-03T02:11:03Z container-terminated ${POD.istiodCrash} CP003`,
      `2025-06-03T02:11:03Z pod-not-ready ${POD.istiodCrash} CP003`,
      '2025-06-03T02:14:15.084618Z log-last checkout-7c6d5f9b8-m4r2q LOG008',
      `2025-06-03T02:14:49.685902Z log-last ${POD.istiodOk} CP009`,
      `2025-06-03T02:14:49.686123Z log-last ${POD.istiodOk} CP009`,
      '2025-06-03T02:14:51Z collected control-plane-failure.tar.gz ',
    ]);
    expect(report.timeline[0]!.what).toBe('container discovery terminated: OOMKilled (exit 137), after running since 2025-06-03T01:21:58Z');
    expect(report.timeline[0]!.evidence).toMatchObject({ path: 'kubernetes/pods/istio-system.json', pointer: expect.stringMatching(/\/status\/containerStatuses\/0\/lastState\/terminated$/) });
  });
});

describe('cert-expiry: everything worked, then 100% failure', () => {
  it('names the expired plugged-in CA as the cause of every TLS failure, first on the timeline, with the emergency restore', async () => {
    const { report } = await analyzeBundle(archives['cert-expiry']!);
    const cause = report.findings.find((f) => f.ruleId === 'CERT003')!;
    expect(cause.title).toBe('CA certificate `Intermediate CA` expired 10 min before collection (2025-09-15T03:00:00Z)');
    expect(cause.yaml).toContain('name: emergency-permissive');
    expect(cause.remediation).toContain('kubectl delete secret cacerts -n istio-system');
    expect(cause.remediation).toContain('2–3 minutes');
    const explained = report.findings.filter((f) => f.causedBy?.includes(cause.fingerprint)).map((f) => f.ruleId);
    expect(explained.sort()).toEqual(['LOG003', 'LOG003', 'LOG003', 'LOG003', 'LOG003']);
    // The CA's expiry, then the first TLS failure seconds later, the last one, the collection.
    expect(report.timeline.map((e) => `${e.time} ${e.kind}`)).toEqual(['2025-09-15T03:00:00Z certificate-expired', '2025-09-15T03:00:03.989Z log-first', '2025-09-15T03:09:55.589Z log-last', '2025-09-15T03:10:00Z collected']);
    expect(report.timeline[0]!.findings).toEqual([cause.fingerprint]);
    // Each proxy's own certificate is valid; its chain is not, because the CA in it expired.
    expect(report.certificates!.map((c) => `${c.proxy} ${c.expired} ${c.root} ${c.chain}`)).toEqual([
      'cart-84c6b9d7f5-pj8sd.shop false match expired',
      'frontend-5f7c9d8b6-xq2lm.shop false match expired',
      expect.stringMatching(/^istio-ingressgateway-.*\.istio-system false match expired$/),
      'checkout-6b8d7f9c4-t5wzn.shop false match expired',
      'payments-7d9f8c6b5-k4hvr.shop false match expired',
    ]);
  });
});

describe('config-faults: every configuration fault found without istioctl analyze', () => {
  it('names the cause with the corrected YAML, and LOG004 is explained by CFG006', async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'config-faults'));
    const byRule = (id: string) => report.findings.find((f) => f.ruleId === id)!;
    expect(byRule('CFG002').yaml).toContain('host: ratings');
    expect(byRule('CFG002').explanation).toContain('The closest host that exists is `ratings`');
    expect(byRule('CFG003').yaml).toMatch(/- name: v2\n\s+labels:\n\s+version: v2 # no pod of the service has this label/);
    expect(byRule('CFG004').yaml).toContain('- istio-system/admin-gateway');
    expect(byRule('CFG006').yaml).toContain('ignoreUriCase: true');
    expect(byRule('CFG006').explanation).toContain('18 of the pod\'s 44 requests');
    expect(byRule('LOG004').causedBy).toEqual([byRule('CFG006').fingerprint]);
    expect(report.notChecked.map((n) => n.ruleId)).toContain('CFG001');
  });
});

describe('content sniffing: the data-plane-503 outputs under arbitrary file names, without manifest', () => {
  const NAMES_POOL = ['a1.txt', 'dump-2', 'x.json', 'log-17.txt', 'b', 'out-5.log', 'c3.out', 'capture', 'z9.dat', 'q-8', 'paste.txt', 'n-11.json', 'part-4', 'k7', 'stuff.txt', 'w-3', 'y.out', 'r2.txt', 'm-40', 'v6'];

  it('recognises every file by content, ties logs to pods by IP and finds the same (rule, severity, subject)', async () => {
    const source = join(SAMPLES, 'data-plane-503');
    const files = (await filesUnder(source)).filter((f) => f !== 'manifest.json');
    expect(files.length).toBeLessThanOrEqual(NAMES_POOL.length);
    const flat = join(work, 'sniffed');
    await mkdir(flat, { recursive: true });
    const renamed = new Map<string, string>();
    for (const [i, file] of files.entries()) {
      renamed.set(NAMES_POOL[i]!, file);
      await cp(join(source, file), join(flat, NAMES_POOL[i]!));
    }

    const { report, model } = await analyzeBundle(flat);
    expect(report.bundle.layout).toBe('plain');
    expect(report.inventory.map((item) => [item.path, item.status, item.recognisedBy])).toEqual(
      [...renamed.keys()].sort().map((path) => [path, 'used', 'content']),
    );
    expect(keys(report.findings)).toEqual([...EXPECTED['data-plane-503']!].sort());

    // Every log with access lines was tied to its pod through the pod IPs in kubectl get pods.
    for (const log of model.facets['logs.proxy']) {
      const original = renamed.get(log.path)!;
      const withAccess = log.summary.access.requests > 0;
      if (withAccess) {
        expect(log.identifiedBy, original).toBe('pod-ip');
        expect(`logs/${log.namespace}/${log.pod}/istio-proxy.log`).toBe(original);
      }
    }
    for (const finding of report.findings.filter((f) => f.ruleId.startsWith('LOG'))) {
      expect(finding.explanation).toContain('matched to the pod by the IP in its access log');
    }
  });
});

describe('determinism', () => {
  it('two runs over the same archive give byte-identical reports', async () => {
    for (const name of NAMES) {
      const first = await analyzeBundle(archives[name]!);
      const second = await analyzeBundle(archives[name]!);
      expect(JSON.stringify(second.report)).toBe(JSON.stringify(first.report));
    }
  });

  it('two runs over the same folder give byte-identical reports', async () => {
    const first = await analyzeBundle(join(SAMPLES, 'data-plane-503'));
    const second = await analyzeBundle(join(SAMPLES, 'data-plane-503'));
    expect(JSON.stringify(second.report)).toBe(JSON.stringify(first.report));
  });
});
