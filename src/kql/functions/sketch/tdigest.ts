// Percentile estimation for percentile(s)/percentilew(s)/percentiles_array, tdigest() and
// tdigest_merge().
//
// ADX defines percentiles by nearest rank (the smallest value with at least P% of the
// population at or below it; P=0 is the minimum) and estimates them with a t-digest whose
// rank error is at most 1% (at the median; exact at 0 and 100). We follow the definition
// exactly while a group is small: the first EXACT_LIMIT values are kept as they are, and
// percentiles over them are the exact nearest-rank values. Beyond that the values are folded
// into a merging t-digest (Dunning & Ertl, k1 scale function, compression 200), whose rank
// error is well under ADX's 1% bound; the estimate interpolates between centroid means, so
// (as ADX warns) it need not be a member of the population. min and max stay exact.
//
// Serialised form (tdigest() results; not interchangeable with ADX's encoding):
//   {"kqlhunt_tdigest": 1, "min": m, "max": M, "centroids": [[mean, weight], ...]}

import { KqlError, type DynamicValue } from '../../types.js';

export const EXACT_LIMIT = 10000;
export const COMPRESSION = 200;
const BUFFER_LIMIT = 10000;

export class TDigest {
  /** Pending values (and weights) not yet merged into the centroids. */
  private bufferValues = new Float64Array(64);
  private bufferWeights = new Float64Array(64);
  private bufferLength = 0;
  /** Sorted by mean. Empty while the digest is still exact. */
  private means: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);
  private exact = true;
  min = Infinity;
  max = -Infinity;
  totalWeight = 0;

  get isEmpty(): boolean {
    return this.totalWeight === 0;
  }

  add(value: number, weight: number): void {
    if (this.bufferLength === this.bufferValues.length) this.growBuffer();
    this.bufferValues[this.bufferLength] = value;
    this.bufferWeights[this.bufferLength] = weight;
    this.bufferLength++;
    this.totalWeight += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.exact ? this.bufferLength > EXACT_LIMIT : this.bufferLength >= BUFFER_LIMIT) {
      this.exact = false;
      this.compress();
    }
  }

  private growBuffer(): void {
    const n = this.bufferValues.length * 2;
    const v = new Float64Array(n), w = new Float64Array(n);
    v.set(this.bufferValues);
    w.set(this.bufferWeights);
    this.bufferValues = v;
    this.bufferWeights = w;
  }

  merge(other: TDigest): void {
    const { means, weights } = other.centroidsView();
    for (let i = 0; i < means.length; i++) this.add(means[i]!, weights[i]!);
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    if (!other.exact && this.exact) {
      this.exact = false;
      this.compress();
    }
  }

  /** All mass as sorted (mean, weight) pairs: the raw values while exact. */
  private centroidsView(): { means: Float64Array; weights: Float64Array } {
    if (this.bufferLength > 0) this.sortBufferIntoCentroids(!this.exact);
    return { means: this.means, weights: this.weights };
  }

  private compress(): void {
    this.sortBufferIntoCentroids(true);
  }

  /** Merges the buffer into the centroids; with `fold`, adjacent items merge under the k1 size bound. */
  private sortBufferIntoCentroids(fold: boolean): void {
    const n = this.means.length + this.bufferLength;
    const order = new Int32Array(n);
    const allMeans = new Float64Array(n), allWeights = new Float64Array(n);
    allMeans.set(this.means);
    allWeights.set(this.weights);
    allMeans.set(this.bufferValues.subarray(0, this.bufferLength), this.means.length);
    allWeights.set(this.bufferWeights.subarray(0, this.bufferLength), this.means.length);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => allMeans[a]! - allMeans[b]!);
    this.bufferLength = 0;
    const outMeans = new Float64Array(n), outWeights = new Float64Array(n);
    let count = 0;
    if (!fold) {
      for (let i = 0; i < n; i++) { outMeans[i] = allMeans[order[i]!]!; outWeights[i] = allWeights[order[i]!]!; }
      count = n;
    } else {
      const total = this.totalWeight;
      let weightSoFar = 0;
      let limit = total * kInverse(kScale(0) + 1);
      let mean = allMeans[order[0]!]!, weight = allWeights[order[0]!]!;
      for (let i = 1; i < n; i++) {
        const m = allMeans[order[i]!]!, w = allWeights[order[i]!]!;
        if (weightSoFar + weight + w <= limit) {
          weight += w;
          mean += ((m - mean) * w) / weight;
        } else {
          outMeans[count] = mean;
          outWeights[count] = weight;
          count++;
          weightSoFar += weight;
          limit = total * kInverse(kScale(weightSoFar / total) + 1);
          mean = m;
          weight = w;
        }
      }
      outMeans[count] = mean;
      outWeights[count] = weight;
      count++;
    }
    this.means = outMeans.slice(0, count);
    this.weights = outWeights.slice(0, count);
  }

  /**
   * The nearest-rank P-th percentile (0 <= P <= 100): exact while the digest is exact,
   * otherwise interpolated between centroids. NaN for an empty digest.
   */
  percentile(p: number): number {
    if (this.totalWeight === 0) return NaN;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const { means, weights } = this.centroidsView();
    const rank = (p / 100) * this.totalWeight;
    if (this.exact) {
      // Smallest value whose cumulative weight reaches the rank. Small epsilon guards
      // rank computations like 0.29 * 100 = 28.999999999999996.
      let cumulative = 0;
      for (let i = 0; i < means.length; i++) {
        cumulative += weights[i]!;
        if (cumulative >= rank - 1e-9 * this.totalWeight) return means[i]!;
      }
      return this.max;
    }
    // Each centroid's mass is centred on its mean; interpolate between neighbouring centres.
    let cumulative = 0;
    for (let i = 0; i < means.length; i++) {
      const w = weights[i]!;
      const centre = cumulative + w / 2;
      if (rank < centre) {
        if (i === 0) {
          const t = w === 0 ? 0 : rank / centre;
          return this.min + t * (means[0]! - this.min);
        }
        const previousCentre = cumulative - weights[i - 1]! / 2;
        const t = (rank - previousCentre) / (centre - previousCentre);
        return means[i - 1]! + t * (means[i]! - means[i - 1]!);
      }
      cumulative += w;
    }
    const lastCentre = this.totalWeight - weights[means.length - 1]! / 2;
    const t = (rank - lastCentre) / (this.totalWeight - lastCentre);
    return means[means.length - 1]! + t * (this.max - means[means.length - 1]!);
  }

  toDynamic(): DynamicValue {
    const { means, weights } = this.centroidsView();
    const centroids: DynamicValue[] = [];
    for (let i = 0; i < means.length; i++) centroids.push([means[i]!, weights[i]!]);
    return { kqlhunt_tdigest: 1, min: this.min, max: this.max, exact: this.exact, centroids };
  }

  static fromDynamic(value: DynamicValue, fn: string): TDigest {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value['kqlhunt_tdigest'] !== 1) {
      throw new KqlError(`${fn}(): the value is not a sketch produced by tdigest() or tdigest_merge()`);
    }
    const centroids = value['centroids'];
    if (!Array.isArray(centroids)) throw new KqlError(`${fn}(): the tdigest sketch is corrupt`);
    const digest = new TDigest();
    for (const c of centroids) {
      if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
        throw new KqlError(`${fn}(): the tdigest sketch is corrupt`);
      }
      digest.add(c[0], c[1]);
    }
    if (typeof value['min'] === 'number') digest.min = value['min'];
    if (typeof value['max'] === 'number') digest.max = value['max'];
    if (value['exact'] === false && digest.exact) {
      digest.exact = false;
      digest.compress();
    }
    return digest;
  }
}

function kScale(q: number): number {
  return (COMPRESSION / (2 * Math.PI)) * Math.asin(2 * q - 1);
}

function kInverse(k: number): number {
  const bounded = Math.min(Math.max(k, -COMPRESSION / 4), COMPRESSION / 4);
  return (Math.sin((bounded * 2 * Math.PI) / COMPRESSION) + 1) / 2;
}
