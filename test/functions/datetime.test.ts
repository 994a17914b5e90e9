import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { datetimeFunctions } from '../../src/kql/functions/scalar/datetime.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import { makeCaller, typed } from './scalar-call.js';
import { formatDatetime, MAX_DATETIME_TICKS, parseDatetimeLiteral } from '../../src/kql/values/datetime.js';
import { parseTimespanLiteral } from '../../src/kql/values/timespan.js';
import type { Scalar } from '../../src/kql/types.js';
import { KqlError } from '../../src/kql/types.js';

const { call, def } = makeCaller(datetimeFunctions);
const dt = (s: string) => typed(parseDatetimeLiteral(s), 'datetime');
const ts = (s: string) => typed(parseTimespanLiteral(s), 'timespan');
const show = (v: Scalar): string | null => (v === null ? null : formatDatetime(v as bigint));

test('every datetime function is registered and executable', () => {
  const r = builtinFunctions();
  for (const d of datetimeFunctions) assert.ok(r.scalar(d.name)?.impl, d.name);
});

test('now() and ago() use the query time, never the clock', () => {
  const now = parseDatetimeLiteral('2024-05-01 12:00')!;
  const ctx = { now, cache: new Map(), args: [] };
  assert.equal(def('now').impl!([], ctx), now);
  // Fixed per query, so the executor may fold it (range bounds like ago(7d) must be constants).
  assert.notEqual(def('now').deterministic, false);
  assert.notEqual(def('ago').deterministic, false);
  assert.equal(def('now').impl!([-864_000_000_000n], { ...ctx, args: [{ type: 'timespan' }] }), now - 864_000_000_000n);
  assert.equal(show(def('ago').impl!([parseTimespanLiteral('1h')], { ...ctx, args: [{ type: 'timespan' }] })), '2024-05-01T11:00:00.0000000Z');
  assert.equal(def('ago').impl!([null], ctx), null);
});

test('datetime_diff docs example', () => {
  const d = (p: string, a: string, b: string) => call('datetime_diff', p, dt(a), dt(b));
  assert.equal(d('year', '2017-01-01', '2000-12-31'), 17);
  assert.equal(d('quarter', '2017-07-01', '2017-03-30'), 2);
  assert.equal(d('month', '2017-01-01', '2015-12-30'), 13);
  assert.equal(d('week', '2017-10-29 00:00', '2017-09-30 23:59'), 5);
  assert.equal(d('day', '2017-10-29 00:00', '2017-09-30 23:59'), 29);
  assert.equal(d('hour', '2017-10-31 01:00', '2017-10-30 23:59'), 2);
  assert.equal(d('minute', '2017-10-30 23:05:01', '2017-10-30 23:00:59'), 5);
  assert.equal(d('second', '2017-10-30 23:00:10.100', '2017-10-30 23:00:00.900'), 10);
  assert.equal(d('millisecond', '2017-10-30 23:00:00.200100', '2017-10-30 23:00:00.100900'), 100);
  assert.equal(d('microsecond', '2017-10-30 23:00:00.1009001', '2017-10-30 23:00:00.1008009'), 100);
  assert.equal(d('nanosecond', '2017-10-30 23:00:00.0000000', '2017-10-30 23:00:00.0000007'), -700);
  assert.equal(d('Year', '2017-01-01', '2000-12-31'), 17, 'periods are case-insensitive');
  assert.throws(() => d('fortnight', '2017-01-01', '2000-12-31'), KqlError);
});

