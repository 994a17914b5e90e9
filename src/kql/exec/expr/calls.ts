// Function calls: user-defined (let) functions are inlined; a few hot built-ins have
// vectorised kernels; every other built-in runs its registry impl — folded when all
// arguments are constant, once per distinct value when its only varying argument is a
// dictionary column, and row by row otherwise.

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column, type Table,
} from '../../data/column.js';
import type { ArgInfo, CallContext, ScalarFunctionDef } from '../../functions/registry.js';
import { WINDOW_FUNCTION_NAMES, windowKernels } from '../../functions/scalar/window.js';
import type { CallExpr, Expr, FunctionDecl } from '../../syntax/ast.js';
import { KqlError, NotSupportedError, isNumericType, isWholeReal, type Scalar, type ScalarType } from '../../types.js';
import { ColumnBuilder } from '../columns.js';
import { constantEvaluator, type Evaluator } from '../evaluator.js';
import { collect, columnIndex } from '../relation.js';
import { Scope } from '../scope.js';
import { mentionedNames } from '../pruning.js';
import { compileScalar, fail, foldIfConstant } from './compile.js';
import type { CompileEnv } from './env.js';
import { notKernel } from './logic.js';
import { SELECTABLE_TYPES, concatStrings, selectColumns } from './select.js';
import { scalarToString } from '../../functions/text/stringify.js';

export function compileCall(expr: CallExpr, env: CompileEnv): Evaluator {
  const name = expr.name.name;
  if (expr.target !== undefined) throw new NotSupportedError(`method-style call '.${name}()'`, expr.start, expr.end);
  const user = env.scope.lookup(name);
  if (user?.kind === 'function') return compileUserFunction(expr, user.decl, user.scope, env);
  switch (name) {
    case 'toscalar': return compileToScalar(expr, env);
    case 'column_ifexists': return compileColumnIfExists(expr, env);
    case 'materialize': case 'table': case 'view':
      fail(expr, `${name}() returns a table; a scalar value is expected here`);
  }
  if (WINDOW_FUNCTION_NAMES.has(name)) return compileWindow(expr, env);
  const fast = compileFastPath(expr, env);
  if (fast) return fast;
  const def = env.ctx.registry.scalar(name);
  if (!def) {
    if (env.ctx.registry.aggregate(name)) {
      fail(expr, `'${name}' is an aggregation function; it can only be used in summarize (or make-series, top-nested)`);
    }
    fail(expr, `unknown function '${name}'`, 'KQL101');
  }
  return compileBuiltin(expr, def, env);
}

// ───────────── user functions ─────────────

/** Binds a user function's parameters to the call's arguments in a new scope. */
export function bindUserFunctionArgs(expr: CallExpr, decl: FunctionDecl, closure: Scope, env: CompileEnv): Scope {
  const scope = closure.child();
  const positional = expr.args.filter((a) => a.kind !== 'NamedArg');
  const named = new Map(expr.args.flatMap((a) => (a.kind === 'NamedArg' ? [[a.name.name, a.value] as const] : [])));
  if (positional.length > decl.params.length) {
    fail(expr, `function '${expr.name.name}' takes ${decl.params.length} argument(s), but ${positional.length} were given`);
  }
  decl.params.forEach((p, i) => {
    const arg: Expr | undefined = positional[i] ?? named.get(p.name.name) ?? p.defaultValue;
    if (arg === undefined) fail(expr, `missing argument '${p.name.name}' in the call to '${expr.name.name}'`);
    if (p.type.kind === 'TabularTypeRef') {
      const rel = env.tabular(arg, env.scope);
      for (const c of p.type.columns) {
        if (columnIndex(rel.schema, c.name.name) < 0) {
          fail(arg, `the table passed as '${p.name.name}' has no column '${c.name.name}' required by '${expr.name.name}'`);
        }
      }
      scope.set(p.name.name, { kind: 'tabular', relation: rel });
    } else {
      const ev = compileScalar(arg, env);
      const want = p.type.type;
      const bound = ev.type === want || ev.type === 'dynamic' || want === 'dynamic' || (isNumericType(ev.type) && isNumericType(want))
        ? ev : fail(arg, `argument '${p.name.name}' of '${expr.name.name}' must be ${want}, not ${ev.type}`);
      scope.set(p.name.name, ev.constant ? { kind: 'scalar', type: ev.type, value: ev.constant.value } : { kind: 'evaluator', evaluator: bound });
    }
  });
  return scope;
}

