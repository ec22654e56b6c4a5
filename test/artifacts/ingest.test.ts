import { readFileSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../src/artifacts/artifact.js';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { LineSplitter } from '../../src/artifacts/entry/line-splitter.js';
import type { LogSummary } from '../../src/artifacts/logs/schema.js';
import type { ProxySync } from '../../src/artifacts/proxy-status/schema.js';
import type { TopData } from '../../src/artifacts/top/schema.js';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { ingest, tempDir, writeTree } from '../bundle/helpers.js';
import { fixture } from './helpers.js';

const MANIFEST = {
  schemaVersion: 1,
  collector: { name: 'collect.sh', version: '0.1.0' },
  collectedAt: '2024-07-25T20:13:00Z',
  artifacts: [
    { path: 'out/0007.txt', kind: 'kubectl.top', command: 'kubectl top pod -n istio-system --containers', exitCode: 0, namespace: 'istio-system' },
    {
      path: 'out/0008.txt',
      kind: 'logs.proxy',
      command: 'kubectl logs productpage-v1-d5789fdfb-6x7b9 -n default -c istio-proxy --tail=2000',
      exitCode: 0,
      namespace: 'default',
      pod: 'productpage-v1-d5789fdfb-6x7b9',
      container: 'istio-proxy',
      stderr: 'out/0008.err',
    },
    { path: 'out/0009.txt', command: 'istioctl proxy-status', exitCode: 1 },
  ],
};

const SYNCZ = '[{"cluster_id":"Kubernetes","proxy":"productpage-v1-d5789fdfb-6x7b9.default","proxy_type":"sidecar","cluster_sent":"n1","cluster_acked":"n1","listener_sent":"n2","listener_acked":"n1"}]';
const BAD_POD = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'productpage-v1-d5789fdfb-6x7b9', namespace: 'default' }, status: { containerStatuses: [{ name: 'istio-proxy', restartCount: 'three' }] } }],
  },
  null,
  2,
);
const BIG_TABLE = fixture('multiXdsStatusSinglePilot.txt') + 'proxy3     cluster1     istiod1     1.20        5 (CDS,LDS,EDS,RDS,ECDS)\n'.repeat(80);

/** One entry per inventory status and reason; the manifest first, as collect.sh writes it. */
const FILES: Record<string, string | Buffer> = {
  'manifest.json': JSON.stringify(MANIFEST, null, 2),
  'out/0007.txt': fixture('kubectl-top-pod-containers.txt'),
  'out/0008.txt': fixture('istio-proxy-access-text.log'),
  'out/0008.err': 'Defaulted container "istio-proxy" out of: istio-proxy, productpage\n',
  'out/0009.txt': 'Error: failed to setup status print: no proxies found (checked 1 istiods)\n',
  'proxy-status.txt': fixture('multiXdsStatusMultiPilot_verbose.txt'),
  'export-3f9c.dat': SYNCZ,
  'kubernetes/pods/default.json': BAD_POD,
  'kubernetes/pods/istio-system.json': '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"kind": "Pod",}\n  ]\n}\n',
  'istio/resources/broken.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n   namespace: default\n',
  'big/proxy-status.txt': BIG_TABLE,
  'notes.txt': 'Collected by hand on Monday.\n',
  'blob.bin': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]),
  'empty.txt': '',
};
const ORDER = Object.keys(FILES);
const LIMITS = { maxDocumentBytes: 4096 };

function byPath(inventory: InventoryItem[]): Map<string, InventoryItem> {
  return new Map(inventory.map((item) => [item.path, item]));
}

