// Raw cells from files (CSV text, JSON values, parquet values) -> the engine's scalar
// representation (src/kql/types.ts), plus the conservative type inference used when a
// table has no known schema.

import type { DynamicValue, ScalarType } from '../kql/types.js';
import { formatDatetime, parseDatetimeString as parseDatetimeText } from '../kql/values/datetime.js';
import { parseJsonStrict } from '../kql/values/dynamic.js';
import { parseTimespanString as parseTimespanText } from '../kql/values/timespan.js';

/** An exact datetime from a typed source (parquet nanosecond timestamps would lose precision as a Date). */
export class DatetimeTicks {
  constructor(readonly ticks: bigint) {}
}

/** What a reader hands over for one cell. `undefined` = the record has no such field. */
export type RawCell = string | number | boolean | bigint | Date | DatetimeTicks | null | undefined | object;

/** A cell that does not fit its column's type. The builder stores null and reports it. */
export const BAD = Symbol('bad cell');
export type Converted<T> = T | null | typeof BAD;

/** Text meaning "no value" in non-string columns: empty cells and Sentinel exports' literal `null`. */
function isNullText(s: string): boolean {
  return s === '' || s === 'null' || s === 'NULL';
}

const INT_TEXT = /^[+-]?\d+$/;
const REAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_REALS: Readonly<Record<string, number>> = {
  NaN: NaN, nan: NaN, Infinity: Infinity, '+Infinity': Infinity, '-Infinity': -Infinity, inf: Infinity, '-inf': -Infinity,
};
const GUID_TEXT = /^[{(]?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}[)}]?$/;

function textOf(raw: RawCell): string | undefined {
  return typeof raw === 'string' ? raw.trim() : undefined;
}

export function toBool(raw: RawCell): Converted<boolean> {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : BAD;
  const s = textOf(raw);
  if (s === undefined) return BAD;
  if (isNullText(s)) return null;
  const lower = s.toLowerCase();
  if (lower === 'true' || s === '1') return true;
  if (lower === 'false' || s === '0') return false;
  return BAD;
}

/** long/int: integral values only; a long beyond ±2^53 cannot be held exactly, so it is refused. */
export function toInteger(raw: RawCell, type: 'int' | 'long'): Converted<number> {
  if (raw === null || raw === undefined) return null;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'bigint') {
    if (raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < BigInt(Number.MIN_SAFE_INTEGER)) return BAD;
    n = Number(raw);
  } else if (typeof raw === 'boolean') n = raw ? 1 : 0;
  else {
    const s = textOf(raw);
    if (s === undefined) return BAD;
    if (isNullText(s)) return null;
    if (!INT_TEXT.test(s)) return BAD;
    n = Number(s);
  }
  if (!Number.isInteger(n) || !Number.isSafeInteger(n)) return BAD;
  if (type === 'int' && (n > 2147483647 || n < -2147483648)) return BAD;
  return n;
}

export function toReal(raw: RawCell): Converted<number> {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  const s = textOf(raw);
  if (s === undefined) return BAD;
  if (isNullText(s)) return null;
  if (REAL_TEXT.test(s)) return Number(s);
  const special = SPECIAL_REALS[s];
  return special === undefined ? BAD : special;
}

/** datetime as 100 ns ticks since 0001-01-01. Numbers are not guessed at (seconds? ms?): they are bad cells. */
export function toDatetime(raw: RawCell): Converted<bigint> {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof DatetimeTicks) return raw.ticks;
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) return BAD;
    return BigInt(ms) * 10000n + 621355968000000000n;
  }
  const s = textOf(raw);
  if (s === undefined) return BAD;
  if (isNullText(s)) return null;
  const ticks = parseDatetimeText(s);
  return ticks === null ? BAD : ticks;
}

export function toTimespan(raw: RawCell): Converted<bigint> {
  if (raw === null || raw === undefined) return null;
  const s = textOf(raw);
  if (s === undefined) return BAD;
  if (isNullText(s)) return null;
  const ticks = parseTimespanText(s);
  return ticks === null ? BAD : ticks;
}

