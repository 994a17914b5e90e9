// How string functions see non-string arguments. ADX string functions "forcibly cast" their
// arguments to string (tostring() semantics): a bigint is a datetime or a timespan only by
// its static type, which the call site reports in CallContext.args.
import type { CallContext } from '../registry.js';
import type { Scalar, ScalarType } from '../../types.js';
import { KqlError } from '../../types.js';
import { formatDatetime } from '../../values/datetime.js';
import { formatTimespan } from '../../values/timespan.js';
import { formatReal } from '../../values/numbers.js';
import { dynamicToText } from '../../values/convert.js';

/** tostring() of a scalar of a known type. */
export function scalarToString(value: Scalar, type: ScalarType | 'unknown' | 'tabular' | undefined): string {
  if (value === null) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return type === 'real' || type === 'decimal' || !Number.isInteger(value) ? formatReal(value) : String(value);
    case 'bigint':
      if (type === 'datetime') return formatDatetime(value);
      if (type === 'timespan') return formatTimespan(value);
      throw new KqlError(`internal error: a ${type ?? 'untyped'} argument holds a tick value`, 'Internal');
    default:
      return dynamicToText(value);
  }
}

/** Argument i as string, converted according to its static type at this call site. */
export function argText(args: readonly Scalar[], i: number, ctx: CallContext): string {
  return scalarToString(args[i] ?? null, ctx.args?.[i]?.type);
}
