// The simulator: every scenario present and labelled, benign heavy hitters present, rows
// valid against the table schemas, byte-for-byte determinism, visible seasonality.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { memoryOutput, TABLES, type TableName } from '../../src/sim/output.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { simulate, type SimulationOptions } from '../../src/sim/simulate.js';
import { countryOf } from '../../src/sim/geo.js';
import { Rng } from '../../src/sim/prng.js';

const END = Date.parse('2024-06-14T12:00:00Z');
const SMALL: SimulationOptions = { days: 4, hosts: 40, seed: 7, endMs: END, scale: 0.25 };

function run(options: SimulationOptions) {
  const mem = memoryOutput();
  const result = simulate(options, mem.output);
  mem.output.close();
  const lines = (t: TableName): string[] => mem.text(t).split('\n').filter((l) => l !== '');
  return { result, text: mem.text, lines };
}

const small = run(SMALL);
const parsed = new Map<TableName, Record<string, unknown>[]>(TABLES.map((t) => [t, small.lines(t).map((l) => JSON.parse(l) as Record<string, unknown>)]));

test('every scenario is present, labelled with techniques, a window and traceable rows', () => {
  const labels = small.result.labels;
  assert.deepEqual(labels.scenarios.map((s) => s.name), SCENARIOS.map((s) => s.name));
  for (const s of labels.scenarios) {
    assert.ok(s.techniques.length > 0 && s.techniques.every((t) => /^T\d{4}(\.\d{3})?$/.test(t)), s.name);
    const rowLists = Object.entries(s.rows);
    assert.ok(rowLists.length > 0, `${s.name} produced no rows`);
    assert.ok(s.entities.hosts.length > 0, `${s.name} names no host`);
    assert.ok(s.window.start >= labels.start && s.window.end <= labels.end, `${s.name} window ${s.window.start}..${s.window.end}`);
    for (const [table, indexes] of rowLists) {
      const rows = parsed.get(table as TableName)!;
      for (const i of indexes!) {
        const row = rows[i];
        assert.ok(row, `${s.name}: ${table} row ${i} does not exist`);
        const t = String(row['TimeGenerated']);
        assert.ok(t >= s.window.start && t <= s.window.end, `${s.name}: ${table} row ${i} at ${t} outside its window`);
      }
    }
  }
});

test('labelled rows carry the scenario entities (hosts and remote addresses)', () => {
  for (const s of small.result.labels.scenarios) {
    const net = s.rows.DeviceNetworkEvents ?? [];
    const rows = parsed.get('DeviceNetworkEvents')!;
    for (const i of net) {
      const r = rows[i]!;
      assert.ok(s.entities.hosts.some((h) => h.toLowerCase() === r['DeviceName']), `${s.name}: ${String(r['DeviceName'])}`);
    }
  }
  const byName = new Map(small.result.labels.scenarios.map((s) => [s.name, s]));
  const ftp = byName.get('ftp-exfiltration')!;
  const ftpRows = (ftp.rows.DeviceNetworkEvents ?? []).map((i) => parsed.get('DeviceNetworkEvents')![i]!);
  assert.ok(ftpRows.length > 10 && ftpRows.every((r) => r['RemotePort'] === 21 && r['InitiatingProcessFileName'] === 'ftp.exe'));
  const tunnel = byName.get('dns-tunnelling')!;
  const dns = (tunnel.rows.DnsEvents ?? []).map((i) => parsed.get('DnsEvents')![i]!);
  assert.ok(dns.length >= 1000);
  assert.ok(dns.every((r) => String(r['Name']).endsWith('.cdn-sync-telemetry.net') && String(r['Name']).split('.')[0]!.length >= 50));
  const gre = byName.get('unusual-protocol')!;
  assert.ok((gre.rows.DeviceNetworkEvents ?? []).every((i) => parsed.get('DeviceNetworkEvents')![i]!['Protocol'] === 'Gre'));
  const ioc = byName.get('ioc-file-download')!;
  const files = (ioc.rows.DeviceFileEvents ?? []).map((i) => parsed.get('DeviceFileEvents')![i]!);
  assert.equal(files.length, 1);
  assert.equal(files[0]!['FileOriginUrl'], ioc.parameters['url']);
  assert.equal(files[0]!['FileOriginIP'], ioc.parameters['ip']);
});

