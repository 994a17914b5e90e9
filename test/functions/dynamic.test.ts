// Dynamic/array/bag/set functions: golden examples from each docs page, edge cases, properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KNOWN_FUNCTIONS } from '../../src/kql/semantics/known-functions.js';
import { dynamicFunctions } from '../../src/kql/functions/scalar/dynamic.js';
import type { ArgInfo, CallContext } from '../../src/kql/functions/registry.js';
import { KqlError, NotSupportedError, type DynamicValue, type Scalar, type ScalarType } from '../../src/kql/types.js';

function def(name: string) {
  const d = dynamicFunctions.find((f) => f.name === name || f.aliases?.includes(name));
  assert.ok(d?.impl, `no implementation for ${name}`);
  return d;
}

/** Calls with argument types inferred from JS values (bigints must be typed explicitly). */
function call(name: string, ...args: Scalar[]): Scalar {
  return callTyped(name, args.map((a) => ({ type: inferType(a) })), args);
}

function callTyped(name: string, infos: ArgInfo[], args: Scalar[], extra: Partial<CallContext> = {}): Scalar {
  const ctx: CallContext = { now: 0n, cache: new Map(), args: infos, ...extra };
  return def(name).impl!(args, ctx);
}

function inferType(v: Scalar): ScalarType | 'unknown' {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'unknown';
  return 'dynamic';
}

const DAY = 864_000_000_000n;
const HOUR = 36_000_000_000n;
const ticks2015 = 635556672000000000n; // 2015-01-01

test('array_concat docs example', () => {
  for (const x of [1, 2, 3]) {
    const y = x * 2;
    const z = y * 2;
    assert.deepEqual(call('array_concat', [x, y, z], [x, y]), [x, y, z, x, y]);
  }
  assert.deepEqual(call('array_concat', [1], [], [[2]]), [1, [2]]);
  assert.equal(call('array_concat', [1], { a: 1 }), null);
});

test('array_iff docs examples', () => {
  assert.deepEqual(call('array_iff', [true, false, true], [1, 2, 3], [4, 5, 6]), [1, 5, 3]);
  assert.deepEqual(call('array_iif', [1, 0, 50], 'yes', 'no'), ['yes', 'no', 'yes']);
  assert.deepEqual(call('array_iff', ['some string value', '2022-01-01T00:00:00.0000000Z', null], 1, 0), [null, null, null]);
  assert.deepEqual(call('array_iff', [true, true, true], [1, 2], [3, 4]), [1, 2, null]);
  assert.equal(call('array_iff', 'x', 1, 2), null);
});

test('array_index_of docs examples', () => {
  const arr = ['this', 'is', 'an', 'example', 'an', 'example'];
  assert.equal(call('array_index_of', arr, 'an'), 2);
  assert.equal(call('array_index_of', arr, 'example', 1, 3), 3);
  assert.equal(call('array_index_of', arr, 'example', 1, 2), -1);
  assert.equal(call('array_index_of', arr, 'is', 2, 4), -1);
  assert.equal(call('array_index_of', arr, 'example', 2, -1), 3);
  assert.equal(call('array_index_of', arr, 'an', 1, -1, 2), 4);
  assert.equal(call('array_index_of', arr, 'an', 1, -1, 3), -1);
  assert.equal(call('array_index_of', arr, 'an', -3), 4);
  assert.equal(call('array_index_of', arr, 'is', -4), -1);
  assert.equal(call('array_index_of', arr, 'an', 0, -2), null);
  assert.equal(call('array_index_of', arr, 'an', 0, -1, -1), null);
  assert.equal(call('array_index_of', [1, 2, 3], 3), 2);
  assert.equal(call('array_index_of', 'not an array', 3), null);
});

