// Small pieces shared by the aggregate groups: argument typing, constant arguments, and the
// return-type rules the checker applies.

import type { Column } from '../../data/column.js';
import { KqlError, NotSupportedError, type Scalar, type ScalarType } from '../../types.js';
import type { ArgInfo, GroupedAggregator, ParamSpec, ReturnRule } from '../registry.js';
import { declaredType } from './values.js';

/** The scalar type the checker gave argument i, if it knew one. */
export function argType(args: readonly ArgInfo[], i: number): ScalarType | undefined {
  return declaredType(args[i]?.type);
}

export function isSummable(t: ScalarType): boolean {
  return t === 'int' || t === 'long' || t === 'real' || t === 'decimal' || t === 'timespan' || t === 'datetime';
}

export function isOrderable(t: ScalarType): boolean {
  return isSummable(t) || t === 'string' || t === 'bool';
}

/** A return rule over the first argument's type, with ADX's "must be X" messages. */
export function firstArgRule(fn: string, map: (t: ScalarType) => ScalarType | `error:${string}`): ReturnRule {
  return (args) => {
    const t = args[0]?.type;
    if (t === undefined) return `error:${fn}() expects an argument`;
    if (t === 'unknown' || t === 'tabular') return t === 'tabular' ? `error:${fn}() expects a scalar argument` : 'dynamic';
    return map(t);
  };
}

export const summableError = (fn: string): `error:${string}` =>
  `error:${fn}(): the argument value must be summable: a number, timespan or datetime`;
export const orderableError = (fn: string): `error:${string}` =>
  `error:${fn}(): the argument value must be orderable: a number, timespan, datetime, string or boolean`;

/** sum/sumif: int widens to long; datetime is accepted by ADX's checker (the executor refuses it). */
export function sumType(fn: string): ReturnRule {
  return firstArgRule(fn, (t) => (t === 'int' ? 'long' : isSummable(t) ? t : summableError(fn)));
}

/** avg/avgif: integers average to real; decimal, timespan and datetime keep their type. */
export function avgType(fn: string): ReturnRule {
  return firstArgRule(fn, (t) => (t === 'int' || t === 'long' ? 'real' : isSummable(t) ? t : summableError(fn)));
}

export function orderableType(fn: string): ReturnRule {
  return firstArgRule(fn, (t) => (isOrderable(t) ? t : orderableError(fn)));
}

export const BOOL_PARAM: ParamSpec = { name: 'predicate', types: ['bool'] };

/** A constant argument's value, or `fallback` when the argument is absent. */
export function constantArg(args: readonly ArgInfo[], i: number, fn: string, what: string, fallback: Scalar): Scalar {
  const a = args[i];
  if (a === undefined) return fallback;
  if (!('constant' in a)) throw new KqlError(`${fn}(): the ${what} argument must be a constant`);
  return a.constant ?? null;
}

/** An integer constant within [min, max]. */
export function intConstant(
  args: readonly ArgInfo[], i: number, fn: string, what: string, fallback: number, min: number, max: number,
): number {
  const v = constantArg(args, i, fn, what, fallback);
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new KqlError(`${fn}(): the ${what} argument must be an integer between ${min} and ${max}, got ${String(v)}`);
  }
  return n;
}

/** Aggregates that receive `*` unexpanded cannot know which columns to carry. */
export function rejectStar(args: readonly ArgInfo[], fn: string): void {
  if (args.some((a) => a.star === true)) {
    throw new KqlError(`${fn}(): '*' must be expanded into the input columns before execution`);
  }
}

export function refuseType(fn: string, t: ScalarType): never {
  throw new NotSupportedError(`${fn}() over ${t} values`);
}

/** Asserts an argument column exists; the executor passes one column per call argument. */
export function argColumn(cols: readonly Column[], i: number, fn: string): Column {
  const c = cols[i];
  if (c === undefined) throw new KqlError(`${fn}(): argument ${i + 1} was not supplied`);
  return c;
}

export type Create = (args: ArgInfo[]) => GroupedAggregator;
