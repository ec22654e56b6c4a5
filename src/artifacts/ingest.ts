import { StringDecoder } from 'node:string_decoder';
import { normaliseEntryPath } from '../bundle/entry-path.js';
import { formatBytes, LIMIT_FLAGS, type BundleLimits } from '../bundle/limits.js';
import type { BundleVisitor, EntryInfo, EntrySink } from '../bundle/types.js';
import type { Artifact, InventoryItem } from './artifact.js';
import { knownUnanalysed } from './known-unanalysed.js';
import { ArtifactParseError, type DocumentKind, type LineKind, type LineScanner, type SchemaViolation } from './kind.js';
import { commandEnding } from './manifest/exit.js';
import type { Manifest } from './manifest/schema.js';
import { isArtifactId, recognise, type ManifestHint, type Recognition } from './recognise.js';
import { lineAtPointer, validateValue } from './validate.js';

/** Bytes looked at to sniff an entry's content. */
const HEAD_BYTES = 16 * 1024;
/** A "line" without a newline is cut here so one huge line cannot hold the heap. */
const MAX_PENDING_CHARS = 1024 * 1024;

/**
 * The artifact stage as a bundle visitor: recognises each entry as it streams in, parses and
 * validates it, and records exactly one inventory line per entry.
 */
export class ArtifactCollector implements BundleVisitor {
  readonly artifacts: Artifact[] = [];
  readonly inventory: InventoryItem[] = [];
  readonly warnings: string[] = [];
  manifest?: Manifest;
  private manifestPrefix = '';
  private manifestPath = '';
  /** Bytes of documents buffered for parsing so far (capped by maxParsedBytes). */
  parsedBytes = 0;
  private hints = new Map<string, ManifestHint>();

  constructor(private readonly limits: BundleLimits) {}

  onSkipped(path: string, reason: string, size?: number): void {
    this.inventory.push(size === undefined ? { path, status: 'skipped', reason } : { path, status: 'skipped', size, reason });
  }

  onEntry(info: EntryInfo): EntrySink {
    return new EntryIngest(info, this, this.limits);
  }

  /** The collector's stderr files by their path relative to the manifest (as the manifest names them). */
  stderrTexts(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const artifact of this.artifacts) {
      if (artifact.kind !== 'collector.stderr' || !artifact.path.startsWith(this.manifestPrefix)) continue;
      texts.set(artifact.path.slice(this.manifestPrefix.length), artifact.data.text);
    }
    return texts;
  }

  hintFor(path: string): ManifestHint | undefined {
    if (!this.manifest || !path.startsWith(this.manifestPrefix)) return undefined;
    return this.hints.get(path.slice(this.manifestPrefix.length));
  }

  /**
   * Called when an entry turns out to be a manifest. The first one wins: a second manifest (a bundle
   * inside a bundle, or a forgery) must not redefine the collection time or the kinds of files.
   */
  adoptManifest(manifest: Manifest, path: string): string | undefined {
    if (this.manifest) return `a second manifest: ${this.manifestPath} already describes this bundle`;
    this.manifestPath = path;
    if (this.inventory.length > 0) {
      this.warnings.push(`${path} is not the first entry of the bundle: the ${this.inventory.length} entries before it were recognised by path and content`);
    }
    this.manifest = manifest;
    this.manifestPrefix = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const artifact of manifest.artifacts) {
      const hint: ManifestHint = { exitCode: artifact.exitCode };
      const path = normalisedManifestPath(artifact.path);
      if (!path) continue;
      if (artifact.kind) hint.kind = artifact.kind;
      if (artifact.forbidden) hint.forbidden = true;
      if (artifact.namespace) hint.namespace = artifact.namespace;
      if (artifact.pod) hint.pod = artifact.pod;
      if (artifact.container) hint.container = artifact.container;
      this.hints.set(path, hint);
      const stderr = artifact.stderr ? normalisedManifestPath(artifact.stderr) : undefined;
      if (stderr) this.hints.set(stderr, { kind: 'collector.stderr' });
    }
    return undefined;
  }

  /** Files the manifest lists with output that the bundle does not contain (lost in transfer?). */
  missingFromBundle(): string[] {
    if (!this.manifest) return [];
    const present = new Set(this.inventory.map((i) => i.path));
    return this.manifest.artifacts
      .filter((a) => a.exitCode === 0 && (a.bytes ?? 1) > 0)
      .map((a) => normalisedManifestPath(a.path))
      .filter((p): p is string => p !== undefined && !present.has(this.manifestPrefix + p));
  }
}

type Phase =
  | { name: 'sniffing'; head: Buffer[]; headBytes: number }
  | { name: 'document'; recognition: Recognition; kind: DocumentKind; chunks: Buffer[]; encoding: TextEncoding }
  | { name: 'lines'; recognition: Recognition; kind: LineKind; lines: LineSplitter; scanner: LineScanner<unknown> }
  | { name: 'discard' };

