import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addMonths, dateFromDayNumber, datetimeFromParts, datetimeParts, dayNumberFromDate, dayOfWeekIndex, dayOfYear,
  datetimeLiteralDependsOnNow, endOfDay, endOfMonth, endOfWeek, endOfYear, formatDatetime, formatDatetimeIso, isNullLiteral, isoWeekOfYear,
  MAX_DATETIME_TICKS, parseDatetimeLiteral, parseDatetimeString, startOfMonth, startOfWeek, startOfYear,
} from '../../src/kql/values/datetime.js';
import { UNIX_EPOCH_TICKS } from '../../src/kql/data/column.js';

const iso = (text: string): string => {
  const t = parseDatetimeLiteral(text);
  assert.notEqual(t, null, `parses ${text}`);
  return formatDatetime(t!);
};

test('the docs tick example: 31241376000000000 is 0100-01-01 (a Friday)', () => {
  assert.equal(formatDatetime(31241376000000000n), '0100-01-01T00:00:00.0000000Z');
  assert.equal(dayOfWeekIndex(31241376000000000n), 5);
  assert.equal(datetimeFromParts(100, 1, 1), 31241376000000000n);
});

test('Unix epoch and range bounds', () => {
  assert.equal(parseDatetimeLiteral('1970-01-01'), UNIX_EPOCH_TICKS);
  assert.equal(parseDatetimeLiteral('0001-01-01'), 0n);
  assert.equal(parseDatetimeLiteral('9999-12-31 23:59:59.9999999'), MAX_DATETIME_TICKS);
  assert.equal(formatDatetime(MAX_DATETIME_TICKS), '9999-12-31T23:59:59.9999999Z');
});

