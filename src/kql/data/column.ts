// Columnar data: the engine's in-memory representation of a table.
//
// Layouts (see docs/engine.md for why):
//   bool                 -> Uint8Array (0/1)
//   int                  -> Int32Array
//   long, real, decimal  -> Float64Array (long exact to ±2^53; producers refuse beyond)
//   datetime, timespan   -> Float64Array `ms` (integer milliseconds; datetime since the
//                           Unix epoch) + Uint16Array `sub` (0..9999 ticks of 100 ns inside
//                           that millisecond, always non-negative; `null` when all zero).
//                           Exact 100 ns ticks over ADX's whole range, while bin(), compare
//                           and min/max run on plain doubles.
//   string, guid         -> dictionary: Int32Array codes into `dict` (string[]).
//                           Predicates run once per distinct value. Strings have no null;
//                           a null guid is the empty string.
//   dynamic              -> DynamicValue[]
// Validity: `nulls` is a Uint8Array (1 = null) or `null` when the column has no nulls.
// A byte per row rather than a bit: simpler and faster kernels in JS; the cost is 1 byte/row
// only for columns that actually contain nulls.

import type { DynamicValue, Scalar, ScalarType } from '../types.js';

export const TICKS_PER_MS = 10000n;
/** Ticks from 0001-01-01 to 1970-01-01. */
export const UNIX_EPOCH_TICKS = 621355968000000000n;

export interface ColumnBase {
  readonly type: ScalarType;
  readonly length: number;
  readonly nulls: Uint8Array | null;
  /** The JS scalar at row i (see types.ts for the representation). Slow path. */
  get(i: number): Scalar;
}

export class BoolColumn implements ColumnBase {
  readonly type = 'bool' as const;
  constructor(readonly values: Uint8Array, readonly nulls: Uint8Array | null) {}
  get length(): number { return this.values.length; }
  get(i: number): boolean | null {
    return this.nulls !== null && this.nulls[i] === 1 ? null : this.values[i] === 1;
  }
}

export class NumberColumn implements ColumnBase {
  constructor(
    readonly type: 'int' | 'long' | 'real' | 'decimal',
    readonly values: Int32Array | Float64Array,
    readonly nulls: Uint8Array | null,
  ) {}
  get length(): number { return this.values.length; }
  get(i: number): number | null {
    return this.nulls !== null && this.nulls[i] === 1 ? null : this.values[i]!;
  }
}

export class TicksColumn implements ColumnBase {
  constructor(
    readonly type: 'datetime' | 'timespan',
    /** datetime: ms since Unix epoch; timespan: ms. Integers (floor of ticks / 10000). */
    readonly ms: Float64Array,
    /** 0..9999 extra ticks; null when every row has none. */
    readonly sub: Uint16Array | null,
    readonly nulls: Uint8Array | null,
  ) {}
  get length(): number { return this.ms.length; }
  get(i: number): bigint | null {
    if (this.nulls !== null && this.nulls[i] === 1) return null;
    return ticksFromParts(this.type, this.ms[i]!, this.sub === null ? 0 : this.sub[i]!);
  }
}

export class StringColumn implements ColumnBase {
  readonly nulls = null;
  constructor(
    readonly type: 'string' | 'guid',
    readonly codes: Int32Array,
    readonly dict: string[],
  ) {}
  get length(): number { return this.codes.length; }
  get(i: number): string {
    return this.dict[this.codes[i]!]!;
  }
}

export class DynamicColumn implements ColumnBase {
  readonly type = 'dynamic' as const;
  readonly nulls = null;
  constructor(readonly values: DynamicValue[]) {}
  get length(): number { return this.values.length; }
  get(i: number): DynamicValue {
    return this.values[i]!;
  }
}

export type Column = BoolColumn | NumberColumn | TicksColumn | StringColumn | DynamicColumn;

/** A table or a batch of one: named, typed columns of equal length. */
export interface Table {
  readonly columns: { name: string; column: Column }[];
  readonly length: number;
}

/** ms/sub parts -> scalar ticks. datetime parts are relative to the Unix epoch. */
export function ticksFromParts(type: 'datetime' | 'timespan', ms: number, sub: number): bigint {
  const t = BigInt(ms) * TICKS_PER_MS + BigInt(sub);
  return type === 'datetime' ? t + UNIX_EPOCH_TICKS : t;
}

/** Scalar ticks -> ms/sub parts (sub always 0..9999, ms floored). */
export function partsFromTicks(type: 'datetime' | 'timespan', ticks: bigint): { ms: number; sub: number } {
  const t = type === 'datetime' ? ticks - UNIX_EPOCH_TICKS : ticks;
  let ms = t / TICKS_PER_MS;
  let sub = t % TICKS_PER_MS;
  if (sub < 0n) { sub += TICKS_PER_MS; ms -= 1n; }
  return { ms: Number(ms), sub: Number(sub) };
}
