// End to end: the fixture rules over the fixture Syslog data, replayed and at one time,
// through the library and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { loadDataSources } from '../../src/io/data-files.js';
import { loadRuleFile, type Rule } from '../../src/detect/rule.js';
import { hunt } from '../../src/detect/hunt.js';
import { memoryData, scheduleTimes, windowFor, runRule } from '../../src/detect/runner.js';
import { loadWatchlists, bindWatchlists } from '../../src/detect/watchlists.js';
import { AlertStore } from '../../src/detect/alert-store.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { REPO_ROOT } from '../util/paths.js';
import { runCli } from '../cli/harness.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'detect', 'fixtures');
const t = (iso: string): bigint => parseDatetimeString(iso)!;

function rules(): Rule[] {
  return fs.readdirSync(path.join(FIXTURES, 'rules')).sort().flatMap((f) => loadRuleFile(path.join(FIXTURES, 'rules', f)).rules);
}

async function data() {
  const catalog = loadSchemaCatalog();
  const loaded = await loadDataSources([{ path: path.join(FIXTURES, 'data') }], catalog);
  return memoryData(new Map(loaded.tables.map((x) => [x.name, x.table])), catalog.tables);
}

function tempStore(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-detect-'));
}

const byName = (name: string): Rule => rules().find((r) => r.name.startsWith(name))!;

test('schedule: one run every queryFrequency after --from, up to --to; windows are the queryPeriod back', () => {
  const r = byName('SSH brute force');
  const times = scheduleTimes(r, t('2024-05-01T09:00:00Z'), t('2024-05-01T12:30:00Z'));
  assert.deepEqual(times, [t('2024-05-01T10:00:00Z'), t('2024-05-01T11:00:00Z'), t('2024-05-01T12:00:00Z')]);
  assert.deepEqual(windowFor(r, t('2024-05-01T11:00:00Z')), { from: t('2024-05-01T10:00:00Z'), to: t('2024-05-01T11:00:00Z') });
});

test('a rule asking for 14 days inside its query only sees its queryPeriod', async () => {
  const r = byName('Any sudo use');
  const d = await data();
  const run = runRule(r, t('2024-05-01T12:00:00Z'), { data: d });
  assert.equal(run.status, 'ok');
  assert.deepEqual(run.rows.map((x) => x['TimeGenerated']), ['2024-05-01T11:45:00Z']);
  // The same query without the clip sees the sudo use nine days earlier too.
  const unclipped = runRule(r, t('2024-05-01T12:00:00Z'), { data: d }, { from: t('2024-01-01T00:00:00Z'), to: t('2024-05-01T12:00:00Z') });
  assert.equal(unclipped.rows.length, 2);
});

test('replay: expected alerts, allowlisted source excluded, failing rule recorded as health, state saved', async () => {
  const dir = tempStore();
  const store = new AlertStore(dir);
  const result = await hunt({
    rules: rules(), data: await data(), watchlists: loadWatchlists([path.join(FIXTURES, 'watchlists')]),
    times: { from: t('2024-05-01T09:00:00Z'), to: t('2024-05-01T12:00:00Z') }, store,
  });
  const summary = result.alerts.map((a) => `${a.runTime} ${a.displayName} [${a.entities.map((e) => Object.values(e.identifiers).join('/')).join(', ')}]`);
  assert.deepEqual(summary.sort(), [
    '2024-05-01T11:00:00Z SSH brute force from 203.0.113.5 on web01 [203.0.113.5, web01]',
    '2024-05-01T12:00:00Z Any sudo use (lookback inside the query) [web01]',
    '2024-05-01T12:00:00Z SSH brute force from 192.0.2.44 on db01 [192.0.2.44, db01]',
  ]);
  const ssh = result.alerts.find((a) => a.ruleName.startsWith('SSH'))!;
  assert.deepEqual(ssh.customDetails, { FailedLogins: [4] });
  assert.equal(ssh.description, '4 failed logins');
  const failed = result.health.filter((h) => h.status === 'failed');
  assert.equal(failed.length, 3);
  assert.match(failed[0]!.error!, /broken\.yaml:17:11: .*NoSuchColumn/);
  const hunting = result.health.find((h) => h.ruleName.startsWith('SSH activity'))!;
  assert.deepEqual([hunting.status, hunting.resultCount, hunting.alertCount], ['ok', 2, 0]);
  assert.equal(store.alerts().length, 3);
  assert.equal(store.incidents().length, 3);
  assert.equal(store.health().length, result.health.length);
  store.close();
  // Replaying the same period again, from a freshly opened state database, raises nothing new.
  const reopened = new AlertStore(dir);
  assert.equal(reopened.alerts().length, 3);
  const again = await hunt({ rules: rules(), data: await data(), watchlists: loadWatchlists([path.join(FIXTURES, 'watchlists')]), times: { from: t('2024-05-01T09:00:00Z'), to: t('2024-05-01T12:00:00Z') }, store: reopened });
  assert.equal(again.alerts.length, 0);
  assert.equal(reopened.alerts().length, 3);
  assert.equal(reopened.alerts({ severity: 'Low' }).length, 1);
  assert.equal(reopened.alerts({ since: '2024-05-01T11:30:00Z' }).length, 2);
  reopened.close();
});

