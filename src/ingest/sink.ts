// The contract between the ingest pipeline and whatever stores its rows (the embedded store
// implements IngestSink). Rows use the engine's scalar representation (src/kql/types.ts):
// datetime/timespan as bigint ticks, int/long/real as number, dynamic as JSON-like JS values.
// A column absent from a row is null (an empty string for string columns): parsers never
// write explicit nulls, so two parsers of the same event produce deep-equal rows.

import type { TableSchema } from '../kql/types.js';
import type { RowFields } from './record.js';

export interface RecordSource {
  /** The file the record came from (`-` for stdin). */
  file: string;
  /** 1-based line where the record starts (JSON-array elements: the line of their first character). */
  line: number;
}

export interface QuarantinedRecord extends RecordSource {
  /** Why the record could not become a row, naming the field or position at fault. */
  reason: string;
  /** The record's text, cut to MAX_QUARANTINE_RAW characters (a note says so when cut). */
  raw: string;
  /** The format the pipeline was reading the record as. */
  format: string;
}

export interface IngestSink {
  row(table: string, row: Record<string, unknown>, source: RecordSource): void;
  /**
   * Optional: a row as the parser's fields, without the row object (the store writer's fast
   * path). Means exactly row(table, {...fields, $IngestionTime: ingestionTime}) (no
   * `$IngestionTime` key when ingestionTime is undefined). The fields and the source object are
   * valid during the call only (both are reused for the next row).
   */
  rowFields?(table: string, fields: RowFields, ingestionTime: bigint | undefined, source: RecordSource): void;
  quarantine(q: QuarantinedRecord): void;
  /**
   * Optional: the columns a table's rows use, announced before its first row from a file and
   * again whenever a file brings a different column set (Zeek logs declare types per file).
   * Known Sentinel tables announce their catalogue schema.
   */
  schema?(table: string, columns: TableSchema): void;
}

/** The quarantine keeps enough of a record to recognise it, not a 1 MB line. */
export const MAX_QUARANTINE_RAW = 4096;

export function clipRaw(raw: string): string {
  if (raw.length <= MAX_QUARANTINE_RAW) return raw;
  return `${raw.slice(0, MAX_QUARANTINE_RAW)}… [${raw.length - MAX_QUARANTINE_RAW} more characters]`;
}

/**
 * The hidden column holding each row's ingestion time. ADX keeps it as `$IngestionTime`
 * (the name Kusto.Language gives ingestion_time()'s backing column); a `$` name cannot be
 * written in a query, so it never collides with data and `project *` never shows it.
 */
export const INGESTION_TIME_COLUMN = '$IngestionTime';

/**
 * GeoIP enrichment hook, implemented by the store/enrichment side. The pipeline asks only about
 * public addresses; no implementation ships with the pipeline (none is guessed).
 */
export interface GeoIpLookup {
  /** ISO 3166-1 alpha-2 country code, or undefined when the address is unknown. */
  country(ip: string): string | undefined;
}

/** Counts per run. `records = rows + quarantined` always holds. */
export interface IngestSummary {
  /** Physical lines read (headers, blank lines and records alike). */
  lines: number;
  /** Data records seen: lines for line formats, CSV data rows, JSON documents. */
  records: number;
  rows: number;
  /** Rows per destination table. */
  tables: Record<string, number>;
  quarantined: number;
  /** Records per detected format (`cef`, `asa`, `zeek-tsv`, ...). */
  byFormat: Record<string, number>;
  /** Fields that held a value their column's type could not take; the row kept, the field null. */
  badFields: number;
  files: number;
}

export function emptySummary(): IngestSummary {
  return { lines: 0, records: 0, rows: 0, tables: {}, quarantined: 0, byFormat: {}, badFields: 0, files: 0 };
}

/** Discards everything: for benchmarks and counting runs. */
export class NullSink implements IngestSink {
  row(): void {}
  quarantine(): void {}
}

/** Keeps everything in memory, by table. */
export class MemorySink implements IngestSink {
  readonly tables = new Map<string, Record<string, unknown>[]>();
  readonly sources = new Map<string, RecordSource[]>();
  readonly quarantined: QuarantinedRecord[] = [];
  readonly schemas = new Map<string, TableSchema>();

  row(table: string, row: Record<string, unknown>, source: RecordSource): void {
    let rows = this.tables.get(table);
    let sources = this.sources.get(table);
    if (rows === undefined || sources === undefined) {
      this.tables.set(table, (rows = []));
      this.sources.set(table, (sources = []));
    }
    rows.push(row);
    sources.push(source);
  }

  quarantine(q: QuarantinedRecord): void {
    this.quarantined.push(q);
  }

  schema(table: string, columns: TableSchema): void {
    this.schemas.set(table, columns);
  }

  rowsOf(table: string): Record<string, unknown>[] {
    return this.tables.get(table) ?? [];
  }
}
