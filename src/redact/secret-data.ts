import {
  DATA_BLOCK_CAP,
  DATA_KEEP,
  DATA_OPEN,
  JSON_BLOCK_CLOSE,
  JSON_DATA_VALUE_KEY,
  KEY_LINE,
  KIND_LINE,
  KIND_LOOKAHEAD_KEYS,
  ONE_LINE_DATA,
  ONE_LINE_DATA_KEY,
  ONE_LINE_SECRET,
  YAML_DATA_LINE,
} from './layers.js';
import { redactValues, type Counter } from './values.js';

/**
 * The `secret-data` layer on one-line objects: compact JSON and the `last-applied-configuration`
 * annotation (`{\"apiVersion\":\"v1\",\"data\":{\"password\":\"…\"},\"kind\":\"Secret\"}`).
 */
export function redactOneLineSecret(line: string, count: Counter): string {
  if (!ONE_LINE_SECRET.test(line)) return line;
  let out = '';
  let s = line;
  for (;;) {
    const m = ONE_LINE_DATA.exec(s);
    if (!m) break;
    const start = m.index + m[0].length;
    const close = s.indexOf('}', start);
    const end = close < 0 ? s.length : close;
    out += s.slice(0, start) + redactValues(s.slice(start, end), ONE_LINE_DATA_KEY, 'secret-data', count, DATA_KEEP);
    s = s.slice(end);
  }
  return out + s;
}

const indentOf = (line: string): number => /^ */.exec(line)![0].length;
const keyIndentOf = (line: string): number => indentOf(line) + (line.slice(indentOf(line)).startsWith('- ') ? 2 : 0);
const blank = (line: string): boolean => /^[ \t]*\r?$/.test(line);

/**
 * The `secret-data` layer on multi-line YAML and JSON: the values of a `data:`/`stringData:` block
 * whose object is a Secret. kubectl writes keys sorted (`data` before `kind`), so a block whose kind
 * is not known yet is held (at most DATA_BLOCK_CAP bytes: a Secret holds at most 1 MiB) until the
 * object's `kind` is read. Base64 and PEM certificates are kept. The collector's awk `emit`, step for step.
 */
export class SecretDataBlocks {
  /** 0 outside a block; 1 in a Secret's block; 2 in a block of unknown kind; 3 after it, looking for `kind`. */
  private mode = 0;
  private blockIndent = 0;
  private json = false;
  private scalarIndent = -1;
  private held: string[] = [];
  private heldBytes = 0;
  private keysAfter = 0;
  /** Key indentations whose object said `kind: Secret` (before its data: hand-written order). */
  private secretAt = new Set<number>();

  constructor(
    private readonly out: (line: string) => void,
    private readonly count: Counter,
  ) {}

  push(line: string): void {
    const s = indentOf(line);
    const empty = blank(line);
    if (this.mode === 1 || this.mode === 2) {
      const closes = this.json ? s === this.blockIndent && JSON_BLOCK_CLOSE.test(line) : !empty && s <= this.blockIndent;
      if (!closes) {
        if (this.mode === 1) this.secretLine(line);
        else this.hold(line);
        return;
      }
      if (this.json) {
        if (this.mode === 1) {
          this.out(line);
          this.mode = 0;
        } else {
          this.held.push(line);
          this.mode = 3;
          this.keysAfter = 0;
        }
        return;
      }
      if (this.mode === 1) this.mode = 0;
      else {
        this.mode = 3;
        this.keysAfter = 0;
      }
    }
    if (this.mode === 3) {
      const k = keyIndentOf(line);
      if (!empty && s < this.blockIndent) {
        this.flush(false);
      } else if (!empty && k === this.blockIndent && KEY_LINE.test(line)) {
        const kind = KIND_LINE.exec(line);
        if (kind) this.flush(kind[2] === 'Secret');
        else {
          this.keysAfter += 1;
          if (this.keysAfter > KIND_LOOKAHEAD_KEYS) this.flush(false);
          else {
            this.held.push(line);
            return;
          }
        }
      } else {
        this.held.push(line);
        return;
      }
    }
    this.normal(line, s, empty);
  }

  /** End of the file: a block whose kind was never read is not a Secret's. */
  finish(): void {
    if (this.mode === 2 || this.mode === 3) this.flush(false);
    this.mode = 0;
  }

  private normal(line: string, s: number, empty: boolean): void {
    if (this.secretAt.size > 0 && !empty) for (const indent of [...this.secretAt]) if (indent > s) this.secretAt.delete(indent);
    const kind = line.includes('kind') ? KIND_LINE.exec(line) : null;
    if (kind) {
      if (kind[2] === 'Secret') this.secretAt.add(keyIndentOf(line));
      else this.secretAt.delete(keyIndentOf(line));
    }
    this.out(line);
    const open = line.includes('ata') ? DATA_OPEN.exec(line) : null;
    if (!open) return;
    this.blockIndent = keyIndentOf(line);
    this.json = open[4] === '{';
    this.scalarIndent = -1;
    this.held = [];
    this.heldBytes = 0;
    this.mode = this.secretAt.has(this.blockIndent) ? 1 : 2;
  }

  private hold(line: string): void {
    this.held.push(line);
    this.heldBytes += line.length + 1;
    if (this.heldBytes > DATA_BLOCK_CAP) {
      for (const l of this.held) this.out(l);
      this.held = [];
      this.mode = 0;
    }
  }

  /** Writes the held lines; the block's lines (before its end) redacted when the object is a Secret. */
  private flush(secret: boolean): void {
    const held = this.held;
    this.held = [];
    this.mode = 0;
    let inBlock = true;
    for (const l of held) {
      if (inBlock && secret) {
        const ends = this.json ? indentOf(l) === this.blockIndent && JSON_BLOCK_CLOSE.test(l) : !blank(l) && indentOf(l) <= this.blockIndent;
        if (ends) inBlock = false;
        else {
          this.secretLine(l);
          continue;
        }
      }
      this.out(l);
    }
  }

  /** One line inside a Secret's data block. */
  private secretLine(line: string): void {
    if (this.json) {
      this.out(redactValues(line, JSON_DATA_VALUE_KEY, 'secret-data', this.count, DATA_KEEP));
      return;
    }
    const s = indentOf(line);
    if (this.scalarIndent >= 0) {
      if (blank(line) || s > this.scalarIndent) return; // the rest of a block scalar already replaced
      this.scalarIndent = -1;
    }
    const m = YAML_DATA_LINE.exec(line);
    if (!m) {
      this.out(line);
      return;
    }
    const value = m[3]!;
    if (/^[|>]/.test(value)) {
      this.scalarIndent = s;
      this.count('secret-data', 1);
      this.out(`${m[1]}[REDACTED]`);
    } else if (value === '' || DATA_KEEP.test(value)) {
      this.out(line);
    } else {
      this.count('secret-data', 1);
      this.out(`${m[1]}[REDACTED]`);
    }
  }
}
