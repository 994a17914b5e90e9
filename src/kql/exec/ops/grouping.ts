// Assigns group ids to rows by key columns (summarize, distinct, make-series, ...).
// Each key column first maps its values to small dense ids (KeyIndex): a string column once
// per distinct dictionary entry (cached per dictionary, so batches sharing a table's
// dictionary pay nothing), numbers and datetimes by value with a cache of the previous row
// (binned times arrive in runs). Several keys then combine pairwise into dense ids through a
// flat Int32Array table while the id space is small, and a Map on an integer pair otherwise.
// No per-row strings or closures on these paths. Keys compare by value per type, so equal
// strings from different dictionaries meet.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
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

/** Dense ids for the distinct values of one key column, stable across batches. */
class KeyIndex {
  private readonly byValue = new Map<string | number, number>();
  /** Per string dictionary: code -> id, -1 until seen. */
  private readonly byDict = new WeakMap<string[], Int32Array>();
  private nullId = -1;
  count = 0;

  /** Fills ids[0..n) and calls onNew(row) for each row that introduces a new id, in order. */
  assign(col: Column, n: number, ids: Int32Array, onNew: (row: number) => void): void {
    if (col instanceof StringColumn) {
      let perCode = this.byDict.get(col.dict);
      if (perCode === undefined || perCode.length < col.dict.length) {
        // A dictionary may have grown since (a builder still appending): keep what is known.
        const grown = new Int32Array(col.dict.length).fill(-1);
        if (perCode !== undefined) grown.set(perCode);
        perCode = grown;
        this.byDict.set(col.dict, perCode);
      }
      const codes = col.codes, dict = col.dict;
      for (let r = 0; r < n; r++) {
        const code = codes[r]!;
        let id = perCode[code]!;
        if (id < 0) {
          const s = dict[code]!;
          const known = this.byValue.get(s);
          if (known === undefined) { id = this.count++; this.byValue.set(s, id); onNew(r); } else id = known;
          perCode[code] = id;
        }
        ids[r] = id;
      }
      return;
    }
    if (col instanceof NumberColumn || col instanceof BoolColumn || (col instanceof TicksColumn && col.sub === null)) {
      // Numbers key by value (-0 as 0, every NaN alike); ticks by whole ms when no row has sub-ms ticks.
      const values = col instanceof TicksColumn ? col.ms : col.values;
      const nulls = col.nulls;
      const tag = col instanceof TicksColumn ? 't' : '';
      let last = NaN, lastId = -1;
      for (let r = 0; r < n; r++) {
        if (nulls !== null && nulls[r] === 1) {
          if (this.nullId < 0) { this.nullId = this.count++; onNew(r); }
          ids[r] = this.nullId;
          continue;
        }
        const v = values[r]!;
        if (v === last) { ids[r] = lastId; continue; }
        const key: string | number = tag === '' ? (v !== v ? 'NaN' : v === 0 ? 0 : v) : v;
        let id = this.byValue.get(key);
        if (id === undefined) { id = this.count++; this.byValue.set(key, id); onNew(r); }
        ids[r] = id;
        last = v; lastId = id;
      }
      return;
    }
    for (let r = 0; r < n; r++) {
      let k = rowKey(col, r);
      // Ticks with sub-ms parts: whole-ms values keep the numeric key used above.
      if (col instanceof TicksColumn && k !== NULL_KEY && col.sub![r] === 0) k = col.ms[r]!;
      let id = this.byValue.get(k);
      if (id === undefined) {
        if (k === NULL_KEY) { if (this.nullId < 0) { this.nullId = this.count++; onNew(r); } ids[r] = this.nullId; continue; }
        id = this.count++; this.byValue.set(k, id); onNew(r);
      }
      ids[r] = id;
    }
  }
}

/** Dense ids for pairs (a, b) of dense ids. */
class PairIndex {
  private table = new Int32Array(0);
  private capA = 0;
  private capB = 0;
  private map: Map<number | string, number> | undefined;
  private readonly firstA: number[] = [];
  private readonly firstB: number[] = [];
  count = 0;

  private static readonly DENSE_LIMIT = 1 << 22;
  private static readonly SHIFT = 67108864; // 2^26: a*2^26 + b is exact and unique while a < 2^27, b < 2^26

