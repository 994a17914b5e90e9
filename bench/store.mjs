// Store benchmark (plain JS over dist/): bytes per row on disk for conn-like data, the time
// to load a 10-million-row, 8-column partition set into engine-ready columns, and the
// writer's ingest rate. Run: npx tsc -p tsconfig.json && node bench/store.mjs [rows]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NumberColumn, StringColumn, TicksColumn } from '../dist/src/kql/data/column.js';
import { encodeColumn } from '../dist/src/store/column-file.js';
import { segmentPath, writeManifest, emptyManifest } from '../dist/src/store/manifest.js';
import { encodeSegmentFile } from '../dist/src/store/segment-file.js';
import { Store } from '../dist/src/store/store.js';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const SEGMENT = 262_144;
const DAYS = 10;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-bench-store-'));

// A deterministic generator, so runs compare.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const srcIps = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`);
const dstIps = Array.from({ length: 50000 }, (_, i) => `${(i * 13) % 223 + 1}.${(i >> 8) & 255}.${i & 255}.${(i * 3) & 255}`);
const ports = [53, 80, 443, 22, 123, 445, 3389, 8080];
const protos = ['tcp', 'udp', 'icmp'];

const SCHEMA = [
  { name: 'TimeGenerated', type: 'datetime' }, { name: 'SrcIP', type: 'string' }, { name: 'DstIP', type: 'string' },
  { name: 'SrcPort', type: 'int' }, { name: 'DstPort', type: 'int' }, { name: 'Protocol', type: 'string' },
  { name: 'BytesSent', type: 'long' }, { name: 'BytesReceived', type: 'long' },
];

function segmentColumns(n, startMs, stepMs) {
  const ms = new Float64Array(n), src = new Int32Array(n), dst = new Int32Array(n), sport = new Int32Array(n),
    dport = new Int32Array(n), proto = new Int32Array(n), sent = new Float64Array(n), recv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ms[i] = Math.floor(startMs + i * stepMs);
    src[i] = Math.floor(rand() ** 2 * srcIps.length);
    dst[i] = Math.floor(rand() ** 3 * dstIps.length);
    sport[i] = 1024 + Math.floor(rand() * 64000);
    dport[i] = ports[Math.floor(rand() ** 2 * ports.length)];
    proto[i] = Math.floor(rand() ** 3 * 3);
    sent[i] = Math.floor(rand() ** 4 * 2_000_000);
    recv[i] = Math.floor(rand() ** 3 * 500_000);
  }
  return [
    new TicksColumn('datetime', ms, null, null), new StringColumn('string', src, srcIps), new StringColumn('string', dst, dstIps),
    new NumberColumn('int', sport, null), new NumberColumn('int', dport, null), new StringColumn('string', proto, protos),
    new NumberColumn('long', sent, null), new NumberColumn('long', recv, null),
  ];
}

// Write the partition set with the store's own encoder and manifest.
let t0 = performance.now();
const manifest = emptyManifest();
const entry = { schema: SCHEMA, timeColumn: 'TimeGenerated', segments: [] };
manifest.tables.Conn = entry;
let bytes = 0;
const perDay = Math.ceil(ROWS / DAYS);
const day0 = Date.UTC(2024, 4, 1);
for (let d = 0, written = 0; d < DAYS && written < ROWS; d++) {
  const dayRows = Math.min(perDay, ROWS - written);
  const step = 86_400_000 / dayRows;
  for (let off = 0; off < dayRows; off += SEGMENT) {
    const n = Math.min(SEGMENT, dayRows - off);
    const cols = segmentColumns(n, day0 + d * 86_400_000 + off * step, step);
    const meta = {
      table: 'Conn', id: `d${d}-s${off}`, day: new Date(day0 + d * 86_400_000).toISOString().slice(0, 10), rows: n,
      minMs: cols[0].ms[0], maxMs: cols[0].ms[n - 1], ingestedAt: '0', columns: SCHEMA,
    };
    // The layout the store writer makes: one .kqs file per segment.
    const { bytes: file, offsets } = encodeSegmentFile(meta, cols.map((c) => encodeColumn(c)));
    const { table: _table, ...rest } = meta;
    const seg = { ...rest, bytes: file.byteLength, offsets };
    const target = segmentPath(dir, 'Conn', seg);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file);
    bytes += seg.bytes;
    entry.segments.push(seg);
  }
  written += dayRows;
}
writeManifest(dir, manifest);
const writeMs = performance.now() - t0;

