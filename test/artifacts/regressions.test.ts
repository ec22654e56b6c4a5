import { describe, expect, it } from 'vitest';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { LogScanner } from '../../src/artifacts/logs/scanner.js';
import { parseProxyStatusJson } from '../../src/artifacts/proxy-status/parse-json.js';
import { parseSyncz } from '../../src/artifacts/proxy-status/parse-syncz.js';
import { parseProxyStatusTable } from '../../src/artifacts/proxy-status/parse-table.js';

describe('fixes found while writing the parser tests', () => {
  it('a proxy-status row with an extra column is an error, not a version "1.6.0     extra"', () => {
    const table = [
      'NAME                  CDS        LDS        EDS        RDS        PILOT             VERSION',
      'b.default             SYNCED     SYNCED     SYNCED     SYNCED     istio-pilot-1     1.6.0     extra',
    ].join('\n');
    expect(() => parseProxyStatusTable(table)).toThrow(/line 2 has 8 columns where the header has 7/);
  });

  it('an empty cell is still read by the header offsets', () => {
    const table = ['NAME           CLUSTER      ISTIOD      VERSION', 'a.default                   istiod1     1.20'].join('\n');
    expect(parseProxyStatusTable(table).proxies[0]).toMatchObject({ id: 'a.default', istiod: 'istiod1', version: '1.20' });
  });

  it('line numbers count the `Warning:` lines kubectl printed before the document', () => {
    const objects = readKubernetesObjects('Warning: a\nWarning: b\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: y\n');
    expect(objects.map((o) => o.line)).toEqual([3, 8]);
    try {
      readKubernetesObjects('Warning: a\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   namespace: y\n');
      expect.unreachable();
    } catch (error) {
      expect((error as ArtifactParseError).line).toBe(5); // yaml reports the `name:` line (4 of the body) + 1 warning line
    }
  });

  it('a malformed second JSON document reports its line in the whole file', () => {
    const text = '{\n "versionInfo": "1",\n "resources": []\n}\n{\n "versionInfo": "1.1",\n "resources": [],\n}\n';
    try {
      parseProxyStatusJson(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ArtifactParseError);
      expect((error as ArtifactParseError).line).toBe(8);
    }
  });

  it('the old `TLS error: …` transport reason has no leading blank in the breakdown', () => {
    const scanner = new LogScanner('istio-proxy');
    scanner.line(
      '[2021-04-30T08:19:22.064Z] "GET /productpage HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED} - "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED" 0 195 77 - "172.20.1.53" "curl/7.76.1-DEV" "621a908e-393d-967a-8a35-77d382fbbdf4" "productpage.istio.svc.cluster.local:9080" "172.20.0.23:9080" outbound|9080||productpage.istio.svc.cluster.local - 10.68.55.29:9080 172.20.1.53:44932 - default',
      1,
    );
    expect(scanner.finish().signatures.tlsError?.breakdown[0]?.key).toBe('268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED');
  });

  it('syncz: a lastError recorded for a type is ERROR for that type', () => {
    const syncz = JSON.stringify([
      {
        proxy: 'reviews-v1-5b4d7b8c9d-kx2mn.bookinfo',
        proxy_type: 'sidecar',
        listener_sent: 'n2',
        listener_acked: 'n1',
        cluster_sent: 'n2',
        cluster_acked: 'n2',
        resources: { 'type.googleapis.com/envoy.config.listener.v3.Listener': { sent: 'n2', acked: 'n1', lastError: 'Error adding/updating listener(s) 0.0.0.0_80: cannot bind' } },
      },
    ]);
    const statuses = parseSyncz(syncz).proxies[0]!.statuses;
    expect(statuses.find((s) => s.type === 'LDS')).toEqual({ type: 'LDS', status: 'ERROR', note: 'Error adding/updating listener(s) 0.0.0.0_80: cannot bind' });
    expect(statuses.find((s) => s.type === 'CDS')?.status).toBe('SYNCED');
  });
});

describe('JSON error lines', () => {
  it.each([
    ['{\n "apiVersion": "v1",\n "kind": }\n', 3],
    ['{\n "apiVersion": "v1",\n "items": [,]\n}\n', 3],
    ['{\n "apiVersion": "v1",\n "kind" "List"\n}\n', 3],
  ])('names the line of the error in %j', (text, line) => {
    try {
      readKubernetesObjects(text);
      expect.unreachable();
    } catch (error) {
      expect((error as ArtifactParseError).line).toBe(line);
    }
  });
});

