// Raw records from one or more files -> one engine Table (src/kql/data/column.ts):
// typed columns, strings dictionary-encoded. Columns are typed by a known schema when
// there is one (its columns all present, in its order; extra file columns inferred and
// appended), by types the file declares, or by conservative inference.
// A cell that does not fit its column's type becomes null and is reported, never dropped
// silently and never fatal.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, partsFromTicks,
  type Column, type Table,
} from '../kql/data/column.js';
import type { ColumnSchema, DynamicValue, ScalarType, TableSchema } from '../kql/types.js';
import {
  ALL_CANDIDATES, BAD, DatetimeTicks, candidatesOf, inferredType, toBool, toDatetime, toDynamic, toGuid, toInteger, toReal,
  toStringCell, toTimespan, type RawCell,
} from './cell.js';

/** Records as a reader produced them: one row per record, cells aligned with `header`. */
export interface RawTable {
  /** Where the records came from, for messages. */
  file: string;
  header: string[];
  rows: RawCell[][];
  /** Where row i starts in the file (1-based line), or a function computing it on demand. */
  lineOf: (row: number) => LineRef;
  /** Types the file itself declares (Log Analytics exports, parquet). */
  declaredTypes?: ReadonlyMap<string, ScalarType>;
}

/** A position for a message: a line in a text file, or a record number where lines mean nothing. */
export type LineRef = { line: number } | { record: number };

export interface LoadIssue {
  file: string;
  where?: LineRef;
  message: string;
}

export function formatLoadIssue(issue: LoadIssue): string {
  const w = issue.where;
  const loc = w === undefined ? issue.file : 'line' in w ? `${issue.file}:${w.line}` : `${issue.file}: record ${w.record}`;
  return `${loc}: ${issue.message}`;
}

export type TypingSource = 'schema' | 'declared' | 'inferred';

export interface BuiltTable {
  table: Table;
  schema: TableSchema;
  /** How each column got its type, by column name. */
  typing: Map<string, TypingSource>;
  issues: LoadIssue[];
}

/** Log Analytics exports name time columns `TimeGenerated [UTC]`; the table's column is `TimeGenerated`. */
export function normaliseHeader(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().replace(/\s*\[UTC\]$/i, '');
}

interface ColumnBuilder {
  /** false: the value does not fit; the builder stored null. */
  set(row: number, raw: RawCell): boolean;
  finish(): Column;
}

function nullsArray(length: number): Uint8Array {
  return new Uint8Array(length);
}

class BoolBuilder implements ColumnBuilder {
  private readonly values: Uint8Array;
  private nulls: Uint8Array | null = null;
  constructor(private readonly length: number) {
    this.values = new Uint8Array(length);
  }
  set(row: number, raw: RawCell): boolean {
    const v = toBool(raw);
    if (v === null || v === BAD) {
      (this.nulls ??= nullsArray(this.length))[row] = 1;
      return v !== BAD;
    }
    this.values[row] = v ? 1 : 0;
    return true;
  }
  finish(): Column {
    return new BoolColumn(this.values, this.nulls);
  }
}

class NumberBuilder implements ColumnBuilder {
  private readonly values: Int32Array | Float64Array;
  private nulls: Uint8Array | null = null;
  constructor(private readonly type: 'int' | 'long' | 'real' | 'decimal', private readonly length: number) {
    this.values = type === 'int' ? new Int32Array(length) : new Float64Array(length);
  }
  set(row: number, raw: RawCell): boolean {
    const v = this.type === 'int' || this.type === 'long' ? toInteger(raw, this.type) : toReal(raw);
    if (v === null || v === BAD) {
      (this.nulls ??= nullsArray(this.length))[row] = 1;
      return v !== BAD;
    }
    this.values[row] = v;
    return true;
  }
  finish(): Column {
    return new NumberColumn(this.type, this.values, this.nulls);
  }
}

class TicksBuilder implements ColumnBuilder {
  private readonly ms: Float64Array;
  private sub: Uint16Array | null = null;
  private nulls: Uint8Array | null = null;
  constructor(private readonly type: 'datetime' | 'timespan', private readonly length: number) {
    this.ms = new Float64Array(length);
  }
  set(row: number, raw: RawCell): boolean {
    const v = this.type === 'datetime' ? toDatetime(raw) : toTimespan(raw);
    if (v === null || v === BAD) {
      (this.nulls ??= nullsArray(this.length))[row] = 1;
      return v !== BAD;
    }
    const parts = partsFromTicks(this.type, v);
    this.ms[row] = parts.ms;
    if (parts.sub !== 0) (this.sub ??= new Uint16Array(this.length))[row] = parts.sub;
    return true;
  }
  finish(): Column {
    return new TicksColumn(this.type, this.ms, this.sub, this.nulls);
  }
}

/** Dictionary encoding: each distinct string is stored once; rows hold codes. */
class StringBuilder implements ColumnBuilder {
  private readonly codes: Int32Array;
  private readonly dict: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly type: 'string' | 'guid', length: number) {
    this.codes = new Int32Array(length);
  }
  private code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.index.set(s, c);
    }
    return c;
  }
  set(row: number, raw: RawCell): boolean {
    if (this.type === 'string') {
      this.codes[row] = this.code(toStringCell(raw));
      return true;
    }
    const v = toGuid(raw);
    this.codes[row] = this.code(v === null || v === BAD ? '' : v);
    return v !== BAD;
  }
  finish(): Column {
    // Rows never set (a column absent from every file) still need a valid code.
    if (this.dict.length === 0) this.dict.push('');
    return new StringColumn(this.type, this.codes, this.dict);
  }
}

