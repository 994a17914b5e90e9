// summarize and distinct: rows are assigned to groups by their by-keys, batch by batch, and
// each aggregate accumulates columnar updates (AggregateFunctionDef.create/update/finish).
// An item may also be an expression over aggregates (`100.0 * countif(x) / count()`): its
// aggregate calls become hidden columns and the expression runs over the grouped result.

import type { Column, Table } from '../../data/column.js';
import type { ArgInfo, CallContext, GroupedAggregator } from '../../functions/registry.js';
import type { CallExpr, DistinctOp, Expr, NameRef, SummarizeOp } from '../../syntax/ast.js';
import { byPassThroughColumns, expressionName, isSameTypeConversion, summarizeColumnNames } from '../../semantics/naming.js';
import { KqlError, NotSupportedError, type ScalarType, type TableSchema } from '../../types.js';
import type { Compiler } from '../compiler.js';
import { argInfo } from '../expr/calls.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Evaluator } from '../evaluator.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext, requireSerialized, wholeInput } from './common.js';
import { GroupTable } from './grouping.js';

export interface AggPlan {
  /** Output column positions filled by this aggregate (in the aggregate part of the output). */
  types: ScalarType[];
  args: Evaluator[];
  create: () => GroupedAggregator;
  multi: boolean;
}

interface ItemPlan {
  /** Aggregates feeding this item (one for a plain call). */
  aggs: AggPlan[];
  /** For expression items: evaluates over the hidden aggregate columns. */
  post?: Evaluator;
  names: string[];
  types: ScalarType[];
}

export function unparen(e: Expr): Expr {
  while (e.kind === 'Paren') e = e.expr;
  return e;
}

export function isAggregateCall(c: Compiler, e: Expr, scope: Scope): e is CallExpr {
  return e.kind === 'Call' && e.target === undefined && scope.lookup(e.name.name)?.kind !== 'function' &&
    c.ctx.registry.aggregate(e.name.name) !== undefined;
}

export function planAggregate(
  c: Compiler, call: CallExpr, input: Relation, scope: Scope, byNames: readonly string[], allowMulti: boolean,
): AggPlan {
  const def = c.ctx.registry.aggregate(call.name.name)!;
  const env = c.env(input.schema, scope);
  const args: Evaluator[] = [];
  const infos: ArgInfo[] = [];
  const firstName = call.args[0] ? expressionName(call.args[0], namingContext(input.schema, scope)) : '';
  call.args.forEach((a, i) => {
    if (a.kind === 'Star') {
      // `*` stands for every input column except the by-columns (and arg_max's key column).
      const skip = new Set<string>(byNames);
      if (i > 0 && call.args[0] && unparen(call.args[0]).kind === 'NameRef') skip.add(firstName);
      if (call.name.name === 'take_any' || call.name.name === 'any') skip.clear();
      input.schema.forEach((col, idx) => {
        if (skip.has(col.name)) return;
        args.push({ type: col.type, eval: (b) => b.columns[idx]!.column });
        infos.push({ type: col.type, columnName: col.name });
      });
      return;
    }
    if (a.kind === 'NamedArg') fail(a, `aggregate '${def.name}' does not take named arguments`);
    const ev = compileScalar(a, env);
    args.push(ev);
    infos.push(argInfo(a, ev, env));
  });
  if (!def.create) throw new NotSupportedError(def.name, call.start, call.end);
  let types: ScalarType[];
  if (def.outputTypes) {
    const t = def.outputTypes(infos);
    if (typeof t === 'string') fail(call, t.slice('error:'.length).trim());
    types = t;
  } else {
    const r = typeof def.returns === 'function' ? def.returns(infos) : def.returns;
    if (r.startsWith('error:')) fail(call, r.slice('error:'.length).trim());
    types = [r as ScalarType];
  }
  if (types.length > 1 && !allowMulti) fail(call, `'${def.name}' produces several columns and cannot be used inside an expression`);
  const callCtx: CallContext = { now: c.ctx.now, cache: new Map(), args: infos };
  const create = def.create;
  return {
    types, args, multi: def.outputTypes !== undefined,
    create: () => {
      try { return create(infos, callCtx); } catch (e) { throw located(e, call); }
    },
  };
}

function located(e: unknown, node: { start: number; end: number }): unknown {
  if (e instanceof KqlError && e.start === undefined) return new KqlError(e.message, e.code, node.start, node.end);
  return e;
}

/** Replaces aggregate calls inside an expression by references to hidden columns. */
function extractAggregates(c: Compiler, e: Expr, scope: Scope, found: CallExpr[]): Expr {
  if (isAggregateCall(c, e, scope)) {
    found.push(e);
    const name = `__agg${found.length - 1}`;
    const ref: NameRef = { kind: 'NameRef', start: e.start, end: e.end, name: { kind: 'Ident', name, quoted: true, start: e.start, end: e.end } };
    return ref;
  }
  const copy: Record<string, unknown> = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (Array.isArray(v)) copy[k] = v.map((x) => (x && typeof x === 'object' && 'kind' in x ? extractAggregates(c, x as Expr, scope, found) : x));
    else if (v && typeof v === 'object' && 'kind' in v && k !== 'name' && k !== 'member') copy[k] = extractAggregates(c, v as Expr, scope, found);
  }
  return copy as unknown as Expr;
}

