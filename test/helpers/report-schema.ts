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
