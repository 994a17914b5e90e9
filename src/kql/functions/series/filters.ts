// Linear filters: series_fir (finite impulse response) and series_iir (infinite impulse response).
// Both start from zero initial conditions, as a streaming filter does: samples before the first
// element count as 0 (so a 5-point moving average ramps up over the first four outputs).

/**
 * y[i] = Σ_k filter[k] · x[i − k]. With `center`, the output is advanced by ⌊(m − 1)/2⌋ samples so
 * a symmetric filter stays aligned with the series (the docs' "group delay" of (5 − 1)/2 = 2 for a
 * 5-point average); samples past the end count as 0 as well. A window touching a missing element
 * (NaN) yields NaN: the filtered value is unknown.
 */
export function fir(x: Float64Array, filter: Float64Array, center: boolean): Float64Array {
  const n = x.length;
  const m = filter.length;
  const shift = center ? Math.floor((m - 1) / 2) : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = i + shift;
    let acc = 0;
    for (let k = 0; k < m; k++) {
      const j = at - k;
      if (j < 0 || j >= n) continue;
      acc += filter[k]! * x[j]!;
    }
    out[i] = acc;
  }
  return out;
}

/**
 * a[0]·y[n] = Σ_k b[k]·x[n − k] − Σ_{k≥1} a[k]·y[n − k]. A missing input (NaN) makes every output
 * that depends on it NaN: its window, and through the feedback everything after it.
 */
export function iir(x: Float64Array, numerator: Float64Array, denominator: Float64Array): Float64Array {
  const n = x.length;
  const a0 = denominator[0]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < numerator.length && k <= i; k++) acc += numerator[k]! * x[i - k]!;
    for (let k = 1; k < denominator.length && k <= i; k++) acc -= denominator[k]! * out[i - k]!;
    out[i] = acc / a0;
  }
  return out;
}
