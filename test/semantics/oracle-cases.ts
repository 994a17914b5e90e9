// Small queries over two tiny tables, each exercising one construct, whose result schema the
// checker must compute exactly as Microsoft's parser does. Used by checker.test.ts.
import type { CheckEnvironment } from '../../src/kql/semantics/checker.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import type { TableSchema } from '../../src/kql/types.js';
import type { KustoLanguage } from '../util/oracle.js';

export const TINY_TABLES: Record<string, TableSchema> = {
  T: [
    { name: 'a', type: 'long' }, { name: 's', type: 'string' }, { name: 'd', type: 'dynamic' },
    { name: 'TimeGenerated', type: 'datetime' }, { name: 'x', type: 'real' },
  ],
  U: [
    { name: 'a', type: 'long' }, { name: 's', type: 'int' }, { name: 'y', type: 'string' }, { name: 'TimeGenerated', type: 'datetime' },
  ],
};

export function tinyEnvironment(): CheckEnvironment {
  return { tables: new Map(Object.entries(TINY_TABLES)), registry: builtinFunctions() };
}

const ORACLE_TYPES: Record<string, string> = {
  bool: 'Bool', int: 'Int', long: 'Long', real: 'Real', decimal: 'Decimal', string: 'String',
  datetime: 'DateTime', timespan: 'TimeSpan', guid: 'Guid', dynamic: 'Dynamic',
};

export function tinyOracleGlobals(K: KustoLanguage): unknown {
  const S = K.Symbols;
  const tables = Object.entries(TINY_TABLES).map(([name, cols]) =>
    new S.TableSymbol.$ctor4(name, cols.map((c) => new S.ColumnSymbol(c.name, S.ScalarTypes[ORACLE_TYPES[c.type]!]))));
  return K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('db', tables));
}

