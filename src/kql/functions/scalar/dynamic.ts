// Dynamic, array, property-bag and set functions. Arguments that should be arrays or bags but
// are not yield null, as ADX does; scalars placed into dynamic values take their ADX JSON form
// (datetime/timespan as text), which needs the argument types the executor passes in ctx.args.

import { KqlError, dynamicNumber, isWholeReal, realToDynamic, typeFromName } from '../../types.js';
import type { DynamicValue, Scalar, ScalarType } from '../../types.js';
import type { ArgInfo, CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import {
  canonicalDynamicText,
  dynamicEquals,
  dynamicFromScalar,
  parseJsonStrict,
} from '../../values/dynamic.js';
import { convertTo, dynamicToText } from '../../values/convert.js';
import { formatScalar } from '../../values/format.js';
import { getPath, parseBagKeyPath, parseJsonPath, removePath, setOwn, setPath, type PathSegment } from '../dynamic/json-path.js';

type Bag = { [key: string]: DynamicValue };

const TICKS_PER_HOUR = 36_000_000_000n;
/** range() stops after this many values, as documented. */
const MAX_RANGE_VALUES = 1_048_576;

function isBag(v: Scalar | undefined): v is Bag {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isWholeReal(v);
}

function isArray(v: Scalar | undefined): v is DynamicValue[] {
  return Array.isArray(v);
}

function argType(ctx: CallContext, index: number): ArgInfo['type'] | undefined {
  return ctx.args?.[index]?.type;
}

/** Argument `index` as a dynamic value: its ADX JSON form; a real stays a real. */
function asDynamic(value: Scalar | undefined, index: number, ctx: CallContext, fn: string): DynamicValue {
  if (value === undefined || value === null) return null;
  const type = argType(ctx, index);
  if (typeof value === 'number') return type === 'real' || type === 'decimal' ? realToDynamic(value) : value;
  if (typeof value !== 'bigint') return value;
  if (type === 'datetime' || type === 'timespan') return dynamicFromScalar(type, value);
  throw new KqlError(
    `${fn}(): argument ${index + 1} is a datetime or timespan, but the call site did not supply its type (CallContext.args)`,
    'Internal',
  );
}

function integerArg(value: Scalar | undefined): number | null {
  const n = value === undefined ? null : dynamicNumber(value as DynamicValue);
  return n !== null && Number.isFinite(n) ? Math.trunc(n) : null;
}

/** Key for distinct-value sets: equal per dynamicEquals gives equal keys. */
function setKey(v: DynamicValue): string {
  return canonicalDynamicText(v);
}

function distinct(values: Iterable<DynamicValue>): DynamicValue[] {
  const seen = new Map<string, DynamicValue>();
  for (const v of values) {
    const k = setKey(v);
    if (!seen.has(k)) seen.set(k, v);
  }
  return [...seen.values()];
}

/** A position in [0, length]: negative values count from the end. */
function fromEnd(index: number, length: number): number {
  return index < 0 ? length + index : index;
}

function rotateLeft(array: DynamicValue[], count: number): DynamicValue[] {
  const n = array.length;
  if (n === 0) return [];
  const k = ((count % n) + n) % n;
  return [...array.slice(k), ...array.slice(0, k)];
}

function shiftLeft(array: DynamicValue[], count: number, fill: DynamicValue): DynamicValue[] {
  const n = array.length;
  const out: DynamicValue[] = new Array<DynamicValue>(n).fill(fill);
  for (let i = 0; i < n; i++) {
    const from = i + count;
    if (from >= 0 && from < n) out[i] = array[from]!;
  }
  return out;
}

/** array_shift_*'s default fill: "" for arrays of strings, else null (per the docs). */
function defaultShiftFill(array: DynamicValue[]): DynamicValue {
  const present = array.filter((v) => v !== null);
  return present.length > 0 && present.every((v) => typeof v === 'string') ? '' : null;
}

function shiftImpl(direction: 1 | -1) {
  return (args: Scalar[], ctx: CallContext): Scalar => {
    const [array, countValue] = args;
    const count = integerArg(countValue);
    if (!isArray(array) || count === null) return null;
    const fill = args.length > 2 ? asDynamic(args[2], 2, ctx, direction === 1 ? 'array_shift_left' : 'array_shift_right') : defaultShiftFill(array);
    return shiftLeft(array, direction * count, fill);
  };
}

/** array_sort_*: numbers, then strings, then everything else in input order; nulls apart. */
function sortRank(v: DynamicValue): number {
  if (typeof v === 'number' || isWholeReal(v)) return 0;
  if (typeof v === 'string') return 1;
  return 2;
}

function compareForSort(a: DynamicValue, b: DynamicValue): number {
  const ra = sortRank(a);
  const rb = sortRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    const x = dynamicNumber(a)!;
    const y = dynamicNumber(b)!;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
    if (Number.isNaN(y)) return 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 1) return a! < b! ? -1 : a! > b! ? 1 : 0;
  return 0;
}

