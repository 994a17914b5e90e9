// Ordering, equality and hash keys per type, as ADX sorts and groups values.
// Every function here takes non-null values: callers decide where nulls go (ADX puts them
// first in ascending and last in descending order by default) via compareNullable's flag.

import type { DynamicValue, Scalar, ScalarType } from '../types.js';
import { canonicalDynamicText, compareDynamic, dynamicEquals } from './dynamic.js';

function compareNumbers(a: number, b: number): number {
  // .NET's double.CompareTo: NaN sorts before every number and equals itself.
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? -1 : 1;
}

/**
 * Total order over two non-null values of one type. Strings compare ordinally by UTF-16
 * code unit (case-sensitive); guids by their canonical text, which matches .NET's Guid order;
 * datetime/timespan by ticks; bool false < true; dynamic by compareDynamic.
 */
export function compareValues(type: ScalarType, a: Scalar, b: Scalar): number {
  switch (type) {
    case 'bool': return a === b ? 0 : a ? 1 : -1;
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': return compareNumbers(a as number, b as number);
    case 'datetime':
    case 'timespan': {
      const x = a as bigint;
      const y = b as bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
    case 'guid': {
      const x = a as string;
      const y = b as string;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'dynamic': return compareDynamic(a as DynamicValue, b as DynamicValue);
  }
}

/** compareValues with nulls placed first or last. */
export function compareNullable(type: ScalarType, a: Scalar, b: Scalar, nullsFirst: boolean): number {
  const an = a === null && type !== 'string';
  const bn = b === null && type !== 'string';
  if (an || bn) {
    if (an && bn) return 0;
    return an === nullsFirst ? -1 : 1;
  }
  return compareValues(type, a, b);
}

/** `==` over non-null values of one type (real NaN is unequal to itself, as IEEE). */
export function valuesEqual(type: ScalarType, a: Scalar, b: Scalar): boolean {
  if (type === 'dynamic') return dynamicEquals(a as DynamicValue, b as DynamicValue);
  return a === b;
}

/**
 * A hash key for group-by and join: equal values (within a type, and across int/long/real
 * for numbers) give equal keys. NaN keys group together; -0 groups with 0. Keys of different
 * types may coincide (the string 't5' and the datetime of 5 ticks): key one type per map.
 */
export function keyOf(type: ScalarType, value: Scalar): string | number {
  switch (type) {
    case 'bool': return value ? 1 : 0;
    case 'int':
    case 'long':
    case 'real':
    case 'decimal': {
      const n = value as number;
      return Number.isNaN(n) ? 'NaN' : n === 0 ? 0 : n;
    }
    case 'datetime':
    case 'timespan': return `t${value as bigint}`;
    case 'string':
    case 'guid': return value as string;
    case 'dynamic': return `d${canonicalDynamicText(value as DynamicValue)}`;
  }
}