// Load: every column of every segment, decoded to engine layouts (files are in the page cache,
// as they are for a detection run that follows ingestion).
function loadAll() {
  const store = Store.open(dir, { cacheBytes: 0 });
  const t = performance.now();
  let rows = 0;
  let check = 0;
  for (const b of store.scan('Conn').batches()) {
    rows += b.length;
    for (const c of b.columns) check += c.column.length;
  }
  if (check !== rows * SCHEMA.length) throw new Error('load check failed');
  return { ms: performance.now() - t, rows };
}
loadAll(); // warm the page cache and the JIT
const runs = [loadAll(), loadAll(), loadAll()];
const best = Math.min(...runs.map((r) => r.ms));

// Only the 2 columns a typical rule touches, one day of ten.
const s = Store.open(dir, { cacheBytes: 0 });
t0 = performance.now();
let narrow = 0;
for (const b of s.scan('Conn', { columns: ['DstIP', 'DstPort'], from: BigInt(day0 + 3 * 86_400_000) * 10000n + 621355968000000000n, to: BigInt(day0 + 4 * 86_400_000) * 10000n + 621355968000000000n }).batches()) {
  for (const c of b.columns) narrow += c.column.length;
}
const narrowMs = performance.now() - t0;

// The writer's rate on row objects (what `kqlhunt ingest` feeds it), on 500k rows.
const wdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-bench-writer-'));
const ws = Store.open(wdir);
const w = ws.writer();
w.beginSource({ file: 'bench', sha256: 'bench', size: 0 });
w.schema('Conn', SCHEMA);
const WROWS = 500_000;
t0 = performance.now();
for (let i = 0; i < WROWS; i++) {
  w.row('Conn', {
    TimeGenerated: BigInt(day0 + i * 100) * 10000n + 621355968000000000n, SrcIP: srcIps[i % 5000], DstIP: dstIps[(i * 7) % 50000],
    SrcPort: 1024 + (i % 60000), DstPort: ports[i % 8], Protocol: protos[i % 3], BytesSent: i * 3, BytesReceived: i,
  }, { file: 'bench', line: i + 1 });
}
w.commitSource();
w.close();
const writerMs = performance.now() - t0;

console.log(JSON.stringify({
  rows: ROWS,
  columns: SCHEMA.length,
  segments: entry.segments.length,
  bytesOnDisk: bytes,
  bytesPerRow: +(bytes / ROWS).toFixed(2),
  writeEncodedMs: Math.round(writeMs),
  loadAllColumnsMs: runs.map((r) => Math.round(r.ms)),
  loadAllColumnsBestMs: Math.round(best),
  loadOneDayTwoColumnsMs: Math.round(narrowMs),
  oneDayTwoColumnsValues: narrow,
  writerRowsPerSecond: Math.round(WROWS / (writerMs / 1000)),
}, null, 1));
const verdict = (ok) => (ok ? 'OK' : 'MISSED');
console.log(`store: ${(bytes / ROWS).toFixed(1)} bytes a row on disk for conn-like data (target < 40) ${verdict(bytes / ROWS < 40)}`);
console.log(`store: ${ROWS.toLocaleString('en-US')} rows x ${SCHEMA.length} columns loaded into engine columns in ${Math.round(best)} ms (target < 1000 ms) ${verdict(best < 1000)}`);
if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true }); else console.log(dir);
fs.rmSync(wdir, { recursive: true, force: true });
