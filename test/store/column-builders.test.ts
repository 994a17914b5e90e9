// The store writer's typed column buffers against the engine's generic ColumnBuilder fed the
// way the writer fed it before (values coerced to the column type, rows not given padded with
// null): same values, same nulls, for every type, with gaps, conversions and refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Column } from '../../src/kql/data/column.js';
import { ColumnBuilder } from '../../src/kql/exec/columns.js';
import type { Scalar, ScalarType } from '../../src/kql/types.js';
import { ColumnBuffer, msOfTicks, subOfTicks } from '../../src/store/column-builders.js';
import { coerceValue } from '../../src/store/values.js';

const TYPES: ScalarType[] = ['string', 'guid', 'int', 'long', 'real', 'decimal', 'datetime', 'timespan', 'bool', 'dynamic'];

const EPOCH = 621355968000000000n;

/** Values of every representation a row can carry, including ones a column must convert or refuse. */
const anyValue = fc.oneof(
  fc.constantFrom('', 'a', 'b', '443', 'true', '2024-05-01T10:00:00Z', '01234567-89ab-cdef-0123-456789abcdef', '1.5', 'x'.repeat(20)),
  fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }),
  fc.constantFrom(0, -0, 1.5, -2.25, 2 ** 53, 2 ** 31, NaN, Infinity),
  fc.boolean(),
  fc.bigInt({ min: EPOCH - 10n ** 15n, max: EPOCH + 10n ** 17n }),
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
  fc.constantFrom<unknown>([1, 'b'], { k: [null, true] }, []),
);

/** The reference: what StoreWriter stored before it had typed buffers. */
function reference(type: ScalarType, cells: { row: number; value: unknown }[], rows: number): { column: Column; refused: number } {
  const b = new ColumnBuilder(type);
  let refused = 0;
  for (const { row, value } of cells) {
    const v = coerceValue(type, value);
    if (v === undefined) { refused++; continue; }
    if (v === null) continue;
    while (b.length < row) b.append(null);
    b.append(v);
  }
  while (b.length < rows) b.append(null);
  return { column: b.finish(), refused };
}

function valuesOf(c: Column): Scalar[] {
  return Array.from({ length: c.length }, (_, i) => c.get(i));
}

test('column buffers store what coerce-then-append stored, for every type, gaps and refusals included', () => {
  fc.assert(fc.property(
    fc.constantFrom(...TYPES),
    fc.array(fc.record({ gap: fc.nat({ max: 3 }), value: anyValue }), { maxLength: 40 }),
    fc.nat({ max: 3 }),
    (type, items, tail) => {
      const cells: { row: number; value: unknown }[] = [];
      let row = 0;
      for (const { gap, value } of items) {
        row += gap;
        cells.push({ row, value });
        row++;
      }
      const rows = row + tail;
      const expected = reference(type, cells, rows);
      // A fresh buffer, and one reused after holding other values (a previous segment's).
      const used = new ColumnBuffer(type);
      for (const { row: r, value } of [...cells].reverse().map((c, i) => ({ row: i * 2, value: c.value }))) used.add(r, value);
      used.finish(cells.length * 2);
      used.reset();
      for (const buffer of [new ColumnBuffer(type), used]) {
        let refused = 0;
        for (const { row: r, value } of cells) if (!buffer.add(r, value)) refused++;
        const column = buffer.finish(rows);
        assert.equal(column.type, type);
        assert.equal(column.length, rows);
        assert.deepEqual(valuesOf(column), valuesOf(expected.column));
        assert.equal(refused, expected.refused);
      }
    },
  ), { numRuns: 600 });
});

test('column buffers grow past their first allocation and keep every row', () => {
  for (const type of ['string', 'long', 'datetime', 'bool', 'int'] as const) {
    const buffer = new ColumnBuffer(type);
    const rows = 20_000;
    const given: Scalar[] = [];
    for (let r = 0; r < rows; r++) {
      // Every seventh row is skipped (null, or '' for strings).
      if (r % 7 === 3) { given.push(type === 'string' ? '' : null); continue; }
      const v: Scalar = type === 'string' ? `s${r % 1000}` : type === 'long' ? r * 3 : type === 'int' ? -r | 0
        : type === 'datetime' ? EPOCH + BigInt(r) * 12_345n : r % 2 === 0;
      assert.equal(buffer.add(r, v), true);
      given.push(v);
    }
    assert.deepEqual(valuesOf(buffer.finish(rows)), given, type);
  }
});

test('a datetime given as parts equals the same ticks given whole', () => {
  const ticks = EPOCH + 17_000_000_000_000_123n;
  const a = new ColumnBuffer('datetime');
  a.add(0, ticks);
  const b = new ColumnBuffer('datetime');
  b.addParts(0, 1_700_000_000_000, 123);
  assert.deepEqual(valuesOf(a.finish(1)), valuesOf(b.finish(1)));
  // Before the epoch the remainder is negative in BigInt division; parts stay ms floored + 0..9999.
  const early = new ColumnBuffer('datetime');
  early.add(0, EPOCH - 1n);
  assert.deepEqual(valuesOf(early.finish(1)), [EPOCH - 1n]);
});

test('msOfTicks splits ticks exactly as BigInt division does, over the whole datetime and timespan range', () => {
  const reference = (ticks: bigint, sinceEpoch: boolean): [number, number] => {
    const t = sinceEpoch ? ticks - EPOCH : ticks;
    let ms = t / 10_000n;
    let sub = t % 10_000n;
    if (sub < 0n) { sub += 10_000n; ms -= 1n; }
    return [Number(ms), Number(sub)];
  };
  const MAX = 3_155_378_975_999_999_999n; // 9999-12-31T23:59:59.9999999
  // Next to multiples of 10,000 (where a double quotient rounds wrongly) and anywhere.
  const nearMs = fc.tuple(fc.bigInt({ min: -(MAX / 10_000n), max: MAX / 10_000n }), fc.integer({ min: -3, max: 3 }))
    .map(([k, d]) => k * 10_000n + BigInt(d));
  // Timespans just inside ±2^53 ticks, where doubles are spaced widest.
  const wideTimespans = fc.tuple(fc.bigInt({ min: 2n ** 52n / 10_000n, max: 2n ** 53n / 10_000n - 1n }), fc.integer({ min: -3, max: 3 }), fc.boolean())
    .map(([k, d, negative]) => (negative ? -1n : 1n) * (k * 10_000n + BigInt(d)));
  fc.assert(fc.property(wideTimespans, (ticks) => {
    assert.deepEqual([msOfTicks(ticks, false), subOfTicks], reference(ticks, false), String(ticks));
  }), { numRuns: 5_000 });
  fc.assert(fc.property(fc.oneof(fc.bigInt({ min: -MAX, max: MAX }), nearMs), fc.boolean(), (ticks, sinceEpoch) => {
    const ms = msOfTicks(ticks, sinceEpoch);
    assert.deepEqual([ms, subOfTicks], reference(ticks, sinceEpoch), String(ticks));
  }), { numRuns: 20_000 });
  for (const ticks of [0n, -1n, 1n, 2n ** 53n, -(2n ** 53n), 2n ** 53n - 1n, EPOCH, EPOCH - 1n, MAX, 9_999n, 10_000n]) {
    for (const sinceEpoch of [false, true]) assert.deepEqual([msOfTicks(ticks, sinceEpoch), subOfTicks], reference(ticks, sinceEpoch), String(ticks));
  }
});
