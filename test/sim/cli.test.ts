// `kqlhunt simulate` end to end: files per table plus labels.json, identical bytes for the
// same seed, located usage errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../cli/harness.js';
import { TABLES } from '../../src/sim/output.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-simulate-'));

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) out[f] = createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
  return out;
}

test('simulate writes one NDJSON file per table and labels.json; same seed, same bytes', async () => {
  const args = ['simulate', '--days', '2', '--hosts', '20', '--scale', '0.2', '--seed', '5', '--end', '2024-03-01T06:00:00Z'];
  const a = await runCli([...args, '--out', path.join(base, 'a')]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /rows in [\d.]+ s/);
  const b = await runCli([...args, '--out', path.join(base, 'b')]);
  assert.equal(b.code, 0, b.stderr);
  const files = Object.keys(digest(path.join(base, 'a')));
  assert.deepEqual(files, [...TABLES.map((t) => `${t}.ndjson`), 'labels.json'].sort());
  assert.deepEqual(digest(path.join(base, 'a')), digest(path.join(base, 'b')));
  const labels = JSON.parse(fs.readFileSync(path.join(base, 'a', 'labels.json'), 'utf8')) as { end: string; seed: number };
  assert.equal(labels.end, '2024-03-01T06:00:00.000Z');
  assert.equal(labels.seed, 5);
  const c = await runCli([...args.slice(0, -4), '--seed', '6', '--end', '2024-03-01T06:00:00Z', '--out', path.join(base, 'c')]);
  assert.equal(c.code, 0, c.stderr);
  assert.notDeepEqual(digest(path.join(base, 'c')), digest(path.join(base, 'a')));
});

