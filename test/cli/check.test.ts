import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEED_QUERIES, SHARED } from '../util/paths.js';
import { runCli } from './harness.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-check-'));
}

const GOOD = 'VMConnection\n| where BytesSent > 1000\n| summarize total = sum(BytesSent) by Computer\n';
const BAD_COLUMN = 'VMConnection\n| where NoSuchColumn > 1\n';

test('check: a good file passes (exit 0) and a bad one fails (exit 1) with file:line:col and a caret', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'good.kql'), GOOD);
  fs.writeFileSync(path.join(dir, 'bad.kql'), BAD_COLUMN);
  const ok = await runCli(['check', path.join(dir, 'good.kql')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 file checked: 1 ok, 0 with errors/);
  const bad = await runCli(['check', path.join(dir, 'bad.kql')]);
  assert.equal(bad.code, 1);
  const lines = bad.stdout.split('\n');
  assert.match(lines[0]!, new RegExp(`^${path.join(dir, 'bad.kql').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:9: error: .*NoSuchColumn`));
  assert.equal(lines[1], '| where NoSuchColumn > 1');
  assert.equal(lines[2], '        ^~~~~~~~~~~~');
});

test('check --syntax-only ignores unknown names but not syntax errors', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'names.kql'), BAD_COLUMN);
  fs.writeFileSync(path.join(dir, 'syntax.kql'), 'T | where (x > 1\n');
  assert.equal((await runCli(['check', '--syntax-only', path.join(dir, 'names.kql')])).code, 0);
  const r = await runCli(['check', '--syntax-only', path.join(dir, 'syntax.kql')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /syntax\.kql:\d+:\d+: error: /);
});

test('check --format json: one array, an object per input, schema of good queries', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.kql'), GOOD);
  fs.writeFileSync(path.join(dir, 'b.kql'), BAD_COLUMN);
  const r = await runCli(['check', '--format', 'json', dir]);
  assert.equal(r.code, 1);
  const reports = JSON.parse(r.stdout) as { file: string; ok: boolean; diagnostics: { severity: string; code: string; message: string; line: number; column: number }[]; schema: unknown }[];
  assert.equal(reports.length, 2);
  const [a, b] = reports;
  assert.equal(a!.ok, true);
  assert.deepEqual(a!.diagnostics, []);
  assert.deepEqual(a!.schema, [{ name: 'Computer', type: 'string' }, { name: 'total', type: 'long' }]);
  assert.equal(b!.ok, false);
  assert.equal(b!.schema, null, 'a query with errors has no result schema');
  assert.deepEqual(Object.keys(b!.diagnostics[0]!).sort(), ['code', 'column', 'line', 'message', 'severity']);
  assert.equal(b!.diagnostics[0]!.line, 2);
  assert.equal(b!.diagnostics[0]!.column, 9);
  assert.equal(b!.diagnostics[0]!.severity, 'error');
});

test('check: rule YAML is checked by its query; positions are the YAML file\'s lines', async () => {
  const dir = tempDir();
  const yaml = [
    'id: 0000',
    'name: test rule',
    'query: |',
    '  VMConnection',
    '  | where NoSuchColumn > 1',
    'entityMappings: []',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'rule.yaml'), yaml);
  const r = await runCli(['check', path.join(dir, 'rule.yaml')]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /rule\.yaml:5:11: error: .*NoSuchColumn/);
  assert.equal(lines[1], '  | where NoSuchColumn > 1');
  assert.equal(lines[2], '          ^~~~~~~~~~~~');
});

test('check: YAML without a query, or not YAML at all, is an error that names the file', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'noquery.yaml'), 'id: 1\nname: x\n');
  fs.writeFileSync(path.join(dir, 'broken.yml'), 'query: |\n  T\n bad: [\n');
  const r = await runCli(['check', '--format', 'json', dir]);
  assert.equal(r.code, 1);
  const reports = JSON.parse(r.stdout) as { file: string; ok: boolean; diagnostics: { message: string }[] }[];
  const byName = Object.fromEntries(reports.map((x) => [path.basename(x.file), x]));
  assert.match(byName['noquery.yaml']!.diagnostics[0]!.message, /no 'query' field/);
  assert.match(byName['broken.yml']!.diagnostics[0]!.message, /not valid YAML/);
});

test('check: real Sentinel rules and the seeds', async () => {
  const rules = path.join(SHARED, 'sentinel', 'rules', 'Detections', 'DnsEvents');
  const r = await runCli(['check', '--format', 'json', rules]);
  const reports = JSON.parse(r.stdout) as { ok: boolean; schema: unknown }[];
  assert.ok(reports.length > 0);
  assert.ok(reports.filter((x) => x.ok).length >= reports.length / 2, 'most DnsEvents rules check clean');
  // Seed 001-01a has known faults (BytesSent is not a DeviceNetworkEvents column; count() outside summarize).
  const seed = await runCli(['check', path.join(SEED_QUERIES, '001-01a-detect-large-data-transfers-to-unknown-ips.kql')]);
  assert.equal(seed.code, 1);
  assert.match(seed.stdout, /BytesSent/);
});

test('check: usage errors exit 2', async () => {
  assert.equal((await runCli(['check'])).code, 2);
  assert.equal((await runCli(['check', '/no/such/file.kql'])).code, 2);
  assert.equal((await runCli(['check', '--format', 'xml', 'x.kql'])).code, 2);
  const r = await runCli(['check', '--frobnicate', 'x.kql']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--frobnicate/);
});

test('check --schemas adds tables; the last --schemas wins', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  fs.writeFileSync(path.join(a, 'my.json'), JSON.stringify({ name: 'MyTable_CL', columns: [{ name: 'x', type: 'long' }] }));
  fs.writeFileSync(path.join(b, 'my.json'), JSON.stringify({ Name: 'MyTable_CL', Properties: [{ Name: 'y', Type: 'String' }] }));
  const q = path.join(dir, 'q.kql');
  fs.writeFileSync(q, 'MyTable_CL | project y');
  assert.equal((await runCli(['check', q])).code, 1, 'unknown table without --schemas');
  assert.equal((await runCli(['check', '--schemas', a, '--schemas', b, q])).code, 0);
  assert.equal((await runCli(['check', '--schemas', b, '--schemas', a, q])).code, 1);
  fs.writeFileSync(path.join(b, 'broken.json'), '{');
  const warned = await runCli(['check', '--schemas', b, q]);
  assert.equal(warned.code, 0);
  assert.match(warned.stderr, /warning: schema skipped: .*broken\.json: not valid JSON/);
});
