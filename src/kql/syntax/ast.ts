// The KQL syntax tree. Every node carries `start`/`end`: UTF-16 offsets into the
// query text (end exclusive). Line and column come from SourceText (./source.ts).
//
// One tree serves both tabular and scalar expressions because KQL nests them
// freely (`toscalar(T | count)`, `x in (T | project y)`, `materialize(T)`).
// The checker decides which is which.

import type { Scalar, ScalarType } from '../types.js';

export interface Node {
  kind: string;
  start: number;
  end: number;
}

export interface Ident extends Node {
  kind: 'Ident';
  /** The name with quoting removed: `['a b']` gives `a b`. */
  name: string;
  /** Written as `['...']` or `["..."]`. */
  quoted: boolean;
}

// ───────────────────────────── statements ─────────────────────────────

export interface Query extends Node {
  kind: 'Query';
  statements: Statement[];
}

export type Statement =
  | LetStatement
  | DeclareQueryParametersStatement
  | SetStatement
  | AliasStatement
  | PatternStatement
  | RestrictStatement
  | ExprStatement;

export interface LetStatement extends Node {
  kind: 'Let';
  name: Ident;
  /** A scalar or tabular expression, or a function (lambda / view). */
  value: Expr | FunctionDecl;
}

export interface FunctionDecl extends Node {
  kind: 'FunctionDecl';
  /** `view` functions take part in `union *` and wildcards. */
  isView: boolean;
  params: Param[];
  body: FunctionBody;
}

export interface FunctionBody extends Node {
  kind: 'FunctionBody';
  /** `let` statements inside `{ ... }` before the result expression. */
  statements: Statement[];
  result: Expr;
}

export interface Param extends Node {
  kind: 'Param';
  name: Ident;
  type: TypeRef;
  defaultValue?: Expr;
}

/** A scalar type (`string`), or a tabular type: `(*)` or `(a:string, b:long)` optionally with `*`. */
export type TypeRef = ScalarTypeRef | TabularTypeRef;

export interface ScalarTypeRef extends Node {
  kind: 'ScalarTypeRef';
  type: ScalarType;
  /** As written, e.g. `double` for real. */
  text: string;
}

export interface TabularTypeRef extends Node {
  kind: 'TabularTypeRef';
  columns: ColumnDecl[];
  /** `*` present: any further columns are allowed. */
  open: boolean;
}

export interface ColumnDecl extends Node {
  kind: 'ColumnDecl';
  name: Ident;
  type: ScalarTypeRef;
}

export interface DeclareQueryParametersStatement extends Node {
  kind: 'DeclareQueryParameters';
  params: Param[];
}

export interface SetStatement extends Node {
  kind: 'Set';
  name: Ident;
  value?: Expr;
}

export interface AliasStatement extends Node {
  kind: 'Alias';
  /** `alias database X = cluster(...).database(...)` */
  entity: string;
  name: Ident;
  value: Expr;
}

export interface PatternStatement extends Node {
  kind: 'Pattern';
  name: Ident;
  /** `declare pattern` without a body, or the definitions. Kept as raw text: patterns are rare. */
  params: Param[];
  definitions: { start: number; end: number; args: Expr[]; pathArg?: Expr; body: Expr }[];
}

export interface RestrictStatement extends Node {
  kind: 'Restrict';
  entities: Expr[];
}

export interface ExprStatement extends Node {
  kind: 'ExprStatement';
  expr: Expr;
}

// ───────────────────────────── expressions ─────────────────────────────

export type Expr =
  | Literal
  | NameRef
  | MemberExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | BetweenExpr
  | InExpr
  | ParenExpr
  | StarExpr
  | NamedArg
  | TypeOfExpr
  | PipeExpr
  | SourceOperatorExpr
  | ErrorExpr;

/** A literal, already evaluated. For datetime/timespan, `value` is a bigint of ticks. */
export interface Literal extends Node {
  kind: 'Literal';
  type: ScalarType;
  value: Scalar;
  /** The source text, for messages and for the oracle's column naming (`print 1` -> `print_0`). */
  text: string;
}

/** A bare name: a column, a let binding, a table, a parameter, or `$left`/`$right`. */
export interface NameRef extends Node {
  kind: 'NameRef';
  name: Ident;
}

/** `a.b` (also `$left.Col`, `cluster('x').database('y').T`). */
export interface MemberExpr extends Node {
  kind: 'Member';
  target: Expr;
  member: Ident;
}

/** `a[0]`, `a['key']`, `a[-1]`. */
export interface IndexExpr extends Node {
  kind: 'Index';
  target: Expr;
  index: Expr;
}