function sortArrays(descending: boolean) {
  const fn = descending ? 'array_sort_desc' : 'array_sort_asc';
  return (args: Scalar[], ctx: CallContext): Scalar => {
    let arrays = args;
    let nullsLast = true;
    const last = args[args.length - 1];
    if (args.length > 1 && (typeof last === 'boolean' || argType(ctx, args.length - 1) === 'bool')) {
      if (typeof last === 'boolean') nullsLast = last;
      arrays = args.slice(0, -1);
    }
    for (let i = 0; i < arrays.length; i++) {
      if (typeof arrays[i] === 'boolean') throw new KqlError(`${fn}(): only the last argument may be the bool nulls_last (argument ${i + 1})`);
    }
    const first = arrays[0];
    const results: Scalar[] = [];
    if (!isArray(first)) {
      for (let i = 0; i < arrays.length; i++) results.push(null);
    } else {
      const order = first.map((_, i) => i);
      order.sort((i, j) => {
        const a = first[i]!;
        const b = first[j]!;
        if (a === null || b === null) {
          if (a === b) return i - j;
          return (a === null) === nullsLast ? 1 : -1;
        }
        const c = compareForSort(a, b);
        return (descending ? -c : c) || i - j;
      });
      for (const array of arrays) {
        results.push(isArray(array) && array.length === first.length ? order.map((i) => array[i]!) : null);
      }
    }
    return arrays.length === 1 ? results[0]! : (results as DynamicValue[]);
  };
}

function sortResultNames(args: ArgInfo[]): readonly string[] | undefined {
  const arrays = args.filter((a, i) => !(i === args.length - 1 && i > 0 && a.type === 'bool'));
  if (arrays.length < 2) return undefined;
  return arrays.map((a, i) => `${a.columnName ?? `array${i}`}_sorted`);
}

