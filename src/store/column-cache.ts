// Decoded columns kept between scans: detection runs many rules over the same recent
// partitions, and decoding them once per rule would dominate. Least recently used first out.

import type { Column } from '../kql/data/column.js';

export class ColumnCache {
  private readonly entries = new Map<string, { column: Column; bytes: number }>();
  private used = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): Column | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Re-inserting moves the key to the end of the Map's order: the most recently used.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.column;
  }

  /** `bytes` is the column's size on disk: decoded columns are within a small factor of it. */
  set(key: string, column: Column, bytes: number): void {
    if (bytes > this.budgetBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) { this.used -= old.bytes; this.entries.delete(key); }
    this.entries.set(key, { column, bytes });
    this.used += bytes;
    for (const [k, e] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(k);
      this.used -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
