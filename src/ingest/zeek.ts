// Zeek logs (TSV and JSON) -> one table per log path: `Zeek_conn`, `Zeek_dns`, ...
//
// TSV ("Zeek ASCII" writer, docs.zeek.org "Log Formats" and
// src/logging/writers/ascii/Ascii.cc): header lines
//   #separator \x09            (the separator itself, written with \x escapes, after a space)
//   #set_separator<sep>,       #empty_field<sep>(empty)     #unset_field<sep>-
//   #path<sep>conn             #open / #close<sep>timestamp
//   #fields<sep>ts<sep>uid...  #types<sep>time<sep>string...
// Values escape the separator and non-printable bytes as \xHH and a backslash as \\.
// Container values (set[T], vector[T]) are joined by the set separator; `(empty)` is an empty
// container or string, `-` an unset field (the column is then absent from the row).
// JSON (the writer with LogAscii::use_json): one object per line, unset fields omitted,
// `_path` naming the log when present, times as epoch seconds or ISO 8601 text.
//
// Types: time -> datetime (exact: Zeek writes microseconds); interval -> timespan, rounded to the
// microsecond both formats share (TSV prints 6 decimals, JSON the full double); count/int -> long;
// port -> int; double -> real (JSON values rounded to the 6 decimals TSV carries); bool T/F;
// addr/subnet/enum/string/pattern -> string; set/vector -> dynamic arrays (interval elements as
// seconds, time elements as ISO text). Field names have `.` replaced by `_` (`id.orig_h` ->
// `id_orig_h`), the spelling Sentinel's Zeek/Corelight tables use and one KQL can write unquoted.
// So a TSV log and the JSON copy of it give identical rows.

import type { ScalarType, TableSchema } from '../kql/types.js';
import { formatDatetime } from '../kql/values/datetime.js';
import {
  intAt, longAt, realAt, ticksFromUnixSecondsAt, ticksFromUnixSecondsNumber, ticksFromUnixSecondsText, toInt, toLong, toReal,
} from './convert.js';
import { parseDatetimeString } from '../kql/values/datetime.js';
import { DEFERRED_ROW, type ParseContext, type ParseOutcome, type Row, type RowFields } from './record.js';
import { RowShapes } from './row-shapes.js';