/** Expectations shared by the folder and the tar bundle (paths relative to the bundle root). */
function expectInventory(inventory: InventoryItem[], prefix: string): void {
  const items = byPath(inventory);
  const at = (path: string) => {
    const item = items.get(prefix + path);
    if (!item) throw new Error(`no inventory item for ${prefix + path}`);
    return item;
  };
  expect(at('manifest.json')).toMatchObject({ status: 'used', kind: 'bundle.manifest', recognisedBy: 'path' });
  expect(at('out/0007.txt')).toMatchObject({ status: 'used', kind: 'kubectl.top', recognisedBy: 'manifest', size: 254 });
  expect(at('out/0008.txt')).toMatchObject({ status: 'used', kind: 'logs.proxy', recognisedBy: 'manifest' });
  expect(at('out/0008.err')).toMatchObject({ status: 'used', kind: 'collector.stderr', recognisedBy: 'manifest' });
  // listed without a kind: recognised (or not) like any other file
  expect(at('out/0009.txt')).toMatchObject({ status: 'not-recognised' });
  expect(at('proxy-status.txt')).toMatchObject({ status: 'used', kind: 'istioctl.proxyStatus', recognisedBy: 'path' });
  expect(at('export-3f9c.dat')).toMatchObject({ status: 'used', kind: 'istiod.syncz', recognisedBy: 'content' });

  const schemaInvalid = at('kubernetes/pods/default.json');
  expect(schemaInvalid).toMatchObject({ status: 'invalid', kind: 'kubectl.pods', recognisedBy: 'path', pointer: '/items/0/status/containerStatuses/0/restartCount' });
  expect(schemaInvalid.reason).toBe('does not match the kubectl.pods schema: /items/0/status/containerStatuses/0/restartCount: must be integer');

  const badJson = at('kubernetes/pods/istio-system.json');
  expect(badJson).toMatchObject({ status: 'invalid', kind: 'kubectl.pods', line: 5 });
  expect(badJson.reason).toMatch(/^malformed JSON: /);

  const badYaml = at('istio/resources/broken.yaml');
  expect(badYaml).toMatchObject({ status: 'invalid', kind: 'k8s.resources', line: 4 });
  expect(badYaml.reason).toMatch(/^malformed YAML: /);

  expect(at('big/proxy-status.txt')).toMatchObject({
    status: 'skipped',
    kind: 'istioctl.proxyStatus',
    reason: expect.stringMatching(/^too large to parse safely: .* over the 4\.0 KiB document cap \(raise with --max-document-size\)$/),
  });
  expect(at('notes.txt')).toMatchObject({ status: 'not-recognised', reason: 'no artifact kind matches its path or content (first line: "Collected by hand on Monday.")' });
  expect(at('blob.bin')).toMatchObject({ status: 'not-recognised', reason: 'binary content: not an output of kubectl or istioctl' });
  expect(at('empty.txt')).toMatchObject({ status: 'not-recognised', reason: 'empty file', size: 0 });
}

describe('BundleIngest + readBundle on a folder', () => {
  let root = '';
  beforeAll(async () => {
    root = join(await tempDir(), 'bundle');
    await writeTree(root, FILES);
    await symlink('/etc/passwd', join(root, 'passwd'));
  });

  it('gives every entry exactly one inventory item with the right status and reason', async () => {
    const { collector, result } = await ingest(root, LIMITS);
    expect(result.sourceType).toBe('folder');
    expect(collector.inventory.map((i) => i.path).sort()).toEqual([...ORDER, 'passwd'].sort());
    expectInventory(collector.inventory, '');
    expect(byPath(collector.inventory).get('passwd')).toEqual({ path: 'passwd', status: 'skipped', reason: 'symbolic link: not followed' });
  });

  it('the symlink to /etc/passwd is never read', async () => {
    const { collector } = await ingest(root, LIMITS);
    expect(collector.artifacts.some((a) => a.path === 'passwd')).toBe(false);
    expect(JSON.stringify(collector.artifacts)).not.toContain('root:x:0:0');
  });
});

