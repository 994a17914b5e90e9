// The on-disk format: one-file segments (manifest version 2), stores written in version 1
// (a directory of .col files per segment) still read, appended to and pruned, and the commit's
// fsync count independent of how many columns a segment has.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NumberColumn, StringColumn, TicksColumn } from '../../src/kql/data/column.js';
import { decodeColumn, encodeColumn } from '../../src/store/column-file.js';
import { segmentDir, type Manifest } from '../../src/store/manifest.js';
import { readSegmentFileHeader } from '../../src/store/segment-file.js';
import { Store } from '../../src/store/store.js';
import { rowsOf, tempDir, ticks } from './helpers.js';

const SRC = { file: 'f', line: 1 };
const DAY_MS = 86_400_000;
const MAY_1 = Date.UTC(2024, 4, 1);

/** A store as version 1 wrote it: manifest version 1, segment directories of c<i>.col files and segment.json. */
function writeVersion1Store(dir: string): void {
  const schema = [{ name: 'TimeGenerated', type: 'datetime' as const }, { name: 'Host', type: 'string' as const }, { name: 'N', type: 'long' as const }];
  const seg = { id: 'old-1', day: '2024-05-01', rows: 2, minMs: MAY_1 + 1000, maxMs: MAY_1 + 2000, ingestedAt: '0', columns: schema, bytes: 0 };
  const sdir = segmentDir(dir, 'T', seg);
  fs.mkdirSync(sdir, { recursive: true });
  const columns = [
    new TicksColumn('datetime', Float64Array.of(MAY_1 + 1000, MAY_1 + 2000), null, null),
    new StringColumn('string', Int32Array.of(0, 1), ['a', 'b']),
    new NumberColumn('long', Float64Array.of(1, 2), null),
  ];
  columns.forEach((c, i) => {
    const bytes = encodeColumn(c);
    seg.bytes += bytes.byteLength;
    fs.writeFileSync(path.join(sdir, `c${i}.col`), bytes);
  });
  fs.writeFileSync(path.join(sdir, 'segment.json'), JSON.stringify({ table: 'T', ...seg }));
  const manifest: Manifest = {
    version: 1, generation: 1,
    tables: { T: { schema, timeColumn: 'TimeGenerated', segments: [seg] } },
    sources: { 'h:1': { file: 'old.log', size: 1, sha256: 'h', ingestedAt: '0', rows: 2, quarantined: 0 } },
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
}

test('a version 1 store is read, appended to (becoming version 2) and pruned', () => {
  const dir = tempDir();
  writeVersion1Store(dir);
  const store = Store.open(dir);
  assert.deepEqual(rowsOf(store.scan('T')).map((r) => [r['Host'], r['N']]), [['a', 1], ['b', 2]]);

  const w = store.writer({ ingestTime: ticks('2024-06-01T00:00:00Z') });
  w.beginSource({ file: 'new.log', sha256: 'n', size: 1 });
  w.row('T', { TimeGenerated: ticks('2024-05-03T00:00:00Z'), Host: 'c', N: 3 }, SRC);
  w.commitSource();
  w.close();
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(manifest.version, 2);
  assert.equal(manifest.sources['h:1']?.file, 'old.log', 'the old source stays recorded');
  const reopened = Store.open(dir);
  assert.deepEqual(rowsOf(reopened.scan('T')).map((r) => [r['Host'], r['N']]), [['a', 1], ['b', 2], ['c', 3]]);
  // The old segment directory survives the writer's clean-up (it is listed), and goes with its partition.
  assert.ok(fs.existsSync(path.join(dir, 'tables', 'T', '2024-05-01', 'old-1', 'c0.col')));
  const pruned = reopened.prune(MAY_1 + 2 * DAY_MS);
  assert.deepEqual(pruned, { partitions: 1, segments: 1, rows: 2 });
  assert.equal(fs.existsSync(path.join(dir, 'tables', 'T', '2024-05-01')), false);
  assert.deepEqual(rowsOf(Store.open(dir).scan('T')).map((r) => r['Host']), ['c']);
});

test('a segment is one .kqs file whose header and manifest entry locate every column', () => {
  const dir = tempDir();
  const store = Store.open(dir, { create: true });
  const w = store.writer({ ingestTime: ticks('2024-06-01T00:00:00Z') });
  w.beginSource({ file: 'x', sha256: 'x', size: 1 });
  for (let i = 0; i < 50; i++) w.row('T', { TimeGenerated: ticks('2024-05-01T00:00:00Z', BigInt(i)), S: `s${i % 7}`, N: i, D: { i } }, SRC);
  w.commitSource();
  w.close();
  const seg = store.table('T')!.segments[0]!;
  const file = path.join(dir, 'tables', 'T', '2024-05-01', `${seg.id}.kqs`);
  const bytes = fs.readFileSync(file);
  assert.equal(seg.bytes, bytes.byteLength);
  const header = readSegmentFileHeader(bytes);
  assert.deepEqual(header.offsets, seg.offsets);
  assert.deepEqual(header.columns, seg.columns);
  assert.equal(header.rows, 50);
  assert.equal(header.table, 'T');
  const n = decodeColumn(bytes.subarray(header.offsets[2]!, header.offsets[3]!));
  assert.equal(n.get(49), 49);
  // Nothing else is left in the store's tree: no temp files, no per-column files.
  const all = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  assert.deepEqual(all.sort(), ['manifest.json', path.join('tables', 'T', '2024-05-01', `${seg.id}.kqs`)].sort());
});

test('a damaged segment file is reported with its path and column', () => {
  const dir = tempDir();
  const store = Store.open(dir, { create: true });
  const w = store.writer();
  w.beginSource({ file: 'x', sha256: 'x', size: 1 });
  w.row('T', { TimeGenerated: ticks('2024-05-01T00:00:00Z'), N: 1 }, SRC);
  w.commitSource();
  w.close();
  const seg = store.table('T')!.segments[0]!;
  const file = path.join(dir, 'tables', 'T', '2024-05-01', `${seg.id}.kqs`);
  const bytes = fs.readFileSync(file);
  bytes.fill(0, seg.offsets![1]!, seg.offsets![1]! + 4); // the second column's magic
  fs.writeFileSync(file, bytes);
  assert.throws(() => rowsOf(Store.open(dir).scan('T', { columns: ['N'] })), (e: Error) =>
    e.message.includes(file) && e.message.includes('column 1') && /bad magic/.test(e.message));
});

test('a commit fsyncs once per segment and once per directory, however many columns the segments have', () => {
  const fsyncs = (columns: number): number => {
    const dir = tempDir();
    const store = Store.open(dir, { create: true });
    const w = store.writer({ segmentRows: 10 });
    w.beginSource({ file: 'x', sha256: 'x', size: 1 });
    const original = fs.fsyncSync;
    let count = 0;
    fs.fsyncSync = (fd) => { count++; original(fd); };
    // 25 rows over two days: segments of 10, 10 (day 1) and 5 (day 2).
    for (let i = 0; i < 25; i++) {
      const row: Record<string, unknown> = { TimeGenerated: ticks(i < 20 ? '2024-05-01T00:00:00Z' : '2024-05-02T00:00:00Z', BigInt(i)) };
      for (let c = 0; c < columns; c++) row[`C${c}`] = i * c;
      w.row('T', row, SRC);
    }
    try {
      w.commitSource();
    } finally {
      fs.fsyncSync = original;
      w.close();
    }
    assert.equal(store.rowCount('T'), 25);
    return count;
  };
  const few = fsyncs(2);
  assert.equal(fsyncs(30), few);
  // 3 segment files, 4 directories (two partitions, tables/T, tables), the manifest file and the store directory.
  assert.ok(few <= 3 + 4 + 2, `${few} fsyncs`);
});