function compileUserFunction(expr: CallExpr, decl: FunctionDecl, closure: Scope, env: CompileEnv): Evaluator {
  const scope = bindUserFunctionArgs(expr, decl, closure, env);
  env.bindLets(decl.body.statements, scope);
  if (env.isTabular(decl.body.result, scope)) {
    fail(expr, `function '${expr.name.name}' returns a table; a scalar value is expected here`);
  }
  // The body sees its parameters and outer lets, never the caller's columns.
  return compileScalar(decl.body.result, { ...env, scope, schema: [] });
}

// ───────────── special forms ─────────────

function compileToScalar(expr: CallExpr, env: CompileEnv): Evaluator {
  const arg = expr.args[0];
  if (arg === undefined || expr.args.length > 2) fail(expr, 'toscalar() takes one tabular or scalar argument');
  if (!env.isTabular(arg, env.scope)) {
    const ev = compileScalar(arg, env);
    if (ev.constant) return ev;
    // A call without row inputs (toscalar(new_guid())) is evaluated once, so every row sees
    // the same value.
    const rowFree = !ev.needsWholeInput && readsNoRow(arg, env);
    if (!rowFree) fail(arg, 'toscalar() needs an expression that does not depend on the current row');
    return constantEvaluator(ev.type, ev.eval({ columns: [], length: 1 }).get(0));
  }
  const rel = env.tabular(arg, env.scope);
  if (rel.schema.length === 0) fail(arg, 'toscalar(): the tabular expression has no columns');
  const t = collect(rel);
  const type = rel.schema[0]!.type;
  return constantEvaluator(type, t.length === 0 ? (type === 'string' ? '' : null) : t.columns[0]!.column.get(0));
}

/** No name in `expr` is a column of the input or a value bound per row (a function parameter). */
function readsNoRow(expr: Expr, env: CompileEnv): boolean {
  const names = mentionedNames(expr, env.ctx.registry);
  if (names === undefined) return false;
  for (const n of names) {
    if (columnIndex(env.schema, n) >= 0 || env.scope.lookup(n)?.kind === 'evaluator') return false;
  }
  return true;
}

function compileColumnIfExists(expr: CallExpr, env: CompileEnv): Evaluator {
  const [nameArg, def] = expr.args;
  if (nameArg === undefined || def === undefined) fail(expr, 'column_ifexists() takes a column name and a default value');
  const nameEv = compileScalar(nameArg, env);
  if (!nameEv.constant || typeof nameEv.constant.value !== 'string') fail(nameArg, 'column_ifexists(): the column name must be a constant string');
  const idx = columnIndex(env.schema, nameEv.constant.value);
  if (idx >= 0) return { type: env.schema[idx]!.type, eval: (b) => b.columns[idx]!.column };
  return compileScalar(def, env);
}

function compileWindow(expr: CallExpr, env: CompileEnv): Evaluator {
  const name = expr.name.name;
  const def = env.ctx.registry.scalar(name);
  const args = expr.args.map((a) => compileScalar(a, env));
  const infos = args.map((a, i) => argInfo(expr.args[i]!, a, env));
  const type = def ? returnType(def, infos, expr) : (args[0]?.type ?? 'long');
  const kernel = windowKernels[name]!;
  const constants = args.map((a) => a.constant?.value);
  if (name === 'prev' || name === 'next') {
    if (args[1] !== undefined && !args[1].constant) fail(expr.args[1]!, `${name}(): the offset must be a constant`);
  }
  return {
    type, needsWholeInput: true,
    eval: (b) => kernel(args.map((a) => a.eval(b)), constants, b.length, type),
  };
}

// ───────────── vectorised built-ins ─────────────

const EPOCH_OFFSET_MS = 62135596800000; // 0001-01-01 to 1970-01-01: ADX bins from year 1

