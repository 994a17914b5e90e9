import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringFunctions } from '../../src/kql/functions/scalar/string.js';
import { KqlError } from '../../src/kql/types.js';
import { makeCaller, typed } from './scalar-call.js';

const { call, returnType } = makeCaller(stringFunctions);

test('strlen counts code points; string_size counts UTF-8 bytes', () => {
  assert.equal(call('strlen', 'hello'), 5);
  assert.equal(call('strlen', '⒦⒰⒮⒯⒪'), 5);
  assert.equal(call('strlen', 'C\u0327edilla'), 8);
  assert.equal(call('strlen', '😀'), 1);
  assert.equal(call('strlen', ''), 0);
  assert.equal(call('string_size', 'hello'), 5);
  assert.equal(call('string_size', '⒦⒰⒮⒯⒪'), 15);
});

test('substring (docs examples and edges)', () => {
  assert.equal(call('substring', '123456', 1), '23456');
  assert.equal(call('substring', '123456', 2, 2), '34');
  assert.equal(call('substring', 'ABCD', 0, 2), 'AB');
  assert.equal(call('substring', '123456', -2, 2), '56');
  assert.equal(call('substring', '123456', 10), '');
  assert.equal(call('substring', '123456', 4, 10), '56');
  assert.equal(call('substring', '123456', typed(null, 'long')), '');
  assert.equal(call('substring', 123456, 1, 2), '23');
});

test('strcat, strcat_delim and tostring conversions of typed arguments', () => {
  assert.equal(call('strcat', 'hello', ' ', 'world'), 'hello world');
  assert.equal(call('strcat', 'a', typed(null, 'long'), 1, true, 1.5), 'a1true1.5');
  assert.equal(call('strcat', typed(30_000_000n, 'timespan')), '00:00:03');
  assert.equal(call('strcat', typed(637_134_336_000_000_000n, 'datetime')), '2020-01-01T00:00:00.0000000Z');
  assert.equal(call('strcat', { a: [1, 'x'] }), '{"a":[1,"x"]}');
  assert.equal(call('strcat_delim', '-', 'yes', 2.01, 10), 'yes-2.01-10');
  assert.match(returnType('strcat_delim', { type: 'string' }, { type: 'string' }), /^error:/);
});

test('strcmp, strrep, toupper, tolower, reverse', () => {
  assert.equal(call('strcmp', 'ABC', 'ABC'), 0);
  assert.equal(call('strcmp', 'abc', 'ABC'), 1);
  assert.equal(call('strcmp', 'ABC', 'abc'), -1);
  assert.equal(call('strrep', 'ABC', 2), 'ABCABC');
  assert.equal(call('strrep', 123, 3, '.'), '123.123.123');
  assert.equal(call('strrep', typed(30_000_000n, 'timespan'), 2, ' '), '00:00:03 00:00:03');
  assert.equal((call('strrep', 'a', 5000) as string).length, 1024);
  assert.equal(call('toupper', 'hello ß é'), 'HELLO ß É');
  assert.equal(call('tolower', 'HELLO İ É'), 'hello i é');
  assert.equal(call('reverse', 'ABCD'), 'DCBA');
  assert.equal(call('reverse', 'a😀b'), 'b😀a');
  assert.equal(call('reverse', 123), '321');
});

test('indexof (docs examples)', () => {
  assert.equal(call('indexof', 'abcdefg', 'cde'), 2);
  assert.equal(call('indexof', 'abcdefg', 'cde', 1, 4), 2);
  assert.equal(call('indexof', 'abcdefg', 'cde', 1, 2), -1);
  assert.equal(call('indexof', 'abcdefg', 'cde', 3, 4), -1);
  assert.equal(call('indexof', 'abcdefg', 'cde', -5), 2);
  assert.equal(call('indexof', 1234567, 5, 1, 4), 4);
  assert.equal(call('indexof', 'abcdefg', 'cde', 2, -1), 2);
  assert.equal(call('indexof', 'abcdefgabcdefg', 'cde', 1, 10, 2), 9);
  assert.equal(call('indexof', 'abcdefgabcdefg', 'cde', 1, -1, 3), -1);
  assert.equal(call('indexof', 'abc', 'b', 0, -2), null);
  assert.equal(call('indexof', 'abc', 'b', 0, -1, -1), null);
});

