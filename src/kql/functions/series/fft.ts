// Discrete Fourier transform of any length (series_fft / series_ifft): radix-2 Cooley–Tukey for
// powers of two, Bluestein's chirp-z algorithm (through a power-of-two convolution) otherwise.
// Unnormalised forward transform; the inverse divides by n, as the series_ifft docs state.

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** In-place iterative radix-2 transform; `sign` −1 forward, +1 inverse (unscaled). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (sign * 2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < n; start += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = start + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr; im[b] = im[a]! - ti;
        re[a] = re[a]! + tr; im[a] = im[a]! + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

function bluestein(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // Chirp w_k = exp(sign·iπk²/n); k² taken mod 2n keeps the angle exact for large k.
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (sign * Math.PI * ((k * k) % (2 * n))) / n;
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
