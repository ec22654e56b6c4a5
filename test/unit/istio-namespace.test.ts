import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir, writeTree } from '../bundle/helpers.js';
import { collectorManifest } from '../helpers/manifest.js';

const PROXY_STATUS = readFileSync(join(import.meta.dirname, '..', 'rules', 'CP001', 'fires-stale-grouped-by-istiod', 'bundle', 'proxy-status.txt'), 'utf8');

describe('a control plane outside istio-system (collect.sh --istio-namespace)', () => {
  it('commands and subjects use the collector\'s namespace', async () => {
    const dir = await tempDir();
    const manifest = collectorManifest({
      collectedAt: '2024-11-05T10:05:00Z',
      options: { namespaces: ['bookinfo'], istioNamespace: 'istio-cp', tail: 2000 },
      artifacts: [{ path: 'istio/proxy-status.txt', kind: 'istioctl.proxyStatus', command: 'istioctl proxy-status --verbosity 1', exitCode: 0 }],
    });
    await writeTree(dir, { 'manifest.json': manifest, 'istio/proxy-status.txt': PROXY_STATUS });
    const { report } = await analyzeBundle(dir);
    const cp001 = report.findings.filter((f) => f.ruleId === 'CP001');
    expect(cp001.length).toBeGreaterThan(0);
    for (const f of cp001) {
      expect(f.subject.namespace).toBe('istio-cp');
      expect(f.commands).toContain('kubectl get pods -n istio-cp -l app=istiod -o wide');
      expect(f.commands.join('\n')).not.toContain('istio-system');
    }
    expect(report.notChecked.find((n) => n.ruleId === 'CP003')?.collect).toEqual(['kubectl get pods -n istio-cp -o json', 'kubectl get pods -n <namespace> -o json']);
  });
});
