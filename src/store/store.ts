// The embedded store: opening a directory, reading tables as engine batches with partition
// pruning, retention, and handing out the one writer (docs/storage.md).

import fs from 'node:fs';
import path from 'node:path';
import { TicksColumn, partsFromTicks, type Column, type Table } from '../kql/data/column.js';
import { constantColumn, gather } from '../kql/exec/columns.js';
import type { TableProvider, TableSource } from '../kql/exec/tables.js';
import { KqlError, type TableSchema } from '../kql/types.js';
import { ColumnCache } from './column-cache.js';
import { decodeColumn } from './column-file.js';
import { acquireLock } from './files.js';
import {
  readManifest, segmentDir, segmentPath, writeManifest, MANIFEST_FILE, type Manifest, type SegmentEntry, type TableEntry,
} from './manifest.js';
import { StoreWriter, type StoreWriterOptions } from './writer.js';

export const DAY_MS = 86_400_000;

export interface ScanOptions {
  /** Columns to read, in the order wanted; unknown names are an error. Default: all, read lazily. */
  columns?: readonly string[];
  /** Inclusive lower bound on the table's time column (datetime ticks). */
  from?: bigint;
  /** Exclusive upper bound on the table's time column (datetime ticks). */
  to?: bigint;
}

export interface PruneResult {
  partitions: number;
  segments: number;
  rows: number;
}

export interface StoreOptions {
  /** Bytes of decoded columns kept between scans (default 512 MiB; 0 disables). */
  cacheBytes?: number;
}

/** Time bounds as (ms, sub) pairs, the engine's own datetime layout. */
interface Bounds {
  from?: { ms: number; sub: number };
  to?: { ms: number; sub: number };
}

export class Store {
  private current: Manifest;
  private readonly cache: ColumnCache;

  private constructor(readonly dir: string, options: StoreOptions) {
    this.current = readManifest(dir);
    this.cache = new ColumnCache(options.cacheBytes ?? 512 * 1024 * 1024);
  }

  /** Opens (and with `create`, makes) a store directory. A directory without a manifest is an empty store. */
  static open(dir: string, options: StoreOptions & { create?: boolean } = {}): Store {
    const resolved = path.resolve(dir);
    if (options.create) fs.mkdirSync(resolved, { recursive: true });
    else if (!fs.existsSync(resolved)) throw new KqlError(`no store at ${resolved} (ingest some logs first, or pass --store DIR)`, 'StoreMissing');
    return new Store(resolved, options);
  }

  /** Re-reads the manifest, picking up commits made by other processes since opening. */
  refresh(): void {
    this.current = readManifest(this.dir);
  }

  get manifest(): Readonly<Manifest> {
    return this.current;
  }

  tableNames(): string[] {
    return Object.keys(this.current.tables).sort();
  }

  table(name: string): Readonly<TableEntry> | undefined {
    return Object.prototype.hasOwnProperty.call(this.current.tables, name) ? this.current.tables[name] : undefined;
  }

  schema(name: string): TableSchema | undefined {
    return this.table(name)?.schema.map((c) => ({ ...c }));
  }

  rowCount(name: string): number {
    return this.table(name)?.segments.reduce((n, s) => n + s.rows, 0) ?? 0;
  }

  /**
   * The table's rows as engine batches (one per segment), reading only segments whose time
   * range meets [from, to) and only the columns asked for. Undefined for an unknown table.
   */
  scan(name: string, options: ScanOptions = {}): TableSource | undefined {
    const entry = this.table(name);
    if (entry === undefined) return undefined;
    const wanted = options.columns ?? entry.schema.map((c) => c.name);
    const schema: TableSchema = wanted.map((col) => {
      const c = entry.schema.find((s) => s.name === col);
      if (c === undefined) throw new KqlError(`table ${name} has no column '${col}'`, 'UnknownColumn');
      return { ...c };
    });
    const bounds: Bounds = {};
    if (options.from !== undefined) bounds.from = partsFromTicks('datetime', options.from);
    if (options.to !== undefined) bounds.to = partsFromTicks('datetime', options.to);
    const bounded = bounds.from !== undefined || bounds.to !== undefined;
    if (bounded && entry.timeColumn === null) {
      throw new KqlError(`table ${name} has no datetime column, so it cannot be limited to a time range`, 'NoTimeColumn');
    }
    const segments = entry.segments.filter((s) => !bounded || overlaps(s, bounds));
    const timeColumn = entry.timeColumn;
    const self = this;
    return {
      schema,
      // A generator, so a consumed batch's columns can be collected before the next is read.
      batches: function* (this: void) {
        for (const seg of segments) yield self.segmentBatch(name, seg, schema, bounded ? bounds : undefined, timeColumn);
      },
    };
  }

