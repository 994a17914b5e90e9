// Name binding: what a name means at a point of the query. Scopes chain outwards
// (function body -> enclosing lets -> query parameters -> database); columns of the current
// row are looked up separately by the checker, before these symbols.

import type { FunctionDecl } from '../syntax/ast.js';
import type { ColumnSchema, Scalar, ScalarType } from '../types.js';

export type TypeOrUnknown = ScalarType | 'unknown';

export interface RowColumn {
  name: string;
  type: TypeOrUnknown;
}

/**
 * The columns of a tabular value as far as they are known statically. `open` means further
 * columns may exist (bag_unpack, pivot, an unknown cross-cluster table): a name that is not
 * listed is then accepted with unknown type instead of being reported.
 */
export interface RowSchema {
  columns: RowColumn[];
  open: boolean;
}

/** A stored function's signature (e.g. Sentinel's ASIM parsers `_Im_Dns`, `imNetworkSession`). */
export interface StoredFunctionSchema {
  name: string;
  params: { name: string; type: ScalarType | 'tabular'; optional?: boolean }[];
  resultColumns: ColumnSchema[];
}

export type SymbolEntry =
  | { kind: 'scalar'; type: TypeOrUnknown; constant?: Scalar }
  | { kind: 'tabular'; schema: RowSchema }
  | { kind: 'function'; name: string; decl: FunctionDecl; scope: Scope }
  | { kind: 'stored'; fn: StoredFunctionSchema };

export class Scope {
  private readonly symbols = new Map<string, SymbolEntry>();

  constructor(readonly parent?: Scope) {}

  define(name: string, entry: SymbolEntry): void {
    this.symbols.set(name, entry);
  }

  /** KQL names are case-sensitive. */
  lookup(name: string): SymbolEntry | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const found = s.symbols.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Every visible name (for "did you mean"). */
  names(): string[] {
    const out: string[] = [];
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) out.push(...s.symbols.keys());
    return out;
  }
}

export function closedSchema(columns: readonly ColumnSchema[] | readonly RowColumn[]): RowSchema {
  return { columns: columns.map((c) => ({ name: c.name, type: c.type })), open: false };
}

/**
 * A stored schema as a row. Schema files sometimes list a column twice; a table cannot have
 * that, so only the first occurrence counts.
 */
export function storedSchema(columns: readonly ColumnSchema[]): RowSchema {
  const seen = new Set<string>();
  const out: RowColumn[] = [];
  for (const c of columns) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    out.push({ name: c.name, type: c.type });
  }
  return { columns: out, open: false };
}

const tableRows = new WeakMap<readonly ColumnSchema[], RowColumn[]>();

/**
 * A table schema as a row. A column listed twice (a slip in some schema files) is renamed as
 * ADX renames clashes (`X1`), which is what Microsoft's parser makes of such a table.
 * The row is built once per table and shared (frozen): operators copy before they change
 * columns, so wide tables are not copied at every reference.
 */
export function tableSchema(columns: readonly ColumnSchema[]): RowSchema {
  let cached = tableRows.get(columns);
  if (cached === undefined) {
    cached = Object.freeze(dedupeTableColumns(columns).map((c) => Object.freeze(c))) as RowColumn[];
    tableRows.set(columns, cached);
  }
  return { columns: cached, open: false };
}

function dedupeTableColumns(columns: readonly ColumnSchema[]): RowColumn[] {
  const seen = new Set<string>();
  const out: RowColumn[] = [];
  for (const c of columns) {
    let name = c.name;
    for (let i = 1; seen.has(name); i++) name = `${c.name}${i}`;
    seen.add(name);
    out.push({ name, type: c.type });
  }
  return out;
}

export const OPEN_EMPTY: RowSchema = Object.freeze({ columns: [], open: true }) as RowSchema;

const columnIndexes = new WeakMap<RowColumn[], { byName: Map<string, RowColumn>; count: number }>();

/**
 * The column of that name. Wide tables (hundreds of columns) are looked up through an index
 * built on first use and extended as extend appends columns in place.
 */
export function findColumn(schema: RowSchema, name: string): RowColumn | undefined {
  const columns = schema.columns;
  if (columns.length < 16) return columns.find((c) => c.name === name);
  let index = columnIndexes.get(columns);
  if (index === undefined || index.count > columns.length) {
    index = { byName: new Map(), count: 0 };
    columnIndexes.set(columns, index);
  }
  for (; index.count < columns.length; index.count++) {
    const c = columns[index.count]!;
    if (!index.byName.has(c.name)) index.byName.set(c.name, c);
  }
  const hit = index.byName.get(name);
  // A rename in place would leave the index stale; verify before trusting it.
  return hit !== undefined && hit.name === name ? hit : hit === undefined ? undefined : columns.find((c) => c.name === name);
}

