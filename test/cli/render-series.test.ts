// Table output of long numeric series: a summary with a sparkline; other formats and values unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compactNumber, render, seriesSummary, type OutputFormat, type ResultSet } from '../../src/cli/render.js';
import { DynamicColumn, StringColumn } from '../../src/kql/data/column.js';
import type { DynamicValue } from '../../src/kql/types.js';

function dynamicResult(values: DynamicValue[]): ResultSet {
  return {
    schema: [{ name: 'Host', type: 'string' }, { name: 'Series', type: 'dynamic' }],
    table: {
      length: values.length,
      columns: [
        { name: 'Host', column: new StringColumn('string', Int32Array.from(values, (_, i) => i), values.map((_, i) => `h${i}`)) },
        { name: 'Series', column: new DynamicColumn(values) },
      ],
    },
  };
}

function text(r: ResultSet, format: OutputFormat, maxCellWidth?: number): string {
  let out = '';
  render(r, format, (s) => { out += s; }, { maxCellWidth });
  return out;
}

const seriesCell = (out: string): string => out.split('\n')[2]!.replace(/^h0\s+/, '');

test('a long numeric series renders as length, min, max and a 16-bucket sparkline', () => {
  const series = Array.from({ length: 336 }, (_, i) => (i === 200 ? 9.1e6 : i % 24 < 12 ? 0 : 5));
  const cell = seriesCell(text(dynamicResult([series]), 'table'));
  const match = /^\[336\] min 0 · max 9\.1e6 · ([▁▂▃▄▅▆▇█ ]+)$/.exec(cell);
  assert.ok(match, `compact form, got: ${cell}`);
  const spark = match[1]!;
  assert.equal(spark.length, 16);
  // Index 200 lies in bucket floor(200 * 16 / 336) = 9: the spike survives downsampling.
  assert.equal(spark.indexOf('█'), 9);
  assert.equal([...spark].filter((c) => c === '█').length, 1);
});

test('nulls in a series: a bucket with no value is a space; the summary ignores them', () => {
  const series: (number | null)[] = Array.from({ length: 32 }, (_, i) => (i < 2 ? null : i));
  // Two values a bucket; each shows the one farther from the mean 16.5 (the lower half its first, the upper its last).
  assert.equal(seriesSummary(series), '[32] min 2 · max 31 · ' + ' ▁▁▂▂▃▃▄▄▅▆▆▇▇██');
});

test('flat series: lowest level throughout', () => {
  assert.equal(seriesSummary(Array.from({ length: 10 }, () => 7)), '[10] min 7 · max 7 · ▁▁▁▁▁▁▁▁▁▁');
});

test('compact numbers', () => {
  assert.equal(compactNumber(9.1e6), '9.1e6');
  assert.equal(compactNumber(9e6), '9e6');
  assert.equal(compactNumber(0), '0');
  assert.equal(compactNumber(-42), '-42');
  assert.equal(compactNumber(3.14159), '3.14');
  assert.equal(compactNumber(0.00012), '1.2e-4');
});

test('short arrays, mixed arrays, bags and strings render as before', () => {
  const values: DynamicValue[] = [
    [1, 2, 3, 4, 5, 6, 7, 8],
    [1, 2, 3, 4, 5, 6, 7, 8, 'x'],
    { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    'plain text',
    Array.from({ length: 10 }, () => null),
  ];
  const lines = text(dynamicResult(values), 'table').split('\n').slice(2, 7).map((l) => l.replace(/^h\d\s+/, ''));
  assert.deepEqual(lines, [
    '[1,2,3,4,5,6,7,8]',
    '[1,2,3,4,5,6,7,8,"x"]',
    '{"a":[1,2,3,4,5,6,7,8,9,10]}',
    'plain text',
    '[null,null,null,null,null,null,null,null,null,null]',
  ]);
});

test('the cell width limit still applies to the summary', () => {
  const series = Array.from({ length: 100 }, (_, i) => i * 1.5);
  const cell = seriesCell(text(dynamicResult([series]), 'table', 20));
  assert.equal(cell.length, 20);
  assert.ok(cell.startsWith('[100] min 0 · max'));
  assert.ok(cell.endsWith('…'));
});

test('json, csv and ndjson carry the full series', () => {
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.constant(null)), { minLength: 9, maxLength: 60 }),
    (series) => {
      const r = dynamicResult([series]);
      const json = JSON.parse(text(r, 'json')) as { rows: unknown[][] };
      assert.deepEqual(json.rows[0]![1], series);
      const nd = JSON.parse(text(r, 'ndjson').trimEnd()) as Record<string, unknown>;
      assert.deepEqual(nd.Series, series);
      assert.ok(text(r, 'csv').includes(JSON.stringify(series).replace(/"/g, '""')));
      assert.ok(!text(r, 'csv').includes('·'));
    },
  ), { numRuns: 50 });
});
