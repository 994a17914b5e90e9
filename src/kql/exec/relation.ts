// A compiled tabular expression: its schema is known before any row is read, and each
// call to batches() runs it again from its sources (materialize() caches explicitly).

import type { Table } from '../data/column.js';
import type { TableSchema } from '../types.js';
import { concatTables } from './columns.js';

export interface Relation {
  readonly schema: TableSchema;
  batches(): Iterable<Table>;
  /**
   * The row order is meaningful (sort, top, serialize, range, ...), so window functions may run.
   * Absent: not serialized. Operators that preserve order copy it from their input.
   */
  readonly serialized?: boolean;
  /**
   * fork and facet: every result table, in order (the relation's own batches are the first).
   * Absent for the usual single-table result.
   */
  readonly results?: readonly { name: string; relation: Relation }[];
  /** Set by `render`: kept as result metadata, never changes rows. */
  readonly render?: RenderInfo;
}

export interface RenderInfo {
  visualization: string;
  properties: Record<string, unknown>;
}

/** Runs a relation to completion as one table. */
export function collect(rel: Relation): Table {
  const parts: Table[] = [];
  for (const b of rel.batches()) parts.push(b);
  return concatTables(rel.schema, parts);
}

export function relationOf(schema: TableSchema, produce: () => Iterable<Table>, render?: RenderInfo): Relation {
  return render ? { schema, batches: produce, render } : { schema, batches: produce };
}

/** A relation over one in-memory table. */
export function tableRelation(table: Table): Relation {
  const schema = table.columns.map((c) => ({ name: c.name, type: c.column.type }));
  return { schema, batches: () => (table.length === 0 && schema.length === 0 ? [] : [table]) };
}

/** Index of a column by exact name, or -1. */
export function columnIndex(schema: TableSchema, name: string): number {
  for (let i = 0; i < schema.length; i++) if (schema[i]!.name === name) return i;
  return -1;
}
