/**
 * One copy of each repeated string for the whole bundle. Summaries of a hundred sidecars name the
 * same clusters, hosts and JSON pointers a hundred times; parsed apart, each would be its own copy.
 * Bounded: past `maxStrings` distinct strings, a string is kept as it is (correct, just not shared).
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(private readonly maxStrings = 1_000_000) {}

  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size < this.maxStrings) this.strings.set(text, text);
    return text;
  }

  /** The value with every string in it (object values and array items, recursively) taken from the pool. */
  internAll<T>(value: T): T {
    if (typeof value === 'string') return this.intern(value) as T;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.internAll(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.internAll(record[key]);
    }
    return value;
  }
}