export const SCHEMA_CASES: string[] = [
  // extend / project naming and typing
  'T | extend a+1, tostring(a), s, d.x, d["y"], bin(TimeGenerated, 1h), a*2',
  'T | project a+1, tostring(a), s, d.x, d["y"], bin(TimeGenerated, 1h), 5',
  'T | project a1=a, tostring(a), a',
  'T | extend strlen(s), toupper(s), column_ifexists("s", ""), column_ifexists("zz", 1)',
  'T | extend r = a / 2, q = x * 2, t = now() - TimeGenerated, u = TimeGenerated + 1h, v = 1h / 2, w = 1h * 3',
  'T | extend b = a > 1 and s has "x", c = iff(a > 1, 1, 2.0), e = case(a > 1, "x", a > 2, "y", "z")',
  'T | extend b = toint(a) + toint(1), c = -a, e = d.x.y, f = d[0], g = tostring(d.x) == "1"',
  'T | project series_stats(d), series_fit_line(d)',
  'T | extend (m1, m2) = series_fit_line(d)',
  // summarize
  'T | summarize count(), sum(a), dcount(s), avg(x), max(TimeGenerated), countif(a > 1), make_set(s), percentiles(a, 50, 95), arg_max(TimeGenerated, a) by bin(TimeGenerated, 1h), tostring(d.x), s',
  'T | summarize arg_max(TimeGenerated, *) by s',
  'T | summarize arg_max(TimeGenerated, *), arg_min(a, *) by s',
  'T | summarize arg_max(a, *) by bin(TimeGenerated, 1h)',
  'T | summarize arg_max(a, *) by X = s',
  'T | summarize arg_max(a, *) by s = tostring(d)',
  'T | summarize arg_max(a, *) by tostring(s)',
  'T | summarize arg_min(TimeGenerated, *) by a, tostring(d)',
  'T | summarize take_any(s, a), any(x), make_list(s, 10), stdev(x), sum(x) by a',
  'T | summarize sum(a) * 2, count() by a + 1',
  'T | summarize tostring(make_set(s)) by a',
  'T | summarize by bin(B = TimeGenerated, 1d)',
  'T | summarize n = count() by s | where n > 1 | top 3 by n',
  // other operators
  'T | count', 'T | count as N', 'T | distinct s, a', 'T | project-away d | distinct *', 'T | take 5 | sort by a desc | serialize rn = row_number()',
  'T | project-away s, d* | project-rename b = a | project-reorder x, b',
  'T | project-keep a, T*',
  'T | make-series n = count(), sum(a) default = 0 on TimeGenerated from ago(1d) to now() step 1h by s',
  'T | top-nested 3 of s by sum(a), top-nested 2 of tostring(d.x) by count()',
  'T | mv-expand with_itemindex = i d',
  'T | mv-expand d to typeof(string), e = d.y',
  'T | mv-apply e = d on (summarize count())',
  'T | mv-apply d on (top 1 by tolong(d))',
  'T | parse s with "a" v:long "b" w',
  'T | parse-kv s as (k1:string, k2:long) with (pair_delimiter=",", kv_delimiter="=")',
  'T | join U on a',
  'T | join kind=leftouter U on a',
  'T | join kind=leftanti U on a',
  'T | join kind=rightsemi U on a',
  'T | join (U | extend a1 = 1) on $left.a == $right.a',
  'T | lookup U on a',
  'T | lookup (U | project a, y, s2 = s) on $left.s == $right.y',
  'union T, U',
  'union withsource = Src T, U',
  'union (T | project TenantId = tostring(s)), (U | project TenantId = toguid(y))',
  'T | union U',
  'print 1, "x", a = 2, now()',
  'range i from 1 to 10 step 1',
  'range t from ago(1d) to now() step 1h',
  'datatable(a:long, b:string)[1, "x"]',
  'T | getschema',
  'T | summarize count() by a | as X | join (X) on a',
  'let f = (t:(a:long)) { t | summarize count() by a }; f(T)',
  'let f = (n:long) { T | take n }; f(3)',
  'let g = (k:long) { k * 2 }; T | extend z = g(a)',
  'let X = T | where a > 1; X | join (X | project a, z = s) on a',
  'let m = materialize(T | summarize c = count() by s); m | join (m) on s',
  'let v = toscalar(T | summarize max(a)); T | where a == v | extend v',
  'T | top-hitters 3 of s by a',
  'T | sample 3 | sample-distinct 2 of s',
  'T | evaluate narrow()',
  'T | where s in ((U | project y)) | extend n = strcat(s, "x")',
  // find
  'find in (T, U) where a > 1 project a, s, y',
  'find in (T, U) where a > 1',
  'find withsource=Src in (T, U) where a > 1 project a',
  // functions and mixed pipelines
  "T | summarize make_list(s) by a | mv-expand list_s",
  "T | extend p = parse_json(s) | evaluate bag_unpack(p) | project a",
  "T | project-away a | project-rename x2 = x",
  "let T2 = datatable(k:string, v:long)[\"a\", 1]; T | lookup T2 on $left.s == $right.k",
  "T | where s has_any (\"a\", \"b\") | extend i = indexof(s, \"x\")",
  "T | extend h = hash_sha256(s), u = parse_url(s), b = base64_decode_tostring(s)",
  "T | extend dt = datetime_diff(\"second\", now(), TimeGenerated), m = monthofyear(TimeGenerated)",
  "T | summarize percentiles(x, 5, 95), stdevif(x, a > 1), arg_min(a, s) by s2 = strcat(s, \"x\")",
  "T | join kind=fullouter U on a",
  "T | make-series avg(x) on TimeGenerated in range(ago(7d), now(), 1d)",
  "range x from 1 to 3 step 1 | extend y = x * 1.5, z = tostring(x)",
  "print x = 1, y = \"a\" | union (print x = 2)",
  "T | extend ipv4_is_private(s), todatetime(s), totimespan(s)",
  "T | summarize count() by tostring(d.x), tostring(d.y)",
  "T | summarize dcountif(s, a > 1), sumif(x, a > 1) by bin(TimeGenerated, 1d)",
  "T | top 3 by a | project a, rank = row_number()",
  "T | extend z = case(a > 1, 1, 2)",
  "T | project a, iif(a > 1, \"x\", \"y\")",
  "T | extend ip = extract(@\"(\\d+)\", 1, s) | extend ipl = tolong(ip)",
  "T | extend z = strcat_array(split(s, \",\"), \";\"), w = array_length(d), v = bag_keys(d)",
  "T | extend t = format_datetime(TimeGenerated, \"yyyy-MM-dd\"), u = startofday(TimeGenerated), v = dayofweek(TimeGenerated)",
  "T | extend y = round(x, 2), z = abs(a), w = log10(x), q = pow(x, 2), r = sqrt(a)",
  "T | summarize any(s), min(TimeGenerated), max(x), avg(a), sum(toint(a)) by a",
  "T | summarize count() by a | extend p = 100.0 * count_ / toscalar(T | count)",
  "T | extend n = coalesce(s, \"x\"), m = isempty(s), k = isnull(a), j = not(a > 1)",
  "T | extend g = geo_point_to_s2cell(x, x), ipr = ipv4_is_in_range(s, \"10.0.0.0/8\")",
  "T | mv-expand d | extend k = tostring(d.k) | summarize make_set(k) by a",
  "T | extend r = replace_string(s, \"a\", \"b\"), q = replace_regex(s, \"a\", \"b\"), t = trim(\" \", s)",
  "T | extend l = toupper(s), c = countof(s, \"a\"), ss = substring(s, 1, 2), sp = split(s, \".\")",
  "T | extend x1 = x / 0, a1 = a % 3, a2 = a / 2.0, a3 = a * 1.0",
  "T | where TimeGenerated > datetime(2020-01-01) and TimeGenerated < now() - 1d",
  "T | summarize arg_max(TimeGenerated, s, a) by x",
  "T | summarize (t, v) = arg_max(TimeGenerated, s) by a",
  "T | summarize c = count() by bin(TimeGenerated, 1h), s | summarize avg(c) by s",
];
