// IPv6 addresses as eight 16-bit groups, with IP-prefix notation. ADX's IPv6 functions also
// accept IPv4 text: it becomes the IPv4-mapped address ::ffff:a.b.c.d, and an IPv4 prefix
// /n counts within the low 32 bits (96 + n), as the parse_ipv6_mask() examples show.

import { parseIpv4Span, parsePrefixSpan } from './ipv4.js';

export interface Ipv6WithPrefix {
  /** Eight groups, bits beyond the prefix cleared. */
  groups: Uint16Array;
  /** 0..128; 128 when the text has no `/prefix`. */
  prefix: number;
}

const GROUPS = 8;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * The address part (no prefix) as groups, plus whether it was written with a dotted IPv4
 * tail in the all-zero or ::ffff: form (then IPv4 prefix rules apply); null when invalid.
 */
function parseAddress(text: string, start: number, end: number): { groups: Uint16Array; ipv4: boolean } | null {
  if (start >= end) return null;
  // Plain IPv4 text.
  if (text.indexOf(':', start) < 0 || text.indexOf(':', start) >= end) {
    const v4 = parseIpv4Span(text, start, end);
    if (v4 < 0) return null;
    return { groups: mappedIpv4(v4), ipv4: true };
  }
  const head: number[] = [];
  const tail: number[] = [];
  let current = head;
  let sawGap = false;
  let dottedTail = -1;
  let i = start;
  if (text.startsWith('::', i)) {
    sawGap = true;
    current = tail;
    i += 2;
    if (i === end) return { groups: new Uint16Array(GROUPS), ipv4: false };
  } else if (text.charCodeAt(i) === 58) {
    return null;
  }
  while (i < end) {
    // One group: hex digits, or a dotted IPv4 address as the last 32 bits.
    let j = i;
    let value = 0;
    while (j < end) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < end && text.charCodeAt(j) === 46) {
      const v4 = parseIpv4Span(text, i, end);
      if (v4 < 0) return null;
      dottedTail = v4;
      current.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return null;
    current.push(value);
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return null;
    if (text.charCodeAt(i + 1) === 58) {
      if (sawGap) return null;
      sawGap = true;
      current = tail;
      i += 2;
      if (i === end) break;
    } else {
      i++;
      if (i === end) return null;
    }
  }
  const total = head.length + tail.length;
  if (sawGap ? total > GROUPS - 1 : total !== GROUPS) return null;
  const groups = new Uint16Array(GROUPS);
  head.forEach((g, k) => { groups[k] = g; });
  tail.forEach((g, k) => { groups[GROUPS - tail.length + k] = g; });
  if (dottedTail >= 0 && groups.subarray(0, 5).every((g) => g === 0) && (groups[5] === 0 || groups[5] === 0xffff)) {
    // ::a.b.c.d and ::ffff:a.b.c.d both denote the IPv4 address (parse_ipv6_mask examples).
    return { groups: mappedIpv4(dottedTail), ipv4: true };
  }
  return { groups, ipv4: false };
}

function mappedIpv4(v4: number): Uint16Array {
  const groups = new Uint16Array(GROUPS);
  groups[5] = 0xffff;
  groups[6] = Math.floor(v4 / 65536);
  groups[7] = v4 % 65536;
  return groups;
}

/** Clears every bit past `prefix` (0..128) in place. */
export function maskIpv6(groups: Uint16Array, prefix: number): Uint16Array {
  for (let k = 0; k < GROUPS; k++) {
    const keep = Math.min(16, Math.max(0, prefix - k * 16));
    groups[k] = keep === 0 ? 0 : keep === 16 ? groups[k]! : groups[k]! & (0xffff << (16 - keep)) & 0xffff;
  }
  return groups;
}

/** IPv6 or IPv4 text, optionally with `/prefix`; null when invalid. */
export function parseIpv6(text: string): Ipv6WithPrefix | null {
  const slash = text.indexOf('/');
  const addressEnd = slash < 0 ? text.length : slash;
  const parsed = parseAddress(text, 0, addressEnd);
  if (parsed === null) return null;
  let prefix = 128;
  if (slash >= 0) {
    const written = parsePrefixSpan(text, slash + 1, text.length, parsed.ipv4 ? 32 : 128);
    if (written < 0) return null;
    prefix = parsed.ipv4 ? 96 + written : written;
  }
  return { groups: maskIpv6(parsed.groups, prefix), prefix };
}

/** Full lower-case form with all eight 4-digit groups, as parse_ipv6() returns. */
export function formatIpv6Canonical(groups: Uint16Array): string {
  return Array.from(groups, (g) => g.toString(16).padStart(4, '0')).join(':');
}

/** -1, 0 or 1 comparing the first `prefix` bits. */
export function compareIpv6(a: Uint16Array, b: Uint16Array, prefix: number): number {
  const x = maskIpv6(Uint16Array.from(a), prefix);
  const y = maskIpv6(Uint16Array.from(b), prefix);
  for (let k = 0; k < GROUPS; k++) {
    if (x[k]! !== y[k]!) return x[k]! < y[k]! ? -1 : 1;
  }
  return 0;
}
