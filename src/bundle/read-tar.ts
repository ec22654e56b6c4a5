import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { EntryGate } from './entry-gate.js';
import { describeIoError } from './io-errors.js';
import type { BundleLimits } from './limits.js';
import { BundleError, type BundleReadResult, type BundleVisitor } from './types.js';

/** tar entry types that carry the bytes of a regular file. */
const REGULAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Streams a `.tar`, `.tar.gz` or `.tgz` file entry by entry without extracting anything to disk.
 * gzip is detected from the magic bytes, not from the file name, and inflated by Node's streaming
 * zlib, not by the tar parser: the parser inflates each compressed chunk it is written whole, so a
 * 1 MiB chunk of a decompression bomb became 1 GiB in memory at once. Node's gunzip emits 16 KiB
 * at a time and waits while the parser is busy, so memory stays bounded whatever the ratio.
 */
export function readTar(input: string | { name: string; stream: Readable }, limits: BundleLimits, visitor: BundleVisitor): Promise<BundleReadResult> {
  const file = typeof input === 'string' ? input : input.name;
  const warnings: string[] = [];
  const gate = new EntryGate(limits, visitor);
  let sawEntry = false;
  let badArchive: string | undefined;
  let empty = true;

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (problem: string) => {
      if (settled) return;
      settled = true;
      source.destroy();
      reject(new BundleError(file, problem));
    };

    const parser = new Parser({
      strict: false,
      onwarn: (code: string, message: string | Error) => {
        const text = typeof message === 'string' ? message : message.message;
        // A truncated or non-tar input only produces warnings in non-strict mode: treat it as fatal.
        if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') badArchive ??= text;
        else warnings.push(`${code}: ${text}`);
      },
      onReadEntry: (entry: ReadEntry) => {
        sawEntry = true;
        if (!REGULAR_FILE_TYPES.has(entry.type)) {
          gate.skipNonFile(entry.path, entry.type, entry.linkpath);
          entry.resume();
          return;
        }
        const sink = gate.admit(entry.path, entry.size);
        if (!sink) {
          entry.resume(); // the parser stalls unless every entry is drained
          return;
        }
        // A visitor that throws must reject the read, not leave it waiting for an 'end' that never comes.
        const guarded = (step: () => void) => {
          try {
            step();
          } catch (error) {
            fail(`while reading ${entry.path}: ${(error as Error).message}`);
          }
        };
        entry.on('data', (chunk: Buffer) =>
          guarded(() => {
            sink.write(chunk);
            // Pausing the entry stalls the parser, and the gunzip piped into it: memory stays bounded.
            const behind = sink.backlog?.();
            if (behind) {
              entry.pause();
              void behind.then(() => entry.resume());
            }
          }),
        );
        entry.on('end', () => guarded(() => sink.end()));
      },
    });

    // tar drops entries of types it does not know (GNU sparse files, volume headers, Solaris ACLs)
    // without a call to onReadEntry; the inventory must still list them.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      sawEntry = true;
      gate.skipNonFile(entry.path, entry.type);
    });
    // zlib failures (truncated or corrupt gzip) arrive as 'error' and no 'end' follows.
    parser.on('error', (error: Error) => fail(describeTarError(error)));
    parser.on('end', () => {
      if (settled) return;
      if (empty) return fail('it is empty (0 bytes): nothing was sent');
      if (badArchive) return fail(`not a readable tar archive (${badArchive})`);
      if (!sawEntry) return fail('not a tar archive, or an empty one: no entry could be read');
      settled = true;
      resolve({ sourceType: 'tar', warnings });
    });

    const source = typeof input === 'string' ? createReadStream(input, { highWaterMark: 1 << 20 }) : input.stream;
    source.on('error', (error: Error) => fail(`cannot read: ${describeIoError(error)}`));
    firstChunk(source).then((head) => {
      if (settled) return;
      empty = head === null;
      if (head) source.unshift(head);
      if (head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
        const gunzip = createGunzip();
        // A truncated or corrupt gzip stream fails here, with zlib's codes, before the parser sees it.
        gunzip.on('error', (error: Error) => fail(describeTarError(error)));
        source.pipe(gunzip).pipe(parser);
      } else source.pipe(parser);
    }, (error: unknown) => fail(`cannot read: ${describeIoError(error)}`));
  });
}

/** The stream's first chunk (null when it is empty), read without losing it: the caller unshifts it. */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = () => {
      const chunk = stream.read() as Buffer | null;
      if (chunk === null) return;
      done();
      resolve(chunk);
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function describeTarError(error: Error): string {
  const code = (error as { code?: string }).code;
  if (code === 'Z_BUF_ERROR') return 'truncated archive: the gzip stream ends early (incomplete download or copy?)';
  if (code === 'Z_DATA_ERROR') return `corrupt gzip data: ${error.message}`;
  if (code === 'TAR_ABORT') return `archive rejected: ${error.message}`;
  return `cannot read archive: ${error.message}`;
}
