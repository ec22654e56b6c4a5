import { describe, expect, it } from 'vitest';
import { hostOf, isTextAccessLine, parseJsonAccessLine, parseTextAccessLine, type AccessRecord } from '../../src/artifacts/logs/access-log.js';
import { fixtureLines } from './helpers.js';

const TEXT = fixtureLines('istio-proxy-access-text.log');
const JSON_LINES = fixtureLines('istio-proxy-access-json.log');

function text(index: number): AccessRecord {
  const record = parseTextAccessLine(TEXT[index]!);
  if (!record) throw new Error(`line ${index + 1} did not parse`);
  return record;
}

function json(index: number): AccessRecord {
  const record = parseJsonAccessLine(JSON_LINES[index]!);
  if (!record) throw new Error(`line ${index + 1} did not parse`);
  return record;
}

describe('TEXT access log (Istio default format, every era)', () => {
  it('the fixture has the nine documented lines and each is recognised as an access line', () => {
    expect(TEXT).toHaveLength(9);
    expect(TEXT.every(isTextAccessLine)).toBe(true);
  });

  it('L1: outbound 418 via_upstream (istio.io sleep → httpbin, ≥ 1.9 layout)', () => {
    expect(text(0)).toEqual({
      time: '2020-11-25T21:26:18.409Z',
      method: 'GET',
      path: '/status/418',
      code: 418,
      flags: [],
      details: 'via_upstream',
      authority: 'httpbin:8000',
      upstreamHost: '10.44.1.27:80',
      upstreamCluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
      downstreamLocal: '10.0.45.184:8000',
      downstreamRemote: '10.44.1.23:46520',
    });
  });

  it('L2: the same request seen inbound by httpbin', () => {
    expect(text(1)).toMatchObject({ code: 418, upstreamCluster: 'inbound|8000||', downstreamLocal: '10.44.1.27:80', downstreamRemote: '10.44.1.23:37652' });
  });

  it('L3: 503 UF,URX with the old `TLS error:` transport failure', () => {
    const r = text(2);
    expect(r.code).toBe(503);
    expect(new Set(r.flags)).toEqual(new Set(['UF', 'URX']));
    expect(r.details).toBe('upstream_reset_before_response_started{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED}');
    expect(r.transportFailure).toBe('TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED');
    expect(r.authority).toBe('productpage.istio.svc.cluster.local:9080');
    expect(r.upstreamCluster).toBe('outbound|9080||productpage.istio.svc.cluster.local');
  });

  it('L4: flags in the newer order (URX,UF) are the same set; new `TLS_error:|…:TLS_error_end` form', () => {
    const r = text(3);
    expect(r.flags).toEqual(['URX', 'UF']);
    expect(new Set(r.flags)).toEqual(new Set(text(2).flags));
    expect(r.transportFailure).toBe('TLS_error:|268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end');
    expect(r.authority).toBe('httpbin.org');
    expect(r.upstreamCluster).toBe('outbound|80||httpbin.org');
  });

  it('L5–L6: 403 RBAC denials keep the nested `[…]` of the policy in details', () => {
    expect(text(4)).toMatchObject({ code: 403, flags: [], details: 'rbac_access_denied_matched_policy[ns[starfleet]-policy[probe-deny-status]-rule[0]]', authority: 'probe:8000', upstreamCluster: 'inbound|8080||' });
    expect(text(4).upstreamHost).toBeUndefined(); // "-"
    expect(text(5).details).toBe('rbac_access_denied_matched_policy[none]');
  });

  it('L7: TCP connection `"- - -" 0 UF,URX`: code 0, no authority', () => {
    const r = text(6);
    expect(r.code).toBe(0);
    expect(new Set(r.flags)).toEqual(new Set(['UF', 'URX']));
    expect(r.details).toBeUndefined();
    expect(r.authority).toBeUndefined();
    expect(r.upstreamHost).toBe('10.43.0.1:27018');
    expect(r.upstreamCluster).toBe('outbound|27018||mymongodb.somedomain');
  });

  it('L8: a customised format (24 tokens) keeps only time, code and flags', () => {
    const r = text(7);
    expect(r.time).toBe('2022-10-18T20:16:39.453Z');
    expect(r.code).toBe(0);
    expect(r.flags).toEqual(['UF', 'URX']);
    for (const field of ['details', 'authority', 'upstreamHost', 'upstreamCluster', 'downstreamLocal', 'downstreamRemote', 'transportFailure'] as const) {
      expect(r[field], field).toBeUndefined();
    }
  });

  it('L9: the 1.5–1.8 layout (mixer status after the flags, 21 tokens) shifts the positions', () => {
    const r = text(8);
    expect(r).toMatchObject({ code: 0, flags: ['UF', 'URX'], upstreamHost: '10.1.1.24:6379', upstreamCluster: 'outbound|6379||redis.default.svc.cluster.local', downstreamLocal: '10.1.1.24:6379', downstreamRemote: '10.1.1.25:45940' });
    expect(r.details).toBeUndefined(); // no %RESPONSE_CODE_DETAILS% before 1.9
    expect(r.transportFailure).toBeUndefined(); // "-"
  });

  it('strips the `;` a ≥ 1.24 alt_stat_name leaves on %UPSTREAM_CLUSTER%', () => {
    const line = TEXT[0]!.replace('outbound|8000||httpbin.foo.svc.cluster.local', 'outbound|8000||httpbin.foo.svc.cluster.local;');
    expect(parseTextAccessLine(line)?.upstreamCluster).toBe('outbound|8000||httpbin.foo.svc.cluster.local');
  });

  it('is not fooled by Envoy application logs or pilot-agent lines', () => {
    expect(isTextAccessLine('[2019-07-19 16:14:31.920][36][warning][config] gRPC config stream closed: 14, no healthy upstream')).toBe(false);
    expect(isTextAccessLine('2023-05-04T10:13:28.905589Z\tinfo\tsds\tStarting SDS grpc server')).toBe(false);
    expect(parseTextAccessLine('[2020-11-25T21:26:18.409Z] "GET / HTTP/1.1" abc -')).toBeUndefined();
  });
});

