// String functions cast their arguments exactly as tostring() does (one formatter for reals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/kql/index.js';

test('strcat and tostring print reals, datetimes and dynamics alike', () => {
  const r = query("print a = strcat(1e-5, '|', 1e15, '|', 2.5, '|', dynamic([1,'x'])), b = strcat(tostring(1e-5), '|', tostring(1e15), '|', tostring(2.5), '|', tostring(dynamic([1,'x'])))", { tables: new Map() });
  const a = r.table.columns[0]!.column.get(0);
  assert.equal(a, '1E-05|1E+15|2.5|[1,"x"]');
  assert.equal(a, r.table.columns[1]!.column.get(0));
});
