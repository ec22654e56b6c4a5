import { open, stat } from 'node:fs/promises';
import { readFolder } from './read-folder.js';
import { readTar } from './read-tar.js';
import type { BundleLimits } from './limits.js';
import { BundleError, type BundleReadResult, type BundleVisitor } from './types.js';

/** Reads a bundle given as a folder or as a tar archive (gzip-compressed or not). */
export async function readBundle(source: string, limits: BundleLimits, visitor: BundleVisitor): Promise<BundleReadResult> {
  let info;
  try {
    info = await stat(source);
  } catch (error) {
    throw new BundleError(source, `cannot open: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
  }
  if (info.isDirectory()) return readFolder(source, limits, visitor);
  if (!info.isFile()) throw new BundleError(source, 'not a file or folder');
  if (!(await looksLikeTar(source))) {
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
