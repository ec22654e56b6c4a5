import type { JSONSchema } from 'json-schema-to-ts';

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
] as const;
export type ArtifactId = (typeof ARTIFACT_IDS)[number];

/** Who a file is about, when its path or the manifest says so. */
export interface EntryContext {
  path: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

/** A parse failure that names the place in the file. */
export class ArtifactParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ArtifactParseError';
  }
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
  /** Exit codes that mean success besides 0 (`istioctl analyze` exits 79 when it found issues). */
  successExitCodes?: number[];
  /** Content sniffing on the decoded first KiBs of the entry. */
  sniff(head: string, path: string): boolean;
}

/** A kind read whole, then parsed and validated (JSON, YAML, text tables). */
export interface DocumentKind<T = unknown> extends KindBase {
  mode: 'document';
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
  mode: 'lines';
  createScanner(context: EntryContext): LineScanner<T>;
}

export interface LineScanner<T> {
  line(text: string, lineNumber: number): void;
  finish(): T;
}

export type ArtifactKind = DocumentKind | LineKind;

export function defineDocumentKind<T>(kind: DocumentKind<T>): DocumentKind<T> {
  return kind;
}

export function defineLineKind<T>(kind: LineKind<T>): LineKind<T> {
  return kind;
}