test('split (docs examples)', () => {
  assert.deepEqual(call('split', 'aa_bb', '_'), ['aa', 'bb']);
  assert.deepEqual(call('split', 'aaa_bbb_ccc', '_', 1), ['bbb']);
  assert.deepEqual(call('split', '', '_'), ['']);
  assert.deepEqual(call('split', 'a__b', '_'), ['a', '', 'b']);
  assert.deepEqual(call('split', 'aabbcc', 'bb'), ['aa', 'cc']);
  assert.deepEqual(call('split', 'a_b', '_', 5), []);
});

test('replace_string, replace_strings (docs examples)', () => {
  assert.equal(call('replace_string', 'A magic trick can turn a cat into a dog', 'cat', 'hamster'), 'A magic trick can turn a hamster into a dog');
  assert.equal(call('replace_string', 'aaa', '', 'x'), 'aaa');
  const m = 'A magic trick can turn a cat into a dog';
  assert.equal(call('replace_strings', m, ['cat', 'dog'], ['dog', 'pigeon']), 'A magic trick can turn a dog into a pigeon');
  assert.equal(call('replace_strings', m, ['turn', ' into a dog'], ['disappear', '']), 'A magic trick can disappear a cat');
  const t = 'This is an example of using replace_strings()';
  assert.equal(call('replace_strings', t, ['This', 'is'], ['This', 'was']), 'This was an example of using replace_strings()');
  assert.equal(call('replace_strings', t, ['is', 'This'], ['was', 'This']), 'Thwas was an example of using replace_strings()');
  assert.equal(call('replace_strings', t, ['This', 'is'], [12345, 'was']), 'This was an example of using replace_strings()');
});

test('trim, trim_start, trim_end (docs examples)', () => {
  assert.equal(call('trim', '--', '--https://bing.com--'), 'https://bing.com');
  assert.equal(call('trim', '[^\\w]+', '-  Te st1// $'), 'Te st1');
  assert.equal(call('trim', '\\s+', '    Hello, world!    '), 'Hello, world!');
  assert.equal(call('trim_start', '.', 'abc'), '');
  assert.equal(call('trim_start', 'ab', 'ababxab'), 'xab');
  assert.equal(call('trim_end', 'ab', 'abxabab'), 'abx');
  assert.equal(call('trim_end', '[d-z]+', 'abcdefg'), 'abc');
});

test('countof (docs examples)', () => {
  assert.equal(call('countof', 'aaa', 'a'), 3);
  assert.equal(call('countof', 'aaaa', 'aa'), 3);
  assert.equal(call('countof', 'ababa', 'ab', 'normal'), 2);
  assert.equal(call('countof', 'ababa', 'aba'), 2);
  assert.equal(call('countof', 'ababa', 'aba', 'regex'), 1);
  assert.equal(call('countof', 'abcabc', 'a.c', 'regex'), 2);
  assert.throws(() => call('countof', 'a', 'a', 'fuzzy'), KqlError);
});

test('translate (docs examples)', () => {
  assert.equal(call('translate', 'abc', 'x', 'abc'), 'xxx');
  assert.equal(call('translate', 'abc', '', 'ab'), '');
  assert.equal(call('translate', 'krasp', 'otsku', 'spark'), 'kusto');
});

test('parse_command_line follows CommandLineToArgvW', () => {
  assert.deepEqual(call('parse_command_line', 'echo "hello world!"', 'windows'), ['echo', 'hello world!']);
  assert.deepEqual(call('parse_command_line', '"C:\\Program Files\\a.exe" -x  "a\\"b" c\\\\"d e" f\\g', 'Windows'), [
    'C:\\Program Files\\a.exe',
    '-x',
    'a"b',
    'c\\d e',
    'f\\g',
  ]);
  assert.deepEqual(call('parse_command_line', '', 'windows'), []);
  assert.throws(() => call('parse_command_line', 'a', 'linux'), /parser type/);
});

