// The simulator's fast output paths: the NDJSON byte encoder must write exactly what the
// original string-building generator wrote (a snapshot of its digests), encode strings and
// numbers as JSON.stringify does, and the columnar store path must hold the same values as
// loading those NDJSON files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readJsonLines } from '../../src/io/json.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { buildTable } from '../../src/io/table-builder.js';
import type { Column } from '../../src/kql/data/column.js';
import type { TableSchema } from '../../src/kql/types.js';
import { ColumnarSink, type SegmentData } from '../../src/sim/columnar-sink.js';
import { memoryOutput, TABLES, type TableName } from '../../src/sim/output.js';
import { simulate, type SimulationOptions } from '../../src/sim/simulate.js';
import { TeeSink } from '../../src/sim/tee-sink.js';

const END = Date.parse('2024-06-14T12:00:00Z');

/**
 * Digests of a small run, pinned so that no change moves a byte unnoticed. Taken when days
 * became independent (per-day sensor streams, id ranges and DNS caches; VMConnection did not
 * change); before that, they were those of the string-building generator the byte encoder
 * replaced (commit 63b447f).
 */
const SNAPSHOT_OPTIONS: SimulationOptions = { days: 4, hosts: 40, seed: 7, endMs: END, scale: 0.25 };
const SNAPSHOT: Record<TableName | 'labels', string> = {
  DeviceNetworkEvents: '8725077e2693fba9b2dd9559a702892273056237063d639de1f96e91c581d145',
  DeviceFileEvents: 'd5eaebbefa24e1a7523796689b35b6a52b41ebf5e99c91237816be068d9648a4',
  DeviceProcessEvents: 'f11b9ad2aaee7d640f3407afcf3f65d984664c41e62275eda652a25aaa1b46af',
  VMConnection: '9d3a0541fbbb685e3c37280d6abd1959bbaf50d2ef8246eb8f3833e70827578d',
  CommonSecurityLog: '7ce15f0cb09630b7ff4595e6a913cca1cca6342aee462d2511baf3e74dcd6839',
  DnsEvents: 'a160d3296acdf3b7eb682e82352f6fdce4995576dda7d8d25b9507b2ca0cb11d',
  labels: '91bd6214ddf86edb74f64f12621f7987d181268f4194a9f37583bd968d39871b',
};

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

test('NDJSON output and labels are byte-identical to the pinned snapshot', () => {
  const mem = memoryOutput();
  const result = simulate(SNAPSHOT_OPTIONS, mem.output);
  mem.output.close();
  const got: Record<string, string> = Object.fromEntries(TABLES.map((t) => [t, sha(mem.text(t))]));
  got['labels'] = sha(JSON.stringify(result.labels));
  assert.deepEqual(got, SNAPSHOT);
});