test('datetime_add docs example', () => {
  const a = (p: string, n: number, s: string) => show(call('datetime_add', p, n, dt(s)));
  assert.equal(a('year', 1, '2017-01-01'), '2018-01-01T00:00:00.0000000Z');
  assert.equal(a('quarter', 1, '2017-01-01'), '2017-04-01T00:00:00.0000000Z');
  assert.equal(a('month', 1, '2017-01-01'), '2017-02-01T00:00:00.0000000Z');
  assert.equal(a('week', 1, '2017-01-01'), '2017-01-08T00:00:00.0000000Z');
  assert.equal(a('day', 1, '2017-01-01'), '2017-01-02T00:00:00.0000000Z');
  assert.equal(a('hour', 1, '2017-01-01'), '2017-01-01T01:00:00.0000000Z');
  assert.equal(a('minute', 1, '2017-01-01'), '2017-01-01T00:01:00.0000000Z');
  assert.equal(a('second', 1, '2017-01-01'), '2017-01-01T00:00:01.0000000Z');
  assert.equal(a('millisecond', 1, '2017-01-01'), '2017-01-01T00:00:00.0010000Z');
  assert.equal(a('microsecond', 1, '2017-01-01'), '2017-01-01T00:00:00.0000010Z');
  assert.equal(a('nanosecond', 100, '2017-01-01'), '2017-01-01T00:00:00.0000001Z');
  assert.equal(a('month', 1, '2020-01-31'), '2020-02-29T00:00:00.0000000Z');
  assert.equal(a('day', 1, '9999-12-31'), null, 'out of range is null');
});

test('datetime_part docs example', () => {
  const p = (part: string) => call('datetime_part', part, dt('2017-10-30 01:02:03.7654321'));
  assert.equal(p('Year'), 2017);
  assert.equal(p('Quarter'), 4);
  assert.equal(p('Month'), 10);
  assert.equal(p('week_of_year'), 44);
  assert.equal(p('Day'), 30);
  assert.equal(p('DayOfYear'), 303);
  assert.equal(p('Hour'), 1);
  assert.equal(p('Minute'), 2);
  assert.equal(p('Second'), 3);
  assert.equal(p('Millisecond'), 765);
  assert.equal(p('Microsecond'), 765432);
  assert.equal(p('Nanosecond'), 765432100);
  assert.equal(call('datepart', 'day', dt('2017-10-30')), 30);
});

test('calendar field functions', () => {
  assert.equal(call('dayofmonth', dt('2015-12-14')), 14);
  assert.equal(call('dayofyear', dt('2015-12-14')), 348);
  assert.equal(call('getmonth', dt('2015-10-12')), 10);
  assert.equal(call('monthofyear', dt('2015-12-14')), 12);
  assert.equal(call('getyear', dt('2015-10-12')), 2015);
  assert.equal(call('hourofday', dt('2015-12-14 18:54:00')), 18);
  assert.equal(call('week_of_year', dt('2015-12-14')), 51);
  assert.equal(call('week_of_year', dt('2000-01-01')), 52);
  assert.equal(call('dayofweek', dt('1947-11-30 10:00:05')), 0n);
  assert.equal(call('dayofweek', dt('1970-05-11')), 864_000_000_000n);
  assert.equal(call('getyear', typed(null, 'datetime')), null);
});

test('startof/endof with offsets (docs examples)', () => {
  const s = (fn: string, d: string, offset?: number) => show(offset === undefined ? call(fn, dt(d)) : call(fn, dt(d), offset));
  assert.equal(s('startofweek', '2017-01-01 10:10:17', -1), '2016-12-25T00:00:00.0000000Z');
  assert.equal(s('startofweek', '2017-01-01 10:10:17', 0), '2017-01-01T00:00:00.0000000Z');
  assert.equal(s('startofweek', '2017-01-01 10:10:17', 1), '2017-01-08T00:00:00.0000000Z');
  assert.equal(s('endofmonth', '2017-01-01 10:10:17', -1), '2016-12-31T23:59:59.9999999Z');
  assert.equal(s('endofmonth', '2017-01-01 10:10:17', 1), '2017-02-28T23:59:59.9999999Z');
  assert.equal(s('startofmonth', '2017-01-31', 1), '2017-02-01T00:00:00.0000000Z');
  assert.equal(s('startofyear', '2016-02-29', 1), '2017-01-01T00:00:00.0000000Z');
  assert.equal(s('endofyear', '2017-01-01 10:10:17', -1), '2016-12-31T23:59:59.9999999Z');
  assert.equal(s('startofday', '2017-01-01 10:10:17', 1), '2017-01-02T00:00:00.0000000Z');
  assert.equal(s('endofday', '2017-01-01 10:10:17'), '2017-01-01T23:59:59.9999999Z');
  assert.equal(s('endofweek', '2017-01-01 10:10:17'), '2017-01-07T23:59:59.9999999Z');
  assert.equal(s('startofweek', '0001-01-03'), null, 'a boundary before 0001-01-01 is null');
  assert.equal(s('endofday', '9999-12-31', 1), null);
});

