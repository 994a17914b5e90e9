// HyperLogLog cardinality sketch behind dcount(), dcountif(), hll(), hll_merge() and
// dcount_hll().
//
// Accuracy levels follow ADX's table (dcount docs): level -> 2^p one-byte registers and the
// standard error 1.04/sqrt(2^p):
//   0: p=12 (1.6%)   1: p=14 (0.8%, default)   2: p=16 (0.4%)   3: p=17 (0.28%)   4: p=18 (0.2%)
// Like ADX ("provisions for doing a perfect count if the set cardinality is small enough":
// 1000 values at level 1, 8000 at level 2), a sketch starts in exact mode: a set of 53-bit
// packed hashes, so the count is exact up to the EXACT_LIMIT of its level (barring a 53-bit
// hash collision). Past the limit it switches to dense registers and the estimate comes from
// Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog
// sketches", 2017), which needs no empirical bias tables and is unbiased over the whole range.
//
// Serialised form (the dynamic value hll() returns; ADX's own encoding is opaque and
// different, so sketches do not interchange with ADX):
//   {"kqlhunt_hll": 1, "p": 14, "exact": [key, ...]}      exact mode
//   {"kqlhunt_hll": 1, "p": 14, "registers": "<base64>"}  dense mode

import { KqlError, type DynamicValue } from '../../types.js';
import { unpackHash, type Hash64 } from './hash.js';

export const PRECISION_BY_ACCURACY: readonly number[] = [12, 14, 16, 17, 18];
export const EXACT_LIMIT_BY_ACCURACY: readonly number[] = [1000, 1000, 8000, 8000, 8000];
export const DEFAULT_ACCURACY = 1;

export function exactLimitFor(p: number): number {
  const level = PRECISION_BY_ACCURACY.indexOf(p);
  return EXACT_LIMIT_BY_ACCURACY[level < 0 ? DEFAULT_ACCURACY : level]!;
}

/** An empty slot in the exact-mode hash table; packed hashes are never negative. */
const EMPTY = -1;
const INITIAL_CAPACITY = 8;

export class HyperLogLog {
  /**
   * Exact mode: an open-addressing hash table of packed hashes (EMPTY marks free slots),
   * kept at most half full. A typed array rather than a Set<number>: 53-bit keys are not
   * small integers, so a Set would box every one of them. null once dense.
   */
  private table: Float64Array | null = new Float64Array(INITIAL_CAPACITY).fill(EMPTY);
  private exactSize = 0;
  /** Dense mode: 2^p one-byte registers, allocated only when the exact limit is passed. */
  private registers: Uint8Array | null = null;
  private readonly exactLimit: number;

  constructor(readonly p: number) {
    this.exactLimit = exactLimitFor(p);
  }

  get isExact(): boolean {
    return this.table !== null;
  }

  /** Adds a packed hash (hash.ts packHash). */
  addPacked(key: number): void {
    const table = this.table;
    if (table === null) {
      this.addToRegisters(key);
      return;
    }
    const mask = table.length - 1;
    // The key's low 32 bits are well-mixed hash bits (low 21 from the low word, the rest from the high).
    let slot = key & mask;
    for (;;) {
      const found = table[slot]!;
      if (found === key) return;
      if (found === EMPTY) break;
      slot = (slot + 1) & mask;
    }
    table[slot] = key;
    this.exactSize++;
    if (this.exactSize > this.exactLimit) this.densify();
    else if (this.exactSize * 2 > table.length) this.growTable();
  }

