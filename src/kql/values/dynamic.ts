// dynamic values: JSON parsing as parse_json()/todynamic() do it, compact JSON output,
// and deep equality/ordering.
//
// Representation (types.ts): plain JS arrays/objects, numbers, strings, booleans, null, and
// WholeReal for a whole-valued real (`1.0`), which must not read as a long.
// datetime/timespan/guid inside dynamic are held as their ADX string forms.

import {
  KqlError, WholeReal, realToDynamic, type DynamicValue, type Scalar, type ScalarType,
} from '../types.js';
import { formatDatetime, parseDatetimeLiteral, isNullLiteral } from './datetime.js';
import { formatTimespan, parseTimespanLiteral } from './timespan.js';
import { parseGuidLiteral } from './guid.js';
import { formatReal } from './numbers.js';

const MAX_EXACT = 2 ** 53;
/** A run of 16+ digits may be an integer beyond 2^53: such text takes the exact path. */
const LONG_DIGIT_RUN = /\d{16}/;
const FIRST_NON_SPACE = /[^ \t\n\r]/;
const JSON_START = /[{["\-0-9tfn]/;

export interface JsonParseOptions {
  /**
   * Accept the Kusto literals that `dynamic(...)` literals may contain (`datetime(...)`,
   * `timespan(...)`/`time(...)`, `guid(...)`, `int(...)`, `long(...)`, `real(...)`,
   * `bool(...)`, bare timespans like `1d`). parse_json never accepts them (see the docs).
   */
  kustoLiterals?: boolean;
  /** Offset of `text` inside the query, for error positions. */
  baseOffset?: number;
}

class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** A strict JSON reader (RFC 8259) that keeps integers exact: beyond ±2^53 it refuses rather than round. */
class JsonReader {
  pos = 0;
  constructor(private readonly text: string, private readonly opts: JsonParseOptions) {}

  fail(what: string): never {
    throw new JsonSyntaxError(what, this.pos);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  parseDocument(): DynamicValue {
    this.skipWs();
    const v = this.parseValue();
    this.skipWs();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  parseValue(): DynamicValue {
    this.skipWs();
    const c = this.text[this.pos];
    if (c === '{') return this.parseObject();
    if (c === '[') return this.parseArray();
    if (c === '"') return this.parseString();
    if (c === "'" && this.opts.kustoLiterals) return this.parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
    if (c !== undefined && /[A-Za-z_]/.test(c)) return this.parseWord();
    return this.fail(c === undefined ? 'unexpected end of JSON text' : `unexpected character '${c}'`);
  }

  parseObject(): DynamicValue {
    this.pos++;
    const out: { [key: string]: DynamicValue } = {};
    this.skipWs();
    if (this.text[this.pos] === '}') { this.pos++; return out; }
    for (;;) {
      this.skipWs();
      const q = this.text[this.pos];
      if (q !== '"' && !(q === "'" && this.opts.kustoLiterals)) this.fail('expected a property name in double quotes');
      const key = this.parseString();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a property name");
      this.pos++;
      out[key] = this.parseValue();
      this.skipWs();
      const sep = this.text[this.pos];
      if (sep === ',') { this.pos++; continue; }
      if (sep === '}') { this.pos++; return out; }
      this.fail("expected ',' or '}' in an object");
    }
  }

  parseArray(): DynamicValue {
    this.pos++;
    const out: DynamicValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') { this.pos++; return out; }
    for (;;) {
      out.push(this.parseValue());
      this.skipWs();
      const sep = this.text[this.pos];
      if (sep === ',') { this.pos++; continue; }
      if (sep === ']') { this.pos++; return out; }
      this.fail("expected ',' or ']' in an array");
    }
  }

  parseString(): string {
    const t = this.text;
    const quote = t[this.pos]!;
    const start = ++this.pos;
    let out = '';
    let chunk = start;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === quote) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', "'": "'" };
        if (e !== undefined && e in simple && (e !== "'" || this.opts.kustoLiterals)) {
          out += simple[e];
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail('invalid escape sequence in a string');
        }
        chunk = this.pos;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('control character in a string');
      this.pos++;
    }
    return this.fail('unterminated string');
  }

  parseNumber(): DynamicValue {
    const t = this.text;
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(t);
    if (!r) return this.fail('invalid number');
    const start = this.pos;
    this.pos += r[0].length;
    if (this.opts.kustoLiterals && /[A-Za-z]/.test(t[this.pos] ?? '')) {
      // A timespan literal such as 1d or 30min inside dynamic(...).
      const unit = /[A-Za-z]+/y;
      unit.lastIndex = this.pos;
      const u = unit.exec(t)!;
      this.pos += u[0].length;
      const ticks = parseTimespanLiteral(t.slice(start, this.pos));
      if (ticks === null) { this.pos = start; this.fail(`invalid timespan literal '${t.slice(start, start + r[0].length + u[0].length)}'`); }
      return formatTimespan(ticks);
    }
    const value = Number(r[0]);
    // A fraction or an exponent makes the number a real even when its value is whole.
    if (r[1] !== undefined || r[2] !== undefined) return realToDynamic(value);
    if (r[0].length >= 16) {
      // Compared as bigint: 2^53 + 1 rounds to 2^53 as a double and would slip through.
      const exact = BigInt(r[0]);
      const magnitude = exact < 0n ? -exact : exact;
      // ADX keeps integers up to 2^63-1 exact as long; beyond that it reads them as real.
      if (magnitude > BigInt(MAX_EXACT) && exact <= 2n ** 63n - 1n && exact >= -(2n ** 63n)) {
        this.pos = start;
        throw new KqlError(
          `integer ${r[0]} in JSON exceeds ±2^53, the largest long this engine holds exactly`,
          'LongOverflow',
        );
      }
    }
    return value;
  }

  parseWord(): DynamicValue {
    const t = this.text;
    const w = /[A-Za-z_][A-Za-z0-9_]*/y;
    w.lastIndex = this.pos;
    const start = this.pos;
    const word = w.exec(t)![0];
    this.pos += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (!this.opts.kustoLiterals) { this.pos = start; this.fail(`unexpected word '${word}'`); }
    this.skipWs();
    if (t[this.pos] !== '(') { this.pos = start; this.fail(`unexpected word '${word}'`); }
    const inner = this.readParenthesized();
    return kustoLiteralInDynamic(word, inner, () => { this.pos = start; return this.fail(`invalid ${word} literal '${word}(${inner})'`); });
  }

  /** The text between a '(' at pos and its matching ')', skipping over quoted strings. */
  readParenthesized(): string {
    const t = this.text;
    const open = ++this.pos;
    let depth = 1;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"' || c === "'") {
        const end = t.indexOf(c, this.pos + 1);
        if (end < 0) this.fail('unterminated string');
        this.pos = end + 1;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        this.pos++;
        return t.slice(open, this.pos - 1);
      }
      this.pos++;
    }
    return this.fail("missing ')'");
  }
}

function kustoLiteralInDynamic(word: string, inner: string, invalid: () => never): DynamicValue {
  if (isNullLiteral(inner)) return null;
  switch (word) {
    case 'datetime':
    case 'date': {
      const v = parseDatetimeLiteral(inner);
      return v === null ? invalid() : formatDatetime(v);
    }
    case 'timespan':
    case 'time': {
      const v = parseTimespanLiteral(inner);
      return v === null ? invalid() : formatTimespan(v);
    }
    case 'guid': {
      const v = parseGuidLiteral(inner);
      return v === null ? invalid() : v;
    }
    case 'bool':
    case 'boolean': {
      const s = inner.trim().toLowerCase();
      return s === 'true' ? true : s === 'false' ? false : invalid();
    }
    case 'int':
    case 'long':
    case 'real':
    case 'double':
    case 'decimal': {
      const s = inner.trim();
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return invalid();
      const n = Number(s);
      if (word === 'int' || word === 'long') return Number.isInteger(n) && Math.abs(n) <= MAX_EXACT ? n : invalid();
      return realToDynamic(n);
    }
    default:
      throw new KqlError(`not supported: ${word}(...) inside a dynamic literal`, 'NotSupported');
  }
}

/** A digit before a point or an exponent: the text may hold a real number token. */
const MAYBE_REAL = /\d[.eE]/;
/** Strings (skipped) or a number token with a fraction or exponent (group 1). */
const STRING_OR_REAL_TOKEN = /"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?[eE][+-]?\d+|-?\d+\.\d+)/g;

/**
 * Whether JSON text holds a whole-valued real such as `1.0` or `2e3`. JSON.parse would read
 * it as a plain number, i.e. a long, so such text takes the reader, which keeps it real.
 */
export function hasWholeRealToken(text: string): boolean {
  if (!MAYBE_REAL.test(text)) return false;
  STRING_OR_REAL_TOKEN.lastIndex = 0;
  for (let m = STRING_OR_REAL_TOKEN.exec(text); m !== null; m = STRING_OR_REAL_TOKEN.exec(text)) {
    if (m[1] !== undefined && realToDynamic(Number(m[1])) instanceof WholeReal) return true;
  }
  return false;
}

/** Strict JSON text -> dynamic value; throws a KqlError naming the offset when the text is not JSON. */
export function parseJsonStrict(text: string, opts: JsonParseOptions = {}): DynamicValue {
  if (!opts.kustoLiterals && !LONG_DIGIT_RUN.test(text) && !hasWholeRealToken(text)) {
    try {
      return JSON.parse(text) as DynamicValue;
    } catch {
      // Fall through to the reader for a positioned message.
    }
  }
  try {
    return new JsonReader(text, opts).parseDocument();
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const at = (opts.baseOffset ?? 0) + e.offset;
      throw new KqlError(`invalid JSON at offset ${e.offset}: ${e.message}`, 'InvalidJson', at, at + 1);
    }
    throw e;
  }
}

