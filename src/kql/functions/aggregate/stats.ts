// Dispersion (stdev/variance/covariance, sample and population) and the bitwise folds
// binary_all_and/or/xor.
//
// Moments use the shifted-data algorithm: each group remembers its first value K and sums
// (x-K) and (x-K)^2, which avoids the catastrophic cancellation of the naive sum-of-squares
// without a division per row. Sample statistics of a single value are 0, and the summarize
// docs give 0 for variance/stdev of nothing; the population forms of nothing are null.

import { NumberColumn, type Column } from '../../data/column.js';
import { KqlError, NotSupportedError, type ScalarType } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { BOOL_PARAM, argColumn, argType, firstArgRule, summableError } from './common.js';
import { growF64, growU8, nullMask, numberResult, predicateValues } from './state.js';

function numericColumn(col: Column, fn: string): NumberColumn {
  if (col instanceof NumberColumn) return col;
  if (col.type === 'datetime' || col.type === 'timespan') throw new NotSupportedError(`${fn}() over ${col.type} values`);
  throw new KqlError(`${fn}(): the argument value must be a number; got ${col.type}`);
}

type Statistic = 'variance' | 'stdev';

class MomentsAggregator implements GroupedAggregator {
  private shift = new Float64Array(0);
  private hasShift = new Uint8Array(0);
  private s1 = new Float64Array(0);
  private s2 = new Float64Array(0);
  private count = new Float64Array(0);

  constructor(
    private readonly fn: string,
    private readonly statistic: Statistic,
    private readonly population: boolean,
    private readonly predicateArg: number,
  ) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = numericColumn(argColumn(args, 0, this.fn), this.fn);
    this.grow(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    const v = col.values, nulls = col.nulls, n = ids.length;
    const shift = this.shift, hasShift = this.hasShift, s1 = this.s1, s2 = this.s2, count = this.count;
    for (let r = 0; r < n; r++) {
      if ((nulls !== null && nulls[r] === 1) || (pass !== null && pass[r] === 0)) continue;
      const g = ids[r]!;
      if (hasShift[g] === 0) { shift[g] = v[r]!; hasShift[g] = 1; }
      const d = v[r]! - shift[g]!;
      s1[g]! += d;
      s2[g]! += d * d;
      count[g]!++;
    }
  }

  private grow(n: number): void {
    this.shift = growF64(this.shift, n);
    this.hasShift = growU8(this.hasShift, n);
    this.s1 = growF64(this.s1, n);
    this.s2 = growF64(this.s2, n);
    this.count = growF64(this.count, n);
  }

  finish(numGroups: number): Column {
    this.grow(numGroups);
    const out = new Float64Array(numGroups);
    const isNull = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const n = this.count[g]!;
      if (n === 0 && this.population) { isNull[g] = 1; continue; }
      const divisor = this.population ? n : n - 1;
      let variance = divisor <= 0 ? 0 : (this.s2[g]! - (this.s1[g]! * this.s1[g]!) / n) / divisor;
      if (variance < 0) variance = 0;
      out[g] = this.statistic === 'stdev' ? Math.sqrt(variance) : variance;
    }
    return numberResult('real', out, numGroups, nullMask(isNull, numGroups));
  }
}

/** covariance(x, y): shifted co-moments, the same scheme as the variance. */
class CovarianceAggregator implements GroupedAggregator {
  private kx = new Float64Array(0);
  private ky = new Float64Array(0);
  private hasShift = new Uint8Array(0);
  private sx = new Float64Array(0);
  private sy = new Float64Array(0);
  private sxy = new Float64Array(0);
  private count = new Float64Array(0);

  constructor(private readonly fn: string, private readonly population: boolean, private readonly predicateArg: number) {}

  private grow(n: number): void {
    this.kx = growF64(this.kx, n);
    this.ky = growF64(this.ky, n);
    this.hasShift = growU8(this.hasShift, n);
    this.sx = growF64(this.sx, n);
    this.sy = growF64(this.sy, n);
    this.sxy = growF64(this.sxy, n);
    this.count = growF64(this.count, n);
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const x = numericColumn(argColumn(args, 0, this.fn), this.fn);
    const y = numericColumn(argColumn(args, 1, this.fn), this.fn);
    this.grow(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    for (let r = 0; r < ids.length; r++) {
      if ((x.nulls !== null && x.nulls[r] === 1) || (y.nulls !== null && y.nulls[r] === 1)) continue;
      if (pass !== null && pass[r] === 0) continue;
      const g = ids[r]!;
      if (this.hasShift[g] === 0) { this.kx[g] = x.values[r]!; this.ky[g] = y.values[r]!; this.hasShift[g] = 1; }
      const dx = x.values[r]! - this.kx[g]!, dy = y.values[r]! - this.ky[g]!;
      this.sx[g]! += dx;
      this.sy[g]! += dy;
      this.sxy[g]! += dx * dy;
      this.count[g]!++;
    }
  }

  finish(numGroups: number): Column {
    this.grow(numGroups);
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const n = this.count[g]!;
      const divisor = this.population ? n : n - 1;
      out[g] = divisor <= 0 ? 0 : (this.sxy[g]! - (this.sx[g]! * this.sy[g]!) / n) / divisor;
    }
    return numberResult('real', out, numGroups, null);
  }
}

