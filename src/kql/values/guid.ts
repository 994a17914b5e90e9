// guid values: parsing the forms .NET's Guid.Parse accepts, canonical lower-case output.

const DASHED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PLAIN = /^[0-9a-fA-F]{32}$/;

/**
 * A guid in canonical form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case), or null.
 * Accepts the dashed form, optionally in braces or parentheses, and 32 bare hex digits
 * (.NET's "D", "B", "P" and "N" formats).
 */
export function parseGuid(text: string): string | null {
  let s = text.trim();
  if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('(') && s.endsWith(')'))) {
    s = s.slice(1, -1);
    if (!DASHED.test(s)) return null;
  }
  if (DASHED.test(s)) return s.toLowerCase();
  if (PLAIN.test(s)) {
    const h = s.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return null;
}

/**
 * toguid()'s reading of a string: a .NET guid format, or else the first 32 hex digits with
 * hyphens skipped wherever they are and the rest of the string ignored (the toguid docs convert
 * "0123456789ab-cdef-0123-456789abcdef" and say trailing text is ignored).
 */
export function parseGuidLenient(text: string): string | null {
  const exact = parseGuid(text);
  if (exact !== null) return exact;
  const s = text.trim();
  let hex = '';
  for (let i = 0; i < s.length && hex.length < 32; i++) {
    const c = s[i]!;
    if (c === '-') continue;
    if (!/[0-9a-fA-F]/.test(c)) return null;
    hex += c;
  }
  if (hex.length < 32) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isGuid(text: string): boolean {
  return parseGuid(text) !== null;
}

/** The contents of a `guid(...)` literal; null for `null` and for invalid text. */
export function parseGuidLiteral(text: string): string | null {
  const t = text.trim();
  if (t === 'null') return null;
  const unquoted = t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0] ? t.slice(1, -1) : t;
  return parseGuid(unquoted);
}

/** Guids are stored canonical, so formatting is the identity; kept for symmetry with other types. */
export function formatGuid(guid: string): string {
  return guid;
}
