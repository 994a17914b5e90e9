// Building, gathering and concatenating columns in the layouts of data/column.ts.
// Operators never build per-row objects on hot paths: they gather by index arrays.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, partsFromTicks,
  type Column, type Table,
} from '../data/column.js';
import type { DynamicValue, Scalar, ScalarType, TableSchema } from '../types.js';
import { KqlError } from '../types.js';

/** Appends JS scalars (types.ts representation) and produces a column of one type. */
export class ColumnBuilder {
  private readonly values: number[] | DynamicValue[] = [];
  private readonly subs: number[] = [];
  private hasSub = false;
  private readonly nullFlags: number[] = [];
  private hasNull = false;
  private readonly dictIndex = new Map<string, number>();
  private readonly dict: string[] = [];

  constructor(readonly type: ScalarType) {}

  get length(): number { return this.nullFlags.length; }

  append(value: Scalar): void {
    const t = this.type;
    if (t === 'string' || t === 'guid') {
      const s = value === null ? '' : typeof value === 'string' ? value : String(value);
      let code = this.dictIndex.get(s);
      if (code === undefined) { code = this.dict.length; this.dict.push(s); this.dictIndex.set(s, code); }
      (this.values as number[]).push(code);
      this.nullFlags.push(0);
      return;
    }
    if (t === 'dynamic') {
      (this.values as DynamicValue[]).push(value === undefined ? null : (value as DynamicValue));
      this.nullFlags.push(0);
      return;
    }
    if (value === null || value === undefined) {
      (this.values as number[]).push(0);
      if (t === 'datetime' || t === 'timespan') this.subs.push(0);
      this.nullFlags.push(1);
      this.hasNull = true;
      return;
    }
    if (t === 'datetime' || t === 'timespan') {
      if (typeof value !== 'bigint') throw new KqlError(`internal: expected ticks for ${t}, got ${typeof value}`);
      const { ms, sub } = partsFromTicks(t, value);
      (this.values as number[]).push(ms);
      this.subs.push(sub);
      if (sub !== 0) this.hasSub = true;
    } else if (t === 'bool') {
      (this.values as number[]).push(value === true ? 1 : 0);
    } else {
      (this.values as number[]).push(typeof value === 'bigint' ? Number(value) : (value as number));
    }
    this.nullFlags.push(0);
  }

  finish(): Column {
    const t = this.type;
    const n = this.nullFlags.length;
    const nulls = this.hasNull ? Uint8Array.from(this.nullFlags) : null;
    switch (t) {
      case 'string': case 'guid':
        return new StringColumn(t, Int32Array.from(this.values as number[]), this.dict);
      case 'dynamic':
        return new DynamicColumn(this.values as DynamicValue[]);
      case 'bool':
        return new BoolColumn(Uint8Array.from(this.values as number[]), nulls);
      case 'int':
        return new NumberColumn('int', Int32Array.from(this.values as number[]), nulls);
      case 'long': case 'real': case 'decimal':
        return new NumberColumn(t, Float64Array.from(this.values as number[]), nulls);
      case 'datetime': case 'timespan':
        return new TicksColumn(t, Float64Array.from(this.values as number[]),
          this.hasSub ? Uint16Array.from(this.subs) : null, nulls);
    }
    void n;
  }
}

export function columnFromScalars(type: ScalarType, values: readonly Scalar[]): Column {
  const b = new ColumnBuilder(type);
  for (const v of values) b.append(v);
  return b.finish();
}

/** A column of `length` copies of one value. */
export function constantColumn(type: ScalarType, value: Scalar, length: number): Column {
  switch (type) {
    case 'string': case 'guid':
      return new StringColumn(type, new Int32Array(length), [value === null ? '' : String(value)]);
    case 'dynamic': {
      const arr = new Array<DynamicValue>(length).fill(value as DynamicValue);
      return new DynamicColumn(arr);
    }
    case 'bool': {
      const v = new Uint8Array(length);
      if (value === null) return new BoolColumn(v, new Uint8Array(length).fill(1));
      if (value === true) v.fill(1);
      return new BoolColumn(v, null);
    }
    case 'int': {
      const v = new Int32Array(length);
      if (value === null) return new NumberColumn('int', v, new Uint8Array(length).fill(1));
      v.fill(value as number);
      return new NumberColumn('int', v, null);
    }
    case 'long': case 'real': case 'decimal': {
      const v = new Float64Array(length);
      if (value === null) return new NumberColumn(type, v, new Uint8Array(length).fill(1));
      v.fill(typeof value === 'bigint' ? Number(value) : (value as number));
      return new NumberColumn(type, v, null);
    }
    case 'datetime': case 'timespan': {
      const ms = new Float64Array(length);
      if (value === null) return new TicksColumn(type, ms, null, new Uint8Array(length).fill(1));
      const p = partsFromTicks(type, value as bigint);
      ms.fill(p.ms);
      return new TicksColumn(type, ms, p.sub === 0 ? null : new Uint16Array(length).fill(p.sub), null);
    }
  }
}

