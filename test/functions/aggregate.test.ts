// Golden tests: the examples of the Kusto docs pages for each aggregate, plus the documented
// empty-input defaults and null handling.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateValues, arg, bools, constant, dynamics, numbers, runAggregate, strings, ticks,
} from './aggregate-harness.js';
import { realToDynamic } from '../../src/kql/types.js';

const shapes = ['triangle', 'square', 'rectangle', 'pentagon', 'hexagon', 'heptagon', 'octagon', 'nonagon', 'decagon'];
const sides = [3, 4, 4, 5, 6, 7, 8, 9, 10];

test('make_list: one column and by-groups (make-list docs)', () => {
  assert.deepEqual(aggregateValues('make_list', [arg('string')], [strings(shapes)], shapes.map(() => 0)), [shapes]);
  const ids = sides.map((s) => (s % 2 === 0 ? 1 : 0));
  assert.deepEqual(aggregateValues('make_list', [arg('string')], [strings(shapes)], ids), [
    ['triangle', 'pentagon', 'heptagon', 'nonagon'],
    ['square', 'rectangle', 'hexagon', 'octagon', 'decagon'],
  ]);
});

test('make_list of packed bags keeps bags whole (make-list docs)', () => {
  const bags = shapes.slice(0, 2).map((name, i) => ({ name, sideCount: sides[i]! }));
  assert.deepEqual(aggregateValues('make_list', [arg('dynamic')], [dynamics(bags)], [0, 0]), [bags]);
});

test('make_set: scalar column and array column (make-set docs)', () => {
  const vals = numbers('int', [1, 5, 7, 5]);
  const arrays = dynamics([['A1', 'A2', 'A3'], ['A2', 'C1'], ['C2', 'A3'], ['C2', 'A1']]);
  assert.deepEqual(aggregateValues('make_set', [arg('int')], [vals], [0, 0, 0, 0]), [[1, 5, 7]]);
  const set = aggregateValues('make_set', [arg('dynamic')], [arrays], [0, 0, 0, 0])[0] as string[];
  assert.deepEqual([...set].sort(), ['A1', 'A2', 'A3', 'C1', 'C2']);
});

test('make_set/make_list honour maxSize and ignore nulls', () => {
  const v = numbers('long', [1, null, 2, 2, 3, 4]);
  const ids = [0, 0, 0, 0, 0, 0];
  assert.deepEqual(aggregateValues('make_set', [arg('long'), constant('int', 2)], [v], ids), [[1, 2]]);
  assert.deepEqual(aggregateValues('make_list', [arg('long'), constant('int', 3)], [v], ids), [[1, 2, 2]]);
  assert.deepEqual(aggregateValues('make_list_with_nulls', [arg('long')], [v], ids), [[1, null, 2, 2, 3, 4]]);
  assert.deepEqual(aggregateValues('makeset', [arg('long')], [v], ids), [[1, 2, 3, 4]]);
  assert.throws(() => aggregateValues('make_set', [arg('long'), constant('int', 2_000_000)], [v], ids), /maxSize/);
});

test('make_list_if / make_set_if / make_bag_if filter by predicate', () => {
  const v = numbers('long', [1, 2, 3, 4]);
  const p = bools([true, false, null, true]);
  assert.deepEqual(aggregateValues('make_list_if', [arg('long'), arg('bool')], [v, p], [0, 0, 0, 0]), [[1, 4]]);
  assert.deepEqual(aggregateValues('make_set_if', [arg('long'), arg('bool')], [v, p], [0, 0, 0, 0]), [[1, 4]]);
  const bags = dynamics([{ a: 1 }, { b: 2 }, { c: 3 }, { a: 9, d: 4 }]);
  assert.deepEqual(aggregateValues('make_bag_if', [arg('dynamic'), arg('bool')], [bags, p], [0, 0, 0, 0]), [{ a: 1, d: 4 }]);
});

