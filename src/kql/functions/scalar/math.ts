// Math functions: elementary functions, rounding and binning, bitwise operations, and the
// statistical special functions. Return types follow Kusto.Language's signatures (checked
// against the oracle): e.g. abs(int) is long, round(int)/ceiling(int) keep int, bin(int, int)
// is long, sign() is real. Integer results beyond ±2^53 throw rather than round (types.ts).
import type { ArgInfo, ParamSpec, ReturnRule, ScalarFunctionDef } from '../registry.js';
import { KqlError, promoteNumeric, type Scalar, type ScalarType } from '../../types.js';
import { roundHalfAwayFromZero } from './string.js';
import { betaInverse, betaPdf, erf, erfc, gamma, logGamma, regularizedBeta, studentTTwoSidedP } from '../text/special-math.js';

const INTEGER = ['int', 'long'] as const;
const NUMERIC = 'numeric' as const;
const p = (name: string, types: ParamSpec['types'], extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, types, ...extra });

const isNum = (v: Scalar): v is number => typeof v === 'number';
const isInt = (t: ArgInfo['type']) => t === 'int' || t === 'long';
const isNumericType = (t: ArgInfo['type']) => t === 'int' || t === 'long' || t === 'real' || t === 'decimal';

/** A real-valued function of numeric arguments: null in, null out; NaN/±∞ flow through. */
function realFn(name: string, params: string[], f: (...xs: number[]) => number | null): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: params.map((n) => p(n, NUMERIC)),
    returns: 'real',
    impl: (args) => (args.every(isNum) ? f(...(args as number[])) : null),
  };
}

/** Exact 64-bit two's-complement result, refused when a JS number cannot hold it exactly. */
function exactLong(v: bigint, fn: string): number {
  const wrapped = BigInt.asIntN(64, v);
  if (wrapped > BigInt(Number.MAX_SAFE_INTEGER) || wrapped < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new KqlError(`${fn}(): result ${wrapped} exceeds the exactly representable long range (±2^53)`, 'Overflow');
  }
  return Number(wrapped);
}

function bitwise(name: string, arity: 1 | 2, f: (a: bigint, b: bigint) => bigint | null): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: arity === 1 ? [p('value', INTEGER)] : [p('value1', INTEGER), p('value2', INTEGER)],
    returns: 'long',
    impl: (args) => {
      if (!args.every(isNum)) return null;
      const [a, b] = (args as number[]).map((x) => BigInt(Math.trunc(x)));
      const r = f(a!, b ?? 0n);
      return r === null ? null : exactLong(r, name);
    },
  };
}

/** Integer-kind results of bin(): int widens to long, as Kusto.Language types them. */
function widenInt(t: ScalarType): ScalarType {
  return t === 'int' ? 'long' : t;
}

const binReturns: ReturnRule = (args) => {
  const [v, size] = [args[0]?.type, args[1]?.type];
  if (v === 'unknown' || size === 'unknown') return isNumericType(v!) ? widenInt(v as ScalarType) : v === 'unknown' ? 'real' : (v as ScalarType);
  if (isNumericType(v!) && isNumericType(size!)) return widenInt(promoteNumeric(v as ScalarType, size as ScalarType));
  if (v === 'timespan' && size === 'timespan') return 'timespan';
  if (v === 'datetime' && (size === 'timespan' || size === 'datetime')) return 'datetime';
  return `error:bin() cannot bin a ${v} by a ${size}; use a numeric size for numbers and a timespan for datetime/timespan`;
};

const binAtReturns: ReturnRule = (args) => {
  const [v, size, fixed] = [args[0]?.type, args[1]?.type, args[2]?.type];
  if (isNumericType(v!) && isNumericType(size!) && isNumericType(fixed!)) {
    return widenInt(promoteNumeric(promoteNumeric(v as ScalarType, size as ScalarType), fixed as ScalarType));
  }
  if (v === 'timespan' && (size === 'timespan' || isInt(size!)) && fixed === 'timespan') return 'timespan';
  if (v === 'datetime' && size === 'timespan' && fixed === 'datetime') return 'datetime';
  if (v === 'unknown' || size === 'unknown' || fixed === 'unknown') return (v === 'unknown' ? fixed : v) as ScalarType;
  return `error:bin_at() arguments (${v}, ${size}, ${fixed}) are not compatible: fixed_point must have the value's type, and datetime/timespan values need a timespan bin size`;
};

function floorDivBig(v: bigint, size: bigint): bigint {
  const q = v / size;
  return q * size > v ? (q - 1n) * size : q * size;
}

