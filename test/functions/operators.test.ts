import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  stringOperators as ops,
  prepareStringListOperator,
  stringListOperators,
  hasAnyIndex,
} from '../../src/kql/functions/text/operators.js';
import { termsOf } from '../../src/kql/functions/text/terms.js';
import { KqlError } from '../../src/kql/types.js';

const op = (name: string) => {
  const f = ops[name];
  assert.ok(f, `operator ${name} exists`);
  return f;
};

test('docs examples for the string operator table all yield true', () => {
  const examples: [string, string, string][] = [
    ['==', 'aBc', 'aBc'],
    ['!=', 'abc', 'ABC'],
    ['=~', 'abc', 'ABC'],
    ['!~', 'aBc', 'xyz'],
    ['contains', 'FabriKam', 'BRik'],
    ['!contains', 'Fabrikam', 'xyz'],
    ['contains_cs', 'FabriKam', 'Kam'],
    ['!contains_cs', 'Fabrikam', 'Kam'],
    ['endswith', 'Fabrikam', 'Kam'],
    ['!endswith', 'Fabrikam', 'brik'],
    ['endswith_cs', 'Fabrikam', 'kam'],
    ['!endswith_cs', 'Fabrikam', 'brik'],
    ['has', 'North America', 'america'],
    ['!has', 'North America', 'amer'],
    ['has_cs', 'North America', 'America'],
    ['!has_cs', 'North America', 'amer'],
    ['hasprefix', 'North America', 'ame'],
    ['!hasprefix', 'North America', 'mer'],
    ['hasprefix_cs', 'North America', 'Ame'],
    ['!hasprefix_cs', 'North America', 'CA'],
    ['hassuffix', 'North America', 'ICA'],
    ['!hassuffix', 'North America', 'americ'],
    ['hassuffix_cs', 'North America', 'ica'],
    ['!hassuffix_cs', 'North America', 'icA'],
    ['startswith', 'Fabrikam', 'fab'],
    ['!startswith', 'Fabrikam', 'kam'],
    ['startswith_cs', 'Fabrikam', 'Fab'],
    ['!startswith_cs', 'Fabrikam', 'fab'],
    ['hassuffix', 'microsoftWindowsSource5', 'CE5'],
    ['!hassuffix', 'microsoftWindowsSource5', 'micro'],
    ['matches regex', 'Fabrikam', 'b.*k'],
  ];
  for (const [name, l, r] of examples) assert.equal(op(name)(l, r), true, `${JSON.stringify(l)} ${name} ${JSON.stringify(r)}`);
});

test('has is term matching, not substring matching', () => {
  assert.equal(op('has')('KustoExplorerQueryRun', 'Explorer'), false);
  assert.equal(op('contains')('KustoExplorerQueryRun', 'Explorer'), true);
  const s = 'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun';
  for (const t of ['Kusto', 'KustoExplorerQueryRun', 'ad67d136', 'c1db', '4f9f', '88ef', 'd94f3b6b0b5a']) {
    assert.equal(op('has')(s, t), true, t);
  }
  assert.deepEqual(termsOf(s), ['Kusto', 'ad67d136', 'c1db', '4f9f', '88ef', 'd94f3b6b0b5a', 'KustoExplorerQueryRun']);
  assert.equal(op('has')('hello_world', 'world'), true, 'underscore is a delimiter');
  assert.equal(op('has')('BA', 'b'), false);
});

test('has with a multi-term needle matches the phrase at term boundaries', () => {
  const url =
    'https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/test.rg000001?api-version=2021-04-01';
  assert.equal(op('has')(url, 'resourcegroups/test.rg000001'), true);
  assert.equal(op('has')(url, '/resourcegroups/test.rg000001?'), true);
  assert.equal(op('has')('North America', 'North America'), true);
  assert.equal(op('has')('10.1.2.3', '10.1.2'), true);
  assert.equal(op('has')('110.1.2.3', '10.1.2'), false);
  assert.equal(op('has')('10.1.2.30', '10.1.2.3'), false);
  assert.equal(op('has')('x a-b y', 'a-b'), true);
  assert.equal(op('has')('xa-b', 'a-b'), false);
  // a later occurrence can satisfy the boundaries when an earlier one does not
  assert.equal(op('has')('abcd cd', 'cd'), true);
});

