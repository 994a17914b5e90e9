import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { check } from '../../src/kql/index.js';
import { KqlError } from '../../src/kql/types.js';
import { q, run, schema, table } from './helpers.js';

// The make-series examples of the Kusto docs (expected values from the docs' result tables).
const DATA = `let data=datatable(timestamp:datetime, metric: real)
[
  datetime(2016-12-31T06:00), 50, datetime(2017-01-01), 4, datetime(2017-01-02), 3,
  datetime(2017-01-03), 4, datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 8,
  datetime(2017-01-05T13:40), 13, datetime(2017-01-06), 4, datetime(2017-01-07), 3,
  datetime(2017-01-08), 8, datetime(2017-01-08T21:00), 8, datetime(2017-01-11), 2,
  datetime(2017-01-11), 5, datetime(2017-01-11), 4, datetime(2017-01-12), 5, datetime(2017-01-14), 4,
];
let interval = 1d;
let stime = datetime(2017-01-01);
let etime = datetime(2017-01-11);
`;

const days = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, k) => `2017-01-${String(from + k).padStart(2, '0')}T00:00:00.0000000Z`);

test('make-series from/to/step: to is exclusive, rows outside dropped, missing bins get 0', () => {
  assert.deepEqual(q(DATA + 'data | make-series avg(metric) on timestamp from stime to etime step interval'), [
    'avg_metric:dynamic, timestamp:dynamic',
    [[[4, 3, 5, 0, 10.5, 4, 3, 8, 0, 0], days(1, 10)]],
  ]);
});

test('make-series on empty input is empty unless kind=nonempty', () => {
  assert.deepEqual(q(DATA + 'data | take 0 | make-series count() default=0 on timestamp from stime to etime step interval')[1], []);
  assert.deepEqual(q(DATA + 'data | take 0 | make-series kind=nonempty count() default=0 on timestamp from stime to etime step interval'), [
    'count_:dynamic, timestamp:dynamic', [[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], days(1, 10)]],
  ]);
  // With by-columns the nonempty row has empty keys.
  assert.deepEqual(q('datatable(t:datetime, k:string)[] | make-series kind=nonempty count() on t from datetime(2020-01-01) to datetime(2020-01-03) step 1d by k')[1], [
    ['', [0, 0], ['2020-01-01T00:00:00.0000000Z', '2020-01-02T00:00:00.0000000Z']],
  ]);
});

test('make-series in range(start, stop, step): stop inclusive', () => {
  assert.deepEqual(q(DATA + 'data | make-series avg(metric) default=0 on timestamp in range(stime, etime, interval)')[1], [
    [[4, 3, 5, 0, 10.5, 4, 3, 8, 0, 0, 11 / 3], days(1, 11)],
  ]);
});

test('make-series without from/to derives the range from the data (bin-aligned)', () => {
  const [s, rows] = q(DATA + 'data | make-series c=count(), s=sum(metric) default=-1 on timestamp step 2d');
  assert.equal(s, 'c:dynamic, s:dynamic, timestamp:dynamic');
  assert.deepEqual(rows, [[
    [2, 3, 2, 2, 2, 3, 1, 1],
    [54, 13, 21, 7, 16, 11, 5, 4],
    ['2016-12-31T00:00:00.0000000Z', ...days(2, 13).filter((_, i) => i % 2 === 0)],
  ]]);
  // Only `from`: up to the last bin with data.
  assert.deepEqual(q(DATA + 'data | make-series c=count() on timestamp from stime step 2d')[1], [
    [[2, 2, 3, 3, 0, 4, 1], days(1, 13).filter((_, i) => i % 2 === 0)],
  ]);
  // Only `to`: from the first bin with data, rows at or after `to` dropped.
  assert.deepEqual(q(DATA + 'data | make-series c=count() on timestamp to datetime(2017-01-02) step 1d')[1], [
    [[1, 1], ['2016-12-31T00:00:00.0000000Z', '2017-01-01T00:00:00.0000000Z']],
  ]);
});

const Sales = table('Supplier:string, Fruit:string, Price:real, Purchase:datetime', [
  ['Aborikula', 'Pineapple', 4, '2016-09-10'],
  ['Aborikula', 'Pineapple', 2, '2016-09-11'],
  ['Aborikula', 'Pineapple', 3, '2016-09-11'],
  ['Aborikula', 'Watermelon', 1, '2016-09-12'],
  ['Pikarooney', 'Watermelon', 10, '2016-09-10'],
  ['Pikarooney', 'Watermelon', 6, '2016-09-12'],
].map(([s, f, p, d]) => [s!, f!, p!, BigInt(Date.parse(d as string)) * 10000n + 621355968000000000n]));

