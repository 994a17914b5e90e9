// count, countif, sum(if), avg(if): folds into per-group Float64Array state with one tight
// loop per column layout. Nulls are skipped (ADX ignores them); groups with no non-null
// values give ADX's defaults: count/sum 0, avg NaN (0/0), as the summarize docs show.

import {
  NumberColumn, TicksColumn, partsFromTicks, type Column,
} from '../../data/column.js';
import { KqlError, type ScalarType } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import {
  BOOL_PARAM, argColumn, argType, avgType, refuseType, sumType,
} from './common.js';
import { growF64, numberResult, predicateValues } from './state.js';

// ───────────────────────────── count ─────────────────────────────

class CountAggregator implements GroupedAggregator {
  private counts = new Float64Array(0);
  /** predicateArg: index of the bool argument (countif), or -1 to count every row. */
  constructor(private readonly predicateArg: number, private readonly fn: string) {}
  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const counts = (this.counts = growF64(this.counts, numGroups));
    const n = ids.length;
    if (this.predicateArg < 0) {
      for (let r = 0; r < n; r++) counts[ids[r]!]!++;
      return;
    }
    const pass = predicateValues(args[this.predicateArg], this.fn);
    for (let r = 0; r < n; r++) counts[ids[r]!]! += pass[r]!;
  }
  finish(numGroups: number): Column {
    this.counts = growF64(this.counts, numGroups);
    return numberResult('long', this.counts, numGroups, null);
  }
}

// ───────────────────────────── sum / avg ─────────────────────────────

/**
 * Sums and non-null counts per group. Numbers sum as doubles (exact for longs up to 2^53;
 * numberResult refuses a long result beyond that). timespan/datetime sum milliseconds and
 * sub-millisecond ticks separately, each exactly, relative to a per-group base for datetime
 * so that averages of present-day datetimes keep 100 ns precision.
 */
class SumAggregator implements GroupedAggregator {
  private sums = new Float64Array(0);
  private subs = new Float64Array(0);
  private counts = new Float64Array(0);
  private bases = new Float64Array(0);
  private valueType: ScalarType | undefined;

  constructor(
    private readonly fn: string,
    private readonly average: boolean,
    private readonly predicateArg: number,
    declared: ScalarType | undefined,
  ) {
    this.valueType = declared;
    if (declared !== undefined) this.checkType(declared);
  }

  private checkType(t: ScalarType): void {
    if (t === 'datetime' && !this.average) refuseType(this.fn, t);
    if (t !== 'int' && t !== 'long' && t !== 'real' && t !== 'decimal' && t !== 'timespan' && t !== 'datetime') {
      throw new KqlError(`${this.fn}(): the argument value must be summable: a number, timespan or datetime; got ${t}`);
    }
  }