test('unlabelled rows never touch attack-only infrastructure', () => {
  const attackIps = new Set<string>();
  for (const s of small.result.labels.scenarios) for (const ip of s.entities.ips) attackIps.add(ip);
  const labelled = new Set(small.result.labels.scenarios.flatMap((s) => s.rows.VMConnection ?? []));
  parsed.get('VMConnection')!.forEach((r, i) => {
    if (labelled.has(i)) return;
    assert.ok(!attackIps.has(String(r['DestinationIp'])), `row ${i} reaches ${String(r['DestinationIp'])} without a label`);
  });
});

test('benign heavy hitters from the seed false-positive scenarios are present', () => {
  const net = parsed.get('DeviceNetworkEvents')!;
  const urls = new Set(net.map((r) => String(r['RemoteUrl'])));
  for (const domain of ['contoso-backup.s3.us-east-1.amazonaws.com', 'http-inputs-contoso.splunkcloud.com', 'teams.microsoft.com', 'registry.contoso-artifacts.io']) {
    assert.ok(urls.has(domain), `no traffic to ${domain}`);
  }
  const processes = new Set(net.map((r) => String(r['InitiatingProcessFileName'])));
  for (const p of ['VeeamAgent.exe', 'splunkd.exe', 'CcmExec.exe', 'mstsc.exe', 'docker.exe', 'zabbix_agentd.exe', 'EdgeTransport.exe']) {
    assert.ok(processes.has(p), `no ${p}`);
  }
  assert.ok(net.some((r) => r['RemotePort'] === 3389), 'no RDP');
  // Backups are the largest uploads of the baseline.
  const vm = parsed.get('VMConnection')!;
  const backupBytes = vm.filter((r) => r['ProcessName'] === 'VeeamAgent').reduce((n, r) => n + Number(r['BytesSent']), 0);
  assert.ok(backupBytes > 1e9, `backup volume ${backupBytes}`);
  assert.ok(small.result.labels.benign.length >= 8);
});

