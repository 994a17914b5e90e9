// sort/order and top: stable ordering on one or more keys. ADX defaults: `desc`, with nulls
// last for desc and first for asc. String keys are ranked once per distinct value.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import type { SortKey, SortOp, TopOp } from '../../syntax/ast.js';
import { compareValues } from '../../values/compare.js';
import { gatherTable } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar } from '../expr/compile.js';
import type { Evaluator } from '../evaluator.js';
import { collect, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { constantCount } from './take.js';

type RowCompare = (i: number, j: number) => number;

function isNull(c: Column, i: number): boolean {
  if (c instanceof DynamicColumn) return c.values[i] === null;
  return c.nulls !== null && c.nulls[i] === 1;
}

function valueCompare(c: Column): RowCompare {
  if (c instanceof NumberColumn || c instanceof BoolColumn) {
    const v = c.values;
    return (i, j) => {
      const a = v[i]!, b = v[j]!;
      if (a < b) return -1;
      if (a > b) return 1;
      if (a === b) return 0;
      const an = Number.isNaN(a), bn = Number.isNaN(b);
      return an === bn ? 0 : an ? -1 : 1;
    };
  }
  if (c instanceof TicksColumn) {
    const ms = c.ms, sub = c.sub;
    return (i, j) => (ms[i]! - ms[j]!) || (sub ? sub[i]! - sub[j]! : 0);
  }
  if (c instanceof StringColumn) {
    const order = c.dict.map((_, k) => k).sort((a, b) => compareValues(c.type, c.dict[a]!, c.dict[b]!));
    const rank = new Int32Array(c.dict.length);
    let r = 0;
    order.forEach((k, pos) => {
      if (pos > 0 && c.dict[k] !== c.dict[order[pos - 1]!]) r++;
      rank[k] = r;
    });
    const codes = c.codes;
    return (i, j) => rank[codes[i]!]! - rank[codes[j]!]!;
  }
  const d = c as DynamicColumn;
  return (i, j) => compareValues('dynamic', d.values[i]!, d.values[j]!);
}

export interface CompiledKey { ev: Evaluator; desc: boolean; nullsFirst: boolean }

export function compileSortKeys(c: Compiler, keys: readonly SortKey[], schemaScope: { schema: import('../../types.js').TableSchema; scope: Scope }): CompiledKey[] {
  const env = c.env(schemaScope.schema, schemaScope.scope);
  return keys.map((k) => {
    const desc = (k.direction ?? 'desc') === 'desc';
    return { ev: compileScalar(k.expr, env), desc, nullsFirst: k.nulls ? k.nulls === 'first' : !desc };
  });
}

/** A stable permutation of rows 0..n-1 ordered by the key columns. */
export function sortPermutation(keys: readonly CompiledKey[], cols: readonly Column[], n: number): Int32Array {
  const cmps = keys.map((k, idx) => {
    const col = cols[idx]!;
    const vc = valueCompare(col);
    const sign = k.desc ? -1 : 1;
    const nullSign = k.nullsFirst ? -1 : 1;
    const hasNulls = col instanceof DynamicColumn || col.nulls !== null;
    if (!hasNulls) return (i: number, j: number) => sign * vc(i, j);
    return (i: number, j: number) => {
      const a = isNull(col, i), b = isNull(col, j);
      if (a || b) return a && b ? 0 : a ? nullSign : -nullSign;
      return sign * vc(i, j);
    };
  });
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((i, j) => {
    for (const cmp of cmps) {
      const r = cmp(i, j);
      if (r !== 0) return r;
    }
    return 0;
  });
  return Int32Array.from(idx);
}

function sorted(c: Compiler, input: Relation, keys: readonly SortKey[], scope: Scope, limit?: number): Relation {
  const compiled = compileSortKeys(c, keys, { schema: input.schema, scope });
  return {
    schema: input.schema,
    serialized: true,
    batches: function* () {
      const t = collect(input);
      c.ctx.checkpoint();
      if (t.length === 0) return;
      const perm = sortPermutation(compiled, compiled.map((k) => k.ev.eval(t)), t.length);
      c.ctx.checkpoint();
      yield gatherTable(t, limit === undefined || limit >= perm.length ? perm : perm.subarray(0, limit));
    },
  };
}

export function compileSort(c: Compiler, input: Relation, op: SortOp, scope: Scope): Relation {
  return sorted(c, input, op.keys, scope);
}

export function compileTop(c: Compiler, input: Relation, op: TopOp, scope: Scope): Relation {
  const n = constantCount(c, op.count, scope, 'top');
  return sorted(c, input, [op.by], scope, n);
}