test('every format in the datetime docs (ISO 8601, RFC 822, RFC 850, sortable)', () => {
  const cases: [string, string][] = [
    ['2015-12-31 23:59:59.9', '2015-12-31T23:59:59.9000000Z'],
    ['2015-12-31', '2015-12-31T00:00:00.0000000Z'],
    ['2014-05-25T08:20:03.123456Z', '2014-05-25T08:20:03.1234560Z'],
    ['2014-05-25T08:20:03.123456', '2014-05-25T08:20:03.1234560Z'],
    ['2014-05-25T08:20', '2014-05-25T08:20:00.0000000Z'],
    ['2014-11-08 15:55:55.123456Z', '2014-11-08T15:55:55.1234560Z'],
    ['2014-11-08 15:55:55', '2014-11-08T15:55:55.0000000Z'],
    ['2014-11-08 15:55', '2014-11-08T15:55:00.0000000Z'],
    ['2014-11-08', '2014-11-08T00:00:00.0000000Z'],
    ['Sat, 8 Nov 14 15:05:02 GMT', '2014-11-08T15:05:02.0000000Z'],
    ['Sat, 8 Nov 14 15:05:02', '2014-11-08T15:05:02.0000000Z'],
    ['Sat, 8 Nov 14 15:05', '2014-11-08T15:05:00.0000000Z'],
    ['Sat, 8 Nov 14 15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['8 Nov 14 15:05:02 GMT', '2014-11-08T15:05:02.0000000Z'],
    ['8 Nov 14 15:05:02', '2014-11-08T15:05:02.0000000Z'],
    ['8 Nov 14 15:05', '2014-11-08T15:05:00.0000000Z'],
    ['8 Nov 14 15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['Saturday, 08-Nov-14 15:05:02 GMT', '2014-11-08T15:05:02.0000000Z'],
    ['Saturday, 08-Nov-14 15:05:02', '2014-11-08T15:05:02.0000000Z'],
    ['Saturday, 08-Nov-14 15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['Saturday, 08-Nov-14 15:05', '2014-11-08T15:05:00.0000000Z'],
    ['08-Nov-14 15:05:02 GMT', '2014-11-08T15:05:02.0000000Z'],
    ['08-Nov-14 15:05:02', '2014-11-08T15:05:02.0000000Z'],
    ['08-Nov-14 15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['08-Nov-14 15:05', '2014-11-08T15:05:00.0000000Z'],
    ['2014-11-08 15:05:25', '2014-11-08T15:05:25.0000000Z'],
    ['2014-11-08 15:05:25 GMT', '2014-11-08T15:05:25.0000000Z'],
    ['2014-11-08 15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['2014-11-08T15:05:25', '2014-11-08T15:05:25.0000000Z'],
    ['2014-11-08T15:05:25 GMT', '2014-11-08T15:05:25.0000000Z'],
    ['2014-11-08T15:05 GMT', '2014-11-08T15:05:00.0000000Z'],
    ['2014-1-8 5:05', '2014-01-08T05:05:00.0000000Z'],
    // RFC 1123 (four-digit year) and the todatetime() docs example datetime('12-02-2022').
    ['Sat, 08 Nov 2014 15:05:02 GMT', '2014-11-08T15:05:02.0000000Z'],
    ['12-02-2022', '2022-12-02T00:00:00.0000000Z'],
  ];
  for (const [text, expected] of cases) assert.equal(iso(text), expected, text);
});

test('offsets and zone names shift to UTC', () => {
  assert.equal(iso('2020-01-01T00:00:00+02:00'), '2019-12-31T22:00:00.0000000Z');
  assert.equal(iso('2020-01-01T00:00:00-0530'), '2020-01-01T05:30:00.0000000Z');
  assert.equal(iso('2020-01-01 10:00 PST'), '2020-01-01T18:00:00.0000000Z');
  assert.equal(iso('Sat, 8 Nov 14 15:05:02 +0100'), '2014-11-08T14:05:02.0000000Z');
});

test('quoted literal contents, null, and unparsable text', () => {
  assert.equal(iso('"2020-01-01"'), '2020-01-01T00:00:00.0000000Z');
  assert.equal(iso("'2020-01-01 10:00'"), '2020-01-01T10:00:00.0000000Z');
  assert.equal(parseDatetimeLiteral('null'), null);
  assert.ok(isNullLiteral(' null '));
  for (const bad of ['garbage', '2020-13-01', '2020-02-30', '2021-02-29', '2020-01-01 24:00', '2020-01-01T10:60', '', 'Foo, 8 Nov 14 15:05', '8 Foo 14 15:05', '10000-01-01']) {
    assert.equal(parseDatetimeLiteral(bad), null, bad);
    assert.equal(isNullLiteral(bad), false);
  }
  // Offsets that leave the range yield null rather than wrapping.
  assert.equal(parseDatetimeLiteral('0001-01-01T00:00:00+01:00'), null);
});

test('two-digit years follow the .NET window (00-29 -> 20xx)', () => {
  assert.equal(iso('8 Nov 29 15:05'), '2029-11-08T15:05:00.0000000Z');
  assert.equal(iso('8 Nov 30 15:05'), '1930-11-08T15:05:00.0000000Z');
});

test('todatetime strings: US month-first forms seen in Sentinel exports', () => {
  const s = (text: string) => {
    const t = parseDatetimeString(text);
    return t === null ? null : formatDatetime(t);
  };
  assert.equal(s('9/10/2021, 9:10:11.123 AM'), '2021-09-10T09:10:11.1230000Z');
  assert.equal(s('9/10/2021 9:10:11 PM'), '2021-09-10T21:10:11.0000000Z');
  assert.equal(s('12/31/2021 12:00:00 AM'), '2021-12-31T00:00:00.0000000Z');
  assert.equal(s('12/31/2021 12:30 PM'), '2021-12-31T12:30:00.0000000Z');
  assert.equal(s('1/2/2020'), '2020-01-02T00:00:00.0000000Z');
  assert.equal(s('2021/09/10 09:10:11'), '2021-09-10T09:10:11.0000000Z');
  assert.equal(s('2021-09-10 9:10:11 PM'), '2021-09-10T21:10:11.0000000Z');
  assert.equal(s('2021-09-10 9:10 pm +01:00'), '2021-09-10T20:10:00.0000000Z');
  assert.equal(s('2021-09-10T09:10:11.123+00:00'), '2021-09-10T09:10:11.1230000Z');
  assert.equal(s('Fri, 10 Sep 2021 09:10:11 +0000'), '2021-09-10T09:10:11.0000000Z');
  assert.equal(s('  2015-12-31 23:59:59.9  '), '2015-12-31T23:59:59.9000000Z');
  assert.equal(s('13/10/2021'), null);
  assert.equal(s('9/10/2021 13:00 PM'), null);
  assert.equal(s(''), null);
  // Fraction digits below 100 ns are truncated.
  assert.equal(s('2021-01-01T00:00:00.123456789Z'), '2021-01-01T00:00:00.1234567Z');
});

test('formatDatetimeIso trims trailing fraction zeros', () => {
  assert.equal(formatDatetimeIso(parseDatetimeLiteral('2020-01-01')!), '2020-01-01T00:00:00Z');
  assert.equal(formatDatetimeIso(parseDatetimeLiteral('2020-01-01 10:11:12.5')!), '2020-01-01T10:11:12.5Z');
  assert.equal(formatDatetimeIso(parseDatetimeLiteral('2020-01-01 10:11:12.0000001')!), '2020-01-01T10:11:12.0000001Z');
});

const anyTicks = fc.bigInt({ min: 0n, max: MAX_DATETIME_TICKS });

test('property: format -> parse round-trips every tick in range', () => {
  fc.assert(fc.property(anyTicks, (t) => {
    assert.equal(parseDatetimeLiteral(formatDatetime(t)), t);
    assert.equal(parseDatetimeString(formatDatetimeIso(t)), t);
  }), { numRuns: 2000 });
});

test('property: day numbers and calendar fields invert each other', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 3652058 }), (n) => {
    const { year, month, day } = dateFromDayNumber(n);
    assert.equal(dayNumberFromDate(year, month, day), n);
  }), { numRuns: 2000 });
  fc.assert(fc.property(anyTicks, (t) => {
    const p = datetimeParts(t);
    assert.equal(datetimeFromParts(p.year, p.month, p.day, p.hour, p.minute, p.second, p.fraction), t);
  }), { numRuns: 1000 });
});

