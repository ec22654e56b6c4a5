// redaction-report.json and manifest.json as redact writes them.
import { describe, expect, it } from 'vitest';
import { updateManifest } from '../../src/redact/manifest.js';
import { buildReport, parseReport, totals } from '../../src/redact/report.js';

const COLLECTOR_REPORT = `{
  "schemaVersion": 1,
  "description": "Values removed from each file before it was written into this bundle, by kind and count.",
  "files": [
    {"path": "logs/a.log", "redactions": {"bearer": 2}},
    {"path": "kubernetes/pods/shop.json", "redactions": {"env-secret": 1}}
  ]
}
`;

describe('redaction report', () => {
  it('reads a collector report found in a folder of the bundle with its paths under that folder', () => {
    const report = parseReport(COLLECTOR_REPORT, 'bundle-x');
    expect(report?.passes).toEqual(['collect.sh']);
    expect(report?.files.map((f) => f.path)).toEqual(['bundle-x/logs/a.log', 'bundle-x/kubernetes/pods/shop.json']);
    expect(parseReport('{"schemaVersion": 2, "files": []}', '')).toBeUndefined();
    expect(parseReport('not json', '')).toBeUndefined();
  });

  it('adds counts per file and kind, sorts paths and kinds in byte order, writes paths relative to its folder', () => {
    const ours = new Map([
      ['bundle-x/logs/a.log', { jwt: 1, bearer: 1 }],
      ['bundle-x/b.yaml', { 'secret-data': 3 }],
    ]);
    const report = buildReport(ours, [{ path: 'bundle-x/bin.p12', reason: 'binary' }], parseReport(COLLECTOR_REPORT, 'bundle-x'), 'bundle-x', 'istio-bundle redact');
    expect(report.files).toEqual([
      { path: 'b.yaml', redactions: { 'secret-data': 3 } },
      { path: 'kubernetes/pods/shop.json', redactions: { 'env-secret': 1 } },
      { path: 'logs/a.log', redactions: { bearer: 3, jwt: 1 } },
    ]);
    expect(Object.keys(report.files[2]!.redactions)).toEqual(['bearer', 'jwt']);
    expect(report.notScanned).toEqual([{ path: 'bin.p12', reason: 'binary' }]);
    expect(report.passes).toEqual(['collect.sh', 'istio-bundle redact']);
    expect(report.merge).toMatch(/^The counts are the sums over the passes/);
    expect(totals(report.files.map((f) => f.redactions))).toEqual([
      ['jwt', 1],
      ['bearer', 3],
      ['env-secret', 1],
      ['secret-data', 3],
    ]);
  });
});

describe('manifest update', () => {
  const manifest = JSON.stringify({
    schemaVersion: 1,
    collectedAt: '2026-12-01T08:00:00Z',
    artifacts: [
      { path: 'redaction-report.json', kind: 'collector.redactionReport', command: 'collect.sh redaction pass', exitCode: 0 },
      { path: 'logs/a.log', kind: 'logs.proxy', command: 'kubectl logs a', exitCode: 0, bytes: 100 },
      { path: './kubernetes//pods/shop.json', command: 'kubectl get pods', exitCode: 0, bytes: 50 },
      { path: 'proxies/x/core.bin', command: 'kubectl exec', exitCode: 0, bytes: 9 },
    ],
    skipped: [],
  });

  it('sets each artifact’s bytes to the redacted size, moves left-out files to skipped, keeps the rest', () => {
    const text = updateManifest(manifest, 'b', new Map([['b/logs/a.log', 80], ['b/kubernetes/pods/shop.json', 50]]), new Map([['b/proxies/x/core.bin', 'binary: has NUL bytes, not scanned']]))!;
    const updated = JSON.parse(text) as { artifacts: Array<{ path: string; bytes?: number }>; skipped: unknown[]; collectedAt: string };
    expect(updated.collectedAt).toBe('2026-12-01T08:00:00Z');
    expect(updated.artifacts.map((a) => [a.path, a.bytes])).toEqual([
      ['redaction-report.json', undefined],
      ['logs/a.log', 80],
      ['./kubernetes//pods/shop.json', 50],
    ]);
    expect(updated.skipped).toEqual([{ path: 'proxies/x/core.bin', reason: 'left out by istio-bundle redact: binary: has NUL bytes, not scanned' }]);
  });

  it('lists the redaction report when the manifest did not, and is undefined for a file that is not a manifest', () => {
    const bare = JSON.stringify({ schemaVersion: 1, collectedAt: 'x', artifacts: [] });
    expect((JSON.parse(updateManifest(bare, '', new Map(), new Map())!) as { artifacts: unknown[] }).artifacts).toEqual([
      { path: 'redaction-report.json', kind: 'collector.redactionReport', command: 'istio-bundle redact', exitCode: 0 },
    ]);
    expect(updateManifest('{"name": "not a manifest"}', '', new Map(), new Map())).toBeUndefined();
    expect(updateManifest('[', '', new Map(), new Map())).toBeUndefined();
  });
});
