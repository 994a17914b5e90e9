// The remaining tabular operators, with expected rows from the Kusto docs examples where the
// docs give them, and small hand-checked tables otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NotSupportedError } from '../../src/kql/types.js';
import { Compiler } from '../../src/kql/exec/compiler.js';
import { ExecContext } from '../../src/kql/exec/context.js';
import { collect } from '../../src/kql/exec/relation.js';
import { Scope } from '../../src/kql/exec/scope.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import { parse } from '../../src/kql/syntax/parser.js';
import { NOW, q, rows, run, table } from './helpers.js';

const S = table('State:string, Source:string, Damage:long', [
  ['TX', 'Radar', 10], ['TX', 'Radar', 5], ['TX', 'Public', 1], ['TX', 'Spotter', 7],
  ['KS', 'Radar', 3], ['KS', 'Public', 20], ['KS', 'Public', 1],
  ['OK', 'Radar', 2], ['OK', 'Spotter', 9],
  ['NE', 'Radar', 4],
]);

const MV_DATA = 'let _data = range x from 1 to 8 step 1 | summarize l=make_list(x) by xMod2 = x % 2; _data ';

test('mv-apply: top per row and summarize per row (docs examples)', () => {
  assert.deepEqual(q(MV_DATA + '| mv-apply element=l to typeof(long) on (top 2 by element)'), [
    'xMod2:long, l:dynamic, element:long',
    [[1, [1, 3, 5, 7], 7], [1, [1, 3, 5, 7], 5], [0, [2, 4, 6, 8], 8], [0, [2, 4, 6, 8], 6]],
  ]);
  assert.deepEqual(q(MV_DATA + '| mv-apply l to typeof(long) on (summarize result = sum(l))'), [
    'xMod2:long, result:long', [[1, 16], [0, 20]],
  ]);
  // Several arrays in parallel, an item index, and a row limit.
  assert.deepEqual(q('print a = dynamic([1, 2, 3]), b = dynamic(["x", "y"]) | mv-apply with_itemindex=i a to typeof(long), b to typeof(string) limit 2 on (where a > 1)'), [
    'a:long, b:string, i:long', [[2, 'y', 1]],
  ]);
  // The subquery sees the row's other columns; rows whose subquery returns nothing vanish.
  assert.deepEqual(q('print k = 10, v = dynamic([1, 20]) | mv-apply v to typeof(long) on (where v > k | extend d = v - k)')[1], [[10, 20, 10]]);
});

test('parse-kv: delimiters, quotes, greedy, no delimiters, regex (docs examples)', () => {
  assert.deepEqual(q('print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info" | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=",", kv_delimiter=":") | project-away str'), [
    'Text:string, ThreadId:long, Machine:string', [['The service is up', 458745723, 'Node001']],
  ]);
  assert.deepEqual(q(`print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54' | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"') | project-away str`), [
    'event time:datetime, src:string, dst:string, bytes:long, failure:string',
    [['2021-01-01T10:00:54.0000000Z', '10.1.1.123', '10.1.1.124', 125, 'connection aborted']],
  ]);
  assert.deepEqual(q(`print str=@'name=(John Doe) phone=555 5555 city="New York"' | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', quote='()', quote='"') | project-away str`)[1], [
    ['John Doe', '555', 'New York'],
  ]);
  assert.deepEqual(q(`print str=@'src=10.1.1.123 "msg"="a \\"quoted\\" word"' | parse-kv str as (src:string, msg:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape=@'\\') | project-away str`)[1], [
    ['10.1.1.123', 'a "quoted" word'],
  ]);
  assert.deepEqual(q(`print str='name=John Doe phone=555 5555 city=New York' | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true) | project-away str`)[1], [
    ['John Doe', '555 5555', 'New York'],
  ]);
  assert.deepEqual(q('print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started" | parse-kv str as (Text: string, ThreadId:long, Machine: string) | project-away str')[1], [
    ['Started', 458745723, 'Node001'],
  ]);
  assert.deepEqual(q(`print str='a=1 b=x a=2' | parse-kv str as (a:long, b:string, c:long, d:string) with (regex=@'(\\w+)=(\\S+)') | project-away str`)[1], [
    [1, 'x', null, ''],
  ]);
  assert.throws(() => run(`print str='' | parse-kv str as (a:long) with (regex=@'(\\w+)')`), /exactly two capturing groups/);
  assert.throws(() => run(`print str='' | parse-kv str as (a:long) with (pair_delimiter=' ')`), /both pair_delimiter and kv_delimiter/);
});

