// CSV and TSV files -> raw records. RFC 4180 via csv-parse, tolerant of what real exports
// contain: a byte-order mark, CRLF, rows longer or shorter than the header.

import { parse } from 'csv-parse/sync';
import type { RawCell } from './cell.js';
import type { LoadIssue, RawTable } from './table-builder.js';

export class DataFileError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, detail: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`);
    this.name = 'DataFileError';
  }
}

/** A well-formed file whose content is not table-shaped (e.g. a JSON object such as labels.json). */
export class NotATableError extends DataFileError {
  constructor(file: string, detail: string) {
    super(file, undefined, detail);
    this.name = 'NotATableError';
  }
}

interface ParsedRecord {
  record: string[];
  /** The record's source text including (part of) its line terminator. */
  raw: string;
}

function newlinesIn(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** The first record is the header. `issues` collects non-fatal problems (extra fields). */
export function readDelimited(text: string, file: string, delimiter: ',' | '\t', issues: LoadIssue[]): RawTable {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      raw: true,
      // Explicit: csv-parse otherwise guesses one terminator and treats the other as data.
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      // TSV writers rarely quote; a stray quote inside a field is data, not syntax.
      relax_quotes: delimiter === '\t',
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new DataFileError(file, err.lines, `not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${err.message}`);
  }
  // Line numbers come from counting terminators in each record's raw text (csv-parse's own
  // line counter counts a quoted CRLF twice). Blank lines are records of one empty field.
  let line = 1;
  let header: string[] | undefined;
  const rows: RawCell[][] = [];
  const startLines: number[] = [];
  for (const { record, raw } of records) {
    const start = line;
    line += newlinesIn(raw);
    if (record.length === 1 && record[0] === '') continue;
    if (header === undefined) {
      header = record;
      continue;
    }
    startLines.push(start);
    if (record.length > header.length) {
      const extra = record.slice(header.length);
      if (extra.some((c) => c.trim() !== '')) {
        issues.push({ file, where: { line: start }, message: `${extra.length} field(s) beyond the ${header.length} header columns ignored` });
      }
      rows.push(record.slice(0, header.length));
    } else {
      rows.push(record);
    }
  }
  if (header === undefined) return { file, header: [], rows: [], lineOf: () => ({ line: 1 }) };
  return { file, header, rows, lineOf: (r) => ({ line: startLines[r]! }) };
}
