// Executor fixes driven by the docs conformance suite (docs/conformance.md, "Executor issues").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { q, table } from './helpers.js';

const T1 = table('key:long, value:string', [[1, 'val1.1'], [1, 'val1.2'], [2, 'val2.1']]);
const T2 = table('key:long, value:string', [[1, 'val1.3'], [1, 'val1.4'], [2, 'val2.2']]);

test('innerunique: a where on left columns applies before the left keys are de-duplicated', () => {
  const [cols, data] = q('T1 | join kind=innerunique T2 on key | where value == "val1.2"', { T1, T2 });
  assert.equal(cols, 'key:long, value:string, key1:long, value1:string');
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.3'], [1, 'val1.2', 1, 'val1.4']]);
  // The default kind is innerunique too.
  assert.deepEqual(q('T1 | join T2 on key | where value == "val1.2"', { T1, T2 })[1].length, 2);
});

test('innerunique: right-side conjuncts stay above the join; left ones still go below', () => {
  const [, data] = q('T1 | join T2 on key | where value == "val1.2" and value1 == "val1.4"', { T1, T2 });
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.4']]);
  // Without a left-only conjunct the first left row of the key is the one kept.
  assert.deepEqual(q('T1 | join T2 on key | where value1 == "val1.4"', { T1, T2 })[1], [[1, 'val1.1', 1, 'val1.4']]);
});

test('inner join results do not change with the pushdown', () => {
  const [, data] = q('T1 | join kind=inner T2 on key | where value == "val1.2"', { T1, T2 });
  assert.deepEqual(data, [[1, 'val1.2', 1, 'val1.3'], [1, 'val1.2', 1, 'val1.4']]);
});

const L = table('m:string', [['a=1, b=2, c=3']]);

test('parse kind=regex: text columns are greedy unless flags=U', () => {
  assert.deepEqual(q('L | parse kind=regex m with * "a=" v "," * | project v', { L })[1], [['1, b=2']]);
  assert.deepEqual(q('L | parse kind=regex flags=U m with * "a=" v "," * | project v', { L })[1], [['1']]);
  // `*` stays lazy under U: the column after it still starts at the first match.
  assert.deepEqual(q('L | parse kind=regex flags=U m with * "=" v "," * | project v', { L })[1], [['1']]);
  assert.deepEqual(q('L | parse kind=regex m with * "=" v "," * | project v', { L })[1], [['1, b=2']]);
  // kind=simple keeps lazy columns.
  assert.deepEqual(q('L | parse m with * "a=" v "," * | project v', { L })[1], [['1']]);
});