test('a missing watchlist fails the rule at the call; with it the allowlisted scanner is excluded', async () => {
  const r = byName('SSH brute force');
  const d = await data();
  const missing = runRule(r, t('2024-05-01T11:00:00Z'), { data: d });
  assert.equal(missing.status, 'failed');
  assert.match(missing.error!, /ssh-bruteforce\.yaml:23:37: no watchlist 'allowed_ips'/);
  const lists = loadWatchlists([path.join(FIXTURES, 'watchlists')]);
  const withList = runRule(r, t('2024-05-01T11:00:00Z'), { data: d, watchlists: lists });
  assert.deepEqual(withList.rows.map((x) => x['SrcIp']), ['203.0.113.5']);
});

test('watchlists: Sentinel columns, and the query rewrite keeps every offset', () => {
  const lists = loadWatchlists([path.join(FIXTURES, 'watchlists')]);
  const w = lists.get('allowed_ips')!;
  assert.deepEqual(w.schema.map((c) => c.name), ['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem', 'IPAddress', 'Owner']);
  assert.equal(w.table.columns[2]!.column.get(0), '10.0.0.99');
  assert.deepEqual(w.table.columns[3]!.column.get(0), { IPAddress: '10.0.0.99', Owner: 'vulnerability scanner' });
  const q = "T | where x in (_GetWatchlist('Allowed_IPs') | project SearchKey) | where y == 1";
  const bound = bindWatchlists(q, lists);
  assert.equal(bound.text.length, q.length);
  assert.equal(bound.text.indexOf('| where y'), q.indexOf('| where y'));
  assert.equal(bound.tables.size, 1);
});

test('suppression across runs: after an alert the rule is not run for suppressionDuration', async () => {
  const r = { ...byName('Any sudo use'), queryPeriodMs: 14 * 86_400_000, suppressionEnabled: true, suppressionDurationMs: 2 * 3_600_000 };
  const result = await hunt({ rules: [r], data: await data(), times: { from: t('2024-05-01T11:00:00Z'), to: t('2024-05-01T16:00:00Z') } });
  assert.deepEqual(result.health.map((h) => `${h.runTime.slice(11, 16)} ${h.status} ${h.alertCount}`), [
    '12:00 ok 1', '13:00 suppressed 0', '14:00 ok 1', '15:00 suppressed 0', '16:00 ok 1',
  ]);
});

