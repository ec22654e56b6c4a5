import type { FromSchema } from 'json-schema-to-ts';

/**
 * `manifest.json` at the root of a collector bundle: when it was collected, from which cluster, and
 * for every file the artifact kind, the exact command that wrote it and how that command ended.
 */
export const manifestSchema = {
  $id: 'bundle.manifest',
  title: 'Bundle manifest written by collector/collect.sh',
  type: 'object',
  required: ['schemaVersion', 'collectedAt', 'artifacts'],
  properties: {
    schemaVersion: { const: 1 },
    collector: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    },
    /** UTC time the collection started: "now" for every time-based rule. */
    collectedAt: { type: 'string', format: 'date-time' },
    cluster: {
      type: 'object',
      properties: { context: { type: 'string' }, name: { type: 'string' }, server: { type: 'string' } },
    },
    /** The collector's options as run (namespaces, --since, --tail, …), for the report header. */
    options: { type: 'object' },
    artifacts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'command', 'exitCode'],
        properties: {
          /** Bundle-relative path of the output file (relative to the manifest's folder). */
          path: { type: 'string', minLength: 1 },
          /**
           * Logical artifact id. Kinds this analyzer version does not read (the collector captures
           * more than today's rules use) are listed in the inventory as not analysed.
           */
          kind: { type: 'string', pattern: '^[a-z0-9]+(?:\\.[A-Za-z0-9]+)+$' },
          command: { type: 'string', minLength: 1 },
          /** 0 success, 124 timed out, anything else the command's own failure. */
          exitCode: { type: 'integer' },
          durationMs: { type: 'integer', minimum: 0 },
          bytes: { type: 'integer', minimum: 0 },
          truncated: { type: 'boolean' },
          /** The command failed because RBAC forbids it (stderr said Forbidden). */
          forbidden: { type: 'boolean' },
          /** Path of the file holding the command's stderr, when it wrote any. */
          stderr: { type: 'string' },
          namespace: { type: 'string' },
          pod: { type: 'string' },
          container: { type: 'string' },
          node: { type: 'string' },
        },
      },
    },
    /** Steps the collector did not run, and why (istioctl missing, --max-proxies reached…). */
    skipped: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'reason'],
        properties: { path: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  },
} as const;

export type Manifest = FromSchema<typeof manifestSchema>;
export type ManifestArtifact = Manifest['artifacts'][number];
