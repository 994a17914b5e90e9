// The engine hook for stored functions (QueryOptions.functions) and extra scalar functions
// (QueryOptions.scalarFunctions): resolution, merging with a table, scoping, errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KqlError, check, query, type ScalarFunctionDef, type StoredFunction } from '../../src/kql/index.js';
import { q, run, table } from '../exec/helpers.js';

const conn = table('ts:long, src:string, bytes:long', [
  [1, '10.0.0.1', 100],
  [2, '10.0.0.2', 200],
]);
const native = table('Time:long, Ip:string, Bytes:long, Extra:string', [[0, '192.168.1.1', 5, 'n']]);

const fns = (entries: Record<string, StoredFunction>): Map<string, StoredFunction> => new Map(Object.entries(entries));

test('a stored function is called by name, with or without parentheses', () => {
  const functions = fns({ Conns: { declaration: '() { Zeek | project Ip = src }' } });
  assert.deepEqual(q('Conns', { Zeek: conn }, { functions })[1], [['10.0.0.1'], ['10.0.0.2']]);
  assert.deepEqual(q('Conns() | count', { Zeek: conn }, { functions })[1], [[2]]);
});

test('parameters take defaults, positional and named arguments', () => {
  const functions = fns({ Big: { declaration: '(min:long = 150, label:string = "x") { Zeek | where bytes >= min | project src, label }' } });
  assert.deepEqual(q('Big()', { Zeek: conn }, { functions })[1], [['10.0.0.2', 'x']]);
  assert.deepEqual(q('Big(0)', { Zeek: conn }, { functions })[1], [['10.0.0.1', 'x'], ['10.0.0.2', 'x']]);
  assert.deepEqual(q('Big(label="y", min=0) | take 1', { Zeek: conn }, { functions })[1], [['10.0.0.1', 'y']]);
});

test('stored functions call each other, but never see the query\'s lets', () => {
  const functions = fns({
    Threshold: { declaration: '() { 150 }' },
    Big: { declaration: '() { Zeek | where bytes > Threshold() | project src }' },
    UsesLet: { declaration: '() { Zeek | where bytes > limit }' },
  });
  assert.deepEqual(q('Big', { Zeek: conn }, { functions })[1], [['10.0.0.2']]);
  assert.throws(() => run('let limit = 1; UsesLet', { Zeek: conn }, { functions }), /limit/);
});

test('a query\'s let shadows a stored function of the same name', () => {
  const functions = fns({ Conns: { declaration: '() { Zeek }' } });
  assert.deepEqual(q('let Conns = datatable(a:long)[7]; Conns', { Zeek: conn }, { functions })[1], [[7]]);
});

test('mergeWithTable: table rows first, then the view\'s, in the table\'s columns', () => {
  const functions = fns({ Net: { declaration: '() { Zeek | project Ip = src, Bytes = bytes, ViewOnly = "v" }', mergeWithTable: true } });
  const [schema, rows] = q('Net', { Net: native, Zeek: conn }, { functions });
  assert.equal(schema, 'Time:long, Ip:string, Bytes:long, Extra:string');
  assert.deepEqual(rows, [[0, '192.168.1.1', 5, 'n'], [null, '10.0.0.1', 100, ''], [null, '10.0.0.2', 200, '']]);
  // Operators after the name see the merged rows.
  assert.deepEqual(q('Net | summarize sum(Bytes)', { Net: native, Zeek: conn }, { functions })[1], [[305]]);
  assert.deepEqual(q('union Net, (Net | where Bytes > 150) | count', { Net: native, Zeek: conn }, { functions })[1], [[4]]);
});

test('mergeWithTable without a table of that name is the plain function', () => {
  const functions = fns({ Net: { declaration: '() { Zeek | project Ip = src }', mergeWithTable: true } });
  assert.deepEqual(q('Net', { Zeek: conn }, { functions }), ['Ip:string', [['10.0.0.1'], ['10.0.0.2']]]);
});

test('a stored function without mergeWithTable hides a table of the same name, as a let would', () => {
  const functions = fns({ Net: { declaration: '() { Zeek | project Ip = src }' } });
  assert.equal(q('Net | count', { Net: native, Zeek: conn }, { functions })[1][0]![0], 2);
});

test('a merged view whose column type differs from the table is an error naming both', () => {
  const functions = fns({ Net: { declaration: '() { Zeek | project Ip = src, Bytes = tostring(bytes) }', mergeWithTable: true } });
  assert.throws(() => run('Net', { Net: native, Zeek: conn }, { functions }), (e: unknown) => {
    assert.ok(e instanceof KqlError);
    assert.match(e.message, /stored function 'Net' returns column 'Bytes' as string, but table 'Net' has it as long/);
    return true;
  });
});

