import { cp } from 'node:fs/promises';
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
      expect(finding.remediation).toContain('The control plane is failing in this bundle: istiod `istiod-7d4b9c6f8-hm2xr` was OOMKilled (3 restarts), `istiod-7d4b9c6f8-pw7kd` is crashlooping (9 restarts) (see the CP003 finding)');
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
    for (const f of cp001) expect(f.remediation).toMatch(/^istiod is Running and Ready in the bundle \(\d+ replicas?\), so look at the proxy/);
  });
});