  private grow(n: number): void {
    this.sums = growF64(this.sums, n);
    this.counts = growF64(this.counts, n);
    if (this.valueType === 'timespan' || this.valueType === 'datetime') {
      this.subs = growF64(this.subs, n);
      this.bases = growF64(this.bases, n, NaN);
    }
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    if (this.valueType === undefined) { this.checkType(col.type); this.valueType = col.type; }
    this.grow(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    if (col instanceof NumberColumn) this.updateNumbers(ids, col, pass);
    else if (col instanceof TicksColumn) this.updateTicks(ids, col, pass);
    else throw new KqlError(`${this.fn}(): the argument value must be summable: a number, timespan or datetime; got ${col.type}`);
  }

  private updateNumbers(ids: Int32Array, col: NumberColumn, pass: Uint8Array | null): void {
    const sums = this.sums, counts = this.counts, v = col.values, nulls = col.nulls, n = ids.length;
    if (nulls === null && pass === null) {
      // Only avg() divides by the counts; a sum needs just the sums.
      if (this.average) for (let r = 0; r < n; r++) { const g = ids[r]!; sums[g]! += v[r]!; counts[g]!++; }
      else for (let r = 0; r < n; r++) sums[ids[r]!]! += v[r]!;
    } else {
      for (let r = 0; r < n; r++) {
        if ((nulls !== null && nulls[r] === 1) || (pass !== null && pass[r] === 0)) continue;
        const g = ids[r]!;
        sums[g]! += v[r]!;
        counts[g]!++;
      }
    }
  }

  private updateTicks(ids: Int32Array, col: TicksColumn, pass: Uint8Array | null): void {
    const sums = this.sums, subs = this.subs, counts = this.counts, bases = this.bases;
    const ms = col.ms, sub = col.sub, nulls = col.nulls, n = ids.length;
    const relative = col.type === 'datetime';
    for (let r = 0; r < n; r++) {
      if ((nulls !== null && nulls[r] === 1) || (pass !== null && pass[r] === 0)) continue;
      const g = ids[r]!;
      let m = ms[r]!;
      if (relative) {
        if (Number.isNaN(bases[g]!)) bases[g] = m;
        m -= bases[g]!;
      }
      sums[g]! += m;
      if (sub !== null) subs[g]! += sub[r]!;
      counts[g]!++;
    }
  }

  finish(numGroups: number): Column {
    const t = this.valueType ?? 'long';
    this.grow(numGroups);
    if (t === 'timespan' || t === 'datetime') return this.finishTicks(t, numGroups);
    if (!this.average) return numberResult(t === 'int' ? 'long' : (t as 'long' | 'real' | 'decimal'), this.sums, numGroups, null);
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.sums[g]! / this.counts[g]!;
    return numberResult(t === 'decimal' ? 'decimal' : 'real', out, numGroups, null);
  }

  private finishTicks(t: 'timespan' | 'datetime', n: number): Column {
    const ms = new Float64Array(n);
    const sub = new Uint16Array(n);
    const nulls = new Uint8Array(n);
    let anyNull = false, anySub = false;
    for (let g = 0; g < n; g++) {
      const count = this.counts[g]!;
      if (this.average && count === 0) { nulls[g] = 1; anyNull = true; continue; }
      let ticks = BigInt(this.sums[g]!) * 10000n + BigInt(this.subs[g]!);
      // .NET's TimeSpan/DateTime division truncates toward zero.
      if (this.average) ticks /= BigInt(count);
      if (t === 'datetime') ticks += BigInt(this.bases[g]!) * 10000n;
      // Relative to the Unix epoch already (bases are Unix ms), so split as a timespan.
      const parts = partsFromTicks('timespan', ticks);
      ms[g] = parts.ms;
      sub[g] = parts.sub;
      if (parts.sub !== 0) anySub = true;
    }
    return new TicksColumn(t, ms, anySub ? sub : null, anyNull ? nulls : null);
  }
}

function sumCreate(fn: string, average: boolean, predicateArg: number) {
  return (args: ArgInfo[]): GroupedAggregator => new SumAggregator(fn, average, predicateArg, argType(args, 0));
}

const VALUE = { name: 'expr', types: 'scalar' } as const;

export const basicAggregates: AggregateFunctionDef[] = [
  {
    kind: 'aggregate', name: 'count', params: [{ name: 'expr', types: 'any', optional: true }], returns: 'long',
    create: () => new CountAggregator(-1, 'count'),
  },
  {
    kind: 'aggregate', name: 'countif', params: [BOOL_PARAM], returns: 'long',
    create: () => new CountAggregator(0, 'countif'),
  },
  { kind: 'aggregate', name: 'sum', params: [VALUE], returns: sumType('sum'), create: sumCreate('sum', false, -1) },
  { kind: 'aggregate', name: 'sumif', params: [VALUE, BOOL_PARAM], returns: sumType('sumif'), create: sumCreate('sumif', false, 1) },
  { kind: 'aggregate', name: 'avg', params: [VALUE], returns: avgType('avg'), create: sumCreate('avg', true, -1) },
  { kind: 'aggregate', name: 'avgif', params: [VALUE, BOOL_PARAM], returns: avgType('avgif'), create: sumCreate('avgif', true, 1) },
];
