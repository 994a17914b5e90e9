// How string functions see non-string arguments. ADX string functions "forcibly cast" their
// arguments to string (tostring() semantics): a bigint is a datetime or a timespan only by
// its static type, which the call site reports in CallContext.args.
import type { CallContext } from '../registry.js';
import type { Scalar, ScalarType } from '../../types.js';
import { KqlError } from '../../types.js';
import { formatDatetime } from '../../values/datetime.js';
import { formatTimespan } from '../../values/timespan.js';

/**
 * .NET Core's shortest round-trip double text (what ADX prints for reals): fixed notation
 * when the decimal exponent is in [-5, 15), otherwise `d.dddE+XX`.
 */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= -5 && exp < 15) {
    const s = String(x);
    if (!s.includes('e')) return s;
    // JS switches to exponent form below 1e-6; expand it.
    const negative = x < 0;
    const digits = mantissa.replace('-', '').replace('.', '');
    return (negative ? '-' : '') + '0.' + '0'.repeat(-exp - 1) + digits;
  }
  const sign = exp < 0 ? '-' : '+';
  return `${mantissa.toUpperCase()}E${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

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
      return JSON.stringify(value);
  }
}

/** Argument i as string, converted according to its static type at this call site. */
export function argText(args: readonly Scalar[], i: number, ctx: CallContext): string {
  return scalarToString(args[i] ?? null, ctx.args?.[i]?.type);
}
