// Seeded randomness for the simulator. sfc32 (Chris Doty-Humphrey's Small Fast Counting
// generator, 32-bit state words) passes PractRand to large sizes, is a few lines long and
// runs on plain int32 arithmetic, which keeps generation fast and byte-for-byte reproducible
// on every JS engine. Math.random is never used: the same seed must give the same files.

/** FNV-1a over a string: turns stream labels ("baseline/backup") into seed material. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32: spreads a small seed over all bits so that seeds 1 and 2 give unrelated streams. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number, label = '') {
    const mix = splitmix32((seed ^ hashString(label)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    // sfc32's own recommendation: discard the first outputs so the state is well mixed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** An independent stream for a sub-task: streams do not shift when another task draws more. */
  fork(label: string): Rng {
    return new Rng(this.nextUint32(), label);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Marsaglia polar method; keeps the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Lognormal with the given median and shape sigma (log-space standard deviation). */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto (type I) with minimum xm and tail index alpha: P(X > x) = (xm / x)^alpha. */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha);
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /**
   * Poisson count. Knuth's product method for small means; a rounded normal approximation
   * above 30, where the difference is invisible in event counts and the loop would be slow.
   */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Lower-case hex string of n digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.nextUint32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}
