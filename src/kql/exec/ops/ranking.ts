// top-nested, top-hitters, sample and sample-distinct: operators that keep a ranked or random
// subset of groups or rows.

import { NumberColumn, type Column } from '../../data/column.js';
import type { ArgInfo, GroupedAggregator } from '../../functions/registry.js';
import type { SampleDistinctOp, SampleOp, TopHittersOp, TopNestedOp } from '../../syntax/ast.js';
import { expressionName } from '../../semantics/naming.js';
import { type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { compareValues } from '../../values/compare.js';
import { convertTo } from '../../values/convert.js';
import { ColumnBuilder, gather, gatherTable } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { argInfo } from '../expr/calls.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Evaluator } from '../evaluator.js';
import { collect, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext } from './common.js';
import { GroupTable } from './grouping.js';
import { isAggregateCall, planAggregate, unparen, type AggPlan } from './summarize.js';
import { constantCount } from './take.js';

/** Orders aggregate values: nulls (and NaN) always last, whatever the direction. */
function rankCompare(type: ScalarType, desc: boolean): (a: Scalar, b: Scalar) => number {
  return (a, b) => {
    const an = a === null || (typeof a === 'number' && Number.isNaN(a));
    const bn = b === null || (typeof b === 'number' && Number.isNaN(b));
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    const r = compareValues(type, a, b);
    return desc ? -r : r;
  };
}

interface NestedLevel {
  count: number;
  of: Evaluator;
  ofName: string;
  agg: AggPlan;
  aggName: string;
  aggType: ScalarType;
  others?: Scalar;
  desc: boolean;
}

/** A kept group at one level; `others` nodes end their branch (deeper columns are null). */
interface NestedNode {
  parent: number;
  of: Scalar;
  value: Scalar;
  others: boolean;
  children: number[];
}

export function compileTopNested(c: Compiler, input: Relation, op: TopNestedOp, scope: Scope): Relation {
  const env = c.env(input.schema, scope);
  const naming = namingContext(input.schema, scope);
  const taken = new Set<string>();
  const levels: NestedLevel[] = op.clauses.map((cl) => {
    const count = cl.count ? constantCount(c, cl.count, scope, 'top-nested') : Infinity;
    const of = compileScalar(cl.of.expr, env);
    const ofName = cl.of.names[0]?.name ?? expressionName(cl.of.expr, naming);
    if (ofName === '') fail(cl.of, 'top-nested needs a name for this expression (Name = expression)');
    const call = unparen(cl.by.expr);
    if (!isAggregateCall(c, call, scope)) fail(cl.by, 'top-nested ranks by an aggregation such as count() or sum(x)');
    const agg = planAggregate(c, call, input, scope, [], false);
    const aggName = cl.by.names[0]?.name ?? `aggregated_${ofName}`;
    for (const n of [ofName, aggName]) {
      if (taken.has(n)) fail(cl, `top-nested produces two columns named '${n}'`);
      taken.add(n);
    }
    let others: Scalar | undefined;
    if (cl.withOthers) {
      const ev = compileScalar(cl.withOthers, c.env([], scope));
      if (!ev.constant) fail(cl.withOthers, "top-nested 'with others' needs a constant");
      others = convertTo(of.type, ev.type, ev.constant.value);
    }
    return { count, of, ofName, agg, aggName, aggType: agg.types[0]!, others, desc: (cl.direction ?? 'desc') === 'desc' };
  });
  const schema: TableSchema = levels.flatMap((l) => [{ name: l.ofName, type: l.of.type }, { name: l.aggName, type: l.aggType }]);
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const t = collect(input);
      if (t.length === 0) return;
      // nodes[L] holds the kept groups of level L; rows carry the node they belong to (or -1).
      const nodes: NestedNode[][] = [];
      let rowNode = new Int32Array(t.length);
      let parentCount = 1;
      for (let L = 0; L < levels.length; L++) {
        ctx.checkpoint();
        const level = levels[L]!;
        const alive: number[] = [];
        for (let r = 0; r < t.length; r++) if (rowNode[r]! >= 0) alive.push(r);
        const idx = Int32Array.from(alive);
        const sub = idx.length === t.length ? t : gatherTable(t, idx);
        const parentCol = new NumberColumn('long', Float64Array.from(idx, (r) => rowNode[r]!), null);
        const groups = new GroupTable(['long', level.of.type]);
        const ids = groups.assign([parentCol, level.of.eval(sub)], sub.length);
        const args = level.agg.args.map((a) => a.eval(sub));
        const aggregator = level.agg.create();
        aggregator.update(ids, groups.count, args);
        const values = aggregator.finish(groups.count);
        const [parents, ofValues] = groups.keyColumns() as [Column, Column];
        const byParent: number[][] = Array.from({ length: parentCount }, () => []);
        for (let g = 0; g < groups.count; g++) byParent[parents.get(g) as number]!.push(g);
        const cmp = rankCompare(level.aggType, level.desc);
        const levelNodes: NestedNode[] = [];
        const groupNode = new Int32Array(groups.count).fill(-1);
        const othersOf = new Int32Array(parentCount).fill(-1);
        byParent.forEach((gs, p) => {
          gs.sort((a, b) => cmp(values.get(a), values.get(b)));
          gs.forEach((g, rank) => {
            if (rank < level.count) {
              groupNode[g] = levelNodes.length;
              levelNodes.push({ parent: p, of: ofValues.get(g), value: values.get(g), others: false, children: [] });
            } else if (level.others !== undefined && othersOf[p]! < 0) {
              othersOf[p] = -2;
            }
          });
        });
        if (level.others !== undefined) {
          // The others row of each parent aggregates the rows of its groups that were not kept.
          const othersIds = new Int32Array(sub.length);
          const slots: number[] = [];
          for (let p = 0; p < parentCount; p++) if (othersOf[p] === -2) { othersOf[p] = slots.length + 1; slots.push(p); }
          for (let r = 0; r < sub.length; r++) {
            const g = ids[r]!;
            othersIds[r] = groupNode[g]! >= 0 ? 0 : othersOf[parents.get(g) as number]!;
          }
          if (slots.length > 0) {
            const oa: GroupedAggregator = level.agg.create();
            oa.update(othersIds, slots.length + 1, args);
            const ov = oa.finish(slots.length + 1);
            slots.forEach((p, k) => levelNodes.push({ parent: p, of: level.others!, value: ov.get(k + 1), others: true, children: [] }));
          }
        }
        levelNodes.forEach((nd, i) => { if (L > 0) nodes[L - 1]![nd.parent]!.children.push(i); });
        nodes.push(levelNodes);
        const next = new Int32Array(t.length).fill(-1);
        for (let j = 0; j < idx.length; j++) next[idx[j]!] = groupNode[ids[j]!]!;
        rowNode = next;
        parentCount = levelNodes.length;
      }
      const builders = schema.map((s) => new ColumnBuilder(s.type));
      const path: NestedNode[] = [];
      const emit = (): void => {
        levels.forEach((_, L) => {
          const nd = path[L];
          builders[2 * L]!.append(nd ? nd.of : null);
          builders[2 * L + 1]!.append(nd ? nd.value : null);
        });
      };
      const walk = (L: number, i: number): void => {
        const nd = nodes[L]![i]!;
        path[L] = nd;
        if (nd.others || L === levels.length - 1) emit();
        else for (const ch of nd.children) walk(L + 1, ch);
        path.length = L;
      };
      nodes[0]!.forEach((_, i) => walk(0, i));
      const n = builders[0]!.length;
      if (n > 0) yield makeTable(schema, builders.map((b) => b.finish()), n);
    },
  };
}

