import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_KINDS } from '../../src/artifacts/registry.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { publishedSchemas, schemaText } from '../../src/schemas.js';

describe('schemas/', () => {
  it.each(publishedSchemas().map((s) => [s.file, s] as const))('%s matches the schema the code validates with (run `npm run schemas`)', async (file, { schema }) => {
    const onDisk = await readFile(join(import.meta.dirname, '..', '..', 'schemas', file), 'utf8');
    expect(onDisk).toBe(schemaText(schema));
  });
});

describe('artifact schemas', () => {
  it.each(ARTIFACT_KINDS.map((k) => [k.id, k] as const))('%s compiles under ajv strict mode', (_id, kind) => {
    expect(() => validateValue(kind.schema, {})).not.toThrow();
  });
});
