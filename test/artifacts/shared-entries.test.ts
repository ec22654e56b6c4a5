import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SharedEntries } from '../../src/artifacts/entry/shared-entries.js';
import type { ConfigDumpSummary } from '../../src/artifacts/envoy/summary-schema.js';
import { ingest, tempDir } from '../bundle/helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'envoy');

describe('SharedEntries', () => {
  it('gives the first of equal entries for every later one, and keeps unequal ones apart', () => {
    const shared = new SharedEntries();
    const first = { name: 'outbound|80||a.ns.svc.cluster.local', ports: [80] };
    expect(shared.share(first)).toBe(first);
    expect(shared.share({ name: 'outbound|80||a.ns.svc.cluster.local', ports: [80] })).toBe(first);
    const other = { name: 'outbound|80||a.ns.svc.cluster.local', ports: [81] };
    expect(shared.share(other)).toBe(other);
  });

  it('freezes what it shares, nested values too: a change for one proxy would be a change for all', () => {
    const shared = new SharedEntries();
    const entry = shared.share({ name: 'c', outlierDetection: { consecutive5xx: 1 }, addresses: ['10.0.0.1:80'] });
    expect(() => {
      (entry as { name: string }).name = 'd';
    }).toThrow(TypeError);
    expect(() => (entry.addresses as string[]).push('x')).toThrow(TypeError);
    expect(Object.isFrozen(entry.outlierDetection)).toBe(true);
  });

  it('past its cap, keeps new entries as they are, unshared and unfrozen', () => {
    const shared = new SharedEntries(1);
    shared.share({ n: 1 });
    const second = { n: 2 };
    expect(shared.share(second)).toBe(second);
    expect(shared.share({ n: 2 })).not.toBe(second);
    expect(Object.isFrozen(second)).toBe(false);
  });
});

async function twoProxies(fixture: string): Promise<[ConfigDumpSummary, ConfigDumpSummary]> {
  const root = await tempDir('iba-shared-');
  for (const pod of ['a-1', 'b-2']) {
    await mkdir(join(root, 'proxies', 'shop', pod), { recursive: true });
    await copyFile(join(FIXTURES, fixture), join(root, 'proxies', 'shop', pod, 'config_dump.json'));
  }
  const { collector } = await ingest(root);
  const dumps = collector.artifacts.filter((x) => x.kind === 'envoy.configDump').map((x) => x.data as ConfigDumpSummary);
  expect(dumps.length).toBe(2);
  return [dumps[0]!, dumps[1]!];
}

describe('config dumps of two proxies with the same configuration', () => {
  const SHARED = [
    ['config-dump-compare.json', 'clusters'],
    ['config-dump-compare.json', 'listeners'],
    ['config-dump-compare.json', 'routeTables'],
    ['config-dump-endpoints.json', 'endpoints'],
  ] as const;
  for (const [fixture, list] of SHARED) {
    it(`share their ${list} entries (${fixture})`, async () => {
      const [a, b] = await twoProxies(fixture);
      expect(a[list].length).toBeGreaterThan(0);
      expect(b[list].length).toBe(a[list].length);
      b[list].forEach((entry, i) => expect(entry, `${list}[${i}]`).toBe(a[list][i]));
    });
  }

  it("keep their secrets their own (a proxy's certificate is its own)", async () => {
    const [a, b] = await twoProxies('config-dump-secrets.json');
    expect(a.secrets.length).toBeGreaterThan(0);
    expect(b.secrets).toEqual(a.secrets);
    b.secrets.forEach((secret, i) => expect(secret).not.toBe(a.secrets[i]));
  });
});
