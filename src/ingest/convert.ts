// Field text -> the engine's scalar representation, for the log parsers. Each converter
// returns undefined when the text does not fit the type: the caller decides whether that
// is a bad field (kept elsewhere and counted) or a missing one.

import { UNIX_EPOCH_TICKS } from '../kql/data/column.js';
import { datetimeFromParts, isValidDatetime, parseDatetimeString } from '../kql/values/datetime.js';

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

/**
 * `MMM dd [yyyy] HH:mm:ss[.fff]` (BSD syslog, RFC 3164 §4.1.2, and the CEF date formats), read
 * as UTC. Without a year the year is the reference time's, or the previous one when that would
 * put the event more than a day after the reference (a December event read in January).
 * Returns the ticks and how many characters were consumed.
 */
export function parseBsdTimestamp(s: string, start: number, reference: bigint): { ticks: bigint; end: number } | undefined {
  const m = BSD_TIMESTAMP.exec(s.slice(start, start + 40));
  if (m === null) return undefined;
  const month = MONTHS[m[1]!];
  if (month === undefined) return undefined;
  const day = Number(m[2]);
  let year = m[3] !== undefined ? Number(m[3]) : yearOf(reference);
  const hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6]);
  const fraction = m[7] ?? '';
  const fracTicks = fraction === '' ? 0n : BigInt((fraction + '0000000').slice(0, 7));
  const build = (y: number): bigint | undefined => {
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
    const base = datetimeFromParts(y, month, day, hour, minute, Math.min(second, 59), 0);
    return base === null ? undefined : base + fracTicks;
  };
  let ticks = build(year);
  if (ticks === undefined) return undefined;
  if (m[3] === undefined && ticks > reference + 864_000_000_000n) {
    year -= 1;
    ticks = build(year);
    if (ticks === undefined) return undefined;
  }
  return { ticks, end: start + m[0].length };
}

const BSD_TIMESTAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;

/**
 * CEF's date fields (`rt`, `start`, `end`, `deviceCustomDate1`): the CEF spec allows
 * milliseconds since the epoch or `MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]`; ISO 8601 is also seen.
 * A time zone name other than UTC/GMT/Z cannot be resolved from the text alone: undefined.
 */
export function parseCefTimestamp(s: string, reference: bigint): bigint | undefined {
  const text = s.trim();
  if (text === '') return undefined;
  if (/^\d{10,13}$/.test(text)) {
    const n = Number(text);
    // Some senders write seconds where the spec says milliseconds; 10 digits cannot be ms after 1970-04.
    return ticksFromUnixMs(text.length <= 10 ? n * 1000 : n);
  }
  const bsd = parseBsdTimestamp(text, 0, reference);
  if (bsd !== undefined) {
    const rest = text.slice(bsd.end).trim();
    if (rest === '' || rest === 'UTC' || rest === 'GMT' || rest === 'Z') return bsd.ticks;
    return undefined;
  }
  const ticks = parseDatetimeString(text);
  return ticks === null ? undefined : ticks;
}
