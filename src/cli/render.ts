// Query results as text: an aligned table for terminals, CSV (RFC 4180), JSON, NDJSON.
// Cell text comes from the values module so every surface shows values the same way.

import type { Table } from '../kql/data/column.js';
import { dynamicNumber, type ColumnSchema, type DynamicValue, type ScalarType } from '../kql/types.js';
import { formatScalar, toJsonValue } from '../kql/values/format.js';

export type OutputFormat = 'table' | 'json' | 'csv' | 'ndjson';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'ndjson'];

export interface ResultSet {
  schema: readonly ColumnSchema[];
  table: Table;
  /** Rows the query produced before --max-rows cut it, when known and larger than the table. */
  totalRows?: number;
  /** Every table of a query that yields several (fork, facet), named; the first is `table`. */
  tables?: readonly { name: string; schema: readonly ColumnSchema[]; table: Table }[];
}

/** A sink for output; the CLI writes chunks so huge results never become one string. */
export type Write = (chunk: string) => void;

export function render(result: ResultSet, format: OutputFormat, write: Write, options: { maxCellWidth?: number } = {}): void {
  if (format === 'table' && result.tables !== undefined) {
    // Several result tables (fork, facet): each under its name, as ADX returns them.
    result.tables.forEach((t, i) => {
      write(`${i === 0 ? '' : '\n'}== ${t.name} ==\n`);
      renderTable({ schema: t.schema, table: t.table }, write, options.maxCellWidth ?? 60);
    });
    return;
  }
  switch (format) {
    case 'table': return renderTable(result, write, options.maxCellWidth ?? 60);
    case 'csv': return renderCsv(result, write);
    case 'json': return renderJson(result, write);
    case 'ndjson': return renderNdjson(result, write);
  }
}

function cellText(type: ScalarType, value: unknown): string {
  return formatScalar(type, value as never);
}

/** A numeric series longer than this shows as a summary in tables; shorter ones read fine as JSON. */
const SERIES_SUMMARY_MIN_LENGTH = 9;
const SPARKLINE_BUCKETS = 16;
const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/** A dynamic array of numbers (nulls allowed, as make-series with default=double(null) gives), else null. */
function numericSeries(value: unknown): (number | null)[] | null {
  if (!Array.isArray(value) || value.length < SERIES_SUMMARY_MIN_LENGTH) return null;
  let numbers = 0;
  const series = new Array<number | null>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i] as DynamicValue;
    const x = dynamicNumber(v);
    if (x !== null) numbers++;
    else if (v !== null) return null;
    series[i] = x;
  }
  return numbers > 0 ? series : null;
}

/** Two significant digits at most, exponent form for large or tiny magnitudes: a summary, not a value. */
export function compactNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e5 || magnitude < 1e-3) return x.toExponential(1).replace('e+', 'e').replace('.0e', 'e');
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(3)));
}

/**
 * `[n] min a · max b · ▁▃█▂` for a long numeric series. Each of the ~16 buckets shows its value
 * farthest from the series mean, so a one-bin spike or dip survives downsampling (a bucket mean
 * would flatten exactly the anomaly a hunter looks for); a bucket with no finite value is a space.
 */
export function seriesSummary(series: readonly (number | null)[]): string {
  const finite = series.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return `[${series.length}] no finite values`;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of finite) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
  const mean = sum / finite.length;
  const buckets = Math.min(SPARKLINE_BUCKETS, series.length);
  let spark = '';
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * series.length) / buckets);
    const to = Math.floor(((b + 1) * series.length) / buckets);
    let pick: number | null = null;
    for (let i = from; i < to; i++) {
      const v = series[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (pick === null || Math.abs(v - mean) > Math.abs(pick - mean)) pick = v;
    }
    if (pick === null) { spark += ' '; continue; }
    const level = max === min ? 0 : Math.round(((pick - min) / (max - min)) * (SPARK_LEVELS.length - 1));
    spark += SPARK_LEVELS[level];
  }
  return `[${series.length}] min ${compactNumber(min)} · max ${compactNumber(max)} · ${spark}`;
}

