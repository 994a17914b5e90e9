// The CLI's one point of contact with the engine (src/kql): parse, check, run. Keeping it in
// one module means the commands never depend on engine internals.

import type { Diagnostic, Query } from '../kql/syntax/ast.js';
import { parse } from '../kql/syntax/parser.js';
import { check, WATCHLIST_COLUMNS, type CheckEnvironment, type StoredFunctionSchema } from '../kql/semantics/checker.js';
import type { Table } from '../kql/data/column.js';
import type { TableProvider } from '../kql/exec/tables.js';
import { KqlError, type ColumnSchema, type Scalar, type ScalarType, type TableSchema } from '../kql/types.js';
import type { LoadedTable } from '../io/data-files.js';
import type { SchemaCatalog } from '../io/schemas.js';
import { declaredParameterTypes, parameterFromText } from '../io/query-params.js';
import type { ResultSet } from './render.js';
import { UsageError } from './args.js';
import { ContentCatalogue } from '../catalog/catalogue.js';

let content: ContentCatalogue | undefined;

/**
 * The content functions (Zeek views, ASIM parsers) and GeoIP, loaded once. The internal
 * subnets views use for connection direction come from KQLHUNT_INTERNAL_SUBNETS
 * (comma-separated CIDRs) when set.
 */
export function contentCatalogue(): ContentCatalogue {
  const subnets = process.env['KQLHUNT_INTERNAL_SUBNETS'];
  content ??= new ContentCatalogue(subnets ? { internalSubnets: subnets.split(',').map((s) => s.trim()).filter((s) => s !== '') } : {});
  return content;
}

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
export function checkEnvironment(
  catalog: SchemaCatalog,
  loaded: readonly LoadedTable[] = [],
  /** Tables of the embedded store: their stored columns win over the catalogue's, as loaded files do. */
  stored: ReadonlyMap<string, TableSchema> = new Map(),
): CheckEnvironment {
  const tables = new Map<string, TableSchema>(catalog.tables);
  // The tables content functions read (Zeek_conn, ...) are known even before any are loaded.
  for (const [name, schema] of contentCatalogue().sourceTables) if (!tables.has(name)) tables.set(name, schema);
  for (const [name, schema] of stored) tables.set(name, schema);
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

export interface RunOptions {
  catalog: SchemaCatalog;
  tables: readonly LoadedTable[];
  /** The embedded store's tables, read when no loaded file supplies the table. */
  store?: TableProvider;
  now?: bigint;
  /** As given on the command line; converted to the types `declare query_parameters` gives them. */
  params: Record<string, string>;
  maxRows?: number;
  timeoutMs?: number;
}

export interface RunOutcome {
  /** Errors (and warnings) with offsets into the query text. */
  diagnostics: Diagnostic[];
  /** Errors that concern no position in the query (limits, cancellation). */
  errors: string[];
  result?: ResultSet;
  /** Known tables the query read that had no data loaded: they ran as empty tables. */
  emptyTables: string[];
}

/**
 * Runs a query over loaded tables. Tables the catalogue knows but no file supplied are
 * empty, as in a workspace that has the table but no matching rows; they are listed in
 * `emptyTables` so the CLI can say so. A --param value its declared type cannot read is a UsageError.
 */
export async function runQuery(text: string, options: RunOptions): Promise<RunOutcome> {
  const parsed = parse(text);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics, errors: [], emptyTables: [] };

  const declared = declaredParameterTypes(parsed.query);
  const params: Record<string, { type: ScalarType; value: Scalar }> = {};
  for (const [name, valueText] of Object.entries(options.params)) {
    const converted = parameterFromText(valueText, declared.get(name));
    if (converted === undefined) {
      throw new UsageError(`--param ${name}=${valueText}: not a valid ${declared.get(name)}, as the query declares it`, 'query');
    }
    params[name] = converted;
  }

  const loaded = new Map<string, Table>(options.tables.map((t) => [t.name, t.table]));
  const emptyTables = new Set<string>();
  const provider = {
    get(name: string) {
      const table = loaded.get(name);
      if (table !== undefined) return table;
      const stored = options.store?.get(name);
      if (stored !== undefined) return stored;
      const schema = options.catalog.table(name);
      if (schema === undefined) return undefined;
      emptyTables.add(name);
      return { schema, batches: (): Iterable<Table> => [] };
    },
    keys: () => new Set([...loaded.keys(), ...(options.store?.keys?.() ?? []), ...options.catalog.tables.keys()]),
  };

  const { query } = await import('../kql/index.js');
  const views = contentCatalogue();
  try {
    const result = query(text, {
      ...views.queryOptions(provider),
      params,
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    // A view merged with its table (VMConnection over Zeek_conn) may have rows though the table has none.
    for (const fn of views.functions.values()) if (fn.mergeWithTable) emptyTables.delete(fn.name);
    return { diagnostics: [], errors: [], result: { schema: result.columns, table: result.table, ...(result.tables ? { tables: result.tables.map((t) => ({ name: t.name, schema: t.columns, table: t.table })) } : {}) }, emptyTables: [...emptyTables] };
  } catch (e) {
    if (!(e instanceof KqlError)) throw e;
    if (e.start === undefined) return { diagnostics: [], errors: [e.message], emptyTables: [...emptyTables] };
    // The engine appends "(line L, column C)" for API users; the CLI shows the position itself.
    const message = e.message.replace(/ \(line \d+, column \d+\)$/, '');
    return {
      diagnostics: [{ severity: 'error', code: e.code, message, start: e.start, end: e.end ?? e.start }],
      errors: [],
      emptyTables: [...emptyTables],
    };
  }
}
