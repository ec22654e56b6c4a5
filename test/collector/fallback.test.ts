// Scenario 3: istioctl is not on PATH. The collector falls back to kubectl where it can and
// records the rest as skipped; the analyzer still works from istiod's syncz.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/artifacts/manifest/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { bundleIn, extractBundle, joined, PLANTED_SECRETS, readManifest, runCollector, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const FRONTEND = 'frontend-6d8f9b7c5-4hxkz';
const ISTIOD = 'istiod-7d4b9c6f8-hm2xr';

let run: CollectorRun;
let bundle: Extracted;
let manifest: CollectorManifest;
let tarball: string;

beforeAll(async () => {
  run = await runCollector(['--timeout', '3'], { istioctl: false });
  tarball = bundleIn(run.cwd);
  bundle = extractBundle(tarball);
  manifest = readManifest(bundle.dir);
}, 120_000);

describe('collector without istioctl', () => {
  it('exits 0 and never calls istioctl', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.calls.filter((c) => c.tool === 'istioctl')).toEqual([]);
    expect(validateValue(manifestSchema, manifest)).toEqual([]);
    expect(manifest.options?.istioctl).toBe(false);
  });

  it('collects config dumps through kubectl exec pilot-agent', () => {
    const dump = manifest.artifacts.find((a) => a.path === `proxies/shop/${FRONTEND}/config_dump.json`);
    expect(dump).toMatchObject({
      kind: 'envoy.configDump',
      exitCode: 0,
      command: `kubectl exec ${FRONTEND} -n shop -c istio-proxy -- pilot-agent request GET config_dump`,
    });
    expect(() => JSON.parse(readFileSync(join(bundle.dir, dump!.path), 'utf8'))).not.toThrow();
    expect(run.calls.some((c) => joined(c) === `exec ${FRONTEND} -n shop -c istio-proxy -- pilot-agent request GET config_dump`)).toBe(true);
    // and redacts them like the istioctl path does
    for (const file of bundle.files) {
      const bytes = readFileSync(join(bundle.dir, file)).toString('latin1');
      for (const secret of PLANTED_SECRETS) expect(bytes.includes(secret), `${file}: ${secret}`).toBe(false);
    }
  });

  it('records proxy-status, analyze and istioctl version as skipped, with the reason', () => {
    expect(bundle.files).not.toContain('istio/proxy-status.txt');
    expect(bundle.files).not.toContain('istio/analyze.json');
    expect(bundle.files).not.toContain('istio/version.json');
    const skipped = new Map((manifest.skipped ?? []).map((s) => [s.path, s.reason]));
    expect(skipped.get('istio/proxy-status.txt')).toMatch(/istioctl not on PATH/);
    expect(skipped.get('istio/analyze.json')).toMatch(/istioctl not on PATH/);
    expect(skipped.get('istio/version.json')).toMatch(/istioctl not on PATH/);
    expect(run.stderr).toMatch(/istio\/proxy-status\.txt +skipped: istioctl not on PATH/);
    expect(run.stderr).toMatch(/istio\/analyze\.json +skipped: istioctl not on PATH/);
  });

  it('still collects istiod syncz, pods and top', () => {
    expect(manifest.artifacts.find((a) => a.path === `istiod/${ISTIOD}/syncz.json`)).toMatchObject({ exitCode: 0, kind: 'istiod.syncz' });
    expect(bundle.files).toContain('kubernetes/pods/istio-system.json');
    expect(bundle.files).toContain('kubernetes/top/istio-system.txt');
  });

  it('the analyzer still runs: CP001 from syncz, CFG001 not checked', async () => {
    const { report } = await analyzeBundle(tarball);
    expect(report.bundle.layout).toBe('collector');
    const cp001 = report.findings.filter((f) => f.ruleId === 'CP001');
    expect(cp001.map((f) => f.severity)).toContain('critical');
    expect(cp001.some((f) => f.evidence.some((e) => e.path === `istiod/${ISTIOD}/syncz.json`))).toBe(true);
    expect(report.findings.some((f) => f.ruleId === 'CP003' && f.severity === 'critical')).toBe(true);
    expect(report.findings.filter((f) => f.ruleId === 'CFG001')).toEqual([]);
    expect(report.notChecked.map((n) => n.ruleId)).toContain('CFG001');
  }, 120_000);
});
