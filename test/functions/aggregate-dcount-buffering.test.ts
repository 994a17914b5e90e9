// dcount buffers (group, key) pairs and feeds each sketch a run of keys at once; these tests pin
// that the bulk path gives exactly what adding keys one by one gives, including across the
// exact -> dense switch and across a full pending buffer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HyperLogLog, PRECISION_BY_ACCURACY } from '../../src/kql/functions/sketch/hll.js';
import { aggregateValues, arg, numbers, runBatches, strings } from './aggregate-harness.js';

const keyArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

test('addPackedRange leaves a sketch identical to adding the same keys one at a time', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...PRECISION_BY_ACCURACY),
      // Few distinct keys repeated, and runs long enough to cross the exact limit (1000/8000).
      fc.array(fc.array(fc.oneof(keyArb, fc.integer({ min: 0, max: 40 })), { maxLength: 3000 }), { maxLength: 5 }),
      (p, runs) => {
        const bulk = new HyperLogLog(p);
        const single = new HyperLogLog(p);
        for (const run of runs) {
          const keys = Float64Array.from(run);
          bulk.addPackedRange(keys, 0, keys.length);
          for (const k of run) single.addPacked(k);
        }
        assert.equal(bulk.isExact, single.isExact);
        assert.deepEqual(bulk.toDynamic(), single.toDynamic());
        assert.equal(bulk.estimate(), single.estimate());
      },
    ),
    { numRuns: 40 },
  );
});

test('addPackedRange honours a sub-range', () => {
  const sketch = new HyperLogLog(14);
  sketch.addPackedRange(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 5);
  assert.deepEqual(sketch.exactKeys(), [3, 4, 5]);
});

test('dcount is exact per group when more pairs arrive than the pending buffer holds', () => {
  // 1.5M rows over 3000 groups: more than the 2^20 pairs buffered before a flush, so some
  // groups receive keys in two flushes and one batch is split by a flush.
  const rows = 1_500_000, groups = 3000, batch = 65536;
  const values: number[] = new Array(rows);
  const ids: number[] = new Array(rows);
  let x = 12345;
  const expected = Array.from({ length: groups }, () => new Set<number>());
  for (let r = 0; r < rows; r++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const g = r < groups ? r : x % groups;
    const v = (x >>> 7) % 700;
    ids[r] = g;
    values[r] = v;
    expected[g]!.add(v);
  }
  const batches = [];
  for (let s = 0; s < rows; s += batch) {
    batches.push({ ids: ids.slice(s, s + batch), columns: [numbers('long', values.slice(s, s + batch))] });
  }
  const [counts] = runBatches('dcount', [arg('long')], batches);
  assert.deepEqual(counts, expected.map((s) => s.size));
});

test('dcount over strings collapses repeats and counts the empty string as a value', () => {
  const col = strings(['a', 'a', '', 'b', 'a', '', 'c']);
  assert.deepEqual(aggregateValues('dcount', [arg('string')], [col], [0, 0, 0, 1, 1, 1, 1]), [2, 4]);
});