test('array_index_of and set_has_element compare datetimes in their dynamic form', () => {
  const arr = ['2015-01-01T00:00:00.0000000Z'];
  assert.equal(callTyped('array_index_of', [{ type: 'dynamic' }, { type: 'datetime' }], [arr, ticks2015]), 0);
  assert.equal(callTyped('set_has_element', [{ type: 'dynamic' }, { type: 'datetime' }], [arr, ticks2015]), true);
  assert.throws(() => callTyped('set_has_element', [], [arr, ticks2015]), KqlError);
});

test('array_length, array_reverse, array_sum', () => {
  assert.equal(call('array_length', [1, 2, 3]), 3);
  assert.equal(call('array_length', { a: 1 }), null);
  assert.equal(call('array_length', null), null);
  assert.equal(call('arraylength', [1]), 1);
  assert.deepEqual(call('array_reverse', ['this', 'is', 'an', 'example']), ['example', 'an', 'is', 'this']);
  assert.equal(call('array_reverse', 'x'), null);
  assert.equal(call('array_sum', [1, 2, 3, 4]), 10);
  assert.equal(call('array_sum', [1, 'a']), null);
  assert.equal(call('array_sum', []), 0);
});

test('array_rotate and array_shift docs examples', () => {
  const arr = [1, 2, 3, 4, 5];
  assert.deepEqual(call('array_rotate_left', arr, 2), [3, 4, 5, 1, 2]);
  assert.deepEqual(call('array_rotate_left', arr, -2), [4, 5, 1, 2, 3]);
  assert.deepEqual(call('array_rotate_right', arr, 2), [4, 5, 1, 2, 3]);
  assert.deepEqual(call('array_rotate_right', arr, -2), [3, 4, 5, 1, 2]);
  assert.deepEqual(call('array_shift_left', arr, 2), [3, 4, 5, null, null]);
  assert.deepEqual(call('array_shift_left', arr, 2, -1), [3, 4, 5, -1, -1]);
  assert.deepEqual(call('array_shift_left', arr, -2, -1), [-1, -1, 1, 2, 3]);
  assert.deepEqual(call('array_shift_right', arr, 2), [null, null, 1, 2, 3]);
  assert.deepEqual(call('array_shift_right', arr, -2, -1), [3, 4, 5, -1, -1]);
  assert.deepEqual(call('array_shift_left', ['a', 'b'], 1), ['b', '']);
  assert.deepEqual(call('array_rotate_left', [], 3), []);
});

test('array_slice docs examples', () => {
  assert.deepEqual(call('array_slice', [1, 2, 3], 1, 2), [2, 3]);
  assert.deepEqual(call('array_slice', [1, 2, 3, 4, 5], 2, -1), [3, 4, 5]);
  assert.deepEqual(call('array_slice', [1, 2, 3, 4, 5], -3, -2), [3, 4]);
  assert.deepEqual(call('array_slice', [1, 2, 3], 1, 10), [2, 3]);
  assert.deepEqual(call('array_slice', [1, 2, 3], 2, 1), []);
  assert.deepEqual(call('array_slice', [1, 2, 3], -10, 0), [1]);
});

test('array_split docs examples', () => {
  assert.deepEqual(call('array_split', [1, 2, 3, 4, 5], 2), [[1, 2], [3, 4, 5]]);
  assert.deepEqual(call('array_split', [1, 2, 3, 4, 5], [1, 3]), [[1], [2, 3], [4, 5]]);
  assert.deepEqual(call('array_split', [1, 2, 3, 4, 5], -1), [[1, 2, 3, 4], [5]]);
  assert.deepEqual(call('array_split', [1, 2, 3], [3, 1]), [[1, 2, 3], [], []]);
});