test('make-series by several columns, several aggregates each with its own default, column order by, aggregates, axis', () => {
  const r = q('Sales | make-series PriceAvg=avg(Price) default=0, n=count(), mx=max(Price) default=real(null) on Purchase from datetime(2016-09-10) to datetime(2016-09-13) step 1d by Supplier, Fruit', { Sales });
  assert.equal(r[0], 'Supplier:string, Fruit:string, PriceAvg:dynamic, n:dynamic, mx:dynamic, Purchase:dynamic');
  const axis = ['2016-09-10T00:00:00.0000000Z', '2016-09-11T00:00:00.0000000Z', '2016-09-12T00:00:00.0000000Z'];
  assert.deepEqual(r[1], [
    ['Aborikula', 'Pineapple', [4, 2.5, 0], [1, 2, 0], [4, 3, null], axis],
    ['Aborikula', 'Watermelon', [0, 0, 1], [0, 0, 1], [null, null, 1], axis],
    ['Pikarooney', 'Watermelon', [10, 0, 6], [1, 0, 1], [10, null, 6], axis],
  ]);
});

test('make-series over a numeric axis and a by expression', () => {
  const T = table('x:long, v:long, k:string', [[1, 10, 'a'], [2, 20, 'a'], [5, 5, 'bb'], [7, 1, 'a'], [11, 3, 'bb']]);
  assert.deepEqual(q('T | make-series sum(v) on x from 0 to 10 step 3 by L=strlen(k)', { T }), [
    'L:long, sum_v:dynamic, x:dynamic', [[1, [30, 0, 1, 0], [0, 3, 6, 9]], [2, [0, 5, 0, 0], [0, 3, 6, 9]]],
  ]);
  assert.deepEqual(q('T | make-series dcount(k), countif(v > 4) on x in range(0, 10, 5)', { T })[1], [
    [[1, 2, 1], [2, 1, 0], [0, 5, 10]],
  ]);
});

test('make-series errors say what is wrong', () => {
  assert.throws(() => run(DATA + 'data | make-series make_list(metric) on timestamp step 1d'), /numeric results/);
  assert.throws(() => run(DATA + 'data | make-series strlen("x") on timestamp step 1d'), /must be an aggregation/);
  assert.throws(() => run(DATA + 'data | make-series count() on timestamp step 1'), /timespan step/);
  assert.throws(() => run(DATA + 'data | make-series count() on timestamp from 1 to 2 step 1d'), /axis type datetime/);
  assert.throws(() => run(DATA + 'data | make-series count() on timestamp from now() - 1000d*1000 to now() step 1s'), (e: unknown) => e instanceof KqlError && /limit of 1048576/.test(e.message));
  assert.throws(() => run(DATA + 'data | make-series count() on timestamp step 0s'), /positive/);
});

test('make-series schema equals the checker-predicted schema', () => {
  const tables = new Map([['Sales', Sales.columns.map((c) => ({ name: c.name, type: c.column.type }))]]);
  const queries = [
    'Sales | make-series avg(Price) default=0 on Purchase from datetime(2016-09-10) to datetime(2016-09-13) step 1d by Supplier, Fruit',
    'Sales | make-series sum(Price), count(), x=max(Price) on Purchase step 1d',
    'Sales | make-series kind=nonempty dcount(Fruit) on bin(Purchase, 1d) in range(datetime(2016-09-10), datetime(2016-09-13), 1d) by Supplier, strlen(Fruit)',
    'Sales | make-series stdev(Price), variance(Price), sumif(Price, Price > 2), percentile(Price, 50) on Purchase step 12h by F = Fruit',
  ];
  for (const text of queries) {
    const checked = check(text, { tables });
    assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error'), [], text);
    const predicted = checked.schema!.map((c) => `${c.name}:${c.type}`).join(', ');
    assert.equal(schema(run(text, { Sales })), predicted, text);
  }
});

test('property: make-series totals equal summarize totals and every series has one value per bin', () => {
  const start = 621355968000000000n + 1700000000000n * 10000n;
  fc.assert(fc.property(
    fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c'), t: fc.integer({ min: -5000, max: 50000 }), v: fc.integer({ min: -100, max: 100 }) }), { maxLength: 80 }),
    (rs) => {
      const T = table('k:string, t:datetime, v:long', rs.map((r) => [r.k, start + BigInt(r.t) * 10000000n, r.v]));
      const from = 'datetime(2023-11-14T22:13:20Z)';
      const series = run(`T | make-series s=sum(v), c=count() on t from ${from} to ${from} + 40000s step 7s by k`, { T });
      const totals = run(`T | where t >= ${from} and t < ${from} + 40000s | summarize s=sum(v), c=count() by k`, { T });
      const expect = new Map<string, [number, number]>();
      for (let i = 0; i < totals.table.length; i++) {
        expect.set(totals.table.columns[0]!.column.get(i) as string, [totals.table.columns[1]!.column.get(i) as number, totals.table.columns[2]!.column.get(i) as number]);
      }
      assert.equal(series.table.length, expect.size);
      for (let i = 0; i < series.table.length; i++) {
        const k = series.table.columns[0]!.column.get(i) as string;
        const s = series.table.columns[1]!.column.get(i) as number[];
        const c = series.table.columns[2]!.column.get(i) as number[];
        assert.equal(s.length, Math.ceil(40000 / 7));
        assert.equal(c.length, s.length);
        assert.deepEqual([s.reduce((a, b) => a + b, 0), c.reduce((a, b) => a + b, 0)], expect.get(k));
      }
    },
  ), { numRuns: 60 });
});
