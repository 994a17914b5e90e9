// Distinct counting: dcount/dcountif/hll/hll_if/hll_merge over the HyperLogLog sketch
// (../sketch/hll.ts documents accuracy and exactness), and the exact
// count_distinct/count_distinctif. Nulls are not values and are not counted; the empty
// string is a value.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { KqlError, type DynamicValue } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { hashNumber, hashString, hashTicks, packHash, type Hash64 } from '../sketch/hash.js';
import { DEFAULT_ACCURACY, HyperLogLog, PRECISION_BY_ACCURACY } from '../sketch/hll.js';
import { BOOL_PARAM, argColumn, intConstant } from './common.js';
import { dynamicResult, growArray, numberResult, predicateValues } from './state.js';

const scratch: Hash64 = { high: 0, low: 0 };
const dictHashes = new WeakMap<string[], Float64Array>();

/** Packed 53-bit hashes of every string in a dictionary, computed once per dictionary. */
function hashesOfDict(dict: string[]): Float64Array {
  let hashes = dictHashes.get(dict);
  if (hashes !== undefined && hashes.length === dict.length) return hashes;
  hashes = new Float64Array(dict.length);
  for (let i = 0; i < dict.length; i++) {
    hashString(dict[i]!, scratch);
    hashes[i] = packHash(scratch);
  }
  dictHashes.set(dict, hashes);
  return hashes;
}

/** A dynamic value hashes by its JSON text: equal JSON, equal value (as ADX compares dynamics). */
function hashDynamic(v: DynamicValue): number {
  if (typeof v === 'number') hashNumber(v, scratch);
  else if (typeof v === 'string') hashString(v, scratch);
  else hashString(`\u0001${JSON.stringify(v)}`, scratch);
  return packHash(scratch);
}

/** The packed hash of every row of a batch; NaN marks rows that are null (or filtered out). */
export function packedHashes(col: Column, pass: Uint8Array | null, reuse?: Float64Array): Float64Array {
  const n = col.length;
  const out = reuse !== undefined && reuse.length >= n ? reuse.subarray(0, n) : new Float64Array(n);
  if (col instanceof StringColumn) {
    const hashes = hashesOfDict(col.dict);
    const codes = col.codes;
    const nullCode = col.type === 'guid' ? col.dict.indexOf('') : -1;
    for (let r = 0; r < n; r++) out[r] = codes[r] === nullCode ? NaN : hashes[codes[r]!]!;
  } else if (col instanceof NumberColumn || col instanceof BoolColumn) {
    const v = col.values, nulls = col.nulls;
    for (let r = 0; r < n; r++) {
      if (nulls !== null && nulls[r] === 1) { out[r] = NaN; continue; }
      hashNumber(v[r]!, scratch);
      out[r] = packHash(scratch);
    }
  } else if (col instanceof TicksColumn) {
    const nulls = col.nulls;
    for (let r = 0; r < n; r++) {
      if (nulls !== null && nulls[r] === 1) { out[r] = NaN; continue; }
      hashTicks(col.ms[r]!, col.sub === null ? 0 : col.sub[r]!, scratch);
      out[r] = packHash(scratch);
    }
  } else {
    const values = col.values;
    for (let r = 0; r < n; r++) out[r] = values[r] === null ? NaN : hashDynamic(values[r]!);
  }
  if (pass !== null) for (let r = 0; r < n; r++) if (pass[r] === 0) out[r] = NaN;
  return out;
}

type SketchOutput = 'count' | 'sketch';

/**
 * Pairs buffered before they reach the sketches: 12 bytes each. Feeding keys to 20k small
 * per-group tables in row order misses the cache on nearly every row (a different group's
 * sketch, table object and slot each time); sorting a buffer of pairs by group first lets each
 * sketch take its keys in one run while its table is hot. Sketch contents do not depend on
 * insertion order, so results are unchanged.
 */
const PENDING_CAPACITY = 1 << 20;