test('make_bag merges property bags and skips other values (make-bag docs)', () => {
  const bags = dynamics([{ prop01: 'val_a' }, { prop02: 'val_b' }, [1, 2], null, 'x', { prop03: 'val_c' }]);
  assert.deepEqual(aggregateValues('make_bag', [arg('dynamic')], [bags], [0, 0, 0, 0, 0, 0]), [
    { prop01: 'val_a', prop02: 'val_b', prop03: 'val_c' },
  ]);
  const proto = aggregateValues('make_bag', [arg('dynamic')], [dynamics([JSON.parse('{"__proto__": 1}')])], [0])[0];
  assert.deepEqual(Object.keys(proto as object), ['__proto__']);
});

test('buildschema (buildschema docs)', () => {
  const values = dynamics([
    { x: 1, y: 3.5 },
    { x: 'somevalue', z: [1, 2, 3] },
    { y: { w: 'zzz' }, t: ['aa', 'bb'], z: ['foo'] },
  ]);
  assert.deepEqual(aggregateValues('buildschema', [arg('dynamic')], [values], [0, 0, 0]), [
    { x: ['long', 'string'], y: ['double', { w: 'string' }], z: { '`indexer`': ['long', 'string'] }, t: { '`indexer`': 'string' } },
  ]);
});

test('arg_max null handling (arg-max docs)', () => {
  const fruit = ['Apple', 'Apple', 'Banana', 'Banana', 'Pear', 'Pear'];
  const color = strings(['Red', 'Green', 'Yellow', 'Green', 'Brown', 'Green']);
  const version = numbers('int', [1, null, null, null, 1, 2]);
  const ids = fruit.map((f) => ['Apple', 'Banana', 'Pear'].indexOf(f));
  const [v, c] = runAggregate('arg_max', [arg('int'), arg('string')], [version, color], ids);
  assert.deepEqual(v, [1, null, 2]);
  assert.deepEqual(c, ['Red', 'Yellow', 'Green']);
});

test('arg_min carries every column of the winning row; ties keep the first', () => {
  const key = numbers('long', [5, 1, 1, 7]);
  const a = strings(['a', 'b', 'c', 'd']);
  const when = ticks('datetime', [1n, 2n, 3n, 4n]);
  const out = runAggregate('arg_min', [arg('long'), arg('string'), arg('datetime')], [key, a, when], [0, 0, 0, 0]);
  assert.deepEqual(out, [[1], ['b'], [2n]]);
  const byString = runAggregate('arg_max', [arg('string'), arg('long')], [strings(['b', 'c', 'a']), numbers('long', [1, 2, 3])], [0, 0, 0]);
  assert.deepEqual(byString, [['c'], [2]]);
});

test('percentilesw: weighted nearest rank (percentilesw docs)', () => {
  const bucket = numbers('long', [10, 20, 30, 40]);
  const count = numbers('long', [8, 6, 3, 1]);
  const ps = [constant('real', 50), constant('real', 75), constant('real', 99.9)];
  assert.deepEqual(runAggregate('percentilesw', [arg('long'), arg('long'), ...ps], [bucket, count], [0, 0, 0, 0]), [[20], [20], [40]]);
  assert.deepEqual(aggregateValues('percentilesw_array', [arg('long'), arg('long'), constant('dynamic', [50, 75, 99.9])], [bucket, count], [0, 0, 0, 0]), [[20, 20, 40]]);
  assert.deepEqual(aggregateValues('percentilew', [arg('long'), arg('long'), constant('real', 50)], [bucket, count], [0, 0, 0, 0]), [20]);
});

test('percentiles: nearest rank, exact on small inputs', () => {
  const x = numbers('long', Array.from({ length: 100 }, (_, i) => i + 1));
  const ids = new Array(100).fill(0);
  const ps = [0, 5, 50, 95, 100].map((p) => constant('real', p));
  assert.deepEqual(runAggregate('percentiles', [arg('long'), ...ps], [x], ids), [[1], [5], [50], [95], [100]]);
  assert.deepEqual(aggregateValues('percentile', [arg('long'), constant('real', 50)], [numbers('long', [1, 2, 3, 4])], [0, 0, 0, 0]), [2]);
  assert.deepEqual(aggregateValues('percentiles_array', [arg('real'), constant('real', 50), constant('real', 100)], [numbers('real', [0.5, 1.5, null])], [0, 0, 0]), [[0.5, 1.5]]);
  const t = ticks('timespan', [10n, 30n, 20n]);
  assert.deepEqual(aggregateValues('percentile', [arg('timespan'), constant('real', 50)], [t], [0, 0, 0]), [20n]);
  assert.throws(() => aggregateValues('percentile', [arg('long'), constant('real', 150)], [x], ids), /between 0 and 100/);
});

