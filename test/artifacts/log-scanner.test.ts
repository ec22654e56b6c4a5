import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { parseTextAccessLine } from '../../src/artifacts/logs/access-log.js';
import { logSummarySchema, type LogSummary } from '../../src/artifacts/logs/schema.js';
import { LogScanner, MAX_LINE_CHARS } from '../../src/artifacts/logs/scanner.js';
import { LOG_SIGNATURES, type SignatureId } from '../../src/artifacts/logs/signatures.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture, fixtureLines } from './helpers.js';

function scan(lines: string[]): LogSummary {
  const scanner = new LogScanner('istio-proxy');
  lines.forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

/** The breakdown's keys and counts, for tests about what is counted rather than which lines are kept. */
function keyCounts(breakdown: ReadonlyArray<{ key: string; count: number }> | undefined) {
  return breakdown?.map(({ key, count }) => ({ key, count }));
}

/**
 * Signature ids that fire on one line, whether it is an access line or a message. A line no Envoy
 * or Istio component writes, matching no signature either, makes the scan refuse the log: none fire.
 */
function firing(line: string): SignatureId[] {
  try {
    return Object.keys(scan([line]).signatures).sort() as SignatureId[];
  } catch (error) {
    if (error instanceof ArtifactParseError) return [];
    throw error;
  }
}

const ACCESS = fixtureLines('istio-proxy-access-text.log');
const HEALTHY_200 = fixtureLines('istio-proxy-access-json.log')[1]!;

/** Access lines in the ≥ 1.9 default layout for flags the corpus has no line of (same fields as ACCESS[0]). */
const UH_LINE =
  '[2023-03-14T09:21:07.512Z] "GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl/7.88.1" "2f0f9a6e-8a43-4c07-b8ef-3c2d1c0b6a11" "productpage:9080" "-" outbound|9080||productpage.default.svc.cluster.local - 10.96.114.12:9080 10.244.0.23:51320 - default';
const HTTP_NR_LINE =
  '[2023-03-14T09:21:08.001Z] "GET /nope HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl/7.88.1" "8c1d6b0e-3f4e-4b57-a2f1-0d9e8c7b6a22" "productpage:9080" "-" - - 10.96.114.12:9080 10.244.0.23:51322 - -';
const TCP_NR_LINE =
  '[2023-03-14T09:21:09.120Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 10.96.0.10:5432 10.244.0.23:51330 - -';
/** A TCP connection that closed cleanly, ≥ 1.9 default layout (as TCP_NR_LINE): no flags, no response code details. */
const TCP_OK_LINE =
  '[2023-03-14T09:21:10.342Z] "- - -" 0 - - - "-" 1057 4219 30012 - "-" "-" "-" "-" "10.244.0.31:5432" outbound|5432||postgres.default.svc.cluster.local 10.244.0.23:38120 10.96.0.10:5432 10.244.0.23:51340 - -';

describe('LogScanner on the corpus access log', () => {
  const summary = scan(fixture('istio-proxy-access-text.log').split('\n'));

  it('counts requests, failures, flags and status classes', () => {
    expect(summary.lines).toBe(10); // nine lines and the empty string after the final newline
    const { series, ...access } = summary.access;
    expect(access).toEqual({
      requests: 9,
      // L3, L4 (5xx), L5, L6 (RBAC 403), L7–L9 (TCP with failure flags); the two 418s are not failures
      failed: 7,
      byFlag: { UF: 5, URX: 5 },
      byStatusClass: { '4xx': 4, '5xx': 2, 'no response': 3 },
      // outbound clusters to `<svc>.<ns>.svc.…` (L1, L3, L9); httpbin.org and mymongodb.somedomain name no namespace
      byUpstreamNamespace: { default: 1, foo: 1, istio: 1 },
      // every outbound cluster's host, with or without a namespace: what a tailored Sidecar must keep
      byUpstreamHost: { 'httpbin.foo.svc.cluster.local': 1, 'httpbin.org': 1, 'mymongodb.somedomain': 1, 'productpage.istio.svc.cluster.local': 1, 'redis.default.svc.cluster.local': 1 },
    });
    // Every line has its time: the per-minute series (log-scanner-series.test.ts) holds all nine, the seven failures too.
    const minutes = series!.flatMap((s) => s.minutes);
    expect([minutes.reduce((n, m) => n + m.requests, 0), minutes.reduce((n, m) => n + m.failed, 0)]).toEqual([9, 7]);
    expect(summary.firstTimestamp).toBe('2020-09-12T13:38:23.077Z');
    expect(summary.lastTimestamp).toBe('2026-10-09T08:07:10.309Z');
    expect(validateValue(logSummarySchema, summary)).toEqual([]);
  });

  it('upstreamConnectError: the UF/URX lines that did not fail their TLS handshake (L3, L4 are tlsError\'s), broken down by upstream cluster', () => {
    const hits = summary.signatures.upstreamConnectError!;
    expect(hits.count).toBe(3);
    expect(hits.accessCount).toBe(3);
    expect(hits.first.line).toBe(7);
    expect(hits.last.line).toBe(9);
    expect(keyCounts(hits.breakdown)).toEqual([
      { key: 'outbound|27018||mymongodb.somedomain', count: 1 },
      { key: 'outbound|6379||redis.default.svc.cluster.local', count: 1 },
      { key: 'unknown destination', count: 1 }, // L8, custom format
    ]);
    expect(hits.breakdown.some((b) => b.key.includes('productpage'))).toBe(false);
  });

  it('keeps, per breakdown key, its own first and last line and time span: the evidence for one target', () => {
    const hits = summary.signatures.upstreamConnectError!;
    const redis = hits.breakdown.find((b) => b.key === 'outbound|6379||redis.default.svc.cluster.local')!;
    expect(redis).toMatchObject({ count: 1, accessCount: 1, first: { line: 9 }, last: { line: 9 }, firstTime: '2020-09-12T13:38:23.077Z', lastTime: '2020-09-12T13:38:23.077Z' });
    expect(redis.first.text).toContain('redis.default.svc.cluster.local');
    const mongo = hits.breakdown.find((b) => b.key === 'outbound|27018||mymongodb.somedomain')!;
    expect(mongo).toMatchObject({ first: { line: 7 }, last: { line: 7 }, firstTime: '2024-01-27T14:15:24.881Z' });
    // the signature's span covers every key's: lines are out of time order in this file
    expect(hits).toMatchObject({ firstTime: '2020-09-12T13:38:23.077Z', lastTime: '2024-01-27T14:15:24.881Z' });
  });

  it('per-key lines are cut to 2 KiB and each key counts its own matches', () => {
    const long = (n: number, cluster: string) =>
      `[2024-01-27T14:15:2${n}.881Z] "- - -" 0 UF,URX - - "-" 0 0 10000 - "-" "${'x'.repeat(3000)}" "-" "-" "10.43.0.1:27018" ${cluster} - 240.240.40.99:27018 10.42.0.10:34145 - -`; // a 3,000-character user agent
    const result = scan([long(1, 'outbound|27018||a.ns.svc.cluster.local'), long(2, 'outbound|27018||b.ns.svc.cluster.local'), long(3, 'outbound|27018||a.ns.svc.cluster.local')]);
    const a = result.signatures.upstreamConnectError!.breakdown.find((b) => b.key.includes('|a.'))!;
    expect(a).toMatchObject({ count: 2, first: { line: 1 }, last: { line: 3 }, firstTime: '2024-01-27T14:15:21.881Z', lastTime: '2024-01-27T14:15:23.881Z' });
    expect(a.first.text.length).toBe(2048);
    expect(a.last.text.length).toBe(2048);
    expect(result.signatures.upstreamConnectError!.last.text.length).toBeGreaterThan(3000);
  });

  it('tlsError: both TLS transport failures (old and new BoringSSL forms)', () => {
    const hits = summary.signatures.tlsError!;
    expect(hits.count).toBe(2);
    expect([hits.first.line, hits.last.line]).toEqual([3, 4]);
    expect(hits.breakdown.map((b) => b.key)).toContain('268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end');
  });

  it('rbacDenied: both 403s, keyed by policy, `[none]` spelled out', () => {
    const hits = summary.signatures.rbacDenied!;
    expect(hits.count).toBe(2);
    expect(keyCounts(hits.breakdown)).toEqual([
      { key: 'no ALLOW policy matched (policy[none])', count: 1 },
      { key: 'ns[starfleet]-policy[probe-deny-status]-rule[0]', count: 1 },
    ]);
  });

  it('no ownIp when the lines come from several pods (no majority)', () => {
    expect(summary.access.ownIp).toBeUndefined();
    expect(Object.keys(summary.signatures).sort()).toEqual(['rbacDenied', 'tlsError', 'upstreamConnectError']);
  });
});

describe('LogScanner on the corpus JSON access log', () => {
  it('counts the JSON lines the same way', () => {
    const summary = scan(fixtureLines('istio-proxy-access-json.log'));
    expect(summary.access.requests).toBe(4);
    expect(summary.access.failed).toBe(2); // 503 UC and the TCP UF,URX
    expect(summary.access.byFlag).toEqual({ UC: 1, UF: 1, URX: 1 });
    expect(summary.access.byStatusClass).toEqual({ '2xx': 2, '5xx': 1, 'no response': 1 });
    // UF,URX (TCP, with its cluster) and the reset-before-response UC (a line without cluster or authority)
    expect(summary.signatures.upstreamConnectError?.count).toBe(2);
    expect(keyCounts(summary.signatures.upstreamConnectError?.breakdown)).toEqual([
      { key: 'outbound|7600||keycloak-headless.our_ns.svc.cluster.local', count: 1 },
      { key: 'unknown destination', count: 1 },
    ]);
  });
});

describe('signatures on the Envoy local-reply bodies', () => {
  const summary = scan(fixtureLines('envoy-local-reply-bodies.txt'));

  it('upstreamConnectError fires on every "upstream connect error" body but those whose transport failure is TLS (tlsError\'s), keyed by reset reason', () => {
    const hits = summary.signatures.upstreamConnectError!;
    expect(hits.count).toBe(6);
    expect(hits.accessCount).toBe(0);
    expect(hits.first.line).toBe(7);
    expect(keyCounts(hits.breakdown)).toEqual([
      { key: 'connection failure', count: 1 },
      { key: 'connection termination', count: 1 },
      { key: 'connection timeout', count: 1 },
      { key: 'overflow', count: 1 },
      { key: 'protocol error', count: 1 },
      { key: 'remote connection failure', count: 1 },
    ]);
  });

  it('tlsError fires on the six TLS bodies, not on `delayed connect error`', () => {
    const hits = summary.signatures.tlsError!;
    expect(hits.count).toBe(6);
    expect([hits.first.line, hits.last.line]).toEqual([1, 6]);
    expect(keyCounts(hits.breakdown)).toEqual([
      { key: 'CERTIFICATE_VERIFY_FAILED', count: 3 },
      { key: 'TLS error:', count: 2 },
      { key: 'WRONG_VERSION_NUMBER', count: 1 },
    ]);
  });

  it('"no healthy upstream" and "RBAC: access denied" bodies fire their signatures once each', () => {
    expect(summary.signatures.noHealthyUpstream).toMatchObject({ count: 1, first: { line: 13, text: 'no healthy upstream' } });
    expect(summary.signatures.rbacDenied).toMatchObject({ count: 1, first: { line: 14, text: 'RBAC: access denied' } });
  });

  it('"upstream request timeout" and "envoy overloaded" match no signature', () => {
    expect(firing('upstream request timeout')).toEqual([]);
    expect(firing('envoy overloaded')).toEqual([]);
  });
});

describe('signatures on pilot-agent / Envoy log lines', () => {
  it('tlsError fires on the sidecar that cannot get its certificate (x509 unknown authority)', () => {
    const summary = scan(fixture('istio-proxy-startup-cert-failure.log').split('\n'));
    expect(summary.signatures.tlsError).toMatchObject({ count: 4, accessCount: 0, first: { line: 7 }, last: { line: 11 }, breakdown: [{ key: 'x509: certificate', count: 4 }] });
    expect(summary.levels).toEqual({ error: 0, warn: 8 });
    expect(summary.access.requests).toBe(0);
    expect(summary.firstTimestamp).toBe('2023-05-04T10:13:28.905589Z');
    expect(summary.lastTimestamp).toBe('2023-05-05T00:53:44.425989Z');
  });

  it('xDS stream closes (incl. `14, no healthy upstream`) are not data-plane signatures', () => {
    const summary = scan(fixtureLines('istio-proxy-xds-stream.log'));
    // LOG008's signature only: none of LOG001–LOG005's (data-plane) signatures
    expect(Object.keys(summary.signatures)).toEqual(['xdsStreamClosed']);
    expect(summary.signatures.xdsStreamClosed?.count).toBe(8);
    expect(summary.levels.warn).toBe(4); // levelled lines only; the `20XX-` and bracketed lines have no ISO prefix
    expect(firing('2019-07-19T16:14:31.920000Z\twarning\tenvoy config\tgRPC config stream closed: 14, no healthy upstream')).toEqual(['xdsStreamClosed']);
  });

  it('counts error-level lines (LDS bind failure)', () => {
    const summary = scan(fixtureLines('istio-proxy-lds-reject.log'));
    expect(summary.levels.error).toBe(1);
    // the step-4 signatures of bind failures, NACKs and readiness; no data-plane signature
    expect(Object.keys(summary.signatures).sort()).toEqual(['bindFailure', 'configRejected', 'proxyNotReady']);
    expect(summary.signatures.configRejected?.count).toBe(4);
  });

  it('noRouteMatched fires on the router debug line with the URL as key', () => {
    const line = "2023-03-14T09:21:08.001000Z\tdebug\tenvoy router external/envoy/source/common/router/router.cc:469\t[C12][S9] no route match for URL '/nope'\tthread=21";
    expect(firing(line)).toEqual(['noRouteMatched']);
    expect(keyCounts(scan([line]).signatures.noRouteMatched?.breakdown)).toEqual([{ key: '/nope', count: 1 }]);
  });

  it('rbacDenied fires on the RBAC filter debug line, keyed by the policy it names as the access-log details are', () => {
    const none = '2023-03-14T09:21:08.001000Z\tdebug\tenvoy rbac\tenforced denied, matched policy none\tthread=21';
    const named = '2023-03-14T09:21:09.001000Z\tdebug\tenvoy rbac\tenforced denied, matched policy ns[foo]-policy[deny-all]-rule[0]\tthread=21';
    const bare = '2023-03-14T09:21:10.001000Z\tdebug\tenvoy rbac\tenforced denied\tthread=21';
    expect(firing(none)).toEqual(['rbacDenied']);
    expect(keyCounts(scan([none, named, named, bare]).signatures.rbacDenied?.breakdown)).toEqual([
      { key: 'ns[foo]-policy[deny-all]-rule[0]', count: 2 },
      { key: 'enforced denied', count: 1 },
      { key: 'no ALLOW policy matched (policy[none])', count: 1 },
    ]);
  });
});

describe('signatures on access lines, and where they must not fire', () => {
  it('a healthy 200 matches nothing (TEXT and JSON)', () => {
    expect(firing(ACCESS[0]!.replace('" 418 ', '" 200 '))).toEqual([]);
    expect(firing(HEALTHY_200)).toEqual([]);
    expect(scan([HEALTHY_200]).access.failed).toBe(0);
  });

  it('UH / no_healthy_upstream → noHealthyUpstream keyed by cluster', () => {
    const summary = scan([UH_LINE]);
    expect(Object.keys(summary.signatures)).toEqual(['noHealthyUpstream']);
    expect(keyCounts(summary.signatures.noHealthyUpstream?.breakdown)).toEqual([{ key: 'outbound|9080||productpage.default.svc.cluster.local', count: 1 }]);
    expect(summary.access.failed).toBe(1);
  });

  it('HTTP NR / route_not_found → noRouteMatched keyed by method, authority and path', () => {
    const summary = scan([HTTP_NR_LINE]);
    expect(Object.keys(summary.signatures)).toEqual(['noRouteMatched']);
    expect(keyCounts(summary.signatures.noRouteMatched?.breakdown)).toEqual([{ key: 'GET productpage:9080/nope', count: 1 }]);
    expect(summary.access.failed).toBe(1); // 404 from Envoy itself, not from the app
  });

  it('a TCP NR (no filter chain) still counts as a failed connection', () => {
    const summary = scan([TCP_NR_LINE]);
    expect(summary.access.failed).toBe(1);
    expect(summary.access.byStatusClass).toEqual({ 'no response': 1 });
    expect(summary.access.byFlag).toEqual({ NR: 1 });
  });

  it('matchAccess of each signature on a clean TCP connection, which has no response details: none', () => {
    const record = parseTextAccessLine(TCP_OK_LINE)!;
    expect(record).toMatchObject({ code: 0, flags: [], details: undefined, upstreamCluster: 'outbound|5432||postgres.default.svc.cluster.local' });
    expect(LOG_SIGNATURES.filter((s) => s.matchAccess(record) !== undefined).map((s) => s.id)).toEqual([]);
  });

  it('matchAccess of each signature on a parsed UF line: only upstreamConnectError', () => {
    const record = parseTextAccessLine(ACCESS[6]!)!;
    expect(LOG_SIGNATURES.filter((s) => s.matchAccess(record) !== undefined).map((s) => s.id)).toEqual(['upstreamConnectError']);
  });
});

describe('LogScanner bookkeeping', () => {
  it('infers the pod IP from its own addresses when one IP has the majority', () => {
    // sleep (10.44.1.23) twice outbound, httpbin's inbound line once: 10.44.1.23 has 2 of 3 votes.
    expect(scan([ACCESS[0]!, ACCESS[0]!, ACCESS[1]!]).access.ownIp).toBe('10.44.1.23');
    expect(scan([ACCESS[1]!]).access.ownIp).toBe('10.44.1.27');
    // one vote each: no majority
    expect(scan([ACCESS[0]!, ACCESS[1]!]).access).not.toHaveProperty('ownIp'); // a tie: no key at all, not one holding undefined
  });

  it('cuts over-long lines for matching and counts them', () => {
    const long = `${'x'.repeat(MAX_LINE_CHARS + 10)} no healthy upstream`;
    const summary = scan([long, 'no healthy upstream']);
    expect(summary.longLines).toBe(1);
    expect(summary.signatures.noHealthyUpstream?.count).toBe(1); // the tail beyond the cut is not seen
    expect(summary.signatures.noHealthyUpstream?.first.line).toBe(2);
  });

  it('keeps first and last evidence lines and counts every hit', () => {
    const summary = scan(['no healthy upstream', 'info', 'no healthy upstream', 'no healthy upstream']);
    expect(summary.signatures.noHealthyUpstream).toMatchObject({ count: 3, first: { line: 1 }, last: { line: 4 } });
  });
});

describe('coloured log lines', () => {
  it('reads a line whose level and message a coloured logger wrapped in ANSI escapes as the plain line', () => {
    const plain = '2025-03-11T09:37:26.961000Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 40s ago: 14, connection error: desc = "transport: Error while dialing dial tcp 10.96.0.10:15012: i/o timeout"';
    const coloured = plain.replace('\twarning\t', '\t\x1b[33mwarning\x1b[0m\t').replace('StreamAggregated', '\x1b[1mStreamAggregated').replace(/"$/, '"\x1b[0m');
    const a = scan([plain]);
    const b = scan([coloured]);
    expect(b.levels).toEqual(a.levels);
    expect(b.levels.warn).toBe(1);
    expect(keyCounts(b.signatures.xdsStreamClosed?.breakdown)).toEqual([{ key: '14, i/o timeout (sustained)', count: 1 }]);
    expect(b.signatures.xdsStreamClosed?.first.text).toBe(plain);
  });
});
