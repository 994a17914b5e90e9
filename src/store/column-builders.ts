// Row values -> engine columns (data/column.ts layouts) for the store writer, one builder per
// (table, day, column). Values go straight into growing typed arrays; strings are
// dictionary-coded as they arrive (one hash probe per value, none when a value repeats the
// previous one), so a row costs no per-value allocation. One class for every type, switching
// on the type inside: the writer's per-value call then sees a single receiver shape and stays
// inlined, where a class per type made it megamorphic.
//
// A value of another type is converted as ADX converts on ingestion into an existing column
// (values.ts coerceValue); one that cannot be converted is refused and the row keeps null.
// Rows a builder is not given are null; for string columns null is the empty string (code 0),
// as the engine's ColumnBuilder stores it.

import { BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, UNIX_EPOCH_TICKS, type Column } from '../kql/data/column.js';
import type { DynamicValue, ScalarType } from '../kql/types.js';
import { coerceValue } from './values.js';

const INITIAL_CAPACITY = 4096;

const enum Kind { String, Guid, Int, Double, Long, Ticks, Bool, Dynamic }

function kindOf(type: ScalarType): Kind {
  switch (type) {
    case 'string': return Kind.String;
    case 'guid': return Kind.Guid;
    case 'int': return Kind.Int;
    case 'long': return Kind.Long;
    case 'real': case 'decimal': return Kind.Double;
    case 'datetime': case 'timespan': return Kind.Ticks;
    case 'bool': return Kind.Bool;
    case 'dynamic': return Kind.Dynamic;
  }
}

const SAFE_TICKS = 2n ** 53n;
const EMPTY_ARRAY: DynamicValue = Object.freeze([]) as unknown as DynamicValue;

/** The 100 ns ticks msOfTicks left beyond the whole ms it returned (0..9999). */
export let subOfTicks = 0;

/**
 * Whole ms (floored) of datetime ticks since the epoch (`sinceEpoch`) or of timespan ticks,
 * leaving the ticks beyond them in subOfTicks: the engine's ms + sub layout. BigInt division
 * is the costly part of storing a time, so the value is split into 32-bit halves (two cheap
 * BigInt steps) and divided exactly in doubles; a timespan within ±2^53 ticks needs none.
 * floor() of a double quotient is the true floor here: every quotient is below 2^40, where
 * doubles are spaced finer than the 1/10,000 that separates a non-integer quotient from the
 * next integer, so rounding never reaches it.
 */
export function msOfTicks(ticks: bigint, sinceEpoch: boolean): number {
  let ms: number;
  let sub: number;
  if (!sinceEpoch && ticks < SAFE_TICKS && ticks > -SAFE_TICKS) {
    const n = Number(ticks);
    ms = Math.floor(n / 10_000);
    sub = n - ms * 10_000;
  } else {
    const t = sinceEpoch ? ticks - UNIX_EPOCH_TICKS : ticks;
    // t = high * 2^32 + low, and 2^32 = 429,496 * 10,000 + 7,296: every product below stays
    // under 2^53, so the doubles are exact.
    const high = Number(t >> 32n);
    const low = Number(BigInt.asUintN(32, t));
    const rest = high * 7_296 + low;
    const q = Math.floor(rest / 10_000);
    ms = high * 429_496 + q;
    sub = rest - q * 10_000;
  }
  subOfTicks = sub;
  return ms;
}

function grown<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T, atLeast: number): T {
  let n = a.length * 2;
  while (n < atLeast) n *= 2;
  const bigger = new (a.constructor as new (n: number) => T)(n);
  bigger.set(a);
  return bigger;
}

/**
 * Dictionary positions of strings: open addressing over typed arrays with the strings' own
 * FNV-1a hash. Faster than a Map for the high-cardinality columns logs are full of (Zeek uids,
 * addresses): a Map's per-entry growth and rehashing cost ~1 µs per new string on this workload,
 * this ~0.4 µs, and repeated strings are found at least as fast.
 */
class StringIndex {
  /** Per slot: the code (-1: empty) and the string's hash side by side, one cache line for both. */
  private table = new Int32Array(2048).fill(-1);
  private mask = 1023;

  constructor(private readonly dict: string[]) {
    for (let i = 0; i < dict.length; i++) this.place(i, hashOf(dict[i]!));
  }

