// min, max, minif, maxif: the extreme value per group, keeping the argument's type.
// Numbers, bools and ticks compare as doubles ((ms, sub) pairs for ticks); strings compare
// ordinally, via a per-dictionary rank so the row loop compares integers.
// NaN is skipped like null (documented: ADX's ordering of NaN is unspecified).

import {
  BoolColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { KqlError, type ScalarType } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { BOOL_PARAM, argColumn, argType, isOrderable, orderableType } from './common.js';
import {
  growArray, growF64, growU16, growU8, nullMask, numberResult, predicateValues, stringResult,
} from './state.js';

const dictRanks = new WeakMap<string[], Int32Array>();

/** Ordinal rank of each dictionary entry: equal strings share a rank. Cached per dictionary. */
export function ordinalRanks(dict: string[]): Int32Array {
  let ranks = dictRanks.get(dict);
  if (ranks !== undefined && ranks.length === dict.length) return ranks;
  const order = dict.map((_, i) => i).sort((a, b) => (dict[a]! < dict[b]! ? -1 : dict[a]! > dict[b]! ? 1 : 0));
  ranks = new Int32Array(dict.length);
  let rank = 0;
  for (let i = 0; i < order.length; i++) {
    if (i > 0 && dict[order[i]!] !== dict[order[i - 1]!]) rank++;
    ranks[order[i]!] = rank;
  }
  dictRanks.set(dict, ranks);
  return ranks;
}

class MinMaxAggregator implements GroupedAggregator {
  private best = new Float64Array(0);
  private bestSub = new Uint16Array(0);
  private has = new Uint8Array(0);
  private readonly bestString: string[] = [];
  private valueType: ScalarType | undefined;
  private anySub = false;

  constructor(
    private readonly fn: string,
    /** +1 for max, -1 for min: comparisons run on sign * value. */
    private readonly sign: 1 | -1,
    private readonly predicateArg: number,
    declared: ScalarType | undefined,
  ) {
    if (declared !== undefined) this.setType(declared);
  }

  private setType(t: ScalarType): void {
    if (!isOrderable(t)) {
      throw new KqlError(`${this.fn}(): the argument value must be orderable: a number, timespan, datetime, string or boolean; got ${t}`);
    }
    this.valueType = t;
  }

  private grow(n: number): void {
    this.best = growF64(this.best, n);
    this.bestSub = growU16(this.bestSub, n);
    this.has = growU8(this.has, n);
    growArray(this.bestString, n, () => '');
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    if (this.valueType === undefined) this.setType(col.type);
    this.grow(numGroups);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    if (col instanceof NumberColumn || col instanceof BoolColumn) this.updateNumbers(ids, col.values, col.nulls, pass);
    else if (col instanceof TicksColumn) this.updateTicks(ids, col, pass);
    else if (col instanceof StringColumn) this.updateStrings(ids, numGroups, col, pass);
    else throw new KqlError(`${this.fn}(): the argument value must be orderable; got ${col.type}`);
  }

  private updateNumbers(
    ids: Int32Array, v: Float64Array | Int32Array | Uint8Array, nulls: Uint8Array | null, pass: Uint8Array | null,
  ): void {
    const best = this.best, has = this.has, sign = this.sign, n = ids.length;
    for (let r = 0; r < n; r++) {
      if ((nulls !== null && nulls[r] === 1) || (pass !== null && pass[r] === 0)) continue;
      const x = v[r]!;
      if (x !== x) continue;
      const g = ids[r]!;
      if (has[g] === 0) { best[g] = x; has[g] = 1; } else if (sign * x > sign * best[g]!) best[g] = x;
    }
  }

  private updateTicks(ids: Int32Array, col: TicksColumn, pass: Uint8Array | null): void {
    const best = this.best, bestSub = this.bestSub, has = this.has, sign = this.sign, n = ids.length;
    const ms = col.ms, sub = col.sub, nulls = col.nulls;
    for (let r = 0; r < n; r++) {
      if ((nulls !== null && nulls[r] === 1) || (pass !== null && pass[r] === 0)) continue;
      const g = ids[r]!;
      const m = ms[r]!, s = sub === null ? 0 : sub[r]!;
      if (has[g] === 0 || sign * m > sign * best[g]! || (m === best[g] && sign * s > sign * bestSub[g]!)) {
        best[g] = m;
        bestSub[g] = s;
        has[g] = 1;
        if (s !== 0) this.anySub = true;
      }
    }
  }

  private updateStrings(ids: Int32Array, numGroups: number, col: StringColumn, pass: Uint8Array | null): void {
    const ranks = ordinalRanks(col.dict);
    const codes = col.codes, sign = this.sign, n = ids.length;
    const guid = col.type === 'guid';
    const batchBest = new Int32Array(numGroups).fill(-1);
    for (let r = 0; r < n; r++) {
      if (pass !== null && pass[r] === 0) continue;
      const code = codes[r]!;
      if (guid && col.dict[code] === '') continue;
      const g = ids[r]!;
      const cur = batchBest[g]!;
      if (cur < 0 || sign * ranks[code]! > sign * ranks[cur]!) batchBest[g] = code;
    }
    for (let g = 0; g < numGroups; g++) {
      const code = batchBest[g]!;
      if (code < 0) continue;
      const s = col.dict[code]!;
      if (this.has[g] === 0 || (sign > 0 ? s > this.bestString[g]! : s < this.bestString[g]!)) {
        this.bestString[g] = s;
        this.has[g] = 1;
      }
    }
  }

  finish(numGroups: number): Column {
    this.grow(numGroups);
    const t = this.valueType ?? 'long';
    const isNull = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) isNull[g] = this.has[g] === 1 ? 0 : 1;
    const nulls = nullMask(isNull, numGroups);
    switch (t) {
      case 'string': case 'guid': return stringResult(t, this.bestString, numGroups);
      case 'bool': return new BoolColumn(Uint8Array.from(this.best.subarray(0, numGroups)), nulls);
      case 'datetime': case 'timespan':
        return new TicksColumn(t, this.best.slice(0, numGroups), this.anySub ? this.bestSub.slice(0, numGroups) : null, nulls);
      case 'int': case 'long': case 'real': case 'decimal': return numberResult(t, this.best, numGroups, nulls);
      default: throw new KqlError(`${this.fn}(): cannot produce a ${t} result`);
    }
  }
}

function minMaxCreate(fn: string, sign: 1 | -1, predicateArg: number) {
  return (args: ArgInfo[]): GroupedAggregator => new MinMaxAggregator(fn, sign, predicateArg, argType(args, 0));
}

const VALUE = { name: 'expr', types: 'scalar' } as const;

export const minMaxAggregates: AggregateFunctionDef[] = [
  { kind: 'aggregate', name: 'max', params: [VALUE], returns: orderableType('max'), create: minMaxCreate('max', 1, -1) },
  { kind: 'aggregate', name: 'min', params: [VALUE], returns: orderableType('min'), create: minMaxCreate('min', -1, -1) },
  { kind: 'aggregate', name: 'maxif', params: [VALUE, BOOL_PARAM], returns: orderableType('maxif'), create: minMaxCreate('maxif', 1, 1) },
  { kind: 'aggregate', name: 'minif', params: [VALUE, BOOL_PARAM], returns: orderableType('minif'), create: minMaxCreate('minif', -1, 1) },
];
