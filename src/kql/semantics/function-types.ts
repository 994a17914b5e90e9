// Typing of built-in function calls: argument counts, argument types and return types.
// The function registry is authoritative when it has the function; while a function is still
// missing from it, ADX's own signature catalogue (known-functions.ts) types the call, so a real
// ADX function is never reported as unknown and still gets ADX's result type.

import type { ArgInfo, FunctionRegistry, ParamSpec, ReturnRule } from '../functions/registry.js';
import { isNumericType, promoteNumeric, type ScalarType } from '../types.js';
import { KNOWN_FUNCTIONS, type KnownFunction, type KnownSignature } from './known-functions.js';
import type { TypeOrUnknown } from './scope.js';

const known = { scalar: new Map<string, KnownFunction>(), aggregate: new Map<string, KnownFunction>(), plugin: new Map<string, KnownFunction>() };
for (const f of KNOWN_FUNCTIONS) known[f.kind].set(f.name, f);

export function knownScalar(name: string): KnownFunction | undefined {
  return known.scalar.get(name);
}
export function knownAggregate(name: string): KnownFunction | undefined {
  return known.aggregate.get(name);
}
export function knownPlugin(name: string): KnownFunction | undefined {
  return known.plugin.get(name);
}

export type CallTyping =
  | { ok: true; type: TypeOrUnknown }
  | { ok: false; code: 'count' | 'type'; message: string; type: TypeOrUnknown };

const SCALAR_NAMES = new Set<string>(['bool', 'int', 'long', 'real', 'decimal', 'string', 'datetime', 'timespan', 'guid', 'dynamic']);

/** Whether an argument of type `arg` may be passed where `accepted` (a '|' list of type names) is declared. */
function acceptsDeclared(accepted: string, arg: TypeOrUnknown | 'tabular'): boolean {
  if (arg === 'unknown') return true;
  const list = accepted.split('|');
  if (arg === 'tabular') return list.includes('table');
  if (list.includes(arg)) return true;
  if (arg === 'int' && (list.includes('long') || list.includes('real') || list.includes('decimal'))) return true;
  if (arg === 'long' && (list.includes('real') || list.includes('decimal') || list.includes('int'))) return true;
  if (arg === 'real' && (list.includes('decimal') || list.includes('long') || list.includes('int'))) return true;
  if (arg === 'decimal' && (list.includes('real') || list.includes('long'))) return true;
  // ADX passes dynamic values to scalar parameters and converts at run time.
  if (arg === 'dynamic') return true;
  return !list.some((t) => SCALAR_NAMES.has(t));
}

function acceptsClass(cls: string, arg: TypeOrUnknown | 'tabular'): boolean {
  if (arg === 'unknown') return true;
  switch (cls) {
    case '@Tabular': return arg === 'tabular';
    case '@Number': case '@Summable': return arg === 'dynamic' || isNumericType(arg as ScalarType) || (cls === '@Summable' && (arg === 'timespan' || arg === 'datetime'));
    case '@Integer': return arg === 'int' || arg === 'long' || arg === 'dynamic';
    case '@RealOrDecimal': return arg === 'real' || arg === 'decimal' || arg === 'dynamic';
    case '@StringOrDynamic': case '@StringOrArray': return arg === 'string' || arg === 'dynamic';
    case '@DynamicArray': case '@DynamicBag': return arg === 'dynamic';
    case '@NumberOrBool': return arg === 'bool' || arg === 'dynamic' || isNumericType(arg as ScalarType);
    case '@Scalar': case '@NotDynamic': return arg !== 'tabular';
    default: return true;
  }
}

function sigAccepts(sig: KnownSignature, args: ArgInfo[]): boolean {
  if (args.length < sig.min || args.length > sig.max) return false;
  for (let i = 0; i < args.length; i++) {
    const p = sig.params[Math.min(i, sig.params.length - 1)];
    if (p === undefined) break;
    const t = args[i]!.type;
    if (p.startsWith('@') ? !acceptsClass(p, t) : !acceptsDeclared(p, t)) return false;
  }
  return true;
}

