// ADX's auto-generated column names, shared by the checker and the executor so both produce
// exactly the columns ADX would. Every rule here was settled against Microsoft's parser
// (test/semantics/naming.test.ts pins them):
//
//  - A plain column reference keeps its name; `(x)` is transparent.
//  - `a.b`, `a['b']`, `a[0]` give `a_b`, `a_b`, `a_0`; a non-literal index gives `a_`.
//  - A call is named by the function's result-name rule (known-functions.ts): `tostring(x)`
//    and `bin(x, 1h)` take their first argument's name (`x`), `strlen(s)` gives `strlen_s`,
//    `sum(x)` gives `sum_x`, `count()` gives `count_`, `make_set(x)` gives `set_x`;
//    functions without a rule (iff, strcat, ...) give no name.
//  - An expression with no derived name becomes `ColumnN`: the smallest N not yet taken.
//  - Derived names that clash get a numeric suffix: `x`, `x1`, `x2`, ...
//  - print names unnamed items by position: `print_0`, `print_1`, ...

import type { CallExpr, Expr, NamedExpr } from '../syntax/ast.js';
import type { ScalarType } from '../types.js';
import { KNOWN_FUNCTIONS, type KnownFunction } from './known-functions.js';

const scalarByName = new Map<string, KnownFunction>();
const aggregateByName = new Map<string, KnownFunction>();
for (const f of KNOWN_FUNCTIONS) {
  if (f.kind === 'scalar') scalarByName.set(f.name, f);
  else if (f.kind === 'aggregate') aggregateByName.set(f.name, f);
}

/** What naming needs to know about the query around an expression. All members optional. */
export interface NamingContext {
  /** True when `name` is a column of the operator's input (for `column_ifexists('name', ...)`). */
  hasInputColumn?(name: string): boolean;
  /** True when `name` is a user function (let-bound or stored) that shadows any built-in. */
  isUserFunction?(name: string): boolean;
}

const NO_CONTEXT: NamingContext = {};

function unparen(e: Expr): Expr {
  while (e.kind === 'Paren') e = e.expr;
  return e;
}

/**
 * The name ADX derives for an expression's column, or '' when it derives none (the caller then
 * falls back to `ColumnN`, or `print_N` in print). Scalar calls only; see aggregateColumnNames.
 */
export function expressionName(expr: Expr, ctx: NamingContext = NO_CONTEXT): string {
  const e = unparen(expr);
  switch (e.kind) {
    case 'NameRef':
      return e.name.name;
    case 'Member': {
      const target = expressionName(e.target, ctx);
      return `${target}_${e.member.name}`;
    }
    case 'Index': {
      const target = expressionName(e.target, ctx);
      const index = unparen(e.index);
      const key = index.kind === 'Literal' && (index.type === 'string' || index.value !== null)
        ? index.type === 'string' ? String(index.value) : index.text
        : '';
      return `${target}_${key}`;
    }
    case 'Call':
      // An aggregate wrapped in a scalar call (`tostring(make_set(x))`) is named like the aggregate.
      return callName(e, scalarByName.get(e.name.name) ?? aggregateByName.get(e.name.name), ctx);
    case 'NamedArg':
      // `bin(Bucket = Timestamp, 5m)`: the inner name names the column.
      return e.name.name;
    default:
      return '';
  }
}

function callName(call: CallExpr, fn: KnownFunction | undefined, ctx: NamingContext): string {
  if (fn === undefined || call.target !== undefined || ctx.isUserFunction?.(call.name.name)) return '';
  const args = call.args;
  const first = args.length > 0 ? args[0]! : undefined;
  const firstName = first === undefined ? '' : expressionName(first, ctx);
  switch (fn.nameKind) {
    case 'NameAndFirstArgument':
      return first === undefined ? '' : `${fn.name}_${firstName}`;
    case 'NameAndOnlyArgument':
      return args.length === 1 ? `${fn.name}_${firstName}` : '';
    case 'PrefixAndFirstArgument':
      return `${fn.prefix ?? fn.name}_${firstName}`;
    case 'PrefixAndOnlyArgument':
      return args.length <= 1 ? `${fn.prefix ?? fn.name}_${firstName}` : '';
    case 'PrefixOnly':
      return fn.prefix ?? fn.name;
    case 'FirstArgument':
      return firstName;
    case 'OnlyArgument':
      return args.length === 1 ? firstName : '';
    case 'FirstArgumentValueIfColumn': {
      const lit = first === undefined ? undefined : unparen(first);
      if (lit?.kind === 'Literal' && lit.type === 'string' && ctx.hasInputColumn?.(String(lit.value))) {
        return String(lit.value);
      }
      return '';
    }
    default:
      return '';
  }
}

