import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { q, rows, run, table } from './helpers.js';

const N = table('k:string, v:long', [['a', 2], ['b', null], ['c', 1], ['d', 2]]);

test('sort defaults to desc with nulls last; asc puts nulls first; ties keep input order', () => {
  assert.deepEqual(q('N | sort by v', { N })[1].map((r) => r[0]), ['a', 'd', 'c', 'b']);
  assert.deepEqual(q('N | order by v asc', { N })[1].map((r) => r[0]), ['b', 'c', 'a', 'd']);
  assert.deepEqual(q('N | sort by v asc nulls last', { N })[1].map((r) => r[0]), ['c', 'a', 'd', 'b']);
  assert.deepEqual(q('N | sort by v desc, k asc', { N })[1].map((r) => r[0]), ['a', 'd', 'c', 'b']);
  assert.deepEqual(q('N | sort by k desc', { N })[1].map((r) => r[0]), ['d', 'c', 'b', 'a']);
});

test('top takes the first N rows of the order', () => {
  assert.deepEqual(q('N | top 2 by v', { N })[1], [['a', 2], ['d', 2]]);
  assert.deepEqual(q('N | top 1 by k asc', { N })[1], [['a', 2]]);
});

test('property: sort is an ordered permutation of its input', () => {
  fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 100 }), (xs) => {
    const X = table('v:long', xs.map((x) => [x]));
    const out = q('X | sort by v asc', { X })[1].map((r) => r[0] as number | null);
    assert.deepEqual([...out].sort(), [...xs].sort());
    const nulls = xs.filter((x) => x === null).length;
    assert.ok(out.slice(0, nulls).every((x) => x === null));
    for (let i = nulls + 1; i < out.length; i++) assert.ok(out[i - 1]! <= out[i]!);
  }), { numRuns: 50 });
});

const L = table('k:string, lv:long', [['a', 1], ['a', 2], ['b', 3], ['', 4]]);
const R = table('k:string, rv:long', [['a', 10], ['a', 20], ['c', 30], ['', 40]]);
const kinds = (kind: string) => q(`L | join kind=${kind} R on k`, { L, R });

test('join innerunique (default) keeps one left row per key; inner keeps all pairs', () => {
  assert.deepEqual(q('L | join R on k', { L, R }), [
    'k:string, lv:long, k1:string, rv:long', [['a', 1, 'a', 10], ['a', 1, 'a', 20], ['', 4, '', 40]],
  ]);
  assert.deepEqual(kinds('inner')[1], [['a', 1, 'a', 10], ['a', 1, 'a', 20], ['a', 2, 'a', 10], ['a', 2, 'a', 20], ['', 4, '', 40]]);
});

test('outer joins pad with nulls', () => {
  assert.deepEqual(kinds('leftouter')[1], [['a', 1, 'a', 10], ['a', 1, 'a', 20], ['a', 2, 'a', 10], ['a', 2, 'a', 20], ['b', 3, '', null], ['', 4, '', 40]]);
  assert.deepEqual(kinds('rightouter')[1].slice(-1), [['', null, 'c', 30]]);
  assert.equal(kinds('fullouter')[1].length, 7);
});

test('semi and anti joins', () => {
  assert.deepEqual(kinds('leftanti'), ['k:string, lv:long', [['b', 3]]]);
  assert.deepEqual(kinds('leftsemi')[1], [['a', 1], ['a', 2], ['', 4]]);
  assert.deepEqual(kinds('rightanti'), ['k:string, rv:long', [['c', 30]]]);
  assert.deepEqual(kinds('rightsemi')[1], [['a', 10], ['a', 20], ['', 40]]);
});

test('join on $left.a == $right.b with several keys; null keys never match', () => {
  const A = table('x:long, y:string', [[1, 'p'], [null, 'q'], [2, 'r']]);
  const B = table('u:long, w:string', [[1, 'p'], [null, 'q'], [2, 'zz']]);
  assert.deepEqual(q('A | join kind=inner B on $left.x == $right.u', { A, B })[1], [[1, 'p', 1, 'p'], [2, 'r', 2, 'zz']]);
  assert.deepEqual(q('A | join kind=inner B on $left.x == $right.u, $left.y == $right.w', { A, B })[1], [[1, 'p', 1, 'p']]);
  assert.throws(() => run('A | join B on $left.y == $right.u', { A, B }), /key/);
});

