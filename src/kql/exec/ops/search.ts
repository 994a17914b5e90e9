// search and find: a predicate over one or many tables. Bare string terms match any column
// (`"err"` is `has`, `"err*"` hasprefix, `"*err"` hassuffix, `"*err*"` contains, other
// wildcards a regex); `Col:"x"` matches one column; `kind=case_sensitive` uses the _cs forms.
// A comparison naming a column a table lacks is false for that table.

import type { BinaryExpr, Expr, FindOp, Literal, SearchOp } from '../../syntax/ast.js';
import { KqlError, NotSupportedError, type TableSchema } from '../../types.js';
import { DynamicColumn, StringColumn, type Column } from '../../data/column.js';
import type { Compiler } from '../compiler.js';
import { asBoolEval, compileScalar, fail } from '../expr/compile.js';
import { selectTrue } from '../expr/logic.js';
import { constantColumn, gatherTable } from '../columns.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { tableNames } from '../tables.js';
import { checked, makeTable, patternMatcher } from './common.js';
import { unionRelations, type Leg } from './union.js';
import { dynamicFromScalar } from '../../values/dynamic.js';

const FALSE: Literal = { kind: 'Literal', type: 'bool', value: false, text: 'false', start: 0, end: 0 };

function literal(value: string, at: Expr): Literal {
  return { kind: 'Literal', type: 'string', value, text: JSON.stringify(value), start: at.start, end: at.end };
}

function bin(op: string, left: Expr, right: Expr, at: Expr): BinaryExpr {
  return { kind: 'Binary', op, left, right, start: at.start, end: at.end };
}

/** `col <term>` with the search wildcard rules. */
function termMatch(col: Expr, term: string, cs: boolean, at: Expr): Expr {
  const suffix = cs ? '_cs' : '';
  const lead = term.startsWith('*'), trail = term.endsWith('*') && term.length > 1;
  const core = term.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (!core.includes('*')) {
    if (lead && trail) return bin('contains' + suffix, col, literal(core, at), at);
    if (trail) return bin('hasprefix' + suffix, col, literal(core, at), at);
    if (lead) return bin('hassuffix' + suffix, col, literal(core, at), at);
    return bin('has' + suffix, col, literal(core, at), at);
  }
  const re = term.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return bin('matches regex', col, literal((cs ? '' : '(?i)') + re, at), at);
}

function anyColumn(schema: TableSchema, term: string, cs: boolean, at: Expr): Expr {
  const parts = schema.map((s) => termMatch({ kind: 'NameRef', start: at.start, end: at.end, name: { kind: 'Ident', name: s.name, quoted: true, start: at.start, end: at.end } }, term, cs, at));
  if (parts.length === 0) return FALSE;
  return parts.reduce((a, b) => bin('or', a, b, at));
}

/** Rewrites search syntax into an ordinary predicate over one table's columns. */
function rewrite(e: Expr, schema: TableSchema, cs: boolean, c: Compiler, scope: Scope): Expr {
  switch (e.kind) {
    case 'Paren': return { ...e, expr: rewrite(e.expr, schema, cs, c, scope) };
    case 'Literal':
      if (e.type === 'string') return anyColumn(schema, e.value as string, cs, e);
      break;
    case 'Binary':
      if (e.op === 'and' || e.op === 'or') return { ...e, left: rewrite(e.left, schema, cs, c, scope), right: rewrite(e.right, schema, cs, c, scope) };
      if (e.op === 'has' && e.right.kind === 'Literal' && e.right.type === 'string') {
        if (e.left.kind === 'Star') return anyColumn(schema, e.right.value as string, cs, e);
        if (e.left.kind === 'NameRef') {
          if (columnIndex(schema, e.left.name.name) < 0) return FALSE;
          return termMatch(e.left, e.right.value as string, cs, e);
        }
      }
      break;
    case 'Call':
      if (e.name.name === 'not' && e.args.length === 1) return { ...e, args: [rewrite(e.args[0]!, schema, cs, c, scope)] };
      break;
    default: break;
  }
  // Any other predicate: false for a table that lacks a column it names.
  try {
    compileScalar(e, c.env(schema, scope));
    return e;
  } catch (err) {
    if (err instanceof KqlError && err.code === 'KQL100') return FALSE;
    throw err;
  }
}

