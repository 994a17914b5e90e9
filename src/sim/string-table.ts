// A string-keyed map for the sinks' hot paths (dictionary codes, encoded bytes of names). Rows
// hand over the same string objects again and again (a host's address, a service's name), and
// a Map lookup hashes and probes a large table every time; a small direct-mapped table in
// front, indexed by a few characters and checked with ===, answers most lookups with one
// compare of identical objects.

const DEFAULT_SLOTS = 4096;

/**
 * Cheap spread of a string over 2^32 (mask it to a table's slots): its length and five
 * characters, mixed by multiplication. Three of them are the last ones, where addresses and
 * host names differ (10.1.4.17 and 10.1.4.18; fs01, fs02).
 */
export function slotOf(key: string): number {
  const n = key.length;
  if (n === 0) return 0;
  let h = Math.imul(n ^ key.charCodeAt(n - 1), 0x9e3779b1);
  if (n > 2) h = Math.imul(h ^ key.charCodeAt(n - 2) ^ (key.charCodeAt(n - 3) << 8), 0x85ebca6b);
  h = Math.imul(h ^ key.charCodeAt(n >> 1) ^ (key.charCodeAt((n * 3) >> 2) << 8), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class StringTable<T> {
  private readonly map = new Map<string, T>();
  private readonly mask: number;
  private readonly recentKeys: (string | null)[];
  private readonly recentValues: (T | undefined)[];

  /** `slots`: a power of two. */
  constructor(slots = DEFAULT_SLOTS) {
    this.mask = slots - 1;
    this.recentKeys = new Array<string | null>(slots).fill(null);
    this.recentValues = new Array<T | undefined>(slots).fill(undefined);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    const slot = slotOf(key) & this.mask;
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
    const slot = slotOf(key) & this.mask;
    this.recentKeys[slot] = key;
    this.recentValues[slot] = value;
  }
}