function compileFastPath(expr: CallExpr, env: CompileEnv): Evaluator | undefined {
  const name = expr.name.name;
  const a = expr.args;
  switch (name) {
    case 'not': {
      if (a.length !== 1) return undefined;
      const x = compileScalar(a[0]!, env);
      if (x.type !== 'bool') return undefined;
      return foldIfConstant({ type: 'bool', needsWholeInput: x.needsWholeInput, eval: (b) => notKernel(x.eval(b)) }, [x]);
    }
    case 'isempty': case 'isnotempty': case 'isnull': case 'isnotnull': {
      if (a.length !== 1) return undefined;
      const x = compileScalar(a[0]!, env);
      const wantEmpty = name === 'isempty' || name === 'isnull';
      const checksEmptyString = name === 'isempty' || name === 'isnotempty';
      return foldIfConstant({
        type: 'bool', needsWholeInput: x.needsWholeInput,
        eval: (b) => {
          const c = x.eval(b);
          const n = c.length;
          const out = new Uint8Array(n);
          if (c instanceof StringColumn) {
            const per = c.dict.map((s) => ((checksEmptyString && s === '') === wantEmpty ? 1 : 0));
            for (let i = 0; i < n; i++) out[i] = per[c.codes[i]!]!;
          } else if (c instanceof DynamicColumn) {
            for (let i = 0; i < n; i++) {
              const v = c.values[i]!;
              const empty = v === null || (checksEmptyString && v === '');
              out[i] = empty === wantEmpty ? 1 : 0;
            }
          } else {
            for (let i = 0; i < n; i++) out[i] = ((c.nulls !== null && c.nulls[i] === 1) === wantEmpty) ? 1 : 0;
          }
          return new BoolColumn(out, null);
        },
      }, [x]);
    }
    case 'iff': case 'iif': {
      if (a.length !== 3 || a.some((x) => x.kind === 'NamedArg')) return undefined;
      const cond = compileScalar(a[0]!, env);
      const then = compileScalar(a[1]!, env);
      const otherwise = compileScalar(a[2]!, env);
      if (cond.type !== 'bool' || then.type !== otherwise.type || !SELECTABLE_TYPES.has(then.type)) return undefined;
      return foldIfConstant({
        type: then.type, needsWholeInput: cond.needsWholeInput || then.needsWholeInput || otherwise.needsWholeInput,
        eval: (b) => selectColumns(cond.eval(b) as BoolColumn, then.eval(b), otherwise.eval(b)),
      }, [cond, then, otherwise]);
    }
    case 'strcat': {
      if (a.length < 2 || a.some((x) => x.kind === 'NamedArg')) return undefined;
      const parts = a.map((x) => compileScalar(x, env));
      // With one varying part the generic path already evaluates once per distinct value.
      if (parts.filter((p) => p.constant === undefined).length < 2) return undefined;
      const texts = parts.map((p) => (p.constant !== undefined ? scalarToString(p.constant.value, p.type) : undefined));
      return {
        type: 'string', needsWholeInput: parts.some((p) => p.needsWholeInput),
        eval: (b) => concatStrings(parts.map((p, i) => texts[i] ?? p.eval(b)), b.length),
      };
    }
    case 'bin': case 'floor': {
      if (a.length !== 2) return undefined;
      const x = compileScalar(a[0]!, env);
      const step = compileScalar(a[1]!, env);
      if ((x.type !== 'datetime' && x.type !== 'timespan') || step.type !== 'timespan' || !step.constant) return undefined;
      const stepTicks = step.constant.value as bigint | null;
      if (stepTicks === null || stepTicks <= 0n || stepTicks % 10000n !== 0n) return undefined;
      const stepMs = Number(stepTicks / 10000n);
      const offset = x.type === 'datetime' ? EPOCH_OFFSET_MS : 0;
      const type = x.type;
      return foldIfConstant({
        type, needsWholeInput: x.needsWholeInput,
        eval: (b) => {
          const c = x.eval(b) as TicksColumn;
          const n = c.length;
          const ms = new Float64Array(n);
          for (let i = 0; i < n; i++) ms[i] = Math.floor((c.ms[i]! + offset) / stepMs) * stepMs - offset;
          if (c.nulls) for (let i = 0; i < n; i++) if (c.nulls[i]) ms[i] = 0;
          return new TicksColumn(type, ms, null, c.nulls);
        },
      }, [x, step]);
    }
  }
  return undefined;
}

// ───────────── registry built-ins ─────────────

