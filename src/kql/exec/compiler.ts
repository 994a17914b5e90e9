// Turns a query's statements and tabular expressions into Relations (pull-based operator
// pipelines). Each operator module compiles its own expressions against its input schema.

import type { CallExpr, Expr, Query, QueryOperator, Statement } from '../syntax/ast.js';
import { KqlError, NotSupportedError, type TableSchema } from '../types.js';
import type { ExecContext } from './context.js';
import { compileScalar, fail } from './expr/compile.js';
import { bindUserFunctionArgs } from './expr/calls.js';
import type { CompileEnv } from './expr/env.js';
import { collect, tableRelation, type Relation } from './relation.js';
import { Scope } from './scope.js';
import { resolveTable, type TableProvider } from './tables.js';
import { compileOperator } from './ops/index.js';
import { compileSourceOperator } from './ops/sources.js';
import { compileSearch } from './ops/search.js';
import { compileInneruniqueJoinWhere, compileJoin } from './ops/join.js';
import { keepColumns, neededColumns } from './pruning.js';

/** Operators that always start a pipeline, even inside a subquery. */
const STARTING_OPERATORS = new Set(['Print', 'Range', 'Datatable', 'ExternalData', 'Find']);

const PLACEHOLDER: Relation = { schema: [], batches: () => [] };

/**
 * A function every parameter of which has a default can be named without parentheses, as
 * ASIM's parsers are (`_Im_Dns | where ...`); the checker accepts the same.
 */
function callableWithoutArguments(decl: import('../syntax/ast.js').FunctionDecl): boolean {
  return decl.params.every((p) => p.defaultValue !== undefined);
}

export class Compiler {
  constructor(readonly ctx: ExecContext, readonly tables: TableProvider) {}

  env(schema: TableSchema, scope: Scope): CompileEnv {
    return {
      ctx: this.ctx, scope, schema,
      tabular: (e, s) => this.tabular(e, s),
      isTabular: (e, s) => this.isTabular(e, s),
      bindLets: (st, s) => this.bindLets(st, s),
    };
  }

  /** Runs the statements; the result is the last tabular expression statement. */
  runQuery(query: Query, scope: Scope): Relation {
    let result: Relation | undefined;
    for (const st of query.statements) {
      const r = this.statement(st, scope);
      if (r) result = r;
    }
    if (!result) throw new KqlError('the query has no tabular expression to run (only let statements?)', 'KQL', query.start, query.end);
    return result;
  }

  bindLets(statements: readonly Statement[], scope: Scope): void {
    for (const st of statements) {
      if (st.kind === 'ExprStatement') fail(st, 'only let statements may precede the result of a function body');
      this.statement(st, scope);
    }
  }

  private statement(st: Statement, scope: Scope): Relation | undefined {
    switch (st.kind) {
      case 'Let': {
        const name = st.name.name;
        const v = st.value;
        if (v.kind === 'FunctionDecl') { scope.set(name, { kind: 'function', decl: v, scope, name }); return undefined; }
        if (this.isTabular(v, scope)) {
          scope.set(name, { kind: 'tabular', relation: this.tabular(v, scope) });
          return undefined;
        }
        const ev = compileScalar(v, this.env([], scope));
        if (ev.constant) scope.set(name, { kind: 'scalar', type: ev.type, value: ev.constant.value });
        else scope.set(name, { kind: 'evaluator', evaluator: ev });
        return undefined;
      }
      case 'ExprStatement': {
        if (!this.isTabular(st.expr, scope)) {
          // A bare scalar expression is not a query in ADX; `print` is.
          fail(st.expr, 'a query must end in a tabular expression (use print to show a scalar)');
        }
        return this.tabular(st.expr, scope);
      }
      case 'Set':
        // Request properties (query_now aside) do not change results here.
        return undefined;
      case 'DeclareQueryParameters': {
        for (const p of st.params) {
          if (scope.lookup(p.name.name)) continue;
          if (p.defaultValue) {
            const ev = compileScalar(p.defaultValue, this.env([], scope));
            if (ev.constant) { scope.set(p.name.name, { kind: 'scalar', type: ev.type, value: ev.constant.value }); continue; }
          }
          fail(p, `query parameter '${p.name.name}' has no value: pass it in QueryOptions.params`);
        }
        return undefined;
      }
      case 'Alias': throw new NotSupportedError('alias statements', st.start, st.end);
      case 'Pattern': throw new NotSupportedError('declare pattern', st.start, st.end);
      case 'Restrict': throw new NotSupportedError('restrict access', st.start, st.end);
    }
  }

