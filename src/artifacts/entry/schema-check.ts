import type { ArtifactKind, SchemaViolation, SinkResult } from '../artifact-kind.js';
import { lineAtPointer, validateValue } from '../validate.js';

/** The first schema violation of what a sink read (with its line where the data knows it), or undefined. */
export function firstViolation(kind: ArtifactKind, targets: SinkResult['validate']): SchemaViolation | undefined {
  for (const target of targets) {
    const [violation] = validateValue(target.schema ?? kind.schema, target.value, target.pointer);
    if (violation) {
      const relative = violation.pointer.slice(target.pointer.length);
      const line = lineAtPointer(target.value, relative) ?? target.line;
      return line === undefined ? violation : { ...violation, line };
    }
  }
  return undefined;
}
