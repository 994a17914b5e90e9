// Where public addresses are: a small built-in table of public IPv4 ranges with the country
// that holds them. The whole product (VMConnection.RemoteCountry, DnsEvents.RemoteIPCountry,
// coordinates, labels) asks this one module, so a real GeoIP database can replace it later
// without touching the generators. The ranges follow real allocations (cloud providers,
// hosting companies, national ISPs) so that looking an address up elsewhere gives a
// plausible answer, but nothing here claims to be current registry data.

export interface Country {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** The English name, as VMConnection.RemoteCountry and DnsEvents.RemoteIPCountry show it. */
  name: string;
  latitude: number;
  longitude: number;
}

export interface GeoRange {
  /** Who holds the range; generators allocate service addresses by this name. */
  holder: string;
  cidr: string;
  country: string;
}

export const COUNTRIES: Readonly<Record<string, Country>> = {
  US: { code: 'US', name: 'United States', latitude: 38.7, longitude: -77.5 },
  IE: { code: 'IE', name: 'Ireland', latitude: 53.35, longitude: -6.26 },
  GB: { code: 'GB', name: 'United Kingdom', latitude: 51.51, longitude: -0.13 },
  DE: { code: 'DE', name: 'Germany', latitude: 50.11, longitude: 8.68 },
  NL: { code: 'NL', name: 'Netherlands', latitude: 52.37, longitude: 4.9 },
  FR: { code: 'FR', name: 'France', latitude: 48.86, longitude: 2.35 },
  LU: { code: 'LU', name: 'Luxembourg', latitude: 49.61, longitude: 6.13 },
  SG: { code: 'SG', name: 'Singapore', latitude: 1.35, longitude: 103.82 },
  JP: { code: 'JP', name: 'Japan', latitude: 35.68, longitude: 139.69 },
  CA: { code: 'CA', name: 'Canada', latitude: 43.65, longitude: -79.38 },
  RU: { code: 'RU', name: 'Russia', latitude: 59.93, longitude: 30.34 },
  KP: { code: 'KP', name: 'North Korea', latitude: 39.03, longitude: 125.75 },
  IR: { code: 'IR', name: 'Iran', latitude: 35.69, longitude: 51.39 },
  CN: { code: 'CN', name: 'China', latitude: 39.9, longitude: 116.4 },
  MD: { code: 'MD', name: 'Moldova', latitude: 47.01, longitude: 28.86 },
  VN: { code: 'VN', name: 'Vietnam', latitude: 21.03, longitude: 105.85 },
  BR: { code: 'BR', name: 'Brazil', latitude: -23.55, longitude: -46.63 },
};

export const GEO_RANGES: readonly GeoRange[] = [
  { holder: 'microsoft', cidr: '13.64.0.0/11', country: 'US' },
  { holder: 'microsoft-365', cidr: '52.96.0.0/14', country: 'US' },
  { holder: 'microsoft-update', cidr: '40.112.0.0/13', country: 'US' },
  { holder: 'azure-blob-eu', cidr: '51.140.0.0/14', country: 'GB' },
  { holder: 'aws-us-east', cidr: '52.216.0.0/15', country: 'US' },
  { holder: 'aws-us', cidr: '54.224.0.0/12', country: 'US' },
  { holder: 'aws-us-2', cidr: '3.208.0.0/12', country: 'US' },
  { holder: 'aws-eu-west', cidr: '52.208.0.0/13', country: 'IE' },
  { holder: 'aws-ca', cidr: '99.79.0.0/16', country: 'CA' },
  { holder: 'aws-ap-southeast', cidr: '13.228.0.0/15', country: 'SG' },
  { holder: 'google', cidr: '142.250.0.0/15', country: 'US' },
  { holder: 'zoom', cidr: '170.114.0.0/16', country: 'US' },
  { holder: 'github', cidr: '140.82.112.0/20', country: 'US' },
  { holder: 'akamai', cidr: '23.32.0.0/11', country: 'NL' },
  { holder: 'hetzner', cidr: '5.9.0.0/16', country: 'DE' },
  { holder: 'strato', cidr: '85.214.0.0/15', country: 'DE' },
  { holder: 'scaleway', cidr: '51.15.0.0/16', country: 'FR' },
  { holder: 'ovh', cidr: '137.74.0.0/16', country: 'FR' },
  { holder: 'mega', cidr: '31.216.144.0/21', country: 'LU' },
  { holder: 'japan-isp', cidr: '133.242.0.0/16', country: 'JP' },
  { holder: 'digitalocean', cidr: '159.65.0.0/16', country: 'US' },
  { holder: 'selectel', cidr: '95.213.128.0/17', country: 'RU' },
  { holder: 'kp-star', cidr: '175.45.176.0/22', country: 'KP' },
  { holder: 'ir-isp', cidr: '5.160.0.0/14', country: 'IR' },
  { holder: 'cn-isp', cidr: '123.125.0.0/16', country: 'CN' },
  { holder: 'md-hosting', cidr: '176.123.0.0/18', country: 'MD' },
  { holder: 'vn-isp', cidr: '113.160.0.0/11', country: 'VN' },
  { holder: 'br-isp', cidr: '177.32.0.0/12', country: 'BR' },
  // The enterprise's own public addresses (NAT pools of its firewalls).
  { holder: 'enterprise', cidr: '198.51.100.0/24', country: 'US' },
  { holder: 'enterprise-branch', cidr: '203.0.113.0/24', country: 'GB' },
];

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

export function intToIp(n: number): string {
  // Through JSON so the result is one contiguous string, not a tree of pieces: addresses are
  // copied into millions of rows.
  return JSON.parse(`"${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}"`) as string;
}

interface ParsedRange {
  range: GeoRange;
  start: number;
  size: number;
}

const PARSED: readonly ParsedRange[] = GEO_RANGES.map((range) => {
  const [base, bits] = range.cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return { range, start: ipToInt(base!), size };
});

/** The country holding a public address, or undefined (private, or not in the table). */
export function countryOf(ip: string): Country | undefined {
  const n = ipToInt(ip);
  for (const p of PARSED) if (n >= p.start && n < p.start + p.size) return COUNTRIES[p.range.country];
  return undefined;
}

/**
 * The index-th usable host address of a holder's range (wrapping inside it), skipping the
 * network and broadcast-looking .0 and .255 so every address looks like a real host.
 */
export function addressOf(holder: string, index: number): string {
  const p = PARSED.find((r) => r.range.holder === holder);
  if (!p) throw new Error(`geo: no address range for '${holder}'`);
  const usablePerBlock = 254;
  const blocks = Math.max(1, Math.floor(p.size / 256));
  const i = Math.abs(Math.trunc(index));
  const block = Math.floor(i / usablePerBlock) % blocks;
  const host = (i % usablePerBlock) + 1;
  return intToIp(p.start + block * 256 + host);
}
