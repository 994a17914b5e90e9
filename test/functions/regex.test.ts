import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexFunctions } from '../../src/kql/functions/scalar/regex.js';
import { KqlError } from '../../src/kql/types.js';
import { makeCaller } from './scalar-call.js';

const { call, returnType } = makeCaller(regexFunctions);

test('extract (docs examples), typed and untyped', () => {
  assert.equal(call('extract', 'User: ([^,]+)', 1, 'User: JohnDoe, Email: johndoe@example.com, Age: 29'), 'JohnDoe');
  assert.equal(call('extract', '-(\\d{2})-', 1, '15-12-2024', 'int'), 12);
  assert.equal(call('extract', '-(\\d{2})-', 1, '21-07-2023', 'int'), 7);
  assert.equal(call('extract', 'x(\\d+)', 1, 'abc'), '');
  assert.equal(call('extract', 'x(\\d+)', 1, 'abc', 'long'), null);
  assert.equal(call('extract', 'x(\\d+)', 0, 'ax12'), 'x12');
  assert.equal(call('extract', 'a(b)?c', 1, 'ac'), '');
  assert.equal(returnType('extract', { type: 'string' }, { type: 'long' }, { type: 'string' }), 'string');
  assert.equal(returnType('extract', { type: 'string' }, { type: 'long' }, { type: 'string' }, { type: 'unknown', typeLiteral: 'real' }), 'real');
  assert.throws(() => call('extract', 'a(b', 1, 'ab'), (e: unknown) => e instanceof KqlError && /a\(b/.test(e.message) && /missing closing \)/.test(e.message));
  assert.throws(() => call('extract', '(a)', 2, 'ab'), KqlError);
});

test('extract_all (docs examples)', () => {
  assert.deepEqual(call('extract_all', '(\\d+)', 'a set of numbers: 123, 567 and 789'), ['123', '567', '789']);
  const id = '82b8be2d-dfa7-4bd1-8f63-24ad26d31449';
  assert.deepEqual(call('extract_all', '([\\da-f]{2})', id), ['82', 'b8', 'be', '2d', 'df', 'a7', '4b', 'd1', '8f', '63', '24', 'ad', '26', 'd3', '14', '49']);
  assert.deepEqual(call('extract_all', '(\\w)(\\w+)(\\w)', id), [
    ['8', '2b8be2', 'd'],
    ['d', 'fa', '7'],
    ['4', 'bd', '1'],
    ['8', 'f6', '3'],
    ['2', '4ad26d3144', '9'],
  ]);
  assert.deepEqual(call('extract_all', '(\\w)(\\w+)(\\w)', [1, 3], id), [
    ['8', 'd'],
    ['d', '7'],
    ['4', '1'],
    ['8', '3'],
    ['2', '9'],
  ]);
  assert.deepEqual(call('extract_all', '(?P<first>\\w)(?P<middle>\\w+)(?P<last>\\w)', ['first', 2, 'last'], id), [
    ['8', '2b8be2', 'd'],
    ['d', 'fa', '7'],
    ['4', 'bd', '1'],
    ['8', 'f6', '3'],
    ['2', '4ad26d3144', '9'],
  ]);
  assert.equal(call('extract_all', '(\\d+)', 'no digits'), null);
  assert.throws(() => call('extract_all', '\\d+', '123'), /capture groups/);
  assert.throws(() => call('extract_all', '(\\d+)', [2], '123'), /capture group/);
  assert.deepEqual(call('extractall', '(\\d)', '12'), ['1', '2']);
});

test('replace_regex and replace (docs examples)', () => {
  assert.equal(call('replace_regex', 'Number is 42', '(\\d+)', 'was \\1'), 'Number is was 42');
  assert.equal(call('replace_regex', 'Event: 4624', 'Event: (\\d+)', 'Id=\\1 (\\0)'), 'Id=4624 (Event: 4624)');
  assert.equal(call('replace', 'is (\\d+)', 'was: \\1', 'Number is 42'), 'Number was: 42');
  assert.equal(call('replace_regex', 'abc', 'x*', '-'), '-a-b-c-');
  assert.equal(call('replace_regex', 'aaa', 'a', ''), '');
});

test('indexof_regex (docs examples)', () => {
  assert.equal(call('indexof_regex', 'abcabc', 'a.c'), 0);
  assert.equal(call('indexof_regex', 'abcabcdefg', 'a.c', 0, 9, 2), 3);
  assert.equal(call('indexof_regex', 'abcabc', 'a.c', 1, -1, 2), -1);
  assert.equal(call('indexof_regex', 'ababaa', 'a.a', 0, -1, 2), -1);
  assert.equal(call('indexof_regex', 'abcabc', 'a|ab', -1), null);
  assert.equal(call('indexof_regex', 'abc', 'x'), -1);
});

test('regex_quote escapes every RE2 metacharacter', () => {
  assert.equal(call('regex_quote', '(so$me.Te^xt)'), '\\(so\\$me\\.Te\\^xt\\)');
  const special = '.+*?()|[]{}^$\\';
  const quoted = call('regex_quote', special) as string;
  assert.deepEqual(call('extract_all', `(${quoted})`, `x${special}y`), [special]);
});
