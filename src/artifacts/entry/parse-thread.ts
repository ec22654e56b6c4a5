import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ArtifactSink } from '../artifact-kind.js';
import { ArtifactParseError } from '../parse-error.js';
import { artifactKind } from '../registry.js';
import { PARSE_THREAD_ROLE, type FromThread, type ThreadOutcome, type ToThread } from './parse-threads.js';
import { firstViolation } from './schema-check.js';
import { StringPool } from './string-pool.js';

/** True in a worker started by ParseThreads: the CLI's entry file then serves entries instead of running a command. */
export function isParseThread(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === PARSE_THREAD_ROLE;
}

interface OpenEntry {
  sink?: ArtifactSink;
  /** Set once the entry cannot be read further; reported at its end, as EntryIngest would. */
  ended?: ThreadOutcome;
}

/**
 * Reads the entries the main thread streams to it, each with its kind's own sink, exactly as the
 * main thread would (EntryIngest): an error thrown while writing is an analyzer error, an
 * ArtifactParseError at the end makes the entry invalid, and what was read is checked against the
 * kind's schema here, so that only the outcome goes back.
 */
export function runParseThread(port: MessagePort = parentPort!): void {
  const noBudget = { tryKeep: () => true, release: () => undefined };
  const entries = new Map<number, OpenEntry>();
  const reply = (message: FromThread) => port.postMessage(message);
  port.on('message', (message: ToThread) => {
    if (message.type === 'open') {
      const entry: OpenEntry = {};
      entries.set(message.id, entry);
      try {
        // Strings repeat within a dump; the main thread pools them across dumps when the summary arrives,
        // so the thread's pool is the entry's own and goes with it.
        const opened = artifactKind(message.kind).open({ ...message.context, budget: noBudget, strings: new StringPool() });
        if ('refused' in opened) entry.ended = { refused: opened.refused };
        else entry.sink = opened;
      } catch (error) {
        entry.ended = analyzerError(error);
      }
      return;
    }
    const entry = entries.get(message.id);
    if (message.type === 'bytes') {
      if (entry?.sink && !entry.ended) {
        try {
          entry.sink.write(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength));
        } catch (error) {
          entry.ended = analyzerError(error);
        }
      }
      reply({ type: 'read', bytes: message.bytes.byteLength });
      return;
    }
    entries.delete(message.id);
    reply({ type: 'done', id: message.id, outcome: serialise(entry?.ended ?? finish(entry?.sink)) });
  });
}

function finish(sink: ArtifactSink | undefined): ThreadOutcome {
  if (!sink) return { analyzerError: 'the entry was never opened in its parsing thread' };
  try {
    const result = sink.end();
    const violation = firstViolation(result.kind, result.validate);
    return { data: result.data, kind: result.kind.id, ...(violation ? { violation } : {}) };
  } catch (error) {
    if (error instanceof ArtifactParseError) return { parseError: { message: error.message, ...(error.line ? { line: error.line } : {}) } };
    return analyzerError(error);
  }
}

/** An outcome JSON cannot write (a BigInt, a cycle) is its entry's analyzer error, not the end of the thread and of every entry it holds. */
function serialise(outcome: ThreadOutcome): string {
  try {
    return JSON.stringify(outcome);
  } catch (error) {
    return JSON.stringify(analyzerError(error));
  }
}

function analyzerError(error: unknown): ThreadOutcome {
  return { analyzerError: (error as Error | undefined)?.message ?? String(error) };
}
