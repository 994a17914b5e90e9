// Rules against real captures from the Stratosphere lab (Zeek logs, timestamps masked to
// 1970-01-01): the DGA beaconing rule must name the malware's generated domains in the
// malicious capture and stay quiet on the mixed capture, which has no DNS log.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ingestCommand } from '../../src/cli/ingest.js';
import { hunt } from '../../src/detect/hunt.js';
import { loadRuleFile } from '../../src/detect/rule.js';
import { loadWatchlists } from '../../src/detect/watchlists.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { storeHuntData } from '../../src/cli/hunt-inputs.js';
import { contentCatalogue } from '../../src/cli/engine.js';
import type { HuntData } from '../../src/detect/runner.js';
import { REPO_ROOT, SHARED } from '../util/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-stratosphere-'));
const dgaRule = loadRuleFile(path.join(REPO_ROOT, 'content', 'rules', '22-dns-beaconing-dga.yaml')).rules[0]!;
const watchlists = loadWatchlists([path.join(REPO_ROOT, 'content', 'watchlists')]);
const at = parseDatetimeString('1970-01-02T00:00:00Z')!;

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

// As `kqlhunt hunt --store` reads a store: tables the capture lacks are known and empty, and
// the content views (DnsEvents over Zeek's dns log) apply.
async function ingestCapture(name: string): Promise<HuntData> {
  const dir = path.join(tmp, name);
  let err = '';
  const io = { stdout: () => {}, stderr: (s: string) => { err += s; }, readStdin: async () => undefined };
  const code = await ingestCommand(['--store', dir, path.join(SHARED, 'data', 'stratosphere', name, 'data')], io);
  assert.equal(code, 0, `ingest ${name}: ${err}`);
  return storeHuntData(dir, loadSchemaCatalog());
}

async function runDgaRule(data: HuntData) {
  const result = await hunt({ rules: [dgaRule], times: { at }, watchlists, data, views: contentCatalogue() });
  assert.deepEqual(result.health.filter((h) => h.status === 'failed').map((h) => h.error), []);
  return result.alerts;
}

test('22-dns-beaconing-dga names the generated domains the malware beacons to (009-zeek-malicious)', async () => {
  const alerts = await runDgaRule(await ingestCapture('009-zeek-malicious'));
  assert.equal(alerts.length, 1, alerts.map((a) => a.displayName).join(' | '));
  const text = JSON.stringify(alerts[0]).toLowerCase();
  for (const domain of ['jepntwjomiaq.su', 'yswyrxqu.work', 'cxewiwbohq.biz', 'psvykcmk.su']) assert.ok(text.includes(domain), `no ${domain} in ${text.slice(0, 2000)}`);
  assert.ok(text.includes('192.168.1.122'), 'the infected client is named');
  // The benign names that the same capture looks up hundreds of times are not named.
  assert.ok(!text.includes('tvnet.hu') && !text.includes('msftncsi'), text.slice(0, 2000));
});

test('22-dns-beaconing-dga stays quiet on a capture without DNS beaconing (008-zeek-mixed)', async () => {
  const alerts = await runDgaRule(await ingestCapture('008-zeek-mixed'));
  assert.deepEqual(alerts.map((a) => a.displayName), []);
});
