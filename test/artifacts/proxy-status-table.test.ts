import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { parseProxyStatusTable } from '../../src/artifacts/proxy-status/parse-table.js';
import { fixture, tabwrite } from './helpers.js';

function parseError(text: string): ArtifactParseError {
  try {
    parseProxyStatusTable(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactParseError);
    return error as ArtifactParseError;
  }
  throw new Error('expected parseProxyStatusTable to throw');
}

describe('parseProxyStatusTable: istioctl ≥ 1.27 default (SUBSCRIBED TYPES, no status)', () => {
  it('reads multiXdsStatusSinglePilot.txt from istioctl testdata', () => {
    const data = parseProxyStatusTable(fixture('multiXdsStatusSinglePilot.txt'));
    expect(data.source).toBe('proxy-status-table');
    expect(data.header).toBe('NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES');
    expect(data.perTypeStatus).toBe(false);
    expect(data.proxies).toEqual([
      { line: 2, id: 'proxy1', pod: 'proxy1', cluster: 'cluster1', istiod: 'istiod1', version: '1.20', statuses: [], subscribedTypes: ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] },
      { line: 3, id: 'proxy2', pod: 'proxy2', cluster: 'cluster2', istiod: 'istiod1', version: '1.20', statuses: [], subscribedTypes: ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] },
    ]);
  });

  it('reads multiXdsStatusMultiPilot.txt, including a proxy subscribed to nothing ("0")', () => {
    const data = parseProxyStatusTable(fixture('multiXdsStatusMultiPilot.txt'));
    expect(data.perTypeStatus).toBe(false);
    expect(data.proxies.map((p) => [p.line, p.id, p.cluster, p.istiod, p.version])).toEqual([
      [2, 'proxy1', 'cluster1', 'istiod1', '1.20'],
      [3, 'proxy2', 'cluster2', 'istiod2', '1.19'],
      [4, 'proxy3', 'cluster3', 'istiod3', '1.20'],
      [5, 'proxy4', 'cluster4', 'istiod4', '1.20'],
    ]);
    expect(data.proxies[3]!.subscribedTypes).toEqual([]);
    expect(data.proxies[0]!.namespace).toBeUndefined(); // "proxy1" has no ".<namespace>"
  });

  it('prints only the header when there are no proxies (1.27.1+)', () => {
    const data = parseProxyStatusTable(tabwrite([['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES']]));
    expect(data.proxies).toEqual([]);
    expect(data.perTypeStatus).toBe(false);
  });
});

describe('parseProxyStatusTable: istioctl ≥ 1.27 --verbosity 1 (types sorted by URL)', () => {
  it('reads multiXdsStatusMultiPilot_verbose.txt with per-type statuses in header order', () => {
    const data = parseProxyStatusTable(fixture('multiXdsStatusMultiPilot_verbose.txt'));
    expect(data.header).toBe('NAME CLUSTER CDS ECDS EDS LDS RDS ISTIOD VERSION');
    expect(data.perTypeStatus).toBe(true);
    expect(data.proxies).toHaveLength(1);
    const [proxy] = data.proxies;
    expect(proxy).toMatchObject({ line: 2, id: 'proxy1', cluster: 'cluster1', istiod: 'istiod1', version: '1.20' });
    expect(proxy!.statuses).toEqual([
      { type: 'CDS', status: 'STALE' },
      { type: 'ECDS', status: 'SYNCED' },
      { type: 'EDS', status: 'SYNCED' },
      { type: 'LDS', status: 'SYNCED' },
      { type: 'RDS', status: 'NOT SENT' },
    ]);
    expect(proxy!.subscribedTypes).toBeUndefined();
  });
});

