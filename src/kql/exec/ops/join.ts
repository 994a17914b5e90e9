// join and lookup: hash join with the right side as the build side. Keys compare by value
// per type; a null key never matches. innerunique (ADX's default) keeps only the first left
// row of each key before matching; the other kinds follow the Kusto docs.

import { StringColumn, type Column, type Table } from '../../data/column.js';
import type { Expr, JoinOp, LookupOp, WhereOp } from '../../syntax/ast.js';
import { mentionedNames, neededColumns } from '../pruning.js';
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

/**
 * The right side indexed by key. Rows sharing a key are chained in input order (`next`), and
 * a probe returns the first row of each left row's chain.
 *
 * A single string key never hashes per row: rows chain by dictionary code, and each left
 * dictionary is translated to right chains once — by hashing the smaller of the two
 * dictionaries and looking the other one up (so a small left dictionary against a million
 * distinct right keys costs lookups, not a million-entry map build).
 */
class BuildSide {
  private index: Map<string | number, number> | undefined;
  private mergedNext: Int32Array | undefined;
  private readonly byCodeHead: Int32Array | undefined;
  private readonly byCodeNext: Int32Array | undefined;
  private readonly probeCache = new WeakMap<string[], { heads: Int32Array; next: Int32Array }>();

  constructor(readonly table: Table, readonly keyCols: Column[], private readonly ctx: { tick(): void }) {
    const single = keyCols.length === 1 ? keyCols[0] : undefined;
    if (single instanceof StringColumn) {
      const n = table.length;
      const head = new Int32Array(single.dict.length).fill(-1);
      const last = new Int32Array(single.dict.length);
      const next = new Int32Array(n).fill(-1);
      for (let r = 0; r < n; r++) {
        const code = single.codes[r]!;
        if (head[code]! < 0) head[code] = r; else next[last[code]!] = r;
        last[code] = r;
      }
      this.byCodeHead = head;
      this.byCodeNext = next;
    }
  }

  /** Key -> first row, chains merged across equal keys (built on first need). */
  private keyIndex(): { index: Map<string | number, number>; next: Int32Array } {
    if (this.index && this.mergedNext) return { index: this.index, next: this.mergedNext };
    const n = this.table.length;
    const index = new Map<string | number, number>();
    const next = new Int32Array(n).fill(-1);
    const lastOf = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      this.ctx.tick();
      const k = keyAt(this.keyCols, r);
      if (k === undefined) continue;
      const h = index.get(k);
      if (h === undefined) { index.set(k, r); lastOf[r] = r; } else { next[lastOf[h]!] = r; lastOf[h] = r; }
    }
    this.index = index;
    this.mergedNext = next;
    return { index, next };
  }

  /** Left dictionary codes -> right chain heads, or undefined when the right dictionary repeats a string. */
  private translate(leftDict: string[]): Int32Array | undefined {
    const right = this.keyCols[0] as StringColumn;
    const heads = new Int32Array(leftDict.length).fill(-1);
    const rightHead = this.byCodeHead!;
    if (leftDict.length <= right.dict.length) {
      const codeOf = new Map<string, number>();
      for (let c = 0; c < leftDict.length; c++) if (!codeOf.has(leftDict[c]!)) codeOf.set(leftDict[c]!, c);
      const taken = new Uint8Array(leftDict.length);
      for (let rc = 0; rc < right.dict.length; rc++) {
        if (rightHead[rc]! < 0) continue;
        const lc = codeOf.get(right.dict[rc]!);
        if (lc === undefined) continue;
        if (taken[lc] === 1) return undefined;
        taken[lc] = 1;
        heads[lc] = rightHead[rc]!;
      }
      for (let c = 0; c < leftDict.length; c++) {
        if (heads[c]! < 0) { const first = codeOf.get(leftDict[c]!)!; heads[c] = heads[first]!; }
      }
      return heads;
    }
    const headOf = new Map<string, number>();
    for (let rc = 0; rc < right.dict.length; rc++) {
      if (rightHead[rc]! < 0) continue;
      if (headOf.has(right.dict[rc]!)) return undefined;
      headOf.set(right.dict[rc]!, rightHead[rc]!);
    }
    for (let c = 0; c < leftDict.length; c++) heads[c] = headOf.get(leftDict[c]!) ?? -1;
    return heads;
  }

  /** The first right row matching each left row of a batch (or -1), and the chain links. */
  probe(keyCols: readonly Column[], n: number): { heads: Int32Array; next: Int32Array } {
    const heads = new Int32Array(n);
    const single = keyCols.length === 1 ? keyCols[0] : undefined;
    if (single instanceof StringColumn && this.byCodeHead) {
      let t = this.probeCache.get(single.dict);
      if (t === undefined || t.heads.length !== single.dict.length) {
        const translated = this.translate(single.dict);
        if (translated) t = { heads: translated, next: this.byCodeNext! };
        else {
          const { index, next } = this.keyIndex();
          t = { heads: Int32Array.from(single.dict, (s) => index.get(s) ?? -1), next };
        }
        this.probeCache.set(single.dict, t);
      }
      const perCode = t.heads;
      for (let i = 0; i < n; i++) heads[i] = perCode[single.codes[i]!]!;
      return { heads, next: t.next };
    }
    const { index, next } = this.keyIndex();
    for (let i = 0; i < n; i++) {
      const k = keyAt(keyCols, i);
      heads[i] = k === undefined ? -1 : index.get(k) ?? -1;
    }
    return { heads, next };
  }
}

