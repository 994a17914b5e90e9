// Helpers for executor golden tests: build input tables from plain rows, run a query, and
// read the result back as plain rows (datetime/timespan as ADX text, for readable goldens).

import type { Table } from '../../src/kql/data/column.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import { query, type QueryOptions, type QueryResult } from '../../src/kql/index.js';
import type { Scalar, ScalarType } from '../../src/kql/types.js';
import { formatScalar } from '../../src/kql/values/format.js';
import { plainNumbers } from '../functions/scalar-call.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';

/** 2024-01-01T00:00:00Z: a fixed now() so goldens do not depend on the clock. */
export const NOW = parseDatetimeLiteral('2024-01-01T00:00:00Z')!;

export function dt(text: string): bigint {
  const t = parseDatetimeLiteral(text);
  if (t === null) throw new Error(`bad datetime ${text}`);
  return t;
}

/** A table from a column spec ("name:type" pairs) and rows of JS scalars. */
export function table(spec: string, rows: Scalar[][]): Table {
  const cols = spec.split(',').map((s) => s.trim()).map((s) => {
    const [name, type] = s.split(':') as [string, ScalarType];
    return { name, type };
  });
  return {
    columns: cols.map((c, i) => ({ name: c.name, column: columnFromScalars(c.type, rows.map((r) => r[i]!)) })),
    length: rows.length,
  };
}

export function run(text: string, tables: Record<string, Table> = {}, extra: Partial<QueryOptions> = {}): QueryResult {
  return query(text, { tables: new Map(Object.entries(tables)), now: NOW, ...extra });
}

/**
 * Result cells as plain JS: datetime/timespan/guid in ADX text form, others as-is, except that a
 * whole real inside dynamic reads as its number (plainNumbers): these goldens check values; the
 * typing of dynamic numbers is checked through their text (test/values/whole-real.test.ts).
 */
export function rows(r: QueryResult): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < r.table.length; i++) {
    out.push(r.table.columns.map((c) => {
      const v = c.column.get(i);
      if (v === null) return null;
      if (c.column.type === 'datetime' || c.column.type === 'timespan') return formatScalar(c.column.type, v);
      return c.column.type === 'dynamic' ? plainNumbers(v) : v;
    }));
  }
  return out;
}

/** "name:type" list of the result columns. */
export function schema(r: QueryResult): string {
  return r.columns.map((c) => `${c.name}:${c.type}`).join(', ');
}

/** Runs and returns [schema, rows]. */
export function q(text: string, tables: Record<string, Table> = {}, extra: Partial<QueryOptions> = {}): [string, unknown[][]] {
  const r = run(text, tables, extra);
  return [schema(r), rows(r)];
}
