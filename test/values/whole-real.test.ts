// Whole-valued reals inside dynamic (`1.0`): they keep the type real through parsing, text,
// gettype, conversions, series and make-series, and still equal the long of the same value.
// The expected texts are ADX's, from the docs pages named beside each case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DynamicColumn } from '../../src/kql/data/column.js';
import { query } from '../../src/kql/index.js';
import {
  WholeReal, dynamicNumber, isDynamicReal, isWholeReal, realToDynamic, type DynamicValue,
} from '../../src/kql/types.js';
import {
  canonicalDynamicText, compareDynamic, dynamicEquals, dynamicKind, formatDynamic, formatDynamicStrictJson,
  parseDynamicLiteral, parseJson, parseJsonStrict,
} from '../../src/kql/values/dynamic.js';
import { formatScalar, toJsonValue } from '../../src/kql/values/format.js';
import { keyOf } from '../../src/kql/values/compare.js';
import { decodeColumn, encodeColumn } from '../../src/store/column-file.js';
import { toDynamic as cellToDynamic } from '../../src/io/cell.js';
import { NOW } from '../exec/helpers.js';

/** Every cell of the result as ADX prints it, row by row. */
function cells(text: string): string[][] {
  const r = query(text, { tables: new Map(), now: NOW });
  const out: string[][] = [];
  for (let i = 0; i < r.table.length; i++) out.push(r.table.columns.map((c) => formatScalar(c.column.type, c.column.get(i))));
  return out;
}

function cell(text: string): string {
  return cells(text)[0]![0]!;
}

test('realToDynamic wraps only whole reals that a plain number would read as a long', () => {
  assert.ok(isWholeReal(realToDynamic(1)));
  assert.ok(isWholeReal(realToDynamic(-0)));
  assert.ok(isWholeReal(realToDynamic(123456789)));
  assert.equal(realToDynamic(1.5), 1.5);
  assert.equal(realToDynamic(1e20), 1e20); // beyond ±2^53 a plain number is already a real
  assert.ok(Number.isNaN(realToDynamic(Number.NaN)));
  assert.equal(realToDynamic(Infinity), Infinity);
  assert.equal(dynamicNumber(realToDynamic(7)), 7);
  assert.equal(dynamicNumber(realToDynamic(5000)), 5000);
  assert.equal(dynamicNumber('7'), null);
  assert.equal(isDynamicReal(realToDynamic(3)), true);
  assert.equal(isDynamicReal(3), false);
  assert.equal(isDynamicReal(3.5), true);
  assert.equal(JSON.stringify([realToDynamic(2), 2]), '[2,2]');
});

test('parse_json and dynamic literals keep 1.0 and 2e3 real, and strings untouched', () => {
  const v = parseJson('{"a":1.0,"b":1,"c":2e3,"d":"1.0","e":[0.0,-3.00,2.5],"f":1.5e1}') as { [k: string]: DynamicValue };
  assert.equal(dynamicKind(v['a']!), 'real');
  assert.equal(dynamicKind(v['b']!), 'int');
  assert.equal(dynamicKind(v['c']!), 'real');
  assert.equal(v['d'], '1.0');
  assert.deepEqual((v['e'] as DynamicValue[]).map(dynamicKind), ['real', 'real', 'real']);
  assert.equal(dynamicKind(v['f']!), 'real');
  assert.equal(dynamicKind(parseJson('1.0')), 'real');
  assert.equal(dynamicKind(parseJsonStrict('[10.0]')), 'array');
  assert.equal(dynamicKind((parseJsonStrict('[10.0]') as DynamicValue[])[0]!), 'real');
  assert.equal(dynamicKind((parseDynamicLiteral('[real(2), long(2), 2.0, decimal(3)]') as DynamicValue[])[0]!), 'real');
  assert.deepEqual((parseDynamicLiteral('[real(2), long(2), 2.0, decimal(3)]') as DynamicValue[]).map(dynamicKind), ['real', 'int', 'real', 'real']);
  // Text that only looks like it holds a real stays text, or JSON without reals.
  assert.equal(parseJson('v1.0'), 'v1.0');
  assert.equal(parseJson('["10.0.0.1"]') instanceof Array, true);
  assert.equal((parseJson('["10.0.0.1"]') as DynamicValue[])[0], '10.0.0.1');
});

test('JSON text: whole reals print with .0, large and small ones in .NET exponent form', () => {
  assert.equal(formatDynamic(parseJson('[1.0,2.5,3]')), '[1.0,2.5,3]');
  assert.equal(formatDynamic(realToDynamic(0)), '0.0');
  assert.equal(formatDynamic([1e20, 1e-7, realToDynamic(-4), realToDynamic(1e15), 1e15]), '[1E+20,1E-07,-4.0,1E+15,1000000000000000]');
  assert.equal(formatDynamic({ a: realToDynamic(118), b: 118 }), '{"a":118.0,"b":118}');
  assert.equal(formatDynamicStrictJson([realToDynamic(1), Number.NaN, Infinity]), '[1.0,null,null]');
  // Text and value agree both ways: what is printed reads back with the same types.
  const v = parseJson('{"a":[1.0,2,1E+20,0.5]}');
  assert.equal(formatDynamic(parseJson(formatDynamic(v))), formatDynamic(v));
  // The CLI's JSON has one number type.
  assert.deepEqual(toJsonValue('dynamic', [realToDynamic(1), 2]), [1, 2]);
});

