// dcount over strings collects (group, code) pairs and counts them per group at the end, without
// sketches when it can. These tests pin that it reports exactly what a sketch fed every value
// one at a time reports: across batches with their own dictionaries (with duplicate entries),
// predicates, guid nulls, the exact -> dense switch, and a pair buffer that overflows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StringColumn, type Column } from '../../src/kql/data/column.js';
import { dcountTuning } from '../../src/kql/functions/aggregate/distinct.js';
import { hashString, packHash } from '../../src/kql/functions/sketch/hash.js';
import { HyperLogLog } from '../../src/kql/functions/sketch/hll.js';
import { arg, bools, constant, runBatches } from './aggregate-harness.js';

interface Row { g: number; v: string; pass: boolean }

/** The sketch every group should end with: each value added one at a time. */
function reference(rows: Row[], groups: number, p: number, guid: boolean, usePredicate: boolean): HyperLogLog[] {
  const sketches = Array.from({ length: groups }, () => new HyperLogLog(p));
  const h = { high: 0, low: 0 };
  for (const r of rows) {
    if (usePredicate && !r.pass) continue;
    if (guid && r.v === '') continue;
    hashString(r.v, h);
    sketches[r.g]!.addPacked(packHash(h));
  }
  return sketches;
}

/**
 * Splits rows into batches; batch k gets a dictionary of its own unless `shared`, in a shuffled
 * order and with a duplicated entry, as dictionaries built by other operators can have.
 */
function batchesOf(rows: Row[], size: number, shared: boolean, guid: boolean, usePredicate: boolean) {
  const type = guid ? 'guid' : 'string';
  const sharedDict = [...new Set(rows.map((r) => r.v))];
  const out = [];
  for (let s = 0, k = 0; s < rows.length; s += size, k++) {
    const part = rows.slice(s, s + size);
    let dict: string[];
    if (shared) dict = sharedDict;
    else {
      dict = [...new Set(part.map((r) => r.v))];
      if (k % 2 === 1) dict.reverse();
      if (dict.length > 0) dict.push(dict[0]!);
    }
    const index = new Map<string, number>();
    // With a duplicate entry, rows alternate between the two codes of the same value.
    dict.forEach((v, i) => { if (!index.has(v) || i % 2 === 0) index.set(v, i); });
    const codes = Int32Array.from(part, (r, i) => (i % 2 === 0 ? dict.indexOf(r.v) : index.get(r.v)!));
    const columns: Column[] = [new StringColumn(type, codes, dict)];
    if (usePredicate) columns.push(bools(part.map((r) => r.pass)));
    out.push({ ids: part.map((r) => r.g), columns });
  }
  return out;
}

function check(rows: Row[], groups: number, opts: { shared: boolean; guid: boolean; predicate: boolean; batch: number; accuracy: number }) {
  const p = [12, 14, 16, 17, 18][opts.accuracy]!;
  const expected = reference(rows, groups, p, opts.guid, opts.predicate);
  const type = opts.guid ? 'guid' : 'string';
  const accuracy = constant('int', opts.accuracy);
  const batches = batchesOf(rows, opts.batch, opts.shared, opts.guid, opts.predicate);
  const [counts] = opts.predicate
    ? runBatches('dcountif', [arg(type), arg('bool'), accuracy], batches)
    : runBatches('dcount', [arg(type), accuracy], batches);
  assert.deepEqual(counts, expected.map((s) => s.estimate()));
  const [sketches] = opts.predicate
    ? runBatches('hll_if', [arg(type), arg('bool'), accuracy], batches)
    : runBatches('hll', [arg(type), accuracy], batches);
  assert.deepEqual(sketches, expected.map((s) => (s.estimate() === 0 && s.isExact ? null : s.toDynamic())));
}

function rowsFrom(seed: number, count: number, groups: number, distinct: number): Row[] {
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  return Array.from({ length: count }, (_, r) => ({
    g: r < groups ? r : next() % groups,
    v: next() % 7 === 0 ? '' : `v${next() % distinct}`,
    pass: next() % 3 !== 0,
  }));
}

test('dcount/hll over strings equal a sketch fed value by value (small groups, random layouts)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 200 }),
      (seed, count, groups, distinct, shared, guid, predicate, batch) => {
        const present = Math.min(groups, count);
        check(rowsFrom(seed, count, present, distinct), present, { shared, guid, predicate, batch, accuracy: 1 });
      },
    ),
    { numRuns: 60 },
  );
});

test('dcount over strings past the exact limit matches the dense sketch, at every accuracy', () => {
  for (const accuracy of [0, 1, 2]) {
    // 3 groups: one stays exact, two pass the limit (1000 at levels 0-1, 8000 at 2).
    const rows = rowsFrom(7 + accuracy, 60_000, 3, 30_000).map((r, i) => (r.g === 0 ? { ...r, v: `small${i % 50}` } : r));
    check(rows, 3, { shared: accuracy !== 1, guid: false, predicate: accuracy === 2, batch: 4096, accuracy });
  }
});

test('dcount over strings gives the same counts when the pair buffer overflows mid-input', () => {
  const saved = dcountTuning.codeCapacity;
  dcountTuning.codeCapacity = 5000;
  try {
    const rows = rowsFrom(99, 40_000, 4, 3000);
    check(rows, 4, { shared: false, guid: false, predicate: false, batch: 1500, accuracy: 1 });
    check(rows, 4, { shared: true, guid: true, predicate: true, batch: 7000, accuracy: 1 });
  } finally {
    dcountTuning.codeCapacity = saved;
  }
});
