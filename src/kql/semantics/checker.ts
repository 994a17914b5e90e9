// The semantic checker: binds every name, infers every expression's type, computes the result
// schema of every tabular operator, and reports what ADX would reject. It never guesses: where
// a schema cannot be known statically (bag_unpack, pivot, unknown cross-cluster tables) the
// schema is marked open and later unknown names are accepted rather than reported.

import type {
  CallExpr, Diagnostic, Expr, FunctionDecl, Ident, JoinOp, LookupOp, MvExpandItem, NamedExpr,
  Query, QueryOperator, Statement, SummarizeOp, UnionOp, TypeRef, ColumnPattern, MakeSeriesOp, Node, FindOp,
} from '../syntax/ast.js';
import type { ArgInfo, FunctionRegistry } from '../functions/registry.js';
import type { ColumnSchema, ScalarType, TableSchema } from '../types.js';
import { SCALAR_TYPES, isNumericType } from '../types.js';
import { CODES, didYouMean, error, warning } from './diagnostics.js';
import { knownAggregate, knownPlugin, knownScalar, typeBuiltinCall } from './function-types.js';
import {
  COUNT_COLUMN, expressionName, extendColumnNames, joinRightColumnNames, makeSeriesColumnNames,
  printColumnNames, projectColumnNames, summarizeColumnNames, topHittersAggregateName,
  topNestedAggregateName, unionConflictName, uniqueColumnName, aggregateColumnNames, tupleColumns, byPassThroughColumns, isSameTypeConversion, type NamingContext,
} from './naming.js';
import { OPERATOR_RESULT_CODES } from './operator-types.js';
import {
  Scope, closedSchema, storedSchema, tableSchema, findColumn, type RowColumn, type RowSchema, type StoredFunctionSchema,
  type SymbolEntry, type TypeOrUnknown,
} from './scope.js';

export type { RowSchema, RowColumn, StoredFunctionSchema, TypeOrUnknown } from './scope.js';

export interface CheckEnvironment {
  /** Database tables by name (case-sensitive). */
  tables: ReadonlyMap<string, TableSchema>;
  /** Stored functions (ASIM parsers, ...), callable with or without arguments. */
  functions?: ReadonlyMap<string, StoredFunctionSchema>;
  /** Built-in functions; absent functions fall back to ADX's catalogue (known-functions.ts). */
  registry?: FunctionRegistry;
  /** Query parameters supplied by the caller (besides `declare query_parameters`). */
  parameters?: ReadonlyMap<string, ScalarType>;
  /**
   * Columns `_GetWatchlist(alias)` returns. Sentinel returns these fixed columns plus the
   * watchlist's own columns, so the result is always an open schema.
   */
  watchlistColumns?: readonly ColumnSchema[];
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Result of the last tabular expression statement (unknown column types reported as dynamic). */
  schema: TableSchema | null;
  /** The same result with unknown types kept, and whether further columns may exist. */
  resultSchema: RowSchema | null;
  /** The inferred type of every scalar expression node the checker visited. */
  types: Map<Expr, TypeOrUnknown>;
}

/** Sentinel's watchlist columns (the fixed part; a watchlist's own columns come on top). */
export const WATCHLIST_COLUMNS: readonly ColumnSchema[] = [
  { name: '_DTItemId', type: 'string' },
  { name: 'LastUpdatedTimeUTC', type: 'datetime' },
  { name: 'SearchKey', type: 'string' },
  { name: 'WatchlistItem', type: 'dynamic' },
];

export function check(query: Query, env: CheckEnvironment): CheckResult {
  return new Checker(env).checkQuery(query);
}

/** Where a scalar expression is being typed. */
interface ExprContext {
  row: RowSchema;
  scope: Scope;
  /** Aggregate calls are allowed here (summarize, make-series, top-nested aggregates). */
  aggregates: boolean;
  /** `$left` / `$right` rows inside a join or lookup `on`. */
  left?: RowSchema;
  right?: RowSchema;
}

const EMPTY_ROW: RowSchema = { columns: [], open: false };
const SOURCE_OPERATORS = new Set(['Print', 'Range', 'Datatable', 'ExternalData', 'Union', 'Search', 'Find', 'Evaluate']);
const MAX_CALL_DEPTH = 32;
const ORDERED_TYPES: readonly ScalarType[] = SCALAR_TYPES;

function isTypeName(t: string): t is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(t);
}

function unparen(e: Expr): Expr {
  while (e.kind === 'Paren') e = e.expr;
  return e;
}

const wildcardCache = new Map<string, RegExp>();

function wildcardRegex(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (re === undefined) {
    re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    wildcardCache.set(pattern, re);
  }
  return re;
}