  isTabular(expr: Expr, scope: Scope): boolean {
    switch (expr.kind) {
      case 'Pipe': case 'SourceOperator': return true;
      case 'Paren': return this.isTabular(expr.expr, scope);
      case 'NameRef': {
        const b = scope.lookup(expr.name.name);
        if (b) {
          if (b.kind === 'tabular') return true;
          if (b.kind === 'function') return callableWithoutArguments(b.decl) && this.functionIsTabular(b.decl, b.scope);
          return false;
        }
        return this.tables.get(expr.name.name) !== undefined;
      }
      case 'Call': {
        const name = expr.name.name;
        const b = scope.lookup(name);
        if (b?.kind === 'function') return this.functionIsTabular(b.decl, b.scope);
        if (b) return false;
        return name === 'materialize' || name === 'table' || name === 'view' || name === 'cluster' || name === 'database' || expr.target !== undefined;
      }
      case 'Member':
        // cluster('x').database('y').Table
        return expr.target.kind === 'Call' && (expr.target.name.name === 'database' || expr.target.name.name === 'cluster');
      default: return false;
    }
  }

  /** Decides a function's shape from its body, binding parameters and inner lets as placeholders. */
  private functionIsTabular(decl: import('../syntax/ast.js').FunctionDecl, closure: Scope): boolean {
    const s = closure.child();
    for (const p of decl.params) {
      s.set(p.name.name, p.type.kind === 'TabularTypeRef'
        ? { kind: 'tabular', relation: PLACEHOLDER }
        : { kind: 'scalar', type: p.type.type, value: null });
    }
    for (const st of decl.body.statements) {
      if (st.kind !== 'Let') continue;
      const v = st.value;
      if (v.kind === 'FunctionDecl') s.set(st.name.name, { kind: 'function', decl: v, scope: s, name: st.name.name });
      else s.set(st.name.name, this.isTabular(v, s) ? { kind: 'tabular', relation: PLACEHOLDER } : { kind: 'scalar', type: 'dynamic', value: null });
    }
    return this.isTabular(decl.body.result, s);
  }

  /**
   * `needed`: the only columns the consumer will read (see neededColumns), so stored tables
   * and joins below an aggregation need not carry — or gather — the others.
   */
  tabular(expr: Expr, scope: Scope, needed?: ReadonlySet<string>): Relation {
    this.ctx.checkpoint();
    switch (expr.kind) {
      case 'Paren': return this.tabular(expr.expr, scope, needed);
      case 'Pipe': {
        if (expr.op.kind === 'Where') {
          let inner = expr.input;
          while (inner.kind === 'Paren') inner = inner.expr;
          if (inner.kind === 'Pipe' && inner.op.kind === 'Join') {
            const pushed = compileInneruniqueJoinWhere(this, this.tabular(inner.input, scope), inner.op, expr.op, scope, needed);
            if (pushed) return pushed;
          }
        }
        const input = this.tabular(expr.input, scope, neededColumns(expr.op, needed, this.ctx.registry));
        if (expr.op.kind === 'Search') {
          // `T | search ...` names its rows' table in $table.
          const source = expr.input.kind === 'NameRef' ? expr.input.name.name : '';
          return compileSearch(this, input, expr.op, scope, source);
        }
        if (expr.op.kind === 'Join' && needed) return compileJoin(this, input, expr.op, scope, needed);
        return compileOperator(this, input, expr.op, scope);
      }
      case 'SourceOperator': return compileSourceOperator(this, expr.op, scope);
      case 'NameRef': {
        const rel = this.namedTable(expr.name.name, expr, scope);
        return needed ? keepColumns(rel, needed) : rel;
      }
      case 'Call': return this.tabularCall(expr, scope);
      case 'Member':
        throw new NotSupportedError('cross-cluster or cross-database references', expr.start, expr.end);
      default:
        fail(expr, 'a tabular expression is expected here');
    }
  }

