import { describe, expect, it } from 'vitest';
import { parseAccessLine, parseJsonAccessLine, parseTextAccessLine, tokenizeAccessLine } from '../../src/artifacts/logs/access-log.js';
import { fixtureLines } from './helpers.js';

const TEXT = fixtureLines('istio-proxy-access-text.log');
const JSON_LINES = fixtureLines('istio-proxy-access-json.log');

/**
 * The older default TEXT layouts, each field at its own position. The lines are the corpus's L3
 * (503 UF,URX with a TLS transport failure, ≥ 1.9 layout) written in the older formats of Istio's
 * `DefaultAccessLogFormat`: 1.8 has neither `%RESPONSE_CODE_DETAILS%` nor
 * `%CONNECTION_TERMINATION_DETAILS%` (20 tokens); 1.5–1.7 has `"%DYNAMIC_METADATA(istio.mixer:status)%"`
 * in their place (21 tokens). Every field holds a different value, so a shifted index shows.
 */
const L3 = TEXT[2]!;
const DETAILS_22 = ' upstream_reset_before_response_started{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED} - "TLS error:';
const LINE_20 = L3.replace(DETAILS_22, ' "TLS error:').replace('outbound|9080||productpage.istio.svc.cluster.local -', 'outbound|9080||productpage.istio.svc.cluster.local 172.20.0.41:51622');
const LINE_21 = L3.replace(DETAILS_22, ' "-" "TLS error:').replace('outbound|9080||productpage.istio.svc.cluster.local -', 'outbound|9080||productpage.istio.svc.cluster.local 172.20.0.41:51622');

const EXPECTED = {
  time: '2021-04-30T08:19:22.064Z',
  method: 'GET',
  path: '/productpage',
  code: 503,
  flags: ['UF', 'URX'],
  transportFailure: 'TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED',
  authority: 'productpage.istio.svc.cluster.local:9080',
  upstreamHost: '172.20.0.23:9080',
  upstreamCluster: 'outbound|9080||productpage.istio.svc.cluster.local',
  downstreamLocal: '10.68.55.29:9080',
  downstreamRemote: '172.20.1.53:44932',
};

describe('older TEXT access-log layouts', () => {
  it('the lines have the token counts of their eras', () => {
    expect(tokenizeAccessLine(L3)).toHaveLength(22);
    expect(tokenizeAccessLine(LINE_20)).toHaveLength(20);
    expect(tokenizeAccessLine(LINE_21)).toHaveLength(21);
    expect(LINE_20).toBe(
      '[2021-04-30T08:19:22.064Z] "GET /productpage HTTP/1.1" 503 UF,URX "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED" 0 195 77 - "172.20.1.53" "curl/7.76.1-DEV" "621a908e-393d-967a-8a35-77d382fbbdf4" "productpage.istio.svc.cluster.local:9080" "172.20.0.23:9080" outbound|9080||productpage.istio.svc.cluster.local 172.20.0.41:51622 10.68.55.29:9080 172.20.1.53:44932 - default',
    );
  });

  it('20 tokens (Istio 1.8): every field read at its position, no details', () => {
    const r = parseTextAccessLine(LINE_20);
    expect(r).toEqual({ ...EXPECTED, details: undefined, terminationDetails: undefined });
    expect(parseAccessLine(LINE_20)).toEqual(r);
  });

  it('21 tokens (Istio 1.5–1.7): the mixer status shifts every later field by one, no details', () => {
    const r = parseTextAccessLine(LINE_21);
    expect(r).toEqual({ ...EXPECTED, details: undefined, terminationDetails: undefined });
    // The mixer status ("-") is not taken for the transport failure.
    expect(parseTextAccessLine(LINE_21.replace(' "-" "TLS error:', ' "ok" "TLS error:'))?.transportFailure).toBe(EXPECTED.transportFailure);
  });

  it('22 tokens (Istio ≥ 1.9) for comparison: details and termination details as well', () => {
    expect(parseTextAccessLine(L3.replace('productpage.istio.svc.cluster.local -', 'productpage.istio.svc.cluster.local 172.20.0.41:51622'))).toEqual({
      ...EXPECTED,
      details: 'upstream_reset_before_response_started{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED}',
      terminationDetails: undefined,
    });
  });
});

describe('JSON access log: upstream_cluster', () => {
  it('strips the `;` a ≥ 1.24 alt_stat_name leaves on upstream_cluster', () => {
    const line = JSON_LINES[1]!.replace('"upstream_cluster":"outbound|9080||reviews.default.svc.cluster.local"', '"upstream_cluster":"outbound|9080||reviews.default.svc.cluster.local;"');
    expect(line).toContain('svc.cluster.local;"');
    expect(parseJsonAccessLine(line)).toMatchObject({ code: 200, upstreamCluster: 'outbound|9080||reviews.default.svc.cluster.local', upstreamHost: '10.1.0.227:9080' });
  });

  it('reads upstream_cluster without the suffix as it is', () => {
    expect(parseJsonAccessLine(JSON_LINES[1]!)?.upstreamCluster).toBe('outbound|9080||reviews.default.svc.cluster.local');
    expect(parseJsonAccessLine(JSON_LINES[0]!)?.upstreamCluster).toBe('inbound|80||');
  });
});
