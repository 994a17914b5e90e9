// The `.kqs` segment file (manifest version 2): all columns of one segment in one file, so a
// segment costs one file write and one fsync, where a directory of `c<i>.col` files cost one
// per column (fsync dominated ingest's wall time). Each column keeps its `.col` encoding
// (column-file.ts) unchanged, 8-byte aligned, so a column still loads with one read of its byte
// range; the ranges are in the manifest's segment entry and, for recovery without a manifest,
// in the file's own header.
//
//   0   "KQHS"               magic
//   4   u32 LE version (1)
//   8   u32 LE header byte length H
//   12  header: UTF-8 JSON {table, id, day, rows, minMs, maxMs, ingestedAt, columns, offsets}
//       padding to a multiple of 8
//       column i's `.col` bytes at [offsets[i], offsets[i + 1]) (absolute file offsets)

import type { SegmentEntry } from './manifest.js';

const MAGIC = 0x5348514b; // "KQHS" read as a little-endian u32
const VERSION = 1;
const PREFIX_BYTES = 12;

/** What a segment file's header repeats of its manifest entry, so the file can be recovered without the manifest. */
export type SegmentFileMeta = Pick<SegmentEntry, 'id' | 'day' | 'rows' | 'minMs' | 'maxMs' | 'ingestedAt' | 'columns'> & { table: string };

export interface SegmentFileHeader extends SegmentFileMeta {
  /** Absolute byte offset of each column, then the end of the last one (columns + 1 entries). */
  offsets: number[];
}

export class SegmentFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegmentFileError';
  }
}

const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

/** The file's bytes and where each column sits in it. */
export function encodeSegmentFile(meta: SegmentFileMeta, columns: readonly Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
  if (columns.length !== meta.columns.length) throw new Error(`internal: ${columns.length} encoded columns for ${meta.columns.length} in the schema`);
  const relative: number[] = [];
  let size = 0;
  for (const c of columns) {
    relative.push(size);
    size = align8(size + c.byteLength);
  }
  relative.push(size);
  // Offsets are absolute, and the header that holds them sets where the body starts: widen the
  // guess until the header fits (digits only grow, so this settles in a step or two).
  let bodyStart = 0;
  let headerBytes: Uint8Array;
  let offsets: number[];
  for (;;) {
    offsets = relative.map((o) => o + bodyStart);
    headerBytes = new TextEncoder().encode(JSON.stringify({ ...meta, offsets }));
    const needed = align8(PREFIX_BYTES + headerBytes.byteLength);
    if (needed <= bodyStart) break;
    bodyStart = needed;
  }
  const out = new Uint8Array(bodyStart + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, headerBytes.byteLength, true);
  out.set(headerBytes, PREFIX_BYTES);
  columns.forEach((c, i) => out.set(c, offsets[i]!));
  return { bytes: out, offsets };
}

/** The header of a segment file (its first bytes suffice: the prefix says how many). */
export function readSegmentFileHeader(bytes: Uint8Array): SegmentFileHeader {
  if (bytes.byteLength < PREFIX_BYTES) throw new SegmentFileError(`truncated: ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new SegmentFileError('not a kqlhunt segment file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new SegmentFileError(`segment file version ${version} is not supported (this build reads ${VERSION})`);
  const length = view.getUint32(8, true);
  if (PREFIX_BYTES + length > bytes.byteLength) throw new SegmentFileError('truncated header');
  return JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length))) as SegmentFileHeader;
}
