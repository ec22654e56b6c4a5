import { TextDecoder } from 'node:util';
import type { TextEncoding } from './entry/encoding.js';

/**
 * Private key material in a bundle entry. The report warns "this bundle holds private keys: handle it
 * as confidential, ask the customer to rotate" and names the file, the kind and the line: never the value.
 *
 * - `private-key`: a PEM block (`-----BEGIN RSA PRIVATE KEY-----`), also inside a JSON string with `\n` escapes.
 * - `private-key-base64`: base64 of such a PEM, as Kubernetes Secret `data:` values, Envoy's
 *   `inline_bytes` and `bug-report --full-secrets` carry it.
 */
export type SecretMaterialKind = 'private-key' | 'private-key-base64';

export interface SecretMaterialHit {
  material: SecretMaterialKind;
  /** e.g. "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY" */
  label: string;
  count: number;
  /** 1-based line of the first occurrence */
  firstLine: number;
}

/** Longest label word run accepted before `PRIVATE KEY` ("ENCRYPTED " is 10): bounds both look-ups. */
const MAX_LABEL = 48;
/** The end of every PEM private key marker: rarer in logs than `-----BEGIN `, so it is what we search for. */
const PEM_KEY_END = Buffer.from('PRIVATE KEY-----', 'latin1');
/** `-----BEGIN ` + label, looked back for from a `PRIVATE KEY-----`. */
const PEM_LOOKBACK = '-----BEGIN '.length + MAX_LABEL;
/** base64 of `-----BEGIN`: a base64-encoded PEM value always starts with it. */
const BASE64_BEGIN = Buffer.from('LS0tLS1CRUdJTi', 'latin1');
/** base64 characters decoded after the marker: enough for `-----BEGIN ` + MAX_LABEL + `PRIVATE KEY-----`. */
const BASE64_PREFIX = Math.ceil(('-----BEGIN '.length + MAX_LABEL + PEM_KEY_END.length) / 3) * 4;
/**
 * Bytes of the stream kept between pushes, so a marker straddling two chunks is still seen: more than the
 * look-back before a PEM marker, and than a base64 marker's prefix (which may wait for the next chunk).
 */
const CARRY = 128;
const NEWLINE = 0x0a;

const LABEL_CHAR = byteSet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ');
const BASE64_CHAR = byteSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
const LABEL_WORDS = /^(?:[A-Z0-9]+ )*$/;
const DECODED_KEY_HEADER = /^-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/;

interface Found {
  /** offset in the stream */
  at: number;
  material: SecretMaterialKind;
  label: string;
}

/**
 * Finds private key material as an entry's bytes stream past, in O(1) memory (a 128-byte carry and one
 * counter per kind of hit), whatever the entry's size: fixed markers are searched with `Buffer.indexOf`
 * and newlines are counted once per chunk, never by turning lines into strings.
 */
export class SecretMaterialScanner {
  /** The last ≤ CARRY bytes of the stream before the current chunk (a copy: callers reuse their buffers). */
  private carry: Buffer = Buffer.alloc(0);
  /** Stream offset of the current chunk. */
  private offset = 0;
  /** 1-based line at `offset`. */
  private line = 1;
  private readonly groups = new Map<string, SecretMaterialHit>();
  /** UTF-16LE entries (Windows PowerShell redirects) are transcoded to UTF-8 so the ASCII markers match. */
  private readonly decoder: TextDecoder | undefined;
  private result: SecretMaterialHit[] | undefined;

  constructor(encoding: TextEncoding = 'utf8') {
    this.decoder = encoding === 'utf16le' ? new TextDecoder('utf-16le') : undefined;
  }

