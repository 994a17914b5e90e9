// The series_* functions: element-wise arithmetic and comparison over dynamic numeric arrays,
// reductions, statistics, filling, fitting, filters, period detection, decomposition and anomaly
// detection. The algorithms live in ../series/; this file declares signatures and adapts
// arguments. docs/series.md describes every algorithm and each function's null handling.
//
// Series elements that are not numbers (null, strings, bools, bags) are missing values. A series
// argument that is not an array makes the result null, as ADX does for a non-array dynamic.
// Tuple results (series_stats, series_fit_line, series_decompose_anomalies, ...) are JS arrays with
// one value per column; their unnamed column names are `<function>_<argument column>_<part>`
// (Kusto.Language names them so; a non-column argument gives `<function>__<part>`).
import type { ArgInfo, ParamSpec, ScalarFunctionDef } from '../registry.js';
import type { CallContext } from '../registry.js';
import {
  KqlError, NotSupportedError, dynamicNumber, isDynamicReal, realToDynamic, type DynamicValue, type Scalar, type ScalarType,
} from '../../types.js';
import {
  boolArg, intArg, isPresent, numberArg, readFloat64, readSeries, stringArg, toDynamic, toLongs, toReals, type SeriesElement,
} from '../series/input.js';
import { fillBackward, fillConst, fillForward, fillLinear, missingTest } from '../series/fill.js';
import { fitLine, fitPoly, fitTwoLines, type LineFit, type SideFit, type TwoLinesFit } from '../series/fit.js';
import { fir, iir } from '../series/filters.js';
import { detectPeriods, validatePeriods } from '../series/periods.js';
import { decompose, decomposeAnomalies, parseOutlierMethod, parseTrend } from '../series/decompose.js';
import { tukeyScores } from '../series/outliers.js';
import { dft } from '../series/fft.js';

const NUMERIC_TYPES: readonly ScalarType[] = ['int', 'long', 'real', 'decimal'];
const SERIES: ParamSpec = { name: 'series', types: ['dynamic'] };
const SERIES_OR_NUMBER: readonly ScalarType[] = ['dynamic', ...NUMERIC_TYPES];
const opt = (name: string, types: ParamSpec['types']): ParamSpec => ({ name, types, optional: true });

/** `<fn>_<column>_<part>` for each part: the unnamed tuple columns ADX produces. */
function tupleNaming(fn: string, parts: readonly string[]): (args: ArgInfo[]) => readonly string[] {
  return (args) => parts.map((part) => `${fn}_${args[0]?.columnName ?? ''}_${part}`);
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

// ───────────── element-wise ─────────────

/**
 * The type of an element-wise result: `promote` as scalar arithmetic does (long op long is a
 * long, a real on either side makes a real: series_add of two long arrays gives longs), `real`
 * always (series_divide, series_pow, series_ceiling, series_log: the docs print `1.0`),
 * `operand` the operand's own type (series_abs, series_sign).
 */
type ResultType = 'promote' | 'real' | 'operand';

/** A number argument of a series function is a real when its static type says so. */
function scalarIsReal(ctx: CallContext, index: number): boolean {
  const t = ctx.args?.[index]?.type;
  return t === 'real' || t === 'decimal';
}

/**
 * series OP series|number, or number OP series. Two arrays align by index up to the longer one;
 * a position missing from either array, or holding a non-number, yields null (series_add docs).
 */
function elementWise(name: string, op: (a: number, b: number) => number | boolean, resultType: ResultType = 'promote'): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [{ name: 'series1', types: SERIES_OR_NUMBER }, { name: 'series2', types: SERIES_OR_NUMBER }],
    returns: 'dynamic',
    impl: ([left, right], ctx) => {
      const l = (left ?? null) as DynamicValue;
      const r = (right ?? null) as DynamicValue;
      if (!Array.isArray(l) && !Array.isArray(r)) return null;
      if ((!Array.isArray(l) && dynamicNumber(l) === null) || (!Array.isArray(r) && dynamicNumber(r) === null)) return null;
      const length = Math.max(Array.isArray(l) ? l.length : 0, Array.isArray(r) ? r.length : 0);
      const realOperand = [!Array.isArray(l) && (scalarIsReal(ctx, 0) || isDynamicReal(l)), !Array.isArray(r) && (scalarIsReal(ctx, 1) || isDynamicReal(r))];
      const out = new Array<DynamicValue>(length);
      for (let i = 0; i < length; i++) {
        const av = Array.isArray(l) ? l[i] : l;
        const bv = Array.isArray(r) ? r[i] : r;
        const a = dynamicNumber(av);
        const b = dynamicNumber(bv);
        if (a === null || b === null) { out[i] = null; continue; }
        const x = op(a, b);
        const real = resultType === 'real' || realOperand[0] || realOperand[1] || isDynamicReal(av) || isDynamicReal(bv);
        out[i] = typeof x === 'boolean' || !real ? x : realToDynamic(x);
      }
      return out;
    },
  };
}

