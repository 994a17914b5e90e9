// Period detection (series_periods_detect, series_periods_validate, and series_decompose's
// automatic seasonality). ADX does not publish its algorithm; docs/series.md explains this one.
//
// 1. Prepare: remove the least-squares line (a trend correlates with itself at every lag) and
//    replace the values by their centred ranks (see prepare).
// 2. Score: r(p) = Σ_{i<n−p} d_i·d_{i+p} / Σ d_i² · √(n/(n − p)), the geometric mean of the biased
//    and unbiased autocorrelation estimates, clamped to [0, 1]. An exactly periodic series scores
//    about √((n − p)/n): a pattern seen over many cycles scores near 1, one seen twice ~0.7. (On
//    the docs' example this gives 0.83 where ADX reports 0.84.)
// 3. Candidates: local maxima of r within [min_period, max_period] ∩ [4, n/2] (the docs' limits)
//    scoring at least MIN_SCORE and rising at least MIN_PROMINENCE above the lowest r between half
//    the period and the period (a real pattern is out of phase half-way; a bump on a smoothly
//    decaying r is not).
// 4. Harmonic echoes: a candidate within one bin of a multiple of another local maximum (even one
//    below 4, such as a day/night alternation) is dropped unless it scores MULTIPLE_MARGIN more,
//    as a weekly period does over a daily one in hourly data.
// 5. Refinement of each accepted peak against a tilted r (refinePeak).
import { realSpectrum } from './fft.js';

export const MIN_DETECTABLE_PERIOD = 4;
const MULTIPLE_MARGIN = 0.1;
const MIN_SCORE = 0.1;
const MIN_PROMINENCE = 0.2;

export interface PeriodsResult {
  periods: number[];
  scores: number[];
}

/**
 * The ranks of the detrended series, centred on 0 (ties share their average rank; missing
 * elements sit at the centre); null when fewer than two elements are present or nothing varies.
 * Correlating ranks (Spearman's rather than Pearson's autocorrelation) keeps a few anomalies —
 * the very spikes anomaly detection looks for — from swamping a seasonality with their energy
 * or faking one when two happen to lie p bins apart, and makes the score independent of scale.
 */
function prepare(x: Float64Array): Float64Array | null {
  const n = x.length;
  let count = 0;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) continue;
    count++; sx += i; sy += v; sxx += i * i; sxy += i * v;
  }
  if (count < 2) return null;
  const denom = count * sxx - sx * sx;
  const slope = denom === 0 ? 0 : (count * sxy - sx * sy) / denom;
  const intercept = (sy - slope * sx) / count;
  const detrended = new Float64Array(n);
  const order = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) continue;
    detrended[i] = v - (slope * i + intercept);
    order[k++] = i;
  }
  sortIndexes(order, detrended);
  // Values equal up to rounding are ties: a flat series must rank flat whatever the detrending left.
  const tolerance = 1e-12 * (Math.abs(detrended[order[0]!]!) + Math.abs(detrended[order[count - 1]!]!) + Math.abs(sy / count));
  const centre = (count - 1) / 2;
  const d = new Float64Array(n);
  let energy = 0;
  for (let first = 0; first < count;) {
    let last = first;
    while (last + 1 < count && detrended[order[last + 1]!]! - detrended[order[first]!]! <= tolerance) last++;
    const rank = (first + last) / 2 - centre;
    for (let j = first; j <= last; j++) d[order[j]!] = rank;
    energy += rank * rank * (last - first + 1);
    first = last + 1;
  }
  return energy > 0 ? d : null;
}

