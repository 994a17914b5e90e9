import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miscFunctions } from '../../src/kql/functions/scalar/misc.js';
import { KqlError } from '../../src/kql/types.js';
import { makeCaller, typed } from './scalar-call.js';

const { call, returnType, def } = makeCaller(miscFunctions);
const t = (type: string) => ({ type }) as never;

test('iff / iif', () => {
  assert.equal(call('iff', true, 'yes', 'no'), 'yes');
  assert.equal(call('iif', false, 'yes', 'no'), 'no');
  assert.equal(call('iff', typed(null, 'bool'), 1, 2), 2, 'a null condition takes the else branch');
  assert.equal(returnType('iff', t('bool'), t('long'), t('real')), 'real');
  assert.equal(returnType('iff', t('bool'), t('int'), t('long')), 'long');
  assert.equal(returnType('iff', t('bool'), t('long'), t('dynamic')), 'long');
  assert.match(returnType('iff', t('bool'), t('string'), t('long')), /^error:/);
  assert.equal(call('iff', false, 1, typed('x', 'dynamic')), null, 'a dynamic branch of the wrong kind becomes null');
});

test('case (docs-style example)', () => {
  const size = (n: number) => call('case', n <= 3, 'Small', n <= 10, 'Medium', 'Large');
  assert.equal(size(1), 'Small');
  assert.equal(size(7), 'Medium');
  assert.equal(size(20), 'Large');
  assert.equal(returnType('case', t('bool'), t('long'), t('bool'), t('real'), t('long')), 'real');
  assert.match(returnType('case', t('bool'), t('long')), /^error:/);
  assert.match(returnType('case', t('long'), t('long'), t('long')), /^error:/);
});

test('coalesce (docs example) skips nulls and empty strings', () => {
  assert.equal(call('coalesce', typed(null, 'long'), 42, 33), 42);
  assert.equal(call('coalesce', '', 'a', 'b'), 'a');
  assert.equal(call('coalesce', '', ''), '');
  assert.equal(call('coalesce', typed(null, 'long'), typed(null, 'long')), null);
  assert.equal(returnType('coalesce', t('int'), t('long')), 'long');
  assert.match(returnType('coalesce', t('dynamic'), t('long')), /^error:/);
});

test('max_of / min_of (docs examples): non-null values take precedence', () => {
  assert.equal(call('max_of', 10, 1, -3, 17), 17);
  assert.equal(call('min_of', 10, 1, -3, 17), -3);
  assert.equal(call('max_of', typed(null, 'int'), 2), 2);
  assert.equal(call('max_of', 1, typed(null, 'int')), 1);
  assert.equal(call('max_of', typed(null, 'int'), typed(null, 'int')), null);
  assert.equal(call('max_of', 'a', 'b'), 'b');
  assert.equal(call('min_of', typed(5n, 'datetime'), typed(3n, 'datetime')), 3n);
  assert.equal(returnType('max_of', t('int'), t('real')), 'real');
  assert.equal(returnType('max_of', t('string'), t('string')), 'string');
});

test('not, assert, new_guid, environment functions', () => {
  assert.equal(call('not', true), false);
  assert.equal(call('not', typed(null, 'bool')), null);
  assert.equal(call('assert', true, 'fine'), true);
  assert.throws(() => call('assert', false, 'value out of range'), (e: unknown) => e instanceof KqlError && /value out of range/.test(e.message));
  const g = call('new_guid') as string;
  assert.match(g, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(call('new_guid'), g);
  assert.equal(def('new_guid').deterministic, false);
  for (const name of ['current_cluster_endpoint', 'current_database', 'current_principal', 'extent_id', 'estimate_data_size']) {
    assert.equal(def(name).impl, undefined, `${name} is refused at run time`);
  }
});

test('every function of the six groups is a known ADX function; fixed return types agree with the oracle', async () => {
  const { KNOWN_FUNCTIONS } = await import('../../src/kql/semantics/known-functions.js');
  const groups = await Promise.all([
    import('../../src/kql/functions/scalar/string.js').then((m) => m.stringFunctions),
    import('../../src/kql/functions/scalar/regex.js').then((m) => m.regexFunctions),
    import('../../src/kql/functions/scalar/math.js').then((m) => m.mathFunctions),
    import('../../src/kql/functions/scalar/hash.js').then((m) => m.hashFunctions),
    import('../../src/kql/functions/scalar/url.js').then((m) => m.urlFunctions),
    Promise.resolve(miscFunctions),
  ]);
  for (const d of groups.flat()) {
    for (const name of [d.name, ...(d.aliases ?? [])]) {
      const known = KNOWN_FUNCTIONS.find((k) => k.name === name && k.kind === 'scalar');
      assert.ok(known, `${name} is an ADX scalar function`);
      const fixed = known.sigs.map((s) => s.ret).filter((r) => !r.startsWith('@'));
      if (typeof d.returns === 'string' && fixed.length > 0) {
        assert.ok(fixed.includes(d.returns), `${name}: returns ${d.returns}, the oracle says ${fixed.join('|')}`);
      }
    }
  }
});
