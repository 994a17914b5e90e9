import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KqlError } from '../../src/kql/types.js';
import type { Table } from '../../src/kql/data/column.js';
import { q, run, table } from './helpers.js';

const E = table('Host:string, Bytes:long', [['h1', 10], ['h2', 5], ['h1', 7]]);

test('scalar, tabular and function lets', () => {
  assert.deepEqual(q('let limit = 6; let Big = E | where Bytes > limit; Big | count', { E })[1], [[2]]);
  assert.deepEqual(q('let twice = (x: long) { x * 2 }; E | project d = twice(Bytes)', { E })[1], [[20], [10], [14]]);
  assert.deepEqual(q('let f = (x: long, y: long = 100) { x + y }; print f(1), f(1, 2), f(y = 5, x = 1)')[1], [[101, 3, 6]]);
  assert.deepEqual(q('let hosts = (T: (Host: string)) { T | distinct Host }; hosts(E)', { E })[1], [['h1'], ['h2']]);
  assert.deepEqual(q('let F = () { E | where Host == "h2" }; F | project Bytes', { E })[1], [[5]]);
  assert.deepEqual(q('let g = (n: long) { let k = n + 1; k * 10 }; print g(2)')[1], [[30]]);
});

test('toscalar, materialize and as', () => {
  assert.deepEqual(q('let m = toscalar(E | summarize max(Bytes)); E | where Bytes == m | project Host', { E })[1], [['h1']]);
  assert.deepEqual(q('let M = materialize(E | summarize s = sum(Bytes)); M | union M', { E })[1], [[22], [22]]);
  assert.deepEqual(q('E | where Bytes > 6 | as Big; Big | count', { E })[1], [[2]]);
});

test('materialize runs its input once', () => {
  let scans = 0;
  const src = { schema: [{ name: 'x', type: 'long' as const }], batches: function* (): Iterable<Table> { scans++; yield table('x:long', [[1]]); } };
  run('let M = materialize(S); M | union M | union M', {}, { tables: new Map([['S', src]]) });
  assert.equal(scans, 1);
});

test('query parameters and declare query_parameters defaults', () => {
  assert.deepEqual(q('E | where Host == h | count', { E }, { params: { h: 'h1' } })[1], [[2]]);
  assert.deepEqual(q('declare query_parameters(lim: long = 6); E | where Bytes > lim | count', { E })[1], [[2]]);
});

test('extend with a tuple assignment from a multi-value function', () => {
  const [s, r] = q('print a = dynamic([3, 1, 2]), b = dynamic(["c", "a", "b"]) | extend (sa, sb) = array_sort_asc(a, b)');
  assert.equal(s, 'a:dynamic, b:dynamic, sa:dynamic, sb:dynamic');
  assert.deepEqual(r[0]!.slice(2), [[1, 2, 3], ['a', 'b', 'c']]);
});

test('row_number with restart, prev/next with offset and default', () => {
  assert.deepEqual(q('E | sort by Host asc, Bytes asc | extend rn = row_number(1, prev(Host) != Host), p = prev(Bytes), n = next(Bytes, 2, -1)', { E })[1], [
    ['h1', 7, 1, null, 5, ], ['h1', 10, 2, 7, -1], ['h2', 5, 1, 10, -1],
  ].map((r) => r.slice(0, 5)));
});

test('row_cumsum, row_rank_dense, row_rank_min, row_window_session', () => {
  const V = table('g:string, v:long, t:datetime', [
    ['a', 1, 638396640000000000n], ['a', 1, 638396640000000000n + 600000000n], ['a', 3, 638396640000000000n + 36000000000n], ['b', 4, 638396640000000000n + 36600000000n],
  ]);
  assert.deepEqual(q(`V | serialize | extend cs = row_cumsum(v), cr = row_cumsum(v, g != prev(g)), d = row_rank_dense(v), m = row_rank_min(v),
      s = row_window_session(t, 1h, 30m)`, { V })[1].map((r) => r.slice(3)), [
    [1, 1, 1, 1, '2024-01-01T00:00:00.0000000Z'],
    [2, 2, 1, 1, '2024-01-01T00:00:00.0000000Z'],
    [5, 5, 2, 3, '2024-01-01T01:00:00.0000000Z'],
    [9, 4, 3, 4, '2024-01-01T01:00:00.0000000Z'],
  ]);
});