test('property: a finite real placed into dynamic prints as text that reads back as the same real', () => {
  fc.assert(fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map((n) => n * 1.0)), (x) => {
    const back = parseJsonStrict(formatDynamic([realToDynamic(x)])) as DynamicValue[];
    assert.equal(dynamicKind(back[0]!), 'real');
    assert.ok(Object.is(dynamicNumber(back[0]!), x === 0 ? x : x) || dynamicNumber(back[0]!) === x);
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => {
    const back = parseJsonStrict(formatDynamic([n])) as DynamicValue[];
    assert.equal(back[0], n);
    assert.notEqual(dynamicKind(back[0]!), 'real');
  }), { numRuns: 300 });
});

test('equality, ordering and hash keys: 1.0 equals 1, as in ADX', () => {
  const one = realToDynamic(1);
  assert.ok(dynamicEquals(one, 1));
  assert.ok(dynamicEquals([one, { a: realToDynamic(2) }], [1, { a: 2 }]));
  assert.ok(!dynamicEquals(one, 2));
  assert.equal(compareDynamic(one, 1), 0);
  assert.equal(compareDynamic(realToDynamic(2), 1.5), 1);
  assert.equal(compareDynamic(one, 'a'), -1);
  assert.equal(canonicalDynamicText([one]), canonicalDynamicText([1]));
  assert.equal(keyOf('dynamic', one), keyOf('dynamic', 1));
  assert.deepEqual(cells('print a = dynamic(1.0) == 1, b = dynamic(1.0) == dynamic(1), c = 1 in (dynamic([1.0, 2.0])), d = dynamic(2.0) > 1.5'), [['true', 'true', 'true', 'true']]);
  assert.deepEqual(cells('print a = set_has_element(dynamic([1.0]), 1), b = array_index_of(dynamic([3, 2.0]), 2), c = array_sum(dynamic([1.0, 2]))'), [['true', '1', '3']]);
  assert.deepEqual(cells('datatable(d:dynamic) [dynamic(1), dynamic(1.0), dynamic(2.0)] | summarize s = make_set(d)'), [['[1,2.0]']]);
});

test('gettype and tostring (gettype docs: int for parse_json("1"), real for a real)', () => {
  assert.deepEqual(
    cells("print a = gettype(dynamic(1.0)), b = gettype(parse_json('[1.0]')[0]), c = gettype(dynamic(1)), d = gettype(parse_json('2e3')), e = gettype(todynamic(2.0))"),
    [['real', 'real', 'int', 'real', 'real']],
  );
  assert.deepEqual(cells('print a = tostring(dynamic([1.0, 2.5])), b = tostring(dynamic([1, 2.5])), c = tostring(pack("x", 3.0, "y", 3))'), [['[1.0,2.5]', '[1,2.5]', '{"x":3.0,"y":3}']]);
  assert.deepEqual(cells('print x = pack_array(1.0, 2, real(null), 4.5), y = range(1.0, 3, 1), z = range(1, 3, 1)'), [['[1.0,2,null,4.5]', '[1.0,2.0,3.0]', '[1,2,3]']]);
});

test('converters and numeric functions read a whole real as its number', () => {
  assert.deepEqual(
    cells('print a = toint(dynamic(2.0)), b = tolong(dynamic(2.0)), c = todouble(dynamic(2.0)), d = tobool(dynamic(0.0)), e = sqrt(dynamic(4.0)), f = tostring(toreal(dynamic(2.0)))'),
    [['2', '2', '2', 'false', '2', '2']],
  );
  assert.deepEqual(cells('print x = dynamic([10.0, 20]) | mv-expand a = x to typeof(long)'), [['[10.0,20]', '10'], ['[10.0,20]', '20']]);
  assert.deepEqual(cells('print x = dynamic([10.0, 20]) | mv-expand x'), [['10.0'], ['20']]);
  assert.deepEqual(cells('print d = dynamic({"a": 1.0, "b": 2, "c": 2.5}) | evaluate bag_unpack(d) | extend ta = gettype(a), tb = gettype(b), tc = gettype(c)'), [['1', '2', '2.5', 'real', 'long', 'real']]);
});