/** Table cells only: long numeric series become a summary; every other value shows as everywhere else. */
function tableCellText(type: ScalarType, value: unknown): string {
  if (type === 'dynamic') {
    const series = numericSeries(value);
    if (series !== null) return seriesSummary(series);
  }
  return cellText(type, value);
}

const RIGHT_ALIGNED = new Set<ScalarType>(['int', 'long', 'real', 'decimal', 'timespan']);

/** One line per cell: control characters shown escaped, long text cut with an ellipsis. */
function displayCell(text: string, maxWidth: number): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\r\n\t\u0000-\u001f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : '?'));
  return oneLine.length > maxWidth ? `${oneLine.slice(0, Math.max(1, maxWidth - 1))}…` : oneLine;
}

function renderTable(result: ResultSet, write: Write, maxCellWidth: number): void {
  const { schema, table } = result;
  const cols = table.columns;
  const cells: string[][] = cols.map((c, i) => {
    const type = schema[i]?.type ?? c.column.type;
    const out = new Array<string>(table.length);
    for (let r = 0; r < table.length; r++) out[r] = displayCell(tableCellText(type, c.column.get(r)), maxCellWidth);
    return out;
  });
  const headers = cols.map((c) => displayCell(c.name, maxCellWidth));
  const widths = headers.map((h, i) => cells[i]!.reduce((w, s) => Math.max(w, s.length), h.length));
  const right = cols.map((c, i) => RIGHT_ALIGNED.has(schema[i]?.type ?? c.column.type));
  const pad = (s: string, i: number): string => (right[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (parts: string[]): string => parts.map(pad).join('  ').trimEnd() + '\n';
  if (cols.length > 0) {
    write(line(headers));
    write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
    for (let r = 0; r < table.length; r++) write(line(cells.map((c) => c[r]!)));
  }
  const n = table.length;
  const count = `${n} row${n === 1 ? '' : 's'}`;
  write(result.totalRows !== undefined && result.totalRows > n ? `(${count} shown of ${result.totalRows})\n` : `(${count})\n`);
}

/** RFC 4180: CRLF line ends; fields with a comma, quote, CR, LF or edge spaces are quoted. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function renderCsv(result: ResultSet, write: Write): void {
  const { schema, table } = result;
  write(table.columns.map((c) => csvField(c.name)).join(',') + '\r\n');
  for (let r = 0; r < table.length; r++) {
    write(table.columns.map((c, i) => csvField(cellText(schema[i]?.type ?? c.column.type, c.column.get(r)))).join(',') + '\r\n');
  }
}

function jsonRow(result: ResultSet, r: number): unknown[] {
  return result.table.columns.map((c, i) => toJsonValue(result.schema[i]?.type ?? c.column.type, c.column.get(r)));
}

function renderJson(result: ResultSet, write: Write): void {
  const columns = result.table.columns.map((c, i) => ({ name: c.name, type: result.schema[i]?.type ?? c.column.type }));
  write(`{"columns":${JSON.stringify(columns)},"rows":[`);
  for (let r = 0; r < result.table.length; r++) write((r === 0 ? '' : ',') + JSON.stringify(jsonRow(result, r)));
  write(']');
  if (result.tables !== undefined) {
    // The first table stays the top-level object (the documented shape); all are listed too.
    write(',"tables":[');
    result.tables.forEach((t, i) => {
      const sub: ResultSet = { schema: t.schema, table: t.table };
      const cols = t.table.columns.map((c, k) => ({ name: c.name, type: t.schema[k]?.type ?? c.column.type }));
      write(`${i === 0 ? '' : ','}{"name":${JSON.stringify(t.name)},"columns":${JSON.stringify(cols)},"rows":[`);
      for (let r = 0; r < t.table.length; r++) write((r === 0 ? '' : ',') + JSON.stringify(jsonRow(sub, r)));
      write(']}');
    });
    write(']');
  }
  write('}\n');
}

function renderNdjson(result: ResultSet, write: Write): void {
  const names = result.table.columns.map((c) => c.name);
  for (let r = 0; r < result.table.length; r++) {
    const values = jsonRow(result, r);
    const obj: Record<string, unknown> = {};
    names.forEach((n, i) => { obj[n] = values[i]; });
    write(JSON.stringify(obj) + '\n');
  }
}
