import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashFunctions } from '../../src/kql/functions/scalar/hash.js';
import { NotSupportedError } from '../../src/kql/types.js';
import { xxhash64, md5Hex, sha1Hex, sha256Hex, crc32 } from '../../src/kql/functions/text/digests.js';
import { makeCaller, typed } from './scalar-call.js';

const { call, def } = makeCaller(hashFunctions);
const bytes = (s: string) => new TextEncoder().encode(s);

test('xxhash64 matches the docs examples (as signed 64-bit)', () => {
  assert.equal(BigInt.asIntN(64, xxhash64(bytes('World'))), 1846988464401551951n);
  assert.equal(BigInt.asIntN(64, xxhash64(bytes('Hello'))), 753694413698530628n);
  const jan2015 = 635_556_672_000_000_000n;
  const le = new Uint8Array(8);
  new DataView(le.buffer).setBigInt64(0, jan2015, true);
  assert.equal(BigInt.asIntN(64, xxhash64(le)), 1380966698541616202n);
  // reference vectors of XXH64 with seed 0
  assert.equal(xxhash64(new Uint8Array(0)), 0xef46db3751d8e999n);
  assert.equal(xxhash64(bytes('a'.repeat(100))).toString(16).length > 0, true);
});

test('hash() with modulo is exact; without it refuses inexact longs', () => {
  assert.equal(call('hash', 'World', 100), 51);
  assert.equal(call('hash_xxhash64', 'World', 100), 51);
  assert.equal(call('hash', typed(635_556_672_000_000_000n, 'datetime'), 1000), Number(1380966698541616202n % 1000n));
  assert.throws(() => call('hash', 'World'), (e: unknown) => e instanceof NotSupportedError && /exceeds exact long range/.test(e.message));
  assert.throws(() => call('hash', 42, 10), NotSupportedError);
  assert.equal(call('hash', typed(null, 'string'), 10), null);
  for (let i = 0; i < 50; i++) {
    const r = call('hash', `value${i}`, 7) as number;
    assert.ok(Number.isInteger(r) && r >= 0 && r < 7);
  }
});

test('digests (docs examples and standard vectors)', () => {
  assert.equal(call('hash_sha256', 'World'), '78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524');
  assert.equal(call('hash_md5', 'World'), 'f5a7924e621e84c9280a9a27e1bcb7f6');
  assert.equal(call('hash_sha1', 'World'), '70c07ec18ef89c5309bbb0937f3a6342411e1fdd');
  assert.equal(md5Hex(bytes('')), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(sha1Hex(bytes('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(sha256Hex(bytes('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const long = bytes('The quick brown fox jumps over the lazy dog'.repeat(5));
  assert.equal(sha256Hex(long).length, 64);
  assert.equal(crc32(bytes('123456789')), 0xcbf43926);
  assert.throws(() => call('hash_sha256', 5), NotSupportedError);
  // The docs' hash_sha256(datetime(2020-01-01)): the digest of the datetime's text form.
  assert.equal(call('hash_sha256', typed(637_134_336_000_000_000n, 'datetime')), 'ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d');
  assert.equal(def('hash_combine').impl, undefined, 'hash_combine is declared but refused');
});

test('property: digests agree with node:crypto on arbitrary text', async () => {
  const { createHash } = await import('node:crypto');
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      const b = bytes(s);
      assert.equal(md5Hex(b), createHash('md5').update(b).digest('hex'));
      assert.equal(sha1Hex(b), createHash('sha1').update(b).digest('hex'));
      assert.equal(sha256Hex(b), createHash('sha256').update(b).digest('hex'));
      return true;
    }),
  );
});
