import type { AccessRecord } from './access-log.js';

/**
 * Log signatures of step 4 (sidecar logs). Each matches the literal text (Envoy's local-reply body,
 * Envoy and pilot-agent log messages) *and* the access-log form (response flags and
 * %RESPONSE_CODE_DETAILS%, Envoy's access-log documentation). A match returns a breakdown key (the upstream
 * cluster, the policy, the URL) so a finding can say where the failures concentrate.
 */
export interface LogSignature {
  id: SignatureId;
  title: string;
  /** A plain log line (not an access-log line). */
  matchText(line: string): string | undefined;
  /** A parsed access-log line. */
  matchAccess(record: AccessRecord): string | undefined;
}

export type SignatureId = 'upstreamConnectError' | 'noHealthyUpstream' | 'tlsError' | 'noRouteMatched' | 'rbacDenied';

/** Envoy's xDS client reports istiod connectivity with words that overlap data-plane signatures. */
function isXdsStreamLine(line: string): boolean {
  return line.includes('gRPC config stream');
}

const destination = (r: AccessRecord) => r.upstreamCluster ?? r.authority ?? 'unknown destination';

const upstreamConnectError: LogSignature = {
  id: 'upstreamConnectError',
  title: 'upstream connect error or disconnect/reset before headers',
  matchText(line) {
    const at = line.indexOf('upstream connect error or disconnect/reset before headers');
    if (at < 0 || isXdsStreamLine(line)) return undefined;
    return /reset reason: ([^,]+)/.exec(line.slice(at))?.[1]?.trim() ?? 'reset reason not shown';
  },
  matchAccess(r) {
    const failedToConnect = r.flags.includes('UF') || r.flags.includes('URX');
    const resetBeforeResponse = r.details?.startsWith('upstream_reset_before_response_started') ?? false;
    return failedToConnect || resetBeforeResponse ? destination(r) : undefined;
  },
};

const noHealthyUpstream: LogSignature = {
  id: 'noHealthyUpstream',
  title: 'no healthy upstream',
  matchText: (line) => (line.includes('no healthy upstream') && !isXdsStreamLine(line) ? 'no healthy upstream' : undefined),
  matchAccess: (r) => (r.flags.includes('UH') || r.details === 'no_healthy_upstream' ? destination(r) : undefined),
};

/** BoringSSL and Go TLS failure markers; `stream closed` alone is an xDS reconnect (LOG008), not TLS. */
const TLS_MARKERS = [
  'CERTIFICATE_VERIFY_FAILED',
  'WRONG_VERSION_NUMBER',
  'TLS error:',
  'TLS_error:',
  'tls: handshake failure',
  'x509: certificate',
  'authentication handshake failed',
  'failed to warm certificate',
  'failed to warm root certificate',
  'failed to generate secret for',
];

const tlsError: LogSignature = {
  id: 'tlsError',
  title: 'TLS handshake or certificate error (stream closed by TLS)',
  matchText: (line) => TLS_MARKERS.find((marker) => line.includes(marker)),
  matchAccess(r) {
    const reason = r.transportFailure ?? '';
    if (/TLS|SSL|certificate/i.test(reason)) return reason.replace(/^TLS[_ ]error:[_| ]*/, '').slice(0, 120);
    return r.details && /TLS_error|CERTIFICATE_VERIFY_FAILED/.test(r.details) ? r.details.slice(0, 120) : undefined;
  },
};

const noRouteMatched: LogSignature = {
  id: 'noRouteMatched',
  title: 'no route matched (NR)',
  matchText: (line) => /no route match(?:ed)?(?: for URL '([^']*)')?/.exec(line)?.[1] ?? (line.includes('no route match') ? 'no route matched' : undefined),
  matchAccess(r) {
    // NR on a TCP connection means "no matching filter chain", a listener problem, not a VirtualService one.
    const httpNoRoute = r.details === 'route_not_found' || (r.flags.includes('NR') && r.method !== undefined);
    return httpNoRoute ? `${r.method ?? ''} ${r.authority ?? ''}${r.path ?? ''}`.trim() : undefined;
  },
};

const RBAC_DETAIL = /rbac_access_denied_matched_policy\[(.*)\]$/;

const rbacDenied: LogSignature = {
  id: 'rbacDenied',
  title: 'RBAC: access denied',
  matchText: (line) => (line.includes('RBAC: access denied') ? 'RBAC: access denied' : line.includes('enforced denied') ? 'enforced denied' : undefined),
  matchAccess(r) {
    const detail = r.details?.startsWith('rbac_access_denied') ? r.details : r.terminationDetails?.startsWith('rbac_access_denied') ? r.terminationDetails : undefined;
    if (!detail) return undefined;
    const policy = RBAC_DETAIL.exec(detail)?.[1];
    return policy === undefined ? detail : policy === 'none' ? 'no ALLOW policy matched (policy[none])' : policy;
  },
};

export const LOG_SIGNATURES: readonly LogSignature[] = [upstreamConnectError, noHealthyUpstream, tlsError, noRouteMatched, rbacDenied];