  /**
   * Adds keys[start..end). One call per group's run of keys, so the table stays in cache and
   * the per-key work is a tight loop with no call or field loads.
   */
  addPackedRange(keys: Float64Array, start: number, end: number): void {
    this.reserve(end - start);
    let i = start;
    while (i < end) {
      const table = this.table;
      if (table === null) {
        for (; i < end; i++) this.addToRegisters(keys[i]!);
        return;
      }
      const mask = table.length - 1;
      // Room left before the table must grow or densify; checked once per stretch, not per key.
      const room = Math.min(this.exactLimit, table.length >>> 1) - this.exactSize;
      let added = 0;
      for (; i < end && added < room; i++) {
        const key = keys[i]!;
        let slot = key & mask;
        for (;;) {
          const found = table[slot]!;
          if (found === key) break;
          if (found === EMPTY) {
            table[slot] = key;
            added++;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
      this.exactSize += added;
      if (i < end || added === room) {
        // The next key may be new: make room for it the way addPacked would.
        if (i >= end) break;
        const key = keys[i++]!;
        this.addPacked(key);
      }
    }
  }

  /**
   * Sizes the exact table, once, for up to `incoming` more keys (capped at what the exact
   * limit can need), instead of doubling its way there.
   */
  private reserve(incoming: number): void {
    const table = this.table;
    if (table === null) return;
    const wanted = Math.min(this.exactSize + incoming, this.exactLimit);
    let capacity = table.length;
    while (wanted * 2 > capacity) capacity *= 2;
    if (capacity !== table.length) this.rehash(capacity);
  }

  private growTable(): void {
    this.rehash(this.table!.length * 2);
  }

  private rehash(capacity: number): void {
    const old = this.table!;
    const table = new Float64Array(capacity).fill(EMPTY);
    const mask = table.length - 1;
    for (let i = 0; i < old.length; i++) {
      const key = old[i]!;
      if (key === EMPTY) continue;
      let slot = key & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = key;
    }
    this.table = table;
  }

  private addToRegisters(key: number): void {
    const slot = registerSlot(key, this.p);
    const index = slot >>> SLOT_RANK_BITS, rank = slot & SLOT_RANK_MASK;
    const registers = this.registers!;
    if (rank > registers[index]!) registers[index] = rank;
  }

  private densify(): void {
    const table = this.table!;
    this.table = null;
    this.exactSize = 0;
    this.registers = new Uint8Array(1 << this.p);
    // Register maxima do not depend on order, so the keys need no sorting here.
    for (let i = 0; i < table.length; i++) if (table[i] !== EMPTY) this.addToRegisters(table[i]!);
  }

  /** The packed hashes in ascending order while exact (a canonical order); null once dense. */
  exactKeys(): number[] | null {
    const table = this.table;
    if (table === null) return null;
    const keys: number[] = [];
    for (let i = 0; i < table.length; i++) if (table[i] !== EMPTY) keys.push(table[i]!);
    return keys.sort((a, b) => a - b);
  }

  /** Folds another sketch in. The result keeps the lower precision of the two. */
  merge(other: HyperLogLog): HyperLogLog {
    let target: HyperLogLog = this;
    if (other.p < this.p) {
      target = new HyperLogLog(other.p);
      target.mergeSamePrecisionOrHigher(this);
    }
    target.mergeSamePrecisionOrHigher(other);
    return target;
  }

  private mergeSamePrecisionOrHigher(other: HyperLogLog): void {
    const otherKeys = other.exactKeys();
    if (otherKeys !== null) {
      for (const key of otherKeys) this.addPacked(key);
      return;
    }
    if (this.table !== null) this.densify();
    const mine = this.registers!;
    const theirs = other.registers!;
    const shift = other.p - this.p;
    for (let i = 0; i < theirs.length; i++) {
      const r = theirs[i]!;
      if (r === 0) continue;
      // A higher-precision register's index bits below our precision become leading rank bits.
      const index = i >>> shift;
      const dropped = i & ((1 << shift) - 1);
      const rank = shift === 0 ? r : dropped !== 0 ? Math.clz32(dropped) - (32 - shift) + 1 : shift + r;
      if (rank > mine[index]!) mine[index] = rank;
    }
  }

  estimate(): number {
    if (this.table !== null) return this.exactSize;
    return Math.round(improvedEstimate(this.registers!, this.p));
  }

  toDynamic(): DynamicValue {
    const keys = this.exactKeys();
    if (keys !== null) return { kqlhunt_hll: 1, p: this.p, exact: keys };
    return { kqlhunt_hll: 1, p: this.p, registers: bytesToBase64(this.registers!) };
  }

  static fromDynamic(value: DynamicValue, fn: string): HyperLogLog {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value['kqlhunt_hll'] !== 1) {
      throw new KqlError(`${fn}(): the value is not a sketch produced by hll() or hll_merge()`);
    }
    const p = value['p'];
    if (typeof p !== 'number' || !PRECISION_BY_ACCURACY.includes(p)) {
      throw new KqlError(`${fn}(): the hll sketch has an invalid precision`);
    }
    const sketch = new HyperLogLog(p);
    const exact = value['exact'];
    const registers = value['registers'];
    if (Array.isArray(exact)) {
      for (const k of exact) {
        if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 0) throw new KqlError(`${fn}(): the hll sketch is corrupt`);
        sketch.addPacked(k);
      }
    } else if (typeof registers === 'string') {
      const bytes = base64ToBytes(registers);
      if (bytes.length !== 1 << p) throw new KqlError(`${fn}(): the hll sketch is corrupt`);
      sketch.table = null;
      sketch.registers = bytes;
    } else {
      throw new KqlError(`${fn}(): the hll sketch is corrupt`);
    }
    return sketch;
  }
}

const scratch: Hash64 = { high: 0, low: 0 };

export const SLOT_RANK_BITS = 6;
export const SLOT_RANK_MASK = (1 << SLOT_RANK_BITS) - 1;

/**
 * Where a packed hash lands in a dense sketch of precision p: register index << SLOT_RANK_BITS
 * | rank (the position of the first 1 bit after the index bits; at most 64 - p + 1). Callers
 * that see a value many times compute this once per value.
 */
export function registerSlot(key: number, p: number): number {
  unpackHash(key, scratch);
  const index = scratch.high >>> (32 - p);
  const rest = (scratch.high << p) >>> 0;
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - p + Math.clz32(scratch.low) + 1;
  return (index << SLOT_RANK_BITS) | rank;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z !== previous);
  return z / 3;
}

const ALPHA_INFINITY = 0.5 / Math.LN2;

/** Ertl (2017), algorithm 6, for a 64-bit hash: q = 64 - p rank bits, registers in 0..q+1. */
export function improvedEstimate(registers: Uint8Array, p: number): number {
  const histogram = new Float64Array(64 - p + 2);
  // Ranks never exceed q + 1 (registerSlot), so every register has a histogram cell.
  for (let i = 0; i < registers.length; i++) histogram[registers[i]!]!++;
  return estimateFromHistogram(histogram, p);
}

/**
 * The estimate from a histogram of register values (histogram[k] registers hold k), which
 * callers updating registers one value at a time can keep as they go instead of scanning
 * 2^p registers.
 */
export function estimateFromHistogram(histogram: Float64Array, p: number): number {
  const m = 2 ** p;
  const q = 64 - p;
  let z = m * tau(1 - histogram[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return (ALPHA_INFINITY * m * m) / z;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    out += BASE64[a >> 2]! + BASE64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : BASE64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : BASE64[c & 63]!;
  }
  return out;
}

function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = BASE64.indexOf(clean[i]!);
    if (v < 0) throw new KqlError('hll sketch: invalid base64 text');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** dcount_hll(): the distinct count of a serialised sketch; null for null. */
export function dcountOfHll(value: DynamicValue): number | null {
  if (value === null) return null;
  return HyperLogLog.fromDynamic(value, 'dcount_hll').estimate();
}
