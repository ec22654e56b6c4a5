/**
 * Byte-wise (UTF-16 code unit) ordering for everything the reports sort. `localeCompare` would make
 * the same bundle's report differ between machines with different locales.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An object with its keys in `compareText` order: maps and records serialise the same on every run. */
export function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)));
}
