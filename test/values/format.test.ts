import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDecimal, formatReal, formatScalar, toJsonValue } from '../../src/kql/values/format.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';

test('reals print as .NET Core double.ToString()', () => {
  const cases: [number, string][] = [
    [1.5, '1.5'], [0, '0'], [-0, '-0'], [1, '1'], [-60, '-60'], [0.1 + 0.2, '0.30000000000000004'],
    [1e14, '100000000000000'], [1e15, '1E+15'], [1e20, '1E+20'], [123456789012345, '123456789012345'],
    [1234567890123456, '1234567890123456'], [12345678901234567, '12345678901234568'], [9223372036854775807, '9.223372036854776E+18'],
    [0.0001, '0.0001'], [0.00001, '1E-05'], [0.000123, '0.000123'], [-2.5e-7, '-2.5E-07'],
    [1.7976931348623157e308, '1.7976931348623157E+308'], [5e-324, '5E-324'], [1 / 3, '0.3333333333333333'],
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [2.5e100, '2.5E+100'],
  ];
  for (const [x, s] of cases) assert.equal(formatReal(x), s, String(x));
});

test('property: formatReal round-trips through Number()', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
    const s = formatReal(x);
    assert.ok(Object.is(Number(s), x), `${x} -> ${s}`);
  }), { numRuns: 3000 });
});

test('decimals print without exponent', () => {
  assert.equal(formatDecimal(1e20), '100000000000000000000');
  assert.equal(formatDecimal(1.5e-7), '0.00000015');
  assert.equal(formatDecimal(-12.25), '-12.25');
});

test('formatScalar per type', () => {
  assert.equal(formatScalar('long', null), '');
  assert.equal(formatScalar('string', ''), '');
  assert.equal(formatScalar('bool', true), 'true');
  assert.equal(formatScalar('int', -0), '0');
  assert.equal(formatScalar('long', 42), '42');
  assert.equal(formatScalar('real', 1e20), '1E+20');
  assert.equal(formatScalar('datetime', parseDatetimeLiteral('2020-01-01')), '2020-01-01T00:00:00.0000000Z');
  assert.equal(formatScalar('timespan', 36_000_000_000n), '01:00:00');
  assert.equal(formatScalar('guid', '12345678-1234-1234-1234-123456789abc'), '12345678-1234-1234-1234-123456789abc');
  assert.equal(formatScalar('dynamic', { a: [1, 'x'] }), '{"a":[1,"x"]}');
  assert.equal(formatScalar('dynamic', 'raw text'), 'raw text');
  assert.equal(formatScalar('dynamic', null), '');
});

test('toJsonValue: the CLI JSON contract', () => {
  assert.equal(toJsonValue('long', null), null);
  assert.equal(toJsonValue('datetime', null), null);
  assert.equal(toJsonValue('string', ''), '');
  assert.equal(toJsonValue('bool', false), false);
  assert.equal(toJsonValue('real', NaN), 'NaN');
  assert.equal(toJsonValue('real', Infinity), 'Infinity');
  assert.equal(toJsonValue('real', -Infinity), '-Infinity');
  assert.equal(toJsonValue('real', 2.5), 2.5);
  assert.equal(toJsonValue('datetime', parseDatetimeLiteral('2020-01-01 10:00:00.25')), '2020-01-01T10:00:00.25Z');
  assert.equal(toJsonValue('datetime', parseDatetimeLiteral('2020-01-01')), '2020-01-01T00:00:00Z');
  assert.equal(toJsonValue('timespan', -36_000_000_000n), '-01:00:00');
  assert.deepEqual(toJsonValue('dynamic', { a: [1, NaN], b: null }), { a: [1, 'NaN'], b: null });
  assert.equal(toJsonValue('guid', '12345678-1234-1234-1234-123456789abc'), '12345678-1234-1234-1234-123456789abc');
});
