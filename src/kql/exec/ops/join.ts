// join and lookup: hash join with the right side as the build side. Keys compare by value
// per type; a null key never matches. innerunique (ADX's default) keeps only the first left
// row of each key before matching; the other kinds follow the Kusto docs.

import type { Column, Table } from '../../data/column.js';
import type { Expr, JoinOp, LookupOp } from '../../syntax/ast.js';
import { joinRightColumnNames } from '../../semantics/naming.js';
import { isNumericType, type ScalarType, type TableSchema } from '../../types.js';
import { constantColumn, gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { fail } from '../expr/compile.js';
import { collect, columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable } from './common.js';
import { isNullKey, rowKey } from './grouping.js';

const KINDS = new Set(['innerunique', 'inner', 'leftouter', 'rightouter', 'fullouter', 'leftanti', 'rightanti', 'leftsemi', 'rightsemi', 'leftantisemi', 'rightantisemi']);

interface KeyPair { left: number; right: number }

function sideColumn(e: Expr, side: '$left' | '$right'): string | undefined {
  if (e.kind === 'Member' && e.target.kind === 'NameRef' && e.target.name.name === side) return e.member.name;
  return undefined;
}

/** Parses `on a, $left.b == $right.c and ...` into column index pairs. */
function parseKeys(on: readonly Expr[], left: TableSchema, right: TableSchema, what: string): KeyPair[] {
  const pairs: KeyPair[] = [];
  const resolve = (name: string, schema: TableSchema, side: string, node: Expr): number => {
    const i = columnIndex(schema, name);
    if (i < 0) fail(node, `${what}: the ${side} side has no column '${name}'`);
    return i;
  };
  const visit = (e: Expr): void => {
    while (e.kind === 'Paren') e = e.expr;
    if (e.kind === 'NameRef') {
      pairs.push({ left: resolve(e.name.name, left, 'left', e), right: resolve(e.name.name, right, 'right', e) });
      return;
    }
    if (e.kind === 'Binary' && e.op === 'and') { visit(e.left); visit(e.right); return; }
    if (e.kind === 'Binary' && e.op === '==') {
      const l1 = sideColumn(e.left, '$left'), r1 = sideColumn(e.right, '$right');
      const l2 = sideColumn(e.right, '$left'), r2 = sideColumn(e.left, '$right');
      const l = l1 ?? l2, r = r1 ?? r2;
      if (l !== undefined && r !== undefined) {
        pairs.push({ left: resolve(l, left, 'left', e), right: resolve(r, right, 'right', e) });
        return;
      }
    }
    fail(e, `${what}: 'on' takes column names or $left.column == $right.column comparisons`);
  };
  on.forEach(visit);
  if (pairs.length === 0) fail(on[0] ?? { start: 0, end: 0 }, `${what} needs at least one key`);
  for (const p of pairs) {
    const lt = left[p.left]!.type, rt = right[p.right]!.type;
    const ok = lt === rt || (isNumericType(lt) && isNumericType(rt)) || (isGuidish(lt) && isGuidish(rt));
    if (!ok) {
      fail(on[0]!, `${what}: key '${left[p.left]!.name}' is ${lt} on the left but '${right[p.right]!.name}' is ${rt} on the right`);
    }
  }
  return pairs;
}

function isGuidish(t: ScalarType): boolean { return t === 'string' || t === 'guid'; }

/** A composite key for row i, or undefined when any part is null (null keys never match). */
function keyAt(cols: readonly Column[], i: number): string | number | undefined {
  if (cols.length === 1) {
    const k = rowKey(cols[0]!, i);
    return isNullKey(k) ? undefined : k;
  }
  let s = '';
  for (const c of cols) {
    const k = rowKey(c, i);
    if (isNullKey(k)) return undefined;
    s += (typeof k === 'number' ? 'n' + k : 's' + k.length + ':' + k) + '\u0001';
  }
  return s;
}

function optionKind(op: JoinOp | LookupOp, fallback: string): string {
  const o = op.options.find((x) => x.name === 'kind');
  if (!o) return fallback;
  if (o.value.kind === 'NameRef') return o.value.name.name.toLowerCase();
  fail(o, 'kind= takes a join kind name');
}

interface BuildSide { table: Table; keyCols: Column[]; index: Map<string | number, number[]> }

function build(c: Compiler, right: Relation, keys: readonly KeyPair[]): BuildSide {
  const table = collect(right);
  const keyCols = keys.map((k) => table.columns[k.right]!.column);
  const index = new Map<string | number, number[]>();
  for (let i = 0; i < table.length; i++) {
    c.ctx.tick();
    const k = keyAt(keyCols, i);
    if (k === undefined) continue;
    const rows = index.get(k);
    if (rows) rows.push(i); else index.set(k, [i]);
  }
  return { table, keyCols, index };
}

export function compileJoin(c: Compiler, left: Relation, op: JoinOp, scope: Scope): Relation {
  let kind = optionKind(op, 'innerunique');
  if (!KINDS.has(kind)) fail(op, `unknown join kind '${kind}'`);
  if (kind === 'leftantisemi') kind = 'leftanti';
  if (kind === 'rightantisemi') kind = 'rightanti';
  const right = c.tabular(op.right, scope);
  const keys = parseKeys(op.on, left.schema, right.schema, 'join');
  const rightNames = joinRightColumnNames(left.schema.map((s) => s.name), right.schema.map((s) => s.name));
  const leftOnly = kind === 'leftanti' || kind === 'leftsemi';
  const rightOnly = kind === 'rightanti' || kind === 'rightsemi';
  const schema: TableSchema = leftOnly ? left.schema : rightOnly ? right.schema
    : [...left.schema, ...right.schema.map((s, i) => ({ name: rightNames[i]!, type: s.type }))];
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const bs = build(c, right, keys);
      const matchedRight = new Uint8Array(bs.table.length);
      const seenLeft = new Set<string | number>();
      let produced = 0;
      const emit = (lb: Table | undefined, li: ArrayLike<number>, ri: ArrayLike<number>): Table => {
        produced += li.length;
        ctx.checkRows(produced, 'join', op.start, op.end);
        const cols: Column[] = [];
        if (!rightOnly) for (let k = 0; k < left.schema.length; k++) {
          cols.push(lb ? gather(lb.columns[k]!.column, li) : gather(emptyLike(left.schema[k]!.type), li));
        }
        if (!leftOnly) for (const col of bs.table.columns) cols.push(gather(col.column, ri));
        return makeTable(schema, cols, li.length);
      };
      for (const lb of checked(ctx, left.batches())) {
        const lkeys = keys.map((k) => lb.columns[k.left]!.column);
        const li: number[] = [], ri: number[] = [];
        for (let i = 0; i < lb.length; i++) {
          ctx.tick();
          const k = keyAt(lkeys, i);
          if (kind === 'innerunique' && k !== undefined) {
            if (seenLeft.has(k)) continue;
            seenLeft.add(k);
          }
          const rows = k === undefined ? undefined : bs.index.get(k);
          switch (kind) {
            case 'innerunique': case 'inner': case 'rightouter':
              if (rows) for (const r of rows) { li.push(i); ri.push(r); matchedRight[r] = 1; }
              break;
            case 'leftouter': case 'fullouter':
              if (rows) for (const r of rows) { li.push(i); ri.push(r); matchedRight[r] = 1; }
              else { li.push(i); ri.push(-1); }
              break;
            case 'leftsemi': if (rows) li.push(i); break;
            case 'leftanti': if (!rows) li.push(i); break;
            case 'rightsemi': case 'rightanti':
              if (rows) for (const r of rows) matchedRight[r] = 1;
              break;
          }
        }
        if (li.length > 0) yield emit(lb, Int32Array.from(li), Int32Array.from(ri));
      }
      if (kind === 'rightouter' || kind === 'fullouter' || kind === 'rightsemi' || kind === 'rightanti') {
        const want = kind === 'rightsemi' ? 1 : 0;
        const ri: number[] = [];
        for (let r = 0; r < bs.table.length; r++) if (matchedRight[r] === want) ri.push(r);
        if (ri.length > 0) yield emit(undefined, new Int32Array(ri.length).fill(-1), Int32Array.from(ri));
      }
    },
  };
}

