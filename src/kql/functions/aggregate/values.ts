// Reading single values out of columns of any layout, for the aggregates that keep values
// rather than fold them into numbers: arg_max/arg_min and take_any carry whole values,
// make_list/make_set/make_bag build dynamic arrays.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, ticksFromParts, type Column,
} from '../../data/column.js';
import { realToDynamic, type DynamicValue, type ScalarType } from '../../types.js';
import { formatDatetimeIso } from '../../values/datetime.js';
import { formatTimespan } from '../../values/timespan.js';
import {
  dynamicResult, growArray, growF64, growU16, growU8, nullMask, numberResult, stringResult,
} from './state.js';

/**
 * Row `row` of `col` as a dynamic value. datetime and timespan become their text forms
 * (types.ts: dynamic holds them as ADX serialises them); guids are strings; reals stay reals.
 */
export function dynamicAt(col: Column, row: number): DynamicValue {
  if (col instanceof StringColumn) return col.dict[col.codes[row]!]!;
  if (col instanceof DynamicColumn) return col.values[row]!;
  if (col.nulls !== null && col.nulls[row] === 1) return null;
  if (col instanceof NumberColumn) {
    const x = col.values[row]!;
    return col.type === 'real' || col.type === 'decimal' ? realToDynamic(x) : x;
  }
  if (col instanceof BoolColumn) return col.values[row] === 1;
  const ticks = ticksFromParts(col.type, col.ms[row]!, col.sub === null ? 0 : col.sub[row]!);
  return col.type === 'datetime' ? formatDatetimeIso(ticks) : formatTimespan(ticks);
}

/**
 * One value per group, copied from whatever column it came from, keeping the column's type.
 * Slots never written are null.
 */
export interface ValueStore {
  set(group: number, col: Column, row: number): void;
  grow(numGroups: number): void;
  finish(numGroups: number): Column;
}

export function valueStore(type: ScalarType): ValueStore {
  switch (type) {
    case 'int': case 'long': case 'real': case 'decimal': return new NumberStore(type);
    case 'bool': return new BoolStore();
    case 'datetime': case 'timespan': return new TicksStore(type);
    case 'string': case 'guid': return new StringStore(type);
    case 'dynamic': return new DynamicStore();
  }
}

class NumberStore implements ValueStore {
  private values = new Float64Array(0);
  private isNull = new Uint8Array(0);
  constructor(private readonly type: 'int' | 'long' | 'real' | 'decimal') {}
  grow(n: number): void {
    this.values = growF64(this.values, n);
    this.isNull = growU8(this.isNull, n, 1);
  }
  set(g: number, col: Column, row: number): void {
    const c = col as NumberColumn;
    if (c.nulls !== null && c.nulls[row] === 1) { this.isNull[g] = 1; return; }
    this.values[g] = c.values[row]!;
    this.isNull[g] = 0;
  }
  finish(n: number): Column {
    this.grow(n);
    return numberResult(this.type, this.values, n, nullMask(this.isNull, n));
  }
}

class BoolStore implements ValueStore {
  private values = new Uint8Array(0);
  private isNull = new Uint8Array(0);
  grow(n: number): void {
    this.values = growU8(this.values, n);
    this.isNull = growU8(this.isNull, n, 1);
  }
  set(g: number, col: Column, row: number): void {
    const c = col as BoolColumn;
    if (c.nulls !== null && c.nulls[row] === 1) { this.isNull[g] = 1; return; }
    this.values[g] = c.values[row]!;
    this.isNull[g] = 0;
  }
  finish(n: number): Column {
    this.grow(n);
    return new BoolColumn(this.values.slice(0, n), nullMask(this.isNull, n));
  }
}

class TicksStore implements ValueStore {
  private ms = new Float64Array(0);
  private sub = new Uint16Array(0);
  private isNull = new Uint8Array(0);
  private anySub = false;
  constructor(private readonly type: 'datetime' | 'timespan') {}
  grow(n: number): void {
    this.ms = growF64(this.ms, n);
    this.sub = growU16(this.sub, n);
    this.isNull = growU8(this.isNull, n, 1);
  }
  set(g: number, col: Column, row: number): void {
    const c = col as TicksColumn;
    if (c.nulls !== null && c.nulls[row] === 1) { this.isNull[g] = 1; return; }
    this.ms[g] = c.ms[row]!;
    const s = c.sub === null ? 0 : c.sub[row]!;
    this.sub[g] = s;
    if (s !== 0) this.anySub = true;
    this.isNull[g] = 0;
  }
  finish(n: number): Column {
    this.grow(n);
    return new TicksColumn(this.type, this.ms.slice(0, n), this.anySub ? this.sub.slice(0, n) : null, nullMask(this.isNull, n));
  }
}

class StringStore implements ValueStore {
  private readonly values: string[] = [];
  constructor(private readonly type: 'string' | 'guid') {}
  grow(n: number): void { growArray(this.values, n, () => ''); }
  set(g: number, col: Column, row: number): void {
    const c = col as StringColumn;
    this.values[g] = c.dict[c.codes[row]!]!;
  }
  finish(n: number): Column {
    this.grow(n);
    return stringResult(this.type, this.values, n);
  }
}

class DynamicStore implements ValueStore {
  private readonly values: DynamicValue[] = [];
  grow(n: number): void { growArray<DynamicValue>(this.values, n, () => null); }
  set(g: number, col: Column, row: number): void {
    this.values[g] = dynamicAt(col, row);
  }
  finish(n: number): Column {
    this.grow(n);
    return dynamicResult(this.values, n);
  }
}

/** The type a value-carrying aggregate produces for an argument: the checker's, else the column's. */
export function declaredType(t: string | undefined): ScalarType | undefined {
  switch (t) {
    case 'bool': case 'int': case 'long': case 'real': case 'decimal': case 'string':
    case 'datetime': case 'timespan': case 'guid': case 'dynamic':
      return t;
    default:
      return undefined;
  }
}
