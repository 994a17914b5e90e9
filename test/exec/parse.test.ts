import { test } from 'node:test';
import assert from 'node:assert/strict';
import { q, table } from './helpers.js';

const S = table('m:string', [
  ['Failed password for root from 10.1.2.3 port 22 ssh2'],
  ['Accepted key for bob from 10.9.9.9 port 2222 ssh2'],
  ['garbage'],
]);

test('parse (simple) extracts typed columns; failed rows get nulls', () => {
  assert.deepEqual(q('S | parse m with * "for " user " from " ip " port " port:long " " * | project user, ip, port', { S }), [
    'user:string, ip:string, port:long', [['root', '10.1.2.3', 22], ['bob', '10.9.9.9', 2222], ['', '', null]],
  ]);
});

test('parse-where drops rows that do not match', () => {
  assert.deepEqual(q('S | parse-where m with * "port " port:long " " * | project port', { S })[1], [[22], [2222]]);
});

test('parse kind=regex uses the literals as regex text, with flags', () => {
  assert.deepEqual(q('S | parse kind=regex flags=i m with "^(failed|accepted) " how " for" * | project how', { S })[1], [['password'], ['key'], ['']]);
});

test('parse kind=relaxed keeps the match when a typed column does not convert', () => {
  assert.deepEqual(q('print m = "a=x1;" | parse kind=relaxed m with "a=" a:long ";" | project a')[1], [[null]]);
  assert.deepEqual(q('print m = "a=x1;" | parse m with "a=" a:long ";" | project a')[1], [[null]]);
});