function isConstantFalse(c: Compiler, rel: Relation, predicate: Expr, scope: Scope): boolean {
  const ev = compileScalar(rewrite(predicate, rel.schema, false, c, scope), c.env(rel.schema, scope));
  return ev.constant !== undefined && ev.constant.value === false;
}

function filtered(c: Compiler, rel: Relation, predicate: Expr, cs: boolean, scope: Scope): Relation {
  const ev = compileScalar(rewrite(predicate, rel.schema, cs, c, scope), c.env(rel.schema, scope));
  if (ev.type !== 'bool' && ev.type !== 'dynamic') fail(predicate, `the search predicate must be bool, but it has type ${ev.type}`);
  const pred = asBoolEval(ev);
  return {
    schema: rel.schema,
    serialized: rel.serialized,
    batches: function* () {
      for (const b of checked(c.ctx, rel.batches())) {
        const idx = selectTrue(pred.eval(b));
        if (idx.length === b.length) yield b;
        else if (idx.length > 0) yield gatherTable(b, idx);
      }
    },
  };
}

function caseSensitive(c: Compiler, op: SearchOp, scope: Scope): boolean {
  const o = op.options.find((x) => x.name === 'kind');
  if (!o) return false;
  const v = o.value.kind === 'NameRef' ? o.value.name.name : String(compileScalar(o.value, c.env([], scope)).constant?.value ?? '');
  if (v !== 'case_sensitive' && v !== 'case_insensitive' && v !== 'default') fail(o, `search kind must be case_sensitive or case_insensitive, not '${v}'`);
  return v === 'case_sensitive';
}

/** The tables named in `in (...)` (wildcards allowed), or every table of the database. */
function tableLegs(c: Compiler, tables: readonly Expr[], scope: Scope, at: Expr | SearchOp | FindOp): Leg[] {
  if (tables.length === 0) {
    const names = tableNames(c.tables).sort();
    if (names.length === 0) fail(at, 'there are no tables to search');
    return names.map((n) => ({ name: n, rel: c.namedTable(n, at as Expr, scope) }));
  }
  return tables.flatMap((t) => {
    if (t.kind === 'NameRef' && t.name.name.includes('*')) {
      const m = patternMatcher(t.name.name);
      return tableNames(c.tables).filter(m).sort().map((n) => ({ name: n, rel: c.namedTable(n, t, scope) }));
    }
    return [{ name: t.kind === 'NameRef' ? t.name.name : 'table', rel: c.tabular(t, scope) }];
  });
}

/** `inputName`: the piped input's table name when it is one, for the `$table` column. */
export function compileSearch(c: Compiler, input: Relation | undefined, op: SearchOp, scope: Scope, inputName = ''): Relation {
  const cs = caseSensitive(c, op, scope);
  if (input) {
    if (op.tables.length > 0) fail(op, "a piped search takes its input from the pipe: remove 'in (...)'");
    return unionRelations(c, [{ name: inputName, rel: filtered(c, input, op.predicate, cs, scope) }], 'outer', '$table');
  }
  const legs = tableLegs(c, op.tables, scope, op).map((l) => ({ name: l.name, rel: filtered(c, l.rel, op.predicate, cs, scope) }));
  return unionRelations(c, legs, 'outer', '$table');
}

/** Names the predicate mentions (over-approximated: any identifier). */
function mentionedNames(e: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(e)) { for (const x of e) mentionedNames(x, out); return out; }
  if (e === null || typeof e !== 'object') return out;
  const node = e as { kind?: string; name?: { name: string } };
  if (node.kind === 'NameRef' && node.name) out.add(node.name.name);
  for (const v of Object.values(e)) if (v !== null && typeof v === 'object') mentionedNames(v, out);
  return out;
}