test('rows only use columns of the table schemas, with values of the column type', () => {
  const catalog = loadSchemaCatalog();
  for (const table of TABLES) {
    const schema = new Map(catalog.table(table)!.map((c) => [c.name, c.type]));
    for (const row of parsed.get(table)!.slice(0, 3000)) {
      for (const [k, v] of Object.entries(row)) {
        const type = schema.get(k);
        assert.ok(type, `${table}.${k} is not in the schema`);
        if (type === 'datetime') assert.match(String(v), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        else if (type === 'int' || type === 'long') assert.ok(Number.isInteger(v), `${table}.${k} = ${String(v)}`);
        else if (type === 'real') assert.equal(typeof v, 'number');
        else if (type === 'string') assert.equal(typeof v, 'string', `${table}.${k}`);
      }
    }
  }
});

test('the tables agree: DNS answers precede connections, firewall rows mirror endpoint flows', () => {
  const dns = parsed.get('DnsEvents')!;
  const firstLookup = new Map<string, string>();
  for (const r of dns) {
    for (const ip of String(r['IPAddresses']).split(',')) {
      const key = `${String(r['ClientIP'])}>${ip}`;
      const t = String(r['TimeGenerated']);
      if (!firstLookup.has(key) || firstLookup.get(key)! > t) firstLookup.set(key, t);
    }
  }
  let named = 0;
  for (const r of parsed.get('DeviceNetworkEvents')!) {
    if (r['RemoteUrl'] === '' || r['ActionType'] !== 'ConnectionSuccess' || r['RemotePort'] === 53) continue;
    named++;
    const seen = firstLookup.get(`${String(r['LocalIP'])}>${String(r['RemoteIP'])}`);
    assert.ok(seen !== undefined && seen <= String(r['TimeGenerated']), `no earlier lookup for ${String(r['RemoteUrl'])} from ${String(r['LocalIP'])}`);
  }
  assert.ok(named > 1000);
  const flows = new Set(parsed.get('DeviceNetworkEvents')!.map((r) => `${String(r['LocalIP'])}:${String(r['LocalPort'])}>${String(r['RemoteIP'])}:${String(r['RemotePort'])}`));
  const csl = parsed.get('CommonSecurityLog')!;
  assert.ok(csl.some((r) => r['DeviceVendor'] === 'Cisco' && r['DeviceProduct'] === 'ASA'));
  assert.ok(csl.some((r) => r['DeviceVendor'] === 'Palo Alto Networks' && r['DeviceProduct'] === 'PAN-OS' && r['Activity'] === 'TRAFFIC'));
  for (const r of csl) {
    assert.ok(flows.has(`${String(r['SourceIP'])}:${String(r['SourcePort'])}>${String(r['DestinationIP'])}:${String(r['DestinationPort'])}`));
    assert.ok(countryOf(String(r['DestinationIP'])), `firewall destination ${String(r['DestinationIP'])} has no country`);
  }
  for (const r of parsed.get('VMConnection')!) {
    if (r['Direction'] === 'outbound' && countryOf(String(r['DestinationIp']))) assert.ok(r['RemoteCountry'], 'public destination without RemoteCountry');
  }
});

test('same seed gives identical bytes; another seed gives other data', () => {
  const opts: SimulationOptions = { days: 2, hosts: 25, seed: 11, endMs: END, scale: 0.2 };
  const digest = (r: ReturnType<typeof run>): string => {
    const h = createHash('sha256');
    for (const t of TABLES) h.update(r.text(t));
    h.update(JSON.stringify(r.result.labels));
    return h.digest('hex');
  };
  const a = digest(run(opts));
  assert.equal(digest(run(opts)), a);
  assert.notEqual(digest(run({ ...opts, seed: 12 })), a);
  // Selecting fewer scenarios leaves the others where they were.
  const only = run({ ...opts, scenarios: ['c2-beacon'] }).result.labels.scenarios[0]!;
  const all = run(opts).result.labels.scenarios.find((s) => s.name === 'c2-beacon')!;
  assert.deepEqual(only.window, all.window);
});

test('seasonality: people are far busier in working hours than at night, on weekdays than on weekends', () => {
  const perHour = new Array<number>(24).fill(0);
  const week = { weekday: 0, weekend: 0, weekdayDays: new Set<string>(), weekendDays: new Set<string>() };
  const r = run({ days: 7, hosts: 60, seed: 3, endMs: END, scale: 0.2, scenarios: [] });
  for (const line of r.lines('DeviceNetworkEvents')) {
    // Machines work around the clock (polling, forwarding, monitoring); people do not.
    if (/"InitiatingProcessAccountDomain":"nt authority"/.test(line)) continue;
    const t = line.slice(18, 42);
    const d = new Date(t);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) { week.weekend++; week.weekendDays.add(t.slice(0, 10)); }
    else { week.weekday++; week.weekdayDays.add(t.slice(0, 10)); perHour[d.getUTCHours()]!++; }
  }
  const day = perHour.slice(9, 17).reduce((a, b) => a + b, 0) / 8;
  const night = perHour.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(day / night > 4, `day/night ${day.toFixed(0)}/${night.toFixed(0)}`);
  const weekdayRate = week.weekday / week.weekdayDays.size;
  const weekendRate = week.weekend / week.weekendDays.size;
  assert.ok(weekdayRate / weekendRate > 2, `weekday/weekend ${weekdayRate.toFixed(0)}/${weekendRate.toFixed(0)}`);
});

test('per-host volume is heavy-tailed', () => {
  const perHost = new Map<string, number>();
  for (const r of parsed.get('DeviceNetworkEvents')!) perHost.set(String(r['DeviceName']), (perHost.get(String(r['DeviceName'])) ?? 0) + 1);
  const counts = [...perHost.values()].sort((a, b) => b - a);
  const median = counts[Math.floor(counts.length / 2)]!;
  assert.ok(counts[0]! > 3 * median, `max ${counts[0]} vs median ${median}`);
});

test('prng: sfc32 streams are reproducible and spread evenly', () => {
  const a = new Rng(42, 'x');
  const b = new Rng(42, 'x');
  const c = new Rng(42, 'y');
  const xs = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 5 }, () => b.nextUint32()), xs);
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.nextUint32()), xs);
  const buckets = new Array<number>(10).fill(0);
  const r = new Rng(1);
  for (let i = 0; i < 100_000; i++) buckets[r.int(10)]!++;
  for (const n of buckets) assert.ok(Math.abs(n - 10_000) < 500, `bucket ${n}`);
});
