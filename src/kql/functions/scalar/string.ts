// String functions. Every function follows ADX's null handling: a string result is never
// null (the empty string stands in), and non-string arguments are converted as tostring()
// would convert them. Offsets and lengths count UTF-16 code units (as .NET does), except
// strlen(), which the docs define as counting Unicode code points.
import type { ArgInfo, CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import { KqlError, dynamicNumber, type DynamicValue, type Scalar } from '../../types.js';
import { argText } from '../text/stringify.js';
import { simpleLower, simpleUpper } from '../text/casefold.js';
import { hasAnyIndex } from '../text/operators.js';
import { allMatches, cachedRegex, firstMatch } from '../text/regex.js';
import {
  base64Decode,
  base64Encode,
  isWellFormedUtf16,
  utf8DecodeStrict,
  utf8Encode,
  utf8Length,
} from '../text/utf8.js';
import { parseGuid } from '../../values/guid.js';
import { searchWindow, windowEnd } from '../text/search-window.js';

const ANY = 'any' as const;
const INTEGER = ['int', 'long'] as const;
const STRING = ['string'] as const;
const STRING_OR_DYNAMIC = ['string', 'dynamic'] as const;
const DYNAMIC = ['dynamic'] as const;

const p = (name: string, types: ParamSpec['types'], extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, types, ...extra });

function num(v: Scalar): number | null {
  return dynamicNumber(v);
}

function arrayArg(v: Scalar, fn: string, param: string): DynamicValue[] {
  if (Array.isArray(v)) return v;
  throw new KqlError(`${fn}(): argument '${param}' must be a dynamic array`, 'Type');
}

/** .NET String.IndexOf(value, start, count) semantics: the match must lie inside [start, start+count). */
function indexWithin(s: string, match: string, start: number, end: number): number {
  const i = s.indexOf(match, start);
  return i >= 0 && i + match.length <= end ? i : -1;
}


function indexOfImpl(s: string, match: string, args: Scalar[]): number | null {
  const w = searchWindow(s.length, args, 2, 'fromEnd');
  if (w === null) return null;
  if (w.start > s.length || w.occurrence === 0) return -1;
  let pos = w.start;
  let found = -1;
  for (let k = 0; k < w.occurrence; k++) {
    // Each further occurrence is searched with the same window length from just after the last one.
    const end = windowEnd(s.length, pos, w.length);
    found = indexWithin(s, match, pos, end);
    if (found < 0) return -1;
    pos = found + 1;
  }
  return found;
}


function countOfImpl(source: string, search: string, kind: string, ctx: CallContext): number {
  if (kind === 'regex') return allMatches(cachedRegex(ctx.cache, search), source).length;
  if (kind !== 'normal') throw new KqlError(`countof(): kind must be "normal" or "regex", got ${JSON.stringify(kind)}`, 'Argument');
  if (search.length === 0) return 0;
  let count = 0;
  // Plain matches may overlap (docs: countof("aaaa", "aa") is 3).
  for (let i = source.indexOf(search); i >= 0; i = source.indexOf(search, i + 1)) count++;
  return count;
}

/** ADX's substring(): a negative start counts from the end; out-of-range parts are clipped. */
function substringImpl(s: string, start: number, length: number | undefined): string {
  let from = start < 0 ? Math.max(0, s.length + start) : start;
  if (from > s.length) from = s.length;
  if (length === undefined) return s.slice(from);
  if (length <= 0) return '';
  return s.slice(from, from + length);
}

function splitImpl(source: string, delimiter: string): string[] {
  return delimiter === '' ? [source] : source.split(delimiter);
}

function trimRegex(ctx: CallContext, pattern: string, where: 'start' | 'end'): ReturnType<typeof cachedRegex> {
  const wrapped = where === 'start' ? `^(?:${pattern})+` : `(?:${pattern})+$`;
  return cachedRegex(ctx.cache, wrapped);
}

function trimStart(ctx: CallContext, pattern: string, s: string): string {
  const m = firstMatch(trimRegex(ctx, pattern, 'start'), s);
  return m === null ? s : s.slice(m.end);
}

