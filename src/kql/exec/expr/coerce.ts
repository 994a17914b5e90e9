// Views of columns in the shapes the kernels want: numbers as a flat array with a
// validity mask, ticks as exact (ms, sub) pairs, and dynamic values read as another type.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { isWholeReal, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import { formatScalar } from '../../values/format.js';
import { ColumnBuilder } from '../columns.js';

export interface NumView { values: ArrayLike<number>; nulls: Uint8Array | null }

/** Numeric values of a number column, or of a dynamic column read as numbers (non-numbers are null). */
export function numView(col: Column): NumView {
  if (col instanceof NumberColumn) return { values: col.values, nulls: col.nulls };
  if (col instanceof DynamicColumn) {
    const n = col.length;
    const v = new Float64Array(n);
    const nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = dynamicToNumber(col.values[i]!);
      if (x === null) nulls[i] = 1; else v[i] = x;
    }
    return { values: v, nulls };
  }
  if (col instanceof BoolColumn) return { values: col.values, nulls: col.nulls };
  throw new Error(`internal: numeric view of a ${col.type} column`);
}

export function dynamicToNumber(v: DynamicValue): number | null {
  if (typeof v === 'number') return v;
  if (isWholeReal(v)) return v.value;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** How a dynamic value reads as a string: strings as-is, everything else as JSON text. */
export function dynamicToString(v: DynamicValue): string {
  return formatScalar('dynamic', v);
}

/** A string column's per-row value as text. */
export function stringAt(col: Column, i: number): string {
  if (col instanceof StringColumn) return col.dict[col.codes[i]!]!;
  if (col instanceof DynamicColumn) return dynamicToString(col.values[i]!);
  const v = col.get(i);
  return formatScalar(col.type, v);
}

/** Minimal text form used where an operator reads a non-string operand as text. */
export function scalarToText(v: Scalar, type: ScalarType): string {
  return formatScalar(type, v);
}

/** Builds a column of `type` from a per-row function (the generic, slow path). */
export function mapRows(type: ScalarType, n: number, f: (i: number) => Scalar): Column {
  const b = new ColumnBuilder(type);
  for (let i = 0; i < n; i++) b.append(f(i));
  return b.finish();
}

/** Exact ticks of row i (datetime: since 0001-01-01) or null. */
export function ticksAt(col: TicksColumn, i: number): bigint | null {
  return col.get(i);
}
