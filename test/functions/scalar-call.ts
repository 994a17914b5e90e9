// Calls a scalar function definition the way the executor does, for unit tests.
import assert from 'node:assert/strict';
import type { ArgInfo, CallContext, ScalarFunctionDef } from '../../src/kql/functions/registry.js';
import type { Scalar, ScalarType } from '../../src/kql/types.js';

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
  /** Calls name(args...) with a fresh call-site cache. */
  const call = (name: string, ...raw: (Scalar | TypedArg)[]): Scalar => {
    const d = def(name);
    assert.ok(d.impl, `function ${name} has an implementation`);
    const args = raw.map((a) => (isTyped(a) ? a.value : a));
    const infos: ArgInfo[] = raw.map((a) => ({ type: isTyped(a) ? a.type : inferType(a) }));
    const ctx: CallContext = { now: 0n, cache: new Map(), args: infos };
    return d.impl(args, ctx);
  };
  /** The return type the checker would compute for arguments of these types. */
  const returnType = (name: string, ...infos: ArgInfo[]): string => {
    const d = def(name);
    return typeof d.returns === 'function' ? d.returns(infos) : d.returns;
  };
  return { call, def, returnType };
}
