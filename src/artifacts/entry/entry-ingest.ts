import type { EntryInfo, EntrySink } from '../../bundle/types.js';
import type { BundleLimits } from '../../bundle/limits.js';
import type { Artifact, InventoryItem } from '../artifact.js';
import { knownUnanalysed } from '../known-unanalysed.js';
import type { ArtifactKind, ArtifactSink, KeepBudget, SchemaViolation, SinkResult } from '../artifact-kind.js';
import { commandEnding } from '../manifest/exit.js';
import { manifestKind } from '../manifest/kinds.js';
import type { Manifest } from '../manifest/schema.js';
import { ArtifactParseError } from '../parse-error.js';
import { isArtifactId, recognise, type ManifestHint, type Recognition } from '../recognise.js';
import { artifactKind } from '../registry.js';
import { COLLECTED_NOT_ANALYSED } from '../vocabulary.js';
import { redactKeyMaterial, SecretMaterialScanner } from '../secret-material.js';
import { detectEncoding, stripBom } from './encoding.js';
import { firstViolation } from './schema-check.js';
import type { StringPool } from './string-pool.js';
import type { SharedEntries } from './shared-entries.js';
import type { ParseThreads, ThreadOutcome, ThreadSink } from './parse-threads.js';

/** Bytes looked at to sniff an entry's content. */
export const HEAD_BYTES = 16 * 1024;

/** What reading one entry needs from the bundle-wide collector. */
export interface IngestTarget {
  readonly budget: KeepBudget;
  readonly strings: StringPool;
  readonly shared: SharedEntries;
  /** Where large logs and config dumps may be read off the main thread; absent: all on the main thread. */
  readonly threads?: ParseThreads;
  hintFor(path: string): ManifestHint | undefined;
  /** A manifest found in the bundle; the reason when it is refused. */
  adoptManifest(manifest: Manifest, path: string): string | undefined;
  accept(artifact: Artifact): void;
  record(item: InventoryItem): void;
  /** An entry read in a thread ends later: the bundle is read when every such promise has settled. */
  defer(ending: Promise<void>): void;
}

type Phase =
  | { name: 'sniffing'; head: Buffer[]; headBytes: number }
  | { name: 'reading'; recognition: Recognition; sink: ArtifactSink }
  | { name: 'threaded'; recognition: Recognition; sink: ThreadSink }
  | { name: 'discard' };

/**
 * Reads one entry as it streams: sniffs its head, recognises it, hands its bytes to its kind's
 * sink, validates what the sink read, and records exactly one inventory line for it.
 */
export class EntryIngest implements EntrySink {
  private phase: Phase = { name: 'sniffing', head: [], headBytes: 0 };
  private failed = false;
  /** The thread's answer for this entry, once it has been told the entry ended (it must be told exactly once). */
  private threadEnding?: Promise<ThreadOutcome>;
  /** Every entry is scanned for private keys whatever its kind or status: the report names them first. */
  private scanner?: SecretMaterialScanner;
  private recorded?: InventoryItem;

  constructor(
    private readonly info: EntryInfo,
    private readonly target: IngestTarget,
    private readonly limits: BundleLimits,
  ) {}

  write(chunk: Buffer): void {
    this.scanner?.push(chunk);
    this.guard(() => this.consume(chunk));
  }

  end(): void {
    this.guard(() => this.finish());
    const hits = this.scanner?.finish() ?? [];
    const phase = this.phase;
    if (phase.name !== 'threaded' || this.failed) {
      this.attachSecretMaterial(hits);
      return;
    }
    this.target.defer(
      this.endThread(phase.sink).then((outcome) => {
        this.guard(() => this.finishThreaded(outcome, phase.recognition));
        this.attachSecretMaterial(hits);
      }),
    );
  }

  backlog(): Promise<void> | undefined {
    return this.phase.name === 'threaded' ? this.phase.sink.backlog() : undefined;
  }

