// The hot-path rewrites agree with the code they replaced (test/ingest/reference-parsers.ts) on
// arbitrary input, not only on the sample the output snapshot covers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  intAt, longAt, parseBsdTimestamp, realAt, ticksFromUnixSecondsAt, ticksFromUnixSecondsText,
} from '../../src/ingest/convert.js';
import { parseCefExtension } from '../../src/ingest/cef.js';
import { RowShapes } from '../../src/ingest/row-shapes.js';
import { decodeStream, type DecodeState } from '../../src/ingest/text-stream.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import {
  referenceParseBsdTimestamp, referenceParseCefExtension, referenceToInt, referenceToLong, referenceToReal,
} from './reference-parsers.js';

const textOf = (alphabet: string, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet.split('')), { maxLength }).map((cs) => cs.join(''));

/** A field inside surrounding text, so the in-place readers must respect both ends. */
const embedded = (field: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; start: number; end: number; field: string }> =>
  fc.tuple(textOf('9 .x', 3), field, textOf('9 .x', 3)).map(([before, f, after]) => ({
    text: before + f + after, start: before.length, end: before.length + f.length, field: f,
  }));

const numberish = fc.oneof(
  textOf('0123456789', 20),
  textOf('0123456789+-.', 12),
  textOf('0123456789+-.eE x\\', 10),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(String),
  fc.constantFrom('-0', '+0', '9007199254740991', '9007199254740992', '9007199254740993', '99999999999999999', '2147483648', '-2147483648', '1.', '.5', '-.5', '0.1234567', '123456789012345.6'),
);

test('longAt/intAt/realAt read a field in place exactly as toLong/toInt/toReal read its slice', () => {
  fc.assert(fc.property(embedded(numberish), ({ text, start, end, field }) => {
    assert.ok(Object.is(longAt(text, start, end), referenceToLong(field)), `long ${JSON.stringify(field)}`);
    assert.ok(Object.is(intAt(text, start, end), referenceToInt(field)), `int ${JSON.stringify(field)}`);
    assert.ok(Object.is(realAt(text, start, end), referenceToReal(field)), `real ${JSON.stringify(field)}`);
  }), { numRuns: 5000 });
});

test('ticksFromUnixSecondsAt agrees with ticksFromUnixSecondsText', () => {
  const seconds = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.option(textOf('0123456789', 10), { nil: undefined }))
      .map(([w, f]) => (f === undefined ? String(w) : `${w}.${f}`)),
    textOf('0123456789.-+X', 16),
    fc.constantFrom('253402300799.9999999', '253402300800', '253402300799.99999995', '-62135596800', '1700000000.000001', '0', '.5', '5.'),
  );
  fc.assert(fc.property(embedded(seconds), ({ text, start, end, field }) => {
    assert.equal(ticksFromUnixSecondsAt(text, start, end), ticksFromUnixSecondsText(field), JSON.stringify(field));
  }), { numRuns: 5000 });
});

