/**
 * Envoy access-log lines as Istio writes them (Istio's default `accessLogFormat` and Envoy's access-log docs): the default TEXT format of every era
 * and the JSON encoding. Only the fields the rules use are extracted.
 */
export interface AccessRecord {
  time?: string;
  method?: string;
  path?: string;
  /** 0 when no response was sent (TCP, downstream went away). */
  code: number;
  /** Response flags as a set (their order differs between Envoy versions). */
  flags: string[];
  details?: string;
  terminationDetails?: string;
  transportFailure?: string;
  authority?: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  downstreamLocal?: string;
  downstreamRemote?: string;
}

/** Token positions per format era, keyed by token count (22 = Istio ≥ 1.9, 20 = 1.8, 21 = 1.3–1.7). */
interface Layout {
  details?: number;
  terminationDetails?: number;
  transportFailure: number;
  authority: number;
  upstreamHost: number;
  upstreamCluster: number;
  downstreamLocal: number;
  downstreamRemote: number;
}
const LAYOUTS: Record<number, Layout> = {
  22: { details: 4, terminationDetails: 5, transportFailure: 6, authority: 14, upstreamHost: 15, upstreamCluster: 16, downstreamLocal: 18, downstreamRemote: 19 },
  21: { transportFailure: 5, authority: 13, upstreamHost: 14, upstreamCluster: 15, downstreamLocal: 17, downstreamRemote: 18 },
  20: { transportFailure: 4, authority: 12, upstreamHost: 13, upstreamCluster: 14, downstreamLocal: 16, downstreamRemote: 17 },
};

/** `[2020-11-25T21:26:18.409Z] "GET …`: the ISO `T…Z` form; legacy Envoy app logs use a space instead. */
export function isTextAccessLine(line: string): boolean {
  return line.charCodeAt(0) === 0x5b && /^\[\d{4}-\d\d-\d\dT[^\]]*\] "/.test(line);
}

/**
 * Splits an access line into tokens: `[...]` and `"..."` (with backslash escapes) are single tokens,
 * the rest is split on spaces. Hand-written because this runs once per request line (the hot path).
 */
export function tokenizeAccessLine(line: string): string[] {
  const tokens: string[] = [];
  const length = line.length;
  let i = 0;
  while (i < length) {
    const c = line.charCodeAt(i);
    if (c === 0x20) {
      i++;
      continue;
    }
    let end: number;
    if (c === 0x5b && tokens.length === 0) {
      end = line.indexOf(']', i + 1);
      end = end < 0 ? length : end + 1;
    } else if (c === 0x22) {
      end = i + 1;
      while (end < length) {
        const d = line.charCodeAt(end);
        if (d === 0x5c) end += 2;
        else if (d === 0x22) break;
        else end++;
      }
      end = Math.min(end + 1, length);
    } else {
      end = line.indexOf(' ', i);
      if (end < 0) end = length;
    }
    tokens.push(line.slice(i, end));
    i = end;
  }
  return tokens;
}

export function parseTextAccessLine(line: string): AccessRecord | undefined {
  const tokens = tokenizeAccessLine(line);
  if (tokens.length < 4) return undefined;
  const code = Number(tokens[2]);
  if (!Number.isInteger(code)) return undefined;
  // `"GET /path HTTP/1.1"`; TCP connections print `"- - -"`: no method, no path.
  const request = tokens[1]!;
  const space = request.indexOf(' ');
  let method: string | undefined;
  let path: string | undefined;
  if (space > 1) {
    const pathEnd = request.indexOf(' ', space + 1);
    method = request.slice(1, space);
    path = request.slice(space + 1, pathEnd < 0 ? request.length - 1 : pathEnd);
    if (method === '-') method = undefined;
    if (path === '-' || path === '') path = undefined;
  }
  // Tokens past the flags only have a known meaning in Istio's default layouts; a customised
  // accessLogFormat keeps only what is certain (time, request line, code, flags).
  const layout = LAYOUTS[tokens.length];
  const field = (index: number | undefined) => (layout && index !== undefined ? unquote(tokens[index]!) : undefined);
  const cluster = field(layout?.upstreamCluster);
  // Every field is set, even to undefined: one object shape keeps this hot path monomorphic.
  return {
    time: tokens[0]!.slice(1, -1),
    method,
    path,
    code,
    flags: splitFlags(tokens[3]!),
    details: field(layout?.details),
    terminationDetails: field(layout?.terminationDetails),
    transportFailure: field(layout?.transportFailure),
    authority: field(layout?.authority),
    upstreamHost: field(layout?.upstreamHost),
    upstreamCluster: cluster === undefined ? undefined : stripStatSuffix(cluster),
    downstreamLocal: field(layout?.downstreamLocal),
    downstreamRemote: field(layout?.downstreamRemote),
  };
}

/** JSON-encoded access lines: key order is not stable, values may be numbers, strings, `"-"` or null. */
export function parseJsonAccessLine(line: string): AccessRecord | undefined {
  if (!line.startsWith('{') || !(line.includes('"response_code"') || line.includes('"response_flags"'))) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (key: string) => {
    const v = value[key];
    return v === null || v === undefined || v === '-' ? undefined : String(v);
  };
  const code = Number(text('response_code') ?? 0);
  const record: AccessRecord = { code: Number.isFinite(code) ? code : 0, flags: splitFlags(text('response_flags') ?? '-') };
  const fields: Array<[keyof AccessRecord, string]> = [
    ['time', 'start_time'],
    ['method', 'method'],
    ['path', 'path'],
    ['details', 'response_code_details'],
    ['terminationDetails', 'connection_termination_details'],
    ['transportFailure', 'upstream_transport_failure_reason'],
    ['authority', 'authority'],
    ['upstreamHost', 'upstream_host'],
    ['upstreamCluster', 'upstream_cluster'],
    ['downstreamLocal', 'downstream_local_address'],
    ['downstreamRemote', 'downstream_remote_address'],
  ];
  for (const [field, key] of fields) {
    const v = text(key);
    if (v !== undefined) (record as unknown as Record<string, unknown>)[field] = field === 'upstreamCluster' ? stripStatSuffix(v) : v;
  }
  return record;
}

function unquote(token: string): string | undefined {
  const value = token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
  return value === '-' || value === '' ? undefined : value;
}

function splitFlags(token: string): string[] {
  return token === '-' || token === '' ? [] : token.split(',');
}

/** Istio ≥ 1.24 sets alt_stat_name `<cluster>;`; a custom format using %UPSTREAM_CLUSTER% prints it. */
function stripStatSuffix(cluster: string): string {
  return cluster.endsWith(';') ? cluster.slice(0, -1) : cluster;
}

/** The IP of `10.44.1.23:46520` (IPv6 `[::1]:80` too). */
export function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const m = /^\[?([^\]]+?)\]?:\d+$/.exec(address);
  return m ? m[1] : address;
}

/** An access line in either of Istio's formats (TEXT or JSON), or undefined for any other line. */
export function parseAccessLine(line: string): AccessRecord | undefined {
  if (isTextAccessLine(line)) return parseTextAccessLine(line);
  return line.charCodeAt(0) === 0x7b ? parseJsonAccessLine(line) : undefined;
}