function build(c: Compiler, right: Relation, keys: readonly KeyPair[]): BuildSide {
  const table = collect(right);
  return new BuildSide(table, keys.map((k) => table.columns[k.right]!.column), c.ctx);
}

/** Growable Int32 output buffers for matched row pairs. */
class PairBuffer {
  left: Int32Array;
  right: Int32Array;
  length = 0;
  /** Sized for one match per probe row, the common case. */
  constructor(capacity: number) {
    this.left = new Int32Array(Math.max(16, capacity));
    this.right = new Int32Array(Math.max(16, capacity));
  }
  push(l: number, r: number): void {
    if (this.length === this.left.length) {
      const nl = new Int32Array(this.length * 2); nl.set(this.left); this.left = nl;
      const nr = new Int32Array(this.length * 2); nr.set(this.right); this.right = nr;
    }
    this.left[this.length] = l;
    this.right[this.length++] = r;
  }
}

/** The conjuncts of `a and b and ...`, parentheses unwrapped. */
function conjuncts(e: Expr, out: Expr[] = []): Expr[] {
  while (e.kind === 'Paren') e = e.expr;
  if (e.kind === 'Binary' && e.op === 'and') { conjuncts(e.left, out); conjuncts(e.right, out); } else out.push(e);
  return out;
}

function andAll(parts: readonly Expr[]): Expr {
  return parts.reduce((acc, e) => ({ kind: 'Binary', op: 'and', left: acc, right: e, start: acc.start, end: e.end }) as Expr);
}

/**
 * `L | join kind=innerunique R on ... | where P`: ADX applies the parts of P that read only
 * left columns to L before de-duplicating its keys, so which left row survives depends on the
 * filter (the docs' join-innerunique page: the filtered row is "always" the one kept).
 * Returns undefined when nothing can be pushed, so the caller compiles the plain pipeline.
 * `needed`: what the consumer of the `where` reads.
 */
export function compileInneruniqueJoinWhere(
  c: Compiler, left: Relation, op: JoinOp, where: WhereOp, scope: Scope, needed?: ReadonlySet<string>,
): Relation | undefined {
  if (optionKind(op, 'innerunique') !== 'innerunique') return undefined;
  const right = c.tabular(op.right, scope);
  const leftNames = new Set(left.schema.map((s) => s.name));
  const rightOutNames = new Set(joinRightColumnNames(left.schema.map((s) => s.name), right.schema.map((s) => s.name)));
  const pushed: Expr[] = [], kept: Expr[] = [];
  for (const part of conjuncts(where.predicate)) {
    const names = mentionedNames(part, c.ctx.registry);
    const leftOnly = names !== undefined && [...names].every((n) => !rightOutNames.has(n)) && [...names].some((n) => leftNames.has(n));
    (leftOnly ? pushed : kept).push(part);
  }
  if (pushed.length === 0) return undefined;
  const filteredLeft = c.operator(left, { ...where, predicate: andAll(pushed) }, scope);
  if (kept.length === 0) return joinOver(c, filteredLeft, right, op, needed);
  const rest: WhereOp = { ...where, predicate: andAll(kept) };
  const joined = joinOver(c, filteredLeft, right, op, neededColumns(rest, needed, c.ctx.registry));
  return c.operator(joined, rest, scope);
}

/** `needed`: when set, only these output columns are produced (the consumer reads no others). */
export function compileJoin(c: Compiler, left: Relation, op: JoinOp, scope: Scope, needed?: ReadonlySet<string>): Relation {
  return joinOver(c, left, c.tabular(op.right, scope), op, needed);
}

