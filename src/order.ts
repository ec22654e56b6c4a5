/**
 * Byte-wise (UTF-16 code unit) ordering for everything the reports sort. `localeCompare` would make
 * the same bundle's report differ between machines with different locales.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An object with its keys in `compareText` order: maps and records serialise the same on every run.
 * Built key by key rather than with `Object.fromEntries`, which V8 gives a new hidden class per key:
 * 4× slower on a log's thousand upstream hosts (5 % of the bench's analysis). A `__proto__` key, which
 * a hostile log can name, is defined as an own property, as `Object.fromEntries` would.
 */
export function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => compareText(a, b))) {
    if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}
