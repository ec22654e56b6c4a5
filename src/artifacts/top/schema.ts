import type { FromSchema } from 'json-schema-to-ts';

export const topSchema = {
  $id: 'kubectl.top',
  title: 'kubectl top pod [--containers] [-A] output, one row per pod or container',
  type: 'object',
  required: ['perContainer', 'rows'],
  additionalProperties: false,
  properties: {
    perContainer: { type: 'boolean' },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['line', 'pod', 'cpuMillicores', 'memoryBytes'],
        additionalProperties: false,
        properties: {
          line: { type: 'integer', minimum: 1 },
          namespace: { type: 'string' },
          pod: { type: 'string', minLength: 1 },
          container: { type: 'string' },
          cpuMillicores: { type: 'number', minimum: 0 },
          memoryBytes: { type: 'number', minimum: 0 },
          /** The row as printed, for evidence. */
          text: { type: 'string' },
        },
      },
    },
  },
} as const;

export type TopData = FromSchema<typeof topSchema>;
export type TopRow = TopData['rows'][number];
