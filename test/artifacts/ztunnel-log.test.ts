import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { recognise } from '../../src/artifacts/recognise.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { normaliseErrorText, ztunnelError } from '../../src/artifacts/ztunnel/errors.js';
import { sniffZtunnelLog, ztunnelLogKind } from '../../src/artifacts/ztunnel/kinds.js';
import { fieldsOf, parseFields, parseZtunnelLine, type ZtunnelLine } from '../../src/artifacts/ztunnel/line.js';
import { MAX_ERROR_KEYS, MAX_KEPT_LINE_CHARS, MAX_PAIRS, ZtunnelLogScanner } from '../../src/artifacts/ztunnel/scanner.js';
import { ztunnelLogSummarySchema, type ZtunnelLogSummary } from '../../src/artifacts/ztunnel/schema.js';
import { fixture, fixtureLines } from './helpers.js';

/** formats/ztunnel.log: L1 unquoted 1.22 values, L2 quoted, L3–5 debug/warn, L6 policy deny, L7 time cut, L8 pre-1.22 XDS, L9 pre-1.22 access. */
const CORPUS = fixtureLines('ztunnel.log');

function scan(lines: string[]): ZtunnelLogSummary {
  const scanner = new ZtunnelLogScanner();
  lines.forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

function parsed(text: string): ZtunnelLine {
  const line = parseZtunnelLine(text);
  if (!line) throw new Error(`not a ztunnel line: ${text}`);
  return line;
}

/** An access line of the ≥ 1.22 layout ending in `error=`, with a chosen source port and time. */
const failing = (time: string, port: number, error: string, dst = 'navcom-v1-7467bbc689-bj5jz') =>
  `${time}\terror\taccess\tconnection complete\tsrc.addr=10.244.0.14:${port} src.workload="shuttle-7b5db664c-v7b6x" src.namespace="starfleet" dst.addr=10.244.0.9:15008 dst.service="navcom.starfleet.svc.cluster.local" dst.workload="${dst}" dst.namespace="starfleet" direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="${error}"`;

describe('parseZtunnelLine: both layouts', () => {
  it('reads the ≥ 1.22 layout: time, level, target without its spans, message, fields', () => {
    const line = parsed(CORPUS[1]!);
    expect(line).toMatchObject({ format: 'istio', time: '2026-10-10T01:00:04.396760Z', level: 'info', target: 'access', message: 'connection complete' });
    expect(fieldsOf(line).get('src.workload')).toBe('tester-577d497fbd-c4gtz');
    const xds = parsed('2024-11-13T14:55:39.864517Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=15 removes=0');
    expect(xds).toMatchObject({ target: 'xds::client', message: 'received response' });
    expect(Object.fromEntries(fieldsOf(xds))).toEqual({ type_url: 'type.googleapis.com/istio.workload.Address', size: '15', removes: '0' });
  });

  it('reads spans with blanks inside their braces, and a message-less line', () => {
    const line = parsed('2026-08-03T15:39:07.536444Z\tinfo\tstate:proxy{wl=default/http-server-6cbcc86f5d-lhq82}:inbound{id=86c37af8d376fcc847c48d4730137d42 peer=10.244.0.5:49084}\tdeny policy match\tpolicy="default/deny-http-server-protect"');
    expect(line).toMatchObject({ target: 'state', message: 'deny policy match' });
    expect(fieldsOf(line).get('policy')).toBe('default/deny-http-server-protect');
    expect(parsed(CORPUS[3]!)).toMatchObject({ level: 'debug', target: 'dns', message: '' });
  });

  it('reads the pre-1.22 tracing layout: upper-case level, spans, `ztunnel::` target', () => {
    expect(parsed(CORPUS[7]!)).toMatchObject({
      format: 'tracing',
      time: '2023-02-15T20:54:40.204428Z',
      level: 'warn',
      target: 'xds::client',
      message: 'XDS client error: gRPC error (Unknown error): error reading a body from connection: broken pipe, retrying',
      fieldText: '',
    });
    const access = parsed(CORPUS[8]!);
    expect(access).toMatchObject({ format: 'tracing', level: 'info', target: 'access', message: 'connection complete' });
    expect(fieldsOf(access).get('duration')).toBe('13ms');
    // The same line cut right after its span (a truncated paste): no target follows, so no ztunnel line.
    const cutAfterSpan = CORPUS[7]!.slice(0, CORPUS[7]!.indexOf(' ztunnel::'));
    expect(cutAfterSpan).toBe('2023-02-15T20:54:40.204428Z  WARN xds{id=1}:');
    expect(parseZtunnelLine(cutAfterSpan)).toBeUndefined();
    expect(parsed('2024-04-11T15:38:44.016255Z ERROR access: connection complete src.addr=10.244.0.24:46240 error="io error: Connection refused (os error 111)"')).toMatchObject({ level: 'error', target: 'access' });
  });

  it('reads a line whose tabs were pasted as spaces, and one cut in front of its time', () => {
    const spaced = parsed('2024-11-13T14:55:39.864478Z    info    xds::client:xds{id=1}    Stream established');
    expect(spaced).toMatchObject({ format: 'istio', target: 'xds::client', message: 'Stream established' });
    const single = parsed('2026-08-03T15:39:07.536483Z error access connection complete src.addr=10.244.0.5:49084 error="connection closed due to policy rejection: explicitly denied by: default/deny-http-server-protect"');
    expect(single).toMatchObject({ target: 'access', message: 'connection complete' });
    expect(fieldsOf(single).get('error')).toBe('connection closed due to policy rejection: explicitly denied by: default/deny-http-server-protect');
    expect(parsed(CORPUS[6]!)).toMatchObject({ level: 'error', target: 'access', message: 'connection complete' });
    expect(parsed(CORPUS[6]!).time).toBeUndefined();
  });

  it('reads LOG_FORMAT=json lines', () => {
    const line = parsed('{"level":"error","time":"2025-01-23T05:07:25.806642Z","scope":"access","message":"connection complete","src.addr":"10.244.0.14:46992","src.workload":"shuttle","error":"connection closed due to policy rejection: allow policies exist, but none allowed"}');
    expect(line).toMatchObject({ format: 'json', level: 'error', target: 'access', message: 'connection complete' });
    expect(fieldsOf(line).get('src.workload')).toBe('shuttle');
    expect(parsed('{"level":"warn","time":"2025-01-23T05:07:25.8Z","scope":"ztunnel::xds::client","message":"XDS client complete"}').target).toBe('xds::client');
  });

  it('keeps a JSON line\'s time and its other keys as fields, not the level, time, scope and message themselves', () => {
    const line = parsed('{"level":"error","time":"2025-01-23T05:07:25.806642Z","scope":"access","message":"connection complete","src.addr":"10.244.0.14:46992","bytes_sent":0,"error":"connection closed due to policy rejection: allow policies exist, but none allowed"}');
    expect(line.time).toBe('2025-01-23T05:07:25.806642Z');
    expect(line.fieldMap).toEqual({ 'src.addr': '10.244.0.14:46992', bytes_sent: '0', error: 'connection closed due to policy rejection: allow policies exist, but none allowed' });
    // JSON keeps its fields in fieldMap; there is no `k=v` text to parse.
    expect(line).toEqual({ format: 'json', time: '2025-01-23T05:07:25.806642Z', level: 'error', target: 'access', message: 'connection complete', fieldText: '', fieldMap: line.fieldMap });
    // A scope that is not a whole Rust target (`access` followed by words) is some other program's JSON.
    expect(parseZtunnelLine('{"level":"error","time":"2025-01-23T05:07:25.8Z","scope":"access log","message":"connection complete"}')).toBeUndefined();
  });

  it('is not fooled by lines of other components', () => {
    for (const other of [
      '[2024-03-14T09:21:07.512Z] "GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl/7.88.1" "2f0f9a6e" "productpage:9080" "-" - - 10.96.114.12:9080 10.244.0.23:51320 - default',
      '2024-07-25T20:12:59.093175Z\twarning\tenvoy config external/envoy/source/common/config/grpc_stream.h:193\tStreamAggregatedResources gRPC config stream to xds-grpc closed',
      '2020-06-29T23:37:27.336222Z\tinfo\tStarting gateway SDS',
      'running with config: proxy: true',
      '{"level":"info","msg":"no scope"}',
    ]) {
      expect(parseZtunnelLine(other), other).toBeUndefined();
    }
  });
});

describe('parseFields', () => {
  it('reads quoted values with escapes, bare values, and a key given twice', () => {
    const fields = parseFields('src.addr=10.244.0.7:40461 src.workload=sleep-bc9998558-bhv5z src.identity="spiffe://cluster.local/ns/a/sa/b" error="io error: deadline has elapsed"  error="connection timed out, \\"maybe\\" a NetworkPolicy \\\\ 15008" bytes_sent=0');
    expect(Object.fromEntries(fields)).toEqual({
      'src.addr': '10.244.0.7:40461',
      'src.workload': 'sleep-bc9998558-bhv5z',
      'src.identity': 'spiffe://cluster.local/ns/a/sa/b',
      error: 'io error: deadline has elapsed; connection timed out, "maybe" a NetworkPolicy \\ 15008',
      bytes_sent: '0',
    });
  });

  it('skips words without a value and survives an unterminated quote', () => {
    expect(Object.fromEntries(parseFields('noise a=1 b="unterminated'))).toEqual({ a: '1', b: 'unterminated' });
    // A tab ends a word as a blank does (a field block pasted with tabs).
    expect(Object.fromEntries(parseFields('noise\ta=1\tb=2'))).toEqual({ a: '1', b: '2' });
  });
});

describe('error keys', () => {
  it('take out addresses, ports, ids, durations and times, and keep what one acts on', () => {
    expect(normaliseErrorText('XDS client connection error: gRPC connection error:status: Unknown, message: "client error (Connect)", source: tcp connect error: Connection refused (os error 111), retrying in 1.28s')).toBe(
      'XDS client connection error: gRPC connection error:status: Unknown, message: "client error (Connect)", source: tcp connect error: Connection refused (os error 111), retrying in <duration>',
    );
    expect(normaliseErrorText('unknown source: 10.244.2.7')).toBe('unknown source: <ip>');
    expect(normaliseErrorText('no healthy upstream: [fd00:10:244::7]:8080')).toBe('no healthy upstream: <ip>');
    // ztunnel's `no healthy upstream: {SocketAddr}` with a last group of two hex digits, and `invalid CONNECT address {authority}` without a port.
    expect(normaliseErrorText('no healthy upstream: [fd00:10:244::1a]:15008')).toBe('no healthy upstream: <ip>');
    expect(normaliseErrorText('invalid CONNECT address [fd00:10:244::7]')).toBe('invalid CONNECT address <ip>');
    // ztunnel's `ip mismatch: {IpAddr} != {IpAddr}` prints IPv6 without brackets: compressed, full, with an IPv4 tail, at a sentence's end.
    expect(normaliseErrorText('ip mismatch: fd00:10:244::5 != fd00:10:244::1a')).toBe('ip mismatch: <ip> != <ip>');
    expect(normaliseErrorText('ip mismatch: 2001:db8:0:0:0:0:0:7 != ::ffff:10.244.0.5')).toBe('ip mismatch: <ip> != <ip>');
    expect(normaliseErrorText('unknown source: ::1.')).toBe('unknown source: <ip>.');
    // Neither a Rust path nor a clock time is an address.
    expect(normaliseErrorText('inpod::statemanager failed at 12:34:56 in xds::client')).toBe('inpod::statemanager failed at 12:34:56 in xds::client');
    expect(normaliseErrorText('connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed')).toBe('connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed');
    expect(normaliseErrorText("timed out waiting for workload 'ztunnel-diag-run1-180.ztunnel-diag (ztunnel-diag-run1-180)' from xds")).toBe("timed out waiting for workload '<workload>' from xds");
    expect(normaliseErrorText('request 86c37af8d376fcc847c48d4730137d42 failed at 2025-01-23T05:07:25.806642Z')).toBe('request <id> failed at <time>');
    expect(normaliseErrorText('x'.repeat(400))).toHaveLength(301);
  });

  it('a failed certificate renewal ztunnel logs at INFO (≥ 1.27, it keeps the valid certificate) is a certificate error; other INFO lines are not', () => {
    const renewal = '2026-06-08T08:52:53.326278Z\tinfo\tidentity::manager\tcertificate renewal failed (signing gRPC error (Unavailable): connection refused); retaining existing valid certificate until 2026-06-09T08:40:00Z';
    expect(ztunnelError(parsed(renewal))).toMatchObject({ class: 'certificate', key: expect.stringMatching(/^certificate renewal failed \(signing gRPC error \(Unavailable\): connection refused\); retaining existing valid certificate until /) });
    expect(ztunnelError(parsed('2026-06-08T08:52:53.326278Z\tinfo\tidentity::manager\tcertificate refreshed'))).toBeUndefined();
  });

  it('an error line\'s `error=` field joins its message unless the message already says it', () => {
    const line = (message: string, error: string) => `2026-06-08T08:52:53.326278Z\terror\tinpod::statemanager\t${message}\terror="${error}"`;
    expect(ztunnelError(parsed(line('failed to start proxy', 'Address already in use (os error 98)')))).toMatchObject({ class: 'inpod', key: 'failed to start proxy: Address already in use (os error 98)' });
    expect(ztunnelError(parsed(line('failed to start proxy: Address already in use (os error 98)', 'Address already in use (os error 98)')))).toMatchObject({ key: 'failed to start proxy: Address already in use (os error 98)' });
  });

  it('class what the lines are about; routine lines are no errors', () => {
    const classOf = (text: string) => ztunnelError(parsed(text));
    expect(classOf(CORPUS[5]!)).toMatchObject({ class: 'policy', key: 'connection closed due to policy rejection: allow policies exist, but none allowed', src: 'starfleet/shuttle-7b5db664c-v7b6x', dst: 'starfleet/navcom-v1-7467bbc689-bj5jz', service: 'navcom.starfleet.svc.cluster.local' });
    expect(classOf(CORPUS[6]!)).toMatchObject({ class: 'connection', key: 'io error: Connection refused (os error 111)' });
    expect(classOf(CORPUS[7]!)).toMatchObject({ class: 'xds' });
    expect(classOf(CORPUS[4]!)).toMatchObject({ class: 'workload-info' });
    expect(classOf("2026-08-19T21:13:40.121023Z\twarn\tstate\ttimed out waiting for workload 'ztunnel-diag-run1-180.ztunnel-diag (ztunnel-diag-run1-180)' from xds\t")).toEqual({
      class: 'workload-info',
      key: "timed out waiting for workload '<workload>' from xds",
      src: 'ztunnel-diag/ztunnel-diag-run1-180',
    });
    expect(classOf(failing('2026-06-08T08:52:53.326278Z', 1, 'io error: invalid peer certificate: UnknownIssuer'))).toMatchObject({ class: 'tls' });
    expect(classOf(failing('2026-06-08T08:52:53.326278Z', 1, 'identity error: signing gRPC error (Unauthenticated): request authenticate failure'))).toMatchObject({ class: 'certificate' });
    expect(classOf(failing('2026-06-08T08:52:53.326278Z', 1, 'http status: 401 Unauthorized'))).toMatchObject({ class: 'policy' });
    expect(classOf('2026-06-08T08:52:53.326278Z\twarn\tidentity::manager\tcertificate fetch failed (signing gRPC error (Unavailable): connection refused) and no valid existing certificate; will retry in 2s (backoff capped at 150s)')).toMatchObject({
      class: 'certificate',
      key: 'certificate fetch failed (signing gRPC error (Unavailable): connection refused) and no valid existing certificate; will retry in <duration> (backoff capped at <duration>)',
    });
    expect(
      classOf('2026-06-08T08:52:53.326278Z\twarn\txds::client:xds{id=4}\tXDS client connection error: gRPC connection error:status: Unknown, message: "client error (Connect)", source: TLS handshake failed: cert verification failed - unable to get local issuer certificate [CERTIFICATE_VERIFY_FAILED], retrying in 40ms'),
    ).toMatchObject({ class: 'xds' });
    expect(classOf('2026-06-08T08:52:53.326278Z\terror\txds::client:xds{id=4}\tsending response\ttype_url="type.googleapis.com/istio.workload.Address" nonce="3e9f" type=Nack error="invalid workload: no addresses"')).toEqual({
      class: 'xds',
      key: 'rejected type.googleapis.com/istio.workload.Address: invalid workload: no addresses',
    });
    expect(classOf('2026-06-08T08:52:53.326278Z\terror\tinpod::statemanager\tfailed to start proxy: failed to bind to address [::1]:15001: Address already in use')).toMatchObject({ class: 'inpod', key: 'failed to start proxy: failed to bind to address <ip>: Address already in use' });
    // Routine: a successful connection, istiod's MaxConnectionAge, a debug line, a WARN of no failure.
    for (const routine of [CORPUS[0]!, CORPUS[2]!, CORPUS[8]!, '2025-03-11T09:50:01.120417Z\twarn\txds::client:xds{id=1}\tXDS client complete', '2025-03-11T09:50:01.120417Z\twarn\txds::client:xds{id=1}\toutbound stream complete', '2025-03-11T09:50:01.1Z\twarn\tinpod::statemanager\tpod deleted before it was started']) {
      expect(classOf(routine), routine).toBeUndefined();
    }
  });
});

describe('ZtunnelLogScanner', () => {
  it('summarises the corpus log: formats, levels, connections, errors with their pairs', () => {
    const summary = scan(fixture('ztunnel.log').split('\n'));
    expect(validateValue(ztunnelLogSummarySchema, summary)).toEqual([]);
    expect(summary).toMatchObject({ lines: 10, formats: { istio: 7, tracing: 2, json: 0 }, levels: { error: 2, warn: 2 }, connections: { completed: 3, failed: 2 }, firstTimestamp: '2023-02-15T20:54:40.204428Z' });
    expect(summary.errors.map((e) => [e.class, e.count, e.first.line])).toEqual([
      ['connection', 1, 7],
      ['policy', 1, 6],
      ['workload-info', 1, 5],
      ['xds', 1, 8],
    ]);
    expect(summary.errors[1]!.pairs).toEqual([{ src: 'starfleet/shuttle-7b5db664c-v7b6x', dst: 'starfleet/navcom-v1-7467bbc689-bj5jz', service: 'navcom.starfleet.svc.cluster.local', count: 1 }]);
  });

  it('groups lines by key across addresses and ports, with first/last line and time and distinct pairs', () => {
    const deny = 'connection closed due to policy rejection: explicitly denied by: starfleet/deny-shuttle';
    const summary = scan([
      failing('2026-10-09T11:55:03.000001Z', 46993, deny),
      failing('2026-10-09T11:55:01.000001Z', 46992, deny),
      failing('2026-10-09T11:55:05.000001Z', 46994, deny, 'navcom-v2-5c9b8d7f6-q8x2z'),
    ]);
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]).toMatchObject({ key: deny, class: 'policy', level: 'error', target: 'access', count: 3, first: { line: 1 }, last: { line: 3 }, firstTime: '2026-10-09T11:55:01.000001Z', lastTime: '2026-10-09T11:55:05.000001Z' });
    expect(summary.errors[0]!.pairs.map((p) => [p.dst, p.count])).toEqual([
      ['starfleet/navcom-v1-7467bbc689-bj5jz', 2],
      ['starfleet/navcom-v2-5c9b8d7f6-q8x2z', 1],
    ]);
  });

  it('reads CRLF lines as the line splitter hands them (without the CR) and a stray CR the same way', () => {
    const crlf = scan(`${CORPUS[5]}\r\n${CORPUS[0]}\r\n`.split('\n').map((l) => l.replace(/\r$/, '')));
    expect(crlf.errors[0]!.key).toBe('connection closed due to policy rejection: allow policies exist, but none allowed');
    // A CR left on a line (a file split on LF only) stays out of the key and the fields.
    const stray = scan([`${CORPUS[5]}\r`]);
    expect(stray.errors[0]!.key).toBe('connection closed due to policy rejection: allow policies exist, but none allowed');
  });

  it('caps distinct keys and pairs, and cuts kept lines to 2 KiB', () => {
    const keys = Array.from({ length: MAX_ERROR_KEYS + 5 }, (_, i) => failing('2026-10-09T11:55:01.000001Z', 40000 + i, `no endpoints for workload: wl-${'abcdefghij'[i % 10]}${i}`));
    const summary = scan(keys);
    expect(summary.errors).toHaveLength(MAX_ERROR_KEYS);
    expect(summary.errorsDropped).toBe(5);
    const pairs = Array.from({ length: MAX_PAIRS + 3 }, (_, i) => failing('2026-10-09T11:55:01.000001Z', 40000 + i, 'io error: Connection refused (os error 111)', `navcom-${i}`));
    const capped = scan(pairs).errors[0]!;
    expect(capped.pairs).toHaveLength(MAX_PAIRS);
    expect(capped.pairsDropped).toBe(3);
    const long = scan([failing('2026-10-09T11:55:01.000001Z', 1, `io error: ${'x'.repeat(5000)}`)]).errors[0]!;
    expect(long.first.text).toHaveLength(MAX_KEPT_LINE_CHARS);
  });

  it('says in the entry\'s caveats how many error lines were only counted, past the distinct keys kept', () => {
    const keys = Array.from({ length: MAX_ERROR_KEYS + 1 }, (_, i) => failing('2026-10-09T11:55:01.000001Z', 40000 + i, `no endpoints for workload: wl-${'abcdefghij'[i % 10]}${i}`));
    expect(ztunnelLogKind.caveats!(scan(keys))).toEqual(['1 error line was of more distinct error texts than the scan keeps, and only counted']);
    expect(ztunnelLogKind.caveats!(scan([...keys, failing('2026-10-09T11:55:02.000001Z', 1, 'no endpoints for workload: wl-zz')]))).toEqual(['2 error lines were of more distinct error texts than the scan keeps, and only counted']);
    expect(ztunnelLogKind.caveats!(scan(keys.slice(0, MAX_ERROR_KEYS)))).toEqual([]);
  });

  it('orders the pairs of an error by count, then a pair without a source before named sources', () => {
    const line = failing('2026-10-09T11:55:01.000001Z', 1, 'io error: Connection refused (os error 111)');
    const anonymous = line.replace(/src\.addr=\S+ src\.workload="[^"]*" src\.namespace="[^"]*" /, '');
    expect(anonymous).not.toContain('src.');
    const pairs = scan([line, anonymous]).errors[0]!.pairs;
    expect(pairs.map((p) => p.src)).toEqual([undefined, 'starfleet/shuttle-7b5db664c-v7b6x']);
    expect(scan([line, line, anonymous]).errors[0]!.pairs.map((p) => [p.src, p.count])).toEqual([['starfleet/shuttle-7b5db664c-v7b6x', 2], [undefined, 1]]);
  });

  it('names a peer by its address when the line names no workload: an IPv6 address without brackets or port', () => {
    const line = failing('2026-10-09T11:55:01.000001Z', 1, 'io error: Connection refused (os error 111)')
      .replace(/src\.addr=\S+ src\.workload="[^"]*" src\.namespace="[^"]*"/, 'src.addr=[fd00:10:244::e]:43121')
      .replace(/dst\.addr=\S+/, 'dst.addr=10.244.0.9:15008')
      .replace(/dst\.workload="[^"]*" dst\.namespace="[^"]*" /, '');
    expect(ztunnelError(parsed(line))).toMatchObject({ src: 'fd00:10:244::e', dst: '10.244.0.9' });
  });

  it('an XDS NACK without its type_url is a rejected configuration', () => {
    expect(ztunnelError(parsed('2026-06-08T08:52:53.326278Z\terror\txds::client:xds{id=4}\tsending response\tnonce="3e9f" type=Nack error="invalid workload: no addresses"'))).toEqual({
      class: 'xds',
      key: 'rejected configuration: invalid workload: no addresses',
    });
  });

  it('strips `kubectl logs --timestamps` and splits `--prefix` files per ztunnel pod', () => {
    const summary = scan([`[pod/ztunnel-4xkzp/istio-proxy] ${CORPUS[5]}`, `[pod/ztunnel-9q7wm/istio-proxy] ${CORPUS[0]}`, `2026-10-09T11:55:02.123456789Z ${CORPUS[6]}`]);
    expect(summary.sources?.map((s) => [s.pod, s.summary.errors.length, s.summary.connections])).toEqual([
      ['ztunnel-4xkzp', 1, { completed: 0, failed: 1 }],
      ['ztunnel-9q7wm', 0, { completed: 1, failed: 0 }],
    ]);
    // the cut-time line takes kubectl's time
    expect(summary.errors[0]).toMatchObject({ key: 'io error: Connection refused (os error 111)', firstTime: '2026-10-09T11:55:02.123456789Z', first: { line: 3 } });
  });

  it('counts as completed only info `connection complete` access lines, and notes the last time, long lines and bad bytes', () => {
    const opened = CORPUS[0]!.replace('connection complete', 'connection opened');
    expect(opened).not.toBe(CORPUS[0]);
    const summary = scan([CORPUS[0]!, opened, `${CORPUS[0]!} ${'x'.repeat(9000)}`, CORPUS[0]!.replace('my-ambient', 'my-\uFFFDambient')]);
    expect(summary.connections).toEqual({ completed: 3, failed: 0 });
    expect(summary.longLines).toBe(1);
    expect(summary.invalidUtf8Lines).toBe(1);
    expect(scan([failing('2026-10-09T11:55:01.000001Z', 1, 'io error: x'), failing('2026-10-09T11:55:07.000001Z', 2, 'io error: x')])).toMatchObject({ firstTimestamp: '2026-10-09T11:55:01.000001Z', lastTimestamp: '2026-10-09T11:55:07.000001Z' });
    const clean = scan([CORPUS[0]!]);
    expect(clean.longLines).toBeUndefined();
    expect(clean.invalidUtf8Lines).toBeUndefined();
  });

  it('counts only the access target\'s `connection complete` as a connection, and never a debug or trace line as an error', () => {
    expect(CORPUS[0]).toContain('\tinfo\taccess\tconnection complete\t');
    const otherTarget = CORPUS[0]!.replace('\taccess\t', '\tproxy::inbound\t');
    expect(scan([CORPUS[0]!, otherTarget]).connections).toEqual({ completed: 1, failed: 0 });
    // RUST_LOG=debug: what a debug or trace line says is not counted, even in the words of a failed connection.
    const quiet = [failing('2026-10-09T11:55:01.000001Z', 1, 'io error: x').replace('\terror\taccess\tconnection complete', '\tdebug\taccess\tconnection failed'), failing('2026-10-09T11:55:02.000001Z', 2, 'io error: x').replace('\terror\taccess\tconnection complete', '\ttrace\taccess\tconnection failed')];
    const summary = scan(quiet);
    expect(summary).toMatchObject({ levels: { error: 0, warn: 0 }, connections: { completed: 0, failed: 0 }, errors: [] });
    expect(scan([quiet[0]!.replace('\tdebug\t', '\tinfo\t')]).connections).toEqual({ completed: 0, failed: 1 }); // the same line at info is a failure
  });

  it('refuses a file with no ztunnel line, and accepts an empty one', () => {
    expect(() => scan(['hello', 'world'])).toThrow(ArtifactParseError);
    expect(() => scan(['2024-07-25T20:12:59.093175Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed'])).toThrow(/none of its 1 lines is a ztunnel log line/);
    expect(scan([''])).toMatchObject({ lines: 1, errors: [] });
  });
});

