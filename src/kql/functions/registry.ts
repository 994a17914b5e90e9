// The built-in function catalogue. Each function is declared once: its signature (used
// by the checker to type expressions and report argument errors) and its implementation
// (used by the executor). A function with no implementation still type-checks, and the
// executor refuses it with "not supported: NAME" rather than guessing.
//
// Group files (functions/scalar/*.ts, functions/aggregate/*.ts, ...) export arrays of
// definitions; functions/index.ts registers them all.

import type { Column } from '../data/column.js';
import type { Scalar, ScalarType } from '../types.js';

/** What the checker knows about an argument when choosing a return type. */
export interface ArgInfo {
  /** 'tabular' for a tabular expression argument; 'unknown' when the checker could not type it. */
  type: ScalarType | 'tabular' | 'unknown';
  /** Set when the argument is a literal or a constant the checker folded. */
  constant?: Scalar;
  /** `*` as an argument (arg_max(x, *), pack_all-style). */
  star?: boolean;
  /** The argument's column name when it is a plain column reference (for naming `sum_X`). */
  columnName?: string;
  /**
   * Set when the argument is a `typeof(T)` literal naming one scalar type (extract_json's
   * third argument). At run time the executor passes such an argument as the type name string.
   */
  typeLiteral?: ScalarType;
}

/**
 * Accepted types for a parameter. Group names expand as in the Kusto docs:
 * 'numeric' = int|long|real|decimal, 'scalar' = any non-dynamic type, 'any' = everything.
 */
export type ParamTypes = readonly ScalarType[] | 'numeric' | 'scalar' | 'any' | 'tabular';

export interface ParamSpec {
  name: string;
  types: ParamTypes;
  optional?: boolean;
  /** The parameter may repeat (variadic tail). */
  repeat?: boolean;
  /** The argument must be a constant (e.g. a regex pattern for some functions, a bin size is not). */
  constant?: boolean;
}

/** A return-type rule: a fixed type, or computed from the arguments. Return a string starting with 'error:' to report a type error. */
export type ReturnRule = ScalarType | ((args: ArgInfo[]) => ScalarType | `error:${string}`);

export interface CallContext {
  /** `now()` for this query, as ticks. Fixed for the whole query, as in ADX. */
  readonly now: bigint;
  /** A cache private to one call site (compiled regexes, parsed constant args). */
  readonly cache: Map<unknown, unknown>;
  /**
   * What the checker knew about each argument at this call site, in argument order
   * (including the row columns appended for `needsRow` functions). Functions that place
   * scalars into dynamic values need it: a bigint is a datetime or a timespan only by type,
   * and bag_pack_columns/pack_all take their keys from column names.
   */
  readonly args?: readonly ArgInfo[];
  /** For `needsRow` functions: the index in the argument list where the appended row columns start. */
  readonly rowArgsStart?: number;
}

export interface ScalarFunctionDef {
  kind: 'scalar';
  name: string;
  aliases?: readonly string[];
  params: readonly ParamSpec[];
  returns: ReturnRule;
  /**
   * Per-row implementation over JS scalars (types.ts). Receives nulls; most functions
   * return null when any argument is null, as ADX does — each impl decides.
   * Absent: the function type-checks but is not executable ("not supported: NAME").
   */
  impl?: (args: Scalar[], ctx: CallContext) => Scalar;
  /** false for now(), rand(), new_guid(): never constant-folded, never evaluated per distinct value. */
  deterministic?: boolean;
  /** Names of the columns produced when assigned to a tuple without explicit names, e.g. series_decompose_anomalies. */
  tupleNames?: readonly string[];
  /**
   * Like tupleNames, for functions whose number of results depends on the call:
   * array_sort_asc(a, b) yields two columns `a_sorted`, `b_sorted`. Returns undefined when
   * the call yields a single value. When it returns names, impl returns a JS array holding
   * one value per name, in order.
   */
  tupleNamesFor?: (args: ArgInfo[]) => readonly string[] | undefined;
  /**
   * The type of each tuple result, parallel to the names from tupleNames/tupleNamesFor, where
   * they differ (series_stats: real, long, real, long, ...; series_fit_line: five reals and a
   * dynamic). Absent: every tuple result has the function's return type.
   */
  tupleTypes?: readonly ScalarType[];
  /**
   * The function reads the whole input row (pack_all). The executor appends every column of
   * the input row, in schema order, as extra arguments after the written ones, and describes
   * them (type, columnName) in CallContext.args, with CallContext.rowArgsStart = the number
   * of written arguments.
   */
  needsRow?: boolean;
}

