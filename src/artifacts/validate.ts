import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { JSONSchema } from 'json-schema-to-ts';
import type { SchemaViolation } from './artifact-kind.js';
import { PRECOMPILED } from './precompiled-validators.js';

// ajv-formats is CommonJS: under NodeNext its callable export sits on `.default`.
const addFormats = addFormatsImport.default;

// The schemas are this project's own, checked against the JSON Schema meta-schema by
// test/report/schemas.test.ts. Checking them again at run time, and ajv's optimisation pass over the
// code it generates, took half of the compile time, which was a third of a small bundle's analysis.
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, validateSchema: false, code: { optimize: false } } as const;
const ajv = new Ajv(AJV_OPTIONS);
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

/** What identifies a schema in PRECOMPILED: the SHA-256 of its JSON text. */
export function schemaDigest(schema: JSONSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function compile(schema: JSONSchema): ValidateFunction {
  const key = schema as object;
  let validate = compiled.get(key);
  if (!validate) {
    validate = (PRECOMPILED.size > 0 ? PRECOMPILED.get(schemaDigest(schema)) : undefined) ?? ajv.compile(schema as object);
    compiled.set(key, validate);
  }
  return validate;
}

/** At most this many violations are reported per artifact: the first ones say enough. */
const MAX_VIOLATIONS = 3;

/** Validates one value; pointers are prefixed with where the value sits in its file. */
export function validateValue(schema: JSONSchema, value: unknown, basePointer = ''): SchemaViolation[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, MAX_VIOLATIONS).map((error) => ({
    pointer: basePointer + error.instancePath,
    message: describe(error, basePointer),
  }));
}

function describe(error: ErrorObject, basePointer: string): string {
  const where = basePointer + error.instancePath || '(root)';
  switch (error.keyword) {
    case 'required':
      return `${where}: missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${where}: ${error.message} ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'additionalProperties':
      return `${where}: unexpected property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    default:
      return `${where}: ${error.message ?? 'does not match the schema'}`;
  }
}

/** Finds the line of the nearest object on a pointer's path that records one (text tables do). */
export function lineAtPointer(data: unknown, pointer: string): number | undefined {
  let node: unknown = data;
  let line: number | undefined;
  for (const token of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') break;
    const record = node as Record<string, unknown>;
    if (typeof record.line === 'number') line = record.line;
    node = record[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node !== null && typeof node === 'object' && typeof (node as { line?: unknown }).line === 'number') {
    line = (node as { line: number }).line;
  }
  return line;
}
