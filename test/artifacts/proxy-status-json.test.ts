import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { parseProxyStatusJson, splitConcatenatedJson } from '../../src/artifacts/proxy-status/parse-json.js';
import { proxySyncSchema } from '../../src/artifacts/proxy-status/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture } from './helpers.js';

const single = fixture('multiXdsStatusSinglePilot.json');

/** A second istiod's response, as istioctl ≥ 1.30 prints it after the first (jsonpb, 4-space indent). */
const secondIstiod = JSON.stringify(
  {
    versionInfo: '1.30.0',
    resources: [
      {
        '@type': 'type.googleapis.com/envoy.service.status.v3.ClientConfig',
        node: { id: 'productpage-v1-d5789fdfb-6x7b9.default', metadata: { CLUSTER_ID: 'Kubernetes', ISTIO_VERSION: '1.30.0', NAMESPACE: 'default' } },
        genericXdsConfigs: [
          { typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener', configStatus: 'ERROR', lastUpdated: '2026-03-09T10:00:00Z' },
          { typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', configStatus: 'UNKNOWN' },
          { typeUrl: 'type.googleapis.com/istio.workload.Address', configStatus: 'SYNCED' },
          { typeUrl: 'type.googleapis.com/example.Custom', configStatus: 'SYNCED' },
        ],
      },
    ],
    typeUrl: 'type.googleapis.com/envoy.service.status.v3.ClientConfig',
    controlPlane: { identifier: '{"Component":"istiod","ID":"istiod-7d4885fc54-lzx9z","Info":{"version":"1.30.0"}}' },
  },
  null,
  4,
);

describe('parseProxyStatusJson (istioctl ≥ 1.30 -o json)', () => {
  it('reads multiXdsStatusSinglePilot.json from istioctl testdata', () => {
    const data = parseProxyStatusJson(single);
    expect(data.source).toBe('proxy-status-json');
    expect(data.perTypeStatus).toBe(true);
    expect(data.proxies).toEqual([
      {
        pointer: '/0/resources/0',
        id: 'proxy1',
        pod: 'proxy1',
        cluster: 'cluster1',
        version: '1.20',
        istiod: 'istiod1',
        statuses: [
          { type: 'CDS', status: 'STALE' },
          { type: 'LDS', status: 'SYNCED' },
          { type: 'RDS', status: 'NOT SENT' },
          { type: 'EDS', status: 'SYNCED' },
          { type: 'ECDS', status: 'SYNCED' },
        ],
      },
    ]);
    expect(validateValue(proxySyncSchema, data)).toEqual([]);
  });

  it('reads concatenated documents (one per istiod) with pointers per document', () => {
    const data = parseProxyStatusJson(`${single}${secondIstiod}\n`);
    expect(data.proxies.map((p) => [p.pointer, p.istiod])).toEqual([
      ['/0/resources/0', 'istiod1'],
      ['/1/resources/0', 'istiod-7d4885fc54-lzx9z'],
    ]);
    const second = data.proxies[1]!;
    expect(second).toMatchObject({ pod: 'productpage-v1-d5789fdfb-6x7b9', namespace: 'default', cluster: 'Kubernetes', version: '1.30.0' });
    // ERROR stays ERROR, UNKNOWN (not subscribed) reads IGNORED, known URLs shorten, unknown ones stay whole.
    expect(second.statuses).toEqual([
      { type: 'LDS', status: 'ERROR' },
      { type: 'CDS', status: 'IGNORED' },
      { type: 'WDS', status: 'SYNCED' },
      { type: 'type.googleapis.com/example.Custom', status: 'SYNCED' },
    ]);
  });

  it('a response without controlPlane leaves the proxies\' istiod out, not present and undefined', () => {
    const anonymous = JSON.parse(single) as Record<string, unknown>;
    delete anonymous.controlPlane;
    const [row] = parseProxyStatusJson(JSON.stringify(anonymous)).proxies;
    expect(row).toMatchObject({ pod: expect.any(String) });
    expect(row).not.toHaveProperty('istiod');
  });

  it('splits documents written back to back without a newline, braces inside strings ignored', () => {
    const docs = splitConcatenatedJson('{"a":"}{"}{"b":"\\"{"}');
    expect(docs).toEqual([{ a: '}{' }, { b: '"{' }]);
  });

  it('refuses a truncated document', () => {
    expect(() => parseProxyStatusJson(single.slice(0, 300))).toThrow(ArtifactParseError);
    expect(() => parseProxyStatusJson(single.slice(0, 300))).toThrow(/not closed \(truncated file\?\)/);
  });

  it('refuses text between documents and names its line', () => {
    const lines = single.split('\n').length; // the fixture ends with a newline
    let error: unknown;
    try {
      parseProxyStatusJson(`${single}Warning: something else\n`);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactParseError);
    expect((error as ArtifactParseError).message).toBe('unexpected "W" between JSON documents');
    expect((error as ArtifactParseError).line).toBe(lines);
  });

  it('a malformed first document throws with the line of the fault', () => {
    const text = '{\n    "versionInfo": "1.1",\n    "resources": [],\n}\n';
    let error: unknown;
    try {
      parseProxyStatusJson(text);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactParseError);
    expect((error as ArtifactParseError).message).toMatch(/^malformed JSON: /);
    expect((error as ArtifactParseError).line).toBe(4);
  });
});
