// The checker: result schemas match Microsoft's parser construct by construct, and each
// diagnostic fires where ADX would reject the query, and only there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../src/kql/syntax/parser.js';
import { check, type CheckEnvironment, type CheckResult } from '../../src/kql/semantics/checker.js';
import { CODES } from '../../src/kql/semantics/diagnostics.js';
import { uniqueColumnName, extendColumnNames } from '../../src/kql/semantics/naming.js';
import { loadOracle } from '../util/oracle.js';
import { oracleAnalyze } from '../oracle/schema-diff.js';
import { SCHEMA_CASES, tinyEnvironment, tinyOracleGlobals } from './oracle-cases.js';
import { item, lit } from './ast-builders.js';

function run(text: string, env: CheckEnvironment = tinyEnvironment()): CheckResult & { text: string } {
  const parsed = parse(text);
  assert.deepEqual(parsed.diagnostics.map((d) => d.message), [], `syntax errors in: ${text}`);
  return { ...check(parsed.query, env), text };
}

function errorsOf(r: CheckResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

function schemaOf(r: CheckResult): string {
  return (r.resultSchema?.columns ?? []).map((c) => `${c.name}:${c.type}`).join(', ');
}

test('result schemas match the oracle for every construct case', () => {
  const K = loadOracle();
  const globals = tinyOracleGlobals(K);
  const failures: string[] = [];
  for (const q of SCHEMA_CASES) {
    const oracle = oracleAnalyze(K, globals, q);
    const ours = run(q);
    const expected = (oracle.columns ?? []).map((c) => `${c.name}:${c.type}`).join(', ');
    if (oracle.errors.length > 0) failures.push(`${q}: the oracle reports ${oracle.errors[0]}`);
    else if (errorsOf(ours).length > 0) failures.push(`${q}: we report ${ours.diagnostics[0]!.message}`);
    else if (schemaOf(ours) !== expected) failures.push(`${q}\n   ours:   ${schemaOf(ours)}\n   oracle: ${expected}`);
  }
  assert.deepEqual(failures, []);
});

/** Query, expected error codes (in order), and optionally text the first message must contain. */
const DIAGNOSTIC_CASES: [string, string[], string?][] = [
  ['T | where TimeGenerate > ago(1d)', [CODES.unknownColumn], "did you mean 'TimeGenerated'"],
  ['Tx | take 1', [CODES.unknownTable], "did you mean 'T'"],
  ['T | extend z = no_such_function(a)', [CODES.unknownFunction]],
  ['T | extend z = strlen(s, s)', [CODES.argumentCount], "'strlen' expects 1 argument"],
  ['T | extend z = strlen(a)', [CODES.argumentType]],
  ['T | summarize count() by s | where count() > 1', [CODES.aggregateOutsideSummarize], 'count()'],
  ['T | extend c = sum(a)', [CODES.aggregateOutsideSummarize]],
  ['T | summarize s', [CODES.notAnAggregate]],
  ['T | extend z = s + 1', [CODES.operatorTypes], "'+' cannot be applied to string and long"],
  ['T | where TimeGenerated > 1h', [CODES.operatorTypes]],
  ['T | where a has "x"', [CODES.operatorTypes]],
  ['T | where a in~ ("1")', [CODES.operatorTypes]],
  ['T | where a', [CODES.predicateNotBool], 'bool'],
  ['T | summarize count() by d', [CODES.dynamicGroupKey]],
  ['T | project a, a', [CODES.duplicateColumn]],
  ['T | summarize a = count() by a', [CODES.duplicateColumn]],
  ['union T, Nope', [CODES.unknownTable]],
  ['T | evaluate no_such_plugin()', [CODES.unknownPlugin]],
  ['let x = 1; x | take 1', [CODES.expectedTabular]],
  ['T | join U on $left.a == $right.nope', [CODES.unknownColumn], 'right side'],
  ['T | join U on zz', [CODES.unknownColumn, CODES.unknownColumn]],
  ['T | join U on s', [CODES.joinKeyTypes], 'string on the left, int on the right'],
  ['T | join (U | extend a = toint(a)) on a', [CODES.joinKeyTypes]],
  ['T | join (U | extend g = toguid(y)) on $left.s == $right.g', [CODES.joinKeyTypes]],
  ['T | join U on $left.a == $right.s', []],
  ['T | join U on $right.a == $left.a', [CODES.joinCondition]],
  ['T | extend z = s.x', [CODES.notDynamic]],
  ['T | extend z = a[0]', [CODES.notDynamic]],
  ['T | extend z = d.x.y[0], w = parse_json(s).k', []],
  ['T | project-away nope', [CODES.unknownColumn]],
  ['T | project-rename b = nope', [CODES.unknownColumn]],
  ['let f = (n:long) { T | take n }; f()', [CODES.argumentCount]],
  // valid queries: no errors at all
  ['T | where a > 1 and s has "x" and TimeGenerated > ago(1d) | extend z = strlen(s)', []],
  ['union isfuzzy=true T, Nope', []],
  ['union isfuzzy=true (Nope | where a > 1), (T | project a)', []],
  ['T | evaluate bag_unpack(d) | where anything > 1 | project anything, a', []],
  ['let percentile = 95; T | summarize percentile(a, percentile)', []],
  ['let starttime = 1d; let T2 = T | where TimeGenerated > ago(starttime); T2 | join (T2) on a', []],
  ['let f = (t:(*), k:long) { t | where a > k }; f(T, 3) | project s', []],
  ['let g = () { T | project a }; g | extend b = a', []],
  ['T | mv-apply e = d on (where e > 1 | project e, a)', []],
  ['T | where a == toscalar(U | summarize max(a))', []],
  ['T | where s in ((U | project y)) and a !in (1, 2)', []],
  ['declare query_parameters(p:long = 3); T | where a > p', []],
  ['T | extend b = 1, c = b + 1', []],
  ['T | summarize arg_max(TimeGenerated, *), d2 = make_set(s) by a | extend z = d2', []],
  ['T | extend r = iff(a > 1, "x", "y") | where r == "x" | render timechart', []],
  ['T | where s matches regex "^a" | parse s with * "=" v:int | where v > 1', []],
  ['T | make-series n = count() on TimeGenerated step 1h by s | extend (anomalies, score, baseline) = series_decompose_anomalies(n)', []],
];

for (const [q, codes, text] of DIAGNOSTIC_CASES) {
  test(`diagnostics: ${q}`, () => {
    const r = run(q);
    assert.deepEqual(errorsOf(r), codes, r.diagnostics.map((d) => d.message).join('; '));
    const first = r.diagnostics.find((d) => d.severity === 'error');
    if (text !== undefined) assert.ok(first !== undefined && first.message.includes(text), first?.message);
    for (const d of r.diagnostics) {
      assert.ok(d.start >= 0 && d.end >= d.start && d.end <= q.length, `range ${d.start}-${d.end} inside the query`);
    }
  });
}

test('diagnostics point at the offending text', () => {
  const r = run('T | where Bytes > 1 | summarize count() by s | where count() > 10');
  const [unknown, aggregate] = r.diagnostics;
  assert.equal(r.text.slice(unknown!.start, unknown!.end), 'Bytes');
  assert.equal(r.text.slice(aggregate!.start, aggregate!.end), 'count()');
});

test('union isfuzzy=true reports a missing table as a warning and drops the leg', () => {
  const r = run('union isfuzzy=true (Nope | project q), T');
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code]), [['warning', CODES.fuzzyUnionMissingTable]]);
  assert.equal(schemaOf(r), 'a:long, s:string, d:dynamic, TimeGenerated:datetime, x:real');
  // The missing leg's columns are unknown, not absent.
  assert.equal(r.resultSchema?.open, true);
  assert.deepEqual(errorsOf(run('union isfuzzy=true (Nope | where a > 1) | project q')), []);
});