test('array_sort_asc / array_sort_desc docs examples', () => {
  assert.deepEqual(call('array_sort_asc', [1, 3, 4, 5, 2], ['a', 'b', 'c', 'd', 'e']), [[1, 2, 3, 4, 5], ['a', 'e', 'b', 'c', 'd']]);
  assert.deepEqual(call('array_sort_asc', ['John', 'Paul', 'George', 'Ringo']), ['George', 'John', 'Paul', 'Ringo']);
  assert.deepEqual(call('array_sort_asc', [null, 'blue', 'yellow', 'green', null]), ['blue', 'green', 'yellow', null, null]);
  assert.deepEqual(call('array_sort_asc', [null, 'blue', 'yellow', 'green', null], false), [null, null, 'blue', 'green', 'yellow']);
  assert.deepEqual(call('array_sort_desc', [1, 3, 4, 5, 2], ['a', 'b', 'c', 'd', 'e']), [[5, 4, 3, 2, 1], ['d', 'c', 'b', 'e', 'a']]);
  assert.deepEqual(call('array_sort_desc', [null, 'blue', 'yellow', 'green', null]), ['yellow', 'green', 'blue', null, null]);
  assert.deepEqual(call('array_sort_asc', ['b', 2, 'a', 1]), [1, 2, 'a', 'b']);
  // Arrays whose length differs from the first come back null.
  assert.deepEqual(call('array_sort_asc', [2, 1], [1, 2, 3]), [[1, 2], null]);
  // The docs' chronological example: sort timestamps, reorder commands along.
  const times = ['2019-07-15T00:00:00.0000000Z', '2019-07-02T00:00:00.0000000Z', '2019-07-22T00:00:00.0000000Z'];
  assert.deepEqual((call('array_sort_asc', times, ['chmod', 'ls', 'dir']) as DynamicValue[])[1], ['ls', 'chmod', 'dir']);
});

test('array_sort_asc tells a null second array from the nulls_last flag by type', () => {
  assert.deepEqual(callTyped('array_sort_asc', [{ type: 'dynamic' }, { type: 'dynamic' }], [[2, 1], null]), [[1, 2], null]);
  assert.deepEqual(callTyped('array_sort_asc', [{ type: 'dynamic' }, { type: 'bool' }], [[2, null, 1], null]), [1, 2, null]);
});

test('bag_pack rejects an odd argument count when type-checking', () => {
  const d = def('bag_pack');
  assert.ok(typeof d.returns === 'function');
  assert.equal(d.returns([{ type: 'string' }, { type: 'long' }]), 'dynamic');
  assert.match(d.returns([{ type: 'string' }, { type: 'long' }, { type: 'string' }]), /^error:/);
});

test('array_sort_asc names its results as ADX does', () => {
  const d = def('array_sort_asc');
  assert.deepEqual(d.tupleNamesFor!([{ type: 'dynamic', columnName: 'array1' }, { type: 'dynamic', columnName: 'array2' }]), ['array1_sorted', 'array2_sorted']);
  assert.deepEqual(d.tupleNamesFor!([{ type: 'dynamic', columnName: 'a' }, { type: 'dynamic' }, { type: 'bool' }]), ['a_sorted', 'array1_sorted']);
  assert.equal(d.tupleNamesFor!([{ type: 'dynamic' }, { type: 'bool' }]), undefined);
});

test('bag_has_key docs examples', () => {
  assert.equal(call('bag_has_key', { key1: 123, key2: 'abc' }, 'key2'), true);
  assert.equal(call('bag_has_key', { key1: 123, key3: 'abc' }, 'key2'), false);
  const nested = { key1: 123, key2: { prop1: 'abc', prop2: 'xyz' }, key3: [100, 200] };
  assert.equal(call('bag_has_key', nested, '$.key2.prop1'), true);
  assert.equal(call('bag_has_key', nested, "$['key2']['prop3']"), false);
  assert.equal(call('bag_has_key', [1], 'a'), null);
  assert.throws(() => call('bag_has_key', nested, '$.key3[0]'), NotSupportedError);
});

test('bag_keys, bag_merge docs examples', () => {
  assert.deepEqual(call('bag_keys', { a: 1, b: { c: 2 } }), ['a', 'b']);
  assert.equal(call('bag_keys', [1]), null);
  assert.deepEqual(call('bag_merge', { A1: 12, B1: 2, C1: 3 }, { A2: 81, B2: 82, A1: 1 }), { A1: 12, B1: 2, C1: 3, A2: 81, B2: 82 });
});

