// series_* functions: the Kusto docs examples as golden tests, plus null handling and edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seriesFunctions } from '../../src/kql/functions/scalar/series.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import { KqlError, NotSupportedError, type Scalar } from '../../src/kql/types.js';
import { makeCaller } from './scalar-call.js';
import { selectPercentile } from '../../src/kql/functions/series/stats.js';

const { call, def } = makeCaller(seriesFunctions);

const close = (actual: unknown, expected: number, eps = 1e-9) =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= eps * Math.max(1, Math.abs(expected)), `${String(actual)} ≈ ${expected}`);
const closeAll = (actual: unknown, expected: readonly (number | null)[], eps = 1e-9) => {
  assert.ok(Array.isArray(actual), `expected an array, got ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `length of ${JSON.stringify(actual)}`);
  expected.forEach((e, i) => (e === null ? assert.equal(actual[i], null, `element ${i}`) : close(actual[i], e, eps)));
};
const tuple = (v: Scalar): Scalar[] => {
  assert.ok(Array.isArray(v), 'a tuple result is an array of values');
  return v as Scalar[];
};

test('every series function is registered in the built-in registry', () => {
  const registry = builtinFunctions();
  for (const d of seriesFunctions) assert.equal(registry.scalar(d.name), d, d.name);
});

test('element-wise arithmetic (docs examples) and null/length handling', () => {
  assert.deepEqual(call('series_add', [1, 2, 4], [4, 2, 1]), [5, 4, 5]);
  assert.deepEqual(call('series_multiply', [1, 2, 4], [4, 2, 1]), [4, 4, 4]);
  assert.deepEqual(call('series_multiply', [3, 6, 12], [12, 6, 3]), [36, 36, 36]);
  assert.deepEqual(call('series_subtract', [1, 2, 4], [4, 2, 1]), [-3, 0, 3]);
  assert.deepEqual(call('series_divide', [1, 2, 4], [4, 2, 1]), [0.25, 1, 4]);
  assert.deepEqual(call('series_divide', [2], [0]), [Infinity]);
  assert.deepEqual(call('series_pow', [1, 2, 4], [4, 2, 1]), [1, 4, 4]);
  // A scalar broadcasts; arrays of different lengths give null where an element is missing.
  assert.deepEqual(call('series_add', [1, 2, 3], 10), [11, 12, 13]);
  assert.deepEqual(call('series_subtract', 10, [1, 2, 3]), [9, 8, 7]);
  assert.deepEqual(call('series_add', [1, 2, 3], [1]), [2, null, null]);
  assert.deepEqual(call('series_add', [1, 'a', null, true], [1, 1, 1, 1]), [2, null, null, null]);
  assert.equal(call('series_add', 1, 2), null);
  assert.equal(call('series_add', [1], 'x'), null);
});

test('element-wise comparisons (docs examples)', () => {
  assert.deepEqual(call('series_greater', [1, 2, 4], [4, 2, 1]), [false, false, true]);
  assert.deepEqual(call('series_greater_equals', [1, 2, 4], [4, 2, 1]), [false, true, true]);
  assert.deepEqual(call('series_less', [1, 2, 4], [4, 2, 1]), [true, false, false]);
  assert.deepEqual(call('series_less_equals', [1, 2, 4], [4, 2, 1]), [true, true, false]);
  assert.deepEqual(call('series_equals', [1, 2, 4], [4, 2, 1]), [false, true, false]);
  assert.deepEqual(call('series_not_equals', [1, 2, 4], [4, 2, 1]), [true, false, true]);
  assert.deepEqual(call('series_greater', [1, null, 5], 2), [false, null, true]);
});

test('unary element-wise functions', () => {
  assert.deepEqual(call('series_abs', [-1, 2, -3.5, null]), [1, 2, 3.5, null]);
  assert.deepEqual(call('series_ceiling', [-1.5, 1.2]), [-1, 2]);
  assert.deepEqual(call('series_floor', [-1.5, 1.2]), [-2, 1]);
  assert.deepEqual(call('series_sign', [-7, 0, 3]), [-1, 0, 1]);
  closeAll(call('series_exp', [0, 1]), [1, Math.E]);
  closeAll(call('series_log', [1, Math.E]), [0, 1]);
  closeAll(call('series_sin', [0, Math.PI / 2]), [0, 1]);
  closeAll(call('series_cos', [0, Math.PI]), [1, -1]);
  closeAll(call('series_tan', [0]), [0]);
  closeAll(call('series_asin', [1]), [Math.PI / 2]);
  closeAll(call('series_acos', [1]), [0]);
  closeAll(call('series_atan', [1]), [Math.PI / 4]);
  assert.equal(call('series_abs', 'not an array'), null);
});

test('reductions and vector functions (docs examples)', () => {
  assert.equal(call('series_sum', [1, 2, 3, 4]), 10);
  assert.equal(call('series_product', [1, 2, 3, 4]), 24);
  close(call('series_magnitude', [1, 2, 3, 4]), 5.4772255750516612);
  assert.equal(call('series_sum', [1, null, 'x', 4]), 5);
  assert.equal(call('series_dot_product', [1, 2, 3], [1, 2, 3]), 14);
  assert.equal(call('series_dot_product', [1, 2, 3], 10), 60);
  assert.equal(call('series_dot_product', [1, 2, 3], [1, 2]), 5);
  assert.equal(call('series_dot_product', [], [1]), null);
  close(call('series_cosine_similarity', [0.1, 0.2, 0.1, 0.2], [0.11, 0.2, 0.11, 0.21]), 0.99935343825504, 1e-12);
  close(call('series_cosine_similarity', [0.1, 0.2, 0.1, 0.2], [1, 2, 3, 4]), 0.923760430703401, 1e-12);
  close(call('series_cosine_similarity', [1, 0], [1, 0], 2, 1), 0.5);
  assert.equal(call('series_pearson_correlation', [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), 1);
  close(call('series_pearson_correlation', [1, 2, 3], [3, 2, 1]), -1);
  assert.equal(call('series_pearson_correlation', [1, 2, 3], [1, 2]), null);
  assert.equal(call('series_pearson_correlation', [1, null, 3], [1, 2, 3]), null);
});

test('series_stats and series_stats_dynamic (docs example)', () => {
  const x = [23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29];
  const [min, minIdx, max, maxIdx, avg, stdev, variance] = tuple(call('series_stats', x));
  assert.deepEqual([min, minIdx, max, maxIdx], [2, 8, 87, 3]);
  close(avg, 32.8);
  close(stdev, 28.5036338535483, 1e-12);
  close(variance, 812.457142857143, 1e-12);
  const bag = call('series_stats_dynamic', x) as Record<string, number>;
  assert.deepEqual(Object.keys(bag), ['min', 'min_idx', 'max', 'max_idx', 'avg', 'stdev', 'variance', 'sum', 'len']);
  assert.equal(bag.sum, 492);
  assert.equal(bag.len, 15);
  // A non-finite element makes every statistic null unless ignore_nonfinite; indexes still count it.
  assert.deepEqual(call('series_stats', [1, null, 3]), [null, null, null, null, null, null, null]);
  assert.deepEqual(call('series_stats', [5, null, 3], true), [3, 2, 5, 0, 4, Math.SQRT2, 2]);
  assert.deepEqual(call('series_stats', [7], true), [7, 0, 7, 0, 7, 0, 0]);
  assert.deepEqual(call('series_stats', []), [null, null, null, null, null, null, null]);
  const d = def('series_stats');
  assert.deepEqual(d.tupleNamesFor!([{ type: 'dynamic', columnName: 'x' }]), [
    'series_stats_x_min', 'series_stats_x_min_idx', 'series_stats_x_max', 'series_stats_x_max_idx',
    'series_stats_x_avg', 'series_stats_x_stdev', 'series_stats_x_variance',
  ]);
  assert.deepEqual(d.tupleTypes, ['real', 'long', 'real', 'long', 'real', 'real', 'real']);
});

test('series_fill_forward/backward/const (docs examples)', () => {
  const arr = [111, null, 36, 41, null, null, 16, 61, 33, null, null];
  assert.deepEqual(call('series_fill_forward', arr), [111, 111, 36, 41, 41, 41, 16, 61, 33, 33, 33]);
  assert.deepEqual(call('series_fill_backward', arr), [111, 36, 36, 41, 16, 16, 16, 61, 33, null, null]);
  assert.deepEqual(call('series_fill_forward', [null, null, 3, null]), [null, null, 3, 3]);
  assert.deepEqual(call('series_fill_const', arr, 0), [111, 0, 36, 41, 0, 0, 16, 61, 33, 0, 0]);
  // A numeric placeholder marks missing values by value.
  assert.deepEqual(call('series_fill_const', [1, -1, 3], 9, -1), [1, 9, 3]);
  assert.deepEqual(call('series_fill_forward', [1, -1, -1, 4], -1), [1, 1, 1, 4]);
  assert.equal(call('series_fill_forward', 5), null);
});

test('series_fill_linear (docs example): edges, integer truncation, all-missing', () => {
  const doubles = [null, 111.5, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null];
  closeAll(call('series_fill_linear', doubles), [111.5, 111.5, 73.75, 36, 41, 32.666666666666664, 24.333333333333332, 16, 61, 33, 33, 33]);
  closeAll(call('series_fill_linear', doubles, null, false), [null, 111.5, 73.75, 36, 41, 32.666666666666664, 24.333333333333332, 16, 61, 33, null, null]);
  const longs = [null, 111, null, 36, 41, null, null, 16, 61, 33, null, null];
  assert.deepEqual(call('series_fill_linear', longs), [111, 111, 73, 36, 41, 32, 24, 16, 61, 33, 33, 33]);
  assert.deepEqual(call('series_fill_linear', longs, null, false), [null, 111, 73, 36, 41, 32, 24, 16, 61, 33, null, null]);
  assert.deepEqual(call('series_fill_linear', [null, null, null, null]), [0, 0, 0, 0]);
  assert.deepEqual(call('series_fill_linear', [null, null], null, true, 3.5), [3.5, 3.5]);
  assert.deepEqual(call('series_fill_linear', [null, null], null, true, null), [null, null]);
  assert.deepEqual(call('series_fill_linear', [1, 0, 0, 7], 0), [1, 3, 5, 7]);
});

test('series_fit_line (docs example)', () => {
  const [rsquare, slope, variance, rvariance, interception, lineFit] = tuple(call('series_fit_line', [2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]));
  close(rsquare, 0.982, 1e-3);
  close(slope, 2.730, 1e-3);
  close(variance, 98.628, 1e-4);
  close(rvariance, 1.686, 1e-3);
  close(interception, -1.666, 1e-3);
  const fit = lineFit as number[];
  close(fit[0], 1.064, 1e-3);
  close(fit[11], 31.102, 1e-3);
  const dyn = call('series_fit_line_dynamic', [2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(dyn), ['rsquare', 'slope', 'variance', 'rvariance', 'interception', 'line_fit']);
  close(dyn.slope, 2.730, 1e-3);
  // Too short: every output null, no crash. Missing elements are skipped but still fitted.
  assert.deepEqual(call('series_fit_line', [5]), [null, null, null, null, null, null]);
  const [, s2, , , i2, fit2] = tuple(call('series_fit_line', [1, null, 3]));
  close(s2, 1); close(i2, 0);
  closeAll(fit2, [1, 2, 3]);
  const [r2c] = tuple(call('series_fit_line', [4, 4, 4]));
  assert.equal(r2c, 1);
});

test('series_fit_line: property — an exact line is recovered', () => {
  fc.assert(fc.property(
    fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 2, max: 60 }),
    (a, b, n) => {
      const y = Array.from({ length: n }, (_, i) => a * (i + 1) + b);
      const [, slope, , rvariance, interception] = tuple(call('series_fit_line', y));
      close(slope, a, 1e-7);
      close(interception, b, 1e-6);
      assert.ok((rvariance as number) < 1e-6 * Math.max(1, a * a));
    },
  ));
});

test('series_fit_2lines: finds the break and fits both sides exactly', () => {
  const y = [1, 2, 3, 4, 5, 6, 10, 8, 6, 4, 2];
  const out = tuple(call('series_fit_2lines', y));
  assert.equal(out.length, 15);
  const [rsquare, splitIdx, , rvariance, lineFit, rRsq, rSlope, rInt, , , lRsq, lSlope, lInt] = out;
  assert.equal(splitIdx, 6);
  close(rsquare, 1); close(rvariance, 0);
  close(lSlope, 1); close(lInt, 0); close(lRsq, 1);
  close(rSlope, -2); close(rInt, 24); close(rRsq, 1);
  closeAll(lineFit, y);
  const docs = tuple(call('series_fit_2lines', [1, 2.2, 2.5, 4.7, 5.0, 12, 10.3, 10.3, 9, 8.3, 6.2]));
  assert.equal(docs[1], 5);
  const dyn = call('series_fit_2lines_dynamic', y) as Record<string, Record<string, number>>;
  assert.equal(dyn.split_idx, 6);
  close(dyn.left!.slope!, 1);
  close(dyn.right!.slope!, -2);
  assert.deepEqual(call('series_fit_2lines', [1, 2, 3]), Array(15).fill(null));
  assert.deepEqual(def('series_fit_2lines').tupleNamesFor!([{ type: 'dynamic', columnName: 'y' }])!.slice(0, 3), [
    'series_fit_2lines_y_rsquare', 'series_fit_2lines_y_split_idx', 'series_fit_2lines_y_variance',
  ]);
});

test('series_fit_poly: recovers polynomials, highest power first', () => {
  const y = Array.from({ length: 10 }, (_, i) => 2 * (i + 1) ** 2 - 3 * (i + 1) + 5);
  const [rsquare, coefficients, , rvariance, polyFit] = tuple(call('series_fit_poly', y, null, 2));
  close(rsquare, 1);
  closeAll(coefficients, [2, -3, 5], 1e-7);
  assert.ok((rvariance as number) < 1e-12);
  closeAll(polyFit, y, 1e-7);
  const x = [0.5, 1, 4, 7, 7.5, 10];
  const cubic = x.map((v) => v ** 3 - v);
  const [, c3] = tuple(call('series_fit_poly', cubic, x, 3));
  closeAll(c3, [1, 0, -1, 0], 1e-6);
  // Degree 1 equals series_fit_line.
  const data = [2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30];
  const [, line] = tuple(call('series_fit_poly', data));
  closeAll(line, [2.730769230769231, -1.6666666666666667], 1e-9);
  assert.deepEqual(call('series_fit_poly', [1, 2], null, 3), [null, null, null, null, null]);
  assert.throws(() => call('series_fit_poly', [1, 2, 3], [1, 2], 1), KqlError);
});

test('series_fir (docs example): moving average, centring, normalisation', () => {
  const val = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0, 0, 0, 0, 0, 0, 0];
  const avg = call('series_fir', val, [1, 1, 1, 1, 1]) as number[];
  closeAll(avg, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 6, 14, 34, 42, 44, 42, 34, 14, 6, 2, 0, 0, 0, 0]);
  // Centred, the peak stays at index 12 instead of moving (5 − 1)/2 = 2 bins later.
  const centred = call('series_fir', val, [1, 1, 1, 1, 1], true, true) as number[];
  assert.equal(centred.indexOf(Math.max(...centred)), 12);
  assert.equal(avg.indexOf(Math.max(...avg)), 14);
  // Change detection: a negative coefficient turns normalisation off by default.
  assert.deepEqual(call('series_fir', [1, 3, 6, 10], [1, -1]), [1, 2, 3, 4]);
  assert.equal(call('series_fir', [1, 2], [1, -1], true), null);
  assert.deepEqual(call('series_fir', [1, null, 3, 4], [1, 1], false), [1, null, null, 7]);
  assert.throws(() => call('series_fir', [1, 2], []), KqlError);
});

test('series_iir (docs example): cumulative sum and first-order smoothing', () => {
  assert.deepEqual(call('series_iir', [1, 2, 3, 4, 5], [1], [1, -1]), [1, 3, 6, 10, 15]);
  closeAll(call('series_iir', [2, 2, 2], [1], [2, -1]), [1, 1.5, 1.75]);
  assert.deepEqual(call('series_iir', [1, null, 1, 1], [1], [1, -1]), [1, null, null, null]);
  assert.throws(() => call('series_iir', [1], [1], [0, 1]), KqlError);
});

test('series_fft / series_ifft match a direct DFT and invert each other', () => {
  const naive = (re: number[], im: number[]) => {
    const n = re.length;
    const outRe: number[] = [];
    const outIm: number[] = [];
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
        si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
      }
      outRe.push(sr); outIm.push(si);
    }
    return [outRe, outIm];
  };
  fc.assert(fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40 }), (re) => {
    const im = re.map((v, i) => (i % 3) - v / 7);
    const [fr, fi] = tuple(call('series_fft', re, im));
    const [nr, ni] = naive(re, im);
    closeAll(fr, nr, 1e-7);
    closeAll(fi, ni, 1e-7);
    const [br, bi] = tuple(call('series_ifft', fr, fi));
    closeAll(br, re, 1e-7);
    closeAll(bi, im, 1e-7);
  }));
  const [re] = tuple(call('series_fft', [1, 2, 3]));
  closeAll(re, [6, -1.5, -1.5]);
  assert.deepEqual(call('series_fft', [1, null]), [null, null]);
});

test('series_periods_detect (docs example): the weekly period of 12-hour bins', () => {
  const y = [80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170];
  const [periods, scores] = tuple(call('series_periods_detect', y, 0.0, 50.0, 2));
  assert.deepEqual(periods, [14, 0]);
  const s = scores as number[];
  assert.ok(s[0]! > 0.6 && s[0]! <= 1, `score ${s[0]}`);
  assert.equal(s[1], 0);
  const [vp, vs] = tuple(call('series_periods_validate', y, 14, 7));
  assert.deepEqual(vp, [14, 7]);
  close((vs as number[])[0], s[0]!);
  assert.equal((vs as number[])[1], 0);
  assert.deepEqual(def('series_periods_detect').tupleNamesFor!([{ type: 'dynamic', columnName: 'y' }]), ['series_periods_detect_y_periods', 'series_periods_detect_y_scores']);
});

test('series_periods_detect: sines of several periods, noise, and degenerate input', () => {
  for (const period of [5, 12, 24, 31]) {
    const y = Array.from({ length: 300 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / period) + (i % 7) * 0.01);
    const [periods] = tuple(call('series_periods_detect', y, 4, 100, 1));
    assert.deepEqual(periods, [period], `period ${period}`);
  }
  // A daily plus a weekly pattern in hourly data: both found (the weekly one is not an echo).
  const hourly = Array.from({ length: 24 * 7 * 4 }, (_, i) => 10 * Math.sin((2 * Math.PI * i) / 24) + (Math.floor(i / 24) % 7 >= 5 ? -25 : 0));
  const [both] = tuple(call('series_periods_detect', hourly, 20, 200, 2));
  assert.deepEqual([...(both as number[])].sort((a, b) => a - b), [24, 168]);
  assert.deepEqual(call('series_periods_detect', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2, 5, 2), [[0, 0], [0, 0]]);
  assert.deepEqual(call('series_periods_detect', [], 2, 5, 1), [[0], [0]]);
  assert.deepEqual(call('series_periods_detect', [null, null, null], 2, 5, 1), [[0], [0]]);
});

test('series_outliers: Tukey scores, nulls and ignore_val score 0, percentile validation', () => {
  const x = [10, 12, 11, 13, 12, 11, 10, 12, 50, 11, 12, 13, 10, 11, -30, 12];
  const scores = call('series_outliers', x) as number[];
  assert.equal(scores.length, x.length);
  assert.ok(scores[8]! > 1.5, `rise ${scores[8]}`);
  assert.ok(scores[14]! < -1.5, `decline ${scores[14]}`);
  for (const [i, s] of scores.entries()) if (i !== 8 && i !== 14) assert.ok(Math.abs(s) < 1.5, `index ${i}: ${s}`);
  // The score is the distance beyond the percentile range in units of its width.
  const tukey = call('series_outliers', [1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 'tukey') as number[];
  // 25th/75th percentiles by linear interpolation: 3.25 and 7.75, width 4.5.
  close(tukey[9], (100 - 7.75) / 4.5);
  assert.equal(tukey[4], 0);
  const withNulls = call('series_outliers', [1, null, 2, 3, 2, 100, 'x']) as number[];
  assert.equal(withNulls[1], 0);
  assert.equal(withNulls[6], 0);
  const ignored = call('series_outliers', [1, 2, 3, 2, -999, 1, 2], 'ctukey', -999) as number[];
  assert.equal(ignored[4], 0);
  assert.deepEqual(call('series_outliers', [1, 1000, 2]), [0, 0, 0]);
  assert.throws(() => call('series_outliers', x, 'ctukey', null, 1, 90), /\[2\.0, 98\.0\]/);
  assert.throws(() => call('series_outliers', x, 'ctukey', null, 80, 20), /min_percentile/);
  assert.throws(() => call('series_outliers', x, 'zscore'), /kind/);
  assert.throws(() => call('series_outliers', x, 'ctukey', null, 10, 90, 3), NotSupportedError);
});

test('argument errors name the function and the argument', () => {
  assert.throws(() => call('series_decompose_anomalies', [1, 2, 3], 1.5, -1, 'quadratic'), /series_decompose_anomalies\(\): Trend must be 'avg', 'linefit' or 'none'/);
  assert.throws(() => call('series_decompose_anomalies', [1, 2, 3], 1.5, -1, 'avg', 0, 'zscore'), /AD_method/);
  assert.throws(() => call('series_decompose', [1, 2, 3], -2), /Seasonality/);
  assert.throws(() => call('series_decompose', [1, 2, 3], 0, 'avg', -1), /Test_points/);
});

test('property: Tukey scores are invariant under positive affine maps and flip sign under negation', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 4, maxLength: 80 }),
    fc.integer({ min: 1, max: 50 }), fc.integer({ min: -500, max: 500 }), fc.constantFrom('tukey', 'ctukey'),
    (values, scale, shift, kind) => {
      const base = call('series_outliers', values, kind) as number[];
      const mapped = call('series_outliers', values.map((v) => v * scale + shift), kind) as number[];
      const negated = call('series_outliers', values.map((v) => -v), kind) as number[];
      closeAll(mapped, base, 1e-7);
      closeAll(negated, base.map((s) => -s), 1e-7);
    },
  ));
});

test('property: a sine of period p (4 ≤ p ≤ n/4) with mild noise is detected as p', () => {
  fc.assert(fc.property(
    fc.integer({ min: 4, max: 60 }), fc.integer({ min: 4, max: 10 }), fc.double({ min: 0, max: Math.PI * 2, noNaN: true }),
    fc.integer({ min: 1, max: 1_000_000 }),
    (period, cycles, phase, seed) => {
      let state = seed;
      const noise = () => { state = (state * 16807) % 2147483647; return state / 2147483647 - 0.5; };
      const y = Array.from({ length: period * cycles }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / period + phase) + noise());
      const [periods, scores] = call('series_periods_detect', y, 4, y.length / 2, 1) as [number[], number[]];
      assert.deepEqual(periods, [period]);
      assert.ok(scores[0]! > 0.6, `score ${scores[0]}`);
    },
  ), { numRuns: 80 });
});

test('property: linear fill leaves no gap inside the present range and stays between its anchors', () => {
  fc.assert(fc.property(fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 50 }), (series) => {
    const filled = call('series_fill_linear', series) as (number | null)[];
    const present = series.flatMap((v, i) => (v === null ? [] : [i]));
    if (present.length === 0) { assert.ok(filled.every((v) => v === 0)); return; }
    assert.ok(filled.every((v) => typeof v === 'number'));
    for (let k = 0; k + 1 < present.length; k++) {
      const [lo, hi] = [present[k]!, present[k + 1]!];
      const [a, b] = [series[lo]!, series[hi]!];
      for (let i = lo; i <= hi; i++) assert.ok(filled[i]! >= Math.min(a, b) - 1e-6 && filled[i]! <= Math.max(a, b) + 1e-6);
    }
  }));
});

test('property: identity filters return the series', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 40 }), (series) => {
    assert.deepEqual(call('series_fir', series, [1]), series);
    assert.deepEqual(call('series_fir', series, [2], true), series);
    assert.deepEqual(call('series_iir', series, [1], [1]), series);
    assert.deepEqual(call('series_iir', series, [3], [3]), series);
  }));
});

test('property: selection percentiles equal sorted-rank interpolation, duplicates included', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(rank);
    const expected = sorted[lo]! + (rank - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
    close(selectPercentile(Float64Array.from(values), p), expected, 1e-12);
  }));
});

test('property: two exact line segments are split where they meet', () => {
  fc.assert(fc.property(
    fc.integer({ min: 3, max: 30 }), fc.integer({ min: 3, max: 30 }),
    fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 50 }),
    (left, right, slopeL, slopeR, interceptL, jump) => {
      // A jump at the break keeps the segments distinguishable even when the slopes are equal.
      const onLeft = (i: number) => slopeL * i + interceptL;
      const onRight = (i: number) => slopeR * i + interceptL + jump;
      // Where a boundary point lies on both lines, two splits fit exactly: not this property.
      fc.pre(onLeft(left) !== onRight(left) && onLeft(left - 1) !== onRight(left - 1));
      const y = Array.from({ length: left + right }, (_, i) => (i < left ? onLeft(i) : onRight(i)));
      const [rsquare, splitIdx, , rvariance] = tuple(call('series_fit_2lines', y));
      assert.equal(splitIdx, left);
      close(rsquare, 1, 1e-9);
      assert.ok((rvariance as number) < 1e-9);
    },
  ));
});
