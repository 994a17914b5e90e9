// Seed 000 (time-series anomaly on public transfer volume) run unchanged, end to end, over
// synthetic CommonSecurityLog/VMConnection tables with the curated schemas and one planted
// exfiltration spike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Table } from '../../src/kql/data/column.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import type { Scalar, TableSchema } from '../../src/kql/types.js';
import { seedTables } from '../semantics/shared-env.js';
import { SEED_QUERIES } from '../util/paths.js';
import { dt, rows, run, schema } from './helpers.js';

const HOUR = 36_000_000_000n;

/** A table with every column of `schema`; columns not in `values` hold nulls/empty strings. */
function fullTable(s: TableSchema, n: number, values: Record<string, Scalar[]>): Table {
  return {
    columns: s.map((c) => ({ name: c.name, column: columnFromScalars(c.type, values[c.name] ?? new Array<Scalar>(n).fill(null)) })),
    length: n,
  };
}

function firewallLog(s: TableSchema): Table {
  const v: Record<string, Scalar[]> = { TimeGenerated: [], SourceIP: [], DestinationIP: [], DestinationPort: [], SentBytes: [], ReceivedBytes: [], DeviceVendor: [] };
  const push = (t: bigint, src: string, dst: string, port: number, sent: number): void => {
    v.TimeGenerated!.push(t); v.SourceIP!.push(src); v.DestinationIP!.push(dst); v.DestinationPort!.push(port);
    v.SentBytes!.push(sent); v.ReceivedBytes!.push(sent / 4); v.DeviceVendor!.push('Fortinet');
  };
  const start = dt('2024-01-01');
  // Two weeks of ordinary hourly traffic: ~2 MB/hour to public addresses, with a daily rhythm.
  for (let h = 0n; h < 14n * 24n; h++) {
    const t = start + h * HOUR;
    const base = 1_000_000 + ((Number(h) * 7919) % 13) * 20_000 + (Number(h % 24n) >= 9 && Number(h % 24n) < 18 ? 400_000 : 0);
    push(t + 60_000_000n, '10.0.0.1', '52.1.2.3', 443, base);
    push(t + 1_200_000_000n, '10.0.0.2', '13.5.6.7', 443, base);
    push(t + 2_400_000_000n, '10.0.0.3', '10.9.9.9', 445, 50_000_000); // private destination: ignored
  }
  // The spike: 10.0.0.66 sends 60 MB to 203.0.113.9 between 18:00 and 19:00 on Jan 13.
  const spike = dt('2024-01-13T18:00:00');
  for (let k = 0n; k < 6n; k++) push(spike + k * 6_000_000_000n + 10_000_000n, '10.0.0.66', '203.0.113.9', 8443, 10 * 1024 * 1024);
  return fullTable(s, v.TimeGenerated!.length, v);
}

test('seed 000 runs unchanged and reports the planted spike', () => {
  const text = fs.readFileSync(path.join(SEED_QUERIES, '000-timeseries-anomaly-public-transfer.kql'), 'utf8');
  const schemas = seedTables();
  const csl = firewallLog(schemas.get('CommonSecurityLog')!);
  const vmc = fullTable(schemas.get('VMConnection')!, 0, {});
  const r = run(text, { CommonSecurityLog: csl, VMConnection: vmc }, { now: dt('2024-01-15T12:00:00') });
  assert.equal(schema(r), [
    'DeviceVendor:string', 'AnomalyHour:datetime', 'StartTimeUtc:datetime', 'EndTimeUtc:datetime', 'SourceIPMax:string',
    'SourceIPList:dynamic', 'DestinationIPList:dynamic', 'DestinationPortList:dynamic', 'TotalBytesSentinMB:long',
    'TotalBytesReceivedinMB:long', 'TotalBytesSentinMBperHour:real', 'baselinebytessentperHour:long', 'score:real',
    'anomalies:real', 'EventCount:long',
  ].join(', '));
  const out = rows(r);
  assert.equal(out.length, 1);
  const [vendor, hour, first, last, source, sources, dests, ports, sent, received, perHour, baseline, score, anomalies, count] = out[0]!;
  assert.equal(vendor, 'Fortinet');
  assert.equal(hour, '2024-01-13T18:00:00.0000000Z');
  assert.equal(first, '2024-01-13T18:50:01.0000000Z');
  assert.equal(last, first);
  assert.equal(source, '10.0.0.66');
  assert.deepEqual(sources, ['10.0.0.66']);
  // make_set over an array column unions the arrays' elements.
  assert.deepEqual(dests, ['203.0.113.9']);
  assert.deepEqual(ports, [8443]);
  assert.equal(sent, 60);
  // Integer division per row, as in ADX: 2.5 MB received per row counts as 2.
  assert.equal(received, 12);
  assert.ok((perHour as number) > 60 && (perHour as number) < 65, `hourly MB ${perHour}`);
  assert.ok((baseline as number) < 5, `baseline ${baseline}`);
  assert.ok((score as number) > 5, `score ${score}`);
  assert.equal(anomalies, 1);
  assert.equal(count, 1);
});
