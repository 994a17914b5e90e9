// How values look as text (table cells, tostring()) and as JSON (the CLI's --format json).

import { WholeReal, type DynamicValue, type Scalar, type ScalarType } from '../types.js';
import { formatDatetime, formatDatetimeIso } from './datetime.js';
import { formatTimespan } from './timespan.js';
import { formatDynamic } from './dynamic.js';
import { formatDecimal, formatReal } from './numbers.js';

export { formatReal, formatDecimal };

/** The text of a value in a table cell and in tostring(): null is the empty string. */
export function formatScalar(type: ScalarType, value: Scalar): string {
  if (value === null) return '';
  switch (type) {
    case 'bool': return value ? 'true' : 'false';
    case 'int':
    case 'long': return Object.is(value, -0) ? '0' : String(value);
    case 'real': return formatReal(value as number);
    case 'decimal': return formatDecimal(value as number);
    case 'string':
    case 'guid': return value as string;
    case 'datetime': return formatDatetime(value as bigint);
    case 'timespan': return formatTimespan(value as bigint);
    case 'dynamic':
      // A dynamic string shows (and converts with tostring) as its raw text, not JSON-quoted.
      return typeof value === 'string' ? value : formatDynamic(value as DynamicValue);
  }
}

function jsonNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return Object.is(x, -0) ? 0 : x;
}

function jsonDynamic(v: DynamicValue): unknown {
  if (typeof v === 'number') return jsonNumber(v);
  if (v === null || typeof v !== 'object') return v;
  // JSON has one number type: a whole real is written like the long it equals.
  if (v instanceof WholeReal) return v.value;
  if (Array.isArray(v)) return v.map(jsonDynamic);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = jsonDynamic(v[k]!);
  return out;
}

/**
 * A value for the CLI's `--format json`: null -> null; bool and numbers as JSON (NaN and
 * ±Infinity as the strings "NaN", "Infinity", "-Infinity"); datetime as ISO 8601 UTC with
 * `Z` and fractional digits only when non-zero; timespan in ADX's text form; dynamic as its
 * JSON value; guid and string as strings.
 */
export function toJsonValue(type: ScalarType, value: Scalar): unknown {
  if (value === null) return null;
  switch (type) {
    case 'bool': return value as boolean;
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': return jsonNumber(value as number);
    case 'string':
    case 'guid': return value as string;
    case 'datetime': return formatDatetimeIso(value as bigint);
    case 'timespan': return formatTimespan(value as bigint);
    case 'dynamic': return jsonDynamic(value as DynamicValue);
  }
}
