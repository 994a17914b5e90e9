// Building CommonSecurityLog rows: every vendor parser sets columns from field text, typed by
// the table's schema. A value its column cannot take (a port that is not a number) is not
// dropped: it goes to AdditionalExtensions as `key=value`, as Sentinel does with fields that
// have no column, and the field is counted as bad.

import type { ScalarType } from '../kql/types.js';
import { parseCefTimestamp, toInt, toLong, toReal } from './convert.js';
import { DEFERRED_ROW, type ParseContext, type ParseOutcome, type Row, type RowFields } from './record.js';
import { RowShapes } from './row-shapes.js';
import { COMMON_SECURITY_LOG_SCHEMA } from './tables.js';

export const COMMON_SECURITY_LOG = 'CommonSecurityLog';

/** A column the builder can set: its id (index into CSL_COLUMN_NAMES) and type (undefined: not a CommonSecurityLog column). */
export interface CslColumn {
  readonly id: number;
  readonly name: string;
  readonly type: ScalarType | undefined;
}

/** Column names by id: the schema's, then any other name a parser sets as a value. */
const CSL_COLUMN_NAMES: string[] = COMMON_SECURITY_LOG_SCHEMA.map((c) => c.name);
const CSL_COLUMNS = new Map<string, CslColumn>(COMMON_SECURITY_LOG_SCHEMA.map((c, id) => [c.name, { id, name: c.name, type: c.type }]));
const ROW_SHAPES = new RowShapes(CSL_COLUMN_NAMES);

export function cslColumn(name: string): CslColumn {
  let column = CSL_COLUMNS.get(name);
  if (column === undefined) {
    column = { id: CSL_COLUMN_NAMES.length, name, type: undefined };
    CSL_COLUMN_NAMES.push(name);
    CSL_COLUMNS.set(name, column);
  }
  return column;
}

const ADDITIONAL_EXTENSIONS = cslColumn('AdditionalExtensions').id;
const TIME_GENERATED = cslColumn('TimeGenerated').id;
const TYPE = cslColumn('Type').id;

/**
 * A row under construction: column ids in the order they were first set, their values, and
 * where each id sits (valid for ids stamped with this use's generation, so nothing is cleared
 * between rows). Rows are built one at a time, so a finished builder's scratch serves the next.
 */
class Scratch implements RowFields {
  readonly names = CSL_COLUMN_NAMES;
  readonly ids: number[] = [];
  readonly values: unknown[] = [];
  count = 0;
  readonly position = new Int32Array(256);
  readonly stamp = new Uint32Array(256);
  generation = 0;
  /** The outcome that hands this scratch over as fields: made once, as the fields it carries are this scratch's. */
  deferredOutcome: ParseOutcome | undefined = undefined;

  reset(): void {
    this.count = 0;
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }

  indexOf(id: number): number {
    if (id < this.stamp.length) return this.stamp[id] === this.generation ? this.position[id]! : -1;
    for (let i = 0; i < this.count; i++) if (this.ids[i] === id) return i;
    return -1;
  }

  /** Sets a value; a column set again keeps its first place, as re-assigning an object key does. */
  put(id: number, value: unknown): void {
    const at = this.indexOf(id);
    if (at >= 0) {
      this.values[at] = value;
      return;
    }
    if (id < this.stamp.length) {
      this.stamp[id] = this.generation;
      this.position[id] = this.count;
    }
    this.ids[this.count] = id;
    this.values[this.count++] = value;
  }
}

const spareScratch: Scratch[] = [];

export class CslRowBuilder {
  private scratch: Scratch;
  private extensions = '';

  constructor(private readonly ctx: ParseContext) {
    this.scratch = spareScratch.pop() ?? new Scratch();
    this.scratch.reset();
  }

  /** Sets a column from text, converting to the column's type. Empty text leaves it unset. */
  set(column: string, text: string, sourceKey: string = column): void {
    if (text === '') return;
    const c = CSL_COLUMNS.get(column);
    this.setText(c ?? { id: -1, name: column, type: undefined }, text, sourceKey);
  }

  /** set() for a column already looked up. */
  setText(column: CslColumn, text: string, sourceKey: string = column.name): void {
    if (text === '') return;
    let value: unknown;
    switch (column.type) {
      case undefined:
        throw new Error(`internal: ${column.name} is not a CommonSecurityLog column`);
      case 'string':
        this.put(column.id, text);
        return;
      case 'int':
        value = toInt(text);
        break;
      case 'long':
        value = toLong(text);
        break;
      case 'real':
        value = toReal(text);
        break;
      case 'datetime':
        value = parseCefTimestamp(text, this.ctx.ingestTime);
        break;
      default:
        value = text;
    }
    if (value === undefined) {
      this.ctx.badField(column.name, text);
      this.extra(sourceKey, text);
      return;
    }
    this.put(column.id, value);
  }

  /** A string column's text (the caller knows the column is a string); empty text leaves it unset. */
  setString(column: string, text: string): void {
    if (text !== '') this.put(cslColumn(column).id, text);
  }

  /** A value already in its column's representation. */
  setValue(column: string, value: unknown): void {
    this.put(cslColumn(column).id, value);
  }

  /** setValue() for a column already looked up. */
  put(id: number, value: unknown): void {
    this.scratch.put(id, value);
  }

  /** setString() for a column already looked up. */
  putText(id: number, text: string): void {
    if (text !== '') this.scratch.put(id, text);
  }

  has(column: string): boolean {
    const c = CSL_COLUMNS.get(column);
    if (c === undefined) return false;
    const at = this.scratch.indexOf(c.id);
    return at >= 0 && this.scratch.values[at] !== undefined;
  }

  /** A field with no column: kept in AdditionalExtensions (`key=value;key=value`). */
  extra(key: string, value: string): void {
    const pair = `${key}=${value}`;
    this.extensions = this.extensions === '' ? pair : `${this.extensions};${pair}`;
  }

  /** The row; the builder is done with (its scratch goes to the next builder). */
  finish(timeGenerated: bigint): Row {
    const scratch = this.complete(timeGenerated);
    return ROW_SHAPES.make(scratch.ids, scratch.values, scratch.count);
  }

  /**
   * The parse outcome: the row, or with ParseContext.deferRows its fields (valid until the
   * next builder is made). The builder is done with.
   */
  outcome(timeGenerated: bigint): ParseOutcome {
    const scratch = this.complete(timeGenerated);
    if (this.ctx.deferRows === true) return scratch.deferredOutcome ??= { table: COMMON_SECURITY_LOG, row: DEFERRED_ROW, fields: scratch };
    return { table: COMMON_SECURITY_LOG, row: ROW_SHAPES.make(scratch.ids, scratch.values, scratch.count) };
  }

  private complete(timeGenerated: bigint): Scratch {
    const scratch = this.scratch;
    if (this.extensions !== '') scratch.put(ADDITIONAL_EXTENSIONS, this.extensions);
    const at = scratch.indexOf(TIME_GENERATED);
    if (at < 0 || scratch.values[at] === undefined) scratch.put(TIME_GENERATED, timeGenerated);
    scratch.put(TYPE, COMMON_SECURITY_LOG);
    spareScratch.push(scratch);
    this.scratch = FINISHED;
    return scratch;
  }
}

/** Stands in for a finished builder's scratch (which another builder now uses): any further use fails loudly. */
class FinishedScratch extends Scratch {
  override indexOf(): never {
    throw new Error('internal: CommonSecurityLog row builder used after finish()');
  }
  override put(): never {
    return this.indexOf();
  }
}
const FINISHED = new FinishedScratch();
