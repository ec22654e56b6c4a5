import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';

describe('CP003 names the telling problem and sizes the fix from the pod', () => {
  it('says OOMKilled or crashlooping in the title, and doubles the discovery memory limit (5Gi → 10Gi)', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure'));
    const cp003 = report.findings.filter((f) => f.ruleId === 'CP003');
    expect(cp003.map((f) => f.title)).toEqual(['istiod istiod-7d4b9c6f8-hm2xr was OOMKilled (3 restarts)', 'istiod istiod-7d4b9c6f8-pw7kd is crashlooping (9 restarts)']);
    for (const finding of cp003) expect(finding.commands).toContain('kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=10Gi');
  });
});
