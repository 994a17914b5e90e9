import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatTimespan, MAX_TIMESPAN_TICKS, MIN_TIMESPAN_TICKS, parseTimespanLiteral, parseTimespanString, TIMESPAN_UNITS,
} from '../../src/kql/values/timespan.js';

const S = 10_000_000n;

test('literal units from the timespan docs', () => {
  const cases: [string, bigint][] = [
    ['2d', 2n * 86400n * S],
    ['1.5h', 5400n * S],
    ['30m', 1800n * S],
    ['10s', 10n * S],
    ['0.1s', S / 10n],
    ['100ms', 1_000_000n],
    ['10microsecond', 100n],
    ['1tick', 1n],
    ['15 seconds', 15n * S],
    ['2', 2n * 86400n * S],
    ['0.12:34:56.7', (12n * 3600n + 34n * 60n + 56n) * S + 7_000_000n],
    ['1.02:03:04.5678', ((86400n + 2n * 3600n + 3n * 60n + 4n) * S) + 5_678_000n],
    ['02:03:04', (2n * 3600n + 3n * 60n + 4n) * S],
    ['1d', 86400n * S],
    ['1.5d', 129600n * S],
    ['5ms', 50_000n],
    ['100microseconds', 1000n],
    ['3tick', 3n],
    ['-1.5h', -5400n * S],
    ['"1d"', 86400n * S],
    ['1000nanoseconds', 10n],
  ];
  for (const [text, ticks] of cases) assert.equal(parseTimespanLiteral(text), ticks, text);
});

test('every unit spelling is accepted and scales consistently', () => {
  const perUnit: Record<string, bigint> = {};
  for (const u of TIMESPAN_UNITS) {
    const t = parseTimespanLiteral(`1000${u}`);
    assert.notEqual(t, null, u);
    perUnit[u] = t!;
  }
  for (const [a, b] of [['d', 'days'], ['h', 'hrs'], ['hr', 'hours'], ['m', 'minutes'], ['min', 'minute'], ['s', 'sec'], ['second', 'seconds'],
    ['ms', 'milli'], ['millis', 'milliseconds'], ['millisec', 'millisecond'], ['microsecond', 'micros'], ['tick', 'ticks'], ['nano', 'nanoseconds']]) {
    assert.equal(perUnit[a!], perUnit[b!], `${a} = ${b}`);
  }
  assert.equal(perUnit['nanosecond'], 10n);
});

test('invalid literals and null', () => {
  assert.equal(parseTimespanLiteral('null'), null);
  for (const bad of ['1w', '1x', 'abc', '25:00:00', '10:60', '1.2.3', '', 'd', '1D']) {
    assert.equal(parseTimespanLiteral(bad), null, bad);
  }
});

test('sub-tick fractions truncate (exact decimal scaling, no float)', () => {
  assert.equal(parseTimespanLiteral('1.5tick'), 1n);
  assert.equal(parseTimespanLiteral('0.1234567891s'), 1_234_567n);
  assert.equal(parseTimespanLiteral('1.1d'), 950_400_000_000n);
  assert.equal(parseTimespanLiteral('0.3s'), 3_000_000n);
});

test('formatTimespan as ADX prints', () => {
  assert.equal(formatTimespan(0n), '00:00:00');
  assert.equal(formatTimespan(86400n * S), '1.00:00:00');
  assert.equal(formatTimespan(129600n * S), '1.12:00:00');
  assert.equal(formatTimespan(1n), '00:00:00.0000001');
  assert.equal(formatTimespan(-86400n * S), '-1.00:00:00');
  assert.equal(formatTimespan(-1n), '-00:00:00.0000001');
  assert.equal(formatTimespan(1_234_567n), '00:00:00.1234567');
  assert.equal(formatTimespan(29n * 86400n * S + 9n * 3600n * S + 5n * S + 1_234_500n), '29.09:00:05.1234500');
  assert.equal(formatTimespan(MAX_TIMESPAN_TICKS), '10675199.02:48:05.4775807');
  assert.equal(formatTimespan(MIN_TIMESPAN_TICKS), '-10675199.02:48:05.4775808');
});

test('totimespan strings', () => {
  assert.equal(parseTimespanString('0.00:01:00'), 60n * S);
  assert.equal(parseTimespanString(' 00:00:10 '), 10n * S);
  assert.equal(parseTimespanString('-02:00:00'), -7200n * S);
  assert.equal(parseTimespanString('1d'), 86400n * S);
  assert.equal(parseTimespanString('nope'), null);
  assert.equal(parseTimespanString(''), null);
});

test('property: format -> parse round-trips over the whole range', () => {
  fc.assert(fc.property(fc.bigInt({ min: MIN_TIMESPAN_TICKS, max: MAX_TIMESPAN_TICKS }), (t) => {
    const text = formatTimespan(t);
    assert.equal(parseTimespanLiteral(text), t, text);
    assert.equal(parseTimespanString(text), t, text);
  }), { numRuns: 3000 });
});

test('property: N<unit> literals are exact multiples', () => {
  fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 9999 }), (whole, frac) => {
    const text = `${whole}.${String(frac).padStart(4, '0')}h`;
    const expected = (BigInt(whole) * 10000n + (whole < 0 || (whole === 0 && text.startsWith('-')) ? -BigInt(frac) : BigInt(frac))) * 36_000_000_000n / 10000n;
    assert.equal(parseTimespanLiteral(text), expected, text);
  }), { numRuns: 1000 });
});
