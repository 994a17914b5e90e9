// Plain table files (CSV/TSV, JSON, NDJSON, Parquet) into an IngestSink, for `kqlhunt ingest
// --format csv|json|ndjson|parquet`: the same readers and typing as `query --data`, so a file
// means the same table whether it is queried directly or ingested first.

import { gunzipSync } from 'node:zlib';
import type { IngestSink } from '../ingest/sink.js';
import { DataFileError, readDelimited } from '../io/csv.js';
import { readJson, readJsonLines } from '../io/json.js';
import type { SchemaCatalog } from '../io/schemas.js';
import { buildTable, formatLoadIssue, type LoadIssue, type RawTable } from '../io/table-builder.js';

export type TableFileFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet';

export interface TableFileResult {
  lines: number;
  tables: Record<string, number>;
  /** Cells their column's type could not take, stored as null; formatted for messages. */
  issues: string[];
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.length > 0 && text.charCodeAt(text.length - 1) !== 10 ? n + 1 : n;
}

/**
 * Reads one file as table(s) named `table` (json files that hold several named tables keep
 * their names) and sends their rows to the sink. Unreadable content throws DataFileError.
 */
export async function ingestTableFile(
  bytes: Uint8Array, file: string, format: TableFileFormat, table: string, catalog: SchemaCatalog, sink: IngestSink,
): Promise<TableFileResult> {
  const issues: LoadIssue[] = [];
  let raws: { name: string; raw: RawTable }[];
  let lines = 0;
  if (format === 'parquet') {
    // hyparquet reads by random access, so Parquet comes from a file, never a stream.
    if (file === '-') throw new DataFileError('-', undefined, 'parquet cannot be read from standard input; give the file');
    const { readParquet } = await import('../io/parquet.js');
    raws = [{ name: table, raw: await readParquet(file) }];
  } else {
    const text = Buffer.from(isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
    lines = countLines(text);
    switch (format) {
      case 'csv': raws = [{ name: table, raw: readDelimited(text, file, ',', issues) }]; break;
      case 'tsv': raws = [{ name: table, raw: readDelimited(text, file, '\t', issues) }]; break;
      case 'ndjson': raws = [{ name: table, raw: readJsonLines(text, file, issues) }]; break;
      case 'json': {
        const tables = readJson(text, file, issues);
        raws = tables.length === 1 ? [{ name: table, raw: tables[0]!.raw }] : tables.map((t, i) => ({ name: t.name ?? `${table}_${i + 1}`, raw: t.raw }));
        break;
      }
    }
  }
  const counts: Record<string, number> = {};
  for (const { name, raw } of raws) {
    const built = buildTable([raw], catalog.table(name));
    issues.push(...built.issues);
    sink.schema?.(name, built.schema);
    const { table: t } = built;
    for (let i = 0; i < t.length; i++) {
      const row: Record<string, unknown> = {};
      for (const c of t.columns) {
        const v = c.column.get(i);
        if (v !== null && v !== '') row[c.name] = v;
      }
      const where = raw.lineOf(i);
      sink.row(name, row, { file, line: 'line' in where ? where.line : where.record });
    }
    counts[name] = (counts[name] ?? 0) + t.length;
  }
  if (format === 'parquet') lines = Object.values(counts).reduce((a, b) => a + b, 0);
  return { lines, tables: counts, issues: issues.map(formatLoadIssue) };
}
