import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { ingest } from '../../src/ingest/pipeline.js';
import { MemorySink, INGESTION_TIME_COLUMN, type IngestSummary } from '../../src/ingest/sink.js';
import { COMMON_SECURITY_LOG_SCHEMA, SYSLOG_SCHEMA } from '../../src/ingest/tables.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { SHARED } from '../util/paths.js';

const INGEST_TIME = parseDatetimeString('2024-06-01T00:00:00Z')!;
const DATA = path.join(SHARED, 'data');
const t = (s: string): bigint => parseDatetimeString(s)!;

async function run(paths: string[], options: Parameters<typeof ingest>[2] = {}): Promise<{ sink: MemorySink; summary: IngestSummary }> {
  const sink = new MemorySink();
  const summary = await ingest(paths, sink, { ingestTime: INGEST_TIME, ...options });
  assert.equal(summary.records, summary.rows + summary.quarantined, 'every record is a row or a quarantine entry');
  assert.equal(sink.quarantined.length, summary.quarantined);
  return { sink, summary };
}

function tmp(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-ingest-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

test('table schemas used by the parsers match the built-in catalogue', () => {
  const catalog = loadSchemaCatalog();
  for (const [name, schema] of [['CommonSecurityLog', COMMON_SECURITY_LOG_SCHEMA], ['Syslog', SYSLOG_SCHEMA]] as const) {
    const fromCatalog = new Map(catalog.table(name)!.map((c) => [c.name, c.type]));
    for (const c of schema) assert.equal(fromCatalog.get(c.name), c.type, `${name}.${c.name}`);
  }
});

test('auto-detection routes the vendor fixtures, with every line accounted for', async () => {
  const { summary } = await run([
    path.join(DATA, 'elastic-fixtures/cisco_asa'), path.join(DATA, 'elastic-fixtures/fortinet_fortigate'),
    path.join(DATA, 'elastic-fixtures/cef'),
  ]);
  assert.deepEqual(summary.byFormat, { asa: 275, fortigate: 56, cef: 4 });
  assert.equal(summary.tables['CommonSecurityLog'], 335);
  assert.equal(summary.quarantined, 0);
});

test('Zeek btest logs: odd headers, IPv6, tunnels, unset fields all load', async () => {
  const { sink, summary } = await run([path.join(DATA, 'zeek-btest')]);
  assert.equal(summary.quarantined, 0);
  assert.ok(summary.tables['Zeek_conn']! > 800 && summary.tables['Zeek_dns']! > 70);
  const conn = sink.rowsOf('Zeek_conn');
  assert.ok(conn.some((r) => typeof r['id_orig_h'] === 'string' && (r['id_orig_h'] as string).includes(':')), 'IPv6 addresses');
  assert.ok(conn.some((r) => Array.isArray(r['tunnel_parents']) && (r['tunnel_parents'] as unknown[]).length > 0), 'tunnel parents as arrays');
  const row = conn.find((r) => r['uid'] === 'CmES5u32sYpV7JYN' && r['duration'] === 4350n)!;
  assert.ok(row !== undefined, 'interval 0.000435 s as timespan ticks');
  assert.equal(row['orig_bytes'], 38);
  assert.equal(row['id_resp_p'], 53);
  assert.equal(row['local_orig'], false);
  assert.equal(row['ts'], undefined, 'masked XXXXXXXXXX.XXXXXX timestamps are bad fields, not rows lost');
  assert.ok(summary.badFields > 0);
  assert.ok(conn.some((r) => r['conn_state'] === 'S0' && !('duration' in r)), 'unset fields are absent');
  assert.ok(conn.every((r) => Object.values(r).every((v) => v !== null && v !== undefined)), 'no explicit nulls');
  const basic = await run([path.join(DATA, 'zeek-btest/opt.basic/conn.log')]);
  const schema = basic.sink.schemas.get('Zeek_conn')!;
  assert.deepEqual(['ts', 'id_orig_p', 'duration', 'orig_bytes', 'local_orig', 'tunnel_parents'].map((n) => schema.find((c) => c.name === n)!.type),
    ['datetime', 'int', 'timespan', 'long', 'bool', 'dynamic']);
});

test('Zeek TSV and JSON copies of the same logs give identical rows (wrccdc2018 dns and notice)', async () => {
  for (const log of ['dns', 'notice']) {
    const tsv = await run([path.join(DATA, `zeek-wrccdc2018/zeek-default/${log}.log.gz`)]);
    const json = await run([path.join(DATA, `zeek-wrccdc2018/zeek-json/${log}.json.gz`)]);
    const a = tsv.sink.rowsOf(`Zeek_${log}`);
    const b = json.sink.rowsOf(`Zeek_${log}`);
    assert.equal(tsv.summary.quarantined + json.summary.quarantined, 0);
    assert.equal(a.length, b.length);
    if (log === 'dns') assert.equal(a.length, 53615);
    for (let i = 0; i < a.length; i++) {
      const { _write_ts: writeTs, ...jsonRow } = b[i]!;
      assert.equal(typeof writeTs, 'bigint');
      if (i < 3 || i % 997 === 0) assert.deepEqual(jsonRow, a[i], `row ${i}`);
      else if (!isDeepStrictEqual(jsonRow, a[i]!)) assert.deepEqual(jsonRow, a[i], `row ${i}`);
    }
  }
  const first = (await run([path.join(DATA, 'zeek-wrccdc2018/zeek-default/dns.log.gz')])).sink.rowsOf('Zeek_dns')[0]!;
  assert.equal(first['ts'], t('2018-03-24T17:15:20.865716Z'));
  assert.deepEqual(first['answers'], ['ise.wrccdc.cpp.edu', '134.71.3.16']);
  assert.deepEqual(first['TTLs'], [2230, 41830]);
  assert.equal(first['rtt'], 8700n);
});

import { isDeepStrictEqual } from 'node:util';

test('Zeek JSON fixture: fields agree with Elastic expected output (event.original)', async () => {
  const expected = JSON.parse(fs.readFileSync(path.join(DATA, 'elastic-fixtures/zeek/data_stream/dns/_dev/test/pipeline/test-dns.log-expected.json'), 'utf8')) as { expected: Record<string, any>[] };
  const originals = expected.expected.map((e) => e['event']['original'] as string);
  const { sink } = await run([tmp('dns.log', originals.join('\n') + '\n')]);
  const rows = sink.rowsOf('Zeek_dns');
  assert.equal(rows.length, originals.length);
  rows.forEach((row, i) => {
    const e = expected.expected[i]!;
    assert.equal(row['uid'], e['zeek']['session_id']);
    assert.equal(row['id_orig_h'], e['source']['ip']);
    assert.equal(row['id_resp_p'], e['destination']['port']);
    if (e['dns']?.['question']?.['name'] !== undefined) assert.equal(row['query'], e['dns']['question']['name']);
    assert.equal((row['ts'] as bigint) / 10_000n * 10_000n, t(e['@timestamp']), 'Elastic keeps milliseconds');
  });
});

test('Stratosphere labelled logs load into per-path tables', async () => {
  const { summary, sink } = await run([path.join(DATA, 'stratosphere/008-zeek-mixed/data'), path.join(DATA, 'stratosphere/009-zeek-malicious/data')]);
  assert.equal(summary.quarantined, 0);
  for (const table of ['Zeek_conn', 'Zeek_dns', 'Zeek_http', 'Zeek_ssl', 'Zeek_files']) assert.ok((summary.tables[table] ?? 0) > 0, table);
  assert.ok(sink.rowsOf('Zeek_conn').every((r) => r['label'] === 'Benign' || r['label'] === 'Malicious' || typeof r['label'] === 'string'));
});

test('Sentinel samples: every file ingests, counts reconcile with INVENTORY.csv', async () => {
  const root = path.join(DATA, 'sentinel-samples');
  const inventory = fs.readFileSync(path.join(root, 'INVENTORY.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  let checked = 0;
  for (const [table, , copiedAs, , rows] of inventory) {
    if (!copiedAs) continue;
    const file = path.join(root, copiedAs.replace(/^sample_data\//, ''));
    const { summary } = await run([file]);
    assert.equal(summary.quarantined, 0, file);
    assert.equal(summary.rows, Number(rows), file);
    // Records go to the inventory's table unless they carry none and no known table fits their columns.
    const inTable = summary.tables[table!] ?? 0;
    const own = path.basename(file).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_]/g, '_');
    assert.ok(inTable === Number(rows) || (summary.tables[own] ?? 0) + inTable === Number(rows) || file.endsWith('McAfee_ePO.json'), `${file}: ${JSON.stringify(summary.tables)}`);
    checked++;
  }
  assert.equal(checked, 57);
});

test('Sentinel exports: US dates, [UTC] headers, literal null, portal time zones, split CEF', async () => {
  const { sink } = await run([path.join(DATA, 'sentinel-samples/Syslog/WatchGuardFireBoxV.csv')]);
  const r = sink.rowsOf('Syslog')[0]!;
  assert.equal(r['TimeGenerated'], t('2022-07-07T20:55:10.130Z'));
  assert.equal(r['EventTime'], t('2022-07-07T22:55:10Z'));
  assert.equal(r['Facility'], 'local1');
  assert.equal(r['ProcessID'], undefined);
  const infoblox = await run([path.join(DATA, 'sentinel-samples/CEF/InfobloxCloudDataConnector-sampledata.csv')]);
  assert.equal(infoblox.sink.rowsOf('CommonSecurityLog')[0]!['TimeGenerated'], t('2021-10-26T21:16:58.298Z'), 'Pacific (PDT) to UTC');
  const forge = await run([path.join(DATA, 'sentinel-samples/ForgeRock_CEF.csv')]);
  const fr = forge.sink.rowsOf('CommonSecurityLog')[0]!;
  assert.equal(fr['DeviceVendor'], 'ForgeRock Inc');
  assert.equal(fr['SourceIP'], '10.0.0.82');
  assert.equal(fr['DeviceAction'], 'SESSION');
  assert.equal(fr['TimeGenerated'], t('2020-05-21T20:47:00Z'));
});

test('robustness: truncated gzip keeps the lines before the cut and quarantines the cut', async () => {
  const lines = Array.from({ length: 20000 }, (_, i) => `<13>Oct 10 12:34:56 host app[1]: message ${i} ${'x'.repeat(40)}`);
  const gz = zlib.gzipSync(lines.join('\n') + '\n');
  const file = tmp('cut.log.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
  const { sink, summary } = await run([file]);
  const rows = sink.rowsOf('Syslog');
  assert.ok(rows.length > 5000 && rows.length < 20000);
  rows.forEach((r, i) => assert.equal(r['SyslogMessage'], `message ${i} ${'x'.repeat(40)}`));
  const gzipRecord = sink.quarantined.find((q) => q.format === 'gzip')!;
  assert.match(gzipRecord.reason, /gzip stream truncated or corrupt/);
  assert.ok(summary.quarantined <= 2, 'the cut, and at most the partial last line');
});

test('robustness: binary garbage, a 1 MB line, invalid UTF-8, CRLF, a Zeek file without #fields', async () => {
  const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x80]);
  const big = `<13>Oct 10 12:34:56 host app: ${'y'.repeat(1024 * 1024)}`;
  const content = Buffer.concat([
    Buffer.from('<13>Oct 10 12:34:56 host app: before\r\n'), garbage, Buffer.from('\n'),
    Buffer.from(big + '\n'), Buffer.from('<13>Oct 10 12:34:56 host app: caf'), Buffer.from([0xe9]), Buffer.from(' latin1\n'),
    Buffer.from('<13>Oct 10 12:34:56 host app: after'),
  ]);
  const { sink, summary } = await run([tmp('mixed.log', content)]);
  const msgs = sink.rowsOf('Syslog').map((r) => r['SyslogMessage'] as string);
  assert.equal(msgs[0], 'before');
  assert.equal(msgs[1]!.length, 1024 * 1024);
  assert.equal(msgs[2], 'caf\uFFFD latin1');
  assert.equal(msgs[3], 'after');
  assert.equal(summary.quarantined, 1);
  assert.match(sink.quarantined[0]!.reason, /binary data: NUL byte at column 1/);
  assert.equal(sink.quarantined[0]!.line, 2);
  const zeek = await run([tmp('conn.log', '#separator \\x09\n#path\tconn\n1.0\tC1\n')]);
  assert.equal(zeek.summary.quarantined, 1);
  assert.match(zeek.sink.quarantined[0]!.reason, /before any #fields header/);
});

test('Zeek TSV escapes: custom separator, \\x escapes, set separator, (empty)', async () => {
  const text = [
    '#separator \\x7c', '#set_separator|;', '#empty_field|EMPTY', '#unset_field|NONE', '#path|odd',
    '#fields|ts|s|v|n', '#types|time|string|set[string]|count',
    '1.5|a\\x7cb\\\\c|x;y\\x3bz|NONE', '2.000001|EMPTY|EMPTY|7',
  ].join('\n');
  const { sink } = await run([tmp('odd.log', text)]);
  const rows = sink.rowsOf('Zeek_odd');
  assert.deepEqual(rows.map(({ [INGESTION_TIME_COLUMN]: _, ...r }) => r), [
    { ts: t('1970-01-01T00:00:01.5Z'), s: 'a|b\\c', v: ['x', 'y;z'] },
    { ts: t('1970-01-01T00:00:02.000001Z'), s: '', v: [], n: 7 },
  ]);
});

test('stdin, progress callback and $IngestionTime', async () => {
  const events: boolean[] = [];
  const sink = new MemorySink();
  const summary = await ingest(['-'], sink, {
    ingestTime: INGEST_TIME,
    stdin: (async function* () { yield Buffer.from('CEF:0|a|b|1|2|n|3|src=1.1.1.1\nCEF:0|a|b|1|2|n|3|src=2.2.2.2\n'); })(),
    onProgress: (p) => events.push(p.done),
  });
  assert.equal(summary.rows, 2);
  assert.deepEqual(events, [true]);
  assert.equal(sink.rowsOf('CommonSecurityLog')[1]![INGESTION_TIME_COLUMN], INGEST_TIME);
});

test('property: any mix of good and bad lines is fully accounted for and good lines survive in order', async () => {
  const good = fc.constantFrom(
    'CEF:0|V|P|1|100|name|5|src=10.0.0.1 dst=10.0.0.2 spt=1 dpt=2',
    '<34>Oct 11 22:14:15 mymachine su: failed',
    '%ASA-6-302016: Teardown UDP connection 1 for outside:1.1.1.1/53 to inside:2.2.2.2/5353 duration 0:00:00 bytes 10',
    '<189>date=2020-04-23 time=01:16:08 devname="fw" logid="0000000013" type="traffic" subtype="forward" srcip=1.1.1.1 action="deny"',
  );
  const bad = fc.constantFrom('\u0000\u0001garbage', 'plain text without header', 'CEF:0|broken');
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(good, bad), { minLength: 1, maxLength: 30 }), async (lines) => {
    const sink = new MemorySink();
    const s = await ingest(['-'], sink, { ingestTime: INGEST_TIME, stdin: (async function* () { yield lines.join('\n'); })() });
    assert.equal(s.records, lines.length);
    assert.equal(s.rows + s.quarantined, lines.length);
    const expectedBad = lines.filter((l) => l.includes('garbage') || l.startsWith('plain') || l === 'CEF:0|broken').length;
    assert.equal(s.quarantined, expectedBad);
  }), { numRuns: 60 });
});