test('top-nested: levels, others rows, asc order, column naming', () => {
  assert.deepEqual(q('S | top-nested 2 of State by sum(Damage), top-nested 1 of Source by sum(Damage)', { S }), [
    'State:string, aggregated_State:long, Source:string, aggregated_Source:long',
    [['KS', 24, 'Public', 21], ['TX', 23, 'Radar', 15]],
  ]);
  assert.deepEqual(q(`S | top-nested 2 of State with others='Other' by sum(Damage), top-nested 1 of Source with others='Other src' by count()`, { S })[1], [
    ['KS', 24, 'Public', 2], ['KS', 24, 'Other src', 1],
    ['TX', 23, 'Radar', 2], ['TX', 23, 'Other src', 2],
    ['Other', 15, '', null],
  ]);
  assert.deepEqual(q('S | top-nested of State by max(Damage) asc', { S })[1], [['NE', 4], ['OK', 9], ['TX', 10], ['KS', 20]]);
  assert.deepEqual(q('S | top-nested 1 of L = strlen(Source) by avg(Damage)', { S }), ['L:long, aggregated_L:real', [[7, 8]]]);
});

test('top-hitters counts or sums, highest first', () => {
  assert.deepEqual(q('S | top-hitters 2 of State', { S }), ['State:string, approximate_count_State:long', [['TX', 4], ['KS', 3]]]);
  assert.deepEqual(q('S | top-hitters 2 of State by Damage', { S }), ['State:string, approximate_sum_Damage:long', [['KS', 24], ['TX', 23]]]);
  // top-hitters serializes its output.
  assert.deepEqual(q('S | top-hitters 3 of Source | extend rn = row_number()', { S })[1], [['Radar', 5, 1], ['Public', 3, 2], ['Spotter', 2, 3]]);
});

test('sample and sample-distinct return the requested number of input rows/values', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 12 }), (n) => {
    const sampled = rows(run(`S | sample ${n}`, { S }));
    assert.equal(sampled.length, Math.min(n, 10));
    const all = rows(run('S', { S })).map((r) => JSON.stringify(r));
    for (const r of sampled) assert.ok(all.includes(JSON.stringify(r)));
    assert.equal(new Set(sampled.map((r) => JSON.stringify(r))).size, sampled.length === 0 ? 0 : new Set(sampled.map((r) => JSON.stringify(r))).size);
    const distinct = rows(run(`S | sample-distinct ${n} of State`, { S })).map((r) => r[0]);
    assert.equal(distinct.length, Math.min(n, 4));
    assert.equal(new Set(distinct).size, distinct.length);
    for (const v of distinct) assert.ok(['TX', 'KS', 'OK', 'NE'].includes(v as string));
  }), { numRuns: 25 });
  assert.throws(() => run('S | sample 2 | extend r = row_number()', { S }), /serialized/);
});