describe('BundleIngest + readBundle on a .tar.gz (built with tar.create, gzip)', () => {
  let archive = '';
  beforeAll(async () => {
    const dir = await tempDir();
    await writeTree(join(dir, 'bundle'), FILES);
    archive = join(dir, 'bundle.tar.gz');
    await create({ gzip: true, file: archive, cwd: dir, portable: true }, ORDER.map((path) => `bundle/${path}`));
  });

  it('gives every entry exactly one inventory item, manifest hints applied under its folder', async () => {
    const { collector, result } = await ingest(archive, LIMITS);
    expect(result.sourceType).toBe('tar');
    expect(collector.inventory.map((i) => i.path)).toEqual(ORDER.map((path) => `bundle/${path}`));
    expectInventory(collector.inventory, 'bundle/');
    expect(collector.warnings).toEqual([]); // the manifest came first
  });

  it('manifest-recognised artifacts carry the namespace/pod/container the manifest gives', async () => {
    const { collector } = await ingest(archive, LIMITS);
    const log = collector.artifacts.find((a) => a.path === 'bundle/out/0008.txt')!;
    expect(log.recognisedBy).toBe('manifest');
    expect(log.context).toEqual({ path: 'bundle/out/0008.txt', namespace: 'default', pod: 'productpage-v1-d5789fdfb-6x7b9', container: 'istio-proxy' });
    expect((log.data as LogSummary).access.requests).toBe(9);

    const top = collector.artifacts.find((a) => a.kind === 'kubectl.top')!;
    expect(top.context.namespace).toBe('istio-system');
    expect((top.data as TopData).rows.map((r) => [r.namespace, r.container])).toEqual([
      ['istio-system', 'istio-proxy'],
      ['istio-system', 'cray-hms-hmcollector'],
    ]);

    const syncz = collector.artifacts.find((a) => a.kind === 'istiod.syncz')!;
    expect((syncz.data as ProxySync).proxies[0]!.statuses.slice(0, 2).map((s) => s.status)).toEqual(['SYNCED', 'STALE']);
    expect(collector.manifest?.collectedAt).toBe('2024-07-25T20:13:00Z');
  });

  it('warns when the manifest is not the first entry of an archive', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'a-proxy-status.txt': fixture('multiXdsStatusSinglePilot.txt'), 'b-top.txt': fixture('kubectl-top-pod-containers.txt'), 'manifest.json': JSON.stringify({ ...MANIFEST, artifacts: [] }) });
    const late = async (entries: string[]) => {
      const file = join(await tempDir(), 'late-manifest.tar.gz');
      await create({ gzip: true, file, cwd: dir }, entries);
      return (await ingest(file)).collector.warnings;
    };
    expect(await late(['a-proxy-status.txt', 'manifest.json', 'b-top.txt'])).toEqual(['manifest.json is not the first entry of the bundle: the entry before it was recognised by path and content']);
    expect(await late(['a-proxy-status.txt', 'b-top.txt', 'manifest.json'])).toEqual(['manifest.json is not the first entry of the bundle: the 2 entries before it were recognised by path and content']);
  });

  it('reads a folder\'s manifest.json first, so its hints apply to every file', async () => {
    const dir = await tempDir();
    const manifest = { ...MANIFEST, artifacts: [{ path: 'a-top.txt', kind: 'kubectl.top', command: 'kubectl top pod -n istio-system --containers', exitCode: 0 }] };
    await writeTree(dir, { 'a-top.txt': fixture('kubectl-top-pod-containers.txt'), 'manifest.json': JSON.stringify(manifest) });
    const { collector } = await ingest(dir);
    expect(collector.warnings).toEqual([]);
    expect(collector.inventory.find((i) => i.path === 'a-top.txt')).toMatchObject({ status: 'used', kind: 'kubectl.top', recognisedBy: 'manifest' });
  });
});