  /** Feed the entry's bytes in order, any chunking. */
  push(chunk: Uint8Array): void {
    if (this.result) throw new Error('SecretMaterialScanner: push() after finish()');
    const bytes = this.decoder
      ? Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8')
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length > 0) this.scan(bytes);
  }

  /** Hits grouped by (material,label), in a stable order (first line, then label). */
  finish(): SecretMaterialHit[] {
    if (this.result) return this.result;
    if (this.decoder) {
      const rest = this.decoder.decode();
      if (rest) this.scan(Buffer.from(rest, 'utf8'));
    }
    // A base64 marker whose run reaches the end of the entry still waits for bytes: decide with what there is.
    const { carry } = this;
    for (let i = carry.indexOf(BASE64_BEGIN); i !== -1; i = carry.indexOf(BASE64_BEGIN, i + 1)) {
      if (base64Decision(carry, i) !== undefined) continue;
      const label = base64KeyLabel(carry, i, base64RunEnd(carry, i));
      // Its run reaches the end: no newline after it, so it is on the last line.
      if (label) this.record('private-key-base64', label, this.line);
    }
    this.result = [...this.groups.values()].sort(
      (a, b) => a.firstLine - b.firstLine || compare(a.label, b.label) || compare(a.material, b.material),
    );
    return this.result;
  }

  private scan(chunk: Buffer): void {
    const { carry, offset } = this;
    const carryStart = offset - carry.length;
    const found: Found[] = [];

    if (carry.length > 0) {
      // Markers that began in the carry and were not decided by an earlier push: a small window of
      // the carry and the chunk's head, so the big chunk is never copied.
      const window = Buffer.concat([carry, chunk.subarray(0, CARRY)]);
      const from = Math.max(0, carry.length - PEM_KEY_END.length + 1);
      for (let i = window.indexOf(PEM_KEY_END, from); i !== -1 && i < carry.length; i = window.indexOf(PEM_KEY_END, i + 1)) {
        const label = pemKeyLabel(window, i);
        if (label) found.push({ at: carryStart + i, material: 'private-key', label });
      }
      for (let i = window.indexOf(BASE64_BEGIN); i !== -1 && i < carry.length; i = window.indexOf(BASE64_BEGIN, i + 1)) {
        const decision = base64Decision(window, i);
        // Undecided: still waiting for bytes. Decided inside the carry: an earlier push already counted it.
        if (decision === undefined || decision.end <= carry.length) continue;
        if (decision.label) found.push({ at: carryStart + i, material: 'private-key-base64', label: decision.label });
      }
    }

    for (let i = chunk.indexOf(PEM_KEY_END); i !== -1; i = chunk.indexOf(PEM_KEY_END, i + PEM_KEY_END.length)) {
      const label =
        i >= PEM_LOOKBACK
          ? pemKeyLabel(chunk, i)
          : pemKeyLabel(Buffer.concat([carry, chunk.subarray(0, i)]), carry.length + i);
      if (label) found.push({ at: offset + i, material: 'private-key', label });
    }
    for (let i = chunk.indexOf(BASE64_BEGIN); i !== -1; i = chunk.indexOf(BASE64_BEGIN, i + BASE64_BEGIN.length)) {
      // Undecided (its run reaches the chunk's end): the next push sees it in the carry.
      const label = base64Decision(chunk, i)?.label;
      if (label) found.push({ at: offset + i, material: 'private-key-base64', label });
    }

    // Lines: newlines are counted up to each hit (hits are rare) and on to the chunk's end, once.
    let counted = 0;
    let line = this.line;
    found.sort((a, b) => a.at - b.at);
    for (const hit of found) {
      if (hit.at < offset) {
        // Begun in the carry and decided only now: no newline lies between it and this chunk (a newline
        // ends a base64 run, and a PEM marker has none), so it is on the chunk's first line.
        this.record(hit.material, hit.label, this.line);
        continue;
      }
      line += countNewlines(chunk, counted, hit.at - offset);
      counted = hit.at - offset;
      this.record(hit.material, hit.label, line);
    }
    this.line = line + countNewlines(chunk, counted, chunk.length);
    this.offset = offset + chunk.length;
    this.carry =
      chunk.length >= CARRY
        ? Buffer.from(chunk.subarray(chunk.length - CARRY))
        : Buffer.concat([carry.subarray(Math.max(0, carry.length + chunk.length - CARRY)), chunk]);
  }

  private record(material: SecretMaterialKind, label: string, line: number): void {
    const key = `${material}\0${label}`;
    const group = this.groups.get(key);
    // Hits are recorded in stream order (a marker waiting for bytes holds back nothing after it: whatever
    // follows it is part of its base64 run), so the first one recorded has the first line.
    if (group) group.count++;
    else this.groups.set(key, { material, label, count: 1, firstLine: line });
  }
}

/**
 * The label of the PEM private key marker whose `PRIVATE KEY-----` starts at `at`: `RSA PRIVATE KEY` for
 * `-----BEGIN RSA PRIVATE KEY-----`; undefined for an END marker or anything else.
 */
