import { TextDecoder } from 'node:util';
import type { LayerCounts } from './layers.js';
import { LineRedactor } from './line-redactor.js';

const NEWLINE = Buffer.from('\n');
/** A line longer than this is not held as a string: the entry is not scanned. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

/**
 * Redacts one entry as its bytes stream past: UTF-8 text split into lines, each line through the
 * layers, the output handed to `out` as it is produced. Only the current line is held (and a Secret
 * data block while its kind is unknown). The output ends with a newline exactly when the input did.
 * Text with a NUL byte or that is not UTF-8 is binary: `binary` turns true and nothing more is produced.
 */
export class EntryRedactor {
  /** Why the entry cannot be scanned as text (then it is binary), or undefined. */
  unscanned: string | undefined;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private partial = '';
  private started = false;
  private endsWithNewline = false;
  private readonly lines: LineRedactor;

  constructor(private readonly out: (bytes: Buffer) => void) {
    this.lines = new LineRedactor((line) => {
      if (this.started) this.out(NEWLINE);
      this.started = true;
      this.out(Buffer.from(line, 'utf8'));
    });
  }

  write(chunk: Buffer): void {
    if (this.unscanned !== undefined || chunk.length === 0) return;
    let text: string;
    if (chunk.includes(0)) {
      this.unscanned = 'binary: has NUL bytes';
      return;
    }
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.unscanned = 'binary: not UTF-8 text';
      return;
    }
    this.endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.lines.push(line);
    if (this.partial.length > MAX_LINE_CHARS) this.unscanned = `a line longer than ${MAX_LINE_CHARS / 1024 / 1024} MiB`;
  }

  get binary(): boolean {
    return this.unscanned !== undefined;
  }

  end(): LayerCounts {
    if (!this.binary) {
      try {
        this.partial += this.decoder.decode();
      } catch {
        this.unscanned = 'binary: not UTF-8 text';
        return {};
      }
      if (this.partial !== '') this.lines.push(this.partial);
    }
    const counts = this.lines.finish();
    if (!this.binary && this.started && this.endsWithNewline && this.partial === '') this.out(NEWLINE);
    return counts;
  }
}

/** Redacts a whole text (tests, small documents). */
export function redactText(text: string): { text: string; counts: LayerCounts; binary: boolean } {
  const chunks: Buffer[] = [];
  const redactor = new EntryRedactor((b) => chunks.push(b));
  redactor.write(Buffer.from(text, 'utf8'));
  const counts = redactor.end();
  return { text: Buffer.concat(chunks).toString('utf8'), counts, binary: redactor.binary };
}
