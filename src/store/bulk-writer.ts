// A writer for producers that already hold whole columns (the simulator): segments go to
// disk as they are handed over (segment-writes.ts), and one manifest rename at commit() makes all of them
// visible, exactly as the row-by-row StoreWriter commits a source (docs/storage.md). It takes
// the same lock, so it never runs beside another writer.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Column } from '../kql/data/column.js';
import type { ColumnSchema, TableSchema } from '../kql/types.js';
import { encodeColumn } from './column-file.js';
import { acquireLock } from './files.js';
import { readManifest, sourceKey, writeManifest, type Manifest, type SourceEntry } from './manifest.js';
import { SegmentWrites } from './segment-writes.js';
import { currentTicksValue } from './values.js';

export interface BulkSegment {
  table: string;
  /** `YYYY-MM-DD` partition (UTC day of the table's time column). */
  day: string;
  rows: number;
  minMs: number;
  maxMs: number;
  columns: readonly { name: string; column: Column }[];
}

/**
 * A segment whose columns are already in their `.col` encoding, so that the thread that
 * produced the columns can encode them (in parallel with others) and hand over only bytes.
 */
export interface EncodedSegment {
  table: string;
  day: string;
  rows: number;
  minMs: number;
  maxMs: number;
  columns: ColumnSchema[];
  /** Each column's `encodeColumn` bytes, in `columns`' order. */
  encoded: Uint8Array[];
}

/** Encodes a segment's columns (checking that each holds the segment's rows). */
export function encodeSegment(segment: BulkSegment): EncodedSegment {
  const encoded = segment.columns.map(({ name, column }) => {
    if (column.length !== segment.rows) throw new Error(`internal: ${segment.table}.${name} has ${column.length} rows, the segment ${segment.rows}`);
    return encodeColumn(column);
  });
  return {
    table: segment.table, day: segment.day, rows: segment.rows, minMs: segment.minMs, maxMs: segment.maxMs,
    columns: segment.columns.map(({ name, column }) => ({ name, type: column.type })), encoded,
  };
}

/** What the committed rows came from: recorded like an ingested file, so the same source is not added twice. */
export interface BulkSource {
  /** Shown by `store info`, e.g. `simulate --days 14 --hosts 500 --seed 42`. */
  description: string;
  /** Identifies the source's content (for a simulation, a hash of its options). */
  sha256: string;
}

export class BulkWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BulkWriteError';
  }
}

export class BulkStoreWriter {
  private readonly working: Manifest;
  private readonly release: () => void;
  private readonly ingestedAt = String(currentTicksValue());
  private readonly segmentWrites: SegmentWrites;
  private rows = 0;
  private done = false;
  bytes = 0;
  segments = 0;

  /** Takes the store's writer lock (creating the store directory if needed). */
  constructor(readonly dir: string, private readonly source: BulkSource, tables: Readonly<Record<string, TableSchema>>) {
    fs.mkdirSync(dir, { recursive: true });
    this.segmentWrites = new SegmentWrites(dir);
    this.release = acquireLock(path.join(dir, '.lock'));
    try {
      this.working = readManifest(dir);
      for (const [table, schema] of Object.entries(tables)) this.declare(table, schema);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Whether a source with this identity was committed before (then nothing should be written). */
  alreadyCommitted(): SourceEntry | undefined {
    const key = sourceKey(this.source.sha256, 0);
    return Object.prototype.hasOwnProperty.call(this.working.sources, key) ? this.working.sources[key] : undefined;
  }

  /** Adds the table, or checks that the store's table takes these columns with these types. */
  private declare(table: string, schema: TableSchema): void {
    const existing = Object.prototype.hasOwnProperty.call(this.working.tables, table) ? this.working.tables[table] : undefined;
    if (existing === undefined) {
      const timeColumn = schema.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')
        ? 'TimeGenerated' : schema.find((c) => c.type === 'datetime')?.name ?? null;
      this.working.tables[table] = { schema: schema.map((c) => ({ ...c })), timeColumn, segments: [] };
      return;
    }
    for (const c of schema) {
      const have = existing.schema.find((s) => s.name === c.name);
      if (have === undefined) existing.schema.push({ ...c });
      else if (have.type !== c.type) {
        throw new BulkWriteError(`table ${table} in the store at ${this.dir} has column ${c.name} of type ${have.type}; the new rows have ${c.type}`);
      }
    }
  }

  /** Writes a segment (durable, renamed into place); it becomes visible at commit(). */
  add(segment: BulkSegment): void {
    this.addEncoded(encodeSegment(segment));
  }

  /** Writes a segment encoded by encodeSegment (possibly on another thread). */
  addEncoded(segment: EncodedSegment): void {
    if (this.done) throw new Error('internal: the bulk writer is closed');
    const entry = this.working.tables[segment.table];
    if (entry === undefined) throw new Error(`internal: table ${segment.table} was not declared`);
    if (segment.encoded.length !== segment.columns.length) throw new Error(`internal: ${segment.table} segment has ${segment.columns.length} columns and ${segment.encoded.length} encodings`);
    const id = `${Date.now().toString(36)}-${process.pid.toString(36)}-${crypto.randomBytes(4).toString('hex')}`;
    const seg = this.segmentWrites.write({
      table: segment.table, id, day: segment.day, rows: segment.rows, minMs: segment.minMs, maxMs: segment.maxMs,
      ingestedAt: this.ingestedAt, columns: segment.columns,
    }, segment.encoded);
    entry.segments.push(seg);
    this.rows += segment.rows;
    this.bytes += seg.bytes;
    this.segments++;
  }

  /** Makes every segment visible with one manifest rename, records the source, releases the lock. */
  commit(): void {
    if (this.done) throw new Error('internal: the bulk writer is closed');
    const entry: SourceEntry = {
      file: this.source.description, size: 0, sha256: this.source.sha256, ingestedAt: this.ingestedAt, rows: this.rows, quarantined: 0,
    };
    this.working.sources[sourceKey(this.source.sha256, 0)] = entry;
    this.working.generation++;
    this.segmentWrites.flush();
    writeManifest(this.dir, this.working);
    this.done = true;
    this.release();
  }

  /** Drops uncommitted segments and releases the lock (after an error, or when nothing was to be written). */
  abort(): void {
    if (this.done) return;
    this.segmentWrites.discard();
    this.done = true;
    this.release();
  }
}
