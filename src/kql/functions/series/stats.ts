// Descriptive statistics over Float64Arrays where NaN marks a missing element.

/** The p-th percentile (0..100) of sorted values, interpolating linearly between closest ranks. */
export function percentileOfSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0]!;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The present (non-NaN) values among the first `end` elements, sorted ascending. */
export function sortedPresent(values: Float64Array, end = values.length): Float64Array {
  let count = 0;
  for (let i = 0; i < end; i++) if (!Number.isNaN(values[i]!)) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < end; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) out[k++] = v;
  }
  return out.sort();
}

export function median(sortedValues: Float64Array): number {
  return percentileOfSorted(sortedValues, 50);
}

/** Mean of the present values among the first `end`; NaN when there are none. */
export function meanPresent(values: Float64Array, end = values.length): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < end; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) { sum += v; count++; }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Sample variance (n − 1 denominator, as ADX's variance()); 0 for a single value. */
export function sampleVariance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return ss / (n - 1);
}