test('open schemas: bag_unpack and unknown plugins accept any later column', () => {
  const r = run('T | evaluate bag_unpack(d) | summarize count() by Whatever');
  assert.deepEqual(errorsOf(r), []);
  assert.equal(r.resultSchema?.columns[0]?.name, 'Whatever');
  assert.equal(r.resultSchema?.columns[0]?.type, 'unknown');
  assert.equal(r.schema?.[0]?.type, 'dynamic');
});

test('stored functions are callable with and without arguments', () => {
  const env: CheckEnvironment = {
    ...tinyEnvironment(),
    functions: new Map([['_Im_Dns', {
      name: '_Im_Dns',
      params: [{ name: 'starttime', type: 'datetime', optional: true }],
      resultColumns: [{ name: 'DnsQuery', type: 'string' }, { name: 'SrcIpAddr', type: 'string' }],
    }]]),
  };
  for (const q of ['_Im_Dns | project DnsQuery', '_Im_Dns(starttime=ago(1d)) | project DnsQuery', '_Im_Dns(ago(1d)) | project DnsQuery']) {
    const r = run(q, env);
    assert.deepEqual(errorsOf(r), [], q);
    assert.equal(schemaOf(r), 'DnsQuery:string');
  }
  assert.deepEqual(errorsOf(run('_Im_Dns | project Nope', env)), [CODES.unknownColumn]);
});

