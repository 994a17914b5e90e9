// Country of an IP address, from the range files the npm package
// @ip-location-db/geo-whois-asn-country ships (CC0 package; its RIR-derived data is CC BY 4.0
// by the NRO, see docs/views.md). Nothing is downloaded: the files are read from node_modules
// the first time an address of that family is looked up, into sorted typed arrays that a binary
// search walks. IPv4 (~330k ranges) loads in well under a second; IPv6 (~220k) only on demand.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ipv4InRange, parseIpv4 } from '../kql/functions/ip/ipv4.js';
import { compareIpv6, parseIpv6 } from '../kql/functions/ip/ipv6.js';

const PACKAGE = '@ip-location-db/geo-whois-asn-country';

/** Inclusive IPv4 ranges, sorted by start and disjoint, each with a country code. */
export class Ipv4CountryRanges {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly countries: Uint16Array,
    private readonly codes: readonly string[],
  ) {}

  /** Lines `start,end,CC` with numeric (unsigned 32-bit) bounds, as in `*-ipv4-num.csv`. */
  static fromNumericCsv(text: string): Ipv4CountryRanges {
    const table = new CodeTable();
    // Sized for the worst case (one range per 8 bytes), trimmed after parsing.
    const capacity = Math.ceil(text.length / 8) + 1;
    const starts = new Uint32Array(capacity);
    const ends = new Uint32Array(capacity);
    const countries = new Uint16Array(capacity);
    let n = 0;
    let pos = 0;
    let lineNo = 0;
    // A hand-written scanner: split() and Number() per line made loading several times slower.
    while (pos < text.length) {
      lineNo++;
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const lineEnd = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (lineEnd > pos) {
        const bad = (): never => {
          throw new Error(`GeoIP IPv4 ranges, line ${lineNo}: expected 'start,end,CC' with 32-bit bounds, got '${text.slice(pos, lineEnd)}'`);
        };
        let i = pos;
        let start = 0;
        let digits = 0;
        for (; i < lineEnd && text.charCodeAt(i) !== 44; i++, digits++) {
          const d = text.charCodeAt(i) - 48;
          if (d < 0 || d > 9) bad();
          start = start * 10 + d;
        }
        if (digits === 0 || i >= lineEnd) bad();
        let end = 0;
        digits = 0;
        for (i++; i < lineEnd && text.charCodeAt(i) !== 44; i++, digits++) {
          const d = text.charCodeAt(i) - 48;
          if (d < 0 || d > 9) bad();
          end = end * 10 + d;
        }
        if (digits === 0 || i >= lineEnd || lineEnd - i !== 3 || start > 0xffffffff || end > 0xffffffff || end < start) bad();
        starts[n] = start;
        ends[n] = end;
        countries[n] = table.index(text.slice(i + 1, lineEnd));
        n++;
      }
      pos = nl + 1;
    }
    const order = sortedOrder(n, (a, b) => starts[a]! - starts[b]!);
    return new Ipv4CountryRanges(
      Uint32Array.from(order, (i) => starts[i]!),
      Uint32Array.from(order, (i) => ends[i]!),
      Uint16Array.from(order, (i) => countries[i]!),
      table.codes,
    );
  }

  get size(): number { return this.starts.length; }

  /** ISO 3166-1 alpha-2 code, or '' when no range holds the address. */
  lookup(address: number): string {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found >= 0 && address <= this.ends[found]! ? this.codes[this.countries[found]!]! : '';
  }
}

/** Inclusive IPv6 ranges as four 32-bit words per bound (most significant first). */
export class Ipv6CountryRanges {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly countries: Uint16Array,
    private readonly codes: readonly string[],
  ) {}

  /** Lines `startAddress,endAddress,CC`, as in `*-ipv6.csv`. */
  static fromAddressCsv(text: string): Ipv6CountryRanges {
    const table = new CodeTable();
    const starts: number[] = [];
    const ends: number[] = [];
    const countries: number[] = [];
    forEachLine(text, (line, lineNo) => {
      const [a, b, cc] = line.split(',');
      const start = a === undefined ? null : ipv6Words(a);
      const end = b === undefined ? null : ipv6Words(b);
      if (start === null || end === null || compareWords(end, 0, start, 0) < 0 || cc === undefined || cc.length !== 2) {
        throw new Error(`GeoIP IPv6 ranges, line ${lineNo}: expected 'startAddress,endAddress,CC', got '${line}'`);
      }
      for (let w = 0; w < 4; w++) { starts.push(start[w]!); ends.push(end[w]!); }
      countries.push(table.index(cc));
    });
    const startWords = Uint32Array.from(starts);
    const order = sortedOrder(countries.length, (i, j) => compareWords(startWords, i * 4, startWords, j * 4));
    const s = new Uint32Array(order.length * 4);
    const e = new Uint32Array(order.length * 4);
    order.forEach((from, to) => {
      for (let w = 0; w < 4; w++) { s[to * 4 + w] = starts[from * 4 + w]!; e[to * 4 + w] = ends[from * 4 + w]!; }
    });
    return new Ipv6CountryRanges(s, e, Uint16Array.from(order, (i) => countries[i]!), table.codes);
  }

  get size(): number { return this.countries.length; }

  lookup(address: Uint32Array): string {
    let lo = 0;
    let hi = this.countries.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(this.starts, mid * 4, address, 0) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found >= 0 && compareWords(address, 0, this.ends, found * 4) <= 0 ? this.codes[this.countries[found]!]! : '';
  }
}

