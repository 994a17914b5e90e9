import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareNullable, compareValues, keyOf, valuesEqual } from '../../src/kql/values/compare.js';
import { parseGuid } from '../../src/kql/values/guid.js';

test('per-type ordering', () => {
  assert.ok(compareValues('bool', false, true) < 0);
  assert.ok(compareValues('real', NaN, -Infinity) < 0, 'NaN sorts first, as .NET');
  assert.equal(compareValues('real', NaN, NaN), 0);
  assert.ok(compareValues('long', 2, 10) < 0);
  assert.ok(compareValues('string', 'B', 'a') < 0, 'ordinal, case-sensitive');
  assert.ok(compareValues('datetime', 1n, 2n) < 0);
  assert.ok(compareValues('dynamic', [1, 2], [1, 3]) < 0);
});

test('guid order matches .NET Guid.CompareTo (field-wise unsigned)', () => {
  const a = parseGuid('00000001-0000-0000-0000-000000000000')!;
  const b = parseGuid('ffffffff-0000-0000-0000-000000000000')!;
  assert.ok(compareValues('guid', a, b) < 0);
});

test('nulls go where the caller says', () => {
  assert.ok(compareNullable('long', null, 1, true) < 0);
  assert.ok(compareNullable('long', null, 1, false) > 0);
  assert.equal(compareNullable('long', null, null, true), 0);
  assert.ok(compareNullable('string', '', 'a', false) < 0, 'strings are never null');
});

test('keys: equal values give equal keys across numeric types', () => {
  assert.equal(keyOf('int', 1), keyOf('long', 1));
  assert.equal(keyOf('long', 1), keyOf('real', 1.0));
  assert.equal(keyOf('real', -0), keyOf('real', 0));
  assert.equal(keyOf('real', NaN), keyOf('real', NaN));
  assert.notEqual(keyOf('string', '1'), keyOf('long', 1));
  assert.equal(keyOf('dynamic', { a: 1, b: 2 }), keyOf('dynamic', { b: 2, a: 1 }));
  assert.equal(keyOf('datetime', 5n), keyOf('datetime', 5n));
  assert.ok(!valuesEqual('real', NaN, NaN));
  assert.ok(valuesEqual('dynamic', [1], [1]));
});

test('property: compareValues is antisymmetric and consistent with keys for longs and strings', () => {
  fc.assert(fc.property(fc.integer(), fc.integer(), (a, b) => {
    assert.equal(Math.sign(compareValues('long', a, b)) + Math.sign(compareValues('long', b, a)), 0);
    assert.equal(compareValues('long', a, b) === 0, keyOf('long', a) === keyOf('long', b));
  }));
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
    assert.equal(compareValues('string', a, b) === 0, keyOf('string', a) === keyOf('string', b));
  }));
});
