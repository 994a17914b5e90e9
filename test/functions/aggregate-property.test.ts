// Property tests: grouped, batched aggregation equals a naive per-group reduction, for random
// data, random group ids, random nulls and random batch splits; sketch accuracy bounds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Column } from '../../src/kql/data/column.js';
import { dcountOfHll } from '../../src/kql/functions/sketch/hll.js';
import { realToDynamic, type DynamicValue } from '../../src/kql/types.js';
import {
  aggregateValues, arg, bools, constant, dynamics, numbers, runAggregate, runBatches, strings,
} from './aggregate-harness.js';

const rowsArb = fc.integer({ min: 1, max: 6 }).chain((groups) =>
  fc.record({
    groups: fc.constant(groups),
    rows: fc.array(
      fc.record({
        group: fc.integer({ min: 0, max: groups - 1 }),
        value: fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 4 }),
        flag: fc.option(fc.boolean(), { freq: 4 }),
      }),
      { maxLength: 60 },
    ),
    splits: fc.array(fc.nat({ max: 60 }), { maxLength: 4 }),
  }),
);

/** Group ids must appear in first-seen order for numGroups to grow as the executor grows it. */
function renumber(rows: { group: number }[]): number[] {
  const seen = new Map<number, number>();
  return rows.map((r) => {
    let id = seen.get(r.group);
    if (id === undefined) { id = seen.size; seen.set(r.group, id); }
    return id;
  });
}

function perGroup<T>(ids: number[], values: T[]): T[][] {
  const n = ids.length === 0 ? 1 : Math.max(...ids) + 1;
  const out: T[][] = Array.from({ length: n }, () => []);
  ids.forEach((g, i) => out[g]!.push(values[i]!));
  return out;
}

test('sum/count/min/max/avg/countif/sumif equal a naive reduction across batch splits', () => {
  fc.assert(
    fc.property(rowsArb, ({ rows, splits }) => {
      const ids = renumber(rows);
      const values = rows.map((r) => r.value);
      const flags = rows.map((r) => r.flag);
      const splitPoints = [...new Set(splits.filter((s) => s < rows.length))].sort((a, b) => a - b);
      const options = { splits: splitPoints };
      for (const type of ['int', 'long', 'real'] as const) {
        const col = numbers(type, values);
        const groups = perGroup(ids, values.map((v, i) => ({ v, f: flags[i] })));
        const present = groups.map((g) => g.map((e) => e.v).filter((v): v is number => v !== null));
        const passing = groups.map((g) => g.filter((e) => e.f === true && e.v !== null).map((e) => e.v!));
        assert.deepEqual(aggregateValues('sum', [arg(type)], [col], ids, options), present.map((g) => g.reduce((a, b) => a + b, 0)));
        assert.deepEqual(aggregateValues('count', [], [], ids, options), groups.map((g) => g.length));
        assert.deepEqual(aggregateValues('min', [arg(type)], [col], ids, options), present.map((g) => (g.length ? Math.min(...g) : null)));
        assert.deepEqual(aggregateValues('max', [arg(type)], [col], ids, options), present.map((g) => (g.length ? Math.max(...g) : null)));
        const avg = aggregateValues('avg', [arg(type)], [col], ids, options) as number[];
        avg.forEach((a, g) => {
          const p = present[g]!;
          if (p.length === 0) assert.ok(Number.isNaN(a));
          else assert.ok(Math.abs(a - p.reduce((x, y) => x + y, 0) / p.length) < 1e-9);
        });
        const flagCol = bools(flags);
        assert.deepEqual(aggregateValues('countif', [arg('bool')], [flagCol], ids, options), groups.map((g) => g.filter((e) => e.f === true).length));
        assert.deepEqual(aggregateValues('sumif', [arg(type), arg('bool')], [col, flagCol], ids, options), passing.map((g) => g.reduce((a, b) => a + b, 0)));
        assert.deepEqual(aggregateValues('count_distinct', [arg(type)], [col], ids, options), present.map((g) => new Set(g).size));
        assert.deepEqual(aggregateValues('dcount', [arg(type)], [col], ids, options), present.map((g) => new Set(g).size));
        // Reals placed into dynamic stay reals (a whole one is a WholeReal), longs stay plain.
        const asElement = (v: number) => (type === 'real' ? realToDynamic(v) : v);
        assert.deepEqual(aggregateValues('make_list', [arg(type)], [col], ids, options), present.map((g) => g.map(asElement)));
        assert.deepEqual(aggregateValues('make_set', [arg(type)], [col], ids, options), present.map((g) => [...new Set(g)].map(asElement)));
      }
    }),
    { numRuns: 150 },
  );
});

