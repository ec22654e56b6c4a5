import { normaliseEntryPath } from '../bundle/entry-path.js';
import { REPORT_NAME } from './report.js';

export const MANIFEST_NAME = 'manifest.json';

interface ManifestArtifact {
  path?: unknown;
  bytes?: unknown;
  [key: string]: unknown;
}

/**
 * The collector's manifest.json, updated for the redacted bundle: each artifact's `bytes` is the size
 * of the redacted file (the collector also counts bytes after its redaction); an artifact left out
 * moves to `skipped` with the reason; the redaction report is listed (as the collector lists it).
 * Everything else is kept as it was. Returns undefined when the text is not a manifest (then it is
 * an ordinary file). `dir` is the manifest's folder inside the bundle; sizes are by bundle path.
 */
export function updateManifest(text: string, dir: string, sizes: ReadonlyMap<string, number>, leftOut: ReadonlyMap<string, string>): string | undefined {
  let manifest: { artifacts?: unknown; skipped?: unknown; [key: string]: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return undefined;
  }
  if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.artifacts)) return undefined;
  const prefix = dir === '' ? '' : `${dir}/`;
  const bundlePath = (path: unknown) => {
    if (typeof path !== 'string') return undefined;
    const normalised = normaliseEntryPath(path);
    return normalised.ok ? prefix + normalised.path : undefined;
  };
  const skipped = Array.isArray(manifest.skipped) ? [...(manifest.skipped as unknown[])] : [];
  const artifacts: ManifestArtifact[] = [];
  for (const artifact of manifest.artifacts as ManifestArtifact[]) {
    const path = bundlePath(artifact?.path);
    if (path !== undefined && leftOut.has(path)) {
      skipped.push({ path: artifact.path, reason: `left out by istio-bundle redact: ${leftOut.get(path)}` });
      continue;
    }
    const size = path === undefined ? undefined : sizes.get(path);
    artifacts.push(size !== undefined && typeof artifact.bytes === 'number' ? { ...artifact, bytes: size } : artifact);
  }
  if (!artifacts.some((a) => bundlePath(a?.path) === prefix + REPORT_NAME)) {
    artifacts.unshift({ path: REPORT_NAME, kind: 'collector.redactionReport', command: 'istio-bundle redact', exitCode: 0 });
  }
  return `${JSON.stringify({ ...manifest, artifacts, ...(skipped.length > 0 || 'skipped' in manifest ? { skipped } : {}) }, null, 2)}\n`;
}