export function argInfo(node: Expr, ev: Evaluator | undefined, env: CompileEnv): ArgInfo {
  if (node.kind === 'Star') return { type: 'unknown', star: true };
  if (node.kind === 'TypeOf') {
    return node.type.kind === 'ScalarTypeRef' ? { type: 'string', typeLiteral: node.type.type, constant: node.type.type } : { type: 'unknown' };
  }
  const info: ArgInfo = { type: ev ? ev.type : 'unknown' };
  if (ev?.constant) info.constant = ev.constant.value;
  let n: Expr = node;
  while (n.kind === 'Paren') n = n.expr;
  if (n.kind === 'NameRef' && columnIndex(env.schema, n.name.name) >= 0) info.columnName = n.name.name;
  return info;
}

export function returnType(def: ScalarFunctionDef, infos: ArgInfo[], expr: CallExpr): ScalarType {
  const r = typeof def.returns === 'function' ? def.returns(infos) : def.returns;
  if (r.startsWith('error:')) fail(expr, r.slice('error:'.length).trim() || `invalid arguments to '${def.name}'`);
  return r as ScalarType;
}

/** Whether parameter i of `def` takes numbers and no dynamic value (sqrt, round, substring's start). */
function wantsNumber(def: ScalarFunctionDef, i: number): boolean {
  const last = def.params[def.params.length - 1];
  const param = def.params[i] ?? (last?.repeat ? last : undefined);
  if (param === undefined) return false;
  if (param.types === 'numeric') return true;
  return Array.isArray(param.types) && !param.types.includes('dynamic') && param.types.some(isNumericType);
}

/**
 * A dynamic argument whose top-level WholeReal (a whole `1.0`) reads as its number: impls of
 * numeric parameters take a dynamic number as a JS number, whichever type it has.
 */
function numbersUnwrapped(ev: Evaluator): Evaluator {
  if (ev.type !== 'dynamic') return ev;
  if (ev.constant) return isWholeReal(ev.constant.value) ? constantEvaluator('dynamic', ev.constant.value.value) : ev;
  return {
    type: 'dynamic',
    needsWholeInput: ev.needsWholeInput,
    eval: (b) => {
      const col = ev.eval(b);
      if (!(col instanceof DynamicColumn) || !col.values.some(isWholeReal)) return col;
      return new DynamicColumn(col.values.map((v) => (isWholeReal(v) ? v.value : v)));
    },
  };
}

interface PreparedCall {
  def: ScalarFunctionDef;
  args: Evaluator[];
  infos: ArgInfo[];
  type: ScalarType;
  call: CallContext;
  impl: NonNullable<ScalarFunctionDef['impl']>;
}

function prepareBuiltin(expr: CallExpr, def: ScalarFunctionDef, env: CompileEnv): PreparedCall {
  const args: Evaluator[] = [];
  const infos: ArgInfo[] = [];
  for (const a of expr.args) {
    if (a.kind === 'NamedArg') fail(a, `built-in function '${def.name}' does not take named arguments`);
    if (a.kind === 'Star') fail(a, `'*' is not a valid argument of '${def.name}'`);
    if (a.kind === 'TypeOf') {
      const info = argInfo(a, undefined, env);
      if (info.typeLiteral === undefined) throw new NotSupportedError(`a tabular typeof() argument to '${def.name}'`, a.start, a.end);
      infos.push(info);
      args.push(constantEvaluator('string', info.typeLiteral));
      continue;
    }
    const ev = compileScalar(a, env);
    args.push(wantsNumber(def, args.length) ? numbersUnwrapped(ev) : ev);
    infos.push(argInfo(a, ev, env));
  }
  const written = infos.length;
  if (def.needsRow) {
    env.schema.forEach((c, idx) => {
      args.push({ type: c.type, eval: (b) => b.columns[idx]!.column });
      infos.push({ type: c.type, columnName: c.name });
    });
  }
  const type = returnType(def, infos.slice(0, written), expr);
  if (!def.impl) throw new NotSupportedError(def.name, expr.start, expr.end);
  const call: CallContext = def.needsRow
    ? { now: env.ctx.now, cache: new Map(), args: infos, rowArgsStart: written }
    : { now: env.ctx.now, cache: new Map(), args: infos };
  return { def, args, infos, type, call, impl: def.impl };
}

