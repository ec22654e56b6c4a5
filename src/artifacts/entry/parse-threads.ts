import { Worker } from 'node:worker_threads';
import type { BundleLimits } from '../../bundle/limits.js';
import type { RecognisedBy } from '../artifact.js';
import type { ArtifactId, ArtifactKind, EntryContext, SchemaViolation } from '../artifact-kind.js';
import type { TextEncoding } from './encoding.js';

/**
 * Parsing threads: the main thread inflates and frames the bundle, sniffs each entry and parses the
 * small documents; the entries that are most of a bundle's bytes (logs, config dumps: kinds marked
 * `offThread`) are streamed to worker threads, which run the same sinks and send back what they read.
 * Nothing about the answer depends on the thread: the artifacts and the inventory are put back in the
 * bundle's order (BundleIngest), and a thread that stops costs its entries only, each listed invalid.
 */

/** The worker's `workerData.role`: the CLI's entry file (src/bin.ts) runs a parsing thread when it sees it. */
export const PARSE_THREAD_ROLE = 'istio-bundle-parse-thread';

/** Entries smaller than this are parsed on the main thread: starting a thread costs more than it would save. */
export const DEFAULT_OFF_THREAD_MIN_BYTES = 1024 * 1024;
/** Bytes gathered before a message to the thread: one message per 16 KiB gunzip chunk would cost more than the copy. */
const BATCH_BYTES = 256 * 1024;
/** Bytes a thread may have queued, unread, before the reader is paused; it resumes below the low mark. */
const QUEUE_HIGH_BYTES = 8 * 1024 * 1024;
const QUEUE_LOW_BYTES = 2 * 1024 * 1024;
/**
 * A thread's young generation: its garbage is short-lived (elements of a dump, lines of a log), and a
 * smaller nursery keeps each thread's footprint down (measured: see bench/README.md, parsing threads).
 */
const THREAD_YOUNG_GENERATION_MB = 16;

/** What a thread needs to open the entry's sink: the SinkContext without the main thread's budget and strings. */
export interface ThreadSinkContext {
  entry: EntryContext;
  size: number;
  encoding: TextEncoding;
  recognisedBy: RecognisedBy;
  limits: BundleLimits;
}

export type ToThread =
  | { type: 'open'; id: number; kind: ArtifactId; context: ThreadSinkContext }
  | { type: 'bytes'; id: number; bytes: Uint8Array }
  | { type: 'end'; id: number };

/** How an entry read in a thread ended, as EntryIngest would have recorded it on the main thread. */
export type ThreadOutcome =
  | { data: unknown; kind: ArtifactId; violation?: SchemaViolation }
  | { parseError: { message: string; line?: number } }
  | { analyzerError: string }
  | { refused: string };

export type FromThread = { type: 'read'; bytes: number } | { type: 'done'; id: number; outcome: string /* ThreadOutcome as JSON */ };

export interface ParseThreadOptions {
  /** Threads to start at most (0: everything on the main thread). */
  threads: number;
  /** The module a thread runs: the CLI's entry file, which turns into a parsing thread (PARSE_THREAD_ROLE). */
  script: URL;
  minBytes?: number;
}

/** An entry being read in a thread. */
export interface ThreadSink {
  write(chunk: Buffer): void;
  backlog(): Promise<void> | undefined;
  /** Resolves (never rejects) with the outcome once the thread has read the last byte. */
  end(): Promise<ThreadOutcome>;
}

/** The bundle's parsing threads, started when the first entry large enough needs one. */
export class ParseThreads {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private readonly minBytes: number;
  /** Entries sent to a thread, for ISTIO_BUNDLE_THREAD_TRACE. */
  private threadedEntries = 0;

  constructor(private readonly options: ParseThreadOptions) {
    this.minBytes = options.minBytes ?? DEFAULT_OFF_THREAD_MIN_BYTES;
  }

