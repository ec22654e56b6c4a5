/** An RFC 3339 time from a bundle or a report as epoch milliseconds; undefined when absent or not a time. */
export function epochMs(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