test('CLI: validate exit codes and formats; hunt and alerts over a store directory', async () => {
  const rulesDir = path.join(FIXTURES, 'rules');
  const v = await runCli(['validate', rulesDir]);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /broken\.yaml:17:11: error: .*NoSuchColumn.* \[query-semantic\]/);
  const clean = await runCli(['validate', path.join(rulesDir, 'ssh-bruteforce.yaml'), '--format', 'sarif']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.equal(JSON.parse(clean.stdout).runs[0].results.length, 0);
  assert.equal((await runCli(['validate'])).code, 2);
  assert.equal((await runCli(['validate', rulesDir, '--format', 'xml'])).code, 2);

  const store = tempStore();
  const h = await runCli(['hunt', '--rules', rulesDir, '--data', path.join(FIXTURES, 'data'), '--watchlists', path.join(FIXTURES, 'watchlists'),
    '--store', store, '--at', '2024-05-01T11:00:00Z', '--format', 'json']);
  assert.equal(h.code, 1, 'the broken rule fails');
  const out = JSON.parse(h.stdout);
  assert.equal(out.alerts.length, 1);
  assert.equal(out.alerts[0].displayName, 'SSH brute force from 203.0.113.5 on web01');
  assert.match(h.stderr, /rule failed: Broken rule/);
  assert.equal((await runCli(['hunt', '--rules', rulesDir, '--at', 'yesterday-ish'])).code, 2);
  assert.equal((await runCli(['hunt', '--rules', rulesDir, '--from', '2024-05-01T00:00:00Z'])).code, 2);

  const list = await runCli(['alerts', '--store', store, '--format', 'jsonl']);
  assert.equal(list.code, 0);
  assert.equal(list.stdout.trim().split('\n').length, 1);
  const none = await runCli(['alerts', '--store', store, '--severity', 'High', '--format', 'json']);
  assert.deepEqual(JSON.parse(none.stdout), []);
  const since = await runCli(['alerts', '--store', store, '--since', '2024-05-01T11:00:01Z', '--format', 'json']);
  assert.deepEqual(JSON.parse(since.stdout), []);
  const table = await runCli(['alerts', '--store', store, '--rule', '3f1a7c2e-5b4d-4e8f-9a10-2b3c4d5e6f70']);
  assert.match(table.stdout, /SSH brute force from 203\.0\.113\.5 on web01/);
  assert.equal((await runCli(['alerts', '--store', store, '--severity', 'Severe'])).code, 2);
  const health = await runCli(['alerts', '--store', store, '--health', '--format', 'json']);
  assert.equal(health.code, 0);
  const runs = JSON.parse(health.stdout) as { ruleName: string; status: string; error?: string }[];
  assert.equal(runs.length, 4);
  assert.match(runs.find((r) => r.status === 'failed')!.error!, /NoSuchColumn/);
  const brokenOnly = await runCli(['alerts', '--store', store, '--health', '--rule', 'Broken rule']);
  assert.match(brokenOnly.stdout, /\(1 run, 1 failed\)/);
  const empty = await runCli(['alerts', '--store', path.join(store, 'nothing-here'), '--format', 'json']);
  assert.deepEqual(JSON.parse(empty.stdout), []);
  assert.equal(fs.existsSync(path.join(store, 'nothing-here')), false, 'listing creates no store');
});

test("CLI: hunt reads an ingested store, with the store's own watchlist folder", async () => {
  const store = tempStore();
  const ingest = await runCli(['ingest', '--format', 'csv', '--table', 'Syslog', '--store', store, path.join(FIXTURES, 'data', 'Syslog.csv')]);
  assert.equal(ingest.code, 0, ingest.stderr);
  fs.mkdirSync(path.join(store, 'watchlists'));
  fs.copyFileSync(path.join(FIXTURES, 'watchlists', 'allowed_ips.csv'), path.join(store, 'watchlists', 'allowed_ips.csv'));
  const h = await runCli(['hunt', '--rules', path.join(FIXTURES, 'rules', 'ssh-bruteforce.yaml'), '--store', store,
    '--from', '2024-05-01T09:00:00Z', '--to', '2024-05-01T12:00:00Z', '--format', 'json']);
  assert.equal(h.code, 0, h.stderr);
  assert.deepEqual(JSON.parse(h.stdout).alerts.map((a: { displayName: string }) => a.displayName), [
    'SSH brute force from 203.0.113.5 on web01', 'SSH brute force from 192.0.2.44 on db01',
  ]);
});