/** f applied to each numeric element; non-numeric elements yield null. */
function unary(name: string, f: (v: number) => number, resultType: 'real' | 'operand' = 'real'): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [SERIES],
    returns: 'dynamic',
    impl: ([series]) => {
      if (!Array.isArray(series)) return null;
      return series.map((v) => {
        const n = dynamicNumber(v);
        if (n === null) return null;
        return resultType === 'real' || isDynamicReal(v) ? realToDynamic(f(n)) : f(n);
      });
    },
  };
}

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : Number.NaN);

// ───────────── reductions ─────────────

/** The numeric elements only: the docs of the vector functions say non-numeric ones are ignored. */
function numericElements(series: readonly SeriesElement[]): number[] {
  const out: number[] = [];
  for (const v of series) if (v !== null) out.push(v);
  return out;
}

function reduction(name: string, f: (values: number[]) => number | null): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [SERIES],
    returns: 'real',
    impl: ([series]) => {
      const s = readSeries(series ?? null);
      return s === null ? null : f(numericElements(s));
    },
  };
}

/**
 * Pairs of numeric elements of two vectors for dot product / cosine similarity: the longer series
 * is truncated to the shorter, a number broadcasts to the other's length, and a pair with a
 * non-numeric element is skipped. Null when an argument is neither, or a series is empty.
 */
function vectorPairs(left: Scalar, right: Scalar): [number[], number[]] | null {
  const l = Array.isArray(left) ? readSeries(left)! : dynamicNumber(left as DynamicValue);
  const r = Array.isArray(right) ? readSeries(right)! : dynamicNumber(right as DynamicValue);
  if (l === null || r === null || (!Array.isArray(l) && !Array.isArray(r))) return null;
  const length = Math.min(Array.isArray(l) ? l.length : Infinity, Array.isArray(r) ? r.length : Infinity);
  if (length === 0) return null;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < length; i++) {
    const x = Array.isArray(l) ? l[i]! : l;
    const y = Array.isArray(r) ? r[i]! : r;
    if (x === null || y === null) continue;
    a.push(x); b.push(y);
  }
  return [a, b];
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// ───────────── statistics ─────────────

interface SeriesStats {
  min: number | null; minIdx: number | null; max: number | null; maxIdx: number | null;
  avg: number | null; stdev: number | null; variance: number | null; sum: number | null; len: number;
}

/**
 * series_stats: with ignore_nonfinite false (the default) any null/NaN/±∞/non-numeric element
 * makes every statistic null; with true such elements are skipped (indexes still count them).
 * variance/stdev are sample statistics (n − 1), 0 for a single value, as in the docs example.
 */
function seriesStats(series: readonly DynamicValue[], ignoreNonFinite: boolean): SeriesStats {
  const empty: SeriesStats = { min: null, minIdx: null, max: null, maxIdx: null, avg: null, stdev: null, variance: null, sum: null, len: series.length };
  let min = Infinity, max = -Infinity, minIdx = -1, maxIdx = -1, sum = 0, count = 0;
  for (let i = 0; i < series.length; i++) {
    const v = dynamicNumber(series[i]);
    if (v === null || !Number.isFinite(v)) {
      if (ignoreNonFinite) continue;
      return empty;
    }
    if (v < min) { min = v; minIdx = i; }
    if (v > max) { max = v; maxIdx = i; }
    sum += v;
    count++;
  }
  if (count === 0) return empty;
  const avg = sum / count;
  let ss = 0;
  for (const e of series) {
    const v = dynamicNumber(e);
    if (v !== null && Number.isFinite(v)) ss += (v - avg) ** 2;
  }
  const variance = count > 1 ? ss / (count - 1) : 0;
  return { min, minIdx, max, maxIdx, avg, stdev: Math.sqrt(variance), variance, sum, len: series.length };
}

