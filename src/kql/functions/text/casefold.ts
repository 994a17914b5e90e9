// Case handling for KQL strings.
//
// The case-insensitive string OPERATORS (=~, has, contains, in~, ...) fold ASCII letters only:
// the Kusto docs state "case-insensitive operators are currently supported only for
// ASCII-text; for non-ASCII comparison, use the tolower() function". The tolower()/toupper()
// FUNCTIONS use full Unicode simple case mapping (.NET ToLowerInvariant/ToUpperInvariant),
// which maps one code point to one code point.

/** Lower-cases A-Z only; every other character is left as is. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}

export function asciiEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * Unicode simple lower-casing: like String.prototype.toLowerCase, but a code point whose
 * full lower-case mapping is longer than one code point maps to its first code point
 * (only U+0130 has such a mapping: .NET's invariant culture lower-cases it to "i").
 */
export function simpleLower(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower;
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : String.fromCodePoint(l.codePointAt(0)!);
  }
  return out;
}

/**
 * Unicode simple upper-casing: a code point whose full upper-case mapping expands
 * (e.g. "ß" -> "SS") is kept unchanged, as .NET's ToUpperInvariant does.
 */
export function simpleUpper(s: string): string {
  const upper = s.toUpperCase();
  if (upper.length === s.length) return upper;
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += u.length === ch.length ? u : ch;
  }
  return out;
}
