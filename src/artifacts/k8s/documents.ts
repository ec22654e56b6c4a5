import { LineCounter, parseAllDocuments, isMap, isSeq, type Document } from 'yaml';
import { ArtifactParseError } from '../artifact-kind.js';
import { parseJsonText } from '../json-text.js';
import { YamlTooDeep, readYamlStreamFast } from './yaml-stream.js';

/** One Kubernetes-shaped object and where it sits in its file. */
export interface LocatedObject {
  object: Record<string, unknown>;
  /** JSON pointer of the object in its document (`/items/3` inside a List). */
  pointer: string;
  /** 1-based line where the object starts (YAML only; JSON is addressed by pointer). */
  line?: number;
  /** 0-based index of the YAML document in a multi-document stream. */
  document: number;
}

/** Flow-collection depth above which YAML is refused: the yaml package can abort the process on it. */
const MAX_FLOW_DEPTH = 100;
const MAX_ALIASES = 100;

/**
 * `auto`: js-yaml's fast path (yaml-stream.ts), falling back to the `yaml` package for whatever it
 * cannot vouch for; `reference`: the `yaml` package alone (the tests compare the two).
 */
export type YamlReader = 'auto' | 'reference';

/**
 * Reads `kubectl get -o json|yaml` output, a `kind: List`, a single object or a multi-document YAML
 * stream, and flattens Lists so every object carries its own location.
 */
export function readKubernetesObjects(text: string, yamlReader: YamlReader = 'auto'): LocatedObject[] {
  const { body, skippedLines } = stripLeadingWarnings(text);
  try {
    const trimmed = body.trimStart();
    const objects = trimmed.startsWith('{') || trimmed.startsWith('[') ? fromJson(body) : fromYaml(body, yamlReader);
    return skippedLines === 0 ? objects : objects.map((o) => (o.line === undefined ? o : { ...o, line: o.line + skippedLines }));
  } catch (error) {
    if (error instanceof ArtifactParseError && error.line !== undefined && skippedLines > 0) {
      throw new ArtifactParseError(error.message, error.line + skippedLines);
    }
    throw error;
  }
}

/** `kubectl` prints `Warning: …` on stderr; when a collector merged the streams, skip those lines. */
function stripLeadingWarnings(text: string): { body: string; skippedLines: number } {
  let start = 0;
  let skippedLines = 0;
  while (text.startsWith('Warning:', start)) {
    const next = text.indexOf('\n', start);
    if (next < 0) return { body: '', skippedLines: skippedLines + 1 };
    start = next + 1;
    skippedLines++;
  }
  return { body: text.slice(start), skippedLines };
}

function fromJson(text: string): LocatedObject[] {
  return flatten(parseJsonText(text), '', 0, undefined);
}

function refuseDeepFlow(text: string): void {
  const depth = maxFlowDepth(text);
  if (depth > MAX_FLOW_DEPTH) {
    throw new ArtifactParseError(`YAML nested ${depth} levels deep in flow style (over ${MAX_FLOW_DEPTH}): refused as unsafe to parse`);
  }
}

function fromYaml(text: string, reader: YamlReader): LocatedObject[] {
  refuseDeepFlow(text);
  if (reader === 'reference') return fromYamlReference(text);
  // js-yaml first (≥ 10 MB/s, exact lines from its parser); anything it cannot vouch for — errors,
  // anchors and aliases, null or explicit keys, odd `items` — is read by the `yaml` package below.
  let fast: ReturnType<typeof readYamlStreamFast>;
  try {
    fast = readYamlStreamFast(text);
  } catch (error) {
    if (error instanceof YamlTooDeep) throw new ArtifactParseError(error.message, error.line);
    throw error;
  }
  if (fast !== undefined) {
    const objects: LocatedObject[] = [];
    fast.forEach((doc, index) => {
      if (doc.value === null || doc.value === undefined) return; // empty document, e.g. a trailing `---`
      for (const o of flatten(doc.value, '', index, doc.line, doc.itemLines)) objects.push(o);
    });
    return objects;
  }
  return fromYamlReference(text);
}