const STATS_PARTS = ['min', 'min_idx', 'max', 'max_idx', 'avg', 'stdev', 'variance'] as const;

// ───────────── fitting ─────────────

const LINE_PARTS = ['rsquare', 'slope', 'variance', 'rvariance', 'interception', 'line_fit'] as const;
const TWO_LINES_PARTS = [
  'rsquare', 'split_idx', 'variance', 'rvariance', 'line_fit',
  'right_rsquare', 'right_slope', 'right_interception', 'right_variance', 'right_rvariance',
  'left_rsquare', 'left_slope', 'left_interception', 'left_variance', 'left_rvariance',
] as const;
const POLY_PARTS = ['rsquare', 'coefficients', 'variance', 'rvariance', 'poly_fit'] as const;

function lineValues(fit: LineFit | null): DynamicValue[] {
  if (fit === null) return LINE_PARTS.map(() => null);
  return [fit.rsquare, fit.slope, fit.variance, fit.rvariance, fit.interception, toDynamic(fit.lineFit)];
}

function sideValues(side: SideFit): number[] {
  return [side.rsquare, side.slope, side.interception, side.variance, side.rvariance];
}

function twoLinesValues(fit: TwoLinesFit | null): DynamicValue[] {
  if (fit === null) return TWO_LINES_PARTS.map(() => null);
  return [fit.rsquare, fit.splitIdx, fit.variance, fit.rvariance, toDynamic(fit.lineFit), ...sideValues(fit.right), ...sideValues(fit.left)];
}

/** A statistic inside a dynamic result: a real (null when there is none). */
function realOrNull(x: number | null): DynamicValue {
  return x === null ? null : realToDynamic(x);
}

function sideBag(side: SideFit): DynamicValue {
  return {
    rsquare: realOrNull(side.rsquare), slope: realOrNull(side.slope), interception: realOrNull(side.interception),
    variance: realOrNull(side.variance), rvariance: realOrNull(side.rvariance),
  };
}

// ───────────── decomposition ─────────────

const DECOMPOSE_PARTS = ['baseline', 'seasonal', 'trend', 'residual'] as const;
const ANOMALY_PARTS = ['ad_flag', 'ad_score', 'baseline'] as const;
const DEFAULT_SEASONALITY_THRESHOLD = 0.6;
/** series_seasonal's autodetection threshold (its docs: 0.7, not series_decompose's 0.6). */
const SEASONAL_THRESHOLD = 0.7;

function seasonalityArg(fn: string, args: readonly Scalar[], index: number): number {
  const s = intArg(fn, args, index, -1);
  if (s < -1) throw new KqlError(`${fn}(): Seasonality must be -1 (autodetect), 0 (none) or a positive period, got ${s}`, 'InvalidArgument');
  return s;
}

function testPointsArg(fn: string, args: readonly Scalar[], index: number): number {
  const t = intArg(fn, args, index, 0);
  if (t < 0) throw new KqlError(`${fn}(): Test_points must not be negative, got ${t}`, 'InvalidArgument');
  return t;
}

// ───────────── outliers ─────────────

function outlierPercentiles(fn: string, args: readonly Scalar[]): [number, number] {
  const kind = stringArg(fn, args, 1, 'ctukey');
  if (kind === 'tukey') return [25, 75];
  if (kind !== 'ctukey') throw new KqlError(`${fn}(): kind must be 'tukey' or 'ctukey', got '${kind}'`, 'InvalidArgument');
  const low = numberArg(fn, args, 3, 10);
  const high = numberArg(fn, args, 4, 90);
  for (const [label, v] of [['min_percentile', low], ['max_percentile', high]] as const) {
    if (!(v >= 2 && v <= 98)) throw new KqlError(`${fn}(): ${label} must be in the range [2.0, 98.0], got ${v}`, 'InvalidArgument');
  }
  if (!(low < high)) throw new KqlError(`${fn}(): min_percentile (${low}) must be below max_percentile (${high})`, 'InvalidArgument');
  return [low, high];
}

// ───────────── filters ─────────────

