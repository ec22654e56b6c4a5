/**
 * Equal entries of many artifacts, kept once. The proxies of one mesh receive largely the same
 * configuration, so their config-dump summaries repeat the same cluster, route-table and endpoint
 * entries (in the bench's 800-proxy bundle, every sidecar's 250 clusters are the same 250): one frozen
 * copy serves every proxy, and what the summaries keep grows with the mesh's distinct configuration
 * rather than with the number of proxies. Frozen, deeply, because a shared entry changed for one proxy
 * would change for all: a reader that tried would throw instead.
 */
export class SharedEntries {
  private readonly byText = new Map<string, object>();

  /** Past this many distinct entries, new ones are kept as they are (the texts that key them cost memory too). */
  constructor(private readonly maxEntries = 200_000) {}

  /** The entry kept for this value, equal to it (same JSON text); the value itself, frozen, when it is the first. */
  share<T extends object>(value: T): T {
    const text = JSON.stringify(value);
    const known = this.byText.get(text);
    if (known !== undefined) return known as T;
    if (this.byText.size >= this.maxEntries) return value;
    this.byText.set(text, deepFreeze(value));
    return value;
  }

  /** The list with each entry replaced by its shared copy, in place. */
  shareAll<T extends object>(list: T[]): T[] {
    for (let i = 0; i < list.length; i++) list[i] = this.share(list[i]!);
    return list;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