describe('recognising ztunnel logs', () => {
  it('by the collector and bug-report paths, not as Envoy proxy logs', () => {
    expect(recognise('logs/istio-system/ztunnel-4xkzp/ztunnel.log', undefined, undefined)).toMatchObject({ kind: { id: 'logs.ztunnel' }, by: 'path', context: { namespace: 'istio-system', pod: 'ztunnel-4xkzp' } });
    expect(recognise('bug-report/proxies/istio-system/ztunnel-8nx5d/istio-proxy.log', undefined, undefined)).toMatchObject({ kind: { id: 'logs.ztunnel' }, context: { namespace: 'istio-system', pod: 'ztunnel-8nx5d' } });
    expect(recognise('bug-report/proxies/bookinfo/reviews-v2-5b667bcbf8-qnvb4/istio-proxy.log', undefined, undefined)?.kind.id).toBe('logs.proxy');
  });

  it('by content: ztunnel\'s own targets and access events, never an Envoy or istiod log', () => {
    expect(sniffZtunnelLog(fixture('ztunnel.log'))).toBe(true);
    expect(sniffZtunnelLog(CORPUS[7]!)).toBe(true);
    expect(sniffZtunnelLog('2025-08-13T12:58:16.886633Z\tinfo\tztunnel\tversion: version.BuildInfo{Version:"7537"}\n')).toBe(true);
    expect(recognise('ztunnel-4xkzp.txt', fixture('ztunnel.log'), undefined)?.kind.id).toBe('logs.ztunnel');
    for (const other of ['istio-proxy-access-text.log', 'istio-proxy-xds-stream.log', 'istio-proxy-startup-cert-failure.log', 'istio-proxy-lds-reject.log', 'pilot-agent-readiness.log', 'istiod-push.log', 'istiod-ack-error.log']) {
      expect(sniffZtunnelLog(fixture(other)), other).toBe(false);
    }
  });
});
