// The store's one writer: an IngestSink that buffers rows by (table, day), cuts immutable
// segments, and commits each source file with a single manifest rename (docs/storage.md).
// Hold it only as long as needed: it owns the store lock until close().

import crypto from 'node:crypto';
import { currentTicksValue, coerceValue, typeOfValue } from './values.js';
import type { ColumnSchema, ScalarType, TableSchema } from '../kql/types.js';
import { ColumnBuffer, msOfTicks, subOfTicks } from './column-builders.js';
import { INGESTION_TIME_COLUMN, type IngestSink, type QuarantinedRecord, type RecordSource } from '../ingest/sink.js';
import { rowFromFields, type RowFields } from '../ingest/record.js';
import { encodeColumn } from './column-file.js';
import { sourceKey, writeManifest, type Manifest, type SourceEntry, type TableEntry } from './manifest.js';
import { SegmentWrites } from './segment-writes.js';
import { QUARANTINE_SCHEMA, QUARANTINE_TABLE, quarantineRow } from './quarantine.js';

/** Points in a commit where a crash leaves different debris; tests kill the process at each. */
export type CommitStep = 'segment-written' | 'segment-renamed' | 'manifest-written';

export interface StoreWriterOptions {
  /** Ingestion time of everything this writer commits (datetime ticks); default: now. */
  ingestTime?: bigint;
  /** Rows per segment before a (table, day) buffer is cut (default 262,144). */
  segmentRows?: number;
  /** Buffered values over all tables and days before the largest buffer is cut (default 8M). */
  maxBufferedValues?: number;
  /** Called at each commit step, before the step's effect becomes durable. */
  onCommitStep?: (step: CommitStep, detail: string) => void;
}

export interface SourceInfo {
  /** As given by the user (`-` for stdin). */
  file: string;
  sha256: string;
  size: number;
}

export interface CommitResult {
  rows: number;
  quarantined: number;
  tables: Record<string, number>;
  segments: number;
}

const DAY_MS = 86_400_000;

/** Rows of one (table, day) not yet written: a builder per column, made when the column is first set. */
class DayBuffer {
  rows = 0;
  values = 0;
  minMs: number | null = null;
  maxMs: number | null = null;
  /** By the table's column slot. */
  readonly builders: (ColumnBuffer | undefined)[] = [];
  /** Slots in the order this buffer first set them: the segment's column order. */
  readonly order: number[] = [];
  constructor(readonly day: string) {}
}

interface TableState {
  name: string;
  entry: TableEntry;
  types: Map<string, ScalarType>;
  /** Column slot by name; slots index `columns` and the buffers' builders. */
  slots: Map<string, number>;
  columns: ColumnSchema[];
  /** Slot of the time column, -1 when the table has none. */
  timeSlot: number;
  buffers: Map<string, DayBuffer>;
  /** The buffer the last row went to, and its UTC day start (NaN for `_nodate`/`_all`). */
  lastBuffer: DayBuffer | undefined;
  lastDayStart: number;
  /**
   * The previous row's non-null keys and their slots, position by position: rows of one parser
   * repeat their key sequence, so most keys resolve by one pointer comparison, not a Map lookup.
   */
  recentKeys: string[];
  recentSlots: number[];
  /** Rows of the open source (the commit's per-table counts). */
  sourceRows: number;
  /** The parser name list rows last came with as fields, and the slot of each of its ids (-1: not yet looked up). */
  fieldNames: readonly string[] | undefined;
  fieldSlots: Int32Array | undefined;
  /** Slot of `$IngestionTime`, -1 until a row brings it. */
  ingestionSlot: number;
  /** Column buffers of written segments, emptied, by slot: the next buffer of the column reuses their arrays. */
  spare: (ColumnBuffer | undefined)[];
}

