// Least-squares fitting: one line (series_fit_line), two lines split at the best index
// (series_fit_2lines) and a polynomial (series_fit_poly).
//
// ADX's x axis for evenly spaced series is 1, 2, ..., n (checked against the series_fit_line docs
// example: interception −1.666 with line_fit[0] = 1.064 = −1.666 + 2.730·1). Variances use the
// n − 1 denominator: the docs example's variance 98.628 and rvariance 1.686 are Σ(y−ȳ)²/(n−1)
// and Σ(y−ŷ)²/(n−1). Missing elements (NaN) take no part in a fit but still get a fitted value.

export interface LineFit {
  rsquare: number;
  slope: number;
  variance: number;
  rvariance: number;
  interception: number;
  lineFit: Float64Array;
}

interface Sums { count: number; sx: number; sy: number; sxx: number; sxy: number; syy: number }

function sumsOver(y: Float64Array, from: number, to: number): Sums {
  const s: Sums = { count: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const x = i + 1;
    s.count++; s.sx += x; s.sy += v; s.sxx += x * x; s.sxy += x * v; s.syy += v * v;
  }
  return s;
}

interface SegmentFit { slope: number; interception: number; sst: number; sse: number; count: number }

/** The regression line of y[from..to) over x = index + 1, from running sums (O(1) per segment). */
function fitFromSums(s: Sums): SegmentFit | null {
  if (s.count < 2) return null;
  const n = s.count;
  const sxxc = s.sxx - (s.sx * s.sx) / n;
  const sxyc = s.sxy - (s.sx * s.sy) / n;
  const sst = Math.max(0, s.syy - (s.sy * s.sy) / n);
  const slope = sxxc === 0 ? 0 : sxyc / sxxc;
  const interception = (s.sy - slope * s.sx) / n;
  const sse = Math.max(0, sst - slope * sxyc);
  return { slope, interception, sst, sse, count: n };
}

/** R² of a fit; a constant segment fitted exactly counts as a perfect fit. */
function rsquareOf(sse: number, sst: number): number {
  if (sst <= 0) return 1;
  return Math.max(0, Math.min(1, 1 - sse / sst));
}

/** Residual sum of squares computed directly (the running-sums form loses precision). */
function exactSse(y: Float64Array, from: number, to: number, slope: number, interception: number): { sse: number; sst: number } {
  let mean = 0;
  let count = 0;
  for (let i = from; i < to; i++) if (!Number.isNaN(y[i]!)) { mean += y[i]!; count++; }
  mean /= count;
  let sse = 0;
  let sst = 0;
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    sse += (v - (slope * (i + 1) + interception)) ** 2;
    sst += (v - mean) ** 2;
  }
  return { sse, sst };
}

/** series_fit_line; null when fewer than two elements are present. */
export function fitLine(y: Float64Array): LineFit | null {
  const fit = fitFromSums(sumsOver(y, 0, y.length));
  if (fit === null) return null;
  const { sse, sst } = exactSse(y, 0, y.length, fit.slope, fit.interception);
  const lineFit = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) lineFit[i] = fit.slope * (i + 1) + fit.interception;
  return {
    rsquare: rsquareOf(sse, sst),
    slope: fit.slope,
    variance: sst / (fit.count - 1),
    rvariance: sse / (fit.count - 1),
    interception: fit.interception,
    lineFit,
  };
}

export interface SideFit { rsquare: number; slope: number; interception: number; variance: number; rvariance: number }

export interface TwoLinesFit {
  rsquare: number;
  splitIdx: number;
  variance: number;
  rvariance: number;
  lineFit: Float64Array;
  right: SideFit;
  left: SideFit;
}

function sideFit(y: Float64Array, from: number, to: number, fit: SegmentFit): SideFit {
  const { sse, sst } = exactSse(y, from, to, fit.slope, fit.interception);
  return {
    rsquare: rsquareOf(sse, sst),
    slope: fit.slope,
    interception: fit.interception,
    variance: sst / (fit.count - 1),
    rvariance: sse / (fit.count - 1),
  };
}

/**
 * series_fit_2lines: the left line covers indexes [0, split_idx), the right line [split_idx, n);
 * each needs at least two present elements. The split maximising the total R² (equivalently,
 * minimising the summed squared residuals) wins; ties go to the earliest split. Both lines are
 * expressed over the same global x = index + 1, so line_fit is one piecewise-linear series.
 * Null when no split is possible (fewer than four present elements).
 */
