import type { JSONSchema } from 'json-schema-to-ts';
import { ARTIFACT_KINDS } from './artifacts/registry.js';
import { kindsCatalogue } from './artifacts/vocabulary.js';
import { reportSchema } from './report/report-schema.js';
import { diffSchema } from './diff/diff-schema.js';

/**
 * Every file published in schemas/: a JSON Schema per artifact kind, the report's, the diff's, and the
 * catalogue of artifact kinds shared with the collector (`artifact-kinds.json`, not a schema).
 */
export function publishedSchemas(): Array<{ file: string; schema: JSONSchema | object }> {
  return [
    { file: 'artifact-kinds.json', schema: { description: 'Artifact kinds: what collect.sh names in manifest.json and the analyzer reads', kinds: kindsCatalogue() } },
    ...ARTIFACT_KINDS.map((kind) => ({ file: `${kind.id}.schema.json`, schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...(kind.schema as object) } as JSONSchema })),
    { file: 'report.schema.json', schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...reportSchema } as JSONSchema },
    { file: 'diff.schema.json', schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...diffSchema } as JSONSchema },
  ];
}

export function schemaText(schema: JSONSchema | object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
