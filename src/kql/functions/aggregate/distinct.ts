// Distinct counting: dcount/dcountif/hll/hll_if/hll_merge over the HyperLogLog sketch
// (../sketch/hll.ts documents accuracy and exactness), and the exact
// count_distinct/count_distinctif. Nulls are not values and are not counted; the empty
// string is a value.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { KqlError, dynamicNumber, isWholeReal, type DynamicValue } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { hashNumber, hashString, hashTicks, packHash, type Hash64 } from '../sketch/hash.js';
import {
  DEFAULT_ACCURACY, HyperLogLog, PRECISION_BY_ACCURACY, SLOT_RANK_BITS, SLOT_RANK_MASK, estimateFromHistogram, exactLimitFor, registerSlot,
} from '../sketch/hll.js';
import { BOOL_PARAM, argColumn, intConstant } from './common.js';
import { GroupedCodes } from './grouped-codes.js';
import { NULL_CODE, StringCodeSpace } from './string-codes.js';
import { dynamicResult, growArray, numberResult, predicateValues } from './state.js';

const scratch: Hash64 = { high: 0, low: 0 };
/** A dynamic value hashes by its JSON text: equal JSON, equal value (as ADX compares dynamics). */
function hashDynamic(v: DynamicValue): number {
  const n = dynamicNumber(v); // a whole real (1.0) counts as the long it equals
  if (n !== null) hashNumber(n, scratch);
  else if (typeof v === 'string') hashString(v, scratch);
  else hashString(`\u0001${JSON.stringify(v)}`, scratch);
  return packHash(scratch);
}

/**
 * The packed hash of every row of a batch of a non-string column (strings go through their
 * dictionary codes instead); NaN marks rows that are null (or filtered out).
 */
