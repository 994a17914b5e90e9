// Reading content function files: the `.create-or-alter function` command, header directives,
// and errors that name the file and line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContentFunctionError, loadContentFunctions, parseContentFunction } from '../../src/catalog/content-functions.js';
import { ContentCatalogue } from '../../src/catalog/catalogue.js';

test('the command, its with() properties and the merge directive', () => {
  const fn = parseContentFunction('f.kql', [
    '// Conns(): every connection.',
    '// @merge-with-table',
    '.create-or-alter function with (folder = "a/b", docstring = "All (yes) of them") Conns(n:long = 3) {',
    '    Zeek_conn | take n',
    '}',
  ].join('\n'));
  assert.equal(fn.name, 'Conns');
  assert.equal(fn.mergeWithTable, true);
  assert.equal(fn.folder, 'a/b');
  assert.equal(fn.docstring, 'All (yes) of them');
  assert.match(fn.declaration, /^\(n:long = 3\) \{\s+Zeek_conn \| take n\s+\}$/);
  const plain = parseContentFunction('g.kql', '.create function G() { print 1 }');
  assert.equal(plain.mergeWithTable, false);
  assert.equal(plain.docstring, undefined);
});

test('a directive only counts in the header, and errors name the file and line', () => {
  const fn = parseContentFunction('h.kql', '.create function H() {\n // @merge-with-table\n print 1 }');
  assert.equal(fn.mergeWithTable, false);
  assert.throws(() => parseContentFunction('bad.kql', '// header\nlet x = 1;'), (e: unknown) => {
    assert.ok(e instanceof ContentFunctionError);
    assert.match(e.message, /^bad\.kql: line 2: expected '\.create-or-alter function Name/);
    return true;
  });
  assert.throws(() => parseContentFunction('syntax.kql', '// h\n.create function S() {\n  T\n  | where\n}'), /syntax\.kql: line 5: expected an expression after 'where'/);
});

test('a folder of functions; a name defined twice is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-fns-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.kql'), '.create function A() { print 1 }');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    assert.deepEqual(loadContentFunctions(dir).map((f) => f.name), ['A']);
    fs.writeFileSync(path.join(dir, 'b.kql'), '.create function A() { print 2 }');
    assert.throws(() => loadContentFunctions(dir), /function 'A' is also defined in/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('user function folders replace built-ins of the same name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-fns-'));
  try {
    fs.writeFileSync(path.join(dir, 'subnets.kql'), '.create-or-alter function _KqlHunt_InternalSubnets() { dynamic(["100.64.0.0/10"]) }');
    const cat = new ContentCatalogue({ functionDirs: [dir] });
    assert.equal(cat.functions.get('_KqlHunt_InternalSubnets')!.file, path.join(dir, 'subnets.kql'));
    assert.ok(cat.functions.has('VMConnection'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the let prelude orders functions after those they call', () => {
  const prelude = new ContentCatalogue().letPrelude();
  const at = (name: string): number => prelude.indexOf(`let ${name} =`);
  assert.ok(at('_KqlHunt_InternalSubnets') < at('_KqlHunt_IsInternal'));
  assert.ok(at('_KqlHunt_IsInternal') < at('VMConnection'));
  assert.ok(at('_ASim_Dns_Zeek') < at('_Im_Dns'));
});
