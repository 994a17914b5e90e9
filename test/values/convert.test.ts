import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  binTicks, checkedLong, convertTo, intDivide, intModulo, parseLongString, parseRealString, realModulo, toBool, toDatetime,
  toDecimal, toDynamic, toGuid, toInt, toLong, toReal, toStringValue, toTimespan,
} from '../../src/kql/values/convert.js';
import { KqlError, NotSupportedError } from '../../src/kql/types.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';

test('tolong / toint: strings, truncation, nulls', () => {
  assert.equal(toLong('string', 'x'), null);
  assert.equal(toLong('string', '12'), 12);
  assert.equal(toLong('string', ' -12 '), -12);
  assert.equal(toLong('string', ''), null);
  assert.equal(toLong('real', 2.9), 2);
  assert.equal(toLong('real', -2.9), -2);
  assert.equal(toInt('real', 2.9), 2);
  assert.equal(toInt('real', 2.3), 2); // toint docs example
  assert.equal(toInt('string', '123'), 123); // toint docs example
  assert.equal(toLong('real', NaN), null);
  assert.equal(toLong('real', Infinity), null);
  assert.equal(toLong('bool', true), 1);
  assert.equal(toLong('long', null), null);
  assert.equal(toLong('dynamic', 12), 12);
  assert.equal(toLong('dynamic', '34'), 34);
  assert.equal(toLong('dynamic', [1]), null);
  assert.equal(toLong('timespan', 10_000_000n), 10_000_000);
  assert.equal(toLong('string', '99999999999999999999'), null, 'beyond the long range');
  assert.equal(toInt('long', 2 ** 31), -(2 ** 31), 'wraps like an unchecked C# cast');
  assert.equal(toInt('string', '4294967297'), 1);
});

test('longs beyond ±2^53 are refused, not rounded', () => {
  assert.throws(() => toLong('string', '9007199254740993'), KqlError);
  assert.throws(() => toLong('datetime', parseDatetimeLiteral('2020-01-01')), /exceeds ±2\^53/);
  assert.throws(() => toLong('real', 1e17), KqlError);
  assert.equal(parseLongString('9007199254740992'), 2 ** 53);
  assert.throws(() => checkedLong(2 ** 53 + 2), KqlError);
});

test('toreal / todouble / todecimal', () => {
  assert.equal(toReal('string', '1e3'), 1000);
  assert.equal(toReal('string', ' 1.5 '), 1.5);
  assert.ok(Number.isNaN(toReal('string', 'NaN')!));
  assert.equal(toReal('string', '-Infinity'), -Infinity);
  assert.equal(toReal('string', 'abc'), null);
  assert.equal(toReal('string', '1,5'), null);
  assert.equal(toReal('long', 3), 3);
  assert.equal(parseRealString('.5'), 0.5);
  assert.equal(toDecimal('string', '12.25'), 12.25);
  assert.equal(toDecimal('real', Infinity), null);
});

test('tobool', () => {
  assert.equal(toBool('string', 'true'), true);
  assert.equal(toBool('string', 'TRUE'), true);
  assert.equal(toBool('string', 'false'), false);
  assert.equal(toBool('string', '1'), true);
  assert.equal(toBool('string', '0'), false);
  assert.equal(toBool('string', 'yes'), null);
  assert.equal(toBool('long', 123), true);
  assert.equal(toBool('long', 0), false);
  assert.equal(toBool('dynamic', true), true);
  assert.equal(toBool('datetime', 0n), null);
});

test('tostring of every type', () => {
  assert.equal(toStringValue('long', 12), '12');
  assert.equal(toStringValue('real', 1e20), '1E+20');
  assert.equal(toStringValue('real', 1.0), '1');
  assert.equal(toStringValue('bool', false), 'false');
  assert.equal(toStringValue('datetime', parseDatetimeLiteral('2020-01-01 10:00')), '2020-01-01T10:00:00.0000000Z');
  assert.equal(toStringValue('timespan', -15n), '-00:00:00.0000015');
  assert.equal(toStringValue('dynamic', { a: 1 }), '{"a":1}');
  assert.equal(toStringValue('dynamic', 'text'), 'text');
  assert.equal(toStringValue('guid', '00000000-0000-0000-0000-000000000000'), '00000000-0000-0000-0000-000000000000');
  assert.equal(toStringValue('long', null), '');
});