export class StoreWriter implements IngestSink {
  private committed: Manifest;
  private working: Manifest;
  private readonly tables = new Map<string, TableState>();
  private source: (SourceInfo & { rows: number; quarantined: number; tablesInOrder: TableState[] }) | undefined;
  /** Segment files of the open source: written, renamed into place, not yet in a committed manifest. */
  private readonly segments: SegmentWrites;
  private segmentsThisSource = 0;
  private buffered = 0;
  private closed = false;
  /** The time parts of the row being stored (dayBufferOf). */
  private rowDated = false;
  private rowMs = 0;
  private rowSub = 0;
  private readonly ingestTime: bigint;
  private readonly ingestedAt: string;
  private readonly segmentRows: number;
  private readonly maxBufferedValues: number;
  private readonly dayNames = new Map<number, string>();
  /** The table of the previous row: rows come in long runs per table. */
  private lastState: TableState | undefined;
  /** Slots of one row's fields between resolving and storing them (reused). */
  private readonly rowSlots: number[] = [];
  /** Values the table's column type could not take (stored as null), per source. */
  badValues = 0;

  constructor(
    private readonly dir: string,
    manifest: Manifest,
    private readonly release: () => void,
    private readonly onCommit: (m: Manifest) => void,
    private readonly options: StoreWriterOptions,
  ) {
    this.committed = manifest;
    this.working = structuredClone(manifest);
    this.ingestTime = options.ingestTime ?? currentTicksValue();
    this.ingestedAt = String(this.ingestTime);
    this.segmentRows = options.segmentRows ?? 262_144;
    this.maxBufferedValues = options.maxBufferedValues ?? 8_000_000;
    this.segments = new SegmentWrites(dir, options.onCommitStep);
  }

  /** The committed record of a source with these bytes, if it was ingested before. */
  ingested(sha256: string, size: number): SourceEntry | undefined {
    const key = sourceKey(sha256, size);
    return Object.prototype.hasOwnProperty.call(this.committed.sources, key) ? this.committed.sources[key] : undefined;
  }

  beginSource(info: SourceInfo): void {
    this.assertOpen();
    if (this.source !== undefined) throw new Error(`internal: source ${this.source.file} is still open`);
    this.source = { ...info, rows: 0, quarantined: 0, tablesInOrder: [] };
    this.badValues = 0;
  }

  schema(table: string, columns: TableSchema): void {
    const state = this.tableState(table, columns);
    for (const c of columns) this.addColumn(state, c.name, c.type);
  }

  row(table: string, row: Record<string, unknown>, _source: RecordSource): void {
    const src = this.requireSource();
    const last = this.lastState;
    const state = last !== undefined && last.name === table ? last : this.tableState(table, undefined, row);
    this.lastState = state;
    this.append(state, row);
    src.rows++;
    if (state.sourceRows++ === 0) src.tablesInOrder.push(state);
  }

  rowFields(table: string, fields: RowFields, ingestionTime: bigint | undefined, _source: RecordSource): void {
    const src = this.requireSource();
    const last = this.lastState;
    const state = last !== undefined && last.name === table ? last : this.tableState(table, undefined, fields.count > 0 ? rowFromFields(fields) : {});
    this.lastState = state;
    this.appendFields(state, fields, ingestionTime);
    src.rows++;
    if (state.sourceRows++ === 0) src.tablesInOrder.push(state);
  }

  quarantine(q: QuarantinedRecord): void {
    const src = this.requireSource();
    this.schema(QUARANTINE_TABLE, QUARANTINE_SCHEMA);
    const state = this.tableState(QUARANTINE_TABLE);
    this.append(state, quarantineRow(q, this.ingestTime));
    src.quarantined++;
  }

