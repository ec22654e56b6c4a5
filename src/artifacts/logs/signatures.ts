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

export type SignatureId =
  | 'upstreamConnectError'
  | 'noHealthyUpstream'
  | 'tlsError'
  | 'noRouteMatched'
  | 'rbacDenied'
  | 'bindFailure'
  | 'tooManyOpenFiles'
  | 'xdsStreamClosed'
  | 'proxyNotReady'
  | 'configRejected'
  | 'ackError'
  | IstiodSignatureId;

/** Signatures of istiod's own log only (istiod-signatures.ts): proxy logs, the hot path, are not searched for them. */
export type IstiodSignatureId = 'pushSendFailure' | 'pushWriteTimeout' | 'rateLimited' | 'caSigningError' | 'leaderElectionLost';

/** Envoy's xDS client reports istiod connectivity with words that overlap data-plane signatures. */
function isXdsStreamLine(line: string): boolean {
  return line.includes('gRPC config stream');
}

const destination = (r: AccessRecord) => r.upstreamCluster ?? r.authority ?? 'unknown destination';

const upstreamConnectError: LogSignature = {
  id: 'upstreamConnectError',
  title: 'upstream connect error or disconnect/reset before headers',
  // A connection that failed in its TLS handshake is a TLS failure (LOG003's): counted there, not twice.
  matchText(line) {
    const at = line.indexOf('upstream connect error or disconnect/reset before headers');
    if (at < 0 || isXdsStreamLine(line) || tlsMarkerIn(line) !== undefined) return undefined;
    return /reset reason: ([^,]+)/.exec(line.slice(at))?.[1]?.trim() ?? 'reset reason not shown';
  },
  matchAccess(r) {
    if (tlsFailureOf(r) !== undefined) return undefined;
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

function tlsMarkerIn(line: string): string | undefined {
  return TLS_MARKERS.find((marker) => line.includes(marker));
}

/** The TLS failure an access line records (its transport failure reason, or the response details), if any. */
function tlsFailureOf(r: AccessRecord): string | undefined {
  const reason = r.transportFailure ?? '';
  if (/TLS|SSL|certificate/i.test(reason)) return reason.replace(/^TLS[_ ]error:[_| ]*/, '').slice(0, 120);
  return r.details && /TLS_error|CERTIFICATE_VERIFY_FAILED/.test(r.details) ? r.details.slice(0, 120) : undefined;
}

const tlsError: LogSignature = {
  id: 'tlsError',
  title: 'TLS handshake or certificate error (stream closed by TLS)',
  matchText: (line) => tlsMarkerIn(line),
  matchAccess: (r) => tlsFailureOf(r),
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
const RBAC_DEBUG_POLICY = /enforced denied, matched policy (\S+)/;

/** `none`: no ALLOW policy matched (a deny by default); anything else is the policy Envoy names. */
function policyKey(policy: string): string {
  return policy === 'none' ? 'no ALLOW policy matched (policy[none])' : policy;
}

const rbacDenied: LogSignature = {
  id: 'rbacDenied',
  title: 'RBAC: access denied',
  matchText(line) {
    if (line.includes('RBAC: access denied')) return 'RBAC: access denied';
    if (!line.includes('enforced denied')) return undefined;
    // Envoy's RBAC filter: `enforced denied, matched policy <id or none>`, keyed as the access-log details are.
    const policy = RBAC_DEBUG_POLICY.exec(line)?.[1];
    return policy === undefined ? 'enforced denied' : policyKey(policy);
  },
  matchAccess(r) {
    const detail = r.details?.startsWith('rbac_access_denied') ? r.details : r.terminationDetails?.startsWith('rbac_access_denied') ? r.terminationDetails : undefined;
    if (!detail) return undefined;
    const policy = RBAC_DETAIL.exec(detail)?.[1];
    return policy === undefined ? detail : policyKey(policy);
  },
};

/** Log messages only: these have no access-log form. */
export const textOnly = (id: SignatureId, title: string, matchText: (line: string) => string | undefined): LogSignature => ({ id, title, matchText, matchAccess: () => undefined });

/**
 * Envoy cannot open a listener's socket: `listener '0.0.0.0_80' failed to bind or apply socket options:
 * cannot bind '0.0.0.0:80': Permission denied` (listener_manager_impl.cc, listen_socket_impl.cc). Key: the
 * address and the reason (`Address already in use` on 15001/15006 means another proxy holds the port).
 */
const bindFailure = textOnly('bindFailure', 'failed to bind a listener socket', (line) => {
  if (!line.includes('cannot bind') && !line.includes('failed to bind')) return undefined;
  const bind = /cannot bind '([^']+)': ([^,;]+)/.exec(line);
  if (bind) return `${bind[1]}: ${bind[2]!.trim()}`;
  return /listener '([^']+)' failed to bind/.exec(line)?.[1] ?? 'failed to bind';
});

/**
 * File-descriptor exhaustion, in Envoy's and pilot-agent's words (`listener accept failure: Too many open files`,
 * `socket(2) failed, got error: Too many open files`, `failed to start workload secret manager too many open files`).
 * Key: what failed, the words before the error.
 */
const tooManyOpenFiles = textOnly('tooManyOpenFiles', 'too many open files', (line) => {
  // Every non-access line of every log passes here: a plain substring test first, the case-blind search after.
  if (!line.includes('pen files')) return undefined;
  const at = line.search(/too many open files/i);
  if (at < 0) return undefined;
  const before = line.slice(0, at).replace(/[:\s,]+$/, '');
  const what = /(listener accept failure|socket\(2\) failed|accept|workload secret manager|inotify|watch)[^:]*$/i.exec(before)?.[1];
  return what ? what.toLowerCase() : 'too many open files';
});