class EntryIngest implements EntrySink {
  private phase: Phase = { name: 'sniffing', head: [], headBytes: 0 };
  private failed = false;

  constructor(
    private readonly info: EntryInfo,
    private readonly collector: ArtifactCollector,
    private readonly limits: BundleLimits,
  ) {}

  write(chunk: Buffer): void {
    this.guard(() => this.consume(chunk));
  }

  end(): void {
    this.guard(() => this.finish());
  }

  /**
   * A parser bug must cost one entry, not the bundle: record the entry as invalid and go on.
   * (An exception escaping a stream handler would otherwise leave the reader waiting forever.)
   */
  private guard(step: () => void): void {
    if (this.failed) return;
    try {
      step();
    } catch (error) {
      this.failed = true;
      this.discard({ status: 'invalid', reason: `analyzer error while reading this entry (please report it): ${(error as Error).message}` });
    }
  }

  private consume(chunk: Buffer): void {
    const phase = this.phase;
    switch (phase.name) {
      case 'sniffing':
        phase.head.push(chunk);
        phase.headBytes += chunk.length;
        if (phase.headBytes >= HEAD_BYTES) this.decide(Buffer.concat(phase.head));
        return;
      case 'document':
        phase.chunks.push(chunk);
        return;
      case 'lines':
        phase.lines.write(chunk);
        return;
      case 'discard':
        return;
    }
  }

  private finish(): void {
    if (this.phase.name === 'sniffing') this.decide(Buffer.concat(this.phase.head));
    const phase = this.phase;
    if (phase.name === 'document') this.finishDocument(phase.kind, phase.recognition, Buffer.concat(phase.chunks), phase.encoding);
    else if (phase.name === 'lines') {
      phase.lines.end();
      let summary;
      try {
        summary = phase.scanner.finish();
      } catch (error) {
        if (!(error instanceof ArtifactParseError)) throw error;
        this.record({ status: 'invalid', kind: phase.kind.id, recognisedBy: phase.recognition.by, reason: error.message });
        return;
      }
      this.accept(phase.recognition, summary);
    }
  }

  /** Chooses what to do with the entry once its head is known, and replays the head into it. */
  private decide(head: Buffer): void {
    const { path, size } = this.info;
    const hint = this.collector.hintFor(path);
    const encoding = detectEncoding(head);
    if (encoding === 'utf16be') {
      return this.discard({ status: 'invalid', reason: 'UTF-16 big-endian text: save the output as UTF-8 (or UTF-16LE) and send it again' });
    }
    const binary = encoding === 'utf8' && head.subarray(0, 8000).includes(0);
    const headText = binary ? undefined : stripBom(head.subarray(0, HEAD_BYTES).toString(encoding));
    if (head.length === 0 && hint?.exitCode !== undefined && hint.exitCode !== 0) {
      // A command that failed and printed nothing: its empty output is not an (empty) artifact.
      const how = commandEnding({ exitCode: hint.exitCode, ...(hint.forbidden ? { forbidden: true } : {}) }).clause;
      return this.discard({ status: 'skipped', ...(hint.kind && isArtifactId(hint.kind) ? { kind: hint.kind } : {}), reason: `no output: the collector's command ${how} (see Collection failures)` });
    }
    if (hint?.kind && !isArtifactId(hint.kind)) {
      // The collector knows more kinds than this version analyses: say so rather than guess.
      return this.discard({ status: 'not-recognised', reason: `collector artifact "${hint.kind}": not analysed by this version` });
    }
    const recognition = recognise(path, headText, hint);
    if (!recognition) {
      return this.discard({ status: 'not-recognised', reason: knownUnanalysed(path) ?? describeUnrecognised(headText, head.length) });
    }
    const { kind } = recognition;
    if (kind.mode === 'document') {
      if (size > this.limits.maxDocumentBytes) {
        return this.discard({
          status: 'skipped',
          kind: kind.id,
          recognisedBy: recognition.by,
          reason: `too large to parse safely: ${formatBytes(size)} over the ${formatBytes(this.limits.maxDocumentBytes)} document cap (raise with ${LIMIT_FLAGS.maxDocumentBytes})`,
        });
      }
      if (this.collector.parsedBytes + size > this.limits.maxParsedBytes) {
        return this.discard({
          status: 'skipped',
          kind: kind.id,
          recognisedBy: recognition.by,
          reason: `not parsed: the ${formatBytes(this.limits.maxParsedBytes)} budget for parsed documents is used up (raise with ${LIMIT_FLAGS.maxParsedBytes})`,
        });
      }
      this.collector.parsedBytes += size;
      this.phase = { name: 'document', recognition, kind, chunks: [head], encoding };
      return;
    }
    const scanner = kind.createScanner(recognition.context);
    const lines = new LineSplitter((text, number) => scanner.line(text, number), encoding);
    lines.write(head);
    this.phase = { name: 'lines', recognition, kind, lines, scanner };
  }