function treePaths(value: DynamicValue, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    const path = `${prefix}[0]`;
    out.add(path);
    for (const element of value) treePaths(element, path, out);
  } else if (isBag(value)) {
    for (const key of Object.keys(value)) {
      const path = `${prefix}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
      out.add(path);
      treePaths(value[key]!, path, out);
    }
  }
}

function setOperation(combine: (sets: DynamicValue[][]) => DynamicValue[]) {
  return (args: Scalar[]): Scalar => {
    if (!args.every(isArray)) return null;
    return combine(args as DynamicValue[][]);
  };
}

function keySet(array: DynamicValue[]): Set<string> {
  return new Set(array.map(setKey));
}

/** range() over numbers: long when every argument is an integer type, else real. */
function numericRange(start: number, stop: number, step: number, real: boolean): DynamicValue[] | null {
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step)) return null;
  const out: DynamicValue[] = [];
  for (let i = 0; out.length < MAX_RANGE_VALUES; i++) {
    const v = start + i * step;
    if (step > 0 ? v > stop : v < stop) break;
    out.push(real ? realToDynamic(v) : v);
  }
  return out;
}

function ticksRange(type: 'datetime' | 'timespan', start: bigint, stop: bigint, step: bigint): DynamicValue[] | null {
  if (step === 0n) return null;
  const out: DynamicValue[] = [];
  for (let v = start; out.length < MAX_RANGE_VALUES && (step > 0n ? v <= stop : v >= stop); v += step) {
    out.push(dynamicFromScalar(type, v));
  }
  return out;
}

function rangeImpl(args: Scalar[], ctx: CallContext): Scalar {
  const [start, stop, step] = args;
  if (start === null || stop === null || step === null) return null;
  if (typeof start === 'bigint') {
    const type = argType(ctx, 0);
    if (type !== 'datetime' && type !== 'timespan') {
      throw new KqlError('range(): the call site did not supply the type of start (CallContext.args)', 'Internal');
    }
    if (typeof stop !== 'bigint') return null;
    const stepTicks = step === undefined ? TICKS_PER_HOUR : step;
    if (typeof stepTicks !== 'bigint') throw new KqlError('range(): a datetime or timespan range needs a timespan step');
    return ticksRange(type, start, stop, stepTicks);
  }
  if (typeof start !== 'number' || typeof stop !== 'number') return null;
  const stepValue = step === undefined ? 1 : step;
  if (typeof stepValue !== 'number') throw new KqlError('range(): a numeric range needs a numeric step');
  const real = args.some((_, i) => { const t = argType(ctx, i); return t === 'real' || t === 'decimal'; });
  return numericRange(start, stop, stepValue, real);
}

const SUMMABLE: readonly ScalarType[] = ['int', 'long', 'real', 'decimal', 'datetime', 'timespan'];

function rangeReturns(args: ArgInfo[]): ScalarType | `error:${string}` {
  const [start, stop, step] = args;
  const kinds = [start, stop].map((a) => a?.type);
  const temporal = kinds.some((t) => t === 'datetime' || t === 'timespan');
  if (temporal && step !== undefined && step.type !== 'timespan' && step.type !== 'unknown') {
    return 'error:range(): the step of a datetime or timespan range must be a timespan';
  }
  for (const a of args) {
    if (a.type !== 'unknown' && !SUMMABLE.includes(a.type as ScalarType)) {
      return `error:range(): expected numeric, datetime or timespan arguments, got ${a.type}`;
    }
  }
  return 'dynamic';
}

/** The typeof(T) argument of extract_json: from the checker (typeLiteral) or, at run time, the type name string. */
function extractTarget(arg: ArgInfo | undefined): ScalarType | undefined {
  if (arg === undefined) return undefined;
  if (arg.typeLiteral !== undefined) return arg.typeLiteral;
  return typeof arg.constant === 'string' ? typeFromName(arg.constant) : undefined;
}

function extractJsonImpl(args: Scalar[], ctx: CallContext): Scalar {
  const [pathValue, textValue, typeValue] = args;
  const target: ScalarType | undefined =
    args.length > 2 ? (typeof typeValue === 'string' ? typeFromName(typeValue) : extractTarget(ctx.args?.[2])) : undefined;
  if (args.length > 2 && target === undefined) {
    throw new KqlError('extract_json(): the third argument must be typeof(<scalar type>)');
  }
  const missing: Scalar = target === undefined || target === 'string' ? '' : null;
  if (typeof pathValue !== 'string') return missing;
  let segments = ctx.cache.get(pathValue) as PathSegment[] | undefined;
  if (segments === undefined) {
    segments = parseJsonPath(pathValue);
    ctx.cache.set(pathValue, segments);
  }
  let document: DynamicValue;
  if (typeof textValue === 'string') {
    try {
      document = parseJsonStrict(textValue);
    } catch {
      return missing;
    }
  } else if (textValue !== null && typeof textValue === 'object') {
    // An array or bag argument is its own JSON document: no need to print and re-parse it.
    document = textValue;
  } else {
    return missing;
  }
  const found = getPath(document, segments);
  if (found === undefined) return missing;
  if (target === undefined || target === 'string') return found === null ? '' : dynamicToText(found);
  if (target === 'dynamic') return found;
  return convertTo(target, 'dynamic', found);
}

function extractJsonReturns(args: ArgInfo[]): ScalarType | `error:${string}` {
  if (args.length < 3) return 'string';
  return extractTarget(args[2]) ?? 'error:extract_json(): the third argument must be typeof(<scalar type>)';
}

/** tostring() of a non-dynamic scalar, canonical JSON (sorted keys) of a dynamic one. */
function dynamicToJsonImpl(args: Scalar[], ctx: CallContext): Scalar {
  const value = args[0] ?? null;
  const type = argType(ctx, 0);
  if (type !== undefined && type !== 'dynamic' && type !== 'unknown' && type !== 'tabular') return formatScalar(type, value);
  if (typeof value === 'bigint') return canonicalDynamicText(asDynamic(value, 0, ctx, 'dynamic_to_json'));
  return canonicalDynamicText(value as DynamicValue);
}

function packPairs(args: Scalar[], ctx: CallContext, fn: string): Scalar {
  if (args.length % 2 !== 0) throw new KqlError(`${fn}(): expects key/value pairs, got ${args.length} arguments`);
  const bag: Bag = {};
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i];
    if (typeof key !== 'string') throw new KqlError(`${fn}(): argument ${i + 1} must be a string key`);
    setOwn(bag, key, asDynamic(args[i + 1], i + 1, ctx, fn));
  }
  return bag;
}

function isNullOrEmpty(v: DynamicValue): boolean {
  return v === null || v === '';
}

function packAllImpl(args: Scalar[], ctx: CallContext): Scalar {
  const start = ctx.rowArgsStart;
  if (start === undefined || ctx.args === undefined) {
    throw new KqlError('pack_all(): the executor did not supply the input row (needsRow)', 'Internal');
  }
  const ignoreNullEmpty = start > 0 && args[0] === true;
  const bag: Bag = {};
  for (let i = start; i < args.length; i++) {
    const name = ctx.args[i]?.columnName;
    if (name === undefined) throw new KqlError(`pack_all(): row column ${i - start + 1} has no name`, 'Internal');
    const value = asDynamic(args[i], i, ctx, 'pack_all');
    if (ignoreNullEmpty && isNullOrEmpty(value)) continue;
    setOwn(bag, name, value);
  }
  return bag;
}

function packColumnsImpl(args: Scalar[], ctx: CallContext): Scalar {
  const bag: Bag = {};
  for (let i = 0; i < args.length; i++) {
    const name = ctx.args?.[i]?.columnName;
    if (name === undefined) throw new KqlError(`bag_pack_columns(): argument ${i + 1} must be a column reference`);
    setOwn(bag, name, asDynamic(args[i], i, ctx, 'bag_pack_columns'));
  }
  return bag;
}

function bagKeyPath(ctx: CallContext, key: string, fn: string): string[] {
  const cacheKey = `${fn}\u0000${key}`;
  let path = ctx.cache.get(cacheKey) as string[] | undefined;
  if (path === undefined) {
    path = parseBagKeyPath(key, fn);
    ctx.cache.set(cacheKey, path);
  }
  return path;
}

function indexOfImpl(args: Scalar[], ctx: CallContext): Scalar {
  const [array, value] = args;
  if (!isArray(array)) return null;
  const start = args.length > 2 ? integerArg(args[2]) : 0;
  const length = args.length > 3 ? integerArg(args[3]) : -1;
  const occurrence = args.length > 4 ? integerArg(args[4]) : 1;
  if (start === null || length === null || occurrence === null || length < -1 || occurrence < 0) return null;
  const needle = asDynamic(value, 1, ctx, 'array_index_of');
  const from = Math.max(0, fromEnd(start, array.length));
  const to = length === -1 ? array.length : Math.min(array.length, from + length);
  let seen = 0;
  for (let i = from; i < to; i++) {
    if (dynamicEquals(array[i]!, needle) && ++seen === occurrence) return i;
  }
  return -1;
}

function iffImpl(args: Scalar[], ctx: CallContext): Scalar {
  const [conditions, whenTrue, whenFalse] = args;
  if (!isArray(conditions)) return null;
  const pick = (source: Scalar | undefined, index: number, i: number): DynamicValue =>
    isArray(source) ? (source[i] ?? null) : asDynamic(source, index, ctx, 'array_iff');
  return conditions.map((c, i) => {
    if (typeof c === 'boolean') return c ? pick(whenTrue, 1, i) : pick(whenFalse, 2, i);
    const n = dynamicNumber(c);
    if (n !== null) return n !== 0 ? pick(whenTrue, 1, i) : pick(whenFalse, 2, i);
    return null;
  });
}

function sliceImpl([array, startValue, endValue]: Scalar[]): Scalar {
  const start = integerArg(startValue);
  const end = integerArg(endValue);
  if (!isArray(array) || start === null || end === null) return null;
  const from = Math.max(0, fromEnd(start, array.length));
  const to = Math.min(array.length - 1, fromEnd(end, array.length));
  return from > to ? [] : array.slice(from, to + 1);
}

function splitImpl([array, indices]: Scalar[]): Scalar {
  if (!isArray(array)) return null;
  const raw = isArray(indices) ? indices : [indices ?? null];
  const cuts: number[] = [];
  for (const index of raw) {
    const n = integerArg(index as Scalar);
    if (n === null) return null;
    cuts.push(Math.min(array.length, Math.max(0, fromEnd(n, array.length))));
  }
  const parts: DynamicValue[] = [];
  let previous = 0;
  for (const cut of cuts) {
    parts.push(array.slice(previous, Math.max(previous, cut)));
    previous = Math.max(previous, cut);
  }
  parts.push(array.slice(previous));
  return parts;
}

function sumImpl([array]: Scalar[]): Scalar {
  if (!isArray(array)) return null;
  let sum = 0;
  for (const v of array) {
    const n = dynamicNumber(v);
    if (n === null) return null;
    sum += n;
  }
  return sum;
}

function repeatImpl(args: Scalar[], ctx: CallContext): Scalar {
  const count = integerArg(args[1]);
  if (count === null || count < 0) return null;
  if (count > MAX_RANGE_VALUES) {
    throw new KqlError(`repeat(): count ${count} exceeds the engine's limit of ${MAX_RANGE_VALUES} elements`);
  }
  return new Array<DynamicValue>(count).fill(asDynamic(args[0], 0, ctx, 'repeat'));
}