/**
 * The columns a call to a tuple-returning function (series_stats, series_fit_line,
 * series_decompose_anomalies, ...) produces: `(a, b) = f(x)` names the first members, the rest
 * (or all, when unnamed) are `f_x_member`. Undefined for any other expression.
 */
export function tupleColumns(expr: Expr, explicit: readonly string[], ctx: NamingContext = NO_CONTEXT): { name: string; type: string }[] | undefined {
  const e = unparen(expr);
  if (e.kind !== 'Call' || e.target !== undefined || ctx.isUserFunction?.(e.name.name)) return undefined;
  const fn = scalarByName.get(e.name.name);
  if (fn?.tuple === undefined) return undefined;
  const argName = e.args[0] === undefined ? '' : expressionName(e.args[0], ctx);
  return fn.tuple.map((m, i) => ({ name: explicit[i] ?? `${fn.name}_${argName}_${m.name}`, type: m.type }));
}

/** `base` if free, else `base1`, `base2`, ... (ADX's clash renaming: `TimeGenerated1`, `Domain1`). */
export function uniqueColumnName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The smallest free `ColumnN` (N from 1). */
export function nextColumnName(taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const candidate = `Column${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The name of print's item at `index` when it has no explicit name. */
export function printColumnName(index: number): string {
  return `print_${index}`;
}

/** The column `count` produces (and `count as X` overrides). */
export const COUNT_COLUMN = 'Count';

/** The aggregate column of a `top-nested` clause without an explicit name. */
export function topNestedAggregateName(ofName: string): string {
  return `aggregated_${ofName}`;
}

/** top-hitters' second column: `approximate_count_X` or `approximate_sum_Y` with `by Y`. */
export function topHittersAggregateName(ofName: string, byName: string | undefined): string {
  return byName === undefined ? `approximate_count_${ofName}` : `approximate_sum_${byName}`;
}

/** union's name for a column whose type differs between legs: `s_string`, `s_int`. */
export function unionConflictName(name: string, type: string): string {
  return `${name}_${type}`;
}

/**
 * Names of the columns an `extend` adds or replaces, in item order. A name equal to an input
 * column (or an earlier item) means that column is replaced in place.
 */
export function extendColumnNames(items: readonly NamedExpr[], inputColumns: readonly string[], ctx: NamingContext = NO_CONTEXT): string[][] {
  const taken = new Set(inputColumns);
  return items.map((item) => {
    const tuple = tupleColumns(item.expr, item.names.map((n) => n.name), ctx);
    const names = tuple?.map((c) => c.name) ?? explicitNames(item) ?? [expressionName(item.expr, ctx) || nextColumnName(taken)];
    for (const n of names) taken.add(n);
    return names;
  });
}

/**
 * Names of `project` (and `distinct`) items in order. Derived names are made unique against
 * earlier items; written names are kept (two written names clashing is an error the checker
 * reports) unless they clash with an earlier derived one.
 */
export function projectColumnNames(items: readonly NamedExpr[], ctx: NamingContext = NO_CONTEXT): string[][] {
  const taken = new Set<string>();
  // Names the user wrote (`x = ...`, or a plain column `x`). Two of these clashing is an error;
  // a clash with a derived or generated name renames the later one instead.
  const declared = new Set<string>();
  const declare = (name: string): string => {
    const n = declared.has(name) || !taken.has(name) ? name : uniqueColumnName(name, taken);
    declared.add(n);
    return n;
  };
  return items.map((item) => {
    const tuple = tupleColumns(item.expr, item.names.map((n) => n.name), ctx);
    let names: string[];
    if (tuple !== undefined) names = tuple.map((c, i) => (i < item.names.length ? declare(c.name) : uniqueColumnName(c.name, taken)));
    else if (item.names.length > 0) names = item.names.map((n) => declare(n.name));
    else if (unparen(item.expr).kind === 'NameRef') names = [declare(expressionName(item.expr, ctx))];
    else names = [derivedOrColumnN(item.expr, taken, ctx)];
    for (const n of names) taken.add(n);
    return names;
  });
}

function derivedOrColumnN(expr: Expr, taken: Set<string>, ctx: NamingContext): string {
  const derived = expressionName(expr, ctx);
  return derived === '' ? nextColumnName(taken) : uniqueColumnName(derived, taken);
}

function explicitNames(item: NamedExpr): string[] | undefined {
  return item.names.length > 0 ? item.names.map((n) => n.name) : undefined;
}

/** Names of print's items. */
export function printColumnNames(items: readonly NamedExpr[]): string[][] {
  return items.map((item, i) => explicitNames(item) ?? [printColumnName(i)]);
}

/** How an aggregate call's columns are formed. */
export type AggregateShape =
  /** One column (sum, count, make_set, ...). */
  | { kind: 'single'; name: string }
  /** arg_max/arg_min/take_any: one column per argument, `*` expanding to the input's columns. */
  | { kind: 'multi'; columns: { name: string; arg: Expr | 'star' }[] }
  /** percentiles(x, 50, 95): one column per percentile argument. */
  | { kind: 'percentiles'; names: string[] };

/**
 * The column names one summarize aggregate produces, before clash renaming. `byColumns` are the
 * input columns the by-clause passes through unchanged (arg_max's `*` skips them; see
 * byPassThroughColumns); `inputColumns` the operator's input.
 */
export function aggregateColumnNames(
  call: CallExpr,
  inputColumns: readonly string[],
  byColumns: readonly string[],
  ctx: NamingContext = NO_CONTEXT,
): AggregateShape {
  const name = call.name.name;
  const fn = aggregateByName.get(name);
  const args = call.args;
  if (name === 'arg_max' || name === 'arg_min' || name === 'argmax' || name === 'argmin') {
    const first = args[0];
    const firstName = first === undefined ? '' : expressionName(first, ctx);
    const columns: { name: string; arg: Expr | 'star' }[] = [];
    if (first !== undefined) columns.push({ name: firstName || `${name.endsWith('max') ? 'max' : 'min'}_`, arg: first });
    const skip = new Set([...byColumns, ...(first !== undefined && unparen(first).kind === 'NameRef' ? [firstName] : [])]);
    for (const a of args.slice(1)) pushArgColumns(columns, a, inputColumns, skip, ctx);
    return { kind: 'multi', columns };
  }
  if (name === 'take_any' || (name === 'any' && (args.length !== 1 || args[0]!.kind === 'Star'))) {
    const columns: { name: string; arg: Expr | 'star' }[] = [];
    for (const a of args) pushArgColumns(columns, a, inputColumns, new Set(), ctx);
    return { kind: 'multi', columns };
  }
  if (name.startsWith('percentile')) {
    const of = args[0] === undefined ? '' : expressionName(args[0], ctx);
    if (name === 'percentiles_array' || name === 'percentilesw_array') return { kind: 'single', name: `percentiles_${of}` };
    const weighted = name.startsWith('percentilew') || name.startsWith('percentilesw');
    const values = args.slice(weighted ? 2 : 1);
    return { kind: 'percentiles', names: values.map((v) => `percentile_${of}_${percentileSuffix(v)}`) };
  }
  if (ctx.isUserFunction?.(name)) return { kind: 'single', name: '' };
  // A scalar around an aggregate (`tostring(make_set(x))`) is named by the scalar's own rule.
  if (fn === undefined) return { kind: 'single', name: expressionName(call, ctx) };
  return { kind: 'single', name: callName(call, fn, ctx) };
}

function pushArgColumns(
  columns: { name: string; arg: Expr | 'star' }[],
  arg: Expr,
  inputColumns: readonly string[],
  skip: ReadonlySet<string>,
  ctx: NamingContext,
): void {
  if (arg.kind === 'Star') {
    for (const c of inputColumns) if (!skip.has(c)) columns.push({ name: c, arg: 'star' });
  } else {
    columns.push({ name: expressionName(arg, ctx), arg });
  }
}

function percentileSuffix(e: Expr): string {
  const v = unparen(e);
  return v.kind === 'Literal' ? v.text.replace(/\./g, '_') : '';
}

/**
 * The input columns a summarize by-clause passes through unchanged: plain column references
 * (`by s`, `by X = s`), and conversions that cannot change the value (`tostring(s)` of a
 * string `s`, judged by `sameTypeConversion`). arg_max(x, *) does not repeat these; a by
 * column computed from a column (`bin(TimeGenerated, 1h)`, `tostring(dyn)`) does not count.
 */
/** The conversion functions and the type each returns: `tostring(s)` of a string column is a no-op. */
const CONVERSION_RESULT: Readonly<Record<string, ScalarType>> = {
  tostring: 'string', toint: 'int', tolong: 'long', todouble: 'real', toreal: 'real', tobool: 'bool',
  toboolean: 'bool', todatetime: 'datetime', totimespan: 'timespan', toguid: 'guid', todecimal: 'decimal',
};

/**
 * Whether `call` converts a column to the type it already has (`tostring(s)` of a string
 * column), which ADX treats as the column itself for `arg_max(x, *)` pass-through.
 */
export function isSameTypeConversion(call: CallExpr, columnType: (name: string) => ScalarType | undefined): boolean {
  const target = CONVERSION_RESULT[call.name.name];
  const arg = call.args[0] !== undefined ? unparen(call.args[0]) : undefined;
  if (target === undefined || arg?.kind !== 'NameRef') return false;
  return columnType(arg.name.name) === target;
}

export function byPassThroughColumns(
  by: readonly NamedExpr[],
  sameTypeConversion: (call: CallExpr) => boolean = () => false,
): string[] {
  const out: string[] = [];
  for (const item of by) {
    const e = unparen(item.expr);
    if (e.kind === 'NameRef') out.push(e.name.name);
    else if (e.kind === 'Call' && e.args.length === 1 && unparen(e.args[0]!).kind === 'NameRef' && sameTypeConversion(e)) {
      out.push((unparen(e.args[0]!) as Extract<Expr, { kind: 'NameRef' }>).name.name);
    }
  }
  return out;
}

/**
 * Output names of a whole summarize: by-columns first, then each aggregate's columns, with
 * ADX's clash renaming (`count_1`, `TimeGenerated1`). `aggregates[i]` lists aggregate item i's
 * columns. Explicit names are kept as written.
 *
 * `passThrough` is the set of input columns `arg_max(x, *)` leaves out: pass
 * `byPassThroughColumns(by, sameTypeConversion)` for ADX's exact rule (the checker does).
 * Without it, every by-column name is left out, which differs from ADX only when a by-column
 * is computed under an input column's name (`by bin(TimeGenerated, 1h)`, `by tostring(dyn)`).
 * Use the returned `passThrough` when expanding `*` yourself, so names and columns line up.
 */
export function summarizeColumnNames(
  aggregates: readonly NamedExpr[],
  by: readonly NamedExpr[],
  inputColumns: readonly string[],
  ctx: NamingContext = NO_CONTEXT,
  passThrough?: readonly string[],
): { by: string[]; aggregates: string[][]; passThrough: readonly string[] } {
  const taken = new Set<string>();
  const starTaken = new Set<string>();
  const byNames = by.map((item) => {
    const n = explicitNames(item)?.[0] ?? derivedOrColumnN(item.expr, taken, ctx);
    taken.add(n);
    return n;
  });
  const skipForStar = passThrough ?? byNames;
  const aggNames = aggregates.map((item) => {
    const explicit = explicitNames(item);
    const call = unparen(item.expr);
    if (call.kind !== 'Call') {
      const n = explicit?.[0] ?? nextColumnName(taken);
      taken.add(n);
      return [n];
    }
    const shape = aggregateColumnNames(call, inputColumns, skipForStar, ctx);
    let raw: string[];
    if (shape.kind === 'single') raw = [shape.name];
    else if (shape.kind === 'multi') raw = shape.columns.map((c) => c.name);
    else raw = shape.names;
    const out = raw.map((r, i) => {
      const given = explicit?.[i];
      // An explicit name only yields to a column an earlier `*` expansion produced.
      const n = given !== undefined
        ? (starTaken.has(given) ? uniqueColumnName(given, taken) : given)
        : r === '' ? nextColumnName(taken) : uniqueColumnName(r, taken);
      taken.add(n);
      if (shape.kind === 'multi' && shape.columns[i]?.arg === 'star') starTaken.add(n);
      return n;
    });
    return out;
  });
  return { by: byNames, aggregates: aggNames, passThrough: skipForStar };
}

/**
 * Output names of make-series: by-columns, then the aggregates, then the axis (`on`) column.
 */
export function makeSeriesColumnNames(
  aggregates: readonly NamedExpr[],
  on: Expr,
  by: readonly NamedExpr[],
  ctx: NamingContext = NO_CONTEXT,
): { by: string[]; aggregates: string[]; axis: string } {
  const taken = new Set<string>();
  const byNames = by.map((item) => {
    const n = explicitNames(item)?.[0] ?? derivedOrColumnN(item.expr, taken, ctx);
    taken.add(n);
    return n;
  });
  const aggNames = aggregates.map((item) => {
    const call = unparen(item.expr);
    const derived = call.kind === 'Call' ? aggregateColumnNames(call, [], byNames, ctx) : undefined;
    const base = derived?.kind === 'single' ? derived.name : '';
    const n = explicitNames(item)?.[0] ?? (base === '' ? nextColumnName(taken) : uniqueColumnName(base, taken));
    taken.add(n);
    return n;
  });
  const axis = uniqueColumnName(expressionName(on, ctx) || nextColumnName(taken), taken);
  return { by: byNames, aggregates: aggNames, axis };
}

/**
 * Right-side column names after a join: a right column whose name the left side already has
 * gets a numeric suffix (`a1`, `TimeGenerated1`).
 */
export function joinRightColumnNames(leftColumns: readonly string[], rightColumns: readonly string[]): string[] {
  const left = new Set(leftColumns);
  // A new name must not collide with any column of either side: `X, X1 | join (X, X1)` gives X2, X11.
  const taken = new Set([...leftColumns, ...rightColumns]);
  return rightColumns.map((c) => {
    if (!left.has(c)) return c;
    const n = uniqueColumnName(c, taken);
    taken.add(n);
    return n;
  });
}