class HllAggregator implements GroupedAggregator {
  private readonly sketches: (HyperLogLog | null)[] = [];
  private lastKey = new Float64Array(0);
  private pendingGroups: Int32Array | null = null;
  private pendingKeys: Float64Array | null = null;
  /** Scratch reused across batches and flushes, so a 10M-row input does not churn the GC. */
  private batchKeys: Float64Array | undefined = undefined;
  private sortedKeys: Float64Array | null = null;
  private pendingCount = 0;
  private numGroups = 0;

  constructor(
    private readonly fn: string,
    private readonly p: number,
    private readonly predicateArg: number,
    private readonly output: SketchOutput,
  ) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    this.ensureGroups(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    const keys = packedHashes(col, pass, this.batchKeys);
    if (keys.buffer !== this.batchKeys?.buffer) this.batchKeys = keys;
    if (this.pendingGroups === null) {
      this.pendingGroups = new Int32Array(PENDING_CAPACITY);
      this.pendingKeys = new Float64Array(PENDING_CAPACITY);
    }
    const groups = this.pendingGroups, pendingKeys = this.pendingKeys!, lastKey = this.lastKey;
    let count = this.pendingCount;
    for (let r = 0; r < ids.length; r++) {
      const key = keys[r]!;
      const g = ids[r]!;
      // Runs of one value are common (sorted or repeated input); skip buffering them.
      if (key !== key || key === lastKey[g]) continue;
      lastKey[g] = key;
      if (count === PENDING_CAPACITY) {
        this.pendingCount = count;
        this.flush();
        count = 0;
      }
      groups[count] = g;
      pendingKeys[count] = key;
      count++;
    }
    this.pendingCount = count;
  }

  private ensureGroups(numGroups: number): void {
    if (numGroups <= this.numGroups) return;
    growArray(this.sketches, numGroups, () => null);
    if (numGroups > this.lastKey.length) {
      const grown = new Float64Array(Math.max(numGroups, this.lastKey.length * 2)).fill(NaN);
      grown.set(this.lastKey);
      this.lastKey = grown;
    }
    this.numGroups = numGroups;
  }

  /** Counting-sorts the buffered pairs by group, then hands each group its keys in one run. */
  private flush(): void {
    const n = this.pendingCount;
    if (n === 0) return;
    const groups = this.pendingGroups!, keys = this.pendingKeys!;
    const numGroups = this.numGroups;
    const starts = new Int32Array(numGroups + 1);
    for (let i = 0; i < n; i++) starts[groups[i]! + 1]!++;
    for (let g = 0; g < numGroups; g++) starts[g + 1]! += starts[g]!;
    const cursor = starts.slice(0, numGroups);
    const sorted = this.sortedKeys ?? (this.sortedKeys = new Float64Array(PENDING_CAPACITY));
    for (let i = 0; i < n; i++) sorted[cursor[groups[i]!]!++] = keys[i]!;
    const sketches = this.sketches;
    for (let g = 0; g < numGroups; g++) {
      const from = starts[g]!, to = starts[g + 1]!;
      if (from === to) continue;
      const sketch = sketches[g] ?? (sketches[g] = new HyperLogLog(this.p));
      sketch.addPackedRange(sorted, from, to);
    }
    this.pendingCount = 0;
  }

  finish(numGroups: number): Column {
    this.ensureGroups(numGroups);
    this.flush();
    // The buffers are only needed while rows arrive.
    this.pendingGroups = null;
    this.pendingKeys = null;
    this.sortedKeys = null;
    this.batchKeys = undefined;
    if (this.output === 'sketch') {
      return dynamicResult(this.sketches.map((s) => (s === null ? null : s.toDynamic())), numGroups);
    }
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.sketches[g]?.estimate() ?? 0;
    return numberResult('long', out, numGroups, null);
  }
}

class HllMergeAggregator implements GroupedAggregator {
  private readonly sketches: (HyperLogLog | null)[] = [];

  constructor(private readonly fn: string) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    if (!(col instanceof DynamicColumn)) throw new KqlError(`${this.fn}(): the argument must be a dynamic hll() sketch; got ${col.type}`);
    growArray(this.sketches, numGroups, () => null);
    for (let r = 0; r < ids.length; r++) {
      const v = col.values[r]!;
      if (v === null) continue;
      const g = ids[r]!;
      const incoming = HyperLogLog.fromDynamic(v, this.fn);
      const current = this.sketches[g];
      this.sketches[g] = current == null ? incoming : current.merge(incoming);
    }
  }

  finish(numGroups: number): Column {
    growArray(this.sketches, numGroups, () => null);
    return dynamicResult(this.sketches.map((s) => (s === null ? null : s.toDynamic())), numGroups);
  }
}