export function emptyColumn(type: ScalarType): Column {
  return constantColumn(type, null, 0);
}

function gatherNulls(nulls: Uint8Array | null, idx: ArrayLike<number>): Uint8Array | null {
  if (nulls === null) return null;
  const out = new Uint8Array(idx.length);
  let any = false;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i]!;
    const v = j < 0 ? 1 : nulls[j]!;
    out[i] = v;
    if (v) any = true;
  }
  return any ? out : null;
}

/**
 * Rows `idx[i]` of `col`. A negative index yields null (outer-join padding): the type's
 * null, or the empty string for strings, an empty dynamic (null) for dynamic.
 */
export function gather(col: Column, idx: ArrayLike<number>): Column {
  const n = idx.length;
  let hasNeg = false;
  for (let i = 0; i < n; i++) if (idx[i]! < 0) { hasNeg = true; break; }
  const padNulls = (base: Uint8Array | null): Uint8Array | null => {
    if (!hasNeg) return gatherNulls(base, idx);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; out[i] = j < 0 ? 1 : base === null ? 0 : base[j]!; }
    return out;
  };
  if (col instanceof StringColumn) {
    const codes = new Int32Array(n);
    let dict = col.dict;
    let emptyCode = -1;
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      if (j < 0) {
        if (emptyCode < 0) { dict = dict.slice(); emptyCode = dict.length; dict.push(''); }
        codes[i] = emptyCode;
      } else codes[i] = col.codes[j]!;
    }
    return new StringColumn(col.type, codes, dict);
  }
  if (col instanceof DynamicColumn) {
    const out = new Array<DynamicValue>(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; out[i] = j < 0 ? null : col.values[j]!; }
    return new DynamicColumn(out);
  }
  if (col instanceof BoolColumn) {
    const v = new Uint8Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; v[i] = j < 0 ? 0 : col.values[j]!; }
    return new BoolColumn(v, padNulls(col.nulls));
  }
  if (col instanceof NumberColumn) {
    const v = col.values instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; v[i] = j < 0 ? 0 : col.values[j]!; }
    return new NumberColumn(col.type, v, padNulls(col.nulls));
  }
  const ms = new Float64Array(n);
  for (let i = 0; i < n; i++) { const j = idx[i]!; ms[i] = j < 0 ? 0 : col.ms[j]!; }
  let sub: Uint16Array | null = null;
  if (col.sub !== null) {
    sub = new Uint16Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; sub[i] = j < 0 ? 0 : col.sub[j]!; }
  }
  return new TicksColumn(col.type, ms, sub, padNulls(col.nulls));
}

/** Selected rows of a table (a where/take result): indices into the batch. */
export function gatherTable(t: Table, idx: ArrayLike<number>): Table {
  return { columns: t.columns.map((c) => ({ name: c.name, column: gather(c.column, idx) })), length: idx.length };
}

export function sliceTable(t: Table, start: number, end: number): Table {
  if (start === 0 && end >= t.length) return t;
  const e = Math.min(end, t.length);
  return { columns: t.columns.map((c) => ({ name: c.name, column: sliceColumn(c.column, start, e) })), length: Math.max(0, e - start) };
}

