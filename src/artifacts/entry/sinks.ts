import { formatBytes, LIMIT_FLAGS } from '../../bundle/limits.js';
import type { ArtifactSink, DocumentKind, LineKind, SinkContext, SinkRefusal } from '../artifact-kind.js';
import { stripBom } from './encoding.js';
import { LineSplitter } from './line-splitter.js';

/**
 * A document (JSON, YAML, a table) is kept whole, then parsed: it is capped per entry and reserves
 * its size in the bundle's budget, because the parse holds several times its bytes.
 */
export function documentSink(kind: DocumentKind, context: SinkContext): ArtifactSink | SinkRefusal {
  const { size, limits } = context;
  if (size > limits.maxDocumentBytes) {
    return { refused: `too large to parse safely: ${formatBytes(size)} over the ${formatBytes(limits.maxDocumentBytes)} document cap (raise with ${LIMIT_FLAGS.maxDocumentBytes})` };
  }
  if (!context.budget.tryKeep(size)) {
    return { refused: `not parsed: the ${formatBytes(limits.maxParsedBytes)} budget for parsed documents is used up (raise with ${LIMIT_FLAGS.maxParsedBytes})` };
  }
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => chunks.push(chunk),
    end() {
      const text = stripBom(Buffer.concat(chunks).toString(context.encoding));
      chunks.length = 0;
      const release = () => context.budget.release(size);
      let parsed;
      try {
        parsed = kind.parse(text, context.entry);
      } catch (error) {
        release(); // an unreadable document is not kept
        throw error;
      }
      // Only a content guess may be corrected; a kind the manifest or the path declared is held to.
      const other = context.recognisedBy === 'content' ? kind.reclassify?.(parsed.data) : undefined;
      return other ? { kind: other.kind, data: other.parsed.data, validate: other.parsed.validate, release } : { kind, data: parsed.data, validate: parsed.validate, release };
    },
  };
}

/** A log is scanned line by line as it streams and only its summary is kept: no budget. */
export function lineSink(kind: LineKind, context: SinkContext): ArtifactSink {
  const scanner = kind.createScanner(context.entry);
  const lines = new LineSplitter((text, number) => scanner.line(text, number), context.encoding);
  return {
    write: (chunk) => lines.write(chunk),
    end() {
      lines.end();
      // A summary outlives the stream, so it is copied through JSON text, for two reasons measured on a
      // 100-proxy bench bundle (81 MiB kept after ingest before, 36 after): V8 keeps a slice of a string
      // as a view of its parent, so a host name or a timestamp sliced from a line kept its whole decoded
      // chunk alive (40 MiB); and a record of hundreds of host names built key by key gets a hidden class
      // per key, where JSON.parse builds it as a dictionary (10 MiB). A summary holds only JSON values
      // (strings, numbers, arrays, plain records), so the copy is equal to it.
      return { kind, data: JSON.parse(JSON.stringify(scanner.finish())), validate: [] };
    },
  };
}
