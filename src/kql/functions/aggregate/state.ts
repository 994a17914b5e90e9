// Per-group state arrays. Groups are discovered as batches arrive, so every aggregator
// grows its typed arrays on demand; doubling keeps the amortised cost per group constant.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { KqlError, type DynamicValue, type ScalarType } from '../../types.js';

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array;

function capacityFor(current: number, needed: number): number {
  return Math.max(needed, current * 2, 16);
}

export function growF64(a: Float64Array<ArrayBuffer>, n: number, fill = 0): Float64Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Float64Array(capacityFor(a.length, n));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growI32(a: Int32Array<ArrayBuffer>, n: number, fill = 0): Int32Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Int32Array(capacityFor(a.length, n));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growU8(a: Uint8Array<ArrayBuffer>, n: number, fill = 0): Uint8Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Uint8Array(capacityFor(a.length, n));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growU16(a: Uint16Array<ArrayBuffer>, n: number): Uint16Array<ArrayBuffer> {
  if (a.length >= n) return a;
  const b = new Uint16Array(capacityFor(a.length, n));
  b.set(a);
  return b;
}

/** Extends a plain array to length n with fresh values from `make`. */
export function growArray<T>(a: T[], n: number, make: () => T): void {
  while (a.length < n) a.push(make());
}

/** A copy of the first n entries of a state array (state arrays are over-allocated). */
export function firstN<T extends TypedArray>(a: T, n: number): T {
  return a.slice(0, n) as T;
}

/** The null mask of the first n groups, or null when no group is null (the column layout's convention). */
export function nullMask(isNull: Uint8Array, n: number): Uint8Array | null {
  for (let g = 0; g < n; g++) if (isNull[g] === 1) return isNull.slice(0, n);
  return null;
}

/** True when row `row` of `col` is null. Strings are never null; a guid's null is ''. */
export function isNullAt(col: Column, row: number): boolean {
  if (col instanceof StringColumn) return col.type === 'guid' && col.dict[col.codes[row]!] === '';
  if (col instanceof DynamicColumn) return col.values[row] === null;
  return col.nulls !== null && col.nulls[row] === 1;
}

/**
 * The *if aggregates' predicate column. A null predicate counts as false, as in `where`.
 * Returns the 0/1 values with nulls already folded to 0.
 */
export function predicateValues(col: Column | undefined, fn: string): Uint8Array {
  if (!(col instanceof BoolColumn)) {
    throw new KqlError(`${fn}(): the predicate argument must be of type bool, got ${col === undefined ? 'nothing' : col.type}`);
  }
  if (col.nulls === null) return col.values;
  const out = new Uint8Array(col.values.length);
  for (let r = 0; r < out.length; r++) out[r] = col.nulls[r] === 1 ? 0 : col.values[r]!;
  return out;
}

export function numberResult(
  type: 'int' | 'long' | 'real' | 'decimal', values: Float64Array, n: number, nulls: Uint8Array | null,
): NumberColumn {
  if (type === 'long') assertLongsExact(values, n, nulls);
  const out = type === 'int' ? Int32Array.from(values.subarray(0, n)) : values.slice(0, n);
  return new NumberColumn(type, out, nulls);
}

/** types.ts: a long beyond ±2^53 must be refused rather than rounded. */
export function assertLongsExact(values: Float64Array, n: number, nulls: Uint8Array | null): void {
  for (let g = 0; g < n; g++) {
    if (nulls !== null && nulls[g] === 1) continue;
    const v = values[g]!;
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
      throw new KqlError(`long result ${v} is outside the exactly representable range (±2^53)`, 'Overflow');
    }
  }
}

/** A string column from one string per group, dictionary-encoded. */
export function stringResult(type: 'string' | 'guid', values: readonly string[], n: number): StringColumn {
  const codes = new Int32Array(n);
  const dict: string[] = [];
  const index = new Map<string, number>();
  for (let g = 0; g < n; g++) {
    const s = values[g] ?? '';
    let code = index.get(s);
    if (code === undefined) {
      code = dict.length;
      dict.push(s);
      index.set(s, code);
    }
    codes[g] = code;
  }
  return new StringColumn(type, codes, dict);
}

export function dynamicResult(values: readonly DynamicValue[], n: number): DynamicColumn {
  const out: DynamicValue[] = new Array(n);
  for (let g = 0; g < n; g++) out[g] = values[g] ?? null;
  return new DynamicColumn(out);
}

/** A column of n nulls of the given type ('' for strings, which have no null). */
export function nullColumn(type: ScalarType, n: number): Column {
  const nulls = new Uint8Array(n).fill(1);
  switch (type) {
    case 'bool': return new BoolColumn(new Uint8Array(n), n === 0 ? null : nulls);
    case 'int': return new NumberColumn('int', new Int32Array(n), n === 0 ? null : nulls);
    case 'long': case 'real': case 'decimal':
      return new NumberColumn(type, new Float64Array(n), n === 0 ? null : nulls);
    case 'datetime': case 'timespan':
      return new TicksColumn(type, new Float64Array(n), null, n === 0 ? null : nulls);
    case 'string': case 'guid': return stringResult(type, [], n);
    case 'dynamic': return dynamicResult([], n);
  }
}
