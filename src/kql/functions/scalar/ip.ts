// IPv4/IPv6 functions. Text that is not a valid address yields null (or the empty string for
// the functions returning text), as each function's docs page specifies.

import { NotSupportedError } from '../../types.js';
import { dynamicToText } from '../../values/convert.js';
import type { Scalar, ScalarType } from '../../types.js';
import type { ScalarFunctionDef, ParamSpec } from '../registry.js';
import {
  formatIpv4,
  ipv4InRange,
  ipv4RangeToCidrs,
  isPrivateIpv4,
  maskIpv4,
  parseIpv4,
  parseIpv4TextPrefix,
  scanDelimitedIpv4,
  textHasIpv4Prefix,
  type Ipv4WithPrefix,
} from '../ip/ipv4.js';
import { compareIpv6, formatIpv6Canonical, maskIpv6, parseIpv6, type Ipv6WithPrefix } from '../ip/ipv6.js';

/** ADX passes a dynamic argument to a string parameter as its text, so dynamic is accepted too. */
const TEXT: readonly ScalarType[] = ['string', 'dynamic'];
const IP: ParamSpec = { name: 'ip', types: TEXT };

function asText(value: Scalar): string | null {
  return typeof value === 'string' ? value : null;
}

/** The text searched by has_*ipv4*: a string, or a dynamic value's text (as tostring() gives). */
function sourceText(value: Scalar): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined || typeof value === 'bigint') return '';
  return dynamicToText(value);
}

function ipv4Of(value: Scalar): Ipv4WithPrefix | null {
  const text = asText(value);
  return text === null ? null : parseIpv4(text);
}

function ipv6Of(value: Scalar): Ipv6WithPrefix | null {
  const text = asText(value);
  return text === null ? null : parseIpv6(text);
}

/** An optional prefix argument: undefined when absent, null when null or out of 0..max. */
function prefixArg(value: Scalar | undefined, max: number): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) return null;
  return value;
}

/** The ranges of the *_is_in_any_range / has_any_* functions: strings, or one dynamic array of them. */
function listArgs(args: Scalar[], from: number): Scalar[] {
  const rest = args.slice(from);
  if (rest.length === 1 && Array.isArray(rest[0])) return rest[0] as Scalar[];
  return rest;
}

function compareIpv4(args: Scalar[]): number | null {
  const a = ipv4Of(args[0]!);
  const b = ipv4Of(args[1]!);
  const extra = prefixArg(args[2], 32);
  if (a === null || b === null || extra === null) return null;
  const prefix = Math.min(a.prefix, b.prefix, extra ?? 32);
  const x = maskIpv4(a.address, prefix);
  const y = maskIpv4(b.address, prefix);
  return x === y ? 0 : x < y ? -1 : 1;
}

function compareIpv6Args(args: Scalar[]): number | null {
  const a = ipv6Of(args[0]!);
  const b = ipv6Of(args[1]!);
  const extra = prefixArg(args[2], 128);
  if (a === null || b === null || extra === null) return null;
  return compareIpv6(a.groups, b.groups, Math.min(a.prefix, b.prefix, extra ?? 128));
}

/**
 * Parsed ranges by text. The same few ranges (a rule's CIDR list, a watchlist) are tested
 * against every distinct address; bounded so that ranges taken from data cannot grow it without
 * limit.
 */
const parsedRanges = new Map<string, Ipv4WithPrefix | null>();
const PARSED_RANGES_LIMIT = 4096;

function ipv4RangeOf(value: Scalar): Ipv4WithPrefix | null {
  const text = asText(value);
  if (text === null) return null;
  let range = parsedRanges.get(text);
  if (range === undefined) {
    range = parseIpv4(text);
    if (parsedRanges.size >= PARSED_RANGES_LIMIT) parsedRanges.clear();
    parsedRanges.set(text, range);
  }
  return range;
}

function ipv4IsInRange(address: Ipv4WithPrefix, rangeText: Scalar): boolean | null {
  const range = ipv4RangeOf(rangeText);
  if (range === null) return null;
  return ipv4InRange(address.address, range.address, range.prefix);
}

function ipv6IsInRange(address: Ipv6WithPrefix, rangeText: Scalar): boolean | null {
  const range = ipv6Of(rangeText);
  if (range === null) return null;
  return compareIpv6(address.groups, range.groups, range.prefix) === 0;
}