test('bag_pack / pack / pack_array', () => {
  assert.deepEqual(call('bag_pack', 'Level', 'Information', 'ProcessID', 1234, 'Data', { url: 'x' }), { Level: 'Information', ProcessID: 1234, Data: { url: 'x' } });
  assert.deepEqual(call('pack', 'a', 1), { a: 1 });
  assert.deepEqual(call('pack_dictionary', 'a', null), { a: null });
  assert.deepEqual(callTyped('bag_pack', [{ type: 'string' }, { type: 'datetime' }, { type: 'string' }, { type: 'timespan' }], ['t', ticks2015, 'd', DAY + HOUR]),
    { t: '2015-01-01T00:00:00.0000000Z', d: '1.01:00:00' });
  assert.throws(() => call('bag_pack', 'a'), KqlError);
  assert.deepEqual(call('pack_array', 1, 'a', null, [2]), [1, 'a', null, [2]]);
  assert.deepEqual(call('bag_pack', '__proto__', 1), JSON.parse('{"__proto__":1}'));
});

test('bag_pack_columns docs example and pack_all', () => {
  const infos: ArgInfo[] = [{ type: 'string', columnName: 'Id' }, { type: 'string', columnName: 'Value' }];
  assert.deepEqual(callTyped('bag_pack_columns', infos, ['A', 'val_a']), { Id: 'A', Value: 'val_a' });
  assert.throws(() => callTyped('bag_pack_columns', [{ type: 'string' }], ['A']), KqlError);
  assert.equal(def('pack_all').needsRow, true);
  const row: ArgInfo[] = [
    { type: 'string', columnName: 'SourceNumber' },
    { type: 'string', columnName: 'TargetNumber' },
    { type: 'long', columnName: 'CharsCount' },
  ];
  const values: Scalar[] = ['555-555-1313', '', 42];
  assert.deepEqual(callTyped('pack_all', row, values, { rowArgsStart: 0 }), { SourceNumber: '555-555-1313', TargetNumber: '', CharsCount: 42 });
  assert.deepEqual(callTyped('pack_all', [{ type: 'bool' }, ...row], [true, ...values], { rowArgsStart: 1 }), { SourceNumber: '555-555-1313', CharsCount: 42 });
  assert.deepEqual(callTyped('pack_all', [{ type: 'bool' }, ...row], [false, ...values], { rowArgsStart: 1 }), { SourceNumber: '555-555-1313', TargetNumber: '', CharsCount: 42 });
  assert.throws(() => callTyped('pack_all', row, values), KqlError);
});

test('bag_remove_keys docs examples', () => {
  assert.deepEqual(call('bag_remove_keys', { key1: 123, key2: 'abc' }, ['key2', 'key4']), { key1: 123 });
  assert.deepEqual(call('bag_remove_keys', { key1: 'value', key3: 42.0 }, ['key2', 'key4']), { key1: 'value', key3: 42.0 });
  const input = { key1: 123, key2: { prop1: 'abc', prop2: 'xyz' }, key3: [100, 200] };
  assert.deepEqual(call('bag_remove_keys', input, ['$.key2.prop1', 'key3']), { key1: 123, key2: { prop2: 'xyz' } });
  assert.deepEqual(input.key2, { prop1: 'abc', prop2: 'xyz' }, 'the input is not mutated');
});

test('bag_set_key docs examples', () => {
  assert.deepEqual(call('bag_set_key', { key1: 1, key2: 2 }, 'key3', 3), { key1: 1, key2: 2, key3: 3 });
  assert.deepEqual(call('bag_set_key', { key1: 1, key3: 'abc' }, 'key3', 3), { key1: 1, key3: 3 });
  assert.deepEqual(call('bag_set_key', { key1: 123, key2: { prop1: 123, prop2: 'xyz' } }, '$.key2.prop1', 'abc'), { key1: 123, key2: { prop1: 'abc', prop2: 'xyz' } });
  assert.deepEqual(call('bag_set_key', { key1: 123 }, '$.key2.prop1', 'abc'), { key1: 123, key2: { prop1: 'abc' } });
  assert.equal(call('bag_set_key', [1], 'a', 1), null);
});