test('property: calendar fields agree with JS Date where Date reaches', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: MAX_DATETIME_TICKS }), (t) => {
    const ms = Number((t - UNIX_EPOCH_TICKS) / 10000n) - ((t - UNIX_EPOCH_TICKS) % 10000n < 0n ? 1 : 0);
    const d = new Date(ms);
    const p = datetimeParts(t);
    assert.equal(p.year, d.getUTCFullYear());
    assert.equal(p.month, d.getUTCMonth() + 1);
    assert.equal(p.day, d.getUTCDate());
    assert.equal(p.hour, d.getUTCHours());
    assert.equal(dayOfWeekIndex(t), d.getUTCDay());
  }), { numRuns: 2000 });
});

test('period boundaries', () => {
  const t = parseDatetimeLiteral('2017-01-29 09:00:05.1234567')!; // a Sunday
  assert.equal(formatDatetime(startOfWeek(t)), '2017-01-29T00:00:00.0000000Z');
  assert.equal(formatDatetime(endOfWeek(t)), '2017-02-04T23:59:59.9999999Z');
  assert.equal(formatDatetime(startOfMonth(t)), '2017-01-01T00:00:00.0000000Z');
  assert.equal(formatDatetime(endOfMonth(parseDatetimeLiteral('2020-02-10')!)), '2020-02-29T23:59:59.9999999Z');
  assert.equal(formatDatetime(startOfYear(t)), '2017-01-01T00:00:00.0000000Z');
  assert.equal(formatDatetime(endOfYear(t)), '2017-12-31T23:59:59.9999999Z');
  assert.equal(formatDatetime(endOfDay(t)), '2017-01-29T23:59:59.9999999Z');
  assert.equal(dayOfYear(parseDatetimeLiteral('2020-12-31')!), 366);
  // 0001-01-01 is a Monday: its week starts before the datetime range (functions map that to null).
  assert.ok(startOfWeek(parseDatetimeLiteral('0001-01-03')!) < 0n);
});

test('addMonths clamps to the month length', () => {
  assert.equal(formatDatetime(addMonths(parseDatetimeLiteral('2020-01-31 10:00')!, 1)!), '2020-02-29T10:00:00.0000000Z');
  assert.equal(formatDatetime(addMonths(parseDatetimeLiteral('2020-03-31')!, -1)!), '2020-02-29T00:00:00.0000000Z');
  assert.equal(addMonths(parseDatetimeLiteral('9999-12-01')!, 1), null);
  assert.equal(addMonths(parseDatetimeLiteral('0001-01-01')!, -1), null);
});

test('ISO week numbers', () => {
  const w = (s: string) => isoWeekOfYear(parseDatetimeLiteral(s)!);
  assert.equal(w('2015-12-14'), 51);
  assert.equal(w('2000-01-01'), 52);
  assert.equal(w('2000-12-31'), 52);
  assert.equal(w('2018-04-18'), 16);
  assert.equal(w('2020-12-31'), 53);
  assert.equal(w('2021-01-04'), 1);
});

test('literals that depend on the query time: datetime(), datetime(now), a time of day alone', () => {
  const now = parseDatetimeLiteral('2024-05-01 12:34:56')!;
  assert.equal(parseDatetimeLiteral('now', now), now);
  assert.equal(parseDatetimeLiteral('', now), now);
  assert.equal(formatDatetime(parseDatetimeLiteral('"8:00:00 AM"', now)!), '2024-05-01T08:00:00.0000000Z');
  assert.equal(formatDatetime(parseDatetimeLiteral('"5:00:00 PM"', now)!), '2024-05-01T17:00:00.0000000Z');
  assert.equal(formatDatetime(parseDatetimeString('19:01:00.7654321', now)!), '2024-05-01T19:01:00.7654321Z');
  assert.ok(datetimeLiteralDependsOnNow('now') && datetimeLiteralDependsOnNow('') && datetimeLiteralDependsOnNow('"8:00 AM"'));
  assert.ok(!datetimeLiteralDependsOnNow('2020-01-01'));
  assert.equal(parseDatetimeLiteral('now'), null, 'without the query time these are unparsable');
  assert.equal(parseDatetimeString('now', now), null, "todatetime('now') is not a special value");
});
