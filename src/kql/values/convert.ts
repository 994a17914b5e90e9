// ADX's conversion semantics (the to*() functions and implicit conversions) and integer
// arithmetic rules, over the scalar representation of types.ts. Conversions that fail yield
// null, as in ADX; a long that cannot be held exactly is refused with a KqlError.

import { KqlError, NotSupportedError, isWholeReal, type DynamicValue, type Scalar, type ScalarType } from '../types.js';
import { isValidDatetime, parseDatetimeString } from './datetime.js';
import { isValidTimespan, parseTimespanString } from './timespan.js';
import { parseGuidLenient } from './guid.js';
import { dynamicFromScalar, formatDynamic, parseJson } from './dynamic.js';
import { formatScalar } from './format.js';

export const MAX_EXACT_LONG = 2 ** 53;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A long result, refused when its magnitude exceeds what a double holds exactly. */
export function checkedLong(x: number, what = 'long value'): number {
  if (Math.abs(x) > MAX_EXACT_LONG) {
    throw new KqlError(`${what} ${x} exceeds ±2^53, the largest long this engine holds exactly`, 'LongOverflow');
  }
  return x === 0 ? 0 : x;
}

/** A long from a bigint (ticks, exact parse), refused beyond ±2^53. */
export function longFromBigint(x: bigint, what = 'long value'): number {
  if (x > 9007199254740992n || x < -9007199254740992n) {
    throw new KqlError(`${what} ${x} exceeds ±2^53, the largest long this engine holds exactly`, 'LongOverflow');
  }
  return Number(x);
}

/** Two's-complement wrap to 32 bits, as C#'s unchecked (int) cast of a long does. */
function wrapInt32(x: number): number {
  return x | 0;
}

// ---------------------------------------------------------------------------------------
// String parsing shared by conversions

const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A real from text as .NET's invariant double.Parse reads it: surrounding whitespace,
 * exponents, `NaN`, `Infinity`/`-Infinity` (and the `∞` symbols). Null when unparsable.
 */
export function parseRealString(text: string): number | null {
  const s = text.trim();
  if (DECIMAL_RE.test(s)) return Number(s);
  switch (s.toLowerCase()) {
    case 'nan': return NaN;
    case 'infinity': case '+infinity': case '∞': case '+∞': return Infinity;
    case '-infinity': case '-∞': return -Infinity;
  }
  return null;
}

/**
 * A long from text: an integer (exact; refused beyond ±2^53), or a decimal number truncated
 * toward zero as for real inputs. Null when unparsable or beyond the long range.
 */
export function parseLongString(text: string): number | null {
  const s = text.trim();
  if (INTEGER_RE.test(s)) {
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
    return longFromBigint(big);
  }
  const r = parseRealString(s);
  return r === null ? null : longFromReal(r);
}

function longFromReal(r: number): number | null {
  if (!Number.isFinite(r)) return null;
  const t = Math.trunc(r);
  if (t >= 9223372036854775807 || t < -9223372036854775808) return null;
  return checkedLong(t);
}

// ---------------------------------------------------------------------------------------
// Conversions. `type` is the static type of `value`.

/** tobool(): numbers are true when non-zero; strings `true`/`false` (any case) and `1`/`0`. */
export function toBool(type: ScalarType, value: Scalar): boolean | null {
  if (value === null) return null;
  switch (type) {
    case 'bool': return value as boolean;
    case 'int': case 'long': case 'real': case 'decimal': {
      const n = value as number;
      return Number.isNaN(n) ? null : n !== 0;
    }
    case 'string': return boolFromString(value as string);
    case 'dynamic': return boolFromDynamic(value as DynamicValue);
    default: return null;
  }
}

function boolFromString(s: string): boolean | null {
  switch (s.trim().toLowerCase()) {
    case 'true': case '1': return true;
    case 'false': case '0': return false;
    default: return null;
  }
}

function boolFromDynamic(v: DynamicValue): boolean | null {
  if (typeof v === 'boolean') return v;
  if (isWholeReal(v)) return v.value !== 0;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v !== 0;
  if (typeof v === 'string') return boolFromString(v);
  return null;
}