describe('parse budget', () => {
  it('skips documents once the parsed-size budget is used up, naming the flag', async () => {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new BundleIngest({ ...DEFAULT_LIMITS, maxParsedBytes: 100 });
    const doc = Buffer.from('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]}');
    for (const path of ['istio/resources/a.json', 'istio/resources/b.json']) {
      const sink = collector.onEntry({ path, size: doc.length });
      sink.write(doc);
      sink.end();
    }
    expect(collector.inventory.map((i) => i.status)).toEqual(['skipped', 'skipped']);
    expect(collector.inventory[0]!.reason).toMatch(/budget for parsed documents is used up \(raise with --max-parsed-size\)/);
    const roomy = new BundleIngest({ ...DEFAULT_LIMITS, maxParsedBytes: 150 });
    for (const path of ['istio/resources/a.json', 'istio/resources/b.json']) {
      const sink = roomy.onEntry({ path, size: doc.length });
      sink.write(doc);
      sink.end();
    }
    expect(roomy.inventory.map((i) => i.status)).toEqual(['used', 'skipped']);
  });

  it('refuses a document with more objects than any real listing holds', () => {
    const items = Array.from({ length: 200_001 }, () => ({}));
    expect(() => readKubernetesObjects(JSON.stringify({ kind: 'List', items }))).toThrow(/200001 objects in one document/);
  });
});

describe('LineSplitter', () => {
  it('cuts an overlong line once and keeps the numbering of the lines after it', async () => {
    const { LineSplitter } = await import('../../src/artifacts/entry/line-splitter.js');
    const lines: Array<[number, number]> = [];
    const splitter = new LineSplitter((line, n) => lines.push([n, line.length]));
    const huge = 'x'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < huge.length; i += 65536) splitter.write(Buffer.from(huge.slice(i, i + 65536)));
    splitter.write(Buffer.from('\nsecond\nthird'));
    splitter.end();
    expect(lines).toEqual([
      [1, 1024 * 1024],
      [2, 6],
      [3, 5],
    ]);
  });
});

describe('UTF-16 files (PowerShell 5 redirection)', () => {
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

  it('reads a UTF-16LE proxy log like its UTF-8 twin', async () => {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const line =
      '[2024-05-14T09:21:07.123Z] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "Mozilla/5.0" "0c3bd4f1-7a34-4bd1-9a0f-6c2f0d8f7a11" "reviews:9080" "-" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.110.231.110:9080 10.1.0.223:42990 - default\r\n';
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const bytes = utf16(line.repeat(3));
    const sink = collector.onEntry({ path: 'pasted-log.txt', size: bytes.length });
    sink.write(bytes.subarray(0, 101)); // an odd split inside a UTF-16 code unit
    sink.write(bytes.subarray(101));
    sink.end();
    expect(collector.inventory[0]).toMatchObject({ status: 'used', kind: 'logs.proxy', recognisedBy: 'content' });
    const summary = collector.artifacts[0]!.data as import('../../src/artifacts/logs/schema.js').LogSummary;
    expect(summary.signatures.noHealthyUpstream?.count).toBe(3);
  });

  it('says what to do with UTF-16 big-endian', async () => {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('NAME  CDS', 'utf16le').swap16()]);
    const sink = collector.onEntry({ path: 'ps.txt', size: bytes.length });
    sink.write(bytes);
    sink.end();
    expect(collector.inventory[0]).toMatchObject({ status: 'invalid', reason: 'UTF-16 big-endian text: save the output as UTF-8 (or UTF-16LE) and send it again' });
  });
});

describe('binary content is not mistaken for UTF-16', () => {
  it('a zip header with NULs in odd positions stays binary', async () => {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xdf, 0xa4, 0xd2, 0x6c]);
    const sink = collector.onEntry({ path: 'notes.docx', size: bytes.length });
    sink.write(bytes);
    sink.end();
    expect(collector.inventory[0]).toMatchObject({ status: 'not-recognised', reason: 'binary content: not an output of kubectl or istioctl' });
  });

  it('UTF-16LE text without a byte-order mark is still read', async () => {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const bytes = Buffer.from('POD                       NAME        CPU(cores)   MEMORY(bytes)\nistiod-7c4d8d6d7b-9mzt4   discovery   12m          4700Mi\n', 'utf16le');
    const sink = collector.onEntry({ path: 'top-output.txt', size: bytes.length });
    sink.write(bytes);
    sink.end();
    expect(collector.inventory[0]).toMatchObject({ status: 'used', kind: 'kubectl.top' });
  });
});

describe('a content guess corrected by the whole parse', () => {
  const list = (kinds: string[]) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: kinds.map((kind, i) => ({ apiVersion: 'v1', kind, metadata: { name: `o${i}`, namespace: 'bookinfo' } })) }, null, 4);

  async function ingestOne(path: string, text: string) {
    const { BundleIngest } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new BundleIngest(DEFAULT_LIMITS);
    const sink = collector.onEntry({ path, size: Buffer.byteLength(text) });
    sink.write(Buffer.from(text));
    sink.end();
    return collector.inventory[0];
  }

  it('a sniffed List that starts with a Pod but holds a Service is read as resources', async () => {
    expect(await ingestOne('dump-1.json', list(['Pod', 'Service']))).toMatchObject({ status: 'used', kind: 'k8s.resources', recognisedBy: 'content' });
    expect(await ingestOne('dump-2.json', list(['Pod', 'Pod']))).toMatchObject({ status: 'used', kind: 'kubectl.pods', recognisedBy: 'content' });
  });

  it('a listing the path declares as pods is held to it', async () => {
    expect(await ingestOne('kubernetes/pods/bookinfo.json', list(['Pod', 'Service']))).toMatchObject({ status: 'invalid', kind: 'kubectl.pods', pointer: '/items/1/kind' });
  });
});
