// Field text -> the engine's scalar representation, for the log parsers. Each converter
// returns undefined when the text does not fit the type: the caller decides whether that
// is a bad field (kept elsewhere and counted) or a missing one.

import { UNIX_EPOCH_TICKS } from '../kql/data/column.js';
import {
  datetimeFromParts, dayNumberFromDate, daysInMonth, isValidDatetime, parseDatetimeString,
} from '../kql/values/datetime.js';

export const TICKS_PER_SECOND = 10_000_000n;

/** Decimal digits with an optional sign, no spaces: what log fields use for counts and ports. */
function isIntegerText(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 17) return false;
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function toLong(s: string): number | undefined {
  if (!isIntegerText(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

export function toInt(s: string): number | undefined {
  const v = toLong(s);
  return v !== undefined && v >= -2147483648 && v <= 2147483647 ? v : undefined;
}

// The `...At(text, start, end)` converters read a field in place, as their namesakes read
// `text.slice(start, end)`, with the same results: the hot parsers then slice only the fields
// that stay strings.

/** toLong(text.slice(start, end)). */
export function longAt(text: string, start: number, end: number): number | undefined {
  if (end - start > 17) return undefined;
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === 45 || sign === 43) i++;
  if (i >= end) return undefined;
  let v = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  // Past 2^53 the running value is inexact, but it stays at or above 2^53, so it is refused as Number(s) would be.
  if (v > Number.MAX_SAFE_INTEGER) return undefined;
  return sign === 45 ? -v : v;
}

/** toInt(text.slice(start, end)). */
export function intAt(text: string, start: number, end: number): number | undefined {
  const v = longAt(text, start, end);
  return v !== undefined && v >= -2147483648 && v <= 2147483647 ? v : undefined;
}

/** Exact powers of ten (all up to 1e22 are doubles). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * toReal(text.slice(start, end)). Plain decimals of at most 15 digits are computed as
 * digits / 10^k: both are exact doubles, so the one rounding of the division gives the double
 * nearest the decimal, which is what Number() returns. Anything else goes through toReal.
 */
export function realAt(text: string, start: number, end: number): number | undefined {
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === 45 || sign === 43) i++;
  const digitsStart = i;
  let v = 0;
  let fractionDigits = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return toReal(text.slice(start, end));
    v = v * 10 + d;
    if (fractionDigits >= 0) fractionDigits++;
  }
  const digits = i - digitsStart - (fractionDigits >= 0 ? 1 : 0);
  if (digits === 0 || digits > 15 || text.charCodeAt(digitsStart) === 46) return toReal(text.slice(start, end));
  if (fractionDigits > 0) v /= POW10[fractionDigits]!;
  return sign === 45 ? -v : v;
}

const REAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function toReal(s: string): number | undefined {
  return REAL_TEXT.test(s) ? Number(s) : undefined;
}

export function ticksFromUnixMs(ms: number): bigint | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const ticks = BigInt(Math.round(ms)) * 10_000n + UNIX_EPOCH_TICKS;
  return isValidDatetime(ticks) ? ticks : undefined;
}

/**
 * Unix seconds with an optional decimal fraction (Zeek `time`, FortiGate `eventtime` in seconds)
 * -> exact ticks: the digits are scaled as text, so no binary rounding enters.
 */
export function ticksFromUnixSecondsText(s: string): bigint | undefined {
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  if (!isIntegerText(whole) || (frac !== '' && !/^\d+$/.test(frac))) return undefined;
  // 100 ns is the finest tick; further digits are rounded half up.
  let fracTicks = BigInt((frac + '0000000').slice(0, 7));
  if (frac.length > 7 && frac.charCodeAt(7) >= 53) fracTicks += 1n;
  const negative = whole.startsWith('-');
  const seconds = BigInt(whole);
  const ticks = seconds * TICKS_PER_SECOND + (negative ? -fracTicks : fracTicks) + UNIX_EPOCH_TICKS;
  return isValidDatetime(ticks) ? ticks : undefined;
}

/** Seconds from 0001-01-01 to the Unix epoch. */
const UNIX_EPOCH_SECONDS = 62_135_596_800;
/** The last whole second of 9999-12-31, counted from 0001-01-01. */
const MAX_DATETIME_SECONDS = 315_537_897_599;

/**
 * Datetime ticks from whole seconds since 0001-01-01 (an integer up to 3.2e11, exact as a
 * double) and ticks within the second: the one place the hot parsers touch BigInt.
 */
