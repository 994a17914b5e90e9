// `where` gathers a column of the selected rows only when a later operator reads it, and
// `extend` hands the columns it passes through on unread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Column, Table } from '../../src/kql/data/column.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import { query } from '../../src/kql/index.js';
import { rows } from './helpers.js';

/** x and y as given; `Unread` throws when read, as a column nobody should gather would. */
function withUnreadColumn(xs: number[]): { table: Table; reads: () => number } {
  let reads = 0;
  const x = columnFromScalars('long', xs);
  const unread = columnFromScalars('string', xs.map((v) => `s${v}`));
  return {
    table: {
      length: xs.length,
      columns: [
        { name: 'x', column: x },
        { name: 'Unread', get column(): Column { reads++; return unread; } },
      ],
    },
    reads: () => reads,
  };
}

for (const [text, expected] of [
  ['T | where x > 2 | project x', [[5], [7], [3]]],
  ['T | where x > 2 | extend z = x * 2 | where z > 6 | extend x = z + 1 | project x', [[11], [15]]],
] as const) {
  test(`${text}: the columns left out are never gathered`, () => {
    const { table, reads } = withUnreadColumn([1, 5, 2, 7, 3]);
    // A source with its schema given, so that nothing reads the columns to learn their types.
    const source = { schema: [{ name: 'x', type: 'long' as const }, { name: 'Unread', type: 'string' as const }], batches: () => [table] };
    const r = query(text, { tables: new Map([['T', source]]) });
    assert.deepEqual(rows(r), expected);
    assert.equal(reads(), 0);
  });
}

test('property: where gives the same rows and values in the same order, whichever columns are read', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 30 }), fc.integer({ min: -5, max: 5 }), (xs, bound) => {
    const { table } = withUnreadColumn(xs);
    const r = query(`T | where x > ${bound} | extend y = strcat(Unread, "!") | project y, x`, { tables: new Map([['T', table]]) });
    assert.deepEqual(rows(r), xs.filter((v) => v > bound).map((v) => [`s${v}!`, v]));
  }), { numRuns: 100 });
});
