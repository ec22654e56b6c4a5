/**
 * One ztunnel log line, in any of the layouts ztunnel writes (istio/ztunnel `src/telemetry.rs`):
 *
 * - Istio's (≥ 1.22): `<RFC 3339 µs>\t<level>\t<target>[:<span>{…}…]\t<message>\t<k=v k=v …>`, the level
 *   lower case, the target without its `ztunnel::` prefix (`access`, `xds::client:xds{id=1}`);
 * - tracing's default (before 1.22): `<time>  WARN xds{id=1}: ztunnel::xds::client: <message> <k=v …>`;
 * - JSON (`LOG_FORMAT=json`): `{"level":…,"time":…,"scope":…,"message":…,<fields>}`.
 *
 * Pasted logs often have their tabs turned into spaces: runs of blanks separate the columns too,
 * and the fields start at the first ` name=` after the message.
 */
export type ZtunnelLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type ZtunnelFormat = 'istio' | 'tracing' | 'json';

export interface ZtunnelLine {
  format: ZtunnelFormat;
  time?: string;
  level: ZtunnelLevel;
  /** The target (module path) without `ztunnel::` and without its spans: `access`, `xds::client`. */
  target: string;
  message: string;
  /** The `k=v` block as written (text layouts); parse it with `fieldsOf` only when needed. */
  fieldText: string;
  /** JSON: the event's fields, as strings. */
  fieldMap?: Record<string, string>;
}

const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)[\t ]+/;
const ISTIO_LEVEL = /^(trace|debug|info|warn|error)(?:\t| +)/;
const TRACING_LEVEL = /^(TRACE|DEBUG|INFO|WARN|ERROR)(?:\t| +)/;
/** A Rust module path (`access`, `xds::client`, `ztunnel::proxy::outbound`), spans following it. */
const TARGET = /^[a-z_][a-z0-9_]*(?:::[a-z0-9_]+)*/;
/** Where the `k=v` fields start when no tab separates them from the message. */
const FIELDS_START = /(?:^|[\t ])[a-z_][a-z0-9_.]*=/;

export function parseZtunnelLine(text: string): ZtunnelLine | undefined {
  if (text.charCodeAt(0) === 0x7b) return parseJson(text);
  const time = TIME.exec(text);
  const rest = time ? text.slice(time[0].length) : text;
  const istio = ISTIO_LEVEL.exec(rest);
  if (istio) {
    // A line cut in front of its time (a paste) is still ztunnel's when tabs separate its columns.
    if (!time && !istio[0].endsWith('\t')) return undefined;
    return parseIstio(rest, istio[0].length, istio[1] as ZtunnelLevel, time?.[1]);
  }
  const tracing = time ? TRACING_LEVEL.exec(rest) : null;
  if (tracing) return parseTracing(rest, tracing[0].length, tracing[1]!.toLowerCase() as ZtunnelLevel, time![1]!);
  return undefined;
}

function parseIstio(rest: string, at: number, level: ZtunnelLevel, time: string | undefined): ZtunnelLine | undefined {
  const token = readToken(rest, at);
  if (!token) return undefined;
  const target = targetOf(token.text);
  if (target === undefined) return undefined;
  const { message, fieldText } = splitMessage(rest, skipBlanks(rest, token.end), rest.charCodeAt(token.end) === 0x09);
  return { format: 'istio', ...(time ? { time } : {}), level, target, message, fieldText };
}

/** `[<span>{…}:…]: <target>: <message> <fields>`: spans first when there are any, each token ending with `:`. */
function parseTracing(rest: string, at: number, level: ZtunnelLevel, time: string): ZtunnelLine | undefined {
  let token = readToken(rest, at);
  if (!token?.text.endsWith(':')) return undefined;
  if (token.text.includes('{')) token = readToken(rest, skipBlanks(rest, token.end));
  if (!token?.text.endsWith(':')) return undefined;
  const name = token.text.slice(0, -1);
  const target = TARGET.exec(name)?.[0];
  if (target === undefined || target !== name) return undefined;
  const { message, fieldText } = splitMessage(rest, skipBlanks(rest, token.end), false);
  return { format: 'tracing', time, level, target: withoutPrefix(target), message, fieldText };
}

