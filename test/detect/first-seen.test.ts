// First-seen tables: declared in a rule's YAML, recorded after each run, read by later runs
// (and later processes) as KqlHunt_FirstSeen_<name>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { loadRuleFile, type Rule } from '../../src/detect/rule.js';
import { hunt } from '../../src/detect/hunt.js';
import { memoryData } from '../../src/detect/runner.js';
import { AlertStore } from '../../src/detect/alert-store.js';
import { firstSeenSpec, firstSeenSpecs, FirstSeenError, FirstSeenStore, FirstSeenTracker } from '../../src/detect/first-seen.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import type { Table } from '../../src/kql/index.js';
import { formatDatetimeIso, parseDatetimeString } from '../../src/kql/values/datetime.js';
import { REPO_ROOT } from '../util/paths.js';

const t = (iso: string): bigint => parseDatetimeString(iso)!;
const DAY = 864_000_000_000n;
const NOW = t('2024-06-30T00:00:00Z');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-first-seen-'));
}

const RULE = (firstSeen: string): string => `id: 5b0f4b8e-1d6c-4f58-9e55-1f0d7c1c2b11
name: New destination
description: test
severity: Low
queryFrequency: 1d
queryPeriod: 2d
triggerOperator: gt
triggerThreshold: 0
tactics: [Exfiltration]
query: |
  let Known = KqlHunt_FirstSeen_Dest | where FirstSeen < ago(1d) | project DestinationIp;
  Conn
  | where TimeGenerated >= ago(1d)
  | where DestinationIp !in (Known)
  | distinct DestinationIp
  | order by DestinationIp asc
${firstSeen}
kind: Scheduled
`;

const DECLARATION = `kqlhunt:
  firstSeen:
    name: Dest
    source: Conn | where Direction == "outbound"
    keys: [DestinationIp]`;

function ruleFrom(text: string): Rule {
  const file = path.join(tempDir(), 'rule.yaml');
  fs.writeFileSync(file, text);
  return loadRuleFile(file).rules[0]!;
}

function conn(rows: { at: bigint; ip: string; direction?: string }[]): Table {
  return {
    length: rows.length,
    columns: [
      { name: 'TimeGenerated', column: columnFromScalars('datetime', rows.map((r) => r.at)) },
      { name: 'DestinationIp', column: columnFromScalars('string', rows.map((r) => r.ip)) },
      { name: 'Direction', column: columnFromScalars('string', rows.map((r) => r.direction ?? 'outbound')) },
    ],
  };
}

// 1.1.1.1 was used 20 days ago and again today; 2.2.2.2 only today; 3.3.3.3 20 days ago only inbound.
const HISTORY = conn([
  { at: NOW - 20n * DAY, ip: '1.1.1.1' },
  { at: NOW - 20n * DAY, ip: '3.3.3.3', direction: 'inbound' },
  { at: NOW - DAY / 24n, ip: '1.1.1.1' },
  { at: NOW - DAY / 24n, ip: '2.2.2.2' },
  { at: NOW - DAY / 24n, ip: '3.3.3.3' },
]);
const data = memoryData(new Map([['Conn', HISTORY]]));

async function newDestinations(rule: Rule, at: bigint, storeDir?: string): Promise<string[]> {
  const store = storeDir === undefined ? undefined : new AlertStore(storeDir);
  try {
    const result = await hunt({ rules: [rule], times: { at }, data, ...(store ? { store } : {}) });
    assert.deepEqual(result.health.map((h) => h.error), [undefined]);
    return result.runs[0]!.rows.map((r) => String(r['DestinationIp']));
  } finally {
    store?.close();
  }
}

