// The golden comparison itself: tolerant where the docs round, strict everywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAgrees, runCase } from './golden.js';

test('reals agree within the printed precision only', () => {
  assert.ok(cellAgrees('real', '0.333', 1 / 3));
  assert.ok(cellAgrees('real', '3.14159265358979', Math.PI));
  assert.ok(!cellAgrees('real', '0.334', 0.3));
  assert.ok(!cellAgrees('real', '2', 2.5));
  assert.ok(cellAgrees('real', 'NaN', NaN));
  assert.ok(!cellAgrees('real', '', 0));
});

test('datetime, timespan, dynamic and null cells', () => {
  const t = 638396640000000000n; // 2024-01-01T00:00:00Z
  assert.ok(cellAgrees('datetime', '2024-01-01T00:00:00Z', t));
  assert.ok(cellAgrees('datetime', '2024-01-01 00:00:00.0000000', t));
  assert.ok(!cellAgrees('datetime', '2024-01-02T00:00:00Z', t));
  assert.ok(cellAgrees('timespan', '1.00:00:00', 864000000000n));
  assert.ok(!cellAgrees('timespan', '00:00:01', 864000000000n));
  assert.ok(cellAgrees('dynamic', '[1, 2, {"a": "x"}]', [1, 2, { a: 'x' }]));
  assert.ok(!cellAgrees('dynamic', '[1, 2]', [2, 1]));
  assert.ok(cellAgrees('long', '', null));
  assert.ok(!cellAgrees('long', '0', null));
  assert.ok(cellAgrees('string', '', ''));
  assert.ok(!cellAgrees('string', 'a', 'A'));
});

test('a case fails on a wrong value, a wrong name, and a wrong order', () => {
  const base = { id: 't#1', query: 'print a = 1, b = "x"', columns: [{ name: 'a', type: 'long' }, { name: 'b', type: 'string' }], rows: [['1', 'x']], ordered: false };
  assert.equal(runCase(base).pass, true);
  assert.equal(runCase({ ...base, rows: [['2', 'x']] }).pass, false);
  assert.equal(runCase({ ...base, columns: [{ name: 'a' }, { name: 'c' }] }).pass, false);
  assert.equal(runCase({ ...base, columns: [{ name: 'a', type: 'real' }, { name: 'b' }] }).pass, false);
  const ordered = { id: 't#2', query: 'range x from 1 to 2 step 1 | order by x desc', columns: [{ name: 'x' }], rows: [['1'], ['2']], ordered: true };
  assert.equal(runCase(ordered).pass, false);
  assert.equal(runCase({ ...ordered, ordered: false }).pass, true);
});
