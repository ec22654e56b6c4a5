/**
 * Mutations of a seed, as small printable records (so a counterexample reads as "what was done",
 * not as megabytes), and the function that applies them. Positions are naturals taken modulo the
 * input's size when applied, so every mutation fits every seed and shrinks towards the start.
 */
import fc from 'fast-check';
import { HUGE_NUMBERS, ODD_UNICODE } from './odd-values.js';
import { applyStructured, mutateStructured, type StructuredEdit } from './structured.js';

export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'lines'; how: 'duplicate' | 'remove' | 'swap'; at: number; count: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'bytes'; at: number; bytes: number[] }
  | { op: 'number'; nth: number; to: string }
  | { op: 'nest'; at: number; open: string; depth: number }
  | { op: 'eol'; to: 'crlf' | 'cr' | 'lf' | 'none' }
  | { op: 'whitespace'; to: 'tabs' | 'spaces' | 'strip-indent' }
  | { op: 'normalise'; form: 'NFC' | 'NFD' }
  | { op: 'long-line'; at: number; length: number; char: string }
  | { op: 'encoding'; to: 'utf8-bom' | 'utf16le' | 'utf16le-bom' | 'latin1' }
  | { op: 'structured'; edit: StructuredEdit }
  | { op: 'splice'; with: number; at: number };

/** Byte sequences that are not valid UTF-8 (overlong NUL, encoded surrogate, stray continuation…). */
const BAD_BYTES = [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xff], [0xfe, 0xff], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00], [0x00, 0x00, 0x00]];

const at = fc.nat();
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at, xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('lines' as const), how: fc.constantFrom('duplicate' as const, 'remove' as const, 'swap' as const), at, count: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at, text: fc.oneof(fc.constantFrom(...ODD_UNICODE), fc.string({ unit: 'binary', maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('bytes' as const), at, bytes: fc.oneof(fc.constantFrom(...BAD_BYTES), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 })) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('number' as const), nth: fc.nat(), to: fc.constantFrom(...HUGE_NUMBERS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at, open: fc.constantFrom('[', '{"a":', '- ', '  '), depth: fc.constantFrom(2, 100, 1000, 5000, 20_000) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('eol' as const), to: fc.constantFrom('crlf' as const, 'cr' as const, 'lf' as const, 'none' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('whitespace' as const), to: fc.constantFrom('tabs' as const, 'spaces' as const, 'strip-indent' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('normalise' as const), form: fc.constantFrom('NFC' as const, 'NFD' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('long-line' as const), at, length: fc.constantFrom(20_000, 300_000, 1_100_000, 3_000_000), char: fc.constantFrom('a', ' ', '"', '\\', '0', 'é', '[') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('encoding' as const), to: fc.constantFrom('utf8-bom' as const, 'utf16le' as const, 'utf16le-bom' as const, 'latin1' as const) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('structured' as const), edit: mutateStructured }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('splice' as const), with: fc.nat(), at }) },
);

/** Other seeds a splice may take bytes from (any kind's). */
export type SpliceSource = (index: number) => Buffer;

export function applyMutations(input: Buffer, mutations: readonly Mutation[], splice: SpliceSource): Buffer {
  return mutations.reduce((bytes, m) => applyMutation(bytes, m, splice), input);
}

function applyMutation(bytes: Buffer, m: Mutation, splice: SpliceSource): Buffer {
  const pos = (n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
  const text = () => bytes.toString('utf8');
  switch (m.op) {
    case 'truncate':
      return bytes.subarray(0, pos(m.at));
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      const i = m.at % copy.length;
      copy[i] = copy[i]! ^ m.xor;
      return copy;
    }
    case 'lines':
      return Buffer.from(editLines(text().split('\n'), m).join('\n'));
    case 'insert':
      return insert(bytes, pos(m.at), Buffer.from(m.text));
    case 'bytes':
      return insert(bytes, pos(m.at), Buffer.from(m.bytes));
    case 'number': {
      const numbers = [...text().matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
      const hit = numbers[numbers.length === 0 ? 0 : m.nth % numbers.length];
      if (!hit) return bytes;
      const s = text();
      return Buffer.from(s.slice(0, hit.index) + m.to + s.slice(hit.index + hit[0].length));
    }
    case 'nest': {
      const close = m.open === '[' ? ']' : m.open.startsWith('{') ? '}' : '';
      const nested = m.open === '  ' ? `${'  '.repeat(m.depth)}x: 1\n` : m.open.repeat(m.depth) + (close ? '1' : 'x') + close.repeat(m.depth);
      return insert(bytes, pos(m.at), Buffer.from(nested));
    }
    case 'eol': {
      const lf = text().replace(/\r\n/g, '\n');
      return Buffer.from(m.to === 'lf' ? lf : lf.replace(/\n/g, { crlf: '\r\n', cr: '\r', none: '' }[m.to]));
    }
    case 'whitespace': {
      const s = text();
      return Buffer.from(m.to === 'tabs' ? s.replace(/ {2,}/g, '\t') : m.to === 'spaces' ? s.replace(/\t/g, '    ') : s.replace(/^[ \t]+/gm, ''));
    }
    case 'normalise':
      return Buffer.from(text().normalize(m.form));
    case 'long-line':
      return insert(bytes, pos(m.at), Buffer.from(m.char.repeat(m.length)));
    case 'encoding': {
      const s = text();
      if (m.to === 'utf8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
      if (m.to === 'latin1') return Buffer.from(s, 'latin1');
      const utf16 = Buffer.from(s, 'utf16le');
      return m.to === 'utf16le-bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]) : utf16;
    }
    case 'structured':
      return applyStructured(bytes, m.edit);
    case 'splice':
      return insert(bytes, pos(m.at), splice(m.with));
  }
}

function editLines(lines: string[], m: Extract<Mutation, { op: 'lines' }>): string[] {
  if (lines.length === 0) return lines;
  const i = m.at % lines.length;
  const n = Math.min(m.count, lines.length - i);
  const out = [...lines];
  if (m.how === 'duplicate') out.splice(i, 0, ...lines.slice(i, i + n));
  else if (m.how === 'remove') out.splice(i, n);
  else {
    const j = (i + m.count) % lines.length;
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function insert(bytes: Buffer, at: number, what: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, at), what, bytes.subarray(at)]);
}