test('lookup keeps left rows and adds the right non-key columns', () => {
  assert.deepEqual(q('L | lookup R on k', { L, R }), [
    'k:string, lv:long, rv:long', [['a', 1, 10], ['a', 1, 20], ['a', 2, 10], ['a', 2, 20], ['b', 3, null], ['', 4, 40]],
  ]);
  assert.equal(q('L | lookup kind=inner R on k', { L, R })[1].length, 5);
});

test('union outer/inner, withsource, and type conflicts named as ADX names them', () => {
  const A = table('a:long, s:string', [[1, 'x']]);
  const B = table('a:string, b:long', [['2', 3]]);
  assert.deepEqual(q('union withsource=Src A, B', { A, B }), [
    'Src:string, a_long:long, a_string:string, s:string, b:long', [['A', 1, '', 'x', null], ['B', null, '2', '', 3]],
  ]);
  assert.deepEqual(q('A | union kind=inner (A | extend s = "y")', { A })[1], [[1, 'x'], [1, 'y']]);
  assert.deepEqual(q('union isfuzzy=true A, Missing | count', { A })[1], [[1]]);
  assert.deepEqual(q('union A* | count', { A, AB: A })[1], [[2]]);
});

test('property: joins on string keys agree with a nested-loop join, whatever the dictionaries', async () => {
  const { StringColumn: SC, NumberColumn: NC } = await import('../../src/kql/data/column.js');
  const fcm = (await import('fast-check')).default;
  // Dictionaries may repeat strings (padding can add a second ''), and sides may share one.
  const side = (keys: number[], dict: string[], name: string) => ({
    length: keys.length,
    columns: [
      { name: 'k', column: new SC('string', Int32Array.from(keys), dict) },
      { name, column: new NC('long', Float64Array.from(keys, (_, i) => i), null) },
    ],
  });
  fcm.assert(fcm.property(
    fcm.array(fcm.constantFrom('a', 'b', '', 'c'), { minLength: 1, maxLength: 6 }),
    fcm.array(fcm.nat(20), { maxLength: 12 }), fcm.array(fcm.nat(20), { maxLength: 12 }), fcm.boolean(),
    fcm.constantFrom('inner', 'leftouter', 'innerunique', 'leftanti', 'rightsemi'),
    (dict, lk, rk, shared, kind) => {
      const L = side(lk.map((x) => x % dict.length), dict, 'l');
      const rdict = shared ? dict : [...dict].reverse();
      const R = side(rk.map((x) => x % rdict.length), rdict, 'r');
      const got = rows(run(`L | join kind=${kind} (R) on k`, { L, R }));
      const lkey = (i: number) => dict[lk[i]! % dict.length]!;
      const rkey = (j: number) => rdict[rk[j]! % rdict.length]!;
      const want: unknown[][] = [];
      const seen = new Set<string>();
      const matchedRight = new Set<number>();
      lk.forEach((_, i) => {
        const ms = rk.map((_, j) => j).filter((j) => rkey(j) === lkey(i));
        if (kind === 'innerunique') { if (seen.has(lkey(i))) return; seen.add(lkey(i)); }
        if (kind === 'leftanti') { if (ms.length === 0) want.push([lkey(i), i]); return; }
        if (kind === 'rightsemi') { ms.forEach((j) => matchedRight.add(j)); return; }
        for (const j of ms) want.push([lkey(i), i, rkey(j), j]);
        if (ms.length === 0 && kind === 'leftouter') want.push([lkey(i), i, '', null]);
      });
      if (kind === 'rightsemi') rk.forEach((_, j) => { if (matchedRight.has(j)) want.push([rkey(j), j]); });
      assert.deepEqual(got, want);
    },
  ), { numRuns: 150 });
});