function pemKeyLabel(buf: Buffer, at: number): string | undefined {
  const floor = Math.max(0, at - PEM_LOOKBACK);
  let start = at;
  while (start > floor && LABEL_CHAR[buf[start - 1]!]) start--;
  // buf[start, at) must be "BEGIN " + label words, right after five dashes.
  if (start < 5 || at - start < 6) return undefined;
  for (let i = start - 5; i < start; i++) if (buf[i] !== 0x2d) return undefined;
  if (buf.toString('latin1', start, start + 6) !== 'BEGIN ') return undefined;
  const words = buf.toString('latin1', start + 6, at);
  return LABEL_WORDS.test(words) ? `${words}PRIVATE KEY` : undefined;
}

/** Where the run of base64 characters from `at` stops, looking at most BASE64_PREFIX characters. */
function base64RunEnd(buf: Buffer, at: number): number {
  const stop = Math.min(buf.length, at + BASE64_PREFIX);
  let end = at + BASE64_BEGIN.length;
  while (end < stop && BASE64_CHAR[buf[end]!]) end++;
  return end;
}

/**
 * Whether the base64 marker at `at` can be classified from `buf`: it can once BASE64_PREFIX characters or
 * the byte ending the run are in. `end` is the offset of the last byte the decision needs, plus one, so
 * that the same marker seen again from the carry is recognised as decided. Undefined: wait for bytes.
 */
function base64Decision(buf: Buffer, at: number): { end: number; label: string | undefined } | undefined {
  const runEnd = base64RunEnd(buf, at);
  const full = runEnd - at >= BASE64_PREFIX;
  if (!full && runEnd === buf.length) return undefined;
  return { end: full ? runEnd : runEnd + 1, label: base64KeyLabel(buf, at, runEnd) };
}

/** Decodes the head of a base64 run: the PEM label if it is a private key (never a certificate, never `[redacted]`). */
function base64KeyLabel(buf: Buffer, start: number, end: number): string | undefined {
  const length = Math.min(end - start, BASE64_PREFIX) & ~3;
  const decoded = Buffer.from(buf.toString('latin1', start, start + length), 'base64').toString('latin1');
  const match = DECODED_KEY_HEADER.exec(decoded);
  return match ? `${match[1]}PRIVATE KEY` : undefined;
}

/** `\n` in buf[from, to): a CRLF file has one per line as well. */
function countNewlines(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = buf.indexOf(NEWLINE, from); i !== -1 && i < to; i = buf.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

function byteSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A private key PEM block, from its BEGIN line to its END line, or up to the next PEM block or the text's end (cut short by an excerpt limit). */
const PEM_KEY_BLOCK =
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|(?=-----BEGIN )|$)/g;
/** An END line left once whole blocks are gone: the tail of a key whose BEGIN line is before the excerpt. */
const PEM_KEY_END_LINE = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;
/** A PEM marker's closing dashes and its line break (real, or escaped in JSON): where a key's tail cannot start before. */
const MARKER_CLOSE = /^-----(?:\r?\n|\\r\\n|\\n)?/;
const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}/g;
const REMOVED = '[private key removed]';

/**
 * Replaces any PEM private key block (also one cut short by an excerpt limit: from the BEGIN line to the
 * END line or the end of the text) and any base64-encoded PEM private key with `[private key removed]`.
 * Certificates and Envoy's `[redacted]` stay as they are. For the excerpts the report quotes: it prefers
 * removing too much (a tail's whole preceding text) to quoting a key.
 */
export function redactKeyMaterial(text: string): string {
  if (!text.includes('PRIVATE KEY-----') && !text.includes('LS0tLS1CRUdJTi')) return text;
  return removeKeyTails(text.replace(PEM_KEY_BLOCK, REMOVED)).replace(BASE64_PEM, (run) =>
    base64KeyLabel(Buffer.from(run, 'latin1'), 0, run.length) ? REMOVED : run,
  );
}

/**
 * Replaces each remaining END line and the text before it, back to the previous PEM marker (a
 * certificate's END line stays), removal, or the text's start. A loop, not one regex: linear.
 */
function removeKeyTails(text: string): string {
  let out = '';
  let last = 0;
  for (const end of text.matchAll(PEM_KEY_END_LINE)) {
    const before = text.slice(last, end.index);
    let keep = before.lastIndexOf(REMOVED);
    keep = keep === -1 ? 0 : keep + REMOVED.length;
    const dashes = before.lastIndexOf('-----');
    if (dashes !== -1 && dashes + 5 > keep) keep = dashes + (MARKER_CLOSE.exec(before.slice(dashes))?.[0].length ?? 5);
    out += `${before.slice(0, keep)}${REMOVED}`;
    last = end.index + end[0].length;
  }
  return last === 0 ? text : out + text.slice(last);
}
