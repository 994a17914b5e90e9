// Batch-at-a-time operators: where, extend, project and its variants, serialize.
// Expressions are compiled once against the input schema and applied to each batch.

import type { Column, Table } from '../../data/column.js';
import type {
  ExtendOp, NamedExpr, ProjectAwayOp, ProjectKeepOp, ProjectOp, ProjectRenameOp, ProjectReorderOp, SerializeOp, WhereOp,
} from '../../syntax/ast.js';
import { extendColumnNames, projectColumnNames } from '../../semantics/naming.js';
import { NotSupportedError, type ScalarType, type TableSchema } from '../../types.js';
import { gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileTupleCall } from '../expr/calls.js';
import { asBoolEval, compileScalar, fail } from '../expr/compile.js';
import type { CompileEnv } from '../expr/env.js';
import { selectTrue } from '../expr/logic.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext, patternMatcher, requireSerialized, wholeInput } from './common.js';

export function compileWhere(c: Compiler, input: Relation, op: WhereOp, scope: Scope): Relation {
  const raw = compileScalar(op.predicate, c.env(input.schema, scope));
  if (raw.type !== 'bool' && raw.type !== 'dynamic') {
    fail(op.predicate, `the '${op.keyword}' predicate must be bool, but it has type ${raw.type}`);
  }
  const pred = asBoolEval(raw);
  requireSerialized(input, pred.needsWholeInput === true, op.predicate);
  const ctx = c.ctx;
  return {
    schema: input.schema,
    serialized: input.serialized,
    batches: function* () {
      const source = pred.needsWholeInput ? wholeInput(input) : input.batches();
      for (const b of checked(ctx, source)) {
        const idx = selectTrue(pred.eval(b));
        if (idx.length === b.length) yield b;
        else if (idx.length > 0) yield lazilyGathered(b, idx);
      }
    },
  };
}

/**
 * The selected rows of a batch, each column gathered when first read: operators after `where`
 * often read only some columns (project, join keys, aggregations), and gathering the rest of a
 * wide table's columns was most of a filter's cost.
 */
function lazilyGathered(b: Table, idx: Int32Array): Table {
  return {
    length: idx.length,
    columns: b.columns.map((c) => {
      let gathered: Column | undefined;
      return { name: c.name, get column(): Column { return (gathered ??= gather(c.column, idx)); } };
    }),
  };
}

/** One compiled item: produces one or more columns of a batch. */
interface ItemEval {
  names: string[];
  types: ScalarType[];
  needsWholeInput?: boolean;
  eval(b: Table): Column[];
}

function compileItem(item: NamedExpr, names: string[], env: CompileEnv): ItemEval {
  const tuple = compileTupleCall(item.expr, env);
  if (tuple) {
    if (item.names.length > tuple.names.length) {
      fail(item, `the function returns ${tuple.names.length} values, but ${item.names.length} names are given`);
    }
    // Fewer names than values: the rest keep their default names (as ADX's extend/project do).
    const outNames = [...item.names.map((n) => n.name), ...tuple.names.slice(item.names.length)];
    return { names: outNames, types: tuple.types, needsWholeInput: tuple.needsWholeInput, eval: (b) => tuple.eval(b) };
  }
  if (item.names.length > 1) fail(item, 'a tuple of names needs a function that returns several values');
  const ev = compileScalar(item.expr, env);
  return { names, types: [ev.type], needsWholeInput: ev.needsWholeInput, eval: (b) => [ev.eval(b)] };
}

export function compileExtend(c: Compiler, input: Relation, op: ExtendOp, scope: Scope): Relation {
  const names = extendColumnNames(op.items, input.schema.map((s) => s.name), namingContext(input.schema, scope));
  let schema: TableSchema = input.schema.slice();
  // Each item sees the columns added by the items before it (`extend a = 1, b = a + 1`).
  const steps: { ev: ItemEval; slots: number[] }[] = [];
  op.items.forEach((item, i) => {
    const ev = compileItem(item, names[i]!, c.env(schema, scope));
    const next = schema.slice();
    const slots = ev.names.map((n, k) => {
      const at = columnIndex(next, n);
      if (at >= 0) { next[at] = { name: n, type: ev.types[k]! }; return at; }
      next.push({ name: n, type: ev.types[k]! });
      return next.length - 1;
    });
    schema = next;
    steps.push({ ev, slots });
  });
  const whole = steps.some((s) => s.ev.needsWholeInput);
  requireSerialized(input, whole, op);
  const finalSchema = schema;
  return {
    schema: finalSchema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of checked(c.ctx, whole ? wholeInput(input) : input.batches())) {
        // Columns passed through are handed on as they come, unread: a lazily gathered one
        // (after `where`) is gathered only if something downstream reads it.
        let entries: Table['columns'] = b.columns;
        for (const step of steps) {
          const out = step.ev.eval({ columns: entries, length: b.length });
          entries = entries.slice();
          step.slots.forEach((slot, k) => {
            entries[slot] = { name: step.ev.names[k]!, column: out[k]! };
          });
        }
        yield { columns: entries, length: b.length };
      }
    },
  };
}