/**
 * parse_json()/todynamic() of a string: the JSON value when the text is valid JSON, otherwise
 * the string itself as a dynamic string (as the docs specify). Empty or blank text is null.
 */
export function parseJson(text: string): DynamicValue {
  const first = FIRST_NON_SPACE.exec(text);
  if (first === null) return null;
  // Most non-JSON text is caught here, sparing JSON.parse's costly exception per row.
  if (!JSON_START.test(first[0])) return text;
  if (!LONG_DIGIT_RUN.test(text) && !hasWholeRealToken(text)) {
    try {
      return JSON.parse(text) as DynamicValue;
    } catch {
      return text;
    }
  }
  try {
    return new JsonReader(text, {}).parseDocument();
  } catch (e) {
    if (e instanceof JsonSyntaxError) return text;
    throw e;
  }
}

/** The contents of a `dynamic(...)` literal: JSON extended with Kusto literals. */
export function parseDynamicLiteral(text: string, baseOffset = 0): DynamicValue {
  return parseJsonStrict(text, { kustoLiterals: true, baseOffset });
}

/**
 * A real in dynamic JSON text, as ADX (Json.NET) writes a double: the round-trip form, with
 * `.0` added when that form has neither a point nor an exponent (`1.0`, `1E+20`, `1E-07`).
 * Reading the text back therefore gives a real again, never a long.
 */
