import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { query } from '../../src/kql/index.js';
import type { TableSchema } from '../../src/kql/types.js';
import { Store } from '../../src/store/store.js';
import { StoreLockedError } from '../../src/store/files.js';
import { rowsOf, tempDir, ticks } from './helpers.js';

const SRC = { file: 'test', line: 1 };
let sourceNo = 0;

/** Writes rows as one committed source. */
function ingestRows(store: Store, table: string, schema: TableSchema | undefined, rows: Record<string, unknown>[], opts: { segmentRows?: number } = {}): void {
  const w = store.writer({ ingestTime: ticks('2024-06-01T00:00:00Z'), ...opts });
  try {
    w.beginSource({ file: `rows-${++sourceNo}`, sha256: `h${sourceNo}`, size: rows.length });
    if (schema) w.schema(table, schema);
    for (const r of rows) w.row(table, r, SRC);
    w.commitSource();
  } finally {
    w.close();
  }
}

const ALL_TYPES: TableSchema = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'B', type: 'bool' }, { name: 'I', type: 'int' }, { name: 'L', type: 'long' },
  { name: 'R', type: 'real' }, { name: 'Dec', type: 'decimal' }, { name: 'S', type: 'string' },
  { name: 'G', type: 'guid' }, { name: 'Span', type: 'timespan' }, { name: 'Dyn', type: 'dynamic' },
];

test('rows of every type come back exactly, across day partitions and segments', () => {
  const store = Store.open(tempDir(), { create: true });
  const rows = [
    { TimeGenerated: ticks('2024-05-01T10:00:00Z', 1n), B: true, I: -3, L: 2 ** 53 - 1, R: 1.5, Dec: 2.25, S: 'x', G: '01234567-89ab-cdef-0123-456789abcdef', Span: 15n, Dyn: { a: [1, 'b'] } },
    { TimeGenerated: ticks('2024-05-01T23:59:59.999Z', 9999n), B: false, R: NaN, S: '' },
    { TimeGenerated: ticks('2024-05-02T00:00:00Z'), I: 7, Dyn: [null, true] },
    { B: true, S: 'no time' },
  ];
  ingestRows(store, 'T', ALL_TYPES, rows, { segmentRows: 1 });
  const entry = store.table('T')!;
  assert.deepEqual([...new Set(entry.segments.map((s) => s.day))].sort(), ['2024-05-01', '2024-05-02', '_nodate']);
  assert.equal(entry.timeColumn, 'TimeGenerated');
  const back = rowsOf(Store.open(store.dir).scan('T'));
  const expected = rows.map((r) => Object.fromEntries(ALL_TYPES.map((c) => [c.name, (r as Record<string, unknown>)[c.name] ?? (c.type === 'string' || c.type === 'guid' ? '' : null)])));
  const key = (r: Record<string, unknown>): string => String(r['S']) + String(r['TimeGenerated']);
  assert.deepEqual(back.sort((a, b) => key(a).localeCompare(key(b))), expected.sort((a, b) => key(a).localeCompare(key(b))));
});