test('parseBsdTimestamp matches the regex-based reader (ticks and consumed length)', () => {
  const two = (max: number): fc.Arbitrary<string> => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const timestamp = fc.tuple(
    fc.constantFrom('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Foo', 'jan', 'JAN', 'Ja'),
    fc.constantFrom(' ', '  ', '   ', ''),
    fc.oneof(fc.integer({ min: 0, max: 39 }).map(String), two(39)),
    fc.option(fc.oneof(fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')), textOf('0123456789', 5)), { nil: undefined }),
    fc.tuple(two(25), two(61), two(62)).map(([h, m, s]) => `${h}:${m}:${s}`),
    fc.option(fc.tuple(fc.constantFrom('.', ',', '.x'), textOf('0123456789', 11)).map(([d, f]) => d + f), { nil: undefined }),
    textOf(' :x1', 3),
  ).map(([mon, sp, day, year, time, frac, tail]) => `${mon}${sp}${day}${year === undefined ? '' : ` ${year}`} ${time}${frac ?? ''}${tail}`);
  const mutated = fc.tuple(timestamp, fc.nat(30), textOf('0 :.A', 2)).map(([t, at, ins]) => t.slice(0, at) + ins + t.slice(at + ins.length));
  const references = fc.constantFrom('2024-06-01T00:00:00Z', '2024-01-01T00:30:00Z', '2023-12-31T23:00:00Z', '2000-02-29T12:00:00Z', '0001-01-05T00:00:00Z')
    .map((s) => parseDatetimeString(s)!);
  fc.assert(fc.property(fc.oneof(timestamp, mutated), textOf('<1> ', 3), references, (ts, before, reference) => {
    const line = before + ts;
    assert.deepEqual(parseBsdTimestamp(line, before.length, reference), referenceParseBsdTimestamp(line, before.length, reference), JSON.stringify(line));
  }), { numRuns: 20000 });
  // parseBsdTimestamp reuses the previous line's result when the same text repeats: a line
  // right after another with the same timestamp plus more characters must still parse afresh.
  fc.assert(fc.property(fc.oneof(timestamp, mutated), textOf('.0123 x:', 4), textOf('<1> ', 2), references, references,
    (ts, extra, before, reference, nextReference) => {
      for (const [line, ref] of [[before + ts, reference], [before + ts + extra, reference], [before + ts + extra, nextReference]] as const) {
        assert.deepEqual(parseBsdTimestamp(line, before.length, ref), referenceParseBsdTimestamp(line, before.length, ref), JSON.stringify(line));
      }
    }), { numRuns: 20000 });
});

test('parseCefExtension (offsets) splits exactly as the slice-based splitter did', () => {
  const extension = fc.oneof(
    textOf('ab1=\\ |.[]-_x', 40),
    textOf('ab=\\ \t\n\r\u00a0\u2028\u3000\ufeffnr', 30),
    fc.array(fc.tuple(textOf('abcs1L', 6), textOf('ab c=\\\\n ', 10)), { maxLength: 8 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(' ')),
  );
  fc.assert(fc.property(textOf('CEF:0| ', 5), extension, (prefix, ext) => {
    const line = prefix + ext;
    assert.deepEqual(parseCefExtension(line, prefix.length), referenceParseCefExtension(line, prefix.length), JSON.stringify(line));
  }), { numRuns: 10000 });
});

test('RowShapes makes the object that assigning the keys in order makes, before and after compiling a shape', () => {
  // Names may repeat (Zeek `id.orig_h` and `id_orig_h` are one column): the later value lands in the earlier key.
  const names = ['a', 'b', 'c', 'TimeGenerated', '1', '0', 'x y', '"q"', '\u2028', '__proto__', 'constructor', 'toString', 'a', 'c'];
  const shapes = RowShapes.forNames(names);
  const shape = fc.uniqueArray(fc.nat(names.length - 1), { maxLength: names.length });
  const value = fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }));
  fc.assert(fc.property(shape, fc.array(value, { minLength: names.length, maxLength: names.length }), (ids, values) => {
    for (let round = 0; round < 10; round++) {
      const expected: Record<string, unknown> = {};
      for (let i = 0; i < ids.length; i++) expected[names[ids[i]!]!] = values[i];
      const row = shapes.make(ids, values, ids.length);
      assert.deepEqual(Object.entries(row), Object.entries(expected));
      assert.equal(Object.getPrototypeOf(row), Object.getPrototypeOf(expected));
    }
  }), { numRuns: 400 });
});

test('decodeStream: ASCII chunks read as latin1 still decode every stream as one TextDecoder over all its bytes would', async () => {
  const fragments = [
    'plain ascii line\n', 'a', '\n', 'caf\u00e9', '\u20ac', '\ud83d\ude00', '\ufeff', '\u0000',
  ].map((t) => Buffer.from(t, 'utf8'));
  const invalid = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0x80])];
  const piece = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fragments) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
  await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 8 }), async (pieces, cuts) => {
    const all = Buffer.concat(pieces);
    const points = [...new Set(cuts.map((c) => Math.min(c, all.length)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let from = 0;
    for (const p of [...points, all.length]) {
      chunks.push(all.subarray(from, p));
      from = p;
    }
    const state: DecodeState = { bytesIn: 0, gzip: false, encoding: 'utf-8', replacedInvalidBytes: false };
    let text = '';
    for await (const t of decodeStream((async function* () { yield* chunks; })(), state)) text += t;
    const expected = new TextDecoder('utf-8').decode(all);
    assert.equal(text, expected, JSON.stringify(chunks.map((c) => [...c])));
    if (state.encoding === 'utf-8') assert.equal(state.replacedInvalidBytes, expected.includes('\ufffd'));
  }), { numRuns: 1000 });
});