test('_GetWatchlist returns the watchlist columns and is open for the list\'s own columns', () => {
  const r = run("_GetWatchlist('HighValue') | project SearchKey, LastUpdatedTimeUTC, Ip = tostring(WatchlistItem.Ip), OwnColumn");
  assert.deepEqual(errorsOf(r), []);
  assert.equal(schemaOf(r), 'SearchKey:string, LastUpdatedTimeUTC:datetime, Ip:string, OwnColumn:unknown');
});

test('query parameters from the environment bind as scalars', () => {
  const env: CheckEnvironment = { ...tinyEnvironment(), parameters: new Map([['threshold', 'long' as const]]) };
  assert.deepEqual(errorsOf(run('T | where a > threshold', env)), []);
  assert.deepEqual(errorsOf(run('T | where a > threshold')), [CODES.unknownColumn]);
});

test('let bindings: inner scopes shadow outer ones, function bodies see their own parameters', () => {
  const r = run('let a2 = "x"; let f = (a2:long) { a2 * 2 }; T | extend z = f(a), w = a2');
  assert.deepEqual(errorsOf(r), []);
  assert.equal(r.resultSchema?.columns.find((c) => c.name === 'z')?.type, 'long');
  assert.equal(r.resultSchema?.columns.find((c) => c.name === 'w')?.type, 'string');
});

test('every visited expression gets a type', () => {
  const r = run('T | extend z = a * 2.5, w = strcat(s, "x"), t = TimeGenerated - ago(1h)');
  const byText = new Map([...r.types].map(([e, t]) => [r.text.slice(e.start, e.end), t]));
  assert.equal(byText.get('a * 2.5'), 'real');
  assert.equal(byText.get('strcat(s, "x")'), 'string');
  assert.equal(byText.get('TimeGenerated - ago(1h)'), 'timespan');
  assert.equal(byText.get('2.5'), 'real');
});

test('property: clash renaming never returns a taken name and keeps the base as prefix', () => {
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 6 }), fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 20 }), (base, takenList) => {
    const taken = new Set(takenList);
    const n = uniqueColumnName(base, taken);
    return !taken.has(n) && n.startsWith(base) && (taken.has(base) || n === base);
  }));
});

test('property: unnamed extend items get distinct names that never clash with the input', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.constantFrom('Column1', 'Column2', 'Column3', 'a', 'b'), { maxLength: 5 }), fc.integer({ min: 1, max: 6 }), (input, count) => {
    const names = extendColumnNames(Array.from({ length: count }, () => item(lit('long', 1))), input).map((n) => n[0]!);
    return new Set(names).size === names.length && names.every((n) => !(input as string[]).includes(n));
  }));
});
