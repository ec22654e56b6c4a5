/**
 * A collector bundle from a workstation that lost the cluster half-way (or an older collector
 * without the preflight): every command failed. That is a report that leads with why, not
 * "nothing recognised".
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { tempDir, writeTree } from '../bundle/helpers.js';
import { collectorManifest } from '../helpers/manifest.js';

const STDERR =
  'E1201 09:31:02.512873   48213 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"https://10.0.0.1:443/api?timeout=32s\\": dial tcp 10.0.0.1:443: i/o timeout"\n' +
  'Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout\n';

const ARTIFACTS = [
  { path: 'kubernetes/pods/istio-system.json', kind: 'kubectl.pods', command: 'kubectl get pods -n istio-system -o json' },
  { path: 'istio/proxy-status.txt', kind: 'istioctl.proxyStatus', command: 'istioctl proxy-status --verbosity 1' },
  { path: 'logs/istio-system/istiod-7c4d8d6d7b-9mzt4/discovery.log', kind: 'logs.istiod', command: 'kubectl logs istiod-7c4d8d6d7b-9mzt4 -n istio-system -c discovery --tail=2000' },
];

async function allFailedBundle(): Promise<string> {
  const dir = await tempDir();
  const manifest = collectorManifest({
    collectedAt: '2026-12-01T09:31:00Z',
    options: { namespaces: [], tail: 2000 },
    artifacts: ARTIFACTS.map((a) => ({ ...a, exitCode: 1, durationMs: 30012, bytes: 0, truncated: false, forbidden: false, stderr: `${a.path}.stderr` })),
  });
  await writeTree(dir, {
    'manifest.json': manifest,
    ...Object.fromEntries(ARTIFACTS.flatMap((a) => [[a.path, ''], [`${a.path}.stderr`, STDERR]])),
  });
  return dir;
}

const cli = runCli;

describe('a collector bundle in which every command failed', () => {
  it('is a report: every failure listed with the meaningful stderr line, rules not checked', async () => {
    const { report } = await analyzeBundle(await allFailedBundle());
    expect(report.collectionFailures.map((f) => [f.path, f.exitCode, f.stderrFirstLine])).toEqual(
      [...ARTIFACTS].sort((a, b) => (a.path < b.path ? -1 : 1)).map((a) => [a.path, 1, 'Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout']),
    );
    expect(report.facts.inputsUsed).toBe(0);
    expect(report.rulesChecked).toEqual([]);
    expect(report.notChecked.find((n) => n.ruleId === 'CP003')?.reason).toContain('the collector ran `kubectl get pods -n istio-system -o json`, which failed (exit 1)');
  });

  it('Markdown leads with the collection failures', async () => {
    const { report } = await analyzeBundle(await allFailedBundle());
    const markdown = renderMarkdown(report);
    const failures = markdown.indexOf('## Collection failures');
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(markdown.indexOf('## 1 · Control plane'));
    expect(markdown.match(/## Collection failures/g)).toHaveLength(1);
    expect(markdown).toContain('Nothing in this bundle could be analysed: 3 of the collector\'s commands failed');
    expect(markdown).not.toContain('memcache.go');
  });

  it('analyze exits by --fail-on (0), not 2; validate exits 1', async () => {
    const dir = await allFailedBundle();
    const analyzed = await cli('analyze', dir, '--format', 'json');
    expect(analyzed.code).toBe(0);
    expect(analyzed.stderr).toBe('');
    const validated = await cli('validate', dir, '--format', 'json');
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain('nothing in this bundle is a usable Istio or Kubernetes artifact');
  });
});
