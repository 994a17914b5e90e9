// KQL's term model, behind has / hasprefix / hassuffix / has_any / has_all.
//
// The Kusto docs ("String operators", "What is a term?"): each string is broken into maximal
// sequences of alphanumeric characters, and each sequence is a term; every other character
// is a delimiter. We take "alphanumeric" as .NET's char.IsLetterOrDigit (Unicode letters and
// decimal digits), so "Приветмир" is one term. `_` is a delimiter.
//
// A needle is matched as a phrase at term boundaries: it must occur in the text, and wherever
// the needle starts (ends) with an alphanumeric character, the character before (after) the
// occurrence must not be alphanumeric. So `has "10.1.2"` matches "10.1.2.3" but not
// "110.1.2.3", and `has "/resourcegroups/rg?"` needs no boundary after the "?".
// hasprefix checks only the start boundary, hassuffix only the end boundary.

const ASCII_ALNUM = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_ALNUM[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_ALNUM[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_ALNUM[c] = 1;

const UNICODE_ALNUM = /^[\p{L}\p{Nd}]$/u;

export function isTermCodePoint(cp: number): boolean {
  if (cp < 128) return ASCII_ALNUM[cp] === 1;
  return UNICODE_ALNUM.test(String.fromCodePoint(cp));
}

/** The code point that ends just before UTF-16 offset i, or -1 at the start. */
function codePointBefore(s: string, i: number): number {
  if (i <= 0) return -1;
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
  }
  return c;
}

/** The code point starting at UTF-16 offset i, or -1 at the end. */
function codePointFrom(s: string, i: number): number {
  return i >= s.length ? -1 : s.codePointAt(i)!;
}

function isTermBefore(s: string, i: number): boolean {
  const cp = codePointBefore(s, i);
  return cp >= 0 && isTermCodePoint(cp);
}

function isTermFrom(s: string, i: number): boolean {
  const cp = codePointFrom(s, i);
  return cp >= 0 && isTermCodePoint(cp);
}

/** The terms of a string, in order. */
export function termsOf(s: string): string[] {
  const terms: string[] = [];
  let start = -1;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isTermCodePoint(cp)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      terms.push(s.slice(start, i));
      start = -1;
    }
    i += width;
  }
  if (start >= 0) terms.push(s.slice(start));
  return terms;
}

export type TermMatchKind = 'whole' | 'prefix' | 'suffix';

/**
 * Whether `needle` occurs in `text` aligned to term boundaries (see the header).
 * Both strings must already be case-folded by the caller when matching case-insensitively.
 * An empty needle matches every text.
 */
export function matchesAtTermBoundary(text: string, needle: string, kind: TermMatchKind): boolean {
  if (needle.length === 0) return true;
  const checkStart = kind !== 'suffix' && isTermFrom(needle, 0);
  const checkEnd = kind !== 'prefix' && isTermBefore(needle, needle.length);
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return false;
    const end = at + needle.length;
    if ((!checkStart || !isTermBefore(text, at)) && (!checkEnd || !isTermFrom(text, end))) return true;
    from = at + 1;
  }
}