describe('JSON access log (accessLogEncoding: JSON)', () => {
  it('L1: 200 inbound, keys in arbitrary order, null for unset', () => {
    expect(json(0)).toEqual({
      time: '2021-05-10T18:35:40.449Z',
      method: 'GET',
      path: '/',
      code: 200,
      flags: [],
      details: 'via_upstream',
      authority: '35.230.126.202',
      upstreamHost: '127.0.0.1:80',
      upstreamCluster: 'inbound|80||',
      downstreamLocal: '10.44.0.21:80',
      downstreamRemote: '10.138.15.205:23950',
    });
  });

  it('L2: 200 outbound to reviews', () => {
    expect(json(1)).toMatchObject({ code: 200, authority: 'reviews:9080', upstreamCluster: 'outbound|9080||reviews.default.svc.cluster.local', downstreamRemote: '10.1.0.223:42980' });
  });

  it('L3: 503 UC with reset details, no authority or cluster in the line', () => {
    const r = json(2);
    expect(r).toMatchObject({ code: 503, flags: ['UC'], method: 'PUT', details: 'upstream_reset_before_response_started{connection_termination}' });
    expect(r.authority).toBeUndefined();
    expect(r.upstreamCluster).toBeUndefined();
  });

  it('L4 (2019): every value a string and "-" for unset', () => {
    const r = json(3);
    expect(r.code).toBe(0);
    expect(new Set(r.flags)).toEqual(new Set(['UF', 'URX']));
    expect(r.upstreamCluster).toBe('outbound|7600||keycloak-headless.our_ns.svc.cluster.local');
    expect(r.authority).toBeUndefined();
    expect(r.method).toBeUndefined();
    expect(r.details).toBeUndefined();
  });

  it('only JSON that carries access-log keys is an access line', () => {
    expect(parseJsonAccessLine('{"level":"info","time":"2023-05-10T17:43:55.356626Z","msg":"FLAG: --log_as_json=\\"true\\""}')).toBeUndefined();
    expect(parseJsonAccessLine('{"response_code": 200, broken')).toBeUndefined();
  });
});

describe('hostOf', () => {
  it('takes the IP of ip:port, IPv6 in brackets, and passes anything else through', () => {
    expect(hostOf('10.44.1.23:46520')).toBe('10.44.1.23');
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('REDACTED_IP1:7600')).toBe('REDACTED_IP1');
    expect(hostOf('envoy://internal')).toBe('envoy://internal');
    expect(hostOf(undefined)).toBeUndefined();
  });
});