  /** The store as the engine's database, optionally clipped to [from, to) on each table's time column. */
  provider(options: Pick<ScanOptions, 'from' | 'to'> = {}): TableProvider {
    this.refresh();
    return {
      get: (name: string) => {
        const entry = this.table(name);
        if (entry === undefined) return undefined;
        // A table without a time column has nothing to clip: all of it is in any window.
        const clip = entry.timeColumn === null ? {} : options;
        return this.scan(name, clip);
      },
      keys: () => this.tableNames(),
    };
  }

  private segmentBatch(table: string, seg: SegmentEntry, schema: TableSchema, bounds: Bounds | undefined, timeColumn: string | null): Table {
    const load = (name: string): Column => {
      const index = seg.columns.findIndex((c) => c.name === name);
      const type = schema.find((c) => c.name === name)?.type ?? seg.columns[index]?.type;
      if (index < 0) return constantColumn(type!, null, seg.rows);
      return this.readColumn(table, seg, index);
    };
    let rows: Int32Array | undefined;
    if (bounds !== undefined && !within(seg, bounds)) {
      rows = rowsInRange(load(timeColumn!) as TicksColumn, bounds);
    }
    const pick = rows;
    const length = pick === undefined ? seg.rows : pick.length;
    const columns = schema.map(({ name }) => lazyColumn(name, () => (pick === undefined ? load(name) : gather(load(name), pick))));
    return { columns, length };
  }

