/**
 * The hostile corpus: bundles a stranger could send, generated here (nothing opaque is committed).
 * Each case says what it attacks; the runner (hostile.test.ts) holds every one to the same rules.
 * The benign files they carry are real outputs from samples/data-plane-503.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { paxRecord, tarArchive, zeroBomb, type TarEntry } from './tar-writer.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503');
const LOG_PATH = 'logs/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log';
const PODS_PATH = 'kubernetes/pods/bookinfo.json';

/** A real istio-proxy access line whose client-controlled fields carry markup and escapes. */
export const HOSTILE_LINE =
  '[2025-04-22T14:03:07.123Z] "GET /a|b`c`<script>alert(1)</script>[x](javascript:alert(2)) HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "\x1b[2J\x1b]0;owned\x07\x9b31m<img src=x onerror=alert(3)>\u202egnp.exe" "0c3bd4f1-7a34-4bd1-9a0f-6c2f0d8f7a11" "reviews:9080" "-" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.110.231.110:9080 10.1.0.223:42990 - default';

/** Strings planted in names and lines: none may reach an output live (raw, unescaped, or as an escape sequence). */
export const PLANTED_MARKUP = ['<script>', '<img src=x', 'onerror=', 'javascript:alert', '\x1b[', '\x9b', '\u202e', '&#8238;'];

export interface HostileCase {
  name: string;
  attack: string;
  /** Writes the bundle under `dir`; returns its path (an archive file or a folder). */
  build(dir: string): Promise<string>;
  /** Exit codes acceptable for this bundle: 2 when it cannot be read at all, else 0 or 1 (findings). */
  exits: number[];
  /** How many entries the inventory must list (each entry, used or not, appears once); absent when exit is 2. */
  inventory?: number;
}

async function benign(): Promise<TarEntry[]> {
  return [
    { name: LOG_PATH, data: await readFile(join(SAMPLE, LOG_PATH)) },
    { name: PODS_PATH, data: await readFile(join(SAMPLE, PODS_PATH)) },
  ];
}

/** An archive of the benign files plus `extra`, gzip-compressed unless `plain`. */
function archive(name: string, attack: string, extra: () => TarEntry[] | Promise<TarEntry[]>, options: { plain?: boolean; inventory?: number; exits?: number[] } = {}): HostileCase {
  return {
    name,
    attack,
    exits: options.exits ?? [0, 1],
    ...(options.inventory !== undefined ? { inventory: options.inventory } : {}),
    async build(dir) {
      const entries = [...(await benign()), ...(await extra())];
      const tar = tarArchive(entries);
      const file = join(dir, `${name}.tar${options.plain ? '' : '.gz'}`);
      await writeFile(file, options.plain ? tar : gzipSync(tar));
      return file;
    },
  };
}

/** A folder of the benign files plus what `extra` creates in it. */
function folder(name: string, attack: string, extra: (root: string) => Promise<void>, inventory: number): HostileCase {
  return {
    name,
    attack,
    exits: [0, 1],
    inventory,
    async build(dir) {
      const root = join(dir, name);
      for (const path of [LOG_PATH, PODS_PATH]) {
        await mkdir(join(root, path, '..'), { recursive: true });
        await writeFile(join(root, path), await readFile(join(SAMPLE, path)));
      }
      await extra(root);
      return root;
    },
  };
}

/** A log file with `lines` as its content, at a pod's collector path. */
const log = (pod: string, text: string | Buffer): TarEntry => ({ name: `logs/bookinfo/${pod}/istio-proxy.log`, data: text });
const deep = (open: string, close: string, depth: number) => `${open.repeat(depth)}${close.repeat(depth)}`;
const MiB = 1024 * 1024;
/** Where `write-through-link` points its link, outside any bundle: the runner checks it stays empty. */
export const VICTIM = '/tmp/iba-hostile-victim';

