import { Header, Pax } from 'tar';
import { GzipFile } from './gzip-file.js';

/** Every entry's metadata is fixed, so the same input gives the same bytes: 2024-01-01T00:00:00Z, root, 0644. */
const MTIME = new Date('2024-01-01T00:00:00Z');
const MODE = 0o644;

/**
 * A .tar.gz of regular files written in order, each announced with its exact size before its bytes
 * (the caller knows it from a first pass). Paths that do not fit a ustar header get a PAX header.
 */
export class TarGzWriter {
  private readonly gz: GzipFile;
  private remaining = 0;
  private written = 0;
  private current = '';

  constructor(path: string) {
    this.gz = new GzipFile(path);
  }

  begin(path: string, size: number): void {
    if (this.remaining !== 0) throw new Error(`tar: ${this.current} is ${this.remaining} bytes short`);
    const fields = { path, mode: MODE, uid: 0, gid: 0, uname: '', gname: '', size, mtime: MTIME, type: 'File' as const };
    const header = new Header(fields);
    if (header.encode()) this.gz.write(new Pax({ path, size, mtime: MTIME }).encode());
    this.gz.write(header.block!);
    this.current = path;
    this.remaining = size;
    this.written = size;
  }

  write(bytes: Buffer): void {
    if (bytes.length > this.remaining) throw new Error(`tar: ${this.current} is longer than announced: its input changed while it was read`);
    this.remaining -= bytes.length;
    this.gz.write(bytes);
  }

  end(): void {
    if (this.remaining !== 0) throw new Error(`tar: ${this.current} is ${this.remaining} bytes shorter than announced: its input changed while it was read`);
    const pad = (512 - (this.written % 512)) % 512;
    if (pad > 0) this.gz.write(Buffer.alloc(pad));
  }

  close(): void {
    this.gz.write(Buffer.alloc(1024));
    this.gz.close();
  }

  abandon(): void {
    this.gz.abandon();
  }
}