  private readColumn(table: string, seg: SegmentEntry, index: number): Column {
    const key = `${table}\u0000${seg.id}\u0000${index}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const file = seg.offsets === undefined
      ? path.join(segmentDir(this.dir, table, seg), `c${index}.col`) : segmentPath(this.dir, table, seg);
    let bytes: Uint8Array;
    try {
      bytes = seg.offsets === undefined ? fs.readFileSync(file) : readRange(file, seg.offsets[index]!, seg.offsets[index + 1]!);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new KqlError(
        code === 'ENOENT'
          ? `store file ${file} is gone (pruned while this query ran?); run the query again`
          : `cannot read store file ${file}: ${code ?? (e as Error).message}`,
        'StoreRead',
      );
    }
    let col: Column;
    try {
      col = decodeColumn(bytes);
    } catch (e) {
      const where = seg.offsets === undefined ? '' : ` (column ${index}, bytes ${seg.offsets[index]}..${seg.offsets[index + 1]})`;
      throw new KqlError(`store file ${file} is damaged${where}: ${(e as Error).message}`, 'StoreRead');
    }
    if (col.length !== seg.rows) throw new KqlError(`store file ${file} holds ${col.length} rows; the manifest says ${seg.rows}`, 'StoreRead');
    this.cache.set(key, col, bytes.byteLength);
    return col;
  }

  /** Takes the writer lock (cleaning up after any crashed writer) and returns the writer. */
  writer(options: StoreWriterOptions = {}): StoreWriter {
    const release = acquireLock(path.join(this.dir, '.lock'));
    try {
      this.refresh();
      removeUncommitted(this.dir, this.current);
      return new StoreWriter(this.dir, this.current, release, (m) => { this.current = m; }, options);
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * Drops whole day partitions that ended at or before `cutoffMs` (ms since the Unix epoch).
   * Commits the smaller manifest first, then deletes the files, so a crash in between leaves
   * only unreferenced files for the next writer to remove.
   */
  prune(cutoffMs: number): PruneResult {
    const release = acquireLock(path.join(this.dir, '.lock'));
    try {
      this.refresh();
      removeUncommitted(this.dir, this.current);
      const next: Manifest = structuredClone(this.current);
      const dropped: { table: string; seg: SegmentEntry }[] = [];
      for (const [table, entry] of Object.entries(next.tables)) {
        entry.segments = entry.segments.filter((seg) => {
          const start = dayStartMs(seg.day);
          const drop = start !== undefined && start + DAY_MS <= cutoffMs;
          if (drop) dropped.push({ table, seg });
          return !drop;
        });
      }
      if (dropped.length === 0) return { partitions: 0, segments: 0, rows: 0 };
      next.generation++;
      writeManifest(this.dir, next);
      this.current = next;
      const partitions = new Set<string>();
      for (const { table, seg } of dropped) {
        const dir = segmentPath(this.dir, table, seg);
        fs.rmSync(dir, { recursive: true, force: true });
        partitions.add(path.dirname(dir));
      }
      for (const p of partitions) removeIfEmpty(p);
      this.cache.clear();
      return { partitions: partitions.size, segments: dropped.length, rows: dropped.reduce((n, d) => n + d.seg.rows, 0) };
    } finally {
      release();
    }
  }
}

function lazyColumn(name: string, load: () => Column): { name: string; column: Column } {
  let loaded: Column | undefined;
  return {
    name,
    get column(): Column {
      return (loaded ??= load());
    },
  };
}

/** `YYYY-MM-DD` -> ms at its UTC midnight; undefined for `_nodate`/`_all`. */
export function dayStartMs(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return Date.parse(`${day}T00:00:00Z`);
}

function before(a: { ms: number; sub: number }, b: { ms: number; sub: number }): boolean {
  return a.ms < b.ms || (a.ms === b.ms && a.sub < b.sub);
}

/** Whether any instant of the segment's [minMs, maxMs + 1ms) may fall in [from, to). */
function overlaps(seg: SegmentEntry, b: Bounds): boolean {
  if (seg.minMs === null || seg.maxMs === null) return false;
  if (b.from !== undefined && seg.maxMs < b.from.ms) return false;
  if (b.to !== undefined && !before({ ms: seg.minMs, sub: 0 }, b.to)) return false;
  return true;
}

/** Whether every row of the segment is certainly in [from, to). */
function within(seg: SegmentEntry, b: Bounds): boolean {
  if (seg.minMs === null || seg.maxMs === null) return false;
  if (b.from !== undefined && before({ ms: seg.minMs, sub: 0 }, b.from)) return false;
  if (b.to !== undefined && !before({ ms: seg.maxMs, sub: 9999 }, b.to)) return false;
  return true;
}

/** The rows whose time lies in [from, to): (ms, sub) compared in place, no object per row. */
function rowsInRange(time: TicksColumn, b: Bounds): Int32Array {
  const { ms, sub, nulls } = time;
  const n = ms.length;
  const fromMs = b.from === undefined ? -Infinity : b.from.ms, fromSub = b.from === undefined ? 0 : b.from.sub;
  const toMs = b.to === undefined ? Infinity : b.to.ms, toSub = b.to === undefined ? 0 : b.to.sub;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const m = ms[i]!;
    if (m < fromMs || m > toMs) continue;
    if (m === fromMs || m === toMs) {
      const s = sub === null ? 0 : sub[i]!;
      if (m === fromMs && s < fromSub) continue;
      if (m === toMs && s >= toSub) continue;
    }
    out[k++] = i;
  }
  return out.slice(0, k);
}

/** Bytes [start, end) of a file, in their own buffer (so the column's sections can be aligned views). */
function readRange(file: string, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  const fd = fs.openSync(file, 'r');
  try {
    let got = 0;
    while (got < out.byteLength) {
      const n = fs.readSync(fd, out, got, out.byteLength - got, start + got);
      if (n === 0) throw new KqlError(`store file ${file} ends at byte ${start + got}; the manifest expects ${end}`, 'StoreRead');
      got += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

function removeIfEmpty(dir: string): void {
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // Not empty after all, or already gone: either way nothing to do.
  }
}

/**
 * Deletes what a crashed writer left: the temp area, stray manifest temp files, and
 * segment files or directories no manifest lists. Only called while holding the lock.
 */
function removeUncommitted(storeDir: string, m: Manifest): void {
  fs.rmSync(path.join(storeDir, '.tmp'), { recursive: true, force: true });
  for (const f of fs.readdirSync(storeDir)) {
    if (f.startsWith(`${MANIFEST_FILE}.tmp-`)) fs.rmSync(path.join(storeDir, f), { force: true });
  }
  const live = new Set<string>();
  for (const [table, entry] of Object.entries(m.tables)) {
    for (const seg of entry.segments) live.add(segmentPath(storeDir, table, seg));
  }
  const tablesDir = path.join(storeDir, 'tables');
  if (!fs.existsSync(tablesDir)) return;
  for (const t of fs.readdirSync(tablesDir)) {
    const tdir = path.join(tablesDir, t);
    if (!fs.statSync(tdir).isDirectory()) continue;
    for (const d of fs.readdirSync(tdir)) {
      const ddir = path.join(tdir, d);
      if (!fs.statSync(ddir).isDirectory()) continue;
      for (const s of fs.readdirSync(ddir)) {
        const sdir = path.join(ddir, s);
        if (!live.has(sdir)) fs.rmSync(sdir, { recursive: true, force: true });
      }
      removeIfEmpty(ddir);
    }
    removeIfEmpty(tdir);
  }
}