export function fitTwoLines(y: Float64Array): TwoLinesFit | null {
  const n = y.length;
  const total = sumsOver(y, 0, n);
  if (total.count < 4) return null;
  const totalMean = total.sy / total.count;
  let sst = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(y[i]!)) sst += (y[i]! - totalMean) ** 2;

  // Prefix sums make every candidate split O(1).
  const left: Sums = { count: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 };
  let best: { split: number; sse: number; l: SegmentFit; r: SegmentFit } | null = null;
  for (let split = 1; split < n; split++) {
    const v = y[split - 1]!;
    if (!Number.isNaN(v)) {
      const x = split;
      left.count++; left.sx += x; left.sy += v; left.sxx += x * x; left.sxy += x * v; left.syy += v * v;
    }
    const right: Sums = {
      count: total.count - left.count, sx: total.sx - left.sx, sy: total.sy - left.sy,
      sxx: total.sxx - left.sxx, sxy: total.sxy - left.sxy, syy: total.syy - left.syy,
    };
    const l = fitFromSums(left);
    const r = fitFromSums(right);
    if (l === null || r === null) continue;
    const sse = l.sse + r.sse;
    if (best === null || sse < best.sse - 1e-12 * Math.max(1, sst)) best = { split, sse, l, r };
  }
  if (best === null) return null;
  const leftSide = sideFit(y, 0, best.split, best.l);
  const rightSide = sideFit(y, best.split, n, best.r);
  const lineFit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = i < best.split ? best.l : best.r;
    lineFit[i] = f.slope * (i + 1) + f.interception;
  }
  let sse = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(y[i]!)) sse += (y[i]! - lineFit[i]!) ** 2;
  return {
    rsquare: rsquareOf(sse, sst),
    splitIdx: best.split,
    variance: sst / (total.count - 1),
    rvariance: sse / (total.count - 1),
    lineFit,
    right: rightSide,
    left: leftSide,
  };
}

export interface PolyFit {
  rsquare: number;
  /** Highest power first, as ADX lists them. */
  coefficients: number[];
  variance: number;
  rvariance: number;
  polyFit: Float64Array;
}

/**
 * series_fit_poly: least squares through the normal equations, solved by Gaussian elimination
 * with partial pivoting. x values are centred and scaled before building the equations so that
 * degrees up to ~6 stay well conditioned; coefficients are mapped back to raw x afterwards.
 * Pairs where either x or y is missing are skipped. Null when there are fewer points than
 * coefficients or the system is singular (all x equal).
 */
export function fitPoly(y: Float64Array, x: Float64Array, degree: number): PolyFit | null {
  const n = y.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i]!) || Number.isNaN(x[i]!)) continue;
    xs.push(x[i]!); ys.push(y[i]!);
  }
  const m = xs.length;
  const k = degree + 1;
  if (m < k) return null;
  const xMean = xs.reduce((a, b) => a + b, 0) / m;
  const xScale = Math.max(...xs.map((v) => Math.abs(v - xMean))) || 1;
  const u = xs.map((v) => (v - xMean) / xScale);
  // Normal equations A c = b over the scaled variable u.
  const a: number[][] = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < m; i++) {
    const powers = [1];
    for (let p = 1; p <= 2 * degree; p++) powers.push(powers[p - 1]! * u[i]!);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r]![c]! += powers[r + c]!;
      a[r]![k]! += powers[r]! * ys[i]!;
    }
  }
  const scaled = solve(a);
  if (scaled === null) return null;
  // Expand Σ c_j ((x − μ)/s)^j into powers of x.
  const raw = new Array<number>(k).fill(0);
  for (let j = 0; j < k; j++) {
    const cj = scaled[j]! / xScale ** j;
    for (let t = 0; t <= j; t++) raw[t]! += cj * binomial(j, t) * (-xMean) ** (j - t);
  }
  const evaluate = (xv: number) => {
    let acc = 0;
    for (let p = k - 1; p >= 0; p--) acc = acc * xv + raw[p]!;
    return acc;
  };
  const yMean = ys.reduce((s, v) => s + v, 0) / m;
  let sst = 0;
  let sse = 0;
  for (let i = 0; i < m; i++) {
    sst += (ys[i]! - yMean) ** 2;
    sse += (ys[i]! - evaluate(xs[i]!)) ** 2;
  }
  const polyFit = new Float64Array(n);
  for (let i = 0; i < n; i++) polyFit[i] = Number.isNaN(x[i]!) ? Number.NaN : evaluate(x[i]!);
  return {
    rsquare: rsquareOf(sse, sst),
    coefficients: raw.slice().reverse(),
    variance: m > 1 ? sst / (m - 1) : 0,
    rvariance: m > 1 ? sse / (m - 1) : 0,
    polyFit,
  };
}

function binomial(n: number, r: number): number {
  let out = 1;
  for (let i = 1; i <= r; i++) out = (out * (n - r + i)) / i;
  return out;
}

/** Solves the augmented system in place; null when singular. */
function solve(a: number[][]): number[] | null {
  const k = a.length;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}