test('simulate --scenarios picks scenarios; none gives a clean baseline', async () => {
  const r = await runCli(['simulate', '--days', '1', '--hosts', '15', '--scale', '0.1', '--scenarios', 'c2-beacon,dns-tunnelling', '--out', path.join(base, 'd')]);
  assert.equal(r.code, 0, r.stderr);
  const labels = JSON.parse(fs.readFileSync(path.join(base, 'd', 'labels.json'), 'utf8')) as { scenarios: { name: string }[] };
  assert.deepEqual(labels.scenarios.map((s) => s.name), ['dns-tunnelling', 'c2-beacon']);
  const none = await runCli(['simulate', '--days', '1', '--hosts', '15', '--scale', '0.1', '--scenarios', 'none', '--out', path.join(base, 'e')]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal((JSON.parse(fs.readFileSync(path.join(base, 'e', 'labels.json'), 'utf8')) as { scenarios: unknown[] }).scenarios.length, 0);
});

test('simulate usage errors name the flag', async () => {
  for (const [args, pattern] of [
    [['--days', '0'], /--days must be a positive number/],
    [['--hosts', 'many'], /--hosts must be a positive integer/],
    [['--end', 'yesterday'], /--end must be an ISO 8601/],
    [['--scenarios', 'exfil'], /unknown scenario 'exfil'/],
    [['--bogus'], /--bogus/],
  ] as const) {
    const r = await runCli(['simulate', ...args, '--out', path.join(base, 'x')]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  const help = await runCli(['simulate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--scenarios LIST/);
});

test('simulate --store commits every row to the store once; the same options again are skipped', async () => {
  const store = path.join(base, 'store');
  const args = ['simulate', '--days', '1', '--hosts', '15', '--scale', '0.2', '--seed', '9', '--store', store];
  const first = await runCli([...args, '--out', path.join(base, 'files')]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /segment\(s\)/);
  const labels = JSON.parse(fs.readFileSync(path.join(base, 'files', 'labels.json'), 'utf8')) as { end: string };
  const counted = await runCli(['query', '--now', labels.end, '--store', store, '--format', 'json',
    'union withsource=T DeviceNetworkEvents, VMConnection, DnsEvents, CommonSecurityLog, DeviceFileEvents, DeviceProcessEvents | summarize n = count() by T, Type | order by T asc']);
  assert.equal(counted.code, 0, counted.stderr);
  const rows = (JSON.parse(counted.stdout) as { rows: [string, string, number][] }).rows;
  const lines = (t: string): number => fs.readFileSync(path.join(base, 'files', `${t}.ndjson`), 'utf8').split('\n').filter((l) => l !== '').length;
  assert.deepEqual(rows, [...TABLES].sort().map((t) => [t, t, lines(t)]));
  const again = await runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already in the store/);
  const recount = await runCli(['query', '--now', labels.end, '--store', store, '--format', 'json', 'DnsEvents | count']);
  assert.deepEqual((JSON.parse(recount.stdout) as { rows: number[][] }).rows, [[lines('DnsEvents')]]);
});

test('simulate writes the same bytes and the same store rows, in the same order, whatever the number of threads', async () => {
  // Three days starting at noon are four UTC days: more days than threads, so threads take several days each.
  const args = ['simulate', '--days', '3', '--hosts', '25', '--scale', '0.3', '--seed', '13'];
  for (const threads of ['1', '2', '3']) {
    const r = await runCli([...args, '--threads', threads, '--out', path.join(base, `t${threads}`), '--store', path.join(base, `ts${threads}`)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const files = digest(path.join(base, 't1'));
  assert.deepEqual(digest(path.join(base, 't2')), files);
  assert.deepEqual(digest(path.join(base, 't3')), files);
  const rows = async (store: string): Promise<unknown> => {
    // No sort: rows come in store order, which must be the files' order.
    const q = await runCli(['query', '--now', '2024-06-14T12:00:00Z', '--store', store, '--format', 'json',
      'union withsource=T DeviceNetworkEvents, VMConnection, DnsEvents, CommonSecurityLog, DeviceFileEvents, DeviceProcessEvents | project T, TimeGenerated, LocalPort, ReportId, BytesSent, Name, Message']);
    assert.equal(q.code, 0, q.stderr);
    return JSON.parse(q.stdout);
  };
  const one = await rows(path.join(base, 'ts1'));
  assert.deepEqual(await rows(path.join(base, 'ts2')), one);
  assert.deepEqual(await rows(path.join(base, 'ts3')), one);
  for (const [value, message] of [['0', /--threads must be a positive integer/], ['65', /--threads must be at most 64/]] as const) {
    const bad = await runCli([...args, '--threads', value, '--out', path.join(base, 'x')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, message);
  }
});

test('progress is a bar redrawn in place on a terminal, and nothing at all otherwise', async () => {
  const { simulateCommand, progressBar } = await import('../../src/cli/simulate.js');
  assert.equal(progressBar(0, 48, 0, 0), `simulating [${'.'.repeat(30)}]   0% 0/48 h 0 rows`);
  assert.equal(progressBar(24, 48, 1_500_000, 2), `simulating [${'#'.repeat(15)}${'.'.repeat(15)}]  50% 24/48 h 1,500,000 rows 750,000 rows/s`);
  assert.match(progressBar(48, 48, 10, 1), /^simulating \[#{30}\] 100% 48\/48 h/);
  const run = async (isTTY: boolean, dir: string): Promise<string> => {
    let err = '';
    const io = { stdout: () => {}, stderr: (text: string) => { err += text; }, readStdin: async () => undefined };
    const code = await simulateCommand(['--days', '0.5', '--hosts', '10', '--scale', '0.1', '--out', path.join(base, dir)], io, isTTY);
    assert.equal(code, 0, err);
    return err;
  };
  const terminal = await run(true, 'tty');
  assert.match(terminal, /\rsimulating \[#{30}\] 100% (\d+)\/\1 h [\d,]+ rows [\d,]+ rows\/s\x1b\[K/);
  // The bar is erased before the summary, so the summary starts on a clean line.
  assert.match(terminal, /\r\x1b\[Kkqlhunt simulate: [\d,]+ rows in/);
  const piped = await run(false, 'pipe');
  assert.ok(!piped.includes('\r') && !piped.includes('simulating ['), piped);
  assert.match(piped, /^kqlhunt simulate: [\d,]+ rows in/);
});