  private grow(a: number, b: number): void {
    let capA = Math.max(this.capA, 8), capB = Math.max(this.capB, 8);
    while (capA <= a) capA *= 2;
    while (capB <= b) capB *= 2;
    if (capA * capB > PairIndex.DENSE_LIMIT) {
      this.map = new Map();
      for (let id = 0; id < this.count; id++) {
        const x = this.firstA[id]!, y = this.firstB[id]!;
        this.map.set(y < PairIndex.SHIFT && x < 2 * PairIndex.SHIFT ? x * PairIndex.SHIFT + y : `${x},${y}`, id);
      }
      this.table = new Int32Array(0);
      return;
    }
    const t = new Int32Array(capA * capB).fill(-1);
    for (let id = 0; id < this.count; id++) t[this.firstA[id]! * capB + this.firstB[id]!] = id;
    this.table = t; this.capA = capA; this.capB = capB;
  }

  /** out[r] = id of (a[r], b[r]); onNew(row) for each row that introduces a new pair. */
  assign(a: Int32Array, b: Int32Array, n: number, out: Int32Array, onNew: (row: number) => void): void {
    let lastA = -1, lastB = -1, lastId = -1;
    for (let r = 0; r < n; r++) {
      const x = a[r]!, y = b[r]!;
      if (x === lastA && y === lastB) { out[r] = lastId; continue; }
      let id: number;
      if (this.map === undefined) {
        if (x >= this.capA || y >= this.capB) this.grow(x, y);
      }
      if (this.map === undefined) {
        const slot = x * this.capB + y;
        id = this.table[slot]!;
        if (id < 0) { id = this.newPair(x, y); this.table[slot] = id; onNew(r); }
      } else {
        // Past 2^26 distinct values per side the packed number would collide: key by text.
        const key: number | string = y < PairIndex.SHIFT && x < 2 * PairIndex.SHIFT ? x * PairIndex.SHIFT + y : `${x},${y}`;
        const found = this.map.get(key);
        if (found === undefined) { id = this.newPair(x, y); this.map.set(key, id); onNew(r); } else id = found;
      }
      out[r] = id;
      lastA = x; lastB = y; lastId = id;
    }
  }

  private newPair(x: number, y: number): number {
    this.firstA.push(x);
    this.firstB.push(y);
    return this.count++;
  }
}

/** Incremental group-id assignment with the key values of each group kept for output. */
export class GroupTable {
  private readonly keyIndexes: KeyIndex[];
  private readonly pairIndexes: PairIndex[];
  private readonly keyBuilders: ColumnBuilder[];
  count = 0;

  constructor(readonly keyTypes: readonly ScalarType[]) {
    this.keyBuilders = keyTypes.map((t) => new ColumnBuilder(t));
    this.keyIndexes = keyTypes.map(() => new KeyIndex());
    this.pairIndexes = keyTypes.slice(1).map(() => new PairIndex());
  }

  /** Group ids for the rows of one batch of key columns (new groups are appended). */
  assign(keys: readonly Column[], n: number): Int32Array {
    const ids = new Int32Array(n);
    if (keys.length === 0) {
      if (this.count === 0) this.count = 1;
      return ids;
    }
    const appendKeys = (row: number): void => {
      for (let j = 0; j < keys.length; j++) this.keyBuilders[j]!.append(keys[j]!.get(row));
      this.count++;
    };
    if (keys.length === 1) {
      this.keyIndexes[0]!.assign(keys[0]!, n, ids, appendKeys);
      return ids;
    }
    const none = (): void => {};
    this.keyIndexes[0]!.assign(keys[0]!, n, ids, none);
    const part = new Int32Array(n);
    for (let j = 1; j < keys.length; j++) {
      this.keyIndexes[j]!.assign(keys[j]!, n, part, none);
      // The last pairing's ids are the group ids: only it records new groups.
      this.pairIndexes[j - 1]!.assign(ids, part, n, ids, j === keys.length - 1 ? appendKeys : none);
    }
    return ids;
  }

  keyColumns(): Column[] {
    return this.keyBuilders.map((b) => b.finish());
  }
}