// IANA special-purpose blocks (RFC 6890 and its updates): never in any country. The packaged
// data lists some of them anyway (192.168.0.0/16 as AU), so they are excluded before lookup.
const SPECIAL_IPV4: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];
const SPECIAL_IPV6: readonly string[] = [
  '::/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', '2002::/16',
  'fc00::/7', 'fe80::/10', 'ff00::/8',
];

const specialV4 = SPECIAL_IPV4.map((cidr) => parseIpv4(cidr)!);
const specialV6 = SPECIAL_IPV6.map((cidr) => parseIpv6(cidr)!);

/** In a special-purpose block (private, loopback, link-local, documentation, multicast, ...). */
export function isSpecialPurposeIpv4(address: number): boolean {
  return specialV4.some((n) => ipv4InRange(address, n.address, n.prefix));
}

export function isSpecialPurposeIpv6(groups: Uint16Array): boolean {
  return specialV6.some((n) => compareIpv6(groups, n.groups, n.prefix) === 0);
}

/** The lookup the views and geo_info_from_ip_address use. */
export interface GeoIp {
  /** ISO 3166-1 alpha-2 code of a public address; '' for private, reserved, unknown or invalid input. */
  countryOf(ip: string): string;
}

/** A GeoIP over loaders that run at most once, when an address of their family first comes up. */
export class RangeGeoIp implements GeoIp {
  private v4: Ipv4CountryRanges | undefined;
  private v6: Ipv6CountryRanges | undefined;

  constructor(private readonly loadV4: () => Ipv4CountryRanges, private readonly loadV6: () => Ipv6CountryRanges) {}

  countryOf(ip: string): string {
    const text = ip.trim();
    if (text.indexOf('/') >= 0) return '';
    const v4 = parseIpv4(text);
    if (v4 !== null) return this.lookupV4(v4.address >>> 0);
    const v6 = parseIpv6(text);
    if (v6 === null) return '';
    const g = v6.groups;
    // IPv4-mapped (::ffff:a.b.c.d) addresses are looked up as the IPv4 address they carry.
    if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
      return this.lookupV4(((g[6]! << 16) | g[7]!) >>> 0);
    }
    if (isSpecialPurposeIpv6(g)) return '';
    return (this.v6 ??= this.loadV6()).lookup(wordsOfGroups(g));
  }

  private lookupV4(address: number): string {
    if (isSpecialPurposeIpv4(address)) return '';
    return (this.v4 ??= this.loadV4()).lookup(address);
  }
}

let shared: GeoIp | undefined;

/** The GeoIP over the packaged data, created once per process (loading stays lazy). */
export function packagedGeoIp(): GeoIp {
  shared ??= new RangeGeoIp(
    () => Ipv4CountryRanges.fromNumericCsv(readPackageFile('geo-whois-asn-country-ipv4-num.csv')),
    () => Ipv6CountryRanges.fromAddressCsv(readPackageFile('geo-whois-asn-country-ipv6.csv')),
  );
  return shared;
}

/** ISO code of `ip` from the packaged data; '' when private, reserved, unknown or not an address. */
export function countryOf(ip: string): string {
  return packagedGeoIp().countryOf(ip);
}

function readPackageFile(name: string): string {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    throw new Error(`GeoIP data not found: install the npm package ${PACKAGE} (a dependency of kqlhunt)`);
  }
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

class CodeTable {
  readonly codes: string[] = [];
  private readonly byCode = new Map<string, number>();
  index(code: string): number {
    let i = this.byCode.get(code);
    if (i === undefined) { i = this.codes.length; this.codes.push(code); this.byCode.set(code, i); }
    return i;
  }
}

function forEachLine(text: string, visit: (line: string, lineNo: number) => void): void {
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    lineNo++;
    const line = text.slice(pos, text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    pos = nl + 1;
    if (line.length > 0) visit(line, lineNo);
  }
}

/** Indices 0..n-1 sorted by `compare` (the files are sorted already; this guards against files that are not). */
function sortedOrder(n: number, compare: (i: number, j: number) => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 1; i < n; i++) {
    if (compare(order[i - 1]!, order[i]!) > 0) return order.sort(compare);
  }
  return order;
}

function wordsOfGroups(g: Uint16Array): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = ((g[i * 2]! << 16) | g[i * 2 + 1]!) >>> 0;
  return w;
}

function ipv6Words(text: string): Uint32Array | null {
  const parsed = parseIpv6(text);
  return parsed === null ? null : wordsOfGroups(parsed.groups);
}

function compareWords(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  for (let w = 0; w < 4; w++) {
    const d = a[ai + w]! - b[bi + w]!;
    if (d !== 0) return d;
  }
  return 0;
}