export function compileSummarize(c: Compiler, input: Relation, op: SummarizeOp, scope: Scope): Relation {
  const naming = namingContext(input.schema, scope);
  // ADX's `arg_max(x, *)` leaves out only by-columns that are input columns as they are
  // (`by Computer`, `by tostring(s)` of a string s) — `by bin(T, 1h)` still repeats T as T1.
  const passThrough = byPassThroughColumns(op.by, (call) => isSameTypeConversion(call, (name) => input.schema.find((s) => s.name === name)?.type));
  const names = summarizeColumnNames(op.aggregates, op.by, input.schema.map((s) => s.name), naming, passThrough);
  const env = c.env(input.schema, scope);
  const byEvals = op.by.map((item) => {
    if (item.names.length > 1) fail(item, 'a summarize by-item takes one name');
    return compileScalar(item.expr, env);
  });
  const plans: ItemPlan[] = op.aggregates.map((item, i) => {
    const e = unparen(item.expr);
    if (isAggregateCall(c, e, scope)) {
      const agg = planAggregate(c, e, input, scope, names.passThrough, true);
      const outNames = names.aggregates[i]!;
      if (agg.types.length !== outNames.length) {
        fail(item, `'${e.name.name}' produces ${agg.types.length} columns, but ${outNames.length} names are given`);
      }
      return { aggs: [agg], names: outNames, types: agg.types };
    }
    const found: CallExpr[] = [];
    const rewritten = extractAggregates(c, item.expr, scope, found);
    if (found.length === 0) fail(item, 'a summarize item must be an aggregation (count(), sum(x), ...) or an expression over aggregations');
    const aggs = found.map((call) => planAggregate(c, call, input, scope, names.passThrough, false));
    const hidden: TableSchema = [
      ...op.by.map((_, k) => ({ name: names.by[k]!, type: byEvals[k]!.type })),
      ...aggs.map((a, k) => ({ name: `__agg${k}`, type: a.types[0]! })),
    ];
    const post = compileScalar(rewritten, c.env(hidden, scope));
    return { aggs, post, names: names.aggregates[i]!, types: [post.type] };
  });
  const schema: TableSchema = [
    ...names.by.map((n, k) => ({ name: n, type: byEvals[k]!.type })),
    ...plans.flatMap((p) => p.names.map((n, k) => ({ name: n, type: p.types[k]! }))),
  ];
  const seen = new Set<string>();
  for (const s of schema) {
    if (seen.has(s.name)) fail(op, `summarize produces two columns named '${s.name}'`);
    seen.add(s.name);
  }
  const whole = byEvals.some((e) => e.needsWholeInput) || plans.some((p) => p.aggs.some((a) => a.args.some((x) => x.needsWholeInput)));
  requireSerialized(input, whole, op);
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const groups = new GroupTable(byEvals.map((e) => e.type));
      const aggregators = plans.map((p) => p.aggs.map((a) => a.create()));
      for (const b of checked(ctx, whole ? wholeInput(input) : input.batches())) {
        const ids = groups.assign(byEvals.map((e) => e.eval(b)), b.length);
        plans.forEach((p, i) => p.aggs.forEach((a, j) => {
          aggregators[i]![j]!.update(ids, groups.count, a.args.map((x) => x.eval(b)));
        }));
      }
      if (byEvals.length === 0 && groups.count === 0) groups.count = 1;
      const n = groups.count;
      if (n === 0) return;
      const keys = groups.keyColumns();
      const out: Column[] = [...keys];
      plans.forEach((p, i) => {
        const finished = p.aggs.map((a, j) => (a.multi ? aggregators[i]![j]!.finishMany!(n) : [aggregators[i]![j]!.finish(n)]));
        if (!p.post) { out.push(...finished[0]!); return; }
        const hiddenSchema: TableSchema = [
          ...names.by.map((nm, k) => ({ name: nm, type: byEvals[k]!.type })),
          ...p.aggs.map((a, k) => ({ name: `__agg${k}`, type: a.types[0]! })),
        ];
        const hiddenTable: Table = makeTable(hiddenSchema, [...keys, ...finished.map((f) => f[0]!)], n);
        out.push(p.post.eval(hiddenTable));
      });
      out.forEach((col, k) => {
        if (col.type !== schema[k]!.type) {
          throw new KqlError(`internal: summarize column '${schema[k]!.name}' is ${col.type}, expected ${schema[k]!.type}`);
        }
      });
      yield makeTable(schema, out, n);
    },
  };
}

export function compileDistinct(c: Compiler, input: Relation, op: DistinctOp, scope: Scope): Relation {
  const env = c.env(input.schema, scope);
  let keys: { name: string; ev: Evaluator }[];
  if (op.star) {
    keys = input.schema.map((s, idx) => ({ name: s.name, ev: { type: s.type, eval: (b: Table) => b.columns[idx]!.column } }));
  } else {
    const taken = new Set<string>();
    keys = op.items.map((e) => {
      let name = expressionName(e, namingContext(input.schema, scope));
      if (name === '' || taken.has(name)) fail(e, 'distinct takes column names');
      taken.add(name);
      if (columnIndex(input.schema, name) < 0 && unparen(e).kind === 'NameRef') name = (unparen(e) as NameRef).name.name;
      return { name, ev: compileScalar(e, env) };
    });
  }
  const schema: TableSchema = keys.map((k) => ({ name: k.name, type: k.ev.type }));
  return {
    schema,
    batches: function* () {
      const groups = new GroupTable(keys.map((k) => k.ev.type));
      for (const b of checked(c.ctx, input.batches())) groups.assign(keys.map((k) => k.ev.eval(b)), b.length);
      if (groups.count === 0) return;
      yield makeTable(schema, groups.keyColumns(), groups.count);
    },
  };
}