export function compileTopHitters(c: Compiler, input: Relation, op: TopHittersOp, scope: Scope): Relation {
  const count = constantCount(c, op.count, scope, 'top-hitters');
  const env = c.env(input.schema, scope);
  const naming = namingContext(input.schema, scope);
  const of = compileScalar(op.of, env);
  const ofName = expressionName(op.of, naming);
  if (ofName === '') fail(op.of, 'top-hitters needs a column name after of');
  const by = op.by ? compileScalar(op.by, env) : undefined;
  const fn = by ? 'sum' : 'count';
  const def = c.ctx.registry.aggregate(fn)!;
  const infos: ArgInfo[] = by && op.by ? [argInfo(op.by, by, env)] : [];
  const valueType = (typeof def.returns === 'function' ? def.returns(infos) : def.returns) as ScalarType | `error:${string}`;
  if (valueType.startsWith('error:')) fail(op.by ?? op, valueType.slice('error:'.length));
  const valueName = by ? `approximate_sum_${op.by ? expressionName(op.by, naming) : ''}` : `approximate_count_${ofName}`;
  const schema: TableSchema = [{ name: ofName, type: of.type }, { name: valueName, type: valueType as ScalarType }];
  return {
    schema,
    serialized: true,
    batches: function* () {
      // Exact counts: ADX's are approximate only for inputs too large to count exactly.
      const groups = new GroupTable([of.type]);
      const agg = def.create!(infos, { now: c.ctx.now, cache: new Map(), args: infos });
      for (const b of checked(c.ctx, input.batches())) {
        const ids = groups.assign([of.eval(b)], b.length);
        agg.update(ids, groups.count, by ? [by.eval(b)] : []);
      }
      if (groups.count === 0) return;
      const values = agg.finish(groups.count);
      const cmp = rankCompare(valueType as ScalarType, true);
      const order = Array.from({ length: groups.count }, (_, i) => i).sort((a, b) => cmp(values.get(a), values.get(b)));
      const keep = Int32Array.from(order.slice(0, count));
      if (keep.length === 0) return;
      yield makeTable(schema, [gather(groups.keyColumns()[0]!, keep), gather(values, keep)], keep.length);
    },
  };
}

