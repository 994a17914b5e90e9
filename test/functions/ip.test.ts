// IPv4/IPv6 functions: golden examples from each docs page, edge cases, and properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KNOWN_FUNCTIONS } from '../../src/kql/semantics/known-functions.js';
import { ipFunctions } from '../../src/kql/functions/scalar/ip.js';
import type { CallContext } from '../../src/kql/functions/registry.js';
import { NotSupportedError, type Scalar } from '../../src/kql/types.js';

const ctx: CallContext = { now: 0n, cache: new Map() };

function call(name: string, ...args: Scalar[]): Scalar {
  const def = ipFunctions.find((d) => d.name === name || d.aliases?.includes(name));
  assert.ok(def?.impl, `no implementation for ${name}`);
  return def.impl(args, ctx);
}

test('parse_ipv4 docs examples', () => {
  assert.equal(call('parse_ipv4', '192.168.1.1'), 3232235777);
  assert.equal(call('parse_ipv4', '192.168.1.1/24'), 3232235776);
  assert.equal(call('parse_ipv4', '255.255.255.255/31'), 4294967294);
});

test('parse_ipv4 rejects malformed text with null', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4/33', '1.2.3.4/', '1..2.3', 'a.b.c.d', ' 1.2.3.4', '1.2.3.4 ', '1234.1.1.1', '1.2.3.4/-1']) {
    assert.equal(call('parse_ipv4', bad), null, bad);
  }
  assert.equal(call('parse_ipv4', '0.0.0.0'), 0);
  assert.equal(call('parse_ipv4', '10.0.0.1/0'), 0);
});

test('parse_ipv4_mask', () => {
  assert.equal(call('parse_ipv4_mask', '127.0.0.1', 24), 2130706432);
  assert.equal(call('parse_ipv4_mask', '192.168.1.1/24', 32), 3232235776);
  assert.equal(call('parse_ipv4_mask', '127.0.0.1', 33), null);
  assert.equal(call('parse_ipv4_mask', '127.0.0.1', null), null);
});

test('format_ipv4 and format_ipv4_mask docs examples', () => {
  const rows: [string, number, string, string][] = [
    ['192.168.1.1', 24, '192.168.1.0', '192.168.1.0/24'],
    ['192.168.1.1', 32, '192.168.1.1', '192.168.1.1/32'],
    ['192.168.1.1/24', 32, '192.168.1.0', '192.168.1.0/24'],
    ['192.168.1.1/24', -1, '', ''],
  ];
  for (const [address, mask, plain, cidr] of rows) {
    assert.equal(call('format_ipv4', address, mask), plain);
    assert.equal(call('format_ipv4_mask', address, mask), cidr);
  }
  assert.equal(call('format_ipv4', 3232235777), '192.168.1.1');
  assert.equal(call('format_ipv4', 'x'), '');
  assert.equal(call('format_ipv4', -1), '');
  assert.equal(call('format_ipv4_mask', '10.1.2.3'), '10.1.2.3/32');
});

test('ipv4_is_private docs examples and RFC 1918 boundaries', () => {
  assert.equal(call('ipv4_is_private', '192.168.1.1/24'), true);
  assert.equal(call('ipv4_is_private', '10.1.2.3/24'), true);
  assert.equal(call('ipv4_is_private', '10.1.2.3'), true);
  assert.equal(call('ipv4_is_private', '202.1.2.3'), false);
  assert.equal(call('ipv4_is_private', '127.0.0.1'), false);
  assert.equal(call('ipv4_is_private', '172.15.255.255'), false);
  assert.equal(call('ipv4_is_private', '172.16.0.0'), true);
  assert.equal(call('ipv4_is_private', '172.31.255.255'), true);
  assert.equal(call('ipv4_is_private', '172.32.0.0'), false);
  assert.equal(call('ipv4_is_private', '192.169.0.1'), false);
  assert.equal(call('ipv4_is_private', 'not an ip'), null);
  assert.equal(call('ipv4_is_private', ''), null);
});

