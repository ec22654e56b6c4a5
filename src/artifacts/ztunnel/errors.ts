import { fieldsOf, type ZtunnelLine } from './line.js';
import type { ZtunnelErrorClass } from './schema.js';

/**
 * Which ztunnel lines are errors worth a finding, what they are about, and the text they are
 * grouped by. Sources: istio/ztunnel `src/proxy/metrics.rs` (access events), `src/proxy.rs`
 * (`Error` Display, the `error=` values), `src/xds/client.rs`, `src/identity/` (certificates),
 * `src/state.rs`, `src/inpod/`.
 */
export interface ZtunnelErrorLine {
  class: ZtunnelErrorClass;
  /** The text the lines are grouped by: the error without addresses, ports, ids, durations or times. */
  key: string;
  /** Who connected to whom, when the line says. */
  src?: string;
  dst?: string;
  service?: string;
}

/** Keys are cut here: a finding quotes them, and a long SAN list is still one error. */
export const MAX_KEY_CHARS = 300;

const POLICY = /policy rejection|explicitly denied by|allow policies exist|connection closed due to policy change|http status: 401\b/i;
/** ztunnel could not get a certificate for a workload (or itself) from the CA. */
const CERTIFICATE = /identity error|signing gRPC error|certificate (?:fetch|renewal) failed|failed to create CSR|chain returned from CA|failed to fetch certificate/i;
/** The handshake or the peer's certificate (rustls' `invalid peer certificate: UnknownIssuer`, BoringSSL's `CERTIFICATE_VERIFY_FAILED`). */
const TLS = /tls error|tls handshake|handshake failed|invalid peer certificate|identity verification error|CERTIFICATE_VERIFY_FAILED|cert(?:ificate)? verif\w* failed|ssl error|revoked by CRL|certificate revoked|UnknownIssuer|BadSignature|BadCertificate|CertExpired|certificate (?:has )?expired/i;

/** Errors of the XDS stream to istiod and of the CA fetch that mean the trust chain is broken, not a reconnect. */
export function mentionsCertificateFailure(text: string): boolean {
  return TLS.test(text) || CERTIFICATE.test(text);
}

/**
 * The error a line reports, or undefined for a line that is not one: access events that failed
 * (`connection complete` with `error=`, `connection failed`), ERROR lines, and the WARN (or INFO)
 * lines ztunnel logs its operational failures with. Routine lines (`XDS client complete` after
 * istiod's MaxConnectionAge, `outbound stream complete`) are not errors.
 */
export function ztunnelError(line: ZtunnelLine): ZtunnelErrorLine | undefined {
  const { level, target, message } = line;
  if (target === 'access') {
    const failed = message === 'connection failed' || (message === 'connection complete' && level === 'error');
    if (!failed && level !== 'error') return undefined;
    return accessError(line);
  }
  if (level === 'error') return operationalError(line);
  if (level === 'warn' && isOperationalWarning(target, message)) return operationalError(line);
  // `certificate renewal failed (…); retaining existing valid certificate until …` is logged at INFO (≥ 1.27).
  if (level === 'info' && message.startsWith('certificate renewal failed')) return operationalError(line);
  return undefined;
}

function isOperationalWarning(target: string, message: string): boolean {
  if (target.startsWith('xds')) return message.startsWith('XDS client error') || message.startsWith('XDS client connection error') || message === 'sending response';
  return (
    message.startsWith('timed out waiting for workload') ||
    message.startsWith('certificate fetch failed') ||
    message.startsWith('failed to rebuild TLS channel') ||
    message.startsWith('node agent announcement failed') ||
    message.startsWith('failed to start proxy') ||
    /^dns (?:lookup )?(?:failed|error)/i.test(message)
  );
}