/** Exact distinct counts: one JS Set per group, keyed by the value itself. */
class CountDistinctAggregator implements GroupedAggregator {
  private readonly sets: (Set<unknown> | null)[] = [];

  constructor(private readonly fn: string, private readonly predicateArg: number) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    growArray(this.sets, numGroups, () => null);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    const sets = this.sets;
    for (let r = 0; r < ids.length; r++) {
      if (pass !== null && pass[r] === 0) continue;
      const key = exactKey(col, r);
      if (key === undefined) continue;
      const g = ids[r]!;
      (sets[g] ?? (sets[g] = new Set())).add(key);
    }
  }

  finish(numGroups: number): Column {
    growArray(this.sets, numGroups, () => null);
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.sets[g]?.size ?? 0;
    return numberResult('long', out, numGroups, null);
  }
}

/** A JS value that is equal (SameValueZero) exactly when the KQL values are; undefined for null. */
function exactKey(col: Column, r: number): unknown {
  if (col instanceof StringColumn) {
    const s = col.dict[col.codes[r]!]!;
    return col.type === 'guid' && s === '' ? undefined : s;
  }
  if (col instanceof DynamicColumn) {
    const v = col.values[r]!;
    return v === null ? undefined : typeof v === 'object' ? `\u0001${JSON.stringify(v)}` : v;
  }
  if (col.nulls !== null && col.nulls[r] === 1) return undefined;
  if (col instanceof TicksColumn) {
    const sub = col.sub === null ? 0 : col.sub[r]!;
    return sub === 0 ? col.ms[r]! : `${col.ms[r]!}:${sub}`;
  }
  return col.values[r]!;
}

function precisionOf(args: readonly ArgInfo[], i: number, fn: string): number {
  return PRECISION_BY_ACCURACY[intConstant(args, i, fn, 'accuracy', DEFAULT_ACCURACY, 0, 4)]!;
}

const VALUE = { name: 'expr', types: 'any' } as const;
const ACCURACY = { name: 'accuracy', types: ['int', 'long'], optional: true, constant: true } as const;

export const distinctAggregates: AggregateFunctionDef[] = [
  {
    kind: 'aggregate', name: 'dcount', params: [VALUE, ACCURACY], returns: 'long',
    create: (args) => new HllAggregator('dcount', precisionOf(args, 1, 'dcount'), -1, 'count'),
  },
  {
    kind: 'aggregate', name: 'dcountif', params: [VALUE, BOOL_PARAM, ACCURACY], returns: 'long',
    create: (args) => new HllAggregator('dcountif', precisionOf(args, 2, 'dcountif'), 1, 'count'),
  },
  {
    kind: 'aggregate', name: 'hll', params: [VALUE, ACCURACY], returns: 'dynamic',
    create: (args) => new HllAggregator('hll', precisionOf(args, 1, 'hll'), -1, 'sketch'),
  },
  {
    kind: 'aggregate', name: 'hll_if', params: [VALUE, BOOL_PARAM, ACCURACY], returns: 'dynamic',
    create: (args) => new HllAggregator('hll_if', precisionOf(args, 2, 'hll_if'), 1, 'sketch'),
  },
  {
    kind: 'aggregate', name: 'hll_merge', params: [{ name: 'hll', types: ['dynamic'] }], returns: 'dynamic',
    create: () => new HllMergeAggregator('hll_merge'),
  },
  {
    kind: 'aggregate', name: 'count_distinct', params: [{ name: 'expr', types: 'scalar' }], returns: 'long',
    create: () => new CountDistinctAggregator('count_distinct', -1),
  },
  {
    kind: 'aggregate', name: 'count_distinctif', params: [{ name: 'expr', types: 'scalar' }, BOOL_PARAM], returns: 'long',
    create: () => new CountDistinctAggregator('count_distinctif', 1),
  },
];