test('series_fill_linear: doubles interpolate as doubles, longs truncate (series_fill_linear docs)', () => {
  const rows = cells(`datatable(arr: dynamic) [
    dynamic([null, 111.0, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null]),
    dynamic([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]),
    dynamic([null, null, null, null])
  ] | project f = series_fill_linear(arr), c = series_fill_linear(arr, double(null), true, 3.14159)`);
  assert.equal(rows[0]![0], '[111.0,111.0,73.5,36.0,41.0,32.666666666666664,24.333333333333332,16.0,61.0,33.0,33.0,33.0]');
  assert.equal(rows[1]![0], '[111,111,73,36,41,32,24,16,61,33,33,33]');
  assert.equal(rows[2]![0], '[0.0,0.0,0.0,0.0]');
  assert.equal(rows[2]![1], '[3.14159,3.14159,3.14159,3.14159]');
  // series_fill_const docs: a real constant is a real, a long constant a long.
  assert.deepEqual(cells('print a = series_fill_const(dynamic([1, null]), 0.0), b = series_fill_const(dynamic([1, null]), -1)'), [['[1,0.0]', '[1,-1]']]);
});

test('series results are typed as the docs print them', () => {
  assert.deepEqual(cells('print a = series_add(dynamic([1, 2]), dynamic([3, 4])), b = series_add(dynamic([1, 2]), 1.0), c = series_divide(dynamic([4, 2]), dynamic([2, 2]))'), [['[4,6]', '[2.0,3.0]', '[2.0,1.0]']]);
  assert.deepEqual(cells('print a = series_ceiling(dynamic([-1.5, 1, 2.5])), b = series_abs(dynamic([-6.5, 0, 8.2])), c = series_sign(dynamic([-6, 0, 8])), d = series_sign(dynamic([-6.0]))'), [['[-1.0,1.0,3.0]', '[6.5,0,8.2]', '[-1,0,1]', '[-1.0]']]);
  assert.equal(cell('print s = series_stats_dynamic(dynamic([2, 4]))'), '{"min":2.0,"min_idx":0,"max":4.0,"max_idx":1,"avg":3.0,"stdev":1.4142135623730951,"variance":2.0,"sum":6.0,"len":2}');
  assert.equal(cell("print x = series_iir(range(1.0, 3, 1), dynamic([1]), dynamic([1, -1]))"), '[1.0,3.0,6.0]');
  // Flags are longs; scores and the baseline are reals, whole or not.
  const [flags, scores, baseline] = cells('print y = repeat(2, 12) | project (flag, score, baseline) = series_decompose_anomalies(y, 1.5, 0)')[0]!;
  assert.equal(flags, `[${Array(12).fill('0').join(',')}]`);
  assert.equal(scores, `[${Array(12).fill('0.0').join(',')}]`);
  assert.equal(baseline, `[${Array(12).fill('2.0').join(',')}]`);
  assert.equal(cell('print p = series_periods_validate(dynamic([1, 2, 1, 2, 1, 2, 1, 2]), 2)'), '[2.0]');
});

test('make-series arrays follow the aggregate: avg and its default 0 are reals, count a long (make-series docs)', () => {
  const rows = cells(`datatable(t: long, v: long) [1, 4, 1, 6, 3, 8]
    | make-series a = avg(v), c = count(), s = sum(v), m = max(v) default = 0.0 on t from 1 to 5 step 1`);
  // max() of longs stays long; the explicit default 0.0 keeps its own type.
  assert.deepEqual(rows, [['[5.0,0.0,8.0,0.0]', '[2,0,1,0]', '[10,0,8,0]', '[6,0.0,8,0.0]', '[1,2,3,4]']]);
  assert.deepEqual(cells('datatable(t: real, v: real) [1, 2.0] | make-series a = sum(v) on t from 1 to 2 step 1'), [['[2.0]', '[1.0]']]);
});

test('a dynamic column keeps whole reals through the store and through data-file cells', () => {
  const col = new DynamicColumn([[realToDynamic(1), 2, 0.5], realToDynamic(3), { a: realToDynamic(-7) }, 'x', null, [Number.NaN]]);
  const back = decodeColumn(encodeColumn(col)) as DynamicColumn;
  assert.equal(back.values.map((v) => formatDynamic(v)).join(' '), '[1.0,2,0.5] 3.0 {"a":-7.0} "x" null [null]');
  const plain = decodeColumn(encodeColumn(new DynamicColumn([[1, 2.5], { b: 'c' }]))) as DynamicColumn;
  assert.deepEqual(plain.values, [[1, 2.5], { b: 'c' }]);
  assert.equal(formatDynamic(cellToDynamic('{"duration": 118.0, "count": 5}')), '{"duration":118.0,"count":5}');
  assert.equal(cellToDynamic('{not json'), '{not json');
  assert.ok(WholeReal.of(5) === realToDynamic(5), 'small whole reals are shared');
});

test('dcount and count_distinct count 1.0 and 1 once, as ADX equality has it', () => {
  assert.deepEqual(
    cells('datatable(d:dynamic) [dynamic(1), dynamic(1.0), dynamic(2.0), dynamic([1.0]), dynamic([1])] | summarize dcount(d), count_distinct(d)'),
    [['3', '3']],
  );
});