class DynamicBuilder implements ColumnBuilder {
  private readonly values: DynamicValue[];
  constructor(length: number) {
    this.values = new Array<DynamicValue>(length).fill(null);
  }
  set(row: number, raw: RawCell): boolean {
    this.values[row] = toDynamic(raw);
    return true;
  }
  finish(): Column {
    return new DynamicColumn(this.values);
  }
}

export function columnBuilder(type: ScalarType, length: number): ColumnBuilder {
  switch (type) {
    case 'bool': return new BoolBuilder(length);
    case 'int': case 'long': case 'real': case 'decimal': return new NumberBuilder(type, length);
    case 'datetime': case 'timespan': return new TicksBuilder(type, length);
    case 'string': case 'guid': return new StringBuilder(type, length);
    case 'dynamic': return new DynamicBuilder(length);
  }
}

/** A cell as quoted in a message, shortened: messages stay one line. */
function describeRaw(raw: RawCell): string {
  const text = typeof raw === 'string' ? raw : toStringCell(raw);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(shown);
}

interface Part {
  raw: RawTable;
  /** For each output column, the index of the part's field, or -1. */
  fieldOf: Int32Array;
}

/**
 * Builds one table from one or more raw tables (files) of the same logical table.
 * `schema`: the known schema, if the table name has one.
 */
export function buildTable(parts: readonly RawTable[], schema?: TableSchema): BuiltTable {
  const issues: LoadIssue[] = [];
  const columns: ColumnSchema[] = [];
  const typing = new Map<string, TypingSource>();
  const position = new Map<string, number>();
  for (const c of schema ?? []) {
    position.set(c.name, columns.length);
    columns.push({ name: c.name, type: c.type });
    typing.set(c.name, 'schema');
  }
  const pendingInference: number[] = [];
  const fieldMaps = parts.map((raw) => {
    const fieldIndexByColumn = new Map<number, number>();
    raw.header.forEach((header, fieldIndex) => {
      const name = normaliseHeader(header);
      if (name === '') {
        // Trailing separators in exports make unnamed, empty columns; only values need a word.
        const withValue = raw.rows.findIndex((r) => { const v = r[fieldIndex]; return v !== undefined && v !== null && v !== ''; });
        if (withValue >= 0) {
          issues.push({ file: raw.file, where: raw.lineOf(withValue), message: `field ${fieldIndex + 1} has no column name in the header; its values are ignored` });
        }
        return;
      }
      let col = position.get(name);
      if (col === undefined) {
        col = columns.length;
        position.set(name, col);
        const declared = raw.declaredTypes?.get(header) ?? raw.declaredTypes?.get(name);
        columns.push({ name, type: declared ?? 'string' });
        typing.set(name, declared ? 'declared' : 'inferred');
        if (!declared) pendingInference.push(col);
      }
      if (fieldIndexByColumn.has(col)) {
        issues.push({ file: raw.file, message: `column '${header}' appears twice; the later one is ignored` });
        return;
      }
      fieldIndexByColumn.set(col, fieldIndex);
    });
    return fieldIndexByColumn;
  });
  // Columns are only all known once every file's header has been seen.
  const mapped: Part[] = parts.map((raw, i) => {
    const fieldOf = new Int32Array(columns.length).fill(-1);
    for (const [col, f] of fieldMaps[i]!) fieldOf[col] = f;
    return { raw, fieldOf };
  });

  for (const col of pendingInference) columns[col]!.type = inferColumn(mapped, col);

  const length = mapped.reduce((n, p) => n + p.raw.rows.length, 0);
  const built: { name: string; column: Column }[] = [];
  columns.forEach((c, col) => {
    const builder = columnBuilder(c.type, length);
    let row = 0;
    for (const part of mapped) {
      const f = part.fieldOf[col]!;
      const rows = part.raw.rows;
      for (let r = 0; r < rows.length; r++, row++) {
        const raw = f < 0 ? undefined : rows[r]![f];
        if (!builder.set(row, raw)) {
          issues.push({
            file: part.raw.file,
            where: part.raw.lineOf(r),
            message: `column ${c.name}: ${describeRaw(raw)} is not a valid ${c.type}; stored as null`,
          });
        }
      }
    }
    built.push({ name: c.name, column: builder.finish() });
  });
  return { table: { columns: built, length }, schema: columns, typing, issues };
}

function inferColumn(parts: readonly Part[], col: number): ScalarType {
  let mask = ALL_CANDIDATES;
  let sawValue = false;
  let sawObject = false;
  for (const part of parts) {
    const f = part.fieldOf[col]!;
    if (f < 0) continue;
    for (const row of part.raw.rows) {
      const raw = row[f];
      const isObject = typeof raw === 'object' && raw !== null && !(raw instanceof Date) && !(raw instanceof DatetimeTicks);
      // Once only `string` is left, an object is the one thing that can still change the answer.
      if (mask === 0 && sawValue && !isObject) continue;
      const c = candidatesOf(raw);
      if (c === undefined) continue;
      sawValue = true;
      if (isObject) sawObject = true;
      mask &= c;
      if (mask === 0 && sawObject) return 'dynamic';
    }
  }
  return inferredType(mask, sawValue, sawObject);
}