  /** Buffers one row: new columns join the table's schema, values go to their (table, day) buffer. */
  private append(state: TableState, row: Record<string, unknown>): void {
    // Only a table without rows can still gain its time column from a row's new columns; then
    // the row's columns join first, so the row lands in the partition it will be read from.
    if (state.timeSlot < 0 && state.entry.segments.length === 0 && !anyRows(state)) {
      for (const key in row) {
        const v = row[key];
        if (v !== undefined && v !== null && !state.slots.has(key)) this.addColumn(state, key, typeOfValue(v));
      }
    }
    const time = state.timeSlot < 0 ? null : row[state.columns[state.timeSlot]!.name];
    const buf = this.dayBufferOf(state, time);
    const recentKeys = state.recentKeys;
    const recentSlots = state.recentSlots;
    let n = 0;
    let stored = 0;
    for (const key in row) {
      const v = row[key];
      if (v === undefined || v === null) continue;
      let slot: number;
      if (recentKeys[n] === key) slot = recentSlots[n]!;
      else {
        slot = state.slots.get(key) ?? this.addColumn(state, key, typeOfValue(v));
        recentKeys[n] = key;
        recentSlots[n] = slot;
      }
      n++;
      if (this.storeValue(state, buf, slot, v, time)) stored++;
      else this.badValues++;
    }
    this.endRow(state, buf, stored);
  }

  /**
   * append() for a row given as fields: the parser's column ids map to the table's slots
   * through a table kept per names list, so no key is compared or hashed per row.
   */
  private appendFields(state: TableState, fields: RowFields, ingestionTime: bigint | undefined): void {
    const { names, ids, values, count } = fields;
    let slotOfId = state.fieldNames === names ? state.fieldSlots : undefined;
    if (slotOfId === undefined || slotOfId.length < names.length) {
      // Parser name lists only grow (CommonSecurityLog learns vendor keys): a longer list is the same list extended.
      slotOfId = new Int32Array(names.length).fill(-1);
      if (state.fieldNames === names && state.fieldSlots !== undefined) slotOfId.set(state.fieldSlots);
      state.fieldNames = names;
      state.fieldSlots = slotOfId;
    }
    const slots = this.rowSlots;
    let time: unknown = null;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (v === undefined || v === null) { slots[i] = -1; continue; }
      const id = ids[i]!;
      let slot = slotOfId[id]!;
      if (slot < 0) {
        const name = names[id]!;
        slot = slotOfId[id] = state.slots.get(name) ?? this.addColumn(state, name, typeOfValue(v));
      }
      slots[i] = slot;
      if (slot === state.timeSlot) time = v;
    }
    let ingestionSlot = -1;
    if (ingestionTime !== undefined) {
      ingestionSlot = state.ingestionSlot;
      if (ingestionSlot < 0) ingestionSlot = state.ingestionSlot = state.slots.get(INGESTION_TIME_COLUMN) ?? this.addColumn(state, INGESTION_TIME_COLUMN, 'datetime');
      if (ingestionSlot === state.timeSlot) time = ingestionTime;
    }