export function compileSample(c: Compiler, input: Relation, op: SampleOp, scope: Scope): Relation {
  const count = constantCount(c, op.count, scope, 'sample');
  return {
    schema: input.schema,
    batches: function* () {
      // Reservoir sampling: a uniform sample without holding more than `count` row references.
      const t = collect(input);
      if (t.length <= count) { if (t.length > 0) yield t; return; }
      if (count === 0) return;
      const picked = new Int32Array(count);
      for (let i = 0; i < count; i++) picked[i] = i;
      for (let i = count; i < t.length; i++) {
        const j = Math.floor(Math.random() * (i + 1));
        if (j < count) picked[j] = i;
      }
      picked.sort();
      yield gatherTable(t, picked);
    },
  };
}

export function compileSampleDistinct(c: Compiler, input: Relation, op: SampleDistinctOp, scope: Scope): Relation {
  const count = constantCount(c, op.count, scope, 'sample-distinct');
  const of = compileScalar(op.of, c.env(input.schema, scope));
  const name = expressionName(op.of, namingContext(input.schema, scope));
  if (name === '') fail(op.of, 'sample-distinct needs a column name after of');
  const schema: TableSchema = [{ name, type: of.type }];
  return {
    schema,
    batches: function* () {
      if (count === 0) return;
      // ADX returns some `count` distinct values, not necessarily random ones: the first seen.
      const groups = new GroupTable([of.type]);
      for (const b of checked(c.ctx, input.batches())) {
        groups.assign([of.eval(b)], b.length);
        if (groups.count >= count) break;
      }
      if (groups.count === 0) return;
      const keys = groups.keyColumns()[0]!;
      const n = Math.min(count, groups.count);
      yield makeTable(schema, [gather(keys, Int32Array.from({ length: n }, (_, i) => i))], n);
    },
  };
}
