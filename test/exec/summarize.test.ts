import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { q, rows, run, table } from './helpers.js';
import { formatScalar } from '../../src/kql/values/format.js';

const E = table('Host:string, User:string, Bytes:long, T:datetime', [
  ['h1', 'alice', 10, 638396640000000000n],
  ['h2', 'bob', 5, 638396640000000000n + 36000000000n],
  ['h1', 'bob', 7, 638396640000000000n + 72000000000n],
  ['h1', 'alice', null, 638396640000000000n + 864000000000n],
]);

test('summarize with auto names, by-columns first, groups in first-seen order', () => {
  assert.deepEqual(q('E | summarize count(), sum(Bytes), dcount(User) by Host', { E }), [
    'Host:string, count_:long, sum_Bytes:long, dcount_User:long', [['h1', 3, 17, 2], ['h2', 1, 5, 1]],
  ]);
});

test('summarize without by yields one row, even over no input', () => {
  assert.deepEqual(q('E | where Bytes > 100 | summarize n = count(), s = sum(Bytes)', { E })[1], [[0, 0]]);
  assert.deepEqual(q('E | where Bytes > 100 | summarize count() by Host', { E })[1], []);
});

test('summarize by several keys and by bin() of a datetime', () => {
  assert.deepEqual(q('E | summarize c = count() by Host, User', { E })[1], [['h1', 'alice', 2], ['h2', 'bob', 1], ['h1', 'bob', 1]]);
  assert.deepEqual(q('E | summarize c = count() by bin(T, 1d)', { E }), [
    'T:datetime, c:long', [['2024-01-01T00:00:00.0000000Z', 3], ['2024-01-02T00:00:00.0000000Z', 1]],
  ]);
});

test('arg_max(x, *) expands to every column; clashes get a numeric suffix', () => {
  assert.deepEqual(q('E | summarize arg_max(Bytes, *) by Host', { E }), [
    'Host:string, Bytes:long, User:string, T:datetime',
    [['h1', 10, 'alice', '2024-01-01T00:00:00.0000000Z'], ['h2', 5, 'bob', '2024-01-01T01:00:00.0000000Z']],
  ]);
  assert.equal(q('E | summarize arg_max(T, Host) by Host', { E })[0], 'Host:string, T:datetime, Host1:string');
});

test('make_set, make_list, min/max, avg and countif', () => {
  assert.deepEqual(q('E | summarize make_set(User), make_list(Bytes), min(T), avg(Bytes), countif(Bytes > 6) by Host | where Host == "h1"', { E })[1], [
    ['h1', ['alice', 'bob'], [10, 7], '2024-01-01T00:00:00.0000000Z', 8.5, 2],
  ]);
});

test('an item may be an expression over aggregates', () => {
  assert.deepEqual(q('E | summarize pct = 100.0 * countif(User == "bob") / count() by Host', { E }), [
    'Host:string, pct:real', [['h1', 100 / 3], ['h2', 100]],
  ]);
});

test('summarize by with no aggregates is distinct; distinct keeps first-seen order', () => {
  assert.deepEqual(q('E | summarize by User', { E })[1], [['alice'], ['bob']]);
  assert.deepEqual(q('E | distinct Host, User', { E })[1], [['h1', 'alice'], ['h2', 'bob'], ['h1', 'bob']]);
  assert.equal(q('E | distinct *', { E })[1].length, 4);
});

test('hints are accepted and ignored', () => {
  assert.deepEqual(q('E | summarize hint.shufflekey = Host count() by Host', { E })[1], [['h1', 3], ['h2', 1]]);
});

test('scalar functions are not aggregations', () => {
  assert.throws(() => run('E | summarize strlen(Host)', { E }), /aggregation/);
});

test('property: grouped counts sum to the row count and match a naive count', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', ''), fc.integer({ min: 0, max: 3 })), { maxLength: 100 }), (rs) => {
    const X = table('k:string, n:long', rs);
    const [, got] = q('X | summarize c = count() by k, n', { X });
    const naive = new Map<string, number>();
    for (const [k, n] of rs) naive.set(`${k}|${n}`, (naive.get(`${k}|${n}`) ?? 0) + 1);
    assert.equal(got.length, naive.size);
    for (const [k, n, c] of got) assert.equal(c, naive.get(`${k}|${n}`));
  }), { numRuns: 50 });
});