test('search: terms, wildcards, column-scoped terms, case sensitivity, several tables', () => {
  assert.deepEqual(q('S | search "rad*" | summarize count()', { S })[1], [[5]]);
  assert.deepEqual(q('S | search "*ott*" | distinct Source', { S })[1], [['Spotter']]);
  // A piped search names the input table in $table, as ADX does.
  assert.deepEqual(q('S | search Source:"public" and Damage > 5', { S }), ['$table:string, State:string, Source:string, Damage:long', [['S', 'KS', 'Public', 20]]]);
  assert.deepEqual(q('S | search kind=case_sensitive "public" | count', { S })[1], [[0]]);
  assert.deepEqual(q('S | search * has "NE"', { S })[1], [['S', 'NE', 'Radar', 4]]);
  const L = table('Host:string, Msg:string', [['web1', 'radar fault'], ['db1', 'ok']]);
  const r = q(`search in (S, L) "radar" and not("TX") | project-keep ['$table'], State, Host`, { S, L });
  assert.equal(r[0], '$table:string, State:string, Host:string');
  assert.deepEqual(r[1], [['S', 'KS', ''], ['S', 'OK', ''], ['S', 'NE', ''], ['L', '', 'web1']]);
  // A comparison naming a column a table lacks is false there, not an error.
  assert.deepEqual(q(`search in (S, L) Damage > 9 | project ['$table'], Damage`, { S, L })[1], [['S', 10], ['S', 20]]);
});

test('find: project-smart (common columns and pack_), project with pack_all(), withsource', () => {
  const A = table('Host:string, Port:long', [['a', 22], ['b', 80]]);
  const B = table('Host:string, User:string', [['c', 'root']]);
  assert.deepEqual(q('find in (A, B) where Host in ("b", "c")', { A, B }), [
    'source_:string, Host:string, pack_:dynamic', [['A', 'b', { Port: 80 }], ['B', 'c', { User: 'root' }]],
  ]);
  assert.deepEqual(q('find withsource=T in (A, B) where Port == 22 or User == "root" project Host, Port', { A, B }), [
    'T:string, Host:string, Port:long', [['A', 'a', 22], ['B', 'c', null]],
  ]);
  assert.deepEqual(q('find in (A) where Port > 50 project Host, pack_all()', { A })[1], [['A', 'b', { Port: 80 }]]);
  // project-smart keeps the columns the predicate names; a table lacking them takes no part
  // (so B's User needs no pack_ here).
  assert.deepEqual(q('find in (A, B) where Port > 50', { A, B }), ['source_:string, Host:string, Port:long', [['A', 'b', 80]]]);
});

test('fork and facet: the relation yields the first result and lists every result', () => {
  const text = `S | fork (where State == 'TX' | count) top1=(top 1 by Damage | project Source)`;
  assert.deepEqual(q(text, { S }), ['Count:long', [[4]]]);
  const parsed = parse(text);
  const ctx = new ExecContext(builtinFunctions(), NOW, {});
  const rel = new Compiler(ctx, new Map([['S', S]])).runQuery(parsed.query, new Scope());
  assert.deepEqual(rel.results!.map((x) => x.name), ['GenericResult', 'top1']);
  const second = collect(rel.results![1]!.relation);
  assert.deepEqual([second.length, second.columns[0]!.column.get(0)], [1, 'Public']);
  const facet = parse('S | facet by State, Source with (where Damage > 9 | project Damage)');
  const frel = new Compiler(ctx, new Map([['S', S]])).runQuery(facet.query, new Scope());
  assert.deepEqual(frel.results!.map((x) => x.name), ['State', 'Source', 'with']);
  const sources = collect(frel.results![1]!.relation);
  assert.deepEqual([sources.columns.map((c) => c.name), sources.columns[0]!.column.get(0), sources.columns[1]!.column.get(0)], [['Source', 'count_'], 'Radar', 5]);
  assert.equal(collect(frel.results![2]!.relation).length, 2);
  assert.deepEqual(q('S | facet by State', { S })[1], [['TX', 4], ['KS', 3], ['OK', 2], ['NE', 1]]);
});

test('partition runs the subquery per key value and unions the results', () => {
  assert.deepEqual(q('S | partition hint.strategy=native by State (top 1 by Damage | project State, Damage)', { S })[1], [
    ['TX', 10], ['KS', 20], ['OK', 9], ['NE', 4],
  ]);
  assert.deepEqual(q('S | partition by Source (summarize n = count(), m = max(Damage))', { S })[1], [[5, 10], [3, 20], [2, 9]]);
});

