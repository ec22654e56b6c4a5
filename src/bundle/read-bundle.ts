import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { describeIoError } from './io-errors.js';
import { readFolder } from './read-folder.js';
import { readTar } from './read-tar.js';
import type { BundleLimits } from './limits.js';
import { BundleError, type BundleReadResult, type BundleVisitor } from './types.js';

/** The bundle name that means "read the archive from standard input". */
export const STDIN = '-';

/**
 * Reads a bundle given as a folder, as a tar archive (gzip-compressed or not), or as `-`: an
 * archive on standard input (`kubectl cp … | istio-bundle analyze -`), streamed like a file.
 */
export async function readBundle(source: string, limits: BundleLimits, visitor: BundleVisitor, stdin: Readable = process.stdin): Promise<BundleReadResult> {
  if (source === STDIN) return readTar({ name: 'standard input', stream: stdin }, limits, visitor);
  let info;
  try {
    info = await stat(source);
  } catch (error) {
    throw new BundleError(source, `cannot open: ${describeIoError(error)}`);
  }
  if (info.isDirectory()) return readFolder(source, limits, visitor);
  if (!info.isFile()) throw new BundleError(source, 'not a file or folder');
  if (info.size === 0) throw new BundleError(source, 'the file is empty (0 bytes): the download or copy did not complete?');
  let tar;
  try {
    tar = await looksLikeTar(source);
  } catch (error) {
    throw new BundleError(source, `cannot read: ${describeIoError(error)}`);
  }
  if (!tar) {
    throw new BundleError(source, 'not a .tar.gz, .tgz or .tar archive (no gzip or tar signature); pass the archive or the folder of outputs');
  }
  return readTar(source, limits, visitor);
}

/** gzip magic 1f 8b, or the POSIX `ustar` magic at offset 257 of the first header. */
async function looksLikeTar(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await handle.close();
  }
}