function invoke(p: PreparedCall, values: Scalar[], expr: CallExpr): Scalar {
  try {
    return p.impl(values, p.call);
  } catch (e) {
    if (e instanceof KqlError) {
      if (e.start === undefined) throw new KqlError(`${p.def.name}(): ${e.message}`, e.code, expr.start, expr.end);
      throw e;
    }
    throw new KqlError(`${p.def.name}() failed: ${(e as Error).message}`, 'Runtime', expr.start, expr.end);
  }
}

function compileBuiltin(expr: CallExpr, def: ScalarFunctionDef, env: CompileEnv): Evaluator {
  const p = prepareBuiltin(expr, def, env);
  const deterministic = def.deterministic !== false;
  const needsWholeInput = p.args.some((a) => a.needsWholeInput);
  const { type, args } = p;
  if (deterministic && args.every((a) => a.constant)) {
    return constantEvaluator(type, invoke(p, args.map((a) => a.constant!.value), expr));
  }
  if (!deterministic && args.length === 0) {
    // now(), rand(), new_guid(): a fresh value per row (now() is fixed per query by its impl).
    return { type, eval: (b) => rowwise(p, b, [], expr) };
  }
  const varying = args.map((a, i) => (a.constant ? -1 : i)).filter((i) => i >= 0);
  if (deterministic && varying.length === 1 && (args[varying[0]!]!.type === 'string' || args[varying[0]!]!.type === 'guid')) {
    const vi = varying[0]!;
    const cache: DictCache = new WeakMap();
    return { type, needsWholeInput, eval: (b) => perDistinct(p, b, vi, expr, cache) };
  }
  return { type, needsWholeInput, eval: (b) => rowwise(p, b, args.map((a) => a.eval(b)), expr) };
}

function rowwise(p: PreparedCall, b: Table, cols: Column[], expr: CallExpr): Column {
  const n = b.length;
  const out = new ColumnBuilder(p.type);
  const values: Scalar[] = new Array(cols.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols.length; j++) values[j] = cols[j]!.get(i);
    out.append(invoke(p, values.slice(), expr));
  }
  return out.finish();
}

/** Results per dictionary entry, filled as codes are met; shared by every batch of a dictionary. */
type DictCache = WeakMap<string[], { done: Uint8Array; results: Column | Scalar[]; size: number }>;

/**
 * One impl call per distinct string of the only varying argument, mapped back through codes.
 * Batches cut from one table share its dictionary, so results are cached per dictionary: a
 * small dictionary is evaluated whole once, a big one only at the codes that occur.
 */
function perDistinct(p: PreparedCall, b: Table, vi: number, expr: CallExpr, cache: DictCache): Column {
  const col = p.args[vi]!.eval(b) as StringColumn;
  const n = col.length;
  const values = p.args.map((a) => (a.constant ? a.constant.value : null));
  const compute = (code: number): Scalar => {
    values[vi] = col.dict[code]!;
    return invoke(p, values.slice(), expr);
  };
  let entry = cache.get(col.dict);
  // A dictionary that grew since it was cached (a builder still appending) is evaluated afresh.
  if (entry !== undefined && entry.size !== col.dict.length) entry = undefined;
  if (col.dict.length <= n || (entry !== undefined && !Array.isArray(entry.results))) {
    if (entry === undefined || Array.isArray(entry.results)) {
      const perCode = col.dict.map((_, code) => compute(code));
      let results: Column;
      if (p.type === 'string' || p.type === 'guid') {
        results = new StringColumn(p.type, Int32Array.from(perCode, (_, i) => i), perCode.map((v) => (v === null ? '' : String(v))));
      } else {
        const dictCol = new ColumnBuilder(p.type);
        for (const v of perCode) dictCol.append(v);
        results = dictCol.finish();
      }
      entry = { done: new Uint8Array(0), results, size: col.dict.length };
      cache.set(col.dict, entry);
    }
    const results = entry.results as Column;
    if (results instanceof StringColumn) return new StringColumn(results.type, col.codes, results.dict);
    return gatherByCodes(results, col.codes);
  }
  if (entry === undefined) {
    entry = { done: new Uint8Array(col.dict.length), results: new Array<Scalar>(col.dict.length), size: col.dict.length };
    cache.set(col.dict, entry);
  }
  const done = entry.done, results = entry.results as Scalar[];
  if (p.type === 'bool') {
    // The hot case (predicates over a big dictionary): straight into a byte array.
    const out = new Uint8Array(n);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const code = col.codes[i]!;
      if (done[code] === 0) { results[code] = compute(code); done[code] = 1; }
      const v = results[code];
      if (v === null) { nulls ??= new Uint8Array(n); nulls[i] = 1; } else if (v === true) out[i] = 1;
    }
    return new BoolColumn(out, nulls);
  }
  const out = new ColumnBuilder(p.type);
  for (let i = 0; i < n; i++) {
    const code = col.codes[i]!;
    if (done[code] === 0) { results[code] = compute(code); done[code] = 1; }
    out.append(results[code] ?? null);
  }
  return out.finish();
}

