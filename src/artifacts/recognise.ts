import { ARTIFACT_IDS, type ArtifactId, type ArtifactKind, type EntryContext } from './artifact-kind.js';
import type { RecognisedBy } from './artifact.js';
import { ARTIFACT_KINDS, artifactKind } from './registry.js';

export interface Recognition {
  kind: ArtifactKind;
  by: RecognisedBy;
  context: EntryContext;
}

/** What the manifest says about one path. */
export interface ManifestHint {
  /** A logical artifact id; possibly one this analyzer version does not know. */
  kind?: string;
  /** How the collector's command ended (absent for files the manifest does not describe). */
  exitCode?: number;
  forbidden?: boolean;
  namespace?: string;
  pod?: string;
  container?: string;
}

/**
 * Decides what an entry is: the manifest first, then path conventions, then the content. The
 * path's named groups (namespace, pod, container) describe the entry whichever way it was recognised.
 */
export function recognise(path: string, head: string | undefined, hint: ManifestHint | undefined): Recognition | undefined {
  const context: EntryContext = { path, ...pathContext(path), ...definedOnly({ namespace: hint?.namespace, pod: hint?.pod, container: hint?.container }) };
  if (hint?.kind && isArtifactId(hint.kind)) return { kind: artifactKind(hint.kind), by: 'manifest', context };
  for (const kind of ARTIFACT_KINDS) {
    if (kind.paths.some((pattern) => pattern.test(path))) return { kind, by: 'path', context };
  }
  if (head === undefined) return undefined;
  for (const kind of ARTIFACT_KINDS) {
    if (kind.sniff(head, path)) return { kind, by: 'content', context };
  }
  return undefined;
}

function pathContext(path: string): Omit<EntryContext, 'path'> {
  for (const kind of ARTIFACT_KINDS) {
    for (const pattern of kind.paths) {
      const groups = pattern.exec(path)?.groups;
      if (groups) return definedOnly(groups);
    }
  }
  return {};
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export function isArtifactId(kind: string): kind is ArtifactId {
  return (ARTIFACT_IDS as readonly string[]).includes(kind);
}
