// istio-bundle redact on a collector bundle, an istioctl bug-report archive and a plain folder.
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { redactBundle } from '../../src/redact/redact-bundle.js';
import { CORPUS, corpusFiles, extract, PLANTED, REPO, removeTempDirs, tempDir, texts, type ReportShape } from './helpers.js';

afterAll(removeTempDirs);

const SAMPLES = join(REPO, 'samples');
const PRODUCTPAGE_LOG = 'logs/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log';
const corpus = (file: string) => readFileSync(join(CORPUS, file), 'utf8');

function expectClean(files: Map<string, string>): void {
  const all = [...files.values()].join('\n');
  for (const secret of PLANTED.secrets) if (all.includes(secret)) throw new Error(`planted secret left in the output: ${secret}`);
}

/** samples/data-plane-503 with corpus secrets planted, and a redaction report as the collector writes it, packed as the collector packs. */
function collectorBundle(): { tarball: string; folder: string } {
  const folder = join(tempDir(), 'bundle');
  cpSync(join(SAMPLES, 'data-plane-503'), folder, { recursive: true });
  appendFileSync(join(folder, PRODUCTPAGE_LOG), corpus('istio-proxy.log'));
  copyFileSync(join(CORPUS, 'pod-env.json'), join(folder, 'kubernetes/pods/shop.json'));
  writeFileSync(
    join(folder, 'redaction-report.json'),
    '{\n  "schemaVersion": 1,\n  "description": "Values removed from each file before it was written into this bundle, by kind and count.",\n  "files": [\n' +
      `    {"path": "${PRODUCTPAGE_LOG}", "redactions": {"bearer": 2, "key-value": 1}}\n  ]\n}\n`,
  );
  const tarball = join(tempDir(), 'collector.tar.gz');
  const r = spawnSync('tar', ['-czf', tarball, '-C', folder, 'manifest.json', 'redaction-report.json', 'istio', 'kubernetes', 'logs'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { tarball, folder };
}

describe('redact a collector bundle', () => {
  it('removes the planted secrets, keeps the rest byte for byte, writes manifest.json then redaction-report.json first', async () => {
    const { tarball, folder } = collectorBundle();
    const out = join(tempDir(), 'out.tar.gz');
    const summary = await redactBundle(tarball, out);
    const { dir, entries } = extract(out);
    const files = texts(dir);
    expectClean(files);
    expect(entries.slice(0, 2)).toEqual(['manifest.json', 'redaction-report.json']);
    // files without secrets are unchanged
    expect(files.get('istio/proxy-status.txt')).toBe(readFileSync(join(folder, 'istio/proxy-status.txt'), 'utf8'));
    expect(files.get(PRODUCTPAGE_LOG)).toContain("'authorization', 'Bearer [REDACTED jwt]'");
    expect(files.get(PRODUCTPAGE_LOG)).toContain('basic health check passed, bearer of bad news');
    expect(summary.totals).toEqual([
      ['jwt', 2],
      ['bearer', 1],
      ['key-value', 1],
      ['env-secret', 3],
    ]);
  });

  it('merges the bundle’s redaction report: counts of both passes added, paths sorted, kinds sorted', async () => {
    const out = join(tempDir(), 'out.tar.gz');
    await redactBundle(collectorBundle().tarball, out);
    const report = JSON.parse(texts(extract(out).dir).get('redaction-report.json')!) as ReportShape;
    expect(report).toEqual({
      schemaVersion: 1,
      description: 'Values removed from each file before it was written into this bundle, by kind and count.',
      passes: ['collect.sh', 'istio-bundle redact'],
      merge:
        'The counts are the sums over the passes, in order: the report the bundle had (its files, paths and counts kept) plus what each later pass removed. A value removed by one pass is a marker for the next and is not counted twice.',
      files: [
        { path: 'kubernetes/pods/shop.json', redactions: { 'env-secret': 3 } },
        { path: PRODUCTPAGE_LOG, redactions: { bearer: 3, jwt: 2, 'key-value': 2 } },
      ],
    });
  });

  it('updates manifest.json: every artifact’s bytes is the size of the redacted file', async () => {
    const out = join(tempDir(), 'out.tar.gz');
    await redactBundle(collectorBundle().tarball, out);
    const { dir } = extract(out);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { artifacts: Array<{ path: string; bytes?: number; kind?: string }> };
    const withBytes = manifest.artifacts.filter((a) => typeof a.bytes === 'number' && existsSync(join(dir, a.path)));
    expect(withBytes.length).toBeGreaterThan(10);
    for (const a of withBytes) expect(a.bytes, a.path).toBe(statSync(join(dir, a.path)).size);
    const log = manifest.artifacts.find((a) => a.path === PRODUCTPAGE_LOG)!;
    const original = JSON.parse(readFileSync(join(SAMPLES, 'data-plane-503/manifest.json'), 'utf8')) as typeof manifest;
    expect(log.bytes).not.toBe(original.artifacts.find((a) => a.path === PRODUCTPAGE_LOG)!.bytes);
    expect(manifest.artifacts[0]).toMatchObject({ path: 'redaction-report.json', kind: 'collector.redactionReport' });
  });

  it('the redacted bundle still analyses, with the same findings', async () => {
    const { tarball } = collectorBundle();
    const out = join(tempDir(), 'out.tar.gz');
    await redactBundle(tarball, out);
    const before = (await analyzeBundle(tarball)).report;
    const after = (await analyzeBundle(out)).report;
    expect(after.findings.map((f) => f.ruleId)).toEqual(before.findings.map((f) => f.ruleId));
    expect(after.findings.length).toBeGreaterThan(0);
    expect(after.secretMaterial).toBeUndefined();
  });

  it('is byte-identical twice, and a second pass finds nothing more', async () => {
    const { tarball } = collectorBundle();
    const dir = tempDir();
    await redactBundle(tarball, join(dir, 'a.tar.gz'));
    await redactBundle(tarball, join(dir, 'b.tar.gz'));
    expect(readFileSync(join(dir, 'a.tar.gz')).equals(readFileSync(join(dir, 'b.tar.gz')))).toBe(true);
    const again = await redactBundle(join(dir, 'a.tar.gz'), join(dir, 'c.tar.gz'));
    expect(again.totals).toEqual([]);
    expect(again.report.passes).toEqual(['collect.sh', 'istio-bundle redact', 'istio-bundle redact']);
    // same entries, same metadata: fixed mtime, uid/gid 0, mode 0644
    const listing = spawnSync('tar', ['-tvzf', join(dir, 'a.tar.gz')], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '');
    for (const line of listing) expect(line).toMatch(/^-rw-r--r-- 0\/0 +\d+ 2024-01-01 00:00 /);
  });
});

describe('redact an istioctl bug-report archive', () => {
  /** samples/bug-report-503 with `--full-secrets` output in cluster/secrets, packed with its bug-report/ folder. */
  function bugReport(): string {
    const root = join(tempDir(), 'in');
    cpSync(join(SAMPLES, 'bug-report-503'), root, { recursive: true });
    copyFileSync(join(CORPUS, 'kubectl-get-secret.yaml'), join(root, 'bug-report/cluster/secrets'));
    appendFileSync(join(root, 'bug-report/proxies/bookinfo/details-v1-65cfcf56f9-r2l8c/istio-proxy.log'), corpus('istio-proxy.log'));
    const tarball = join(tempDir(), 'bug-report.tar.gz');
    const r = spawnSync('tar', ['-czf', tarball, '-C', root, 'bug-report'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return tarball;
  }

  it('removes Secret values (keeping certificates), tokens and keys; the report names each file', async () => {
    const out = join(tempDir(), 'out.tar.gz');
    await redactBundle(bugReport(), out);
    const files = texts(extract(out).dir);
    expectClean(files);
    const secrets = files.get('bug-report/cluster/secrets')!;
    expect(secrets).toContain('    username: [REDACTED]');
    expect(secrets).toContain(`    tls.crt: ${JSON.parse(corpus('kubectl-get-secret.json')).items[1].data['tls.crt']}`);
    expect(secrets).toContain('    tls.key: [REDACTED base64 PEM]');
    const report = JSON.parse(files.get('redaction-report.json')!) as ReportShape;
    expect(report.passes).toEqual(['istio-bundle redact']);
    expect(report.files).toEqual([
      { path: 'bug-report/cluster/secrets', redactions: { 'base64-pem-key': 1, 'key-value': 2, 'secret-data': 4 } },
      { path: 'bug-report/proxies/bookinfo/details-v1-65cfcf56f9-r2l8c/istio-proxy.log', redactions: { bearer: 1, jwt: 2, 'key-value': 1 } },
    ]);
  });

  it('the analyzer flags the archive’s secrets before, and finds none after', async () => {
    const tarball = bugReport();
    const out = join(tempDir(), 'out.tar.gz');
    await redactBundle(tarball, out);
    const before = (await analyzeBundle(tarball)).report;
    expect(before.secretMaterial?.length).toBeGreaterThan(0);
    const after = (await analyzeBundle(out)).report;
    expect(after.secretMaterial).toBeUndefined();
    expect(after.findings.map((f) => f.ruleId)).toEqual(before.findings.map((f) => f.ruleId));
  });
});

describe('redact a plain folder', () => {
  it('redacts every corpus file, in the folder’s byte order after the report, and writes no manifest (the folder has none)', async () => {
    const folder = join(tempDir(), 'outputs');
    for (const file of corpusFiles()) cpSync(join(CORPUS, file), join(folder, 'kubectl', file));
    const out = join(tempDir(), 'corpus.tar.gz');
    const summary = await redactBundle(folder, out);
    const { entries, dir } = extract(out);
    const files = texts(dir);
    expectClean(files);
    expect(entries).toEqual(['redaction-report.json', ...corpusFiles().map((f) => `kubectl/${f}`)]);
    expect(files.get('kubectl/certificates.pem')).toBe(corpus('certificates.pem'));
    expect(summary.files).toBe(entries.length);
    expect(summary.redactedFiles).toBe(corpusFiles().length - 1); // all but certificates.pem
    const report = JSON.parse(files.get('redaction-report.json')!) as ReportShape;
    expect(report.files.map((f) => f.path)).toEqual(corpusFiles().filter((f) => f !== 'certificates.pem').map((f) => `kubectl/${f}`));
  });
});