test('ipv4_netmask_suffix docs examples', () => {
  assert.equal(call('ipv4_netmask_suffix', '10.1.2.3'), 32);
  assert.equal(call('ipv4_netmask_suffix', '192.168.1.1/24'), 24);
  assert.equal(call('ipv4_netmask_suffix', '127.0.0.1/16'), 16);
  assert.equal(call('ipv4_netmask_suffix', '127.0.0.1/99'), null);
});

test('ipv4_compare and ipv4_is_match docs examples', () => {
  const equal: [string, string, number?][] = [
    ['192.168.1.0', '192.168.1.0'],
    ['192.168.1.1/24', '192.168.1.255'],
    ['192.168.1.1', '192.168.1.255/24'],
    ['192.168.1.1/30', '192.168.1.255/24'],
    ['192.168.1.1', '192.168.1.0', 31],
    ['192.168.1.1/24', '192.168.1.255', 31],
    ['192.168.1.1', '192.168.1.255', 24],
  ];
  for (const [a, b, p] of equal) {
    const args: Scalar[] = p === undefined ? [a, b] : [a, b, p];
    assert.equal(call('ipv4_compare', ...args), 0, `${a} ${b} ${p}`);
    assert.equal(call('ipv4_is_match', ...args), true, `${a} ${b} ${p}`);
  }
  assert.equal(call('ipv4_compare', '10.0.0.2', '10.0.0.1'), 1);
  assert.equal(call('ipv4_compare', '9.255.255.255', '10.0.0.1'), -1);
  assert.equal(call('ipv4_is_match', '10.0.0.2', '10.0.0.1'), false);
  assert.equal(call('ipv4_compare', 'x', '10.0.0.1'), null);
  assert.equal(call('ipv4_is_match', '10.0.0.1', 'x'), null);
  assert.equal(call('ipv4_compare', '10.0.0.1', '10.0.0.1', 40), null);
});

test('ipv4_is_in_range and ipv4_is_in_any_range docs examples', () => {
  assert.equal(call('ipv4_is_in_range', '192.168.1.1', '192.168.1.1'), true);
  assert.equal(call('ipv4_is_in_range', '192.168.1.1', '192.168.1.255/24'), true);
  assert.equal(call('ipv4_is_in_range', '192.168.2.1', '192.168.1.255/24'), false);
  assert.equal(call('ipv4_is_in_range', 'bad', '192.168.1.255/24'), null);
  assert.equal(call('ipv4_is_in_range', '192.168.2.1', 'bad'), null);
  assert.equal(call('ipv4_is_in_any_range', '192.168.1.6', '192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16'), true);
  assert.equal(call('ipv4_is_in_any_range', '127.0.0.1', ['127.0.0.1', '192.168.1.1']), true);
  const local = ['192.168.1.1/16', '127.0.0.1/8', '10.0.0.1/8'];
  assert.equal(call('ipv4_is_in_any_range', '10.1.2.3', local), true);
  assert.equal(call('ipv4_is_in_any_range', '192.168.1.5', local), true);
  assert.equal(call('ipv4_is_in_any_range', '123.1.11.21', local), false);
  assert.equal(call('ipv4_is_in_any_range', '1.1.1.1', local), false);
  assert.equal(call('ipv4_is_in_any_range', 'nope', local), null);
});

test('ipv4_range_to_cidr_list docs example', () => {
  assert.deepEqual(call('ipv4_range_to_cidr_list', '1.1.128.0', '1.1.140.255'), ['1.1.128.0/21', '1.1.136.0/22', '1.1.140.0/24']);
  assert.deepEqual(call('ipv4_range_to_cidr_list', '0.0.0.0', '255.255.255.255'), ['0.0.0.0/0']);
  assert.deepEqual(call('ipv4_range_to_cidr_list', '10.0.0.5', '10.0.0.5'), ['10.0.0.5/32']);
  assert.deepEqual(call('ipv4_range_to_cidr_list', '10.0.0.6', '10.0.0.5'), []);
  assert.equal(call('ipv4_range_to_cidr_list', 'x', '10.0.0.5'), null);
});

