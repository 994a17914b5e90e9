// IPv4 addresses as unsigned 32-bit numbers (0 .. 2^32-1, held in a JS number), with the
// optional `/prefix` of IP-prefix (CIDR) notation. Parsing is hand-written rather than a
// regex: the IPv4 functions run over every distinct value of large string columns.

export interface Ipv4WithPrefix {
  /** The address with the bits beyond the prefix cleared. */
  address: number;
  /** 0..32; 32 when the text has no `/prefix`. */
  prefix: number;
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_SLASH = 47;

/**
 * Parses exactly `a.b.c.d` with 1-3 decimal digits per octet (each 0..255) from text[start, end).
 * Returns the unsigned address, or -1 when the span is not an address.
 */
export function parseIpv4Span(text: string, start: number, end: number): number {
  let address = 0;
  let octets = 0;
  let i = start;
  while (true) {
    let value = 0;
    let digits = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < CHAR_0 || c > CHAR_9) break;
      value = value * 10 + (c - CHAR_0);
      digits++;
      i++;
      if (digits > 3) return -1;
    }
    if (digits === 0 || value > 255) return -1;
    address = address * 256 + value;
    octets++;
    if (octets === 4) return i === end ? address : -1;
    if (i >= end || text.charCodeAt(i) !== CHAR_DOT) return -1;
    i++;
  }
}

/** Parses a decimal prefix length in text[start, end) within 0..max, or -1. */
export function parsePrefixSpan(text: string, start: number, end: number, max: number): number {
  if (start >= end || end - start > 3) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return -1;
    value = value * 10 + (c - CHAR_0);
  }
  return value <= max ? value : -1;
}

/** The netmask of a prefix length as an unsigned number. */
export function ipv4Mask(prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffffffff;
  return (0xffffffff << (32 - prefix)) >>> 0;
}

/** address & mask(prefix), staying unsigned. */
export function maskIpv4(address: number, prefix: number): number {
  return (address & ipv4Mask(prefix)) >>> 0;
}

/** `a.b.c.d` or `a.b.c.d/n` (n in 0..32), masked by n; null when the text is not of that form. */
export function parseIpv4(text: string): Ipv4WithPrefix | null {
  const slash = text.indexOf('/');
  if (slash < 0) {
    const address = parseIpv4Span(text, 0, text.length);
    return address < 0 ? null : { address, prefix: 32 };
  }
  const address = parseIpv4Span(text, 0, slash);
  if (address < 0) return null;
  const prefix = parsePrefixSpan(text, slash + 1, text.length, 32);
  if (prefix < 0) return null;
  return { address: maskIpv4(address, prefix), prefix };
}

export function formatIpv4(address: number): string {
  return `${(address >>> 24) & 255}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** RFC 1918 private networks, the list the ipv4_is_private() docs give. */
const PRIVATE_NETWORKS: readonly (readonly [number, number])[] = [
  [0x0a000000, 8], // 10.0.0.0/8
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
];

export function isPrivateIpv4(address: number): boolean {
  return PRIVATE_NETWORKS.some(([network, prefix]) => maskIpv4(address, prefix) === network);
}

/** Whether `address` lies in the network `network/prefix`. */
export function ipv4InRange(address: number, network: number, prefix: number): boolean {
  return maskIpv4(address, prefix) === maskIpv4(network, prefix);
}

/** The smallest list of CIDR blocks covering [start, end] exactly, in ascending order. */
export function ipv4RangeToCidrs(start: number, end: number): string[] {
  const out: string[] = [];
  let current = start;
  while (current <= end) {
    // The largest block aligned at `current` that does not run past `end`.
    let size = current === 0 ? 2 ** 32 : 2 ** countTrailingZeros(current);
    while (current + size - 1 > end) size /= 2;
    out.push(`${formatIpv4(current)}/${32 - Math.log2(size)}`);
    current += size;
  }
  return out;
}

function countTrailingZeros(n: number): number {
  let count = 0;
  while (count < 32 && Math.floor(n / 2 ** count) % 2 === 0) count++;
  return count;
}

function isAlphanumeric(c: number): boolean {
  return (c >= CHAR_0 && c <= CHAR_9) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Calls `visit` with the text span of every IPv4 address in `text` that is delimited by
 * non-alphanumeric characters (has_ipv4's notion of an occurrence); stops when visit returns true.
 */
export function scanDelimitedIpv4(text: string, visit: (start: number, end: number, address: number) => boolean): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9 || (i > 0 && isDelimiterBlocked(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    // An address is 4 dotted octets at the head of this run of digits and dots.
    let end = i;
    let dots = 0;
    while (end < n) {
      const d = text.charCodeAt(end);
      if (d === CHAR_DOT) {
        if (dots === 3) break;
        dots++;
      } else if (d < CHAR_0 || d > CHAR_9) break;
      end++;
    }
    if (dots === 3 && (end >= n || !isAlphanumeric(text.charCodeAt(end)))) {
      const address = parseIpv4Span(text, i, end);
      if (address >= 0 && visit(i, end, address)) return true;
    }
    // No address starts inside this run: every later position follows a digit or a dot.
    i = end;
    while (i < n && isDigitOrDot(text.charCodeAt(i))) i++;
  }
  return false;
}

/** A character right before a candidate that makes it part of a longer token. */
function isDelimiterBlocked(c: number): boolean {
  return c === CHAR_DOT || isAlphanumeric(c);
}

function isDigitOrDot(c: number): boolean {
  return c === CHAR_DOT || (c >= CHAR_0 && c <= CHAR_9);
}

/**
 * has_ipv4_prefix's notion of a prefix: a full address, or 1-3 leading octets each followed
 * by a dot (`192.`, `192.168.`, `192.168.1.`). Returns the number of octets and their value
 * in the top bits, or null.
 */
export function parseIpv4TextPrefix(text: string): { octets: number; value: number; full: boolean } | null {
  const full = parseIpv4Span(text, 0, text.length);
  if (full >= 0) return { octets: 4, value: full, full: true };
  if (text.length === 0 || text.charCodeAt(text.length - 1) !== CHAR_DOT) return null;
  const parts = text.slice(0, -1).split('.');
  if (parts.length < 1 || parts.length > 3) return null;
  let value = 0;
  for (const part of parts) {
    if (part.length < 1 || part.length > 3) return null;
    const octet = parsePrefixSpan(part, 0, part.length, 255);
    if (octet < 0) return null;
    value = value * 256 + octet;
  }
  return { octets: parts.length, value: value * 256 ** (4 - parts.length), full: false };
}

/** Whether a properly delimited valid IPv4 address in `text` starts with the given prefix. */
export function textHasIpv4Prefix(text: string, prefix: { octets: number; value: number }): boolean {
  const bits = prefix.octets * 8;
  return scanDelimitedIpv4(text, (_s, _e, address) => maskIpv4(address, bits) === prefix.value);
}
