import { describe, expect, it } from 'vitest';
import { ISTIOD_SIGNATURES } from '../../src/artifacts/logs/istiod-signatures.js';
import { LogScanner } from '../../src/artifacts/logs/scanner.js';
import type { IstiodSignatureId } from '../../src/artifacts/logs/signatures.js';

const keyOf = (id: IstiodSignatureId, line: string) => ISTIOD_SIGNATURES.find((s) => s.id === id)!.matchText(line);
const istiod = (message: string, level = 'info', scope = 'ads') => `2025-06-03T02:06:13.832862Z\t${level}\t${scope}\t${message}`;

// The message templates of Istio's source (the file named in each case), in istiod's zap layout.
describe('istiod\'s own failure lines', () => {
  it.each([
    // security/pkg/server/ca/server.go, every spelling across releases
    ['caSigningError', istiod('CSR signing error: requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s', 'error', 'serverca'), 'requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s'],
    ['caSigningError', istiod('CSR signing error (failed to sign CSR)', 'error', 'serverca'), 'failed to sign CSR'],
    ['caSigningError', istiod('CSR signing error for client 10.244.1.9:51234: (certificate is expired)', 'error', 'serverca'), 'certificate is expired'],
    // The scoped logger's labels after a tab, and the time Go's x509 error quotes, are not part of the error.
    ['caSigningError', istiod('CSR signing error: x509: certificate has expired or is not yet valid: current time 2025-09-15T03:01:46Z is after 2025-09-15T03:00:00Z\tclient=10.244.2.29:39365', 'error', 'serverca'), 'x509: certificate has expired or is not yet valid: current time is after 2025-09-15T03:00:00Z'],
    // pilot/pkg/xds/xdsgen.go
    ['pushSendFailure', istiod('CDS: Send failure for node:cart-5b7c9d8f6-hq2xw.shop resources:3141 size:4.2MB: rpc error: code = Unavailable desc = transport is closing', 'warn'), 'CDS: rpc error: code = Unavailable desc = transport is closing'],
    ['pushSendFailure', istiod('EDS: Send failure for node:cart-5b7c9d8f6-hq2xw.shop resources:12 size:3.1kB empty:0: peer 10.244.1.9:51234 gone', 'warn'), 'EDS: peer <ip> gone'],
    // pilot/pkg/xds/ads.go (older: connection id only) and delta.go (with the short type)
    ['pushWriteTimeout', istiod('Timeout writing frontend-6d8f9b7c5-p2m7r.shop-3'), 'write timeout'],
    ['pushWriteTimeout', istiod('Timeout writing frontend-6d8f9b7c5-p2m7r.shop-3: CDS'), 'CDS write timeout'],
    ['rateLimited', istiod('ADS: "10.244.1.9:51234" cart-5b7c9d8f6-hq2xw.shop-13 exceeded rate limit: context canceled', 'warn'), 'connections over PILOT_MAX_REQUESTS_PER_SECOND'],
    // pilot/pkg/leaderelection/leaderelection.go; client-go's leaderelection through scope klog
    ['leaderElectionLost', istiod('leader election lock lost: istio-leader', 'info', 'leaderelection'), 'istio-leader'],
    ['leaderElectionLost', istiod('failed to renew lease istio-system/istio-gateway-status-leader: timed out waiting for the condition', 'error', 'klog'), 'istio-gateway-status-leader'],
    ['leaderElectionLost', istiod('Leader election cycle 3 lost. Trying again', 'info', 'leaderelection'), 'election cycle lost'],
  ] as Array<[IstiodSignatureId, string, string]>)('%s: %s', (id, line, key) => {
    expect(keyOf(id, line)).toBe(key);
  });

  it('routine lines are none of them', () => {
    for (const line of [istiod('leader election lock obtained: istio-leader', 'info', 'leaderelection'), istiod('attempting to acquire leader lease istio-system/istio-leader...', 'info', 'klog'), istiod('CDS: PUSH for node:ads-7b8c9d5f6-q6p4z.shop resources:3141 size:4.2MB cached:3083/3139')]) {
      expect(ISTIOD_SIGNATURES.map((s) => s.matchText(line)).filter((k) => k !== undefined), line).toEqual([]);
    }
  });

  it('are looked for in istiod\'s log only: a proxy log with the same words does not count them', () => {
    const line = istiod('CSR signing error: requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s', 'error', 'serverca');
    const scan = (container: string) => {
      const scanner = new LogScanner(container);
      scanner.line(line, 1);
      return scanner.finish().signatures;
    };
    expect(scan('discovery').caSigningError?.count).toBe(1);
    expect(scan('istio-proxy').caSigningError).toBeUndefined();
  });
});
