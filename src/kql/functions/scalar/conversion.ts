// Conversion functions (to*(), parse_json, gettype, isnull/isempty, tohex). The semantics
// live in values/convert.ts; this file declares signatures and binds arguments.

import { KqlError, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import type { ArgInfo, CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import {
  toBool, toDecimal, toDynamic, toGuid, toInt, toLong, toReal, toStringValue, toDatetime, toTimespan,
} from '../../values/convert.js';
import { dynamicKind } from '../../values/dynamic.js';

/**
 * The static type of argument i: what the checker reported at this call site, else inferred
 * from the JS value where that is unambiguous. A bigint (datetime or timespan) without a
 * reported type cannot be interpreted and is refused.
 */
export function argTypeOf(ctx: CallContext, i: number, value: Scalar, fn: string): ScalarType {
  const reported = ctx.args?.[i]?.type;
  if (reported !== undefined && reported !== 'unknown' && reported !== 'tabular') return reported;
  switch (typeof value) {
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(value) ? 'long' : 'real';
    case 'string': return 'string';
    case 'bigint': throw new KqlError(`internal error: ${fn}() received a tick value without its type`, 'Internal');
    default: return 'dynamic';
  }
}

const VALUE: ParamSpec = { name: 'value', types: 'any' };

/** A one-argument conversion bound to its values/convert.ts implementation. */
function conversion(
  name: string,
  returns: ScalarType,
  convert: (type: ScalarType, value: Scalar, now: bigint) => Scalar,
  aliases: readonly string[] = [],
): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    aliases,
    params: [VALUE],
    returns,
    impl: (args, ctx) => convert(argTypeOf(ctx, 0, args[0] ?? null, name), args[0] ?? null, ctx.now),
  };
}

/** gettype(): the static type, or for dynamic values the kind of the value held. */
function typeName(type: ScalarType, value: Scalar): string {
  if (type === 'dynamic') return dynamicKind(value as DynamicValue);
  return type;
}

function isNullValue(type: ScalarType, value: Scalar): boolean {
  return value === null && type !== 'string';
}

/** isempty(): null, the empty string, or a dynamic null/empty string (arrays and bags are not empty). */
function isEmptyValue(value: Scalar): boolean {
  return value === null || value === '';
}

function argInfoType(args: ArgInfo[], i: number): ScalarType | undefined {
  const t = args[i]?.type;
  return t === undefined || t === 'unknown' || t === 'tabular' ? undefined : t;
}

/** tohex(): lower-case two's complement hex of an int (32-bit) or long (64-bit), zero-padded to min_length. */
function toHex(value: Scalar, type: ScalarType, minLength: Scalar): string {
  // Strings are never null in ADX: a null input gives the empty string.
  if (value === null || typeof value !== 'number' || !Number.isInteger(value)) return '';
  const bits = type === 'int' ? 32 : 64;
  const hex = BigInt.asUintN(bits, BigInt(value)).toString(16);
  const width = typeof minLength === 'number' && minLength > 0 ? Math.floor(minLength) : 0;
  return hex.padStart(width, '0');
}

export const conversionFunctions: readonly ScalarFunctionDef[] = [
  conversion('tobool', 'bool', toBool, ['toboolean']),
  conversion('toint', 'int', toInt),
  conversion('tolong', 'long', toLong),
  conversion('toreal', 'real', toReal, ['todouble']),
  conversion('todecimal', 'decimal', toDecimal),
  conversion('tostring', 'string', toStringValue),
  conversion('todatetime', 'datetime', toDatetime),
  conversion('totimespan', 'timespan', toTimespan, ['totime']),
  conversion('toguid', 'guid', toGuid),
  conversion('todynamic', 'dynamic', toDynamic, ['toobject']),
  conversion('parse_json', 'dynamic', toDynamic, ['parsejson']),
  {
    kind: 'scalar',
    name: 'gettype',
    params: [VALUE],
    returns: 'string',
    impl: (args, ctx) => typeName(argTypeOf(ctx, 0, args[0] ?? null, 'gettype'), args[0] ?? null),
  },
  {
    kind: 'scalar',
    name: 'isnull',
    params: [VALUE],
    returns: 'bool',
    impl: (args, ctx) => isNullValue(argTypeOf(ctx, 0, args[0] ?? null, 'isnull'), args[0] ?? null),
  },
  {
    kind: 'scalar',
    name: 'isnotnull',
    aliases: ['notnull'],
    params: [VALUE],
    returns: 'bool',
    impl: (args, ctx) => !isNullValue(argTypeOf(ctx, 0, args[0] ?? null, 'isnotnull'), args[0] ?? null),
  },
  {
    kind: 'scalar',
    name: 'isempty',
    params: [VALUE],
    returns: 'bool',
    impl: (args) => isEmptyValue(args[0] ?? null),
  },
  {
    kind: 'scalar',
    name: 'isnotempty',
    aliases: ['notempty'],
    params: [VALUE],
    returns: 'bool',
    impl: (args) => !isEmptyValue(args[0] ?? null),
  },
  {
    kind: 'scalar',
    name: 'tohex',
    params: [
      { name: 'value', types: ['int', 'long'] },
      { name: 'minLength', types: ['int', 'long'], optional: true },
    ],
    returns: (args) => (argInfoType(args, 0) === undefined || args[0]!.type === 'int' || args[0]!.type === 'long'
      ? 'string'
      : `error:tohex() expects an int or long value, not ${args[0]!.type}`),
    impl: (args, ctx) => toHex(args[0] ?? null, argTypeOf(ctx, 0, args[0] ?? null, 'tohex'), args[1] ?? null),
  },
];