test('invoke passes the input as the first tabular argument', () => {
  assert.deepEqual(q('let f = (T:(Damage:long), k:long) { T | where Damage > k | count }; S | invoke f(8)', { S })[1], [[3]]);
  assert.throws(() => run('let g = (k:long) { print k }; S | invoke g(1)', { S }), /take a table as its first parameter/);
  assert.throws(() => run('S | invoke nope()', { S }), /not one/);
});

test('scan: cumulative sums, resets and fill-forward (docs examples), with_match_id sequences', () => {
  assert.deepEqual(q('range x from 1 to 5 step 1 | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)')[1], [
    [1, 1], [2, 3], [3, 6], [4, 10], [5, 15],
  ]);
  assert.deepEqual(q('range x from 1 to 10 step 1 | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = iff(s1.cumulative_x >= 10, x, x + s1.cumulative_x);)')[1].map((r) => r[1]), [
    1, 3, 6, 10, 5, 11, 7, 15, 9, 19,
  ]);
  assert.deepEqual(q(`let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "", 2m, "B", 3m, "", 4m, "", 6m, "C", 8m, "", 11m, "D", 12m, ""];
    Events | sort by Ts asc | scan declare (Event_filled: string="") with (step s1: true => Event_filled = iff(isempty(Event), s1.Event_filled, Event);)`)[1].map((r) => r[2]), [
    'A', 'A', 'B', 'B', 'B', 'C', 'C', 'D', 'D',
  ]);
  // A two-step sequence: start on "start", end on "stop"; the state moves up on Check 1.
  const E = table('t:long, e:string', [[1, 'start'], [2, 'x'], [3, 'stop'], [4, 'stop'], [5, 'start'], [6, 'stop']]);
  assert.deepEqual(q('E | scan with_match_id=m declare (begin:long) with (step s1: e == "start" => begin = t; step s2: e == "stop" => begin = s1.begin;)', { E }), [
    't:long, e:string, begin:long, m:long',
    // Row 4 matches s2 again by Check 2: s2 still holds the sequence.
    [[1, 'start', 1, 0], [3, 'stop', 1, 0], [4, 'stop', 1, 0], [5, 'start', 5, 1], [6, 'stop', 5, 1]],
  ]);
  // order by and partition by.
  const P = table('k:string, t:long', [['a', 3], ['b', 1], ['a', 1], ['b', 2]]);
  assert.deepEqual(q('P | scan order by t asc partition by k declare (n:long = 0) with (step s: true => n = s.n + 1;)', { P })[1], [
    ['a', 1, 1], ['a', 3, 2], ['b', 1, 1], ['b', 2, 2],
  ]);
  assert.throws(() => run('range x from 1 to 2 step 1 | scan with (step s: true => x = 1;)'), /only assign declared columns/);
});

test('scan step output=none|last|all: the docs sessions example, and last emits each run\'s final row', () => {
  const sessions = q(`let Events = datatable (Ts: timespan, Event: string) [0m, "A", 1m, "A", 2m, "B", 3m, "D", 32m, "B", 36m, "C", 38m, "D", 41m, "E", 75m, "A"];
    Events | sort by Ts asc
    | scan with_match_id=session_id declare (sessionStart: timespan) with (
        step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
        step endSession output=none: Ts - inSession.sessionStart > 30m;
      )
    | extend Ts = tostring(Ts), sessionStart = tostring(sessionStart)`);
  assert.deepEqual(sessions[1], [
    ['00:00:00', 'A', '00:00:00', 0], ['00:01:00', 'A', '00:00:00', 0], ['00:02:00', 'B', '00:00:00', 0],
    ['00:03:00', 'D', '00:00:00', 0], ['00:32:00', 'B', '00:32:00', 1], ['00:36:00', 'C', '00:32:00', 1],
    ['00:38:00', 'D', '00:32:00', 1], ['00:41:00', 'E', '00:32:00', 1], ['01:15:00', 'A', '01:15:00', 2],
  ]);
  // output=last: one row per run of s1 matches, the run's last; s2 (output=all) as usual.
  const E = table('t:long, e:string', [[1, 'a'], [2, 'a'], [3, 'b'], [4, 'a'], [5, 'a'], [6, 'a'], [7, 'b']]);
  assert.deepEqual(q('E | scan with_match_id=m with (step s1 output=last: e == "a"; step s2 output=all: e == "b";)', { E })[1], [
    [2, 'a', 0], [3, 'b', 0], [6, 'a', 1], [7, 'b', 1],
  ]);
  assert.deepEqual(q('E | scan with (step s1 output=last: e == "a";)', { E })[1], [[6, 'a']]);
  assert.deepEqual(q('E | scan with (step s1 output=all: e == "b";)', { E })[1], [[3, 'b'], [7, 'b']]);
  const parsed = parse('E | scan with (step s1 output=none: true; step s2: true;)');
  const steps = JSON.stringify(parsed.query);
  assert.match(steps, /"output":"none"/);
  assert.throws(() => run('range x from 1 to 2 step 1 | scan with (step s output=most: true;)'), /expected all, last or none after 'output='/);
});

