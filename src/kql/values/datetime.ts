// datetime values: exact tick arithmetic over ADX's range, the Gregorian calendar, and the
// text forms ADX reads (datetime() literals, todatetime()) and writes (7-digit ISO form).
//
// Everything here works on bigint ticks (100 ns since 0001-01-01, see types.ts). Calendar
// fields are derived from a day number (days since 0001-01-01, a small JS integer) so no
// floating point touches a tick value.

export const TICKS_PER_MICROSECOND = 10n;
export const TICKS_PER_MILLISECOND = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 600_000_000n;
export const TICKS_PER_HOUR = 36_000_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;

/** 0001-01-01T00:00:00Z */
export const MIN_DATETIME_TICKS = 0n;
/** 9999-12-31T23:59:59.9999999Z */
export const MAX_DATETIME_TICKS = 3_155_378_975_999_999_999n;

/** Days from 0001-01-01 to 1970-01-01. */
const UNIX_EPOCH_DAYS = 719_162;

export function isValidDatetime(ticks: bigint): boolean {
  return ticks >= MIN_DATETIME_TICKS && ticks <= MAX_DATETIME_TICKS;
}

/** ticks when inside ADX's datetime range, otherwise null (ADX yields null for out-of-range datetimes). */
export function datetimeOrNull(ticks: bigint): bigint | null {
  return isValidDatetime(ticks) ? ticks : null;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Day number (days since 0001-01-01) of a proleptic Gregorian date. Fields must be valid. */
export function dayNumberFromDate(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil, shifted from the Unix epoch to 0001-01-01.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + UNIX_EPOCH_DAYS;
}

/** Inverse of dayNumberFromDate. */
export function dateFromDayNumber(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber - UNIX_EPOCH_DAYS + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export interface DatetimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0..9_999_999 ticks inside the second. */
  fraction: number;
}

/** Calendar fields of a datetime. */
export function datetimeParts(ticks: bigint): DatetimeParts {
  const dayNumber = Number(ticks / TICKS_PER_DAY);
  const ticksOfDay = Number(ticks % TICKS_PER_DAY); // < 8.64e11: exact as a double
  const { year, month, day } = dateFromDayNumber(dayNumber);
  const secondsOfDay = Math.floor(ticksOfDay / 10_000_000);
  return {
    year,
    month,
    day,
    hour: Math.floor(secondsOfDay / 3600),
    minute: Math.floor(secondsOfDay / 60) % 60,
    second: secondsOfDay % 60,
    fraction: ticksOfDay % 10_000_000,
  };
}

/**
 * Ticks of a calendar date and time, or null when a field is out of range or the
 * result falls outside 0001-01-01 .. 9999-12-31.
 */
export function datetimeFromParts(
  year: number, month: number, day: number,
  hour = 0, minute = 0, second = 0, fraction = 0,
): bigint | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) return null;
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) return null;
  if (!Number.isInteger(second) || second < 0 || second > 59) return null;
  if (!Number.isInteger(fraction) || fraction < 0 || fraction > 9_999_999) return null;
  const days = BigInt(dayNumberFromDate(year, month, day));
  const secondsOfDay = BigInt(hour * 3600 + minute * 60 + second);
  return days * TICKS_PER_DAY + secondsOfDay * TICKS_PER_SECOND + BigInt(fraction);
}

/** Day number (days since 0001-01-01) of a datetime. */
export function dayNumberOf(ticks: bigint): number {
  return Number(ticks / TICKS_PER_DAY);
}

/** 0 = Sunday .. 6 = Saturday (0001-01-01 was a Monday). */
export function dayOfWeekIndex(ticks: bigint): number {
  return (dayNumberOf(ticks) + 1) % 7;
}

/** 1-based day of the year. */
export function dayOfYear(ticks: bigint): number {
  const { year } = datetimeParts(ticks);
  return dayNumberOf(ticks) - dayNumberFromDate(year, 1, 1) + 1;
}

