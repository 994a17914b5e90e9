// The optional (start, length, occurrence) arguments shared by indexof() and indexof_regex().
import { dynamicNumber, type Scalar } from '../../types.js';

export interface SearchWindow {
  start: number;
  /** -1: to the end of the string. */
  length: number;
  occurrence: number;
}

/**
 * Reads the window arguments starting at args[fromArg]. Null when an argument is null, when
 * length < -1 or when occurrence < 0, as the docs specify. A negative start counts from the
 * end for indexof() (docs: indexof("abcdefg", "cde", -5) is 2) but is invalid (null) for
 * indexof_regex() (docs: indexof_regex("abcabc", "a|ab", -1) is null).
 */
export function searchWindow(
  len: number,
  args: readonly Scalar[],
  fromArg: number,
  negativeStart: 'fromEnd' | 'null',
): SearchWindow | null {
  const at = (i: number, dflt: number): number | null => {
    if (args.length <= i) return dflt;
    const v = args[i];
    return dynamicNumber(v);
  };
  let start = at(fromArg, 0);
  const length = at(fromArg + 1, -1);
  const occurrence = at(fromArg + 2, 1);
  if (start === null || length === null || occurrence === null) return null;
  if (length < -1 || occurrence < 0) return null;
  if (start < 0) {
    if (negativeStart === 'null') return null;
    start = Math.max(0, len + start);
  }
  return { start, length, occurrence };
}

/** The end offset of the window that starts at pos. */
export function windowEnd(len: number, pos: number, length: number): number {
  return length === -1 ? len : Math.min(len, pos + length);
}
