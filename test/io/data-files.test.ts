import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileError } from '../../src/io/csv.js';
import { loadDataSources, parseDataSource, tableNameForFile, type LoadedTable } from '../../src/io/data-files.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { formatLoadIssue } from '../../src/io/table-builder.js';
import { formatDatetime } from '../../src/kql/values/datetime.js';
import { SHARED } from '../util/paths.js';

const SAMPLES = path.join(SHARED, 'data', 'sentinel-samples');
const catalog = loadSchemaCatalog();

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-data-'));
}

function get(t: LoadedTable, column: string, row: number): unknown {
  const c = t.table.columns.find((x) => x.name === column);
  assert.ok(c, `no column ${column} in ${t.name}`);
  return c.column.get(row);
}

function nullCount(t: LoadedTable, column: string): number {
  const c = t.table.columns.find((x) => x.name === column)!.column;
  let n = 0;
  for (let i = 0; i < t.table.length; i++) if (c.get(i) === null) n++;
  return n;
}

test('table names come from file names, or from Name=FILE', () => {
  assert.equal(tableNameForFile('/x/VMConnection.csv'), 'VMConnection');
  assert.equal(tableNameForFile('dns.jsonl.gz'), 'dns');
  assert.deepEqual(parseDataSource('Syslog=/tmp/a.json'), { name: 'Syslog', path: '/tmp/a.json' });
  assert.deepEqual(parseDataSource('/tmp/a.json'), { path: '/tmp/a.json' });
});