function writeReal(x: number): string {
  const text = formatReal(x);
  return /[.EN]|Infinity/.test(text) ? text : `${text}.0`;
}

function writeNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) <= MAX_EXACT) return Object.is(x, -0) ? '0' : String(x);
  return writeReal(x);
}

function write(v: DynamicValue, out: string[], strict: boolean): void {
  if (v === null) { out.push('null'); return; }
  switch (typeof v) {
    case 'boolean': out.push(v ? 'true' : 'false'); return;
    case 'number': out.push(strict && !Number.isFinite(v) ? 'null' : writeNumber(v)); return;
    case 'string': out.push(JSON.stringify(v)); return;
  }
  if (v instanceof WholeReal) { out.push(writeReal(v.value)); return; }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i]!, out, strict);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const k of Object.keys(v)) {
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    write(v[k]!, out, strict);
  }
  out.push('}');
}

/** Compact JSON as ADX prints dynamic values: `{"a":1,"b":[1,2]}`; a top-level string is JSON-quoted. */
export function formatDynamic(v: DynamicValue): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') {
    return typeof v === 'number' ? writeNumber(v) : typeof v === 'string' ? JSON.stringify(v) : String(v);
  }
  if (v instanceof WholeReal) return writeReal(v.value);
  const out: string[] = [];
  write(v, out, false);
  return out.join('');
}

/**
 * Strict JSON (RFC 8259) that parseJsonStrict reads back with the same types: whole reals keep
 * their `.0`. NaN and ±Infinity, which JSON cannot hold, become null, as JSON.stringify has it.
 */
export function formatDynamicStrictJson(v: DynamicValue): string {
  const out: string[] = [];
  write(v, out, true);
  return out.join('');
}

