// Column kernels that replace per-row paths: comparisons against a constant, iff()/iif() and
// strcat() of string columns. Each is checked against the row-by-row meaning on random tables
// with nulls (and against the generic comparison kernel it bypasses).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { constantColumn, columnFromScalars } from '../../src/kql/exec/columns.js';
import { compareKernel, compareToConstant, type CompareOp } from '../../src/kql/exec/expr/compare.js';
import { formatScalar } from '../../src/kql/values/format.js';
import type { Scalar, ScalarType } from '../../src/kql/types.js';
import { dt, q, table } from './helpers.js';

const OPS: CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
const base = dt('2024-01-01T00:00:00Z');
const tickArb = fc.option(fc.integer({ min: -50, max: 50 }).map((k) => base + BigInt(k) * 5000n), { nil: null });
const longArb = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });

test('a comparison against a constant equals the generic kernel over a constant column', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...OPS), fc.boolean(), fc.constantFrom<ScalarType>('datetime', 'long', 'int', 'real'),
      fc.array(fc.oneof(tickArb, longArb), { maxLength: 40 }), fc.integer({ min: -50, max: 50 }),
      (op, onLeft, type, raw, k) => {
        const values: Scalar[] = raw.map((v) => (v === null ? null : type === 'datetime' ? (typeof v === 'bigint' ? v : base + BigInt(v) * 5000n) : Number(v)));
        const constant: Scalar = type === 'datetime' ? base + BigInt(k) * 5000n : k;
        const col = columnFromScalars(type, values);
        const constCol = constantColumn(type, constant, col.length);
        const fast = compareToConstant(op, col, constant, onLeft);
        assert.ok(fast !== undefined);
        const slow = onLeft ? compareKernel(op, constCol, col) : compareKernel(op, col, constCol);
        assert.deepEqual(Array.from({ length: col.length }, (_, i) => fast.get(i)), Array.from({ length: col.length }, (_, i) => slow.get(i)));
      },
    ),
    { numRuns: 200 },
  );
});

test('comparisons with a constant keep null rows null and sub-millisecond ticks exact', () => {
  const t = table('T:datetime, N:long', [
    [dt('2024-01-01T00:00:00.0000001Z'), 1], [dt('2024-01-01T00:00:00Z'), null], [null, 3],
  ]);
  assert.deepEqual(q("T | project a = T > datetime(2024-01-01), b = datetime(2024-01-01) < T, c = N >= 1, d = T between (datetime(2024-01-01) .. datetime(2024-01-01T00:00:00.0000001Z))", { T: t })[1], [
    [true, true, true, true], [false, false, null, true], [null, null, true, null],
  ]);
});

test('iff/iif over columns of every type picks row by row; a null condition takes the else branch', () => {
  const rows: Scalar[][] = [
    [true, 1, 2, 1.5, 2.5, 'a', 'b', dt('2024-01-01T00:00:00.0000001Z'), dt('2024-01-02T00:00:00Z'), true, false],
    [false, null, 2, null, 2.5, 'a', '', null, dt('2024-01-02T00:00:00Z'), null, false],
    [null, 1, null, 1.5, null, 'c', 'd', dt('2024-01-01T00:00:00Z'), null, true, null],
  ];
  const t = table('C:bool, I1:long, I2:long, R1:real, R2:real, S1:string, S2:string, D1:datetime, D2:datetime, B1:bool, B2:bool', rows);
  const [schema, out] = q(`T | project i = iff(C, I1, I2), r = iif(C, R1, R2), s = iff(C, S1, S2), d = iff(C, D1, D2), b = iff(C, B1, B2),
    k = iff(C, S1, 'const'), y = iff(C, dynamic([1]), dynamic({"a":2}))`, { T: t });
  assert.equal(schema, 'i:long, r:real, s:string, d:datetime, b:bool, k:string, y:dynamic');
  assert.deepEqual(out, [
    [1, 1.5, 'a', '2024-01-01T00:00:00.0000001Z', true, 'a', [1]],
    [2, 2.5, '', '2024-01-02T00:00:00.0000000Z', false, 'const', { a: 2 }],
    [null, null, 'd', null, null, 'const', { a: 2 }],
  ]);
});

test('iff over random string columns with separate dictionaries equals the row-wise choice', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.option(fc.boolean(), { nil: null }), fc.constantFrom('a', 'b', '', 'x'), fc.constantFrom('b', 'c', 'x')), { maxLength: 30 }), (raw) => {
      const t = table('C:bool, A:string, B:string', raw.map(([c, a, b]) => [c, a, b]));
      const got = q('T | project v = iff(C, A, B), w = strcat(A, "-", B, A)', { T: t })[1];
      assert.deepEqual(got, raw.map(([c, a, b]) => [c === true ? a : b, `${a}-${b}${a}`]));
    }),
    { numRuns: 100 },
  );
});

test('strcat of columns and constants formats like the generic path', () => {
  const t = table('A:string, B:string, N:long, D:datetime', [['x', 'y', 7, dt('2024-01-01T00:00:00Z')], ['', 'z', null, null]]);
  assert.deepEqual(q('T | project a = strcat(A, B), b = strcat("<", A, ">", B), c = strcat(A, N, D)', { T: t })[1], [
    ['xy', '<x>y', `x7${formatScalar('datetime', dt('2024-01-01T00:00:00Z'))}`],
    ['z', '<>z', ''],
  ]);
});

test('strcat of dynamic elements and numbers reads them as tostring() does', () => {
  const t = table('L:dynamic, R:real', [[['a', 1, 1.5, null, { k: 'v' }], 2.5], [['b'], 3]]);
  assert.deepEqual(q('T | project s = strcat(L[0], ".", L[1], ".", L[2], L[3], L[4], R)', { T: t })[1], [
    ['a.1.1.5{"k":"v"}2.5'],
    ['b..3'],
  ]);
});
