import type { FromSchema } from 'json-schema-to-ts';

export const analyzeSchema = {
  $id: 'istioctl.analyze',
  title: 'istioctl analyze output (default text, -o json or -o yaml), one entry per message',
  type: 'object',
  required: ['format', 'messages'],
  additionalProperties: false,
  properties: {
    format: { enum: ['text', 'json', 'yaml'] },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'level', 'message'],
        additionalProperties: false,
        properties: {
          line: { type: 'integer', minimum: 1 },
          pointer: { type: 'string' },
          code: { type: 'string', pattern: '^IST\\d{4}$' },
          level: { enum: ['Error', 'Warning', 'Info'] },
          message: { type: 'string' },
          origin: {
            type: 'object',
            required: ['kind', 'name'],
            additionalProperties: false,
            properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
          },
          /** `<file>:<line>` when istioctl analysed files rather than a live cluster. */
          reference: { type: 'string' },
          cluster: { type: 'string' },
          documentationUrl: { type: 'string' },
          /** The message as printed (text) or serialised (json/yaml), for evidence. */
          text: { type: 'string' },
        },
      },
    },
  },
} as const;

export type AnalyzeData = FromSchema<typeof analyzeSchema>;
export type AnalyzeMessage = AnalyzeData['messages'][number];