export function compileFind(c: Compiler, op: FindOp, scope: Scope): Relation {
  const withSource = op.options.find((o) => o.name === 'withsource');
  const sourceName = withSource ? (withSource.value.kind === 'NameRef' ? withSource.value.name.name : String((withSource.value as Literal).value)) : 'source_';
  const all = tableLegs(c, op.tables, scope, op).map((l) => ({ name: l.name, rel: filtered(c, l.rel, op.predicate, false, scope), constantFalse: false }));
  // A table whose predicate names a column it lacks (so is false throughout) takes no part.
  for (const leg of all) leg.constantFalse = isConstantFalse(c, leg.rel, op.predicate, scope);
  const legs = all.filter((l) => !l.constantFalse);
  const mode = op.project?.mode ?? 'project-smart';
  if (mode !== 'project-smart' && mode !== 'project') throw new NotSupportedError(`find ${mode}`, op.start, op.end);
  // project-smart: the columns the predicate names and those every table has (in order of first
  // appearance), then pack_ holding each row's other non-empty columns if any table has more.
  let fixed: TableSchema;
  let pack: boolean;
  if (mode === 'project') {
    fixed = [];
    pack = false;
    for (const item of op.project!.items) {
      if (item.kind === 'Call' && item.name.name === 'pack_all' && item.args.length === 0) { pack = true; continue; }
      if (item.kind !== 'NameRef') fail(item, 'find project takes column names (and pack_all())');
      const types = all.map((l) => l.rel.schema.find((s) => s.name === item.name.name)?.type).filter((t) => t !== undefined);
      if (types.length === 0) fail(item, `find project: no table has a column named '${item.name.name}'`);
      fixed.push({ name: item.name.name, type: types[0]! });
    }
  } else {
    const named = mentionedNames(op.predicate, new Set());
    const candidates = legs.length > 0 ? legs : all;
    fixed = [];
    for (const leg of candidates) {
      for (const s of leg.rel.schema) {
        if (fixed.some((f) => f.name === s.name)) continue;
        const common = candidates.every((l) => l.rel.schema.some((x) => x.name === s.name && x.type === s.type));
        if (common || named.has(s.name)) fixed.push(s);
      }
    }
    pack = legs.some((l) => l.rel.schema.some((s) => !fixed.some((f) => f.name === s.name)));
  }
  const schema: TableSchema = [{ name: sourceName, type: 'string' }, ...fixed, ...(pack ? [{ name: 'pack_', type: 'dynamic' as const }] : [])];
  return {
    schema,
    batches: function* () {
      for (const leg of legs) {
        const slots = fixed.map((f) => leg.rel.schema.findIndex((s) => s.name === f.name && s.type === f.type));
        const fixedNames = new Set(fixed.map((f) => f.name));
        for (const b of checked(c.ctx, leg.rel.batches())) {
          const cols: Column[] = [new StringColumn('string', new Int32Array(b.length), [leg.name])];
          slots.forEach((slot, k) => {
            if (slot >= 0) cols.push(b.columns[slot]!.column);
            else cols.push(constantColumn(fixed[k]!.type, null, b.length));
          });
          if (pack) {
            const bags = new Array(b.length);
            for (let r = 0; r < b.length; r++) {
              const bag: Record<string, ReturnType<typeof dynamicFromScalar>> = {};
              b.columns.forEach((col, k) => {
                const s = leg.rel.schema[k]!;
                if (fixedNames.has(s.name)) return;
                const v = col.column.get(r);
                if (v === null || v === '') return;
                bag[s.name] = dynamicFromScalar(s.type, v);
              });
              bags[r] = bag;
            }
            cols.push(new DynamicColumn(bags));
          }
          yield makeTable(schema, cols, b.length);
        }
      }
    },
  };
}