test('defaults over empty input (summarize docs)', () => {
  const none = numbers('long', []);
  const one = (name: string, args = [arg('long')]) => aggregateValues(name, args, [none, bools([])], [])[0];
  for (const name of ['take_any', 'arg_max', 'arg_min', 'max', 'min', 'hll', 'tdigest', 'stdevp', 'variancep', 'binary_all_and']) {
    assert.equal(one(name), null, name);
  }
  assert.ok(Number.isNaN(one('avg') as number));
  for (const name of ['count', 'dcount', 'count_distinct', 'sum', 'stdev', 'variance']) assert.equal(one(name), 0, name);
  for (const name of ['countif', 'dcountif', 'sumif', 'stdevif', 'varianceif']) {
    const args = name === 'countif' ? [arg('bool')] : [arg('long'), arg('bool')];
    const cols = name === 'countif' ? [bools([])] : [none, bools([])];
    assert.equal(aggregateValues(name, args, cols, [])[0], 0, name);
  }
  assert.equal(aggregateValues('percentile', [arg('long'), constant('real', 55)], [none], [])[0], null);
  assert.equal(aggregateValues('buildschema', [arg('dynamic')], [dynamics([])], [])[0], null);
  assert.deepEqual(one('make_set'), []);
  assert.deepEqual(one('make_list'), []);
  assert.deepEqual(aggregateValues('make_bag', [arg('dynamic')], [dynamics([])], [])[0], {});
});

test('nulls are ignored by sum and avg but counted by count (summarize docs)', () => {
  const y = numbers('real', [null, 5, 5, 5]);
  const ids = [0, 0, 0, 0];
  assert.deepEqual(aggregateValues('sum', [arg('real')], [y], ids), [15]);
  assert.deepEqual(aggregateValues('avg', [arg('real')], [y], ids), [5]);
  assert.deepEqual(aggregateValues('count', [arg('real')], [numbers('real', [null, 5])], [0, 0]), [2]);
  assert.deepEqual(aggregateValues('make_set', [arg('real')], [numbers('real', [null, 5])], [0, 0]), [[realToDynamic(5)]]);
});

test('count, countif, sum, sumif, avg, avgif by group', () => {
  const x = numbers('int', [1, 2, 3, 4, null, 6]);
  const p = bools([true, false, true, true, true, null]);
  const ids = [0, 1, 0, 1, 0, 1];
  assert.deepEqual(aggregateValues('count', [], [], ids), [3, 3]);
  assert.deepEqual(aggregateValues('countif', [arg('bool')], [p], ids), [3, 1]);
  assert.deepEqual(aggregateValues('sum', [arg('int')], [x], ids), [4, 12]);
  assert.deepEqual(aggregateValues('sumif', [arg('int'), arg('bool')], [x, p], ids), [4, 4]);
  assert.deepEqual(aggregateValues('avg', [arg('int')], [x], ids), [2, 4]);
  assert.deepEqual(aggregateValues('avgif', [arg('int'), arg('bool')], [x, p], ids), [2, 4]);
});

test('min/max/minif/maxif keep the argument type', () => {
  const s = strings(['pear', 'apple', 'fig', 'kiwi']);
  const ids = [0, 0, 1, 1];
  assert.deepEqual(aggregateValues('min', [arg('string')], [s], ids), ['apple', 'fig']);
  assert.deepEqual(aggregateValues('max', [arg('string')], [s], ids), ['pear', 'kiwi']);
  const d = ticks('timespan', [36_000_000_000n, 41_000_000_000n, null, 42_000_000_001n]);
  assert.deepEqual(aggregateValues('min', [arg('timespan')], [d], [0, 0, 0, 0]), [36_000_000_000n]);
  assert.deepEqual(aggregateValues('max', [arg('timespan')], [d], [0, 0, 0, 0]), [42_000_000_001n]);
  assert.deepEqual(aggregateValues('maxif', [arg('int'), arg('bool')], [numbers('int', [9, 3]), bools([false, true])], [0, 0]), [3]);
  assert.deepEqual(aggregateValues('minif', [arg('int'), arg('bool')], [numbers('int', [9, 3]), bools([false, false])], [0, 0]), [null]);
  assert.deepEqual(aggregateValues('max', [arg('bool')], [bools([false, true, null])], [0, 0, 0]), [true]);
  assert.throws(() => aggregateValues('max', [arg('dynamic')], [dynamics([1])], [0]), /orderable/);
});

