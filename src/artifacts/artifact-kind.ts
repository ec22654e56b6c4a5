import type { JSONSchema } from 'json-schema-to-ts';
import type { BundleLimits } from '../bundle/limits.js';
import type { RecognisedBy, SecretMaterial } from './artifact.js';
import type { TextEncoding } from './entry/encoding.js';
import type { SharedEntries } from './entry/shared-entries.js';
import type { StringPool } from './entry/string-pool.js';
import { documentSink, lineSink } from './entry/sinks.js';
export { ArtifactParseError } from './parse-error.js';

/** Logical artifact ids: what a piece of data is, whatever file or archive layout it came from. */
export const ARTIFACT_IDS = [
  'bundle.manifest',
  'collector.stderr',
  'bugReport.clusterContext',
  'bugReport.versions',
  'istioctl.proxyStatus',
  'istiod.syncz',
  'kubectl.pods',
  'kubectl.top',
  'istioctl.analyze',
  'k8s.resources',
  'logs.proxy',
  'logs.istiod',
  'logs.ztunnel',
  'istioctl.version',
  'envoy.stats',
  'proxy.fileDescriptors',
  'istiod.metrics',
  'kubectl.version',
  'kubectl.serviceNames',
  'kubectl.secretNames',
  'envoy.configDump',
  'envoy.certs',
  'certs.public',
] as const;
export type ArtifactId = (typeof ARTIFACT_IDS)[number];

/** Who a file is about, when its path or the manifest says so. */
export interface EntryContext {
  path: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

/** A schema violation: the JSON pointer, the line when known, and what was expected there. */
export interface SchemaViolation {
  pointer: string;
  line?: number;
  message: string;
}

interface KindBase {
  id: ArtifactId;
  title: string;
  /** The JSON Schema of the parsed artifact (written to schemas/<id>.schema.json). */
  schema: JSONSchema;
  /** The exact command(s) that produce this artifact, quoted in "Not checked". */
  collect: string[];
  /** Path conventions (collector layout, istioctl bug-report layout). Named groups fill EntryContext. */
  paths: RegExp[];
  /**
   * Why collect.sh does not write this kind, when it does not: it is read from other tools' archives
   * (istioctl bug-report) and what it holds reaches collector bundles another way.
   */
  notCollected?: string;
  /** Exit codes that mean success besides 0 (`istioctl analyze` exits 79 when it found issues). */
  successExitCodes?: number[];
  /** Content sniffing on the decoded first KiBs of the entry. */
  sniff(head: string, path: string): boolean;
  /**
   * Opens the sink that reads one entry of this kind as it streams, or refuses it (too large,
   * over the budget) with the reason. Document and line kinds get theirs from the adapters in
   * entry/sinks.ts; a kind that summarises while streaming brings its own.
   */
  open(context: SinkContext): ArtifactSink | SinkRefusal;
  /**
   * The sink may run in a parsing thread (entry/parse-threads.ts): it keeps nothing in the bundle's
   * budget, and its data is plain JSON. Logs and config dumps, which are most of a bundle's bytes.
   */
  offThread?: boolean;
  /**
   * On the main thread, once the data passed its schema, whichever thread read it: takes entries and
   * strings equal to other artifacts' from the bundle's shared ones (config dumps of many proxies repeat
   * the same clusters and names). Returns the data kept.
   */
  share?(data: unknown, shared: { entries: SharedEntries; strings: StringPool }): unknown;
  /** Secret values the parsed data holds (a Kubernetes Secret's `data`), beyond the private keys every entry is scanned for. */
  secretMaterial?(data: unknown): SecretMaterial[];
  /** What a reader of the report should know about how the entry was read (bytes that are not UTF-8, lines cut), if anything. */
  caveats?(data: unknown): string[];
}

/** What a sink is told about the entry it reads. */
export interface SinkContext {
  entry: EntryContext;
  /** Bytes the entry declares (tar header or file size). */
  size: number;
  encoding: TextEncoding;
  recognisedBy: RecognisedBy;
  limits: BundleLimits;
  /** Memory the sinks of the whole bundle may keep: a sink reserves what it holds, not what streams through. */
  budget: KeepBudget;
  /** The bundle's shared strings: a sink keeping many summaries takes their repeated names from it. */
  strings: StringPool;
}

export interface KeepBudget {
  /** Reserves bytes; false (nothing reserved) when they would exceed the budget. */
  tryKeep(bytes: number): boolean;
  /** Gives bytes back: what was reserved for an entry that is not kept after all (unreadable, invalid). */
  release(bytes: number): void;
}

/** Receives the entry's bytes (the sniffed head first) and, at the end, what was read. */
export interface ArtifactSink {
  write(chunk: Buffer): void;
  /** Throws ArtifactParseError when the entry cannot be read as this kind. */
  end(): SinkResult;
}

export interface SinkResult {
  /** The kind finally read: a content guess may turn out to be another kind (see reclassify). */
  kind: ArtifactKind;
  data: unknown;
  /** Objects to check against the schema, each with its pointer (and line). */
  validate: ParsedDocument<unknown>['validate'];
  /** Gives back what the sink reserved, when the entry is not kept (it fails its schema). */
  release?(): void;
}

export interface SinkRefusal {
  refused: string;
}

/** A kind read whole, then parsed and validated (JSON, YAML, text tables). */
export interface DocumentKind<T = unknown> extends KindBase {
  parse(text: string, context: EntryContext): ParsedDocument<T>;
  /**
   * When content sniffing chose this kind from the file's head, the whole parse may show it is
   * another kind (a List that starts with Pods and holds Services too): that kind and its parse.
   */
  reclassify?(data: T): { kind: DocumentKind; parsed: ParsedDocument<unknown> } | undefined;
}

export interface ParsedDocument<T> {
  data: T;
  /** Objects to check against the schema, each with its pointer (and line) in the file. */
  validate: Array<{ value: unknown; pointer: string; line?: number; schema?: JSONSchema }>;
}

/** A kind scanned line by line as it streams (logs): never held in memory whole. */
export interface LineKind<T = unknown> extends KindBase {
  createScanner(context: EntryContext): LineScanner<T>;
}

export interface LineScanner<T> {
  line(text: string, lineNumber: number): void;
  finish(): T;
}

/** A kind that summarises a large document while it streams (Envoy config dumps): it brings its own sink. */
export type StreamKind = KindBase;

export type ArtifactKind = DocumentKind | LineKind | StreamKind;

export function defineDocumentKind<T>(kind: Omit<DocumentKind<T>, 'open'>): DocumentKind<T> {
  const defined: DocumentKind<T> = { ...kind, open: (context) => documentSink(defined as DocumentKind, context) };
  return defined;
}

export function defineLineKind<T>(kind: Omit<LineKind<T>, 'open'>): LineKind<T> {
  const defined: LineKind<T> = { ...kind, offThread: true, open: (context) => lineSink(defined as LineKind, context) };
  return defined;
}
