// Small operators: as, getschema, render, consume.

import type { AsOp, ConsumeOp, GetSchemaOp, RenderOp } from '../../syntax/ast.js';
import type { TableSchema } from '../../types.js';
import { columnFromScalars } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar } from '../expr/compile.js';
import { tableRelation, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';

/** `T | as X`: names the result so later statements can refer to it. */
export function compileAs(_c: Compiler, input: Relation, op: AsOp, scope: Scope): Relation {
  scope.set(op.name.name, { kind: 'tabular', relation: input });
  return input;
}

const SCHEMA_TYPES: Record<string, string> = {
  bool: 'System.SByte', int: 'System.Int32', long: 'System.Int64', real: 'System.Double', decimal: 'System.Data.SqlTypes.SqlDecimal',
  string: 'System.String', datetime: 'System.DateTime', timespan: 'System.TimeSpan', guid: 'System.Guid', dynamic: 'System.Object',
};

export function compileGetSchema(_c: Compiler, input: Relation, _op: GetSchemaOp): Relation {
  const s = input.schema;
  return { ...tableRelation({
    columns: [
      { name: 'ColumnName', column: columnFromScalars('string', s.map((x) => x.name)) },
      { name: 'ColumnOrdinal', column: columnFromScalars('int', s.map((_, i) => i)) },
      { name: 'DataType', column: columnFromScalars('string', s.map((x) => SCHEMA_TYPES[x.type]!)) },
      { name: 'ColumnType', column: columnFromScalars('string', s.map((x) => x.type)) },
    ],
    length: s.length,
  }), serialized: true };
}

export function compileRender(c: Compiler, input: Relation, op: RenderOp, scope: Scope): Relation {
  const properties: Record<string, unknown> = {};
  for (const p of op.withProps) {
    if (p.value.kind === 'NameRef') { properties[p.name] = p.value.name.name; continue; }
    const ev = compileScalar(p.value, c.env([], scope));
    properties[p.name] = ev.constant ? ev.constant.value : null;
  }
  return { schema: input.schema, serialized: input.serialized, batches: () => input.batches(), render: { visualization: op.chartType.name, properties } };
}

export function compileConsume(c: Compiler, input: Relation, _op: ConsumeOp): Relation {
  const schema: TableSchema = [];
  return {
    schema,
    batches: function* () {
      for (const _ of input.batches()) c.ctx.checkpoint();
    },
  };
}