test('bag_zip docs examples', () => {
  assert.deepEqual(call('bag_zip', ['a', 'b', 'c'], [1, '2', 3.4]), { a: 1, b: '2', c: 3.4 });
  assert.deepEqual(call('bag_zip', ['a', 'b', 'c'], [1, '2']), { a: 1, b: '2', c: null });
  assert.deepEqual(call('bag_zip', ['a', 'b'], [1, '2', 2.5]), { a: 1, b: '2' });
  assert.deepEqual(call('bag_zip', ['a', 8, 'b'], [1, '2', 2.5]), { a: 1, b: 2.5 });
  assert.deepEqual(call('bag_zip', ['a', 8, 'b'], 1), { a: null, b: null });
  assert.equal(call('bag_zip', 'a', [1, '2', 2.5]), null);
});

test('set functions docs examples', () => {
  for (const x of [1, 2, 3]) {
    const y = x * 2, z = y * 2, w = z * 2;
    assert.deepEqual(call('set_difference', [x, y, x, z], [x, y], [x, y, w]), [z]);
    assert.deepEqual(call('set_union', [x, y, x, z], [x, y], [w]), [x, y, z, w]);
  }
  assert.deepEqual(call('set_difference', [1, 2, 3], [1, 2, 3]), []);
  assert.deepEqual(call('set_union', ['A4', 'A2', 'A7', 'A2'], ['A4', 'A2', 'A7', 'A2']), ['A4', 'A2', 'A7']);
  assert.deepEqual(call('set_intersect', [1, 2, 3, 2], [2, 3, 4], [3, 2]), [2, 3]);
  assert.deepEqual(call('set_intersect', [{ a: 1, b: 2 }], [{ b: 2, a: 1 }]), [{ a: 1, b: 2 }]);
  assert.equal(call('set_union', [1], 'x'), null);
  assert.equal(call('set_has_element', [1, 2, 3], 2), true);
  assert.equal(call('set_has_element', ['a'], 'A'), false);
  assert.equal(call('set_equals', [1, 2, 3], [3, 2, 1, 1]), true);
  assert.equal(call('set_equals', [1, 2], [1, 2, 3]), false);
});

test('treepath docs examples', () => {
  assert.deepEqual(call('treepath', { a: 'b', c: 123 }), ["['a']", "['c']"]);
  assert.deepEqual(call('treepath', { prop1: [1, 2, 3, 4], prop2: 'value2' }), ["['prop1']", "['prop1'][0]", "['prop2']"]);
  assert.deepEqual(call('treepath', { listProperty: [100, 200, 300, 'abcde', { x: 'y' }] }), ["['listProperty']", "['listProperty'][0]", "['listProperty'][0]['x']"]);
  assert.deepEqual(call('treepath', 5), []);
});