/** An empty column: gathered with index -1 it yields the nulls that pad unmatched right rows. */
function emptyLike(type: ScalarType): Column {
  return constantColumn(type, null, 0);
}

export function compileLookup(c: Compiler, left: Relation, op: LookupOp, scope: Scope): Relation {
  const kind = optionKind(op, 'leftouter');
  if (kind !== 'leftouter' && kind !== 'inner') fail(op, `lookup kind must be leftouter or inner, not '${kind}'`);
  const right = c.tabular(op.right, scope);
  const keys = parseKeys(op.on, left.schema, right.schema, 'lookup');
  const rightKeySet = new Set(keys.map((k) => k.right));
  const carried = right.schema.map((_, i) => i).filter((i) => !rightKeySet.has(i));
  const carriedNames = joinRightColumnNames(left.schema.map((s) => s.name), carried.map((i) => right.schema[i]!.name));
  const schema: TableSchema = [...left.schema, ...carried.map((i, k) => ({ name: carriedNames[k]!, type: right.schema[i]!.type }))];
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const bs = build(c, right, keys);
      let produced = 0;
      for (const lb of checked(ctx, left.batches())) {
        const lkeys = keys.map((k) => lb.columns[k.left]!.column);
        const li: number[] = [], ri: number[] = [];
        for (let i = 0; i < lb.length; i++) {
          const k = keyAt(lkeys, i);
          const rows = k === undefined ? undefined : bs.index.get(k);
          if (rows) for (const r of rows) { li.push(i); ri.push(r); }
          else if (kind === 'leftouter') { li.push(i); ri.push(-1); }
        }
        if (li.length === 0) continue;
        produced += li.length;
        ctx.checkRows(produced, 'lookup', op.start, op.end);
        const lidx = Int32Array.from(li), ridx = Int32Array.from(ri);
        const cols = [
          ...lb.columns.map((x) => gather(x.column, lidx)),
          ...carried.map((i) => gather(bs.table.columns[i]!.column, ridx)),
        ];
        yield makeTable(schema, cols, li.length);
      }
    },
  };
}