function ticksFromSeconds(seconds: number, fractionTicks: number): bigint {
  // Consecutive log lines mostly carry the same second (and often the same fraction): the last
  // result is kept, so a burst of lines costs one BigInt conversion, and its rows share one value.
  if (seconds === lastSeconds && fractionTicks === lastFraction) return lastTicks;
  const whole = BigInt(seconds) * TICKS_PER_SECOND;
  lastTicks = fractionTicks === 0 ? whole : whole + BigInt(fractionTicks);
  lastSeconds = seconds;
  lastFraction = fractionTicks;
  return lastTicks;
}
let lastSeconds = NaN;
let lastFraction = NaN;
let lastTicks = 0n;

/**
 * ticksFromUnixSecondsText(text.slice(start, end)) for the common shape, unsigned seconds with
 * up to 7 decimals, computed without slicing; other shapes go through ticksFromUnixSecondsText.
 */
export function ticksFromUnixSecondsAt(text: string, start: number, end: number): bigint | undefined {
  let i = start;
  let seconds = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    seconds = seconds * 10 + d;
  }
  const wholeDigits = i - start;
  let fraction = 0;
  let fractionDigits = 0;
  if (i < end && text.charCodeAt(i) === 46) {
    for (i++; i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      fraction = fraction * 10 + d;
      fractionDigits++;
    }
  }
  if (i !== end || wholeDigits === 0 || wholeDigits > 12 || fractionDigits > 7) {
    return ticksFromUnixSecondsText(text.slice(start, end));
  }
  const sinceYearOne = seconds + UNIX_EPOCH_SECONDS;
  if (sinceYearOne > MAX_DATETIME_SECONDS) return undefined;
  return ticksFromSeconds(sinceYearOne, fraction * POW10[7 - fractionDigits]!);
}

/** Unix seconds held as a JS number (Zeek JSON `ts`), exact to the microsecond Zeek writes. */
export function ticksFromUnixSecondsNumber(seconds: number): bigint | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const micros = Math.round(seconds * 1e6);
  if (!Number.isSafeInteger(micros)) return undefined;
  const ticks = BigInt(micros) * 10n + UNIX_EPOCH_TICKS;
  return isValidDatetime(ticks) ? ticks : undefined;
}

export const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

/** The year of a datetime in ticks. */
export function yearOf(ticks: bigint): number {
  return new Date(Number((ticks - UNIX_EPOCH_TICKS) / 10_000n)).getUTCFullYear();
}

/** Month number by the char codes of its three-letter English name (`Jan` .. `Dec`). */
const MONTH_BY_CODES: ReadonlyMap<number, number> = new Map(
  Object.entries(MONTHS).map(([name, n]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), n]),
);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two digits at i as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** yearOf(reference) and the latest time a year-less timestamp may take, for the last reference seen. */
let lastReference: bigint | undefined;
let referenceYear = 0;
let referenceLimit = 0n;

/**
 * `MMM dd [yyyy] HH:mm:ss[.fff]` (BSD syslog, RFC 3164 §4.1.2, and the CEF date formats), read
 * as UTC. Without a year the year is the reference time's, or the previous one when that would
 * put the event more than a day after the reference (a December event read in January).
 * Returns the ticks and how many characters were consumed.
 * The grammar is /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/,
 * matched by hand: it runs on nearly every syslog line.
 */
export function parseBsdTimestamp(s: string, start: number, reference: bigint): Readonly<{ ticks: bigint; end: number }> | undefined {
  // Lines of a burst repeat the previous line's timestamp text: the same characters, not
  // followed by fraction digits the remembered match did not have, parse to the same ticks.
  // Two are remembered: a CEF line has its syslog header's timestamp and its `rt`.
  for (let k = 0; k < recentBsd.length; k++) {
    const last = recentBsd[k]!;
    if (reference !== last.reference || !s.startsWith(last.text, start)) continue;
    const after = start + last.text.length;
    const more = last.hasFraction ? isDigit(s.charCodeAt(after)) : s.charCodeAt(after) === 46 && isDigit(s.charCodeAt(after + 1));
    // The answer for a repeat at the same place is the remembered one (read-only, so shared).
    if (!more) return last.result.end === after ? last.result : { ticks: last.ticks, end: after };
  }
  const parsed = parseBsdTimestampText(s, start, reference);
  if (parsed !== undefined) {
    const text = s.slice(start, parsed.end);
    recentBsd[nextBsd] = { text, reference, ticks: parsed.ticks, hasFraction: text.indexOf('.') >= 0, result: parsed };
    nextBsd = (nextBsd + 1) % 2;
  }
  return parsed;
}