function joinOver(c: Compiler, left: Relation, right: Relation, op: JoinOp, needed?: ReadonlySet<string>): Relation {
  let kind = optionKind(op, 'innerunique');
  if (!KINDS.has(kind)) fail(op, `unknown join kind '${kind}'`);
  if (kind === 'leftantisemi') kind = 'leftanti';
  if (kind === 'rightantisemi') kind = 'rightanti';
  const keys = parseKeys(op.on, left.schema, right.schema, 'join');
  const rightNames = joinRightColumnNames(left.schema.map((s) => s.name), right.schema.map((s) => s.name));
  const leftOnly = kind === 'leftanti' || kind === 'leftsemi';
  const rightOnly = kind === 'rightanti' || kind === 'rightsemi';
  const leftOut = rightOnly ? [] : left.schema.map((_, i) => i).filter((i) => !needed || needed.has(left.schema[i]!.name));
  const rightOut = leftOnly ? [] : right.schema.map((_, i) => i).filter((i) => !needed || needed.has(rightOnly ? right.schema[i]!.name : rightNames[i]!));
  const schema: TableSchema = [
    ...leftOut.map((i) => left.schema[i]!),
    ...rightOut.map((i) => (rightOnly ? right.schema[i]! : { name: rightNames[i]!, type: right.schema[i]!.type })),
  ];
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const bs = build(c, right, keys);
      const matchedRight = new Uint8Array(bs.table.length);
      let produced = 0;
      const emit = (lb: Table | undefined, li: ArrayLike<number>, ri: ArrayLike<number>): Table => {
        produced += li.length;
        ctx.checkRows(produced, 'join', op.start, op.end);
        const cols: Column[] = [];
        for (const k of leftOut) cols.push(lb ? gather(lb.columns[k]!.column, li) : gather(emptyLike(left.schema[k]!.type), li));
        for (const k of rightOut) cols.push(gather(bs.table.columns[k]!.column, ri));
        return makeTable(schema, cols, li.length);
      };
      const seenHead = new Uint8Array(bs.table.length);
      for (const lb of checked(ctx, left.batches())) {
        const { heads, next } = bs.probe(keys.map((k) => lb.columns[k.left]!.column), lb.length);
        const out = new PairBuffer(lb.length);
        for (let i = 0; i < lb.length; i++) {
          const h = heads[i]!;
          switch (kind) {
            case 'innerunique':
              // The first left row of each key only (a key without a match yields nothing anyway).
              if (h < 0 || seenHead[h] === 1) break;
              seenHead[h] = 1;
              for (let r = h; r >= 0; r = next[r]!) { out.push(i, r); matchedRight[r] = 1; }
              break;
            case 'inner': case 'rightouter':
              for (let r = h; r >= 0; r = next[r]!) { out.push(i, r); matchedRight[r] = 1; }
              break;
            case 'leftouter': case 'fullouter':
              if (h < 0) { out.push(i, -1); break; }
              for (let r = h; r >= 0; r = next[r]!) { out.push(i, r); matchedRight[r] = 1; }
              break;
            case 'leftsemi': if (h >= 0) out.push(i, -1); break;
            case 'leftanti': if (h < 0) out.push(i, -1); break;
            case 'rightsemi': case 'rightanti':
              for (let r = h; r >= 0; r = next[r]!) matchedRight[r] = 1;
              break;
          }
        }
        if (out.length > 0) yield emit(lb, out.left.subarray(0, out.length), out.right.subarray(0, out.length));
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
        const { heads, next } = bs.probe(keys.map((k) => lb.columns[k.left]!.column), lb.length);
        const out = new PairBuffer(lb.length);
        for (let i = 0; i < lb.length; i++) {
          const h = heads[i]!;
          if (h >= 0) for (let r = h; r >= 0; r = next[r]!) out.push(i, r);
          else if (kind === 'leftouter') out.push(i, -1);
        }
        const li = out.left.subarray(0, out.length), ri = out.right.subarray(0, out.length);
        if (li.length === 0) continue;
        produced += li.length;
        ctx.checkRows(produced, 'lookup', op.start, op.end);
        const lidx = li, ridx = ri;
        const cols = [
          ...lb.columns.map((x) => gather(x.column, lidx)),
          ...carried.map((i) => gather(bs.table.columns[i]!.column, ridx)),
        ];
        yield makeTable(schema, cols, li.length);
      }
    },
  };
}
