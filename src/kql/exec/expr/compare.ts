// Comparison operators (== != < <= > >= =~ !~): typing and kernels.
// Numbers compare across numeric types; datetime/timespan compare exactly on (ms, sub);
// strings compare case-sensitively with == and case-insensitively with =~, evaluated once
// per distinct dictionary value when the other side is a constant. Comparing a null yields null.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, partsFromTicks, type Column,
} from '../../data/column.js';
import { isNumericType, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import { asciiEqualsIgnoreCase } from '../../functions/text/casefold.js';
import { operatorResultType } from './arith.js';
import { dynamicToNumber, dynamicToString, numView, stringAt } from './coerce.js';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~';

/**
 * Whether `a op b` is defined. Ordered comparisons and =~ follow ADX's operator table; for ==
 * and != (which the parser accepts for any pair) values of unrelated kinds are rejected, as
 * ADX does at run time ("Cannot compare values of types string and long").
 */
export function comparable(op: CompareOp, a: ScalarType, b: ScalarType): boolean {
  if (op !== '==' && op !== '!=') return operatorResultType(op, a, b) === 'bool';
  if (a === 'dynamic' || b === 'dynamic') return true;
  if (isNumericType(a) && isNumericType(b)) return true;
  if (a === b) return true;
  return (a === 'guid' && b === 'string') || (a === 'string' && b === 'guid');
}

function test(op: CompareOp, c: number): boolean {
  switch (op) {
    case '==': case '=~': return c === 0;
    case '!=': case '!~': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function orNulls(a: Uint8Array | null, b: Uint8Array | null, n: number): Uint8Array | null {
  if (a === null && b === null) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (a !== null && a[i] === 1) || (b !== null && b[i] === 1) ? 1 : 0;
  return out;
}

function numericCompare(op: CompareOp, l: Column, r: Column): BoolColumn {
  const a = numView(l), b = numView(r);
  const n = l.length;
  const out = new Uint8Array(n);
  const av = a.values, bv = b.values;
  switch (op) {
    case '==': for (let i = 0; i < n; i++) out[i] = av[i] === bv[i] ? 1 : 0; break;
    case '!=': for (let i = 0; i < n; i++) out[i] = av[i] !== bv[i] ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = av[i]! < bv[i]! ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = av[i]! <= bv[i]! ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = av[i]! > bv[i]! ? 1 : 0; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = av[i]! >= bv[i]! ? 1 : 0; break;
    default: for (let i = 0; i < n; i++) out[i] = test(op, av[i]! - bv[i]!) ? 1 : 0;
  }
  const nulls = orNulls(a.nulls, b.nulls, n);
  if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) out[i] = 0;
  return new BoolColumn(out, nulls);
}

function ticksCompare(op: CompareOp, l: TicksColumn, r: TicksColumn): BoolColumn {
  const n = l.length;
  const out = new Uint8Array(n);
  const ls = l.sub, rs = r.sub;
  for (let i = 0; i < n; i++) {
    let c = l.ms[i]! - r.ms[i]!;
    if (c === 0) c = (ls ? ls[i]! : 0) - (rs ? rs[i]! : 0);
    out[i] = test(op, c) ? 1 : 0;
  }
  const nulls = orNulls(l.nulls, r.nulls, n);
  if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) out[i] = 0;
  return new BoolColumn(out, nulls);
}

function cmpStrings(op: CompareOp, a: string, b: string): boolean {
  if (op === '=~' || op === '!~') return test(op, asciiEqualsIgnoreCase(a, b) ? 0 : 1);
  return test(op, a === b ? 0 : a < b ? -1 : 1);
}

function stringCompare(op: CompareOp, l: Column, r: Column, rConst: string | undefined, lConst: string | undefined): BoolColumn {
  const n = l.length;
  const out = new Uint8Array(n);
  // One comparison per distinct value when one side is a dictionary column and the other a constant.
  if (rConst !== undefined && l instanceof StringColumn && l.dict.length <= n) {
    const perCode = l.dict.map((s) => (cmpStrings(op, s, rConst) ? 1 : 0));
    for (let i = 0; i < n; i++) out[i] = perCode[l.codes[i]!]!;
    return new BoolColumn(out, null);
  }
  if (lConst !== undefined && r instanceof StringColumn && r.dict.length <= n) {
    const perCode = r.dict.map((s) => (cmpStrings(op, lConst, s) ? 1 : 0));
    for (let i = 0; i < n; i++) out[i] = perCode[r.codes[i]!]!;
    return new BoolColumn(out, null);
  }
  for (let i = 0; i < n; i++) out[i] = cmpStrings(op, stringAt(l, i), stringAt(r, i)) ? 1 : 0;
  return new BoolColumn(out, null);
}

function boolCompare(op: CompareOp, l: BoolColumn, r: BoolColumn): BoolColumn {
  const n = l.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = test(op, l.values[i]! - r.values[i]!) ? 1 : 0;
  const nulls = orNulls(l.nulls, r.nulls, n);
  if (nulls) for (let i = 0; i < n; i++) if (nulls[i]) out[i] = 0;
  return new BoolColumn(out, nulls);
}

/** Dynamic on one side: the dynamic value is read as the other side's type, per row. */
function dynamicCompare(op: CompareOp, l: Column, r: Column): BoolColumn {
  const n = l.length;
  const out = new Uint8Array(n);
  const nulls = new Uint8Array(n);
  let anyNull = false;
  const other = l instanceof DynamicColumn ? r : l;
  for (let i = 0; i < n; i++) {
    let a: Scalar, b: Scalar;
    if (other instanceof StringColumn || (l instanceof DynamicColumn && r instanceof DynamicColumn)) {
      const lv = l instanceof DynamicColumn ? l.values[i]! : l.get(i);
      const rv = r instanceof DynamicColumn ? r.values[i]! : r.get(i);
      if (lv === null || rv === null) { nulls[i] = 1; anyNull = true; continue; }
      const ln = l instanceof DynamicColumn ? dynamicToNumber(lv as DynamicValue) : typeof lv === 'number' ? lv : null;
      const rn = r instanceof DynamicColumn ? dynamicToNumber(rv as DynamicValue) : typeof rv === 'number' ? rv : null;
      // Numbers compare by value whatever their dynamic type: dynamic(1.0) == dynamic(1).
      if (ln !== null && rn !== null && typeof lv !== 'string' && typeof rv !== 'string') { a = ln; b = rn; }
      else { a = dynamicToString(lv as never); b = dynamicToString(rv as never); }
    } else {
      const lv = l instanceof DynamicColumn ? dynamicToNumber(l.values[i]!) : l.get(i);
      const rv = r instanceof DynamicColumn ? dynamicToNumber(r.values[i]!) : r.get(i);
      if (lv === null || rv === null) { nulls[i] = 1; anyNull = true; continue; }
      a = typeof lv === 'boolean' ? Number(lv) : lv; b = typeof rv === 'boolean' ? Number(rv) : rv;
    }
    if (typeof a === 'string' && typeof b === 'string') out[i] = cmpStrings(op, a, b) ? 1 : 0;
    else if (typeof a === 'number' && typeof b === 'number') out[i] = test(op, a === b ? 0 : a < b ? -1 : 1) ? 1 : 0;
    else { nulls[i] = 1; anyNull = true; }
  }
  return new BoolColumn(out, anyNull ? nulls : null);
}

export function compareKernel(
  op: CompareOp, l: Column, r: Column, lConst?: Scalar, rConst?: Scalar,
): BoolColumn {
  if (l instanceof DynamicColumn || r instanceof DynamicColumn) return dynamicCompare(op, l, r);
  if (l instanceof TicksColumn && r instanceof TicksColumn) return ticksCompare(op, l, r);
  if (l instanceof BoolColumn && r instanceof BoolColumn) return boolCompare(op, l, r);
  if ((l instanceof NumberColumn || l instanceof BoolColumn) && (r instanceof NumberColumn || r instanceof BoolColumn)) {
    return numericCompare(op, l, r);
  }
  if (l instanceof StringColumn && r instanceof StringColumn) {
    const guid = l.type === 'guid' || r.type === 'guid';
    const o = guid && (op === '==' || op === '!=') ? (op === '==' ? '=~' : '!~') : op;
    return stringCompare(o, l, r, typeof rConst === 'string' ? rConst : undefined, typeof lConst === 'string' ? lConst : undefined);
  }
  throw new Error(`internal: no comparison kernel for ${l.type} ${op} ${r.type}`);
}

const MIRRORED: Record<CompareOp, CompareOp> = {
  '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=~': '=~', '!~': '!~',
};

/**
 * `col op constant` (or `constant op col` when constantOnLeft) for a number or time column
 * against a non-null constant, without materialising the constant as a column: filters such as
 * `TimeGenerated > ago(1d)` run once per row of every batch. Undefined when another kernel must
 * handle the pair.
 */
export function compareToConstant(op: CompareOp, col: Column, constant: Scalar, constantOnLeft: boolean): BoolColumn | undefined {
  if (constant === null || op === '=~' || op === '!~') return undefined;
  const o = constantOnLeft ? MIRRORED[op] : op;
  if (col instanceof TicksColumn && typeof constant === 'bigint') {
    const { ms, sub } = partsFromTicks(col.type, constant);
    const n = col.length, out = new Uint8Array(n), colMs = col.ms, colSub = col.sub;
    if (colSub === null && sub === 0) compareValues(o, colMs, ms, out);
    else for (let i = 0; i < n; i++) {
      let c = colMs[i]! - ms;
      if (c === 0) c = (colSub === null ? 0 : colSub[i]!) - sub;
      out[i] = test(o, c) ? 1 : 0;
    }
    return withNulls(out, col.nulls);
  }
  if (col instanceof NumberColumn && typeof constant === 'number') {
    const out = new Uint8Array(col.length);
    compareValues(o, col.values, constant, out);
    return withNulls(out, col.nulls);
  }
  return undefined;
}

function compareValues(op: CompareOp, v: Float64Array | Int32Array, k: number, out: Uint8Array): void {
  const n = v.length;
  switch (op) {
    case '==': for (let i = 0; i < n; i++) out[i] = v[i] === k ? 1 : 0; break;
    case '!=': for (let i = 0; i < n; i++) out[i] = v[i] !== k ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = v[i]! < k ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = v[i]! <= k ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = v[i]! > k ? 1 : 0; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = v[i]! >= k ? 1 : 0; break;
    default: throw new Error(`internal: ${op} is not a value comparison`);
  }
}

/** A comparison involving a null is null (and not true). */
function withNulls(out: Uint8Array, nulls: Uint8Array | null): BoolColumn {
  if (nulls === null) return new BoolColumn(out, null);
  for (let i = 0; i < out.length; i++) if (nulls[i] === 1) out[i] = 0;
  return new BoolColumn(out, nulls);
}