test('a destination first seen 20 days ago is not new today; a truly new one is; the table persists across processes', async () => {
  const rule = ruleFrom(RULE(DECLARATION));
  const dir = tempDir();
  // The run 19 days ago found both new then, and recorded what its window saw: 1.1.1.1 (outbound) 20 days ago.
  assert.deepEqual(await newDestinations(rule, NOW - 19n * DAY, dir), ['1.1.1.1', '3.3.3.3']);

  // Another process reads what this one stored.
  const moduleUrl = pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'detect', 'first-seen.js')).href;
  const script = `const { FirstSeenStore } = await import(${JSON.stringify(moduleUrl)});
    const s = new FirstSeenStore(${JSON.stringify(dir)}); const t = s.table('Dest'); s.close();
    console.log(JSON.stringify({ names: t.columns.map((c) => c.name), types: t.columns.map((c) => c.column.type),
      rows: Array.from({ length: t.length }, (_, r) => t.columns.map((c) => String(c.column.get(r)))) }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const stored = JSON.parse(child.stdout) as { names: string[]; types: string[]; rows: string[][] };
  assert.deepEqual(stored.names, ['DestinationIp', 'FirstSeen', 'LastSeen']);
  assert.deepEqual(stored.types, ['string', 'datetime', 'datetime']);
  assert.deepEqual(stored.rows, [['1.1.1.1', String(NOW - 20n * DAY), String(NOW - 20n * DAY)]]);

  // Today, in a fresh hunt over the same store: only the addresses with no outbound history are new.
  assert.deepEqual(await newDestinations(rule, NOW, dir), ['2.2.2.2', '3.3.3.3']);
  // Today's run recorded today's window, widening LastSeen and adding the new ones; re-running today changes nothing.
  assert.deepEqual(await newDestinations(rule, NOW, dir), ['2.2.2.2', '3.3.3.3']);
  const s = new FirstSeenStore(dir);
  const table = s.table('Dest')!;
  s.close();
  const rows = Array.from({ length: table.length }, (_, r) => table.columns.map((c) => c.column.get(r)));
  assert.deepEqual(rows, [
    ['1.1.1.1', NOW - 20n * DAY, NOW - DAY / 24n],
    ['2.2.2.2', NOW - DAY / 24n, NOW - DAY / 24n],
    ['3.3.3.3', NOW - DAY / 24n, NOW - DAY / 24n],
  ]);
});

test('without recorded history the 20-day-old destination looks new (the window alone is 2 days)', async () => {
  const rule = ruleFrom(RULE(DECLARATION));
  assert.deepEqual(await newDestinations(rule, NOW, tempDir()), ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
});

test('without a store, a replay accumulates first-seen history within the hunt', async () => {
  const rule = ruleFrom(RULE(DECLARATION));
  const result = await hunt({ rules: [rule], times: { from: NOW - 21n * DAY, to: NOW }, data });
  assert.ok(result.health.every((h) => h.status === 'ok'), JSON.stringify(result.health.filter((h) => h.status !== 'ok')));
  const last = result.runs.at(-1)!;
  assert.equal(formatDatetimeIso(last.runTime), formatDatetimeIso(NOW));
  assert.deepEqual(last.rows.map((r) => r['DestinationIp']), ['2.2.2.2', '3.3.3.3']);
});

test('malformed declarations fail the run with the file and field', async () => {
  const bad = ruleFrom(RULE(`kqlhunt:\n  firstSeen:\n    name: Dest\n    source: Conn\n    keys: []`));
  assert.throws(() => firstSeenSpec(bad), (e: unknown) => e instanceof FirstSeenError && /^kqlhunt\.firstSeen\.keys must be a non-empty list/.test(e.message));
  const result = await hunt({ rules: [bad], times: { at: NOW }, data });
  assert.equal(result.health[0]!.status, 'failed');
  assert.match(result.health[0]!.error!, /rule\.yaml: kqlhunt\.firstSeen\.keys must be a non-empty list of column names$/);

  const badSource = ruleFrom(RULE(`kqlhunt:\n  firstSeen:\n    name: Dest\n    source: Conn | where Nope == 1\n    keys: [DestinationIp]`));
  const r2 = await hunt({ rules: [badSource], times: { at: NOW }, data });
  assert.equal(r2.health[0]!.status, 'failed');
  assert.match(r2.health[0]!.error!, /kqlhunt\.firstSeen\.source: .*Nope/);

  assert.equal(firstSeenSpec(ruleFrom(RULE(''))), undefined);
});

test('changing a table\'s keys is refused rather than mixing histories', () => {
  const store = new FirstSeenStore();
  store.record('Dest', summary([['a', NOW - DAY, NOW]]));
  const twoKeys: Table = {
    length: 0,
    columns: [
      { name: 'SourceIp', column: columnFromScalars('string', []) },
      { name: 'DestinationIp', column: columnFromScalars('string', []) },
      { name: 'FirstSeen', column: columnFromScalars('datetime', []) },
      { name: 'LastSeen', column: columnFromScalars('datetime', []) },
    ],
  };
  assert.throws(() => store.record('Dest', twoKeys), /recorded with keys DestinationIp:string; the rule now declares SourceIp:string, DestinationIp:string/);
  store.close();
});

function summary(rows: [string, bigint, bigint][]): Table {
  return {
    length: rows.length,
    columns: [
      { name: 'DestinationIp', column: columnFromScalars('string', rows.map((r) => r[0])) },
      { name: 'FirstSeen', column: columnFromScalars('datetime', rows.map((r) => r[1])) },
      { name: 'LastSeen', column: columnFromScalars('datetime', rows.map((r) => r[2])) },
    ],
  };
}

test('property: after any sequence of records, each key holds the min first and max last seen, in any order', () => {
  const base = NOW - 1000n * DAY;
  const obs = fc.record({ key: fc.constantFrom('a', 'b', 'c'), first: fc.bigInt({ min: 0n, max: 10n ** 12n }), span: fc.bigInt({ min: 0n, max: 10n ** 12n }) });
  fc.assert(fc.property(fc.array(fc.array(obs, { maxLength: 5 }), { minLength: 1, maxLength: 6 }), (batches) => {
    const store = new FirstSeenStore();
    const expected = new Map<string, [bigint, bigint]>();
    for (const batch of batches) {
      // A summary has one row per key, as summarize ... by key yields.
      const perKey = new Map<string, [bigint, bigint]>();
      for (const o of batch) {
        const f = base + o.first;
        const l = f + o.span;
        const p = perKey.get(o.key);
        perKey.set(o.key, p === undefined ? [f, l] : [p[0] < f ? p[0] : f, p[1] > l ? p[1] : l]);
      }
      store.record('P', summary([...perKey].map(([k, [f, l]]) => [k, f, l])));
      for (const [k, [f, l]] of perKey) {
        const e = expected.get(k);
        expected.set(k, e === undefined ? [f, l] : [e[0] < f ? e[0] : f, e[1] > l ? e[1] : l]);
      }
    }
    const table = store.table('P')!;
    store.close();
    const got = new Map<string, [bigint, bigint]>();
    for (let r = 0; r < table.length; r++) got.set(table.columns[0]!.column.get(r) as string, [table.columns[1]!.column.get(r) as bigint, table.columns[2]!.column.get(r) as bigint]);
    assert.deepEqual(got, expected);
  }), { numRuns: 100 });
});

// Bucketed tables: how often a key was seen before the window, not only whether.
const COUNTED_RULE = (declaration: string): string => `id: 0c6f3a52-8f0e-4d1a-9b7c-2e4f6a8b0c1d
name: Rare country
description: test
severity: Low
queryFrequency: 1d
queryPeriod: 2d
triggerOperator: gt
triggerThreshold: 0
tactics: [Exfiltration]
query: |
  let History = KqlHunt_FirstSeen_Countries | where Bucket + 1h <= ago(2d) | summarize Connections = sum(Count) by Country;
  let Common = union (Conn | where TimeGenerated < ago(1d) | summarize Connections = count() by Country), History
    | summarize Connections = sum(Connections) by Country
    | where Connections > 2;
  Conn
  | where TimeGenerated >= ago(1d)
  | distinct Country
  | join kind=leftanti Common on Country
  | order by Country asc