function gatherByCodes(values: Column, codes: Int32Array): Column {
  const n = codes.length;
  if (values instanceof BoolColumn) {
    const v = new Uint8Array(n);
    for (let i = 0; i < n; i++) v[i] = values.values[codes[i]!]!;
    return new BoolColumn(v, gatherNulls(values.nulls, codes));
  }
  if (values instanceof NumberColumn) {
    const v = values.values instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = values.values[codes[i]!]!;
    return new NumberColumn(values.type, v, gatherNulls(values.nulls, codes));
  }
  if (values instanceof TicksColumn) {
    const ms = new Float64Array(n);
    for (let i = 0; i < n; i++) ms[i] = values.ms[codes[i]!]!;
    let sub: Uint16Array | null = null;
    if (values.sub) { sub = new Uint16Array(n); for (let i = 0; i < n; i++) sub[i] = values.sub[codes[i]!]!; }
    return new TicksColumn(values.type, ms, sub, gatherNulls(values.nulls, codes));
  }
  if (values instanceof DynamicColumn) {
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = values.values[codes[i]!]!;
    return new DynamicColumn(out);
  }
  const s = values as StringColumn;
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) c[i] = s.codes[codes[i]!]!;
  return new StringColumn(s.type, c, s.dict);
}

function gatherNulls(nulls: Uint8Array | null, codes: Int32Array): Uint8Array | null {
  if (nulls === null) return null;
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = nulls[codes[i]!]!;
  return out;
}

// ───────────── tuple-valued calls ─────────────

export interface TupleEvaluator {
  names: readonly string[];
  types: ScalarType[];
  needsWholeInput?: boolean;
  eval(batch: Table): Column[];
}

/** `(a, b) = f(...)`: a call whose impl returns one value per name (tupleNames/tupleNamesFor). */
export function compileTupleCall(expr: Expr, env: CompileEnv): TupleEvaluator | undefined {
  let e = expr;
  while (e.kind === 'Paren') e = e.expr;
  if (e.kind !== 'Call') return undefined;
  const call = e;
  const def = env.ctx.registry.scalar(call.name.name);
  if (!def || env.scope.lookup(call.name.name)?.kind === 'function') return undefined;
  const infos0 = call.args.map((a) => (a.kind === 'Star' || a.kind === 'NamedArg' || a.kind === 'TypeOf' ? argInfo(a, undefined, env) : argInfo(a, compileScalar(a, env), env)));
  // Result columns are named after any plain name argument, a let-bound value included
  // (ADX: `let a1 = ...; print array_sort_asc(a1)` gives a1_sorted).
  const namingInfos = infos0.map((info, k) => {
    let a = call.args[k]!;
    while (a.kind === 'Paren') a = a.expr;
    return info.columnName === undefined && a.kind === 'NameRef' ? { ...info, columnName: a.name.name } : info;
  });
  const names = def.tupleNamesFor?.(namingInfos) ?? def.tupleNames;
  if (!names) return undefined;
  const p = prepareBuiltin(call, def, env);
  const types = names.map((_, k) => def.tupleTypes?.[k] ?? p.type);
  return {
    names, types, needsWholeInput: p.args.some((a) => a.needsWholeInput),
    eval: (b) => {
      const cols = p.args.map((a) => a.eval(b));
      const builders = names.map((_, k) => new ColumnBuilder(types[k]!));
      for (let i = 0; i < b.length; i++) {
        const r = invoke(p, cols.map((c) => c.get(i)), call);
        const arr = Array.isArray(r) ? r : [];
        builders.forEach((bd, k) => bd.append((arr[k] ?? null) as Scalar));
      }
      return builders.map((bd) => bd.finish());
    },
  };
}