test('format_datetime docs examples', () => {
  const d = dt('2017-01-29 09:00:05');
  assert.equal(call('format_datetime', d, 'yy-MM-dd [HH:mm:ss]'), '17-01-29 [09:00:05]');
  assert.equal(call('format_datetime', d, 'yyyy-M-dd [H:mm:ss]'), '2017-1-29 [9:00:05]');
  assert.equal(call('format_datetime', d, 'yy-MM-dd [hh:mm:ss tt]'), '17-01-29 [09:00:05 AM]');
  const f = dt('2009-06-15 13:45:30.6175425');
  assert.equal(call('format_datetime', f, 'fffffff'), '6175425');
  assert.equal(call('format_datetime', f, 'ff'), '61');
  assert.equal(call('format_datetime', dt('2009-06-15 13:45:30.0500000'), 'F'), '');
  assert.equal(call('format_datetime', dt('2009-06-15 13:45:30.0001150'), 'FFFFFFF'), '000115');
  assert.equal(call('format_datetime', f, 'h tt'), '1 PM');
  assert.equal(call('format_datetime', dt('0900-01-01'), 'yy|yyyy'.replace('|', '/')), '00/0900');
  assert.throws(() => call('format_datetime', f, 'yyyy-MM-dd Q'), /unsupported format element 'Q'/);
  assert.throws(() => call('format_datetime', f, 'yyyy;MM'), /unsupported format delimiter ';'/);
});

test('format_timespan docs examples', () => {
  const t = ts('29.09:00:05.12345');
  assert.equal(call('format_timespan', t, 'dd.hh:mm:ss:FF'), '29.09:00:05:12');
  assert.equal(call('format_timespan', t, 'ddd.h:mm:ss [fffffff]'), '029.9:00:05 [1234500]');
  assert.equal(call('format_timespan', ts('-01:00:00'), 'hh:mm'), '-01:00');
});

test('make_datetime and make_timespan', () => {
  assert.equal(show(call('make_datetime', 2017, 10, 1, 12, 10)), '2017-10-01T12:10:00.0000000Z');
  assert.equal(show(call('make_datetime', 2017, 10, 1)), '2017-10-01T00:00:00.0000000Z');
  assert.equal(show(call('make_datetime', 2017, 10, 1, 12, 11, 0.1234567)), '2017-10-01T12:11:00.1234567Z');
  assert.equal(call('make_datetime', 2017, 2, 30), null);
  assert.equal(call('make_datetime', 2017, 10, 1, 12, 11, 60), null);
  assert.equal(call('make_timespan', 12, 30), parseTimespanLiteral('12:30:00'));
  assert.equal(call('make_timespan', 12, 30, 15.2), parseTimespanLiteral('12:30:15.2'));
  assert.equal(call('make_timespan', 1, 12, 30, 55.123), parseTimespanLiteral('1.12:30:55.123'));
});

test('unixtime_*_todatetime docs examples', () => {
  assert.equal(show(call('unixtime_seconds_todatetime', 1546300800)), '2019-01-01T00:00:00.0000000Z');
  assert.equal(show(call('unixtime_milliseconds_todatetime', 1546300800000)), '2019-01-01T00:00:00.0000000Z');
  assert.equal(show(call('unixtime_microseconds_todatetime', 1546300800000000)), '2019-01-01T00:00:00.0000000Z');
  assert.equal(show(call('unixtime_nanoseconds_todatetime', 1546300800000000000)), '2019-01-01T00:00:00.0000000Z');
  assert.equal(show(call('unixtime_seconds_todatetime', 1546300800.1234567)), '2019-01-01T00:00:00.1234567Z');
  assert.equal(show(call('unixtime_milliseconds_todatetime', -1)), '1969-12-31T23:59:59.9990000Z');
  assert.equal(call('unixtime_seconds_todatetime', 1e20), null);
  assert.equal(call('unixtime_seconds_todatetime', typed(null, 'long')), null);
});

