// UTC <-> local wall-clock conversion for IANA time zones (datetime_utc_to_local and
// datetime_local_to_utc), using the platform's Intl time zone database, which exists in
// Node and in browsers. Unknown zone names are refused rather than treated as UTC.

import { KqlError } from '../types.js';
import { TICKS_PER_MILLISECOND } from './datetime.js';
import { UNIX_EPOCH_TICKS } from '../data/column.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new KqlError(`unknown time zone '${timezone}' (expected an IANA name such as 'Europe/Paris')`, 'UnknownTimeZone');
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** Offset of the zone from UTC at a UTC instant, in milliseconds. */
function offsetMs(utcMs: number, timezone: string): number {
  const parts = formatterFor(timezone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const wall = new Date(0);
  wall.setUTCFullYear(year, get('month') - 1, get('day'));
  wall.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  const wholeSecondUtc = Math.floor(utcMs / 1000) * 1000;
  return wall.getTime() - wholeSecondUtc;
}

function ticksToMs(ticks: bigint): number {
  return Number((ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MILLISECOND);
}

/** The wall-clock time in `timezone` at a UTC instant. */
export function utcToLocal(ticks: bigint, timezone: string): bigint {
  return ticks + BigInt(offsetMs(ticksToMs(ticks), timezone)) * TICKS_PER_MILLISECOND;
}

/**
 * The UTC instant of a wall-clock time in `timezone`. A wall time repeated by a daylight-saving
 * change resolves to the offset found by probing (as before). A wall time skipped by the change
 * (the spring-forward gap) uses the offset in force after the change: the datetime_local_to_utc
 * docs map Europe/Brussels 2022-03-27 02:00 to 00:00 UTC.
 */
export function localToUtc(ticks: bigint, timezone: string): bigint {
  const localMs = ticksToMs(ticks);
  const first = offsetMs(localMs, timezone);
  const second = offsetMs(localMs - first, timezone);
  if (second !== first && offsetMs(localMs - second, timezone) !== second) {
    // Neither candidate offset maps back to this wall time, so it lies in a gap. The later of
    // the two candidate instants is past the change and carries the offset after it.
    const after = offsetMs(Math.max(localMs - first, localMs - second), timezone);
    return ticks - BigInt(after) * TICKS_PER_MILLISECOND;
  }
  return ticks - BigInt(second) * TICKS_PER_MILLISECOND;
}

export function isKnownTimeZone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The IANA zone names this platform knows (datetime_list_timezones), sorted. */
export function listTimeZones(): string[] {
  const names = new Set<string>(Intl.supportedValuesOf('timeZone'));
  names.add('UTC');
  return [...names].sort();
}