export interface CallExpr extends Node {
  kind: 'Call';
  /** The callee name; for `a.b()`-style calls (e.g. `cluster('c').database('d')`) see `target`. */
  name: Ident;
  target?: Expr;
  args: Expr[];
}

export type UnaryOp = '-' | '+';

export interface UnaryExpr extends Node {
  kind: 'Unary';
  op: UnaryOp;
  operand: Expr;
}

/**
 * Binary operators as written, lower-cased for word operators:
 *  and or | + - * / % | == != <> < <= > >= | =~ !~
 *  has !has has_cs !has_cs hasprefix !hasprefix hasprefix_cs !hasprefix_cs hassuffix ... 
 *  contains !contains contains_cs !contains_cs startswith ... endswith ... matches regex
 *  like / notlike / likecs / notlikecs (legacy)
 */
export interface BinaryExpr extends Node {
  kind: 'Binary';
  op: string;
  left: Expr;
  right: Expr;
}

/** `x between (a .. b)` / `x !between (a .. b)`. */
export interface BetweenExpr extends Node {
  kind: 'Between';
  negated: boolean;
  expr: Expr;
  low: Expr;
  high: Expr;
}

/**
 * `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`.
 * `list` holds the parenthesised items: scalars, dynamic arrays, or a tabular expression
 * (first column used).
 */
export interface InExpr extends Node {
  kind: 'In';
  op: 'in' | '!in' | 'in~' | '!in~' | 'has_any' | 'has_all' | 'has_any_cs' | 'has_all_cs';
  expr: Expr;
  list: Expr[];
}

export interface ParenExpr extends Node {
  kind: 'Paren';
  expr: Expr;
}

/** `*` as an argument: `arg_max(x, *)`, `count(*)`? (not ADX), `pack_all()`-like uses. */
export interface StarExpr extends Node {
  kind: 'Star';
}

/** `name = value` inside an argument list (user functions, `default=` in make-series, plugin args). */
export interface NamedArg extends Node {
  kind: 'NamedArg';
  name: Ident;
  value: Expr;
}

/** `typeof(string)` or `typeof(a:string, b:long)`. */
export interface TypeOfExpr extends Node {
  kind: 'TypeOf';
  type: TypeRef;
}

/** `input | operator`. Chains are left-nested: `T | where x | take 1` = Pipe(Pipe(T, where), take). */
export interface PipeExpr extends Node {
  kind: 'Pipe';
  input: Expr;
  op: QueryOperator;
}

/** An operator that starts a pipeline: print, range, datatable, union, search, find, externaldata, evaluate, ... */
export interface SourceOperatorExpr extends Node {
  kind: 'SourceOperator';
  op: QueryOperator;
}

/** Placeholder produced by error recovery; the diagnostics say what was wrong. */
export interface ErrorExpr extends Node {
  kind: 'Error';
}

// ───────────────────────────── operator pieces ─────────────────────────────

/** `name=value` options and hints on an operator: `kind=inner`, `hint.strategy=shuffle`, `isfuzzy=true`. */
export interface OperatorOption extends Node {
  kind: 'Option';
  /** Lower-cased as written, dotted: `kind`, `hint.strategy`, `withsource`, `bagexpansion`. */
  name: string;
  /** Identifiers (`inner`) become a NameRef; literals stay literals. */
  value: Expr;
}

/**
 * An item of extend/project/summarize/print/by: an expression with an optional name,
 * or a tuple of names for functions returning several values:
 * `(anomalies, score, baseline) = series_decompose_anomalies(...)`.
 */
export interface NamedExpr extends Node {
  kind: 'NamedExpr';
  names: Ident[];
  expr: Expr;
}