  namedTable(name: string, node: Expr, scope: Scope): Relation {
    const b = scope.lookup(name);
    if (b?.kind === 'tabular') return b.relation;
    if (b?.kind === 'function' && callableWithoutArguments(b.decl)) {
      return this.invokeTabularFunction({ kind: 'Call', start: node.start, end: node.end, name: { kind: 'Ident', name, quoted: false, start: node.start, end: node.end }, args: [] }, scope);
    }
    if (b) fail(node, `'${name}' is a scalar value; a table is expected here`);
    const src = resolveTable(this.tables, name);
    if (!src) fail(node, `unknown table '${name}'`, 'KQL102');
    return { schema: src.schema, batches: () => src.batches() };
  }

  private tabularCall(expr: CallExpr, scope: Scope): Relation {
    const name = expr.name.name;
    const b = scope.lookup(name);
    if (b?.kind === 'function') return this.invokeTabularFunction(expr, scope);
    switch (name) {
      case 'materialize': {
        const arg = expr.args[0];
        if (!arg || expr.args.length !== 1) fail(expr, 'materialize() takes one tabular expression');
        const inner = this.tabular(arg, scope);
        const key = expr;
        const cached = (): Relation => {
          let t = this.ctx.materialized.get(key);
          if (!t) { t = collect(inner); this.ctx.materialized.set(key, t); }
          return tableRelation(t);
        };
        return { schema: inner.schema, serialized: inner.serialized, batches: () => cached().batches() };
      }
      case 'table': case 'view': {
        const arg = expr.args[0];
        const ev = arg ? compileScalar(arg, this.env([], scope)) : undefined;
        if (!ev?.constant || typeof ev.constant.value !== 'string') fail(expr, `${name}() takes a constant table name`);
        return this.namedTable(ev.constant.value, expr, scope);
      }
      case 'cluster': case 'database':
        throw new NotSupportedError(`${name}() references`, expr.start, expr.end);
    }
    fail(expr, `'${name}' is not a tabular function`);
  }

  private invokeTabularFunction(expr: CallExpr, scope: Scope): Relation {
    const b = scope.lookup(expr.name.name);
    if (b?.kind !== 'function') fail(expr, `unknown function '${expr.name.name}'`);
    const fnScope = bindUserFunctionArgs(expr, b.decl, b.scope, this.env([], scope));
    this.bindLets(b.decl.body.statements, fnScope);
    return this.tabular(b.decl.body.result, fnScope);
  }

  /**
   * A subquery whose implicit input is `input` (fork branches, facet's `with`, partition,
   * mv-apply, invoke bodies): the leftmost operator of the chain reads `input`. A subquery that
   * starts from a named table or a source operator (print, range, ...) ignores it.
   */
  subquery(expr: Expr, input: Relation, scope: Scope): Relation {
    switch (expr.kind) {
      case 'Paren': return this.subquery(expr.expr, input, scope);
      case 'Pipe': return compileOperator(this, this.subquery(expr.input, input, scope), expr.op, scope);
      case 'SourceOperator':
        if (STARTING_OPERATORS.has(expr.op.kind)) return compileSourceOperator(this, expr.op, scope);
        return compileOperator(this, input, expr.op, scope);
      default: return this.tabular(expr, scope);
    }
  }

  operator(input: Relation, op: QueryOperator, scope: Scope): Relation {
    return compileOperator(this, input, op, scope);
  }
}