test('todatetime, totimespan, toguid, todynamic', () => {
  assert.equal(toDatetime('string', '2015-12-31 23:59:59.9'), parseDatetimeLiteral('2015-12-31 23:59:59.9'));
  assert.equal(toDatetime('string', '12-02-2022'), parseDatetimeLiteral('12-02-2022'));
  assert.equal(toDatetime('string', 'nope'), null);
  assert.equal(toDatetime('dynamic', '2015-01-01'), parseDatetimeLiteral('2015-01-01'));
  assert.equal(toDatetime('dynamic', 5), null);
  assert.throws(() => toDatetime('long', 5), NotSupportedError);
  assert.equal(toTimespan('string', '0.00:01:00'), 600_000_000n);
  assert.equal(toTimespan('string', 'x'), null);
  assert.throws(() => toTimespan('real', 1.5), NotSupportedError);
  assert.equal(toGuid('string', '{12345678-1234-1234-1234-123456789ABC}'), '12345678-1234-1234-1234-123456789abc');
  assert.equal(toGuid('string', '123456781234123412341234567890ab'), '12345678-1234-1234-1234-1234567890ab');
  assert.equal(toGuid('string', 'not-a-guid'), null);
  // The toguid docs: hyphens anywhere are skipped, and text after the 32 hex digits is ignored.
  assert.equal(toGuid('string', '0123456789ab-cdef-0123-456789abcdef'), '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(toGuid('string', '0123456789abcdef0123456789abcdefXYZ'), '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(toGuid('string', 'a string that is not a guid'), null);
  assert.equal(toGuid('string', '0123456789abcdef0123456789abcde'), null);
  assert.deepEqual(toDynamic('string', '{"a":[1]}'), { a: [1] });
  assert.equal(toDynamic('string', 'plain'), 'plain');
  assert.equal(toDynamic('datetime', parseDatetimeLiteral('2020-01-01')), '2020-01-01T00:00:00.0000000Z');
  assert.equal(convertTo('long', 'string', '7'), 7);
});

test('integer division truncates toward zero; by zero is null', () => {
  assert.equal(intDivide(7, 2), 3);
  assert.equal(intDivide(-7, 2), -3);
  assert.equal(intDivide(7, -2), -3);
  assert.equal(intDivide(1, 2), 0);
  assert.equal(intDivide(5, 0), null);
});

test('modulo follows the numerical-operators docs (0 <= N % D < abs(D))', () => {
  assert.equal(intModulo(14, 12), 2);
  assert.equal(intModulo(-14, 12), 10);
  assert.equal(intModulo(14, -12), 2);
  assert.equal(intModulo(-14, -12), 10);
  assert.equal(intModulo(5, 0), null);
  assert.equal(realModulo(-1.5, 1), 0.5);
  fc.assert(fc.property(fc.integer(), fc.integer().filter((d) => d !== 0), (n, d) => {
    const r = intModulo(n, d)!;
    assert.ok(r >= 0 && r < Math.abs(d));
    assert.ok((n - r) % d === 0);
  }));
});

test('binTicks rounds down to the bin, negative values included', () => {
  const h = 36_000_000_000n;
  assert.equal(binTicks(5n * h + 7n, h), 5n * h);
  assert.equal(binTicks(-1n, h), -h);
  assert.equal(binTicks(-h, h), -h);
  assert.equal(binTicks(10n, 0n), null);
  assert.equal(binTicks(25n, 10n, 3n), 23n);
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (v, size) => {
    const b = binTicks(v, size)!;
    assert.ok(b <= v && v - b < size && b % size === 0n);
  }));
});
