// mv-expand: each row yields one row per element of its arrays (expanded in parallel, the
// shorter padded with null). A null value yields one row; an empty array or bag none.
// Property bags expand per bagexpansion: `bag` -> {key: value} entries, `array` -> [key, value].

import { DynamicColumn, NumberColumn, type Column, type Table } from '../../data/column.js';
import type { MvExpandOp } from '../../syntax/ast.js';
import { expressionName } from '../../semantics/naming.js';
import { isWholeReal, type DynamicValue, type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { convertTo } from '../../values/convert.js';
import { ColumnBuilder, gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext } from './common.js';
import { constantCount } from './take.js';

function option(op: MvExpandOp, name: string): string | undefined {
  const o = op.options.find((x) => x.name === name);
  if (!o) return undefined;
  if (o.value.kind === 'NameRef') return o.value.name.name;
  if (o.value.kind === 'Literal') return String(o.value.value);
  fail(o, `mv-expand ${name}= takes a name`);
}

function elementsOf(v: DynamicValue, bagAsArray: boolean): DynamicValue[] {
  if (v === null) return [null];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && !isWholeReal(v)) {
    return Object.keys(v).map((k) => (bagAsArray ? [k, v[k]!] : { [k]: v[k]! }));
  }
  return [v];
}

/**
 * `to typeof(T)`: a cast, not a parse — elements of another kind become null. A whole real
 * casts to int/long as the number it is (it was a long before reals kept their type).
 */
function castElement(v: DynamicValue, type: ScalarType): Scalar {
  if (v === null) return type === 'string' ? '' : null;
  if (isWholeReal(v) && type !== 'dynamic' && type !== 'string') v = v.value;
  switch (type) {
    case 'dynamic': return v;
    case 'string': return typeof v === 'string' ? v : convertTo('string', 'dynamic', v);
    case 'bool': return typeof v === 'boolean' ? v : null;
    case 'int': case 'long': return typeof v === 'number' && Number.isInteger(v) ? (type === 'int' ? v | 0 : v) : null;
    case 'real': case 'decimal': return typeof v === 'number' ? v : null;
    default: return typeof v === 'string' ? convertTo(type, 'string', v) : null;
  }
}

export function compileMvExpand(c: Compiler, input: Relation, op: MvExpandOp, scope: Scope): Relation {
  const bagExpansion = (option(op, 'bagexpansion') ?? option(op, 'kind') ?? 'bag').toLowerCase();
  if (bagExpansion !== 'bag' && bagExpansion !== 'array') fail(op, `mv-expand bagexpansion must be bag or array, not '${bagExpansion}'`);
  const indexName = option(op, 'with_itemindex');
  const legacy = op.keyword === 'mvexpand';
  const limit = op.limit ? constantCount(c, op.limit, scope, 'mv-expand limit') : legacy ? 128 : Infinity;
  const env = c.env(input.schema, scope);
  const naming = namingContext(input.schema, scope);
  const schema: TableSchema = input.schema.slice();
  const items = op.items.map((it) => {
    const ev = compileScalar(it.item.expr, env);
    if (ev.type !== 'dynamic') fail(it.item.expr, `mv-expand needs a dynamic array or bag, but the expression has type ${ev.type}`);
    const name = it.item.names[0]?.name ?? expressionName(it.item.expr, naming);
    if (name === '') fail(it.item.expr, 'mv-expand needs a name for this expression (Name = expression)');
    const type: ScalarType = it.toType?.type ?? 'dynamic';
    let slot = columnIndex(schema, name);
    if (slot >= 0) schema[slot] = { name, type };
    else { schema.push({ name, type }); slot = schema.length - 1; }
    return { ev, slot, type };
  });
  let indexSlot = -1;
  if (indexName) { schema.push({ name: indexName, type: 'long' }); indexSlot = schema.length - 1; }
  const bagAsArray = bagExpansion === 'array';
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      let produced = 0;
      for (const b of checked(ctx, input.batches())) {
        const values = items.map((it) => it.ev.eval(b) as DynamicColumn);
        const rowIdx: number[] = [];
        const builders = items.map((it) => new ColumnBuilder(it.type));
        const itemIndex: number[] = [];
        for (let i = 0; i < b.length; i++) {
          ctx.tick();
          const lists = values.map((col) => elementsOf(col.values[i]!, bagAsArray));
          const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
          for (let k = 0; k < n; k++) {
            rowIdx.push(i);
            itemIndex.push(k);
            lists.forEach((l, j) => builders[j]!.append(k < l.length ? castElement(l[k]!, items[j]!.type) : null));
          }
        }
        if (rowIdx.length === 0) continue;
        produced += rowIdx.length;
        ctx.checkRows(produced, 'mv-expand', op.start, op.end);
        const idx = Int32Array.from(rowIdx);
        const cols: Column[] = b.columns.map((x) => gather(x.column, idx));
        items.forEach((it, j) => { cols[it.slot] = builders[j]!.finish(); });
        if (indexSlot >= 0) cols[indexSlot] = new NumberColumn('long', Float64Array.from(itemIndex), null);
        const t: Table = makeTable(schema, cols, rowIdx.length);
        yield t;
      }
    },
  };
}