test('parse_csv (docs examples)', () => {
  assert.deepEqual(call('parse_csv', 'aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\nline2"'), [
    'aa',
    'b,b,b',
    'cc',
    'Escaping quotes: "Title"',
    'line1\nline2',
  ]);
  assert.deepEqual(call('parse_csv', 'record1,a,b,c\nrecord2,x,y,z'), ['record1', 'a', 'b', 'c']);
  assert.deepEqual(call('parse_csv', ''), ['']);
});

test('format_bytes (docs examples)', () => {
  assert.equal(call('format_bytes', 564), '564 Bytes');
  assert.equal(call('format_bytes', 10332, 1), '10.1 KB');
  assert.equal(call('format_bytes', 20010332), '19 MB');
  assert.equal(call('format_bytes', 20010332, 2), '19.08 MB');
  assert.equal(call('format_bytes', 20010332, 0, 'KB'), '19541 KB');
  assert.equal(call('format_bytes', typed(null, 'long')), '');
});

test('has_any_index, isascii, isutf8, codepoints', () => {
  assert.equal(call('has_any_index', 'this is an example', ['this', 'example']), 0);
  assert.equal(call('has_any_index', 'this is an example', ['not', 'example']), 1);
  assert.equal(call('has_any_index', 'this is an example', ['not', 'found']), -1);
  assert.equal(call('isascii', 'some string'), true);
  assert.equal(call('isascii', 'é'), false);
  assert.equal(call('isutf8', 'some string'), true);
  assert.equal(call('isutf8', 'a\ud800b'), false);
  assert.deepEqual(call('unicode_codepoints_from_string', 'KQL'), [75, 81, 76]);
  assert.deepEqual(call('unicode_codepoints_from_string', '⒦'), [9382]);
  assert.equal(call('unicode_codepoints_to_string', 75, 117, 115, 116, 111), 'Kusto');
  assert.equal(call('unicode_codepoints_to_string', [75, 117, 115], 116, 111), 'Kusto');
  assert.equal(call('make_string', [75, 81, 76]), 'KQL');
  assert.throws(() => call('unicode_codepoints_to_string', -1), KqlError);
  assert.deepEqual(call('to_utf8', 'é'), [195, 169]);
});

test('base64 functions (docs examples)', () => {
  assert.equal(call('base64_encode_tostring', 'Kusto'), 'S3VzdG8=');
  assert.equal(call('base64_decode_tostring', 'S3VzdG8='), 'Kusto');
  assert.equal(call('base64_decode_tostring', 'U3RyaW5n0KHRgtGA0L7Rh9C60LA='), 'StringСтрочка');
  assert.equal(call('base64_decode_tostring', '0KHR0tGA0L7Rh9C60LA'), '', 'unpadded text is invalid');
  assert.equal(call('base64_decode_tostring', '/w=='), '', 'invalid UTF-8');
  assert.deepEqual(call('base64_decode_toarray', 'S3VzdG8='), [75, 117, 115, 116, 111]);
  assert.equal(call('base64_encode_fromarray', [75, 117, 115, 116, 111]), 'S3VzdG8=');
  assert.equal(call('base64_decode_toguid', 'JpbpECu8dUy7Pv5gbeJXAA=='), '10e99626-bc2b-4c75-bb3e-fe606de25700');
  assert.equal(call('base64_encode_fromguid', typed('ae3133f2-6e22-49ae-b06a-16e6a9b212eb', 'guid')), '8jMxriJurkmwahbmqbIS6w==');
});

test('property: base64 round-trips any well-formed string; split/strcat_delim are inverse', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      assert.equal(call('base64_decode_tostring', call('base64_encode_tostring', s)), s);
      assert.equal(call('strlen', s), [...s].length);
      return true;
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z]*$/), { minLength: 2, maxLength: 5 }), (parts) => {
      const joined = call('strcat_delim', ',', ...parts) as string;
      assert.deepEqual(call('split', joined, ','), parts);
      return true;
    }),
  );
});
