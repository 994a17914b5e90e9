import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mathFunctions } from '../../src/kql/functions/scalar/math.js';
import { KqlError } from '../../src/kql/types.js';
import { makeCaller, typed } from './scalar-call.js';
import { dayNumberFromDate } from '../../src/kql/values/datetime.js';

const { call, returnType, def } = makeCaller(mathFunctions);
const t = (type: string) => ({ type }) as never;
const close = (actual: unknown, expected: number, eps = 1e-9) =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= eps * Math.max(1, Math.abs(expected)), `${actual} ≈ ${expected}`);

test('return types match Kusto.Language', () => {
  assert.equal(returnType('abs', t('int')), 'long');
  assert.equal(returnType('abs', t('real')), 'real');
  assert.equal(returnType('abs', t('timespan')), 'timespan');
  assert.equal(returnType('round', t('int')), 'int');
  assert.equal(returnType('round', t('long')), 'long');
  assert.equal(returnType('ceiling', t('decimal')), 'decimal');
  assert.equal(returnType('bin', t('int'), t('int')), 'long');
  assert.equal(returnType('bin', t('long'), t('real')), 'real');
  assert.equal(returnType('bin', t('timespan'), t('timespan')), 'timespan');
  assert.equal(returnType('bin', t('datetime'), t('timespan')), 'datetime');
  assert.match(returnType('bin', t('datetime'), t('long')), /^error:/);
  assert.match(returnType('bin', t('real'), t('timespan')), /^error:/);
  assert.equal(returnType('bin_at', t('long'), t('long'), t('long')), 'long');
  assert.equal(returnType('bin_at', t('datetime'), t('timespan'), t('datetime')), 'datetime');
  assert.equal(returnType('sign', t('int')), 'real');
  assert.equal(returnType('binary_and', t('int'), t('int')), 'long');
  assert.equal(def('rand').deterministic, false);
});

test('round (docs examples) rounds half away from zero', () => {
  assert.equal(call('round', 2.98765, 3), 2.988);
  assert.equal(call('round', 2.15, 1), 2.2);
  assert.equal(call('round', 2.15), 2);
  assert.equal(call('round', -50.55, -2), -100);
  assert.equal(call('round', 21.5, -1), 20);
  assert.equal(call('round', 2.5), 3);
  assert.equal(call('round', -2.5), -3);
  assert.equal(call('round', 1234, -2), 1200);
  assert.equal(call('round', typed(null, 'real')), null);
});

test('bin / floor / bin_at (docs examples)', () => {
  assert.equal(call('bin', 4.5, 1), 4);
  assert.equal(call('bin', typed(16n * 864_000_000_000n, 'timespan'), typed(7n * 864_000_000_000n, 'timespan')), 14n * 864_000_000_000n);
  // datetime(1970-05-11 13:45:07) binned by 1d
  const day = 864_000_000_000n;
  const epoch = 621_355_968_000_000_000n;
  const value = epoch + 130n * day + (13n * 3600n + 45n * 60n + 7n) * 10_000_000n;
  assert.equal(call('bin', typed(value, 'datetime'), typed(day, 'timespan')), epoch + 130n * day);
  assert.equal(call('floor', -1, 10), -10);
  assert.equal(call('bin', 7, 0), null);
  assert.equal(call('bin', 7, -1), null);
  assert.equal(call('bin', typed(null, 'long'), 1), null);
  assert.equal(call('bin_at', 6.5, 2.5, 7), 4.5);
  assert.equal(call('bin_at', typed(36_000_000_000n, 'timespan'), typed(day, 'timespan'), typed(12n * 36_000_000_000n, 'timespan')), -12n * 36_000_000_000n);
  const date = (y: number, m: number, d: number) => BigInt(dayNumberFromDate(y, m, d)) * day;
  const hour = 36_000_000_000n;
  const may15 = date(2017, 5, 15) + 10n * hour + 20n * 600_000_000n;
  const noon1970 = epoch + 12n * hour;
  assert.equal(call('bin_at', typed(may15, 'datetime'), typed(day, 'timespan'), typed(noon1970, 'datetime')), date(2017, 5, 14) + 12n * hour);
  const may17 = date(2017, 5, 17) + 10n * hour + 20n * 600_000_000n;
  assert.equal(call('bin_at', typed(may17, 'datetime'), typed(7n * day, 'timespan'), typed(date(2017, 6, 4), 'datetime')), date(2017, 5, 14));
});

