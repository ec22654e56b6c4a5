import type { JSONSchema } from 'json-schema-to-ts';
import { ARTIFACT_KINDS } from './artifacts/registry.js';
import { reportSchema } from './report/report-schema.js';

/** Every published schema, by file name in schemas/: one per artifact kind, plus the report. */
export function publishedSchemas(): Array<{ file: string; schema: JSONSchema }> {
  return [
    ...ARTIFACT_KINDS.map((kind) => ({ file: `${kind.id}.schema.json`, schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...(kind.schema as object) } as JSONSchema })),
    { file: 'report.schema.json', schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...reportSchema } as JSONSchema },
  ];
}

export function schemaText(schema: JSONSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
