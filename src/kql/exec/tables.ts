// The database the query reads: named tables, given as in-memory tables or as sources
// that produce batches on demand.

import type { Table } from '../data/column.js';
import type { TableSchema } from '../types.js';
import { batchesOf, schemaOf } from './columns.js';

/** A table produced on demand (e.g. read from files or a store), batch by batch. */
export interface TableSource {
  readonly schema: TableSchema;
  batches(): Iterable<Table>;
}

/**
 * Name -> table. Names are case-sensitive, as in ADX. A `Map` works; `names()` (or a Map's
 * `keys()`) lets `union` expand wildcards such as `union Syslog*`.
 */
export interface TableProvider {
  get(name: string): Table | TableSource | undefined;
  keys?(): Iterable<string>;
}

export function isTableSource(t: Table | TableSource): t is TableSource {
  return typeof (t as TableSource).batches === 'function';
}

export function resolveTable(provider: TableProvider, name: string): TableSource | undefined {
  const t = provider.get(name);
  if (t === undefined) return undefined;
  if (isTableSource(t)) return t;
  const schema = schemaOf(t);
  return { schema, batches: () => batchesOf(t) };
}

export function tableNames(provider: TableProvider): string[] {
  return provider.keys ? [...provider.keys()] : [];
}