test('mv-expand: several columns in parallel, item index, typed, bag expansion, limit', () => {
  assert.deepEqual(q('print k = 1, a = dynamic([1, 2, 3]), b = dynamic(["x"]) | mv-expand with_itemindex = i a to typeof(long), b'), [
    'k:long, a:long, b:dynamic, i:long', [[1, 1, 'x', 0], [1, 2, null, 1], [1, 3, null, 2]],
  ]);
  assert.deepEqual(q('print d = dynamic({"p": 1, "q": 2}) | mv-expand d')[1], [[{ p: 1 }], [{ q: 2 }]]);
  assert.deepEqual(q('print d = dynamic({"p": 1}) | mv-expand bagexpansion=array d')[1], [[['p', 1]]]);
  assert.deepEqual(q('print d = dynamic([]) | mv-expand d')[1], []);
  assert.deepEqual(q('print d = dynamic(null) | mv-expand d')[1], [[null]]);
  assert.deepEqual(q('print d = dynamic([1, 2, 3]) | mv-expand d limit 2 | count')[1], [[2]]);
  assert.deepEqual(q('print x = dynamic([4, 5]) | mv-expand y = x | project y')[1], [[4], [5]]);
});

test('limits: row cap on range, mv-expand and join; timeout; cancellation', () => {
  assert.throws(() => run('range x from 1 to 1000 step 1', {}, { maxRows: 100 }), (e) => e instanceof KqlError && e.code === 'RowLimit' && /range/.test(e.message));
  assert.throws(() => run('range x from 1 to 50 step 1 | extend d = dynamic([1,2,3]) | mv-expand d', {}, { maxRows: 100 }), /mv-expand/);
  assert.throws(() => run('range x from 1 to 50 step 1 | extend k = 1 | join kind=inner (range y from 1 to 50 step 1 | extend k = 1) on k', {}, { maxRows: 100 }), /join/);
  const ac = new AbortController();
  ac.abort();
  assert.throws(() => run('range x from 1 to 10 step 1', {}, { signal: ac.signal }), (e) => e instanceof KqlError && e.code === 'Cancelled');
  assert.throws(() => run('range x from 1 to 3000000 step 1 | summarize count() by x % 1000', {}, { timeoutMs: 1 }), (e) => e instanceof KqlError && e.code === 'Timeout');
});

test('render is kept as result metadata', () => {
  const r = run('E | summarize sum(Bytes) by Host | render barchart with (title = "t")', { E });
  assert.deepEqual(r.render, { visualization: 'barchart', properties: { title: 't' } });
  assert.equal(r.table.length, 2);
});

test('getschema lists the columns', () => {
  assert.deepEqual(q('E | getschema', { E })[1], [['Host', 0, 'System.String', 'string'], ['Bytes', 1, 'System.Int64', 'long']]);
});

test('window functions need a serialized row set, as in ADX', () => {
  const W = table('v:long', [[3], [1], [2]]);
  assert.throws(() => run('W | extend rn = row_number()', { W }), /serialized row set/);
  assert.throws(() => run('W | summarize count() by v | extend p = prev(v)', { W }), /serialized/);
  assert.throws(() => run('W | sort by v | summarize c = count() by v | where row_number() > 1', { W }), /serialized/);
  assert.throws(() => run('W | serialize | mv-expand x = pack_array(v) | extend rn = row_number()', { W }), /serialized/);
  assert.throws(() => run('W | summarize m = max(row_cumsum(v))', { W }), /serialized/);
  assert.deepEqual(q('W | serialize | summarize m = max(row_cumsum(v))', { W })[1], [[6]]);
  // sort, top, serialize and range serialize; where, extend, project and take keep it.
  assert.deepEqual(q('W | sort by v asc | where v > 0 | project v | take 5 | extend rn = row_number()', { W })[1], [[1, 1], [2, 2], [3, 3]]);
  assert.deepEqual(q('W | top 2 by v | extend p = prev(v)', { W })[1], [[3, null], [2, 3]]);
  assert.deepEqual(q('range x from 1 to 3 step 1 | extend c = row_cumsum(x)')[1], [[1, 1], [2, 3], [3, 6]]);
  assert.deepEqual(q('W | serialize rn = row_number()', { W })[1], [[3, 1], [1, 2], [2, 3]]);
});
