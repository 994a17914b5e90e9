// The JSONPath subset ADX supports (jsonpath.md): `$` root, `.name` / `['name']` children and
// `[n]` array subscripts. Wildcards, recursion, unions, slices and `@` are refused.

import { KqlError, NotSupportedError, isWholeReal } from '../../types.js';
import type { DynamicValue } from '../../types.js';

export type PathSegment = string | number;

type Bag = { [key: string]: DynamicValue };

function isBag(v: DynamicValue | undefined): v is Bag {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isWholeReal(v);
}

function invalid(path: string, why: string): KqlError {
  return new KqlError(`invalid JSONPath '${path}': ${why}`, 'InvalidJsonPath');
}

/** Parses `$...`; throws a KqlError saying what is wrong with the path. */
export function parseJsonPath(path: string): PathSegment[] {
  const text = path.trim();
  if (!text.startsWith('$')) throw invalid(path, "it must start with '$'");
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      if (text[i + 1] === '.') throw new NotSupportedError(`recursive descent '..' in JSONPath '${path}'`);
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i + 1, j);
      if (name === '') throw invalid(path, `empty member name at offset ${i}`);
      if (name === '*') throw new NotSupportedError(`wildcard in JSONPath '${path}'`);
      segments.push(name);
      i = j;
    } else if (c === '[') {
      const q = text[i + 1];
      if (q === "'" || q === '"') {
        let j = i + 2;
        let name = '';
        while (j < text.length && text[j] !== q) {
          if (text[j] === '\\' && j + 1 < text.length) j++;
          name += text[j];
          j++;
        }
        if (text[j] !== q || text[j + 1] !== ']') throw invalid(path, `unterminated [${q}name${q}] at offset ${i}`);
        segments.push(name);
        i = j + 2;
      } else {
        const close = text.indexOf(']', i);
        if (close < 0) throw invalid(path, `missing ']' after offset ${i}`);
        const inner = text.slice(i + 1, close).trim();
        if (!/^\d+$/.test(inner)) {
          throw new NotSupportedError(`JSONPath subscript [${inner}] in '${path}' (only [n] and ['name'] are supported)`);
        }
        segments.push(Number(inner));
        i = close + 1;
      }
    } else {
      throw invalid(path, `unexpected '${c}' at offset ${i}`);
    }
  }
  return segments;
}

/**
 * The keys argument of bag_has_key/bag_remove_keys/bag_set_key: a JSONPath, or a plain
 * top-level key name. Array subscripts are refused there, as the docs say.
 */
export function parseBagKeyPath(key: string, fn: string): string[] {
  if (!key.trim().startsWith('$')) return [key];
  const segments = parseJsonPath(key);
  if (segments.length === 0) throw new KqlError(`${fn}(): the root path '$' is not a key`, 'InvalidJsonPath');
  for (const s of segments) {
    if (typeof s === 'number') throw new NotSupportedError(`${fn}() array indexing in key path '${key}'`);
  }
  return segments as string[];
}

/** The value at `segments`, or undefined when the path leads nowhere. */
export function getPath(root: DynamicValue, segments: readonly PathSegment[]): DynamicValue | undefined {
  let current: DynamicValue | undefined = root;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(current) || s >= current.length) return undefined;
      current = current[s];
    } else {
      if (!isBag(current) || !Object.prototype.hasOwnProperty.call(current, s)) return undefined;
      current = current[s];
    }
  }
  return current;
}

/** A copy of `bag` without the key at `segments` (unchanged when absent). */
export function removePath(bag: Bag, segments: readonly string[]): Bag {
  const [first, ...rest] = segments;
  if (first === undefined || !Object.prototype.hasOwnProperty.call(bag, first)) return bag;
  const copy: Bag = { ...bag };
  if (rest.length === 0) {
    delete copy[first];
    return copy;
  }
  const child = bag[first];
  if (!isBag(child)) return bag;
  setOwn(copy, first, removePath(child, rest));
  return copy;
}

/** A copy of `bag` with `value` at `segments`, creating (or replacing non-bag) intermediate levels. */
export function setPath(bag: Bag, segments: readonly string[], value: DynamicValue): Bag {
  const [first, ...rest] = segments;
  if (first === undefined) return bag;
  const copy: Bag = { ...bag };
  const child = bag[first];
  setOwn(copy, first, rest.length === 0 ? value : setPath(isBag(child) ? child : {}, rest, value));
  return copy;
}

/** Sets an own property even for keys like `__proto__`, which plain assignment would not store. */
export function setOwn(bag: Bag, key: string, value: DynamicValue): void {
  Object.defineProperty(bag, key, { value, writable: true, enumerable: true, configurable: true });
}
