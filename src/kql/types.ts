// The KQL type system shared by the checker and the executor.
//
// Scalar values in JS (one representation everywhere a single value is handled:
// literals, constant folding, per-row fallback evaluation, dynamic payloads):
//   bool      -> boolean
//   int, long -> number (always an integer; long is exact only to ±2^53, and any
//                producer of a larger magnitude must throw a KqlError rather than round)
//   real      -> number (NaN and ±Infinity allowed; they are not null)
//   decimal   -> number (documented divergence: ADX uses 128-bit decimal)
//   string    -> string (ADX strings are never null: the empty string stands in)
//   datetime  -> bigint, 100 ns ticks since 0001-01-01T00:00:00Z (ADX's own epoch)
//   timespan  -> bigint, 100 ns ticks
//   guid      -> string, lower-case canonical 8-4-4-4-12 form
//   dynamic   -> DynamicValue (JSON-like JS value; see below)
// null is JS `null` for every type except string.

export type ScalarType =
  | 'bool'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'string'
  | 'datetime'
  | 'timespan'
  | 'guid'
  | 'dynamic';

export const SCALAR_TYPES: readonly ScalarType[] = [
  'bool', 'int', 'long', 'real', 'decimal', 'string', 'datetime', 'timespan', 'guid', 'dynamic',
];

/** Every spelling ADX accepts for a type name, mapped to the canonical type. */
export const TYPE_ALIASES: Readonly<Record<string, ScalarType>> = {
  bool: 'bool', boolean: 'bool',
  int: 'int', int32: 'int',
  long: 'long', int64: 'long',
  real: 'real', double: 'real', float: 'real',
  decimal: 'decimal',
  string: 'string',
  datetime: 'datetime', date: 'datetime',
  timespan: 'timespan', time: 'timespan',
  guid: 'guid', uniqueid: 'guid',
  dynamic: 'dynamic',
};

export function typeFromName(name: string): ScalarType | undefined {
  return TYPE_ALIASES[name.toLowerCase()];
}

/**
 * A dynamic value. Arrays and property bags are plain JS arrays and objects.
 * Numbers that are integers are treated as long, others as real (gettype()).
 * datetime/timespan/guid values placed into dynamic are stored as their
 * ADX string forms, as ADX serialises them to JSON (documented divergence:
 * ADX keeps the original type tag inside the dynamic value).
 */
export type DynamicValue =
  | null
  | boolean
  | number
  | string
  | DynamicValue[]
  | { [key: string]: DynamicValue };

export type Scalar = null | boolean | number | string | bigint | DynamicValue;

export interface ColumnSchema {
  name: string;
  type: ScalarType;
}

export type TableSchema = ColumnSchema[];

export function isNumericType(t: ScalarType): boolean {
  return t === 'int' || t === 'long' || t === 'real' || t === 'decimal';
}

/** ADX's numeric promotion: int < long < decimal < real. */
export function promoteNumeric(a: ScalarType, b: ScalarType): ScalarType {
  const rank: Partial<Record<ScalarType, number>> = { int: 0, long: 1, decimal: 2, real: 3 };
  return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b;
}

/** An error a user caused, with the source range it refers to (offsets into query text). */
export class KqlError extends Error {
  constructor(
    message: string,
    public readonly code: string = 'KQL',
    public readonly start?: number,
    public readonly end?: number,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}

/** Thrown for language features the engine deliberately refuses rather than approximates. */
export class NotSupportedError extends KqlError {
  constructor(feature: string, start?: number, end?: number) {
    super(`not supported: ${feature}`, 'NotSupported', start, end);
    this.name = 'NotSupportedError';
  }
}