test('bin is exact for longs and datetimes', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 3_155_378_975_999_999_999n }), fc.bigInt({ min: 1n, max: 100n * 864_000_000_000n }), (ticks, size) => {
      const r = call('bin', typed(ticks, 'datetime'), typed(size, 'timespan')) as bigint;
      assert.ok(r <= ticks && ticks - r < size && r % size === 0n);
      return true;
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (v, size) => {
      const r = call('bin', v, size) as number;
      assert.ok(Number.isInteger(r) && r <= v && v - r < size && (r / size) % 1 === 0);
      return true;
    }),
  );
});

test('elementary functions and null/NaN handling', () => {
  close(call('log', 5), 1.6094379124341003);
  assert.equal(call('log', -1), null);
  assert.equal(call('sqrt', -1), null);
  assert.equal(call('sqrt', 4), 2);
  assert.equal(call('log10', 100), 2);
  assert.equal(call('log2', 8), 3);
  assert.equal(call('exp2', 3), 8);
  assert.equal(call('exp10', 2), 100);
  assert.equal(call('pow', 2, 10), 1024);
  assert.equal(call('abs', -5), 5);
  assert.equal(call('abs', typed(-5n, 'timespan')), 5n);
  assert.equal(call('sign', -3), -1);
  assert.equal(call('sign', 0), 0);
  close(call('degrees', Math.PI), 180);
  close(call('radians', 180), Math.PI);
  close(call('cot', 1), 1 / Math.tan(1));
  assert.equal(call('ceiling', 1.2), 2);
  assert.equal(call('ceiling', -1.2), -1);
  assert.equal(call('isnan', NaN), true);
  assert.equal(call('isinf', -Infinity), true);
  assert.equal(call('isfinite', 1), true);
  assert.equal(call('isfinite', typed(null, 'real')), null);
  assert.equal(call('sin', typed(null, 'real')), null);
  assert.equal(call('pi'), Math.PI);
});

test('special functions', () => {
  assert.equal(call('gamma', 5), 24);
  close(call('gamma', 0.5), Math.sqrt(Math.PI));
  close(call('loggamma', 10), Math.log(362880));
  close(call('erf', 0.5), 0.5204998778130465, 1e-14);
  close(call('erf', 3), 0.9999779095030014, 1e-14);
  close(call('erfc', 3), 2.209049699858544e-5, 1e-12);
  close(call('beta_cdf', 0.9, 10, 20), 0.999999999999959, 1e-12);
  assert.ok(Number.isNaN(call('beta_cdf', 1.5, 10, 20) as number));
  assert.ok(Number.isNaN(call('beta_cdf', 0.1, -1, 20) as number));
  close(call('beta_inv', call('beta_cdf', 0.3, 2, 5) as number, 2, 5), 0.3, 1e-9);
  close(call('beta_pdf', 0.5, 2, 2), 1.5);
  // docs: Welch test of the Wikipedia samples gives pValue = 0.021
  const s1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const s2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  const stats = (s: number[]) => {
    const m = s.reduce((a, b) => a + b) / s.length;
    return [m, s.reduce((a, b) => a + (b - m) ** 2, 0) / (s.length - 1), s.length] as const;
  };
  const pValue = call('welch_test', ...stats(s1), ...stats(s2)) as number;
  assert.equal(Math.round(pValue * 1000) / 1000, 0.021);
});

test('bitwise functions (docs examples) and the exact-long rule', () => {
  assert.equal(call('binary_and', 1, 2), 0);
  assert.equal(call('binary_or', 1, 2), 3);
  assert.equal(call('binary_xor', 3, 5), 6);
  assert.equal(call('binary_not', 100), -101);
  assert.equal(call('binary_shift_left', 1, 2), 4);
  assert.equal(call('binary_shift_right', 16, 2), 4);
  assert.equal(call('binary_shift_left', 1, 66), 4, 'shift is taken modulo 64');
  assert.equal(call('binary_shift_left', 1, -1), null);
  assert.equal(call('bitset_count_ones', 42), 3);
  assert.equal(call('bitset_count_ones', -1), 64);
  assert.throws(() => call('binary_shift_left', 1, 60), KqlError);
});

test('around and rand', () => {
  assert.equal(call('around', 1.5, 1, 0.5), true);
  assert.equal(call('around', 1.5, 1, 0.1), false);
  assert.equal(call('around', typed(100n, 'datetime'), typed(90n, 'datetime'), typed(10n, 'timespan')), true);
  const r = call('rand') as number;
  assert.ok(r >= 0 && r < 1);
  const n = call('rand', 10) as number;
  assert.ok(Number.isInteger(n) && n >= 0 && n < 10);
});