/** tolong(): reals truncate toward zero; datetime and timespan give their ticks. */
export function toLong(type: ScalarType, value: Scalar): number | null {
  if (value === null) return null;
  switch (type) {
    case 'bool': return value ? 1 : 0;
    case 'int': case 'long': return value as number;
    case 'real': case 'decimal': return longFromReal(value as number);
    case 'string': return parseLongString(value as string);
    case 'datetime': case 'timespan': return longFromBigint(value as bigint, `${type} ticks`);
    case 'dynamic': return longFromDynamic(value as DynamicValue);
    case 'guid': return null;
  }
}

function longFromDynamic(v: DynamicValue): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return longFromReal(v);
  if (isWholeReal(v)) return v.value;
  if (typeof v === 'string') return parseLongString(v);
  return null;
}

/** toint(): as tolong(), then wrapped to 32 bits like C#'s unchecked cast. */
export function toInt(type: ScalarType, value: Scalar): number | null {
  if (value === null) return null;
  if (type === 'int') return value as number;
  if (type === 'datetime' || type === 'timespan') {
    return wrapInt32(Number(BigInt.asIntN(32, value as bigint)));
  }
  const asLong = type === 'string' ? intPathFromString(value as string) : toLong(type, value);
  if (asLong === null) return null;
  return asLong >= INT32_MIN && asLong <= INT32_MAX ? asLong : Number(BigInt.asIntN(32, BigInt(asLong)));
}

/** int parsing must not refuse a long-range integer it is about to wrap. */
function intPathFromString(text: string): number | null {
  const s = text.trim();
  if (INTEGER_RE.test(s)) {
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
    return Number(BigInt.asIntN(32, big));
  }
  const r = parseRealString(s);
  if (r === null || !Number.isFinite(r)) return null;
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(r))));
}

/** toreal()/todouble(). datetime and timespan give their ticks as a double. */
export function toReal(type: ScalarType, value: Scalar): number | null {
  if (value === null) return null;
  switch (type) {
    case 'bool': return value ? 1 : 0;
    case 'int': case 'long': case 'real': case 'decimal': return value as number;
    case 'string': return parseRealString(value as string);
    case 'datetime': case 'timespan': return Number(value as bigint);
    case 'dynamic': {
      const v = value as DynamicValue;
      if (typeof v === 'number') return v;
      if (isWholeReal(v)) return v.value;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string') return parseRealString(v);
      return null;
    }
    case 'guid': return null;
  }
}

/** todecimal(): held as a double (documented divergence). */
export function toDecimal(type: ScalarType, value: Scalar): number | null {
  const r = toReal(type, value);
  return r !== null && !Number.isFinite(r) ? null : r;
}

/** tostring(): null becomes the empty string; a dynamic string yields its raw text. */
export function toStringValue(type: ScalarType, value: Scalar): string {
  return formatScalar(type, value);
}

/**
 * todatetime(): strings in the formats of the datetime docs (a time of day alone needs `now`,
 * the query time); datetime unchanged.
 * Numbers are refused: ADX's behaviour for them is undocumented (use unixtime_*_todatetime).
 */
export function toDatetime(type: ScalarType, value: Scalar, now?: bigint): bigint | null {
  if (value === null) return null;
  switch (type) {
    case 'datetime': return value as bigint;
    case 'string': return parseDatetimeString(value as string, now);
    case 'dynamic': {
      const v = value as DynamicValue;
      return typeof v === 'string' ? parseDatetimeString(v, now) : null;
    }
    case 'int': case 'long': case 'real': case 'decimal':
      throw new NotSupportedError(`todatetime() of a ${type} (use unixtime_seconds_todatetime() and friends)`);
    default: return null;
  }
}

/** totimespan(): strings `[-][d.]hh:mm:ss[.fffffff]` or `1d`-style; timespan unchanged. */
export function toTimespan(type: ScalarType, value: Scalar): bigint | null {
  if (value === null) return null;
  switch (type) {
    case 'timespan': return value as bigint;
    case 'string': return parseTimespanString(value as string);
    case 'dynamic': {
      const v = value as DynamicValue;
      return typeof v === 'string' ? parseTimespanString(v) : null;
    }
    case 'int': case 'long': case 'real': case 'decimal':
      throw new NotSupportedError(`totimespan() of a ${type} (multiply by a timespan instead, e.g. x * 1s)`);
    default: return null;
  }
}

