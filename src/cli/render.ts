// Query results as text: an aligned table for terminals, CSV (RFC 4180), JSON, NDJSON.
// Cell text comes from the values module so every surface shows values the same way.

import type { Table } from '../kql/data/column.js';
import type { ColumnSchema, ScalarType } from '../kql/types.js';
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
    for (let r = 0; r < table.length; r++) out[r] = displayCell(cellText(type, c.column.get(r)), maxCellWidth);
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
