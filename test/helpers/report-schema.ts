import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { reportSchema } from '../../src/report/report-schema.js';

const addFormats = addFormatsImport.default;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(reportSchema);

/** Errors of a JSON report against schemas/report.schema.json (empty when valid). */
export function reportSchemaErrors(report: unknown): string[] {
  return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** The schema with `additionalProperties: false` wherever it lists properties: every field a report has must be declared. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  // `if`/`then` only add conditions on declared properties: closing them would change what they test.
  const entries = Object.entries(schema as Record<string, unknown>).map(([k, v]) => [
    k,
    k === 'if' || k === 'then' ? v : k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v),
  ]);
  const out = Object.fromEntries(entries) as Record<string, unknown>;
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
const closedAjv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(closedAjv);
const validateClosed = closedAjv.compile(closed({ ...reportSchema, $id: 'report-closed' }) as object);

/** Fields of a report the schema does not declare (the schema must describe every field the tool writes). */
export function undeclaredReportFields(report: unknown): string[] {
  return validateClosed(report) ? [] : (validateClosed.errors ?? []).filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath}/${String(e.params.additionalProperty)}`);
}