    const buf = this.dayBufferOf(state, time);
    let stored = 0;
    for (let i = 0; i <= count; i++) {
      let slot: number;
      let v: unknown;
      if (i < count) {
        slot = slots[i]!;
        if (slot < 0) continue;
        v = values[i];
      } else {
        if (ingestionSlot < 0) break;
        slot = ingestionSlot;
        v = ingestionTime;
      }
      if (this.storeValue(state, buf, slot, v, time)) stored++;
      else this.badValues++;
    }
    this.endRow(state, buf, stored);
  }

  /**
   * Adds one value of the row being stored (dayBufferOf has split its time) to its column;
   * false when the value does not fit the column's type.
   */
  private storeValue(state: TableState, buf: DayBuffer, slot: number, v: unknown, time: unknown): boolean {
    let b = buf.builders[slot];
    if (b === undefined) {
      b = buf.builders[slot] = this.columnBuffer(state, slot);
      buf.order.push(slot);
    }
    // The row's time is converted once per row, whichever datetime columns hold it.
    if (this.rowDated && v === time && b.type === 'datetime') {
      b.addParts(buf.rows, this.rowMs, this.rowSub);
      return true;
    }
    return b.add(buf.rows, v);
  }

  /**
   * The day buffer a row with this time value goes to. The row's time parts are left in rowMs,
   * rowSub and rowDated (fields rather than a returned object: this runs once per row).
   */
  private dayBufferOf(state: TableState, time: unknown): DayBuffer {
    this.rowDated = false;
    this.rowMs = 0;
    this.rowSub = 0;
    if (state.timeSlot < 0) return this.buffer(state, '_all', NaN);
    const t = typeof time === 'bigint' ? time : coerceValue('datetime', time);
    if (typeof t !== 'bigint') return this.buffer(state, '_nodate', NaN);
    const ms = msOfTicks(t, true);
    this.rowMs = ms;
    this.rowSub = subOfTicks;
    this.rowDated = true;
    const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    return state.lastBuffer !== undefined && state.lastDayStart === dayStart
      ? state.lastBuffer : this.buffer(state, this.dayName(dayStart), dayStart);
  }

  private endRow(state: TableState, buf: DayBuffer, stored: number): void {
    buf.rows++;
    buf.values += stored;
    this.buffered += stored;
    if (this.rowDated) {
      const ms = this.rowMs;
      if (buf.minMs === null || ms < buf.minMs) buf.minMs = ms;
      if (buf.maxMs === null || ms > buf.maxMs) buf.maxMs = ms;
    }
    if (buf.rows >= this.segmentRows) this.cut(state, buf);
    else if (this.buffered > this.maxBufferedValues) this.cutLargest();
  }

  /** A buffer for the column: one a cut segment left (arrays already grown), else a new one. */
  private columnBuffer(state: TableState, slot: number): ColumnBuffer {
    const spare = state.spare[slot];
    if (spare === undefined) return new ColumnBuffer(state.columns[slot]!.type);
    state.spare[slot] = undefined;
    return spare;
  }

  private buffer(state: TableState, day: string, dayStart: number): DayBuffer {
    let buf = state.buffers.get(day);
    if (buf === undefined) state.buffers.set(day, (buf = new DayBuffer(day)));
    state.lastBuffer = buf;
    state.lastDayStart = dayStart;
    return buf;
  }

  /** Writes what is buffered and makes the source's rows visible, atomically. */
  commitSource(): CommitResult {
    const src = this.requireSource();
    for (const state of this.tables.values()) {
      for (const buf of [...state.buffers.values()]) if (buf.rows > 0) this.cut(state, buf);
      // Reuse pays within a large source; between sources the memory is released.
      state.spare = [];
    }
    const entry: SourceEntry = {
      file: src.file, size: src.size, sha256: src.sha256, ingestedAt: this.ingestedAt, rows: src.rows, quarantined: src.quarantined,
    };
    this.working.sources[sourceKey(src.sha256, src.size)] = entry;
    this.working.generation = this.committed.generation + 1;
    this.segments.flush();
    this.options.onCommitStep?.('manifest-written', src.file);
    writeManifest(this.dir, this.working);
    this.committed = this.working;
    this.working = structuredClone(this.committed);
    this.rebindTables();
    this.onCommit(this.committed);
    const tables: Record<string, number> = {};
    for (const state of src.tablesInOrder) {
      tables[state.name] = state.sourceRows;
      state.sourceRows = 0;
    }
    const result: CommitResult = { rows: src.rows, quarantined: src.quarantined, tables, segments: this.segmentsThisSource };
    this.segmentsThisSource = 0;
    this.source = undefined;
    return result;
  }

  /** Forgets the open source: its buffered rows, and segments written for it, are dropped. */
  abortSource(): void {
    this.segments.discard();
    this.segmentsThisSource = 0;
    this.source = undefined;
    this.working = structuredClone(this.committed);
    this.tables.clear();
    this.lastState = undefined;
    this.buffered = 0;
  }

  /** Releases the store; an uncommitted source is aborted. */
  close(): void {
    if (this.closed) return;
    if (this.source !== undefined) this.abortSource();
    this.closed = true;
    this.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('internal: the store writer is closed');
  }

  private requireSource(): NonNullable<StoreWriter['source']> {
    this.assertOpen();
    if (this.source === undefined) throw new Error('internal: rows arrived outside beginSource()/commitSource()');
    return this.source;
  }

  /** After a commit the working manifest is a fresh copy: point table states at its entries. */
  private rebindTables(): void {
    for (const [table, state] of this.tables) state.entry = this.working.tables[table]!;
  }

  private tableState(table: string, announced?: TableSchema, firstRow?: Record<string, unknown>): TableState {
    let state = this.tables.get(table);
    if (state !== undefined) return state;
    let entry = Object.prototype.hasOwnProperty.call(this.working.tables, table) ? this.working.tables[table] : undefined;
    if (entry === undefined) {
      entry = { schema: [], timeColumn: chooseTimeColumn(announced, firstRow), segments: [] };
      this.working.tables[table] = entry;
    }
    state = {
      name: table, entry, types: new Map(), slots: new Map(), columns: [], timeSlot: -1, buffers: new Map(),
      lastBuffer: undefined, lastDayStart: NaN, recentKeys: [], recentSlots: [], sourceRows: 0,
      fieldNames: undefined, fieldSlots: undefined, ingestionSlot: -1, spare: [],
    };
    for (const c of entry.schema) this.slotFor(state, c.name, c.type);
    this.tables.set(table, state);
    return state;
  }

  /** The column's slot in the writer's state (the manifest's schema is the caller's business). */
  private slotFor(state: TableState, name: string, type: ScalarType): number {
    const slot = state.columns.length;
    state.columns.push({ name, type });
    state.slots.set(name, slot);
    state.types.set(name, type);
    if (name === state.entry.timeColumn) state.timeSlot = slot;
    return slot;
  }

  private addColumn(state: TableState, name: string, type: ScalarType): number {
    const known = state.slots.get(name);
    if (known !== undefined) return known;
    state.entry.schema.push({ name, type });
    if (state.entry.timeColumn === null && type === 'datetime' && state.entry.segments.length === 0 && !anyRows(state)) {
      state.entry.timeColumn = name;
    }
    return this.slotFor(state, name, type);
  }

  private dayName(start: number): string {
    let name = this.dayNames.get(start);
    if (name === undefined) {
      name = new Date(start).toISOString().slice(0, 10);
      this.dayNames.set(start, name);
    }
    return name;
  }

  private cutLargest(): void {
    let best: { state: TableState; buf: DayBuffer } | undefined;
    for (const state of this.tables.values()) {
      for (const buf of state.buffers.values()) if (best === undefined || buf.values > best.buf.values) best = { state, buf };
    }
    if (best !== undefined && best.buf.rows > 0) this.cut(best.state, best.buf);
  }

  /** Writes a buffer as a segment file (durable, renamed into its partition; visible at the commit). */
  private cut(state: TableState, buf: DayBuffer): void {
    state.buffers.delete(buf.day);
    if (state.lastBuffer === buf) state.lastBuffer = undefined;
    this.buffered -= buf.values;
    const id = `${Date.now().toString(36)}-${process.pid.toString(36)}-${crypto.randomBytes(4).toString('hex')}`;
    const columns: ColumnSchema[] = buf.order.map((slot) => ({ ...state.columns[slot]! }));
    const encoded = buf.order.map((slot) => {
      const builder = buf.builders[slot]!;
      const bytes = encodeColumn(builder.finish(buf.rows));
      builder.reset();
      state.spare[slot] = builder;
      return bytes;
    });
    const seg = this.segments.write({
      table: state.name, id, day: buf.day, rows: buf.rows, minMs: buf.minMs, maxMs: buf.maxMs, ingestedAt: this.ingestedAt, columns,
    }, encoded);
    state.entry.segments.push(seg);
    this.segmentsThisSource++;
  }
}

function anyRows(state: TableState): boolean {
  for (const b of state.buffers.values()) if (b.rows > 0) return true;
  return false;
}

/** TimeGenerated when the table has it (Sentinel's convention), else its first datetime column. */
function chooseTimeColumn(announced: TableSchema | undefined, firstRow: Record<string, unknown> | undefined): string | null {
  if (announced !== undefined) {
    if (announced.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')) return 'TimeGenerated';
    return announced.find((c) => c.type === 'datetime')?.name ?? null;
  }
  if (firstRow !== undefined) {
    if (typeof firstRow['TimeGenerated'] === 'bigint') return 'TimeGenerated';
    for (const k in firstRow) if (typeof firstRow[k] === 'bigint') return k;
  }
  return null;
}
