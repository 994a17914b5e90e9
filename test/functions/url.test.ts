import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { urlFunctions } from '../../src/kql/functions/scalar/url.js';
import { makeCaller } from './scalar-call.js';

const { call } = makeCaller(urlFunctions);

test('parse_url (docs example)', () => {
  assert.deepEqual(call('parse_url', 'scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment'), {
    Scheme: 'scheme',
    Host: 'host',
    Port: '1234',
    Path: '/this/is/a/path',
    Username: 'username',
    Password: 'password',
    'Query Parameters': { k1: 'v1', k2: 'v2' },
    Fragment: 'fragment',
  });
  const simple = call('parse_url', 'https://bing.com') as Record<string, unknown>;
  assert.equal(simple['Host'], 'bing.com');
  assert.equal(simple['Path'], '');
  assert.equal((call('parse_url', 'bing.com') as Record<string, unknown>)['Host'], '', 'not an absolute URL');
  assert.deepEqual((call('parse_url', 'http://h/p?q=a%20b+c') as Record<string, unknown>)['Query Parameters'], { q: 'a b c' });
});

test('parse_urlquery (docs example)', () => {
  assert.deepEqual(call('parse_urlquery', 'k1=v1&k2=v2&k3=v3'), { 'Query Parameters': { k1: 'v1', k2: 'v2', k3: 'v3' } });
  assert.deepEqual(call('parse_urlquery', '?a=1&b'), { 'Query Parameters': { a: '1', b: '' } });
});

test('parse_path (docs examples)', () => {
  const expect = (p: string, o: Record<string, string>) => assert.deepEqual(call('parse_path', p), o, p);
  expect('C:\\temp\\file.txt', { Scheme: '', RootPath: 'C:', DirectoryPath: 'C:\\temp', DirectoryName: 'temp', Filename: 'file.txt', Extension: 'txt', AlternateDataStreamName: '' });
  expect('temp\\file.txt', { Scheme: '', RootPath: '', DirectoryPath: 'temp', DirectoryName: 'temp', Filename: 'file.txt', Extension: 'txt', AlternateDataStreamName: '' });
  expect('file://C:/temp/file.txt:some.exe', { Scheme: 'file', RootPath: 'C:', DirectoryPath: 'C:/temp', DirectoryName: 'temp', Filename: 'file.txt', Extension: 'txt', AlternateDataStreamName: 'some.exe' });
  expect('\\\\shared\\users\\temp\\file.txt.gz', { Scheme: '', RootPath: '', DirectoryPath: '\\\\shared\\users\\temp', DirectoryName: 'temp', Filename: 'file.txt.gz', Extension: 'gz', AlternateDataStreamName: '' });
  expect('/usr/lib/temp/file.txt', { Scheme: '', RootPath: '', DirectoryPath: '/usr/lib/temp', DirectoryName: 'temp', Filename: 'file.txt', Extension: 'txt', AlternateDataStreamName: '' });
});

test('url_encode / url_encode_component / url_decode (docs examples)', () => {
  assert.equal(call('url_encode', 'https://www.bing.com/hello world'), 'https%3a%2f%2fwww.bing.com%2fhello+world');
  assert.equal(call('url_encode_component', 'https://www.bing.com/hello world/'), 'https%3a%2f%2fwww.bing.com%2fhello%20world%2f');
  assert.equal(call('url_decode', 'https%3a%2f%2fwww.bing.com%2f'), 'https://www.bing.com/');
  assert.equal(call('url_decode', '%C3%A9+x%zz'), 'é x%zz');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      assert.equal(call('url_decode', call('url_encode', s)), s);
      assert.equal(call('url_decode', call('url_encode_component', s)), s);
      return true;
    }),
  );
});
