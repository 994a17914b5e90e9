// Segments cross from the generator thread to the thread that writes them already encoded
// (the store's `.col` bytes): the generator threads do the encoding in parallel, the writing
// thread only assembles and writes files, and the byte arrays are transferred (moved, not
// copied). The generator keeps its column arrays and fills them again for the next segment.

import type { EncodedSegment } from '../store/bulk-writer.js';

/** The buffers an encoded segment owns, for postMessage's transfer list. */
export function segmentBuffers(segment: EncodedSegment): ArrayBuffer[] {
  return [...new Set(segment.encoded.map((bytes) => bytes.buffer as ArrayBuffer))];
}

/** Slots of a generator thread's flow counters (Int32): KiB the main thread has written, and KiB the thread may run ahead by. */
export const FLOW_WRITTEN = 0;
export const FLOW_LIMIT = 1;

/** KiB of not-yet-written output the generator may run ahead by (bounds memory on a slow disk). */
export const IN_FLIGHT_KIB = 96 * 1024;

/** The size an NDJSON chunk or a segment counts for in the in-flight budget. */
export function transferKib(m: { kind: 'chunk'; bytes: Uint8Array } | { kind: 'segment'; segment: EncodedSegment }): number {
  if (m.kind === 'chunk') return Math.ceil(m.bytes.byteLength / 1024);
  let bytes = 0;
  for (const encoded of m.segment.encoded) bytes += encoded.byteLength;
  return Math.ceil(bytes / 1024);
}
