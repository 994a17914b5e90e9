// series_decompose / series_decompose_anomalies / series_decompose_forecast: property tests on
// constructed series (flat with spikes, daily sine with spikes, trend with a dip), degenerate
// input, and throughput.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seriesFunctions } from '../../src/kql/functions/scalar/series.js';
import type { Scalar } from '../../src/kql/types.js';
import { makeCaller } from './scalar-call.js';

const { call, def } = makeCaller(seriesFunctions);

interface Anomalies { flags: number[]; scores: number[]; baseline: (number | null)[] }

function anomalies(...args: Scalar[]): Anomalies {
  const r = call('series_decompose_anomalies', ...args);
  assert.ok(Array.isArray(r) && r.length === 3, 'three results');
  const [flags, scores, baseline] = r as [number[], number[], (number | null)[]];
  return { flags, scores, baseline };
}

const flaggedIndexes = (flags: number[]) => flags.flatMap((f, i) => (f !== 0 ? [i] : []));

/** Spike positions, distinct and not evenly spaced (evenly spaced spikes are a genuine period). */
const spikePositions = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length - 1 }), { minLength: 1, maxLength: 3 }).filter((ps) => {
    if (ps.length < 3) return true;
    const s = [...ps].sort((a, b) => a - b);
    return s[1]! - s[0]! !== s[2]! - s[1]!;
  });

