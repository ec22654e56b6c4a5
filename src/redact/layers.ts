/**
 * The redaction layers, as data: the same names, patterns and marker text as the collector's awk
 * `redact()` (collector/collect.sh). A change here needs the same change there:
 * test/redact/agreement.test.ts runs one corpus through both and compares what each removed.
 */
export const LAYERS = [
  'private-key',
  'base64-pem-key',
  'envoy-inline',
  'jwt',
  'bearer',
  'url-credentials',
  'key-value',
  'env-secret',
  'secret-data',
] as const;

export type Layer = (typeof LAYERS)[number];

export type LayerCounts = Partial<Record<Layer, number>>;

/** What the collector writes in place of a removed value. */
export const MARK = {
  value: '[REDACTED]',
  privateKey: '[REDACTED private key]',
  base64Pem: '[REDACTED base64 PEM]',
  jwt: '[REDACTED jwt]',
  bearer: 'Bearer [REDACTED]',
  basic: 'Basic [REDACTED]',
  urlCredentials: '://[REDACTED]@',
} as const;

/** base64 of `-----BEGIN CERT`: certificates are public and kept. */
export const BASE64_CERT = 'LS0tLS1CRUdJTiBDRVJU';

export const PEM_KEY_ONE_LINE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]*-----END [A-Z ]*PRIVATE KEY-----/g;
export const PEM_KEY_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** (`s`: `.` also matches a CR, as awk's does.) */
export const PEM_KEY_BEGIN_TO_END_OF_LINE = /-----BEGIN [A-Z ]*PRIVATE KEY-----.*$/s;
export const PEM_KEY_END = /-----END [A-Z ]*PRIVATE KEY-----/;
export const PEM_KEY_UP_TO_END = /^.*-----END [A-Z ]*PRIVATE KEY-----/s;
export const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g;
export const JWT = /eyJ[A-Za-z0-9_-]+[.]eyJ[A-Za-z0-9_-]+[.][A-Za-z0-9_-]*/g;
/** A bearer token has a digit or punctuation; "bearer of bad news" is prose. */
export const BEARER = /[Bb][Ee][Aa][Rr][Ee][Rr] [A-Za-z0-9._~+/=-]*[0-9._~+/=-][A-Za-z0-9._~+/=-]*/g;
/** Basic credentials, only on lines naming an Authorization header. */
export const BASIC = /[Bb][Aa][Ss][Ii][Cc] [A-Za-z0-9+/]+=*/g;
export const URL_CREDENTIALS = /:\/\/[^/@ \t"']+:[^/@ \t"']+@/g;
/** password=, token:, secret=, api_key… and the separator (the key may end with an escaped quote). */
export const KEY_VALUE = /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|cookie)(\\*["'])?[ \t]*[:=][ \t]*/i;
export const INLINE_KEY = /"(inline_bytes|inline_string|inlineBytes|inlineString)"[ \t]*:[ \t]*"/;
/** Inline values kept: certificates, and what Envoy or a redactor already replaced. */
/** A whole value the collector or `redact` wrote in place of a secret (`[REDACTED]`, `[REDACTED private key]`, …). */
export const REDACTION_MARKER = /^\[REDACTED[^\]]*\]$/;

export const INLINE_KEEP = /^(LS0tLS1CRUdJTiBDRVJU|-----BEGIN CERTIFICATE|W3JlZGFjdGVkXQ==|\[REDACTED)/;
/** An env entry whose name says it holds a secret; its "value" within the next 3 lines is removed. */
export const ENV_SECRET_NAME = /"name"[ \t]*:[ \t]*"[^"]*([Pp][Aa][Ss][Ss]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Cc][Rr][Ee][Dd])[^"]*"/;
export const ENV_VALUE = /"value"[ \t]*:[ \t]*"/;
export const ENV_VALUE_KEY = /"value"[ \t]*:[ \t]*/;
export const ENV_LINES = 3;
/** Values that are not secrets: booleans, numbers, null, and markers already written. */
export const NOT_SECRET_VALUE = /^(true|false|null|-?[0-9]+|\[REDACTED[^\]]*\])$/;

// Secret `data`/`stringData` (kubectl get secret -o yaml|json, istioctl bug-report --full-secrets).
/** `data:` (YAML) or `"data": {` (JSON) alone on its line opens a block. */
export const DATA_OPEN = /^( *)(- )?"?(data|stringData)"?[ ]*:[ ]*(\{)?[ ]*\r?$/;
export const KIND_LINE = /^ *(- )?"?kind"?[ ]*:[ ]*"?([A-Za-z0-9]*)"?,?[ ]*\r?$/;
export const KEY_LINE = /^ *(- )?"?[A-Za-z0-9_.-]+"?[ ]*:/;
export const JSON_BLOCK_CLOSE = /^ *\},?[ ]*\r?$/;
export const JSON_DATA_VALUE_KEY = /^[ ]*"[^"]*"[ ]*:[ ]*/;
export const YAML_DATA_LINE = /^([ ]*("[^"]*"|'[^']*'|[^ #'"][^:]*):[ ]+)(.*)$/s;
/** Data values kept: base64 or PEM certificates, empty strings, markers. */
export const DATA_KEEP = /^(["']?LS0tLS1CRUdJTiBDRVJU|["']?-----BEGIN CERTIFICATE|""$|''$|["']?\[REDACTED)/;
/** One-line objects (compact JSON, last-applied-configuration in an annotation, quotes maybe escaped). */
export const ONE_LINE_SECRET = /\\*"kind\\*"[ ]*:[ ]*\\*"Secret\\*"/;
export const ONE_LINE_DATA = /\\*"(data|stringData)\\*"[ ]*:[ ]*\{/;
export const ONE_LINE_DATA_KEY = /\\*"[^"\\]+\\*"[ ]*:[ ]*/;
/** Secrets hold at most 1 MiB: a larger undecided data block is not a Secret's and is written as it came. */
export const DATA_BLOCK_CAP = 2 * 1024 * 1024;
/** Keys looked at after a data block for the object's `kind` (kubectl sorts keys: data, immutable, kind). */
export const KIND_LOOKAHEAD_KEYS = 3;
