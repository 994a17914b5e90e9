// One code per distinct string across every dictionary an aggregator meets, with each code's
// packed hash (sketch/hash.ts).
//
// Almost always every batch shares one dictionary (the table's column), so the space starts as
// that dictionary's own codes: no per-query map of strings is built, and the dictionary's
// hashes and duplicate check are computed once per dictionary and cached with it. A map from
// strings to codes is built only when a second dictionary arrives.

import type { StringColumn } from '../../data/column.js';
import { hashString, packHash, type Hash64 } from '../sketch/hash.js';

/** A row whose value is null (a guid's empty string): it has no code. */
export const NULL_CODE = -2;
const UNMAPPED = -1;

const scratch: Hash64 = { high: 0, low: 0 };

interface DictionaryFacts {
  length: number;
  hashes: Float64Array;
  /** The first code of each code's value, or null when the dictionary has no duplicates. */
  canonical: Int32Array | null;
}

const factsByDictionary = new WeakMap<string[], DictionaryFacts>();

function factsOf(dict: string[]): DictionaryFacts {
  let facts = factsByDictionary.get(dict);
  if (facts !== undefined && facts.length === dict.length) return facts;
  const hashes = new Float64Array(dict.length);
  const first = new Map<string, number>();
  let canonical: Int32Array | null = null;
  for (let i = 0; i < dict.length; i++) {
    const value = dict[i]!;
    const seen = first.get(value);
    if (seen !== undefined) {
      canonical ??= Int32Array.from({ length: dict.length }, (_, k) => k);
      canonical[i] = seen;
    } else {
      first.set(value, i);
    }
    hashString(value, scratch);
    hashes[i] = packHash(scratch);
  }
  facts = { length: dict.length, hashes, canonical };
  factsByDictionary.set(dict, facts);
  return facts;
}

export class StringCodeSpace {
  private base: string[] | null = null;
  private baseCanonical: Int32Array | null = null;
  /** The base dictionary's code for a guid's '' (null), or -1. */
  private baseNull = -1;
  private codeOf: Map<string, number> | null = null;
  private readonly remaps = new Map<string[], Int32Array>();
  /** Packed hash of each code; the base dictionary's cached array until codes are added. */
  hashes: Float64Array = new Float64Array(0);
  private ownsHashes = false;
  size = 0;

  /** Writes the code of every row of col into out; NULL_CODE for null values. */
  map(col: StringColumn, out: Int32Array): void {
    const local = col.codes, n = local.length;
    if (this.base === null) this.adoptBase(col);
    if (col.dict === this.base) {
      const canonical = this.baseCanonical;
      if (canonical === null) out.set(local);
      else for (let r = 0; r < n; r++) out[r] = canonical[local[r]!]!;
      const nullCode = this.baseNull;
      if (nullCode >= 0) for (let r = 0; r < n; r++) if (out[r] === nullCode) out[r] = NULL_CODE;
      return;
    }
    const remap = this.remapFor(col);
    const dict = col.dict;
    for (let r = 0; r < n; r++) {
      const k = local[r]!;
      let code = remap[k]!;
      if (code === UNMAPPED) code = remap[k] = this.intern(dict[k]!);
      out[r] = code;
    }
  }

  private adoptBase(col: StringColumn): void {
    const facts = factsOf(col.dict);
    this.base = col.dict;
    this.baseCanonical = facts.canonical;
    this.hashes = facts.hashes;
    this.size = col.dict.length;
    if (col.type === 'guid') {
      const empty = col.dict.indexOf('');
      if (empty >= 0) this.baseNull = facts.canonical === null ? empty : facts.canonical[empty]!;
    }
  }

  private remapFor(col: StringColumn): Int32Array {
    const dict = col.dict;
    let remap = this.remaps.get(dict);
    if (remap === undefined || remap.length < dict.length) {
      const grown = new Int32Array(dict.length).fill(UNMAPPED);
      if (remap !== undefined) grown.set(remap);
      remap = grown;
      // A guid's '' is null, however many entries spell it.
      if (col.type === 'guid') for (let k = 0; k < dict.length; k++) if (dict[k] === '') remap[k] = NULL_CODE;
      this.remaps.set(dict, remap);
    }
    return remap;
  }

  private intern(value: string): number {
    if (this.codeOf === null) {
      const codeOf = new Map<string, number>();
      const base = this.base!;
      for (let i = 0; i < base.length; i++) if (!codeOf.has(base[i]!)) codeOf.set(base[i]!, i);
      this.codeOf = codeOf;
    }
    const known = this.codeOf.get(value);
    if (known !== undefined) return known;
    const code = this.size++;
    this.codeOf.set(value, code);
    if (code >= this.hashes.length || !this.ownsHashes) {
      // The base dictionary's hashes are cached for other queries too: extend a copy.
      const grown = new Float64Array(Math.max(1024, code + 1, this.hashes.length * 2));
      grown.set(this.hashes.subarray(0, code));
      this.hashes = grown;
      this.ownsHashes = true;
    }
    hashString(value, scratch);
    this.hashes[code] = packHash(scratch);
    return code;
  }
}