${declaration}
kind: Scheduled
`;

const COUNTED = `kqlhunt:
  firstSeen:
    - name: Countries
      source: Conn
      keys: [Country]
      bucket: 1h
    - name: Destinations
      source: Conn
      keys: [DestinationIp]`;

function countryConn(rows: { at: bigint; country: string; ip?: string }[]): Table {
  return {
    length: rows.length,
    columns: [
      { name: 'TimeGenerated', column: columnFromScalars('datetime', rows.map((r) => r.at)) },
      { name: 'Country', column: columnFromScalars('string', rows.map((r) => r.country)) },
      { name: 'DestinationIp', column: columnFromScalars('string', rows.map((r) => r.ip ?? '9.9.9.9')) },
    ],
  };
}

// Freedonia: 4 connections 20 days ago (3 in one hour, 1 in the next), and one today. Ruritania: one 20 days ago, one today.
const COUNTRIES = memoryData(new Map([['Conn', countryConn([
  { at: NOW - 20n * DAY, country: 'Freedonia' },
  { at: NOW - 20n * DAY + 1n, country: 'Freedonia' },
  { at: NOW - 20n * DAY + 2n, country: 'Freedonia' },
  { at: NOW - 20n * DAY + DAY / 24n, country: 'Freedonia' },
  { at: NOW - 20n * DAY, country: 'Ruritania' },
  { at: NOW - DAY / 24n, country: 'Freedonia' },
  { at: NOW - DAY / 24n, country: 'Ruritania' },
])]]));

async function rareCountries(rule: Rule, at: bigint, storeDir: string): Promise<string[]> {
  const store = new AlertStore(storeDir);
  try {
    const result = await hunt({ rules: [rule], times: { at }, data: COUNTRIES, store });
    assert.deepEqual(result.health.map((h) => h.error), [undefined]);
    return result.runs[0]!.rows.map((r) => String(r['Country']));
  } finally {
    store.close();
  }
}

function rowsOf(table: Table): unknown[][] {
  return Array.from({ length: table.length }, (_, r) => table.columns.map((c) => c.column.get(r)));
}

test('bucketed: a country contacted often 20 days ago is not rare today; one contacted once still is; re-runs do not count twice', async () => {
  const rule = ruleFrom(COUNTED_RULE(COUNTED));
  const dir = tempDir();
  // A fresh store knows nothing beyond the 2-day window: both countries look rare.
  assert.deepEqual(await rareCountries(rule, NOW, tempDir()), ['Freedonia', 'Ruritania']);
  // The run 19 days ago recorded its window, which held the 20-day-old connections.
  await rareCountries(rule, NOW - 19n * DAY, dir);
  assert.deepEqual(await rareCountries(rule, NOW, dir), ['Ruritania']);
  // Today's run recorded today's hour; running today and 19 days ago again changes nothing.
  const s = new FirstSeenStore(dir);
  const before = rowsOf(s.table('Countries')!);
  s.close();
  await rareCountries(rule, NOW - 19n * DAY, dir);
  assert.deepEqual(await rareCountries(rule, NOW, dir), ['Ruritania']);
  const s2 = new FirstSeenStore(dir);
  const table = s2.table('Countries')!;
  const destinations = s2.table('Destinations')!;
  s2.close();
  assert.deepEqual(rowsOf(table), before);
  assert.deepEqual(table.columns.map((c) => `${c.name}:${c.column.type}`), ['Country:string', 'Bucket:datetime', 'FirstSeen:datetime', 'LastSeen:datetime', 'Count:long']);
  const hour = DAY / 24n;
  assert.deepEqual(rowsOf(table), [
    ['Freedonia', NOW - 20n * DAY, NOW - 20n * DAY, NOW - 20n * DAY + 2n, 3],
    ['Freedonia', NOW - 20n * DAY + hour, NOW - 20n * DAY + hour, NOW - 20n * DAY + hour, 1],
    ['Freedonia', NOW - hour, NOW - hour, NOW - hour, 1],
    ['Ruritania', NOW - 20n * DAY, NOW - 20n * DAY, NOW - 20n * DAY, 1],
    ['Ruritania', NOW - hour, NOW - hour, NOW - hour, 1],
  ]);
  // The second declaration is a plain first-seen table beside it.
  assert.deepEqual(rowsOf(destinations), [['9.9.9.9', NOW - 20n * DAY, NOW - hour]]);
});

test('bucketed: a bucket recorded in part and then whole keeps the whole count, whatever the order', () => {
  const rule = ruleFrom(COUNTED_RULE(COUNTED));
  const at = (minutes: number): bigint => NOW + BigInt(minutes) * 600_000_000n;
  const rows = [0, 10, 20, 30, 40, 50].map((m) => ({ at: at(m), country: 'Freedonia' }));
  const data = memoryData(new Map([['Conn', countryConn(rows)]]));
  const whole = { from: at(0), to: at(60) };
  const part = { from: at(25), to: at(60) };
  for (const order of [[part, whole, part], [whole, part], [part, part]]) {
    const store = new FirstSeenStore();
    const tracker = new FirstSeenTracker(store);
    for (const w of order) assert.equal(tracker.record(rule, w, data), undefined);
    const counts = rowsOf(store.table('Countries')!).map((r) => r[4]);
    tracker.close();
    assert.deepEqual(counts, [order.includes(whole) ? 6 : 3]);
  }
});

test('property: bucket counts are the most rows any recorded window saw of the bucket, in any order and with repeats', () => {
  const rule = ruleFrom(COUNTED_RULE(COUNTED));
  const HOUR = DAY / 24n;
  const minute = 600_000_000n;
  const arbitraryRows = fc.array(fc.record({ minute: fc.integer({ min: 0, max: 5 * 60 - 1 }), country: fc.constantFrom('A', 'B') }), { maxLength: 40 });
  const arbitraryWindows = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * 60 }), fc.integer({ min: 1, max: 5 * 60 })), { minLength: 1, maxLength: 6 });
  fc.assert(fc.property(arbitraryRows, arbitraryWindows, (rows, windows) => {
    const data = memoryData(new Map([['Conn', countryConn(rows.map((r) => ({ at: NOW + BigInt(r.minute) * minute, country: r.country })))]]));
    const store = new FirstSeenStore();
    const tracker = new FirstSeenTracker(store);
    const expected = new Map<string, number>();
    for (const [start, length] of windows) {
      const w = { from: NOW + BigInt(start) * minute, to: NOW + BigInt(start + length) * minute };
      assert.equal(tracker.record(rule, w, data), undefined);
      const seen = new Map<string, number>();
      for (const r of rows) {
        const t = NOW + BigInt(r.minute) * minute;
        if (t < w.from || t >= w.to) continue;
        const key = `${r.country} ${(t - NOW) / HOUR}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      for (const [k, n] of seen) expected.set(k, Math.max(expected.get(k) ?? 0, n));
    }
    const table = store.table('Countries');
    tracker.close();
    const got = new Map<string, number>();
    for (const r of table === undefined ? [] : rowsOf(table)) got.set(`${r[0]} ${((r[1] as bigint) - NOW) / HOUR}`, r[4] as number);
    assert.deepEqual(got, expected);
  }), { numRuns: 60 });
});