function coefficients(fn: string, what: string, value: Scalar): Float64Array {
  const s = readSeries(value);
  if (s === null || s.length === 0 || !s.every(isPresent)) {
    throw new KqlError(`${fn}(): ${what} must be a non-empty array of numbers`, 'InvalidArgument');
  }
  return Float64Array.from(s as number[]);
}


// ───────────── definitions ─────────────

export const seriesFunctions: readonly ScalarFunctionDef[] = [
  elementWise('series_add', (a, b) => a + b),
  elementWise('series_subtract', (a, b) => a - b),
  elementWise('series_multiply', (a, b) => a * b),
  // Always a double division (docs): 2/0 is +∞, not an error.
  elementWise('series_divide', (a, b) => a / b, 'real'),
  elementWise('series_pow', (a, b) => a ** b, 'real'),
  elementWise('series_greater', (a, b) => a > b),
  elementWise('series_greater_equals', (a, b) => a >= b),
  elementWise('series_less', (a, b) => a < b),
  elementWise('series_less_equals', (a, b) => a <= b),
  elementWise('series_equals', (a, b) => a === b),
  elementWise('series_not_equals', (a, b) => a !== b),

  unary('series_abs', Math.abs, 'operand'),
  unary('series_acos', Math.acos),
  unary('series_asin', Math.asin),
  unary('series_atan', Math.atan),
  unary('series_ceiling', Math.ceil),
  unary('series_cos', Math.cos),
  unary('series_exp', Math.exp),
  unary('series_floor', Math.floor),
  unary('series_log', Math.log),
  unary('series_sign', sign, 'operand'),
  unary('series_sin', Math.sin),
  unary('series_tan', Math.tan),

  reduction('series_sum', (values) => values.reduce((s, v) => s + v, 0)),
  reduction('series_product', (values) => values.reduce((p, v) => p * v, 1)),
  reduction('series_magnitude', (values) => Math.sqrt(dot(values, values))),
  {
    kind: 'scalar',
    name: 'series_dot_product',
    params: [{ name: 'series1', types: SERIES_OR_NUMBER }, { name: 'series2', types: SERIES_OR_NUMBER }],
    returns: 'real',
    impl: ([a, b]) => {
      const pairs = vectorPairs(a ?? null, b ?? null);
      return pairs === null ? null : dot(pairs[0], pairs[1]);
    },
  },
  {
    kind: 'scalar',
    name: 'series_cosine_similarity',
    params: [{ name: 'series1', types: ['dynamic'] }, { name: 'series2', types: ['dynamic'] }, opt('magnitude1', 'numeric'), opt('magnitude2', 'numeric')],
    returns: 'real',
    impl: (args) => {
      if (!Array.isArray(args[0]) || !Array.isArray(args[1])) return null;
      const pairs = vectorPairs(args[0], args[1]);
      if (pairs === null) return null;
      const [a, b] = pairs;
      const m1 = numberArg('series_cosine_similarity', args, 2, Math.sqrt(dot(a, a)));
      const m2 = numberArg('series_cosine_similarity', args, 3, Math.sqrt(dot(b, b)));
      return finiteOrNull(dot(a, b) / (m1 * m2));
    },
  },
  {
    kind: 'scalar',
    name: 'series_pearson_correlation',
    params: [{ name: 'series1', types: ['dynamic'] }, { name: 'series2', types: ['dynamic'] }],
    returns: 'real',
    // Any non-numeric or non-existing element (arrays of different sizes) makes the result null (docs).
    impl: ([x, y]) => {
      const a = readSeries(x ?? null);
      const b = readSeries(y ?? null);
      if (a === null || b === null || a.length !== b.length || a.length === 0) return null;
      if (!a.every(isPresent) || !b.every(isPresent)) return null;
      const n = a.length;
      const ma = (a as number[]).reduce((s, v) => s + v, 0) / n;
      const mb = (b as number[]).reduce((s, v) => s + v, 0) / n;
      let sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < n; i++) {
        const da = a[i]! - ma, db = b[i]! - mb;
        sab += da * db; saa += da * da; sbb += db * db;
      }
      return finiteOrNull(sab / Math.sqrt(saa * sbb));
    },
  },

  {
    kind: 'scalar',
    name: 'series_stats',
    params: [SERIES, opt('ignore_nonfinite', ['bool'])],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_stats', STATS_PARTS),
    tupleTypes: ['real', 'long', 'real', 'long', 'real', 'real', 'real'],
    impl: (args) => {
      if (!Array.isArray(args[0])) return STATS_PARTS.map(() => null);
      const s = seriesStats(args[0], boolArg('series_stats', args, 1, false));
      return [s.min, s.minIdx, s.max, s.maxIdx, s.avg, s.stdev, s.variance];
    },
  },
  {
    kind: 'scalar',
    name: 'series_stats_dynamic',
    params: [SERIES, opt('ignore_nonfinite', ['bool'])],
    returns: 'dynamic',
    impl: (args) => {
      if (!Array.isArray(args[0])) return null;
      const s = seriesStats(args[0], boolArg('series_stats_dynamic', args, 1, false));
      // Typed as the docs print them: `"min": 2.0, "min_idx": 8, ..., "sum": 492.0, "len": 15`.
      return {
        min: realOrNull(s.min), min_idx: s.minIdx, max: realOrNull(s.max), max_idx: s.maxIdx, avg: realOrNull(s.avg),
        stdev: realOrNull(s.stdev), variance: realOrNull(s.variance), sum: realOrNull(s.sum), len: s.len,
      };
    },
  },

  {
    kind: 'scalar',
    name: 'series_fill_forward',
    params: [SERIES, opt('missing_value_placeholder', 'scalar')],
    returns: 'dynamic',
    impl: (args) => (Array.isArray(args[0]) ? fillForward(args[0], missingTest(placeholderArg('series_fill_forward', args, 1))) : null),
  },
  {
    kind: 'scalar',
    name: 'series_fill_backward',
    params: [SERIES, opt('missing_value_placeholder', 'scalar')],
    returns: 'dynamic',
    impl: (args) => (Array.isArray(args[0]) ? fillBackward(args[0], missingTest(placeholderArg('series_fill_backward', args, 1))) : null),
  },
  {
    kind: 'scalar',
    name: 'series_fill_const',
    params: [SERIES, opt('constant_value', 'scalar'), opt('missing_value_placeholder', 'scalar')],
    returns: 'dynamic',
    impl: (args, ctx) => {
      if (!Array.isArray(args[0])) return null;
      const constant = args[1] === undefined ? 0 : scalarInSeries(args[1], ctx, 1);
      return fillConst(args[0], constant, missingTest(placeholderArg('series_fill_const', args, 2)));
    },
  },
  {
    kind: 'scalar',
    name: 'series_fill_linear',
    params: [SERIES, opt('missing_value_placeholder', 'scalar'), opt('fill_edges', ['bool']), opt('constant_value', 'scalar')],
    returns: 'dynamic',
    impl: (args, ctx) => {
      if (!Array.isArray(args[0])) return null;
      // The docs' all-null array fills with 0.0: the default constant is a real.
      const constant = args[3] === undefined ? realToDynamic(0) : scalarInSeries(args[3], ctx, 3);
      return fillLinear(args[0], missingTest(placeholderArg('series_fill_linear', args, 1)), boolArg('series_fill_linear', args, 2, true), constant);
    },
  },

  {
    kind: 'scalar',
    name: 'series_fit_line',
    params: [SERIES],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_fit_line', LINE_PARTS),
    tupleTypes: ['real', 'real', 'real', 'real', 'real', 'dynamic'],
    impl: ([series]) => {
      const s = readFloat64(series ?? null);
      return lineValues(s === null ? null : fitLine(s));
    },
  },
  {
    kind: 'scalar',
    name: 'series_fit_line_dynamic',
    params: [SERIES],
    returns: 'dynamic',
    impl: ([series]) => {
      const s = readFloat64(series ?? null);
      if (s === null) return null;
      const values = lineValues(fitLine(s));
      return Object.fromEntries(LINE_PARTS.map((part, i) => {
        const v = values[i]!;
        return [part, typeof v === 'number' ? realToDynamic(v) : v];
      }));
    },
  },
  {
    kind: 'scalar',
    name: 'series_fit_2lines',
    params: [SERIES],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_fit_2lines', TWO_LINES_PARTS),
    tupleTypes: ['real', 'long', 'real', 'real', 'dynamic', 'real', 'real', 'real', 'real', 'real', 'real', 'real', 'real', 'real', 'real'],
    impl: ([series]) => {
      const s = readFloat64(series ?? null);
      return twoLinesValues(s === null ? null : fitTwoLines(s));
    },
  },
  {
    kind: 'scalar',
    name: 'series_fit_2lines_dynamic',
    params: [SERIES],
    returns: 'dynamic',
    impl: ([series]) => {
      const s = readFloat64(series ?? null);
      if (s === null) return null;
      const fit = fitTwoLines(s);
      if (fit === null) {
        const nulls = { rsquare: null, slope: null, interception: null, variance: null, rvariance: null };
        return { rsquare: null, split_idx: null, variance: null, rvariance: null, line_fit: null, right: nulls, left: { ...nulls } };
      }
      return {
        rsquare: realOrNull(fit.rsquare), split_idx: fit.splitIdx, variance: realOrNull(fit.variance), rvariance: realOrNull(fit.rvariance),
        line_fit: toDynamic(fit.lineFit), right: sideBag(fit.right), left: sideBag(fit.left),
      };
    },
  },
  {
    kind: 'scalar',
    name: 'series_fit_poly',
    params: [{ name: 'y_series', types: ['dynamic'] }, opt('x_series', ['dynamic']), opt('degree', ['int', 'long'])],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_fit_poly', POLY_PARTS),
    tupleTypes: ['real', 'dynamic', 'real', 'real', 'dynamic'],
    impl: (args) => {
      const fn = 'series_fit_poly';
      const y = readFloat64(args[0] ?? null);
      if (y === null) return POLY_PARTS.map(() => null);
      const degree = intArg(fn, args, 2, 1);
      if (degree < 1) throw new KqlError(`${fn}(): degree must be a positive integer, got ${degree}`, 'InvalidArgument');
      let x: Float64Array;
      if (args[1] === undefined || args[1] === null) {
        x = new Float64Array(y.length).map((_, i) => i + 1);
      } else {
        const xs = readFloat64(args[1]);
        if (xs === null || xs.length !== y.length) {
          throw new KqlError(`${fn}(): x_series must be an array of the same length as y_series`, 'InvalidArgument');
        }
        x = xs;
      }
      const fit = fitPoly(y, x, degree);
      if (fit === null) return POLY_PARTS.map(() => null);
      return [fit.rsquare, toReals(fit.coefficients), fit.variance, fit.rvariance, toDynamic(fit.polyFit)];
    },
  },

  {
    kind: 'scalar',
    name: 'series_fir',
    params: [SERIES, { name: 'filter', types: ['dynamic'] }, opt('normalize', ['bool']), opt('center', ['bool'])],
    returns: 'dynamic',
    impl: (args) => {
      const fn = 'series_fir';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return null;
      const filter = coefficients(fn, 'filter', args[1] ?? null);
      const hasNegative = filter.some((v) => v < 0);
      const normalize = boolArg(fn, args, 2, !hasNegative);
      if (normalize) {
        const total = filter.reduce((a, b) => a + b, 0);
        // Normalising a filter with negative coefficients (or a zero sum) is undefined: null (docs).
        if (hasNegative || total === 0) return null;
        for (let k = 0; k < filter.length; k++) filter[k] = filter[k]! / total;
      }
      return toDynamic(fir(s, filter, boolArg(fn, args, 3, false)));
    },
  },
  {
    kind: 'scalar',
    name: 'series_iir',
    params: [SERIES, { name: 'numerators', types: ['dynamic'] }, { name: 'denominators', types: ['dynamic'] }],
    returns: 'dynamic',
    impl: (args) => {
      const fn = 'series_iir';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return null;
      const b = coefficients(fn, 'numerators', args[1] ?? null);
      const a = coefficients(fn, 'denominators', args[2] ?? null);
      if (a[0] === 0) throw new KqlError(`${fn}(): the first denominator coefficient must not be 0`, 'InvalidArgument');
      return toDynamic(iir(s, b, a));
    },
  },

  {
    kind: 'scalar',
    name: 'series_periods_detect',
    params: [SERIES, { name: 'min_period', types: 'numeric' }, { name: 'max_period', types: 'numeric' }, { name: 'num_periods', types: 'numeric' }],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_periods_detect', ['periods', 'scores']),
    impl: (args) => {
      const fn = 'series_periods_detect';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return [null, null];
      const count = intArg(fn, args, 3, 1);
      if (count < 0) throw new KqlError(`${fn}(): num_periods must not be negative, got ${count}`, 'InvalidArgument');
      const r = detectPeriods(s, numberArg(fn, args, 1, 0), numberArg(fn, args, 2, s.length), count);
      return [toReals(r.periods), toReals(r.scores)];
    },
  },
  {
    kind: 'scalar',
    name: 'series_periods_validate',
    params: [SERIES, { name: 'period', types: 'numeric', repeat: true }],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_periods_validate', ['periods', 'scores']),
    impl: (args) => {
      const fn = 'series_periods_validate';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return [null, null];
      if (args.length < 2 || args.length > 17) throw new KqlError(`${fn}(): expects between 1 and 16 periods, got ${args.length - 1}`, 'InvalidArgument');
      const periods = args.slice(1).map((_, i) => numberArg(fn, args, i + 1, 0));
      const r = validatePeriods(s, periods);
      return [toReals(r.periods), toReals(r.scores)];
    },
  },

  {
    kind: 'scalar',
    name: 'series_decompose',
    params: [SERIES, opt('seasonality', 'numeric'), opt('trend', ['string']), opt('test_points', 'numeric'), opt('seasonality_threshold', 'numeric')],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_decompose', DECOMPOSE_PARTS),
    impl: (args) => {
      const fn = 'series_decompose';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return DECOMPOSE_PARTS.map(() => null);
      const parts = decompose(s, {
        seasonality: seasonalityArg(fn, args, 1),
        trend: parseTrend(fn, stringArg(fn, args, 2, 'avg')),
        testPoints: testPointsArg(fn, args, 3),
        seasonalityThreshold: numberArg(fn, args, 4, DEFAULT_SEASONALITY_THRESHOLD),
      });
      return [toDynamic(parts.baseline), toDynamic(parts.seasonal), toDynamic(parts.trend), toDynamic(parts.residual)];
    },
  },
  {
    kind: 'scalar',
    name: 'series_decompose_forecast',
    params: [SERIES, { name: 'points', types: 'numeric' }, opt('seasonality', 'numeric'), opt('trend', ['string']), opt('seasonality_threshold', 'numeric')],
    returns: 'dynamic',
    // The docs define one result, the baseline: fitted over the series and extrapolated over the
    // last `points` elements, which take no part in learning (Kusto.Language types it as a
    // 4-column tuple; ADX returns the single forecast array the docs show).
    impl: (args) => {
      const fn = 'series_decompose_forecast';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return null;
      const points = intArg(fn, args, 1, 0);
      if (points < 0) throw new KqlError(`${fn}(): Points must not be negative, got ${points}`, 'InvalidArgument');
      const parts = decompose(s, {
        seasonality: seasonalityArg(fn, args, 2),
        trend: parseTrend(fn, stringArg(fn, args, 3, 'avg')),
        testPoints: points,
        seasonalityThreshold: numberArg(fn, args, 4, DEFAULT_SEASONALITY_THRESHOLD),
      });
      return toDynamic(parts.baseline);
    },
  },
  {
    kind: 'scalar',
    name: 'series_decompose_anomalies',
    params: [
      SERIES, opt('threshold', 'numeric'), opt('seasonality', 'numeric'), opt('trend', ['string']),
      opt('test_points', 'numeric'), opt('ad_method', ['string']), opt('seasonality_threshold', 'numeric'),
    ],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_decompose_anomalies', ANOMALY_PARTS),
    impl: (args) => {
      const fn = 'series_decompose_anomalies';
      const s = readFloat64(args[0] ?? null);
      if (s === null) return ANOMALY_PARTS.map(() => null);
      const result = decomposeAnomalies(s, {
        threshold: numberArg(fn, args, 1, 1.5),
        seasonality: seasonalityArg(fn, args, 2),
        trend: parseTrend(fn, stringArg(fn, args, 3, 'avg')),
        testPoints: testPointsArg(fn, args, 4),
        method: parseOutlierMethod(fn, stringArg(fn, args, 5, 'ctukey')),
        seasonalityThreshold: numberArg(fn, args, 6, DEFAULT_SEASONALITY_THRESHOLD),
      });
      return [toLongs(result.flags), toDynamic(result.scores), toDynamic(result.baseline)];
    },
  },
  {
    kind: 'scalar',
    name: 'series_seasonal',
    params: [SERIES, opt('period', ['int', 'long'])],
    returns: 'dynamic',
    // The seasonal component alone: per-phase medians over the whole series, the period given or
    // autodetected with score threshold 0.7 (docs); any other period value gives zeros (docs).
    impl: (args) => {
      const fn = 'series_seasonal';
      // Kusto.Language accepts a third integer argument the docs do not describe: refuse it.
      if (args.length > 2) throw new NotSupportedError(`${fn}() with a third argument`);
      const s = readFloat64(args[0] ?? null);
      if (s === null) return null;
      const period = intArg(fn, args, 1, -1);
      if (period === 0 || period < -1) return toDynamic(new Float64Array(s.length));
      const parts = decompose(s, { seasonality: period, trend: 'none', testPoints: 0, seasonalityThreshold: SEASONAL_THRESHOLD });
      return toDynamic(parts.seasonal);
    },
  },
  {
    kind: 'scalar',
    name: 'series_outliers',
    params: [SERIES, opt('kind', ['string']), opt('ignore_val', 'numeric'), opt('min_percentile', 'numeric'), opt('max_percentile', 'numeric')],
    returns: 'dynamic',
    impl: (args) => {
      const fn = 'series_outliers';
      // Kusto.Language accepts a sixth integer argument the docs do not describe: refuse it.
      if (args.length > 5) throw new NotSupportedError(`${fn}() with a sixth argument`);
      const values = readFloat64(args[0] ?? null);
      if (values === null) return null;
      const [low, high] = outlierPercentiles(fn, args);
      const ignore = args[2] === undefined || args[2] === null ? null : numberArg(fn, args, 2, 0);
      // Elements equal to ignore_val are missing: outside the percentiles and scored 0 (docs).
      if (ignore !== null) for (let i = 0; i < values.length; i++) if (values[i] === ignore) values[i] = Number.NaN;
      return toDynamic(tukeyScores(values, low, high));
    },
  },

  {
    kind: 'scalar',
    name: 'series_fft',
    params: [{ name: 'x_real', types: ['dynamic'] }, opt('x_imaginary', ['dynamic'])],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_fft', ['real', 'imag']),
    impl: (args) => transform('series_fft', args, false),
  },
  {
    kind: 'scalar',
    name: 'series_ifft',
    params: [{ name: 'fft_real', types: ['dynamic'] }, opt('fft_imaginary', ['dynamic'])],
    returns: 'dynamic',
    tupleNamesFor: tupleNaming('series_ifft', ['real', 'imag']),
    impl: (args) => transform('series_ifft', args, true),
  },
];

