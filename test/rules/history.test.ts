// The rarity rules' history beyond their window (kqlhunt.firstSeen bucketed tables): rule 15
// judges a country's rarity, and rule 14 a domain's, against connections and lookups that
// earlier runs recorded, so what the estate used 20 days ago is not rare today; with no
// recorded history (a fresh store) the same data is judged on the window alone, as before.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AlertStore } from '../../src/detect/alert-store.js';
import { hunt } from '../../src/detect/hunt.js';
import { loadRuleFile, type Rule } from '../../src/detect/rule.js';
import { memoryData, type HuntData } from '../../src/detect/runner.js';
import { loadWatchlists } from '../../src/detect/watchlists.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import type { Scalar, Table } from '../../src/kql/index.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { REPO_ROOT } from '../util/paths.js';

const catalog = loadSchemaCatalog();
const watchlists = loadWatchlists([path.join(REPO_ROOT, 'content', 'watchlists')]);
const NOW = parseDatetimeString('2024-06-30T12:00:00Z')!;
const DAY = 864_000_000_000n;
const HOUR = DAY / 24n;
const MB = 1024 * 1024;

function packRule(file: string): Rule {
  return loadRuleFile(path.join(REPO_ROOT, 'content', 'rules', file)).rules[0]!;
}

/** A table with every column of the catalogue's schema; columns the rows leave out are null. */
function table(name: string, rows: Record<string, Scalar>[]): Table {
  const schema = catalog.tables.get(name)!;
  return { length: rows.length, columns: schema.map((c) => ({ name: c.name, column: columnFromScalars(c.type, rows.map((r) => r[c.name] ?? null)) })) };
}

function repeat<T>(n: number, row: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => row(i));
}

async function alertsAt(rule: Rule, data: HuntData, at: bigint, storeDir: string): Promise<Record<string, unknown>[]> {
  const store = new AlertStore(storeDir);
  try {
    const result = await hunt({ rules: [rule], times: { at }, data, watchlists, store });
    assert.deepEqual(result.health.map((h) => h.error), [undefined]);
    return result.runs[0]!.rows;
  } finally {
    store.close();
  }
}

const tempStore = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-history-'));

test('rule 15: a country the estate used 20 days ago is not rare today; one it never used is; a fresh store flags both', async () => {
  const rule = packRule('15-rare-country-connection-by-process.yaml');
  const flow = (at: bigint, computer: string, process: string, source: string, destination: string, country: string): Record<string, Scalar> => ({
    TimeGenerated: at, Computer: computer, Direction: 'outbound', ProcessName: process, SourceIp: source, DestinationIp: destination,
    DestinationPort: 443, Protocol: 'tcp', RemoteCountry: country, BytesSent: 10_000, BytesReceived: 50_000,
  });
  const vm = table('VMConnection', [
    // A common country every day of the window: the history requirement is met.
    ...repeat(13, (d) => flow(NOW - BigInt(d + 1) * DAY, 'ws1', 'chrome.exe', '10.0.0.5', '8.8.4.4', 'United States')),
    // 20 days ago, beyond the 14-day window: ten connections to Freedonia.
    ...repeat(10, (i) => flow(NOW - 20n * DAY + BigInt(i) * HOUR, 'ws1', 'chrome.exe', '10.0.0.5', '203.0.113.7', 'Freedonia')),
    flow(NOW - 2n * HOUR, 'ws1', 'chrome.exe', '10.0.0.5', '203.0.113.7', 'Freedonia'),
    flow(NOW - 2n * HOUR, 'ws2', 'evil.exe', '10.0.0.6', '198.51.100.9', 'Ruritania'),
  ]);
  const data = memoryData(new Map([['VMConnection', vm]]), catalog.tables);
  const countries = (rows: Record<string, unknown>[]): string[] => rows.map((r) => String(r['RemoteCountry'])).sort();

  assert.deepEqual(countries(await alertsAt(rule, data, NOW, tempStore())), ['Freedonia', 'Ruritania']);
  const dir = tempStore();
  // The daily run of 19 days ago recorded its window, which held the Freedonia connections.
  assert.deepEqual(await alertsAt(rule, data, NOW - 19n * DAY, dir), []);
  assert.deepEqual(countries(await alertsAt(rule, data, NOW, dir)), ['Ruritania']);
  // Running the same slot again reads and records the same history.
  assert.deepEqual(countries(await alertsAt(rule, data, NOW, dir)), ['Ruritania']);
});

test('rule 14: a domain looked up heavily 20 days ago is not rare today; a rarely used one is; a fresh store flags both', async () => {
  const rule = packRule('14-rare-dns-lookup-with-data-transfer.yaml');
  const lookup = (at: bigint, client: string, name: string, address: string): Record<string, Scalar> => ({
    TimeGenerated: at, SubType: 'LookupQuery', ClientIP: client, Name: name, QueryType: 'A', IPAddresses: address,
  });
  const dns = table('DnsEvents', [
    // 400 lookups on one day 20 days ago: over the 12 whole days before the 8-day window, 33 a day.
    ...repeat(400, (i) => lookup(NOW - 20n * DAY + BigInt(i) * 1_000_000_000n, '10.0.0.7', 'portal.vendor.example', '203.0.113.50')),
    // Both domains were looked up (rarely) in the last week, and again today.
    lookup(NOW - 3n * DAY, '10.0.0.5', 'portal.vendor.example', '203.0.113.50'),
    lookup(NOW - 3n * DAY, '10.0.0.6', 'files.newpartner.example', '198.51.100.60'),
    lookup(NOW - 3n * HOUR, '10.0.0.5', 'portal.vendor.example', '203.0.113.50'),
    lookup(NOW - 3n * HOUR, '10.0.0.6', 'files.newpartner.example', '198.51.100.60'),
  ]);
  const upload = (client: string, destination: string): Record<string, Scalar> => ({
    TimeGenerated: NOW - 2n * HOUR, Computer: client, Direction: 'outbound', SourceIp: client, DestinationIp: destination,
    DestinationPort: 443, Protocol: 'tcp', BytesSent: 100 * MB, BytesReceived: MB,
  });
  const vm = table('VMConnection', [upload('10.0.0.5', '203.0.113.50'), upload('10.0.0.6', '198.51.100.60')]);
  const data = memoryData(new Map([['DnsEvents', dns], ['VMConnection', vm]]), catalog.tables);
  const domains = (rows: Record<string, unknown>[]): string[] => rows.map((r) => String(r['Domain'])).sort();

  assert.deepEqual(domains(await alertsAt(rule, data, NOW, tempStore())), ['newpartner.example', 'vendor.example']);
  const dir = tempStore();
  assert.deepEqual(await alertsAt(rule, data, NOW - 19n * DAY, dir), []);
  assert.deepEqual(domains(await alertsAt(rule, data, NOW, dir)), ['newpartner.example']);
  assert.deepEqual(domains(await alertsAt(rule, data, NOW, dir)), ['newpartner.example']);
});