/** bin(value, size) anchored at `anchor`; null for a null, zero or negative bin size (docs). */
function binAt(value: Scalar, size: Scalar, anchor: Scalar, resultIsInteger: boolean): Scalar {
  if (value === null || size === null || anchor === null) return null;
  if (typeof value === 'bigint') {
    const s = typeof size === 'bigint' ? size : typeof size === 'number' && Number.isInteger(size) ? BigInt(size) : null;
    if (s === null || s <= 0n) return null;
    const a = typeof anchor === 'bigint' ? anchor : 0n;
    return floorDivBig(value - a, s) + a;
  }
  if (typeof value !== 'number' || typeof size !== 'number' || typeof anchor !== 'number') return null;
  if (!(size > 0)) return null;
  if (resultIsInteger && Number.isInteger(value) && Number.isInteger(size) && Number.isInteger(anchor)) {
    return exactLong(floorDivBig(BigInt(value - anchor), BigInt(size)) + BigInt(anchor), 'bin');
  }
  const r = Math.floor((value - anchor) / size) * size + anchor;
  return resultIsInteger ? Math.trunc(r) : r;
}

function binDef(name: string): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [p('value', ['int', 'long', 'real', 'decimal', 'timespan', 'datetime']), p('roundTo', ['int', 'long', 'real', 'decimal', 'timespan', 'datetime'])],
    returns: binReturns,
    impl: (args, ctx) => {
      const info = ctx.args;
      const integer = info !== undefined && isInt(info[0]!.type) && isInt(info[1]!.type);
      // A datetime bin size (bin(datetime, datetime)) is taken as its ticks, as ADX does.
      return binAt(args[0]!, args[1]!, typeof args[0] === 'bigint' ? 0n : 0, integer);
    },
  };
}

function sameNumericType(name: string): ReturnRule {
  return (args) => {
    const t = args[0]?.type;
    if (t === 'unknown') return 'real';
    if (isNumericType(t!)) return t as ScalarType;
    return `error:${name}() expects a number, got ${t}`;
  };
}

function aroundImpl(value: Scalar, center: Scalar, delta: Scalar): boolean | null {
  if (value === null || center === null || delta === null) return null;
  if (typeof value === 'bigint' && typeof center === 'bigint' && typeof delta === 'bigint') {
    return value >= center - delta && value <= center + delta;
  }
  if (isNum(value) && isNum(center) && isNum(delta)) return value >= center - delta && value <= center + delta;
  throw new KqlError('around(): value, center and delta must be numbers, or datetime/timespan with a timespan delta', 'Type');
}

