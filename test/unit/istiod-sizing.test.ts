import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GiB, MiB } from '../../src/artifacts/quantity.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { deploymentOf, type IstiodMemory } from '../../src/model/views/control-plane.js';
import { memoryAdvice } from '../../src/rules/control-plane/istiod-sizing.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

const base: IstiodMemory = { namespace: 'istio-system', pod: 'istiod-7c4d8d6d7b-9mzt4', deployment: 'istiod', specKnown: true, oomKilled: false };
const withLimit = (gi: number): IstiodMemory => ({ ...base, limit: `${gi}Gi`, limitBytes: gi * GiB });
/** Only `kubectl top` in the bundle: the limit is unknown, not absent. */
const specUnknown: IstiodMemory = { ...base, specKnown: false };

describe('memoryAdvice: one number from the limit and the measured use, never lower than the limit', () => {
  it('keeps an 8Gi limit that has the headroom (4500Mi used) and only sets the request', () => {
    expect(memoryAdvice({ ...withLimit(8), usedBytes: 4500 * MiB })).toEqual({
      requestGi: 5,
      command: 'kubectl -n istio-system set resources deploy/istiod -c discovery --requests=memory=5Gi',
    });
  });

  it('doubles the limit after an OOMKill (8Gi → 16Gi), with or without a measurement', () => {
    expect(memoryAdvice({ ...withLimit(8), oomKilled: true }).limitGi).toBe(16);
    expect(memoryAdvice({ ...withLimit(8), oomKilled: true, usedBytes: 4500 * MiB })).toMatchObject({ limitGi: 16, requestGi: 5 });
  });

  it('1.5× use: at the limit it keeps it, just above it raises to the next whole GiB', () => {
    expect(memoryAdvice({ ...withLimit(6), usedBytes: 4 * GiB }).limitGi).toBeUndefined(); // 6 GiB exactly
    expect(memoryAdvice({ ...withLimit(6), usedBytes: 4 * GiB - MiB }).limitGi).toBeUndefined();
    expect(memoryAdvice({ ...withLimit(6), usedBytes: 4 * GiB + MiB }).limitGi).toBe(7);
  });

  it('limit unknown (no pod spec): says the least limit (1.5× use, 4 GiB after an OOMKill) but sets only the request', () => {
    expect(memoryAdvice({ ...specUnknown, usedBytes: 4500 * MiB })).toEqual({
      minimumLimitGi: 7,
      requestGi: 5,
      command: 'kubectl -n istio-system set resources deploy/istiod -c discovery --requests=memory=5Gi',
    });
    expect(memoryAdvice({ ...specUnknown, oomKilled: true })).toEqual({ minimumLimitGi: 4 });
    expect(memoryAdvice(specUnknown)).toEqual({});
  });

  it('no limit set: never caps an unlimited container', () => {
    expect(memoryAdvice({ ...base, usedBytes: 4500 * MiB })).toEqual({ requestGi: 5, command: 'kubectl -n istio-system set resources deploy/istiod -c discovery --requests=memory=5Gi' });
  });

  it('never lowers the request: an 8Gi request stays when 4.2 GiB is used', () => {
    expect(memoryAdvice({ ...withLimit(8), requestBytes: 8 * GiB, usedBytes: 4.2 * GiB })).toEqual({});
    expect(memoryAdvice({ ...withLimit(8), requestBytes: 2 * GiB, usedBytes: 4.2 * GiB }).requestGi).toBe(5);
  });

  it('names the revision\'s Deployment', () => {
    expect(deploymentOf('istiod-7c4d8d6d7b-9mzt4')).toBe('istiod');
    expect(deploymentOf('istiod-1-22-3-7c4d8d6d7b-9mzt4')).toBe('istiod-1-22-3');
    expect(deploymentOf('istiod')).toBe('istiod');
  });
});

describe('CP003 and CP004 on an istiod with an 8Gi limit', () => {
  const fixture = new URL('../rules/CP004/fires-discovery-4500mi/bundle/', import.meta.url);
  const top = readFileSync(new URL('kubernetes/top/istio-system.txt', fixture), 'utf8');
  const pods = JSON.parse(readFileSync(new URL('kubernetes/pods/istio-system.json', fixture), 'utf8')) as {
    items: Array<{ spec: { containers: Array<{ resources: { limits: { memory: string } } }> }; status: { containerStatuses: Array<{ lastState: unknown; restartCount: number }> } }>;
  };
  pods.items[1]!.spec.containers[0]!.resources.limits.memory = '8Gi';

  async function analyse(oomKilled: boolean) {
    const copy = structuredClone(pods);
    if (oomKilled) {
      const status = copy.items[1]!.status.containerStatuses[0]!;
      status.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2024-11-04T15:01:12Z', finishedAt: '2024-11-04T16:03:40Z' } };
      status.restartCount = 1;
    }
    const dir = await tempDir();
    await writeTree(dir, { 'kubernetes/top/istio-system.txt': top, 'kubernetes/pods/istio-system.json': JSON.stringify(copy, null, 4) });
    const { report } = await analyzeBundle(dir);
    return (ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId && f.subject.name === 'istiod-7c4d8d6d7b-9mzt4');
  }

  it('not OOMKilled: CP004 does not lower the limit to 1.5× use (7Gi), it keeps 8Gi and says so', async () => {
    const findings = await analyse(false);
    const [cp004] = findings('CP004');
    expect(cp004!.commands).toEqual([
      'kubectl -n istio-system set resources deploy/istiod -c discovery --requests=memory=5Gi',
      'kubectl -n istio-system patch hpa istiod --type merge -p \'{"spec":{"minReplicas":3}}\'   # with an HPA (the default install; Helm: pilot.autoscaleMin)',
      'kubectl -n istio-system scale deploy/istiod --replicas=3   # without one (kubectl -n istio-system get hpa)',
    ]);
    expect(cp004!.explanation).toContain('Its memory limit is 8Gi (55% used), which leaves the headroom it needs');
    expect(findings('CP003')).toEqual([]);
  });

  it('OOMKilled: CP003 and CP004 both say 16Gi', async () => {
    const findings = await analyse(true);
    const memoryCommand = (ruleId: string) => findings(ruleId).flatMap((f) => f.commands.filter((c) => c.includes('set resources')));
    expect(memoryCommand('CP003')).toEqual(['kubectl -n istio-system set resources deploy/istiod -c discovery --limits=memory=16Gi --requests=memory=5Gi']);
    expect(memoryCommand('CP004')).toEqual(memoryCommand('CP003'));
  });
});
