import type { Report } from './report.js';

/** Exactly one JSON document, stable key order (the order the report object is built in). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