function bagZipImpl([keys, values]: Scalar[]): Scalar {
  if (!isArray(keys)) return null;
  const bag: Bag = {};
  keys.forEach((key, i) => {
    if (typeof key === 'string') setOwn(bag, key, isArray(values) ? (values[i] ?? null) : null);
  });
  return bag;
}

function zipImpl(args: Scalar[]): Scalar {
  if (!args.every(isArray)) return null;
  const arrays = args as DynamicValue[][];
  const length = Math.max(0, ...arrays.map((a) => a.length));
  const out: DynamicValue[] = [];
  for (let i = 0; i < length; i++) out.push(arrays.map((a) => a[i] ?? null));
  return out;
}

const DYN: ParamSpec = { name: 'array', types: ['dynamic'] };
const DYN_REPEAT: ParamSpec = { name: 'arrays', types: ['dynamic'], repeat: true };
const INT: readonly ScalarType[] = ['int', 'long'];

export const dynamicFunctions: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'array_concat',
    params: [DYN_REPEAT],
    returns: 'dynamic',
    impl: (args) => (args.every(isArray) ? (args as DynamicValue[][]).flat(1) : null),
  },
  {
    kind: 'scalar',
    name: 'array_iff',
    aliases: ['array_iif'],
    params: [{ name: 'condition_array', types: ['dynamic'] }, { name: 'when_true', types: 'any' }, { name: 'when_false', types: 'any' }],
    returns: 'dynamic',
    impl: iffImpl,
  },
  {
    kind: 'scalar',
    name: 'array_index_of',
    params: [
      DYN,
      { name: 'value', types: 'any' },
      { name: 'start', types: INT, optional: true },
      { name: 'length', types: INT, optional: true },
      { name: 'occurrence', types: INT, optional: true },
    ],
    returns: 'long',
    impl: indexOfImpl,
  },
  {
    kind: 'scalar',
    name: 'array_length',
    aliases: ['arraylength'],
    params: [DYN],
    returns: 'long',
    impl: ([array]) => (isArray(array) ? array.length : null),
  },
  {
    kind: 'scalar',
    name: 'array_reverse',
    params: [DYN],
    returns: 'dynamic',
    impl: ([array]) => (isArray(array) ? [...array].reverse() : null),
  },
  {
    kind: 'scalar',
    name: 'array_rotate_left',
    params: [DYN, { name: 'rotate_count', types: INT }],
    returns: 'dynamic',
    impl: ([array, count]) => {
      const n = integerArg(count);
      return isArray(array) && n !== null ? rotateLeft(array, n) : null;
    },
  },
  {
    kind: 'scalar',
    name: 'array_rotate_right',
    params: [DYN, { name: 'rotate_count', types: INT }],
    returns: 'dynamic',
    impl: ([array, count]) => {
      const n = integerArg(count);
      return isArray(array) && n !== null ? rotateLeft(array, -n) : null;
    },
  },
  {
    kind: 'scalar',
    name: 'array_shift_left',
    params: [DYN, { name: 'shift_count', types: INT }, { name: 'default_value', types: 'any', optional: true }],
    returns: 'dynamic',
    impl: shiftImpl(1),
  },
  {
    kind: 'scalar',
    name: 'array_shift_right',
    params: [DYN, { name: 'shift_count', types: INT }, { name: 'default_value', types: 'any', optional: true }],
    returns: 'dynamic',
    impl: shiftImpl(-1),
  },
  {
    kind: 'scalar',
    name: 'array_slice',
    params: [DYN, { name: 'start', types: INT }, { name: 'end', types: INT }],
    returns: 'dynamic',
    impl: sliceImpl,
  },
  {
    kind: 'scalar',
    name: 'array_sort_asc',
    params: [DYN, { name: 'arrays_or_nulls_last', types: ['dynamic', 'bool'], optional: true, repeat: true }],
    returns: 'dynamic',
    tupleNamesFor: sortResultNames,
    impl: sortArrays(false),
  },
  {
    kind: 'scalar',
    name: 'array_sort_desc',
    params: [DYN, { name: 'arrays_or_nulls_last', types: ['dynamic', 'bool'], optional: true, repeat: true }],
    returns: 'dynamic',
    tupleNamesFor: sortResultNames,
    impl: sortArrays(true),
  },
  {
    kind: 'scalar',
    name: 'array_split',
    params: [DYN, { name: 'indices', types: ['int', 'long', 'dynamic'] }],
    returns: 'dynamic',
    impl: splitImpl,
  },
  {
    kind: 'scalar',
    name: 'strcat_array',
    params: [DYN, { name: 'delimiter', types: 'scalar' }],
    returns: 'string',
    impl: ([array, delimiter], ctx) => {
      if (!isArray(array)) return '';
      const t = argType(ctx, 1);
      const separator = delimiter === null ? '' : formatScalar(t === undefined || t === 'tabular' || t === 'unknown' ? 'string' : t, delimiter);
      // A null element joins as the empty string, as tostring(null) does.
      return array.map((v) => (v === null ? '' : dynamicToText(v))).join(separator);
    },
  },
  {
    kind: 'scalar',
    name: 'array_sum',
    params: [DYN],
    returns: 'real',
    impl: sumImpl,
  },
  {
    kind: 'scalar',
    name: 'bag_has_key',
    params: [{ name: 'bag', types: ['dynamic'] }, { name: 'key', types: ['string'] }],
    returns: 'bool',
    impl: ([bag, key], ctx) => {
      if (!isBag(bag) || typeof key !== 'string') return null;
      return getPath(bag, bagKeyPath(ctx, key, 'bag_has_key')) !== undefined;
    },
  },
  {
    kind: 'scalar',
    name: 'bag_keys',
    params: [{ name: 'object', types: ['dynamic'] }],
    returns: 'dynamic',
    impl: ([bag]) => (isBag(bag) ? Object.keys(bag) : null),
  },
  {
    kind: 'scalar',
    name: 'bag_merge',
    params: [{ name: 'bag', types: ['dynamic'] }, { name: 'bags', types: ['dynamic'], repeat: true }],
    returns: 'dynamic',
    impl: (args) => {
      // The leftmost bag wins a shared key (the docs' example keeps A1 from the first bag).
      const merged: Bag = {};
      for (const bag of args) {
        if (!isBag(bag)) continue;
        for (const key of Object.keys(bag)) {
          if (!Object.prototype.hasOwnProperty.call(merged, key)) setOwn(merged, key, bag[key]!);
        }
      }
      return merged;
    },
  },
  {
    kind: 'scalar',
    name: 'bag_pack',
    aliases: ['pack', 'pack_dictionary'],
    params: [{ name: 'key', types: ['string'] }, { name: 'value', types: 'any' }, { name: 'pairs', types: 'any', optional: true, repeat: true }],
    returns: (args) => (args.length % 2 === 0 ? 'dynamic' : `error:bag_pack(): expects key/value pairs, got ${args.length} arguments`),
    impl: (args, ctx) => packPairs(args, ctx, 'bag_pack'),
  },
  {
    kind: 'scalar',
    name: 'bag_pack_columns',
    params: [{ name: 'column', types: 'any', repeat: true }],
    returns: 'dynamic',
    impl: packColumnsImpl,
  },
  {
    kind: 'scalar',
    name: 'pack_all',
    params: [{ name: 'ignore_null_empty', types: ['bool'], optional: true }],
    returns: 'dynamic',
    needsRow: true,
    impl: packAllImpl,
  },
  {
    kind: 'scalar',
    name: 'pack_array',
    params: [{ name: 'value', types: 'any', repeat: true }],
    returns: 'dynamic',
    impl: (args, ctx) => args.map((v, i) => asDynamic(v, i, ctx, 'pack_array')),
  },
  {
    kind: 'scalar',
    name: 'bag_remove_keys',
    params: [{ name: 'bag', types: ['dynamic'] }, { name: 'keys', types: ['dynamic'] }],
    returns: 'dynamic',
    impl: ([bag, keys], ctx) => {
      if (!isBag(bag) || !isArray(keys)) return null;
      let result: Bag = bag;
      for (const key of keys) {
        if (typeof key === 'string') result = removePath(result, bagKeyPath(ctx, key, 'bag_remove_keys'));
      }
      return result;
    },
  },
  {
    kind: 'scalar',
    name: 'bag_set_key',
    params: [{ name: 'bag', types: ['dynamic'] }, { name: 'key', types: ['string'] }, { name: 'value', types: 'any' }],
    returns: 'dynamic',
    impl: (args, ctx) => {
      const [bag, key] = args;
      if (!isBag(bag) || typeof key !== 'string') return null;
      return setPath(bag, bagKeyPath(ctx, key, 'bag_set_key'), asDynamic(args[2], 2, ctx, 'bag_set_key'));
    },
  },
  {
    kind: 'scalar',
    name: 'bag_zip',
    params: [{ name: 'keys', types: ['dynamic'] }, { name: 'values', types: ['dynamic'] }],
    returns: 'dynamic',
    impl: bagZipImpl,
  },
  {
    kind: 'scalar',
    name: 'set_difference',
    params: [{ name: 'set1', types: ['dynamic'] }, { name: 'sets', types: ['dynamic'], repeat: true }],
    returns: 'dynamic',
    impl: setOperation(([first, ...others]) => {
      const excluded = new Set(others.flatMap((o) => [...keySet(o)]));
      return distinct(first!).filter((v) => !excluded.has(setKey(v)));
    }),
  },
  {
    kind: 'scalar',
    name: 'set_intersect',
    params: [{ name: 'set1', types: ['dynamic'] }, { name: 'sets', types: ['dynamic'], repeat: true }],
    returns: 'dynamic',
    impl: setOperation(([first, ...others]) => {
      const keys = others.map(keySet);
      return distinct(first!).filter((v) => keys.every((k) => k.has(setKey(v))));
    }),
  },
  {
    kind: 'scalar',
    name: 'set_union',
    params: [{ name: 'set1', types: ['dynamic'] }, { name: 'sets', types: ['dynamic'], repeat: true }],
    returns: 'dynamic',
    impl: setOperation((sets) => distinct(sets.flat(1))),
  },
  {
    kind: 'scalar',
    name: 'set_equals',
    params: [{ name: 'set1', types: ['dynamic'] }, { name: 'set2', types: ['dynamic'] }],
    returns: 'bool',
    impl: ([a, b]) => {
      if (!isArray(a) || !isArray(b)) return null;
      const x = keySet(a);
      const y = keySet(b);
      return x.size === y.size && [...x].every((k) => y.has(k));
    },
  },
  {
    kind: 'scalar',
    name: 'set_has_element',
    params: [{ name: 'set', types: ['dynamic'] }, { name: 'value', types: 'any' }],
    returns: 'bool',
    impl: ([set, value], ctx) => {
      if (!isArray(set)) return null;
      const needle = asDynamic(value, 1, ctx, 'set_has_element');
      return set.some((v) => dynamicEquals(v, needle));
    },
  },
  {
    kind: 'scalar',
    name: 'treepath',
    params: [{ name: 'object', types: ['dynamic'] }],
    returns: 'dynamic',
    impl: ([value]) => {
      const out = new Set<string>();
      treePaths((value ?? null) as DynamicValue, '', out);
      return [...out];
    },
  },
  {
    kind: 'scalar',
    name: 'zip',
    params: [{ name: 'array', types: ['dynamic'] }, { name: 'arrays', types: ['dynamic'], repeat: true }],
    returns: 'dynamic',
    impl: zipImpl,
  },
  {
    kind: 'scalar',
    name: 'repeat',
    params: [{ name: 'value', types: 'scalar' }, { name: 'count', types: INT }],
    returns: 'dynamic',
    impl: repeatImpl,
  },
  {
    kind: 'scalar',
    name: 'range',
    params: [
      { name: 'start', types: SUMMABLE },
      { name: 'stop', types: SUMMABLE },
      { name: 'step', types: SUMMABLE, optional: true },
    ],
    returns: rangeReturns,
    impl: rangeImpl,
  },
  {
    kind: 'scalar',
    name: 'extract_json',
    aliases: ['extractjson'],
    params: [
      { name: 'jsonPath', types: ['string'], constant: true },
      // ADX passes a dynamic argument (AdditionalFields) as its JSON text.
      { name: 'jsonText', types: ['string', 'dynamic'] },
      { name: 'type', types: 'any', optional: true },
    ],
    returns: extractJsonReturns,
    impl: extractJsonImpl,
  },
  {
    kind: 'scalar',
    name: 'dynamic_to_json',
    params: [{ name: 'value', types: 'any' }],
    returns: 'string',
    impl: dynamicToJsonImpl,
  },
];
