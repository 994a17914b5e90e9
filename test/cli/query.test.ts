import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHARED } from '../util/paths.js';
import { runCli, spawnCli } from './harness.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-query-'));
const VM = path.join(dir, 'VMConnection.csv');
fs.writeFileSync(VM, [
  'TimeGenerated,Computer,BytesSent,RemoteIp',
  '2024-01-01T00:00:00Z,web1,100,1.2.3.4',
  '2024-01-01T01:00:00Z,web1,5000,1.2.3.5',
  '2024-01-01T02:00:00Z,db1,7,10.0.0.1',
  '',
].join('\n'));
const SUMMARY = 'VMConnection | summarize total = sum(BytesSent) by Computer | order by total desc';

test('query --format json: columns typed by the VMConnection schema, values via toJsonValue', async () => {
  const r = await runCli(['query', SUMMARY, '--data', VM, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    columns: [{ name: 'Computer', type: 'string' }, { name: 'total', type: 'long' }],
    rows: [['web1', 5100], ['db1', 7]],
  });
});

test('query --format csv / ndjson / table', async () => {
  const csv = await runCli(['query', SUMMARY, '--data', VM, '--format', 'csv']);
  assert.equal(csv.stdout, 'Computer,total\r\nweb1,5100\r\ndb1,7\r\n');
  const nd = await runCli(['query', SUMMARY, '--data', VM, '--format', 'ndjson']);
  assert.equal(nd.stdout, '{"Computer":"web1","total":5100}\n{"Computer":"db1","total":7}\n');
  const table = await runCli(['query', SUMMARY, '--data', VM]);
  assert.equal(table.stdout, 'Computer  total\n--------  -----\nweb1       5100\ndb1           7\n(2 rows)\n');
});

test('query text from -f FILE and from stdin', async () => {
  const qf = path.join(dir, 'q.kql');
  fs.writeFileSync(qf, SUMMARY);
  const viaFile = await runCli(['query', '-f', qf, '--data', VM, '--format', 'csv']);
  const viaStdin = await runCli(['query', '--data', VM, '--format', 'csv'], SUMMARY);
  assert.equal(viaFile.code, 0);
  assert.equal(viaFile.stdout, viaStdin.stdout);
  assert.match(viaFile.stdout, /^Computer,total/);
});

test('--data Name=FILE and --data DIR', async () => {
  const named = await runCli(['query', 'Conn | count', '--data', `Conn=${VM}`, '--format', 'csv']);
  assert.equal(named.stdout, 'Count\r\n3\r\n');
  const folder = await runCli(['query', 'VMConnection | count', '--data', dir, '--format', 'csv']);
  assert.equal(folder.stdout, 'Count\r\n3\r\n');
});

test('--now fixes now() and ago()', async () => {
  const r = await runCli(['query', 'print n = now(), a = ago(1d)', '--now', '2024-05-01T00:00:00Z', '--format', 'csv']);
  assert.equal(r.stdout, 'n,a\r\n2024-05-01T00:00:00.0000000Z,2024-04-30T00:00:00.0000000Z\r\n');
  assert.equal((await runCli(['query', 'print 1', '--now', 'tuesday'])).code, 2);
});

