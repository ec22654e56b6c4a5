import { realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describeIoError } from '../bundle/io-errors.js';
import { DEFAULT_LIMITS, type BundleLimits } from '../bundle/limits.js';
import { readBundle, STDIN } from '../bundle/read-bundle.js';
import { BundleError, type EntrySink } from '../bundle/types.js';
import { EntryRedactor } from './entry-redactor.js';
import type { LayerCounts } from './layers.js';
import { MANIFEST_NAME, updateManifest } from './manifest.js';
import { buildReport, parseReport, REPORT_NAME, reportText, totals, type RedactionReport } from './report.js';
import { TarGzWriter } from './tar-writer.js';

export const PASS_NAME = 'istio-bundle redact';

export interface RedactOptions {
  limits?: Partial<BundleLimits>;
  /** Copy binary entries unchanged (listed in the report as not scanned) instead of leaving them out. */
  keepBinary?: boolean;
}

export interface RedactSummary {
  out: string;
  /** Entries written (the report included). */
  files: number;
  /** Files in which something was removed by this pass. */
  redactedFiles: number;
  /** Values removed by this pass, per layer. */
  totals: Array<[string, number]>;
  notScanned: Array<{ path: string; reason: string }>;
  report: RedactionReport;
}

interface Seen {
  size: number;
  /** The redacted size, for text. */
  outSize: number;
  counts: LayerCounts;
  unscanned?: string;
}

/** Special files looked for at the top of the bundle or one folder down (a bundle packed with its folder). */
const SPECIAL_DEPTH = 1;

const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const depthOf = (path: string) => path.split('/').length - 1;

/**
 * Writes a redacted copy of a bundle: every text entry through the collector's layers, in two
 * streaming passes over IN with the project's bundle reader (same safety and caps): the first
 * measures each redacted entry (a tar header announces its size before its bytes), the second
 * writes it. Nothing but OUT is written.
 */
