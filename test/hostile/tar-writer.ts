/**
 * A ustar writer for hostile test archives. Archive libraries refuse to write what this corpus
 * needs (traversing names, devices, headers whose size lies), so the 512-byte headers are laid out
 * here by hand, after POSIX.1-2001 `ustar` (name 0–100, mode, uid, gid, size, mtime, checksum,
 * typeflag at 156, linkname 157–257, `ustar\0` `00` at 257, prefix 345–500).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo' | 'pax';
const TYPEFLAG: Record<EntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6', pax: 'x' };

export interface TarEntry {
  name: string;
  type?: EntryType;
  data?: Buffer | string;
  linkname?: string;
  /** The size the header claims; the data's length when absent. */
  claimedSize?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  // Names longer than the 100-byte field travel in a PAX `path` record before the entry (see tarArchive).
  Buffer.from(entry.name, 'utf8').copy(block, 0, 0, 100);
  block.write(octal(entry.type === 'directory' ? 0o755 : 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(size, 12), 124, 'latin1');
  block.write(octal(1_700_000_000, 12), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(TYPEFLAG[entry.type ?? 'file'], 156, 'latin1');
  if (entry.linkname) Buffer.from(entry.linkname, 'utf8').copy(block, 157, 0, 100);
  block.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** A whole archive in memory (the small cases), with the two zero blocks that end it unless `unterminated`. */
export function tarArchive(entries: TarEntry[], options: { unterminated?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (Buffer.byteLength(entry.name) > 100 && entry.type !== 'pax') {
      const record = Buffer.from(paxRecord('path', entry.name), 'utf8');
      parts.push(header({ name: 'PaxHeader', type: 'pax' }, record.length), record, padding(record.length));
    }
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    parts.push(header(entry, entry.claimedSize ?? data.length), data, padding(data.length));
  }
  if (!options.unterminated) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A PAX extended header record: `<length> <key>=<value>\n`, the length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

/**
 * A gzip-compressed archive of one entry of `size` zero bytes, streamed to `file` (a decompression
 * bomb: ~1 MiB on disk per GiB inside), never held in memory.
 */
export async function zeroBomb(file: string, name: string, size: number): Promise<void> {
  const gzip = createGzip({ level: 9 });
  const out = createWriteStream(file);
  gzip.pipe(out);
  const write = async (chunk: Buffer) => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  await write(header({ name }, size));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  await write(padding(size));
  await write(Buffer.alloc(1024));
  gzip.end();
  await once(out, 'close');
}
