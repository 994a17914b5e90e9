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
import { firstSeenSpec, FirstSeenError, FirstSeenStore } from '../../src/detect/first-seen.js';
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