function packedHashes(col: Column, pass: Uint8Array | null, reuse?: Float64Array): Float64Array {
  const n = col.length;
  const out = reuse !== undefined && reuse.length >= n ? reuse.subarray(0, n) : new Float64Array(n);
  if (col instanceof StringColumn) {
    throw new KqlError('internal: string columns are counted by their dictionary codes');
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

/**
 * (group, code) pairs collected before they are folded into sketches: 8 bytes each, so at most
 * 128 MB. Inputs up to this size are counted in one pass at the end without building sketches:
 * exactly while a group's distinct count is within the exact limit, from registers past it.
 */
export const dcountTuning = { codeCapacity: 1 << 24 };


class HllAggregator implements GroupedAggregator {
  private readonly sketches: (HyperLogLog | null)[] = [];
  private numGroups = 0;
  private readonly exactLimit: number;

  // Hash path (numbers, datetimes, dynamics): packed hashes buffered per batch.
  private lastKey = new Float64Array(0);
  private pendingGroups: Int32Array | null = null;
  private pendingKeys: Float64Array | null = null;
  /** Scratch reused across batches and flushes, so a 10M-row input does not churn the GC. */
  private batchKeys: Float64Array | undefined = undefined;
  private sortedKeys: Float64Array | null = null;
  private pendingCount = 0;

  // Code path (strings and guids): every distinct string gets a code of this aggregator's own,
  // whatever dictionary it arrives in, with its packed hash.
  private readonly codes = new GroupedCodes();
  private readonly space = new StringCodeSpace();
  /** Each code's register slot in a dense sketch of precision p (hll.ts registerSlot), filled on demand. */
  private codeSlots = new Int32Array(0);
  private slotsKnown = 0;
  /** Final counts of the groups that ended without a sketch. */
  private counts = new Float64Array(0);

  constructor(
    private readonly fn: string,
    private readonly p: number,
    private readonly predicateArg: number,
    private readonly output: SketchOutput,
  ) {
    this.exactLimit = exactLimitFor(p);
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    this.ensureGroups(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    if (col instanceof StringColumn) this.updateCodes(ids, numGroups, col, pass);
    else this.updateHashes(ids, col, pass);
  }

  private updateCodes(ids: Int32Array, numGroups: number, col: StringColumn, pass: Uint8Array | null): void {
    const n = ids.length;
    if (this.codes.size + n > dcountTuning.codeCapacity) this.flushCodes(false);
    const mapped = new Int32Array(n);
    this.space.map(col, mapped);
    if (pass !== null) for (let r = 0; r < n; r++) if (pass[r] === 0) mapped[r] = NULL_CODE;
    this.codes.pushBatch(ids.slice(0, n), mapped, n, numGroups);
  }

  /** Register slots for every code of the space so far. */
  private slots(): Int32Array {
    const size = this.space.size;
    if (this.slotsKnown < size) {
      if (this.codeSlots.length < size) {
        const grown = new Int32Array(Math.max(size, this.codeSlots.length * 2));
        grown.set(this.codeSlots.subarray(0, this.slotsKnown));
        this.codeSlots = grown;
      }
      const hashes = this.space.hashes;
      for (let code = this.slotsKnown; code < size; code++) this.codeSlots[code] = registerSlot(hashes[code]!, this.p);
      this.slotsKnown = size;
    }
    return this.codeSlots;
  }

  private updateHashes(ids: Int32Array, col: Column, pass: Uint8Array | null): void {
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
        this.flushHashes();
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

  private sketchOf(g: number): HyperLogLog {
    return this.sketches[g] ?? (this.sketches[g] = new HyperLogLog(this.p));
  }

  /** Counting-sorts the buffered pairs by group, then hands each group its keys in one run. */
  private flushHashes(): void {
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
    for (let g = 0; g < numGroups; g++) {
      const from = starts[g]!, to = starts[g + 1]!;
      if (from !== to) this.sketchOf(g).addPackedRange(sorted, from, to);
    }
    this.pendingCount = 0;
  }

  /**
   * Folds the collected pairs in, group by group. On the last flush of a count, a group with no
   * sketch yet is counted directly, as its sketch would count it: exactly while its distinct
   * values are within the exact limit, otherwise from registers filled from all its codes
   * (duplicates cannot change a register maximum, so they need no removal). Every other group's
   * distinct values go into its sketch.
   */
  private flushCodes(last: boolean): void {
    const grouped = this.codes;
    if (grouped.size === 0) return;
    const stamps = new Int32Array(this.space.size);
    const direct = last && this.output === 'count';
    if (direct && this.counts.length < this.numGroups) {
      const grown = new Float64Array(this.numGroups);
      grown.set(this.counts);
      this.counts = grown;
    }
    const counts = this.counts, limit = this.exactLimit, p = this.p;
    const codeHashes = this.space.hashes;
    let slots: Int32Array | null = null;
    let registers: Uint8Array | null = null;
    const histogram = new Float64Array(64 - p + 2);
    let hashes = new Float64Array(1024);
    grouped.forEachGroup(this.numGroups, (g, codes, from, to) => {
      // Group numbers + 1 are distinct stamps within one flush; the array is fresh each flush.
      const stamp = g + 1;
      if (direct && this.sketches[g] === null) {
        let distinct = 0;
        for (let i = from; i < to && distinct <= limit; i++) {
          const code = codes[i]!;
          if (stamps[code] === stamp) continue;
          stamps[code] = stamp;
          distinct++;
        }
        if (distinct <= limit) {
          counts[g] = distinct;
          return;
        }
        registers = registers === null ? new Uint8Array(1 << p) : registers.fill(0);
        histogram.fill(0);
        histogram[0] = 1 << p;
        slots ??= this.slots();
        for (let i = from; i < to; i++) {
          const slot = slots[codes[i]!]!;
          const index = slot >>> SLOT_RANK_BITS, rank = slot & SLOT_RANK_MASK;
          const held = registers[index]!;
          if (rank <= held) continue;
          registers[index] = rank;
          histogram[held]!--;
          histogram[rank]!++;
        }
        counts[g] = Math.round(estimateFromHistogram(histogram, p));
        return;
      }
      if (hashes.length < to - from) hashes = new Float64Array(Math.max(to - from, hashes.length * 2));
      let distinct = 0;
      for (let i = from; i < to; i++) {
        const code = codes[i]!;
        if (stamps[code] === stamp) continue;
        stamps[code] = stamp;
        hashes[distinct++] = codeHashes[code]!;
      }
      this.sketchOf(g).addPackedRange(hashes, 0, distinct);
    });
    grouped.clear();
  }

  finish(numGroups: number): Column {
    this.ensureGroups(numGroups);
    this.flushHashes();
    this.flushCodes(true);
    // The buffers are only needed while rows arrive.
    this.pendingGroups = null;
    this.pendingKeys = null;
    this.sortedKeys = null;
    this.batchKeys = undefined;
    this.codes.clear();
    if (this.output === 'sketch') {
      return dynamicResult(this.sketches.map((s) => (s === null ? null : s.toDynamic())), numGroups);
    }
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const sketch = this.sketches[g];
      out[g] = sketch != null ? sketch.estimate() : g < this.counts.length ? this.counts[g]! : 0;
    }
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
    return v === null ? undefined : isWholeReal(v) ? v.value : typeof v === 'object' ? `\u0001${JSON.stringify(v)}` : v;
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
