// Assigns group ids to rows by key columns (summarize, distinct, join/lookup build sides).
// Keys hash by value per type (values/compare.ts keyOf), so equal strings from different
// dictionaries meet; a single string key is resolved once per distinct dictionary value.

import { DynamicColumn, StringColumn, type Column } from '../../data/column.js';
import { keyOf } from '../../values/compare.js';
import { ColumnBuilder } from '../columns.js';
import type { ScalarType } from '../../types.js';

const NULL_KEY = '\u0000null';

export function rowKey(col: Column, i: number): string | number {
  if (col instanceof StringColumn) return col.dict[col.codes[i]!]!;
  if (col instanceof DynamicColumn) {
    const v = col.values[i]!;
    return v === null ? NULL_KEY : keyOf('dynamic', v);
  }
  if (col.nulls !== null && col.nulls[i] === 1) return NULL_KEY;
  return keyOf(col.type, col.get(i));
}

export function isNullKey(k: string | number): boolean { return k === NULL_KEY; }

/** Incremental group-id assignment with the key values of each group kept for output. */
export class GroupTable {
  private readonly index = new Map<string | number, number>();
  private readonly keyBuilders: ColumnBuilder[];
  count = 0;

  constructor(readonly keyTypes: readonly ScalarType[]) {
    this.keyBuilders = keyTypes.map((t) => new ColumnBuilder(t));
  }

  /** Group ids for the rows of one batch of key columns (new groups are appended). */
  assign(keys: readonly Column[], n: number): Int32Array {
    const ids = new Int32Array(n);
    if (keys.length === 0) {
      if (this.count === 0) this.count = 1;
      return ids;
    }
    if (keys.length === 1 && keys[0] instanceof StringColumn && keys[0].dict.length <= n) {
      const col = keys[0];
      const perCode = new Int32Array(col.dict.length).fill(-1);
      for (let i = 0; i < n; i++) {
        const code = col.codes[i]!;
        let g = perCode[code]!;
        if (g < 0) { g = this.lookup(col.dict[code]!, keys, i); perCode[code] = g; }
        ids[i] = g;
      }
      return ids;
    }
    if (keys.length === 1) {
      const col = keys[0]!;
      for (let i = 0; i < n; i++) ids[i] = this.lookup(rowKey(col, i), keys, i);
      return ids;
    }
    for (let i = 0; i < n; i++) {
      let k = '';
      for (let j = 0; j < keys.length; j++) {
        const part = rowKey(keys[j]!, i);
        k += (typeof part === 'number' ? 'n' + part : 's' + part.length + ':' + part) + '\u0001';
      }
      ids[i] = this.lookup(k, keys, i);
    }
    return ids;
  }

  /** The group id of a key if it exists (probe side of a join), else -1. */
  find(keys: readonly Column[], i: number): number {
    return this.index.get(this.compositeKey(keys, i)) ?? -1;
  }

  compositeKey(keys: readonly Column[], i: number): string | number {
    if (keys.length === 1) return rowKey(keys[0]!, i);
    let k = '';
    for (let j = 0; j < keys.length; j++) {
      const part = rowKey(keys[j]!, i);
      k += (typeof part === 'number' ? 'n' + part : 's' + part.length + ':' + part) + '\u0001';
    }
    return k;
  }

  private lookup(k: string | number, keys: readonly Column[], row: number): number {
    let g = this.index.get(k);
    if (g === undefined) {
      g = this.count++;
      this.index.set(k, g);
      for (let j = 0; j < keys.length; j++) this.keyBuilders[j]!.append(keys[j]!.get(row));
    }
    return g;
  }

  keyColumns(): Column[] {
    return this.keyBuilders.map((b) => b.finish());
  }
}
