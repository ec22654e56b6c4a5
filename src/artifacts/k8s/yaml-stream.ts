/**
 * Fast path for large multi-document YAML streams (`istioctl bug-report` `cluster/crs`,
 * `cluster/k8s-resources`, `kubectl get -o yaml` dumps of tens of MB).
 *
 * The `yaml` package is the reference reader (documents.ts): its errors and warnings are what users
 * see. It reads ~1.2 MB/s end to end, and no lower-level use of it gets near the 10 MB/s a 20 MB dump in
 * 2 s needs: on this machine its `Lexer` alone runs at ~5 MB/s, `Parser` (CST) ~2.6 MB/s, `Parser` +
 * `Composer` ~1.9 MB/s. js-yaml 4 builds plain JS values directly at ~10–18 MB/s, and its `listener`
 * hook reports the parser's own line at the start of every node, so a document's start line and each
 * `items[]` entry's line come from the parser itself, exact, without a second pass. (js-yaml 5's event
 * API has offsets and alias limits built in, but ran ~30 % slower here cold and 2–3× slower once its
 * parser had already read another file, as every analysis run does.)
 *
 * This path only ever answers for input where both readers agree by construction: the schema below is
 * YAML 1.2 core with exactly the `yaml` package's scalar rules, and the fast path gives up (returns
 * `undefined`, and the caller uses the `yaml` path) on anything it cannot vouch for:
 * - any js-yaml error (syntax, duplicate key, unknown tag, nesting over {@link MAX_BLOCK_DEPTH}): the
 *   `yaml` path then reports the error, with its message and line, exactly as before — or reads the
 *   document if it is lenient where js-yaml is not (unknown tags);
 * - any anchor or alias: the `yaml` path applies its alias-count limit (alias bombs);
 * - an `items` sequence whose entries the listener did not see one by one (e.g. an empty `-` entry).
 * - a null or collection mapping key, or any explicit `?` key (the two readers spell such keys apart).
 * kubectl and istioctl print none of these, so real dumps stay on the fast path.
 * No tag executes anything: only the core scalar, sequence and mapping types exist in the schema.
 *
 * Checked by test/artifacts/k8s-yaml-stream.test.ts on every fixture and corpus file (identical
 * objects, pointers, documents and lines) and, while writing it, on 30,000 random mutations of them:
 * one divergence, malformed input js-yaml tolerates — a quoted scalar whose continuation line is not
 * indented past its key (yaml: "Missing closing quote"; js-yaml reads the string).
 */
import jsYaml from 'js-yaml';

/** One YAML document as read by the fast path. */
export interface FastYamlDocument {
  /** The document's value (`null` for an empty document). */
  value: unknown;
  /** 1-based line where the document's root node starts. */
  line: number;
  /** 1-based line of each entry of a root `items:` block sequence, when there is one. */
  itemLines?: number[];
}

/**
 * Block nesting allowed on the fast path; deeper input goes to the `yaml` path (which has no block
 * limit), so this bounds only js-yaml's recursion. Flow nesting is refused earlier, at 100.
 */
export const MAX_BLOCK_DEPTH = 1000;

// ---------------------------------------------------------------------------------------------
// YAML 1.2 core schema with the `yaml` package's own tests (yaml/dist/schema/core/{int,float}.js), so
// that `0b1`, `-0x1f` and `+0o7` stay strings and `-0` stays -0, as they were.

const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;

/** Most plain scalars are words: only `0-9 + - .` can begin a number, so test that before any regex. */
function mayBeNumber(data: unknown): data is string {
  if (typeof data !== 'string') return false;
  const c = data.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e;
}

const intType = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => mayBeNumber(data) && INT.test(data),
  construct: (data: string) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : parseInt(data, 10)),
  predicate: (data: object) => Number.isInteger(data),
});

const floatType = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: unknown) => mayBeNumber(data) && FLOAT.test(data),
  construct: (data: string) => {
    if (data.endsWith('nan') || data.endsWith('NaN') || data.endsWith('NAN')) return NaN;
    if (/inf$/i.test(data)) return data.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return parseFloat(data);
  },
  predicate: (data: object) => typeof data === 'number',
});

interface JsYamlTypes {
  null: jsYaml.Type;
  bool: jsYaml.Type;
}
/** js-yaml exports its built-in types as `types` (missing from @types/js-yaml 4.0.9). */
const builtIn = (jsYaml as unknown as { types: JsYamlTypes }).types;

const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [builtIn.null, builtIn.bool, intType, floatType] });

/** The parts of js-yaml's loader state the listener reads (4.x; more than @types/js-yaml declares). */
interface LoaderState {
  line: number;
  /** Offset where the node starts (or the blanks before it) on 'open', just past it on 'close'. */
  position: number;
  kind: string | null;
  result: unknown;
  anchor: string | null;
}