function accessError(line: ZtunnelLine): ZtunnelErrorLine {
  const fields = fieldsOf(line);
  const error = fields.get('error') ?? line.message;
  const src = fields.get('src.workload') ? qualified(fields.get('src.namespace'), fields.get('src.workload')!) : hostOf(fields.get('src.addr'));
  const dst = fields.get('dst.workload') ? qualified(fields.get('dst.namespace'), fields.get('dst.workload')!) : hostOf(fields.get('dst.addr') ?? fields.get('dst.hbone_addr'));
  const service = fields.get('dst.service');
  return {
    class: classOf(error, 'access'),
    key: normaliseErrorText(error),
    ...(src ? { src } : {}),
    ...(dst ? { dst } : {}),
    ...(service ? { service } : {}),
  };
}

function operationalError(line: ZtunnelLine): ZtunnelErrorLine {
  const fields = line.fieldText === '' && !line.fieldMap ? new Map<string, string>() : fieldsOf(line);
  const error = fields.get('error');
  let text = line.message || error || line.target;
  // An XDS NACK: `sending response type_url="…" nonce="…" type=Nack error="…"`.
  if (fields.get('type') === 'Nack') text = `rejected ${fields.get('type_url') ?? 'configuration'}: ${error ?? 'no reason given'}`;
  else if (error && !text.includes(error)) text = `${text}: ${error}`;
  // `timed out waiting for workload '<pod>.<namespace> (<uid>)' from xds`: the workload whose connections wait.
  const workload = /^timed out waiting for workload '([^'.\s]+)\.([^'\s(]+)(?: \([^)']*\))?'/.exec(line.message);
  const src = workload ? `${workload[2]}/${workload[1]}` : fields.get('src.workload') ? qualified(fields.get('src.namespace'), fields.get('src.workload')!) : undefined;
  return { class: classOf(text, line.target), key: normaliseErrorText(text), ...(src ? { src } : {}) };
}

function classOf(text: string, target: string): ZtunnelErrorClass {
  if (CERTIFICATE.test(text)) return 'certificate';
  if (POLICY.test(text)) return 'policy';
  if (target.startsWith('xds')) return 'xds';
  if (TLS.test(text)) return 'tls';
  if (target === 'access') return 'connection';
  if (text.startsWith('timed out waiting for workload')) return 'workload-info';
  if (target === 'dns' || target.startsWith('dns::') || /^dns\b/i.test(text)) return 'dns';
  if (target.startsWith('inpod')) return 'inpod';
  return 'other';
}

function qualified(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** `10.244.0.7:40461` → `10.244.0.7`, `[fd00::7]:15008` → `fd00::7`; a `host:port` keeps its host. */
function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const v6 = /^\[([^\]]+)\]/.exec(address);
  if (v6) return v6[1];
  const colon = address.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(address.slice(colon + 1)) ? address.slice(0, colon) : address;
}

/**
 * An IPv6 address without brackets, as ztunnel prints an `IpAddr` (`ip mismatch: fd00::5 != fd00::7`):
 * eight groups, or fewer around one `::`, an IPv4 tail allowed (`::ffff:10.0.0.5`). Neither a word
 * character nor a colon may touch it, so `xds::client` and `12:34:56` are not addresses.
 */
const BARE_IPV6 =
  /(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?(?::?\d{1,3}(?:\.\d{1,3}){3})?)(?![\w:]|\.\d)/g;

/**
 * The error text as a grouping key: addresses and ports, ids, durations and times vary per line
 * and are taken out; workload names in `timed out waiting for workload '…'` too (the line's source
 * keeps it). What an engineer acts on stays: the policy, the SAN, `os error 111`, the HBONE port.
 */
export function normaliseErrorText(text: string): string {
  const normalised = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g, '<time>')
    .replace(/current time \S+ is (after|before)/g, 'current time is $1')
    .replace(/\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\](?::\d+)?/g, '<ip>')
    .replace(BARE_IPV6, '<ip>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<id>')
    .replace(/\b\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)\b/g, '<duration>')
    .replace(/(timed out waiting for workload )'[^']*'?/, "$1'<workload>'")
    .replace(/(local workload: ).*$/, '$1<workload>')
    .replace(/\s+/g, ' ')
    .trim();
  return (normalised.length > MAX_KEY_CHARS ? `${normalised.slice(0, MAX_KEY_CHARS)}…` : normalised) || 'error';
}