describe('EntryIngest streaming', () => {
  function feed(path: string, chunks: Buffer[], limits = DEFAULT_LIMITS): BundleIngest {
    const collector = new BundleIngest(limits);
    const sink = collector.onEntry({ path, size: chunks.reduce((n, c) => n + c.length, 0) });
    for (const chunk of chunks) sink.write(chunk);
    sink.end();
    return collector;
  }

  it('logs are streamed, so a log over the document cap is still used', () => {
    const log = Buffer.from(`${'2024-07-25T20:12:59.093175Z\tinfo\txdsproxy\tconnected to upstream XDS server: istiod.istio-system.svc:15012\n'.repeat(400)}no healthy upstream\n`);
    const collector = feed('logs/default/p/istio-proxy.log', [log.subarray(0, 7000), log.subarray(7000, 20000), log.subarray(20000)], { ...DEFAULT_LIMITS, maxDocumentBytes: 1024 });
    expect(collector.inventory).toEqual([{ path: 'logs/default/p/istio-proxy.log', size: log.length, status: 'used', kind: 'logs.proxy', recognisedBy: 'path' }]);
    const summary = collector.artifacts[0]!.data as LogSummary;
    expect(summary.lines).toBe(401);
    expect(summary.signatures.noHealthyUpstream?.first.line).toBe(401);
  });

  it('a UTF-8 BOM does not hide a document header', () => {
    const collector = feed('out/x.txt', [Buffer.from(`\ufeff${fixture('kubectl-top-pod-containers.txt')}`)]);
    expect(collector.inventory[0]).toMatchObject({ status: 'used', kind: 'kubectl.top', recognisedBy: 'content' });
  });

  it('a table row error is reported as invalid with its line', () => {
    const collector = feed('proxy-status.txt', [Buffer.from(`${fixture('multiXdsStatusMultiPilot_verbose.txt')}proxy2     cluster1     SYNCD     SYNCED     SYNCED     SYNCED     SYNCED       istiod1     1.20\n`)]);
    expect(collector.inventory[0]).toMatchObject({ status: 'invalid', kind: 'istioctl.proxyStatus', line: 3 });
    expect(collector.inventory[0]!.reason).toContain('"SYNCD" is not an xDS status for CDS');
  });

  /** `kubectl get pods -n bookinfo -o json` from a sample bundle: 67 KiB, several sniffing heads long. */
  const PODS_PATH = 'kubernetes/pods/bookinfo.json';
  const PODS = readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503', PODS_PATH));
  /** The sniffing head (HEAD_BYTES), written out so that a changed constant fails here too. */
  const HEAD = 16 * 1024;

  it('an entry is decided once its first 16 KiB are in: a document reserves its parse budget then, not at its end', () => {
    expect(PODS.length).toBeGreaterThan(2 * HEAD);
    /** The parse budget reserved after each chunk up to each cut, the entry not yet ended. */
    const reservedAfter = (...cuts: number[]): number[] => {
      const collector = new BundleIngest(DEFAULT_LIMITS);
      const sink = collector.onEntry({ path: PODS_PATH, size: PODS.length });
      let from = 0;
      const reserved = cuts.map((cut) => {
        sink.write(PODS.subarray(from, cut));
        from = cut;
        return collector.keptBytes;
      });
      sink.write(PODS.subarray(from));
      sink.end();
      expect(collector.inventory).toEqual([{ path: PODS_PATH, size: PODS.length, status: 'used', kind: 'kubectl.pods', recognisedBy: 'path' }]);
      return reserved;
    };
    expect(reservedAfter(1, HEAD - 1)).toEqual([0, 0]); // still sniffing
    expect(reservedAfter(HEAD - 1, HEAD)).toEqual([0, PODS.length]); // the byte that completes the head decides
    expect(reservedAfter(HEAD - 1, HEAD + 1)).toEqual([0, PODS.length]); // so does a chunk that runs past it
  });

  it('a document gives its parse budget back when it cannot be read or breaks its schema, and keeps it when used', () => {
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const read = (path: string, bytes: Buffer) => {
      const sink = collector.onEntry({ path, size: bytes.length });
      sink.write(bytes);
      sink.end();
    };
    read('kubernetes/pods/truncated.json', PODS.subarray(0, 2000)); // cut short: malformed JSON
    read('kubernetes/pods/default.json', Buffer.from(BAD_POD)); // restartCount "three": a schema violation
    expect(collector.keptBytes).toBe(0);
    read(PODS_PATH, PODS);
    expect(collector.inventory.map((i) => [i.path, i.status])).toEqual([
      ['kubernetes/pods/truncated.json', 'invalid'],
      ['kubernetes/pods/default.json', 'invalid'],
      [PODS_PATH, 'used'],
    ]);
    expect(collector.keptBytes).toBe(PODS.length);
    // Giving back a failed document's bytes leaves what the used one keeps.
    read('kubernetes/pods/truncated-again.json', PODS.subarray(0, 3000));
    expect(collector.inventory.at(-1)).toMatchObject({ status: 'invalid' });
    expect(collector.keptBytes).toBe(PODS.length);
  });

  it('an entry not recognised from its head takes the rest of its bytes without reading them; a skipped entry has its size when known', () => {
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const notes = Buffer.from('Collected by hand on Monday.\n'.repeat(2000)); // 58 KiB: decided on its first 16 KiB
    const sink = collector.onEntry({ path: 'notes.txt', size: notes.length });
    for (let at = 0; at < notes.length; at += 4096) sink.write(notes.subarray(at, at + 4096));
    sink.end();
    const blankFirst = Buffer.from('\n   \n\tCollected by hand on Tuesday.\n');
    const second = collector.onEntry({ path: 'notes-2.txt', size: blankFirst.length });
    second.write(blankFirst);
    second.end();
    collector.onSkipped('link-to-etc', 'a symbolic link: not followed');
    collector.onSkipped('dev/sda', 'a device: not read', 0);
    expect(collector.inventory).toStrictEqual([
      { path: 'notes.txt', size: notes.length, status: 'not-recognised', reason: 'no artifact kind matches its path or content (first line: "Collected by hand on Monday.")' },
      { path: 'notes-2.txt', size: blankFirst.length, status: 'not-recognised', reason: 'no artifact kind matches its path or content (first line: "\\tCollected by hand on Tuesday.")' }, // its first line with text
      { path: 'link-to-etc', status: 'skipped', reason: 'a symbolic link: not followed' },
      { path: 'dev/sda', size: 0, status: 'skipped', reason: 'a device: not read' },
    ]);
  });

  it('LineSplitter numbers LF and CRLF lines and keeps multi-byte characters split across chunks', () => {
    const lines: Array<[string, number]> = [];
    const splitter = new LineSplitter((line, number) => lines.push([line, number]));
    const bytes = Buffer.from('first\r\nü€ second\n\nlast');
    for (let i = 0; i < bytes.length; i += 3) splitter.write(bytes.subarray(i, i + 3));
    splitter.end();
    expect(lines).toEqual([
      ['first', 1],
      ['ü€ second', 2],
      ['', 3],
      ['last', 4],
    ]);
  });
});
