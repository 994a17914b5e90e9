// Executor fixes driven by the docs conformance suite (docs/conformance.md, "Executor issues").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { q, table } from './helpers.js';

const T1 = table('key:long, value:string', [[1, 'val1.1'], [1, 'val1.2'], [2, 'val2.1']]);
const T2 = table('key:long, value:string', [[1, 'val1.3'], [1, 'val1.4'], [2, 'val2.2']]);

test('innerunique: a where on left columns applies before the left keys are de-duplicated', () => {
  const [cols, data] = q('T1 | join kind=innerunique T2 on key | where value == "val1.2"', { T1, T2 });
  assert.equal(cols, 'key:long, value:string, key1:long, value1:string');
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.3'], [1, 'val1.2', 1, 'val1.4']]);
  // The default kind is innerunique too.
  assert.deepEqual(q('T1 | join T2 on key | where value == "val1.2"', { T1, T2 })[1].length, 2);
});

test('innerunique: right-side conjuncts stay above the join; left ones still go below', () => {
  const [, data] = q('T1 | join T2 on key | where value == "val1.2" and value1 == "val1.4"', { T1, T2 });
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.4']]);
  // Without a left-only conjunct the first left row of the key is the one kept.
  assert.deepEqual(q('T1 | join T2 on key | where value1 == "val1.4"', { T1, T2 })[1], [[1, 'val1.1', 1, 'val1.4']]);
});

test('inner join results do not change with the pushdown', () => {
  const [, data] = q('T1 | join kind=inner T2 on key | where value == "val1.2"', { T1, T2 });
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.3'], [1, 'val1.2', 1, 'val1.4']]);
});

const L = table('m:string', [['a=1, b=2, c=3']]);

test('parse kind=regex: text columns are greedy unless flags=U', () => {
  assert.deepEqual(q('L | parse kind=regex m with * "a=" v "," * | project v', { L })[1], [['1, b=2']]);
  assert.deepEqual(q('L | parse kind=regex flags=U m with * "a=" v "," * | project v', { L })[1], [['1']]);
  // `*` stays lazy under U: the column after it still starts at the first match.
  assert.deepEqual(q('L | parse kind=regex flags=U m with * "=" v "," * | project v', { L })[1], [['1']]);
  assert.deepEqual(q('L | parse kind=regex m with * "=" v "," * | project v', { L })[1], [['1, b=2']]);
  // kind=simple keeps lazy columns.
  assert.deepEqual(q('L | parse m with * "a=" v "," * | project v', { L })[1], [['1']]);
});

test('multi-value functions: typed per tupleTypes, split in print, fewer names than values', () => {
  assert.equal(q('print x=dynamic([1,5]) | project series_stats(x)')[0],
    'series_stats_x_min:real, series_stats_x_min_idx:long, series_stats_x_max:real, series_stats_x_max_idx:long, series_stats_x_avg:real, series_stats_x_stdev:real, series_stats_x_variance:real');
  // Names checked against Microsoft's analyzer.
  const [cols, data] = q('print x=dynamic([1,2]) | extend (a, b) = series_fit_line(x)');
  assert.equal(cols, 'x:dynamic, a:real, b:real, series_fit_line_x_variance:real, series_fit_line_x_rvariance:real, series_fit_line_x_interception:real, series_fit_line_x_line_fit:dynamic');
  assert.deepEqual(data[0]!.slice(1, 3), [1, 1]);
  assert.equal(q('print x=dynamic([1,2]) | project a = series_fit_line(x)')[0],
    'a:real, series_fit_line_x_slope:real, series_fit_line_x_variance:real, series_fit_line_x_rvariance:real, series_fit_line_x_interception:real, series_fit_line_x_line_fit:dynamic');
  assert.throws(() => q('print x=dynamic([1,2]) | extend (a, b, c, d, e, f, g) = series_fit_line(x)'), /returns 6 values, but 7 names/);
  assert.deepEqual(q('let a1 = dynamic([2,1]); let a2 = dynamic(["b","a"]); print array_sort_asc(a1, a2)'),
    // The second array follows the first one's reordering.
    ['a1_sorted:dynamic, a2_sorted:dynamic', [[[1, 2], ['a', 'b']]]]);
  assert.deepEqual(q('print a = array_sort_asc(dynamic([2,1]), dynamic([3,4]))'), ['a:dynamic', [[[1, 2]]]]);
});

test('toscalar() of a row-free non-constant call is evaluated once', () => {
  assert.deepEqual(q('range i from 1 to 3 step 1 | extend g = toscalar(new_guid()) | summarize dcount(g)')[1], [[1]]);
  assert.deepEqual(q('range i from 1 to 3 step 1 | extend g = new_guid() | summarize dcount(g)')[1], [[3]]);
  assert.throws(() => q('range i from 1 to 3 step 1 | extend g = toscalar(i + 1)'), /does not depend on the current row/);
  assert.throws(() => q('let f = (x: long) { toscalar(x + rand()) }; range i from 1 to 2 step 1 | extend f(i)'), /does not depend on the current row/);
});

test('bag_unpack keep_source: the kept input column takes the property position', () => {
  const D = 'datatable(Name:string, X:long, d:dynamic)["Old", 7, dynamic({"Name": "John", "Age": 20})]';
  assert.deepEqual(q(`${D} | evaluate bag_unpack(d, columnsConflict='keep_source')`), ['X:long, Age:long, Name:string', [[7, 20, 'Old']]]);
  assert.deepEqual(q(`${D} | evaluate bag_unpack(d, columnsConflict='replace_source')`), ['X:long, Age:long, Name:string', [[7, 20, 'John']]]);
});
