// npm run bench: kqlhunt's engine against DuckDB on the same in-memory data, in one process.
// Each query runs once to warm up, then REPEAT times alternating the two engines; the median and
// the best time are reported, with the ratio kqlhunt / DuckDB (lower is better; <= 1 means
// kqlhunt is as fast or faster). The best-of ratio is the steadier one on a busy machine.
//
//   node --expose-gc bench/run.mjs [--rows N] [--repeat N] [--only q1,q2,join,series]

import { DuckDBDataChunk, DuckDBInstance, BIGINT, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import os from 'node:os';
import { query } from '../dist/src/kql/index.js';
import { NumberColumn, StringColumn } from '../dist/src/kql/data/column.js';
import { HOURS, START_MS, firewallTable, rawBytes, rng } from './data.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(flag('rows', 10_000_000));
const JOIN_ROWS = Math.min(1_000_000, ROWS);
const REPEAT = Number(flag('repeat', 5));
const ONLY = flag('only', 'q1,q2,join,series').split(',');

const gc = globalThis.gc ?? (() => {});
let peakRss = 0, peakHeap = 0;
function sampleMemory() {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
}
const memTimer = setInterval(sampleMemory, 5);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const mb = (b) => (b / 1048576).toFixed(0) + ' MB';

// ───────────── data ─────────────

let t0 = performance.now();
const fw = firewallTable(ROWS);
// The join's right side: one row per address (the destination dictionary and as many more),
// owned by 50 teams.
const ownersRandom = rng(7);
const dstDict = fw.columns[2].column.dict;
const ownerIps = dstDict.slice();
for (let k = 0; ownerIps.length < JOIN_ROWS; k++) ownerIps.push(`198.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`);
const owners = Array.from({ length: 50 }, (_, i) => `team-${i}`);
const assetTable = {
  length: ownerIps.length,
  columns: [
    { name: 'IP', column: new StringColumn('string', Int32Array.from(ownerIps, (_, i) => i), ownerIps) },
    { name: 'Owner', column: new StringColumn('string', Int32Array.from(ownerIps, () => (ownersRandom() * owners.length) | 0), owners) },
  ],
};
const slice = (t, n) => ({ length: n, columns: t.columns.map((c) => ({ name: c.name, column: sliceOf(c.column, n) })) });
function sliceOf(col, n) {
  if (col instanceof StringColumn) return new StringColumn(col.type, col.codes.subarray(0, n), col.dict);
  if (col instanceof NumberColumn) return new NumberColumn(col.type, col.values.subarray(0, n), null);
  return new col.constructor(col.type, col.ms.subarray(0, n), null, null);
}
const fwSmall = slice(fw, JOIN_ROWS);
const tables = new Map([['Fw', fw], ['FwSmall', fwSmall], ['Assets', assetTable]]);
const genMs = performance.now() - t0;

// ───────────── DuckDB load (not timed against the queries) ─────────────

t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();

async function appendColumns(table, types, columns, length) {
  const appender = await db.createAppender(table);
  const chunk = DuckDBDataChunk.create(types);
  const CH = 2048;
  const buffers = columns.map(() => new Array(CH));
  for (let s = 0; s < length; s += CH) {
    const n = Math.min(CH, length - s);
    columns.forEach((col, j) => { const b = buffers[j]; for (let i = 0; i < n; i++) b[i] = col(s + i); });
    chunk.reset();
    chunk.setColumns(buffers.map((b) => (n === CH ? b : b.slice(0, n))));
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
}

// Codes and dictionaries are appended as integers and expanded to VARCHAR inside DuckDB, so
// DuckDB stores ordinary string columns (compressed its own way).
const cols = Object.fromEntries(fw.columns.map((c) => [c.name, c.column]));
await db.run('CREATE TABLE codes (t BIGINT, src INTEGER, dst INTEGER, port INTEGER, bytes BIGINT, vendor INTEGER)');
await appendColumns('codes', [BIGINT, INTEGER, INTEGER, INTEGER, BIGINT, INTEGER], [
  (i) => BigInt(cols.TimeGenerated.ms[i]), (i) => cols.SourceIP.codes[i], (i) => cols.DestinationIP.codes[i],
  (i) => cols.DestinationPort.values[i], (i) => BigInt(cols.SentBytes.values[i]), (i) => cols.DeviceVendor.codes[i],
], ROWS);
for (const [name, dict] of [['srcdict', cols.SourceIP.dict], ['dstdict', cols.DestinationIP.dict], ['vendordict', cols.DeviceVendor.dict], ['ownerdict', owners], ['ipdict', ownerIps]]) {
  await db.run(`CREATE TABLE ${name} (code INTEGER, v VARCHAR)`);
  await appendColumns(name, [INTEGER, VARCHAR], [(i) => i, (i) => dict[i]], dict.length);
}
await db.run(`CREATE TABLE fw AS SELECT epoch_ms(c.t) AS TimeGenerated, s.v AS SourceIP, d.v AS DestinationIP,
  c.port AS DestinationPort, c.bytes AS SentBytes, v.v AS DeviceVendor
  FROM codes c JOIN srcdict s ON c.src = s.code JOIN dstdict d ON c.dst = d.code JOIN vendordict v ON c.vendor = v.code`);
await db.run(`CREATE TABLE fwsmall AS SELECT * FROM fw LIMIT ${JOIN_ROWS}`);
const assetOwner = assetTable.columns[1].column.codes;
await db.run('CREATE TABLE assetcodes (ip INTEGER, owner INTEGER)');
await appendColumns('assetcodes', [INTEGER, INTEGER], [(i) => i, (i) => assetOwner[i]], ownerIps.length);
await db.run('CREATE TABLE assets AS SELECT i.v AS IP, o.v AS Owner FROM assetcodes a JOIN ipdict i ON a.ip = i.code JOIN ownerdict o ON a.owner = o.code');
await db.run('DROP TABLE codes; DROP TABLE assetcodes');
const duckLoadMs = performance.now() - t0;

// ───────────── queries ─────────────

const PRIVATE_SQL = `(DestinationIP LIKE '10.%' OR DestinationIP LIKE '192.168.%' OR DestinationIP LIKE '127.%'
  OR (DestinationIP LIKE '172.%' AND TRY_CAST(split_part(DestinationIP, '.', 2) AS INTEGER) BETWEEN 16 AND 31))`;
const SERIES_FROM = new Date(START_MS).toISOString().slice(0, 10);
const SERIES_TO = new Date(START_MS + HOURS * 3600000).toISOString().slice(0, 10);

const QUERIES = [
  {
    id: 'q1', title: 'Q1 public bytes by vendor and hour', target: 1.0,
    kql: 'Fw | where not(ipv4_is_private(DestinationIP)) | summarize sum(SentBytes) by DeviceVendor, bin(TimeGenerated, 1h)',
    sql: `SELECT DeviceVendor, time_bucket(INTERVAL 1 hour, TimeGenerated) AS h, sum(SentBytes) FROM fw WHERE NOT ${PRIVATE_SQL} GROUP BY ALL`,
  },
  {
    id: 'q2', title: 'Q2 per-source count, bytes, dcount(dest), top 10', target: 1.0,
    kql: 'Fw | summarize Count = count(), Bytes = sum(SentBytes), Destinations = dcount(DestinationIP) by SourceIP | top 10 by Bytes',
    sql: 'SELECT SourceIP, count(*) AS Count, sum(SentBytes) AS Bytes, approx_count_distinct(DestinationIP) AS Destinations FROM fw GROUP BY SourceIP ORDER BY Bytes DESC LIMIT 10',
  },
  {
    id: 'join', title: `join ${JOIN_ROWS / 1e6}M x ${JOIN_ROWS / 1e6}M rows on IP, bytes by owner`, target: 2.0,
    kql: 'FwSmall | join kind=inner (Assets) on $left.DestinationIP == $right.IP | summarize Bytes = sum(SentBytes) by Owner',
    sql: 'SELECT a.Owner, sum(f.SentBytes) AS Bytes FROM fwsmall f JOIN assets a ON f.DestinationIP = a.IP GROUP BY a.Owner',
  },
  {
    id: 'series', title: `make-series ${HOURS}h x 5 vendors + decompose + mv-expand vs GROUP BY`, target: 1.5, maxMs: 1000,
    kql: `Fw | make-series Total = sum(SentBytes) on TimeGenerated from datetime(${SERIES_FROM}) to datetime(${SERIES_TO}) step 1h by DeviceVendor
      | extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 1.5, -1, 'linefit')
      | mv-expand TimeGenerated to typeof(datetime), Total to typeof(long), anomalies to typeof(int), score to typeof(real)`,
    sql: `SELECT DeviceVendor, time_bucket(INTERVAL 1 hour, TimeGenerated) AS h, sum(SentBytes) FROM fw
      WHERE TimeGenerated >= TIMESTAMP '${SERIES_FROM}' AND TimeGenerated < TIMESTAMP '${SERIES_TO}' GROUP BY ALL`,
  },
];

console.log(`kqlhunt vs DuckDB — ${ROWS.toLocaleString('en-US')} rows, ${REPEAT} alternating runs after a warm-up; machine: ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`data generated in ${genMs.toFixed(0)} ms; DuckDB loaded in ${duckLoadMs.toFixed(0)} ms`);
console.log('');
const results = [];
for (const q of QUERIES.filter((x) => ONLY.includes(x.id))) {
  let kqlRows = 0, sqlRows = 0;
  // Alternate the engines run by run, so a burst of load elsewhere on the machine hits both.
  const kql = [], sql = [];
  query(q.kql, { tables });
  await db.runAndReadAll(q.sql);
  for (let i = 0; i < REPEAT; i++) {
    gc();
    let t = performance.now();
    kqlRows = query(q.kql, { tables }).table.length;
    kql.push(performance.now() - t);
    sampleMemory();
    gc();
    t = performance.now();
    sqlRows = (await db.runAndReadAll(q.sql)).currentRowCount;
    sql.push(performance.now() - t);
  }
  const kqlMs = median(kql), sqlMs = median(sql);
  const kqlBest = Math.min(...kql), sqlBest = Math.min(...sql);
  const ratio = kqlMs / sqlMs, bestRatio = kqlBest / sqlBest;
  const ok = ratio <= q.target && (q.maxMs === undefined || kqlMs < q.maxMs);
  results.push({ ...q, kqlMs, sqlMs, ratio, bestRatio, kqlBest, sqlBest, ok, kqlRows, sqlRows });
  console.log(`${q.title}`);
  console.log(`  median: kqlhunt ${kqlMs.toFixed(1).padStart(8)} ms (${kqlRows} rows)   DuckDB ${sqlMs.toFixed(1).padStart(8)} ms (${sqlRows} rows)   ratio ${ratio.toFixed(2)}x  target <= ${q.target}x${q.maxMs ? ` and < ${q.maxMs} ms` : ''}  ${ok ? 'OK' : 'MISSED'}`);
  console.log(`  best:   kqlhunt ${kqlBest.toFixed(1).padStart(8)} ms              DuckDB ${sqlBest.toFixed(1).padStart(8)} ms              ratio ${bestRatio.toFixed(2)}x`);
}
clearInterval(memTimer);
sampleMemory();
const raw = rawBytes(fw) + rawBytes(assetTable);
console.log('');
console.log(`memory: raw column bytes ${mb(raw)}; peak JS heap + array buffers ${mb(peakHeap)} (${(peakHeap / raw).toFixed(2)}x raw); peak RSS ${mb(peakRss)} (includes DuckDB's own copy)`);
if (args.includes('--json')) console.log(JSON.stringify({ rows: ROWS, results: results.map(({ id, kqlMs, sqlMs, ratio, bestRatio, ok }) => ({ id, kqlMs, sqlMs, ratio, bestRatio, ok })), raw, peakHeap, peakRss }));