export function startOfDay(ticks: bigint): bigint {
  return ticks - (ticks % TICKS_PER_DAY);
}

/** Weeks start on Sunday, as in ADX. */
export function startOfWeek(ticks: bigint): bigint {
  return startOfDay(ticks) - BigInt(dayOfWeekIndex(ticks)) * TICKS_PER_DAY;
}

export function startOfMonth(ticks: bigint): bigint {
  const { year, month } = datetimeParts(ticks);
  return BigInt(dayNumberFromDate(year, month, 1)) * TICKS_PER_DAY;
}

export function startOfYear(ticks: bigint): bigint {
  const { year } = datetimeParts(ticks);
  return BigInt(dayNumberFromDate(year, 1, 1)) * TICKS_PER_DAY;
}

export function endOfDay(ticks: bigint): bigint {
  return startOfDay(ticks) + TICKS_PER_DAY - 1n;
}

export function endOfWeek(ticks: bigint): bigint {
  return startOfWeek(ticks) + 7n * TICKS_PER_DAY - 1n;
}

export function endOfMonth(ticks: bigint): bigint {
  const { year, month } = datetimeParts(ticks);
  return BigInt(dayNumberFromDate(year, month, daysInMonth(year, month))) * TICKS_PER_DAY + TICKS_PER_DAY - 1n;
}

export function endOfYear(ticks: bigint): bigint {
  const { year } = datetimeParts(ticks);
  return BigInt(dayNumberFromDate(year, 12, 31)) * TICKS_PER_DAY + TICKS_PER_DAY - 1n;
}

/**
 * Adds whole calendar months, clamping the day to the target month's length
 * (2020-01-31 + 1 month = 2020-02-29), as .NET's DateTime.AddMonths and ADX's datetime_add do.
 * Returns null outside ADX's range.
 */
export function addMonths(ticks: bigint, months: number): bigint | null {
  const p = datetimeParts(ticks);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  if (year < 1 || year > 9999) return null;
  const day = Math.min(p.day, daysInMonth(year, month));
  return BigInt(dayNumberFromDate(year, month, day)) * TICKS_PER_DAY + (ticks % TICKS_PER_DAY);
}

/**
 * ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday),
 * which is what ADX's week_of_year returns.
 */
export function isoWeekOfYear(ticks: bigint): number {
  const dayNumber = dayNumberOf(ticks);
  const isoWeekday = ((dayNumber % 7) + 7) % 7 + 1; // 1 = Monday .. 7 = Sunday
  const thursday = dayNumber - isoWeekday + 4;
  const { year } = dateFromDayNumber(thursday);
  return Math.floor((thursday - dayNumberFromDate(year, 1, 1)) / 7) + 1;
}

