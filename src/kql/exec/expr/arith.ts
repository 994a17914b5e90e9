// Arithmetic operators: result typing (ADX rules) and vectorised kernels.
//   int/long arithmetic yields long (int op int -> long, as ADX types it); any real -> real;
//   integer `/` truncates toward zero and `%` is non-negative (values/convert.ts);
//   datetime - datetime -> timespan; datetime ± timespan -> datetime; timespan * n -> timespan;
//   timespan / timespan -> real. Long results beyond ±2^53 raise rather than round.

import { NumberColumn, TicksColumn, type Column } from '../../data/column.js';
import { OPERATOR_RESULT_CODES } from '../../semantics/operator-types.js';
import { isNumericType, KqlError, NotSupportedError, SCALAR_TYPES, type ScalarType } from '../../types.js';
import { intDivide, intModulo, realModulo } from '../../values/convert.js';
import { numView } from './coerce.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%';

const MAX_EXACT = 2 ** 53;


const CODE_TYPES: Record<string, ScalarType> = {
  b: 'bool', i: 'int', l: 'long', r: 'real', m: 'decimal', s: 'string', d: 'datetime', t: 'timespan', g: 'guid', y: 'dynamic',
};

/** ADX's result type for `a op b` (the checker's oracle-generated table), or undefined when ADX rejects it. */
export function operatorResultType(op: string, a: ScalarType, b: ScalarType): ScalarType | undefined {
  const codes = OPERATOR_RESULT_CODES[op];
  if (codes === undefined) return undefined;
  const code = codes[SCALAR_TYPES.indexOf(a) * 10 + SCALAR_TYPES.indexOf(b)];
  return code === undefined ? undefined : CODE_TYPES[code];
}

const numericLike = (t: ScalarType): boolean => isNumericType(t) || t === 'dynamic';

/**
 * The result type of `a op b`; undefined when ADX does not define the operator for these types.
 * Throws NotSupportedError for combinations ADX accepts but no kernel here implements.
 */
export function arithType(op: ArithOp, a: ScalarType, b: ScalarType, start: number, end: number): ScalarType | undefined {
  const t = operatorResultType(op, a, b);
  if (t === undefined) return undefined;
  const supported =
    (numericLike(a) && numericLike(b) && !(a === 'dynamic' && b === 'dynamic')) ||
    ((a === 'datetime' || a === 'timespan') && (b === 'datetime' || b === 'timespan')) ||
    (a === 'timespan' && isNumericType(b) && (op === '*' || op === '/')) ||
    (isNumericType(a) && b === 'timespan' && op === '*');
  if (!supported) throw new NotSupportedError(`'${op}' on ${a} and ${b}`, start, end);
  return t;
}

function checkExact(v: number, start: number, end: number): number {
  if (v > MAX_EXACT || v < -MAX_EXACT) {
    throw new KqlError(`long arithmetic overflow: result ${v} exceeds the exactly representable range ±2^53`, 'Overflow', start, end);
  }
  return v;
}

function mergeNulls(a: Uint8Array | null, b: Uint8Array | null, n: number): Uint8Array | null {
  if (a === null && b === null) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (a !== null && a[i] === 1) || (b !== null && b[i] === 1) ? 1 : 0;
  return out;
}

/** Numeric kernel: both sides numeric (or dynamic read as numbers). */
function numericKernel(op: ArithOp, type: ScalarType, l: Column, r: Column, start: number, end: number): Column {
  const a = numView(l), b = numView(r);
  const n = l.length;
  const out = new Float64Array(n);
  let nulls = mergeNulls(a.nulls, b.nulls, n);
  const av = a.values, bv = b.values;
  const integral = type === 'long';
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = av[i]! + bv[i]!; break;
    case '-': for (let i = 0; i < n; i++) out[i] = av[i]! - bv[i]!; break;
    case '*': for (let i = 0; i < n; i++) out[i] = av[i]! * bv[i]!; break;
    case '/':
      if (integral) {
        for (let i = 0; i < n; i++) {
          const d = bv[i]!;
          const q = intDivide(av[i]!, d);
          if (q === null) { (nulls ??= new Uint8Array(n))[i] = 1; continue; }
          out[i] = q;
        }
      } else for (let i = 0; i < n; i++) out[i] = av[i]! / bv[i]!;
      break;
    case '%':
      if (integral) {
        for (let i = 0; i < n; i++) {
          const r = intModulo(av[i]!, bv[i]!);
          if (r === null) { (nulls ??= new Uint8Array(n))[i] = 1; continue; }
          out[i] = r;
        }
      } else for (let i = 0; i < n; i++) out[i] = realModulo(av[i]!, bv[i]!);
      break;
  }
  if (integral) {
    for (let i = 0; i < n; i++) {
      if (nulls !== null && nulls[i] === 1) { out[i] = 0; continue; }
      checkExact(out[i]!, start, end);
      if (out[i] === 0) out[i] = 0; // no -0 in long results
    }
  } else if (nulls !== null) {
    for (let i = 0; i < n; i++) if (nulls[i] === 1) out[i] = 0;
  }
  return new NumberColumn(type as 'long', out, nulls);
}

