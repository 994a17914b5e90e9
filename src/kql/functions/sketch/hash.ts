// 64-bit value hashes for the cardinality sketch, as two independent 32-bit MurmurHash3
// words (different seeds). JS has no fast 64-bit integer arithmetic, and two 32-bit words
// give the sketch all the hash bits it needs: a register index and a 64-p bit rank.
//
// The hash of a value depends only on the value, not on the column it came from, so
// sketches built from int and long columns (or merged with hll_merge) agree.

const SEED_HIGH = 0x9747b28c;
const SEED_LOW = 0x5bd1e995;

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalMix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 64-bit hash: `high` picks the register and the first rank bits, `low` the rest. */
export interface Hash64 {
  high: number;
  low: number;
}

const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);

/** Numbers hash by their double bits; -0 hashes as 0 (they are equal values). */
export function hashNumber(x: number, out: Hash64): void {
  f64[0] = x === 0 ? 0 : x;
  const a = words[0]!, b = words[1]!;
  out.high = finalMix(mixBlock(mixBlock(SEED_HIGH, a), b), 8);
  out.low = finalMix(mixBlock(mixBlock(SEED_LOW, a), b), 8);
}

/** A datetime/timespan as (milliseconds, sub-millisecond ticks). */
export function hashTicks(ms: number, sub: number, out: Hash64): void {
  f64[0] = ms === 0 ? 0 : ms;
  const a = words[0]!, b = words[1]!;
  out.high = finalMix(mixBlock(mixBlock(mixBlock(SEED_HIGH, a), b), sub), 12);
  out.low = finalMix(mixBlock(mixBlock(mixBlock(SEED_LOW, a), b), sub), 12);
}

/** Strings hash their UTF-16 code units, two per block. */
export function hashString(s: string, out: Hash64): void {
  let h1 = SEED_HIGH, h2 = SEED_LOW;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h1 = mixBlock(h1, k);
    h2 = mixBlock(h2, k);
  }
  if (i < n) {
    // A lone trailing unit: mixed without the rotate so "ab" and "a\0b"-like inputs differ.
    const k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    h1 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h2 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  }
  out.high = finalMix(h1, n * 2);
  out.low = finalMix(h2, n * 2);
}

/**
 * The hash squeezed into one exactly representable double (53 bits): all 32 `high` bits and
 * the top 21 `low` bits. This is what the sketch's exact (sparse) mode stores; the dropped
 * low bits only matter for ranks beyond 64-p-11, which occur with probability 2^-(53-p).
 */
export function packHash(h: Hash64): number {
  return h.high * 2097152 + (h.low >>> 11);
}

export function unpackHash(key: number, out: Hash64): void {
  const high = Math.floor(key / 2097152);
  out.high = high >>> 0;
  out.low = ((key - high * 2097152) << 11) >>> 0;
}
