// datetime and timespan functions. Calendar arithmetic lives in values/datetime.ts and is
// exact on bigint ticks; results outside 0001-01-01 .. 9999-12-31 are null, as in ADX.

import { KqlError, dynamicNumber, type Scalar } from '../../types.js';
import type { CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import {
  addMonths, datetimeFromParts, datetimeOrNull, datetimeParts, dayOfWeekIndex, dayOfYear,
  endOfDay, endOfMonth, endOfWeek, endOfYear, isoWeekOfYear, startOfDay, startOfMonth, startOfWeek, startOfYear,
  TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MICROSECOND, TICKS_PER_MILLISECOND, TICKS_PER_MINUTE, TICKS_PER_SECOND,
} from '../../values/datetime.js';
import { isValidTimespan, scaleDecimal } from '../../values/timespan.js';
import { longFromBigint } from '../../values/convert.js';
import { compileDatetimeFormat, compileTimespanFormat } from '../../values/custom-format.js';
import { listTimeZones, localToUtc, utcToLocal } from '../../values/timezone.js';
import { UNIX_EPOCH_TICKS } from '../../data/column.js';

const DATE: ParamSpec = { name: 'date', types: ['datetime'] };
const TIMESPAN: ParamSpec = { name: 'timespan', types: ['timespan'] };
const INTEGER: readonly ('int' | 'long')[] = ['int', 'long'];
const OFFSET: ParamSpec = { name: 'offset', types: INTEGER, optional: true };
const PART: ParamSpec = { name: 'part', types: ['string'] };

function ticksArg(v: Scalar): bigint | null {
  return typeof v === 'bigint' ? v : null;
}

function numberArg(v: Scalar): number | null {
  return dynamicNumber(v);
}

/** A datetime -> number function (getyear, hourofday, ...); null in, null out. */
function datetimeField(name: string, field: (ticks: bigint) => number, aliases: readonly string[] = []): ScalarFunctionDef {
  return {
    kind: 'scalar', name, aliases, params: [DATE], returns: 'int',
    impl: (args) => {
      const t = ticksArg(args[0] ?? null);
      return t === null ? null : field(t);
    },
  };
}

/**
 * startofX/endofX with ADX's optional offset (in days, weeks, months or years): the boundary of
 * the period `offset` periods away from the one holding the date.
 */
function periodBoundary(
  name: string,
  boundary: (ticks: bigint) => bigint,
  shift: (ticks: bigint, offset: number) => bigint | null,
): ScalarFunctionDef {
  return {
    kind: 'scalar', name, params: [DATE, OFFSET], returns: 'datetime',
    impl: (args) => {
      const t = ticksArg(args[0] ?? null);
      if (t === null) return null;
      const offset = args.length > 1 ? numberArg(args[1] ?? null) : 0;
      if (offset === null) return null;
      const shifted = offset === 0 ? t : shift(t, offset);
      return shifted === null ? null : datetimeOrNull(boundary(shifted));
    },
  };
}

function shiftDays(days: bigint) {
  return (ticks: bigint, offset: number): bigint | null => datetimeOrNull(ticks + BigInt(offset) * days);
}

function shiftMonths(monthsPerStep: number) {
  return (ticks: bigint, offset: number): bigint | null => {
    // Shift from the month start so a short target month cannot clamp into the next period.
    const start = datetimeParts(ticks).day > 28 ? startOfMonth(ticks) : ticks;
    return addMonths(start, offset * monthsPerStep);
  };
}

// ---------------------------------------------------------------------------------------
// datetime_add / datetime_diff / datetime_part

type FixedPart = { kind: 'ticks'; ticks: bigint } | { kind: 'months'; months: number } | { kind: 'nanos' };

/** Period names accepted by datetime_add and datetime_diff (case-insensitive, as in ADX). */
const PERIODS: Readonly<Record<string, FixedPart>> = {
  year: { kind: 'months', months: 12 },
  quarter: { kind: 'months', months: 3 },
  month: { kind: 'months', months: 1 },
  week: { kind: 'ticks', ticks: 7n * TICKS_PER_DAY },
  day: { kind: 'ticks', ticks: TICKS_PER_DAY },
  hour: { kind: 'ticks', ticks: TICKS_PER_HOUR },
  minute: { kind: 'ticks', ticks: TICKS_PER_MINUTE },
  second: { kind: 'ticks', ticks: TICKS_PER_SECOND },
  millisecond: { kind: 'ticks', ticks: TICKS_PER_MILLISECOND },
  microsecond: { kind: 'ticks', ticks: TICKS_PER_MICROSECOND },
  nanosecond: { kind: 'nanos' },
};

function periodOf(fn: string, part: string): FixedPart {
  const p = PERIODS[part.toLowerCase()];
  if (p === undefined) {
    throw new KqlError(`${fn}(): unknown period '${part}' (expected one of ${Object.keys(PERIODS).join(', ')})`, 'InvalidArgument');
  }
  return p;
}

function datetimeAdd(part: string, amount: number, ticks: bigint): bigint | null {
  const p = periodOf('datetime_add', part);
  if (!Number.isInteger(amount)) return null;
  switch (p.kind) {
    case 'months': return addMonths(ticks, amount * p.months);
    case 'ticks': return datetimeOrNull(ticks + BigInt(amount) * p.ticks);
    case 'nanos': return datetimeOrNull(ticks + BigInt(amount) / 100n);
  }
}

function monthIndex(ticks: bigint): number {
  const p = datetimeParts(ticks);
  return p.year * 12 + p.month - 1;
}

/**
 * datetime_diff(part, a, b): the number of period boundaries crossed from b to a (calendar
 * units for year/quarter/month, Sunday-based weeks, truncated units below that).
 */
function datetimeDiff(part: string, a: bigint, b: bigint): number {
  const lower = part.toLowerCase();
  switch (lower) {
    case 'year': return datetimeParts(a).year - datetimeParts(b).year;
    case 'quarter': return Math.floor(monthIndex(a) / 3) - Math.floor(monthIndex(b) / 3);
    case 'month': return monthIndex(a) - monthIndex(b);
    case 'week': return Number((startOfWeek(a) - startOfWeek(b)) / (7n * TICKS_PER_DAY));
  }
  const p = periodOf('datetime_diff', part);
  if (p.kind === 'nanos') return longFromBigint((a - b) * 100n, 'datetime_diff nanoseconds');
  if (p.kind !== 'ticks') throw new KqlError(`datetime_diff(): unknown period '${part}'`, 'InvalidArgument');
  return longFromBigint(a / p.ticks - b / p.ticks, 'datetime_diff');
}

function datetimePart(part: string, ticks: bigint): number {
  const p = datetimeParts(ticks);
  switch (part.toLowerCase()) {
    case 'year': return p.year;
    case 'quarter': return Math.floor((p.month - 1) / 3) + 1;
    case 'month': return p.month;
    case 'week_of_year': case 'weekofyear': case 'week': return isoWeekOfYear(ticks);
    case 'day': return p.day;
    case 'dayofyear': return dayOfYear(ticks);
    case 'hour': return p.hour;
    case 'minute': return p.minute;
    case 'second': return p.second;
    case 'millisecond': return Math.floor(p.fraction / 10_000);
    case 'microsecond': return Math.floor(p.fraction / 10);
    case 'nanosecond': return p.fraction * 100;
    default:
      throw new KqlError(
        `datetime_part(): unknown part '${part}' (expected Year, Quarter, Month, week_of_year, Day, DayOfYear, Hour, Minute, Second, Millisecond, Microsecond or Nanosecond)`,
        'InvalidArgument',
      );
  }
}

// ---------------------------------------------------------------------------------------
// make_datetime / make_timespan / unixtime_*

/** Exact ticks of `x` units (from its shortest decimal text), truncated below one tick. */
function ticksOfNumber(x: number, ticksPerUnit: bigint, divisor = 1n): bigint | null {
  if (!Number.isFinite(x)) return null;
  return scaleDecimal(String(x), ticksPerUnit, divisor);
}

function makeDatetime(args: Scalar[]): bigint | null {
  const [year, month, day, hour = 0, minute = 0, second = 0] = args;
  for (const v of [year, month, day, hour, minute, second]) if (typeof v !== 'number') return null;
  const secondTicks = ticksOfNumber(second as number, TICKS_PER_SECOND);
  if (secondTicks === null || secondTicks < 0n || secondTicks >= 60n * TICKS_PER_SECOND) return null;
  const whole = datetimeFromParts(year as number, month as number, day as number, hour as number, minute as number, 0, 0);
  return whole === null ? null : datetimeOrNull(whole + secondTicks);
}

function makeTimespan(args: Scalar[]): bigint | null {
  for (const v of args) if (typeof v !== 'number') return null;
  const n = args as number[];
  const [day, hour, minute, second] =
    n.length === 2 ? [0, n[0]!, n[1]!, 0] : n.length === 3 ? [0, n[0]!, n[1]!, n[2]!] : [n[0]!, n[1]!, n[2]!, n[3]!];
  if (![day, hour, minute].every(Number.isInteger)) return null;
  const secondTicks = ticksOfNumber(second, TICKS_PER_SECOND);
  if (secondTicks === null) return null;
  const ticks = BigInt(day) * TICKS_PER_DAY + BigInt(hour) * TICKS_PER_HOUR + BigInt(minute) * TICKS_PER_MINUTE + secondTicks;
  return isValidTimespan(ticks) ? ticks : null;
}

function unixToDatetime(name: string, ticksPerUnit: bigint, divisor = 1n): ScalarFunctionDef {
  return {
    kind: 'scalar', name, params: [{ name: 'value', types: 'numeric' }], returns: 'datetime',
    impl: (args) => {
      const v = numberArg(args[0] ?? null);
      if (v === null) return null;
      const offset = ticksOfNumber(v, ticksPerUnit, divisor);
      return offset === null ? null : datetimeOrNull(UNIX_EPOCH_TICKS + offset);
    },
  };
}

function cached<T>(ctx: CallContext, key: string, make: () => T): T {
  const k = `datetime:${key}`;
  let v = ctx.cache.get(k) as T | undefined;
  if (v === undefined) {
    v = make();
    ctx.cache.set(k, v);
  }
  return v;
}

function formatWith(ctx: CallContext, kind: string, format: string, compile: (f: string) => (t: bigint) => string) {
  return cached(ctx, `${kind}:${format}`, () => compile(format));
}

export const datetimeFunctions: readonly ScalarFunctionDef[] = [
  {
    // now() is fixed for the whole query (CallContext.now), so now() and ago() fold to constants:
    // `range t from ago(7d) to now() step 1d` needs constant bounds.
    kind: 'scalar', name: 'now', params: [{ name: 'offset', types: ['timespan'], optional: true }], returns: 'datetime',
    impl: (args, ctx) => {
      if (args.length === 0) return ctx.now;
      const offset = ticksArg(args[0] ?? null);
      return offset === null ? null : datetimeOrNull(ctx.now + offset);
    },
  },
  {
    kind: 'scalar', name: 'ago', params: [TIMESPAN], returns: 'datetime',
    impl: (args, ctx) => {
      const span = ticksArg(args[0] ?? null);
      return span === null ? null : datetimeOrNull(ctx.now - span);
    },
  },
  {
    kind: 'scalar', name: 'datetime_add',
    params: [PART, { name: 'value', types: INTEGER }, DATE], returns: 'datetime',
    impl: (args) => {
      const [part, amount, date] = args;
      if (typeof part !== 'string' || typeof amount !== 'number' || typeof date !== 'bigint') return null;
      return datetimeAdd(part, amount, date);
    },
  },
  {
    kind: 'scalar', name: 'datetime_diff',
    params: [PART, { name: 'datetime1', types: ['datetime'] }, { name: 'datetime2', types: ['datetime'] }], returns: 'long',
    impl: (args) => {
      const [part, a, b] = args;
      if (typeof part !== 'string' || typeof a !== 'bigint' || typeof b !== 'bigint') return null;
      return datetimeDiff(part, a, b);
    },
  },
  {
    kind: 'scalar', name: 'datetime_part', aliases: ['datepart'], params: [PART, DATE], returns: 'int',
    impl: (args) => {
      const [part, date] = args;
      if (typeof part !== 'string' || typeof date !== 'bigint') return null;
      return datetimePart(part, date);
    },
  },
  datetimeField('dayofmonth', (t) => datetimeParts(t).day),
  {
    kind: 'scalar', name: 'dayofweek', params: [DATE], returns: 'timespan',
    impl: (args) => {
      const t = ticksArg(args[0] ?? null);
      return t === null ? null : BigInt(dayOfWeekIndex(t)) * TICKS_PER_DAY;
    },
  },
  datetimeField('dayofyear', dayOfYear),
  datetimeField('getmonth', (t) => datetimeParts(t).month),
  datetimeField('monthofyear', (t) => datetimeParts(t).month),
  datetimeField('getyear', (t) => datetimeParts(t).year),
  datetimeField('hourofday', (t) => datetimeParts(t).hour),
  datetimeField('week_of_year', isoWeekOfYear, ['weekofyear']),
  periodBoundary('startofday', startOfDay, shiftDays(TICKS_PER_DAY)),
  periodBoundary('endofday', endOfDay, shiftDays(TICKS_PER_DAY)),
  periodBoundary('startofweek', startOfWeek, shiftDays(7n * TICKS_PER_DAY)),
  periodBoundary('endofweek', endOfWeek, shiftDays(7n * TICKS_PER_DAY)),
  periodBoundary('startofmonth', startOfMonth, shiftMonths(1)),
  periodBoundary('endofmonth', endOfMonth, shiftMonths(1)),
  periodBoundary('startofyear', startOfYear, shiftMonths(12)),
  periodBoundary('endofyear', endOfYear, shiftMonths(12)),
  {
    kind: 'scalar', name: 'format_datetime', params: [DATE, { name: 'format', types: ['string'] }], returns: 'string',
    impl: (args, ctx) => {
      const [date, format] = args;
      if (typeof date !== 'bigint' || typeof format !== 'string') return '';
      return formatWith(ctx, 'dt', format, compileDatetimeFormat)(date);
    },
  },
  {
    kind: 'scalar', name: 'format_timespan', params: [TIMESPAN, { name: 'format', types: ['string'] }], returns: 'string',
    impl: (args, ctx) => {
      const [span, format] = args;
      if (typeof span !== 'bigint' || typeof format !== 'string') return '';
      return formatWith(ctx, 'ts', format, compileTimespanFormat)(span);
    },
  },
  {
    kind: 'scalar', name: 'make_datetime',
    params: [
      { name: 'year', types: INTEGER }, { name: 'month', types: INTEGER }, { name: 'day', types: INTEGER },
      { name: 'hour', types: INTEGER, optional: true }, { name: 'minute', types: INTEGER, optional: true },
      { name: 'second', types: 'numeric', optional: true },
    ],
    returns: 'datetime',
    impl: (args) => makeDatetime(args),
  },
  {
    kind: 'scalar', name: 'make_timespan',
    params: [
      { name: 'a', types: 'numeric' }, { name: 'b', types: 'numeric' },
      { name: 'c', types: 'numeric', optional: true }, { name: 'd', types: 'numeric', optional: true },
    ],
    returns: 'timespan',
    impl: (args) => makeTimespan(args),
  },
  unixToDatetime('unixtime_seconds_todatetime', TICKS_PER_SECOND),
  unixToDatetime('unixtime_milliseconds_todatetime', TICKS_PER_MILLISECOND),
  unixToDatetime('unixtime_microseconds_todatetime', TICKS_PER_MICROSECOND),
  unixToDatetime('unixtime_nanoseconds_todatetime', 1n, 100n),
  {
    kind: 'scalar', name: 'datetime_utc_to_local', params: [DATE, { name: 'timezone', types: ['string'] }], returns: 'datetime',
    impl: (args) => {
      const [date, tz] = args;
      if (typeof date !== 'bigint' || typeof tz !== 'string') return null;
      return datetimeOrNull(utcToLocal(date, tz));
    },
  },
  {
    kind: 'scalar', name: 'datetime_list_timezones', params: [], returns: 'dynamic',
    impl: () => listTimeZones(),
  },
  {
    kind: 'scalar', name: 'datetime_local_to_utc', params: [DATE, { name: 'timezone', types: ['string'] }], returns: 'datetime',
    impl: (args) => {
      const [date, tz] = args;
      if (typeof date !== 'bigint' || typeof tz !== 'string') return null;
      return datetimeOrNull(localToUtc(date, tz));
    },
  },
];
