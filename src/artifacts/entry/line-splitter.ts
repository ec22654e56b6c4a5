import { StringDecoder } from 'node:string_decoder';
import { stripBom, type TextEncoding } from './encoding.js';

/** A "line" without a newline is cut here so one huge line cannot hold the heap. */
const MAX_PENDING_CHARS = 1024 * 1024;

/**
 * Splits a text byte stream into lines (LF or CRLF), numbering them from 1. A line longer than the
 * pending cap is emitted cut, and the rest of it is dropped up to its newline, so one huge line
 * costs neither memory nor the numbering of the lines after it.
 */
export class LineSplitter {
  private decoder: StringDecoder;
  private pending = '';
  private number = 0;
  private skippingRestOfLine = false;

  constructor(
    private readonly emit: (line: string, number: number) => void,
    encoding: TextEncoding = 'utf8',
  ) {
    this.decoder = new StringDecoder(encoding);
  }

  write(chunk: Buffer): void {
    let text = this.pending + this.decoder.write(chunk);
    this.pending = '';
    if (this.skippingRestOfLine) {
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      text = text.slice(nl + 1);
      this.skippingRestOfLine = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      this.push(text.slice(start, nl));
      start = nl + 1;
    }
    const rest = text.slice(start);
    if (rest.length > MAX_PENDING_CHARS) {
      this.push(rest.slice(0, MAX_PENDING_CHARS));
      this.skippingRestOfLine = true;
    } else {
      this.pending = rest;
    }
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    if (rest !== '' && !this.skippingRestOfLine) this.push(rest);
    this.pending = '';
  }

  private push(line: string): void {
    // A line whose newline came in the same write as its cap-exceeding bulk is cut here, as it would
    // have been had it arrived in smaller chunks: the result must not depend on how the reader chunks.
    const kept = line.length > MAX_PENDING_CHARS ? line.slice(0, MAX_PENDING_CHARS) : line;
    const text = this.number === 0 ? stripBom(kept) : kept;
    this.emit(text.endsWith('\r') ? text.slice(0, -1) : text, ++this.number);
  }
}
