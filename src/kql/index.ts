// kqlhunt's KQL engine: parse, check and run Kusto queries over in-memory or streamed tables.
// Runs in Node and in browsers (no Node-only modules).

import type { Table } from './data/column.js';
import { builtinFunctions } from './functions/index.js';
import { check as checkQuery, type CheckEnvironment, type CheckResult, type StoredFunctionSchema } from './semantics/checker.js';
import { parse } from './syntax/parser.js';
import { SourceText } from './syntax/source.js';
import type { Diagnostic } from './syntax/ast.js';
import { KqlError, type ColumnSchema, type Scalar, type ScalarType, type TableSchema } from './types.js';
import { ExecContext } from './exec/context.js';
import { Compiler } from './exec/compiler.js';
import { collect, type RenderInfo } from './exec/relation.js';
import { Scope } from './exec/scope.js';
import type { TableProvider } from './exec/tables.js';
import { UNIX_EPOCH_TICKS } from './data/column.js';
import { StoredFunctionSet, type StoredFunctions } from './exec/stored-functions.js';
import { registryWith } from './exec/extra-functions.js';
import type { ScalarFunctionDef } from './functions/registry.js';

export { parse } from './syntax/parser.js';
export type { ParseResult } from './syntax/parser.js';
export { SourceText, formatDiagnostic } from './syntax/source.js';
export type { TableProvider, TableSource } from './exec/tables.js';
export type { RenderInfo } from './exec/relation.js';
export type { CheckResult, StoredFunctionSchema } from './semantics/checker.js';
export * from './types.js';
export * from './data/column.js';
export { builtinFunctions } from './functions/index.js';
export type { StoredFunction, StoredFunctions } from './exec/stored-functions.js';
export type { ScalarFunctionDef, CallContext } from './functions/registry.js';

/** A query parameter: a JS scalar (bool, number, string, dynamic), or an explicitly typed value (needed for datetime/timespan ticks). */
export type QueryParam = Scalar | { type: ScalarType; value: Scalar };

export interface QueryOptions {
  /** The database: table name -> in-memory Table or a batch-producing TableSource. Names are case-sensitive. */
  tables: TableProvider;
  /** `now()` for the whole query, as 100 ns ticks since 0001-01-01 (default: the current time). */
  now?: bigint;
  /** Values for names the query uses without defining them (and for `declare query_parameters`). */
  params?: Record<string, QueryParam>;
  /** Most rows any operator (range, mv-expand, join) or the result may have; more raises a KqlError. */
  maxRows?: number;
  /** Wall-clock limit in milliseconds; exceeding it raises a KqlError (code 'Timeout'). */
  timeoutMs?: number;
  /** Cancels the query; it stops at the next batch boundary with a KqlError (code 'Cancelled'). */
  signal?: AbortSignal;
  /** Reads a local file for `externaldata` (the engine itself has no file system access). */
  readFile?: (path: string) => string | Uint8Array;
  /**
   * Stored functions (ADX `.create function`), by name: visible to the query as if declared
   * with `let` before it, with bodies that see only tables and each other. One flagged
   * `mergeWithTable` whose name is also a table reads as the table's rows plus the function's,
   * in the table's columns.
   */
  functions?: StoredFunctions;
  /**
   * Scalar functions added to the built-ins; one named like a built-in replaces it (e.g.
   * `geo_info_from_ip_address` backed by the application's GeoIP data). Pass the same array to
   * every query: the combined registry is cached per array.
   */
  scalarFunctions?: readonly ScalarFunctionDef[];
}

export interface QueryResult {
  /** Result columns, in order. */
  columns: ColumnSchema[];
  /** The result rows (columnar). */
  table: Table;
  /** Present when the query ends in `render`: the chart type and its `with (...)` properties. */
  render?: RenderInfo;
  /**
   * Operators that produce several tables (fork, facet) give the first as `columns`/`table`
   * and every one of them, named, here.
   */
  tables?: { name: string; columns: ColumnSchema[]; table: Table }[];
}

/** The current time as ADX ticks. */
export function currentTicks(): bigint {
  return BigInt(Date.now()) * 10000n + UNIX_EPOCH_TICKS;
}

