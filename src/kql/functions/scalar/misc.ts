// Conditional and selection functions (iff/iif, case, coalesce, max_of, min_of, not, assert),
// new_guid(), and the environment functions this engine has no environment for
// (current_cluster_endpoint() and friends), which type-check but are refused at run time.
import type { ArgInfo, ParamSpec, ScalarFunctionDef } from '../registry.js';
import { KqlError, dynamicNumber, isNumericType, promoteNumeric, type Scalar, type ScalarType } from '../../types.js';

const p = (name: string, types: ParamSpec['types'], extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, types, ...extra });

/**
 * The common type of the value arguments of iff/case/coalesce/max_of/min_of, as
 * Kusto.Language computes it: equal types as is, numbers promoted (int < long < decimal <
 * real), and - for iff/case only - a dynamic branch adopting the other branches' type.
 */
function commonType(fn: string, infos: readonly ArgInfo[], dynamicAdopts: boolean): ScalarType | `error:${string}` {
  const known = infos.map((a) => a.type).filter((t): t is ScalarType => t !== 'unknown' && t !== 'tabular');
  if (known.length === 0) return 'dynamic';
  const nonDynamic = dynamicAdopts ? known.filter((t) => t !== 'dynamic') : known;
  if (nonDynamic.length === 0) return 'dynamic';
  let result = nonDynamic[0]!;
  for (const t of nonDynamic.slice(1)) {
    if (t === result) continue;
    if (isNumericType(t) && isNumericType(result)) result = promoteNumeric(result, t);
    else return `error:${fn}(): arguments must have the same type, got ${result} and ${t}`;
  }
  return result;
}

/** A value of the common type: numbers pass through; a dynamic value of the wrong kind becomes null. */
function asType(v: Scalar, type: ScalarType | undefined): Scalar {
  if (v === null || type === undefined || type === 'dynamic') return v;
  switch (type) {
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
      return dynamicNumber(v);
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'string':
      return typeof v === 'string' ? v : Array.isArray(v) || typeof v === 'object' ? JSON.stringify(v) : String(v);
    default:
      return v;
  }
}

const caseValueIndexes = (n: number) => [...Array.from({ length: (n - 1) / 2 }, (_, i) => 2 * i + 1), n - 1];

function iffReturns(args: readonly ArgInfo[]): ScalarType | `error:${string}` {
  if (args.length !== 3) return 'error:iff() takes a condition and two values';
  return commonType('iff', [args[1]!, args[2]!], true);
}

function iffDef(name: string): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [p('if', ['bool']), p('then', 'any'), p('else', 'any')],
    returns: iffReturns,
    impl: ([cond, a, b], ctx) => {
      const type = ctx.args ? iffReturns(ctx.args) : undefined;
      // A null condition is not true.
      return asType(cond === true ? a! : b!, type?.startsWith('error') ? undefined : (type as ScalarType));
    },
  };
}

function compareOrderable(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new KqlError('max_of()/min_of(): arguments must be numbers, datetimes, timespans, strings or booleans of one type', 'Type');
}

function extremumDef(name: string, sign: 1 | -1): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    params: [p('arg', 'scalar', { repeat: true })],
    returns: (args) => (args.length < 2 ? `error:${name}() needs at least two arguments` : commonType(name, args, false)),
    impl: (args) => {
      // Docs: non-null values take precedence over nulls.
      let best: Scalar = null;
      for (const v of args) {
        if (v === null) continue;
        if (best === null || compareOrderable(v, best) * sign > 0) best = v;
      }
      return best;
    },
  };
}

function randomGuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 3) | 8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Functions that describe the cluster, the principal or the extent: declared, refused when run. */
function environmentDef(name: string, returns: ScalarType, params: ParamSpec[] = []): ScalarFunctionDef {
  return { kind: 'scalar', name, params, returns, deterministic: false };
}

export const miscFunctions: readonly ScalarFunctionDef[] = [
  iffDef('iff'),
  iffDef('iif'),
  {
    kind: 'scalar',
    name: 'case',
    params: [p('predicate', 'any', { repeat: true })],
    returns: (args) => {
      if (args.length < 3 || args.length % 2 === 0) return 'error:case() takes predicate/value pairs followed by an else value';
      for (let i = 0; i < args.length - 1; i += 2) {
        const t = args[i]!.type;
        if (t !== 'bool' && t !== 'unknown') return `error:case(): predicate ${i / 2 + 1} must be bool, got ${t}`;
      }
      return commonType('case', caseValueIndexes(args.length).map((i) => args[i]!), true);
    },
    impl: (args, ctx) => {
      const rule = ctx.args ? commonType('case', caseValueIndexes(args.length).map((i) => ctx.args![i]!), true) : undefined;
      const type = rule?.startsWith('error') ? undefined : (rule as ScalarType | undefined);
      for (let i = 0; i < args.length - 1; i += 2) if (args[i] === true) return asType(args[i + 1]!, type);
      return asType(args[args.length - 1]!, type);
    },
  },
  {
    kind: 'scalar',
    name: 'coalesce',
    params: [p('arg', 'any', { repeat: true })],
    returns: (args) => (args.length < 2 ? 'error:coalesce() needs at least two arguments' : commonType('coalesce', args, false)),
    impl: (args) => {
      for (const v of args) if (v !== null && v !== '') return v;
      return args.some((v) => v === '') ? '' : null;
    },
  },
  extremumDef('max_of', 1),
  extremumDef('min_of', -1),
  {
    kind: 'scalar',
    name: 'not',
    params: [p('expression', ['bool'])],
    returns: 'bool',
    impl: ([x]) => (typeof x === 'boolean' ? !x : null),
  },
  {
    kind: 'scalar',
    name: 'assert',
    params: [p('condition', ['bool']), p('message', ['string'], { constant: true })],
    returns: 'bool',
    impl: ([cond, message]) => {
      if (cond === true) return true;
      throw new KqlError(`assert() failed: ${typeof message === 'string' ? message : ''}`, 'Assert');
    },
  },
  {
    kind: 'scalar',
    name: 'new_guid',
    params: [],
    returns: 'guid',
    deterministic: false,
    impl: () => randomGuid(),
  },
  environmentDef('current_cluster_endpoint', 'string'),
  environmentDef('current_database', 'string'),
  environmentDef('current_principal', 'string'),
  environmentDef('current_principal_details', 'dynamic'),
  environmentDef('current_principal_is_member_of', 'bool', [p('group', ['string', 'dynamic'], { repeat: true })]),
  environmentDef('extent_id', 'guid'),
  environmentDef('extent_tags', 'dynamic'),
  // ADX's estimate reflects its internal column encoding, which has no counterpart here.
  environmentDef('estimate_data_size', 'long', [p('column', 'any', { repeat: true })]),
];
