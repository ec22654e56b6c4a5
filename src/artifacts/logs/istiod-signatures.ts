import { textOnly, type LogSignature } from './signatures.js';

/**
 * istiod's own failures, in the words of its log templates (scope `ads` for pushes, `serverca` for
 * the CA, `leaderelection`/`klog` for leases). Each is a substring test first: every istiod line
 * passes here. Keys group lines by what a support engineer acts on, with addresses and ids taken out.
 */

/** `CDS: Send failure for node:<proxy> resources:48 size:51.3kB: <error>` (pilot/pkg/xds/xdsgen.go). Key: `<type>: <error>`. */
const pushSendFailure = textOnly('pushSendFailure', 'istiod failed to send a push', (line) => {
  const at = line.indexOf(': Send failure for node:');
  if (at < 0) return undefined;
  const type = /(\w+)$/.exec(line.slice(0, at))?.[1] ?? 'xDS';
  const error = /resources:\d+ size:\S+?(?: \S+)?: (.*)$/.exec(line.slice(at))?.[1] ?? 'send failure';
  return `${type}: ${withoutAddresses(error).slice(0, 160)}`;
});

/** `Timeout writing <conId>[: <type>]` (pilot/pkg/xds/ads.go, delta.go): a push exceeded PILOT_XDS_SEND_TIMEOUT. Key: the xDS type, when named. */
const pushWriteTimeout = textOnly('pushWriteTimeout', 'istiod timed out writing a push', (line) => {
  const at = line.indexOf('Timeout writing ');
  if (at < 0) return undefined;
  // `Timeout writing <conId>` (older), `Timeout writing <conId>: CDS` (the short type, newer).
  const type = /Timeout writing \S+: ([A-Z]{2,5})\b/.exec(line.slice(at))?.[1];
  return type ? `${type} write timeout` : 'write timeout';
});

/** `ADS: "<peer>" <proxy> exceeded rate limit: <error>` (pilot/pkg/xds/ads.go): PILOT_MAX_REQUESTS_PER_SECOND throttling. */
const rateLimited = textOnly('rateLimited', 'istiod throttled connecting proxies (rate limit)', (line) => (line.includes(' exceeded rate limit') ? 'connections over PILOT_MAX_REQUESTS_PER_SECOND' : undefined));

/** `CSR signing error: <error>` / `CSR signing error (<error>)` (security/pkg/server/ca/server.go). Key: the error. */
const caSigningError = textOnly('caSigningError', 'istiod CA failed to sign a certificate', (line) => {
  const at = line.indexOf('CSR signing error');
  if (at < 0) return undefined;
  const error = line
    .slice(at + 'CSR signing error'.length)
    .replace(/^ for client \S+:?/, '')
    // Istio's scoped logger appends its labels after a tab (`\tclient=10.244.2.29:39365`): who asked, not what failed.
    .replace(/\t\w+=\S*/g, '')
    .replace(/^[:\s(]+/, '')
    .replace(/\)$/, '');
  return withoutTimes(withoutAddresses(error)).slice(0, 160) || 'CSR signing error';
});

/**
 * Leadership lost or not renewed (pilot/pkg/leaderelection/leaderelection.go; client-go through scope `klog`):
 * `leader election lock lost: istio-leader`, `Leader election cycle 3 lost. Trying again`, `failed to renew lease
 * istio-system/istio-gateway-status-leader: timed out waiting for the condition`. Key: the lock, when named.
 */
const leaderElectionLost = textOnly('leaderElectionLost', 'istiod lost or could not renew a leader lease', (line) => {
  if (!line.includes('lease') && !line.includes('eader election')) return undefined;
  const lost = /leader election lock lost: (\S+)/.exec(line) ?? /failed to renew lease (\S+?):/.exec(line);
  if (lost) return lost[1]!.replace(/^istio-system\//, '');
  return /Leader election cycle \d+ lost/.test(line) ? 'election cycle lost' : undefined;
});

/** IPs and ports vary per line: `10.244.0.152:41840` → `<ip>`. */
/** Go's x509 expiry error quotes the current time: one error, not one key per second. */
function withoutTimes(text: string): string {
  return text.replace(/current time \S+ is (after|before)/g, 'current time is $1');
}

function withoutAddresses(text: string): string {
  return text.replace(/\d+(?:\.\d+){3}(?::\d+)?/g, '<ip>').trim();
}

export const ISTIOD_SIGNATURES: readonly LogSignature[] = [pushSendFailure, pushWriteTimeout, rateLimited, caSigningError, leaderElectionLost];
