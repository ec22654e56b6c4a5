/**
 * Commands in findings are pasted into a terminal by an engineer, and their arguments come from the
 * bundle (pod names, paths, cluster names): every interpolated value is shell-quoted.
 */
const SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

export function shellQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Tagged template: `shell\`kubectl logs ${pod} -n ${namespace}\`` quotes each value it interpolates. */
export function shell(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, text, i) => out + text + (i < values.length ? shellQuote(String(values[i])) : ''), '');
}