/** Thrown from the listener to stop reading as soon as the reference reader is needed. */
const GIVE_UP = new Error('left to the yaml package');

interface LoadOptionsWithDepth extends jsYaml.LoadOptions {
  maxDepth?: number;
}

/**
 * Reads every document of `text`, or returns `undefined` when the caller must use the reference
 * (`yaml`) reader instead: see the module comment for when.
 */
/**
 * Block nesting deeper than {@link MAX_BLOCK_DEPTH}: refused outright. The reference reader would
 * exhaust the call stack on it, at a line that depends on the stack left, so the error would differ
 * from one run to the next.
 */
export class YamlTooDeep extends Error {
  constructor(readonly line: number) {
    super(`YAML nested more than ${MAX_BLOCK_DEPTH} levels deep: refused as unsafe to parse`);
  }
}

export function readYamlStreamFast(text: string): FastYamlDocument[] | undefined {
  const documents: FastYamlDocument[] = [];
  let depth = 0;
  let rootLine = 0;
  /** 0-based start lines of the children of the depth-2 node being read (a root map's keys and values). */
  let childLines: number[] = [];
  /** Arrays read at depth 2 (values of root keys) → their entries' 0-based lines. */
  let arrayLines = new Map<unknown, number[]>();

  const listener = (event: 'open' | 'close', state: LoaderState): void => {
    if (event === 'open') {
      depth++;
      if (depth > MAX_BLOCK_DEPTH) throw new YamlTooDeep(state.line + 1);
      // An explicit key (`? …`) may be null or a collection, spelled differently by the two readers.
      if (explicitKeyBefore(text, state.position)) throw GIVE_UP;
      if (depth === 1) rootLine = state.line;
      else if (depth === 2) childLines = [];
      else if (depth === 3) childLines.push(state.line);
      return;
    }
    const result = state.result;
    // An anchored node, or an alias (its node has content but no kind: js-yaml leaves `kind` unset for
    // `*name`): leave the document to the reference reader and its alias limit.
    if (state.anchor !== null || (state.kind === null && result !== null && result !== undefined)) throw GIVE_UP;
    // A null or collection used as a mapping key (`~: a`, `[a]: b`, `? {a: 1}`): js-yaml spells it
    // `"null"` / `String(value)`, the `yaml` package `""` / its YAML text. Such a key is followed by `:`.
    if ((result === null || typeof result === 'object') && colonFollows(text, state.position)) throw GIVE_UP;
    if (depth === 2 && Array.isArray(result)) arrayLines.set(result, childLines);
    if (depth === 1) {
      const value = result;
      let itemLines: number[] | undefined;
      if (isPlainObject(value) && Array.isArray(value.items)) {
        const lines = arrayLines.get(value.items);
        if (lines === undefined || lines.length !== value.items.length) throw GIVE_UP;
        itemLines = lines.map((l) => l + 1);
      }
      documents.push(itemLines === undefined ? { value, line: rootLine + 1 } : { value, line: rootLine + 1, itemLines });
      arrayLines = new Map();
    }
    depth--;
  };

  let values: unknown[];
  try {
    const options: LoadOptionsWithDepth = { schema: SCHEMA, json: false, maxDepth: MAX_BLOCK_DEPTH, listener: listener as unknown as jsYaml.LoadOptions['listener'] };
    values = jsYaml.loadAll(text, null, options);
  } catch (error) {
    if (error instanceof YamlTooDeep) throw error;
    // js-yaml's own depth bound (maxDepth) fires first: the same refusal.
    if (error instanceof jsYaml.YAMLException && error.reason.startsWith('nesting exceeded maxDepth')) throw new YamlTooDeep(error.mark.line + 1);
    return undefined; // GIVE_UP, or any js-yaml error: the reference reader decides
  }
  if (values.length !== documents.length) return undefined;
  for (let i = 0; i < values.length; i++) if (values[i] !== documents[i]!.value) return undefined;
  return documents;
}

/**
 * Whether the next thing after `position`, past blanks, line breaks and comments, is a `:` value
 * indicator, i.e. the node that just ended was a mapping key.
 */
function colonFollows(text: string, position: number): boolean {
  let i = position;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return false;
      i = eol + 1;
    } else return c === 0x3a /* : */;
  }
}

/** Whether a node opening at `position` follows a `?` explicit-key indicator (past blanks and line breaks). */
function explicitKeyBefore(text: string, position: number): boolean {
  let i = position - 1;
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(--i);
  if (c !== 0x3f /* ? */) return false;
  const before = i === 0 ? 0x20 : text.charCodeAt(i - 1);
  return before === 0x20 || before === 0x09 || before === 0x0a || before === 0x0d || before === 0x2c || before === 0x5b || before === 0x7b;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