function inferParamType(name: string, v: QueryParam): { type: ScalarType; value: Scalar } {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'type' in v && 'value' in v && typeof v.type === 'string') {
    return v as { type: ScalarType; value: Scalar };
  }
  switch (typeof v) {
    case 'boolean': return { type: 'bool', value: v };
    case 'number': return { type: Number.isInteger(v) ? 'long' : 'real', value: v };
    case 'string': return { type: 'string', value: v };
    case 'bigint': throw new KqlError(`query parameter '${name}' is a bigint: say whether it is a datetime or a timespan ({ type, value })`);
    default: return { type: 'dynamic', value: v as Scalar };
  }
}

/** Throws the first syntax error of a parse as a KqlError that says where it is. */
function throwOnErrors(text: string, diagnostics: readonly Diagnostic[]): void {
  const err = diagnostics.find((d) => d.severity === 'error');
  if (!err) return;
  const { line, column } = new SourceText(text).lineCol(err.start);
  throw new KqlError(`${err.message} (line ${line}, column ${column})`, err.code, err.start, err.end);
}

/**
 * Runs a KQL query and returns its result table. Throws KqlError for syntax, name and type
 * errors (with `start`/`end` offsets into `text`), NotSupportedError for features the engine
 * refuses, and KqlError codes 'Timeout', 'Cancelled' and 'RowLimit' for the limits.
 */
export function query(text: string, options: QueryOptions): QueryResult {
  const parsed = parse(text);
  throwOnErrors(text, parsed.diagnostics);
  const stored = options.functions ? new StoredFunctionSet(options.functions) : undefined;
  const ctx = new ExecContext(
    options.scalarFunctions ? registryWith(builtinFunctions(), options.scalarFunctions) : builtinFunctions(),
    options.now ?? currentTicks(),
    { maxRows: options.maxRows, timeoutMs: options.timeoutMs, signal: options.signal },
    options.readFile,
  );
  const compiler = new Compiler(ctx, options.tables);
  const root = stored ? stored.scope(compiler).child() : new Scope();
  for (const [name, v] of Object.entries(options.params ?? {})) {
    const p = inferParamType(name, v);
    root.set(name, { kind: 'scalar', type: p.type, value: p.value });
  }
  try {
    const rel = compiler.runQuery(parsed.query, root.child());
    const table = collect(rel);
    ctx.checkRows(table.length, 'the query result');
    const result: QueryResult = { columns: rel.schema.map((s) => ({ ...s })), table };
    if (rel.render) result.render = rel.render;
    if (rel.results && rel.results.length > 1) {
      result.tables = rel.results.map((r) => ({ name: r.name, columns: r.relation.schema.map((c) => ({ ...c })), table: collect(r.relation) }));
    }
    return result;
  } catch (caught) {
    const e = caught instanceof KqlError && stored ? stored.locate(caught) : caught;
    if (e instanceof KqlError && e.start !== undefined && !/\(line \d+, column \d+\)$/.test(e.message)) {
      const { line, column } = new SourceText(text).lineCol(e.start);
      e.message = `${e.message} (line ${line}, column ${column})`;
    }
    throw e;
  }
}

export interface CheckOptions {
  /** Table schemas by name (case-sensitive). */
  tables?: ReadonlyMap<string, TableSchema>;
  /** Stored functions the query may call. */
  functions?: ReadonlyMap<string, StoredFunctionSchema>;
  /** Types of query parameters supplied at run time. */
  parameters?: ReadonlyMap<string, ScalarType>;
  /** As QueryOptions.scalarFunctions: functions beyond (or replacing) the built-ins. */
  scalarFunctions?: readonly ScalarFunctionDef[];
}

/**
 * Parses and checks a query without running it: syntax, unknown names, types, and the result
 * schema. Diagnostics carry offsets into `text` (see SourceText / formatDiagnostic).
 */
export function check(text: string, options: CheckOptions = {}): CheckResult {
  const parsed = parse(text);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) {
    return { diagnostics: parsed.diagnostics, schema: null, resultSchema: null, types: new Map() };
  }
  const env: CheckEnvironment = {
    tables: options.tables ?? new Map(),
    registry: options.scalarFunctions ? registryWith(builtinFunctions(), options.scalarFunctions) : builtinFunctions(),
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.parameters ? { parameters: options.parameters } : {}),
  };
  const r = checkQuery(parsed.query, env);
  return { ...r, diagnostics: [...parsed.diagnostics, ...r.diagnostics] };
}

