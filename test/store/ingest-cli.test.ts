import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../src/cli/main.js';
import { ingestCommand } from '../../src/cli/ingest.js';
import { storeCommand } from '../../src/cli/store-command.js';
import { query } from '../../src/kql/index.js';
import { Store } from '../../src/store/store.js';
import { rowsOf, tempDir } from './helpers.js';

interface Run { code: number; stdout: string; stderr: string }

function io(): { io: Parameters<typeof main>[1] & object; out: () => Run } {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, readStdin: async () => undefined },
    out: () => ({ code: -1, stdout, stderr }),
  };
}

async function ingest(argv: string[], stdin?: Buffer): Promise<Run> {
  const c = io();
  const code = await ingestCommand(argv, c.io!, { progress: false, ...(stdin ? { readStdinBytes: async () => stdin } : {}) });
  return { ...c.out(), code };
}

const CEF = [
  'CEF:0|Palo Alto Networks|PAN-OS|10.0|end|TRAFFIC|3|rt=May 01 2024 10:00:00 GMT src=10.0.0.1 dst=8.8.8.8 spt=5000 dpt=53 proto=UDP act=allow',
  'CEF:0|Palo Alto Networks|PAN-OS|10.0|end|TRAFFIC|3|rt=May 02 2024 11:00:00 GMT src=10.0.0.2 dst=1.1.1.1 spt=5001 dpt=443 proto=TCP act=deny',
  '\u0000\u0001 binary junk',
].join('\n') + '\n';

function writeLogs(): { dir: string; cef: string } {
  const dir = tempDir('kqlhunt-logs-');
  const cef = path.join(dir, 'fw.log');
  fs.writeFileSync(cef, CEF);
  return { dir, cef };
}

test('ingest writes rows and quarantine, prints one JSON summary line, and re-ingest is a no-op', async () => {
  const store = tempDir();
  const { cef } = writeLogs();
  const first = await ingest(['--store', store, '--summary', 'json', cef]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.stdout.split('\n').filter(Boolean).length, 1);
  assert.deepEqual(JSON.parse(first.stdout), { lines: 3, tables: { CommonSecurityLog: 2 }, quarantined: 1 });

  // The same bytes under another name are recognised too.
  const copy = path.join(path.dirname(cef), 'copy.log');
  fs.copyFileSync(cef, copy);
  const again = await ingest(['--store', store, '--summary', 'json', cef, copy]);
  assert.equal(again.code, 0);
  assert.deepEqual(JSON.parse(again.stdout), { lines: 0, tables: {}, quarantined: 0 });
  assert.match(again.stderr, /already in the store; skipped/);
  assert.match(again.stderr, /copy\.log: already in the store \(same bytes as .*fw\.log\)/);

  const s = Store.open(store);
  const r = query('CommonSecurityLog | order by TimeGenerated asc | project DestinationPort, DeviceAction', { tables: s.provider() });
  assert.deepEqual(rowsOf(r.table), [{ DestinationPort: 53, DeviceAction: 'allow' }, { DestinationPort: 443, DeviceAction: 'deny' }]);
  const q = query('Quarantine | project SourceFile, LineNumber, Format', { tables: s.provider() });
  assert.deepEqual(rowsOf(q.table), [{ SourceFile: cef, LineNumber: 3, Format: 'binary' }]);
});

test('standard input (gzip too) and plain table files with --table', async () => {
  const store = tempDir();
  const viaStdin = await ingest(['--store', store, '--summary', 'json', '-'], gzipSync(Buffer.from(CEF)));
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.deepEqual(JSON.parse(viaStdin.stdout).tables, { CommonSecurityLog: 2 });

  const dir = tempDir('kqlhunt-logs-');
  const csv = path.join(dir, 'assets.csv');
  fs.writeFileSync(csv, 'Host,Owner,Seen\nweb1,alice,2024-05-01T00:00:00Z\ndb1,bob,2024-05-02T00:00:00Z\n');
  const t = await ingest(['--store', store, '--summary', 'json', '--format', 'csv', '--table', 'Assets', csv]);
  assert.equal(t.code, 0, t.stderr);
  assert.deepEqual(JSON.parse(t.stdout), { lines: 3, tables: { Assets: 2 }, quarantined: 0 });
  const s = Store.open(store);
  assert.deepEqual(s.schema('Assets'), [{ name: 'Host', type: 'string' }, { name: 'Owner', type: 'string' }, { name: 'Seen', type: 'datetime' }]);
  assert.deepEqual(s.table('Assets')!.timeColumn, 'Seen');
});