export function compileProject(c: Compiler, input: Relation, op: ProjectOp, scope: Scope): Relation {
  const names = projectColumnNames(op.items, namingContext(input.schema, scope));
  const env = c.env(input.schema, scope);
  const items = op.items.map((item, i) => compileItem(item, names[i]!, env));
  const schema: TableSchema = items.flatMap((it) => it.names.map((n, k) => ({ name: n, type: it.types[k]! })));
  const seen = new Set<string>();
  op.items.forEach((item, i) => {
    for (const n of items[i]!.names) {
      if (seen.has(n)) fail(item, `duplicate column name '${n}' in project`);
      seen.add(n);
    }
  });
  const whole = items.some((i) => i.needsWholeInput);
  requireSerialized(input, whole, op);
  return {
    schema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of checked(c.ctx, whole ? wholeInput(input) : input.batches())) {
        yield makeTable(schema, items.flatMap((it) => it.eval(b)), b.length);
      }
    },
  };
}

function selectColumns(input: Relation, indices: number[]): Relation {
  const schema = indices.map((i) => input.schema[i]!);
  return {
    schema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of input.batches()) yield { columns: indices.map((i) => b.columns[i]!), length: b.length };
    },
  };
}

export function compileProjectAway(_c: Compiler, input: Relation, op: ProjectAwayOp): Relation {
  const matchers = op.columns.map((p) => ({ p, m: patternMatcher(p.pattern) }));
  for (const { p, m } of matchers) {
    if (!p.pattern.includes('*') && !input.schema.some((s) => m(s.name))) fail(p, `project-away: no column named '${p.pattern}'`);
  }
  const keep = input.schema.map((_, i) => i).filter((i) => !matchers.some(({ m }) => m(input.schema[i]!.name)));
  return selectColumns(input, keep);
}

export function compileProjectKeep(_c: Compiler, input: Relation, op: ProjectKeepOp): Relation {
  const matchers = op.columns.map((p) => ({ p, m: patternMatcher(p.pattern) }));
  for (const { p, m } of matchers) {
    if (!p.pattern.includes('*') && !input.schema.some((s) => m(s.name))) fail(p, `project-keep: no column named '${p.pattern}'`);
  }
  const keep = input.schema.map((_, i) => i).filter((i) => matchers.some(({ m }) => m(input.schema[i]!.name)));
  return selectColumns(input, keep);
}

export function compileProjectRename(_c: Compiler, input: Relation, op: ProjectRenameOp): Relation {
  const schema = input.schema.slice();
  const renamed = new Map<number, string>();
  for (const item of op.items) {
    const at = columnIndex(input.schema, item.oldName.name);
    if (at < 0) fail(item, `project-rename: no column named '${item.oldName.name}'`);
    renamed.set(at, item.newName.name);
  }
  for (const [at, n] of renamed) schema[at] = { name: n, type: schema[at]!.type };
  const names = new Set<string>();
  for (const s of schema) {
    if (names.has(s.name)) fail(op, `project-rename would produce two columns named '${s.name}'`);
    names.add(s.name);
  }
  return {
    schema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of input.batches()) yield makeTable(schema, b.columns.map((x) => x.column), b.length);
    },
  };
}

export function compileProjectReorder(_c: Compiler, input: Relation, op: ProjectReorderOp): Relation {
  const order: number[] = [];
  const used = new Set<number>();
  for (const p of op.columns) {
    const m = patternMatcher(p.pattern);
    let hits = input.schema.map((s, i) => ({ s, i })).filter(({ s, i }) => !used.has(i) && m(s.name));
    if (!p.pattern.includes('*') && hits.length === 0) fail(p, `project-reorder: no column named '${p.pattern}'`);
    if (p.order === 'asc' || p.order === 'desc') {
      hits = hits.sort((a, b) => (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0));
      if (p.order === 'desc') hits.reverse();
    } else if (p.order !== undefined) {
      throw new NotSupportedError(`project-reorder ${p.order}`, p.start, p.end);
    }
    for (const h of hits) { order.push(h.i); used.add(h.i); }
  }
  input.schema.forEach((_, i) => { if (!used.has(i)) order.push(i); });
  return selectColumns(input, order);
}

export function compileSerialize(c: Compiler, input: Relation, op: SerializeOp, scope: Scope): Relation {
  const marked: Relation = { schema: input.schema, serialized: true, batches: () => input.batches() };
  if (op.items.length === 0) return marked;
  return compileExtend(c, marked, { ...op, kind: 'Extend', items: op.items }, scope);
}