test('field rows encode strings and numbers exactly as JSON.stringify', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/), fc.oneof(
      fc.string({ unit: 'binary' }), fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 0, -0, 1e21, 0.1),
    )), { minLength: 1, maxLength: 6 }),
    (pairs) => {
      const fields = pairs.map(([k, v], i) => [`${k}${i}`, v] as const);
      const mem = memoryOutput();
      mem.output.fields('DnsEvents', 0, fields);
      mem.output.close();
      // JSON.stringify writes -0 as 0 while `${-0}` (what the generator always used) is "0" too.
      const expected = '{' + fields.map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'number' ? `${v}` : JSON.stringify(v)}`).join(',') + '}\n';
      assert.equal(mem.text('DnsEvents'), expected);
    },
  ), { numRuns: 300 });
});

test('timestamps are written as toISOString writes them', () => {
  fc.assert(fc.property(fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2090-01-01') }), (ms) => {
    const mem = memoryOutput();
    mem.output.dns({ time: ms, computer: 'dc', eventId: 257, clientIp: '10.0.0.1', name: 'a.example', queryType: 'A', result: 'Success', resultCode: 0, ipAddresses: '' });
    mem.output.close();
    const row = JSON.parse(mem.text('DnsEvents')) as { TimeGenerated: string };
    assert.equal(row.TimeGenerated, new Date(ms).toISOString());
  }), { numRuns: 300 });
});

/** The NDJSON text of a table loaded the way `query --data` and `ingest` load it. */
function loadNdjson(text: string, schema: TableSchema): { columns: { name: string; column: Column }[]; length: number } {
  const built = buildTable([readJsonLines(text, 'sim.ndjson', [])], schema);
  return built.table;
}

test('the store path holds the values the NDJSON files hold, segment by day, plus Type', () => {
  const catalog = loadSchemaCatalog();
  const schemas = Object.fromEntries(TABLES.map((t) => [t, catalog.table(t)!])) as Record<TableName, TableSchema>;
  const segments: SegmentData[] = [];
  // Small segments and hour-by-hour cutting exercise every path: full buffers, day ends, late rows.
  const columnar = new ColumnarSink({ schemas, onSegment: (s) => segments.push(s), segmentRows: 5000 });
  const mem = memoryOutput();
  const opts: SimulationOptions = { days: 3, hosts: 30, seed: 3, endMs: END, scale: 0.2 };
  const result = simulate(opts, new TeeSink(mem.output, columnar));
  mem.output.close();
  columnar.close();
  for (const table of TABLES) {
    const loaded = loadNdjson(mem.text(table), schemas[table]);
    assert.equal(loaded.length, result.rows[table], table);
    assert.equal(columnar.rowCount(table), result.rows[table]);
    const time = loaded.columns.find((c) => c.name === 'TimeGenerated')!.column;
    // NDJSON rows of each day, in file order, are the day's segments' rows in cut order.
    const byDay = new Map<string, number[]>();
    for (let i = 0; i < loaded.length; i++) {
      const day = new Date(Number((time.get(i) as bigint - 621355968000000000n) / 10000n)).toISOString().slice(0, 10);
      let list = byDay.get(day);
      if (list === undefined) byDay.set(day, (list = []));
      list.push(i);
    }
    const tableSegments = segments.filter((s) => s.table === table);
    assert.equal(tableSegments.reduce((n, s) => n + s.rows, 0), loaded.length, table);
    const seen = new Map<string, number>();
    for (const seg of tableSegments) {
      assert.ok(seg.rows <= 5000);
      const rows = byDay.get(seg.day)!;
      const offset = seen.get(seg.day) ?? 0;
      seen.set(seg.day, offset + seg.rows);
      for (const { name, column } of seg.columns) {
        if (name === 'Type') {
          for (let j = 0; j < seg.rows; j++) assert.equal(column.get(j), table);
          continue;
        }
        const expected = loaded.columns.find((c) => c.name === name);
        assert.ok(expected, `${table}.${name} is not a schema column`);
        assert.equal(column.type, expected.column.type, `${table}.${name} type`);
        for (let j = 0; j < seg.rows; j++) {
          assert.deepEqual(column.get(j), expected.column.get(rows[offset + j]!), `${table}.${name} row ${rows[offset + j]} (${seg.day} segment row ${j})`);
        }
      }
      const min = Math.min(...rows.slice(offset, offset + seg.rows).map((i) => Number((time.get(i) as bigint - 621355968000000000n) / 10000n)));
      assert.equal(seg.minMs, min);
    }
    // Every column the files fill is in the segments.
    const segmentColumns = new Set(tableSegments.flatMap((s) => s.columns.map((c) => c.name)));
    for (const { name, column } of loaded.columns) {
      let filled = false;
      for (let i = 0; i < loaded.length && !filled; i++) { const v = column.get(i); filled = v !== null && v !== ''; }
      if (filled) assert.ok(segmentColumns.has(name), `${table}.${name} is missing from the store`);
    }
  }
});
