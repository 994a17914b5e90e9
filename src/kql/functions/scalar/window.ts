// Window functions: their values depend on neighbouring rows of serialized input, so the
// executor evaluates them over the operator's whole input at once (not per batch) with the
// kernels below. The definitions carry no per-row impl: a row alone cannot compute them.

import {
  BoolColumn, NumberColumn, TicksColumn, type Column,
} from '../../data/column.js';
import type { Scalar } from '../../types.js';
import type { ArgInfo, ScalarFunctionDef } from '../registry.js';
import { ColumnBuilder } from '../../exec/columns.js';

const firstType = (args: ArgInfo[]) => (args[0]?.type === 'tabular' || args[0]?.type === 'unknown' || args[0] === undefined ? 'dynamic' : args[0].type);

export const windowFunctions: readonly ScalarFunctionDef[] = [
  { kind: 'scalar', name: 'row_number', params: [{ name: 'start_index', types: ['int', 'long'], optional: true }, { name: 'restart', types: ['bool'], optional: true }], returns: 'long', deterministic: false },
  { kind: 'scalar', name: 'prev', params: [{ name: 'column', types: 'scalar' }, { name: 'offset', types: ['int', 'long'], optional: true, constant: true }, { name: 'default_value', types: 'scalar', optional: true }], returns: firstType, deterministic: false },
  { kind: 'scalar', name: 'next', params: [{ name: 'column', types: 'scalar' }, { name: 'offset', types: ['int', 'long'], optional: true, constant: true }, { name: 'default_value', types: 'scalar', optional: true }], returns: firstType, deterministic: false },
  { kind: 'scalar', name: 'row_cumsum', params: [{ name: 'term', types: 'numeric' }, { name: 'restart', types: ['bool'], optional: true }], returns: firstType, deterministic: false },
  { kind: 'scalar', name: 'row_rank_dense', params: [{ name: 'term', types: 'scalar' }, { name: 'restart', types: ['bool'], optional: true }], returns: 'long', deterministic: false },
  { kind: 'scalar', name: 'row_rank_min', params: [{ name: 'term', types: 'scalar' }, { name: 'restart', types: ['bool'], optional: true }], returns: 'long', deterministic: false },
  { kind: 'scalar', name: 'row_window_session', params: [{ name: 'expr', types: ['datetime'] }, { name: 'max_distance_from_first', types: ['timespan'] }, { name: 'max_distance_between_neighbors', types: ['timespan'] }, { name: 'restart', types: ['bool'], optional: true }], returns: 'datetime', deterministic: false },
];

export const WINDOW_FUNCTION_NAMES: ReadonlySet<string> = new Set(windowFunctions.map((f) => f.name));

/** A window kernel: argument columns over the whole serialized input, plus constant args. */
export type WindowKernel = (args: Column[], constants: (Scalar | undefined)[], length: number, type: import('../../types.js').ScalarType) => Column;

function restartAt(col: Column | undefined, i: number): boolean {
  return col instanceof BoolColumn && col.values[i] === 1 && (col.nulls === null || col.nulls[i] === 0);
}

function offsetArg(constants: (Scalar | undefined)[]): number {
  const o = constants[1];
  return o === undefined || o === null ? 1 : Number(o);
}

function shifted(args: Column[], constants: (Scalar | undefined)[], n: number, type: import('../../types.js').ScalarType, dir: 1 | -1): Column {
  const src = args[0]!;
  const off = offsetArg(constants) * dir;
  const def = args[2];
  const b = new ColumnBuilder(type);
  for (let i = 0; i < n; i++) {
    const j = i - off;
    if (j >= 0 && j < n) b.append(src.get(j));
    else b.append(def === undefined ? null : def.get(i));
  }
  return b.finish();
}

/** Equality of two rows' values (nulls equal each other), for rank functions. */
function sameValue(c: Column, i: number, j: number): boolean {
  const a = c.get(i), b = c.get(j);
  if (typeof a === 'object' && a !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

export const windowKernels: Readonly<Record<string, WindowKernel>> = {
  row_number: (args, constants, n) => {
    const start = constants[0] === undefined || constants[0] === null ? 1 : Number(constants[0]);
    const restart = args[1];
    const out = new Float64Array(n);
    let k = start;
    for (let i = 0; i < n; i++) {
      if (i > 0 && restartAt(restart, i)) k = start;
      out[i] = k++;
    }
    return new NumberColumn('long', out, null);
  },
  prev: (args, constants, n, type) => shifted(args, constants, n, type, 1),
  next: (args, constants, n, type) => shifted(args, constants, n, type, -1),
  row_cumsum: (args, _c, n, type) => {
    const src = args[0] as NumberColumn;
    const restart = args[1];
    const out = type === 'int' ? new Int32Array(n) : new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (restartAt(restart, i)) sum = 0;
      // A null term adds nothing, as ADX's running sum skips nulls.
      if (src.nulls === null || src.nulls[i] === 0) sum += src.values[i]!;
      out[i] = sum;
    }
    return new NumberColumn(type as 'long', out, null);
  },
  row_rank_dense: (args, _c, n) => {
    const src = args[0]!;
    const restart = args[1];
    const out = new Float64Array(n);
    let rank = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0 || restartAt(restart, i)) rank = 1;
      else if (!sameValue(src, i, i - 1)) rank++;
      out[i] = rank;
    }
    return new NumberColumn('long', out, null);
  },
  row_rank_min: (args, _c, n) => {
    const src = args[0]!;
    const restart = args[1];
    const out = new Float64Array(n);
    let rank = 0, position = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0 || restartAt(restart, i)) { position = 1; rank = 1; }
      else { position++; if (!sameValue(src, i, i - 1)) rank = position; }
      out[i] = rank;
    }
    return new NumberColumn('long', out, null);
  },
  row_window_session: (args, _c, n) => {
    const t = args[0] as TicksColumn;
    const maxFirst = args[1] as TicksColumn;
    const maxGap = args[2] as TicksColumn;
    const restart = args[3];
    const b = new ColumnBuilder('datetime');
    let sessionStart: bigint | null = null;
    let prev: bigint | null = null;
    for (let i = 0; i < n; i++) {
      const v = t.get(i);
      if (v === null) { b.append(null); continue; }
      const first = maxFirst.get(i), gap = maxGap.get(i);
      if (sessionStart === null || prev === null || restartAt(restart, i) ||
          (first !== null && v - sessionStart > first) || (gap !== null && v - prev > gap)) {
        sessionStart = v;
      }
      prev = v;
      b.append(sessionStart);
    }
    return b.finish();
  },
};