/** Whether a whole real (`1.0`) occurs anywhere in the value: only then does JSON.stringify lose a type. */
export function holdsWholeReal(v: DynamicValue): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof WholeReal) return true;
  if (Array.isArray(v)) return v.some(holdsWholeReal);
  for (const k of Object.keys(v)) if (holdsWholeReal(v[k]!)) return true;
  return false;
}

export type DynamicKind = 'null' | 'bool' | 'int' | 'long' | 'real' | 'string' | 'array' | 'dictionary';

/**
 * What gettype() reports for a dynamic value. Whole numbers that fit 32 bits are `int`, as the
 * gettype docs show for parse_json('1'); larger ones `long`.
 */
export function dynamicKind(v: DynamicValue): DynamicKind {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) > MAX_EXACT) return 'real';
    return v >= -2147483648 && v <= 2147483647 ? 'int' : 'long';
  }
  if (typeof v === 'string') return 'string';
  if (v instanceof WholeReal) return 'real';
  return Array.isArray(v) ? 'array' : 'dictionary';
}

export function isDynamicArray(v: DynamicValue): v is DynamicValue[] {
  return Array.isArray(v);
}

export function isDynamicBag(v: DynamicValue): v is { [key: string]: DynamicValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof WholeReal);
}

/**
 * Deep equality: arrays element-wise, property bags by key set (order-insensitive). Numbers by
 * value whatever their type (`1.0 == 1`, as in ADX). NaN equals NaN.
 */
export function dynamicEquals(a: DynamicValue, b: DynamicValue): boolean {
  if (a === b) return true;
  if (a instanceof WholeReal) a = a.value;
  if (b instanceof WholeReal) b = b.value;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as DynamicValue[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!dynamicEquals(a[i]!, bb[i]!)) return false;
    return true;
  }
  const ab = a as { [key: string]: DynamicValue };
  const bb = b as { [key: string]: DynamicValue };
  const ak = Object.keys(ab);
  if (ak.length !== Object.keys(bb).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bb, k) || !dynamicEquals(ab[k]!, bb[k]!)) return false;
  }
  return true;
}

const KIND_RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5 };

function rankOf(v: DynamicValue): number {
  if (v === null) return 0;
  if (Array.isArray(v)) return 4;
  if (v instanceof WholeReal) return 2;
  return KIND_RANK[typeof v]!;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A total order over dynamic values (ADX does not define one; this is the engine's choice):
 * null < bool < number < string < array < property bag; numbers numerically (NaN first),
 * arrays lexicographically, property bags by their sorted-key JSON text.
 */
export function compareDynamic(a: DynamicValue, b: DynamicValue): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: return 0;
    case 1: return a === b ? 0 : a ? 1 : -1;
    case 2: {
      const x = a instanceof WholeReal ? a.value : a as number;
      const y = b instanceof WholeReal ? b.value : b as number;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3: return compareStrings(a as string, b as string);
    case 4: {
      const x = a as DynamicValue[];
      const y = b as DynamicValue[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareDynamic(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length === y.length ? 0 : 1;
    }
    default: return compareStrings(canonicalDynamicText(a), canonicalDynamicText(b));
  }
}

/**
 * JSON text with property-bag keys sorted: equal values (per dynamicEquals) give equal text,
 * so a whole real is written as the long it equals.
 */
export function canonicalDynamicText(v: DynamicValue): string {
  if (v instanceof WholeReal) return formatDynamic(v.value);
  if (v === null || typeof v !== 'object') return formatDynamic(v);
  if (Array.isArray(v)) return `[${v.map(canonicalDynamicText).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalDynamicText(v[k]!)}`).join(',')}}`;
}

/** A typed scalar placed into a dynamic value (pack(), make_list(), todynamic() of a non-string, ...). */
export function dynamicFromScalar(type: ScalarType, value: Scalar): DynamicValue {
  if (value === null) return null;
  switch (type) {
    case 'datetime': return formatDatetime(value as bigint);
    case 'timespan': return formatTimespan(value as bigint);
    case 'bool': return value as boolean;
    case 'int':
    case 'long': return value as number;
    case 'real':
    case 'decimal': return realToDynamic(value as number);
    case 'string':
    case 'guid': return value as string;
    case 'dynamic': return value as DynamicValue;
  }
}
