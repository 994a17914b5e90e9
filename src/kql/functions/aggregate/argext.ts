// arg_max/arg_min (and the deprecated argmax/argmin): per group, the row with the extreme
// key, carrying the values of the other arguments from that same row.
//
// Calling convention (registry.ts AggregateFunctionDef.create): args[0] is the key,
// args[1..] the carried expressions, with `*` already expanded into the columns it stands
// for. finishMany() returns one column per argument, the key first — the columns naming.ts
// lists for the call.
//
// Null keys are skipped; a group whose keys are all null still yields one row — its first —
// as the docs' null-handling example shows. Ties keep the first row seen.

import {
  BoolColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../../data/column.js';
import { KqlError, type ScalarType } from '../../types.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { argColumn, isOrderable, orderableError, rejectStar } from './common.js';
import { growArray, growF64, growU16, growU8, isNullAt, nullColumn } from './state.js';
import { declaredType, valueStore, type ValueStore } from './values.js';

const enum Held { None = 0, NullKey = 1, Key = 2 }

class ArgExtremeAggregator implements GroupedAggregator {
  private readonly stores: (ValueStore | null)[];
  private held = new Uint8Array(0);
  private best = new Float64Array(0);
  private bestSub = new Uint16Array(0);
  private readonly bestString: string[] = [];

  constructor(
    private readonly fn: string,
    private readonly sign: 1 | -1,
    private readonly types: (ScalarType | undefined)[],
  ) {
    const keyType = types[0];
    if (keyType !== undefined && !isOrderable(keyType)) throw new KqlError(orderableError(fn).slice(6));
    this.stores = types.map((t) => (t === undefined ? null : valueStore(t)));
  }

  private grow(n: number): void {
    this.held = growU8(this.held, n);
    this.best = growF64(this.best, n);
    this.bestSub = growU16(this.bestSub, n);
    growArray(this.bestString, n, () => '');
    for (const s of this.stores) s!.grow(n);
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const columns: Column[] = [];
    for (let i = 0; i < this.types.length; i++) {
      const col = argColumn(args, i, this.fn);
      columns.push(col);
      if (this.stores[i] === null) {
        if (i === 0 && !isOrderable(col.type)) throw new KqlError(orderableError(this.fn).slice(6));
        this.types[i] = col.type;
        this.stores[i] = valueStore(col.type);
      }
    }
    this.grow(numGroups);
    const key = columns[0]!;
    const better = this.comparator(key);
    const held = this.held, sign = this.sign;
    for (let r = 0; r < ids.length; r++) {
      const g = ids[r]!;
      if (isNullAt(key, r) || (key instanceof NumberColumn && Number.isNaN(key.values[r]))) {
        if (held[g] === Held.None) { this.take(g, columns, r); held[g] = Held.NullKey; }
        continue;
      }
      if (held[g] !== Held.Key || better(g, r, sign)) {
        this.remember(key, g, r);
        this.take(g, columns, r);
        held[g] = Held.Key;
      }
    }
  }

  /** Whether row r's key beats group g's best (strictly: ties keep the first row). */
  private comparator(key: Column): (g: number, r: number, sign: number) => boolean {
    if (key instanceof NumberColumn || key instanceof BoolColumn) {
      const v = key.values, best = this.best;
      return (g, r, sign) => sign * v[r]! > sign * best[g]!;
    }
    if (key instanceof TicksColumn) {
      const ms = key.ms, sub = key.sub, best = this.best, bestSub = this.bestSub;
      return (g, r, sign) => {
        const m = ms[r]!;
        if (m !== best[g]) return sign * m > sign * best[g]!;
        return sign * (sub === null ? 0 : sub[r]!) > sign * bestSub[g]!;
      };
    }
    if (key instanceof StringColumn) {
      const dict = key.dict, codes = key.codes, bestString = this.bestString;
      return (g, r, sign) => {
        const s = dict[codes[r]!]!;
        return sign > 0 ? s > bestString[g]! : s < bestString[g]!;
      };
    }
    throw new KqlError(orderableError(this.fn).slice(6));
  }

  private remember(key: Column, g: number, r: number): void {
    if (key instanceof NumberColumn || key instanceof BoolColumn) this.best[g] = key.values[r]!;
    else if (key instanceof TicksColumn) {
      this.best[g] = key.ms[r]!;
      this.bestSub[g] = key.sub === null ? 0 : key.sub[r]!;
    } else if (key instanceof StringColumn) this.bestString[g] = key.dict[key.codes[r]!]!;
  }

  private take(g: number, columns: Column[], r: number): void {
    for (let i = 0; i < columns.length; i++) this.stores[i]!.set(g, columns[i]!, r);
  }

  finish(numGroups: number): Column {
    return this.finishMany(numGroups)[0]!;
  }

  finishMany(numGroups: number): Column[] {
    return this.stores.map((s, i) => (s === null ? nullColumn(this.types[i] ?? 'dynamic', numGroups) : s.finish(numGroups)));
  }
}

function outputTypes(fn: string) {
  return (args: ArgInfo[]): ScalarType[] | `error:${string}` => {
    if (args.length === 0) return `error:${fn}() expects at least one argument`;
    const key = declaredType(args[0]!.type);
    if (key !== undefined && !isOrderable(key)) return orderableError(fn);
    return args.map((a) => declaredType(a.type) ?? 'dynamic');
  };
}

function argExtremeDef(name: string, sign: 1 | -1): AggregateFunctionDef {
  const types = outputTypes(name);
  return {
    kind: 'aggregate', name,
    params: [{ name: 'key', types: 'scalar' }, { name: 'expr', types: 'any', optional: true, repeat: true }],
    returns: (args) => {
      const t = types(args);
      return typeof t === 'string' ? t : t[0]!;
    },
    outputTypes: types,
    create: (args) => {
      rejectStar(args, name);
      return new ArgExtremeAggregator(name, sign, args.map((a) => declaredType(a.type)));
    },
  };
}

export const argExtremeAggregates: AggregateFunctionDef[] = [
  argExtremeDef('arg_max', 1),
  argExtremeDef('arg_min', -1),
  argExtremeDef('argmax', 1),
  argExtremeDef('argmin', -1),
];
