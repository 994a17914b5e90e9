// Discrete Fourier transform of any length (series_fft / series_ifft): radix-2 Cooley–Tukey for
// powers of two, Bluestein's chirp-z algorithm (through a power-of-two convolution) otherwise.
// Unnormalised forward transform; the inverse divides by n, as the series_ifft docs state.

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

interface Plan {
  reverse: Int32Array;
  cos: Float64Array;
  sin: Float64Array;
}

// Bit-reversal and twiddle tables per power-of-two size: decomposition runs thousands of
// same-length transforms, and table lookups beat recomputing twiddles by recurrence.
const plans = new Map<number, Plan>();

function planFor(n: number): Plan {
  let plan = plans.get(n);
  if (plan !== undefined) return plan;
  const reverse = new Int32Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    reverse[i] = j;
  }
  const cos = new Float64Array(n >> 1);
  const sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  plan = { reverse, cos, sin };
  plans.set(n, plan);
  return plan;
}

/** In-place iterative radix-2 transform of a power-of-two length; `sign` −1 forward, +1 inverse (unscaled). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  if (n <= 1) return;
  const { reverse, cos, sin } = planFor(n);
  for (let i = 0; i < n; i++) {
    const j = reverse[i]!;
    if (i < j) {
      const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
      const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = cos[t]!;
        const wi = sign * sin[t]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a] = re[a]! + xr; im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * The spectrum X[0..n/2] of a real sequence of power-of-two length n ≥ 4, through one complex
 * transform of length n/2 (even samples as real parts, odd as imaginary): half the work of a
 * complex transform of the zero-imaginary sequence. `scratchRe`/`scratchIm` have length n/2.
 */
export function realSpectrum(x: Float64Array, outRe: Float64Array, outIm: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void {
  const n = x.length;
  const h = n >> 1;
  for (let m = 0; m < h; m++) { scratchRe[m] = x[2 * m]!; scratchIm[m] = x[2 * m + 1]!; }
  radix2(scratchRe, scratchIm, -1);
  const { cos, sin } = planFor(n);
  for (let k = 0; k <= h; k++) {
    const ar = scratchRe[k % h]!, ai = scratchIm[k % h]!;
    const br = scratchRe[(h - k) % h]!, bi = scratchIm[(h - k) % h]!;
    const er = (ar + br) / 2, ei = (ai - bi) / 2;
    const or = (ai + bi) / 2, oi = -(ar - br) / 2;
    const wr = k === h ? -1 : cos[k]!;
    const wi = k === h ? 0 : -sin[k]!;
    outRe[k] = er + wr * or - wi * oi;
    outIm[k] = ei + wr * oi + wi * or;
  }
}

function bluestein(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // Chirp c_k = exp(−sign·iπk²/n); x·conj(c) convolved with c, times conj(c), is the transform.
  // k² is taken mod 2n to keep the angle exact for large k.
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (-sign * Math.PI * ((k * k) % (2 * n))) / n;
    cr[k] = Math.cos(angle); ci[k] = Math.sin(angle);
  }
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k]! * cr[k]! + im[k]! * ci[k]!;
    ai[k] = im[k]! * cr[k]! - re[k]! * ci[k]!;
  }
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = cr[0]!; bi[0] = ci[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k]!;
    bi[k] = bi[m - k] = ci[k]!;
  }
  radix2(ar, ai, -1);
  radix2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  radix2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const r = ar[k]! / m, i = ai[k]! / m;
    re[k] = r * cr[k]! + i * ci[k]!;
    im[k] = i * cr[k]! - r * ci[k]!;
  }
}

/** The DFT of (re, im); inverse = true divides by n. Returns new arrays. */
export function dft(realIn: ArrayLike<number>, imagIn: ArrayLike<number>, inverse: boolean): { re: Float64Array; im: Float64Array } {
  const n = realIn.length;
  const re = Float64Array.from(realIn);
  const im = Float64Array.from(imagIn);
  if (n > 1) {
    const sign = inverse ? 1 : -1;
    if (isPowerOfTwo(n)) radix2(re, im, sign);
    else bluestein(re, im, sign);
  }
  if (inverse && n > 0) for (let k = 0; k < n; k++) { re[k] = re[k]! / n; im[k] = im[k]! / n; }
  return { re, im };
}