test('a merged function needs defaults for all its parameters', () => {
  const functions = fns({ Net: { declaration: '(n:long) { Zeek | take n | project Ip = src }', mergeWithTable: true } });
  assert.throws(() => run('Net', { Net: native, Zeek: conn }, { functions }), /all its parameters need default values/);
});

test('a merged function is looked up only when the query names it', () => {
  const asked: string[] = [];
  const tables = { get: (name: string) => { asked.push(name); return name === 'Zeek' ? conn : undefined; } };
  const functions = fns({ Net: { declaration: '() { Zeek | project Ip = src }', mergeWithTable: true } });
  query('print 1', { tables, functions });
  assert.deepEqual(asked, []);
  query('Net', { tables, functions });
  assert.deepEqual(asked.sort(), ['Net', 'Zeek']);
});

test('a let function whose parameters all have defaults can be named without parentheses', () => {
  assert.deepEqual(q('let f = (n:long = 1) { Zeek | take n | project src }; f', { Zeek: conn })[1], [['10.0.0.1']]);
  assert.throws(() => run('let f = (n:long) { Zeek | take n }; f', { Zeek: conn }), /must end in a tabular expression/);
});

test('syntax errors in a declaration name the function and a position in it', () => {
  const functions = fns({ Broken: { declaration: '() {\n  Zeek | where \n}' } });
  assert.throws(() => run('print 1', { Zeek: conn }, { functions }), /stored function 'Broken': .*\(line \d+, column \d+ of its declaration\)/);
  assert.throws(() => run('print 1', {}, { functions: fns({ NotAFunction: { declaration: '42' } }) }), /must be a parameter list and a body/);
});

test('run-time errors inside a body point into the function, not the query', () => {
  const functions = fns({ Bad: { declaration: '() {\n  Zeek\n  | project nope\n}' } });
  assert.throws(() => run('Bad', { Zeek: conn }, { functions }), (e: unknown) => {
    assert.ok(e instanceof KqlError);
    assert.match(e.message, /nope.*\(in stored function 'Bad', line 3, column \d+ of its declaration\)$/);
    assert.equal(e.start, undefined);
    return true;
  });
  // Errors in the query itself keep their query position.
  assert.throws(() => run('Zeek | project nope2', { Zeek: conn }, { functions }), /nope2.*\(line 1, column \d+\)$/);
});

test('union isfuzzy=true skips a stored function whose table is missing', () => {
  const functions = fns({
    A: { declaration: '() { Zeek | project src }' },
    B: { declaration: '() { Missing | project src }' },
  });
  assert.deepEqual(q('union isfuzzy=true A, B | count', { Zeek: conn }, { functions })[1], [[2]]);
  assert.throws(() => run('union A, B', { Zeek: conn }, { functions }), /Missing/);
});

const shout: ScalarFunctionDef = {
  kind: 'scalar', name: 'shout', params: [{ name: 's', types: ['string'] }], returns: 'string',
  impl: ([s]) => (typeof s === 'string' ? `${s.toUpperCase()}!` : null),
};
const fakeGeo: ScalarFunctionDef = {
  kind: 'scalar', name: 'geo_info_from_ip_address', params: [{ name: 'ip', types: ['string'] }], returns: 'dynamic',
  impl: ([ip]) => (ip === '8.8.8.8' ? { country: 'United States' } : null),
};
const extras = [shout, fakeGeo];

test('scalarFunctions add functions and replace built-ins, for the executor and the checker', () => {
  assert.deepEqual(q('print shout("hi")', {}, { scalarFunctions: extras })[1], [['HI!']]);
  assert.deepEqual(q('print tostring(geo_info_from_ip_address("8.8.8.8").country)', {}, { scalarFunctions: extras })[1], [['United States']]);
  // Without them the built-in refuses, as before.
  assert.throws(() => run('print geo_info_from_ip_address("8.8.8.8")'), /not supported: geo_info_from_ip_address/);
  assert.throws(() => run('print shout("x")'), /unknown function 'shout'/);
  // Other built-ins are untouched.
  assert.deepEqual(q('print strlen("abc")', {}, { scalarFunctions: extras })[1], [[3]]);
  const checked = check('print s = shout("a")', { scalarFunctions: extras });
  assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(checked.schema, [{ name: 's', type: 'string' }]);
});