function trimEnd(ctx: CallContext, pattern: string, s: string): string {
  const m = firstMatch(trimRegex(ctx, pattern, 'end'), s);
  return m === null ? s : s.slice(0, m.start);
}

function replaceStringsImpl(text: string, lookups: DynamicValue[], rewrites: DynamicValue[]): string {
  // Lookups apply in list order, each to the text not already matched by an earlier one
  // (docs: lookups ['is', 'This'] turn "This" into "Thwas"). A match whose rewrite is not a
  // string keeps its text but is still consumed.
  type Segment = { text: string; done: boolean };
  let segments: Segment[] = [{ text, done: false }];
  for (let k = 0; k < lookups.length; k++) {
    const lookup = lookups[k];
    if (typeof lookup !== 'string' || lookup === '') continue;
    const rewrite = rewrites[k];
    const next: Segment[] = [];
    for (const seg of segments) {
      if (seg.done || !seg.text.includes(lookup)) {
        next.push(seg);
        continue;
      }
      seg.text.split(lookup).forEach((piece, i) => {
        if (i > 0) next.push({ text: typeof rewrite === 'string' ? rewrite : lookup, done: true });
        if (piece !== '') next.push({ text: piece, done: false });
      });
    }
    segments = next;
  }
  return segments.map((s) => s.text).join('');
}

function translateImpl(searchList: string, replacementList: string, source: string): string {
  const search = [...searchList];
  const repl = [...replacementList];
  const map = new Map<string, string>();
  search.forEach((c, i) => {
    if (map.has(c)) return;
    // A shorter replacement list repeats its last character; an empty one deletes.
    map.set(c, repl.length === 0 ? '' : repl[Math.min(i, repl.length - 1)]!);
  });
  let out = '';
  for (const c of source) out += map.get(c) ?? c;
  return out;
}

/** Windows CommandLineToArgvW rules. */
function parseWindowsCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = cmd.length;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
  while (i < n && isSpace(cmd[i])) i++;
  if (i >= n) return args;
  // The program name: quotes only group, backslashes are literal.
  let first = '';
  if (cmd[i] === '"') {
    i++;
    while (i < n && cmd[i] !== '"') first += cmd[i++];
    i++;
  } else {
    while (i < n && !isSpace(cmd[i])) first += cmd[i++];
  }
  args.push(first);
  for (;;) {
    while (i < n && isSpace(cmd[i])) i++;
    if (i >= n) break;
    let arg = '';
    let quoted = false;
    while (i < n && (quoted || !isSpace(cmd[i]))) {
      const c = cmd[i]!;
      if (c === '\\') {
        let slashes = 0;
        while (i < n && cmd[i] === '\\') {
          slashes++;
          i++;
        }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(slashes >> 1);
          if (slashes % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += '\\'.repeat(slashes);
        }
      } else if (c === '"') {
        if (quoted && cmd[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += c;
        i++;
      }
    }
    args.push(arg);
  }
  return args;
}

/** One CSV record (RFC 4180 quoting); only the first record of the text is taken. */
function parseCsvRecord(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      break;
    } else {
      field += c;
      i++;
    }
  }
  fields.push(field);
  return fields;
}

const BYTE_UNITS = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Rounds half away from zero to `digits` decimals (.NET MidpointRounding.AwayFromZero); digits may be negative. */
export function roundHalfAwayFromZero(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  // toPrecision(15) removes binary representation error before rounding (2.675 * 100 = 267.49999...).
  const roundScaled = (v: number) => Math.round(Number(v.toPrecision(15)));
  const abs = Math.abs(x);
  const r = digits >= 0 ? roundScaled(abs * 10 ** digits) / 10 ** digits : roundScaled(abs / 10 ** -digits) * 10 ** -digits;
  return x < 0 ? -r : r;
}

function formatBytesImpl(size: number, precision: number, units: string): string {
  let unitIndex: number;
  if (units === '') {
    unitIndex = 0;
    let v = Math.abs(size);
    while (v >= 1024 && unitIndex < BYTE_UNITS.length - 1) {
      v /= 1024;
      unitIndex++;
    }
  } else {
    unitIndex = BYTE_UNITS.findIndex((u) => u.toLowerCase() === units.toLowerCase());
    if (unitIndex < 0) throw new KqlError(`format_bytes(): unknown units ${JSON.stringify(units)}; expected one of ${BYTE_UNITS.join(', ')}`, 'Argument');
  }
  const value = roundHalfAwayFromZero(size / 1024 ** unitIndex, precision);
  return `${value} ${BYTE_UNITS[unitIndex]}`;
}



