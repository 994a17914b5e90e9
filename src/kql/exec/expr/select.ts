// Column kernels for iff()/iif() and strcat() over whole batches. Both are in nearly every
// detection rule; through the generic per-row path each row cost an argument array, a
// try/catch'd call and a builder append.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import type { DynamicValue } from '../../types.js';
import { stringResult } from '../../functions/aggregate/state.js';
import { scalarToString } from '../../functions/text/stringify.js';

/** The types iff() can select between column-wise when both branches have that type. */
export const SELECTABLE_TYPES: ReadonlySet<string> = new Set([
  'bool', 'int', 'long', 'real', 'decimal', 'string', 'guid', 'datetime', 'timespan', 'dynamic',
]);

/** Row i of the result is then[i] where cond[i] is true, else[i] otherwise (a null condition is not true). */
export function selectColumns(cond: BoolColumn, then: Column, otherwise: Column): Column {
  const n = cond.length;
  const pick = new Uint8Array(n);
  const cv = cond.values, cn = cond.nulls;
  for (let i = 0; i < n; i++) pick[i] = cv[i] === 1 && (cn === null || cn[i] === 0) ? 1 : 0;
  if (then instanceof NumberColumn && otherwise instanceof NumberColumn) {
    const a = then.values, b = otherwise.values;
    const values = a instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = pick[i] === 1 ? a[i]! : b[i]!;
    return new NumberColumn(then.type, values, selectNulls(pick, then.nulls, otherwise.nulls));
  }
  if (then instanceof BoolColumn && otherwise instanceof BoolColumn) {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) values[i] = pick[i] === 1 ? then.values[i]! : otherwise.values[i]!;
    return new BoolColumn(values, selectNulls(pick, then.nulls, otherwise.nulls));
  }
  if (then instanceof TicksColumn && otherwise instanceof TicksColumn) {
    const ms = new Float64Array(n);
    for (let i = 0; i < n; i++) ms[i] = pick[i] === 1 ? then.ms[i]! : otherwise.ms[i]!;
    let sub: Uint16Array | null = null;
    if (then.sub !== null || otherwise.sub !== null) {
      sub = new Uint16Array(n);
      const a = then.sub, b = otherwise.sub;
      for (let i = 0; i < n; i++) sub[i] = pick[i] === 1 ? (a === null ? 0 : a[i]!) : (b === null ? 0 : b[i]!);
    }
    return new TicksColumn(then.type, ms, sub, selectNulls(pick, then.nulls, otherwise.nulls));
  }
  if (then instanceof StringColumn && otherwise instanceof StringColumn) return selectStrings(pick, then, otherwise);
  if (then instanceof DynamicColumn && otherwise instanceof DynamicColumn) {
    const values = new Array<DynamicValue>(n);
    for (let i = 0; i < n; i++) values[i] = pick[i] === 1 ? then.values[i]! : otherwise.values[i]!;
    return new DynamicColumn(values);
  }
  throw new Error(`internal: iff() cannot select between ${then.type} and ${otherwise.type} columns`);
}

function selectNulls(pick: Uint8Array, a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (a === null && b === null) return null;
  const n = pick.length;
  const out = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const v = pick[i] === 1 ? (a === null ? 0 : a[i]!) : (b === null ? 0 : b[i]!);
    out[i] = v;
    if (v === 1) any = true;
  }
  return any ? out : null;
}

/** Codes of one shared dictionary pass through; otherwise the result gets a dictionary of the values used. */
function selectStrings(pick: Uint8Array, a: StringColumn, b: StringColumn): StringColumn {
  const n = pick.length;
  const codes = new Int32Array(n);
  if (a.dict === b.dict) {
    for (let i = 0; i < n; i++) codes[i] = pick[i] === 1 ? a.codes[i]! : b.codes[i]!;
    return new StringColumn(a.type, codes, a.dict);
  }
  const dict: string[] = [];
  const index = new Map<string, number>();
  const fromA = new Map<number, number>(), fromB = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const side = pick[i] === 1 ? a : b;
    const seen = side === a ? fromA : fromB;
    const local = side.codes[i]!;
    let code = seen.get(local);
    if (code === undefined) {
      const value = side.dict[local]!;
      code = index.get(value);
      if (code === undefined) {
        code = dict.length;
        dict.push(value);
        index.set(value, code);
      }
      seen.set(local, code);
    }
    codes[i] = code;
  }
  return new StringColumn(a.type, codes, dict);
}

/** One part of a strcat(): a constant's text or the batch's column of an argument. */
export type StrcatPart = string | Column;

/**
 * strcat() row by row. String columns are read through their dictionaries; other columns
 * convert as tostring() does (scalarToString).
 */
export function concatStrings(parts: readonly StrcatPart[], n: number): StringColumn {
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let j = 0; j < parts.length; j++) {
      const part = parts[j]!;
      if (typeof part === 'string') s += part;
      else if (part instanceof StringColumn) s += part.dict[part.codes[i]!]!;
      else s += scalarToString(part.get(i), part.type);
    }
    values[i] = s;
  }
  return stringResult('string', values, n);
}
