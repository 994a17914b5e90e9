// GeoIP: range tables over synthetic data (exact boundaries, property test against a linear
// scan), the packaged data for well-known addresses, and geo_info_from_ip_address in queries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Ipv4CountryRanges, Ipv6CountryRanges, RangeGeoIp, countryOf, isSpecialPurposeIpv4, packagedGeoIp,
} from '../../src/enrich/geoip.js';
import { countryName } from '../../src/enrich/country-names.js';
import { geoInfoFunction } from '../../src/enrich/geo-function.js';
import { q } from '../exec/helpers.js';

const SAMPLE_V4 = ['16777216,16777471,AU', '16777472,16778239,CN', '134744064,134744319,US', '4294967040,4294967295,ZZ'].join('\n');

test('IPv4 ranges: inclusive bounds, gaps, the top of the address space', () => {
  const r = Ipv4CountryRanges.fromNumericCsv(`${SAMPLE_V4}\n`);
  assert.equal(r.size, 4);
  assert.equal(r.lookup(16777215), '');
  assert.equal(r.lookup(16777216), 'AU');
  assert.equal(r.lookup(16777471), 'AU');
  assert.equal(r.lookup(16777472), 'CN');
  assert.equal(r.lookup(16778239), 'CN');
  assert.equal(r.lookup(16778240), '');
  assert.equal(r.lookup(134744072), 'US');
  assert.equal(r.lookup(4294967295), 'ZZ');
  assert.equal(r.lookup(0), '');
});

test('IPv4 ranges: unsorted input and CRLF lines are accepted; malformed lines are refused with their number', () => {
  const r = Ipv4CountryRanges.fromNumericCsv('134744064,134744319,US\r\n16777216,16777471,AU\r\n');
  assert.equal(r.lookup(16777300), 'AU');
  assert.equal(r.lookup(134744100), 'US');
  assert.throws(() => Ipv4CountryRanges.fromNumericCsv('1,2,AU\n5,4,US\n'), /line 2/);
  assert.throws(() => Ipv4CountryRanges.fromNumericCsv('1,x,AU\n'), /line 1/);
  assert.throws(() => Ipv4CountryRanges.fromNumericCsv('1,4294967296,AU\n'), /32-bit/);
});

test('IPv4 lookup agrees with a linear scan over random disjoint ranges', () => {
  const rangesArb = fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2, maxLength: 40 })
    .map((points) => points.sort((a, b) => a - b))
    .chain((points) => fc.tuple(fc.constant(points), fc.array(fc.constantFrom('AU', 'US', 'DE', 'JP'), { minLength: points.length, maxLength: points.length })));
  fc.assert(fc.property(rangesArb, fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 30 }), ([points, codes], probes) => {
    const ranges: [number, number, string][] = [];
    for (let i = 0; i + 1 < points.length; i += 2) ranges.push([points[i]!, points[i + 1]!, codes[i]!]);
    const table = Ipv4CountryRanges.fromNumericCsv(ranges.map((r) => r.join(',')).join('\n'));
    for (const p of [...probes, ...ranges.flatMap(([s, e]) => [s, e, s - 1, e + 1].filter((x) => x >= 0 && x <= 0xffffffff))]) {
      const expected = ranges.find(([s, e]) => s <= p && p <= e)?.[2] ?? '';
      assert.equal(table.lookup(p), expected, `address ${p}`);
    }
  }), { seed: 7, numRuns: 200 });
});

test('IPv6 ranges from address text', () => {
  const r = Ipv6CountryRanges.fromAddressCsv('2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\n2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,IE\n');
  const geo = new RangeGeoIp(() => Ipv4CountryRanges.fromNumericCsv(SAMPLE_V4), () => r);
  assert.equal(geo.countryOf('2001:200::1'), 'JP');
  assert.equal(geo.countryOf('2001:200:ffff:ffff:ffff:ffff:ffff:ffff'), 'JP');
  assert.equal(geo.countryOf('2001:201::'), '');
  assert.equal(geo.countryOf('2A00:1450:4001::1'), 'IE');
  // IPv4-mapped addresses use the IPv4 table.
  assert.equal(geo.countryOf('::ffff:8.8.8.8'), 'US');
  assert.throws(() => Ipv6CountryRanges.fromAddressCsv('2001::,nonsense,JP\n'), /line 1/);
});

test('special-purpose addresses have no country, whatever the data says', () => {
  // The data below claims 10.0.0.0/8 and 192.168.0.0/16; the lookup must not believe it.
  const geo = new RangeGeoIp(() => Ipv4CountryRanges.fromNumericCsv('167772160,184549375,AU\n3232235520,3232301055,AU\n'), () => {
    throw new Error('IPv6 data must not load for these addresses');
  });
  for (const ip of ['10.1.2.3', '192.168.1.1', '172.16.5.4', '127.0.0.1', '169.254.1.1', '100.64.0.1', '224.0.0.251', '255.255.255.255', '0.0.0.0']) {
    assert.equal(geo.countryOf(ip), '', ip);
  }
  for (const ip of ['::1', 'fe80::1', 'fd00::1', 'ff02::1', '2001:db8::1']) assert.equal(geo.countryOf(ip), '', ip);
  assert.equal(isSpecialPurposeIpv4(0x08080808), false);
});

test('not an address -> empty', () => {
  const geo = new RangeGeoIp(() => Ipv4CountryRanges.fromNumericCsv(SAMPLE_V4), () => Ipv6CountryRanges.fromAddressCsv(''));
  for (const text of ['', 'x', '8.8.8', '8.8.8.8/24', '1.2.3.4.5', 'example.com']) assert.equal(geo.countryOf(text), '', text);
  assert.equal(geo.countryOf(' 8.8.8.8 '), 'US');
});

test('packaged data: well-known public addresses', () => {
  assert.equal(countryOf('8.8.8.8'), 'US');
  assert.equal(countryOf('9.9.9.9'), 'US');
  assert.equal(countryOf('1.1.1.1'), 'AU');
  assert.equal(countryOf('77.88.8.8'), 'RU');
  assert.equal(countryOf('5.9.1.1'), 'DE');
  assert.equal(countryOf('192.168.1.1'), '');
  assert.equal(countryOf('10.0.0.1'), '');
  assert.equal(packagedGeoIp(), packagedGeoIp());
});

test('packaged data: IPv6', () => {
  assert.equal(countryOf('2001:4860:4860::8888'), 'US');
  assert.equal(countryOf('2a02:6b8::1'), 'RU');
  assert.equal(countryOf('fe80::1'), '');
});

test('country names as Sentinel spells them', () => {
  assert.equal(countryName('US'), 'United States');
  assert.equal(countryName('RU'), 'Russia');
  assert.equal(countryName('GB'), 'United Kingdom');
  assert.equal(countryName('HK'), 'Hong Kong');
  assert.equal(countryName(''), '');
});

test('geo_info_from_ip_address in a query: country filled, finer fields empty, private -> null', () => {
  const scalarFunctions = [geoInfoFunction(packagedGeoIp())];
  const [schema, rows] = q(
    'datatable(ip:string)["8.8.8.8", "192.168.1.1", "nonsense"] | extend g = geo_info_from_ip_address(ip) | project ip, country = tostring(g.country), city = tostring(g.city), lat = toreal(g.latitude), isnull(g)',
    {}, { scalarFunctions },
  );
  assert.equal(schema, 'ip:string, country:string, city:string, lat:real, Column1:bool');
  assert.deepEqual(rows, [['8.8.8.8', 'United States', '', null, false], ['192.168.1.1', '', '', null, true], ['nonsense', '', '', null, true]]);
});