// ---------------------------------------------------------------------------------------
// Formatting

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** ADX's canonical datetime text: `2020-01-01T00:00:00.0000000Z` (always 7 fractional digits). */
export function formatDatetime(ticks: bigint): string {
  const p = datetimeParts(ticks);
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}.${pad(p.fraction, 7)}Z`;
}

/** ISO 8601 UTC with `Z`; fractional digits only when non-zero, trailing zeros trimmed. */
export function formatDatetimeIso(ticks: bigint): string {
  const p = datetimeParts(ticks);
  const base = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  if (p.fraction === 0) return `${base}Z`;
  return `${base}.${pad(p.fraction, 7).replace(/0+$/, '')}Z`;
}

// ---------------------------------------------------------------------------------------
// Parsing

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

const WEEKDAYS = new Set([
  'sun', 'sunday', 'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday',
  'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday',
]);

/** RFC 822 zone names, as minutes east of UTC. Military single letters are not accepted (RFC 1123 notes their signs were specified backwards). */
const ZONE_NAMES: Readonly<Record<string, number>> = {
  z: 0, ut: 0, utc: 0, gmt: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

/** Minutes east of UTC for `Z`, a zone name, `+hh`, `+hhmm` or `+hh:mm`; undefined when unrecognised. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0;
  const named = ZONE_NAMES[zone.toLowerCase()];
  if (named !== undefined) return named;
  const m = /^(?:(?:gmt|utc|ut)\s*)?([+-])(\d{2}):?(\d{2})?$/i.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Two-digit years follow .NET's default window (00-29 -> 20xx, 30-99 -> 19xx), which ADX inherits. */
function expandYear(text: string): number {
  const y = Number(text);
  if (text.length > 2) return y;
  return y < 30 ? 2000 + y : 1900 + y;
}

/** Fractional-second digits to ticks; digits past the 7th (below 100 ns) are truncated. */
function fractionTicks(digits: string | undefined): number {
  if (digits === undefined || digits === '') return 0;
  return Number(digits.slice(0, 7).padEnd(7, '0'));
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  meridiem?: string;
  zone?: string;
}

function ticksFromFields(f: Fields): bigint | null {
  let hour = f.hour === undefined ? 0 : Number(f.hour);
  if (f.meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = f.meridiem.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const local = datetimeFromParts(
    f.year, f.month, f.day, hour,
    f.minute === undefined ? 0 : Number(f.minute),
    f.second === undefined ? 0 : Number(f.second),
    fractionTicks(f.fraction),
  );
  if (local === null) return null;
  const offset = zoneOffsetMinutes(f.zone);
  if (offset === undefined) return null;
  return datetimeOrNull(local - BigInt(offset) * TICKS_PER_MINUTE);
}

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?`;
const ZONE = String.raw`Z|[+-]\d{2}(?::?\d{2})?|(?:GMT|UTC|UT)[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,4}`;

// ISO 8601 and the docs' "sortable" forms: 2014-11-08[T| ]15:05[:25[.1234567]][Z|+hh:mm| GMT]
const ISO_RE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)${TIME}(?:\s*([AP]M))?(?:\s*(${ZONE}))?)?$`, 'i');
// RFC 822 / 1123: [Sat, ]8 Nov 14 15:05[:02] [GMT]
const RFC822_RE = new RegExp(String.raw`^(?:([A-Za-z]+),?\s+)?(\d{1,2})\s+([A-Za-z]+)\s+(\d{4}|\d{2})\s+${TIME}(?:\s+(${ZONE}))?$`);
// RFC 850: [Saturday, ]08-Nov-14 15:05[:02] [GMT]
const RFC850_RE = new RegExp(String.raw`^(?:([A-Za-z]+),?\s+)?(\d{1,2})-([A-Za-z]+)-(\d{4}|\d{2})\s+${TIME}(?:\s+(${ZONE}))?$`);
// US month-first dates as .NET's invariant culture reads them: 12-02-2022, 9/10/2021, 9:10:11.123 AM
const US_RE = new RegExp(String.raw`^(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?:,?\s+${TIME}(?:\s*([AaPp][Mm]))?(?:\s*(${ZONE}))?)?$`);
// Year-first with slashes: 2021/09/10[ 09:10:11]
const YMD_SLASH_RE = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})(?:,?\s+${TIME}(?:\s*([AaPp][Mm]))?(?:\s*(${ZONE}))?)?$`);

// A time of day alone (`8:00:00 AM`, `19:01:00.7654321`): .NET and ADX read it as that time today.
const TIME_ONLY_RE = new RegExp(String.raw`^${TIME}(?:\s*([AaPp][Mm]))?(?:\s*(${ZONE}))?$`);

