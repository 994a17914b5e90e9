// What every log parser shares: its input context and its outcome for one record.

export type Row = Record<string, unknown>;

export interface ParseContext {
  /** This run's ingestion time (ticks): TimeGenerated when the record carries no time of its own. */
  readonly ingestTime: bigint;
  /** A field whose text does not fit its column's type: the row keeps going without it. */
  badField(column: string, text: string): void;
}

/** A row for a table, or why the record cannot be one (the record is then quarantined). */
export type ParseOutcome = { table: string; row: Row } | { error: string };

export function failed(error: string): ParseOutcome {
  return { error };
}
