// Calls a scalar function definition the way the executor does, for unit tests.
import assert from 'node:assert/strict';
import type { ArgInfo, CallContext, ScalarFunctionDef } from '../../src/kql/functions/registry.js';
import { WholeReal, type DynamicValue, type Scalar, type ScalarType } from '../../src/kql/types.js';

/**
 * A result with every whole real (WholeReal, `1.0`) read as its number: most function tests
 * check values; the real/long typing of dynamic numbers has its own tests
 * (test/values/whole-real.test.ts), which use callTyped.
 */
export function plainNumbers(v: Scalar): Scalar {
  if (v instanceof WholeReal) return v.value;
  if (Array.isArray(v)) return v.map((e) => plainNumbers(e) as DynamicValue);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: DynamicValue } = {};
    for (const k of Object.keys(v)) out[k] = plainNumbers(v[k]!) as DynamicValue;
    return out;
  }
  return v;
}

function inferType(v: Scalar): ScalarType {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'long' : 'real';
    case 'bigint':
      throw new Error('give the type of tick arguments explicitly');
    default:
      return v === null ? 'string' : 'dynamic';
  }
}

export type TypedArg = { value: Scalar; type: ScalarType };
export const typed = (value: Scalar, type: ScalarType): TypedArg => ({ value, type });

function isTyped(a: unknown): a is TypedArg {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && 'value' in a && 'type' in a && Object.keys(a).length === 2;
}

export function makeCaller(defs: readonly ScalarFunctionDef[]) {
  const byName = new Map<string, ScalarFunctionDef>();
  for (const d of defs) for (const n of [d.name, ...(d.aliases ?? [])]) byName.set(n, d);
  const def = (name: string): ScalarFunctionDef => {
    const d = byName.get(name);
    assert.ok(d, `function ${name} is defined`);
    return d;
  };
  /** Calls name(args...) with a fresh call-site cache; the result keeps whole reals typed. */
  const callTyped = (name: string, ...raw: (Scalar | TypedArg)[]): Scalar => {
    const d = def(name);
    assert.ok(d.impl, `function ${name} has an implementation`);
    const args = raw.map((a) => (isTyped(a) ? a.value : a));
    const infos: ArgInfo[] = raw.map((a) => ({ type: isTyped(a) ? a.type : inferType(a) }));
    const ctx: CallContext = { now: 0n, cache: new Map(), args: infos };
    return d.impl(args, ctx);
  };
  /** callTyped with whole reals read as numbers (plainNumbers). */
  const call = (name: string, ...raw: (Scalar | TypedArg)[]): Scalar => plainNumbers(callTyped(name, ...raw));
  /** The return type the checker would compute for arguments of these types. */
  const returnType = (name: string, ...infos: ArgInfo[]): string => {
    const d = def(name);
    return typeof d.returns === 'function' ? d.returns(infos) : d.returns;
  };
  return { call, callTyped, def, returnType };
}