/** true when any range matches; otherwise null if some range was invalid, else false. */
function anyRange<A>(address: A | null, ranges: Scalar[], inRange: (a: A, r: Scalar) => boolean | null): boolean | null {
  if (address === null) return null;
  let sawInvalid = false;
  for (const range of ranges) {
    const hit = inRange(address, range);
    if (hit === true) return true;
    if (hit === null) sawInvalid = true;
  }
  return sawInvalid ? null : false;
}

/** A number argument of format_ipv4: the address in big-endian order. */
function ipv4FromScalar(value: Scalar): Ipv4WithPrefix | null {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return null;
    return { address: value, prefix: 32 };
  }
  return ipv4Of(value);
}

function formatMasked(args: Scalar[], withSuffix: boolean): string {
  const ip = ipv4FromScalar(args[0]!);
  const extra = prefixArg(args[1], 32);
  if (ip === null || extra === null) return '';
  const prefix = Math.min(ip.prefix, extra ?? 32);
  const text = formatIpv4(maskIpv4(ip.address, prefix));
  return withSuffix ? `${text}/${prefix}` : text;
}

function hasIpv4(source: string, ipText: Scalar): boolean {
  const text = asText(ipText);
  if (text === null) return false;
  const wanted = parseIpv4TextPrefix(text);
  if (wanted === null || !wanted.full) return false;
  return scanDelimitedIpv4(source, (_s, _e, address) => address === wanted.value);
}

function hasIpv4Prefix(source: string, prefixText: Scalar): boolean {
  const text = asText(prefixText);
  if (text === null) return false;
  const wanted = parseIpv4TextPrefix(text);
  return wanted !== null && textHasIpv4Prefix(source, wanted);
}

const RANGES: ParamSpec = { name: 'ranges', types: ['string', 'dynamic'], repeat: true };

