import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalDynamicText, compareDynamic, dynamicEquals, dynamicFromScalar, dynamicKind, formatDynamic, parseDynamicLiteral,
  parseJson, parseJsonStrict,
} from '../../src/kql/values/dynamic.js';
import { KqlError, type DynamicValue } from '../../src/kql/types.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';

test('parse_json examples from the dynamic docs', () => {
  assert.deepEqual(parseJson('[43, 21, 65]'), [43, 21, 65]);
  assert.deepEqual(parseJson('{"name":"Alan", "age":21, "address":{"street":432,"postcode":"JLK32P"}}'),
    { name: 'Alan', age: 21, address: { street: 432, postcode: 'JLK32P' } });
  assert.equal(parseJson('21'), 21);
  assert.equal(parseJson('"21"'), '21');
  assert.deepEqual(parseJson('{"a":123, "b":"hello", "c":[1,2,3], "d":{}}'), { a: 123, b: 'hello', c: [1, 2, 3], d: {} });
});

test('invalid JSON stays a dynamic string; empty text is null', () => {
  assert.equal(parseJson('not json'), 'not json');
  assert.equal(parseJson("{'a': 1}"), "{'a': 1}");
  assert.equal(parseJson(''), null);
  assert.equal(parseJson('   '), null);
  assert.equal(dynamicKind(parseJson('[]')), 'array');
  assert.equal(dynamicKind(parseJson('{}')), 'dictionary');
});

test('integers beyond ±2^53 are refused, never rounded; beyond long range they read as real', () => {
  assert.throws(() => parseJson('{"id": 9007199254740993}'), KqlError);
  assert.throws(() => parseJson('[-9223372036854775808]'), KqlError);
  assert.equal(parseJson('9007199254740992'), 9007199254740992);
  assert.deepEqual(parseJson('{"x": 123456789012345678901234567890}'), { x: 1.2345678901234568e29 });
  // Digit runs inside strings do not trigger the refusal.
  assert.deepEqual(parseJson('{"s": "12345678901234567890"}'), { s: '12345678901234567890' });
  assert.deepEqual(parseJson('{"f": 12345678901234567.5}'), { f: 12345678901234568 });
});

test('strict parsing reports the offset', () => {
  assert.throws(() => parseJsonStrict('{"a": }'), (e: unknown) => e instanceof KqlError && /offset 6/.test(e.message));
  assert.throws(() => parseJsonStrict('[1, 2'), /invalid JSON/);
});

test('dynamic literals accept Kusto literals inside (as the docs allow)', () => {
  const v = parseDynamicLiteral('{"a": datetime(1970-05-11), "b": 1d, "c": [time(00:10:00), guid(12345678-1234-1234-1234-123456789ABC)], "d": long(null), "e": real(1.5)}');
  assert.deepEqual(v, {
    a: '1970-05-11T00:00:00.0000000Z', b: '1.00:00:00', c: ['00:10:00', '12345678-1234-1234-1234-123456789abc'], d: null, e: 1.5,
  });
  assert.throws(() => parseDynamicLiteral('[datetime(nope)]'), /invalid datetime literal/);
  assert.throws(() => parseDynamicLiteral('[foo(1)]'), /not supported: foo/);
  assert.throws(() => parseJsonStrict('[datetime(2020-01-01)]'), /invalid JSON/);
});

test('formatDynamic prints compact JSON', () => {
  assert.equal(formatDynamic({ a: 1, b: [1, 2.5, 'x', true, null], c: {} }), '{"a":1,"b":[1,2.5,"x",true,null],"c":{}}');
  assert.equal(formatDynamic('a"b'), '"a\\"b"');
  assert.equal(formatDynamic(1e20), '1E+20');
  // A whole real beyond 2^53 prints as .NET's round-trip text with Json.NET's `.0`.
  assert.equal(formatDynamic(12345678901234568), '12345678901234568.0');
  assert.equal(parseJson(formatDynamic([12345678901234568]))?.toString(), '12345678901234568');
  assert.equal(formatDynamic(null), 'null');
});

const json: fc.Arbitrary<DynamicValue> = fc.letrec<{ value: DynamicValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

test('property: formatDynamic -> parseJson round-trips', () => {
  fc.assert(fc.property(json, (v) => {
    const text = formatDynamic(v);
    const back = parseJson(text);
    assert.ok(dynamicEquals(back, v), text);
  }), { numRuns: 1000 });
});

test('property: compareDynamic is a total order consistent with equality', () => {
  fc.assert(fc.property(json, json, json, (a, b, c) => {
    assert.equal(Math.sign(compareDynamic(a, b)) + Math.sign(compareDynamic(b, a)), 0);
    if (compareDynamic(a, b) <= 0 && compareDynamic(b, c) <= 0) assert.ok(compareDynamic(a, c) <= 0);
    assert.equal(compareDynamic(a, a), 0);
    if (dynamicEquals(a, b)) assert.equal(canonicalDynamicText(a), canonicalDynamicText(b));
  }), { numRuns: 500 });
});

test('deep equality ignores key order', () => {
  assert.ok(dynamicEquals({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(!dynamicEquals({ a: 1 }, { a: 1, b: null }));
  assert.ok(!dynamicEquals([1, 2], [2, 1]));
});

test('dynamicFromScalar stores datetime/timespan as their ADX text', () => {
  assert.equal(dynamicFromScalar('datetime', parseDatetimeLiteral('2020-01-01')), '2020-01-01T00:00:00.0000000Z');
  assert.equal(dynamicFromScalar('timespan', 10_000_000n), '00:00:01');
  assert.equal(dynamicFromScalar('long', null), null);
  assert.deepEqual(dynamicFromScalar('dynamic', [1]), [1]);
});
