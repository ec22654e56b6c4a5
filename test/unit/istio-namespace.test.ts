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

describe('a control plane outside istio-system, no manifest (istioctl bug-report, a folder of outputs)', () => {
  const PODS = readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'control-plane-failure', 'kubernetes', 'pods', 'istio-system.json'), 'utf8');
  /** The sample's istio-system pods, moved to each namespace named (istiod and gateways alike), as one `kubectl get pods -A -o json`. */
  const podsIn = (...namespaces: string[]) => {
    const list = JSON.parse(PODS) as { items: Array<{ metadata: { namespace: string; name: string } }> };
    const items = namespaces.flatMap((namespace, i) => list.items.map((pod) => ({ ...pod, metadata: { ...pod.metadata, namespace, name: i === 0 ? pod.metadata.name : `${pod.metadata.name.replace(/-[^-]+$/, '')}-r${i}` } })));
    return JSON.stringify({ ...list, items }, null, 2);
  };
  const blackHoleLog = readFileSync(join(import.meta.dirname, '..', 'rules', 'LOG002', 'fires-blackhole-only-per-pod', 'bundle', 'logs', 'bookinfo', 'productpage-v1-6b746f74dc-8xk2r', 'istio-proxy.log'), 'utf8');
  const MESH_COMMAND = (namespace: string) => `kubectl get configmap istio -n ${namespace} -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy`;

  async function analyzeWith(pods: string) {
    const dir = await tempDir();
    await writeTree(dir, { 'pods.json': pods, 'proxy-status.txt': PROXY_STATUS, 'logs/bookinfo/productpage-v1-6b746f74dc-8xk2r/istio-proxy.log': blackHoleLog });
    return (await analyzeBundle(dir)).report;
  }

  it('commands name the one namespace the bundle\'s istiod pods run in', async () => {
    const report = await analyzeWith(podsIn('istio-cp'));
    const cp001 = report.findings.filter((f) => f.ruleId === 'CP001');
    expect(cp001.length).toBeGreaterThan(0);
    for (const f of cp001) expect(f.commands).toContain('kubectl get pods -n istio-cp -l app=istiod -o wide');
    expect(report.findings.find((f) => f.ruleId === 'LOG002')?.commands).toContain(MESH_COMMAND('istio-cp'));
  });

  it('istiod pods in two namespaces, or none, leave Istio\'s default', async () => {
    const two = await analyzeWith(podsIn('istio-cp', 'istio-canary'));
    expect(two.findings.find((f) => f.ruleId === 'LOG002')?.commands).toContain(MESH_COMMAND('istio-system'));
    const none = await analyzeWith(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
    expect(none.findings.find((f) => f.ruleId === 'LOG002')?.commands).toContain(MESH_COMMAND('istio-system'));
  });
});
