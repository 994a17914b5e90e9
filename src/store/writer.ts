// The store's one writer: an IngestSink that buffers rows by (table, day), cuts immutable
// segments, and commits each source file with a single manifest rename (docs/storage.md).
// Hold it only as long as needed: it owns the store lock until close().

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Column } from '../kql/data/column.js';
import { ColumnBuilder } from '../kql/exec/columns.js';
import { currentTicksValue, coerceValue, typeOfValue } from './values.js';
import type { ColumnSchema, Scalar, ScalarType, TableSchema } from '../kql/types.js';
import { partsFromTicks } from '../kql/data/column.js';
import type { IngestSink, QuarantinedRecord, RecordSource } from '../ingest/sink.js';
import { encodeColumn } from './column-file.js';
import { fsyncDir, writeFileDurable } from './files.js';
import {
  segmentDir, sourceKey, writeManifest, type Manifest, type SegmentEntry, type SourceEntry, type TableEntry,
} from './manifest.js';
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

/** One column of a buffer: rows before the column first appeared are padded with null. */
class PaddedBuilder {
  readonly builder: ColumnBuilder;
  constructor(readonly type: ScalarType) {
    this.builder = new ColumnBuilder(type);
  }
  set(row: number, value: Scalar): void {
    while (this.builder.length < row) this.builder.append(null);
    this.builder.append(value);
  }
  finish(rows: number): Column {
    while (this.builder.length < rows) this.builder.append(null);
    return this.builder.finish();
  }
}

class DayBuffer {
  rows = 0;
  values = 0;
  minMs: number | null = null;
  maxMs: number | null = null;
  readonly columns = new Map<string, PaddedBuilder>();
  constructor(readonly day: string) {}
}

interface TableState {
  entry: TableEntry;
  types: Map<string, ScalarType>;
  buffers: Map<string, DayBuffer>;
}