function parseJson(text: string): ZtunnelLine | undefined {
  if (!text.includes('"scope"') && !text.includes('"target"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const level = typeof record.level === 'string' ? record.level.toLowerCase() : undefined;
  const scope = typeof record.scope === 'string' ? record.scope : typeof record.target === 'string' ? record.target : undefined;
  if (!level || !isLevel(level) || scope === undefined || TARGET.exec(scope)?.[0] !== scope) return undefined;
  const fieldMap: Record<string, string> = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'level' || key === 'time' || key === 'scope' || key === 'target' || key === 'message') continue;
    if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') fieldMap[key] = String(field);
  }
  return {
    format: 'json',
    ...(typeof record.time === 'string' ? { time: record.time } : {}),
    level,
    target: withoutPrefix(scope),
    message: typeof record.message === 'string' ? record.message : '',
    fieldText: '',
    fieldMap,
  };
}

function isLevel(level: string): level is ZtunnelLevel {
  return level === 'trace' || level === 'debug' || level === 'info' || level === 'warn' || level === 'error';
}

/** `xds::client:xds{id=1}` → `xds::client`; undefined when the token is no target. */
function targetOf(token: string): string | undefined {
  const base = TARGET.exec(token)?.[0];
  if (base === undefined) return undefined;
  const spans = token.slice(base.length);
  if (spans !== '' && !/^:[A-Za-z_]\w*\{/.test(spans)) return undefined;
  return withoutPrefix(base);
}

function withoutPrefix(target: string): string {
  return target.startsWith('ztunnel::') ? target.slice('ztunnel::'.length) : target;
}

/** A token up to the next blank outside braces (span fields hold blanks: `inbound{id=… peer=…}`). */
function readToken(text: string, at: number): { text: string; end: number } | undefined {
  let depth = 0;
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d) depth = Math.max(0, depth - 1);
    else if ((c === 0x20 || c === 0x09) && depth === 0) break;
  }
  return i > at ? { text: text.slice(at, i), end: i } : undefined;
}

function skipBlanks(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** The message and the fields after it: a tab separates them in Istio's layout, else the first ` name=`. */
function splitMessage(text: string, at: number, tabbed: boolean): { message: string; fieldText: string } {
  const rest = text.slice(at);
  if (tabbed) {
    const tab = rest.indexOf('\t');
    if (tab >= 0) return { message: rest.slice(0, tab).trimEnd(), fieldText: rest.slice(tab + 1) };
  }
  const start = FIELDS_START.exec(rest);
  if (!start) return { message: rest.trimEnd(), fieldText: '' };
  return { message: rest.slice(0, start.index).trimEnd(), fieldText: rest.slice(start.index).trimStart() };
}

/**
 * The `k=v` fields of a line. Values are Rust `Debug` output: strings double-quoted with `\"` and
 * `\\` escapes, addresses and numbers bare (ztunnel 1.22 wrote some strings bare too). A key given
 * twice (`error="…" error="…"`) keeps both values, joined with `; `.
 */
export function fieldsOf(line: Pick<ZtunnelLine, 'fieldText' | 'fieldMap'>): Map<string, string> {
  if (line.fieldMap) return new Map(Object.entries(line.fieldMap));
  return parseFields(line.fieldText);
}

export function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ' ' && text[i] !== '\t') i++;
    if (text[i] !== '=') {
      // A word without a value: not a field, skip it.
      continue;
    }
    const key = text.slice(keyStart, i);
    i++;
    let value: string;
    if (text[i] === '"') {
      i++;
      let out = '';
      let segment = i;
      for (; i < n; i++) {
        const c = text[i];
        if (c === '\\' && i + 1 < n) {
          out += text.slice(segment, i) + unescape(text[i + 1]!);
          i++;
          segment = i + 1;
        } else if (c === '"') break;
      }
      value = out + text.slice(segment, i);
      i++; // the closing quote
    } else {
      const start = i;
      while (i < n && text[i] !== ' ' && text[i] !== '\t') i++;
      value = text.slice(start, i);
    }
    if (key === '') continue;
    const before = fields.get(key);
    fields.set(key, before === undefined ? value : `${before}; ${value}`);
  }
  return fields;
}

function unescape(c: string): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
}