test('string min/max/arg_max equal a naive reduction across batches with changing dictionaries', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ group: fc.integer({ min: 0, max: 3 }), s: fc.string({ maxLength: 3 }), k: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 40 }),
      fc.nat({ max: 40 }),
      (rows, split) => {
        const ids = renumber(rows);
        const at = Math.min(split, rows.length);
        // Each batch gets its own dictionary, as separate scans would produce.
        const runSplit = (name: string, argTypes: ('string' | 'long')[], make: (rs: typeof rows) => Column[]) =>
          runBatches(name, argTypes.map(arg), [
            { ids: ids.slice(0, at), columns: make(rows.slice(0, at)) },
            { ids: ids.slice(at), columns: make(rows.slice(at)) },
          ]);
        const groups = perGroup(ids, rows);
        const [mins] = runSplit('min', ['string'], (rs) => [strings(rs.map((r) => r.s))]);
        assert.deepEqual(mins, groups.map((g) => g.map((r) => r.s).reduce((a, b) => (b < a ? b : a))));
        const [maxs] = runSplit('max', ['string'], (rs) => [strings(rs.map((r) => r.s))]);
        assert.deepEqual(maxs, groups.map((g) => g.map((r) => r.s).reduce((a, b) => (b > a ? b : a))));
        const [keys, carried] = runSplit('arg_max', ['long', 'string'], (rs) => [numbers('long', rs.map((r) => r.k)), strings(rs.map((r) => r.s))]);
        const expected = groups.map((g) => g.reduce((best, r) => (r.k > best.k ? r : best)));
        assert.deepEqual(keys, expected.map((r) => r.k));
        assert.deepEqual(carried, expected.map((r) => r.s));
      },
    ),
    { numRuns: 150 },
  );
});

test('dcount stays within 3 standard errors on 1e5 distinct values at every accuracy level', () => {
  const n = 100_000;
  const values = Array.from({ length: n }, (_, i) => `user-${i}@contoso.com`);
  const col = strings(values);
  const ids = new Array(n).fill(0);
  const standardError = [0.016, 0.008, 0.004, 0.0028, 0.002];
  for (let level = 0; level <= 4; level++) {
    const [estimate] = aggregateValues('dcount', [arg('string'), constant('int', level)], [col], ids) as number[];
    const error = Math.abs(estimate! - n) / n;
    assert.ok(error < 3 * standardError[level]!, `accuracy ${level}: estimate ${estimate} (error ${(error * 100).toFixed(2)}%)`);
  }
  const numeric = numbers('long', Array.from({ length: n }, (_, i) => i * 7919));
  const [estimate] = aggregateValues('dcount', [arg('long')], [numeric], ids) as number[];
  assert.ok(Math.abs(estimate! - n) / n < 0.024, `numeric estimate ${estimate}`);
});

test('hll_merge of partial sketches estimates the union, also across accuracy levels', () => {
  const n = 30_000;
  const ids = new Array(n).fill(0);
  const a = numbers('long', Array.from({ length: n }, (_, i) => i));
  const b = numbers('long', Array.from({ length: n }, (_, i) => i + n / 2));
  const left = aggregateValues('hll', [arg('long')], [a], ids)[0] as DynamicValue;
  const right = aggregateValues('hll', [arg('long')], [b], ids)[0] as DynamicValue;
  const coarse = aggregateValues('hll', [arg('long'), constant('int', 0)], [b], ids)[0] as DynamicValue;
  const union = 1.5 * n;
  for (const [other, bound] of [[right, 0.024], [coarse, 0.048]] as const) {
    const merged = aggregateValues('hll_merge', [arg('dynamic')], [dynamics([left, other])], [0, 0])[0] as DynamicValue;
    const estimate = dcountOfHll(merged)!;
    assert.ok(Math.abs(estimate - union) / union < bound, `union estimate ${estimate}`);
  }
  assert.equal(dcountOfHll(aggregateValues('hll', [arg('long')], [numbers('long', [1, 2, 2])], [0, 0, 0])[0] as DynamicValue), 2);
});

test('percentiles are monotonic in p and close in rank to the exact nearest-rank values', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
      const ps = [0, 1, 10, 25, 50, 75, 90, 99, 100];
      const out = runAggregate('percentiles', [arg('real'), ...ps.map((p) => constant('real', p))], [numbers('real', xs)], xs.map(() => 0)).map((c) => c[0] as number);
      for (let i = 1; i < out.length; i++) assert.ok(out[i]! >= out[i - 1]!, `p${ps[i]}=${out[i]} < p${ps[i - 1]}=${out[i - 1]}`);
      const sorted = [...xs].sort((a, b) => a - b);
      ps.forEach((p, i) => {
        const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
        assert.equal(out[i], sorted[rank - 1], `p${p}`);
      });
    }),
    { numRuns: 100 },
  );
  // Past the exact limit the digest estimates: monotonic, within 1% in rank (ADX's bound).
  const n = 200_000;
  const xs = Float64Array.from({ length: n }, (_, i) => ((i * 2654435761) % n) ** 1.5);
  const ps = [0, 0.1, 1, 5, 25, 50, 75, 95, 99, 99.9, 100];
  const out = runAggregate('percentiles', [arg('real'), ...ps.map((p) => constant('real', p))], [numbers('real', Array.from(xs))], new Array(n).fill(0)).map((c) => c[0] as number);
  const sorted = Array.from(xs).sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) assert.ok(out[i]! >= out[i - 1]!);
  ps.forEach((p, i) => {
    const below = lowerBound(sorted, out[i]!);
    const atOrBelow = upperBound(sorted, out[i]!);
    const target = (p / 100) * n;
    assert.ok(below - 0.01 * n <= target && target <= atOrBelow + 0.01 * n, `p${p}: rank range ${below}..${atOrBelow} vs ${target}`);
  });
  assert.equal(out[0], sorted[0]);
  assert.equal(out[out.length - 1], sorted[n - 1]);
});

function lowerBound(a: number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! < x) lo = mid + 1; else hi = mid; }
  return lo;
}

function upperBound(a: number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo;
}
