import type { Report } from './report.js';

/**
 * Characters JSON may carry raw that a terminal or an editor would act on: C1 controls (U+009B is
 * CSI, an escape sequence on its own), bidirectional overrides, and the line separators that end a
 * JavaScript string. Written as `\uXXXX` they parse to the same string and show as what they are.
 */
const UNSAFE_IN_JSON = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A value as pretty JSON with a final newline, every unsafe character escaped: the one JSON writer of every output. */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Exactly one JSON document, stable key order (the order the report object is built in). */
export function renderJson(report: Report): string {
  return jsonDocument(report);
}
