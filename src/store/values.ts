// Row values from the ingest pipeline -> the scalar a store column of a given type holds.
// Parsers already produce the engine's representation (types.ts); conversion only happens
// when a table's column was fixed to another type by an earlier source, as ADX converts on
// ingestion into an existing table.

import { UNIX_EPOCH_TICKS } from '../kql/data/column.js';
import { convertTo } from '../kql/values/convert.js';
import type { DynamicValue, Scalar, ScalarType } from '../kql/types.js';

export function currentTicksValue(): bigint {
  return BigInt(Date.now()) * 10000n + UNIX_EPOCH_TICKS;
}

/**
 * The column type a value implies when no schema announced its column. Ticks without a
 * declared type are taken as datetime: parsers emit timespans only for declared columns.
 */
export function typeOfValue(v: unknown): ScalarType {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'long' : 'real';
    case 'bigint': return 'datetime';
    case 'string': return 'string';
    default: return 'dynamic';
  }
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * `v` as a value of `type`: null for null, undefined when the value cannot be one (the
 * caller stores null and counts it).
 */
export function coerceValue(type: ScalarType, v: unknown): Scalar | undefined {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'long': case 'real': case 'decimal':
      if (typeof v === 'number' && (type !== 'long' || Number.isSafeInteger(v))) return v;
      break;
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX) return v;
      break;
    case 'bool':
      if (typeof v === 'boolean') return v;
      break;
    case 'datetime': case 'timespan':
      if (typeof v === 'bigint') return v;
      break;
    case 'dynamic':
      if (typeof v !== 'bigint') return v as DynamicValue;
      break;
    case 'guid':
      if (typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v)) return v;
      break;
  }
  const from: ScalarType = typeof v === 'bigint' ? (type === 'timespan' ? 'timespan' : 'datetime') : typeOfValue(v);
  try {
    const converted = convertTo(type, from, v as Scalar);
    return converted === null ? undefined : converted;
  } catch {
    // convertTo refuses some pairs (a number to a datetime): the value cannot be stored as that type.
    return undefined;
  }
}