const TICKS = 10000;

/** Splits a tick count held in a double into floored ms and a 0..9999 remainder. */
function split(ticks: number, i: number, ms: Float64Array, sub: Uint16Array): boolean {
  const m = Math.floor(ticks / TICKS);
  ms[i] = m;
  const s = ticks - m * TICKS;
  sub[i] = s;
  return s !== 0;
}

function ticksKernel(op: ArithOp, type: ScalarType, l: Column, r: Column): Column {
  const n = l.length;
  if (l instanceof TicksColumn && r instanceof TicksColumn) {
    let nulls = mergeNulls(l.nulls, r.nulls, n);
    if (type === 'real') {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const a = l.ms[i]! * TICKS + (l.sub ? l.sub[i]! : 0);
        const b = r.ms[i]! * TICKS + (r.sub ? r.sub[i]! : 0);
        out[i] = nulls !== null && nulls[i] === 1 ? 0 : a / b;
      }
      return new NumberColumn('real', out, nulls);
    }
    const ms = new Float64Array(n);
    const sub = new Uint16Array(n);
    let anySub = false;
    if (op === '+' || op === '-') {
      const sign = op === '+' ? 1 : -1;
      for (let i = 0; i < n; i++) {
        let m = l.ms[i]! + sign * r.ms[i]!;
        let s = (l.sub ? l.sub[i]! : 0) + sign * (r.sub ? r.sub[i]! : 0);
        if (s < 0) { s += TICKS; m -= 1; } else if (s >= TICKS) { s -= TICKS; m += 1; }
        ms[i] = m; sub[i] = s;
        if (s !== 0) anySub = true;
      }
      if (type === 'timespan' && l.type === 'datetime' && r.type === 'datetime') {
        // both are Unix-relative; the difference is already a plain duration
      }
    } else {
      // `%`: exact remainder in ticks (datetime counted from year 1), never negative.
      for (let i = 0; i < n; i++) {
        const a = l.get(i), b = r.get(i);
        if (a === null || b === null || b === 0n) { (nulls ??= new Uint8Array(n))[i] = 1; continue; }
        let m = a % b;
        if (m < 0n) m += b < 0n ? -b : b;
        if (split(Number(m), i, ms, sub)) anySub = true;
      }
    }
    for (let i = 0; i < n; i++) if (nulls !== null && nulls[i] === 1) { ms[i] = 0; sub[i] = 0; }
    return new TicksColumn(type as 'timespan', ms, anySub ? sub : null, nulls);
  }
  // timespan scaled by a number.
  const span = (l instanceof TicksColumn ? l : r) as TicksColumn;
  const num = numView(l instanceof TicksColumn ? r : l);
  const nulls = mergeNulls(span.nulls, num.nulls, n);
  const ms = new Float64Array(n);
  const sub = new Uint16Array(n);
  let anySub = false;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const t = span.ms[i]! * TICKS + (span.sub ? span.sub[i]! : 0);
    const k = num.values[i]!;
    const v = op === '*' ? Math.round(t * k) : Math.trunc(t / k);
    if (!Number.isFinite(v)) { throw new KqlError('timespan arithmetic produced an infinite value (division by zero?)', 'Overflow'); }
    if (split(v, i, ms, sub)) anySub = true;
  }
  return new TicksColumn('timespan', ms, anySub ? sub : null, nulls);
}

export function arithKernel(op: ArithOp, type: ScalarType, l: Column, r: Column, start: number, end: number): Column {
  if (l instanceof TicksColumn || r instanceof TicksColumn) return ticksKernel(op, type, l, r);
  return numericKernel(op, type, l, r, start, end);
}

/** Unary minus. ADX types `-int` as long. */
export function negateKernel(type: ScalarType, c: Column): Column {
  if (c instanceof TicksColumn) {
    const n = c.length;
    const ms = new Float64Array(n);
    const sub = c.sub ? new Uint16Array(n) : null;
    for (let i = 0; i < n; i++) {
      let m = -c.ms[i]!;
      let s = c.sub ? -c.sub[i]! : 0;
      if (s < 0) { s += TICKS; m -= 1; }
      ms[i] = m; if (sub) sub[i] = s;
    }
    return new TicksColumn(c.type, ms, sub, c.nulls);
  }
  const v = numView(c);
  const out = new Float64Array(c.length);
  for (let i = 0; i < out.length; i++) out[i] = v.nulls !== null && v.nulls[i] === 1 ? 0 : 0 - v.values[i]!;
  return new NumberColumn(type as 'long', out, v.nulls);
}
