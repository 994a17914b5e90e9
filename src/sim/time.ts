// ISO 8601 text for simulated timestamps. Formatting is the hot path of the simulator (every
// row carries one or more), so the date part is computed once per day and the time of day
// from small lookup tables instead of through Date.toISOString.

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

const TWO_DIGITS: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedPrefix = '';

/** `2024-05-01T13:45:07.123Z`: milliseconds since the Unix epoch, UTC, always with milliseconds. */
export function isoFromMs(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
  }
  let rest = t - day * MS_PER_DAY;
  const hour = Math.floor(rest / MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = Math.floor(rest / MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = Math.floor(rest / MS_PER_SECOND);
  const milli = rest - second * MS_PER_SECOND;
  return `${cachedPrefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

/** Parses --end: an ISO 8601 instant; a date or time without a zone is read as UTC. */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(trimmed)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) && trimmed.length > 10;
  const withTime = trimmed.length === 10 ? `${trimmed}T00:00:00` : trimmed.replace(' ', 'T');
  const ms = Date.parse(hasZone ? withTime : `${withTime}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function hourOfDay(ms: number): number {
  return Math.floor((ms % MS_PER_DAY) / MS_PER_HOUR);
}

/** 0 = Sunday, as KQL's dayofweek. */
export function dayOfWeek(ms: number): number {
  return (Math.floor(ms / MS_PER_DAY) + 4) % 7;
}

export function startOfDayMs(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}
