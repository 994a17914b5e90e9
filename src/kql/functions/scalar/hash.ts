// Hash functions. hash()/hash_xxhash64() are XXH64 (seed 0) over the value's bytes: UTF-8
// for strings, the 8 little-endian bytes of the tick count for datetime (both verified
// against the docs' examples) and timespan. The byte layout ADX uses for other types is not
// documented, so those are refused rather than guessed. The digests (hash_md5/sha1/sha256)
// are over UTF-8 strings, and over a datetime's ADX text form (verified against the docs).
//
// hash() returns a long: with `mod` the result is computed exactly (unsigned 64-bit modulo,
// which keeps it in 0..mod-1 as the docs promise); without `mod` the full 64-bit value rarely
// fits a JS number exactly, so it is refused when it does not (see types.ts: long is exact
// only to ±2^53).
import type { CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import { NotSupportedError, type Scalar } from '../../types.js';
import { md5Hex, sha1Hex, sha256Hex, xxhash64 } from '../text/digests.js';
import { utf8Encode } from '../text/utf8.js';
import { formatDatetime } from '../../values/datetime.js';

const p = (name: string, types: ParamSpec['types'], extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, types, ...extra });

function ticksBytes(ticks: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, ticks), true);
  return bytes;
}

/** The bytes ADX hashes for a value, or a refusal naming the unsupported type. */
function hashInput(value: Scalar, ctx: CallContext, fn: string): Uint8Array {
  const type = ctx.args?.[0]?.type;
  if (typeof value === 'string' && (type === 'string' || type === undefined)) return utf8Encode(value);
  if (typeof value === 'bigint' && (type === 'datetime' || type === 'timespan')) return ticksBytes(value);
  throw new NotSupportedError(`${fn}() of a ${type ?? typeof value} value (ADX's byte encoding for it is undocumented)`);
}

function xxhashDef(name: string): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [p('source', 'scalar'), p('mod', ['int', 'long'], { optional: true })],
    returns: 'long',
    impl: (args, ctx) => {
      const [source, mod] = args;
      if (source === null || source === undefined) return null;
      const h = xxhash64(hashInput(source, ctx, name));
      if (mod !== undefined) {
        if (typeof mod !== 'number' || mod <= 0) return null;
        return Number(h % BigInt(mod));
      }
      const signed = BigInt.asIntN(64, h);
      if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new NotSupportedError(`${name}() without modulo: 64-bit result exceeds exact long range`);
      }
      return Number(signed);
    },
  };
}

function digestDef(name: string, digest: (bytes: Uint8Array) => string): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [p('source', 'scalar')],
    returns: 'string',
    impl: (args, ctx) => {
      const [source] = args;
      const type = ctx.args?.[0]?.type ?? 'string';
      // A datetime is digested as its text form (hash_sha256(datetime(2020-01-01)) in the docs
      // is the SHA-256 of "2020-01-01T00:00:00.0000000Z"). Other types are unverified.
      if (typeof source === 'bigint' && type === 'datetime') return digest(utf8Encode(formatDatetime(source)));
      if (typeof source !== 'string' || type !== 'string') {
        if (source === null) return '';
        throw new NotSupportedError(`${name}() of a ${ctx.args?.[0]?.type ?? typeof source} value; convert it with tostring() first`);
      }
      return digest(utf8Encode(source));
    },
  };
}

export const hashFunctions: readonly ScalarFunctionDef[] = [
  xxhashDef('hash'),
  xxhashDef('hash_xxhash64'),
  digestDef('hash_md5', md5Hex),
  digestDef('hash_sha1', sha1Hex),
  digestDef('hash_sha256', sha256Hex),
  // hash_combine()/hash_many() combine per-value hashes with an undocumented mixing step
  // (the docs' example value could not be reproduced): declared for type checking only.
  {
    kind: 'scalar',
    name: 'hash_combine',
    params: [p('h', ['int', 'long'], { repeat: true })],
    returns: 'long',
  },
  {
    kind: 'scalar',
    name: 'hash_many',
    params: [p('s', 'scalar', { repeat: true })],
    returns: 'long',
  },
];