/** A constant argument placed into a series: a real argument stays a real (`0.0` in the docs). */
function scalarInSeries(value: Scalar, ctx: CallContext, index: number): DynamicValue {
  if (typeof value === 'number') return scalarIsReal(ctx, index) ? realToDynamic(value) : value;
  return value as DynamicValue;
}

/** The missing_value_placeholder: null by default; a numeric placeholder matches by value. */
function placeholderArg(fn: string, args: readonly Scalar[], index: number): number | null {
  const raw = args[index];
  if (raw === undefined || raw === null) return null;
  const v = dynamicNumber(raw as DynamicValue);
  if (v === null) throw new KqlError(`${fn}(): missing_value_placeholder must be numeric or null`, 'InvalidArgument');
  return v;
}

/**
 * series_fft/series_ifft: the imaginary part defaults to zeros; both parts must be numeric arrays
 * of the same length (a non-numeric element makes the transform undefined: null results).
 */
function transform(fn: string, args: readonly Scalar[], inverse: boolean): DynamicValue[] {
  const re = readSeries(args[0] ?? null);
  if (re === null) return [null, null];
  const imArg = args[1] === undefined || args[1] === null ? null : readSeries(args[1]);
  if (args[1] !== undefined && args[1] !== null && imArg === null) return [null, null];
  const im = imArg ?? new Array<SeriesElement>(re.length).fill(0);
  if (im.length !== re.length) throw new KqlError(`${fn}(): the real and imaginary arrays must have the same length`, 'InvalidArgument');
  if (!re.every(isPresent) || !im.every(isPresent)) return [null, null];
  const out = dft(re as number[], im as number[], inverse);
  return [toReals(out.re), toReals(out.im)];
}
