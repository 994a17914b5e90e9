import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StringColumn, TicksColumn, type Column } from '../../src/kql/data/column.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import type { Scalar, ScalarType } from '../../src/kql/types.js';
import { ColumnFileError, decodeColumn, encodeColumn, readColumnHeader } from '../../src/store/column-file.js';

function values(col: Column): Scalar[] {
  return Array.from({ length: col.length }, (_, i) => col.get(i));
}

function roundTrip(type: ScalarType, input: Scalar[]): Column {
  const col = columnFromScalars(type, input);
  const bytes = encodeColumn(col);
  // Files read from disk sit at arbitrary offsets of pooled buffers: decode from an unaligned copy too.
  const unaligned = new Uint8Array(bytes.byteLength + 3);
  unaligned.set(bytes, 3);
  const fromUnaligned = decodeColumn(unaligned.subarray(3));
  const decoded = decodeColumn(bytes);
  assert.equal(decoded.type, type);
  assert.deepEqual(values(decoded), values(col));
  assert.deepEqual(values(fromUnaligned), values(col));
  return decoded;
}

const D = (iso: string): bigint => BigInt(Date.parse(iso)) * 10000n + 621355968000000000n;

test('every column type round-trips, with nulls', () => {
  roundTrip('bool', [true, false, null, true]);
  roundTrip('int', [1, -5, null, 2147483647, -2147483648]);
  roundTrip('long', [0, 9007199254740991, -9007199254740991, null, 42]);
  roundTrip('real', [1.5, NaN, Infinity, -Infinity, -0, null, 3]);
  roundTrip('decimal', [1.25, null, -7]);
  roundTrip('string', ['a', '', 'ünïcödé ✓', 'a', '"quoted"\n']);
  roundTrip('guid', ['01234567-89ab-cdef-0123-456789abcdef', '', '01234567-89ab-cdef-0123-456789abcdef']);
  roundTrip('dynamic', [{ a: [1, 2, { b: null }] }, null, 'text', 3.5, [], true]);
  roundTrip('timespan', [1n, -1n, 864000000000n, null, -123456789n]);
});

test('datetime ticks survive exactly, including sub-millisecond ticks and the ends of the range', () => {
  const ticks = [
    D('2024-05-01T12:00:00Z') + 1234n, // 123.4 µs past
    D('2024-05-01T12:00:00Z'),
    0n, // 0001-01-01
    3155378975999999999n, // 9999-12-31T23:59:59.9999999
    null,
    D('1969-12-31T23:59:59.999Z') + 9999n, // before the Unix epoch: negative ms, positive sub
  ];
  const col = roundTrip('datetime', ticks) as TicksColumn;
  assert.ok(col.sub !== null, 'sub-ms ticks need the sub section');
  const whole = roundTrip('datetime', [D('2024-05-01T00:00:00Z'), D('2024-05-01T23:59:59.999Z')]) as TicksColumn;
  assert.equal(whole.sub, null, 'no sub section when every row is a whole ms');
});

test('integers are stored narrow and widen back', () => {
  const n = 1000;
  const small = columnFromScalars('long', Array.from({ length: n }, (_, i) => 1_700_000_000_000 + (i % 200)));
  const { header } = readColumnHeader(encodeColumn(small));
  assert.equal((header.values as { width: string }).width, 'u8');
  const ports = columnFromScalars('int', Array.from({ length: n }, (_, i) => (i * 37) % 65536));
  assert.equal((readColumnHeader(encodeColumn(ports)).header.values as { width: string }).width, 'u16');
  const reals = columnFromScalars('real', [0.5, 1]);
  assert.equal((readColumnHeader(encodeColumn(reals)).header.values as { width: string }).width, 'f64');
  // A column that is narrow except for a huge value must go wide, not wrap.
  roundTrip('long', [1, 2, 2 ** 52]);
  roundTrip('int', [-2147483648, 2147483647]);
});

test('string dictionaries drop entries no row uses, and codes narrow by dictionary size', () => {
  const col = new StringColumn('string', Int32Array.from([2, 2, 0]), ['x', 'unused', 'y']);
  const decoded = decodeColumn(encodeColumn(col)) as StringColumn;
  assert.deepEqual(decoded.dict, ['y', 'x']);
  assert.deepEqual(values(decoded), ['y', 'y', 'x']);
  const many = columnFromScalars('string', Array.from({ length: 70000 }, (_, i) => `v${i}`));
  const { header } = readColumnHeader(encodeColumn(many));
  assert.equal((header.codes as { width: string }).width, 'i32');
  roundTrip('string', Array.from({ length: 300 }, (_, i) => `k${i % 257}`));
});

test('empty columns round-trip', () => {
  for (const t of ['bool', 'int', 'long', 'real', 'datetime', 'timespan', 'string', 'guid', 'dynamic'] as ScalarType[]) {
    assert.equal(roundTrip(t, []).length, 0);
  }
});

test('damaged files are refused with a reason', () => {
  const bytes = encodeColumn(columnFromScalars('long', [1, 2, 3, 1e12]));
  assert.throws(() => decodeColumn(bytes.subarray(0, bytes.byteLength - 8)), (e: unknown) => e instanceof ColumnFileError && /truncated/.test(e.message));
  const bad = bytes.slice();
  bad[0] = 0;
  assert.throws(() => decodeColumn(bad), /bad magic/);
  const future = bytes.slice();
  future[4] = 9;
  assert.throws(() => decodeColumn(future), /version 9/);
});

test('property: any values of any type round-trip', () => {
  const scalar: Record<string, fc.Arbitrary<Scalar>> = {
    bool: fc.boolean(),
    int: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    long: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.integer()),
    real: fc.double(),
    datetime: fc.bigInt({ min: 0n, max: 3155378975999999999n }),
    timespan: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    string: fc.oneof(fc.string(), fc.constantFrom('a', 'b', '')),
    dynamic: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as Scalar),
  };
  for (const [type, arb] of Object.entries(scalar)) {
    const nullable = type === 'string' || type === 'dynamic' ? arb : fc.option(arb, { nil: null });
    fc.assert(fc.property(fc.array(nullable, { maxLength: 60 }), (xs) => {
      const col = columnFromScalars(type as ScalarType, xs);
      assert.deepEqual(values(decodeColumn(encodeColumn(col))), values(col));
    }), { numRuns: 150 });
  }
});
