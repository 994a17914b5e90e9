// Drives aggregate implementations the way the executor does: argument columns in batches,
// group ids per row, numGroups growing as groups are discovered.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, partsFromTicks, type Column,
} from '../../src/kql/data/column.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import type { ArgInfo } from '../../src/kql/functions/registry.js';
import type { DynamicValue, Scalar, ScalarType } from '../../src/kql/types.js';

export function numbers(type: 'int' | 'long' | 'real' | 'decimal', values: (number | null)[]): NumberColumn {
  const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
  const data = values.map((v) => v ?? 0);
  return new NumberColumn(type, type === 'int' ? Int32Array.from(data) : Float64Array.from(data), nulls.includes(1) ? nulls : null);
}

export function strings(values: string[], type: 'string' | 'guid' = 'string'): StringColumn {
  const dict: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (s) => {
    let c = index.get(s);
    if (c === undefined) { c = dict.length; dict.push(s); index.set(s, c); }
    return c;
  });
  return new StringColumn(type, codes, dict);
}

export function bools(values: (boolean | null)[]): BoolColumn {
  const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
  return new BoolColumn(Uint8Array.from(values, (v) => (v ? 1 : 0)), nulls.includes(1) ? nulls : null);
}

export function dynamics(values: DynamicValue[]): DynamicColumn {
  return new DynamicColumn(values);
}

export function ticks(type: 'datetime' | 'timespan', values: (bigint | null)[]): TicksColumn {
  const parts = values.map((v) => (v === null ? { ms: 0, sub: 0 } : partsFromTicks(type, v)));
  const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
  const sub = Uint16Array.from(parts, (p) => p.sub);
  return new TicksColumn(type, Float64Array.from(parts, (p) => p.ms), sub.some((s) => s !== 0) ? sub : null, nulls.includes(1) ? nulls : null);
}

export function sliceColumn(col: Column, start: number, end: number): Column {
  const nulls = col.nulls === null ? null : col.nulls.slice(start, end);
  if (col instanceof NumberColumn) return new NumberColumn(col.type, col.values.slice(start, end), nulls);
  if (col instanceof BoolColumn) return new BoolColumn(col.values.slice(start, end), nulls);
  if (col instanceof TicksColumn) return new TicksColumn(col.type, col.ms.slice(start, end), col.sub === null ? null : col.sub.slice(start, end), nulls);
  if (col instanceof StringColumn) return new StringColumn(col.type, col.codes.slice(start, end), col.dict);
  return new DynamicColumn(col.values.slice(start, end));
}

/** ArgInfo for a column argument of the given type. */
export const arg = (type: ScalarType): ArgInfo => ({ type });
/** ArgInfo for a constant argument. */
export const constant = (type: ScalarType, value: Scalar): ArgInfo => ({ type, constant: value });

export interface RunOptions {
  /** Batch boundaries (row indices); default: one batch. */
  splits?: number[];
}

/**
 * Runs aggregate `name` over argument columns (one per ArgInfo; constants get no column) with
 * group ids `ids`, and returns every output column as JS scalars per group.
 */
export function runAggregate(
  name: string, args: ArgInfo[], columns: Column[], ids: number[], options: RunOptions = {},
): Scalar[][] {
  const def = builtinFunctions().aggregate(name);
  if (def?.create === undefined) throw new Error(`no executable aggregate ${name}`);
  const agg = def.create(args, { now: 0n, cache: new Map() });
  const bounds = [0, ...(options.splits ?? []), ids.length];
  let numGroups = 0;
  for (let b = 0; b + 1 < bounds.length; b++) {
    const start = bounds[b]!, end = bounds[b + 1]!;
    if (end <= start) continue;
    const batchIds = Int32Array.from(ids.slice(start, end));
    for (const g of batchIds) numGroups = Math.max(numGroups, g + 1);
    agg.update(batchIds, numGroups, columns.map((c) => sliceColumn(c, start, end)));
  }
  const total = Math.max(numGroups, ids.length === 0 ? 1 : 0);
  const outputs = agg.finishMany !== undefined ? agg.finishMany(total) : [agg.finish(total)];
  return outputs.map((c) => Array.from({ length: total }, (_, g) => c.get(g)));
}

/** Single-output convenience: the values per group. */
export function aggregateValues(name: string, args: ArgInfo[], columns: Column[], ids: number[], options?: RunOptions): Scalar[] {
  return runAggregate(name, args, columns, ids, options)[0]!;
}

/** Runs an aggregate over explicitly built batches (each with its own columns and dictionaries). */
export function runBatches(name: string, args: ArgInfo[], batches: { ids: number[]; columns: Column[] }[]): Scalar[][] {
  const def = builtinFunctions().aggregate(name);
  if (def?.create === undefined) throw new Error(`no executable aggregate ${name}`);
  const agg = def.create(args, { now: 0n, cache: new Map() });
  let numGroups = 0;
  for (const batch of batches) {
    if (batch.ids.length === 0) continue;
    for (const g of batch.ids) numGroups = Math.max(numGroups, g + 1);
    agg.update(Int32Array.from(batch.ids), numGroups, batch.columns);
  }
  const outputs = agg.finishMany !== undefined ? agg.finishMany(numGroups) : [agg.finish(numGroups)];
  return outputs.map((c) => Array.from({ length: numGroups }, (_, g) => c.get(g)));
}