/** ADX's common type of several values (iff, case, coalesce, min_of...). */
export function commonType(types: readonly TypeOrUnknown[]): TypeOrUnknown {
  let out: TypeOrUnknown | undefined;
  for (const t of types) {
    if (t === 'unknown') continue;
    if (out === undefined) out = t;
    else if (out !== t) {
      if (isNumericType(out as ScalarType) && isNumericType(t)) out = promoteNumeric(out as ScalarType, t);
      else if (out === 'dynamic') out = t;
    }
  }
  return out ?? 'unknown';
}

function typeOfArg(args: ArgInfo[], i: number): TypeOrUnknown {
  const t = args[i]?.type;
  return t === undefined || t === 'tabular' ? 'unknown' : t;
}

function knownReturn(fn: KnownFunction, sig: KnownSignature, args: ArgInfo[]): TypeOrUnknown {
  const r = sig.ret;
  if (!r.startsWith('@')) return SCALAR_NAMES.has(r) ? (r as ScalarType) : 'unknown';
  // case(cond, value, cond, value, ..., else): the conditions do not take part in the result.
  if (fn.name === 'case') return customReturn('case', args);
  switch (r) {
    case '@Parameter0': return typeOfArg(args, 0);
    case '@Parameter1': return typeOfArg(args, 1);
    case '@Parameter2': return typeOfArg(args, 2);
    case '@ParameterN': return typeOfArg(args, args.length - 1);
    // The argument is a type literal: `typeof(long)` makes the result a long.
    case '@Parameter0Literal': return args[0]?.typeLiteral ?? typeOfArg(args, 0);
    case '@Parameter1Literal': return args[1]?.typeLiteral ?? typeOfArg(args, 1);
    case '@ParameterNLiteral': return args[args.length - 1]?.typeLiteral ?? typeOfArg(args, args.length - 1);
    case '@Parameter0Promoted': {
      const t = typeOfArg(args, 0);
      return t === 'int' ? 'long' : t;
    }
    case '@Parameter0Array': return 'dynamic';
    case '@Widest': case '@Common': case '@CommonNonDynamic': {
      const types = args
        .map((a, i) => ({ a, p: sig.params[Math.min(i, sig.params.length - 1)] ?? '' }))
        .filter(({ p }) => p.startsWith('@Common') || p === '@Number' || p === '@Scalar' || r === '@Widest')
        .map(({ a }) => (a.type === 'tabular' ? 'unknown' : a.type));
      const t = commonType(types);
      return r === '@Widest' && t === 'int' ? 'long' : t;
    }
    default:
      return customReturn(fn.name, args);
  }
}

/** Return types the catalogue marks as computed by code inside Microsoft's parser. */
function customReturn(name: string, args: ArgInfo[]): TypeOrUnknown {
  switch (name) {
    case 'case': {
      const results = args.filter((_, i) => i % 2 === 1 || i === args.length - 1).map((a) => a.type);
      return commonType(results.map((t) => (t === 'tabular' ? 'unknown' : t)));
    }
    case 'percentile': case 'percentilew':
      return typeOfArg(args, 0);
    case 'percentiles': case 'percentilesw':
      return typeOfArg(args, 0);
    case 'percentiles_array': case 'percentilesw_array':
      return 'dynamic';
    case 'take_any': case 'any': case 'take_anyif': case 'anyif': case 'arg_max': case 'arg_min':
      return typeOfArg(args, 0);
    default: {
      // extract_json(path, text, typeof(long)), extract(re, 1, s, typeof(int)), ...
      const typed = args.find((a) => a.typeLiteral !== undefined);
      return typed?.typeLiteral ?? 'unknown';
    }
  }
}

function registryReturn(rule: ReturnRule, args: ArgInfo[]): TypeOrUnknown | { error: string } {
  if (typeof rule === 'string') return rule;
  const r = rule(args);
  return r.startsWith('error:') ? { error: r.slice('error:'.length).trim() } : (r as ScalarType);
}

function registryArity(params: readonly ParamSpec[]): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const p of params) {
    if (!p.optional && !p.repeat) min++;
    max = p.repeat ? Infinity : max + 1;
  }
  return { min, max };
}

