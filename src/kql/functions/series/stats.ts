// Descriptive statistics over Float64Arrays where NaN marks a missing element.

/** The present (non-NaN) values among the first `end` elements, in input order. */
export function presentValues(values: Float64Array, end = values.length): Float64Array {
  let count = 0;
  for (let i = 0; i < end; i++) if (!Number.isNaN(values[i]!)) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < end; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) out[k++] = v;
  }
  return out;
}

/**
 * The p-th percentile (0..100), interpolating linearly between the closest ranks
 * (rank = p/100·(n − 1)), by selection rather than sorting (O(n)): a series' two Tukey
 * percentiles cost two partial passes instead of a full sort. Reorders `values` (no NaN allowed).
 */
export function selectPercentile(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const atLo = selectKth(values, lo);
  if (rank === lo || lo + 1 >= n) return atLo;
  // After selection every element right of `lo` is ≥ it; the next order statistic is their minimum.
  let next = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (values[i]! < next) next = values[i]!;
  return atLo + (rank - lo) * (next - atLo);
}

/** Hoare-style quickselect: places the k-th smallest at index k, smaller left, larger right. */
function selectKth(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!; a[i] = a[j]!; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
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