export interface SortKey extends Node {
  kind: 'SortKey';
  expr: Expr;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** A column name or wildcard pattern (`Col*`) as in project-away / project-keep / project-reorder. */
export interface ColumnPattern extends Node {
  kind: 'ColumnPattern';
  /** May contain `*` wildcards. */
  pattern: string;
  order?: 'asc' | 'desc' | 'granny-asc' | 'granny-desc';
}

// ───────────────────────────── tabular operators ─────────────────────────────

export type QueryOperator =
  | WhereOp
  | ExtendOp
  | ProjectOp
  | ProjectAwayOp
  | ProjectKeepOp
  | ProjectRenameOp
  | ProjectReorderOp
  | SummarizeOp
  | CountOp
  | DistinctOp
  | TakeOp
  | TopOp
  | TopNestedOp
  | TopHittersOp
  | SortOp
  | SampleOp
  | SampleDistinctOp
  | JoinOp
  | LookupOp
  | UnionOp
  | AsOp
  | GetSchemaOp
  | SerializeOp
  | MvExpandOp
  | MvApplyOp
  | ParseOp
  | ParseKvOp
  | MakeSeriesOp
  | RenderOp
  | EvaluateOp
  | InvokeOp
  | FacetOp
  | ForkOp
  | PartitionOp
  | ConsumeOp
  | ScanOp
  | SearchOp
  | FindOp
  | PrintOp
  | RangeOp
  | DatatableOp
  | ExternalDataOp
  | ReduceOp
  | GenericOp;

interface OpBase extends Node {
  /** The operator keyword as written, lower-cased (`order`, `sort`, `mvexpand`, `filter`, ...). */
  keyword: string;
  options: OperatorOption[];
}

export interface WhereOp extends OpBase { kind: 'Where'; predicate: Expr; }
export interface ExtendOp extends OpBase { kind: 'Extend'; items: NamedExpr[]; }
export interface ProjectOp extends OpBase { kind: 'Project'; items: NamedExpr[]; }
export interface ProjectAwayOp extends OpBase { kind: 'ProjectAway'; columns: ColumnPattern[]; }
export interface ProjectKeepOp extends OpBase { kind: 'ProjectKeep'; columns: ColumnPattern[]; }
export interface ProjectRenameOp extends OpBase {
  kind: 'ProjectRename';
  items: { start: number; end: number; newName: Ident; oldName: Ident }[];
}
export interface ProjectReorderOp extends OpBase { kind: 'ProjectReorder'; columns: ColumnPattern[]; }

export interface SummarizeOp extends OpBase {
  kind: 'Summarize';
  aggregates: NamedExpr[];
  by: NamedExpr[];
}

export interface CountOp extends OpBase { kind: 'Count'; asName?: Ident; }
/** `distinct *` has `star: true` and no items. */
export interface DistinctOp extends OpBase { kind: 'Distinct'; star: boolean; items: Expr[]; }
/** take / limit. */
export interface TakeOp extends OpBase { kind: 'Take'; count: Expr; }
export interface TopOp extends OpBase { kind: 'Top'; count: Expr; by: SortKey; }

export interface TopNestedClause extends Node {
  kind: 'TopNestedClause';
  count?: Expr;
  of: NamedExpr;
  withOthers?: Expr;
  by: NamedExpr;
  direction?: 'asc' | 'desc';
}
export interface TopNestedOp extends OpBase { kind: 'TopNested'; clauses: TopNestedClause[]; }
export interface TopHittersOp extends OpBase { kind: 'TopHitters'; count: Expr; of: Expr; by?: Expr; }

/** sort / order. */
export interface SortOp extends OpBase { kind: 'Sort'; keys: SortKey[]; }
export interface SampleOp extends OpBase { kind: 'Sample'; count: Expr; }
export interface SampleDistinctOp extends OpBase { kind: 'SampleDistinct'; count: Expr; of: Expr; }

/**
 * join: `on` holds either bare column names (NameRef), `$left.a == $right.b` comparisons
 * (Binary with Member operands) or `and`-ed combinations of those.
 * `where` is the newer `join ... on ... where` filter? Not in ADX; kept undefined.
 */
export interface JoinOp extends OpBase {
  kind: 'Join';
  right: Expr;
  on: Expr[];
  /** `join ... where predicate` (the cross-cluster form Microsoft's parser accepts instead of `on`). */
  where?: Expr;
}
export interface LookupOp extends OpBase { kind: 'Lookup'; right: Expr; on: Expr[]; }
/** union: tables are NameRefs (possibly with wildcards in `name`), calls, or parenthesised pipelines. */
export interface UnionOp extends OpBase { kind: 'Union'; tables: Expr[]; }
export interface AsOp extends OpBase { kind: 'As'; name: Ident; }
export interface GetSchemaOp extends OpBase { kind: 'GetSchema'; }
export interface SerializeOp extends OpBase { kind: 'Serialize'; items: NamedExpr[]; }

export interface MvExpandItem extends Node {
  kind: 'MvExpandItem';
  item: NamedExpr;
  /** `to typeof(T)` */
  toType?: ScalarTypeRef;
}
/** mv-expand / mvexpand: options carry bagexpansion, with_itemindex, kind. */
export interface MvExpandOp extends OpBase { kind: 'MvExpand'; items: MvExpandItem[]; limit?: Expr; }
export interface MvApplyOp extends OpBase {
  kind: 'MvApply';
  items: MvExpandItem[];
  limit?: Expr;
  /** `on ( subquery )`: the subquery's implicit input is the expanded row set. */
  subquery: Expr;
}

/**
 * parse / parse-where. Pattern elements alternate between string literals and column
 * declarations; `*` skips text.
 */
export interface ParsePatternElement extends Node {
  kind: 'ParsePatternElement';
  literal?: string;
  column?: Ident;
  type?: ScalarTypeRef;
  star?: boolean;
}
export interface ParseOp extends OpBase {
  kind: 'Parse';
  /** `parse` or `parse-where`. */
  where: boolean;
  source: Expr;
  pattern: ParsePatternElement[];
  /** flags=... for kind=regex */
  flags?: string;
}
export interface ParseKvOp extends OpBase {
  kind: 'ParseKv';
  source: Expr;
  columns: ColumnDecl[];
  /** with (pair_delimiter=..., kv_delimiter=..., quote=..., escape=..., greedy=...) */
  withProps: OperatorOption[];
}

export interface MakeSeriesAggregate extends Node {
  kind: 'MakeSeriesAggregate';
  item: NamedExpr;
  defaultValue?: Expr;
}
export interface MakeSeriesOp extends OpBase {
  kind: 'MakeSeries';
  aggregates: MakeSeriesAggregate[];
  on: Expr;
  /** `from a to b step c` (from/to optional) */
  from?: Expr;
  to?: Expr;
  step?: Expr;
  /** `in range(start, stop, step)` */
  inRange?: { start: Expr; stop: Expr; step: Expr };
  by: NamedExpr[];
}

export interface RenderOp extends OpBase {
  kind: 'Render';
  chartType: Ident;
  /** `with (title='x', kind=stacked, ...)` */
  withProps: OperatorOption[];
}
export interface EvaluateOp extends OpBase {
  kind: 'Evaluate';
  plugin: CallExpr;
  /** `evaluate plugin(...) : (a:string, b:long)`: the declared output schema. */
  outputSchema?: ColumnDecl[];
  /** `: (*, a:string)`: the output keeps every input column, plus the declared ones. */
  outputSchemaWildcard?: boolean;
}
export interface InvokeOp extends OpBase { kind: 'Invoke'; call: CallExpr; }
export interface FacetOp extends OpBase { kind: 'Facet'; columns: Ident[]; withOp?: Expr; }
export interface ForkOp extends OpBase {
  kind: 'Fork';
  branches: { start: number; end: number; name?: Ident; query: Expr }[];
}
export interface PartitionOp extends OpBase { kind: 'Partition'; by: Ident; subquery: Expr; }
export interface ConsumeOp extends OpBase { kind: 'Consume'; }

export interface ScanStep extends Node {
  kind: 'ScanStep';
  name: Ident;
  optional: boolean;
  /** `output = all | last | none`; absent means all (the docs' default). */
  output?: 'all' | 'last' | 'none';
  condition: Expr;
  assignments: NamedExpr[];
}
export interface ScanOp extends OpBase {
  kind: 'Scan';
  declare: ColumnDecl[];
  declareDefaults: (Expr | undefined)[];
  orderBy?: SortKey[];
  partitionBy?: Expr[];
  steps: ScanStep[];
}

/** search [kind=...] [in (T1, T2)] predicate */
export interface SearchOp extends OpBase { kind: 'Search'; tables: Expr[]; predicate: Expr; }
export interface FindOp extends OpBase {
  kind: 'Find';
  tables: Expr[];
  predicate: Expr;
  /** project-smart / project a, b / project-away ... ; kept as raw items */
  project?: { mode: string; items: Expr[] };
}
export interface PrintOp extends OpBase { kind: 'Print'; items: NamedExpr[]; }
export interface RangeOp extends OpBase { kind: 'Range'; column: Ident; from: Expr; to: Expr; step: Expr; }
export interface DatatableOp extends OpBase { kind: 'Datatable'; columns: ColumnDecl[]; values: Expr[]; }
export interface ExternalDataOp extends OpBase {
  kind: 'ExternalData';
  columns: ColumnDecl[];
  uris: Expr[];
  withProps: OperatorOption[];
}
export interface ReduceOp extends OpBase { kind: 'Reduce'; by: Expr; withProps: OperatorOption[]; }

/**
 * Operators parsed for completeness but with no dedicated node yet (graph operators,
 * macro-expand, assert-schema, ...). `parts` keeps the parsed pieces in order so the
 * checker can still bind names inside them.
 */
export interface GenericOp extends OpBase {
  kind: 'Generic';
  parts: Expr[];
}

// ───────────────────────────── diagnostics ─────────────────────────────

export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable code, e.g. KQL001 syntax, KQL100 unknown column. See docs/diagnostics.md. */
  code: string;
  message: string;
  start: number;
  end: number;
}
