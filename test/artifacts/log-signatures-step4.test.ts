import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOG_SIGNATURES, type SignatureId } from '../../src/artifacts/logs/signatures.js';

const lines = (name: string) => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
const keyOf = (id: SignatureId, line: string) => LOG_SIGNATURES.find((s) => s.id === id)!.matchText(line);

describe('step-4 signatures on real lines (test/fixtures/formats)', () => {
  it('xDS stream closes: status and reason, sustained when Envoy says so, every era of the message', () => {
    expect(lines('istio-proxy-xds-stream.log').map((l) => keyOf('xdsStreamClosed', l))).toEqual([
      undefined, // xdsproxy connected
      '14, goaway NO_ERROR (istiod closed the stream)',
      undefined,
      '14, transport is closing',
      '14, i/o timeout (sustained)',
      '14, i/o timeout (sustained)',
      '14, connection refused (sustained)',
      '14, connection refused (sustained)',
      '14, no healthy upstream',
      'unable to establish new stream',
    ]);
  });

  it('bind failures: address and reason; NACKs: xDS type and error', () => {
    const lds = lines('istio-proxy-lds-reject.log');
    expect(lds.map((l) => keyOf('bindFailure', l)).filter(Boolean)).toEqual(['0.0.0.0:80: Permission denied', '0.0.0.0:80: Permission denied']);
    const rejected = lds.map((l) => keyOf('configRejected', l)).filter(Boolean);
    expect(rejected).toHaveLength(4);
    expect(rejected[0]).toMatch(/^LDS: Error adding\/updating listener\(s\) 0\.0\.0\.0_8443: Error: terminal filter named envoy\.filters\.network\.tcp_proxy/);
    expect(rejected[3]).toBe("LDS: Error adding/updating listener(s) 0.0.0.0_9100: error adding listener '0.0.0.0:9100': multiple filter chains with the same matching rules are defined");
  });

  it('istiod ACK ERROR: the type, the proxy as <pod>.<namespace>, the error', () => {
    const keys = lines('istiod-ack-error.log').map((l) => keyOf('ackError', l)).filter(Boolean);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^LDS reviews-v3-56997446d9-bp6m5\.bookinfo: Error adding\/updating listener\(s\) virtualInbound: Invalid path: /);
  });

  it('readiness: the reason without its counters, in every wording', () => {
    expect(lines('pilot-agent-readiness.log').map((l) => keyOf('proxyNotReady', l))).toEqual([
      'config not received from Pilot (is Pilot running?)',
      'config not received from Pilot (is Pilot running?)',
      'failed retrieving Envoy stats',
      'config received from XDS server, but was rejected',
      undefined,
      undefined,
      undefined, // "Envoy proxy is ready"
    ]);
  });

  it('too many open files: what failed', () => {
    expect(keyOf('tooManyOpenFiles', 'panic: listener accept failure: Too many open files')).toBe('listener accept failure');
    expect(keyOf('tooManyOpenFiles', 'Error: failed to start SDS server: failed to start workload secret manager too many open files')).toBe('workload secret manager');
    expect(keyOf('tooManyOpenFiles', '2024-11-05T09:52:10.118204Z\tinfo\tall good')).toBeUndefined();
  });
});
