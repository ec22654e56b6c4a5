import { ENV_SECRET_NAME, INLINE_KEEP, INLINE_KEY, NOT_SECRET_VALUE, type Layer } from './layers.js';

/** Counts per layer for one file, filled in by the functions below. */
export type Counter = (layer: Layer, n: number) => void;

/** Every match of `re` (global) replaced by `rep`; the count goes to `layer`. */
export function replaceAll(s: string, re: RegExp, rep: string, layer: Layer, count: Counter): string {
  let n = 0;
  const out = s.replace(re, () => {
    n += 1;
    return rep;
  });
  count(layer, n);
  return out;
}

/**
 * The value after each match of `keyRe` (not global; key and separator kept) replaced by [REDACTED]
 * when it is a secret: quoted (possibly with escaped quotes, JSON inside a JSON string) or bare up to
 * a delimiter. Booleans, numbers, null, markers, `{`/`[` (objects) stay. `keep`: values also kept.
 * The collector's awk `redact_values`, step for step.
 */
export function redactValues(s: string, keyRe: RegExp, layer: Layer, count: Counter, keep?: RegExp): string {
  let out = '';
  let n = 0;
  for (;;) {
    const m = keyRe.exec(s);
    if (!m) break;
    const head = s.slice(0, m.index + m[0].length);
    let rest = s.slice(m.index + m[0].length);
    let q = '';
    const quote = /^\\*["']/.exec(rest);
    if (quote) q = quote[0];
    rest = rest.slice(q.length);
    let value = '';
    if (q === '"') {
      for (let i = 0; i < rest.length; i++) {
        const c = rest[i]!;
        if (c === '\\') {
          value += c + (rest[i + 1] ?? '');
          i++;
          continue;
        }
        if (c === '"') break;
        value += c;
      }
    } else if (q !== '') {
      const end = rest.indexOf(q);
      value = end >= 0 ? rest.slice(0, end) : rest;
    } else {
      const end = rest.search(/[ ,&;}"'\t\\]/);
      value = end >= 0 ? rest.slice(0, end) : rest;
    }
    if (value === '' || NOT_SECRET_VALUE.test(value) || (q === '' && /^[{[]/.test(value)) || (keep !== undefined && keep.test(value))) {
      out += head + q + value;
    } else {
      out += `${head + q}[REDACTED]`;
      n += 1;
    }
    s = rest.slice(value.length);
  }
  count(layer, n);
  return out + s;
}

/** Envoy inline_bytes/inline_string values that are not certificates or already redacted. */
export function redactInline(s: string, count: Counter): string {
  let out = '';
  let n = 0;
  for (;;) {
    const m = INLINE_KEY.exec(s);
    if (!m) break;
    const head = s.slice(0, m.index + m[0].length);
    const rest = s.slice(m.index + m[0].length);
    const end = rest.indexOf('"');
    if (end < 0) {
      out += head;
      s = rest;
      break;
    }
    const value = rest.slice(0, end);
    if (value === '' || INLINE_KEEP.test(value)) out += head + value;
    else {
      out += `${head}[REDACTED]`;
      n += 1;
    }
    s = rest.slice(end);
  }
  count('envoy-inline', n);
  return out + s;
}

export function isSecretEnvName(line: string): boolean {
  return ENV_SECRET_NAME.test(line);
}
