import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';

describe('an input the bundle provides, even empty, is not "missing"', () => {
  it('an empty pod listing lets CP003 say the listing is empty, with the command to collect it', async () => {
    const bundle = join(import.meta.dirname, '..', 'rules', 'CP003', 'quiet-empty-pod-listing', 'bundle');
    const { report, model } = await analyzeBundle(bundle);
    expect([...model.provided]).toEqual(['kubectl.pods']);
    expect(report.notChecked.find((n) => n.ruleId === 'CP003')).toEqual({
      ruleId: 'CP003',
      title: 'istiod is not Running/Ready, crashlooping, OOMKilled or restarting',
      missing: [],
      reason: 'the pod listings in the bundle are empty',
      collect: ['kubectl get pods -n istio-system -o json'],
    });
  });
});