function popcount64(v: bigint): number {
  let x = BigInt.asUintN(64, v);
  let n = 0;
  while (x > 0n) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

function welchTest(m1: number, v1: number, n1: number, m2: number, v2: number, n2: number): number | null {
  if (n1 < 2 || n2 < 2 || v1 < 0 || v2 < 0) return null;
  const s1 = v1 / n1;
  const s2 = v2 / n2;
  const se = s1 + s2;
  if (se === 0) return null;
  const t = (m1 - m2) / Math.sqrt(se);
  const df = (se * se) / ((s1 * s1) / (n1 - 1) + (s2 * s2) / (n2 - 1));
  return studentTTwoSidedP(t, df);
}

function betaArgsValid(a: number, b: number): boolean {
  return a > 0 && a <= 10000 && b > 0 && b <= 10000;
}

export const mathFunctions: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'abs',
    params: [p('number', ['int', 'long', 'real', 'decimal', 'timespan'])],
    returns: (args) => {
      const t = args[0]?.type;
      if (t === 'int' || t === 'long') return 'long';
      if (t === 'real' || t === 'decimal' || t === 'timespan') return t;
      return t === 'unknown' ? 'real' : `error:abs() expects a number or timespan, got ${t}`;
    },
    impl: ([x]) => (typeof x === 'bigint' ? (x < 0n ? -x : x) : isNum(x) ? Math.abs(x) : null),
  },
  realFn('acos', ['number'], Math.acos),
  realFn('asin', ['number'], Math.asin),
  realFn('atan', ['number'], Math.atan),
  realFn('atan2', ['y', 'x'], Math.atan2),
  realFn('cos', ['number'], Math.cos),
  realFn('sin', ['number'], Math.sin),
  realFn('tan', ['number'], Math.tan),
  realFn('cot', ['number'], (x) => 1 / Math.tan(x)),
  realFn('degrees', ['radians'], (x) => (x * 180) / Math.PI),
  realFn('radians', ['degrees'], (x) => (x * Math.PI) / 180),
  realFn('exp', ['number'], Math.exp),
  realFn('exp2', ['number'], (x) => Math.pow(2, x)),
  realFn('exp10', ['number'], (x) => Math.pow(10, x)),
  // Docs: log(), log2(), log10() and sqrt() of a negative number are null.
  realFn('log', ['number'], (x) => (x < 0 ? null : Math.log(x))),
  realFn('log2', ['number'], (x) => (x < 0 ? null : Math.log2(x))),
  realFn('log10', ['number'], (x) => (x < 0 ? null : Math.log10(x))),
  realFn('sqrt', ['number'], (x) => (x < 0 ? null : Math.sqrt(x))),
  realFn('pow', ['base', 'exponent'], Math.pow),
  realFn('sign', ['number'], (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0)),
  realFn('gamma', ['number'], gamma),
  realFn('loggamma', ['number'], logGamma),
  realFn('erf', ['number'], erf),
  realFn('erfc', ['number'], erfc),
  realFn('beta_cdf', ['x', 'alpha', 'beta'], (x, a, b) => (x < 0 || x > 1 || !betaArgsValid(a, b) ? NaN : regularizedBeta(x, a, b))),
  realFn('beta_pdf', ['x', 'alpha', 'beta'], (x, a, b) => (x < 0 || x > 1 || !betaArgsValid(a, b) ? NaN : betaPdf(x, a, b))),
  realFn('beta_inv', ['probability', 'alpha', 'beta'], (q, a, b) => (q < 0 || q > 1 || !betaArgsValid(a, b) ? NaN : betaInverse(q, a, b))),
  realFn('welch_test', ['mean1', 'variance1', 'count1', 'mean2', 'variance2', 'count2'], welchTest),
  {
    kind: 'scalar',
    name: 'pi',
    params: [],
    returns: 'real',
    impl: () => Math.PI,
  },
  {
    kind: 'scalar',
    name: 'isnan',
    params: [p('number', NUMERIC)],
    returns: 'bool',
    impl: ([x]) => (isNum(x) ? Number.isNaN(x) : null),
  },
  {
    kind: 'scalar',
    name: 'isinf',
    params: [p('number', NUMERIC)],
    returns: 'bool',
    impl: ([x]) => (isNum(x) ? x === Infinity || x === -Infinity : null),
  },
  {
    kind: 'scalar',
    name: 'isfinite',
    params: [p('number', NUMERIC)],
    returns: 'bool',
    impl: ([x]) => (isNum(x) ? Number.isFinite(x) : null),
  },
  {
    kind: 'scalar',
    name: 'round',
    params: [p('number', NUMERIC), p('precision', INTEGER, { optional: true })],
    returns: sameNumericType('round'),
    impl: ([x, precision], ctx) => {
      if (!isNum(x)) return null;
      const digits = precision === undefined ? 0 : precision;
      if (!isNum(digits)) return null;
      const r = roundHalfAwayFromZero(x, digits);
      return isInt(ctx.args?.[0]?.type ?? 'real') ? Math.trunc(r) : r;
    },
  },
  {
    kind: 'scalar',
    name: 'ceiling',
    params: [p('number', NUMERIC)],
    returns: sameNumericType('ceiling'),
    impl: ([x]) => (isNum(x) ? Math.ceil(x) : null),
  },
  binDef('bin'),
  binDef('floor'),
  {
    kind: 'scalar',
    name: 'bin_at',
    params: [
      p('value', ['int', 'long', 'real', 'decimal', 'timespan', 'datetime']),
      p('bin_size', ['int', 'long', 'real', 'decimal', 'timespan']),
      p('fixed_point', ['int', 'long', 'real', 'decimal', 'timespan', 'datetime']),
    ],
    returns: binAtReturns,
    impl: (args, ctx) => {
      const info = ctx.args;
      const integer = info !== undefined && info.every((a) => isInt(a.type));
      return binAt(args[0]!, args[1]!, args[2]!, integer);
    },
  },
  {
    // bin_auto() takes its bin size from the query_bin_auto_size/at request properties,
    // which this engine does not have: declared for type checking, refused at run time.
    kind: 'scalar',
    name: 'bin_auto',
    params: [p('value', ['int', 'long', 'real', 'decimal', 'timespan', 'datetime'])],
    returns: (args) => {
      const t = args[0]?.type;
      return isNumericType(t!) ? widenInt(t as ScalarType) : t === 'unknown' ? 'real' : (t as ScalarType);
    },
  },
  {
    kind: 'scalar',
    name: 'rand',
    params: [p('range', INTEGER, { optional: true })],
    returns: 'real',
    deterministic: false,
    impl: ([range]) => {
      if (range === undefined) return Math.random();
      if (!isNum(range) || range < 1) return null;
      return Math.floor(Math.random() * range);
    },
  },
  bitwise('binary_and', 2, (a, b) => a & b),
  bitwise('binary_or', 2, (a, b) => a | b),
  bitwise('binary_xor', 2, (a, b) => a ^ b),
  bitwise('binary_not', 1, (a) => ~a),
  // Docs: value << (shift % 64); a negative shift yields null.
  bitwise('binary_shift_left', 2, (a, b) => (b < 0n ? null : a << (b % 64n))),
  bitwise('binary_shift_right', 2, (a, b) => (b < 0n ? null : BigInt.asIntN(64, a) >> (b % 64n))),
  {
    kind: 'scalar',
    name: 'bitset_count_ones',
    params: [p('value', INTEGER)],
    returns: 'long',
    impl: ([x]) => (isNum(x) ? popcount64(BigInt(Math.trunc(x))) : null),
  },
  {
    kind: 'scalar',
    name: 'around',
    params: [p('value', 'scalar'), p('center', 'scalar'), p('delta', 'scalar')],
    returns: 'bool',
    impl: ([v, c, d]) => aroundImpl(v!, c!, d!),
  },
];
