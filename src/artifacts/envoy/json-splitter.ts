import { StringDecoder } from 'node:string_decoder';
import { ArtifactParseError } from '../parse-error.js';

/** A path into the document: object keys and array indexes, from the root. */
export type JsonPath = readonly (string | number)[];

export interface SplitterOptions {
  /**
   * Whether the value starting at this path is wanted. Asked only for values at most `maxSelectDepth`
   * deep and never inside a value already taken, so it stays off the hot path.
   */
  select(path: JsonPath): boolean;
  /** Receives each selected value as JSON text, with the line it starts on. */
  take(path: JsonPath, text: string, line: number): void;
  maxSelectDepth: number;
  /** Deeper nesting is refused: a hostile document must not exhaust the stack of whoever parses it. */
  maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

type Expect = 'first-value' | 'value' | 'first-key' | 'key' | 'key-skipped' | 'colon' | 'comma-or-end' | 'done';

/**
 * Streams a JSON document and hands over only the values a selector wants, each as its own text:
 * an Envoy config dump of tens of MB is walked once, structurally, and only one element (a cluster,
 * a listener) is ever parsed and held at a time. Values outside the selection are checked for
 * structure only (brackets, keys, commas, scalar syntax); selected values are checked in full by
 * whoever parses them.
 */
export class JsonSplitter {
  private readonly options: SplitterOptions;
  /** Per open container: whether it is an object; `path` holds its current key or index. */
  private readonly isObject: boolean[] = [];
  private readonly path: (string | number)[] = [];
  private expect: Expect = 'value';
  private inString = false;
  private escaped = false;
  /** The string being read is an object key: its bytes are kept to name the path. */
  private readingKey = false;
  private keyParts: Buffer[] = [];
  private keyStart = 0;
  /** A bare scalar (number, true, false, null) is being read: its bytes so far. */
  private inScalar = false;
  private scalarStart = 0;
  private scalarParts: Buffer[] = [];
  /** Container depth at which the value being taken started, or -1; its bytes so far. */
  private takeDepth = -1;
  private takeStart = 0;
  private takeParts: Buffer[] = [];
  private takeLine = 0;
  private takePath: JsonPath = [];
  private line = 1;
  private offset = 0;
  /** Whether the document is an object or an array (known once it starts). */
  root: 'object' | 'array' | undefined;
  private readonly decoder: StringDecoder | undefined;

  constructor(options: SplitterOptions, encoding: BufferEncoding = 'utf8') {
    this.options = options;
    // Config dumps are UTF-8; anything else is re-encoded first so the byte scan stays UTF-8 only.
    this.decoder = encoding === 'utf8' ? undefined : new StringDecoder(encoding);
  }

  write(chunk: Buffer): void {
    const bytes = this.decoder ? Buffer.from(this.decoder.write(chunk), 'utf8') : chunk;
    this.scan(bytes);
    this.offset += bytes.length;
  }

  end(): void {
    if (this.decoder) this.scan(Buffer.from(this.decoder.end(), 'utf8'));
    if (this.inScalar) this.endScalar(Buffer.alloc(0), 0);
    if (this.root === undefined) throw new ArtifactParseError('empty: no JSON value');
    if (this.inString || this.isObject.length > 0 || this.expect !== 'done') {
      throw new ArtifactParseError(`truncated JSON: ${this.isObject.length} container(s) still open at the end of the file`, this.line);
    }
  }