/** The known reasons a config stream to istiod closes, each as one breakdown key. */
const XDS_REASONS: Array<[RegExp, string]> = [
  [/connection refused/, 'connection refused'],
  [/i\/o timeout/, 'i/o timeout'],
  [/x509: certificate signed by unknown authority/, 'x509: certificate signed by unknown authority'],
  [/x509:[^"]*/, 'x509 certificate error'],
  [/no healthy upstream/, 'no healthy upstream'],
  [/context deadline exceeded/, 'context deadline exceeded'],
  [/NO_ERROR/, 'goaway NO_ERROR (istiod closed the stream)'],
  [/transport is closing/, 'transport is closing'],
  [/\bEOF\b/, 'EOF'],
];

/**
 * Envoy's xDS stream to istiod closing (`StreamAggregatedResources gRPC config stream to xds-grpc closed
 * [since 40s ago]: 14, connection error: … i/o timeout`; older `… gRPC config stream closed: 14, …`). Key:
 * the gRPC status and the reason, `(sustained)` when Envoy says the failure has lasted (`closed since …`).
 */
const xdsStreamClosed = textOnly('xdsStreamClosed', 'xDS stream to istiod closed', (line) => {
  const at = line.indexOf('gRPC config stream');
  if (at < 0) return line.includes('Unable to establish new stream') ? 'unable to establish new stream' : undefined;
  const closed = /gRPC config stream(?: to (\S+))? closed(?: since (\d+)s ago)?: (\d+), ?(.*)$/.exec(line.slice(at));
  if (!closed) return undefined;
  const [, target, since, status, message] = closed;
  const reason = XDS_REASONS.find(([pattern]) => pattern.test(message ?? ''))?.[1] ?? (message ?? '').replace(/\d+(?:\.\d+){3}(?::\d+)?/g, '<ip>').slice(0, 80).trim();
  return `${target === 'sds-grpc' ? 'SDS ' : ''}${status}, ${reason}${since ? ' (sustained)' : ''}`;
});

/**
 * pilot-agent's readiness probe: `Envoy proxy is NOT ready: <reason>` (every ~2 s while it fails). Key: the
 * reason without its counters (`config received from XDS server, but was rejected`, `config not received from
 * XDS server (is Istiod running?)`, `server is not live, current state is: DRAINING`, …).
 */
const proxyNotReady = textOnly('proxyNotReady', 'Envoy proxy is NOT ready', (line) => {
  const at = line.indexOf('Envoy proxy is NOT ready');
  if (at < 0) return undefined;
  const reason = line.slice(at + 'Envoy proxy is NOT ready'.length).replace(/^:\s*/, '');
  return reason.replace(/:?\s*cds updates:.*$/, '').replace(/: Get http\S+.*$/, '').trim().slice(0, 120) || 'no reason given';
});

/**
 * Envoy rejecting configuration from istiod (a NACK): `gRPC config for type.googleapis.com/envoy.config.listener.v3.Listener
 * rejected: Error adding/updating listener(s) 0.0.0.0_8443: <reason>`. Key: `<type>: <reason>`.
 */
const configRejected = textOnly('configRejected', 'configuration rejected by Envoy (NACK)', (line) => {
  if (!line.includes(' rejected: ')) return undefined;
  const rejected = /gRPC config for type\.googleapis\.com\/([\w.]+) rejected: (.*)$/.exec(line);
  if (!rejected) return undefined;
  return `${xdsType(rejected[1]!)}: ${rejected[2]!.trim().slice(0, 200)}`;
});

/**
 * istiod's side of a NACK: `ADS:LDS: ACK ERROR <connection id> Internal:Error adding/updating listener(s) …`
 * (pilot/pkg/xds/ads.go). Key: `<type> <proxy>: <reason>`, the proxy as `<pod>.<namespace>` from the connection id.
 */
const ackError = textOnly('ackError', 'istiod saw a proxy reject configuration (ACK ERROR)', (line) => {
  if (!line.includes('ACK ERROR')) return undefined;
  const ack = /ADS:(\w+): ACK ERROR (\S+) (.*)$/.exec(line);
  if (!ack) return undefined;
  const proxy = /~([^~]+)~[^~]*$/.exec(ack[2]!)?.[1] ?? ack[2]!.replace(/-\d+$/, '');
  return `${ack[1]} ${proxy}: ${ack[3]!.replace(/^Internal:/, '').trim().slice(0, 200)}`;
});

/** `envoy.config.listener.v3.Listener` → LDS; the name Istio's logs and istioctl use for each xDS type. */
function xdsType(typeName: string): string {
  const name = typeName.slice(typeName.lastIndexOf('.') + 1);
  return { Listener: 'LDS', Cluster: 'CDS', RouteConfiguration: 'RDS', ClusterLoadAssignment: 'EDS', Secret: 'SDS', ScopedRouteConfiguration: 'SRDS', TypedExtensionConfig: 'ECDS' }[name] ?? name;
}

export const LOG_SIGNATURES: readonly LogSignature[] = [
  upstreamConnectError,
  noHealthyUpstream,
  tlsError,
  noRouteMatched,
  rbacDenied,
  bindFailure,
  tooManyOpenFiles,
  xdsStreamClosed,
  proxyNotReady,
  configRejected,
  ackError,
];