describe('parseProxyStatusTable: istioctl 1.6 (PILOT column)', () => {
  const text = tabwrite([
    ['NAME', 'CDS', 'LDS', 'EDS', 'RDS', 'PILOT', 'VERSION'],
    ['details-v1-558b8b4b76-mvx7c.default', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-8495d444bb-5n8wq', '1.6.8'],
    ['istio-ingressgateway-5d869f5bbf-bfc8d.istio-system', 'SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT', 'istiod-8495d444bb-5n8wq', '1.6.8'],
  ]);

  it('maps PILOT to istiod and splits <pod>.<namespace>', () => {
    const data = parseProxyStatusTable(text);
    expect(data.header).toBe('NAME CDS LDS EDS RDS PILOT VERSION');
    expect(data.perTypeStatus).toBe(true);
    expect(data.proxies[0]).toEqual({
      line: 2,
      id: 'details-v1-558b8b4b76-mvx7c.default',
      pod: 'details-v1-558b8b4b76-mvx7c',
      namespace: 'default',
      istiod: 'istiod-8495d444bb-5n8wq',
      version: '1.6.8',
      statuses: [
        { type: 'CDS', status: 'SYNCED' },
        { type: 'LDS', status: 'SYNCED' },
        { type: 'EDS', status: 'SYNCED' },
        { type: 'RDS', status: 'SYNCED' },
      ],
    });
    expect(data.proxies[1]).toMatchObject({ line: 3, pod: 'istio-ingressgateway-5d869f5bbf-bfc8d', namespace: 'istio-system' });
    expect(data.proxies[1]!.statuses.map((s) => s.status)).toEqual(['SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT']);
    expect(data.proxies[1]!.cluster).toBeUndefined();
  });

  it('uses the tabwriter layout with 5-space minimum padding', () => {
    // Guard on the helper itself: the widest NAME cell is followed by exactly five blanks.
    const widest = 'istio-ingressgateway-5d869f5bbf-bfc8d.istio-system';
    expect(text.split('\n')[2]!.startsWith(`${widest}     SYNCED`)).toBe(true);
  });
});

describe('parseProxyStatusTable: istioctl 1.8–1.12 (ISTIOD column)', () => {
  it('keeps the legacy "STALE (Never Acknowledged)" note and the "<proxy_version>*" fallback', () => {
    const text = tabwrite([
      ['NAME', 'CDS', 'LDS', 'EDS', 'RDS', 'ISTIOD', 'VERSION'],
      ['productpage-v1-6b746f74dc-9stvs.bookinfo', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-7cf8d6b7c4-qkz6l', '1.10.3'],
      ['ratings-v1-b6994bb9-gl5mq.bookinfo', 'STALE (Never Acknowledged)', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-7cf8d6b7c4-qkz6l', '1.9.0*'],
    ]);
    const data = parseProxyStatusTable(text);
    expect(data.header).toBe('NAME CDS LDS EDS RDS ISTIOD VERSION');
    expect(data.proxies[1]).toMatchObject({ line: 3, pod: 'ratings-v1-b6994bb9-gl5mq', namespace: 'bookinfo', istiod: 'istiod-7cf8d6b7c4-qkz6l', version: '1.9.0*' });
    expect(data.proxies[1]!.statuses[0]).toEqual({ type: 'CDS', status: 'STALE', note: 'Never Acknowledged' });
    expect(data.proxies[1]!.statuses.slice(1).every((s) => s.status === 'SYNCED' && s.note === undefined)).toBe(true);
  });
});

describe('parseProxyStatusTable: istioctl 1.14–1.26 (CLUSTER and ECDS columns)', () => {
  const rows = [
    ['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION'],
    ['istio-ingressgateway-7d6874b48f-qxhn5.istio-system', 'Kubernetes', 'SYNCED (2m3s)', 'SYNCED (2m3s)', 'SYNCED (95s)', 'NOT SENT', 'NOT SENT', 'istiod-7d4885fc54-lzx9z', '1.24.2'],
    ['productpage-v1-d5789fdfb-6x7b9.default', 'Kubernetes', 'SYNCED (2m3s)', 'STALE (14m)', 'SYNCED (2m3s)', 'SYNCED (2m3s)', 'NOT SENT', 'istiod-7d4885fc54-lzx9z', '1.24.2'],
    ['reviews-v2-5b667bcbf8-qnvb4.default', 'Kubernetes', 'STALE (Never Acknowledged)', 'SYNCED', 'ERROR', 'SYNCED', 'NOT SENT', 'istiod-7d4885fc54-lzx9z', '1.22.0'],
    ['ztunnel-8nx5d.istio-system', 'Kubernetes', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', 'istiod-7d4885fc54-lzx9z', '1.24.2'],
  ];
  const data = parseProxyStatusTable(tabwrite(rows));

  it('keeps the header as printed (single-spaced) and reads one row per proxy with its line', () => {
    expect(data.header).toBe('NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION');
    expect(data.perTypeStatus).toBe(true);
    expect(data.proxies.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(data.proxies.map((p) => `${p.namespace}/${p.pod}`)).toEqual([
      'istio-system/istio-ingressgateway-7d6874b48f-qxhn5',
      'default/productpage-v1-d5789fdfb-6x7b9',
      'default/reviews-v2-5b667bcbf8-qnvb4',
      'istio-system/ztunnel-8nx5d',
    ]);
    expect(data.proxies.every((p) => p.cluster === 'Kubernetes' && p.istiod === 'istiod-7d4885fc54-lzx9z')).toBe(true);
  });

  it('splits the age suffix (istiod ≥ 1.24) into note, keeping status words that contain a space', () => {
    expect(data.proxies[0]!.statuses).toEqual([
      { type: 'CDS', status: 'SYNCED', note: '2m3s' },
      { type: 'LDS', status: 'SYNCED', note: '2m3s' },
      { type: 'EDS', status: 'SYNCED', note: '95s' },
      { type: 'RDS', status: 'NOT SENT' },
      { type: 'ECDS', status: 'NOT SENT' },
    ]);
    expect(data.proxies[1]!.statuses[1]).toEqual({ type: 'LDS', status: 'STALE', note: '14m' });
  });

  it('reads ERROR, IGNORED and STALE (Never Acknowledged)', () => {
    expect(data.proxies[2]!.statuses.map((s) => s.status)).toEqual(['STALE', 'SYNCED', 'ERROR', 'SYNCED', 'NOT SENT']);
    expect(data.proxies[2]!.statuses[0]!.note).toBe('Never Acknowledged');
    expect(data.proxies[2]!.version).toBe('1.22.0');
    expect(new Set(data.proxies[3]!.statuses.map((s) => s.status))).toEqual(new Set(['IGNORED']));
  });

  it('reads an empty CLUSTER cell by the header offsets', () => {
    const text = tabwrite([rows[0]!, ['details-v1-79f774bdb9-bgkkx.default', '', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT', 'istiod-7d4885fc54-lzx9z', '1.14.1']]);
    const [proxy] = parseProxyStatusTable(text).proxies;
    expect(proxy!.cluster).toBeUndefined();
    expect(proxy!.istiod).toBe('istiod-7d4885fc54-lzx9z');
    expect(proxy!.version).toBe('1.14.1');
    expect(proxy!.statuses.map((s) => s.status)).toEqual(['SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'NOT SENT']);
  });

  it('accepts CRLF line ends, ANSI colour codes and blank trailing lines', () => {
    const text = `\x1b[1m${tabwrite(rows.slice(0, 2))}\x1b[0m`.replace(/\n/g, '\r\n') + '\r\n\r\n';
    const parsed = parseProxyStatusTable(text);
    expect(parsed.proxies).toHaveLength(1);
    expect(parsed.proxies[0]!.version).toBe('1.24.2');
  });
});

describe('parseProxyStatusTable: errors name the line', () => {
  const header = ['NAME', 'CDS', 'LDS', 'EDS', 'RDS', 'ISTIOD', 'VERSION'];
  const good = ['details-v1-558b8b4b76-mvx7c.default', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-8495d444bb-5n8wq', '1.10.3'];

  it('a row with too few columns throws an ArtifactParseError naming its line', () => {
    const text = tabwrite([header, good, ['ratings-v1-b6994bb9-gl5mq.default', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-8495d444bb-5n8wq', '1.10.3']]);
    const error = parseError(text);
    expect(error.line).toBe(3);
    expect(error.message).toContain('line 3');
  });

  it('a row whose NAME cell is blank throws the column-count error', () => {
    const text = tabwrite([header, good]) + `${' '.repeat(40)}SYNCED     SYNCED     SYNCED     SYNCED     istiod-8495d444bb-5n8wq     1.10.3\n`;
    const error = parseError(text);
    expect(error.line).toBe(3);
    expect(error.message).toBe('line 3 has 6 columns where the header has 7 (NAME, CDS, LDS, EDS, RDS, ISTIOD, VERSION)');
  });

  it('an unknown status word throws naming the line, the cell and the type', () => {
    const text = tabwrite([header, good, ['ratings-v1-b6994bb9-gl5mq.default', 'SYNCD', 'SYNCED', 'SYNCED', 'SYNCED', 'istiod-8495d444bb-5n8wq', '1.10.3']]);
    const error = parseError(text);
    expect(error.line).toBe(3);
    expect(error.message).toContain('"SYNCD" is not an xDS status for CDS');
  });

  it('text without a NAME header is refused', () => {
    const error = parseError('Error: failed to setup status print: no proxies found (checked 1 istiods)\n');
    expect(error.message).toBe('no proxy-status header line (starting with NAME) found');
  });

  it('a NAME header that is not proxy-status (e.g. kubectl get pods) is refused with its line', () => {
    const error = parseError('NAME                      READY   STATUS    RESTARTS   AGE\nistiod-7d4885fc54-lzx9z   1/1     Running   0          3d\n');
    expect(error.line).toBe(1);
    expect(error.message).toContain('unrecognised proxy-status header');
  });

  it('a NAME header with VERSION but no ISTIOD or PILOT column (kubectl get nodes) is refused too', () => {
    const error = parseError('NAME                 STATUS   ROLES           AGE   VERSION\nkind-control-plane   Ready    control-plane   12d   v1.33.1\n');
    expect(error.message).toBe('unrecognised proxy-status header: NAME                 STATUS   ROLES           AGE   VERSION');
  });
});