export const ipFunctions: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'parse_ipv4',
    params: [IP],
    returns: 'long',
    impl: ([ip]) => ipv4Of(ip!)?.address ?? null,
  },
  {
    kind: 'scalar',
    name: 'parse_ipv4_mask',
    params: [IP, { name: 'prefix', types: ['int', 'long'] }],
    returns: 'long',
    impl: ([ip, prefixValue]) => {
      const parsed = ipv4Of(ip!);
      const prefix = prefixArg(prefixValue, 32);
      if (parsed === null || prefix === null || prefix === undefined) return null;
      return maskIpv4(parsed.address, Math.min(parsed.prefix, prefix));
    },
  },
  {
    kind: 'scalar',
    name: 'format_ipv4',
    params: [{ name: 'ip', types: ['string', 'int', 'long', 'real', 'decimal'] }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'string',
    impl: (args) => formatMasked(args, false),
  },
  {
    kind: 'scalar',
    name: 'format_ipv4_mask',
    params: [{ name: 'ip', types: ['string', 'int', 'long', 'real', 'decimal'] }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'string',
    impl: (args) => formatMasked(args, true),
  },
  {
    kind: 'scalar',
    name: 'ipv4_is_private',
    params: [IP],
    returns: 'bool',
    impl: ([ip]) => {
      const parsed = ipv4Of(ip!);
      return parsed === null ? null : isPrivateIpv4(parsed.address);
    },
  },
  {
    kind: 'scalar',
    name: 'ipv4_netmask_suffix',
    params: [IP],
    returns: 'long',
    impl: ([ip]) => ipv4Of(ip!)?.prefix ?? null,
  },
  {
    kind: 'scalar',
    name: 'ipv4_compare',
    params: [{ name: 'ip1', types: TEXT }, { name: 'ip2', types: TEXT }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'long',
    impl: (args) => compareIpv4(args),
  },
  {
    kind: 'scalar',
    name: 'ipv4_is_match',
    params: [{ name: 'ip1', types: TEXT }, { name: 'ip2', types: TEXT }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'bool',
    impl: (args) => {
      const c = compareIpv4(args);
      return c === null ? null : c === 0;
    },
  },
  {
    kind: 'scalar',
    name: 'ipv4_is_in_range',
    params: [IP, { name: 'ip_range', types: TEXT }],
    returns: 'bool',
    impl: ([ip, range]) => {
      const address = ipv4Of(ip!);
      return address === null ? null : ipv4IsInRange(address, range!);
    },
  },
  {
    kind: 'scalar',
    name: 'ipv4_is_in_any_range',
    params: [IP, RANGES],
    returns: 'bool',
    impl: (args) => anyRange(ipv4Of(args[0]!), listArgs(args, 1), ipv4IsInRange),
  },
  {
    kind: 'scalar',
    name: 'ipv4_range_to_cidr_list',
    params: [{ name: 'start_ip', types: TEXT }, { name: 'end_ip', types: TEXT }],
    returns: 'dynamic',
    impl: ([startText, endText]) => {
      const start = ipv4Of(startText!);
      const end = ipv4Of(endText!);
      if (start === null || end === null) return null;
      return ipv4RangeToCidrs(start.address, end.address);
    },
  },
  {
    kind: 'scalar',
    name: 'parse_ipv6',
    params: [IP],
    returns: 'string',
    impl: ([ip]) => {
      const parsed = ipv6Of(ip!);
      return parsed === null ? '' : formatIpv6Canonical(parsed.groups);
    },
  },
  {
    kind: 'scalar',
    name: 'parse_ipv6_mask',
    params: [IP, { name: 'prefix', types: ['int', 'long'] }],
    returns: 'string',
    impl: ([ip, prefixValue]) => {
      const parsed = ipv6Of(ip!);
      const prefix = prefixArg(prefixValue, 128);
      if (parsed === null || prefix === null || prefix === undefined) return '';
      return formatIpv6Canonical(maskIpv6(parsed.groups, Math.min(parsed.prefix, prefix)));
    },
  },
  {
    kind: 'scalar',
    name: 'ipv6_compare',
    params: [{ name: 'ip1', types: TEXT }, { name: 'ip2', types: TEXT }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'long',
    impl: (args) => compareIpv6Args(args),
  },
  {
    kind: 'scalar',
    name: 'ipv6_is_match',
    params: [{ name: 'ip1', types: TEXT }, { name: 'ip2', types: TEXT }, { name: 'prefix', types: ['int', 'long'], optional: true }],
    returns: 'bool',
    impl: (args) => {
      const c = compareIpv6Args(args);
      return c === null ? null : c === 0;
    },
  },
  {
    kind: 'scalar',
    name: 'ipv6_is_in_range',
    params: [IP, { name: 'ip_range', types: TEXT }],
    returns: 'bool',
    impl: ([ip, range]) => {
      const address = ipv6Of(ip!);
      return address === null ? null : ipv6IsInRange(address, range!);
    },
  },
  {
    kind: 'scalar',
    name: 'ipv6_is_in_any_range',
    params: [IP, RANGES],
    returns: 'bool',
    impl: (args) => anyRange(ipv6Of(args[0]!), listArgs(args, 1), ipv6IsInRange),
  },
  {
    kind: 'scalar',
    name: 'has_ipv4',
    params: [{ name: 'source', types: TEXT }, { name: 'ip', types: TEXT }],
    returns: 'bool',
    impl: ([source, ip]) => hasIpv4(sourceText(source!), ip!),
  },
  {
    kind: 'scalar',
    name: 'has_ipv4_prefix',
    params: [{ name: 'source', types: TEXT }, { name: 'ip_prefix', types: TEXT }],
    returns: 'bool',
    impl: ([source, prefix]) => hasIpv4Prefix(sourceText(source!), prefix!),
  },
  {
    kind: 'scalar',
    name: 'has_any_ipv4',
    params: [{ name: 'source', types: TEXT }, { name: 'ips', types: ['string', 'dynamic'], repeat: true }],
    returns: 'bool',
    impl: (args) => {
      const source = sourceText(args[0]!);
      return listArgs(args, 1).some((ip) => hasIpv4(source, ip));
    },
  },
  {
    kind: 'scalar',
    name: 'has_any_ipv4_prefix',
    params: [{ name: 'source', types: TEXT }, { name: 'ip_prefixes', types: ['string', 'dynamic'], repeat: true }],
    returns: 'bool',
    impl: (args) => {
      const source = sourceText(args[0]!);
      return listArgs(args, 1).some((prefix) => hasIpv4Prefix(source, prefix));
    },
  },
  {
    kind: 'scalar',
    name: 'geo_info_from_ip_address',
    params: [IP],
    returns: 'dynamic',
    impl: () => {
      throw new NotSupportedError('geo_info_from_ip_address (no GeoIP database configured)');
    },
  },
];
