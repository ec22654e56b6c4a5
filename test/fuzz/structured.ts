/**
 * Edits of a JSON or YAML seed's structure: parse, change one key or element, stringify again. What
 * JSON.stringify cannot write (1e999, duplicate keys) goes in as marked strings replaced afterwards.
 */
import fc from 'fast-check';
import { parseAllDocuments, stringify as yamlStringify } from 'yaml';
import { HUGE_NUMBERS, ODD_UNICODE } from './odd-values.js';

export interface StructuredEdit {
  action: 'delete' | 'duplicate' | 'set' | 'rename';
  /** Which container (object or array), in depth-first order, modulo their count. */
  node: number;
  /** Which key or element of it, modulo its size. */
  member: number;
  value: string;
  indent: 0 | 2 | 4;
}

const RAW = '\u0000RAW:';
const DUP = '\u0000DUP:';

/** Replacement values: raw JSON text (numbers JSON.stringify cannot write, deep nesting) or strings. */
const VALUES = [
  ...HUGE_NUMBERS.slice(0, 7).map((n) => RAW + n),
  RAW + 'null', RAW + 'true', RAW + '[]', RAW + '{}', RAW + '""', RAW + '0', RAW + '-1', RAW + '4294967296',
  RAW + '['.repeat(5000) + ']'.repeat(5000),
  RAW + '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
  ...ODD_UNICODE.slice(0, 16),
  'x'.repeat(100_000),
  '2024-13-45T99:99:99Z',
  '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
];

export const mutateStructured: fc.Arbitrary<StructuredEdit> = fc.record({
  action: fc.constantFrom('delete' as const, 'duplicate' as const, 'set' as const, 'rename' as const),
  node: fc.nat(),
  member: fc.nat(),
  value: fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 6 })),
  indent: fc.constantFrom(0 as const, 2 as const, 4 as const),
});

type Container = Record<string, unknown> | unknown[];

export function applyStructured(bytes: Buffer, edit: StructuredEdit): Buffer {
  const text = bytes.toString('utf8');
  const parsed = parseDocuments(text);
  if (!parsed) return bytes;
  const containers: Container[] = [];
  for (const doc of parsed.docs) collect(doc, containers);
  const target = containers[edit.node % Math.max(1, containers.length)];
  if (!target) return bytes;
  editContainer(target, edit);
  const json = (doc: unknown) => unmark(JSON.stringify(doc, null, edit.indent) ?? 'null');
  const raw = parsed.docs.some((d) => JSON.stringify(d)?.includes('\\u0000'));
  if (parsed.format === 'json') return Buffer.from(json(parsed.docs[0]));
  // YAML seeds stay YAML unless a marker needs raw text; JSON is a YAML flow document.
  return Buffer.from(parsed.docs.map((d) => (raw ? json(d) + '\n' : yamlStringify(d))).join('---\n'));
}

function parseDocuments(text: string): { format: 'json' | 'yaml'; docs: unknown[] } | undefined {
  try {
    return { format: 'json', docs: [JSON.parse(text) as unknown] };
  } catch {
    // not JSON: try YAML below
  }
  // The yaml package is slow on long garbage (seconds per 100 KB): structured edits are for seeds' shapes.
  if (text.length > 200_000) return undefined;
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
    const values = docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
    return values.some((v) => v !== null && typeof v === 'object') ? { format: 'yaml', docs: values } : undefined;
  } catch {
    return undefined;
  }
}

function collect(value: unknown, into: Container[]): void {
  if (value === null || typeof value !== 'object') return;
  into.push(value as Container);
  for (const child of Object.values(value)) collect(child, into);
}

function editContainer(target: Container, edit: StructuredEdit): void {
  if (Array.isArray(target)) {
    const i = target.length === 0 ? 0 : edit.member % target.length;
    if (edit.action === 'delete') target.splice(i, 1);
    else if (edit.action === 'duplicate') target.splice(i, 0, target[i]);
    else target[i] = edit.value;
    return;
  }
  const keys = Object.keys(target);
  const key = keys[keys.length === 0 ? 0 : edit.member % keys.length];
  if (key === undefined) {
    target[edit.value.slice(0, 40) || 'k'] = edit.value;
    return;
  }
  // Rebuild in order so a duplicate or renamed key stays where the original was.
  const entries = Object.entries(target).flatMap(([k, v]): Array<[string, unknown]> => {
    if (k !== key) return [[k, v]];
    if (edit.action === 'delete') return [];
    if (edit.action === 'duplicate') return [[k, v], [`${DUP}${k}`, v]];
    if (edit.action === 'rename') return [[k + (edit.value.slice(0, 4) || '\u200B'), v]];
    return [[k, edit.value]];
  });
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, Object.fromEntries(entries));
}

/** Turns the markers back into raw JSON text and duplicate keys. */
function unmark(json: string): string {
  return json
    .replace(/"\\u0000RAW:((?:[^"\\]|\\.)*)"/g, (_m, body: string) => JSON.parse(`"${body}"`) as string)
    .replace(/"\\u0000DUP:/g, '"');
}