test('zip docs examples', () => {
  assert.deepEqual(call('zip', [1, 3, 5], [2, 4, 6]), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(call('zip', ['A', 1, 1.5], [{}, 'B']), [['A', {}], [1, 'B'], [1.5, null]]);
  assert.deepEqual(call('zip', [1, 2, 3], ['one', 'two', 'three']), [[1, 'one'], [2, 'two'], [3, 'three']]);
  assert.equal(call('zip', [1], 2), null);
});

test('repeat docs example', () => {
  assert.deepEqual(call('repeat', 1, 3), [1, 1, 1]);
  assert.deepEqual(call('repeat', 'a', 0), []);
  assert.equal(call('repeat', 'a', -1), null);
  assert.deepEqual(callTyped('repeat', [{ type: 'timespan' }, { type: 'long' }], [HOUR, 2]), ['01:00:00', '01:00:00']);
});

test('range docs examples', () => {
  assert.deepEqual(call('range', 1, 8, 3), [1, 4, 7]);
  assert.deepEqual(call('range', 1, 3), [1, 2, 3]);
  assert.deepEqual(call('range', 1.5, 3), [1.5, 2.5]);
  assert.deepEqual(call('range', 5, 1, -2), [5, 3, 1]);
  assert.deepEqual(call('range', 5, 1), []);
  assert.equal(call('range', 1, 5, 0), null);
  assert.deepEqual(callTyped('range', [{ type: 'timespan' }, { type: 'timespan' }], [HOUR, 5n * HOUR]), ['01:00:00', '02:00:00', '03:00:00', '04:00:00', '05:00:00']);
  const year = callTyped('range', [{ type: 'datetime' }, { type: 'datetime' }, { type: 'timespan' }], [ticks2015, ticks2015 + 364n * DAY, DAY]) as string[];
  assert.equal(year.length, 365);
  assert.equal(year[0], '2015-01-01T00:00:00.0000000Z');
  assert.equal(year[364], '2015-12-31T00:00:00.0000000Z');
  assert.equal((call('range', 1, 1_000_000_000) as number[]).length, 1_048_576);
  const d = def('range');
  assert.equal(typeof d.returns === 'function' && d.returns([{ type: 'datetime' }, { type: 'datetime' }, { type: 'long' }]).startsWith('error:'), true);
});

test('extract_json docs example and JSONPath subset', () => {
  const json = '{"name": "John", "age": 30, "city": "New York", "tags": ["a", {"k": [1, 2]}]}';
  assert.equal(callTyped('extract_json', [{ type: 'string' }, { type: 'string' }, { type: 'unknown', typeLiteral: 'string' }], ['$.name', json, 'string']), 'John');
  assert.equal(call('extractjson', '$.name', json), 'John');
  assert.equal(call('extract_json', '$.age', json), '30');
  assert.equal(callTyped('extract_json', [{ type: 'string' }, { type: 'string' }, { type: 'unknown', typeLiteral: 'long' }], ['$.age', json, 'long']), 30);
  assert.equal(call('extract_json', "$['tags'][1].k", json), '[1,2]');
  assert.equal(call('extract_json', '$.tags[1]["k"][1]', json), '2');
  assert.equal(call('extract_json', '$.missing', json), '');
  assert.equal(callTyped('extract_json', [{ type: 'string' }, { type: 'string' }, { type: 'unknown', typeLiteral: 'long' }], ['$.missing', json, 'long']), null);
  assert.equal(call('extract_json', '$.name', 'not json'), '');
  assert.equal(call('extractjson', '$.Command', { Command: 'whoami', Other: 1 }), 'whoami');
  assert.equal(call('extractjson', '$[0].Value', [{ Value: 7 }]), '7');
  assert.throws(() => call('extract_json', '$..name', json), NotSupportedError);
  assert.throws(() => call('extract_json', '$.tags[*]', json), NotSupportedError);
  assert.throws(() => call('extract_json', 'name', json), KqlError);
  const d = def('extract_json');
  assert.equal(typeof d.returns === 'function' && d.returns([{ type: 'string' }, { type: 'string' }, { type: 'unknown', typeLiteral: 'long' }]), 'long');
  assert.equal(typeof d.returns === 'function' && d.returns([{ type: 'string' }, { type: 'string' }]), 'string');
});

test('dynamic_to_json docs example', () => {
  const bag1 = { Y10: {}, X8: { c3: 1, d8: 5, a4: 6 }, D1: 114, A1: 12, B1: 2, C1: 3, A14: [15, 13, 18] };
  const bag2 = { X8: { a4: 6, c3: 1, d8: 5 }, A14: [15, 13, 18], C1: 3, B1: 2, Y10: {}, A1: 12, D1: 114 };
  const expected = '{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}';
  assert.equal(call('dynamic_to_json', bag1), expected);
  assert.equal(call('dynamic_to_json', bag2), expected);
  assert.equal(callTyped('dynamic_to_json', [{ type: 'long' }], [5]), '5');
  assert.equal(callTyped('dynamic_to_json', [{ type: 'datetime' }], [ticks2015]), '2015-01-01T00:00:00.0000000Z');
});

const arbJson: fc.Arbitrary<DynamicValue> = fc.jsonValue() as fc.Arbitrary<DynamicValue>;

test('property: array_rotate_left then array_rotate_right is the identity', () => {
  fc.assert(fc.property(fc.array(arbJson, { maxLength: 20 }), fc.integer({ min: -50, max: 50 }), (array, n) => {
    assert.deepEqual(call('array_rotate_right', call('array_rotate_left', array, n), n), array);
  }));
});

test('property: array_split pieces concatenate back to the array', () => {
  fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 20 }), fc.array(fc.integer({ min: -25, max: 25 }), { maxLength: 5 }), (array, cuts) => {
    const parts = call('array_split', array, cuts) as DynamicValue[][];
    assert.equal(parts.length, cuts.length + 1);
    assert.deepEqual(parts.flat(1), array);
  }));
});

