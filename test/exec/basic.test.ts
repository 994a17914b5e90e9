import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KqlError, NotSupportedError } from '../../src/kql/types.js';
import { q, run, table } from './helpers.js';

const T = table('Name:string, Port:long, Bytes:real, Ok:bool', [
  ['a', 80, 1.5, true],
  ['B', 443, null, false],
  ['a', 22, 3, null],
  ['', 8080, 0, true],
]);

test('print names unnamed items print_N and evaluates constants', () => {
  assert.deepEqual(q('print 1, x = 2 + 3, "s", y = 1.5 * 2'), [
    'print_0:long, x:long, print_2:string, y:real', [[1, 5, 's', 3]],
  ]);
});

test('datatable builds typed rows and rejects mistyped values', () => {
  assert.deepEqual(q('datatable(a:string, b:long, c:datetime)["x", 1, datetime(2024-01-02), "y", int(2), datetime(null)]'), [
    'a:string, b:long, c:datetime', [['x', 1, '2024-01-02T00:00:00.0000000Z'], ['y', 2, null]],
  ]);
  assert.throws(() => run('datatable(a:long)["x"]'), KqlError);
  assert.throws(() => run('datatable(a:long, b:long)[1, 2, 3]'), /not a multiple/);
});

test('range over longs, reals, datetimes and descending steps', () => {
  assert.deepEqual(q('range x from 1 to 5 step 2'), ['x:long', [[1], [3], [5]]]);
  assert.deepEqual(q('range x from 5 to 1 step -2'), ['x:long', [[5], [3], [1]]]);
  assert.deepEqual(q('range x from 0.5 to 1.5 step 0.5'), ['x:real', [[0.5], [1], [1.5]]]);
  assert.deepEqual(q('range t from datetime(2024-01-01) to datetime(2024-01-01 02:00) step 1h')[1], [
    ['2024-01-01T00:00:00.0000000Z'], ['2024-01-01T01:00:00.0000000Z'], ['2024-01-01T02:00:00.0000000Z'],
  ]);
  assert.deepEqual(q('range x from 1 to 0 step 1')[1], []);
});

test('where filters with null as false, filter is a synonym', () => {
  assert.deepEqual(q('T | where Ok | project Name', { T })[1], [['a'], ['']]);
  assert.deepEqual(q('T | filter Port > 100 and Bytes >= 0 | project Port', { T })[1], [[8080]]);
  assert.deepEqual(q('T | where not(Ok) | project Port', { T })[1], [[443]]);
  assert.deepEqual(q('T | where isnull(Bytes) | project Port', { T })[1], [[443]]);
  assert.deepEqual(q('T | where isempty(Name) | project Port', { T })[1], [[8080]]);
  assert.deepEqual(q('T | where isnotempty(Name) | count', { T })[1], [[3]]);
});

test('where rejects a non-bool predicate', () => {
  assert.throws(() => run('T | where Port', { T }), /must be bool/);
});

test('project renames, computes, and names expressions ColumnN', () => {
  assert.deepEqual(q('T | take 1 | project Name, P2 = Port * 2, Port + 1, strlen(Name)', { T }), [
    'Name:string, P2:long, Column1:long, strlen_Name:long', [['a', 160, 81, 1]],
  ]);
  assert.throws(() => run('T | project Nope', { T }), /unknown name 'Nope'/);
});

test('extend adds and replaces columns, later items see earlier ones', () => {
  assert.deepEqual(q('T | take 2 | extend Port = Port + 1, Double = Port * 2', { T }), [
    'Name:string, Port:long, Bytes:real, Ok:bool, Double:long',
    [['a', 81, 1.5, true, 162], ['B', 444, null, false, 888]],
  ]);
});

test('project-away, project-keep, project-rename, project-reorder with wildcards', () => {
  assert.equal(q('T | project-away B*, Ok', { T })[0], 'Name:string, Port:long');
  assert.equal(q('T | project-keep *o*', { T })[0], 'Port:long');
  assert.equal(q('T | project-keep Ok, P*', { T })[0], 'Port:long, Ok:bool');
  assert.equal(q('T | project-rename N = Name, P = Port', { T })[0], 'N:string, P:long, Bytes:real, Ok:bool');
  assert.equal(q('T | project-reorder Ok, P*', { T })[0], 'Ok:bool, Port:long, Name:string, Bytes:real');
  assert.throws(() => run('T | project-away Nope', { T }), /no column named 'Nope'/);
});

test('take/limit and count', () => {
  assert.deepEqual(q('T | take 2 | project Port', { T })[1], [[80], [443]]);
  assert.deepEqual(q('T | limit 0', { T })[1], []);
  assert.deepEqual(q('T | count', { T }), ['Count:long', [[4]]]);
  assert.deepEqual(q('T | where Port < 0 | count', { T })[1], [[0]]);
});

test('property: where then count equals the number of matching rows', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 200 }), fc.integer({ min: -100, max: 100 }), (xs, k) => {
    const X = table('v:long', xs.map((x) => [x]));
    const [, r] = q(`X | where v > ${k} | count`, { X });
    assert.equal(r[0]![0], xs.filter((x) => x > k).length);
  }), { numRuns: 50 });
});

test('large inputs are processed in batches with the same answer', () => {
  const [, r] = q('range x from 1 to 200000 step 1 | where x % 7 == 0 | summarize count(), sum(x)');
  const n = Math.floor(200000 / 7);
  assert.deepEqual(r, [[n, 7 * n * (n + 1) / 2]]);
});

test('unsupported operators are refused by name', () => {
  assert.throws(() => run('T | reduce by Name', { T }), NotSupportedError);
});

test('errors say where they are', () => {
  try {
    run('T\n| where Nope > 1', { T });
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof KqlError);
    assert.match((e as Error).message, /line 2, column 9/);
    assert.equal((e as KqlError).start, 10);
  }
});