/** Concatenates same-typed columns (dictionaries merged). */
export function concatColumns(type: ScalarType, cols: readonly Column[]): Column {
  if (cols.length === 1) return cols[0]!;
  const total = cols.reduce((s, c) => s + c.length, 0);
  if (type === 'string' || type === 'guid') {
    const codes = new Int32Array(total);
    const first = (cols[0] as StringColumn).dict;
    if ((cols as StringColumn[]).every((c) => c.dict === first)) {
      // Views of one table share its dictionary: only the codes move.
      let o = 0;
      for (const c of cols as StringColumn[]) { codes.set(c.codes, o); o += c.length; }
      return new StringColumn(type, codes, first);
    }
    const dict: string[] = [];
    const index = new Map<string, number>();
    let o = 0;
    for (const c of cols as StringColumn[]) {
      const remap = new Int32Array(c.dict.length).fill(-1);
      for (let i = 0; i < c.length; i++) {
        const code = c.codes[i]!;
        let m = remap[code]!;
        if (m < 0) {
          const s = c.dict[code]!;
          let g = index.get(s);
          if (g === undefined) { g = dict.length; dict.push(s); index.set(s, g); }
          remap[code] = m = g;
        }
        codes[o++] = m;
      }
    }
    return new StringColumn(type, codes, dict);
  }
  if (type === 'dynamic') {
    const out: DynamicValue[] = [];
    for (const c of cols as DynamicColumn[]) for (let i = 0; i < c.length; i++) out.push(c.values[i]!);
    return new DynamicColumn(out);
  }
  const anyNull = cols.some((c) => c.nulls !== null);
  const nulls = anyNull ? new Uint8Array(total) : null;
  if (nulls) { let o = 0; for (const c of cols) { if (c.nulls) nulls.set(c.nulls, o); o += c.length; } }
  if (type === 'bool') {
    const v = new Uint8Array(total); let o = 0;
    for (const c of cols as BoolColumn[]) { v.set(c.values, o); o += c.length; }
    return new BoolColumn(v, nulls);
  }
  if (type === 'datetime' || type === 'timespan') {
    const ms = new Float64Array(total); let o = 0;
    const anySub = (cols as TicksColumn[]).some((c) => c.sub !== null);
    const sub = anySub ? new Uint16Array(total) : null;
    for (const c of cols as TicksColumn[]) { ms.set(c.ms, o); if (sub && c.sub) sub.set(c.sub, o); o += c.length; }
    return new TicksColumn(type, ms, sub, nulls);
  }
  const v = type === 'int' ? new Int32Array(total) : new Float64Array(total); let o = 0;
  for (const c of cols as NumberColumn[]) { v.set(c.values, o); o += c.length; }
  return new NumberColumn(type as 'int', v, nulls);
}

/** Concatenates batches of one schema into a single table. */
export function concatTables(schema: TableSchema, batches: readonly Table[]): Table {
  const nonEmpty = batches.filter((b) => b.length > 0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  if (nonEmpty.length === 0) return emptyTable(schema);
  return {
    columns: schema.map((c, i) => ({ name: c.name, column: concatColumns(c.type, nonEmpty.map((b) => b.columns[i]!.column)) })),
    length: nonEmpty.reduce((s, b) => s + b.length, 0),
  };
}

export function emptyTable(schema: TableSchema): Table {
  return { columns: schema.map((c) => ({ name: c.name, column: emptyColumn(c.type) })), length: 0 };
}

export function schemaOf(t: Table): TableSchema {
  return t.columns.map((c) => ({ name: c.name, type: c.column.type }));
}

/** True when row i is null (strings: never; dynamic: JS null). */
export function isNullAt(col: Column, i: number): boolean {
  if (col instanceof DynamicColumn) return col.values[i] === null;
  return col.nulls !== null && col.nulls[i] === 1;
}

/** Rows [start, end) of a column without copying (typed-array views, shared dictionary). */
export function sliceColumn(col: Column, start: number, end: number): Column {
  const nulls = col.nulls === null ? null : col.nulls.subarray(start, end);
  if (col instanceof StringColumn) return new StringColumn(col.type, col.codes.subarray(start, end), col.dict);
  if (col instanceof DynamicColumn) return new DynamicColumn(col.values.slice(start, end));
  if (col instanceof BoolColumn) return new BoolColumn(col.values.subarray(start, end), nulls);
  if (col instanceof NumberColumn) return new NumberColumn(col.type, col.values.subarray(start, end), nulls);
  return new TicksColumn(col.type, col.ms.subarray(start, end), col.sub === null ? null : col.sub.subarray(start, end), nulls);
}

export const BATCH_ROWS = 65536;

/** A table cut into batches of at most BATCH_ROWS rows (views, no copies). */
export function* batchesOf(t: Table, size = BATCH_ROWS): Iterable<Table> {
  if (t.length <= size) { if (t.length > 0) yield t; return; }
  for (let s = 0; s < t.length; s += size) {
    const e = Math.min(t.length, s + size);
    yield { columns: t.columns.map((c) => ({ name: c.name, column: sliceColumn(c.column, s, e) })), length: e - s };
  }
}
