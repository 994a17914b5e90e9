// format_datetime() and format_timespan(): the format elements and delimiters the Kusto docs
// list. Anything else in a format is refused with the offending element named, since ADX's
// handling of undocumented elements is not specified.

import { KqlError } from '../types.js';
import { datetimeParts, TICKS_PER_DAY } from './datetime.js';

const DELIMITERS = new Set([' ', '/', '-', ':', ',', '.', '_', '[', ']']);

/** Splits a format into runs of one repeated letter and single delimiters. */
function tokenize(format: string, fn: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (DELIMITERS.has(c)) {
      tokens.push(c);
      i++;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      throw new KqlError(`${fn}(): unsupported format delimiter '${c}' in '${format}'`, 'InvalidFormat');
    }
    let j = i + 1;
    while (j < format.length && format[j] === c) j++;
    tokens.push(format.slice(i, j));
    i = j;
  }
  return tokens;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `f…` shows the first n fraction digits; `F…` the same with trailing zeros (and an all-zero value) dropped. */
function fractionElement(token: string, fraction7: number): string {
  const digits = pad(fraction7, 7).slice(0, token.length);
  return token[0] === 'f' ? digits : digits.replace(/0+$/, '');
}

function unsupported(fn: string, token: string, format: string): never {
  throw new KqlError(`${fn}(): unsupported format element '${token}' in '${format}'`, 'InvalidFormat');
}

type DatetimeElement = (p: ReturnType<typeof datetimeParts>) => string;

function datetimeElement(token: string, format: string): DatetimeElement {
  if (token.length === 1 && DELIMITERS.has(token)) return () => token;
  const n = token.length;
  switch (token[0]) {
    case 'd': if (n <= 2) return (p) => pad(p.day, n); break;
    case 'f': case 'F': if (n <= 7) return (p) => fractionElement(token, p.fraction); break;
    case 'h': if (n <= 2) return (p) => pad(p.hour % 12 === 0 ? 12 : p.hour % 12, n); break;
    case 'H': if (n <= 2) return (p) => pad(p.hour, n); break;
    case 'm': if (n <= 2) return (p) => pad(p.minute, n); break;
    case 'M': if (n <= 2) return (p) => pad(p.month, n); break;
    case 's': if (n <= 2) return (p) => pad(p.second, n); break;
    case 'y':
      if (n <= 2) return (p) => pad(p.year % 100, n);
      // .NET: three or more y's print the full year, zero-padded to that many digits.
      if (n <= 5) return (p) => pad(p.year, n);
      break;
    case 't': if (n === 2) return (p) => (p.hour < 12 ? 'AM' : 'PM'); break;
  }
  return unsupported('format_datetime', token, format);
}

/** Compiles a format_datetime() format once; the result formats ticks. */
export function compileDatetimeFormat(format: string): (ticks: bigint) => string {
  const elements = tokenize(format, 'format_datetime').map((t) => datetimeElement(t, format));
  return (ticks) => {
    const p = datetimeParts(ticks);
    let out = '';
    for (const e of elements) out += e(p);
    return out;
  };
}

interface SpanParts { days: bigint; hours: number; minutes: number; seconds: number; fraction: number }

type TimespanElement = (p: SpanParts) => string;

function timespanElement(token: string, format: string): TimespanElement {
  if (token.length === 1 && DELIMITERS.has(token)) return () => token;
  const n = token.length;
  switch (token[0]) {
    case 'd': if (n <= 8) return (p) => p.days.toString().padStart(n, '0'); break;
    case 'f': case 'F': if (n <= 7) return (p) => fractionElement(token, p.fraction); break;
    case 'h': case 'H': if (n <= 2) return (p) => pad(p.hours, n); break;
    case 'm': if (n <= 2) return (p) => pad(p.minutes, n); break;
    case 's': if (n <= 2) return (p) => pad(p.seconds, n); break;
  }
  return unsupported('format_timespan', token, format);
}

/**
 * Compiles a format_timespan() format. A negative timespan is formatted by magnitude with a
 * leading '-' (the docs do not cover negative values).
 */
export function compileTimespanFormat(format: string): (ticks: bigint) => string {
  const elements = tokenize(format, 'format_timespan').map((t) => timespanElement(t, format));
  return (ticks) => {
    const negative = ticks < 0n;
    const abs = negative ? -ticks : ticks;
    const ofDay = Number(abs % TICKS_PER_DAY);
    const seconds = Math.floor(ofDay / 10_000_000);
    const p: SpanParts = {
      days: abs / TICKS_PER_DAY,
      hours: Math.floor(seconds / 3600),
      minutes: Math.floor(seconds / 60) % 60,
      seconds: seconds % 60,
      fraction: ofDay % 10_000_000,
    };
    let out = negative ? '-' : '';
    for (const e of elements) out += e(p);
    return out;
  };
}
