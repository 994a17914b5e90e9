// union: legs are concatenated; columns are matched by name. kind=outer (default) keeps every
// column (missing ones are null), kind=inner only those every leg has. A column whose type
// differs between legs splits into one column per type, named as ADX names them (`x_long`).

import type { Table } from '../../data/column.js';
import type { Expr, UnionOp } from '../../syntax/ast.js';
import { unionConflictName } from '../../semantics/naming.js';
import type { ScalarType, TableSchema } from '../../types.js';
import { constantColumn } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { tableNames } from '../tables.js';
import { checked, patternMatcher } from './common.js';
import { StringColumn } from '../../data/column.js';

export interface Leg { name: string; rel: Relation }

function optionValue(c: Compiler, op: UnionOp, name: string, scope: Scope): string | undefined {
  const o = op.options.find((x) => x.name === name);
  if (!o) return undefined;
  if (o.value.kind === 'NameRef') return o.value.name.name;
  const ev = compileScalar(o.value, c.env([], scope));
  return ev.constant ? String(ev.constant.value) : fail(o, `union ${name}= needs a constant`);
}

function legsOf(c: Compiler, e: Expr, index: number, scope: Scope, fuzzy: boolean): Leg[] {
  if (e.kind === 'NameRef' && e.name.name.includes('*')) {
    const m = patternMatcher(e.name.name);
    const names = tableNames(c.tables).filter(m).sort();
    if (names.length === 0 && !fuzzy) fail(e, `union: no table matches '${e.name.name}'`);
    return names.map((n) => ({ name: n, rel: c.namedTable(n, e, scope) }));
  }
  if (e.kind === 'NameRef') {
    try {
      return [{ name: e.name.name, rel: c.tabular(e, scope) }];
    } catch (err) {
      if (fuzzy) return [];
      throw err;
    }
  }
  return [{ name: `union_arg${index}`, rel: c.tabular(e, scope) }];
}

export function compileUnion(c: Compiler, input: Relation | undefined, op: UnionOp, scope: Scope): Relation {
  const kind = optionValue(c, op, 'kind', scope) ?? 'outer';
  if (kind !== 'outer' && kind !== 'inner') fail(op, `union kind must be inner or outer, not '${kind}'`);
  const withSource = optionValue(c, op, 'withsource', scope);
  const fuzzy = (optionValue(c, op, 'isfuzzy', scope) ?? 'false').toLowerCase() === 'true';
  const legs: Leg[] = [];
  if (input) legs.push({ name: 'union_arg0', rel: input });
  op.tables.forEach((t, i) => legs.push(...legsOf(c, t, i + (input ? 1 : 0), scope, fuzzy)));
  if (legs.length === 0) fail(op, 'union has no tables to combine');
  return unionRelations(c, legs, kind, withSource);
}

/** Concatenates named relations by column name (search and find reuse this). */
export function unionRelations(c: Compiler, legs: readonly Leg[], kind: 'inner' | 'outer', withSource: string | undefined): Relation {
  // Types seen per column name, in order of first appearance.
  const typesByName = new Map<string, ScalarType[]>();
  for (const leg of legs) {
    for (const col of leg.rel.schema) {
      const ts = typesByName.get(col.name) ?? [];
      if (!ts.includes(col.type)) ts.push(col.type);
      typesByName.set(col.name, ts);
    }
  }
  const schema: TableSchema = [];
  if (withSource) schema.push({ name: withSource, type: 'string' });
  for (const [name, types] of typesByName) {
    if (kind === 'inner' && !legs.every((l) => l.rel.schema.some((s) => s.name === name))) continue;
    if (types.length === 1) schema.push({ name, type: types[0]! });
    else for (const t of types) schema.push({ name: unionConflictName(name, t), type: t });
  }
  const resolveSlot = (name: string, type: ScalarType): number => {
    const types = typesByName.get(name)!;
    const outName = types.length === 1 ? name : unionConflictName(name, type);
    return schema.findIndex((s) => s.name === outName);
  };
  return {
    schema,
    batches: function* () {
      for (const leg of legs) {
        const slots = leg.rel.schema.map((s) => resolveSlot(s.name, s.type));
        for (const b of checked(c.ctx, leg.rel.batches())) {
          const cols = schema.map((s) => constantColumn(s.type, null, b.length));
          if (withSource) cols[0] = new StringColumn('string', new Int32Array(b.length), [leg.name]);
          slots.forEach((slot, k) => { if (slot >= 0) cols[slot] = b.columns[k]!.column; });
          const t: Table = { columns: schema.map((s, k) => ({ name: s.name, column: cols[k]! })), length: b.length };
          yield t;
        }
      }
    },
  };
}
