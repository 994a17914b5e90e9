// Seasonal-trend decomposition and the anomaly detection and forecasting built on it
// (series_decompose, series_decompose_anomalies, series_decompose_forecast).
//
// Following the series_decompose docs, in this order:
//   1. seasonal: with period p, the median of the training points in the same phase (i mod p);
//      0 when there is no seasonality (Seasonality = 0, or autodetection found no period scoring
//      at least Seasonality_threshold).
//   2. deseasonalised = x − seasonal.
//   3. trend from the deseasonalised training points: 'avg' their mean, 'linefit' their
//      least-squares line over x = 1..n (extrapolated over the test points), 'none' 0.
//   4. baseline = seasonal + trend; residual = x − baseline.
// The training points are all but the last Test_points; everything is still produced for the
// test points, which is what makes forecasting and scoring of the newest points possible.
// Missing elements (null) take no part in learning; their residual is null.
import { KqlError } from '../../types.js';
import { fitLine } from './fit.js';
import { bestPeriod } from './periods.js';
import { meanPresent } from './stats.js';
import { tukeyScores } from './outliers.js';

export type TrendKind = 'avg' | 'linefit' | 'none';
export type OutlierMethod = 'ctukey' | 'tukey';

export interface DecomposeOptions {
  /** −1 autodetect, 0 none, p > 0 the period in bins. */
  seasonality: number;
  trend: TrendKind;
  testPoints: number;
  seasonalityThreshold: number;
}

export interface Decomposition {
  baseline: Float64Array;
  seasonal: Float64Array;
  trend: Float64Array;
  residual: Float64Array;
  /** The period used (0 for none). */
  period: number;
}

export function parseTrend(fn: string, value: string): TrendKind {
  if (value === 'avg' || value === 'linefit' || value === 'none') return value;
  throw new KqlError(`${fn}(): Trend must be 'avg', 'linefit' or 'none', got '${value}'`, 'InvalidArgument');
}

export function parseOutlierMethod(fn: string, value: string): OutlierMethod {
  if (value === 'ctukey' || value === 'tukey') return value;
  throw new KqlError(`${fn}(): AD_method must be 'ctukey' or 'tukey', got '${value}'`, 'InvalidArgument');
}

function chosenPeriod(x: Float64Array, trainEnd: number, options: DecomposeOptions): number {
  if (options.seasonality > 0) return Math.trunc(options.seasonality);
  if (options.seasonality === 0) return 0;
  const found = bestPeriod(trainEnd === x.length ? x : x.subarray(0, trainEnd));
  return found !== null && found.score >= options.seasonalityThreshold ? found.period : 0;
}

export function decompose(x: Float64Array, options: DecomposeOptions): Decomposition {
  const n = x.length;
  const trainEnd = Math.max(0, n - Math.max(0, Math.trunc(options.testPoints)));
  const period = chosenPeriod(x, trainEnd, options);

  const seasonal = new Float64Array(n);
  if (period > 0) {
    const phaseMedian = new Float64Array(period);
    const phaseValues = new Float64Array(Math.ceil(trainEnd / period) + 1);
    for (let phase = 0; phase < period; phase++) {
      // Insertion sort: a phase holds a handful of values (the number of cycles).
      let count = 0;
      for (let i = phase; i < trainEnd; i += period) {
        const v = x[i]!;
        if (Number.isNaN(v)) continue;
        let j = count++;
        while (j > 0 && phaseValues[j - 1]! > v) { phaseValues[j] = phaseValues[j - 1]!; j--; }
        phaseValues[j] = v;
      }
      // A phase with no training data has no seasonal estimate; 0 leaves it to the trend.
      const mid = count >> 1;
      phaseMedian[phase] = count === 0 ? 0 : count & 1 ? phaseValues[mid]! : (phaseValues[mid - 1]! + phaseValues[mid]!) / 2;
    }
    for (let phase = 0; phase < period; phase++) {
      const value = phaseMedian[phase]!;
      for (let i = phase; i < n; i += period) seasonal[i] = value;
    }
  }

  const deseasonal = new Float64Array(n);
  for (let i = 0; i < n; i++) deseasonal[i] = x[i]! - seasonal[i]!;

  const trend = new Float64Array(n);
  if (options.trend === 'avg') {
    trend.fill(meanPresent(deseasonal, trainEnd));
  } else if (options.trend === 'linefit') {
    const line = fitLine(deseasonal.subarray(0, trainEnd));
    if (line !== null) {
      for (let i = 0; i < n; i++) trend[i] = line.slope * (i + 1) + line.interception;
    } else {
      // One training point or none: the line degenerates to its mean (NaN when empty).
      trend.fill(meanPresent(deseasonal, trainEnd));
    }
  }

  const baseline = new Float64Array(n);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    baseline[i] = seasonal[i]! + trend[i]!;
    residual[i] = x[i]! - baseline[i]!;
  }
  return { baseline, seasonal, trend, residual, period };
}

export interface AnomalyOptions extends DecomposeOptions {
  threshold: number;
  method: OutlierMethod;
}

export interface Anomalies {
  flags: Float64Array;
  scores: Float64Array;
  baseline: Float64Array;
}

/**
 * series_decompose_anomalies: decompose, score the residuals with Tukey's test (percentile range
 * learnt from the training residuals only), and flag +1/−1 where the score exceeds ±Threshold.
 * Missing elements get flag 0 and score 0 (as series_outliers scores nulls).
 */
export function decomposeAnomalies(x: Float64Array, options: AnomalyOptions): Anomalies {
  const parts = decompose(x, options);
  const trainEnd = Math.max(0, x.length - Math.max(0, Math.trunc(options.testPoints)));
  const [low, high] = options.method === 'tukey' ? [25, 75] : [10, 90];
  const scores = tukeyScores(parts.residual, low, high, trainEnd);
  const flags = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = scores[i]!;
    flags[i] = s > options.threshold ? 1 : s < -options.threshold ? -1 : 0;
  }
  return { flags, scores, baseline: parts.baseline };
}
