// JSON files -> raw records. Shapes: an array of objects (Sentinel's "export to JSON"),
// Log Analytics / ADX query results `{tables:[{name, columns:[{name,type}], rows:[[...]]}]}`,
// and JSON Lines (one object a line; also accepted in `.json` files, as Zeek writes them).

import type { ScalarType } from '../kql/types.js';
import type { RawCell } from './cell.js';
import { DataFileError, NotATableError } from './csv.js';
import { schemaTypeFromName } from './schemas.js';
import type { LineRef, LoadIssue, RawTable } from './table-builder.js';

/** A raw table plus the name the file gives it (query-result exports name their tables). */
export interface NamedRawTable {
  name?: string;
  raw: RawTable;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Records (objects) -> header (union of keys, in order of first appearance) and rows. */
function fromObjects(objects: Record<string, unknown>[], file: string, lineOf: (r: number) => LineRef): RawTable {
  const index = new Map<string, number>();
  const header: string[] = [];
  for (const o of objects) {
    for (const k of Object.keys(o)) {
      if (!index.has(k)) {
        index.set(k, header.length);
        header.push(k);
      }
    }
  }
  const rows = objects.map((o) => {
    const row: RawCell[] = new Array(header.length);
    for (const [k, v] of Object.entries(o)) row[index.get(k)!] = v as RawCell;
    return row;
  });
  return { file, header, rows, lineOf };
}

/**
 * Line on which each element of a top-level JSON array starts. Only computed when a message
 * needs a line, so the common path pays nothing for it.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) line++;
    if (inString) {
      if (ch === 92) i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
      continue;
    }
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) continue;
    if (depth === 1 && expectElement && ch !== 93) {
      lines.push(line);
      expectElement = false;
    }
    if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      depth++;
      if (depth === 1 && ch === 91) expectElement = true;
    } else if (ch === 93 || ch === 125) depth--;
    else if (ch === 44 && depth === 1) expectElement = true;
  }
  return lines;
}

/** Zeek and many shippers write JSON Lines into files named `.json`: one object on each line. */
function looksLikeJsonLines(text: string): boolean {
  const firstLine = text.replace(/^\uFEFF/, '').trimStart().split('\n', 1)[0]!.trim();
  if (!firstLine.startsWith('{') || firstLine.length === text.trim().length) return false;
  try {
    return isRecord(JSON.parse(firstLine));
  } catch {
    return false;
  }
}

export function readJson(text: string, file: string, issues: LoadIssue[]): NamedRawTable[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    if (looksLikeJsonLines(text)) return [{ raw: readJsonLines(text, file, issues) }];
    throw new DataFileError(file, undefined, `not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(doc)) {
    let lines: number[] | undefined;
    const lineOf = (r: number): LineRef => {
      lines ??= arrayElementLines(text);
      const l = lines[recordIndex[r]!];
      return l === undefined ? { record: recordIndex[r]! + 1 } : { line: l };
    };
    const objects: Record<string, unknown>[] = [];
    const recordIndex: number[] = [];
    doc.forEach((el, i) => {
      if (isRecord(el)) {
        objects.push(el);
        recordIndex.push(i);
      } else {
        lines ??= arrayElementLines(text);
        const l = lines[i];
        issues.push({
          file,
          where: l === undefined ? { record: i + 1 } : { line: l },
          message: `array element ${i + 1} is not an object; skipped`,
        });
      }
    });
    return [{ raw: fromObjects(objects, file, lineOf) }];
  }
  if (isRecord(doc) && Array.isArray(doc['tables'] ?? doc['Tables'])) {
    return readQueryResultTables((doc['tables'] ?? doc['Tables']) as unknown[], file);
  }
  throw new NotATableError(file, 'expected an array of objects, or a query-result export {"tables":[{"name","columns","rows"}]}');
}

function readQueryResultTables(tables: unknown[], file: string): NamedRawTable[] {
  return tables.map((t, ti) => {
    if (!isRecord(t)) throw new DataFileError(file, undefined, `tables[${ti}] is not an object`);
    const name = t['name'] ?? t['TableName'];
    const columns = t['columns'] ?? t['Columns'];
    const rows = t['rows'] ?? t['Rows'];
    if (!Array.isArray(columns) || !Array.isArray(rows)) {
      throw new DataFileError(file, undefined, `tables[${ti}] needs "columns" and "rows" arrays`);
    }
    const header: string[] = [];
    const declaredTypes = new Map<string, ScalarType>();
    columns.forEach((c, ci) => {
      const col = isRecord(c) ? c : {};
      const colName = col['name'] ?? col['ColumnName'];
      if (typeof colName !== 'string') throw new DataFileError(file, undefined, `tables[${ti}].columns[${ci}] has no name`);
      header.push(colName);
      const typeName = col['type'] ?? col['ColumnType'] ?? col['DataType'];
      const type = typeof typeName === 'string' ? schemaTypeFromName(typeName) : undefined;
      if (type) declaredTypes.set(colName, type);
    });
    const rawRows = rows.map((r, ri) => {
      if (!Array.isArray(r)) throw new DataFileError(file, undefined, `tables[${ti}].rows[${ri}] is not an array`);
      return r as RawCell[];
    });
    return {
      name: typeof name === 'string' ? name : undefined,
      raw: { file, header, rows: rawRows, declaredTypes, lineOf: (r: number): LineRef => ({ record: r + 1 }) },
    };
  });
}

export function readJsonLines(text: string, file: string, issues: LoadIssue[]): RawTable {
  const objects: Record<string, unknown>[] = [];
  const lineNumbers: number[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((lineText, i) => {
    const trimmed = lineText.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      issues.push({ file, where: { line: i + 1 }, message: `not valid JSON (${(e as Error).message}); line skipped` });
      return;
    }
    if (!isRecord(value)) {
      issues.push({ file, where: { line: i + 1 }, message: 'not a JSON object; line skipped' });
      return;
    }
    objects.push(value);
    lineNumbers.push(i + 1);
  });
  return fromObjects(objects, file, (r) => ({ line: lineNumbers[r]! }));
}