test('case-insensitive operators fold ASCII only, as the docs state', () => {
  assert.equal(op('=~')('ABC', 'abc'), true);
  assert.equal(op('=~')('ÄBC', 'äbc'), false);
  assert.equal(op('has')('Привет мир', 'мир'), true);
  assert.equal(op('has')('Приветмир', 'мир'), false, 'Cyrillic letters are term characters');
  assert.equal(op('has_cs')('North America', 'america'), false);
});

test('matches regex is an RE2 search and reports bad patterns', () => {
  assert.equal(op('matches regex')('abc', 'b'), true);
  assert.equal(op('matches regex')('abc', '^b'), false);
  assert.throws(() => op('matches regex')('abc', 'a(b'), (e: unknown) => e instanceof KqlError && /a\(b/.test(e.message));
});

test('list operators', () => {
  assert.equal(prepareStringListOperator('in', ['123', '345', 'abc'])('abc'), true);
  assert.equal(prepareStringListOperator('!in', ['123', '345', 'abc'])('bca'), true);
  assert.equal(prepareStringListOperator('in~', ['123', '345', 'abc'])('Abc'), true);
  assert.equal(prepareStringListOperator('!in~', ['123', '345', 'ABC'])('bCa'), true);
  assert.equal(prepareStringListOperator('in', ['abc'])('ABC'), false);
  assert.equal(stringListOperators['has_any']!('North America', ['south', 'america']), true);
  assert.equal(stringListOperators['has_any']!('North America', ['amer']), false);
  assert.equal(stringListOperators['has_all']!('North America', ['north', 'AMERICA']), true);
  assert.equal(stringListOperators['has_all']!('North America', ['north', 'south']), false);
  assert.equal(stringListOperators['has_any']!('abc', []), false);
  assert.equal(stringListOperators['has_all']!('abc', []), true);
  assert.equal(hasAnyIndex('this is an example', ['this', 'example']), 0);
  assert.equal(hasAnyIndex('this is an example', ['not', 'example']), 1);
  assert.equal(hasAnyIndex('this is an example', ['not', 'found']), -1);
});

const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const delim = fc.constantFrom(' ', '-', '.', '_', '/', ';', ':', '|', '"');
const sentence = fc.array(fc.tuple(word, delim), { minLength: 1, maxLength: 6 }).map((parts) => parts.map(([w, d]) => w + d).join(''));

test('property: a string has each of its own terms (any case), and has implies contains', () => {
  fc.assert(
    fc.property(sentence, (s) => {
      for (const t of termsOf(s)) {
        assert.equal(op('has')(s, t), true);
        assert.equal(op('has')(s, t.toUpperCase()), true);
        assert.equal(op('has_cs')(s, t), true);
        assert.equal(op('hasprefix')(s, t.slice(0, 1)), true);
        assert.equal(op('hassuffix')(s, t.slice(-1)), true);
      }
      return true;
    }),
  );
  fc.assert(
    fc.property(fc.string(), fc.string(), (l, r) => {
      if (op('has')(l, r)) assert.equal(op('contains')(l, r), true);
      if (op('hasprefix')(l, r) || op('hassuffix')(l, r)) assert.equal(op('contains')(l, r), true);
      assert.equal(op('!has')(l, r), !op('has')(l, r));
      assert.equal(op('!contains_cs')(l, r), !op('contains_cs')(l, r));
      return true;
    }),
  );
});

test('property: every substring is contained', () => {
  fc.assert(
    fc.property(fc.string(), fc.nat(), fc.nat(), (s, a, b) => {
      const [i, j] = [a % (s.length + 1), b % (s.length + 1)].sort((x, y) => x - y) as [number, number];
      assert.equal(op('contains_cs')(s, s.slice(i, j)), true);
      assert.equal(op('contains')(s.toUpperCase(), s.slice(i, j).toLowerCase()) || /[^\x00-\x7f]/.test(s), true);
      return true;
    }),
  );
});

test('property: for a single-term needle, has is exactly term equality', () => {
  fc.assert(
    fc.property(sentence, word, (s, needle) => {
      const expected = termsOf(s).some((t) => t.toLowerCase() === needle.toLowerCase());
      assert.equal(op('has')(s, needle), expected);
      const expectedPrefix = termsOf(s).some((t) => t.toLowerCase().startsWith(needle.toLowerCase()));
      assert.equal(op('hasprefix')(s, needle), expectedPrefix);
      return true;
    }),
  );
});