/** toguid(): strings in .NET's guid formats, or 32 hex digits with stray hyphens (see parseGuidLenient); guid unchanged. */
export function toGuid(type: ScalarType, value: Scalar): string | null {
  if (value === null) return null;
  if (type === 'guid') return value as string;
  if (type === 'string') return parseGuidLenient(value as string);
  if (type === 'dynamic' && typeof value === 'string') return parseGuidLenient(value);
  return null;
}

/** todynamic()/parse_json(): strings are parsed as JSON (invalid JSON stays a string); other values are wrapped. */
export function toDynamic(type: ScalarType, value: Scalar): DynamicValue {
  if (type === 'string') return parseJson(value as string);
  return dynamicFromScalar(type, value);
}

/** Convert a value to `target` with the to*() function semantics. */
export function convertTo(target: ScalarType, type: ScalarType, value: Scalar): Scalar {
  switch (target) {
    case 'bool': return toBool(type, value);
    case 'int': return toInt(type, value);
    case 'long': return toLong(type, value);
    case 'real': return toReal(type, value);
    case 'decimal': return toDecimal(type, value);
    case 'string': return toStringValue(type, value);
    case 'datetime': return toDatetime(type, value);
    case 'timespan': return toTimespan(type, value);
    case 'guid': return toGuid(type, value);
    case 'dynamic': return toDynamic(type, value);
  }
}

/** JSON text of a dynamic value (tostring of arrays and bags). */
export function dynamicToText(v: DynamicValue): string {
  return typeof v === 'string' ? v : formatDynamic(v);
}

// ---------------------------------------------------------------------------------------
// Integer arithmetic (int and long operands give long results)

/** `/` for integers: truncates toward zero. Division by zero yields null. */
export function intDivide(a: number, b: number): number | null {
  if (b === 0) return null;
  return checkedLong(Math.trunc(a / b)) || 0;
}

/**
 * `%` as the Kusto docs define it: a small non-negative number, 0 <= N % D < abs(D)
 * (-14 % 12 == 10, 14 % -12 == 2). Modulo by zero yields null.
 */
export function intModulo(a: number, b: number): number | null {
  if (b === 0) return null;
  const r = a % b;
  return r < 0 ? r + Math.abs(b) : r === 0 ? 0 : r;
}

/** `%` for reals with the same non-negative rule; NaN when the divisor is zero, as IEEE fmod. */
export function realModulo(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + Math.abs(b) : r;
}

export function longAdd(a: number, b: number): number {
  return checkedLong(a + b, 'long sum');
}

export function longSubtract(a: number, b: number): number {
  return checkedLong(a - b, 'long difference');
}

export function longMultiply(a: number, b: number): number {
  const p = a * b;
  if (Math.abs(p) > MAX_EXACT_LONG) checkedLong(p, 'long product');
  return p === 0 ? 0 : p;
}

/** A timespan result, refused beyond .NET TimeSpan's Int64 range. */
export function checkedTimespan(ticks: bigint): bigint {
  if (!isValidTimespan(ticks)) throw new KqlError(`timespan overflow: ${ticks} ticks is outside the timespan range`, 'TimespanOverflow');
  return ticks;
}

/** A datetime result; ADX yields null outside 0001-01-01 .. 9999-12-31. */
export function datetimeInRange(ticks: bigint): bigint | null {
  return isValidDatetime(ticks) ? ticks : null;
}

/**
 * bin()/floor() over ticks: rounds down to a multiple of `size` counted from `origin`
 * (0 when absent). A non-positive size yields null, as bin() does.
 */
export function binTicks(value: bigint, size: bigint, origin = 0n): bigint | null {
  if (size <= 0n) return null;
  const offset = value - origin;
  let q = offset / size;
  if (offset % size !== 0n && offset < 0n) q -= 1n;
  return origin + q * size;
}