  /** The string's position in the dictionary, appending it when new. */
  code(s: string): number {
    const h = hashOf(s);
    const dict = this.dict;
    const table = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const c = table[2 * i]!;
      if (c < 0) {
        const code = dict.length;
        dict.push(s);
        table[2 * i] = code;
        table[2 * i + 1] = h;
        // Half full at most, so probe runs stay short.
        if (code * 2 >= this.mask) this.grow();
        return code;
      }
      if (table[2 * i + 1] === h && dict[c] === s) return c;
    }
  }

  private place(code: number, h: number): void {
    let i = h & this.mask;
    while (this.table[2 * i]! >= 0) i = (i + 1) & this.mask;
    this.table[2 * i] = code;
    this.table[2 * i + 1] = h;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.table.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i]! >= 0) this.place(old[i]!, old[i + 1]!);
  }
}

function hashOf(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

export class ColumnBuffer {
  private readonly kind: Kind;
  /** Rows accounted for (given a value, or known null). */
  private length = 0;
  private capacity = INITIAL_CAPACITY;
  /** int values; string/guid dictionary codes (0 is the empty string, so unset rows read as ''). */
  private i32: Int32Array | null = null;
  /** long/real/decimal values; datetime/timespan whole ms. */
  private f64: Float64Array | null = null;
  /** bool values. */
  private u8: Uint8Array | null = null;
  /** datetime/timespan 100 ns ticks beyond the ms, made when a value has some. */
  private sub: Uint16Array | null = null;
  /** Made on the first null. */
  private nulls: Uint8Array | null = null;
  private dynamic: DynamicValue[] | null = null;
  private dict: string[] | null = null;
  private index: StringIndex | null = null;
  private lastString = '';
  private lastCode = 0;
  /** BigInt arithmetic is the costly part of a time: the last value's parts are kept ($IngestionTime is one value per file). */
  private lastTicks: bigint | undefined = undefined;
  private lastMs = 0;
  private lastSub = 0;

  constructor(readonly type: ScalarType) {
    this.kind = kindOf(type);
    switch (this.kind) {
      case Kind.String: case Kind.Guid:
        this.i32 = new Int32Array(INITIAL_CAPACITY);
        this.dict = [''];
        this.index = new StringIndex(this.dict);
        break;
      case Kind.Int: this.i32 = new Int32Array(INITIAL_CAPACITY); break;
      case Kind.Long: case Kind.Double: case Kind.Ticks: this.f64 = new Float64Array(INITIAL_CAPACITY); break;
      case Kind.Bool: this.u8 = new Uint8Array(INITIAL_CAPACITY); break;
      case Kind.Dynamic: this.dynamic = []; break;
    }
  }

  /**
   * Stores a non-null value at `row` (past every row given before; rows skipped are null).
   * false: the value cannot be one of this column's type; nothing was stored.
   */
  add(row: number, value: unknown): boolean {
    switch (this.kind) {
      case Kind.String: {
        if (typeof value === 'string') {
          this.putCode(row, value);
          return true;
        }
        const c = coerceValue('string', value);
        if (typeof c !== 'string') return false;
        this.putCode(row, c);
        return true;
      }
      case Kind.Guid: {
        const c = coerceValue('guid', value);
        if (typeof c !== 'string') return false;
        this.putCode(row, c);
        return true;
      }
      case Kind.Int: {
        let v: number;
        // (v | 0) === v: an integer within int32, which coerceValue would pass unchanged.
        if (typeof value === 'number' && (value | 0) === value) v = value;
        else {
          const c = coerceValue('int', value);
          if (typeof c !== 'number') return false;
          v = c;
        }
        this.reserve(row);
        this.i32![row] = v;
        return true;
      }
      case Kind.Long: case Kind.Double: {
        let v: number;
        if (typeof value === 'number' && (this.kind === Kind.Double || Number.isSafeInteger(value))) v = value;
        else {
          const c = coerceValue(this.type, value);
          if (c === undefined || c === null) return false;
          v = typeof c === 'bigint' ? Number(c) : (c as number);
        }
        this.reserve(row);
        this.f64![row] = v;
        return true;
      }
      case Kind.Ticks: {
        let ticks: bigint;
        if (typeof value === 'bigint') ticks = value;
        else {
          const c = coerceValue(this.type, value);
          if (typeof c !== 'bigint') return false;
          ticks = c;
        }
        if (ticks !== this.lastTicks) {
          this.lastMs = msOfTicks(ticks, this.type === 'datetime');
          this.lastSub = subOfTicks;
          this.lastTicks = ticks;
        }
        this.addParts(row, this.lastMs, this.lastSub);
        return true;
      }
      case Kind.Bool: {
        let v: boolean;
        if (typeof value === 'boolean') v = value;
        else {
          const c = coerceValue('bool', value);
          if (typeof c !== 'boolean') return false;
          v = c;
        }
        this.reserve(row);
        this.u8![row] = v ? 1 : 0;
        return true;
      }
      case Kind.Dynamic: {
        let v: DynamicValue;
        if (typeof value !== 'bigint') v = value as DynamicValue;
        else {
          const c = coerceValue('dynamic', value);
          if (c === undefined) return false;
          v = c as DynamicValue;
        }
        // Zeek's empty sets arrive as a new [] per row; holding one object each until the
        // segment is written made the GC copy them from generation to generation. The
        // buffer's values only go to the encoder, so one shared empty array stands for all.
        if (Array.isArray(v) && v.length === 0) v = EMPTY_ARRAY;
        const values = this.dynamic!;
        while (values.length < row) values.push(null);
        values.push(v);
        return true;
      }
    }
  }

  /** A datetime/timespan already split into whole ms and the 100 ns ticks beyond them. */
  addParts(row: number, ms: number, sub: number): void {
    this.reserve(row);
    this.f64![row] = ms;
    if (sub !== 0) (this.sub ??= new Uint16Array(this.capacity))[row] = sub;
  }

  private putCode(row: number, s: string): void {
    let code: number;
    if (s === this.lastString) code = this.lastCode;
    else {
      code = this.index!.code(s);
      this.lastString = s;
      this.lastCode = code;
    }
    if (row >= this.capacity) this.grow(row + 1);
    this.i32![row] = code;
    this.length = row + 1;
  }

  /** Makes room for `row`; rows skipped since the last value become null. */
  private reserve(row: number): void {
    if (row >= this.capacity) this.grow(row + 1);
    if (row > this.length) (this.nulls ??= new Uint8Array(this.capacity)).fill(1, this.length, row);
    this.length = row + 1;
  }

  private grow(rows: number): void {
    if (this.i32 !== null) this.i32 = grown(this.i32, rows);
    if (this.f64 !== null) this.f64 = grown(this.f64, rows);
    if (this.u8 !== null) this.u8 = grown(this.u8, rows);
    const capacity = (this.i32 ?? this.f64 ?? this.u8)!.length;
    if (this.sub !== null) this.sub = grown(this.sub, capacity);
    if (this.nulls !== null) this.nulls = grown(this.nulls, capacity);
    this.capacity = capacity;
  }

  /**
   * Empties the buffer for another segment of the same column, keeping its arrays: growing
   * fresh typed arrays to segment size for every column of every segment made V8 count
   * ~100 MB of external allocations per segment and run full collections for them.
   * Call only once the column finish() returned is no longer used (encoded).
   */
  reset(): void {
    if (this.kind === Kind.String || this.kind === Kind.Guid) {
      // Unset rows must read as code 0 (the empty string).
      this.i32!.fill(0, 0, Math.min(this.length, this.capacity));
      this.dict = [''];
      this.index = new StringIndex(this.dict);
      this.lastString = '';
      this.lastCode = 0;
    }
    if (this.kind === Kind.Dynamic) this.dynamic = [];
    // Null maps and extra ticks are written only where set: start them afresh.
    this.nulls = null;
    this.sub = null;
    this.lastTicks = undefined;
    this.length = 0;
  }

  /** The column of `rows` rows (rows never given are null); the buffer is not used again until reset(). */
  finish(rows: number): Column {
    if (this.kind === Kind.Dynamic) {
      const values = this.dynamic!;
      while (values.length < rows) values.push(null);
      return new DynamicColumn(values);
    }
    if (rows > this.capacity) this.grow(rows);
    if (this.kind !== Kind.String && this.kind !== Kind.Guid && rows > this.length) {
      (this.nulls ??= new Uint8Array(this.capacity)).fill(1, this.length, rows);
      this.length = rows;
    }
    const nulls = this.nulls === null ? null : this.nulls.subarray(0, rows);
    switch (this.kind) {
      case Kind.String: case Kind.Guid:
        return new StringColumn(this.type as 'string' | 'guid', this.i32!.subarray(0, rows), this.dict!);
      case Kind.Int:
        return new NumberColumn('int', this.i32!.subarray(0, rows), nulls);
      case Kind.Long: case Kind.Double:
        return new NumberColumn(this.type as 'long' | 'real' | 'decimal', this.f64!.subarray(0, rows), nulls);
      case Kind.Ticks:
        return new TicksColumn(this.type as 'datetime' | 'timespan', this.f64!.subarray(0, rows), this.sub === null ? null : this.sub.subarray(0, rows), nulls);
      case Kind.Bool:
        return new BoolColumn(this.u8!.subarray(0, rows), nulls);
    }
  }
}