test('time zones: IANA names, DST, unknown names refused', () => {
  assert.equal(show(call('datetime_utc_to_local', dt('2020-06-01 10:00'), 'US/Pacific')), '2020-06-01T03:00:00.0000000Z');
  assert.equal(show(call('datetime_utc_to_local', dt('2020-01-01 10:00:00.1234567'), 'Europe/Paris')), '2020-01-01T11:00:00.1234567Z');
  assert.equal(show(call('datetime_local_to_utc', dt('2020-06-01 03:00'), 'US/Pacific')), '2020-06-01T10:00:00.0000000Z');
  assert.equal(show(call('datetime_local_to_utc', dt('2020-01-01 11:00'), 'Europe/Paris')), '2020-01-01T10:00:00.0000000Z');
  assert.equal(show(call('datetime_utc_to_local', dt('2020-01-01'), 'Asia/Kolkata')), '2020-01-01T05:30:00.0000000Z');
  // The docs' DST example: 02:00 does not exist in Brussels on 2022-03-27 and maps with the
  // summer offset; the hours around the gap are unaffected.
  assert.equal(show(call('datetime_local_to_utc', dt('2022-03-27 02:00'), 'Europe/Brussels')), '2022-03-27T00:00:00.0000000Z');
  assert.equal(show(call('datetime_local_to_utc', dt('2022-03-27 01:00'), 'Europe/Brussels')), '2022-03-27T00:00:00.0000000Z');
  assert.equal(show(call('datetime_local_to_utc', dt('2022-03-27 03:00'), 'Europe/Brussels')), '2022-03-27T01:00:00.0000000Z');
  assert.equal(show(call('datetime_local_to_utc', dt('2022-03-13 02:30'), 'America/New_York')), '2022-03-13T06:30:00.0000000Z');
  assert.throws(() => call('datetime_utc_to_local', dt('2020-01-01'), 'Mars/Olympus'), /unknown time zone 'Mars\/Olympus'/);
  const zones = call('datetime_list_timezones') as string[];
  assert.ok(zones.includes('Europe/Paris') && zones.includes('UTC'));
  for (const z of zones.slice(0, 50)) assert.doesNotThrow(() => call('datetime_utc_to_local', dt('2020-01-01'), z), z);
});

test('property: utc -> local -> utc round-trips outside DST transitions', () => {
  const start = parseDatetimeLiteral('1990-01-01')!;
  const end = parseDatetimeLiteral('2030-01-01')!;
  fc.assert(fc.property(fc.bigInt({ min: start, max: end }), fc.constantFrom('Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'), (t, tz) => {
    const local = call('datetime_utc_to_local', typed(t, 'datetime'), tz) as bigint;
    const back = call('datetime_local_to_utc', typed(local, 'datetime'), tz) as bigint;
    // Inside the repeated hour after a DST change the wall time is ambiguous; allow one hour.
    const diff = back > t ? back - t : t - back;
    assert.ok(diff === 0n || diff === 36_000_000_000n, `${formatDatetime(t)} ${tz}`);
  }), { numRuns: 300 });
});

test('property: datetime_add(day) then datetime_diff(day) is the identity', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: MAX_DATETIME_TICKS }), fc.integer({ min: -100000, max: 100000 }), (t, n) => {
    const added = call('datetime_add', 'day', n, typed(t, 'datetime'));
    if (added === null) return;
    assert.equal(call('datetime_diff', 'day', typed(added, 'datetime'), typed(t, 'datetime')), n);
  }), { numRuns: 500 });
});
