import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { tempDir } from '../bundle/helpers.js';

const ANALYZE = 'Error [IST0101] (VirtualService bookinfo/reviews) Referenced host not found: "reviewz"\n';
const FORBIDDEN = 'Error from server (Forbidden): pods is forbidden: User "support" cannot list resource "pods" in API group "" in the namespace "istio-system"\n';

/** A bundle as collect.sh writes it: a failed (forbidden) pods listing, an unknown kind, a skipped step. */
async function collectorBundle(): Promise<string> {
  const dir = await tempDir();
  const manifest = {
    schemaVersion: 1,
    collector: { name: 'istio-bundle-collector', version: '0.1.0' },
    collectedAt: '2024-05-14T09:31:00Z',
    cluster: { name: 'acme-prod-eu1', context: 'acme-prod-eu1' },
    artifacts: [
      { path: 'istio/analyze.txt', kind: 'istioctl.analyze', command: 'istioctl analyze -A', exitCode: 79, durationMs: 812, bytes: ANALYZE.length, truncated: false },
      {
        path: 'kubernetes/pods/istio-system.json',
        kind: 'kubectl.pods',
        command: 'kubectl get pods -n istio-system -o json',
        exitCode: 1,
        durationMs: 95,
        bytes: 0,
        truncated: false,
        forbidden: true,
        stderr: './kubernetes/pods/istio-system.json.stderr',
        namespace: 'istio-system',
      },
      { path: 'istio/version.json', kind: 'istioctl.version', command: 'istioctl version -o json', exitCode: 0, bytes: 312 },
      { path: 'istiod/istiod-7c4d8d6d7b-9mzt4/configz.json', kind: 'istiod.configz', command: 'kubectl exec istiod-7c4d8d6d7b-9mzt4 -n istio-system -c discovery -- pilot-discovery request GET /debug/configz', exitCode: 0 },
    ],
    skipped: [{ path: 'istio/proxy-status.txt', reason: 'istioctl not on PATH (istiod debug/syncz collected instead)' }],
  };
  const files: Record<string, string> = {
    'manifest.json': JSON.stringify(manifest, null, 2),
    'istio/analyze.txt': ANALYZE,
    'kubernetes/pods/istio-system.json': '',
    'kubernetes/pods/istio-system.json.stderr': FORBIDDEN,
    'istiod/istiod-7c4d8d6d7b-9mzt4/configz.json': '[]\n',
    // A manifest inside the bundle must not redefine it.
    'nested/manifest.json': JSON.stringify({ schemaVersion: 1, collectedAt: '2099-01-01T00:00:00Z', cluster: { name: 'evil' }, artifacts: [] }),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe('a collector bundle whose manifest records failures', () => {
  it('explains missing inputs with the failed command, lists failures and skipped steps, and names unknown kinds', async () => {
    const { report } = await analyzeBundle(await collectorBundle());
    expect(report.bundle).toMatchObject({ layout: 'collector', collectedAt: '2024-05-14T09:31:00Z', cluster: 'acme-prod-eu1' });

    const cp003 = report.notChecked.find((n) => n.ruleId === 'CP003');
    expect(cp003?.reason).toBe('kubectl.pods not in the bundle: the collector ran `kubectl get pods -n istio-system -o json`, which was forbidden by RBAC');

    // istioctl analyze exits 79 when it found issues: that is not a failure.
    expect(report.collectionFailures).toEqual([
      {
        path: 'kubernetes/pods/istio-system.json',
        command: 'kubectl get pods -n istio-system -o json',
        exitCode: 1,
        forbidden: true,
        stderr: './kubernetes/pods/istio-system.json.stderr',
        stderrFirstLine: FORBIDDEN.trim(),
        ending: '1 (forbidden by RBAC)',
      },
    ]);
    expect(report.collectionSkipped).toEqual([{ path: 'istio/proxy-status.txt', reason: 'istioctl not on PATH (istiod debug/syncz collected instead)' }]);

    const inventory = Object.fromEntries(report.inventory.map((i) => [i.path, i]));
    expect(inventory['istiod/istiod-7c4d8d6d7b-9mzt4/configz.json']).toMatchObject({
      status: 'not-analysed',
      reason: 'collector artifact "istiod.configz" (istiod debug/configz (the configuration istiod holds)): not analysed by this version',
    });
    expect(inventory['kubernetes/pods/istio-system.json']).toMatchObject({
      status: 'skipped',
      kind: 'kubectl.pods',
      reason: "no output: the collector's command was forbidden by RBAC (see Collection failures)",
    });
    expect(inventory['kubernetes/pods/istio-system.json.stderr']).toMatchObject({ status: 'used', kind: 'collector.stderr', recognisedBy: 'manifest' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['CFG001 critical']);

    expect(inventory['nested/manifest.json']).toMatchObject({ status: 'invalid', reason: 'a second manifest: manifest.json already describes this bundle' });
    expect(report.warnings).toEqual(['manifest.json lists istio/version.json with output, but the bundle has no such file']);

    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| `kubernetes/pods/istio-system.json` | `kubectl get pods -n istio-system -o json` | 1 (forbidden by RBAC) | Error from server (Forbidden): pods is forbidden');
    expect(markdown).toContain('| `istio/proxy-status.txt` | istioctl not on PATH (istiod debug/syncz collected instead) |');
  });
});
