// Tukey's fence test as series_outliers and series_decompose_anomalies use it.
//
// The "normal range" is [P_low, P_high]: the 25th/75th percentiles for 'tukey', the 10th/90th
// (or the caller's) for 'ctukey'. A value's score is its distance beyond that range in units of
// the range's width: (x − P_high)/(P_high − P_low) above it, (x − P_low)/(P_high − P_low) below it,
// 0 inside. A score beyond ±k is exactly a value outside Tukey's fences P ± k·(P_high − P_low),
// which is why the docs read ±1.5 (the default k) as the anomaly threshold.
import { presentValues, selectPercentile } from './stats.js';

/** Fewer present reference values than this: no meaningful normal range, every score is 0. */
export const MIN_OUTLIER_POINTS = 4;

/**
 * Scores for every element of `values` (NaN = missing, scored 0), with the normal range learnt
 * from the first `referenceEnd` elements only (series_decompose_anomalies' Test_points).
 *
 * A degenerate range (width within rounding noise of 0, as for a flat series with a few spikes)
 * would divide by zero. The width then falls back to the mean absolute deviation from the median
 * of the reference values; if that is 0 too (all reference values equal), the score is the raw
 * distance beyond the range. Values within rounding noise of the range score 0.
 */
export function tukeyScores(values: Float64Array, lowPercentile: number, highPercentile: number, referenceEnd = values.length): Float64Array {
  const scores = new Float64Array(values.length);
  const reference = presentValues(values, referenceEnd);
  if (reference.length < MIN_OUTLIER_POINTS) return scores;
  let magnitude = 0;
  for (let i = 0; i < reference.length; i++) magnitude = Math.max(magnitude, Math.abs(reference[i]!));
  const low = selectPercentile(reference, lowPercentile);
  const high = selectPercentile(reference, highPercentile);
  const tolerance = 1e-9 * magnitude;
  let width = high - low;
  if (width <= tolerance) {
    const med = selectPercentile(reference, 50);
    let deviation = 0;
    for (let i = 0; i < reference.length; i++) deviation += Math.abs(reference[i]! - med);
    deviation /= reference.length;
    width = deviation > tolerance ? deviation : 1;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (v > high + tolerance) scores[i] = (v - high) / width;
    else if (v < low - tolerance) scores[i] = (v - low) / width;
  }
  return scores;
}