  /** A sink in a thread for this entry, or undefined: it is read on the main thread. */
  open(kind: ArtifactKind, context: ThreadSinkContext): ThreadSink | undefined {
    if (!kind.offThread || context.size < this.minBytes) return undefined;
    const thread = this.threadFor();
    if (!thread) return undefined;
    const id = this.nextId++;
    this.threadedEntries += 1;
    return thread.open(id, kind.id, context);
  }

  /**
   * Stops every thread; the process could not exit while one runs. ISTIO_BUNDLE_THREAD_TRACE=1 says
   * on stderr how many entries went to a thread (how the tests know the threads were used).
   */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
    this.threads.length = 0;
    // Not how many threads: an entry goes to an idle thread first, so that depends on timing.
    if (process.env.ISTIO_BUNDLE_THREAD_TRACE === '1') process.stderr.write(`istio-bundle: ${this.threadedEntries} entries read in parsing threads\n`);
  }

  /** The least busy running thread, or a new one while fewer than `threads` run. */
  private threadFor(): Thread | undefined {
    const running = this.threads.filter((thread) => thread.alive);
    const idle = running.find((thread) => thread.openEntries === 0);
    if (idle) return idle;
    if (this.threads.length < this.options.threads) {
      const started = new Thread(this.options.script);
      this.threads.push(started);
      return started;
    }
    return running.sort((a, b) => a.queuedBytes - b.queuedBytes)[0];
  }
}

class Thread {
  alive = true;
  queuedBytes = 0;
  private readonly worker: Worker;
  private readonly pending = new Map<number, (outcome: ThreadOutcome) => void>();
  private drained: Array<() => void> = [];

  constructor(script: URL) {
    this.worker = new Worker(script, { workerData: { role: PARSE_THREAD_ROLE }, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
    this.worker.on('message', (message: FromThread) => this.receive(message));
    this.worker.on('error', (error: Error) => this.stopped(`the parsing thread failed: ${error.message}`));
    this.worker.on('exit', (code: number) => this.stopped(`the parsing thread exited (code ${code})`));
  }

  get openEntries(): number {
    return this.pending.size;
  }

  open(id: number, kind: ArtifactId, context: ThreadSinkContext): ThreadSink {
    const done = new Promise<ThreadOutcome>((resolve) => this.pending.set(id, resolve));
    this.post({ type: 'open', id, kind, context });
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = () => {
      if (batchBytes === 0) return;
      // A buffer of its own, so that its memory moves to the thread instead of being copied again.
      const bytes = new Uint8Array(batchBytes);
      let at = 0;
      for (const chunk of batch) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      this.queuedBytes += batchBytes;
      this.post({ type: 'bytes', id, bytes }, [bytes.buffer]);
      batch = [];
      batchBytes = 0;
    };
    return {
      write: (chunk) => {
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= BATCH_BYTES) flush();
      },
      backlog: () => (this.alive && this.queuedBytes > QUEUE_HIGH_BYTES ? new Promise<void>((resolve) => this.drained.push(resolve)) : undefined),
      end: () => {
        flush();
        this.post({ type: 'end', id });
        return done;
      },
    };
  }

  stop(): Promise<void> {
    this.alive = false;
    return this.worker.terminate().then(() => undefined);
  }

  private post(message: ToThread, transfer?: ArrayBuffer[]): void {
    if (this.alive) this.worker.postMessage(message, transfer);
  }

  private receive(message: FromThread): void {
    if (message.type === 'read') {
      this.queuedBytes -= message.bytes;
      if (this.queuedBytes <= QUEUE_LOW_BYTES) this.wake();
      return;
    }
    const resolve = this.pending.get(message.id);
    this.pending.delete(message.id);
    resolve?.(JSON.parse(message.outcome) as ThreadOutcome);
  }

  /** The thread is gone (a crash, out of memory, terminate): its entries end as analyzer errors, the reader goes on. */
  private stopped(why: string): void {
    this.alive = false;
    for (const resolve of this.pending.values()) resolve({ analyzerError: why });
    this.pending.clear();
    this.wake();
  }

  private wake(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}