function codePointsToString(values: DynamicValue[], fn: string): string {
  let out = '';
  for (const v of values) {
    if (Array.isArray(v)) {
      out += codePointsToString(v, fn);
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
      throw new KqlError(`${fn}(): ${JSON.stringify(v)} is not a valid Unicode code point`, 'Argument');
    }
    out += String.fromCodePoint(v);
  }
  return out;
}

/** .NET Guid.ToByteArray order: the first three groups little-endian. */
function guidToBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, '');
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order, (i) => b[i]!);
}

function bytesToGuid(bytes: Uint8Array): string {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = order.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}


const strArg = (i: number) => (args: Scalar[], ctx: CallContext) => argText(args, i, ctx);

const stringResultOf = (f: (args: Scalar[], ctx: CallContext) => string | null) => (args: Scalar[], ctx: CallContext): string =>
  f(args, ctx) ?? '';

export const stringFunctions: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'strlen',
    params: [p('source', STRING_OR_DYNAMIC)],
    returns: 'long',
    impl: (args, ctx) => {
      let n = 0;
      for (const _ of strArg(0)(args, ctx)) n++;
      return n;
    },
  },
  {
    kind: 'scalar',
    name: 'string_size',
    params: [p('source', STRING_OR_DYNAMIC)],
    returns: 'long',
    impl: (args, ctx) => utf8Length(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'substring',
    params: [p('source', ANY), p('startingIndex', INTEGER), p('length', INTEGER, { optional: true })],
    returns: 'string',
    impl: stringResultOf((args, ctx) => {
      const start = num(args[1]!);
      const length = args.length > 2 ? num(args[2]!) : undefined;
      if (start === null || length === null) return null;
      return substringImpl(argText(args, 0, ctx), start, length);
    }),
  },
  {
    kind: 'scalar',
    name: 'strcat',
    params: [p('arg', ANY, { repeat: true })],
    returns: 'string',
    impl: (args, ctx) => args.map((_, i) => argText(args, i, ctx)).join(''),
  },
  {
    kind: 'scalar',
    name: 'strcat_delim',
    params: [p('delimiter', ANY), p('arg', ANY, { repeat: true })],
    returns: (args: ArgInfo[]) => (args.length < 3 ? 'error:strcat_delim() needs a delimiter and at least two arguments' : 'string'),
    impl: (args, ctx) => args.slice(1).map((_, i) => argText(args, i + 1, ctx)).join(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'strcmp',
    params: [p('string1', ANY), p('string2', ANY)],
    returns: 'long',
    impl: (args, ctx) => {
      const a = argText(args, 0, ctx);
      const b = argText(args, 1, ctx);
      return a === b ? 0 : a < b ? -1 : 1;
    },
  },
  {
    kind: 'scalar',
    name: 'strrep',
    params: [p('value', ANY), p('multiplier', INTEGER), p('delimiter', ANY, { optional: true })],
    returns: 'string',
    impl: stringResultOf((args, ctx) => {
      const times = num(args[1]!);
      if (times === null || times < 1) return null;
      // Docs: a multiplier above the maximum of 1024 repeats 1024 times.
      const n = Math.min(times, 1024);
      const delimiter = args.length > 2 ? argText(args, 2, ctx) : '';
      return new Array<string>(n).fill(argText(args, 0, ctx)).join(delimiter);
    }),
  },
  {
    kind: 'scalar',
    name: 'toupper',
    params: [p('value', ANY)],
    returns: 'string',
    impl: (args, ctx) => simpleUpper(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'tolower',
    params: [p('value', ANY)],
    returns: 'string',
    impl: (args, ctx) => simpleLower(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'reverse',
    params: [p('value', ANY)],
    returns: 'string',
    impl: (args, ctx) => [...argText(args, 0, ctx)].reverse().join(''),
  },
  {
    kind: 'scalar',
    name: 'indexof',
    params: [
      p('source', ANY),
      p('lookup', ANY),
      p('start_index', INTEGER, { optional: true }),
      p('length', INTEGER, { optional: true }),
      p('occurrence', INTEGER, { optional: true }),
    ],
    returns: 'long',
    impl: (args, ctx) => indexOfImpl(argText(args, 0, ctx), argText(args, 1, ctx), args),
  },
  {
    kind: 'scalar',
    name: 'has_any_index',
    params: [p('source', STRING_OR_DYNAMIC), p('values', DYNAMIC)],
    returns: 'long',
    impl: (args, ctx) => {
      const values = arrayArg(args[1]!, 'has_any_index', 'values').map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return hasAnyIndex(argText(args, 0, ctx), values);
    },
  },
  {
    kind: 'scalar',
    name: 'split',
    params: [p('source', ANY), p('delimiter', STRING), p('requestedIndex', INTEGER, { optional: true })],
    returns: 'dynamic',
    impl: (args, ctx) => {
      const parts = splitImpl(argText(args, 0, ctx), argText(args, 1, ctx));
      if (args.length < 3) return parts;
      const index = num(args[2]!);
      if (index === null) return null;
      return index >= 0 && index < parts.length ? [parts[index]!] : [];
    },
  },
  {
    kind: 'scalar',
    name: 'replace_string',
    params: [p('text', STRING), p('lookup', STRING), p('rewrite', STRING)],
    returns: 'string',
    impl: (args, ctx) => {
      const text = argText(args, 0, ctx);
      const lookup = argText(args, 1, ctx);
      return lookup === '' ? text : text.split(lookup).join(argText(args, 2, ctx));
    },
  },
  {
    kind: 'scalar',
    name: 'replace_strings',
    params: [p('text', STRING), p('lookups', DYNAMIC), p('rewrites', DYNAMIC)],
    returns: 'string',
    impl: (args, ctx) =>
      replaceStringsImpl(
        argText(args, 0, ctx),
        arrayArg(args[1]!, 'replace_strings', 'lookups'),
        arrayArg(args[2]!, 'replace_strings', 'rewrites'),
      ),
  },
  {
    kind: 'scalar',
    name: 'trim',
    params: [p('regex', STRING), p('source', ANY)],
    returns: 'string',
    impl: (args, ctx) => trimEnd(ctx, argText(args, 0, ctx), trimStart(ctx, argText(args, 0, ctx), argText(args, 1, ctx))),
  },
  {
    kind: 'scalar',
    name: 'trim_start',
    params: [p('regex', STRING), p('source', ANY)],
    returns: 'string',
    impl: (args, ctx) => trimStart(ctx, argText(args, 0, ctx), argText(args, 1, ctx)),
  },
  {
    kind: 'scalar',
    name: 'trim_end',
    params: [p('regex', STRING), p('source', ANY)],
    returns: 'string',
    impl: (args, ctx) => trimEnd(ctx, argText(args, 0, ctx), argText(args, 1, ctx)),
  },
  {
    kind: 'scalar',
    name: 'countof',
    params: [p('source', STRING), p('search', STRING), p('kind', STRING, { optional: true, constant: true })],
    returns: 'long',
    impl: (args, ctx) =>
      countOfImpl(argText(args, 0, ctx), argText(args, 1, ctx), args.length > 2 ? argText(args, 2, ctx) : 'normal', ctx),
  },
  {
    kind: 'scalar',
    name: 'translate',
    params: [p('searchList', STRING), p('replacementList', STRING), p('source', STRING)],
    returns: 'string',
    impl: (args, ctx) => translateImpl(argText(args, 0, ctx), argText(args, 1, ctx), argText(args, 2, ctx)),
  },
  {
    kind: 'scalar',
    name: 'parse_command_line',
    params: [p('command_line', ANY), p('parser_type', STRING)],
    returns: 'dynamic',
    impl: (args, ctx) => {
      const parser = argText(args, 1, ctx);
      if (parser.toLowerCase() !== 'windows') {
        throw new KqlError(`parse_command_line(): parser type must be "windows", got ${JSON.stringify(parser)}`, 'Argument');
      }
      return parseWindowsCommandLine(argText(args, 0, ctx));
    },
  },
  {
    kind: 'scalar',
    name: 'parse_csv',
    params: [p('csv_text', STRING_OR_DYNAMIC)],
    returns: 'dynamic',
    impl: (args, ctx) => parseCsvRecord(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'format_bytes',
    params: [p('size', 'numeric'), p('precision', INTEGER, { optional: true }), p('units', STRING, { optional: true })],
    returns: 'string',
    impl: stringResultOf((args, ctx) => {
      const size = num(args[0]!);
      const precision = args.length > 1 ? num(args[1]!) : 0;
      if (size === null || precision === null) return null;
      return formatBytesImpl(size, Math.max(0, Math.min(15, precision)), args.length > 2 ? argText(args, 2, ctx) : '');
    }),
  },
  {
    kind: 'scalar',
    name: 'isascii',
    params: [p('value', ANY)],
    returns: 'bool',
    impl: (args, ctx) => /^[\x00-\x7f]*$/.test(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'isutf8',
    params: [p('value', ANY)],
    returns: 'bool',
    impl: (args, ctx) => isWellFormedUtf16(argText(args, 0, ctx)),
  },
  {
    kind: 'scalar',
    name: 'to_utf8',
    params: [p('value', ANY)],
    returns: 'dynamic',
    impl: (args, ctx) => Array.from(utf8Encode(argText(args, 0, ctx))),
  },
  {
    kind: 'scalar',
    name: 'unicode_codepoints_from_string',
    params: [p('value', ANY)],
    returns: 'dynamic',
    impl: (args, ctx) => Array.from(argText(args, 0, ctx), (c) => c.codePointAt(0)!),
  },
  {
    kind: 'scalar',
    name: 'unicode_codepoints_to_string',
    aliases: ['make_string'],
    params: [p('values', ['int', 'long', 'dynamic'], { repeat: true })],
    returns: 'string',
    impl: (args) => (args.some((a) => a === null) ? '' : codePointsToString(args as DynamicValue[], 'unicode_codepoints_to_string')),
  },
  {
    kind: 'scalar',
    name: 'base64_encode_tostring',
    aliases: ['base64_encodestring'],
    params: [p('string', STRING)],
    returns: 'string',
    impl: (args, ctx) => base64Encode(utf8Encode(argText(args, 0, ctx))),
  },
  {
    kind: 'scalar',
    name: 'base64_decode_tostring',
    aliases: ['base64_decodestring'],
    params: [p('base64_string', STRING)],
    returns: 'string',
    impl: (args, ctx) => {
      const bytes = base64Decode(argText(args, 0, ctx));
      return bytes === null ? '' : utf8DecodeStrict(bytes) ?? '';
    },
  },
  {
    kind: 'scalar',
    name: 'base64_decode_toarray',
    params: [p('base64_string', STRING)],
    returns: 'dynamic',
    impl: (args, ctx) => {
      const bytes = base64Decode(argText(args, 0, ctx));
      return bytes === null ? null : Array.from(bytes);
    },
  },
  {
    kind: 'scalar',
    name: 'base64_encode_fromarray',
    params: [p('base64_string_decoded_as_array', DYNAMIC)],
    returns: 'string',
    impl: (args) => {
      const values = arrayArg(args[0]!, 'base64_encode_fromarray', 'base64_string_decoded_as_array');
      if (!values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255)) return '';
      return base64Encode(Uint8Array.from(values as number[]));
    },
  },
  {
    kind: 'scalar',
    name: 'base64_decode_toguid',
    params: [p('base64_string', STRING)],
    returns: 'guid',
    impl: (args, ctx) => {
      const bytes = base64Decode(argText(args, 0, ctx));
      return bytes === null || bytes.length !== 16 ? null : bytesToGuid(bytes);
    },
  },
  {
    kind: 'scalar',
    name: 'base64_encode_fromguid',
    params: [p('guid', ['guid'])],
    returns: 'string',
    impl: (args) => {
      const g = typeof args[0] === 'string' ? parseGuid(args[0]) : null;
      return g === null ? '' : base64Encode(guidToBytes(g));
    },
  },
];
