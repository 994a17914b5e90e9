// percentile, percentiles, percentiles_array, percentilew, percentilesw, percentilesw_array,
// tdigest, tdigest_merge/merge_tdigest. Estimation and exactness: ../sketch/tdigest.ts.
//
// Result types (settled with Microsoft's parser): int/long -> long, real/decimal -> real,
// datetime/timespan keep their type; the *_array forms and tdigest give dynamic.
// Estimates of integer types are rounded to the nearest integer. datetime/timespan values
// are digested as milliseconds with the sub-millisecond ticks as a fraction, so exact
// percentiles of datetimes can be off by a couple of 100 ns ticks (a double's precision at
// present-day epoch milliseconds).

import {
  DynamicColumn, NumberColumn, TicksColumn, ticksFromParts, type Column,
} from '../../data/column.js';
import { KqlError, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import { formatDatetimeIso } from '../../values/datetime.js';
import { formatTimespan } from '../../values/timespan.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { TDigest } from '../sketch/tdigest.js';
import { argColumn, argType, isSummable, summableError } from './common.js';
import { dynamicResult, growArray, numberResult } from './state.js';

type Output = 'columns' | 'array' | 'digest';

function percentileType(t: ScalarType): ScalarType {
  if (t === 'int' || t === 'long') return 'long';
  if (t === 'real' || t === 'decimal') return 'real';
  return t;
}

function toNumber(col: Column, r: number): number | null {
  if (col instanceof NumberColumn) {
    if (col.nulls !== null && col.nulls[r] === 1) return null;
    return col.values[r]!;
  }
  if (col instanceof TicksColumn) {
    if (col.nulls !== null && col.nulls[r] === 1) return null;
    return col.ms[r]! + (col.sub === null ? 0 : col.sub[r]! / 10000);
  }
  throw new KqlError(`percentile(): the argument value must be a number, timespan or datetime; got ${col.type}`);
}

/** Splits a digest value (ms with fractional ticks) back into exact tick parts. */
function ticksParts(value: number): { ms: number; sub: number } {
  const ms = Math.floor(value);
  let sub = Math.round((value - ms) * 10000);
  if (sub === 10000) return { ms: ms + 1, sub: 0 };
  if (sub < 0) sub = 0;
  return { ms, sub };
}

function dynamicOfResult(type: ScalarType, value: number): DynamicValue {
  if (Number.isNaN(value)) return null;
  if (type === 'datetime' || type === 'timespan') {
    const { ms, sub } = ticksParts(value);
    const ticks = ticksFromParts(type, ms, sub);
    return type === 'datetime' ? formatDatetimeIso(ticks) : formatTimespan(ticks);
  }
  return type === 'long' ? Math.round(value) : value;
}

class PercentileAggregator implements GroupedAggregator {
  private readonly digests: (TDigest | null)[] = [];
  private valueType: ScalarType | undefined;

  constructor(
    private readonly fn: string,
    private readonly percents: readonly number[],
    /** Index of the weight argument, or -1. */
    private readonly weightArg: number,
    private readonly output: Output,
    declared: ScalarType | undefined,
  ) {
    this.valueType = declared;
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    this.valueType ??= col.type;
    growArray(this.digests, numGroups, () => null);
    const weights = this.weightArg < 0 ? null : argColumn(args, this.weightArg, this.fn);
    if (weights !== null && !(weights instanceof NumberColumn)) {
      throw new KqlError(`${this.fn}(): the weight must be an integer; got ${weights.type}`);
    }
    for (let r = 0; r < ids.length; r++) {
      const g = ids[r]!;
      const digest = this.digests[g] ?? (this.digests[g] = new TDigest());
      const v = toNumber(col, r);
      if (v === null || Number.isNaN(v)) continue;
      let w = 1;
      if (weights !== null) {
        if (weights.nulls !== null && weights.nulls[r] === 1) continue;
        w = weights.values[r]!;
        if (!Number.isInteger(w)) throw new KqlError(`${this.fn}(): the weight must be an integer; got ${w}`);
        if (w <= 0) continue;
      }
      digest.add(v, w);
    }
  }

  finish(numGroups: number): Column {
    return this.finishMany(numGroups)[0]!;
  }

  finishMany(numGroups: number): Column[] {
    growArray(this.digests, numGroups, () => null);
    const inputType = this.valueType ?? 'real';
    if (this.output === 'digest') {
      return [dynamicResult(this.digests.map((d) => (d === null ? null : d.toDynamic())), numGroups)];
    }
    const type = percentileType(inputType);
    if (this.output === 'array') {
      const arrays = this.digests.map((d): DynamicValue =>
        d === null || d.isEmpty ? null : this.percents.map((p) => dynamicOfResult(type, d.percentile(p))),
      );
      return [dynamicResult(arrays, numGroups)];
    }
    return this.percents.map((p) => this.column(type, p, numGroups));
  }

  private column(type: ScalarType, p: number, n: number): Column {
    const values = new Float64Array(n);
    const nulls = new Uint8Array(n);
    let anyNull = false;
    for (let g = 0; g < n; g++) {
      const d = this.digests[g];
      const v = d == null ? NaN : d.percentile(p);
      if (Number.isNaN(v)) { nulls[g] = 1; anyNull = true; continue; }
      values[g] = v;
    }
    if (type === 'datetime' || type === 'timespan') {
      const ms = new Float64Array(n), sub = new Uint16Array(n);
      let anySub = false;
      for (let g = 0; g < n; g++) {
        if (nulls[g] === 1) continue;
        const parts = ticksParts(values[g]!);
        ms[g] = parts.ms;
        sub[g] = parts.sub;
        if (parts.sub !== 0) anySub = true;
      }
      return new TicksColumn(type, ms, anySub ? sub : null, anyNull ? nulls : null);
    }
    if (type === 'long') for (let g = 0; g < n; g++) values[g] = Math.round(values[g]!);
    return numberResult(type as 'long' | 'real', values, n, anyNull ? nulls : null);
  }
}

class DigestMergeAggregator implements GroupedAggregator {
  private readonly digests: (TDigest | null)[] = [];
  constructor(private readonly fn: string) {}
  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    if (!(col instanceof DynamicColumn)) throw new KqlError(`${this.fn}(): the argument must be a dynamic tdigest() sketch; got ${col.type}`);
    growArray(this.digests, numGroups, () => null);
    for (let r = 0; r < ids.length; r++) {
      const v = col.values[r]!;
      if (v === null) continue;
      const g = ids[r]!;
      const incoming = TDigest.fromDynamic(v, this.fn);
      const current = this.digests[g];
      if (current == null) this.digests[g] = incoming;
      else current.merge(incoming);
    }
  }
  finish(numGroups: number): Column {
    growArray(this.digests, numGroups, () => null);
    return dynamicResult(this.digests.map((d) => (d === null ? null : d.toDynamic())), numGroups);
  }
}