test('hunting placeholders and typed --param values', async () => {
  const { substitutePlaceholders } = await import('../../src/detect/runner.js');
  const w = { from: t('2024-05-01T00:00:00Z'), to: t('2024-05-02T00:00:00Z') };
  assert.equal(substitutePlaceholders("x('{{StartTimeISO}}', '{{ EndTimeISO }}', '{{Who}}', '{{Other}}')", w, { Who: 'alice' }),
    "x('2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 'alice', '{{Other}}')");
  const r = { ...byName('SSH activity'), query: 'declare query_parameters(MinMessages:long);\nSyslog | summarize Messages = count() by HostName | where Messages >= MinMessages' };
  const day = { from: t('2024-05-01T00:00:00Z'), to: t('2024-05-01T12:00:00Z') };
  const run = runRule(r, t('2024-05-01T12:00:00Z'), { data: await data(), params: { MinMessages: '8' } }, day);
  assert.equal(run.status, 'ok', run.error);
  assert.deepEqual(run.rows.map((x) => `${x['HostName']} ${x['Messages']}`).sort(), ['db01 8', 'web01 8']);
  const none = runRule(r, t('2024-05-01T12:00:00Z'), { data: await data(), params: { MinMessages: '9' } }, day);
  assert.deepEqual(none.rows, []);
  const bad = runRule(r, t('2024-05-01T12:00:00Z'), { data: await data(), params: { MinMessages: 'ten' } });
  assert.equal(bad.status, 'failed');
  assert.match(bad.error!, /MinMessages=ten is not a valid long/);
});

test('CLI: validate reads ARM exports and points into the JSON query string', async () => {
  const { ARM_TEMPLATE } = await import('./arm-fixture.js');
  const dir = tempStore();
  const file = path.join(dir, 'export.json');
  fs.writeFileSync(file, ARM_TEMPLATE.replace('has \\"bad\\"', 'has NoSuchColumn'));
  const v = await runCli(['validate', file, '--format', 'json']);
  assert.equal(v.code, 1);
  const f = JSON.parse(v.stdout).files[0].findings;
  assert.equal(f.length, 1);
  assert.equal(f[0].check, 'query-semantic');
  const text = fs.readFileSync(file, 'utf8').split('\n')[f[0].line - 1]!;
  assert.equal(text.slice(f[0].column - 1, f[0].column - 1 + 'NoSuchColumn'.length), 'NoSuchColumn');
});

test('watchlists kept in the store state database feed _GetWatchlist', async () => {
  const { openStateDb } = await import('../../src/store/state-db.js');
  const { watchlistsFromStateDb } = await import('../../src/detect/watchlists.js');
  const store = tempStore();
  const ingest = await runCli(['ingest', '--format', 'csv', '--table', 'Syslog', '--store', store, path.join(FIXTURES, 'data', 'Syslog.csv')]);
  assert.equal(ingest.code, 0, ingest.stderr);
  const db = openStateDb(store);
  db.prepare('INSERT INTO watchlists (alias, display_name, search_key, updated_at) VALUES (?, ?, ?, ?)').run('allowed_ips', 'Allowed IPs', 'IPAddress', '2024-04-01T00:00:00Z');
  db.prepare('INSERT INTO watchlist_items (alias, item_key, item_json) VALUES (?, ?, ?)').run('allowed_ips', '203.0.113.5', JSON.stringify({ IPAddress: '203.0.113.5', Owner: 'pentest' }));
  const [w] = watchlistsFromStateDb(db, 'state.db');
  db.close();
  assert.deepEqual(w!.schema.map((c) => c.name), ['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem', 'IPAddress', 'Owner']);
  const h = await runCli(['hunt', '--rules', path.join(FIXTURES, 'rules', 'ssh-bruteforce.yaml'), '--store', store,
    '--from', '2024-05-01T09:00:00Z', '--to', '2024-05-01T12:00:00Z', '--format', 'json']);
  assert.equal(h.code, 0, h.stderr);
  // 203.0.113.5 is allowlisted now; the scanner 10.0.0.99 is not, so it alerts.
  assert.deepEqual(JSON.parse(h.stdout).alerts.map((a: { displayName: string }) => a.displayName).sort(), [
    'SSH brute force from 10.0.0.99 on db01', 'SSH brute force from 192.0.2.44 on db01',
  ]);
});
