import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversionFunctions } from '../../src/kql/functions/scalar/conversion.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import { makeCaller, typed } from './scalar-call.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';
import { parseJson } from '../../src/kql/values/dynamic.js';

const { call, returnType } = makeCaller(conversionFunctions);
const dt = (s: string) => typed(parseDatetimeLiteral(s), 'datetime');

test('the group registers without name clashes', () => {
  const r = builtinFunctions();
  for (const n of ['tobool', 'toboolean', 'toint', 'tolong', 'toreal', 'todouble', 'todecimal', 'tostring', 'todatetime',
    'totimespan', 'totime', 'toguid', 'todynamic', 'toobject', 'parse_json', 'parsejson', 'gettype', 'isnull', 'isnotnull',
    'notnull', 'isempty', 'isnotempty', 'notempty', 'tohex']) {
    assert.ok(r.scalar(n)?.impl, n);
  }
});

test('gettype examples from the docs', () => {
  assert.equal(call('gettype', 'a'), 'string');
  assert.equal(call('gettype', 111), 'long');
  assert.equal(call('gettype', true), 'bool');
  assert.equal(call('gettype', dt('2020-01-01')), 'datetime');
  assert.equal(call('gettype', typed(10_000_000n, 'timespan')), 'timespan');
  assert.equal(call('gettype', typed(parseJson('1'), 'dynamic')), 'int');
  assert.equal(call('gettype', typed(parseJson(' "abc" '), 'dynamic')), 'string');
  assert.equal(call('gettype', typed(parseJson(' {"abc":1} '), 'dynamic')), 'dictionary');
  assert.equal(call('gettype', typed(parseJson(' [1, 2, 3] '), 'dynamic')), 'array');
  assert.equal(call('gettype', 123.45), 'real');
  assert.equal(call('gettype', typed('12e8b78d-55b4-46ae-b068-26d7a0080254', 'guid')), 'guid');
  assert.equal(call('gettype', typed(parseJson(''), 'dynamic')), 'null');
});

test('isempty examples from the docs', () => {
  assert.equal(call('isempty', ''), true);
  assert.equal(call('isempty', 'x'), false);
  assert.equal(call('isempty', typed(parseJson(''), 'dynamic')), true);
  assert.equal(call('isempty', typed(parseJson('[]'), 'dynamic')), false);
  assert.equal(call('isempty', typed(parseJson('{}'), 'dynamic')), false);
  assert.equal(call('isnotempty', 'x'), true);
  assert.equal(call('isempty', typed(null, 'long')), true);
});

test('isnull: strings are never null', () => {
  assert.equal(call('isnull', ''), false);
  assert.equal(call('isnull', typed(null, 'long')), true);
  assert.equal(call('isnull', typed(null, 'dynamic')), true);
  assert.equal(call('isnotnull', 5), true);
  assert.equal(call('isnotnull', typed(null, 'datetime')), false);
});

test('to* functions dispatch on the argument type', () => {
  assert.equal(call('toint', '123'), 123);
  assert.equal(call('toint', 2.3), 2);
  assert.equal(call('tolong', 'x'), null);
  assert.equal(call('tostring', dt('2020-01-01')), '2020-01-01T00:00:00.0000000Z');
  assert.equal(call('tostring', typed(36_000_000_000n, 'timespan')), '01:00:00');
  assert.equal(call('tostring', typed(1, 'real')), '1');
  assert.equal(call('todatetime', '2015-12-31 23:59:59.9'), parseDatetimeLiteral('2015-12-31 23:59:59.9'));
  // todatetime('12-02-2022') == datetime('12-02-2022') is a docs example.
  assert.equal(call('todatetime', '12-02-2022'), parseDatetimeLiteral("'12-02-2022'"));
  assert.equal(call('totimespan', '0.00:01:00'), 600_000_000n);
  // A time of day alone is that time on the query's day (the test call site's now is 0001-01-01).
  assert.equal(call('todatetime', '19:01:00.7654321'), parseDatetimeLiteral('0001-01-01 19:01:00.7654321'));
  assert.equal(call('toguid', '12E8B78D-55B4-46AE-B068-26D7A0080254'), '12e8b78d-55b4-46ae-b068-26d7a0080254');
  assert.deepEqual(call('parse_json', '{"a":1}'), { a: 1 });
  assert.deepEqual(call('todynamic', typed({ a: 1 }, 'dynamic')), { a: 1 });
  assert.equal(call('tobool', 'true'), true);
  assert.equal(call('toreal', '1e3'), 1000);
  assert.equal(returnType('toint', { type: 'string' }), 'int');
  assert.equal(returnType('parse_json', { type: 'string' }), 'dynamic');
});

test('tohex', () => {
  assert.equal(call('tohex', 256), '100');
  assert.equal(call('tohex', -256), 'ffffffffffffff00');
  assert.equal(call('tohex', typed(-256, 'int')), 'ffffff00');
  assert.equal(call('tohex', 256, 8), '00000100');
  assert.equal(call('tohex', typed(null, 'long')), '');
  assert.match(returnType('tohex', { type: 'string' }), /^error:/);
});