test('evaluate bag_unpack: columns per property, prefix, conflicts, ignored properties', () => {
  const people = `datatable(d:dynamic)[dynamic({'Name': 'John', 'Age':20}), dynamic({'Name': 'Dave', 'Age':40}), dynamic({'Name': 'Jasmine', 'Age':30})]`;
  assert.deepEqual(q(`${people} | evaluate bag_unpack(d)`), ['Age:long, Name:string', [[20, 'John'], [40, 'Dave'], [30, 'Jasmine']]]);
  assert.deepEqual(q(`${people} | evaluate bag_unpack(d, 'Property_')`)[0], 'Property_Age:long, Property_Name:string');
  const clash = `datatable(Name:string, d:dynamic)['Old_John', dynamic({'Name': 'John', 'Age':20})]`;
  assert.throws(() => run(`${clash} | evaluate bag_unpack(d)`), /clashes/);
  assert.deepEqual(q(`${clash} | evaluate bag_unpack(d, columnsConflict='replace_source')`), ['Age:long, Name:string', [[20, 'John']]]);
  // The docs' keep_source example: the kept column sits where the property would be.
  assert.deepEqual(q(`${clash} | evaluate bag_unpack(d, columnsConflict='keep_source')`), ['Age:long, Name:string', [[20, 'Old_John']]]);
  assert.deepEqual(q(`${people} | evaluate bag_unpack(d, ignoredProperties=dynamic(['Age']))`), ['Name:string', [['John'], ['Dave'], ['Jasmine']]]);
  assert.deepEqual(q(`${people} | evaluate bag_unpack(d) : (Name:string, Age:long, Missing:string)`)[1][0], ['John', 20, '']);
});

test('evaluate pivot, narrow', () => {
  assert.deepEqual(q('S | evaluate pivot(Source, sum(Damage), State)', { S }), [
    'State:string, Public:long, Radar:long, Spotter:long',
    [['TX', 1, 15, 7], ['KS', 21, 3, 0], ['OK', 0, 2, 9], ['NE', 0, 4, 0]],
  ]);
  assert.deepEqual(q('S | project State, Source | evaluate pivot(State)', { S }), [
    'Source:string, KS:long, NE:long, OK:long, TX:long',
    [['Radar', 1, 1, 1, 2], ['Public', 2, 0, 0, 1], ['Spotter', 0, 0, 1, 1]],
  ]);
  assert.deepEqual(q('S | take 1 | evaluate narrow()', { S }), [
    'Row:long, Column:string, Value:string', [[0, 'State', 'TX'], [0, 'Source', 'Radar'], [0, 'Damage', '10']],
  ]);
  assert.throws(() => run('S | evaluate autocluster()', { S }), NotSupportedError);
});