/** Grouped, columnar accumulation: the executor hands batches of rows already assigned to groups. */
export interface GroupedAggregator {
  /** Row r of this batch belongs to group ids[r] (0 <= ids[r] < numGroups). args: evaluated argument columns. */
  update(ids: Int32Array, numGroups: number, args: Column[]): void;
  /** One value per group, in group-id order. */
  finish(numGroups: number): Column;
  /**
   * Multi-column aggregates (arg_max/arg_min, take_any with several arguments or `*`,
   * percentiles/percentilesw): one column per output, in output order. `finish` then returns
   * the first of them. The executor calls one of finish/finishMany, once.
   */
  finishMany?(numGroups: number): Column[];
}

export interface AggregateFunctionDef {
  kind: 'aggregate';
  name: string;
  aliases?: readonly string[];
  params: readonly ParamSpec[];
  returns: ReturnRule;
  /**
   * The prefix of the auto-generated column name: `count` -> `count_`, `sum` -> `sum_X`.
   * Defaults to the function name.
   */
  namePrefix?: string;
  /**
   * Result types of a multi-column aggregate, one per output column (see finishMany), given
   * the call's arguments with `*` already expanded. Absent: a single column typed by `returns`.
   * arg_max/arg_min: the key's type, then each carried argument's; take_any: each argument's;
   * percentiles/percentilesw: one per percentile argument.
   */
  outputTypes?: (args: ArgInfo[]) => ScalarType[] | `error:${string}`;
  /**
   * Absent: type-checks but refuses to run. `args` describes every argument of the call in
   * order; a `*` argument (arg_max, arg_min, take_any) arrives expanded into one ArgInfo per
   * column it stands for (as naming.ts lists them), and update() then receives those columns
   * at the same positions. Constant arguments (accuracy, maxSize, percentiles) are read from
   * ArgInfo.constant; their evaluated columns, if passed to update(), are ignored.
   */
  create?: (args: ArgInfo[], ctx: CallContext) => GroupedAggregator;
}

export interface PluginDef {
  kind: 'plugin';
  name: string;
  /** Result schema is computed by the checker/executor module that implements the plugin. */
}

export type FunctionDef = ScalarFunctionDef | AggregateFunctionDef;

export class FunctionRegistry {
  private readonly scalars = new Map<string, ScalarFunctionDef>();
  private readonly aggregates = new Map<string, AggregateFunctionDef>();

  add(defs: readonly FunctionDef[]): this {
    for (const def of defs) {
      const map: Map<string, FunctionDef> = def.kind === 'scalar' ? this.scalars : this.aggregates;
      for (const n of [def.name, ...(def.aliases ?? [])]) {
        if (map.has(n)) throw new Error(`duplicate ${def.kind} function definition: ${n}`);
        map.set(n, def);
      }
    }
    return this;
  }

  /** KQL function names are case-sensitive. */
  scalar(name: string): ScalarFunctionDef | undefined {
    return this.scalars.get(name);
  }

  aggregate(name: string): AggregateFunctionDef | undefined {
    return this.aggregates.get(name);
  }

  allScalars(): ScalarFunctionDef[] {
    return [...new Set(this.scalars.values())];
  }

  allAggregates(): AggregateFunctionDef[] {
    return [...new Set(this.aggregates.values())];
  }
}