  private scan(buf: Buffer): void {
    const length = buf.length;
    let i = 0;
    this.takeStart = 0;
    this.scalarStart = 0;
    this.keyStart = 0;
    if (this.escaped) {
      // The chunk before ended on a backslash inside a string: this byte is the escaped one.
      this.escaped = false;
      i = 1;
      if (this.readingKey) {
        this.keyParts.push(buf.subarray(0, 1));
        this.keyStart = 1;
      }
    }
    while (i < length) {
      if (this.inString) {
        // A plain loop: most strings are short, and a native indexOf per string costs more than it saves.
        let j = i;
        while (j < length) {
          const b = buf[j]!;
          if (b === QUOTE) break;
          j += b === BACKSLASH ? 2 : 1;
        }
        if (j >= length) {
          if (j > length) this.escaped = true;
          if (this.readingKey) this.keyParts.push(buf.subarray(this.keyStart, length));
          i = length;
          break;
        }
        this.inString = false;
        i = j + 1;
        if (this.readingKey) {
          this.keyParts.push(buf.subarray(this.keyStart, j));
          this.endKey();
        } else if (this.expect === 'key-skipped') {
          this.expect = 'colon';
        } else {
          this.endValue(buf, i);
        }
        continue;
      }
      const c = buf[i]!;
      if (this.inScalar) {
        if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c <= 0x20) this.endScalar(buf, i);
        else i++;
        continue;
      }
      if (c <= 0x20) {
        if (c === NEWLINE) this.line++;
        else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) this.fail(`unexpected control character ${c}`, i);
        i++;
        continue;
      }
      if ((this.expect === 'first-value' && c === CLOSE_ARRAY) || (this.expect === 'first-key' && c === CLOSE_OBJECT)) {
        this.closeContainer(buf, i + 1);
        i++;
        continue;
      }
      switch (this.expect) {
        case 'first-value':
        case 'value':
          this.startValue(buf, i, c);
          i++;
          continue;
        case 'first-key':
        case 'key':
          if (c !== QUOTE) this.fail(`expected a key, found ${show(c)}`, i);
          this.inString = true;
          // Keys name the path only where a selection can still start; deeper ones are skipped unread.
          if (this.takeDepth < 0 && this.path.length <= this.options.maxSelectDepth) {
            this.readingKey = true;
            this.keyParts = [];
            this.keyStart = i + 1;
          } else {
            this.expect = 'key-skipped';
          }
          i++;
          continue;
        case 'colon':
          if (c !== COLON) this.fail(`expected ':' after a key, found ${show(c)}`, i);
          this.expect = 'value';
          i++;
          continue;
        case 'comma-or-end': {
          const object = this.isObject[this.isObject.length - 1];
          if (c === COMMA) {
            if (object) {
              this.expect = 'key';
            } else {
              this.path[this.path.length - 1] = (this.path[this.path.length - 1] as number) + 1;
              this.expect = 'value';
            }
          } else if ((object && c === CLOSE_OBJECT) || (!object && c === CLOSE_ARRAY)) {
            this.closeContainer(buf, i + 1);
          } else {
            this.fail(`unexpected ${show(c)} after a value`, i);
          }
          i++;
          continue;
        }
        default:
          this.fail('more after the end of the document', i);
      }
    }
    if (this.takeDepth >= 0 && this.takeStart < length) this.takeParts.push(buf.subarray(this.takeStart));
    if (this.inScalar) this.scalarParts.push(buf.subarray(this.scalarStart));
  }

  private startValue(buf: Buffer, i: number, c: number): void {
    if (this.root === undefined) {
      if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) this.fail(`not JSON: starts with ${show(c)}`, i);
      this.root = c === OPEN_OBJECT ? 'object' : 'array';
    }
    if (this.takeDepth < 0 && this.path.length > 0 && this.path.length <= this.options.maxSelectDepth && this.options.select(this.path)) {
      this.takeDepth = this.isObject.length;
      this.takeStart = i;
      this.takeParts = [];
      this.takeLine = this.line;
      this.takePath = this.path.slice();
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (this.isObject.length >= this.options.maxDepth) this.fail(`nested deeper than ${this.options.maxDepth} levels`, i);
      const object = c === OPEN_OBJECT;
      this.isObject.push(object);
      this.path.push(object ? '' : 0);
      this.expect = object ? 'first-key' : 'first-value';
    } else if (c === QUOTE) {
      this.inString = true;
      this.readingKey = false;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
      this.inScalar = true;
      this.scalarStart = i;
      this.scalarParts = [];
    } else {
      this.fail(`unexpected ${show(c)} where a value belongs`, i);
    }
  }

  private endKey(): void {
    const raw = this.keyParts.length === 1 ? this.keyParts[0]!.toString('utf8') : Buffer.concat(this.keyParts).toString('utf8');
    this.keyParts = [];
    this.readingKey = false;
    // Keys with escapes are rare; JSON.parse decodes them exactly.
    this.path[this.path.length - 1] = raw.includes('\\') ? decodeKey(raw, this.line) : raw;
    this.expect = 'colon';
  }

  private endScalar(buf: Buffer, end: number): void {
    // Most scalars lie within one chunk: read them in place (a dump has millions), copy only the rest.
    const text = this.scalarParts.length === 0 ? buf.toString('latin1', this.scalarStart, end) : Buffer.concat([...this.scalarParts, buf.subarray(this.scalarStart, end)]).toString('latin1');
    this.scalarParts = [];
    this.inScalar = false;
    if (!SCALAR.test(text)) throw new ArtifactParseError(`malformed JSON: ${JSON.stringify(text.slice(0, 40))} is not a value`, this.line);
    this.endValue(buf, end);
  }

  private closeContainer(buf: Buffer, end: number): void {
    this.isObject.pop();
    this.path.pop();
    this.endValue(buf, end);
  }

  /** A value ended at `end` (exclusive) in `buf`: hand it over if it is the one being taken. */
  private endValue(buf: Buffer, end: number): void {
    this.expect = this.isObject.length === 0 ? 'done' : 'comma-or-end';
    if (this.takeDepth < 0 || this.isObject.length !== this.takeDepth) return;
    this.takeParts.push(buf.subarray(this.takeStart, end));
    const text = this.takeParts.length === 1 ? this.takeParts[0]!.toString('utf8') : Buffer.concat(this.takeParts).toString('utf8');
    this.takeParts = [];
    this.takeDepth = -1;
    this.options.take(this.takePath, text, this.takeLine);
  }

  private fail(problem: string, i: number): never {
    throw new ArtifactParseError(`malformed JSON: ${problem} (byte ${this.offset + i})`, this.line);
  }
}

const SCALAR = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

function show(c: number): string {
  return JSON.stringify(String.fromCharCode(c));
}

/** A key's escapes, decoded exactly by JSON.parse; a bad escape (`"a\\x"`) is malformed JSON, not an analyzer error. */
function decodeKey(raw: string, line: number): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new ArtifactParseError(`malformed JSON: the key ${JSON.stringify(raw.slice(0, 40))} has an invalid escape or control character`, line);
  }
}
