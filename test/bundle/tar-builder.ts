/**
 * A tiny ustar writer for tests: it writes exactly the headers it is told to, so a test can build
 * archives that no well-behaved tar tool would (`../escape.txt`, `/etc/x`, links, devices, FIFOs,
 * sizes that do not match the data). POSIX.1-1988 ustar layout, 512-byte blocks.
 */
import { gzipSync } from 'node:zlib';

export type TarType = 'file' | 'hardlink' | 'symlink' | 'chardev' | 'blockdev' | 'directory' | 'fifo';

const TYPEFLAG: Record<TarType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  chardev: '3',
  blockdev: '4',
  directory: '5',
  fifo: '6',
};

export interface TarEntry {
  name: string;
  type?: TarType;
  /** File content (regular files only). */
  data?: Buffer | string;
  /** Size written in the header; defaults to the data length. Lets a test lie about the size. */
  declaredSize?: number;
  linkname?: string;
  mode?: number;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar-builder: "${value}" does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  // length - 1 octal digits then NUL, as GNU and POSIX tar write them.
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new Error(`tar-builder: ${value} does not fit in ${length} bytes`);
  writeString(block, offset, length, `${digits}\0`);
}

/** One 512-byte header block. */
export function tarHeader(entry: TarEntry): Buffer {
  const type = entry.type ?? 'file';
  const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
  const size = entry.declaredSize ?? (type === 'file' ? data.length : 0);
  const block = Buffer.alloc(512, 0);
  writeString(block, 0, 100, entry.name);
  writeOctal(block, 100, 8, entry.mode ?? (type === 'directory' ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 1_700_000_000); // mtime
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  writeString(block, 156, 1, TYPEFLAG[type]);
  writeString(block, 157, 100, entry.linkname ?? '');
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, 'root');
  writeString(block, 297, 32, 'root');
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** A complete tar stream: header + padded data per entry, then two zero blocks. */
export function buildTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(tarHeader(entry));
    if (entry.data !== undefined && (entry.type ?? 'file') === 'file') parts.push(padded(Buffer.from(entry.data)));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function buildTarGz(entries: TarEntry[]): Buffer {
  return gzipSync(buildTar(entries));
}
