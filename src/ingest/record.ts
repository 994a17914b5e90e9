// What every log parser shares: its input context and its outcome for one record.

export type Row = Record<string, unknown>;

export interface ParseContext {
  /** This run's ingestion time (ticks): TimeGenerated when the record carries no time of its own. */
  readonly ingestTime: bigint;
  /** A field whose text does not fit its column's type: the row keeps going without it. */
  badField(column: string, text: string): void;
  /**
   * The pipeline takes rows as fields (RowFields) when it can hand them to a sink that stores
   * them without a row object: parsers that collect fields then return them instead of making
   * the object. Absent/false: every outcome carries a real row.
   */
  readonly deferRows?: boolean;
}

/**
 * A row as the parser collected it: `names[ids[i]] = values[i]` for i < count, in the order the
 * row object would have its keys, no id twice. The arrays are the parser's scratch: valid until
 * it parses the next record.
 */
export interface RowFields {
  readonly names: readonly string[];
  readonly ids: ArrayLike<number>;
  readonly values: readonly unknown[];
  readonly count: number;
}

/**
 * A row for a table, or why the record cannot be one (the record is then quarantined). With
 * `fields`, the row was not made (ParseContext.deferRows) and `row` is the empty DEFERRED_ROW;
 * such an outcome, like its fields, is valid until the parser's next record (parsers hand the
 * same object back each time).
 */
export type ParseOutcome = { table: string; row: Row; fields?: RowFields } | { error: string };

/** Stands in for the row of an outcome that carries fields; frozen, so a stray write fails loudly. */
export const DEFERRED_ROW: Row = Object.freeze({});

/** The row object the fields describe (what RowShapes makes: same keys, same order). */
export function rowFromFields(fields: RowFields): Row {
  const row: Row = {};
  for (let i = 0; i < fields.count; i++) row[fields.names[fields.ids[i]!]!] = fields.values[i];
  return row;
}

export function failed(error: string): ParseOutcome {
  return { error };
}