  private finishDocument(kind: DocumentKind, recognition: Recognition, bytes: Buffer, encoding: TextEncoding): void {
    const text = stripBom(bytes.toString(encoding));
    let parsed;
    try {
      parsed = kind.parse(text, recognition.context);
      // Only a content guess may be corrected; a kind the manifest or the path declared is held to.
      const other = recognition.by === 'content' ? kind.reclassify?.(parsed.data) : undefined;
      if (other) {
        kind = other.kind;
        recognition = { ...recognition, kind };
        parsed = other.parsed;
      }
    } catch (error) {
      if (!(error instanceof ArtifactParseError)) throw error;
      this.record({ status: 'invalid', kind: kind.id, recognisedBy: recognition.by, reason: error.message, ...(error.line ? { line: error.line } : {}) });
      return;
    }
    const violation = firstViolation(kind, parsed);
    if (violation) {
      const at = violation.line ? ` (line ${violation.line})` : '';
      this.record({
        status: 'invalid',
        kind: kind.id,
        recognisedBy: recognition.by,
        reason: `does not match the ${kind.id} schema: ${violation.message}${at}`,
        pointer: violation.pointer,
        ...(violation.line ? { line: violation.line } : {}),
      });
      return;
    }
    if (kind.id === 'bundle.manifest') {
      const refused = this.collector.adoptManifest(parsed.data as Manifest, this.info.path);
      if (refused) {
        this.record({ status: 'invalid', kind: kind.id, recognisedBy: recognition.by, reason: refused });
        return;
      }
    }
    this.accept(recognition, parsed.data);
  }

  /** Records why the entry is not used, and drops the rest of its bytes. */
  private discard(item: Omit<InventoryItem, 'path' | 'size'>): void {
    this.record(item);
    this.phase = { name: 'discard' };
  }

  private accept(recognition: Recognition, data: unknown): void {
    // The one place data meets its type: it passed the kind's schema, which ArtifactDataMap mirrors.
    const artifact = { kind: recognition.kind.id, path: this.info.path, context: recognition.context, recognisedBy: recognition.by, data } as Artifact;
    this.collector.artifacts.push(artifact);
    this.record({ status: 'used', kind: recognition.kind.id, recognisedBy: recognition.by });
  }

  private record(item: Omit<InventoryItem, 'path' | 'size'>): void {
    this.collector.inventory.push({ path: this.info.path, size: this.info.size, ...item });
  }
}

function firstViolation(kind: DocumentKind, parsed: ReturnType<DocumentKind['parse']>): SchemaViolation | undefined {
  for (const target of parsed.validate) {
    const [violation] = validateValue(target.schema ?? kind.schema, target.value, target.pointer);
    if (violation) {
      const relative = violation.pointer.slice(target.pointer.length);
      const line = lineAtPointer(target.value, relative) ?? target.line;
      return line === undefined ? violation : { ...violation, line };
    }
  }
  return undefined;
}

/** `headText` is undefined for binary content; it is the decoded head otherwise (UTF-16 included). */
function describeUnrecognised(headText: string | undefined, bytes: number): string {
  if (bytes === 0) return 'empty file';
  if (headText === undefined) return 'binary content: not an output of kubectl or istioctl';
  const first = headText.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return `no artifact kind matches its path or content (first line: ${JSON.stringify(first.slice(0, 80))})`;
}

/** Manifest paths are compared with normalised entry paths (`./a//b` is `a/b`); unsafe ones are ignored. */
function normalisedManifestPath(path: string): string | undefined {
  const normalised = normaliseEntryPath(path);
  return normalised.ok ? normalised.path : undefined;
}

type TextEncoding = 'utf8' | 'utf16le';

/**
 * Windows PowerShell 5 redirects command output as UTF-16LE: recognise it by its byte-order mark,
 * or by NUL in every other byte of ASCII text.
 */
function detectEncoding(head: Buffer): TextEncoding | 'utf16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  // Without a BOM: ASCII text in UTF-16LE has a NUL in (nearly) every odd byte and none in the even ones.
  const sample = head.subarray(0, 512);
  if (sample.length >= 16) {
    let oddZeros = 0;
    let evenZeros = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 1 ? oddZeros++ : evenZeros++;
    if (evenZeros === 0 && oddZeros >= 0.9 * Math.floor(sample.length / 2)) return 'utf16le';
  }
  return 'utf8';
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

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
    encoding: 'utf8' | 'utf16le' = 'utf8',
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
    const text = this.number === 0 ? stripBom(line) : line;
    this.emit(text.endsWith('\r') ? text.slice(0, -1) : text, ++this.number);
  }
}
