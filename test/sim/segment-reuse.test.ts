// Store segments encoded on the generator thread, whose column arrays are then filled again
// for later segments: the encoded bytes must be exactly those of fresh arrays, and those of
// the build before arrays were reused (a pinned digest).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import type { TableSchema } from '../../src/kql/types.js';
import { ArrayPool } from '../../src/sim/array-pool.js';
import { ColumnarSink } from '../../src/sim/columnar-sink.js';
import { TABLES, type TableName } from '../../src/sim/rows.js';
import { simulate, type SimulationOptions } from '../../src/sim/simulate.js';
import { segmentBuffers, transferKib } from '../../src/sim/segment-transfer.js';
import { encodeSegment, type EncodedSegment } from '../../src/store/bulk-writer.js';

const END = Date.parse('2024-06-14T12:00:00Z');
const OPTIONS: SimulationOptions = { days: 3, hosts: 30, seed: 3, endMs: END, scale: 0.2 };

/** Digest of every segment's encoded columns, taken with the build that encoded on the writing thread from fresh arrays. */
const STORE_DIGEST = 'dc7c36c0c099610df4d01a9d935538da0fd111f7475d126a8cdb671f246bbf1b';

function encodedRun(reuseArrays: boolean, segmentRows: number): EncodedSegment[] {
  const catalog = loadSchemaCatalog();
  const schemas = Object.fromEntries(TABLES.map((t) => [t, catalog.table(t)!])) as Record<TableName, TableSchema>;
  const segments: EncodedSegment[] = [];
  const sink = new ColumnarSink({ schemas, segmentRows, reuseArrays, onSegment: (s) => segments.push(encodeSegment(s)) });
  simulate(OPTIONS, sink);
  sink.close();
  return segments;
}

function digest(segments: EncodedSegment[]): string {
  const h = createHash('sha256');
  for (const s of segments) {
    h.update(JSON.stringify([s.table, s.day, s.rows, s.minMs, s.maxMs, s.columns]));
    for (const bytes of s.encoded) h.update(bytes);
  }
  return h.digest('hex');
}

test('segments from reused arrays encode to the same bytes as from fresh ones, and as before reuse', () => {
  // Small segments: many cuts, so arrays go round the pool many times, with nulls and regrowth.
  const reused = encodedRun(true, 5000);
  const fresh = encodedRun(false, 5000);
  assert.ok(reused.length > 20, `${reused.length} segments`);
  assert.equal(reused.length, fresh.length);
  for (let i = 0; i < fresh.length; i++) {
    assert.deepEqual(reused[i]!.columns, fresh[i]!.columns, `segment ${i}`);
    for (let c = 0; c < fresh[i]!.encoded.length; c++) {
      assert.ok(Buffer.from(reused[i]!.encoded[c]!).equals(Buffer.from(fresh[i]!.encoded[c]!)), `segment ${i} (${fresh[i]!.table} ${fresh[i]!.day}) column ${fresh[i]!.columns[c]!.name}`);
    }
  }
  assert.equal(digest(encodedRun(true, 262_144)), STORE_DIGEST);
});

test('an encoded segment transfers its own buffers and counts their size', () => {
  const [segment] = encodedRun(true, 5000);
  const buffers = segmentBuffers(segment!);
  assert.equal(buffers.length, segment!.encoded.length);
  const bytes = segment!.encoded.reduce((n, e) => n + e.byteLength, 0);
  assert.equal(transferKib({ kind: 'segment', segment: segment! }), Math.ceil(bytes / 1024));
});

test('pooled arrays come back zeroed, of the length asked for, whatever they held', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('i32', 'f64', 'u8'), fc.integer({ min: 1, max: 64 }), fc.boolean()), { maxLength: 40 }), (ops) => {
    const pool = new ArrayPool();
    for (const [kind, length, give] of ops) {
      const a = kind === 'i32' ? pool.take(Int32Array, length) : kind === 'f64' ? pool.take(Float64Array, length) : pool.take(Uint8Array, length);
      assert.equal(a.length, length);
      assert.ok(a.every((v) => v === 0));
      a.fill(7);
      if (give) pool.give(a);
    }
  }));
});

test('a pooled buffer is handed out again rather than allocated', () => {
  const pool = new ArrayPool();
  const a = pool.take(Float64Array, 16);
  pool.give(a);
  const b = pool.take(Int32Array, 32);
  assert.equal(b.buffer, a.buffer);
  assert.notEqual(pool.take(Int32Array, 32).buffer, a.buffer);
});
