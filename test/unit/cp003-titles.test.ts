import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir } from '../bundle/helpers.js';

describe('CP003 names the telling problem and sizes the fix from the pod', () => {
  it('says OOMKilled or crashlooping in the title, and doubles the discovery memory limit (5Gi → 10Gi)', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure'));
    const cp003 = report.findings.filter((f) => f.ruleId === 'CP003');
    expect(cp003.map((f) => f.title)).toEqual(['istiod istiod-7d4b9c6f8-hm2xr was OOMKilled (3 restarts)', 'istiod istiod-7d4b9c6f8-pw7kd is crashlooping (9 restarts)']);
    // hm2xr was measured at 4712Mi: its request follows the measurement, within the new limit.
    expect(cp003[0]!.commands).toContain('kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=10Gi --requests=memory=5Gi');
    expect(cp003[1]!.commands).toContain('kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=10Gi');
  });

  it('CP003 and CP004 give the same memory command for the same istiod', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure'));
    const commandsFor = (ruleId: string) =>
      report.findings.filter((f) => f.ruleId === ruleId && f.subject.name === 'istiod-7d4b9c6f8-hm2xr').flatMap((f) => f.commands.filter((c) => c.includes('set resources')));
    expect(commandsFor('CP004')).toEqual(commandsFor('CP003'));
    expect(commandsFor('CP004')).toHaveLength(1);
  });
});

describe('CP001 fix follows what the bundle shows of istiod', () => {
  it('a crashlooping/OOMKilled istiod explains the stale proxies: no "if istiod is healthy"', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure'));
    const cp001 = report.findings.filter((f) => f.ruleId === 'CP001');
    expect(cp001.length).toBeGreaterThan(0);
    for (const finding of cp001) {
      // the proxies are connected to hm2xr, which serves again but was OOMKilled: that, not the proxies, is the cause
      expect(finding.remediation).toContain('istiod `istiod-7d4b9c6f8-hm2xr` was OOMKilled (3 restarts), and these proxies are connected to it (see the CP003 finding)');
      expect(finding.remediation).not.toContain('If istiod is healthy');
    }
  });

  it('a Running and Ready istiod points at the proxies; without istiod pods the general fix stands', async () => {
    const rules = join(import.meta.dirname, '..', 'rules');
    const { report } = await analyzeBundle(join(rules, 'CP001', 'fires-stale-grouped-by-istiod', 'bundle'));
    expect(report.findings.find((f) => f.ruleId === 'CP001')!.remediation).toContain('If istiod is healthy');
    const dir = await tempDir();
    await cp(join(rules, 'CP001', 'fires-stale-grouped-by-istiod', 'bundle'), dir, { recursive: true });
    await cp(join(rules, 'CP003', 'quiet-healthy-istiod', 'bundle'), dir, { recursive: true });
    const { report: withPods } = await analyzeBundle(dir);
    const cp001 = withPods.findings.filter((f) => f.ruleId === 'CP001');
    expect(cp001.length).toBeGreaterThan(0);
    for (const f of cp001) expect(f.remediation).toMatch(/^istiod `istiod-7c4d8d6d7b-(9mzt4|xq2ld)`, which these proxies are connected to, is Running and Ready in the bundle, so look at the proxy/);
  });

  it('proxies on a healthy replica are not blamed on another replica that crashloops', async () => {
    const rules = join(import.meta.dirname, '..', 'rules');
    const pods = JSON.parse(await readFile(join(rules, 'CP003', 'quiet-healthy-istiod', 'bundle', 'kubernetes', 'pods', 'istio-system.json'), 'utf8')) as {
      items: Array<{ metadata: { name: string }; status: { containerStatuses: Array<{ state: unknown; ready: boolean; restartCount: number }> } }>;
    };
    const other = pods.items.find((p) => p.metadata.name === 'istiod-7c4d8d6d7b-xq2ld')!;
    other.status.containerStatuses[0]!.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=discovery' } };
    other.status.containerStatuses[0]!.restartCount = 7;
    const dir = await tempDir();
    await cp(join(rules, 'CP001', 'fires-stale-grouped-by-istiod', 'bundle'), dir, { recursive: true });
    await mkdir(join(dir, 'kubernetes', 'pods'), { recursive: true });
    await writeFile(join(dir, 'kubernetes', 'pods', 'istio-system.json'), JSON.stringify(pods, null, 4));
    const { report } = await analyzeBundle(dir);
    const remediationFor = (istiod: string) => report.findings.find((f) => f.ruleId === 'CP001' && f.subject.name === istiod)?.remediation;
    expect(remediationFor('istiod-7c4d8d6d7b-9mzt4')).toMatch(/^istiod `istiod-7c4d8d6d7b-9mzt4`, which these proxies are connected to, is Running and Ready/);
    expect(remediationFor('istiod-7c4d8d6d7b-xq2ld')).toMatch(/^istiod `istiod-7c4d8d6d7b-xq2ld` is crashlooping \(7 restarts\), and these proxies are connected to it/);
  });
});