// ───────────────────────────── binary_all_* ─────────────────────────────

type BitOp = 'and' | 'or' | 'xor';
const TWO_32 = 4294967296;

/**
 * Bitwise folds. int columns use 32-bit JS operators directly; long values (exact doubles)
 * are split into two's-complement 32-bit halves, folded, and rejoined.
 */
class BitwiseAggregator implements GroupedAggregator {
  private hi = new Int32Array(0);
  private lo = new Int32Array(0);
  private has = new Uint8Array(0);
  private valueType: ScalarType | undefined;

  constructor(private readonly fn: string, private readonly op: BitOp, declared: ScalarType | undefined) {
    if (declared !== undefined) this.checkType(declared);
    this.valueType = declared;
  }

  private checkType(t: ScalarType): void {
    if (t !== 'int' && t !== 'long') throw new KqlError(`${this.fn}(): the argument must be an int or long; got ${t}`);
  }

  private grow(n: number): void {
    if (this.hi.length >= n) return;
    const cap = Math.max(n, this.hi.length * 2, 16);
    const hi = new Int32Array(cap), lo = new Int32Array(cap), has = new Uint8Array(cap);
    hi.set(this.hi); lo.set(this.lo); has.set(this.has);
    this.hi = hi; this.lo = lo; this.has = has;
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    if (this.valueType === undefined) { this.checkType(col.type); this.valueType = col.type; }
    if (!(col instanceof NumberColumn)) throw new KqlError(`${this.fn}(): the argument must be an int or long; got ${col.type}`);
    this.grow(numGroups);
    const v = col.values, nulls = col.nulls, op = this.op;
    const hi = this.hi, lo = this.lo, has = this.has;
    for (let r = 0; r < ids.length; r++) {
      if (nulls !== null && nulls[r] === 1) continue;
      const x = v[r]!;
      const h = Math.floor(x / TWO_32) | 0;
      const l = (x - Math.floor(x / TWO_32) * TWO_32) | 0;
      const g = ids[r]!;
      if (has[g] === 0) { hi[g] = h; lo[g] = l; has[g] = 1; continue; }
      if (op === 'and') { hi[g]! &= h; lo[g]! &= l; } else if (op === 'or') { hi[g]! |= h; lo[g]! |= l; } else { hi[g]! ^= h; lo[g]! ^= l; }
    }
  }

  finish(numGroups: number): Column {
    this.grow(numGroups);
    const out = new Float64Array(numGroups);
    const isNull = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      if (this.has[g] === 0) { isNull[g] = 1; continue; }
      out[g] = this.valueType === 'int' ? this.lo[g]! : this.hi[g]! * TWO_32 + (this.lo[g]! >>> 0);
    }
    return numberResult(this.valueType === 'int' ? 'int' : 'long', out, numGroups, nullMask(isNull, numGroups));
  }
}

const NUMBER = { name: 'expr', types: 'numeric' } as const;

const realOfNumber = (fn: string) =>
  firstArgRule(fn, (t) => (t === 'int' || t === 'long' || t === 'real' || t === 'decimal' ? 'real' : summableError(fn)));

function moments(name: string, statistic: Statistic, population: boolean, conditional: boolean): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: conditional ? [NUMBER, BOOL_PARAM] : [NUMBER],
    returns: realOfNumber(name),
    create: () => new MomentsAggregator(name, statistic, population, conditional ? 1 : -1),
  };
}

function covariance(name: string, population: boolean, conditional: boolean): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: conditional ? [NUMBER, { name: 'expr2', types: 'numeric' }, BOOL_PARAM] : [NUMBER, { name: 'expr2', types: 'numeric' }],
    returns: 'real',
    create: () => new CovarianceAggregator(name, population, conditional ? 2 : -1),
  };
}

function bitwise(op: BitOp): AggregateFunctionDef {
  const name = `binary_all_${op}`;
  return {
    kind: 'aggregate', name,
    params: [{ name: 'value', types: ['int', 'long'] }],
    returns: firstArgRule(name, (t) => (t === 'int' || t === 'long' ? t : `error:${name}(): the argument must be an int or long`)),
    create: (args: ArgInfo[]) => new BitwiseAggregator(name, op, argType(args, 0)),
  };
}

export const statsAggregates: AggregateFunctionDef[] = [
  moments('stdev', 'stdev', false, false),
  moments('stdevif', 'stdev', false, true),
  moments('stdevp', 'stdev', true, false),
  moments('variance', 'variance', false, false),
  moments('varianceif', 'variance', false, true),
  moments('variancep', 'variance', true, false),
  moments('variancepif', 'variance', true, true),
  covariance('covariance', false, false),
  covariance('covarianceif', false, true),
  covariance('covariancep', true, false),
  covariance('covariancepif', true, true),
  bitwise('and'),
  bitwise('or'),
  bitwise('xor'),
];
