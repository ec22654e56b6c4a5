/**
 * One sample line of the Prometheus text exposition format (Envoy `/stats/prometheus`, istiod
 * `/metrics`): `name{label="value",…} value [timestamp]`. Label values may hold spaces, commas and
 * escaped quotes (`pilot_xds_lds_reject{err="Error adding/updating listener(s) …"}`), so the value is
 * what follows the closing brace, not the second blank-separated word.
 */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' };

/** The sample on this line; undefined for comments (`# TYPE`, `# HELP`), blank lines and anything malformed. */
export function parsePrometheusSample(line: string): PrometheusSample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    for (;;) {
      while (line[at] === ' ' || line[at] === ',') at++;
      if (line[at] === '}') break;
      const key = LABEL_NAME.exec(line.slice(at))?.[0];
      if (!key || line[at + key.length] !== '=' || line[at + key.length + 1] !== '"') return undefined;
      at += key.length + 2;
      let value = '';
      for (; at < line.length && line[at] !== '"'; at++) value += line[at] === '\\' ? (ESCAPES[line[++at] ?? ''] ?? line[at] ?? '') : line[at];
      if (line[at] !== '"') return undefined;
      labels[key] = value;
      at++;
    }
    at++;
  }
  const token = /^\s+(\S+)(?:\s+-?\d+)?\s*$/.exec(line.slice(at))?.[1];
  const value = token === undefined ? undefined : sampleValue(token);
  return value === undefined ? undefined : { name, labels, value };
}

/** `+Inf`, `-Inf` and `NaN` are valid sample values; `Number` reads the rest (`1.5e+09`). */
function sampleValue(token: string): number | undefined {
  if (token === '+Inf' || token === 'Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  if (token === 'NaN') return NaN;
  const value = Number(token);
  return Number.isNaN(value) ? undefined : value;
}