/** The reference reader (the `yaml` package): its messages and lines are the ones users see. */
function fromYamlReference(text: string): LocatedObject[] {
  const lineCounter = new LineCounter();
  // Not `prettyErrors`: it formats every error with a regex over its whole line, quadratic on one long
  // line of thousands of errors (a line of `"`: minutes for 300 KB); only the first error is reported.
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const docs: Document.Parsed[] = Array.isArray(documents) ? documents : [documents as unknown as Document.Parsed];
  const objects: LocatedObject[] = [];
  docs.forEach((doc, index) => {
    const [error] = doc.errors;
    if (error) {
      const at = error.pos[0] >= 0 ? lineCounter.linePos(error.pos[0]) : undefined;
      const where = at && !error.message.includes('\n') ? ` at line ${at.line}, column ${at.col}${prettyColon(text, lineCounter, at.line)}` : '';
      throw new ArtifactParseError(`malformed YAML: ${error.message.split('\n')[0]}${where}`, at?.line);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (thrown) {
      throw new ArtifactParseError(`malformed YAML in document ${index + 1}: ${(thrown as Error).message}`);
    }
    if (value === null || value === undefined) return; // empty document, e.g. a trailing `---`
    const startLine = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : undefined;
    const itemLines = listItemLines(doc, lineCounter);
    objects.push(...flatten(value, '', index, startLine, itemLines));
  });
  return objects;
}

/** The `:` the yaml package's pretty message puts after the position when it quotes a non-blank context. */
function prettyColon(text: string, lineCounter: LineCounter, line: number): string {
  const lineText = text.substring(lineCounter.lineStarts[line - 1] ?? 0, lineCounter.lineStarts[line] ?? text.length).replace(/[\n\r]+$/, '');
  return line > 1 || lineText.length > 80 || /[^ ]/.test(lineText) ? ':' : '';
}

/** More objects than any real listing holds: refuse rather than hold millions of them. */
const MAX_OBJECTS = 200_000;

function flatten(value: unknown, pointer: string, document: number, line: number | undefined, itemLines?: number[]): LocatedObject[] {
  const count = Array.isArray(value) ? value.length : isRecord(value) && Array.isArray(value.items) ? value.items.length : 1;
  if (count > MAX_OBJECTS) throw new ArtifactParseError(`${count} objects in one document, over the ${MAX_OBJECTS} this analyzer reads`);
  if (Array.isArray(value)) {
    // `istioctl analyze -o json` style arrays are not Kubernetes objects; callers decide.
    return value.map((item, i) => located(item, `${pointer}/${i}`, document, itemLines?.[i]));
  }
  if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
    return value.items.map((item, i) => located(item, `${pointer}/items/${i}`, document, itemLines?.[i]));
  }
  return [located(value, pointer, document, line)];
}

function located(value: unknown, pointer: string, document: number, line: number | undefined): LocatedObject {
  if (!isRecord(value)) {
    throw new ArtifactParseError(`expected a Kubernetes object at ${pointer || '(root)'}, found ${value === null ? 'null' : typeof value}`, line);
  }
  return line === undefined ? { object: value, pointer, document } : { object: value, pointer, document, line };
}

function listItemLines(doc: Document.Parsed, lineCounter: LineCounter): number[] | undefined {
  const contents = doc.contents;
  if (!isMap(contents)) return undefined;
  const items = contents.get('items', true);
  if (!isSeq(items)) return undefined;
  return items.items.map((node) => {
    const range = (node as { range?: [number, number, number] }).range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Cheap pre-scan: deepest nesting of `[`/`{`. Quotes are deliberately not tracked, so that no quoting
 * trick can hide nesting from the scan; real Kubernetes YAML stays far below the limit either way.
 */
function maxFlowDepth(text: string): number {
  // A global regex jumps from bracket to bracket: ~3× faster than testing every character in JS.
  const brackets = /[[\]{}]/g;
  let depth = 0;
  let max = 0;
  while (brackets.test(text)) {
    const c = text.charCodeAt(brackets.lastIndex - 1);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (depth > 0) depth--;
  }
  return max;
}

