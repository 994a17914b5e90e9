// manifest.json: the store's single source of truth. A segment or an ingested source exists
// exactly when the current manifest lists it; writers replace the file atomically, so one
// rename commits everything a source produced, in every table it fed.

import fs from 'node:fs';
import path from 'node:path';
import type { ColumnSchema, TableSchema } from '../kql/types.js';
import { replaceFileAtomic } from './files.js';

export const MANIFEST_FILE = 'manifest.json';
/**
 * 2: segments may be one `.kqs` file (`SegmentEntry.offsets`). Version 1 manifests (every
 * segment a directory of `.col` files) are still read; writers write version 2.
 */
const MANIFEST_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface SegmentEntry {
  id: string;
  /** Partition: `YYYY-MM-DD` (UTC day of the time column), `_nodate` or `_all`. */
  day: string;
  rows: number;
  /** Range of the time column in whole ms since the Unix epoch (floored); null without times. */
  minMs: number | null;
  maxMs: number | null;
  /** When the segment was committed: datetime ticks as a decimal string (JSON has no bigint). */
  ingestedAt: string;
  /** Column i is stored in `c<i>.col` of the segment's directory, or at `offsets[i]` of its `.kqs` file. */
  columns: ColumnSchema[];
  /** Bytes of all its column files. */
  bytes: number;
  /**
   * Present for a one-file segment (`<id>.kqs` in the partition directory, manifest version 2):
   * where column i's bytes start in it, then where the last ends. Absent: a version 1 segment
   * directory `<id>/` holding `c<i>.col` files.
   */
  offsets?: number[];
}

export interface TableEntry {
  schema: TableSchema;
  /** The column that partitions the table by day; null when it has no datetime column. */
  timeColumn: string | null;
  segments: SegmentEntry[];
}

export interface SourceEntry {
  file: string;
  size: number;
  sha256: string;
  ingestedAt: string;
  rows: number;
  quarantined: number;
}

export interface Manifest {
  version: number;
  /** Bumped by every commit: readers can tell whether their snapshot is current. */
  generation: number;
  tables: Record<string, TableEntry>;
  /** Keyed by sourceKey(sha256, size). */
  sources: Record<string, SourceEntry>;
}

export class StoreFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFormatError';
  }
}

export function emptyManifest(): Manifest {
  return { version: MANIFEST_VERSION, generation: 0, tables: {}, sources: {} };
}

export function sourceKey(sha256: string, size: number): string {
  return `${sha256}:${size}`;
}

export function readManifest(storeDir: string): Manifest {
  const file = path.join(storeDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw e;
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new StoreFormatError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!READABLE_VERSIONS.includes(m.version)) {
    throw new StoreFormatError(`${file} has version ${String(m.version)}; this build reads versions ${READABLE_VERSIONS.join(' and ')}`);
  }
  return m;
}

/** Writes the manifest atomically, as the current version (a version 1 store is upgraded by its first commit). */
export function writeManifest(storeDir: string, m: Manifest): void {
  m.version = MANIFEST_VERSION;
  replaceFileAtomic(path.join(storeDir, MANIFEST_FILE), JSON.stringify(m));
}

/** Directory-safe form of a table name (bracketed KQL names may hold any character). */
export function tableDirName(table: string): string {
  return /^[A-Za-z0-9_]+$/.test(table) ? table : encodeURIComponent(table).replace(/\./g, '%2E').replace(/\*/g, '%2A');
}

/** A version 1 segment's directory. */
export function segmentDir(storeDir: string, table: string, seg: Pick<SegmentEntry, 'day' | 'id'>): string {
  return path.join(storeDir, 'tables', tableDirName(table), seg.day, seg.id);
}

/** Where a segment lives: its `.kqs` file, or (version 1) its directory. */
export function segmentPath(storeDir: string, table: string, seg: Pick<SegmentEntry, 'day' | 'id' | 'offsets'>): string {
  const dir = segmentDir(storeDir, table, seg);
  return seg.offsets === undefined ? dir : `${dir}.kqs`;
}
