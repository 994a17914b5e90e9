// take/limit and count.

import { NumberColumn } from '../../data/column.js';
import type { CountOp, Expr, TakeOp } from '../../syntax/ast.js';
import { COUNT_COLUMN } from '../../semantics/naming.js';
import { isNumericType } from '../../types.js';
import { sliceTable } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';

/** A constant non-negative row count (take, top, sample). */
export function constantCount(c: Compiler, expr: Expr, scope: Scope, what: string): number {
  const ev = compileScalar(expr, c.env([], scope));
  if (!ev.constant || !isNumericType(ev.type)) fail(expr, `${what} needs a constant number of rows`);
  const v = ev.constant.value as number | null;
  if (v === null || v < 0) fail(expr, `${what} needs a non-negative number of rows`);
  return Math.floor(v);
}

export function compileTake(c: Compiler, input: Relation, op: TakeOp, scope: Scope): Relation {
  const limit = constantCount(c, op.count, scope, op.keyword);
  return {
    schema: input.schema,
    serialized: input.serialized,
    batches: function* () {
      if (limit === 0) return;
      let left = limit;
      for (const b of input.batches()) {
        c.ctx.checkpoint();
        if (b.length >= left) { yield sliceTable(b, 0, left); return; }
        left -= b.length;
        yield b;
      }
    },
  };
}

export function compileCount(c: Compiler, input: Relation, op: CountOp): Relation {
  const name = op.asName?.name ?? COUNT_COLUMN;
  return {
    schema: [{ name, type: 'long' }],
    batches: function* () {
      let n = 0;
      for (const b of input.batches()) { c.ctx.checkpoint(); n += b.length; }
      yield { columns: [{ name, column: new NumberColumn('long', Float64Array.of(n), null) }], length: 1 };
    },
  };
}
