import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KqlError } from '../../src/kql/types.js';
import { q, run, table } from './helpers.js';

test('integer division truncates, modulo is non-negative, division by zero is null', () => {
  assert.deepEqual(q('print a = 7 / 2, b = -7 / 2, c = 7 % 3, d = -7 % 3, e = 1 / 0, f = 7.0 / 2'), [
    'a:long, b:long, c:long, d:long, e:long, f:real', [[3, -3, 1, 2, null, 3.5]],
  ]);
  assert.equal(q('print int(1) + int(2)')[0], 'print_0:long');
});

test('long arithmetic beyond 2^53 raises instead of rounding', () => {
  assert.throws(() => run('print 4503599627370496 * 4'), /overflow/);
});

test('datetime and timespan arithmetic', () => {
  assert.deepEqual(q(`print a = datetime(2024-01-02) - datetime(2024-01-01), b = datetime(2024-01-01) + 90m,
    c = 1h / 2, d = 1h / 1m, e = 2 * 1d, f = datetime(2024-01-01 10:17) % 1h, g = datetime(2024-01-01) - 1tick`), [
    'a:timespan, b:datetime, c:timespan, d:real, e:timespan, f:timespan, g:datetime',
    [['1.00:00:00', '2024-01-01T01:30:00.0000000Z', '00:30:00', 60, '2.00:00:00', '00:17:00', '2023-12-31T23:59:59.9999999Z']],
  ]);
});

test('now() is fixed per query and ago() counts back from it', () => {
  assert.deepEqual(q('print now(), ago(1d), now() - ago(2h)')[1], [[
    '2024-01-01T00:00:00.0000000Z', '2023-12-31T00:00:00.0000000Z', '02:00:00',
  ]]);
});

test('bin on datetime counts from year 1, and on numbers', () => {
  assert.deepEqual(q('print bin(datetime(2024-01-03 05:00), 1d), bin(datetime(2024-01-03), 7d), bin(17, 5), bin(-1.5, 1.0)')[1], [[
    '2024-01-03T00:00:00.0000000Z', '2024-01-01T00:00:00.0000000Z', 15, -2,
  ]]);
});

test('nulls propagate through arithmetic and comparisons; and/or use three-valued logic', () => {
  const N = table('x:long, b:bool', [[null, null], [1, true], [2, false]]);
  assert.deepEqual(q('N | extend y = x + 1, gt = x > 0, a = b and false, o = b or true, n = b and true', { N })[1], [
    [null, null, null, null, false, true, null],
    [1, true, 2, true, false, true, true],
    [2, false, 3, true, false, true, false],
  ]);
});

test('string equality is case-sensitive, =~ is not; strings are never null', () => {
  const S = table('s:string', [['Abc'], ['abc'], ['']]);
  assert.deepEqual(q('S | where s == "abc"', { S })[1], [['abc']]);
  assert.deepEqual(q('S | where s =~ "ABC" | count', { S })[1], [[2]]);
  assert.deepEqual(q('S | where s != "abc" | count', { S })[1], [[2]]);
  assert.deepEqual(q('S | where isnull(s) | count', { S })[1], [[0]]);
});

test('has matches whole terms, contains any substring', () => {
  const S = table('s:string', [['connect to evil.com'], ['evilcorp'], ['EVIL']]);
  assert.deepEqual(q('S | where s has "evil"', { S })[1], [['connect to evil.com'], ['EVIL']]);
  assert.deepEqual(q('S | where s contains "evil" | count', { S })[1], [[3]]);
  assert.deepEqual(q('S | where s has_cs "evil" | count', { S })[1], [[1]]);
  assert.deepEqual(q('S | where s !has "evil"', { S })[1], [['evilcorp']]);
  assert.deepEqual(q('S | where s startswith "ev" | count', { S })[1], [[2]]);
  assert.deepEqual(q('S | where s matches regex "^[A-Z]+$"', { S })[1], [['EVIL']]);
});

test('comparing unrelated types is an error', () => {
  assert.throws(() => run('print 1 == "1"'), (e) => e instanceof KqlError && /cannot compare long with string/.test(e.message));
  assert.throws(() => run('print "a" < "b"'), KqlError);
  assert.throws(() => run('print "a" + "b"'), /not defined/);
});

test('numeric comparisons promote across int, long and real', () => {
  assert.deepEqual(q('print int(2) == 2, 2 < 2.5, 3.0 == 3')[1], [[true, true, true]]);
});

test('in, !in, in~ with constants, dynamic arrays and a tabular right side', () => {
  const S = table('s:string, n:long', [['a', 1], ['B', 2], ['c', 3]]);
  assert.deepEqual(q('S | where s in ("a", "b") | project s', { S })[1], [['a']]);
  assert.deepEqual(q('S | where s in~ ("a", "b") | project s', { S })[1], [['a'], ['B']]);
  assert.deepEqual(q('S | where s !in ("a") | project s', { S })[1], [['B'], ['c']]);
  assert.deepEqual(q('S | where n in (dynamic([1, 3])) | project n', { S })[1], [[1], [3]]);
  assert.deepEqual(q('S | where n in ((S | where s == "c" | project n)) | project s', { S })[1], [['c']]);
  assert.deepEqual(q('S | where s has_any ("b", "zz") | project s', { S })[1], [['B']]);
});

test('between with numbers and a datetime .. timespan range', () => {
  assert.deepEqual(q('range x from 1 to 6 step 1 | where x between (2 .. 4) | count')[1], [[3]]);
  assert.deepEqual(q('range x from 1 to 6 step 1 | where x !between (2 .. 4) | count')[1], [[3]]);
  assert.deepEqual(q('print datetime(2024-01-01 12:00) between (datetime(2024-01-01) .. 1d)')[1], [[true]]);
});

test('dynamic member access, indexing, and comparisons with dynamic values', () => {
  assert.deepEqual(q('print d = dynamic({"a": {"b": [10, 20]}, "s": "x"}) | project v = d.a.b[1], w = d["s"], tail = d.a.b[-1], eq = d.s == "x", gt = d.a.b[0] > 5')[1], [
    [20, 'x', 20, true, true],
  ]);
});

test('function calls: per-distinct evaluation over dictionary columns gives per-row results', () => {
  const S = table('ip:string', [['10.0.0.1'], ['8.8.8.8'], ['10.0.0.1'], ['192.168.1.1']]);
  assert.deepEqual(q('S | extend p = ipv4_is_private(ip)', { S })[1], [
    ['10.0.0.1', true], ['8.8.8.8', false], ['10.0.0.1', true], ['192.168.1.1', true],
  ]);
});

test('unknown functions and aggregates outside summarize are errors', () => {
  assert.throws(() => run('print nosuchfn(1)'), /unknown function 'nosuchfn'/);
  assert.throws(() => run('print count()'), /aggregation function/);
});
