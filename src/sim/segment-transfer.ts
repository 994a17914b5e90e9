// Segments cross from the generator thread to the thread that writes them as structured
// clones: typed arrays are transferred (moved, not copied) and the column classes are
// rebuilt on arrival, since structured cloning keeps fields but not prototypes.

import { BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column } from '../kql/data/column.js';
import type { SegmentData } from './columnar-sink.js';

/** The buffers a segment's columns own, for postMessage's transfer list. */
export function segmentBuffers(segment: SegmentData): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | null): void => { if (a !== null) buffers.add(a.buffer as ArrayBuffer); };
  for (const { column: c } of segment.columns) {
    switch (c.type) {
      case 'bool': add(c.values); add(c.nulls); break;
      case 'int': case 'long': case 'real': case 'decimal': add(c.values); add(c.nulls); break;
      case 'datetime': case 'timespan': add(c.ms); add(c.sub); add(c.nulls); break;
      case 'string': case 'guid': add(c.codes); break;
      case 'dynamic': break;
    }
  }
  return [...buffers];
}

/** A segment as received from postMessage, with its columns' classes restored. */
export function reviveSegment(cloned: SegmentData): SegmentData {
  return { ...cloned, columns: cloned.columns.map(({ name, column }) => ({ name, column: reviveColumn(column) })) };
}

function reviveColumn(c: Column): Column {
  switch (c.type) {
    case 'bool': return new BoolColumn(c.values, c.nulls);
    case 'int': case 'long': case 'real': case 'decimal': return new NumberColumn(c.type, c.values, c.nulls);
    case 'datetime': case 'timespan': return new TicksColumn(c.type, c.ms, c.sub, c.nulls);
    case 'string': case 'guid': return new StringColumn(c.type, c.codes, c.dict);
    case 'dynamic': return new DynamicColumn(c.values);
  }
}

/** Slots of a generator thread's flow counters (Int32): KiB the main thread has written, and KiB the thread may run ahead by. */
export const FLOW_WRITTEN = 0;
export const FLOW_LIMIT = 1;

/** KiB of not-yet-written output the generator may run ahead by (bounds memory on a slow disk). */
export const IN_FLIGHT_KIB = 96 * 1024;

/** The size an NDJSON chunk or a segment counts for in the in-flight budget. */
export function transferKib(m: { kind: 'chunk'; bytes: Uint8Array } | { kind: 'segment'; segment: SegmentData }): number {
  if (m.kind === 'chunk') return Math.ceil(m.bytes.byteLength / 1024);
  let bytes = 0;
  for (const { column: c } of m.segment.columns) {
    switch (c.type) {
      case 'string': case 'guid': bytes += c.codes.byteLength; break;
      case 'datetime': case 'timespan': bytes += c.ms.byteLength; break;
      case 'dynamic': break;
      default: bytes += c.values.byteLength;
    }
  }
  return Math.ceil(bytes / 1024);
}
