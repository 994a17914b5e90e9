// Word classes the parser needs. ADX keywords are mostly contextual; these sets record where
// a keyword cannot stand as a plain name (as observed from Microsoft's parser), so that our
// verdicts on malformed queries match ADX's.

function words(text: string): ReadonlySet<string> {
  return new Set(text.trim().split(/\s+/));
}

/** Words that cannot be used unbracketed as a name reference (column, table, let name, member). */
export const RESERVED_REFERENCE_NAMES = words(`
  accumulate and anomalychart areachart as asc bagexpansion barchart between bin_legacy by card
  columnchart contains containscs contains_cs datascope datatable decodeblocks desc endswith
  endswith_cs expandoutput externaldata external_data find first flags has has_all has_any has_cs
  hasprefix hasprefix_cs hassuffix hassuffix_cs hotcache in invoke isfuzzy ladderchart last like
  likecs linechart materialize nooptimization notcontains notcontainscs notlike notlikecs of or
  others piechart pivotchart print project relaxed sample scatterchart search set simple
  stackedareachart startswith startswith_cs timechart timeline timepivot title to toscalar totable
  treemap union where with_itemindex with_match_id boolean int8 char uint8 byte int16 uint16 int
  uint int32 uint32 long int64 ulong uint64 float real double string time timespan date datetime
  uniqueid dynamic decimal
  project-away project-keep project-rename project-reorder project-smart mv-expand mv-apply
  make-series make-graph parse-where parse-kv sample-distinct top-nested top-hitters macro-expand
  graph-match graph-merge graph-to-table graph-shortest-paths graph-mark-components assert-schema
`);

/** Reserved words that may still be called as functions: `toscalar(...)`. (`materialize` only as a let value.) */
export const CALLABLE_RESERVED = words('toscalar totable');

/** Words that cannot be used unbracketed as a declared name (`extend X = ...`, parameters). */
export const RESERVED_DECLARED_NAMES = words(`
  and anomalychart areachart asc bagexpansion barchart between bin_legacy card columnchart
  containscs contains_cs datascope decodeblocks desc endswith endswith_cs expandoutput
  external_data first flags has_all has_any has_cs hasprefix hasprefix_cs hassuffix hassuffix_cs
  hotcache isfuzzy kind ladderchart last like likecs linechart nooptimization notcontains
  notcontainscs notlike notlikecs or others piechart pivotchart project relaxed scatterchart simple
  stackedareachart startswith startswith_cs timechart timeline timepivot treemap union withsource
  with_itemindex with_match_id with_source boolean int8 char uint8 byte int16 uint16 int uint int32
  uint32 long int64 ulong uint64 float real double string time timespan date datetime uniqueid
  dynamic decimal true false
  project-away project-keep project-rename project-reorder project-smart mv-expand mv-apply
  make-series make-graph parse-where parse-kv sample-distinct top-nested top-hitters macro-expand
`);

/** Binary string operators (one level, tighter than `*`), as the lexer spells them. */
export const STRING_OPERATORS = words(`
  =~ !~ has !has has_cs !has_cs hasprefix !hasprefix hasprefix_cs !hasprefix_cs hassuffix
  !hassuffix hassuffix_cs !hassuffix_cs contains !contains contains_cs !contains_cs containscs
  notcontains notcontainscs startswith !startswith startswith_cs !startswith_cs endswith !endswith
  endswith_cs !endswith_cs like notlike likecs notlikecs
`);

/** List membership operators: `x in (a, b)`. */
export const LIST_OPERATORS = words('in !in in~ !in~ has_any has_all');

/** Operator parameters (`kind=inner`, `hint.strategy=shuffle`) accepted before an operator's body. */
export const OPERATOR_PARAMETERS = words(`
  bagexpansion bin_legacy decodeblocks expandoutput isfuzzy kind with_itemindex with_match_id
  with_step_name withsource with_source datascope __crossCluster __crossDB __id __isFuzzy
  __noWithSource __packedColumn __sourceColumnIndex
`);

/** Operators that can start a pipeline on their own (no input table). */
export const SOURCE_OPERATORS = words('print datatable externaldata external_data union search find evaluate range');

/** The spellings of the boolean literals ADX accepts. */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true, false: false, TRUE: true, FALSE: false, True: true, False: false,
};