test('flat series with spikes: exactly the spikes are flagged, with positive scores', () => {
  fc.assert(fc.property(
    fc.integer({ min: 48, max: 400 }).chain((n) => fc.tuple(fc.constant(n), spikePositions(n))),
    fc.double({ min: -1000, max: 1000, noNaN: true }),
    fc.double({ min: 5, max: 50, noNaN: true }),
    fc.array(fc.double({ min: 1, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
    ([n, positions], level, unit, factors) => {
      const x = Array.from({ length: n }, () => level);
      positions.forEach((p, k) => { x[p] = level + unit * factors[k]!; });
      const { flags, scores } = anomalies(x);
      assert.deepEqual(flaggedIndexes(flags), [...positions].sort((a, b) => a - b));
      for (const p of positions) {
        assert.equal(flags[p], 1);
        assert.ok(scores[p]! > 1.5, `score ${scores[p]} at ${p}`);
      }
    },
  ), { numRuns: 60 });
});

test('flat series with dips: flagged −1 with negative scores', () => {
  const x = Array.from({ length: 200 }, () => 40);
  x[33] = 5;
  x[150] = 0;
  const { flags, scores } = anomalies(x);
  assert.deepEqual(flaggedIndexes(flags), [33, 150]);
  assert.equal(flags[33], -1);
  assert.ok(scores[150]! < -1.5);
});

test('daily sine with spikes: period 24 is detected and only the spikes are flagged', () => {
  fc.assert(fc.property(
    spikePositions(336),
    fc.double({ min: 0, max: 1000, noNaN: true }),
    fc.double({ min: 5, max: 50, noNaN: true }),
    fc.array(fc.double({ min: 4, max: 6, noNaN: true }), { minLength: 3, maxLength: 3 }),
    fc.boolean(),
    (positions, level, amplitude, factors, down) => {
      // A little deterministic noise, as real counts have.
      const x = Array.from({ length: 336 }, (_, i) => level + amplitude * Math.sin((2 * Math.PI * i) / 24) + amplitude * 0.02 * Math.sin(i * 1.7));
      positions.forEach((p, k) => { x[p] = x[p]! + (down ? -1 : 1) * amplitude * factors[k]!; });
      const [periods] = call('series_periods_detect', x, 4, 168, 1) as [number[], number[]];
      assert.deepEqual(periods, [24]);
      const { flags } = anomalies(x);
      assert.deepEqual(flaggedIndexes(flags), [...positions].sort((a, b) => a - b));
      for (const p of positions) assert.equal(flags[p], down ? -1 : 1);
    },
  ), { numRuns: 40 });
});

test('the seasonal component is the per-phase median and the baseline tracks the sine', () => {
  const x = Array.from({ length: 24 * 10 }, (_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 24));
  x[30] = 1000;
  const [baseline, seasonal, trend, residual] = call('series_decompose', x) as number[][];
  for (let i = 0; i < x.length; i++) {
    if (i === 30) continue;
    assert.ok(Math.abs(residual![i]!) < 5, `residual ${residual![i]} at ${i}`);
    assert.ok(Math.abs(baseline![i]! - x[i]!) < 5);
  }
  assert.ok(residual![30]! > 800);
  // Trend 'avg' is constant; seasonal repeats every 24 bins.
  assert.ok(trend!.every((v) => v === trend![0]));
  for (let i = 24; i < x.length; i++) assert.equal(seasonal![i], seasonal![i - 24]);
  // Seasonality 0 and trend 'none': the function is redundant, baseline 0 and residual x (docs).
  const [b0, , , r0] = call('series_decompose', [1, 5, 3], 0, 'none') as number[][];
  assert.deepEqual(b0, [0, 0, 0]);
  assert.deepEqual(r0, [1, 5, 3]);
});

test("linear trend with a dip: −1 at the dip with 'linefit'", () => {
  fc.assert(fc.property(
    fc.integer({ min: 30, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
    fc.double({ min: -50, max: 50, noNaN: true }).filter((s) => Math.abs(s) > 0.01),
    fc.double({ min: -1000, max: 1000, noNaN: true }),
    ([n, dipAt], slope, intercept) => {
      const depth = 20 + Math.abs(slope) * 10;
      const x = Array.from({ length: n }, (_, i) => intercept + slope * i - (i === dipAt ? depth : 0));
      const { flags, scores } = anomalies(x, 1.5, -1, 'linefit');
      assert.deepEqual(flaggedIndexes(flags), [dipAt]);
      assert.equal(flags[dipAt], -1);
      assert.ok(scores[dipAt]! < -1.5);
    },
  ), { numRuns: 60 });
  // With trend 'avg' the ramp itself dominates the residuals and the dip is not singled out.
  const ramp = Array.from({ length: 100 }, (_, i) => i * 5 - (i === 50 ? 40 : 0));
  assert.notDeepEqual(flaggedIndexes(anomalies(ramp, 1.5, -1, 'avg').flags), [50]);
});

test('docs example: weekly seasonality in 5 weeks of hourly data, dips and spikes flagged', () => {
  // The series_decompose_anomalies docs generator, with a seeded generator in place of rand().
  let seed = 7;
  const rand = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  const y: number[] = [];
  for (let t = 1; t <= 24 * 7 * 5; t++) {
    let v = 2 * rand() + (Math.floor(t / 24) % 7 >= 5 ? 10 : 15) - Math.floor((t % 24) / 10) ** 2;
    if (t === 150 || t === 200 || t === 780) v -= 8;
    if (t === 300 || t === 400 || t === 600) v += 8;
    y.push(v);
  }
  const [periods] = call('series_periods_detect', y, 4, 420, 1) as [number[]];
  assert.deepEqual(periods, [168]);
  const { flags } = anomalies(y);
  assert.deepEqual(flags.flatMap((f, i) => (f !== 0 ? [[i + 1, f]] : [])), [[150, -1], [200, -1], [300, 1], [400, 1], [600, 1], [780, -1]]);
});

test('series_seasonal (docs examples): autodetected and forced periods', () => {
  assert.deepEqual(call('series_seasonal', [2, 5, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1]),
    [1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1]);
  const five = [8, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10];
  assert.deepEqual(call('series_seasonal', five), [10, ...five.slice(1)]);
  // Two cycles are too short to detect: zeros.
  assert.deepEqual(call('series_seasonal', [1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]), Array(12).fill(0));
  assert.deepEqual(call('series_seasonal', [1, 3, 5, 1, 3, 5, 2, 4, 6], 3), [1, 3, 5, 1, 3, 5, 1, 3, 5]);
  assert.deepEqual(call('series_seasonal', [1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6], 3), [1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5]);
  assert.deepEqual(call('series_seasonal', [1, 3, 5, 1, 3, 5], 0), [0, 0, 0, 0, 0, 0]);
  assert.equal(call('series_seasonal', 'x'), null);
});

test('Test_points: the last points are scored against a model learnt without them', () => {
  const x = Array.from({ length: 100 }, (_, i) => 10 + (i % 2));
  x[98] = 500;
  x[99] = 600;
  const { flags, baseline } = anomalies(x, 1.5, 0, 'avg', 2);
  assert.deepEqual(flaggedIndexes(flags), [98, 99]);
  // The baseline is learnt from the first 98 points only.
  assert.ok(Math.abs(baseline[99]! - 10.5) < 1e-9);
});

test('series_decompose_forecast extrapolates trend and seasonality over the last points', () => {
  const n = 24 * 8;
  const x = Array.from({ length: n }, (_, i) => 50 + 0.5 * i + 10 * Math.sin((2 * Math.PI * i) / 24));
  // Zero the points to forecast: they take no part in learning.
  const y = x.map((v, i) => (i >= n - 24 ? 0 : v));
  const forecast = call('series_decompose_forecast', y, 24, -1, 'linefit') as number[];
  assert.equal(forecast.length, n);
  for (let i = n - 24; i < n; i++) assert.ok(Math.abs(forecast[i]! - x[i]!) < 8, `forecast ${forecast[i]} vs ${x[i]} at ${i}`);
  // The default trend is 'avg' (docs): the forecast repeats the seasonal pattern around the mean.
  const flat = call('series_decompose_forecast', y, 24) as number[];
  for (let i = n - 24; i < n; i++) assert.ok(Math.abs(flat[i]! - flat[i - 24]!) < 1e-9);
  // Seasonality 0 and trend 'none': redundant, a series of zeros (docs).
  assert.deepEqual(call('series_decompose_forecast', [1, 2, 3, 4], 2, 0, 'none'), [0, 0, 0, 0]);
});

test('degenerate input: all-null, too short, empty, non-array — documented results, no crash', () => {
  assert.deepEqual(call('series_decompose_anomalies', [null, null, null, null]), [[0, 0, 0, 0], [0, 0, 0, 0], [null, null, null, null]]);
  assert.deepEqual(call('series_decompose_anomalies', []), [[], [], []]);
  assert.deepEqual(call('series_decompose_anomalies', 'abc'), [null, null, null]);
  // Fewer than four points: no outlier test is possible, nothing is flagged.
  const short = anomalies([1, 100, 1]);
  assert.deepEqual(short.flags, [0, 0, 0]);
  assert.deepEqual(short.scores, [0, 0, 0]);
  assert.equal(short.baseline.length, 3);
  // Nulls inside a series: flag 0 and score 0 there; the rest is still analysed.
  const x: (number | null)[] = Array.from({ length: 60 }, () => 7);
  x[10] = null;
  x[40] = 90;
  const withNull = anomalies(x);
  assert.deepEqual(flaggedIndexes(withNull.flags), [40]);
  assert.equal(withNull.scores[10], 0);
  assert.deepEqual(call('series_decompose', [null, null]), [[null, null], [0, 0], [null, null], [null, null]]);
  // Non-finite numbers are missing values for the decomposition.
  const withInfinity = Array.from({ length: 30 }, () => 1);
  withInfinity[2] = Infinity;
  withInfinity[5] = 9;
  const inf = anomalies(withInfinity);
  assert.deepEqual(flaggedIndexes(inf.flags), [5]);
  assert.equal(inf.scores[2], 0);
  const oneLong = call('series_decompose_anomalies', [5, 5, 5, 5, 5, 5], 1.5, -1, 'linefit') as number[][];
  assert.deepEqual(oneLong[0], [0, 0, 0, 0, 0, 0]);
});

test('tuple column names match Kusto.Language for the unnamed form', () => {
  const info = [{ type: 'dynamic' as const, columnName: 'num' }];
  assert.deepEqual(def('series_decompose_anomalies').tupleNamesFor!(info), [
    'series_decompose_anomalies_num_ad_flag', 'series_decompose_anomalies_num_ad_score', 'series_decompose_anomalies_num_baseline',
  ]);
  assert.deepEqual(def('series_decompose').tupleNamesFor!(info), [
    'series_decompose_num_baseline', 'series_decompose_num_seasonal', 'series_decompose_num_trend', 'series_decompose_num_residual',
  ]);
  assert.deepEqual(def('series_decompose_anomalies').tupleNamesFor!([{ type: 'dynamic' }])!.slice(0, 1), ['series_decompose_anomalies__ad_flag']);
});