export const HOSTILE_CASES: HostileCase[] = [
  // Paths that leave the bundle.
  archive('traversal-dotdot', 'a `../` entry name', () => [{ name: '../evil.txt', data: 'x' }], { inventory: 3 }),
  archive('traversal-deep', 'a deep `../../../` name', () => [{ name: 'logs/../../../../etc/cron.d/evil', data: '* * * * * root id' }], { inventory: 3 }),
  archive('traversal-absolute', 'an absolute name', () => [{ name: '/etc/passwd', data: 'root:x:0:0::/root:/bin/sh' }], { inventory: 3 }),
  archive('traversal-windows-drive', 'a Windows drive name', () => [{ name: 'C:\\Windows\\System32\\evil.dll', data: 'MZ' }], { inventory: 3 }),
  archive('traversal-backslash', 'backslash traversal', () => [{ name: '..\\..\\evil.txt', data: 'x' }], { inventory: 3 }),
  archive('traversal-in-middle', 'a `..` in the middle that climbs out', () => [{ name: 'logs/a/../../../evil.txt', data: 'x' }], { inventory: 3 }),
  // Links and special files.
  archive('symlink-out', 'a symbolic link to /etc/passwd', () => [{ name: 'istio/proxy-status.txt', type: 'symlink', linkname: '/etc/passwd' }], { inventory: 3 }),
  archive('symlink-relative-out', 'a symbolic link to ../../', () => [{ name: 'kubernetes/up', type: 'symlink', linkname: '../../..' }], { inventory: 3 }),
  archive('hardlink-out', 'a hard link to /etc/shadow', () => [{ name: 'istio/analyze.txt', type: 'hardlink', linkname: '/etc/shadow' }], { inventory: 3 }),
  archive('write-through-link', 'a link to a folder outside, then a file written through it', () => [
    { name: 'logs/istio-system', type: 'symlink', linkname: VICTIM },
    { name: 'logs/istio-system/istiod-6b9c8d7f5-kx2vq/discovery.log', data: 'pwned' },
  ], { inventory: 4 }),
  archive('devices', 'character and block devices', () => [
    { name: 'dev/zero', type: 'char' },
    { name: 'dev/sda', type: 'block' },
  ], { inventory: 4 }),
  archive('fifo-entry', 'a FIFO entry', () => [{ name: 'istio/proxy-status.txt', type: 'fifo' }], { inventory: 3 }),
  // Volume.
  {
    name: 'decompression-bomb',
    // Before streaming gunzip, this (a 0.5 MiB read chunk inflating to 512 MiB at once) peaked at ~600 MiB.
    attack: 'a 512 MiB entry of zeros in a 0.5 MiB .tar.gz',
    exits: [2],
    async build(dir) {
      const file = join(dir, 'decompression-bomb.tar.gz');
      await zeroBomb(file, LOG_PATH, 512 * MiB);
      return file;
    },
  },
  archive('many-entries', '100,001 entries (one past the entry cap)', () => Array.from({ length: 99_999 }, (_, i) => ({ name: `notes/n${i}.txt`, data: '' })), { inventory: 100_001 }),
  archive('long-line', 'a 64 MiB log line without a newline', () => [log('reviews-v1-5b5d6494f4-8fwlm', Buffer.alloc(64 * MiB, 'A'))], { inventory: 3 }),
  archive('deep-json', '200,000-deep JSON', () => [{ name: 'kubernetes/pods/deep.json', data: deep('[', ']', 200_000) }], { inventory: 3 }),
  archive('deep-yaml', '200,000-deep YAML flow sequence', () => [{ name: 'istio/resources/deep.yaml', data: `apiVersion: v1\nkind: List\nitems: ${deep('[', ']', 200_000)}\n` }], { inventory: 3 }),
  archive('deep-yaml-block', '20,000-deep YAML block mappings', () => [{ name: 'istio/resources/block.yaml', data: Array.from({ length: 20_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n' }], { inventory: 3 }),
  archive('yaml-alias-bomb', 'a YAML billion-laughs alias bomb', () => [{
    name: 'istio/resources/laughs.yaml',
    data: ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol, namespace: default}', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'data: {x: *i}', ''].join('\n'),
  }], { inventory: 3 }),
  archive('yaml-tags', '`!!js/function`, `!!python/object` and unknown tags', () => [{
    name: 'istio/resources/tags.yaml',
    data: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: evil\n  namespace: bookinfo\nspec:\n  hosts: !!js/function "function(){ require(\'child_process\').execSync(\'touch /tmp/iba-pwned\') }"\n  http: !!python/object/apply:os.system ["touch /tmp/iba-pwned"]\n  x: !custom {a: 1}\n',
  }], { inventory: 3 }),
  archive('proto-keys', '`__proto__` and `constructor` keys', () => [{
    name: 'kubernetes/pods/proto.json',
    data: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'bookinfo', labels: { __proto__: 'x' } }, spec: { containers: [] } }] }).replace('"items"', '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"items"'),
  }], { inventory: 3 }),
  archive('huge-numbers', '1e999, -0 and 2^64 where counts are read', () => [
    { name: 'kubernetes/top/bookinfo.txt', data: 'POD                              NAME          CPU(cores)   MEMORY(bytes)\nproductpage-v1-54bb874995-9xq7d   istio-proxy   1e999m       99999999999999999999999Mi\n' },
    { name: 'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/stats', data: 'server.memory_allocated: 1e999\nserver.total_connections: -0\ncluster.x.upstream_rq_503: 18446744073709551616\n' },
  ], { inventory: 4 }),
  archive('invalid-utf8', 'bytes that are not UTF-8 in a log', () => [log('reviews-v2-5b667bcbf8-tz6qw', Buffer.concat([Buffer.from(`${HOSTILE_LINE}\n`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`${HOSTILE_LINE}\n`)]))], { inventory: 3 }),
  archive('nul-bytes', 'NUL bytes in a log and in a JSON document', () => [
    log('reviews-v3-5b9bd44f4-2hj7n', `${HOSTILE_LINE}\u0000\u0000\n\u0000${HOSTILE_LINE}\n`),
    { name: 'istio/resources/nul.json', data: '{"apiVersion":"v1","kind":"List","items":[]}\u0000\u0000' },
  ], { inventory: 4 }),
  archive('escapes-in-names', 'terminal escapes and markup in a pod name', () => [log('web-\x1b[31m<script>alert(1)</script>\x9b2J', `${HOSTILE_LINE}\n`)], { inventory: 3 }),
  archive('markup-in-lines', 'HTML and Markdown injection in log lines', () => [log('details-v1-65cfcf56f9-r2l8c', `${HOSTILE_LINE}\n${HOSTILE_LINE.replace('14:03:07', '14:03:09')}\n`)], { inventory: 3 }),
  archive('bidi-in-names', 'bidirectional overrides and entities in names', () => [log('ratings\u202egol.exe-7d9f8c6b5-k4hvr', `${HOSTILE_LINE}\n`), { name: 'istio/&#8238;analyze.txt', data: 'Info [IST0102] (Namespace default) The namespace is not enabled for Istio injection.\n' }], { inventory: 4 }),
  archive('control-chars-in-names', 'newlines and control characters in entry names', () => [{ name: 'notes/line\nbreak\r\tname\u0007.txt', data: 'x' }], { inventory: 3 }),
  archive('long-name', 'a 4,000-byte entry name (PAX path)', () => [{ name: `notes/${'a'.repeat(4000)}.txt`, data: 'x' }], { inventory: 3 }),
  // Containers that are not what they say.
  {
    name: 'zip-named-tgz',
    attack: 'a zip file named .tgz',
    exits: [2],
    async build(dir) {
      const work = join(dir, 'zip-src');
      await mkdir(work, { recursive: true });
      await writeFile(join(work, 'a.txt'), 'hello');
      const file = join(dir, 'zip-named.tgz');
      execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],"w"); z.write(sys.argv[2],"a.txt"); z.close()', file, join(work, 'a.txt')]);
      return file;
    },
  },
  archive('nested-tarball', 'a .tar.gz inside the bundle', () => [{ name: 'more/inner.tar.gz', data: gzipSync(tarArchive([{ name: '../../escape.txt', data: 'x' }])) }], { inventory: 3 }),
  archive('duplicate-names', 'the same name twice, the second replacing the first', () => [{ name: LOG_PATH, data: `${HOSTILE_LINE}\n` }], { inventory: 3 }),
  {
    name: 'truncated-gzip',
    attack: 'a .tar.gz cut in the middle',
    exits: [2],
    async build(dir) {
      const whole = gzipSync(tarArchive(await benign()));
      const file = join(dir, 'truncated.tar.gz');
      await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
      return file;
    },
  },
  {
    name: 'truncated-tar',
    attack: 'a plain .tar cut inside an entry',
    exits: [2],
    async build(dir) {
      const whole = tarArchive(await benign());
      const file = join(dir, 'truncated.tar');
      await writeFile(file, whole.subarray(0, 700));
      return file;
    },
  },
  {
    name: 'empty-file',
    attack: 'an empty file',
    exits: [2],
    async build(dir) {
      const file = join(dir, 'empty.tar.gz');
      await writeFile(file, '');
      return file;
    },
  },
  archive('pax-size-lie', 'a PAX header whose size says 1 TiB', () => {
    const record = paxRecord('size', String(1024 ** 4));
    return [{ name: 'PaxHeader', type: 'pax', data: record }, { name: 'istio/proxy-status.txt', data: 'NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION\n' }];
  }, { exits: [0, 1, 2] }),
  archive('header-size-lie', 'a header claiming more bytes than the archive has', () => [{ name: 'istio/proxy-status.txt', data: 'short', claimedSize: 64 * MiB }], { exits: [2] }),
  {
    name: 'gzip-not-tar',
    attack: 'a gzip stream that holds no tar',
    exits: [2],
    async build(dir) {
      const file = join(dir, 'gzip-not-tar.tgz');
      await writeFile(file, gzipSync(Buffer.from('this is a log, not an archive\n'.repeat(100))));
      return file;
    },
  },
  {
    name: 'text-not-archive',
    attack: 'a text file passed as the bundle',
    exits: [2],
    async build(dir) {
      const file = join(dir, 'bundle.tgz');
      await writeFile(file, `${HOSTILE_LINE}\n`);
      return file;
    },
  },
  archive('plain-tar', 'an uncompressed tar with a hostile log', () => [log('web-2', `${HOSTILE_LINE}\n`)], { plain: true, inventory: 3 }),
  archive('lying-manifest', 'a manifest naming files outside the bundle, with escapes in its commands', () => [{
    name: 'manifest.json',
    data: JSON.stringify({
      schemaVersion: 1,
      collectedAt: '2025-04-22T14:08:33Z',
      files: [
        { path: '../../etc/passwd', kind: 'logs.proxy', command: 'cat /etc/passwd \x1b[2J', exitCode: 0, bytes: 10 },
        { path: '/etc/shadow', kind: 'kubectl.pods', command: '<script>alert(1)</script>', exitCode: 1, stderr: '/etc/shadow.stderr' },
        { path: LOG_PATH, kind: 'logs.proxy', command: 'kubectl logs', exitCode: 0, bytes: 1e999 },
      ],
    }).replace('"bytes":null', '"bytes":1e999'),
  }], { inventory: 3 }),
  archive('secret-material', 'a private key and Secret values among the files', () => [{
    name: 'kubernetes/secrets.yaml',
    data: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cacerts\n  namespace: istio-system\ndata:\n  ca-key.pem: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBMGZha2UKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K\n',
  }], { inventory: 3 }),
  // Folders.
  folder('folder-symlink-out', 'a folder with a symbolic link to /etc', async (root) => {
    await symlink('/etc', join(root, 'etc-link'));
    await symlink('/etc/passwd', join(root, 'passwd'));
  }, 4),
  folder('folder-symlink-loop', 'a folder with a symbolic link loop', async (root) => {
    await mkdir(join(root, 'loop'), { recursive: true });
    await symlink('..', join(root, 'loop', 'up'));
    await symlink('self', join(root, 'self'));
  }, 4),
  folder('folder-fifo', 'a folder with a FIFO where a log should be', async (root) => {
    await mkdir(join(root, 'logs', 'bookinfo', 'web-3'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'logs', 'bookinfo', 'web-3', 'istio-proxy.log')]);
  }, 3),
  folder('folder-hostile-names', 'file names with escapes, markup and bidi overrides', async (root) => {
    const dir = join(root, 'logs', 'bookinfo', 'web-\x1b[31m<img src=x onerror=alert(1)>\u202e');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'istio-proxy.log'), `${HOSTILE_LINE}\n`);
  }, 3),
];
