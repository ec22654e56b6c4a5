import type { ManifestArtifact } from './schema.js';
import { isArtifactId } from '../recognise.js';
import { artifactKind } from '../registry.js';

/** The collector's watchdog stops a command at its time limit with this exit code. */
export const TIMED_OUT = 124;

/**
 * Whether a collector command failed: not 0, and not an exit code its kind counts as success
 * (`istioctl analyze` exits 79 when it found issues; the kind says so, nothing else needs to know).
 */
export function commandFailed(artifact: Pick<ManifestArtifact, 'exitCode' | 'kind'>): boolean {
  if (artifact.exitCode === 0) return false;
  const kind = artifact.kind && isArtifactId(artifact.kind) ? artifactKind(artifact.kind) : undefined;
  return !kind?.successExitCodes?.includes(artifact.exitCode);
}

/** How a failed command ended, as a clause (`the command … was forbidden by RBAC`) and as a table cell. */
export function commandEnding(artifact: Pick<ManifestArtifact, 'exitCode' | 'forbidden'>): { clause: string; cell: string } {
  if (artifact.forbidden) return { clause: 'was forbidden by RBAC', cell: `${artifact.exitCode} (forbidden by RBAC)` };
  if (artifact.exitCode === TIMED_OUT) return { clause: 'timed out', cell: `${TIMED_OUT} (timed out)` };
  return { clause: `failed (exit ${artifact.exitCode})`, cell: String(artifact.exitCode) };
}