class Checker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly types = new Map<Expr, TypeOrUnknown>();
  private readonly root = new Scope();
  /** Inside a leg of `union isfuzzy=true`: a missing table is a warning and drops the leg. */
  private fuzzyUnionDepth = 0;
  private fuzzyLegMissing = false;
  private callDepth = 0;

  constructor(private readonly env: CheckEnvironment) {
    for (const [name, type] of env.parameters ?? []) this.root.define(name, { kind: 'scalar', type });
    for (const [name, fn] of env.functions ?? []) this.root.define(name, { kind: 'stored', fn });
  }

  checkQuery(query: Query): CheckResult {
    const scope = new Scope(this.root);
    let result: RowSchema | null = null;
    for (const st of query.statements) {
      const r = this.statement(st, scope);
      if (r !== undefined) result = r;
    }
    return {
      diagnostics: this.diagnostics,
      schema: result === null ? null : result.columns.map((c) => ({ name: c.name, type: c.type === 'unknown' ? 'dynamic' : c.type })),
      resultSchema: result,
      types: this.types,
    };
  }

  // ───────────────────────────── statements ─────────────────────────────

  /** Returns the schema when the statement is a tabular expression statement. */
  private statement(st: Statement, scope: Scope): RowSchema | undefined {
    switch (st.kind) {
      case 'Let': {
        const v = st.value;
        if (v.kind === 'FunctionDecl') {
          scope.define(st.name.name, { kind: 'function', name: st.name.name, decl: v, scope });
        } else {
          scope.define(st.name.name, this.bindValue(v, scope));
        }
        return undefined;
      }
      case 'DeclareQueryParameters':
        for (const p of st.params) this.defineParam(p.name.name, p.type, p.defaultValue, scope, undefined);
        return undefined;
      case 'ExprStatement': {
        const b = this.bindValue(st.expr, scope);
        return b.kind === 'tabular' ? b.schema : undefined;
      }
      default:
        return undefined;
    }
  }

  /** Types a let value or statement expression as scalar or tabular, whichever it is. */
  private bindValue(e: Expr, scope: Scope): SymbolEntry {
    if (this.isTabular(e, scope)) return { kind: 'tabular', schema: this.tabular(e, scope) };
    const type = this.expr(e, { row: EMPTY_ROW, scope, aggregates: false });
    const u = unparen(e);
    return u.kind === 'Literal' ? { kind: 'scalar', type, constant: u.value } : { kind: 'scalar', type };
  }

  /** Whether an expression denotes a table rather than a scalar. */
  private isTabular(e: Expr, scope: Scope): boolean {
    const u = unparen(e);
    switch (u.kind) {
      case 'Pipe':
      case 'SourceOperator':
        return true;
      case 'NameRef': {
        const s = scope.lookup(u.name.name);
        if (s !== undefined) return s.kind === 'tabular' || s.kind === 'stored' || (s.kind === 'function' && this.functionIsTabular(s));
        return this.env.tables.has(u.name.name);
      }
      case 'Call': {
        const name = u.name.name;
        if (u.target !== undefined) return true;
        const s = scope.lookup(name);
        if (s !== undefined) return s.kind === 'stored' || s.kind === 'tabular' || (s.kind === 'function' && this.functionIsTabular(s));
        return name === 'materialize' || name === 'table' || name === 'view' || name === '_GetWatchlist'
          || name === 'cluster' || name === 'database' || name === 'external_table' || name === 'materialized_view';
      }
      case 'Member':
        return this.isTabular(u.target, scope) || (u.target.kind === 'Call' && (u.target.name.name === 'database' || u.target.name.name === 'cluster'));
      default:
        return false;
    }
  }

  private functionIsTabular(fn: Extract<SymbolEntry, { kind: 'function' }>): boolean {
    const inner = new Scope(fn.scope);
    for (const p of fn.decl.params) {
      inner.define(p.name.name, p.type.kind === 'TabularTypeRef'
        ? { kind: 'tabular', schema: { columns: [], open: true } }
        : { kind: 'scalar', type: p.type.type });
    }
    for (const st of fn.decl.body.statements) {
      if (st.kind === 'Let') {
        if (st.value.kind === 'FunctionDecl') inner.define(st.name.name, { kind: 'function', name: st.name.name, decl: st.value, scope: inner });
        else inner.define(st.name.name, this.isTabular(st.value, inner) ? { kind: 'tabular', schema: { columns: [], open: true } } : { kind: 'scalar', type: 'unknown' });
      }
    }
    return this.isTabular(fn.decl.body.result, inner);
  }

  private defineParam(name: string, type: TypeRef, defaultValue: Expr | undefined, scope: Scope, arg: SymbolEntry | undefined): void {
    if (type.kind === 'TabularTypeRef') {
      if (arg?.kind === 'tabular') scope.define(name, arg);
      else scope.define(name, { kind: 'tabular', schema: { columns: type.columns.map((c) => ({ name: c.name.name, type: c.type.type })), open: type.open || type.columns.length === 0 } });
    } else {
      if (defaultValue !== undefined) this.expr(defaultValue, { row: EMPTY_ROW, scope, aggregates: false });
      scope.define(name, arg?.kind === 'scalar' && arg.constant !== undefined ? { kind: 'scalar', type: type.type, constant: arg.constant } : { kind: 'scalar', type: type.type });
    }
  }

  // ───────────────────────────── tabular expressions ─────────────────────────────

  /**
   * The schema of a tabular expression. `implicitInput` is the row set an input-less subquery
   * operates on (mv-apply, partition, facet, fork, lookup/join right sides that start with an operator).
   */
  tabular(e: Expr, scope: Scope, implicitInput?: RowSchema): RowSchema {
    switch (e.kind) {
      case 'Paren':
        return this.tabular(e.expr, scope, implicitInput);
      case 'Pipe': {
        const input = this.tabular(e.input, scope, implicitInput);
        return this.operator(e.op, input, scope);
      }
      case 'SourceOperator': {
        if (!SOURCE_OPERATORS.has(e.op.kind) && implicitInput !== undefined) return this.operator(e.op, implicitInput, scope);
        if (!SOURCE_OPERATORS.has(e.op.kind)) return this.operator(e.op, { columns: [], open: true }, scope);
        return this.operator(e.op, null, scope);
      }
      case 'NameRef':
        return this.tableByName(e.name, scope, e);
      case 'Call':
        return this.tabularCall(e, scope);
      case 'Member': {
        // cluster('c').database('d').Table and database('d').Table
        const target = unparen(e.target);
        if (target.kind === 'Call' && (target.name.name === 'database' || target.name.name === 'cluster')) {
          const local = this.env.tables.get(e.member.name);
          return local !== undefined ? tableSchema(local) : { columns: [], open: true };
        }
        this.expr(e, { row: EMPTY_ROW, scope, aggregates: false });
        return { columns: [], open: true };
      }
      case 'Error':
        return { columns: [], open: true };
      default:
        this.report(error(CODES.expectedTabular, 'expected a tabular expression', e));
        this.expr(e, { row: EMPTY_ROW, scope, aggregates: false });
        return { columns: [], open: true };
    }
  }

  private tableByName(id: Ident, scope: Scope, at: Node, fuzzy = false): RowSchema {
    const name = id.name;
    const s = scope.lookup(name);
    if (s !== undefined) {
      switch (s.kind) {
        case 'tabular': return s.schema;
        case 'stored': return storedSchema(s.fn.resultColumns);
        case 'function': return this.invokeUserFunction(s, [], scope, at, undefined).schema ?? { columns: [], open: true };
        case 'scalar':
          this.report(error(CODES.expectedTabular, `'${name}' is a scalar value, not a table`, at));
          return { columns: [], open: true };
      }
    }
    const t = this.env.tables.get(name);
    if (t !== undefined) return tableSchema(t);
    if (name.includes('*')) return this.wildcardTables(name);
    if (fuzzy || this.fuzzyUnionDepth > 0) {
      this.report(warning(CODES.fuzzyUnionMissingTable, `table '${name}' does not exist; isfuzzy=true skips it`, at));
      this.fuzzyLegMissing = true;
      return { columns: [], open: true };
    }
    const candidates = [...this.env.tables.keys(), ...(this.env.functions?.keys() ?? []), ...scope.names()];
    this.report(error(CODES.unknownTable, `unknown table or tabular expression '${name}'${didYouMean(name, candidates)}`, at));
    return { columns: [], open: true };
  }

  /** `union Syslog*`: every table whose name matches, merged as union does. */
  private wildcardTables(pattern: string): RowSchema {
    const re = wildcardRegex(pattern);
    const legs = [...this.env.tables].filter(([n]) => re.test(n)).map(([, t]) => tableSchema(t));
    return legs.length === 0 ? { columns: [], open: true } : this.mergeUnion(legs, 'outer');
  }

  private tabularCall(call: CallExpr, scope: Scope): RowSchema {
    const name = call.name.name;
    if (call.target !== undefined) {
      this.exprArgs(call.args, { row: EMPTY_ROW, scope, aggregates: false });
      return { columns: [], open: true };
    }
    const s = scope.lookup(name);
    if (s?.kind === 'function') return this.invokeUserFunction(s, call.args, scope, call, undefined).schema ?? { columns: [], open: true };
    if (s?.kind === 'stored') {
      this.exprArgs(call.args, { row: EMPTY_ROW, scope, aggregates: false });
      return storedSchema(s.fn.resultColumns);
    }
    if (s?.kind === 'tabular') return s.schema;
    switch (name) {
      case 'materialize':
      case 'view':
        return call.args[0] !== undefined ? this.tabular(call.args[0], scope) : { columns: [], open: true };
      case 'table': {
        const arg = call.args[0] !== undefined ? unparen(call.args[0]) : undefined;
        if (arg?.kind === 'Literal' && arg.type === 'string') {
          return this.tableByName({ kind: 'Ident', name: String(arg.value), quoted: true, start: arg.start, end: arg.end }, scope, arg);
        }
        // table(p) where p is bound to a known string: the columns are known, but a function
        // written over table(p) is usually meant for several tables, so it stays open.
        const bound = arg?.kind === 'NameRef' ? scope.lookup(arg.name.name) : undefined;
        if (bound?.kind === 'scalar' && typeof bound.constant === 'string') {
          const t = this.env.tables.get(bound.constant);
          if (t !== undefined) return { columns: tableSchema(t).columns, open: true };
        }
        if (arg !== undefined) this.expr(arg, { row: EMPTY_ROW, scope, aggregates: false });
        return { columns: [], open: true };
      }
      case '_GetWatchlist':
        this.exprArgs(call.args, { row: EMPTY_ROW, scope, aggregates: false });
        return { columns: (this.env.watchlistColumns ?? WATCHLIST_COLUMNS).map((c) => ({ ...c })), open: true };
      case 'cluster': case 'database': case 'external_table': case 'materialized_view':
        this.exprArgs(call.args, { row: EMPTY_ROW, scope, aggregates: false });
        return { columns: [], open: true };
      default:
        if (knownScalar(name) !== undefined || this.env.registry?.scalar(name) !== undefined) {
          this.report(error(CODES.expectedTabular, `'${name}' returns a scalar, not a table`, call));
        } else {
          this.report(error(CODES.unknownFunction, `unknown function '${name}'${didYouMean(name, this.functionNames(scope))}`, call.name));
        }
        return { columns: [], open: true };
    }
  }

  private functionNames(scope: Scope): string[] {
    const names = new Set<string>(scope.names());
    for (const f of this.env.registry?.allScalars() ?? []) names.add(f.name);
    for (const f of this.env.registry?.allAggregates() ?? []) names.add(f.name);
    for (const f of this.env.functions?.keys() ?? []) names.add(f);
    return [...names];
  }

  /**
   * Checks a let-bound function's body for one call site, binding parameters to the actual
   * arguments (so a tabular parameter carries the caller's schema).
   */
  private invokeUserFunction(
    fn: Extract<SymbolEntry, { kind: 'function' }>,
    args: readonly Expr[],
    callerScope: Scope,
    at: Node,
    row: RowSchema | undefined,
    pipedInput?: RowSchema,
  ): { schema?: RowSchema; type?: TypeOrUnknown } {
    const params = fn.decl.params;
    const positional = args.filter((a) => a.kind !== 'NamedArg');
    const named = new Map(args.filter((a) => a.kind === 'NamedArg').map((a) => [(a as Extract<Expr, { kind: 'NamedArg' }>).name.name, (a as Extract<Expr, { kind: 'NamedArg' }>).value]));
    const offset = pipedInput !== undefined ? 1 : 0;
    const required = params.filter((p) => p.defaultValue === undefined).length;
    if (positional.length + named.size + offset < required || positional.length + named.size + offset > params.length) {
      this.report(error(CODES.argumentCount, `function '${fn.name}' expects ${required === params.length ? params.length : `${required} to ${params.length}`} arguments, got ${positional.length + named.size + offset}`, at));
    }
    const inner = new Scope(fn.scope);
    params.forEach((p, i) => {
      const argExpr = i < offset ? undefined : named.get(p.name.name) ?? positional[i - offset];
      let arg: SymbolEntry | undefined;
      if (i < offset && pipedInput !== undefined) arg = { kind: 'tabular', schema: pipedInput };
      else if (argExpr !== undefined) {
        arg = p.type.kind === 'TabularTypeRef'
          ? { kind: 'tabular', schema: this.tabular(argExpr, callerScope) }
          : this.scalarArgument(argExpr, row ?? EMPTY_ROW, callerScope);
      }
      this.defineParam(p.name.name, p.type, p.defaultValue, inner, arg);
    });
    if (this.callDepth >= MAX_CALL_DEPTH) return { schema: { columns: [], open: true }, type: 'unknown' };
    this.callDepth++;
    try {
      for (const st of fn.decl.body.statements) this.statement(st, inner);
      const result = fn.decl.body.result;
      if (this.isTabular(result, inner)) return { schema: this.tabular(result, inner) };
      return { type: this.expr(result, { row: EMPTY_ROW, scope: inner, aggregates: false }) };
    } finally {
      this.callDepth--;
    }
  }

  /** A scalar argument bound to a parameter, keeping a literal's value (for `table(name)` in the body). */
  private scalarArgument(e: Expr, row: RowSchema, scope: Scope): SymbolEntry {
    const type = this.expr(e, { row, scope, aggregates: false });
    const u = unparen(e);
    if (u.kind === 'Literal') return { kind: 'scalar', type, constant: u.value };
    if (u.kind === 'NameRef') {
      const s = scope.lookup(u.name.name);
      if (s?.kind === 'scalar' && s.constant !== undefined) return s;
    }
    return { kind: 'scalar', type };
  }

  // ───────────────────────────── tabular operators ─────────────────────────────

  private operator(op: QueryOperator, input: RowSchema | null, scope: Scope): RowSchema {
    const row = input ?? EMPTY_ROW;
    const ctx: ExprContext = { row, scope, aggregates: false };
    switch (op.kind) {
      case 'Where': {
        const t = this.expr(op.predicate, ctx);
        if (t !== 'bool' && t !== 'unknown' && t !== 'dynamic') {
          this.report(error(CODES.predicateNotBool, `the '${op.keyword}' predicate must be a bool expression, not ${t}`, op.predicate));
        }
        return row;
      }
      case 'Extend':
        return this.extend(op.items, row, scope);
      case 'Serialize':
        return this.extend(op.items, row, scope);
      case 'Project':
        return this.project(op.items, row, scope);
      case 'ProjectAway': {
        const matched = this.matchPatterns(op.columns, row);
        return { columns: row.columns.filter((c) => !matched.has(c.name)), open: row.open };
      }
      case 'ProjectKeep': {
        const matched = this.matchPatterns(op.columns, row);
        return { columns: row.columns.filter((c) => matched.has(c.name)), open: row.open };
      }
      case 'ProjectRename': {
        const columns = row.columns.map((c) => ({ ...c }));
        for (const item of op.items) {
          const c = columns.find((x) => x.name === item.oldName.name);
          if (c === undefined) {
            if (!row.open) this.unknownColumn(item.oldName.name, row, scope, item.oldName);
            else columns.push({ name: item.newName.name, type: 'unknown' });
          }
          else c.name = item.newName.name;
        }
        return { columns, open: row.open };
      }
      case 'ProjectReorder': {
        const first: RowColumn[] = [];
        for (const p of op.columns) {
          let hits = row.columns.filter((c) => !first.includes(c) && wildcardRegex(p.pattern).test(c.name));
          if (hits.length === 0 && !p.pattern.includes('*') && !row.open) this.unknownColumn(p.pattern, row, scope, p);
          if (p.order === 'asc' || p.order === 'granny-asc') hits = [...hits].sort((a, b) => a.name.localeCompare(b.name));
          if (p.order === 'desc' || p.order === 'granny-desc') hits = [...hits].sort((a, b) => b.name.localeCompare(a.name));
          first.push(...hits);
        }
        return { columns: [...first, ...row.columns.filter((c) => !first.includes(c))], open: row.open };
      }
      case 'Summarize':
        return this.summarize(op, row, scope);
      case 'Count':
        return { columns: [{ name: op.asName?.name ?? COUNT_COLUMN, type: 'long' }], open: false };
      case 'Distinct': {
        if (op.star) {
          for (const c of row.columns) this.requireGroupable(c.type, c.name, op);
          return row;
        }
        const distinct = this.project(op.items.map((e): NamedExpr => ({ kind: 'NamedExpr', names: [], expr: e, start: e.start, end: e.end })), row, scope);
        distinct.columns.forEach((c, i) => this.requireGroupable(c.type, c.name, op.items[i] ?? op));
        return distinct;
      }
      case 'Take':
      case 'Sample':
        this.expr(op.count, { row: EMPTY_ROW, scope, aggregates: false });
        return row;
      case 'Top':
        this.expr(op.count, { row: EMPTY_ROW, scope, aggregates: false });
        this.expr(op.by.expr, ctx);
        return row;
      case 'Sort':
        for (const k of op.keys) this.expr(k.expr, ctx);
        return row;
      case 'SampleDistinct': {
        this.expr(op.count, { row: EMPTY_ROW, scope, aggregates: false });
        return this.project([{ kind: 'NamedExpr', names: [], expr: op.of, start: op.of.start, end: op.of.end }], row, scope);
      }
      case 'TopNested': {
        const columns: RowColumn[] = [];
        for (const clause of op.clauses) {
          if (clause.count !== undefined) this.expr(clause.count, { row: EMPTY_ROW, scope, aggregates: false });
          const ofType = this.expr(clause.of.expr, ctx);
          const ofName = clause.of.names[0]?.name ?? (expressionName(clause.of.expr, this.naming(row, scope)) || 'Column1');
          if (clause.withOthers !== undefined) this.expr(clause.withOthers, ctx);
          const byType = this.expr(clause.by.expr, { ...ctx, aggregates: true });
          columns.push({ name: ofName, type: ofType });
          columns.push({ name: clause.by.names[0]?.name ?? topNestedAggregateName(ofName), type: byType });
        }
        return { columns, open: false };
      }
      case 'TopHitters': {
        this.expr(op.count, { row: EMPTY_ROW, scope, aggregates: false });
        const ofType = this.expr(op.of, ctx);
        const ofName = expressionName(op.of, this.naming(row, scope)) || 'Column1';
        const byType = op.by !== undefined ? this.expr(op.by, ctx) : 'long';
        const byName = op.by !== undefined ? expressionName(op.by, this.naming(row, scope)) : undefined;
        return { columns: [{ name: ofName, type: ofType }, { name: topHittersAggregateName(ofName, byName), type: byType === 'int' ? 'long' : byType }], open: false };
      }
      case 'Join':
        return this.join(op, row, scope);
      case 'Lookup':
        return this.lookup(op, row, scope);
      case 'Union':
        return this.union(op, input, scope);
      case 'As':
        scope.define(op.name.name, { kind: 'tabular', schema: row });
        return row;
      case 'GetSchema':
        return closedSchema([
          { name: 'ColumnName', type: 'string' }, { name: 'ColumnOrdinal', type: 'long' },
          { name: 'DataType', type: 'string' }, { name: 'ColumnType', type: 'string' },
        ]);
      case 'MvExpand':
        if (op.limit !== undefined) this.expr(op.limit, { row: EMPTY_ROW, scope, aggregates: false });
        return this.mvExpand(op.items, op.options, row, scope);
      case 'MvApply': {
        if (op.limit !== undefined) this.expr(op.limit, { row: EMPTY_ROW, scope, aggregates: false });
        // The subquery sees the row with each applied item moved to the end; its result is
        // appended to the input's other columns.
        const naming = this.naming(row, scope);
        const itemNames = new Set(op.items.map((it) => it.item.names[0]?.name ?? expressionName(it.item.expr, naming)));
        const base: RowSchema = { columns: row.columns.filter((c) => !itemNames.has(c.name)), open: row.open };
        const expanded = this.mvExpand(op.items, op.options, base, scope, row);
        const sub = this.tabular(op.subquery, scope, expanded);
        return { columns: [...base.columns, ...sub.columns.filter((c) => findColumn(base, c.name) === undefined)], open: base.open || sub.open };
      }
      case 'Parse': {
        this.expr(op.source, ctx);
        const columns = row.columns.map((c) => ({ ...c }));
        for (const el of op.pattern) {
          if (el.column === undefined) continue;
          const type: ScalarType = el.type?.type ?? 'string';
          const existing = columns.find((c) => c.name === el.column!.name);
          if (existing !== undefined) existing.type = type;
          else columns.push({ name: el.column.name, type });
        }
        return { columns, open: row.open };
      }
      case 'ParseKv': {
        this.expr(op.source, ctx);
        return { columns: [...row.columns, ...op.columns.map((c) => ({ name: c.name.name, type: c.type.type }))], open: row.open };
      }
      case 'MakeSeries':
        return this.makeSeries(op, row, scope);
      case 'Render':
        return row;
      case 'Evaluate':
        return this.evaluate(op.plugin, row, scope);
      case 'Invoke': {
        const s = scope.lookup(op.call.name.name);
        if (s?.kind === 'function') return this.invokeUserFunction(s, op.call.args, scope, op.call, undefined, row).schema ?? { columns: [], open: true };
        if (s?.kind === 'stored') return storedSchema(s.fn.resultColumns);
        this.report(error(CODES.unknownFunction, `unknown function '${op.call.name.name}'${didYouMean(op.call.name.name, this.functionNames(scope))}`, op.call.name));
        return { columns: [], open: true };
      }
      case 'Facet':
        for (const c of op.columns) if (findColumn(row, c.name) === undefined && !row.open) this.unknownColumn(c.name, row, scope, c);
        if (op.withOp !== undefined) this.tabular(op.withOp, scope, row);
        return { columns: [], open: true };
      case 'Fork':
        for (const b of op.branches) this.tabular(b.query, scope, row);
        return { columns: [], open: true };
      case 'Partition':
        if (findColumn(row, op.by.name) === undefined && !row.open) this.unknownColumn(op.by.name, row, scope, op.by);
        return this.tabular(op.subquery, scope, row);
      case 'Consume':
        return { columns: [], open: false };
      case 'Scan': {
        const declared: RowColumn[] = op.declare.map((c) => ({ name: c.name.name, type: c.type.type }));
        const scanRow: RowSchema = { columns: [...row.columns, ...declared.filter((d) => findColumn(row, d.name) === undefined)], open: row.open };
        for (const d of op.declareDefaults) if (d !== undefined) this.expr(d, { row: EMPTY_ROW, scope, aggregates: false });
        for (const k of op.orderBy ?? []) this.expr(k.expr, ctx);
        for (const p of op.partitionBy ?? []) this.expr(p, ctx);
        const stepScope = new Scope(scope);
        for (const step of op.steps) stepScope.define(step.name.name, { kind: 'tabular', schema: scanRow });
        for (const step of op.steps) {
          const stepCtx: ExprContext = { row: this.withStepColumns(scanRow, op.steps.map((s) => s.name.name)), scope: stepScope, aggregates: false };
          this.expr(step.condition, stepCtx);
          for (const a of step.assignments) this.expr(a.expr, stepCtx);
        }
        return scanRow;
      }
      case 'Search': {
        const legs = op.tables.map((t) => this.tabular(t, scope));
        const searched = input ?? (legs.length > 0 ? this.mergeUnion(legs, 'outer') : { columns: [], open: true });
        this.expr(op.predicate, { row: { columns: searched.columns, open: true }, scope, aggregates: false });
        return { columns: [{ name: '$table', type: 'string' }, ...searched.columns], open: true };
      }
      case 'Find':
        return this.find(op, scope);
      case 'Print': {
        const names = printColumnNames(op.items);
        return { columns: op.items.map((item, i) => ({ name: names[i]![0]!, type: this.expr(item.expr, ctx) })), open: false };
      }
      case 'Range': {
        const t = this.expr(op.from, ctx);
        this.expr(op.to, ctx);
        this.expr(op.step, ctx);
        return { columns: [{ name: op.column.name, type: t === 'int' ? 'long' : t }], open: false };
      }
      case 'Datatable':
        for (const v of op.values) this.expr(v, ctx);
        return { columns: op.columns.map((c) => ({ name: c.name.name, type: c.type.type })), open: false };
      case 'ExternalData':
        for (const u of op.uris) this.expr(u, ctx);
        return { columns: op.columns.map((c) => ({ name: c.name.name, type: c.type.type })), open: false };
      case 'Reduce':
        this.expr(op.by, ctx);
        return closedSchema([{ name: 'Pattern', type: 'string' }, { name: 'Count', type: 'long' }, { name: 'Representative', type: 'string' }]);
      case 'Generic':
        for (const p of op.parts) this.expr(p, { row: { columns: row.columns, open: true }, scope, aggregates: true });
        return { columns: [], open: true };
    }
  }

  private withStepColumns(row: RowSchema, steps: string[]): RowSchema {
    // Scan steps refer to each other's columns as `Step.Column`, typed by the Member rule.
    return { columns: row.columns, open: row.open || steps.length > 0 };
  }

  private naming(row: RowSchema, scope: Scope): NamingContext {
    return {
      hasInputColumn: (n) => findColumn(row, n) !== undefined,
      isUserFunction: (n) => {
        const s = scope.lookup(n);
        return s?.kind === 'function' || s?.kind === 'stored';
      },
    };
  }

  private extend(items: readonly NamedExpr[], row: RowSchema, scope: Scope): RowSchema {
    const columns = row.columns.map((c) => ({ ...c }));
    const names = extendColumnNames(items, columns.map((c) => c.name), this.naming(row, scope));
    const seen = new Set<string>();
    // Items read the input row as it was (a column replaced by an earlier item keeps its input
    // type, as in ADX); names the input lacks may refer to columns earlier items added.
    const readable: RowSchema = { columns: row.columns.slice(), open: row.open };
    items.forEach((item, i) => {
      const t = this.expr(item.expr, { row: readable, scope, aggregates: false });
      const itemNames = names[i]!;
      itemNames.forEach((name, k) => {
        if (item.names.length > 0 && seen.has(name)) {
          this.report(error(CODES.duplicateColumn, `column '${name}' is assigned twice in the same extend`, item.names[k] ?? item));
        }
        seen.add(name);
        const type = itemNames.length > 1 ? this.tupleMemberType(item, k) : t;
        const existing = findColumn({ columns, open: false }, name);
        if (existing !== undefined) existing.type = type;
        else {
          columns.push({ name, type });
          readable.columns.push({ name, type });
        }
      });
    });
    return { columns, open: row.open };
  }

  /** The type of member k of a tuple-valued item (series_stats, ...); dynamic when unknown. */
  private tupleMemberType(item: NamedExpr, k: number): TypeOrUnknown {
    const t = tupleColumns(item.expr, [])?.[k]?.type;
    return t !== undefined && isTypeName(t) ? t : 'dynamic';
  }

  private project(items: readonly NamedExpr[], row: RowSchema, scope: Scope): RowSchema {
    const names = projectColumnNames(items, this.naming(row, scope));
    const out: RowColumn[] = [];
    items.forEach((item, i) => {
      const t = this.expr(item.expr, { row, scope, aggregates: false });
      const itemNames = names[i]!;
      itemNames.forEach((name, k) => {
        if (out.some((c) => c.name === name)) {
          this.report(error(CODES.duplicateColumn, `column '${name}' is declared twice`, item.names[k] ?? item));
          return;
        }
        out.push({ name, type: itemNames.length > 1 ? this.tupleMemberType(item, k) : t });
      });
    });
    return { columns: out, open: false };
  }

  private matchPatterns(patterns: readonly ColumnPattern[], row: RowSchema): Set<string> {
    const matched = new Set<string>();
    for (const p of patterns) {
      const re = wildcardRegex(p.pattern);
      const hits = row.columns.filter((c) => re.test(c.name));
      if (hits.length === 0 && !p.pattern.includes('*') && !row.open) {
        this.report(error(CODES.unknownColumn, `unknown column '${p.pattern}'${didYouMean(p.pattern, row.columns.map((c) => c.name))}`, p));
      }
      for (const h of hits) matched.add(h.name);
    }
    return matched;
  }

  /** `tostring(s)` of a string column and the like: the by-column is the input column itself. */
  private isSameTypeConversion(call: CallExpr, row: RowSchema): boolean {
    return isSameTypeConversion(call, (name) => {
      const t = findColumn(row, name)?.type;
      return t === undefined || t === 'unknown' ? undefined : t;
    });
  }

  /** ADX refuses to group by a dynamic value (summarize by, distinct): it must be cast first. */
  private requireGroupable(type: TypeOrUnknown, name: string, at: Node): void {
    if (type === 'dynamic') {
      this.report(error(CODES.dynamicGroupKey, `cannot group by '${name}' of type dynamic; convert it first, e.g. tostring(${name})`, at));
    }
  }

  private summarize(op: SummarizeOp, row: RowSchema, scope: Scope): RowSchema {
    const naming = this.naming(row, scope);
    const passThrough = byPassThroughColumns(op.by, (call) => this.isSameTypeConversion(call, row));
    const names = summarizeColumnNames(op.aggregates, op.by, row.columns.map((c) => c.name), naming, passThrough);
    const out: RowColumn[] = [];
    const add = (name: string, type: TypeOrUnknown, at: Node): void => {
      if (out.some((c) => c.name === name)) {
        this.report(error(CODES.duplicateColumn, `column '${name}' is declared twice in summarize`, at));
        return;
      }
      out.push({ name, type });
    };
    op.by.forEach((item, i) => {
      const t = this.expr(item.expr, { row, scope, aggregates: false });
      this.requireGroupable(t, names.by[i]!, item.expr);
      add(names.by[i]!, t, item.names[0] ?? item);
    });
    op.aggregates.forEach((item, i) => {
      const itemNames = names.aggregates[i]!;
      const types = this.aggregateItemTypes(item, row, scope, passThrough);
      if (!this.containsAggregate(item.expr, scope)) {
        this.report(error(CODES.notAnAggregate, 'a summarize aggregate must be an aggregate function call (count(), sum(x), ...)', item.expr));
      }
      itemNames.forEach((n, k) => add(n, types[k] ?? types[0] ?? 'unknown', item.names[k] ?? item));
    });
    // arg_max(x, *) over an open row brings along columns nobody can list.
    const expandsStar = op.aggregates.some((a) => {
      const c = unparen(a.expr);
      return c.kind === 'Call' && c.args.some((x) => x.kind === 'Star');
    });
    return { columns: out, open: row.open && expandsStar };
  }

  /** The types of the columns one summarize aggregate item produces (several for arg_max(x, *)). */
  private aggregateItemTypes(item: NamedExpr, row: RowSchema, scope: Scope, byNames: readonly string[]): TypeOrUnknown[] {
    const call = unparen(item.expr);
    const ctx: ExprContext = { row, scope, aggregates: true };
    if (call.kind === 'Call' && !this.isUserFunction(call.name.name, scope)) {
      const shape = aggregateColumnNames(call, row.columns.map((c) => c.name), byNames, this.naming(row, scope));
      if (shape.kind === 'multi') {
        this.expr(call, ctx);
        return shape.columns.map((c) => (c.arg === 'star' ? findColumn(row, c.name)?.type ?? 'unknown' : this.types.get(c.arg) ?? 'unknown'));
      }
      if (shape.kind === 'percentiles') {
        const t = this.expr(call, ctx);
        return shape.names.map(() => t);
      }
    }
    return [this.expr(item.expr, ctx)];
  }

  private containsAggregate(e: Expr, scope: Scope): boolean {
    const u = unparen(e);
    switch (u.kind) {
      case 'Call': {
        if (this.isAggregateName(u.name.name, scope)) return true;
        const s = scope.lookup(u.name.name);
        // A user function may wrap aggregates; ADX accepts that, so do not second-guess it.
        if (s?.kind === 'function') return true;
        return u.args.some((a) => this.containsAggregate(a, scope));
      }
      case 'Binary': return this.containsAggregate(u.left, scope) || this.containsAggregate(u.right, scope);
      case 'Unary': return this.containsAggregate(u.operand, scope);
      case 'Member': return this.containsAggregate(u.target, scope);
      case 'Index': return this.containsAggregate(u.target, scope) || this.containsAggregate(u.index, scope);
      case 'Between': return this.containsAggregate(u.expr, scope);
      case 'In': return this.containsAggregate(u.expr, scope);
      case 'Error': return true;
      default: return false;
    }
  }

  private isAggregateName(name: string, scope: Scope): boolean {
    if (this.isUserFunction(name, scope)) return false;
    return this.env.registry?.aggregate(name) !== undefined || knownAggregate(name) !== undefined;
  }

  /** A let-bound or stored function of that name shadows the built-in (a let-bound scalar does not). */
  private isUserFunction(name: string, scope: Scope): boolean {
    const s = scope.lookup(name);
    return s?.kind === 'function' || s?.kind === 'stored';
  }

  private makeSeries(op: MakeSeriesOp, row: RowSchema, scope: Scope): RowSchema {
    const ctx: ExprContext = { row, scope, aggregates: false };
    this.expr(op.on, ctx);
    for (const e of [op.from, op.to, op.step]) if (e !== undefined) this.expr(e, { row: EMPTY_ROW, scope, aggregates: false });
    if (op.inRange !== undefined) for (const e of [op.inRange.start, op.inRange.stop, op.inRange.step]) this.expr(e, { row: EMPTY_ROW, scope, aggregates: false });
    const names = makeSeriesColumnNames(op.aggregates.map((a) => a.item), op.on, op.by, this.naming(row, scope));
    const out: RowColumn[] = op.by.map((item, i) => ({ name: names.by[i]!, type: this.expr(item.expr, ctx) }));
    op.aggregates.forEach((a, i) => {
      this.expr(a.item.expr, { ...ctx, aggregates: true });
      if (a.defaultValue !== undefined) this.expr(a.defaultValue, { row: EMPTY_ROW, scope, aggregates: false });
      out.push({ name: names.aggregates[i]!, type: 'dynamic' });
    });
    out.push({ name: names.axis, type: 'dynamic' });
    return { columns: out, open: false };
  }

  /** `source` is the row the item expressions read (mv-apply removes the items from `row` first). */
  private mvExpand(items: readonly MvExpandItem[], options: readonly { name: string; value: Expr }[], row: RowSchema, scope: Scope, source: RowSchema = row): RowSchema {
    const columns = row.columns.map((c) => ({ ...c }));
    const naming = this.naming(source, scope);
    for (const it of items) {
      this.expr(it.item.expr, { row: source, scope, aggregates: false });
      const name = it.item.names[0]?.name ?? (expressionName(it.item.expr, naming) || 'Column1');
      const type: TypeOrUnknown = it.toType?.type ?? 'dynamic';
      const existing = columns.find((c) => c.name === name);
      if (existing !== undefined) existing.type = type;
      else columns.push({ name, type });
    }
    const indexOption = options.find((o) => o.name === 'with_itemindex');
    if (indexOption !== undefined) {
      const v = unparen(indexOption.value);
      const name = v.kind === 'NameRef' ? v.name.name : v.kind === 'Literal' ? String(v.value) : 'itemindex';
      columns.push({ name, type: 'long' });
    }
    return { columns, open: row.open };
  }

  private joinSides(op: JoinOp | LookupOp, row: RowSchema, scope: Scope): RowSchema {
    const right = this.tabular(op.right, scope, row);
    for (const cond of op.on) this.joinCondition(cond, row, right, scope);
    return right;
  }

  /** Right-side key columns named in `on` (`on a` or `$right.b`). */
  private joinKeys(on: readonly Expr[]): { left: Set<string>; right: Set<string> } {
    const left = new Set<string>();
    const right = new Set<string>();
    const visit = (e: Expr): void => {
      const u = unparen(e);
      if (u.kind === 'NameRef') { left.add(u.name.name); right.add(u.name.name); }
      else if (u.kind === 'Binary') { visit(u.left); visit(u.right); }
      else if (u.kind === 'Member' && u.target.kind === 'NameRef') {
        if (u.target.name.name === '$left') left.add(u.member.name);
        if (u.target.name.name === '$right') right.add(u.member.name);
      }
    };
    on.forEach(visit);
    return { left, right };
  }

  private joinCondition(cond: Expr, left: RowSchema, right: RowSchema, scope: Scope): void {
    const u = unparen(cond);
    if (u.kind === 'NameRef') {
      for (const [side, schema] of [['left', left], ['right', right]] as const) {
        if (findColumn(schema, u.name.name) === undefined && !schema.open) {
          this.report(error(CODES.unknownColumn, `join key '${u.name.name}' is not a column of the ${side} side${didYouMean(u.name.name, schema.columns.map((c) => c.name))}`, u));
        }
      }
      const lt = findColumn(left, u.name.name)?.type ?? 'unknown';
      this.types.set(u, lt);
      this.requireSameKeyTypes(lt, findColumn(right, u.name.name)?.type ?? 'unknown', u);
      return;
    }
    if (u.kind === 'Binary' && u.op === 'and') {
      this.joinCondition(u.left, left, right, scope);
      this.joinCondition(u.right, left, right, scope);
      return;
    }
    const ctx: ExprContext = { row: EMPTY_ROW, scope, aggregates: false, left, right };
    if (u.kind === 'Binary' && u.op === '==') {
      const side = (e: Expr): string | undefined => {
        const m = unparen(e);
        return m.kind === 'Member' && m.target.kind === 'NameRef' ? m.target.name.name : undefined;
      };
      if (side(u.left) !== '$left' || side(u.right) !== '$right') {
        this.report(error(CODES.joinCondition, 'a join condition compares columns as $left.<column> == $right.<column>', u));
      }
      const lt = this.expr(u.left, ctx);
      const rt = this.expr(u.right, ctx);
      this.types.set(u, 'bool');
      // Unlike a common column, `$left.a == $right.b` lets numeric types differ.
      if (!(isNumericType(lt as ScalarType) && isNumericType(rt as ScalarType))) this.requireSameKeyTypes(lt, rt, u);
      return;
    }
    this.expr(u, ctx);
  }

  /** ADX joins only on keys of one type (an int key does not match a long one either). */
  private requireSameKeyTypes(left: TypeOrUnknown, right: TypeOrUnknown, at: Node): void {
    if (left === 'unknown' || right === 'unknown' || left === right) return;
    this.report(error(CODES.joinKeyTypes, `join keys have different types: ${left} on the left, ${right} on the right`, at));
  }

  private join(op: JoinOp, row: RowSchema, scope: Scope): RowSchema {
    const right = this.joinSides(op, row, scope);
    const kindOpt = op.options.find((o) => o.name === 'kind');
    const kindExpr = kindOpt !== undefined ? unparen(kindOpt.value) : undefined;
    const kind = kindExpr?.kind === 'NameRef' ? kindExpr.name.name.toLowerCase() : 'innerunique';
    if (kind === 'leftanti' || kind === 'anti' || kind === 'leftantisemi' || kind === 'leftsemi') return row;
    if (kind === 'rightanti' || kind === 'rightsemi' || kind === 'rightantisemi') return right;
    const rightNames = joinRightColumnNames(row.columns.map((c) => c.name), right.columns.map((c) => c.name));
    return {
      columns: [...row.columns, ...right.columns.map((c, i) => ({ name: rightNames[i]!, type: c.type }))],
      open: row.open || right.open,
    };
  }

  private lookup(op: LookupOp, row: RowSchema, scope: Scope): RowSchema {
    const right = this.joinSides(op, row, scope);
    const keys = this.joinKeys(op.on);
    const rest = right.columns.filter((c) => !keys.right.has(c.name));
    const names = joinRightColumnNames(row.columns.map((c) => c.name), rest.map((c) => c.name));
    return { columns: [...row.columns, ...rest.map((c, i) => ({ name: names[i]!, type: c.type }))], open: row.open || right.open };
  }

  private union(op: UnionOp, input: RowSchema | null, scope: Scope): RowSchema {
    const fuzzy = op.options.some((o) => o.name === 'isfuzzy' && unparen(o.value).kind === 'Literal' && (unparen(o.value) as { value: unknown }).value === true);
    const legs: RowSchema[] = input !== null ? [input] : [];
    const outerMissing = this.fuzzyLegMissing;
    let droppedLeg = false;
    if (fuzzy) this.fuzzyUnionDepth++;
    try {
      for (const t of op.tables) {
        this.fuzzyLegMissing = false;
        const u = unparen(t);
        const leg = u.kind === 'NameRef' ? this.tableByName(u.name, scope, u, fuzzy) : this.tabular(t, scope);
        // ADX drops a fuzzy leg whose table does not exist. Columns that leg would have had
        // are then unknown rather than wrong, so the result is left open.
        if (!(fuzzy && this.fuzzyLegMissing)) legs.push(leg);
        else droppedLeg = true;
      }
    } finally {
      if (fuzzy) this.fuzzyUnionDepth--;
      this.fuzzyLegMissing = outerMissing;
    }
    const kindOpt = op.options.find((o) => o.name === 'kind');
    const kindExpr = kindOpt !== undefined ? unparen(kindOpt.value) : undefined;
    const kind = kindExpr?.kind === 'NameRef' && kindExpr.name.name.toLowerCase() === 'inner' ? 'inner' : 'outer';
    const merged = this.mergeUnion(legs, kind);
    if (droppedLeg) merged.open = true;
    const source = op.options.find((o) => o.name === 'withsource');
    if (source !== undefined) {
      const v = unparen(source.value);
      const name = v.kind === 'NameRef' ? v.name.name : v.kind === 'Literal' ? String(v.value) : 'TableName';
      return { columns: [{ name, type: 'string' }, ...merged.columns], open: merged.open };
    }
    return merged;
  }

  /**
   * union's column merging: columns in order of first appearance; a name whose type differs
   * between legs becomes one column per type, `Name_type`, in order of first appearance.
   */
  private mergeUnion(legs: readonly RowSchema[], kind: 'inner' | 'outer'): RowSchema {
    const order: string[] = [];
    const typesByName = new Map<string, TypeOrUnknown[]>();
    for (const leg of legs) {
      for (const c of leg.columns) {
        let ts = typesByName.get(c.name);
        if (ts === undefined) {
          ts = [];
          typesByName.set(c.name, ts);
          order.push(c.name);
        }
        if (!ts.includes(c.type)) ts.push(c.type);
      }
    }
    const open = legs.some((l) => l.open);
    const inAll = (name: string): boolean => legs.every((l) => l.open || findColumn(l, name) !== undefined);
    const columns: RowColumn[] = [];
    for (const name of order) {
      if (kind === 'inner' && !inAll(name)) continue;
      const ts = typesByName.get(name)!.filter((t) => t !== 'unknown');
      if (ts.length <= 1) columns.push({ name, type: ts[0] ?? 'unknown' });
      else for (const t of ts) columns.push({ name: unionConflictName(name, t), type: t });
    }
    return { columns, open };
  }

  /**
   * find: the source table's name (`source_`, or withsource=), then the projected columns, or
   * without `project` the columns every table has plus `pack_` (a bag of the rest). A column
   * whose type differs between tables is dynamic.
   */
  private find(op: FindOp, scope: Scope): RowSchema {
    const legs = op.tables.map((t) => this.tabular(t, scope));
    const known = legs.length > 0 && legs.every((l) => !l.open);
    const searched: RowSchema = known ? this.mergeUnion(legs, 'outer') : { columns: [], open: true };
    this.expr(op.predicate, { row: { columns: searched.columns, open: true }, scope, aggregates: false });
    const sourceOption = op.options.find((o) => o.name === 'withsource');
    const sourceValue = sourceOption !== undefined ? unparen(sourceOption.value) : undefined;
    const source = sourceValue?.kind === 'NameRef' ? sourceValue.name.name : 'source_';
    const typeAcross = (name: string): TypeOrUnknown => {
      const types = new Set(legs.map((l) => findColumn(l, name)?.type).filter((t) => t !== undefined));
      return types.size === 1 ? [...types][0]! : types.size === 0 ? 'unknown' : 'dynamic';
    };
    const columns: RowColumn[] = [{ name: source, type: 'string' }];
    if (op.project !== undefined && op.project.mode === 'project') {
      for (const item of op.project.items) {
        const u = unparen(item);
        if (u.kind === 'NameRef') columns.push({ name: u.name.name, type: known ? typeAcross(u.name.name) : 'unknown' });
        else if (u.kind === 'NamedArg' && u.value.kind === 'TypeOf' && u.value.type.kind === 'ScalarTypeRef') columns.push({ name: u.name.name, type: u.value.type.type });
        else return { columns, open: true };
      }
      return { columns, open: !known };
    }
    if (!known || op.project !== undefined && op.project.mode !== 'project-smart') return { columns, open: true };
    // Columns every table has, in the first table's order.
    for (const c of legs[0]!.columns) {
      if (legs.every((l) => findColumn(l, c.name) !== undefined)) columns.push({ name: c.name, type: typeAcross(c.name) });
    }
    columns.push({ name: 'pack_', type: 'dynamic' });
    return { columns, open: false };
  }

  private evaluate(plugin: CallExpr, row: RowSchema, scope: Scope): RowSchema {
    const name = plugin.name.name;
    // Plugin arguments may name columns of other inputs (ipv4_lookup's lookup table) and take
    // aggregates (pivot(Key, any(Value))), so they are typed leniently.
    const ctx: ExprContext = { row: { columns: row.columns, open: true }, scope, aggregates: true };
    for (const a of plugin.args) {
      if (this.isTabular(a, scope)) this.tabular(a, scope);
      else this.expr(a, ctx);
    }
    switch (name) {
      case 'bag_unpack': {
        const target = plugin.args[0] !== undefined ? unparen(plugin.args[0]) : undefined;
        const unpacked = target?.kind === 'NameRef' ? target.name.name : undefined;
        return { columns: row.columns.filter((c) => c.name !== unpacked), open: true };
      }
      case 'narrow':
        return closedSchema([{ name: 'Row', type: 'long' }, { name: 'Column', type: 'string' }, { name: 'Value', type: 'string' }]);
      case 'ipv4_lookup':
      case 'ipv6_lookup': {
        const lookupTable = plugin.args[0] !== undefined ? this.tabular(plugin.args[0], scope) : { columns: [], open: true };
        const names = joinRightColumnNames(row.columns.map((c) => c.name), lookupTable.columns.map((c) => c.name));
        return { columns: [...row.columns, ...lookupTable.columns.map((c, i) => ({ name: names[i]!, type: c.type }))], open: row.open || lookupTable.open };
      }
      default:
        if (knownPlugin(name) === undefined) {
          this.report(error(CODES.unknownPlugin, `unknown plugin '${name}'`, plugin.name));
        }
        // Most plugins keep (some of) the input columns and add their own; which ones is
        // plugin-specific, so the result is open and the input's columns keep their types.
        return { columns: row.columns, open: true };
    }
  }

  // ───────────────────────────── scalar expressions ─────────────────────────────

  expr(e: Expr, ctx: ExprContext): TypeOrUnknown {
    const t = this.exprInner(e, ctx);
    this.types.set(e, t);
    return t;
  }

  private exprArgs(args: readonly Expr[], ctx: ExprContext): TypeOrUnknown[] {
    return args.map((a) => this.expr(a, ctx));
  }

  private exprInner(e: Expr, ctx: ExprContext): TypeOrUnknown {
    switch (e.kind) {
      case 'Literal':
        return e.type;
      case 'NameRef':
        return this.name(e.name, ctx, e);
      case 'Paren':
        return this.expr(e.expr, ctx);
      case 'Member': {
        const target = unparen(e.target);
        if (target.kind === 'NameRef' && (target.name.name === '$left' || target.name.name === '$right')) {
          const side = target.name.name === '$left' ? ctx.left : ctx.right;
          if (side === undefined) {
            this.report(error(CODES.unknownColumn, `'${target.name.name}' can only be used in a join or lookup condition`, target));
            return 'unknown';
          }
          const c = findColumn(side, e.member.name);
          if (c === undefined && !side.open) {
            this.report(error(CODES.unknownColumn, `unknown column '${e.member.name}' on the ${target.name.name.slice(1)} side${didYouMean(e.member.name, side.columns.map((x) => x.name))}`, e.member));
          }
          return c?.type ?? 'unknown';
        }
        const t = this.expr(e.target, ctx);
        if (t !== 'unknown' && t !== 'dynamic') {
          this.report(error(CODES.notDynamic, `'.${e.member.name}' needs a dynamic value; this is a ${t}`, e));
          return 'unknown';
        }
        return t;
      }
      case 'Index': {
        const t = this.expr(e.target, ctx);
        this.expr(e.index, ctx);
        if (t !== 'unknown' && t !== 'dynamic') {
          this.report(error(CODES.notDynamic, `[...] needs a dynamic value; this is a ${t}`, e));
          return 'unknown';
        }
        return t;
      }
      case 'Call':
        return this.call(e, ctx);
      case 'Unary': {
        const t = this.expr(e.operand, ctx);
        return t === 'int' ? 'int' : t;
      }
      case 'Binary':
        return this.binary(e.op, e.left, e.right, e, ctx);
      case 'Between': {
        this.expr(e.expr, ctx);
        this.expr(e.low, ctx);
        this.expr(e.high, ctx);
        return 'bool';
      }
      case 'In': {
        const t = this.expr(e.expr, ctx);
        // Case-insensitive and term matching compare text; `in`/`!in` compare any scalar.
        if (e.op !== 'in' && e.op !== '!in' && t !== 'string' && t !== 'dynamic' && t !== 'unknown') {
          this.report(error(CODES.operatorTypes, `operator '${e.op}' needs a string or dynamic value on its left, not ${t}`, e.expr));
        }
        for (const item of e.list) {
          if (this.isTabular(item, ctx.scope)) this.tabular(item, ctx.scope);
          else this.expr(item, { ...ctx, aggregates: false });
        }
        return 'bool';
      }
      case 'NamedArg':
        return this.expr(e.value, ctx);
      case 'Star':
      case 'TypeOf':
      case 'Error':
        return 'unknown';
      case 'Pipe':
      case 'SourceOperator':
        this.tabular(e, ctx.scope, ctx.row);
        return 'unknown';
    }
  }

  private name(id: Ident, ctx: ExprContext, at: Node): TypeOrUnknown {
    const col = findColumn(ctx.row, id.name);
    if (col !== undefined) return col.type;
    const s = ctx.scope.lookup(id.name);
    if (s !== undefined) {
      if (s.kind === 'scalar') return s.type;
      // Tables and functions used as values (e.g. a parameterless function, `T` in `x in (T)`).
      if (s.kind === 'function') {
        const r = this.invokeUserFunction(s, [], ctx.scope, at, ctx.row);
        return r.type ?? 'unknown';
      }
      return 'unknown';
    }
    if (ctx.row.open) return 'unknown';
    if (this.env.tables.has(id.name)) return 'unknown';
    if (id.name === '$left' || id.name === '$right') return 'unknown';
    this.unknownColumn(id.name, ctx.row, ctx.scope, at);
    return 'unknown';
  }

  private unknownColumn(name: string, row: RowSchema, scope: Scope, at: Node): void {
    const candidates = [...row.columns.map((c) => c.name), ...scope.names().filter((n) => scope.lookup(n)?.kind === 'scalar')];
    this.report(error(CODES.unknownColumn, `unknown column or variable '${name}'${didYouMean(name, candidates)}`, at));
  }

  private binary(op: string, left: Expr, right: Expr, at: Node, ctx: ExprContext): TypeOrUnknown {
    const lt = this.expr(left, ctx);
    const rt = this.expr(right, ctx);
    const codes = OPERATOR_RESULT_CODES[op];
    const isPredicate = op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '%';
    if (codes === undefined) return isPredicate ? 'bool' : 'unknown';
    if (lt === 'unknown' || rt === 'unknown') return isPredicate ? 'bool' : 'unknown';
    const code = codes[ORDERED_TYPES.indexOf(lt) * ORDERED_TYPES.length + ORDERED_TYPES.indexOf(rt)];
    if (code === '!') {
      this.report(error(CODES.operatorTypes, `operator '${op}' cannot be applied to ${lt} and ${rt}`, at));
      return isPredicate ? 'bool' : 'unknown';
    }
    return CODE_TYPES[code ?? '?'] ?? 'unknown';
  }

  private argInfo(e: Expr, ctx: ExprContext): ArgInfo {
    const u = unparen(e);
    if (u.kind === 'Star') return { type: 'unknown', star: true };
    if (u.kind === 'TypeOf') {
      this.types.set(e, 'unknown');
      return u.type.kind === 'ScalarTypeRef' ? { type: 'unknown', typeLiteral: u.type.type } : { type: 'unknown' };
    }
    if (this.isTabular(u, ctx.scope) && u.kind !== 'NameRef') {
      this.tabular(u, ctx.scope, ctx.row);
      return { type: 'tabular' };
    }
    const type = this.expr(e, ctx);
    const info: ArgInfo = { type };
    if (u.kind === 'Literal') info.constant = u.value;
    if (u.kind === 'NameRef') info.columnName = u.name.name;
    return info;
  }

  private call(call: CallExpr, ctx: ExprContext): TypeOrUnknown {
    const name = call.name.name;
    if (call.target !== undefined) {
      this.expr(call.target, ctx);
      this.exprArgs(call.args, ctx);
      return 'unknown';
    }
    const s = ctx.scope.lookup(name);
    if (s?.kind === 'function') {
      const r = this.invokeUserFunction(s, call.args, ctx.scope, call, ctx.row);
      return r.type ?? 'unknown';
    }
    if (s?.kind === 'stored') {
      this.exprArgs(call.args, ctx);
      return 'unknown';
    }
    switch (name) {
      case 'toscalar': {
        const arg = call.args[0];
        if (arg === undefined) return 'unknown';
        if (this.isTabular(arg, ctx.scope)) {
          const sch = this.tabular(arg, ctx.scope);
          return sch.columns[0]?.type ?? 'unknown';
        }
        return this.expr(arg, { ...ctx, aggregates: false });
      }
      case 'column_ifexists': {
        const [nameArg, fallback] = call.args;
        const fallbackType = fallback !== undefined ? this.expr(fallback, ctx) : 'unknown';
        const lit = nameArg !== undefined ? unparen(nameArg) : undefined;
        if (nameArg !== undefined) this.expr(nameArg, ctx);
        if (lit?.kind === 'Literal' && lit.type === 'string') {
          const c = findColumn(ctx.row, String(lit.value));
          if (c !== undefined) return c.type;
        }
        return fallbackType;
      }
      case 'materialize':
        this.report(error(CODES.expectedScalar, `materialize() returns a table, not a scalar`, call));
        return 'unknown';
      default:
        break;
    }
    const isAggregate = this.env.registry?.aggregate(name) !== undefined || knownAggregate(name) !== undefined;
    const isScalar = this.env.registry?.scalar(name) !== undefined || knownScalar(name) !== undefined;
    if (isAggregate && (!isScalar || ctx.aggregates)) {
      if (!ctx.aggregates) {
        this.report(error(CODES.aggregateOutsideSummarize, `aggregate function '${name}()' can only be used in summarize, make-series or top-nested aggregates`, call));
      }
      // An aggregate's arguments are evaluated per row: no nested aggregates.
      const args = call.args.map((a) => this.argInfo(a, { ...ctx, aggregates: false }));
      return this.builtin(name, 'aggregate', args, call);
    }
    const args = call.args.map((a) => this.argInfo(a, ctx));
    if (isScalar) return this.builtin(name, 'scalar', args, call);
    if (knownPlugin(name) !== undefined) return 'unknown';
    this.report(error(CODES.unknownFunction, `unknown function '${name}'${didYouMean(name, this.functionNames(ctx.scope))}`, call.name));
    return 'unknown';
  }

  private builtin(name: string, kind: 'scalar' | 'aggregate', args: ArgInfo[], call: CallExpr): TypeOrUnknown {
    const r = typeBuiltinCall(name, kind, args, this.env.registry);
    if (r === undefined) return 'unknown';
    if (!r.ok) this.report(error(r.code === 'count' ? CODES.argumentCount : CODES.argumentType, r.message, call));
    return r.type;
  }

  private report(d: Diagnostic): void {
    // A let-bound table checked at several uses must not repeat the same finding.
    if (this.diagnostics.some((x) => x.start === d.start && x.end === d.end && x.code === d.code && x.message === d.message)) return;
    this.diagnostics.push(d);
  }
}

const CODE_TYPES: Record<string, TypeOrUnknown> = {
  b: 'bool', i: 'int', l: 'long', r: 'real', m: 'decimal', s: 'string', d: 'datetime', t: 'timespan', g: 'guid', y: 'dynamic', '?': 'unknown',
};

/** A table's schema from loose column descriptions, rejecting type names ADX does not have. */
export function tableSchemaFrom(columns: readonly { name: string; type: string }[]): TableSchema {
  return columns.map((c) => {
    const t = c.type.toLowerCase();
    return { name: c.name, type: isTypeName(t) ? t : t === 'double' ? 'real' : t === 'boolean' ? 'bool' : t === 'int32' ? 'int' : t === 'int64' ? 'long' : 'dynamic' };
  });
}