test('--param values take the declared parameter type', async () => {
  const r = await runCli(['query', 'declare query_parameters(n:long = 1, s:string = "x"); print a = n * 2, b = s', '--param', 'n=21', '--param', 's=hi', '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'a,b\r\n42,hi\r\n');
  const bad = await runCli(['query', 'declare query_parameters(n:long = 1); print n', '--param', 'n=abc']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--param n=abc: not a valid long/);
});

test('errors in the query: exit 1 with file:line:col and a caret on stderr', async () => {
  const r = await runCli(['query', 'VMConnection\n| where Nope > 1', '--data', VM]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /<query>:2:9: error: .*Nope/);
  assert.match(r.stderr, /\n\| where Nope > 1\n {8}\^~~~\n/);
  const syntax = await runCli(['query', 'VMConnection | where (', '--data', VM]);
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /<query>:1:\d+: error: /);
});

test('limits: --max-rows and --timeout fail the query (exit 1)', async () => {
  const rows = await runCli(['query', 'range x from 1 to 100 step 1', '--max-rows', '10']);
  assert.equal(rows.code, 1);
  assert.match(rows.stderr, /row limit of 10/);
  assert.equal((await runCli(['query', 'range x from 1 to 5 step 1', '--max-rows', '10'])).code, 0);
  assert.equal((await runCli(['query', 'print 1', '--max-rows', 'ten'])).code, 2);
  assert.equal((await runCli(['query', 'print 1', '--timeout', '-1'])).code, 2);
});

test('usage errors exit 2', async () => {
  assert.equal((await runCli(['query'], '')).code, 2, 'no query anywhere');
  assert.equal((await runCli(['query', 'print 1', '-f', 'x.kql'])).code, 2);
  assert.equal((await runCli(['query', 'print 1', '--format', 'xml'])).code, 2);
  assert.equal((await runCli(['query', 'print 1', '--param', 'novalue'])).code, 2);
  assert.equal((await runCli(['query', 'print 1', '--bogus'])).code, 2);
});

test('unreadable data is an error (exit 1) naming the file; bad cells are warnings', async () => {
  const badJson = path.join(dir, 'broken.json');
  fs.writeFileSync(badJson, '[{"a": 1},');
  const r = await runCli(['query', 'print 1', '--data', badJson]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.json: not valid JSON/);
  fs.rmSync(badJson);

  const cells = path.join(os.tmpdir(), `kqlhunt-cells-${process.pid}`);
  fs.mkdirSync(cells, { recursive: true });
  const file = path.join(cells, 'VMConnection.csv');
  fs.writeFileSync(file, 'Computer,BytesSent\na,1\nb,lots\nc,2\nd,x\ne,y\nf,z\n');
  const w = await runCli(['query', 'VMConnection | summarize sum(BytesSent), count()', '--data', file, '--format', 'csv']);
  assert.equal(w.code, 0);
  assert.equal(w.stdout, 'sum_BytesSent,count_\r\n3,6\r\n');
  assert.match(w.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: column BytesSent: "lots" is not a valid long; stored as null`));
  assert.match(w.stderr, /\.\.\. and 1 more like these/);
  assert.match(w.stderr, /4 problem\(s\) while loading data/);
});

test('known tables without data run empty, with a note; unknown tables are errors', async () => {
  const r = await runCli(['query', 'DeviceNetworkEvents | count', '--format', 'csv']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'Count\r\n0\r\n');
  assert.match(r.stderr, /no data loaded for table DeviceNetworkEvents/);
  assert.equal((await runCli(['query', 'NoSuchTable | count'])).code, 1);
});

test('real Sentinel exports: a query over CommonSecurityLog samples', async () => {
  const cef = path.join(SHARED, 'data', 'sentinel-samples', 'CEF', 'wirex_sample_DNS.csv');
  const r = await runCli(['query', 'CommonSecurityLog | summarize n = count() by DeviceVendor | order by n desc | take 1', '--data', `CommonSecurityLog=${cef}`, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { rows: [string, number][] };
  assert.equal(out.rows.length, 1);
  assert.ok(out.rows[0]![1] > 0);
});

test('bin/kqlhunt query end to end (exit codes through the real process)', () => {
  const ok = spawnCli(['query', '--data', VM, '--format', 'json'], { input: SUMMARY });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { rows: unknown[] }).rows.length, 2);
  assert.equal(spawnCli(['query', 'VMConnection | where Nope', '--data', VM]).code, 1);
  assert.equal(spawnCli(['query', '--format', 'nope', 'print 1']).code, 2);
});

test('-f with a rule YAML runs its query; errors point at the YAML lines', async () => {
  const rule = path.join(dir, 'rule.yaml');
  fs.writeFileSync(rule, 'id: x\nname: y\nquery: |\n  VMConnection\n  | summarize n = count() by Computer\n  | order by n desc\n');
  const ok = await runCli(['query', '-f', rule, '--data', VM, '--format', 'csv']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'Computer,n\r\nweb1,2\r\ndb1,1\r\n');
  fs.writeFileSync(rule, 'id: x\nquery: |\n  VMConnection\n  | where Nope > 1\n');
  const bad = await runCli(['query', '-f', rule, '--data', VM]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /rule\.yaml:4:11: error: .*Nope/);
  fs.rmSync(rule);
});