// ───────────────────────────── arguments ─────────────────────────────

function percentValue(v: Scalar, fn: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new KqlError(`${fn}(): a percentile must be a constant number between 0 and 100, got ${String(v)}`);
  }
  return n;
}

/** The percentiles from argument `first` on: constants, or (for the *_array forms) one constant dynamic array. */
function percentsOf(args: readonly ArgInfo[], first: number, fn: string, allowArray: boolean): number[] {
  const out: number[] = [];
  for (let i = first; i < args.length; i++) {
    const a = args[i]!;
    if (!('constant' in a)) throw new KqlError(`${fn}(): percentiles must be constants`);
    const c = a.constant ?? null;
    if (Array.isArray(c)) {
      if (!allowArray || args.length !== first + 1) throw new KqlError(`${fn}(): a dynamic array of percentiles must be the only percentile argument`);
      for (const e of c) out.push(percentValue(e, fn));
    } else {
      out.push(percentValue(c, fn));
    }
  }
  if (out.length === 0) throw new KqlError(`${fn}(): expects at least one percentile`);
  return out;
}

const typeRule = (fn: string, map: (t: ScalarType) => ScalarType) => (args: ArgInfo[]): ScalarType | `error:${string}` => {
  const t = args[0]?.type;
  if (t === undefined || t === 'tabular') return `error:${fn}() expects a scalar argument`;
  if (t === 'unknown') return 'dynamic';
  return isSummable(t) ? map(t) : summableError(fn);
};

function percentileDef(name: string, weighted: boolean, output: Output): AggregateFunctionDef {
  const first = weighted ? 2 : 1;
  const single = name === 'percentile' || name === 'percentilew';
  const params = [
    { name: 'expr', types: 'scalar' as const },
    ...(weighted ? [{ name: 'weight', types: ['int', 'long'] as ScalarType[] }] : []),
    { name: 'percentile', types: output === 'array' ? 'any' as const : 'numeric' as const, constant: true, repeat: !single },
  ];
  const returns = typeRule(name, output === 'array' ? () => 'dynamic' : percentileType);
  return {
    kind: 'aggregate', name, params, returns,
    ...(output === 'columns' && !single ? {
      outputTypes: (args: ArgInfo[]) => {
        const t = returns(args);
        return t.startsWith('error:') ? t as `error:${string}` : args.slice(first).map(() => t as ScalarType);
      },
    } : {}),
    create: (args) => new PercentileAggregator(name, percentsOf(args, first, name, output === 'array'), weighted ? 1 : -1, output, argType(args, 0)),
  };
}

export const percentileAggregates: AggregateFunctionDef[] = [
  percentileDef('percentile', false, 'columns'),
  percentileDef('percentiles', false, 'columns'),
  percentileDef('percentiles_array', false, 'array'),
  percentileDef('percentilew', true, 'columns'),
  percentileDef('percentilesw', true, 'columns'),
  percentileDef('percentilesw_array', true, 'array'),
  {
    kind: 'aggregate', name: 'tdigest',
    params: [{ name: 'expr', types: 'scalar' }, { name: 'weight', types: ['int', 'long'], optional: true }],
    returns: typeRule('tdigest', () => 'dynamic'),
    create: (args) => new PercentileAggregator('tdigest', [], args.length > 1 ? 1 : -1, 'digest', argType(args, 0)),
  },
  {
    kind: 'aggregate', name: 'tdigest_merge', aliases: ['merge_tdigest'],
    params: [{ name: 'digest', types: ['dynamic'] }], returns: 'dynamic',
    create: () => new DigestMergeAggregator('tdigest_merge'),
  },
];

/** percentile_tdigest()-style lookups for the scalar sketch functions. */
export function percentileOfDigest(digest: DynamicValue, p: number, fn: string): number | null {
  if (digest === null) return null;
  const v = TDigest.fromDynamic(digest, fn).percentile(percentValue(p, fn));
  return Number.isNaN(v) ? null : v;
}

