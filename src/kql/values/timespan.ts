// timespan values: literal and string parsing, ADX's `[-][d.]hh:mm:ss[.fffffff]` text form.
// All arithmetic is on bigint ticks; decimal literals like `1.5d` are scaled exactly.

import { unquoteLiteralContent, isNullLiteral, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND } from './datetime.js';

/** .NET TimeSpan bounds (Int64 ticks): ADX timespans cannot exceed them. */
export const MIN_TIMESPAN_TICKS = -(2n ** 63n);
export const MAX_TIMESPAN_TICKS = 2n ** 63n - 1n;

export function isValidTimespan(ticks: bigint): boolean {
  return ticks >= MIN_TIMESPAN_TICKS && ticks <= MAX_TIMESPAN_TICKS;
}

/** Ticks per unit for every suffix ADX's tokenizer accepts (docs plus Kusto.Language's list). */
const UNIT_TICKS: Readonly<Record<string, bigint>> = {
  d: TICKS_PER_DAY, day: TICKS_PER_DAY, days: TICKS_PER_DAY,
  h: TICKS_PER_HOUR, hr: TICKS_PER_HOUR, hrs: TICKS_PER_HOUR, hour: TICKS_PER_HOUR, hours: TICKS_PER_HOUR,
  m: TICKS_PER_MINUTE, min: TICKS_PER_MINUTE, minute: TICKS_PER_MINUTE, minutes: TICKS_PER_MINUTE,
  s: TICKS_PER_SECOND, sec: TICKS_PER_SECOND, second: TICKS_PER_SECOND, seconds: TICKS_PER_SECOND,
  ms: 10_000n, milli: 10_000n, millis: 10_000n, millisec: 10_000n, millisecond: 10_000n, milliseconds: 10_000n,
  micro: 10n, micros: 10n, microsec: 10n, microsecond: 10n, microseconds: 10n,
  tick: 1n, ticks: 1n,
};

/** Nanosecond units are a tenth of a tick: handled by scaling, not by UNIT_TICKS. */
const NANO_UNITS = new Set(['nano', 'nanos', 'nanosec', 'nanosecond', 'nanoseconds']);

export const TIMESPAN_UNITS: readonly string[] = [...Object.keys(UNIT_TICKS), ...NANO_UNITS];

/**
 * `number * ticksPerUnit / divisor` computed exactly from the decimal text, truncated toward
 * zero below one tick (as .NET's TimeSpan.FromTicks((long)x) truncates).
 */
export function scaleDecimal(numberText: string, ticksPerUnit: bigint, divisor = 1n): bigint | null {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(numberText);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const fracDigits = m[3] ?? '';
  let mantissa = BigInt((m[2] || '0') + fracDigits);
  let exponent = -fracDigits.length + (m[4] === undefined ? 0 : Number(m[4]));
  if (Math.abs(exponent) > 400) return null;
  let numerator = mantissa * ticksPerUnit;
  let denominator = divisor;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  mantissa = numerator / denominator; // bigint division truncates toward zero
  const ticks = m[1] === '-' ? -mantissa : mantissa;
  return isValidTimespan(ticks) ? ticks : null;
}

const NUMBER_UNIT_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)$/;
const CLOCK_RE = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** `[-][d.]hh:mm[:ss[.fffffff]]` as .NET's TimeSpan.Parse reads it. */
function parseClock(s: string): bigint | null {
  const m = CLOCK_RE.exec(s);
  if (!m) return null;
  const hours = Number(m[3]);
  const minutes = Number(m[4]);
  const seconds = m[5] === undefined ? 0 : Number(m[5]);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const days = m[2] === undefined ? 0n : BigInt(m[2]);
  const fraction = m[6] === undefined ? 0n : BigInt(m[6].padEnd(7, '0'));
  const magnitude = days * TICKS_PER_DAY + BigInt(hours) * TICKS_PER_HOUR + BigInt(minutes) * TICKS_PER_MINUTE
    + BigInt(seconds) * TICKS_PER_SECOND + fraction;
  const ticks = m[1] === '-' ? -magnitude : magnitude;
  return isValidTimespan(ticks) ? ticks : null;
}

/** `1.5d`, `100ms`, `15 seconds`, or a bare number (days, as in `time(2)`). */
function parseNumberWithUnit(s: string, bareNumberUnit: bigint | null): bigint | null {
  const m = NUMBER_UNIT_RE.exec(s);
  if (!m) return null;
  const unit = m[2]!; // suffixes are case-sensitive, as in the Kusto tokenizer
  if (unit === '') return bareNumberUnit === null ? null : scaleDecimal(m[1]!, bareNumberUnit);
  if (NANO_UNITS.has(unit)) return scaleDecimal(m[1]!, 1n, 100n);
  const perUnit = UNIT_TICKS[unit];
  return perUnit === undefined ? null : scaleDecimal(m[1]!, perUnit);
}

/**
 * A timespan literal token (`1d`, `2h`, `1.5d`, `100microseconds`, `3tick`) or the contents of
 * `time(...)`/`timespan(...)` (`1.02:03:04.5678`, `02:03:04`, `15 seconds`, `2` = 2 days,
 * `null`). Returns null for `null` and for unparsable text (see isNullLiteral).
 */
export function parseTimespanLiteral(text: string): bigint | null {
  if (isNullLiteral(text)) return null;
  const s = unquoteLiteralContent(text);
  if (s.includes(':')) return parseClock(s);
  return parseNumberWithUnit(s, TICKS_PER_DAY);
}

/**
 * What totimespan('...') accepts: `[-][d.]hh:mm[:ss[.fffffff]]` and the literal forms with a
 * unit (`1d`, `30m`). A bare number reads as days, like .NET's TimeSpan.Parse("2").
 */
export function parseTimespanString(text: string): bigint | null {
  const s = text.trim();
  if (s === '') return null;
  if (s.includes(':')) return parseClock(s);
  return parseNumberWithUnit(s, TICKS_PER_DAY);
}

/** ADX's timespan text: `[-][d.]hh:mm:ss[.fffffff]`, the fraction only when non-zero. */
export function formatTimespan(ticks: bigint): string {
  const negative = ticks < 0n;
  const abs = negative ? -ticks : ticks;
  const days = abs / TICKS_PER_DAY;
  const ofDay = Number(abs % TICKS_PER_DAY);
  const fraction = ofDay % 10_000_000;
  const totalSeconds = Math.floor(ofDay / 10_000_000);
  const hh = String(Math.floor(totalSeconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor(totalSeconds / 60) % 60).padStart(2, '0');
  const ss = String(totalSeconds % 60).padStart(2, '0');
  let out = negative ? '-' : '';
  if (days !== 0n) out += `${days}.`;
  out += `${hh}:${mm}:${ss}`;
  if (fraction !== 0) out += `.${String(fraction).padStart(7, '0')}`;
  return out;
}