test('property: multi-key grouping (strings from several dictionaries, numbers with null/NaN/-0, datetimes with sub-ms ticks) matches a naive grouping', async () => {
  const fcm = (await import('fast-check')).default;
  const key = fcm.record({
    s: fcm.constantFrom('a', 'b', 'A', ''),
    n: fcm.constantFrom<number | null>(0, -0, 1, 2.5, NaN, null),
    t: fcm.constantFrom<bigint | null>(638396640000000000n, 638396640000000001n, 638396640000010000n, null),
  });
  fcm.assert(fcm.property(fcm.array(key, { maxLength: 40 }), fcm.array(key, { maxLength: 40 }), (xs, ys) => {
    // Two batches with different dictionaries, concatenated only by the engine's own batching.
    const part = (rs: typeof xs) => table('s:string, n:real, t:datetime', rs.map((r) => [r.s, r.n, r.t]));
    const schemaOf = [{ name: 's', type: 'string' as const }, { name: 'n', type: 'real' as const }, { name: 't', type: 'datetime' as const }];
    const both = [part(xs), part(ys)];
    const T = { schema: schemaOf, batches: () => both.filter((b) => b.length > 0) };
    const got = rows(run('T | summarize c = count() by s, n, t', { T: T as never }));
    const numKey = (n: unknown): string => (n === null ? 'null' : Number.isNaN(n as number) ? 'NaN' : String((n as number) === 0 ? 0 : n));
    const naive = new Map<string, number>();
    for (const r of [...xs, ...ys]) {
      const k = `${r.s}|${numKey(r.n)}|${r.t === null ? 'null' : formatScalar('datetime', r.t)}`;
      naive.set(k, (naive.get(k) ?? 0) + 1);
    }
    const grouped = got.map((g: unknown[]) => `${g[0]}|${numKey(g[1])}|${g[2] === null ? 'null' : g[2]}=${g[3]}`).sort();
    assert.deepEqual(grouped, [...naive].map(([k, c]) => `${k}=${c}`).sort());
  }), { numRuns: 100 });
});

test('column pruning below aggregations never changes results', () => {
  const T = table('k:string, x:long, y:string, d:dynamic', [['a', 1, 'p', { q: 1 }], ['b', 2, 'p', null], ['a', 3, 'r', { q: 2 }]]);
  const U = table('k:string, x:long, w:string', [['a', 10, 'W1'], ['b', 20, 'W2']]);
  assert.deepEqual(q('T | where x > 1 | summarize c = count(), s = sum(x) by y', { T }), ['y:string, c:long, s:long', [['p', 1, 2], ['r', 1, 3]]]);
  assert.deepEqual(q('T | where x > 0 | count', { T })[1], [[3]]);
  // The right side's clashing column is read under its renamed name.
  assert.deepEqual(q('T | join kind=inner (U) on k | summarize s = sum(x1), n = count() by w', { T, U })[1], [['W1', 20, 2], ['W2', 20, 1]]);
  assert.deepEqual(q('T | join kind=leftouter (U) on k | where isnotnull(x1) | summarize max(x) by k', { T, U })[1], [['a', 3], ['b', 2]]);
  // Whole-row readers turn pruning off.
  assert.deepEqual(q('T | where x < 3 | summarize arg_max(x, *)', { T }), ['x:long, k:string, y:string, d:dynamic', [[2, 'b', 'p', null]]]);
  assert.deepEqual(q('T | where x == 1 | summarize b = make_bag(pack_all())', { T })[1], [[{ k: 'a', x: 1, y: 'p', d: { q: 1 } }]]);
  assert.deepEqual(q('T | where isnotempty(column_ifexists("y", "")) | summarize count()', { T })[1], [[3]]);
  assert.deepEqual(q('let f = (v: long) { v * 2 }; let M = materialize(T); M | where x >= 2 | summarize sum(f(x)) by y', { T })[1], [['p', 4], ['r', 6]]);
});

test('grouping switches from the dense pair table to a map for large key spaces without changing results', () => {
  // 3000 distinct (a, b) pairs over ~2500 x ~3000 distinct values: past the dense table's limit.
  const r = q('range x from 1 to 6000 step 1 | summarize c = count() by a = x % 2500, b = x % 2999 | summarize groups = count(), rows = sum(c), maxc = max(c)');
  const naive = new Map<string, number>();
  for (let x = 1; x <= 6000; x++) naive.set(`${x % 2500},${x % 2999}`, (naive.get(`${x % 2500},${x % 2999}`) ?? 0) + 1);
  assert.deepEqual(r[1], [[naive.size, 6000, Math.max(...naive.values())]]);
});

test('batches whose shared dictionary grows between them (a builder still appending) group and evaluate correctly', async () => {
  const { StringColumn: SC } = await import('../../src/kql/data/column.js');
  const makeSource = () => {
    const dict = ['a', 'b'];
    return {
      schema: [{ name: 's', type: 'string' as const }],
      *batches() {
        yield { length: 3, columns: [{ name: 's', column: new SC('string', Int32Array.of(0, 1, 0), dict) }] };
        dict.push('ccc');
        yield { length: 2, columns: [{ name: 's', column: new SC('string', Int32Array.of(2, 1), dict) }] };
      },
    };
  };
  assert.deepEqual(q('G | summarize c = count() by s', { G: makeSource() as never })[1], [['a', 2], ['b', 2], ['ccc', 1]]);
  assert.deepEqual(q('G | summarize c = count() by n = strlen(s)', { G: makeSource() as never })[1], [[1, 4], [3, 1]]);
  const R = table('s:string, v:long', [['ccc', 7], ['a', 1]]);
  assert.deepEqual(q('G | join kind=inner (R) on s | project s, v', { G: makeSource() as never, R })[1], [['a', 1], ['a', 1], ['ccc', 7]]);
});