test('a column type is fixed by its first source; later values are converted as ADX converts', () => {
  const store = Store.open(tempDir(), { create: true });
  ingestRows(store, 'T', [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Port', type: 'long' }], [{ TimeGenerated: ticks('2024-05-01T00:00:00Z'), Port: 80 }]);
  ingestRows(store, 'T', [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Port', type: 'string' }, { name: 'New', type: 'string' }],
    [{ TimeGenerated: ticks('2024-05-01T01:00:00Z'), Port: '443', New: 'n' }, { TimeGenerated: ticks('2024-05-01T02:00:00Z'), Port: 'https' }]);
  assert.deepEqual(store.schema('T'), [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Port', type: 'long' }, { name: 'New', type: 'string' }]);
  const rows = rowsOf(store.scan('T', { columns: ['Port', 'New'] }));
  assert.deepEqual(rows, [{ Port: 80, New: '' }, { Port: 443, New: 'n' }, { Port: null, New: '' }]);
});

test('scan reads only partitions in [from, to) and returns exactly the rows in range', () => {
  const store = Store.open(tempDir(), { create: true });
  const rows = [];
  for (let d = 1; d <= 5; d++) {
    for (let h = 0; h < 24; h += 6) rows.push({ TimeGenerated: ticks(`2024-05-0${d}T${String(h).padStart(2, '0')}:00:00Z`), N: d * 100 + h });
  }
  rows.push({ TimeGenerated: ticks('2024-05-03T00:00:00Z', 1n), N: -1 });
  ingestRows(store, 'T', [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'N', type: 'long' }], rows);
  // Remove the files of days outside the window: a scan that opened them would fail.
  const entry = store.table('T')!;
  for (const seg of entry.segments) {
    if (seg.day === '2024-05-01' || seg.day === '2024-05-05') fs.rmSync(path.join(store.dir, 'tables', 'T', seg.day), { recursive: true });
  }
  const got = rowsOf(store.scan('T', { from: ticks('2024-05-02T06:00:00Z'), to: ticks('2024-05-03T00:00:00Z', 1n) })).map((r) => r['N']);
  assert.deepEqual(got.sort((a, b) => Number(a) - Number(b)), [206, 212, 218, 300]);
  assert.throws(() => rowsOf(store.scan('T')), /is gone/);
  assert.throws(() => store.scan('T', { columns: ['Nope'] }), /no column 'Nope'/);
});

test('the store is a TableProvider: queries, union wildcards and time clipping', () => {
  const store = Store.open(tempDir(), { create: true });
  ingestRows(store, 'SyslogA', undefined, [{ TimeGenerated: ticks('2024-05-01T00:00:00Z'), Host: 'a' }, { TimeGenerated: ticks('2024-05-02T00:00:00Z'), Host: 'b' }]);
  ingestRows(store, 'SyslogB', undefined, [{ TimeGenerated: ticks('2024-05-02T12:00:00Z'), Host: 'c' }]);
  const all = query('union Syslog* | summarize n = count() by Host | order by Host asc', { tables: store.provider() });
  assert.deepEqual(rowsOf(all.table), [{ Host: 'a', n: 1 }, { Host: 'b', n: 1 }, { Host: 'c', n: 1 }]);
  const clipped = query('SyslogA | project Host', { tables: store.provider({ from: ticks('2024-05-01T12:00:00Z'), to: ticks('2024-05-03T00:00:00Z') }) });
  assert.deepEqual(rowsOf(clipped.table), [{ Host: 'b' }]);
  assert.equal(store.provider().get('Missing'), undefined);
});

test('retention drops whole day partitions that ended before the cutoff', () => {
  const store = Store.open(tempDir(), { create: true });
  ingestRows(store, 'T', undefined, [
    { TimeGenerated: ticks('2024-05-01T00:00:00Z'), N: 1 },
    { TimeGenerated: ticks('2024-05-01T23:59:59Z'), N: 2 },
    { TimeGenerated: ticks('2024-05-02T00:00:00Z'), N: 3 },
  ]);
  ingestRows(store, 'Plain', undefined, [{ N: 1 }]);
  const r = store.prune(Date.parse('2024-05-02T12:00:00Z'));
  assert.deepEqual(r, { partitions: 1, segments: 1, rows: 2 });
  assert.deepEqual(rowsOf(store.scan('T')).map((x) => x['N']), [3]);
  assert.equal(fs.existsSync(path.join(store.dir, 'tables', 'T', '2024-05-01')), false);
  assert.equal(store.rowCount('Plain'), 1, 'tables without a time column are kept');
  assert.deepEqual(store.prune(Date.parse('2024-05-02T12:00:00Z')), { partitions: 0, segments: 0, rows: 0 });
});

test('quarantined records are rows of the Quarantine table', () => {
  const store = Store.open(tempDir(), { create: true });
  const w = store.writer({ ingestTime: ticks('2024-06-01T00:00:00Z') });
  w.beginSource({ file: 'fw.log', sha256: 'q', size: 1 });
  w.quarantine({ file: 'fw.log', line: 7, reason: 'no CEF header', raw: 'garbage', format: 'cef' });
  const res = w.commitSource();
  w.close();
  assert.deepEqual(res, { rows: 0, quarantined: 1, tables: {}, segments: 1 });
  const r = query('Quarantine | project TimeGenerated, SourceFile, LineNumber, Format, Reason, RawData', { tables: store.provider() });
  assert.deepEqual(rowsOf(r.table), [{ TimeGenerated: ticks('2024-06-01T00:00:00Z'), SourceFile: 'fw.log', LineNumber: 7, Format: 'cef', Reason: 'no CEF header', RawData: 'garbage' }]);
});

test('one writer at a time; an aborted source leaves nothing behind', () => {
  const store = Store.open(tempDir(), { create: true });
  const w = store.writer({ segmentRows: 3 });
  assert.throws(() => store.writer(), (e: unknown) => e instanceof StoreLockedError && /in use by process/.test(e.message));
  w.beginSource({ file: 'a', sha256: 'a', size: 1 });
  for (let i = 0; i < 10; i++) w.row('T', { TimeGenerated: ticks('2024-05-01T00:00:00Z'), N: i }, SRC);
  w.close();
  assert.equal(store.table('T'), undefined);
  const left = fs.readdirSync(store.dir, { recursive: true }).map(String).filter((f) => f.endsWith('.col'));
  assert.deepEqual(left, [], 'segments cut before the abort are deleted');
  store.writer().close();
});

test('re-ingesting the same source bytes is recognised', () => {
  const store = Store.open(tempDir(), { create: true });
  const w = store.writer();
  w.beginSource({ file: 'x.log', sha256: 'abc', size: 3 });
  w.row('T', { N: 1 }, SRC);
  w.commitSource();
  assert.equal(w.ingested('abc', 3)?.file, 'x.log');
  assert.equal(w.ingested('abc', 4), undefined);
  w.close();
});
