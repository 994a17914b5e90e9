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

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** The first record is the header. `issues` collects non-fatal problems (extra fields). */
export function readDelimited(text: string, file: string, delimiter: ',' | '\t', issues: LoadIssue[]): RawTable {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      // TSV writers rarely quote; a stray quote inside a field is data, not syntax.
      relax_quotes: delimiter === '\t',
      skip_empty_lines: true,
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new DataFileError(file, err.lines, `not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${err.message}`);
  }
  if (records.length === 0) return { file, header: [], rows: [], lineOf: () => ({ line: 1 }) };
  const header = records[0]!.record;
  const rows: RawCell[][] = [];
  // csv-parse reports the line a record ends on; a record starts after the previous one ends.
  const startLines = new Int32Array(records.length - 1);
  let previousEnd = records[0]!.info.lines;
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i]!;
    startLines[i - 1] = Math.min(previousEnd + 1, info.lines);
    previousEnd = info.lines;
    if (record.length > header.length) {
      const extra = record.slice(header.length);
      if (extra.some((c) => c.trim() !== '')) {
        issues.push({
          file,
          where: { line: startLines[i - 1]! },
          message: `${extra.length} field(s) beyond the ${header.length} header columns ignored`,
        });
      }
      rows.push(record.slice(0, header.length));
    } else {
      rows.push(record);
    }
  }
  return { file, header, rows, lineOf: (r) => ({ line: startLines[r]! }) };
}
