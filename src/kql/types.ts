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
 * A plain number that is whole and within ±2^53 is a long; any other plain number is a real.
 * A whole-valued real (ADX's `1.0`) is a WholeReal, so that it keeps its type (gettype,
 * `[1.0]` in JSON text, series results) while longs and fractional reals stay plain numbers.
 * datetime/timespan/guid values placed into dynamic are stored as their
 * ADX string forms, as ADX serialises them to JSON (documented divergence:
 * ADX keeps the original type tag inside the dynamic value).
 */
export type DynamicValue =
  | null
  | boolean
  | number
  | WholeReal
  | string
  | DynamicValue[]
  | { [key: string]: DynamicValue };

const MAX_EXACT_LONG = 2 ** 53;

/**
 * A real inside a dynamic value whose value is whole and within ±2^53, where a plain number
 * would read as a long. Immutable; build with realToDynamic, never compare with `===`.
 * JSON.stringify writes the bare number, so JSON-text keys treat 1.0 and 1 as equal, as
 * ADX's `==` does.
 */
export class WholeReal {
  // Only so that code written before WholeReal existed, which indexes any non-array object
  // as a property bag, keeps compiling. A WholeReal is no bag: test isWholeReal first.
  readonly [key: string]: DynamicValue;

  private constructor(readonly value: number) {}

  // Series of reals are full of small whole values (zero-filled make-series bins, counts
  // averaged, rounded results): sharing these spares an allocation per element.
  private static readonly SMALL_MIN = -128;
  private static readonly SMALL: readonly WholeReal[] = Array.from({ length: 1024 + 128 }, (_, i) => new WholeReal(i - 128));

  /** Callers use realToDynamic, which decides when a number needs wrapping. */
  static of(value: number): WholeReal {
    const i = value - WholeReal.SMALL_MIN;
    return i >= 0 && i < WholeReal.SMALL.length && !Object.is(value, -0) ? WholeReal.SMALL[i]! : new WholeReal(value);
  }
}

// On the prototype rather than as a method: a method would not fit the index signature.
Object.defineProperty(WholeReal.prototype, 'toJSON', {
  value(this: WholeReal): number { return this.value; },
});

export function isWholeReal(v: unknown): v is WholeReal {
  return v instanceof WholeReal;
}

/** A real as a dynamic element: wrapped when a plain number would read as a long. */
export function realToDynamic(x: number): number | WholeReal {
  return Number.isInteger(x) && x <= MAX_EXACT_LONG && x >= -MAX_EXACT_LONG ? WholeReal.of(x) : x;
}

/** Whether a dynamic value is a real number: a WholeReal, or a plain number that is no long. */
export function isDynamicReal(v: DynamicValue | undefined): boolean {
  if (typeof v === 'number') return !(Number.isInteger(v) && v <= MAX_EXACT_LONG && v >= -MAX_EXACT_LONG);
  return v instanceof WholeReal;
}

/** The number a value holds (a dynamic long or real, or a plain number), or null when it holds none. */
export function dynamicNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  return v instanceof WholeReal ? v.value : null;
}

/** A scalar with a top-level WholeReal replaced by its number: for code that wants a JS number. */
export function unwrapWholeReal<T>(v: T): T | number {
  return v instanceof WholeReal ? v.value : v;
}

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