function parseCalendarText(s: string, now: bigint | undefined): bigint | null {
  if (now !== undefined) {
    if (s === '' || s === 'now') return now;
    const t = TIME_ONLY_RE.exec(s);
    if (t) {
      const today = datetimeParts(now);
      return ticksFromFields({
        year: today.year, month: today.month, day: today.day,
        hour: t[1], minute: t[2], second: t[3], fraction: t[4], meridiem: t[5], zone: t[6],
      });
    }
  }
  let m = ISO_RE.exec(s);
  if (m) {
    return ticksFromFields({
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: m[4], minute: m[5], second: m[6], fraction: m[7], meridiem: m[8], zone: m[9],
    });
  }
  m = RFC822_RE.exec(s) ?? RFC850_RE.exec(s);
  if (m) {
    if (m[1] !== undefined && !WEEKDAYS.has(m[1].toLowerCase())) return null;
    const month = MONTHS[m[3]!.toLowerCase()];
    if (month === undefined) return null;
    return ticksFromFields({
      year: expandYear(m[4]!), month, day: Number(m[2]),
      hour: m[5], minute: m[6], second: m[7], fraction: m[8], zone: m[9],
    });
  }
  m = US_RE.exec(s);
  if (m) {
    return ticksFromFields({
      year: Number(m[4]), month: Number(m[1]), day: Number(m[3]),
      hour: m[5], minute: m[6], second: m[7], fraction: m[8], meridiem: m[9], zone: m[10],
    });
  }
  m = YMD_SLASH_RE.exec(s);
  if (m) {
    return ticksFromFields({
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: m[4], minute: m[5], second: m[6], fraction: m[7], meridiem: m[8], zone: m[9],
    });
  }
  return null;
}

/** The text inside `datetime(...)`, `time(...)` etc. may itself be a quoted string literal. */
export function unquoteLiteralContent(text: string): string {
  const t = text.trim();
  if (t.length >= 2) {
    const q = t[0];
    if ((q === '"' || q === "'") && t[t.length - 1] === q && !t.slice(1, -1).includes(q)) return t.slice(1, -1).trim();
  }
  return t;
}

/** True for the literal contents `null` (datetime(null), time(null), guid(null), ...). */
export function isNullLiteral(text: string): boolean {
  return text.trim() === 'null';
}

/**
 * The contents of a `datetime(...)` literal (every format the Kusto docs list: ISO 8601,
 * RFC 822/1123, RFC 850, sortable; plus the month-first forms ADX's own examples use,
 * e.g. `datetime('12-02-2022')`). Returns null for `null` and for unparsable text;
 * callers tell them apart with isNullLiteral(). `now` (the query time) resolves the forms
 * listed in datetimeLiteralDependsOnNow; without it they are unparsable.
 */
export function parseDatetimeLiteral(text: string, now?: bigint): bigint | null {
  if (isNullLiteral(text)) return null;
  const content = unquoteLiteralContent(text);
  const parts = PARTS_LITERAL_RE.exec(content);
  if (parts) {
    return ticksFromFields({
      year: Number(parts[1]), month: Number(parts[2]), day: Number(parts[3]),
      hour: parts[4], minute: parts[5], second: parts[6], fraction: parts[7],
    });
  }
  return parseCalendarText(content, now);
}

// `datetime(2025, 6, 14[, 10, 30[, 15[.5]]])`: a literal made of its parts, as make_datetime()
// takes them (the startofweek docs page uses it; Microsoft's parser accepts it). Literal only:
// todatetime() does not read this form.
const PARTS_LITERAL_RE = /^(\d{1,4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2})(?:\.(\d+))?)?)?$/;

/**
 * True when a `datetime(...)` literal's value depends on the query time: `datetime()`,
 * `datetime(now)` (both seen in Sentinel rules) and a time of day alone (`datetime("8:00 AM")`
 * is that time today). parseDatetimeLiteral needs `now` for these.
 */
export function datetimeLiteralDependsOnNow(text: string): boolean {
  const s = unquoteLiteralContent(text);
  return s === '' || s === 'now' || TIME_ONLY_RE.test(s);
}

/**
 * What todatetime('...') accepts: the same formats as literals (the docs define them
 * together), surrounding whitespace ignored; a time of day alone is that time on the day of
 * `now` when given. Null when unparsable or out of range.
 */
export function parseDatetimeString(text: string, now?: bigint): bigint | null {
  const s = text.trim();
  if (s === '' || s === 'now') return null;
  return parseCalendarText(s, now);
}
