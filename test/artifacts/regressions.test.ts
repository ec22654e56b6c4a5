import { describe, expect, it } from 'vitest';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import { ArtifactParseError } from '../../src/artifacts/kind.js';
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
    const scanner = new LogScanner();
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
    const { ArtifactCollector } = await import('../../src/artifacts/ingest.js');
    const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
    const collector = new ArtifactCollector({ ...DEFAULT_LIMITS, maxParsedBytes: 100 });
    const doc = Buffer.from('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]}');
    for (const path of ['istio/resources/a.json', 'istio/resources/b.json']) {
      const sink = collector.onEntry({ path, size: doc.length });
      sink.write(doc);
      sink.end();
    }
    expect(collector.inventory.map((i) => i.status)).toEqual(['skipped', 'skipped']);
    expect(collector.inventory[0]!.reason).toMatch(/budget for parsed documents is used up \(raise with --max-parsed-size\)/);
    const roomy = new ArtifactCollector({ ...DEFAULT_LIMITS, maxParsedBytes: 150 });
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
