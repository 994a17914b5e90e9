// `kqlhunt start` end to end on a tiny estate: the first run simulates into an empty store,
// hunts with the pack and writes the summary and the JSON lines file; the second run reuses
// the simulation and reports the same alerts; a store holding other data is not touched.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startCommand } from '../../src/cli/start.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-start-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function capture(): { io: Parameters<typeof startCommand>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => undefined }, out: () => out, err: () => err };
}

test('first run simulates and hunts; the second reuses the simulation and reports the same alerts', async () => {
  const store = path.join(tmp, 'store');
  const jsonl = path.join(tmp, 'alerts.jsonl');
  const first = capture();
  assert.equal(await startCommand(['--store', store, '--hosts', '8', '--days', '5', '--seed', '99', '--jsonl', jsonl], first.io), 0, first.err());
  assert.match(first.out(), /simulation: none yet; simulating 5 days x 8 hosts \(seed 99\)/);
  assert.match(first.out(), /hunt: 23 rules as of 2024-06-14T12:00:00(\.000)?Z: 23 ok, 0 failed/);
  assert.match(first.out(), /rule +severity +alerts +top entities/);
  assert.match(first.out(), /next:\n.*alerts/);
  assert.ok(fs.existsSync(path.join(store, 'labels.json')));
  const alerts = fs.readFileSync(jsonl, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { ruleName: string; runTime: string });
  assert.ok(alerts.length > 0, 'the injected scenarios of the last day raise alerts');
  for (const a of alerts) assert.equal(Date.parse(a.runTime), Date.parse('2024-06-14T12:00:00Z'));
  const total = /total: (\d+) alert/.exec(first.out());
  assert.equal(Number(total?.[1]), alerts.length);

  const second = capture();
  assert.equal(await startCommand(['--store', store, '--jsonl', jsonl], second.io), 0, second.err());
  assert.match(second.out(), /simulation: reusing 5 days x \d+ hosts \(seed 99\)/);
  assert.doesNotMatch(second.out(), /simulating/);
  assert.equal(fs.readFileSync(jsonl, 'utf8').trim().split('\n').length, alerts.length);
});

test('a store with data that is not a simulation is left alone', async () => {
  const store = path.join(tmp, 'other');
  fs.mkdirSync(store, { recursive: true });
  fs.writeFileSync(path.join(store, 'manifest.json'), JSON.stringify({ tables: { Syslog: {} } }));
  const run = capture();
  assert.equal(await startCommand(['--store', store], run.io), 1);
  assert.match(run.err(), /holds data \(Syslog\) that is not a kqlhunt simulation/);
  assert.ok(!fs.existsSync(path.join(store, 'labels.json')));
});

test('bad options are usage errors', async () => {
  await assert.rejects(startCommand(['--hosts', '0'], capture().io), /--hosts must be a positive integer/);
  await assert.rejects(startCommand(['extra'], capture().io), /unexpected argument 'extra'/);
});
