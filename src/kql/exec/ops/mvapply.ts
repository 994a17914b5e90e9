// mv-apply: for each input row, the listed arrays are expanded into a small table (as
// mv-expand does) and the subquery runs over it; each subquery result row is appended to the
// input row's other columns.

import type { Column, Table } from '../../data/column.js';
import type { Ident, MvApplyOp, MvExpandOp, NameRef } from '../../syntax/ast.js';
import { expressionName } from '../../semantics/naming.js';
import type { TableSchema } from '../../types.js';
import { ColumnBuilder, sliceTable } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import { collect, columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext } from './common.js';
import { compileMvExpand } from './mvexpand.js';

export function compileMvApply(c: Compiler, input: Relation, op: MvApplyOp, scope: Scope): Relation {
  const env = c.env(input.schema, scope);
  const naming = namingContext(input.schema, scope);
  const items = op.items.map((it) => {
    const name = it.item.names[0]?.name ?? expressionName(it.item.expr, naming);
    if (name === '') fail(it.item.expr, 'mv-apply needs a name for this expression (Name = expression)');
    const ev = compileScalar(it.item.expr, env);
    if (ev.type !== 'dynamic') fail(it.item.expr, `mv-apply needs a dynamic array or bag, but the expression has type ${ev.type}`);
    return { name, ev, it };
  });
  const itemNames = new Set(items.map((i) => i.name));
  const baseIdx = input.schema.map((_, i) => i).filter((i) => !itemNames.has(input.schema[i]!.name));
  const base: TableSchema = baseIdx.map((i) => input.schema[i]!);
  // The subquery sees the other columns, then each item (expanded) at the end.
  const rowSchema: TableSchema = [...base, ...items.map((i) => ({ name: i.name, type: 'dynamic' as const }))];
  let current: Table = { columns: [], length: 0 };
  const rowRelation: Relation = { schema: rowSchema, batches: () => (current.length > 0 ? [current] : []) };
  const ident = (name: string, at: { start: number; end: number }): Ident => ({ kind: 'Ident', name, quoted: true, start: at.start, end: at.end });
  const expandOp: MvExpandOp = {
    kind: 'MvExpand', keyword: 'mv-expand', start: op.start, end: op.end, options: op.options, limit: op.limit,
    items: items.map(({ name, it }) => {
      const ref: NameRef = { kind: 'NameRef', start: it.start, end: it.end, name: ident(name, it) };
      return { ...it, item: { ...it.item, names: [ident(name, it)], expr: ref } };
    }),
  };
  const expanded = compileMvExpand(c, rowRelation, expandOp, scope);
  const sub = c.subquery(op.subquery, expanded, scope);
  const added = sub.schema.map((s, i) => ({ s, i })).filter(({ s }) => columnIndex(base, s.name) < 0);
  const schema: TableSchema = [...base, ...added.map(({ s }) => s)];
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      for (const b of checked(ctx, input.batches())) {
        const values = items.map((i) => i.ev.eval(b));
        const builders = schema.map((s) => new ColumnBuilder(s.type));
        for (let r = 0; r < b.length; r++) {
          ctx.tick();
          const row = sliceTable(b, r, r + 1);
          const cols: Column[] = [...baseIdx.map((i) => row.columns[i]!.column), ...values.map((v) => sliceColumnOne(v, r))];
          current = makeTable(rowSchema, cols, 1);
          const result = collect(sub);
          for (let k = 0; k < result.length; k++) {
            baseIdx.forEach((i, j) => builders[j]!.append(b.columns[i]!.column.get(r)));
            added.forEach(({ i }, j) => builders[base.length + j]!.append(result.columns[i]!.column.get(k)));
          }
        }
        const n = builders[0]?.length ?? 0;
        if (n > 0) yield makeTable(schema, builders.map((x) => x.finish()), n);
      }
    },
  };
}

function sliceColumnOne(col: Column, r: number): Column {
  return sliceTable({ columns: [{ name: '', column: col }], length: col.length }, r, r + 1).columns[0]!.column;
}