test('sum and avg over timespan and datetime are exact to the tick', () => {
  const t = ticks('timespan', [10_001n, 20_000n, 40_000n]);
  assert.deepEqual(aggregateValues('sum', [arg('timespan')], [t], [0, 0, 0]), [70_001n]);
  assert.deepEqual(aggregateValues('avg', [arg('timespan')], [t], [0, 0, 0]), [23_333n]);
  const base = 638_000_000_000_000_001n;
  const d = ticks('datetime', [base, base + 4n]);
  assert.deepEqual(aggregateValues('avg', [arg('datetime')], [d], [0, 0]), [base + 2n]);
  assert.throws(() => aggregateValues('sum', [arg('datetime')], [d], [0, 0]), /not supported/);
});

test('long sums beyond 2^53 are refused, not rounded', () => {
  const big = numbers('long', [2 ** 53, 2 ** 53]);
  assert.throws(() => aggregateValues('sum', [arg('long')], [big], [0, 0]), /2\^53/);
});

test('stdev, stdevp, variance, variancep, covariance', () => {
  const x = numbers('real', [2, 4, 4, 4, 5, 5, 7, 9]);
  const ids = new Array(8).fill(0);
  assert.deepEqual(aggregateValues('stdevp', [arg('real')], [x], ids), [2]);
  assert.deepEqual(aggregateValues('variancep', [arg('real')], [x], ids), [4]);
  assert.ok(Math.abs((aggregateValues('variance', [arg('real')], [x], ids)[0] as number) - 32 / 7) < 1e-12);
  assert.deepEqual(aggregateValues('stdev', [arg('real')], [numbers('real', [3])], [0]), [0]);
  assert.deepEqual(aggregateValues('covariancep', [arg('real'), arg('real')], [x, x], ids), [4]);
  const shifted = numbers('real', [1e9 + 1, 1e9 + 2, 1e9 + 3]);
  assert.deepEqual(aggregateValues('variance', [arg('real')], [shifted], [0, 0, 0]), [1]);
});

test('binary_all_and / or / xor over int and long', () => {
  const l = numbers('long', [0b1110, 0b0111, null]);
  assert.deepEqual(aggregateValues('binary_all_and', [arg('long')], [l], [0, 0, 0]), [0b0110]);
  assert.deepEqual(aggregateValues('binary_all_or', [arg('long')], [l], [0, 0, 0]), [0b1111]);
  assert.deepEqual(aggregateValues('binary_all_xor', [arg('long')], [l], [0, 0, 0]), [0b1001]);
  const wide = numbers('long', [2 ** 40 + 3, -1]);
  assert.deepEqual(aggregateValues('binary_all_and', [arg('long')], [wide], [0, 0]), [2 ** 40 + 3]);
  assert.deepEqual(aggregateValues('binary_all_xor', [arg('long')], [wide], [0, 0]), [-(2 ** 40) - 4]);
  assert.deepEqual(aggregateValues('binary_all_or', [arg('int')], [numbers('int', [1, -2])], [0, 0]), [-1]);
});

test('take_any prefers a non-empty value; several arguments come from one row', () => {
  const s = strings(['', 'x', 'y']);
  assert.deepEqual(aggregateValues('take_any', [arg('string')], [s], [0, 0, 0]), ['x']);
  assert.deepEqual(aggregateValues('take_any', [arg('long')], [numbers('long', [null, 4])], [0, 0]), [4]);
  const out = runAggregate('take_any', [arg('string'), arg('long')], [s, numbers('long', [1, 2, 3])], [0, 0, 0]);
  assert.deepEqual(out, [[''], [1]]);
  assert.deepEqual(aggregateValues('take_anyif', [arg('long'), arg('bool')], [numbers('long', [1, 2]), bools([false, true])], [0, 0]), [2]);
  assert.deepEqual(aggregateValues('take_anyif', [arg('long'), arg('bool')], [numbers('long', [1, 2]), bools([false, false])], [0, 0]), [null]);
});