test('declaration lists and buckets are checked', () => {
  const spec = (firstSeen: string): unknown => {
    try {
      return firstSeenSpecs(ruleFrom(RULE(firstSeen)));
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.deepEqual(spec(COUNTED), [
    { name: 'Countries', source: 'Conn', keys: ['Country'], bucketMs: 3_600_000 },
    { name: 'Destinations', source: 'Conn', keys: ['DestinationIp'] },
  ]);
  assert.equal(spec('kqlhunt:\n  firstSeen: []'), 'kqlhunt.firstSeen must be a map with name, source and keys, or a non-empty list of them');
  assert.equal(spec('kqlhunt:\n  firstSeen:\n    - {name: A, source: Conn, keys: [X]}\n    - {name: A, source: Conn, keys: [Y]}'), 'kqlhunt.firstSeen[1].name A is declared twice');
  assert.equal(spec('kqlhunt:\n  firstSeen:\n    - {name: A, source: Conn, keys: [X], bucket: 10s}'), 'kqlhunt.firstSeen[0].bucket must be a duration of at least 1m such as 1h or 1d, got "10s"');
  assert.equal(spec('kqlhunt:\n  firstSeen:\n    - {name: A, source: Conn, keys: [Count]}'), 'kqlhunt.firstSeen[0].keys cannot include Count (the table\'s own columns are Bucket, FirstSeen, LastSeen, Count)');
});

test('changing a table\'s bucket is refused rather than mixing histories', () => {
  const store = new FirstSeenStore();
  store.record('Dest', summary([['a', NOW - DAY, NOW]]));
  const bucketed: Table = {
    length: 0,
    columns: ['DestinationIp', 'Bucket', 'FirstSeen', 'LastSeen', 'Count'].map((name, i) => ({ name, column: columnFromScalars(i === 0 ? 'string' : i === 4 ? 'long' : 'datetime', []) })),
  };
  assert.throws(() => store.record('Dest', bucketed, 3_600_000), /was recorded without buckets; the rule now declares it in buckets of 1h/);
  store.close();
});

test('property: a replay records only what its sliding windows add, with the same tables as recording every window whole', () => {
  const rule = ruleFrom(COUNTED_RULE(COUNTED));
  const minute = 600_000_000n;
  // Dense enough that most buckets hold rows on both sides of a window's edge.
  const arbitraryRows = fc.array(fc.record({ minute: fc.integer({ min: 0, max: 5 * 60 }), country: fc.constantFrom('A', 'B'), ip: fc.constantFrom('1.1.1.1', '2.2.2.2') }), { minLength: 10, maxLength: 80 });
  const arbitrarySchedule = fc.record({ start: fc.integer({ min: 0, max: 60 }), period: fc.integer({ min: 1, max: 180 }), step: fc.integer({ min: 1, max: 180 }), runs: fc.integer({ min: 2, max: 8 }) });
  fc.assert(fc.property(arbitraryRows, arbitrarySchedule, (rows, { start, period, step, runs }) => {
    const data = memoryData(new Map([['Conn', countryConn(rows.map((r) => ({ at: NOW + BigInt(r.minute) * minute, country: r.country, ip: r.ip })))]]));
    const windows = Array.from({ length: runs }, (_, i) => {
      const to = NOW + BigInt(start + period + i * step) * minute;
      return { from: to - BigInt(period) * minute, to };
    });
    const replayed = new FirstSeenStore();
    const replay = new FirstSeenTracker(replayed);
    const whole = new FirstSeenStore();
    for (const w of windows) {
      assert.equal(replay.record(rule, w, data), undefined);
      // A tracker per run, as `kqlhunt run` makes one per slot: every window recorded whole.
      assert.equal(new FirstSeenTracker(whole).record(rule, w, data), undefined);
    }
    for (const name of ['Countries', 'Destinations']) {
      const a = replayed.table(name);
      const b = whole.table(name);
      assert.deepEqual(a && rowsOf(a), b && rowsOf(b));
    }
    replay.close();
    whole.close();
  }), { numRuns: 80 });
});
