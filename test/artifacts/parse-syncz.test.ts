import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { synczKind } from '../../src/artifacts/proxy-status/kinds.js';
import { parseSyncz } from '../../src/artifacts/proxy-status/parse-syncz.js';
import { proxySyncSchema } from '../../src/artifacts/proxy-status/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';

/**
 * istiod `debug/syncz` as `pilot-discovery request GET /debug/syncz` prints it: compact JSON, an
 * array of SyncStatus (istio-facts.md §1.8), omitempty fields, nonces `<push version>/<uuid>`.
 */
const SYNCZ = JSON.stringify([
  {
    cluster_id: 'Kubernetes',
    proxy: 'productpage-v1-d5789fdfb-6x7b9.default',
    proxy_type: 'sidecar',
    proxy_version: '1.22.1',
    istio_version: '1.22.1',
    cluster_sent: '2024-07-25T20:12:54Z/2a3f1c0e5-0b1d-4c1e-9f55-3d3c6e0b8a11',
    cluster_acked: '2024-07-25T20:12:54Z/2a3f1c0e5-0b1d-4c1e-9f55-3d3c6e0b8a11',
    listener_sent: '2024-07-25T20:12:54Z/2b7e0c9d1-51e3-4a7b-8d6c-9b2f0e4d6c22',
    listener_acked: '2024-07-25T20:12:54Z/2b7e0c9d1-51e3-4a7b-8d6c-9b2f0e4d6c22',
    route_sent: '2024-07-25T20:12:59Z/12c1d2e3f-0a1b-4c2d-8e3f-4a5b6c7d8e33',
    route_acked: '2024-07-25T20:12:54Z/2c9f8e7d6-5c4b-4a3b-9c2d-1e0f9a8b7c44',
    endpoint_sent: '2024-07-25T20:12:54Z/2d0e1f2a3-4b5c-4d6e-8f7a-8b9c0d1e2f55',
    endpoint_acked: '2024-07-25T20:12:54Z/2d0e1f2a3-4b5c-4d6e-8f7a-8b9c0d1e2f55',
  },
  {
    cluster_id: 'Kubernetes',
    proxy: 'ztunnel-8nx5d.istio-system',
    proxy_type: 'ztunnel',
    istio_version: '1.22.1',
  },
  {
    cluster_id: 'Kubernetes',
    proxy: 'istio-ingressgateway-7d6874b48f-qxhn5.istio-system',
    proxy_type: 'router',
    proxy_version: '1.21.0',
    cluster_sent: '2024-07-25T20:12:54Z/2e1f2a3b4-5c6d-4e7f-9a8b-0c1d2e3f4a66',
    listener_sent: '2024-07-25T20:12:54Z/2f2a3b4c5-6d7e-4f8a-8b9c-1d2e3f4a5b77',
    listener_acked: '2024-07-25T20:12:54Z/2f2a3b4c5-6d7e-4f8a-8b9c-1d2e3f4a5b77',
    extensionconfig_sent: '2024-07-25T20:12:54Z/2a0b1c2d3-4e5f-4a6b-8c7d-2e3f4a5b6c88',
    extensionconfig_acked: '2024-07-25T20:12:54Z/2a0b1c2d3-4e5f-4a6b-8c7d-2e3f4a5b6c88',
  },
]);

function parseError(text: string): ArtifactParseError {
  try {
    parseSyncz(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactParseError);
    return error as ArtifactParseError;
  }
  throw new Error('expected parseSyncz to throw');
}

describe('parseSyncz (istiod debug/syncz)', () => {
  const data = parseSyncz(SYNCZ);

  it('reads one row per proxy with pointer, pod/namespace, cluster, version and proxy type', () => {
    expect(data.source).toBe('syncz');
    expect(data.perTypeStatus).toBe(true);
    expect(data.proxies.map((p) => [p.pointer, p.namespace, p.pod, p.cluster, p.version, p.proxyType])).toEqual([
      ['/0', 'default', 'productpage-v1-d5789fdfb-6x7b9', 'Kubernetes', '1.22.1', 'sidecar'],
      ['/1', 'istio-system', 'ztunnel-8nx5d', 'Kubernetes', '1.22.1', 'ztunnel'],
      ['/2', 'istio-system', 'istio-ingressgateway-7d6874b48f-qxhn5', 'Kubernetes', '1.21.0', 'router'],
    ]);
    expect(validateValue(proxySyncSchema, data)).toEqual([]);
  });

  it('derives status from nonces: equal → SYNCED, different → STALE, none sent → NOT SENT', () => {
    expect(data.proxies[0]!.statuses).toEqual([
      { type: 'CDS', status: 'SYNCED' },
      { type: 'LDS', status: 'SYNCED' },
      { type: 'EDS', status: 'SYNCED' },
      { type: 'RDS', status: 'STALE' },
      { type: 'ECDS', status: 'NOT SENT' },
    ]);
  });

  it('sent but never acknowledged → STALE (Never Acknowledged)', () => {
    expect(data.proxies[2]!.statuses).toEqual([
      { type: 'CDS', status: 'STALE', note: 'Never Acknowledged' },
      { type: 'LDS', status: 'SYNCED' },
      { type: 'EDS', status: 'NOT SENT' },
      { type: 'RDS', status: 'NOT SENT' },
      { type: 'ECDS', status: 'SYNCED' },
    ]);
  });

  it('ztunnel types never sent are IGNORED, not NOT SENT', () => {
    expect(data.proxies[1]!.statuses.map((s) => s.status)).toEqual(['IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED']);
  });

  it('falls back to proxy_version when istio_version is absent', () => {
    const [row] = parseSyncz('[{"proxy":"a.b","proxy_version":"1.19.3"}]').proxies;
    expect(row!.version).toBe('1.19.3');
  });

  it('a proxy_version that is not text, or none at all, gives no version', () => {
    const [numeric, none] = parseSyncz('[{"proxy":"a.b","proxy_version":1.19},{"proxy":"c.d"}]').proxies;
    expect(numeric).not.toHaveProperty('version');
    expect(none).not.toHaveProperty('version');
  });

  it('an empty array is zero proxies', () => {
    expect(parseSyncz('[]').proxies).toEqual([]);
  });

  it('refuses non-arrays, entries without a proxy id, and malformed JSON with a line', () => {
    expect(parseError('{"proxy":"a.b"}').message).toBe('expected a JSON array of proxy sync statuses');
    expect(parseError('[{"proxy":"a.b"},{"proxy":7}]').message).toBe('entry /1 has no "proxy" id');
    const malformed = parseError('[\n{"proxy":"a.b",\n}]');
    expect(malformed.message).toMatch(/^malformed JSON: /);
    expect(malformed.line).toBe(3);
  });

  it('is sniffed by content (compact JSON and pretty-printed)', () => {
    expect(synczKind.sniff(SYNCZ, 'x')).toBe(true);
    expect(synczKind.sniff(JSON.stringify(JSON.parse(SYNCZ), null, 2), 'x')).toBe(true);
    expect(synczKind.sniff('[{"name":"a","kind":"Pod"}]', 'x')).toBe(false);
  });
});
