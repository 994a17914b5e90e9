// fork/facet return several tables: the library lists them all, the CLI prints each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/kql/index.js';
import { runCli } from './harness.js';

const FORK = 'range x from 1 to 3 step 1 | fork (where x > 1) (count)';

test('query() lists every table of a fork, first one at the top level', () => {
  const r = query(FORK, { tables: new Map() });
  assert.equal(r.table.length, 2);
  assert.deepEqual(r.tables?.map((t) => [t.name, t.columns.map((c) => c.name), t.table.length]),
    [['GenericResult', ['x'], 2], ['GenericResult_1', ['Count'], 1]]);
  assert.equal(query('print 1', { tables: new Map() }).tables, undefined);
});

test('CLI prints every result table (table and JSON formats)', async () => {
  const t = await runCli(['query', FORK]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /== GenericResult ==[\s\S]*== GenericResult_1 ==[\s\S]*Count/);
  const j = await runCli(['query', FORK, '--format', 'json']);
  const doc = JSON.parse(j.stdout) as { rows: unknown[]; tables: { name: string; rows: unknown[] }[] };
  assert.deepEqual(doc.rows, [[2], [3]]);
  assert.deepEqual(doc.tables.map((x) => [x.name, x.rows]), [['GenericResult', [[2], [3]]], ['GenericResult_1', [[3]]]]);
});