test('property: set_union/set_intersect/set_difference agree with JS sets', () => {
  const arb = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 15 });
  fc.assert(fc.property(arb, arb, (a, b) => {
    const union = new Set([...a, ...b]);
    const inter = new Set(a.filter((x) => b.includes(x)));
    const diff = new Set(a.filter((x) => !b.includes(x)));
    assert.deepEqual(call('set_union', a, b), [...union]);
    assert.deepEqual(call('set_intersect', a, b), [...inter]);
    assert.deepEqual(call('set_difference', a, b), [...diff]);
  }));
});

test('property: array_sort_asc yields a sorted permutation', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 20 }), (array) => {
    const sorted = call('array_sort_asc', array) as (number | null)[];
    const numbers = array.filter((x): x is number => x !== null).sort((x, y) => x - y);
    assert.deepEqual(sorted, [...numbers, ...array.filter((x) => x === null)]);
  }));
});

test('property: bag_set_key then bag_has_key, bag_remove_keys undoes a new key', () => {
  const arbBag = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer()) as fc.Arbitrary<Record<string, DynamicValue>>;
  fc.assert(fc.property(arbBag, fc.string({ minLength: 1, maxLength: 4 }).filter((k) => !k.startsWith('$') && k.trim() === k), (bag, key) => {
    const withKey = call('bag_set_key', bag, key, 1) as Record<string, DynamicValue>;
    assert.equal(call('bag_has_key', withKey, key), true);
    if (!Object.prototype.hasOwnProperty.call(bag, key)) assert.deepEqual(call('bag_remove_keys', withKey, [key]), { ...bag });
  }));
});

test('every function matches the oracle catalogue in name and argument counts', () => {
  for (const d of dynamicFunctions) {
    for (const name of [d.name, ...(d.aliases ?? [])]) {
      const known = KNOWN_FUNCTIONS.find((k) => k.name === name && k.kind === 'scalar');
      assert.ok(known, `${name} is not an ADX function`);
      const min = d.params.filter((p) => !p.optional).length;
      const max = d.params.some((p) => p.repeat) ? Infinity : d.params.length;
      assert.equal(min, known.min, `${name}: minimum argument count`);
      if (max !== Infinity) assert.ok(max >= known.max, `${name}: maximum argument count ${max} < ${known.max}`);
    }
  }
});

test('fixed return types agree with the oracle catalogue; computed ones are dynamic', () => {
  for (const d of dynamicFunctions) {
    const known = KNOWN_FUNCTIONS.find((k) => k.name === d.name && k.kind === 'scalar')!;
    const fixed = known.sigs.map((s) => s.ret).filter((r) => !r.startsWith('@'));
    if (typeof d.returns === 'string') {
      const expected = fixed.length > 0 ? fixed : ['dynamic'];
      assert.ok(expected.includes(d.returns), `${d.name}: returns ${d.returns}, the oracle says ${known.sigs.map((s) => s.ret).join('|')}`);
    }
  }
});