/** The last two timestamps parseBsdTimestamp matched: text, reference time and result. */
const recentBsd: { text: string; reference: bigint; ticks: bigint; hasFraction: boolean; result: Readonly<{ ticks: bigint; end: number }> }[] = [];
let nextBsd = 0;

function parseBsdTimestampText(s: string, start: number, reference: bigint): { ticks: bigint; end: number } | undefined {
  let p = start;
  const c0 = s.charCodeAt(p), c1 = s.charCodeAt(p + 1), c2 = s.charCodeAt(p + 2);
  if (!(c0 >= 65 && c0 <= 90 && c1 >= 97 && c1 <= 122 && c2 >= 97 && c2 <= 122)) return undefined;
  p += 3;
  if (s.charCodeAt(p) !== 32) return undefined;
  p++;
  if (s.charCodeAt(p) === 32) p++;
  if (!isDigit(s.charCodeAt(p))) return undefined;
  let day = s.charCodeAt(p++) - 48;
  if (isDigit(s.charCodeAt(p))) day = day * 10 + s.charCodeAt(p++) - 48;
  let year = -1;
  if (s.charCodeAt(p) === 32 && isDigit(s.charCodeAt(p + 1)) && isDigit(s.charCodeAt(p + 2)) && isDigit(s.charCodeAt(p + 3))
    && isDigit(s.charCodeAt(p + 4)) && s.charCodeAt(p + 5) === 32) {
    year = twoDigits(s, p + 1) * 100 + twoDigits(s, p + 3);
    p += 5;
  }
  if (s.charCodeAt(p) !== 32 || s.charCodeAt(p + 3) !== 58 || s.charCodeAt(p + 6) !== 58) return undefined;
  const hour = twoDigits(s, p + 1), minute = twoDigits(s, p + 4), second = twoDigits(s, p + 7);
  if (hour < 0 || minute < 0 || second < 0) return undefined;
  p += 9;
  let fraction = 0;
  if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
    // Up to 9 digits are part of the timestamp; the first 7 are ticks (truncated, as written).
    let digits = 0;
    for (p++; digits < 9 && isDigit(s.charCodeAt(p)); p++, digits++) {
      if (digits < 7) fraction = fraction * 10 + s.charCodeAt(p) - 48;
    }
    if (digits < 7) fraction *= POW10[7 - digits]!;
  }
  const month = MONTH_BY_CODES.get((c0 << 16) | (c1 << 8) | c2);
  if (month === undefined) return undefined;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const secondOfDay = hour * 3600 + minute * 60 + Math.min(second, 59);
  const build = (y: number): bigint | undefined => {
    if (y < 1 || y > 9999 || day > daysInMonth(y, month)) return undefined;
    return ticksFromSeconds(dayNumberFromDate(y, month, day) * 86_400 + secondOfDay, fraction);
  };
  if (year >= 0) {
    const ticks = build(year);
    return ticks === undefined ? undefined : { ticks, end: p };
  }
  if (reference !== lastReference) {
    referenceYear = yearOf(reference);
    referenceLimit = reference + 864_000_000_000n;
    lastReference = reference;
  }
  let ticks = build(referenceYear);
  if (ticks === undefined) return undefined;
  if (ticks > referenceLimit) {
    ticks = build(referenceYear - 1);
    if (ticks === undefined) return undefined;
  }
  return { ticks, end: p };
}

/**
 * CEF's date fields (`rt`, `start`, `end`, `deviceCustomDate1`): the CEF spec allows
 * milliseconds since the epoch or `MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]`; ISO 8601 is also seen.
 * A time zone name other than UTC/GMT/Z cannot be resolved from the text alone: undefined.
 */
export function parseCefTimestamp(s: string, reference: bigint): bigint | undefined {
  const text = s.trim();
  if (text === '') return undefined;
  const first = text.charCodeAt(0);
  if (first >= 48 && first <= 57 && /^\d{10,13}$/.test(text)) {
    const n = Number(text);
    // Some senders write seconds where the spec says milliseconds; 10 digits cannot be ms after 1970-04.
    return ticksFromUnixMs(text.length <= 10 ? n * 1000 : n);
  }
  const bsd = parseBsdTimestamp(text, 0, reference);
  if (bsd !== undefined) {
    if (bsd.end === text.length) return bsd.ticks;
    const rest = text.slice(bsd.end).trim();
    if (rest === '' || rest === 'UTC' || rest === 'GMT' || rest === 'Z') return bsd.ticks;
    return undefined;
  }
  const ticks = parseDatetimeString(text);
  return ticks === null ? undefined : ticks;
}