  /** The scanner's hits join what the entry's kind found in its data, on the entry's one inventory line. */
  private attachSecretMaterial(hits: ReturnType<SecretMaterialScanner['finish']>): void {
    if (hits.length === 0 || !this.recorded) return;
    const found = hits.map((h) => ({ material: h.material, label: h.label, count: h.count, line: h.firstLine }));
    this.recorded.secretMaterial = [...found, ...(this.recorded.secretMaterial ?? [])];
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
      const phase = this.phase;
      this.failed = true;
      this.discard({ status: 'invalid', reason: `analyzer error while reading this entry (please report it): ${(error as Error).message}` });
      // The thread keeps an entry open until told it ended, and a thread with an open entry is never idle.
      if (phase.name === 'threaded' && !this.threadEnding) this.target.defer(this.endThread(phase.sink).then(() => undefined));
    }
  }

  private endThread(sink: ThreadSink): Promise<ThreadOutcome> {
    this.threadEnding ??= sink.end();
    return this.threadEnding;
  }

  private consume(chunk: Buffer): void {
    const phase = this.phase;
    if (phase.name === 'sniffing') {
      phase.head.push(chunk);
      phase.headBytes += chunk.length;
      if (phase.headBytes >= HEAD_BYTES) this.decide(Buffer.concat(phase.head));
    } else if (phase.name === 'reading' || phase.name === 'threaded') phase.sink.write(chunk);
  }

  private finish(): void {
    if (this.phase.name === 'sniffing') this.decide(Buffer.concat(this.phase.head));
    const phase = this.phase;
    if (phase.name !== 'reading') return;
    const { recognition } = phase;
    let result: SinkResult;
    try {
      result = phase.sink.end();
    } catch (error) {
      if (!(error instanceof ArtifactParseError)) throw error;
      this.record({ status: 'invalid', kind: recognition.kind.id, recognisedBy: recognition.by, reason: error.message, ...(error.line ? { line: error.line } : {}) });
      return;
    }
    this.finishRead(result.kind, result.data, firstViolation(result.kind, result.validate), recognition, result.release);
  }

  /** What a parsing thread read, recorded as finish() records what the main thread read. */
  private finishThreaded(outcome: ThreadOutcome, recognition: Recognition): void {
    const { kind } = recognition;
    if ('refused' in outcome) return this.discard({ status: 'skipped', kind: kind.id, recognisedBy: recognition.by, reason: outcome.refused });
    if ('analyzerError' in outcome) throw new Error(outcome.analyzerError);
    if ('parseError' in outcome) {
      const { message, line } = outcome.parseError;
      return this.record({ status: 'invalid', kind: kind.id, recognisedBy: recognition.by, reason: message, ...(line ? { line } : {}) });
    }
    this.finishRead(outcome.kind === kind.id ? kind : artifactKind(outcome.kind), outcome.data, outcome.violation, recognition);
  }

  /** Chooses what to do with the entry once its head is known, and replays the head into its sink. */
  private decide(head: Buffer): void {
    const { path, size } = this.info;
    const hint = this.target.hintFor(path);
    const encoding = detectEncoding(head);
    this.scanner = new SecretMaterialScanner(encoding === 'utf16le' ? 'utf16le' : 'utf8');
    this.scanner.push(head);
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
      const what = COLLECTED_NOT_ANALYSED[hint.kind];
      return this.discard({ status: 'not-analysed', reason: `collector artifact "${hint.kind}"${what ? ` (${what})` : ''}: not analysed by this version` });
    }
    const recognition = recognise(path, headText, hint);
    if (!recognition) {
      const known = knownUnanalysed(path);
      return this.discard(known ? { status: 'not-analysed', reason: known } : { status: 'not-recognised', reason: describeUnrecognised(headText, head.length) });
    }
    const threaded = this.target.threads?.open(recognition.kind, { entry: recognition.context, size, encoding, recognisedBy: recognition.by, limits: this.limits });
    if (threaded) {
      this.phase = { name: 'threaded', recognition, sink: threaded };
      threaded.write(head);
      return;
    }
    const opened = recognition.kind.open({ entry: recognition.context, size, encoding, recognisedBy: recognition.by, limits: this.limits, budget: this.target.budget, strings: this.target.strings });
    if ('refused' in opened) return this.discard({ status: 'skipped', kind: recognition.kind.id, recognisedBy: recognition.by, reason: opened.refused });
    opened.write(head);
    this.phase = { name: 'reading', recognition, sink: opened };
  }

  private finishRead(kind: ArtifactKind, data: unknown, violation: SchemaViolation | undefined, recognition: Recognition, release?: () => void): void {
    if (violation) {
      release?.();
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
    if (kind === manifestKind) {
      const refused = this.target.adoptManifest(data as Manifest, this.info.path);
      if (refused) {
        release?.();
        this.record({ status: 'invalid', kind: kind.id, recognisedBy: recognition.by, reason: refused });
        return;
      }
    }
    const kept = kind.share ? kind.share(data, { entries: this.target.shared, strings: this.target.strings }) : data;
    // The one place data meets its type: it passed the kind's schema, which ArtifactDataMap mirrors.
    this.target.accept({ kind: kind.id, path: this.info.path, context: recognition.context, recognisedBy: recognition.by, data: kept } as Artifact);
    const caveats = kind.caveats?.(data) ?? [];
    const secrets = kind.secretMaterial?.(data) ?? [];
    this.record({ status: 'used', kind: kind.id, recognisedBy: recognition.by, ...(caveats.length > 0 ? { note: caveats.join('; ') } : {}), ...(secrets.length > 0 ? { secretMaterial: secrets } : {}) });
  }

  /** Records why the entry is not used, and drops the rest of its bytes. */
  private discard(item: Omit<InventoryItem, 'path' | 'size'>): void {
    this.record(item);
    this.phase = { name: 'discard' };
  }

  private record(item: Omit<InventoryItem, 'path' | 'size'>): void {
    // A reason may quote the entry's first line: never a key's.
    this.recorded = { path: this.info.path, size: this.info.size, ...item, ...(item.reason ? { reason: redactKeyMaterial(item.reason) } : {}) };
    this.target.record(this.recorded);
  }
}

/** `headText` is undefined for binary content; it is the decoded head otherwise (UTF-16 included). */
function describeUnrecognised(headText: string | undefined, bytes: number): string {
  if (bytes === 0) return 'empty file';
  if (headText === undefined) return 'binary content: not an output of kubectl or istioctl';
  const first = headText.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return `no artifact kind matches its path or content (first line: ${JSON.stringify(first.slice(0, 80))})`;
}
