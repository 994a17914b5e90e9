// Operators that start a pipeline: print, range, datatable (union, search and others are
// dispatched to their own modules).

import type { DatatableOp, PrintOp, QueryOperator, RangeOp } from '../../syntax/ast.js';
import { printColumnNames } from '../../semantics/naming.js';
import { NotSupportedError, type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { ColumnBuilder } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { compileUnion } from './union.js';
import { compileExternalData } from './externaldata.js';
import { compileFind, compileSearch } from './search.js';
import { compileTupleCall } from '../expr/calls.js';
import { convertTo } from '../../values/convert.js';

export function compileSourceOperator(c: Compiler, op: QueryOperator, scope: Scope): Relation {
  switch (op.kind) {
    case 'Print': return compilePrint(c, op, scope);
    case 'Range': return compileRange(c, op, scope);
    case 'Datatable': return compileDatatable(c, op, scope);
    case 'Union': return compileUnion(c, undefined, op, scope);
    case 'ExternalData': return compileExternalData(c, op, scope);
    case 'Search': return compileSearch(c, undefined, op, scope);
    case 'Find': return compileFind(c, op, scope);
    case 'Evaluate': throw new NotSupportedError(`the '${op.plugin.name.name}' plugin without input`, op.start, op.end);
    default:
      throw new NotSupportedError(`the '${op.keyword}' operator`, op.start, op.end);
  }
}

function compilePrint(c: Compiler, op: PrintOp, scope: Scope): Relation {
  const env = c.env([], scope);
  const names = printColumnNames(op.items);
  const schema: TableSchema = [];
  const evals: { eval: (b: import('../../data/column.js').Table) => import('../../data/column.js').Column[] }[] = [];
  op.items.forEach((item, i) => {
    const tuple = compileTupleCall(item.expr, env);
    if (tuple) {
      if (item.names.length > tuple.names.length) {
        fail(item, `the function returns ${tuple.names.length} values, but ${item.names.length} names are given`);
      }
      // Unnamed: every value, default-named. Named: print keeps only the named values (unlike
      // extend/project; Microsoft's analyzer gives `print a = array_sort_asc(x, y)` one column).
      const count = item.names.length === 0 ? tuple.names.length : item.names.length;
      for (let k = 0; k < count; k++) schema.push({ name: item.names[k]?.name ?? tuple.names[k]!, type: tuple.types[k]! });
      evals.push({ eval: (b) => tuple.eval(b).slice(0, count) });
      return;
    }
    const ev = compileScalar(item.expr, env);
    schema.push({ name: names[i]![0]!, type: ev.type });
    evals.push({ eval: (b) => [ev.eval(b)] });
  });
  return {
    schema,
    serialized: true,
    batches: function* () {
      const one = { columns: [], length: 1 };
      const cols = evals.flatMap((e) => e.eval(one));
      yield { columns: schema.map((s, i) => ({ name: s.name, column: cols[i]! })), length: 1 };
    },
  };
}

const RANGE_BATCH = 65536;

function compileRange(c: Compiler, op: RangeOp, scope: Scope): Relation {
  const env = c.env([], scope);
  const from = compileScalar(op.from, env), to = compileScalar(op.to, env), step = compileScalar(op.step, env);
  for (const [e, node] of [[from, op.from], [to, op.to], [step, op.step]] as const) {
    if (!e.constant) fail(node, 'range bounds and step must be constants');
  }
  const type: ScalarType = from.type === 'int' ? 'long' : from.type;
  const name = op.column.name;
  const f = from.constant!.value, t = to.constant!.value, s = step.constant!.value;
  const schema: TableSchema = [{ name, type }];
  if (type === 'datetime' || type === 'timespan') {
    if (step.type !== 'timespan') fail(op.step, `a ${type} range needs a timespan step`);
    const fv = convertTo(type, from.type, f) as bigint | null, tv = convertTo(type, to.type, t) as bigint | null, sv = s as bigint | null;
    if (fv === null || tv === null || sv === null) fail(op, 'range bounds and step must not be null');
    if (sv === 0n) fail(op.step, 'range step must not be zero');
    const count = (sv > 0n ? tv >= fv : tv <= fv) ? Number((tv - fv) / sv) + 1 : 0;
    c.ctx.checkRows(count, 'range', op.start, op.end);
    return {
      schema,
      serialized: true,
      batches: function* () {
        for (let start = 0; start < count; start += RANGE_BATCH) {
          c.ctx.checkpoint();
          const b = new ColumnBuilder(type);
          const end = Math.min(count, start + RANGE_BATCH);
          for (let i = start; i < end; i++) b.append(fv + BigInt(i) * sv);
          yield { columns: [{ name, column: b.finish() }], length: end - start };
        }
      },
    };
  }
  if (!['long', 'real', 'decimal'].includes(type) || !['int', 'long', 'real', 'decimal'].includes(to.type) || !['int', 'long', 'real', 'decimal'].includes(step.type)) {
    fail(op, `range needs numeric, datetime or timespan bounds (got ${from.type} .. ${to.type} step ${step.type})`);
  }
  const resultType: ScalarType = [from.type, to.type, step.type].includes('real') ? 'real' : type;
  const fv = f as number | null, tv = t as number | null, sv = s as number | null;
  if (fv === null || tv === null || sv === null) fail(op, 'range bounds and step must not be null');
  if (sv === 0) fail(op.step, 'range step must not be zero');
  const count = (sv > 0 ? tv >= fv : tv <= fv) ? Math.floor((tv - fv) / sv + 1e-9) + 1 : 0;
  c.ctx.checkRows(count, 'range', op.start, op.end);
  const rschema: TableSchema = [{ name, type: resultType }];
  return {
    schema: rschema,
    serialized: true,
    batches: function* () {
      for (let start = 0; start < count; start += RANGE_BATCH) {
        c.ctx.checkpoint();
        const end = Math.min(count, start + RANGE_BATCH);
        const v = new Float64Array(end - start);
        for (let i = start; i < end; i++) v[i - start] = fv + i * sv;
        const b = new ColumnBuilder(resultType);
        for (const x of v) b.append(x);
        yield { columns: [{ name, column: b.finish() }], length: end - start };
      }
    },
  };
}

function compileDatatable(c: Compiler, op: DatatableOp, scope: Scope): Relation {
  const env = c.env([], scope);
  const width = op.columns.length;
  if (width === 0) fail(op, 'datatable needs at least one column');
  if (op.values.length % width !== 0) {
    fail(op, `datatable has ${op.values.length} values, which is not a multiple of its ${width} columns`);
  }
  const schema: TableSchema = op.columns.map((d) => ({ name: d.name.name, type: d.type.type }));
  const builders = schema.map((s) => new ColumnBuilder(s.type));
  op.values.forEach((v, i) => {
    const col = schema[i % width]!;
    const ev = compileScalar(v, env);
    if (!ev.constant) fail(v, 'datatable values must be constants');
    let value: Scalar = ev.constant.value;
    if (ev.type !== col.type) {
      if (value !== null && !(ev.type === 'dynamic' || col.type === 'dynamic' || isNumeric(ev.type) && isNumeric(col.type) || col.type === 'guid' && ev.type === 'string')) {
        fail(v, `datatable column '${col.name}' is ${col.type}, but this value is ${ev.type}`);
      }
      value = convertTo(col.type, ev.type, value);
    }
    builders[i % width]!.append(value);
  });
  const table = { columns: schema.map((s, i) => ({ name: s.name, column: builders[i]!.finish() })), length: op.values.length / width };
  return { schema, batches: () => (table.length ? [table] : []) };
}

function isNumeric(t: ScalarType): boolean { return t === 'int' || t === 'long' || t === 'real' || t === 'decimal'; }