test('evaluate ipv4_lookup / ipv6_lookup: longest matching range, extra keys, return_unmatched (docs example)', () => {
  const ipData = `let IP_Data = datatable(network:string, continent_code:string ,continent_name:string, country_iso_code:string, country_name:string)[
    '111.68.128.0/17','AS','Asia','JP','Japan', '5.8.0.0/19','EU','Europe','RU','Russia', '223.255.254.0/24','AS','Asia','SG','Singapore',
    '46.36.200.51/32','OC','Oceania','CK','Cook Islands', '2.20.183.0/24','EU','Europe','GB','United Kingdom'];
    let IPs = datatable(ip:string)['2.20.183.12', '5.8.1.2', '192.165.12.17'];`;
  assert.deepEqual(q(ipData + 'IPs | evaluate ipv4_lookup(IP_Data, ip, network)'), [
    'ip:string, network:string, continent_code:string, continent_name:string, country_iso_code:string, country_name:string',
    [['2.20.183.12', '2.20.183.0/24', 'EU', 'Europe', 'GB', 'United Kingdom'], ['5.8.1.2', '5.8.0.0/19', 'EU', 'Europe', 'RU', 'Russia']],
  ]);
  assert.deepEqual(q(ipData + 'IPs | evaluate ipv4_lookup(IP_Data, ip, network, return_unmatched = true) | project ip, country_name')[1], [
    ['2.20.183.12', 'United Kingdom'], ['5.8.1.2', 'Russia'], ['192.165.12.17', ''],
  ]);
  assert.deepEqual(q(`let R = datatable(net:string, site:string, name:string)['10.0.0.0/8','a','wide', '10.1.0.0/16','a','narrow', '10.1.0.0/16','b','other'];
    datatable(ip:string, site:string)['10.1.2.3','a', '10.9.9.9','a', '10.1.2.3','b', '10.1.2.3','c'] | evaluate ipv4_lookup(R, ip, net, site) | project ip, site, name`)[1], [
    ['10.1.2.3', 'a', 'narrow'], ['10.9.9.9', 'a', 'wide'], ['10.1.2.3', 'b', 'other'],
  ]);
  assert.deepEqual(q(`let L = datatable(network:string, name:string)['2001:db8::/32','doc', 'fe80::/10','link'];
    datatable(ip:string)['2001:db8:1::5','fe80::1','::1'] | evaluate ipv6_lookup(L, ip, network, return_unmatched = true)`)[1], [
    ['2001:db8:1::5', '2001:db8::/32', 'doc'], ['fe80::1', 'fe80::/10', 'link'], ['::1', '', ''],
  ]);
});

test('externaldata reads local files through readFile and refuses URLs', () => {
  const files: Record<string, string> = {
    'a.csv': 'name,n\nx,1\n"y,""z""",2\n',
    'b.json': '{"name":"j","n":3}\n{"name":"k"}\n',
    'c.txt': 'line one\nline two\n',
  };
  const readFile = (p: string): string => {
    const f = files[p];
    if (f === undefined) throw new Error('no such file');
    return f;
  };
  assert.deepEqual(q('externaldata (name:string, n:long) ["a.csv"] with (format="csv", ignoreFirstRecord=true)', {}, { readFile }), [
    'name:string, n:long', [['x', 1], ['y,"z"', 2]],
  ]);
  assert.deepEqual(q('externaldata (name:string, n:long) ["b.json"] with (format="json")', {}, { readFile })[1], [['j', 3], ['k', null]]);
  assert.deepEqual(q('externaldata (line:string) ["c.txt"] with (format="txt")', {}, { readFile })[1], [['line one'], ['line two']]);
  assert.throws(() => run('externaldata (a:string) [h@"https://example.com/x.csv?sig=secret"]', {}, { readFile }), (e: unknown) => e instanceof NotSupportedError && !/secret/.test((e as Error).message));
  assert.throws(() => run('externaldata (a:string) ["a.csv"]'), /readFile/);
  assert.throws(() => run('externaldata (a:string) ["nope.csv"]', {}, { readFile }), /could not read 'nope.csv'/);
});

test('reduce is refused with the reason', () => {
  assert.throws(() => run('S | reduce by State', { S }), /not supported: the 'reduce' operator/);
});