/** Sorts `indexes` by `keys[index]` ascending: quicksort with insertion sort for short runs, no comparator calls. */
function sortIndexes(indexes: Int32Array, keys: Float64Array, from = 0, to = indexes.length - 1): void {
  while (to - from > 16) {
    const pivot = keys[indexes[(from + to) >> 1]!]!;
    let i = from;
    let j = to;
    while (i <= j) {
      while (keys[indexes[i]!]! < pivot) i++;
      while (keys[indexes[j]!]! > pivot) j--;
      if (i <= j) {
        const t = indexes[i]!; indexes[i] = indexes[j]!; indexes[j] = t;
        i++; j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: O(log n) stack.
    if (j - from < to - i) { sortIndexes(indexes, keys, from, j); from = i; } else { sortIndexes(indexes, keys, i, to); to = j; }
  }
  for (let i = from + 1; i <= to; i++) {
    const index = indexes[i]!;
    const key = keys[index]!;
    let j = i - 1;
    while (j >= from && keys[indexes[j]!]! > key) { indexes[j + 1] = indexes[j]!; j--; }
    indexes[j + 1] = index;
  }
}

interface Buffers { padded: Float64Array; re: Float64Array; im: Float64Array; scratchRe: Float64Array; scratchIm: Float64Array }

// Scratch arrays per transform size, reused across calls: decomposing thousands of same-length
// series otherwise spends its time allocating and collecting them. (Calls never nest.)
const buffers = new Map<number, Buffers>();
const MAX_CACHED_SIZE = 1 << 16;

function buffersFor(size: number): Buffers {
  let b = buffers.get(size);
  if (b === undefined) {
    const half = size >> 1;
    b = {
      padded: new Float64Array(size), re: new Float64Array(half + 1), im: new Float64Array(half + 1),
      scratchRe: new Float64Array(half), scratchIm: new Float64Array(half),
    };
    // Keep only modest sizes: a one-off huge series should not pin its buffers forever.
    if (size <= MAX_CACHED_SIZE) buffers.set(size, b);
  }
  return b;
}

/**
 * Σ_{i<n−lag} d_i·d_{i+lag} for every lag in [0, maxLag]. Through the power spectrum (zero-padded
 * to a power of two ≥ n + maxLag, so no lag wraps around) when the direct sums would cost more;
 * decomposing 10k series of 336 points spends most of its time here.
 */
function lagProducts(d: Float64Array, maxLag: number): Float64Array {
  const n = d.length;
  const out = new Float64Array(maxLag + 1);
  if (n * (maxLag + 1) <= 4096) {
    for (let lag = 0; lag <= maxLag; lag++) {
      let acc = 0;
      for (let i = 0, j = lag; j < n; i++, j++) acc += d[i]! * d[j]!;
      out[lag] = acc;
    }
    return out;
  }
  let size = 4;
  while (size < n + maxLag) size <<= 1;
  const half = size >> 1;
  const { padded, re, im, scratchRe, scratchIm } = buffersFor(size);
  padded.fill(0);
  padded.set(d);
  realSpectrum(padded, re, im, scratchRe, scratchIm);
  // The power spectrum is real and even, so its inverse transform is its (real) forward one.
  for (let k = 0; k <= half; k++) {
    const power = re[k]! * re[k]! + im[k]! * im[k]!;
    padded[k] = power;
    if (k > 0 && k < half) padded[size - k] = power;
  }
  realSpectrum(padded, re, im, scratchRe, scratchIm);
  for (let lag = 0; lag <= maxLag; lag++) out[lag] = re[lag]! / size;
  return out;
}

/**
 * r(lag) from the lag product: the geometric mean of the biased (÷ n) and unbiased (÷ (n − lag))
 * estimates, i.e. Σ/E · √(n/(n − lag)).
 */
function normalise(product: number, energy: number, n: number, lag: number): number {
  return (product / energy) * Math.sqrt(n / (n - lag));
}

/** r(lag) for a prepared series, unclamped. */
function autocorrelation(d: Float64Array, energy: number, lag: number): number {
  const n = d.length;
  let acc = 0;
  for (let i = 0, j = lag; j < n; i++, j++) acc += d[i]! * d[j]!;
  return normalise(acc, energy, n, lag);
}

function energyOf(d: Float64Array): number {
  let e = 0;
  for (let i = 0; i < d.length; i++) e += d[i]! * d[i]!;
  return e;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** The detectable integer lag range for a series of length n within [minPeriod, maxPeriod]. */
function lagRange(n: number, minPeriod: number, maxPeriod: number): [number, number] {
  return [Math.max(MIN_DETECTABLE_PERIOD, Math.ceil(minPeriod)), Math.min(Math.floor(maxPeriod), Math.floor(n / 2))];
}

/** The best periods, best first; padded with period 0 / score 0 to `numPeriods` entries. */
export function detectPeriods(x: Float64Array, minPeriod: number, maxPeriod: number, numPeriods: number): PeriodsResult {
  const found = candidatePeriods(x, minPeriod, maxPeriod, numPeriods);
  const periods = found.map((c) => c.period);
  const scores = found.map((c) => c.score);
  while (periods.length < numPeriods) { periods.push(0); scores.push(0); }
  return { periods, scores };
}

/** The single best period with its score, or null (used by series_decompose's autodetection). */
export function bestPeriod(x: Float64Array): { period: number; score: number } | null {
  return candidatePeriods(x, MIN_DETECTABLE_PERIOD, x.length / 2, 1)[0] ?? null;
}

function candidatePeriods(x: Float64Array, minPeriod: number, maxPeriod: number, numPeriods: number): { period: number; score: number }[] {
  if (numPeriods <= 0) return [];
  const n = x.length;
  const [lo, hi] = lagRange(n, minPeriod, maxPeriod);
  if (lo > hi) return [];
  const d = prepare(x);
  if (d === null) return [];
  const e = energyOf(d);
  // r from lag 1: peaks below the reportable range still explain echoes inside it (a day/night
  // alternation of period 2 makes every even lag a local maximum).
  const last = Math.min(hi + 1, n - 1);
  const r = lagProducts(d, last);
  for (let lag = 1; lag <= last; lag++) r[lag] = normalise(r[lag]!, e, n, lag);
  const peaks: { period: number; score: number }[] = [];
  for (let lag = 2; lag <= hi; lag++) {
    const here = r[lag]!;
    const after = lag + 1 <= last ? r[lag + 1]! : Number.NEGATIVE_INFINITY;
    if (!(here > r[lag - 1]! && here >= after)) continue;
    // A genuine period's correlation falls between lag 0 and the period (the pattern is out of
    // phase half-way); a bump on a smoothly decaying r (a ramp, an edge effect) does not.
    let trough = here;
    for (let q = Math.ceil(lag / 2); q < lag; q++) trough = Math.min(trough, r[q]!);
    if (here - trough < MIN_PROMINENCE) continue;
    peaks.push({ period: lag, score: clamp01(here) });
  }
  const candidates = peaks.filter((p) => p.period >= lo && p.score >= MIN_SCORE);
  candidates.sort((a, b) => b.score - a.score || a.period - b.period);
  const accepted: { period: number; score: number }[] = [];
  for (const c of candidates) {
    const echo = peaks.some((other) => other !== c && isMultiple(c.period, other.period) && other.score >= c.score - MULTIPLE_MARGIN);
    if (echo) continue;
    const period = refinePeak(r, c.period, lo, hi);
    if (accepted.some((a) => a.period === period)) continue;
    accepted.push({ period, score: clamp01(r[period]!) });
    if (accepted.length === numPeriods) break;
  }
  return accepted;
}

/**
 * A slowly varying component (a weekday/weekend level shift under a daily cycle) tilts r and moves
 * its local maxima off the true period. Around a local maximum at `lag`, the period is taken
 * where r stands highest above the straight line through r half a period either side: a linear
 * tilt cancels out of that difference, the periodic peak does not.
 */
function refinePeak(r: Float64Array, lag: number, lo: number, hi: number): number {
  const last = r.length - 1;
  const reach = Math.max(1, Math.round(lag * 0.1));
  let best = lag;
  let bestLift = Number.NEGATIVE_INFINITY;
  for (let p = Math.max(lo, lag - reach); p <= Math.min(hi, lag + reach); p++) {
    const h = Math.round(p / 2);
    // Without r half a period beyond, the tilt cannot be measured: keep the local maximum.
    if (p + h > last) return lag;
    const lift = r[p]! - (r[p - h]! + r[p + h]!) / 2;
    if (lift > bestLift) { bestLift = lift; best = p; }
  }
  return best;
}

/** `period` is within one bin of k·base for some k ≥ 2. */
function isMultiple(period: number, base: number): boolean {
  const k = Math.round(period / base);
  return k >= 2 && Math.abs(period - k * base) <= 1;
}

/**
 * series_periods_validate: the score of each given period (fractional periods interpolate r
 * between the neighbouring lags); 0 for a period outside the detectable range [4, n/2].
 */
export function validatePeriods(x: Float64Array, periods: readonly number[]): PeriodsResult {
  const n = x.length;
  const d = prepare(x);
  const e = d === null ? 0 : energyOf(d);
  const scores = periods.map((p) => {
    if (d === null || !(p >= MIN_DETECTABLE_PERIOD && p <= n / 2)) return 0;
    const lo = Math.floor(p);
    const frac = p - lo;
    const rLo = autocorrelation(d, e, lo);
    const value = frac === 0 ? rLo : rLo + frac * (autocorrelation(d, e, lo + 1) - rLo);
    return clamp01(value);
  });
  return { periods: periods.slice(), scores };
}