export async function redactBundle(input: string, output: string, options: RedactOptions = {}): Promise<RedactSummary> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const out = checkOutput(input, output);

  // Pass 1: sizes, counts, kinds; the manifest and redaction reports kept.
  const seen = new Map<string, Seen>();
  const order: string[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const specials = new Map<string, { raw: Buffer[]; redacted: Buffer[]; bytes: number }>();
  await readBundle(input, limits, {
    onEntry: (info): EntrySink => {
      const special = (basename(info.path) === MANIFEST_NAME || basename(info.path) === REPORT_NAME) && depthOf(info.path) <= SPECIAL_DEPTH && info.size <= limits.maxDocumentBytes;
      const kept = special ? { raw: [] as Buffer[], redacted: [] as Buffer[], bytes: 0 } : undefined;
      if (kept) specials.set(info.path, kept);
      let outSize = 0;
      const redactor = new EntryRedactor((bytes) => {
        outSize += bytes.length;
        if (kept) kept.redacted.push(Buffer.from(bytes));
      });
      return {
        write: (chunk) => {
          if (kept) kept.raw.push(Buffer.from(chunk));
          redactor.write(chunk);
        },
        end: () => {
          const counts = redactor.end();
          seen.set(info.path, { size: info.size, outSize, counts, ...(redactor.unscanned ? { unscanned: redactor.unscanned } : {}) });
          order.push(info.path);
        },
      };
    },
    onSkipped: (path, reason) => skipped.push({ path, reason: `not written: ${reason}` }),
  });

  // The manifest, and the report beside it (or at the top), as the collector places them.
  const manifestPath = order.filter((p) => basename(p) === MANIFEST_NAME && specials.has(p)).sort((a, b) => depthOf(a) - depthOf(b))[0];
  const base = manifestPath !== undefined ? dirOf(manifestPath) : (order.filter((p) => basename(p) === REPORT_NAME && specials.has(p)).sort((a, b) => depthOf(a) - depthOf(b)).map(dirOf)[0] ?? '');
  const reportPath = base === '' ? REPORT_NAME : `${base}/${REPORT_NAME}`;
  const oldReport = specials.has(reportPath) ? parseReport(Buffer.concat(specials.get(reportPath)!.raw).toString('utf8'), base) : undefined;

  const notScanned: Array<{ path: string; reason: string }> = [...skipped];
  const sizes = new Map<string, number>();
  const leftOut = new Map<string, string>();
  const ours = new Map<string, LayerCounts>();
  for (const path of order) {
    if (path === reportPath && oldReport) continue;
    const entry = seen.get(path)!;
    if (entry.unscanned) {
      if (options.keepBinary) {
        sizes.set(path, entry.size);
        notScanned.push({ path, reason: `${entry.unscanned}: copied unchanged, not scanned (--keep-binary)` });
      } else {
        leftOut.set(path, `${entry.unscanned}, not scanned`);
        notScanned.push({ path, reason: `${entry.unscanned}: left out, not scanned (--keep-binary copies it)` });
      }
      continue;
    }
    sizes.set(path, entry.outSize);
    if (Object.keys(entry.counts).length > 0) ours.set(path, entry.counts);
  }
  const report = buildReport(ours, notScanned, oldReport, base, PASS_NAME);
  const reportBytes = Buffer.from(reportText(report), 'utf8');
  sizes.set(reportPath, reportBytes.length);
  let manifestBytes: Buffer | undefined;
  if (manifestPath !== undefined && !seen.get(manifestPath)!.unscanned) {
    const text = updateManifest(Buffer.concat(specials.get(manifestPath)!.redacted).toString('utf8'), base, sizes, leftOut);
    if (text !== undefined) manifestBytes = Buffer.from(text, 'utf8');
  }

  // Pass 2: the manifest, the report, then every entry in the reader's order.
  let writer: TarGzWriter;
  try {
    writer = new TarGzWriter(out);
  } catch (error) {
    throw new BundleError(output, `cannot write: ${describeIoError(error)}`);
  }
  let files = 0;
  try {
    if (manifestBytes && manifestPath !== undefined) {
      writeWhole(writer, manifestPath, manifestBytes);
      files += 1;
    }
    writeWhole(writer, reportPath, reportBytes);
    files += 1;
    const discard: EntrySink = { write: () => undefined, end: () => undefined };
    await readBundle(input, limits, {
      onEntry: (info): EntrySink => {
        const entry = seen.get(info.path);
        if (!entry || entry.size !== info.size) throw new BundleError(input, `${info.path} changed while it was read: run again on a bundle nobody is writing to`);
        if (info.path === reportPath || (info.path === manifestPath && manifestBytes) || leftOut.has(info.path)) return discard;
        files += 1;
        writer.begin(info.path, sizes.get(info.path)!);
        if (entry.unscanned) return { write: (chunk) => writer.write(chunk), end: () => writer.end() };
        const redactor = new EntryRedactor((bytes) => writer.write(bytes));
        return {
          write: (chunk) => redactor.write(chunk),
          end: () => {
            redactor.end();
            writer.end();
          },
        };
      },
      onSkipped: () => undefined,
    });
    writer.close();
  } catch (error) {
    writer.abandon();
    try {
      unlinkSync(out);
    } catch {
      // nothing written yet
    }
    if (!(error instanceof BundleError) && (error as NodeJS.ErrnoException).code) throw new BundleError(output, `cannot write: ${describeIoError(error)}`);
    throw error;
  }
  return { out, files, redactedFiles: ours.size, totals: totals(ours.values()), notScanned, report };
}

function writeWhole(writer: TarGzWriter, path: string, bytes: Buffer): void {
  writer.begin(path, bytes.length);
  writer.write(bytes);
  writer.end();
}

/** OUT is a new file outside IN (and not IN). Returns its absolute path. */
function checkOutput(input: string, output: string): string {
  if (input === STDIN) throw new BundleError(input, 'redact reads its input twice (to measure, then to write): give a file or folder, not standard input');
  if (output === STDIN || output === '') throw new BundleError(output || '-o', 'redact writes an archive: give -o FILE.tar.gz, not standard output');
  let inReal: string;
  let inInfo;
  try {
    inReal = realpathSync(input);
    inInfo = statSync(inReal);
  } catch {
    throw new BundleError(input, 'cannot open: no such file or folder');
  }
  const out = resolve(output);
  let outParent: string;
  try {
    outParent = realpathSync(dirname(out));
  } catch {
    throw new BundleError(output, 'cannot write: its folder does not exist');
  }
  const outReal = join(outParent, basename(out));
  let outInfo;
  try {
    outInfo = statSync(outReal);
  } catch {
    outInfo = undefined;
  }
  if (outReal === inReal || (outInfo && outInfo.ino === inInfo.ino && outInfo.dev === inInfo.dev)) throw new BundleError(output, 'is the input: write the redacted bundle to a new file');
  if (outInfo?.isDirectory()) throw new BundleError(output, 'is a folder: give the archive to write, e.g. -o redacted.tar.gz');
  if (inInfo.isDirectory()) {
    const inside = relative(inReal, outReal);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) throw new BundleError(output, `is inside the input folder ${input}: write it elsewhere`);
  }
  return outReal;
}
