// Reading series arguments. A series is a dynamic array; ADX treats every element that is not
// a number (null, strings, bools, bags, nested arrays) as a missing value, so one reader serves
// every series_* function and each function decides what a missing element means for it.
import { KqlError, WholeReal, realToDynamic, type DynamicValue, type Scalar } from '../../types.js';

/** A series element: a number, or null for a missing/non-numeric element. */
export type SeriesElement = number | null;

/** The elements of a dynamic array, non-numbers mapped to null; null when `value` is not an array. */
export function readSeries(value: Scalar): SeriesElement[] | null {
  if (!Array.isArray(value)) return null;
  const out = new Array<SeriesElement>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    out[i] = typeof v === 'number' ? v : v instanceof WholeReal ? v.value : null;
  }
  return out;
}

/** Finite numbers only (NaN and ±∞ count as missing too), for the statistical algorithms. */
export function isPresent(v: SeriesElement): v is number {
  return v !== null && Number.isFinite(v);
}

/**
 * A dynamic array in the algorithms' working form: a Float64Array with NaN for every missing
 * element, NaN and ±∞ included (no fit, filter or decomposition can use them); null when not an array.
 */
export function readFloat64(value: Scalar): Float64Array | null {
  if (!Array.isArray(value)) return null;
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    out[i] = typeof v === 'number' ? (Number.isFinite(v) ? v : Number.NaN) : v instanceof WholeReal ? v.value : Number.NaN;
  }
  return out;
}

/** Whole numbers as a dynamic array of longs (anomaly flags). */
export function toLongs(values: Float64Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** Finite reals as a dynamic array of reals: whole values stay real (scores, periods, transforms). */
export function toReals(values: ArrayLike<number>): DynamicValue[] {
  const out = new Array<DynamicValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = realToDynamic(values[i]!);
  return out;
}

/**
 * Back to a dynamic array of reals, as ADX types every fitted, filtered or decomposed series:
 * NaN and ±∞ have no JSON form, so they become null as ADX serialises them.
 */
export function toDynamic(values: Float64Array): DynamicValue[] {
  const out = new Array<DynamicValue>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? realToDynamic(v) : null;
  }
  return out;
}

/** A numeric scalar argument, or `fallback` when absent or null. */
export function numberArg(fn: string, args: readonly Scalar[], index: number, fallback: number): number {
  const raw = args[index];
  if (raw === undefined || raw === null) return fallback;
  const v = raw instanceof WholeReal ? raw.value : raw;
  if (typeof v !== 'number') throw new KqlError(`${fn}(): argument ${index + 1} must be a number, got ${typeof v}`, 'InvalidArgument');
  return v;
}

/** An integer scalar argument (truncated, as ADX converts real arguments to int parameters). */
export function intArg(fn: string, args: readonly Scalar[], index: number, fallback: number): number {
  return Math.trunc(numberArg(fn, args, index, fallback));
}

export function stringArg(fn: string, args: readonly Scalar[], index: number, fallback: string): string {
  const v = args[index];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string') throw new KqlError(`${fn}(): argument ${index + 1} must be a string`, 'InvalidArgument');
  return v;
}

export function boolArg(fn: string, args: readonly Scalar[], index: number, fallback: boolean): boolean {
  const v = args[index];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new KqlError(`${fn}(): argument ${index + 1} must be a bool`, 'InvalidArgument');
  return v;
}
