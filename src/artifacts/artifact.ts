import { compareText } from '../order.js';
import type { ArtifactId, EntryContext } from './kind.js';

export type RecognisedBy = 'manifest' | 'path' | 'content';

/** A parsed, schema-valid artifact. `data` is typed by its kind (see model/ for the narrowing). */
export interface Artifact {
  kind: ArtifactId;
  path: string;
  context: EntryContext;
  recognisedBy: RecognisedBy;
  data: unknown;
}

export type InventoryStatus = 'used' | 'invalid' | 'not-recognised' | 'skipped';

/** One line of the report's inventory: every entry of the bundle gets exactly one. */
export interface InventoryItem {
  path: string;
  status: InventoryStatus;
  size?: number;
  kind?: ArtifactId;
  recognisedBy?: RecognisedBy;
  reason?: string;
  line?: number;
  pointer?: string;
}

/** The inventory in path order (byte-wise), as every report lists it. */
export function sortInventory<T extends { path: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.path, b.path));
}