function arityMessage(name: string, min: number, max: number, got: number): string {
  const expected = min === max ? `${min}` : max === Infinity || max >= 32768 ? `at least ${min}` : `${min} to ${max}`;
  return `function '${name}' expects ${expected} argument${expected === '1' ? '' : 's'}, got ${got}`;
}

/**
 * Types a call to a built-in scalar function (`kind` 'scalar') or aggregate (`kind` 'aggregate').
 * Returns undefined when neither the registry nor ADX's catalogue knows the name.
 */
export function typeBuiltinCall(
  name: string,
  kind: 'scalar' | 'aggregate',
  args: ArgInfo[],
  registry: FunctionRegistry | undefined,
): CallTyping | undefined {
  const def = kind === 'scalar' ? registry?.scalar(name) : registry?.aggregate(name);
  const cat = kind === 'scalar' ? known.scalar.get(name) : known.aggregate.get(name);
  if (def === undefined && cat === undefined) return undefined;

  const arity = cat !== undefined ? { min: cat.min, max: cat.max } : registryArity(def!.params);
  if (args.length < arity.min || args.length > arity.max) {
    return { ok: false, code: 'count', message: arityMessage(name, arity.min, arity.max, args.length), type: 'unknown' };
  }

  let sig: KnownSignature | undefined;
  let ambiguous = false;
  if (cat !== undefined) {
    const accepting = cat.sigs.filter((s) => sigAccepts(s, args));
    sig = accepting[0];
    // bin(unknown, 1h) fits both bin(timespan, timespan) and bin(datetime, timespan).
    ambiguous = accepting.some((s) => knownReturn(cat, s, args) !== knownReturn(cat, accepting[0]!, args));
    if (sig === undefined) {
      const fitting = cat.sigs.filter((s) => args.length >= s.min && args.length <= s.max);
      const bad = describeMismatch(fitting[0], args);
      if (bad !== undefined) return { ok: false, code: 'type', message: `function '${name}': ${bad}`, type: 'unknown' };
      sig = fitting[0];
    }
  }

  // With an argument of unknown type a registry rule can only guess; ADX's catalogue rules
  // propagate the unknown instead.
  const unknownArg = args.some((a) => a.type === 'unknown');
  if (def !== undefined && !(unknownArg && sig !== undefined && typeof def.returns !== 'string')) {
    const r = registryReturn(def.returns, args);
    if (typeof r === 'object') {
      // A rule cannot judge an argument whose type the checker does not know.
      if (args.some((a) => a.type === 'unknown')) return { ok: true, type: 'unknown' };
      return { ok: false, code: 'type', message: `function '${name}': ${r.error}`, type: 'unknown' };
    }
    // The catalogue's declared type wins when the registry's rule cannot tell (unknown args).
    if (r !== 'unknown' || sig === undefined) return { ok: true, type: r };
  }
  return { ok: true, type: sig === undefined || ambiguous ? 'unknown' : knownReturn(cat!, sig, args) };
}

/** Parameter classes whose test above is exact enough to report a mismatch as an error. */
const CHECKED_CLASSES: Record<string, string> = {
  '@StringOrDynamic': 'string or dynamic',
  '@StringOrArray': 'string or dynamic',
  '@DynamicArray': 'a dynamic array',
  '@DynamicBag': 'a dynamic property bag',
  '@Number': 'a number',
  '@Summable': 'a number, timespan or datetime',
  '@Tabular': 'a table',
};

function describeMismatch(sig: KnownSignature | undefined, args: ArgInfo[]): string | undefined {
  if (sig === undefined) return undefined;
  for (let i = 0; i < args.length; i++) {
    const p = sig.params[Math.min(i, sig.params.length - 1)];
    if (p === undefined) continue;
    const t = args[i]!.type;
    if (p.startsWith('@')) {
      const wanted = CHECKED_CLASSES[p];
      if (wanted !== undefined && !acceptsClass(p, t)) return `argument ${i + 1} must be ${wanted}, not ${t}`;
      continue;
    }
    if (!acceptsDeclared(p, t)) {
      return `argument ${i + 1} must be ${p.split('|').join(' or ')}, not ${t}`;
    }
  }
  return undefined;
}