test('exit codes: 2 for usage, 1 for unreadable files (others still ingested), 0 otherwise', async () => {
  const store = tempDir();
  const { cef } = writeLogs();
  await assert.rejects(ingest(['--store', store]), /no input/);
  await assert.rejects(ingest(['--store', store, '--format', 'bogus', cef]), /--format must be one of/);
  const c = io();
  assert.equal(await main(['ingest', '--store', store], c.io), 2);
  const missing = await ingest(['--store', store, '--summary', 'json', path.join(store, 'nope.log'), cef]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.log: ENOENT/);
  assert.deepEqual(JSON.parse(missing.stdout).tables, { CommonSecurityLog: 2 });
  await assert.rejects(ingest(['--store', store, '--format', 'csv', '-'], Buffer.from('a\n1\n')), /needs --table/);
  const parquetStdin = await ingest(['--store', store, '--format', 'parquet', '--table', 'P', '-'], Buffer.from('x'));
  assert.equal(parquetStdin.code, 1);
  assert.match(parquetStdin.stderr, /parquet cannot be read from standard input/);
});

test('a file that fails mid-way commits nothing of itself', async () => {
  const store = tempDir();
  const dir = tempDir('kqlhunt-logs-');
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{ not json');
  const r = await ingest(['--store', store, '--summary', 'json', '--format', 'json', '--table', 'X', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read .*bad\.json/);
  assert.equal(Store.open(store).table('X'), undefined);
  assert.deepEqual(Object.keys(Store.open(store).manifest.sources), [], 'a failed file is not recorded, so it can be retried');
});

test('store prune and info', async () => {
  const store = tempDir();
  const { cef } = writeLogs();
  await ingest(['--store', store, cef]);
  const c = io();
  const now = (): number => Date.parse('2024-05-03T12:00:00Z');
  assert.equal(await storeCommand(['prune', '--older-than', '1d', '--store', store], c.io, now), 0);
  assert.match(c.out().stdout, /pruned 1 partition\(s\), 1 segment\(s\), 1 row\(s\)/);
  const s = Store.open(store);
  assert.equal(s.rowCount('CommonSecurityLog'), 1);
  assert.equal(s.rowCount('Quarantine'), 1, 'quarantine rows are dated by ingestion (now), so they stay');
  const i = io();
  assert.equal(await storeCommand(['info', '--store', store], i.io), 0);
  assert.match(i.out().stdout, /CommonSecurityLog: 1 rows, 1 partition/);
  await assert.rejects(storeCommand(['prune', '--store', store], io().io), /needs --older-than/);
  await assert.rejects(storeCommand(['prune', '--older-than', 'soon', '--store', store], io().io), /--older-than must be/);
  const missing = io();
  assert.equal(await storeCommand(['info', '--store', path.join(store, 'none')], missing.io), 1);
});

test('query and check read the store when no --data is given', async () => {
  const store = tempDir();
  const dir = tempDir('kqlhunt-logs-');
  const csv = path.join(dir, 'inv.csv');
  fs.writeFileSync(csv, 'Host,Cores\nweb1,4\ndb1,16\n');
  assert.equal((await ingest(['--store', store, '--format', 'csv', '--table', 'Inventory', csv])).code, 0);
  const q = io();
  assert.equal(await main(['query', '--store', store, '--format', 'csv', 'Inventory | where Cores > 8 | project Host'], q.io), 0, q.out().stderr);
  assert.equal(q.out().stdout.trim().split(/\r?\n/).pop(), 'db1');
  const rule = path.join(dir, 'r.kql');
  fs.writeFileSync(rule, 'Inventory | where Cores > 8 | project Host, Missing\n');
  const withStore = io();
  assert.equal(await main(['check', '--store', store, rule], withStore.io), 1);
  assert.match(withStore.out().stdout, /Missing/);
  assert.equal(withStore.out().stdout.match(/error:/g)?.length, 1, 'the table itself is known from the store');
  const noStore = io();
  assert.equal(await main(['query', '--store', path.join(store, 'none'), 'print 1'], noStore.io), 2);
  assert.match(noStore.out().stderr, /no store there/);
});
