import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/diff/diff.js';
import type { BundleDiff } from '../../src/diff/diff-schema.js';
import { loadSide } from '../../src/diff/inputs.js';
import { renderDiffMarkdown } from '../../src/diff/markdown.js';
import { grewPastLine } from '../../src/diff/mem003.js';
import { GROWTH_MIN_BYTES } from '../../src/diff/rules.js';
import { renderDiffTable } from '../../src/diff/table.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { MiB } from '../../src/artifacts/quantity.js';
import { tempDir } from '../bundle/helpers.js';
import { DerivedBundle, SAMPLES } from './bundles.js';
import { ISTIOD, TOP, changeConfiguration, healthyAt } from './scenarios.js';

async function diffOf(before: string, after: string): Promise<BundleDiff> {
  return diffReports(await loadSide(before), await loadSide(after));
}

const mem003 = (diff: BundleDiff) => diff.findings.new.filter((f) => f.ruleId === 'MEM003');

describe('MEM003: memory growth without configuration change', () => {
  it('fires for istiod that grew with the same configuration, with the numbers', async () => {
    const after = await healthyAt('healthy-later', 4, { istiodMi: 900 });
    const diff = await diffOf(join(SAMPLES, 'healthy'), after.root);
    expect(diff.leak.status).toBe('fired');
    const [finding, ...others] = mem003(diff);
    expect(others).toEqual([]);
    expect(finding).toMatchObject({ severity: 'medium', step: 'scale', subject: { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' } });
    expect(finding!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // 698Mi → 900Mi in 4 h: +202 MiB, +28.9 %, 50.5 MiB per hour.
    expect(finding!.explanation).toContain('grew from 698 MiB at 2025-03-11T09:42:17Z to 900 MiB at 2025-03-11T13:42:17Z');
    expect(finding!.explanation).toContain('+202 MiB, +28.9 % in 4 h, 50.5 MiB per hour');
    expect(finding!.explanation).toContain('The configuration digest is equal in both bundles (`8309bca46bb93163`');
    // The access logs are the same: traffic did not grow, so it does not explain the memory.
    expect(finding!.explanation).toContain('Traffic went from 32 to 32 requests per minute of access-log span (+0 %): not in proportion');
    expect(finding!.remediation).toContain('latest patch release of Istio 1.24');
    expect(finding!.commands).toContain('kubectl rollout restart deployment/istiod -n istio-system');
    // Only the new finding: healthy's CFG001 persists.
    expect(diff.findings.new.map((f) => f.ruleId)).toEqual(['MEM003']);
    expect(diff.findings.persisting.map((f) => f.ruleId)).toEqual(['CFG001']);
    expect(renderDiffMarkdown(diff)).toContain('MEM003 fired');
  });

  it('is quiet just below each line (19 %, 49 MiB) and fires at exactly 20 % and 50 MiB', async () => {
    // istiod 700Mi: 833Mi is +133 MiB but 19 %; the gateway 71Mi: 120Mi is +69 % but 49 MiB.
    const before = await healthyAt('healthy-700', 0, { istiodMi: 700 });
    const below = await healthyAt('healthy-below', 3, { istiodMi: 833, gatewayMi: 120 });
    const at = await healthyAt('healthy-at', 3, { istiodMi: 840, gatewayMi: 121 });
    const quiet = await diffOf(before.root, below.root);
    expect(mem003(quiet)).toEqual([]);
    expect(quiet.leak.status).toBe('quiet');
    expect(quiet.leak.reason).toContain('no istiod or proxy memory grew by ≥ 20 % and ≥ 50 MiB (most: istio-system/istiod, 700 MiB → 833 MiB (+133 MiB, +19 %))');
    const fired = await diffOf(before.root, at.root);
    expect(mem003(fired).map((f) => `${f.subject.name} ${f.severity}`)).toEqual(['istio-ingressgateway medium', 'istiod medium']);
    const gateway = mem003(fired).find((f) => f.subject.name === 'istio-ingressgateway')!;
    expect(gateway.subject).toEqual({ kind: 'Deployment', namespace: 'istio-system', name: 'istio-ingressgateway' });
    expect(gateway.explanation).toContain('from 71 MiB at 2025-03-11T09:42:17Z to 121 MiB at 2025-03-11T12:42:17Z');
    expect(gateway.explanation).toContain('+50 MiB, +70.4 % in 3 h, 16.7 MiB per hour');
    expect(mem003(fired).find((f) => f.subject.name === 'istiod')!.explanation).toContain('+140 MiB, +20 % in 3 h, 46.7 MiB per hour');
    expect(fired.leak.status).toBe('fired');
  });

  it('says it may be traffic, not a leak, when requests per minute grew in proportion', async () => {
    // Twice the requests in the same minutes: every access line of the later bundle has a twin (its own request id).
    const after = await healthyAt('healthy-busier', 4, { istiodMi: 900 });
    for (const log of (await after.files()).filter((f) => f.endsWith('istio-proxy.log'))) {
      await after.edit(log, (text) =>
        text
          .split('\n')
          .flatMap((line) => (/^\[[^\]]+\] "/.test(line) ? [line, line.replace(/"([0-9a-f]{8})-/, (_m, head: string) => `"${[...head].reverse().join('')}-`)] : [line]))
          .join('\n'),
      );
    }
    const diff = await diffOf(join(SAMPLES, 'healthy'), after.root);
    expect(diff.metrics.traffic.after).toMatchObject({ requests: 384, spanMinutes: 6, requestsPerMinute: 64 });
    const [finding] = mem003(diff);
    expect(finding!.explanation).toContain('Traffic went from 32 to 64 requests per minute of access-log span (+100 %): in proportion to the memory\'s growth, so it may be traffic, not a leak');
  });

  it('draws the line in whole numbers: 20 % of what it was and 50 MiB, both at least', () => {
    expect(grewPastLine(700 * MiB, 840 * MiB)).toBe(true);
    expect(grewPastLine(700 * MiB, 840 * MiB - 1)).toBe(false);
    expect(grewPastLine(71 * MiB, 71 * MiB + GROWTH_MIN_BYTES)).toBe(true);
    expect(grewPastLine(71 * MiB, 71 * MiB + GROWTH_MIN_BYTES - 1)).toBe(false);
  });

  it('matches istiod across a restart (another pod hash) and says it was replaced', async () => {
    const after = await healthyAt('healthy-restarted', 4, { istiodMi: 900 });
    await after.renamePod(ISTIOD, 'istiod-6b9c8d7f5-q8w2n');
    const diff = await diffOf(join(SAMPLES, 'healthy'), after.root);
    expect(diff.metrics.istiod).toEqual([
      expect.objectContaining({ key: 'istio-system/istiod', podBefore: ISTIOD, podAfter: 'istiod-6b9c8d7f5-q8w2n', restarted: true, beforeBytes: 698 * MiB, afterBytes: 900 * MiB }),
    ]);
    const [finding] = mem003(diff);
    expect(finding!.explanation).toContain(`pod \`${ISTIOD}\`, then \`istiod-6b9c8d7f5-q8w2n\`, replaced between the bundles`);
    expect(renderDiffMarkdown(diff)).toContain(`| \`istio-system/istiod\` | \`${ISTIOD}\` → \`istiod-6b9c8d7f5-q8w2n\` (restarted) | 698 MiB | 900 MiB | +202 MiB (+28.9 %) |  |`);
  });

  it('matches a proxy by namespace and workload across a restart, and is high near its limit', async () => {
    // sidecar-memory: checkout's istio-proxy at 2310Mi of 3Gi, 612 clusters and 549 routes.
    const before = join(SAMPLES, 'sidecar-memory');
    const after = await DerivedBundle.from('sidecar-memory', 'sidecar-memory-later');
    await after.collectedAt('2025-03-12T09:42:17Z');
    await after.topMemory('kubernetes/top/shop.txt', 'checkout-6d9f7c7b5-k2x8p', 'istio-proxy', 2800);
    await after.renamePod('checkout-6d9f7c7b5-k2x8p', 'checkout-6d9f7c7b5-t4vzh');
    const diff = await diffOf(before, after.root);
    const row = diff.metrics.proxies.find((p) => p.key === 'shop/checkout')!;
    expect(row).toMatchObject({ podBefore: 'checkout-6d9f7c7b5-k2x8p', podAfter: 'checkout-6d9f7c7b5-t4vzh', restarted: true, clustersBefore: 612, clustersAfter: 612, routesBefore: 549, routesAfter: 549, limitBytes: 3 * 1024 * MiB });
    const [finding] = mem003(diff);
    expect(finding).toMatchObject({ severity: 'high', subject: { kind: 'Deployment', namespace: 'shop', name: 'checkout' } });
    expect(finding!.explanation).toContain('from 2310 MiB at 2025-03-11T09:42:17Z to 2800 MiB at 2025-03-12T09:42:17Z');
    expect(finding!.explanation).toContain('+490 MiB, +21.2 % in 1 d, 20.4 MiB per hour');
    expect(finding!.explanation).toContain('the same 612 clusters and 549 routes in both bundles');
    expect(finding!.explanation).toContain('Its memory limit is 3072 MiB: 91.1 % used');
    expect(finding!.commands).toContain('kubectl rollout restart deployment/checkout -n shop');
  });

  it('is quiet when the configuration changed, and says why', async () => {
    const after = await changeConfiguration(await healthyAt('healthy-changed', 4, { istiodMi: 900 }));
    const diff = await diffOf(join(SAMPLES, 'healthy'), after.root);
    expect(mem003(diff)).toEqual([]);
    expect(diff.leak.status).toBe('configuration-changed');
    expect(diff.leak.reason).toMatch(/^the configuration changed between the bundles \(digest `8309bca46bb93163` → `[0-9a-f]{16}`, 11 → 11 resources\): memory follows configuration, so growth is not read as a leak$/);
    expect(diff.leak.notes).toEqual(['istiod istio-system/istiod grew 698 MiB → 900 MiB (+202 MiB, +28.9 %): with the configuration changed, not read as a leak']);
    expect(diff.notChecked).toEqual([]);
    expect(renderDiffMarkdown(diff)).toContain('**configuration changed: not a leak**: the configuration changed between the bundles');
  });

  it('is not checked, with the reason and what to collect, without a configuration digest', async () => {
    const after = await healthyAt('healthy-no-resources', 4, { istiodMi: 900 });
    await after.remove((await after.files()).filter((f) => f.startsWith('istio/resources/')));
    const diff = await diffOf(join(SAMPLES, 'healthy'), after.root);
    expect(mem003(diff)).toEqual([]);
    expect(diff.leak.status).toBe('not-checked');
    expect(diff.notChecked).toEqual([
      {
        ruleId: 'MEM003',
        title: 'proxy or istiod memory grew between two bundles while the configuration did not change',
        reason: 'the later bundle has no configuration digest (no Istio resources or Services in it): whether the configuration changed is unknown',
        collect: expect.arrayContaining(['kubectl get services -A -o json']),
      },
    ]);
    expect(renderDiffMarkdown(diff)).toMatch(/## Not checked\n\n\| rule \| why \| to collect \|\n\|---\|---\|---\|\n\| MEM003 \| the later bundle has no configuration digest/);
  });

  it('is not checked when a collection time is missing or the bundles are out of order', async () => {
    const later = await healthyAt('healthy-later', 4, { istiodMi: 900 });
    // A stored report of a bundle without any time in it.
    const dir = await tempDir('ibundle-diff-');
    const undated = join(dir, 'undated.json');
    const report = (await analyzeBundle(join(SAMPLES, 'healthy'))).report;
    await writeFile(undated, JSON.stringify({ ...report, bundle: { ...report.bundle, collectedAt: null, collectedAtSource: 'unknown' } }));
    const noTime = await diffOf(undated, later.root);
    expect(noTime.leak).toMatchObject({ status: 'not-checked', reason: expect.stringMatching(/^the earlier bundle has no collection time/) });
    expect(noTime.metrics.collection.elapsedSeconds).toBeNull();
    const swapped = await diffOf(later.root, join(SAMPLES, 'healthy'));
    expect(swapped.leak).toMatchObject({ status: 'not-checked', reason: 'the later bundle (2025-03-11T09:42:17Z) was not collected after the earlier one (2025-03-11T13:42:17Z): give the older bundle first' });
    expect(swapped.metrics.collection.elapsedSeconds).toBe(-4 * 3600);
  });

  it('is not checked for bundles of different clusters', async () => {
    const other = await healthyAt('other-cluster', 4, { istiodMi: 900 });
    await other.manifest((m) => {
      m.cluster = { ...m.cluster, name: 'shop-prod-us1' };
    });
    const diff = await diffOf(join(SAMPLES, 'healthy'), other.root);
    expect(mem003(diff)).toEqual([]);
    expect(diff.notChecked.map((n) => n.reason)).toEqual(['the bundles are of different clusters (`shop-prod-eu1`, then `shop-prod-us1`): memory growth is only read between two collections of one cluster']);
    expect(diff.warnings).toContain('the bundles are of different clusters (shop-prod-eu1, then shop-prod-us1)');
  });
});

describe('hostile text in a bundle', () => {
  const HOSTILE = '<script>alert(1)\u001b[31m';
  it('stays inert in the Markdown and the table (a pod named with HTML and a terminal escape)', async () => {
    const line = (mi: number) => `${HOSTILE}   istio-proxy   5m           ${mi}Mi            `;
    const before = await healthyAt('hostile-before', 0);
    await before.edit(TOP, (t) => `${t.trimEnd()}\n${line(100)}\n`);
    const after = await healthyAt('hostile-after', 4);
    await after.edit(TOP, (t) => `${t.trimEnd()}\n${line(200)}\n`);
    const diff = await diffOf(before.root, after.root);
    const [finding] = mem003(diff);
    expect(finding!.subject.name).toBe(HOSTILE);
    const md = renderDiffMarkdown(diff);
    expect(md).not.toContain('\u001b');
    // Outside code spans (which render literally) no tag survives.
    const prose = md.replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/<script/i);
    expect(md).toContain('&lt;script&gt;alert(1)');
    const table = renderDiffTable(diff);
    expect(table).not.toContain('\u001b');
  });
});