test('parse_ipv6 docs examples', () => {
  assert.equal(call('parse_ipv6', '192.168.255.255'), '0000:0000:0000:0000:0000:ffff:c0a8:ffff');
  assert.equal(call('parse_ipv6', '192.168.255.255/24'), '0000:0000:0000:0000:0000:ffff:c0a8:ff00');
  assert.equal(call('parse_ipv6', '255.255.255.255'), '0000:0000:0000:0000:0000:ffff:ffff:ffff');
  assert.equal(call('parse_ipv6', '::1'), '0000:0000:0000:0000:0000:0000:0000:0001');
  assert.equal(call('parse_ipv6', '::'), '0000:0000:0000:0000:0000:0000:0000:0000');
  assert.equal(call('parse_ipv6', 'FE80::1'), 'fe80:0000:0000:0000:0000:0000:0000:0001');
  for (const bad of ['', ':::', '1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '::1/129', '1:2:3:4:5:6:7:8:', ':1::']) {
    assert.equal(call('parse_ipv6', bad), '', bad);
  }
});

test('parse_ipv6_mask docs examples', () => {
  const rows: [string, number, string][] = [
    ['192.168.255.255', 120, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
    ['192.168.255.255/24', 124, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
    ['255.255.255.255', 128, '0000:0000:0000:0000:0000:ffff:ffff:ffff'],
    ['fe80::85d:e82c:9446:7994', 128, 'fe80:0000:0000:0000:085d:e82c:9446:7994'],
    ['fe80::85d:e82c:9446:7994/120', 124, 'fe80:0000:0000:0000:085d:e82c:9446:7900'],
    ['::192.168.255.255', 128, '0000:0000:0000:0000:0000:ffff:c0a8:ffff'],
    ['::192.168.255.255/24', 128, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
  ];
  for (const [ip, mask, expected] of rows) assert.equal(call('parse_ipv6_mask', ip, mask), expected, ip);
  assert.equal(call('parse_ipv6_mask', '::1', 129), '');
});

test('ipv6_compare and ipv6_is_match docs examples', () => {
  const equal: [string, string, number?][] = [
    ['192.168.1.1', '192.168.1.1'],
    ['192.168.1.1/24', '192.168.1.255'],
    ['192.168.1.1', '192.168.1.255/24'],
    ['192.168.1.1/30', '192.168.1.255/24'],
    ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7994'],
    ['fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998'],
    ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7998/120'],
    ['fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998/120'],
    ['192.168.1.1', '::ffff:c0a8:0101'],
    ['192.168.1.1/24', '::ffff:c0a8:01ff'],
    ['::ffff:c0a8:0101', '192.168.1.255/24'],
    ['::192.168.1.1/30', '192.168.1.255/24'],
    ['192.168.1.1', '192.168.1.0', 31],
    ['192.168.1.1/24', '192.168.1.255', 31],
    ['192.168.1.1', '192.168.1.255', 24],
    ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127],
    ['fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7998', 120],
    ['fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998', 127],
    ['192.168.1.1/24', '::ffff:c0a8:01ff', 127],
    ['::ffff:c0a8:0101', '192.168.1.255', 120],
    ['::192.168.1.1/30', '192.168.1.255/24', 127],
  ];
  for (const [a, b, p] of equal) {
    const args: Scalar[] = p === undefined ? [a, b] : [a, b, p];
    assert.equal(call('ipv6_compare', ...args), 0, `${a} ${b} ${p}`);
    assert.equal(call('ipv6_is_match', ...args), true, `${a} ${b} ${p}`);
  }
  assert.equal(call('ipv6_compare', 'fe80::2', 'fe80::1'), 1);
  assert.equal(call('ipv6_compare', '::1', 'fe80::1'), -1);
  assert.equal(call('ipv6_is_match', '::1', 'zz'), null);
});

test('ipv6_is_in_range and ipv6_is_in_any_range docs examples', () => {
  const ip = 'a5e:f127:8a9d:146d:e102:b5d3:c755:abcd';
  assert.equal(call('ipv6_is_in_range', ip, 'a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112'), true);
  assert.equal(call('ipv6_is_in_range', ip, ip), true);
  assert.equal(call('ipv6_is_in_range', ip, '0:0:0:0:0:ffff:c0a8:ac/60'), false);
  assert.equal(call('ipv6_is_in_any_range', 'a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', 'a5e:f127:8a9d:146d:e102:b5d3:c755:abce/112', 'fe80::/16'), true);
  assert.equal(call('ipv6_is_in_any_range', 'fe80::1', ['2001:db8::/32', 'fe80::/10']), true);
  assert.equal(call('ipv6_is_in_any_range', '2001:db9::1', ['2001:db8::/32']), false);
});

test('has_ipv4 docs examples', () => {
  assert.equal(call('has_ipv4', '05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1'), true);
  assert.equal(call('has_ipv4', '05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.0.256'), false);
  assert.equal(call('has_ipv4', '05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1'), false);
  assert.equal(call('has_ipv4', 'These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201', '10.1.1.115'), true);
  assert.equal(call('has_ipv4', 'from 10.1.1.115x', '10.1.1.115'), false);
  assert.equal(call('has_ipv4', 'from 10.1.1.1155', '10.1.1.115'), false);
  assert.equal(call('has_ipv4', 'ip=10.1.1.115.', '10.1.1.115'), true);
  assert.equal(call('has_ipv4', '', '10.1.1.115'), false);
});

test('has_ipv4_prefix docs examples', () => {
  const line = '05:04:54 127.0.0.1 GET /favicon.ico 404';
  assert.equal(call('has_ipv4_prefix', line, '127.0.'), true);
  assert.equal(call('has_ipv4_prefix', line, '127.0'), false);
  assert.equal(call('has_ipv4_prefix', '05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.'), false);
  assert.equal(call('has_ipv4_prefix', '05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.'), false);
  assert.equal(call('has_ipv4_prefix', line, '127.0.0.1'), true);
  assert.equal(call('has_ipv4_prefix', line, '127.'), true);
  assert.equal(call('has_ipv4_prefix', line, '12.'), false);
});

test('has_any_ipv4 and has_any_ipv4_prefix docs examples', () => {
  assert.equal(call('has_any_ipv4', '05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1', '127.0.0.2'), true);
  assert.equal(call('has_any_ipv4', '05:04:54 127.0.0.256 GET /favicon.ico 404', ['127.0.0.256', '192.168.1.1']), false);
  assert.equal(call('has_any_ipv4', '05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1', '192.168.1.1'), false);
  assert.equal(call('has_any_ipv4_prefix', '05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.', '192.168.'), true);
  assert.equal(call('has_any_ipv4_prefix', '05:04:54 127.0.0.1 GET /favicon.ico 404', ['127.0', '192.168.']), false);
  assert.equal(call('has_any_ipv4_prefix', '05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.', '192.168.'), false);
  assert.equal(call('has_any_ipv4_prefix', '05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.', '192.'), false);
});

test('geo_info_from_ip_address is refused with a clear error', () => {
  assert.throws(() => call('geo_info_from_ip_address', '1.1.1.1'), (e: unknown) =>
    e instanceof NotSupportedError && /not supported: geo_info_from_ip_address \(no GeoIP database configured\)/.test(e.message));
});

const arbAddress = fc.integer({ min: 0, max: 0xffffffff });
const arbPrefix = fc.integer({ min: 0, max: 32 });
const dotted = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

test('property: parse_ipv4 and format_ipv4 round-trip', () => {
  fc.assert(fc.property(arbAddress, (n) => {
    assert.equal(call('format_ipv4', dotted(n)), dotted(n));
    assert.equal(call('parse_ipv4', call('format_ipv4', n) as string), n);
  }));
});

test('property: ipv4_is_in_range agrees with prefix arithmetic', () => {
  fc.assert(fc.property(arbAddress, arbAddress, arbPrefix, (ip, network, prefix) => {
    const size = 2 ** (32 - prefix);
    const expected = Math.floor(ip / size) === Math.floor(network / size);
    assert.equal(call('ipv4_is_in_range', dotted(ip), `${dotted(network)}/${prefix}`), expected);
    assert.equal(call('ipv4_is_match', dotted(ip), dotted(network), prefix), expected);
  }));
});

test('property: IPv4 and its mapped IPv6 compare the same way', () => {
  fc.assert(fc.property(arbAddress, arbAddress, (a, b) => {
    const v4 = call('ipv4_compare', dotted(a), dotted(b));
    assert.equal(call('ipv6_compare', dotted(a), dotted(b)), v4);
    assert.equal(call('ipv6_compare', `::ffff:${dotted(a)}`, dotted(b)), v4);
  }));
});

test('property: ipv4_range_to_cidr_list covers exactly the range', () => {
  fc.assert(fc.property(arbAddress, fc.integer({ min: 0, max: 5000 }), (start, span) => {
    const end = Math.min(0xffffffff, start + span);
    const cidrs = call('ipv4_range_to_cidr_list', dotted(start), dotted(end)) as string[];
    let next = start;
    for (const cidr of cidrs) {
      const [base, bits] = cidr.split('/');
      assert.equal(call('parse_ipv4', base!), next);
      next += 2 ** (32 - Number(bits));
    }
    assert.equal(next, end + 1);
  }));
});

test('property: parse_ipv6 output re-parses to itself', () => {
  const arbGroups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
  fc.assert(fc.property(arbGroups, (groups) => {
    const text = groups.map((g) => g.toString(16)).join(':');
    const canonical = call('parse_ipv6', text) as string;
    assert.equal(canonical, groups.map((g) => g.toString(16).padStart(4, '0')).join(':'));
    assert.equal(call('parse_ipv6', canonical), canonical);
  }));
});

test('every function matches the oracle catalogue in name and argument counts', () => {
  for (const d of ipFunctions) {
    for (const name of [d.name, ...(d.aliases ?? [])]) {
      const known = KNOWN_FUNCTIONS.find((k) => k.name === name && k.kind === 'scalar');
      assert.ok(known, `${name} is not an ADX function`);
      const min = d.params.filter((p) => !p.optional).length;
      const max = d.params.some((p) => p.repeat) ? Infinity : d.params.length;
      // The docs, which are the spec, make format_ipv4_mask's prefix optional; the parser requires it.
      const docsOverride = new Set<string>(['format_ipv4_mask']).has(name);
      if (!docsOverride) assert.equal(min, known.min, `${name}: minimum argument count`);
      if (max !== Infinity) assert.ok(max >= known.max, `${name}: maximum argument count ${max} < ${known.max}`);
    }
  }
});

test('dynamic arguments are read as their text', () => {
  assert.equal(call('ipv4_is_private', '10.0.0.1' as Scalar), true);
  assert.equal(call('ipv4_is_private', { ip: '10.0.0.1' }), null);
  assert.equal(call('has_ipv4', { ip: '10.0.0.1' }, '10.0.0.1'), true);
  assert.equal(call('has_any_ipv4', ['a 10.0.0.1 b'], '10.0.0.1'), true);
});

test('fixed return types agree with the oracle catalogue; computed ones are dynamic', () => {
  for (const d of ipFunctions) {
    const known = KNOWN_FUNCTIONS.find((k) => k.name === d.name && k.kind === 'scalar')!;
    const fixed = known.sigs.map((s) => s.ret).filter((r) => !r.startsWith('@'));
    if (typeof d.returns === 'string') {
      const expected = fixed.length > 0 ? fixed : ['dynamic'];
      assert.ok(expected.includes(d.returns), `${d.name}: returns ${d.returns}, the oracle says ${known.sigs.map((s) => s.ret).join('|')}`);
    }
  }
});
