import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** Bytes compressed at a time: output depends on the byte stream only, never on how it was chunked. */
const BLOCK = 1 << 20;
/** gzip header: magic, deflate, no flags, mtime 0, max compression, OS "unknown" (the same bytes on every machine). */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff]);

/**
 * A gzip file written synchronously, in constant memory. The entry readers hand bytes over
 * synchronously (no back-pressure), so compressing as they come, without a stream that could queue
 * a whole bundle in memory, is what keeps a multi-GB redaction small: each 1 MiB block is deflated on
 * its own and ended with a sync flush, which concatenates into one valid deflate stream.
 */
export class GzipFile {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private crc = 0;
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w', 0o644);
    writeSync(this.fd, HEADER);
  }

  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BLOCK) {
      const all = Buffer.concat(this.pending);
      let at = 0;
      for (; all.length - at >= BLOCK; at += BLOCK) this.deflate(all.subarray(at, at + BLOCK));
      this.pending = at < all.length ? [all.subarray(at)] : [];
      this.pendingBytes = all.length - at;
    }
  }

  /** Writes the last block, the end of the deflate stream and the gzip trailer; closes the file. */
  close(): void {
    try {
      if (this.pendingBytes > 0) this.deflate(Buffer.concat(this.pending));
      this.pending = [];
      writeSync(this.fd, deflateRawSync(Buffer.alloc(0), { level: 9 })); // the final (empty) block
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(this.crc >>> 0, 0);
      trailer.writeUInt32LE(this.size % 2 ** 32, 4);
      writeSync(this.fd, trailer);
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes without finishing (the caller removes the file). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private deflate(block: Buffer): void {
    this.crc = crc32(block, this.crc);
    this.size += block.length;
    writeSync(this.fd, deflateRawSync(block, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }));
  }
}
