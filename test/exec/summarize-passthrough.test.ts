// arg_max(x, *) leaves out only the by-columns that are input columns as they are; the
// executor and the checker must agree (ADX: `by bin(T, 1h)` repeats T as T1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, query } from '../../src/kql/index.js';

const cases: { q: string; columns: string[] }[] = [
  { q: 'datatable(T:datetime, a:long)[datetime(2024-01-01 10:10), 1, datetime(2024-01-01 10:20), 2] | summarize arg_max(a, *) by bin(T, 1h)', columns: ['T', 'a', 'T1'] },
  { q: "datatable(C:string, a:long)['x', 1, 'x', 2] | summarize arg_max(a, *) by tostring(C)", columns: ['C', 'a'] },
  { q: "datatable(C:string, a:long)['x', 1, 'x', 2] | summarize arg_max(a, *) by C", columns: ['C', 'a'] },
];

for (const { q, columns } of cases) {
  test(`arg_max(*) pass-through: ${q.slice(q.indexOf('| summarize'))}`, () => {
    const result = query(q, { tables: new Map() });
    assert.deepEqual(result.columns.map((c) => c.name), columns);
    const checked = check(q, { tables: new Map() });
    assert.deepEqual(checked.schema?.map((c) => c.name), columns);
  });
}

test('arg_max(*) by bin(T, 1h) carries the row of the maximum, including its own T', () => {
  const result = query(cases[0]!.q, { tables: new Map() });
  assert.equal(result.table.length, 1);
  assert.equal(result.table.columns[1]!.column.get(0), 2);
  assert.notEqual(result.table.columns[0]!.column.get(0), result.table.columns[2]!.column.get(0));
});
