import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../util/paths.js';
import { runCli, spawnCli } from './harness.js';

test('--version prints the package version', async () => {
  const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `kqlhunt ${version}\n`);
});

test('help: general and per command', async () => {
  const general = await runCli(['help']);
  assert.equal(general.code, 0);
  for (const cmd of ['start', 'query', 'check', 'validate', 'hunt', 'alerts', 'ingest', 'store', 'simulate']) {
    assert.match(general.stdout, new RegExp(`\\n  ${cmd} `), `main help lists ${cmd}`);
  }
  for (const cmd of ['query', 'check', 'start', 'validate', 'hunt', 'alerts', 'ingest', 'store', 'simulate']) {
    const viaHelp = await runCli(['help', cmd]);
    const viaFlag = await runCli([cmd, '--help']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaFlag.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaFlag.stdout, new RegExp(`^Usage: kqlhunt ${cmd}`));
  }
});

test('no command or an unknown one is bad usage (exit 2)', async () => {
  assert.equal((await runCli([])).code, 2);
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.equal((await runCli(['help', 'frobnicate'])).code, 2);
});

test('bin/kqlhunt sets the exit code', () => {
  assert.equal(spawnCli(['--version']).code, 0);
  assert.equal(spawnCli(['nope']).code, 2);
});