export function zeekTableName(path: string): string {
  return `Zeek_${path.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function zeekColumnName(field: string): string {
  return field.indexOf('.') < 0 ? field : field.replace(/\./g, '_');
}

/** The log path from a file name: `conn.log`, `conn.00:00:00-01:00:00.log.gz`, `dns.log.labeled` -> `conn`/`dns`. */
export function zeekPathFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.indexOf('.');
  return dot <= 0 ? base : base.slice(0, dot);
}

/** Decodes `\xHH` and `\\` escapes (TSV values and the #separator header). */
export function unescapeZeek(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '\\') { out += '\\'; i++; continue; }
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
    }
    out += c;
  }
  return out;
}

export function zeekColumnType(zeekType: string): ScalarType {
  if (zeekType.startsWith('set[') || zeekType.startsWith('vector[') || zeekType.startsWith('table[')) return 'dynamic';
  switch (zeekType) {
    case 'time': return 'datetime';
    case 'interval': return 'timespan';
    case 'count': case 'int': return 'long';
    case 'port': return 'int';
    case 'double': return 'real';
    case 'bool': return 'bool';
    default: return 'string';
  }
}

export function intervalTicks(seconds: number): bigint | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const micros = Math.round(seconds * 1e6);
  return Number.isSafeInteger(micros) ? BigInt(micros) * 10n : undefined;
}

function roundSixDecimals(x: number): number {
  return Number.isInteger(x) ? x : Math.round(x * 1e6) / 1e6;
}

type Converter = (text: string, column: string, ctx: ParseContext) => unknown;

function scalarConverter(zeekType: string): Converter {
  switch (zeekType) {
    case 'time':
      return (t, c, ctx) => {
        const v = ticksFromUnixSecondsText(t);
        if (v === undefined) ctx.badField(c, t);
        return v;
      };
    case 'interval':
      return (t, c, ctx) => {
        const n = toReal(t);
        const v = n === undefined ? undefined : intervalTicks(n);
        if (v === undefined) ctx.badField(c, t);
        return v;
      };
    case 'count':
    case 'int':
      return (t, c, ctx) => {
        const v = toLong(t);
        if (v === undefined) ctx.badField(c, t);
        return v;
      };
    case 'port':
      return (t, c, ctx) => {
        const v = toInt(t);
        if (v === undefined) ctx.badField(c, t);
        return v;
      };
    case 'double':
      return (t, c, ctx) => {
        const v = toReal(t);
        if (v === undefined) ctx.badField(c, t);
        return v;
      };
    case 'bool':
      return (t, c, ctx) => {
        if (t === 'T') return true;
        if (t === 'F') return false;
        ctx.badField(c, t);
        return undefined;
      };
    default:
      return (t) => t;
  }
}

/** Element values inside dynamic arrays: numbers stay numbers, times become ISO text. */
function elementConverter(zeekType: string): (text: string) => unknown {
  switch (zeekType) {
    case 'count': case 'int': case 'port': case 'double':
      return (t) => { const n = toReal(t); return n === undefined ? t : n; };
    case 'interval':
      return (t) => { const n = toReal(t); return n === undefined ? t : roundSixDecimals(n); };
    case 'bool':
      return (t) => (t === 'T' ? true : t === 'F' ? false : t);
    case 'time':
      return (t) => { const v = ticksFromUnixSecondsText(t); return v === undefined ? t : formatDatetime(v); };
    default:
      return (t) => t;
  }
}

/** How a TSV field becomes a value; read in place (no slice) when the line has no escapes. */
/**
 * An empty set or vector handed over as a field value: fields are only read, and are read before
 * the next record, so one frozen array serves every row (a stray write fails loudly).
 */
const EMPTY_SET: unknown[] = Object.freeze([]) as unknown as unknown[];

const enum FieldKind { Time, Interval, Long, Int, Real, Bool, Text, Container }

function fieldKind(zeekType: string, container: boolean): FieldKind {
  if (container) return FieldKind.Container;
  switch (zeekType) {
    case 'time': return FieldKind.Time;
    case 'interval': return FieldKind.Interval;
    case 'count': case 'int': return FieldKind.Long;
    case 'port': return FieldKind.Int;
    case 'double': return FieldKind.Real;
    case 'bool': return FieldKind.Bool;
    default: return FieldKind.Text;
  }
}

interface ColumnPlan {
  name: string;
  kind: FieldKind;
  convert: Converter;
  container: boolean;
  element?: (text: string) => unknown;
  isString: boolean;
}

/** A TSV log file, read line by line; headers reconfigure it (Zeek may concatenate logs). */
export class ZeekTsvReader {
  private separator = '\t';
  private setSeparator = ',';
  private emptyField = '(empty)';
  private unsetField = '-';
  private path: string;
  private fields: string[] | undefined;
  private types: string[] | undefined;
  private plan: ColumnPlan[] | undefined;
  private table: string;
  /** A Zeek `#separator`/`#path`/... header was seen: data lines then need #fields, never stand in for it. */
  private sawZeekHeader = false;
  private shapes: RowShapes | undefined;
  /** Scratch for one record (parsing is synchronous): where each field starts, and the fields kept. */
  private fieldStarts = new Int32Array(64);
  private readonly ids: number[] = [];
  private readonly values: unknown[] = [];
  /** The scratch as RowFields, for ParseContext.deferRows; undefined when field names repeat. */
  private fieldsView: { names: readonly string[]; ids: number[]; values: unknown[]; count: number } | undefined;
  /** The outcome that hands fieldsView over: one object, as the view it carries is one. */
  private deferredOutcome: { table: string; row: Row; fields: RowFields } | undefined;

  constructor(fileName: string, private readonly onSchema: (table: string, schema: TableSchema) => void) {
    this.path = zeekPathFromFileName(fileName);
    this.table = zeekTableName(this.path);
  }

  /** True when the line was a header (or comment) rather than a record. */
  isHeader(line: string): boolean {
    if (line.charCodeAt(0) !== 35 /* # */) {
      // No #fields header: a first plain line of names (zeek-cut output) serves as one.
      if (this.fields === undefined && !this.sawZeekHeader) {
        this.fields = line.split(this.separator);
        this.types = this.fields.map(() => 'string');
        this.plan = undefined;
        return true;
      }
      return false;
    }
    if (/^#(separator|set_separator|empty_field|unset_field|path|fields|types)\b/.test(line)) this.sawZeekHeader = true;
    if (line.startsWith('#separator ')) {
      this.separator = unescapeZeek(line.slice('#separator '.length));
      return true;
    }
    const sep = line.indexOf(this.separator);
    const key = sep < 0 ? line : line.slice(0, sep);
    const value = sep < 0 ? '' : line.slice(sep + this.separator.length);
    switch (key) {
      case '#set_separator': this.setSeparator = unescapeZeek(value); break;
      case '#empty_field': this.emptyField = value; break;
      case '#unset_field': this.unsetField = value; break;
      case '#path':
        this.path = value;
        this.table = zeekTableName(value);
        break;
      case '#fields':
        this.fields = value.split(this.separator);
        this.plan = undefined;
        break;
      case '#types':
        this.types = value.split(this.separator);
        this.plan = undefined;
        break;
      default: break;
    }
    return true;
  }

  private buildPlan(): ColumnPlan[] {
    const fields = this.fields!;
    const types = this.types !== undefined && this.types.length === fields.length ? this.types : fields.map(() => 'string');
    const schema: TableSchema = [];
    const plan = fields.map((f, i) => {
      const t = types[i]!;
      const name = zeekColumnName(f);
      schema.push({ name, type: zeekColumnType(t) });
      const container = /^(set|vector)\[/.test(t);
      const p: ColumnPlan = { name, kind: fieldKind(t, container), convert: scalarConverter(t), container, isString: zeekColumnType(t) === 'string' };
      if (container) p.element = elementConverter(t.slice(t.indexOf('[') + 1, -1));
      return p;
    });
    this.onSchema(this.table, schema);
    const names = plan.map((p) => p.name);
    this.shapes = RowShapes.forNames(names);
    // Two fields with one column name (`a.b` and `a_b`) make one key of a row object: only rows
    // made as objects merge them the way assignment does.
    this.fieldsView = new Set(names).size === names.length ? { names, ids: this.ids, values: this.values, count: 0 } : undefined;
    this.deferredOutcome = this.fieldsView === undefined ? undefined : { table: this.table, row: DEFERRED_ROW, fields: this.fieldsView };
    return plan;
  }

  parse(line: string, ctx: ParseContext): ParseOutcome {
    if (this.fields === undefined) return { error: 'Zeek TSV record before any #fields header' };
    if (this.plan === undefined) this.plan = this.buildPlan();
    const plan = this.plan;
    const separator = this.separator;
    if (separator === '') return this.parseBySplit(line, ctx);
    // Field boundaries first: a record with the wrong field count is refused before any field counts as bad.
    let starts = this.fieldStarts;
    if (starts.length < plan.length + 1) starts = this.fieldStarts = new Int32Array(plan.length + 1);
    let fields = 0;
    if (separator.length === 1) {
      // Fields are short: scanning the characters beats an indexOf call per field.
      const sep = separator.charCodeAt(0);
      const n = line.length;
      starts[fields++] = 0;
      for (let at = 0; at < n; at++) {
        if (line.charCodeAt(at) !== sep) continue;
        if (fields === plan.length) return this.fieldCountError(line);
        starts[fields++] = at + 1;
      }
    } else {
      for (let at = 0; ;) {
        if (fields === plan.length) return this.fieldCountError(line);
        starts[fields++] = at;
        const next = line.indexOf(separator, at);
        if (next < 0) break;
        at = next + separator.length;
      }
    }
    if (fields !== plan.length) return this.fieldCountError(line);
    starts[fields] = line.length + separator.length;
    const escaped = line.indexOf('\\') >= 0;
    const deferred = ctx.deferRows === true && this.fieldsView !== undefined;
    const unset = this.unsetField, empty = this.emptyField;
    const ids = this.ids, values = this.values;
    let count = 0;
    for (let i = 0; i < plan.length; i++) {
      const start = starts[i]!;
      const end = starts[i + 1]! - separator.length;
      const length = end - start;
      if (length === unset.length && line.startsWith(unset, start)) continue;
      const p = plan[i]!;
      const isEmpty = length === empty.length && line.startsWith(empty, start);
      let v: unknown;
      if (p.kind === FieldKind.Container) {
        v = isEmpty ? (deferred ? EMPTY_SET : []) : line.slice(start, end).split(this.setSeparator).map((e) => p.element!(unescapeZeek(e)));
      } else if (isEmpty) {
        if (!p.isString) continue;
        v = '';
      } else if (escaped) {
        v = p.convert(unescapeZeek(line.slice(start, end)), p.name, ctx);
      } else {
        v = readField(p, line, start, end, ctx);
      }
      if (v === undefined) continue;
      ids[count] = i;
      values[count++] = v;
    }
    const view = this.fieldsView;
    if (deferred) {
      view!.count = count;
      const outcome = this.deferredOutcome!;
      outcome.table = this.table;
      return outcome;
    }
    return { table: this.table, row: this.shapes!.make(ids, values, count) };
  }

  private fieldCountError(line: string): ParseOutcome {
    return { error: `Zeek ${this.path} record has ${line.split(this.separator).length} fields; the #fields header declares ${this.plan!.length}` };
  }

  /** The general reader, for the degenerate empty separator (split('') splits between characters). */
  private parseBySplit(line: string, ctx: ParseContext): ParseOutcome {
    const plan = this.plan!;
    const values = line.split(this.separator);
    if (values.length !== plan.length) {
      return { error: `Zeek ${this.path} record has ${values.length} fields; the #fields header declares ${plan.length}` };
    }
    const row: Row = {};
    for (let i = 0; i < plan.length; i++) {
      const text = values[i]!;
      if (text === this.unsetField) continue;
      const p = plan[i]!;
      if (p.container) {
        row[p.name] = text === this.emptyField ? [] : text.split(this.setSeparator).map((e) => p.element!(unescapeZeek(e)));
        continue;
      }
      if (text === this.emptyField) {
        if (p.isString) row[p.name] = '';
        continue;
      }
      const v = p.convert(unescapeZeek(text), p.name, ctx);
      if (v !== undefined) row[p.name] = v;
    }
    return { table: this.table, row };
  }
}

/** A scalar field of an escape-free line, converted in place as its plan's converter converts the slice. */
function readField(p: ColumnPlan, line: string, start: number, end: number, ctx: ParseContext): unknown {
  let v: unknown;
  switch (p.kind) {
    case FieldKind.Text: return line.slice(start, end);
    case FieldKind.Time: v = ticksFromUnixSecondsAt(line, start, end); break;
    case FieldKind.Interval: {
      const n = realAt(line, start, end);
      v = n === undefined ? undefined : intervalTicks(n);
      break;
    }
    case FieldKind.Long: v = longAt(line, start, end); break;
    case FieldKind.Int: v = intAt(line, start, end); break;
    case FieldKind.Real: v = realAt(line, start, end); break;
    case FieldKind.Bool:
      if (end - start === 1) {
        const c = line.charCodeAt(start);
        if (c === 84 /* T */) return true;
        if (c === 70 /* F */) return false;
      }
      break;
    default: return p.convert(line.slice(start, end), p.name, ctx);
  }
  if (v === undefined) ctx.badField(p.name, line.slice(start, end));
  return v;
}

/** JSON fields whose Zeek type the JSON text does not carry (numbers would otherwise read as long/real). */
const JSON_TIME_FIELDS = new Set(['ts', '_write_ts', 'certificate.not_valid_before', 'certificate.not_valid_after', 'start_time', 'end_time']);
const JSON_INTERVAL_FIELDS = new Set(['duration', 'rtt', 'suppress_for', 'lease_time', 'interval']);

function jsonTime(v: unknown): bigint | undefined {
  if (typeof v === 'number') return ticksFromUnixSecondsNumber(v);
  if (typeof v === 'string') {
    const t = parseDatetimeString(v);
    return t === null ? undefined : t;
  }
  return undefined;
}

export function isZeekJsonLine(line: string): boolean {
  return line.charCodeAt(0) === 123 && (line.indexOf('"_path":') > 0 || (line.indexOf('"ts":') > 0 && line.indexOf('"uid":') > 0));
}

/** One Zeek JSON line -> a row. `fallbackPath` names the log when the object has no `_path`. */
export function parseZeekJsonLine(line: string, fallbackPath: string, ctx: ParseContext): ParseOutcome {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { error: 'Zeek JSON record is not an object' };
  const rec = obj as Record<string, unknown>;
  const path = typeof rec['_path'] === 'string' ? rec['_path'] : fallbackPath;
  const row: Row = {};
  for (const key in rec) {
    if (key === '_path') continue;
    const v = rec[key];
    if (v === null || v === undefined) continue;
    const column = zeekColumnName(key);
    if (JSON_TIME_FIELDS.has(key)) {
      const t = jsonTime(v);
      if (t !== undefined) row[column] = t;
      else ctx.badField(column, String(v));
    } else if (JSON_INTERVAL_FIELDS.has(key) && typeof v === 'number') {
      const t = intervalTicks(v);
      if (t !== undefined) row[column] = t;
      else ctx.badField(column, String(v));
    } else if (typeof v === 'number') {
      row[column] = roundSixDecimals(v);
    } else if (Array.isArray(v)) {
      row[column] = v.map((e) => (typeof e === 'number' ? roundSixDecimals(e) : e));
    } else {
      row[column] = v;
    }
  }
  return { table: zeekTableName(path), row };
}

/** The column types of a Zeek JSON row, for tables that have no TSV header to declare them. */
export function zeekJsonSchema(row: Row): TableSchema {
  const schema: TableSchema = [];
  for (const [name, v] of Object.entries(row)) {
    const type: ScalarType =
      typeof v === 'bigint' ? (name === 'ts' || name === '_write_ts' || name.startsWith('certificate_not_valid') ? 'datetime' : 'timespan')
      : typeof v === 'boolean' ? 'bool'
      : typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'real')
      : typeof v === 'string' ? 'string'
      : 'dynamic';
    schema.push({ name, type });
  }
  return schema;
}