test('dcount and count_distinct: exact for small cardinalities, nulls not counted', () => {
  const s = strings(['a', 'b', 'a', 'c', '']);
  assert.deepEqual(aggregateValues('dcount', [arg('string')], [s], [0, 0, 0, 0, 0]), [4]);
  assert.deepEqual(aggregateValues('count_distinct', [arg('string')], [s], [0, 0, 0, 0, 0]), [4]);
  const x = numbers('long', [1, null, 1, 2]);
  assert.deepEqual(aggregateValues('dcount', [arg('long')], [x], [0, 0, 1, 1]), [1, 2]);
  assert.deepEqual(aggregateValues('dcountif', [arg('long'), arg('bool')], [x, bools([true, true, false, true])], [0, 0, 0, 0]), [2]);
  assert.deepEqual(aggregateValues('count_distinctif', [arg('long'), arg('bool')], [x, bools([true, true, false, true])], [0, 0, 0, 0]), [2]);
  const d = dynamics([{ a: 1 }, { a: 1 }, [1], null]);
  assert.deepEqual(aggregateValues('dcount', [arg('dynamic')], [d], [0, 0, 0, 0]), [2]);
  assert.throws(() => aggregateValues('dcount', [arg('long'), constant('int', 5)], [x], [0, 0, 0, 0]), /accuracy/);
});

test('hll / hll_merge round trip through dynamic values', () => {
  const left = aggregateValues('hll', [arg('long')], [numbers('long', [1, 2, 3])], [0, 0, 0]);
  const right = aggregateValues('hll', [arg('long')], [numbers('long', [3, 4])], [0, 0]);
  const merged = aggregateValues('hll_merge', [arg('dynamic')], [dynamics([left[0]!, right[0]!, null] as never)], [0, 0, 0]);
  const count = aggregateValues('dcount', [arg('long')], [numbers('long', [1, 2, 3, 4])], [0, 0, 0, 0]);
  assert.equal(count[0], 4);
  assert.match(JSON.stringify(merged[0]), /kqlhunt_hll/);
  assert.throws(() => aggregateValues('hll_merge', [arg('dynamic')], [dynamics(['nope'])], [0]), /not a sketch/);
});

test('tdigest / tdigest_merge keep the percentiles of the union', () => {
  const a = aggregateValues('tdigest', [arg('long')], [numbers('long', [1, 2, 3])], [0, 0, 0]);
  const b = aggregateValues('tdigest', [arg('long')], [numbers('long', [4, 5])], [0, 0]);
  const merged = aggregateValues('merge_tdigest', [arg('dynamic')], [dynamics([a[0]!, b[0]!] as never)], [0, 0]);
  const digest = merged[0] as { min: number; max: number; centroids: number[][] };
  assert.equal(digest.min, 1);
  assert.equal(digest.max, 5);
  assert.deepEqual(digest.centroids.map((c) => c[0]), [1, 2, 3, 4, 5]);
});

test('dcount is exact through the exact-set growth up to the limit of each accuracy level, and hll() serialises canonically', () => {
  for (const [level, limit] of [[1, 1000], [2, 8000]] as const) {
    for (const n of [7, 8, 9, 511, 513, limit - 1, limit]) {
      // Each value twice, interleaved, so duplicates hit a table that has grown in between.
      const values = Array.from({ length: 2 * n }, (_, i) => (i % n) * 7919);
      const [count] = aggregateValues('dcount', [arg('long'), constant('int', level)], [numbers('long', values)], values.map(() => 0));
      assert.equal(count, n, `level ${level}, ${n} distinct values`);
    }
  }
  const forward = aggregateValues('hll', [arg('long')], [numbers('long', [5, 6, 7, 8, 9])], [0, 0, 0, 0, 0]);
  const backward = aggregateValues('hll', [arg('long')], [numbers('long', [9, 8, 7, 6, 5])], [0, 0, 0, 0, 0]);
  assert.deepEqual(forward, backward);
  const keys = (forward[0] as { exact: number[] }).exact;
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
});
