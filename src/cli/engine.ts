// The CLI's one point of contact with the engine (src/kql): parse, check, run. Keeping it in
// one module means the commands never depend on engine internals.

import type { Diagnostic } from '../kql/syntax/ast.js';
import { parse } from '../kql/syntax/parser.js';
import { check, WATCHLIST_COLUMNS, type CheckEnvironment, type StoredFunctionSchema } from '../kql/semantics/checker.js';
import type { ColumnSchema, TableSchema } from '../kql/types.js';
import type { LoadedTable } from '../io/data-files.js';
import type { SchemaCatalog } from '../io/schemas.js';

export interface CheckOutcome {
  diagnostics: Diagnostic[];
  /** The result's columns; null when only the syntax was checked or the query has no tabular result. */
  schema: ColumnSchema[] | null;
}

export function syntaxCheck(text: string): CheckOutcome {
  return { diagnostics: parse(text).diagnostics, schema: null };
}

/**
 * The checker's view of the catalogue, plus loaded tables (their actual columns win: a
 * loaded file may carry columns the schema lacks). `_GetWatchlist` is the checker's own
 * built-in; the CI's declaration of it only adds columns.
 */
export function checkEnvironment(catalog: SchemaCatalog, loaded: readonly LoadedTable[] = []): CheckEnvironment {
  const tables = new Map<string, TableSchema>(catalog.tables);
  for (const t of loaded) tables.set(t.name, t.schema);
  const functions = new Map<string, StoredFunctionSchema>();
  let watchlistColumns: ColumnSchema[] = [...WATCHLIST_COLUMNS];
  for (const [name, fn] of catalog.functions) {
    if (name === '_GetWatchlist') {
      watchlistColumns = [...watchlistColumns, ...fn.columns.filter((c) => !watchlistColumns.some((w) => w.name === c.name))];
      continue;
    }
    functions.set(name, {
      name,
      params: fn.params.map((p) => ({ name: p.name, type: p.type, optional: !p.required })),
      resultColumns: fn.columns,
    });
  }
  return { tables, functions, watchlistColumns };
}

export function semanticCheck(text: string, env: CheckEnvironment): CheckOutcome {
  const parsed = parse(text);
  // After a syntax error the tree holds error nodes; checking it would mostly echo them.
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics, schema: null };
  const checked = check(parsed.query, env);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics];
  // A best-effort schema of a query with errors would be misleading.
  return { diagnostics, schema: diagnostics.some((d) => d.severity === 'error') ? null : checked.schema };
}