/** guid in its canonical lower-case form; the empty string is the null guid. */
export function toGuid(raw: RawCell): Converted<string> {
  if (raw === null || raw === undefined) return null;
  const s = textOf(raw);
  if (s === undefined) return BAD;
  if (isNullText(s)) return null;
  if (!GUID_TEXT.test(s)) return BAD;
  return s.replace(/^[{(]|[)}]$/g, '').toLowerCase();
}

/** ADX strings have no null: missing values are the empty string. */
export function toStringCell(raw: RawCell): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (raw instanceof Date) return raw.toISOString();
  if (raw instanceof DatetimeTicks) return formatDatetime(raw.ticks);
  return JSON.stringify(raw);
}

/**
 * dynamic: JSON values are taken as they are; text is parsed as JSON, and text that is not
 * JSON becomes a dynamic string (as parse_json does), so nothing is lost.
 */
export function toDynamic(raw: RawCell): DynamicValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return null;
    if (s[0] === '{' || s[0] === '[' || s[0] === '"') {
      // The values module's reader keeps a `1.0` in the text a real, where JSON.parse makes it a long.
      try {
        return parseJsonStrict(s);
      } catch {
        return raw;
      }
    }
    return raw;
  }
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  if (raw instanceof Date) return raw.toISOString();
  if (raw instanceof DatetimeTicks) return formatDatetime(raw.ticks);
  if (typeof raw === 'object') return jsonSafe(raw) as DynamicValue;
  return raw as DynamicValue;
}

/** Parquet nested values may hold bigint/Date/typed arrays; make them JSON values. */
function jsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof DatetimeTicks) return formatDatetime(v.ticks);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonSafe(x);
    return out;
  }
  return v;
}

// ───────────────────────────── inference ─────────────────────────────

// Candidate types as bits; a column's type is the first candidate (in this order) that
// every non-null value allows. `string` always fits.
const BOOL = 1, LONG = 2, REAL = 4, DATETIME = 8, GUID = 16, DYNAMIC = 32;
export const ALL_CANDIDATES = BOOL | LONG | REAL | DATETIME | GUID | DYNAMIC;

/** The candidate types one raw value allows; 0 = only string. `undefined` = no information (null). */
export function candidatesOf(raw: RawCell): number | undefined {
  if (raw === null || raw === undefined) return undefined;
  switch (typeof raw) {
    case 'boolean':
      return BOOL;
    case 'number':
      return Number.isSafeInteger(raw) ? LONG | REAL : REAL;
    case 'bigint':
      return toInteger(raw, 'long') === BAD ? REAL : LONG | REAL;
    case 'string': {
      const s = raw.trim();
      if (isNullText(s)) return undefined;
      // Leading zeros mark identifiers ("007"), not numbers: keep them as text.
      if (INT_TEXT.test(s)) {
        if (/^[+-]?0\d/.test(s)) return 0;
        return Number.isSafeInteger(Number(s)) ? LONG | REAL : REAL;
      }
      if (REAL_TEXT.test(s)) return /^[+-]?0\d/.test(s) ? 0 : REAL;
      const lower = s.toLowerCase();
      if (lower === 'true' || lower === 'false') return BOOL;
      if (GUID_TEXT.test(s) && s[0] !== '{' && s[0] !== '(') return GUID;
      if (/^\d/.test(s) && parseDatetimeText(s) !== null) return DATETIME;
      if (s[0] === '{' || s[0] === '[') {
        try {
          JSON.parse(s);
          return DYNAMIC;
        } catch {
          return 0;
        }
      }
      return 0;
    }
    default:
      if (raw instanceof Date || raw instanceof DatetimeTicks) return DATETIME;
      return DYNAMIC;
  }
}

/**
 * The inferred type for a column given the AND of its values' candidates, and whether any
 * value was a JSON object/array (mixed objects and scalars make a dynamic column).
 */
export function inferredType(mask: number, sawValue: boolean, sawObject: boolean): ScalarType {
  if (!sawValue) return 'string';
  if (mask & BOOL) return 'bool';
  if (mask & LONG) return 'long';
  if (mask & REAL) return 'real';
  if (mask & DATETIME) return 'datetime';
  if (mask & GUID) return 'guid';
  if (mask & DYNAMIC) return 'dynamic';
  return sawObject ? 'dynamic' : 'string';
}