export class StoreWriter implements IngestSink {
  private committed: Manifest;
  private working: Manifest;
  private readonly tables = new Map<string, TableState>();
  private source: (SourceInfo & { rows: number; quarantined: number; perTable: Record<string, number> }) | undefined;
  /** Segment directories renamed into place but not yet in a committed manifest. */
  private written: string[] = [];
  private segmentsThisSource = 0;
  private buffered = 0;
  private closed = false;
  private readonly ingestTime: bigint;
  private readonly ingestedAt: string;
  private readonly segmentRows: number;
  private readonly maxBufferedValues: number;
  private readonly dayNames = new Map<number, string>();
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
  }

  /** The committed record of a source with these bytes, if it was ingested before. */
  ingested(sha256: string, size: number): SourceEntry | undefined {
    const key = sourceKey(sha256, size);
    return Object.prototype.hasOwnProperty.call(this.committed.sources, key) ? this.committed.sources[key] : undefined;
  }

  beginSource(info: SourceInfo): void {
    this.assertOpen();
    if (this.source !== undefined) throw new Error(`internal: source ${this.source.file} is still open`);
    this.source = { ...info, rows: 0, quarantined: 0, perTable: {} };
    this.badValues = 0;
  }

  schema(table: string, columns: TableSchema): void {
    const state = this.tableState(table, columns);
    for (const c of columns) this.addColumn(state, c.name, c.type);
  }

  row(table: string, row: Record<string, unknown>, _source: RecordSource): void {
    const src = this.requireSource();
    const state = this.tableState(table, undefined, row);
    for (const key in row) {
      const v = row[key];
      if (v === undefined || v === null) continue;
      if (!state.types.has(key)) this.addColumn(state, key, typeOfValue(v));
    }
    const timeColumn = state.entry.timeColumn;
    let day = '_all';
    let ms: number | null = null;
    if (timeColumn !== null) {
      const t = coerceValue('datetime', row[timeColumn]);
      if (t === undefined || t === null) day = '_nodate';
      else {
        ms = partsFromTicks('datetime', t as bigint).ms;
        day = this.dayName(ms);
      }
    }
    let buf = state.buffers.get(day);
    if (buf === undefined) state.buffers.set(day, (buf = new DayBuffer(day)));
    const r = buf.rows;
    for (const key in row) {
      const v = row[key];
      if (v === undefined || v === null) continue;
      const type = state.types.get(key)!;
      const converted = coerceValue(type, v);
      if (converted === undefined) { this.badValues++; continue; }
      if (converted === null) continue;
      let col = buf.columns.get(key);
      if (col === undefined) buf.columns.set(key, (col = new PaddedBuilder(type)));
      col.set(r, converted);
      buf.values++;
      this.buffered++;
    }
    buf.rows++;
    if (ms !== null) {
      if (buf.minMs === null || ms < buf.minMs) buf.minMs = ms;
      if (buf.maxMs === null || ms > buf.maxMs) buf.maxMs = ms;
    }
    src.rows++;
    src.perTable[table] = (src.perTable[table] ?? 0) + 1;
    if (buf.rows >= this.segmentRows) this.cut(table, state, buf);
    else if (this.buffered > this.maxBufferedValues) this.cutLargest();
  }

  quarantine(q: QuarantinedRecord): void {
    const src = this.requireSource();
    this.schema(QUARANTINE_TABLE, QUARANTINE_SCHEMA);
    this.row(QUARANTINE_TABLE, quarantineRow(q, this.ingestTime), q);
    // row() counted it as a row of the Quarantine table; the summary counts it apart.
    src.rows--;
    src.perTable[QUARANTINE_TABLE]!--;
    if (src.perTable[QUARANTINE_TABLE] === 0) delete src.perTable[QUARANTINE_TABLE];
    src.quarantined++;
  }

  /** Writes what is buffered and makes the source's rows visible, atomically. */
  commitSource(): CommitResult {
    const src = this.requireSource();
    for (const [table, state] of this.tables) {
      for (const buf of [...state.buffers.values()]) if (buf.rows > 0) this.cut(table, state, buf);
    }
    const entry: SourceEntry = {
      file: src.file, size: src.size, sha256: src.sha256, ingestedAt: this.ingestedAt, rows: src.rows, quarantined: src.quarantined,
    };
    this.working.sources[sourceKey(src.sha256, src.size)] = entry;
    this.working.generation = this.committed.generation + 1;
    this.options.onCommitStep?.('manifest-written', src.file);
    writeManifest(this.dir, this.working);
    this.committed = this.working;
    this.working = structuredClone(this.committed);
    this.rebindTables();
    this.onCommit(this.committed);
    const result: CommitResult = { rows: src.rows, quarantined: src.quarantined, tables: { ...src.perTable }, segments: this.segmentsThisSource };
    this.written = [];
    this.segmentsThisSource = 0;
    this.source = undefined;
    return result;
  }

  /** Forgets the open source: its buffered rows, and segments written for it, are dropped. */
  abortSource(): void {
    for (const dir of this.written) fs.rmSync(dir, { recursive: true, force: true });
    this.written = [];
    this.segmentsThisSource = 0;
    this.source = undefined;
    this.working = structuredClone(this.committed);
    this.tables.clear();
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
    state = { entry, types: new Map(entry.schema.map((c) => [c.name, c.type])), buffers: new Map() };
    this.tables.set(table, state);
    return state;
  }

  private addColumn(state: TableState, name: string, type: ScalarType): void {
    if (state.types.has(name)) return;
    state.types.set(name, type);
    state.entry.schema.push({ name, type });
    if (state.entry.timeColumn === null && type === 'datetime' && state.entry.segments.length === 0 && !anyRows(state)) {
      state.entry.timeColumn = name;
    }
  }

  private dayName(ms: number): string {
    const start = Math.floor(ms / DAY_MS) * DAY_MS;
    let name = this.dayNames.get(start);
    if (name === undefined) {
      name = new Date(start).toISOString().slice(0, 10);
      this.dayNames.set(start, name);
    }
    return name;
  }

  private cutLargest(): void {
    let best: { table: string; state: TableState; buf: DayBuffer } | undefined;
    for (const [table, state] of this.tables) {
      for (const buf of state.buffers.values()) if (best === undefined || buf.values > best.buf.values) best = { table, state, buf };
    }
    if (best !== undefined && best.buf.rows > 0) this.cut(best.table, best.state, best.buf);
  }

  /** Writes a buffer as a segment: into .tmp, durable, then renamed into its partition. */
  private cut(table: string, state: TableState, buf: DayBuffer): void {
    state.buffers.delete(buf.day);
    this.buffered -= buf.values;
    const id = `${Date.now().toString(36)}-${process.pid.toString(36)}-${crypto.randomBytes(4).toString('hex')}`;
    const columns: ColumnSchema[] = [...buf.columns.entries()].map(([name, b]) => ({ name, type: b.type }));
    const tmp = path.join(this.dir, '.tmp', id);
    fs.mkdirSync(tmp, { recursive: true });
    let bytes = 0;
    [...buf.columns.values()].forEach((b, i) => {
      const data = encodeColumn(b.finish(buf.rows));
      bytes += data.byteLength;
      writeFileDurable(path.join(tmp, `c${i}.col`), data);
    });
    const seg: SegmentEntry = {
      id, day: buf.day, rows: buf.rows, minMs: buf.minMs, maxMs: buf.maxMs, ingestedAt: this.ingestedAt, columns, bytes,
    };
    writeFileDurable(path.join(tmp, 'segment.json'), JSON.stringify({ table, ...seg }, null, 1));
    fsyncDir(tmp);
    this.options.onCommitStep?.('segment-written', tmp);
    const final = segmentDir(this.dir, table, seg);
    fs.mkdirSync(path.dirname(final), { recursive: true });
    fs.renameSync(tmp, final);
    fsyncDir(path.dirname(final));
    this.written.push(final);
    this.options.onCommitStep?.('segment-renamed', final);
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
