// Operators that run subqueries over their input: fork, facet, partition, invoke.
// fork and facet produce several tables: the relation yields the first, and `results` lists
// them all (named as ADX names them) for callers that show every result.

import type { CallExpr, FacetOp, ForkOp, InvokeOp, NameRef, PartitionOp, ReduceOp } from '../../syntax/ast.js';
import { NotSupportedError } from '../../types.js';
import { concatTables, gatherTable } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { fail } from '../expr/compile.js';
import { collect, columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { GroupTable } from './grouping.js';
import { compileSort } from './sort.js';
import { compileSummarize } from './summarize.js';

/** The input read once per query run and shared by every branch (ADX evaluates it once). */
function shared(c: Compiler, input: Relation): Relation {
  let cached: ReturnType<typeof collect> | undefined;
  return {
    schema: input.schema,
    serialized: input.serialized,
    batches: () => {
      if (!cached) cached = collect(input);
      return cached.length > 0 ? [cached] : [];
    },
  };
}

function withResults(first: Relation, results: { name: string; relation: Relation }[]): Relation {
  return { schema: first.schema, serialized: first.serialized, batches: () => first.batches(), results };
}

export function compileFork(c: Compiler, input: Relation, op: ForkOp, scope: Scope): Relation {
  if (op.branches.length === 0) fail(op, 'fork needs at least one branch');
  const source = shared(c, input);
  const results = op.branches.map((br, i) => ({
    name: br.name?.name ?? `GenericResult${i === 0 ? '' : `_${i}`}`,
    relation: c.subquery(br.query, source, scope),
  }));
  return withResults(results[0]!.relation, results);
}

export function compileFacet(c: Compiler, input: Relation, op: FacetOp, scope: Scope): Relation {
  const source = shared(c, input);
  const results: { name: string; relation: Relation }[] = op.columns.map((col) => {
    if (columnIndex(input.schema, col.name) < 0) fail(col, `facet: no column named '${col.name}'`);
    const ref: NameRef = { kind: 'NameRef', start: col.start, end: col.end, name: col };
    const at = { start: col.start, end: col.end };
    const countCall: CallExpr = { kind: 'Call', ...at, name: { kind: 'Ident', name: 'count', quoted: false, ...at }, args: [] };
    const counted = compileSummarize(c, source, {
      kind: 'Summarize', keyword: 'summarize', options: [], ...at,
      aggregates: [{ kind: 'NamedExpr', names: [], expr: countCall, ...at }],
      by: [{ kind: 'NamedExpr', names: [], expr: ref, ...at }],
    }, scope);
    const sorted = compileSort(c, counted, {
      kind: 'Sort', keyword: 'sort', options: [], ...at,
      keys: [{ kind: 'SortKey', direction: 'desc', expr: { kind: 'NameRef', ...at, name: { kind: 'Ident', name: 'count_', quoted: false, ...at } }, ...at }],
    }, scope);
    return { name: col.name, relation: sorted };
  });
  if (op.withOp) results.push({ name: 'with', relation: c.subquery(op.withOp, source, scope) });
  if (results.length === 0) fail(op, 'facet needs at least one column');
  return withResults(results[0]!.relation, results);
}

export function compilePartition(c: Compiler, input: Relation, op: PartitionOp, scope: Scope): Relation {
  for (const o of op.options) {
    if (!o.name.startsWith('hint.')) fail(o, `unknown partition parameter '${o.name}'`);
  }
  const keyIdx = columnIndex(input.schema, op.by.name);
  if (keyIdx < 0) fail(op.by, `partition: no column named '${op.by.name}'`);
  let current: ReturnType<typeof collect> = { columns: [], length: 0 };
  const part: Relation = { schema: input.schema, batches: () => (current.length > 0 ? [current] : []) };
  const sub = c.subquery(op.subquery, part, scope);
  return {
    schema: sub.schema,
    batches: function* () {
      const t = collect(input);
      if (t.length === 0) return;
      const groups = new GroupTable([input.schema[keyIdx]!.type]);
      const ids = groups.assign([t.columns[keyIdx]!.column], t.length);
      const members: number[][] = Array.from({ length: groups.count }, () => []);
      for (let r = 0; r < t.length; r++) members[ids[r]!]!.push(r);
      const outputs = [];
      for (const m of members) {
        c.ctx.checkpoint();
        current = gatherTable(t, Int32Array.from(m));
        outputs.push(collect(sub));
      }
      const all = concatTables(sub.schema, outputs);
      if (all.length > 0) yield all;
    },
  };
}

export function compileInvoke(c: Compiler, input: Relation, op: InvokeOp, scope: Scope): Relation {
  const b = scope.lookup(op.call.name.name);
  if (b?.kind !== 'function') fail(op.call, `invoke needs a tabular function defined with let; '${op.call.name.name}' is not one`);
  const first = b.decl.params[0];
  if (!first || first.type.kind !== 'TabularTypeRef') fail(op.call, `function '${op.call.name.name}' must take a table as its first parameter to be invoked`);
  // The input becomes the first argument, bound under a name no query can spell.
  const inner = scope.child();
  const hidden = '\u0000invoke_input';
  inner.set(hidden, { kind: 'tabular', relation: input });
  const at = { start: op.call.start, end: op.call.end };
  const call: CallExpr = { ...op.call, args: [{ kind: 'NameRef', ...at, name: { kind: 'Ident', name: hidden, quoted: true, ...at } }, ...op.call.args] };
  return c.tabular(call, inner);
}

export function compileReduce(_c: Compiler, _input: Relation, op: ReduceOp): Relation {
  // ADX's reduce clusters strings with an unpublished similarity heuristic; its output cannot be
  // reproduced exactly.
  throw new NotSupportedError("the 'reduce' operator (ADX's clustering heuristic is not published, so results could not match)", op.start, op.end);
}