test('every supported format loads the same table', async () => {
  const dir = tempDir();
  const rows = [{ Host: 'a', Bytes: 10, When: '2024-01-01T00:00:00Z' }, { Host: 'b', Bytes: 20, When: '2024-01-02T00:00:00Z' }];
  const csv = 'Host,Bytes,When\na,10,2024-01-01T00:00:00Z\nb,20,2024-01-02T00:00:00Z\n';
  fs.writeFileSync(path.join(dir, 'T.csv'), csv);
  fs.writeFileSync(path.join(dir, 'T.tsv'), csv.replace(/,/g, '\t'));
  fs.writeFileSync(path.join(dir, 'T.json'), JSON.stringify(rows));
  fs.writeFileSync(path.join(dir, 'T.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  fs.writeFileSync(path.join(dir, 'T.ndjson'), rows.map((r) => JSON.stringify(r)).join('\r\n') + '\r\n');
  fs.writeFileSync(path.join(dir, 'T.csv.gz'), gzipSync(csv));
  fs.writeFileSync(path.join(dir, 'T.export.json'), JSON.stringify({
    tables: [{ name: 'PrimaryResult', columns: [{ name: 'Host', type: 'string' }, { name: 'Bytes', type: 'long' }, { name: 'When', type: 'datetime' }],
      rows: rows.map((r) => [r.Host, r.Bytes, r.When]) }],
  }));
  for (const f of fs.readdirSync(dir)) {
    const { tables, issues } = await loadDataSources([{ name: 'T', path: path.join(dir, f) }], catalog);
    assert.deepEqual(issues, [], f);
    assert.equal(tables.length, 1, f);
    const t = tables[0]!;
    assert.deepEqual(t.schema, [{ name: 'Host', type: 'string' }, { name: 'Bytes', type: 'long' }, { name: 'When', type: 'datetime' }], f);
    assert.equal(t.table.length, 2, f);
    assert.equal(get(t, 'Bytes', 1), 20, f);
    assert.equal(formatDatetime(get(t, 'When', 1) as bigint), '2024-01-02T00:00:00.0000000Z', f);
  }
  // A folder: every supported file, all into table T (base name), concatenated.
  const { tables } = await loadDataSources([{ path: dir }], catalog);
  assert.deepEqual(tables.map((t) => t.name).sort(), ['T', 'T.export']);
  assert.equal(tables.find((t) => t.name === 'T')!.table.length, 12);
});

test('parquet: types come from the file, timestamps keep sub-millisecond precision', async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = tempDir();
  const file = path.join(dir, 'P.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT * FROM (VALUES
      (1::BIGINT, 'a', TIMESTAMP '2024-01-02 03:04:05.123456', [1, 2], true, 1.5::DOUBLE, 7::INTEGER),
      (NULL, 'b', NULL, [], false, NULL, NULL)) v(n, s, t, l, b, r, i))
    TO '${file}' (FORMAT parquet)`);
  conn.closeSync?.();
  const { tables, issues } = await loadDataSources([{ path: file }], catalog);
  assert.deepEqual(issues, []);
  const t = tables[0]!;
  assert.deepEqual(t.schema.map((c) => `${c.name}:${c.type}`), ['n:long', 's:string', 't:datetime', 'l:dynamic', 'b:bool', 'r:real', 'i:int']);
  assert.equal(formatDatetime(get(t, 't', 0) as bigint), '2024-01-02T03:04:05.1234560Z');
  assert.deepEqual(get(t, 'l', 0), [1, 2]);
  assert.equal(get(t, 'n', 1), null);
  assert.equal(get(t, 'i', 0), 7);
});

test('bad cells become null and are reported with file:line; nothing crashes', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'VMConnection.csv');
  fs.writeFileSync(file, 'TimeGenerated,BytesSent,Computer\n2024-01-01T00:00:00Z,5,h1\nyesterday,many,h2\n');
  const { tables, issues } = await loadDataSources([{ path: file }], catalog);
  const t = tables[0]!;
  assert.equal(t.knownSchema, true);
  assert.equal(get(t, 'BytesSent', 1), null);
  assert.deepEqual(issues.map(formatLoadIssue), [
    `${file}:3: column TimeGenerated: "yesterday" is not a valid datetime; stored as null`,
    `${file}:3: column BytesSent: "many" is not a valid long; stored as null`,
  ]);
  // Every schema column is present, typed, in schema order; Type is the table name.
  assert.deepEqual(t.schema.map((c) => c.name), catalog.table('VMConnection')!.map((c) => c.name));
  assert.equal(get(t, 'Type', 0), 'VMConnection');
});

test('unreadable files are errors naming the file', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"nope": ');
  fs.writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n"unterminated,1\n');
  fs.writeFileSync(path.join(dir, 'data.xml'), '<x/>');
  await assert.rejects(loadDataSources([{ path: path.join(dir, 'bad.json') }], catalog), (e: unknown) => e instanceof DataFileError && /bad\.json: not valid JSON/.test(e.message));
  await assert.rejects(loadDataSources([{ path: path.join(dir, 'bad.csv') }], catalog), /bad\.csv(:\d+)?: not valid CSV/);
  await assert.rejects(loadDataSources([{ path: path.join(dir, 'data.xml') }], catalog), /data\.xml: unsupported file type/);
  await assert.rejects(loadDataSources([{ path: path.join(dir, 'missing.csv') }], catalog), /missing\.csv: no such file or folder/);
});

test('a folder may hold side files that are not tables (labels.json): skipped with a note; named explicitly they are errors', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'Events.jsonl'), '{"a":1}\n{"a":2}\n');
  fs.writeFileSync(path.join(dir, 'labels.json'), '{"scenarios":[]}');
  const { tables, issues } = await loadDataSources([{ path: dir }], catalog);
  assert.deepEqual(tables.map((t) => t.name), ['Events']);
  assert.equal(tables[0]!.table.length, 2);
  assert.ok(issues.some((i) => i.file.endsWith('labels.json') && /skipped: not a table/.test(i.message)), JSON.stringify(issues));
  await assert.rejects(loadDataSources([{ path: path.join(dir, 'labels.json') }], catalog), /labels\.json: expected an array of objects/);
});

test('real Sentinel CSV exports load as CommonSecurityLog (BOM, CRLF, literal null, ragged rows)', async () => {
  const { tables, issues } = await loadDataSources([
    { name: 'CommonSecurityLog', path: path.join(SAMPLES, 'AIVectraDetect.csv') },
    { name: 'CommonSecurityLog', path: path.join(SAMPLES, 'CEF', 'wirex_sample_DNS.csv') },
  ], catalog);
  const t = tables[0]!;
  assert.equal(t.name, 'CommonSecurityLog');
  assert.equal(t.table.length, 57 + 223);
  assert.equal(nullCount(t, 'TimeGenerated'), 0, 'the BOM-prefixed TimeGenerated header is recognised');
  assert.equal(formatDatetime(get(t, 'TimeGenerated', 0) as bigint), '2020-03-23T04:56:44.9070000Z');
  assert.equal(get(t, 'DeviceVendor', 0), 'Vectra Networks');
  assert.equal(typeof get(t, 'LogSeverity', 0), 'string', 'typed by the schema, not inferred');
  for (const i of issues) assert.ok(!/TimeGenerated/.test(i.message), formatLoadIssue(i));
});

test('real Sentinel JSON exports load as Syslog: `[UTC]` headers and US-format dates', async () => {
  const { tables } = await loadDataSources([{ name: 'Syslog', path: path.join(SAMPLES, 'Syslog', 'Forescout.json') }], catalog);
  const t = tables[0]!;
  assert.equal(t.table.length, 16);
  assert.ok(!t.schema.some((c) => c.name.includes('[UTC]')));
  assert.equal(nullCount(t, 'TimeGenerated'), 0);
  assert.equal(formatDatetime(get(t, 'TimeGenerated', 0) as bigint), '2021-08-12T13:22:47.9130000Z');
  assert.equal(nullCount(t, 'EventTime'), 0);
});

test('the whole sample folder loads, with every bad cell accounted for', async () => {
  const { tables, issues } = await loadDataSources([{ name: 'CommonSecurityLog', path: path.join(SAMPLES, 'CEF') }], catalog);
  const t = tables[0]!;
  assert.ok(t.table.length > 4000, `${t.table.length} rows`);
  // Forcepoint CASB's rows are shifted against its header: its time columns hold `end=...`.
  assert.ok(issues.some((i) => i.file.endsWith('Forcepoint CASB.csv') && /StartTime: "end=/.test(i.message)));
  const nullTimes = nullCount(t, 'TimeGenerated');
  const reported = issues.filter((i) => /column TimeGenerated:/.test(i.message)).length;
  assert.ok(nullTimes >= reported);
});

test('a .json file holding JSON Lines (as Zeek writes) loads line by line', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'dns.json');
  fs.writeFileSync(file, '{"ts":"2018-03-24T17:15:20.865716Z","id.orig_p":41772,"answers":["a"]}\n{"ts":"2018-03-24T17:15:21Z","id.orig_p":53,"answers":[]}\nnot json\n');
  const { tables, issues } = await loadDataSources([{ path: file }], catalog);
  const t = tables[0]!;
  assert.equal(t.table.length, 2);
  assert.deepEqual(t.schema.map((c) => `${c.name}:${c.type}`), ['ts:datetime', 'id.orig_p:long', 'answers:dynamic']);
  assert.deepEqual(issues.map((i) => formatLoadIssue(i).replace(/: not valid JSON.*line skipped$/, '')), [`${file}:3`]);
});

test('the Zeek JSON sample (53,615 rows, gzip) loads with inferred types', async () => {
  const file = path.join(SHARED, 'data', 'zeek-wrccdc2018', 'zeek-json', 'dns.json.gz');
  const { tables, issues } = await loadDataSources([{ path: file }], catalog);
  const t = tables[0]!;
  assert.equal(t.name, 'dns');
  assert.equal(t.table.length, 53615);
  assert.deepEqual(issues, []);
  const types = Object.fromEntries(t.schema.map((c) => [c.name, c.type]));
  assert.equal(types['ts'], 'datetime');
  assert.equal(types['id.resp_p'], 'long');
  assert.equal(types['answers'], 'dynamic');
  assert.equal(types['AA'], 'bool');
});
