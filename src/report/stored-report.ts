import { readFile, stat } from 'node:fs/promises';
import type { JSONSchema } from 'json-schema-to-ts';
import { validateValue } from '../artifacts/validate.js';
import { describeIoError } from '../bundle/io-errors.js';
import { BundleError } from '../bundle/types.js';
import { reportSchema } from './report-schema.js';
import { REPORT_SCHEMA_VERSION, type Report } from './report.js';

/** A stored report larger than this is refused: a 200-proxy mesh's report is a few MiB. */
export const MAX_STORED_REPORT_BYTES = 256 * 1024 * 1024;


/**
 * A report written by `analyze --format json`, read back for `render` and `diff`: parsed,
 * checked against the published schema and its version, so renderers can trust its shape.
 */
export async function readStoredReport(path: string): Promise<Report> {
  const info = await stat(path).catch((error: unknown) => {
    throw new BundleError(path, `cannot read the report: ${describeIoError(error)}`);
  });
  if (!info.isFile()) throw new BundleError(path, 'is not a file: give a JSON report written by `istio-bundle analyze --format json`');
  if (info.size > MAX_STORED_REPORT_BYTES) throw new BundleError(path, `is ${info.size} bytes, more than a report can be (${MAX_STORED_REPORT_BYTES})`);
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new BundleError(path, `cannot read the report: ${describeIoError(error)}`);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleError(path, `is not JSON (${(error as Error).message}): give a report written by \`istio-bundle analyze --format json\``);
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    const seen = version === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(version)}`;
    throw new BundleError(path, `has ${seen}; this version of istio-bundle reads reports of schemaVersion ${REPORT_SCHEMA_VERSION}`);
  }
  const violations = validateValue(reportSchema as JSONSchema, value);
  if (violations.length > 0) throw new BundleError(path, `is not a valid report (schemas/report.schema.json): ${violations.map((v) => v.message).join('; ')}`);
  return value as Report;
}
