// A string-keyed map for the sinks' hot paths (dictionary codes, encoded bytes of names). Rows
// hand over the same string objects again and again (a host's address, a service's name), and
// a Map lookup hashes and probes a large table every time; a small direct-mapped table in
// front, indexed by a few characters and checked with ===, answers most lookups with one
// compare of identical objects.

const RECENT_SLOTS = 4096;

/** Cheap spread of a string over the recent slots (or fewer: mask it): length and three characters. */
export function slotOf(key: string): number {
  const n = key.length;
  if (n === 0) return 0;
  return (n * 131 + key.charCodeAt(n - 1) * 31 + key.charCodeAt(n >> 1) * 7 + key.charCodeAt((n * 3) >> 2)) & (RECENT_SLOTS - 1);
}

export class StringTable<T> {
  private readonly map = new Map<string, T>();
  private readonly recentKeys: (string | null)[] = new Array<string | null>(RECENT_SLOTS).fill(null);
  private readonly recentValues: (T | undefined)[] = new Array<T | undefined>(RECENT_SLOTS).fill(undefined);

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    const slot = slotOf(key);
    if (this.recentKeys[slot] === key) return this.recentValues[slot];
    const value = this.map.get(key);
    if (value !== undefined) {
      this.recentKeys[slot] = key;
      this.recentValues[slot] = value;
    }
    return value;
  }

  set(key: string, value: T): void {
    this.map.set(key, value);
    const slot = slotOf(key);
    this.recentKeys[slot] = key;
    this.recentValues[slot] = value;
  }
}
