import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
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

  // validate.ts skips the meta-schema at run time (start-up cost): every schema is checked here instead.
  it.each(publishedSchemas().filter((s) => s.file.endsWith('.schema.json')).map((s) => [s.file, s.schema] as const))('%s is valid against the draft-07 meta-schema', (_file, schema) => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, validateFormats: false });
    expect(ajv.validateSchema(schema as object), ajv.errorsText(ajv.errors)).toBe(true);
  });

  it('a schema that breaks the meta-schema is caught by that check', () => {
    const ajv = new Ajv({ strict: true });
    expect(ajv.validateSchema({ type: 'object', properties: { a: { type: 'strin' } } })).toBe(false);
  });
});
