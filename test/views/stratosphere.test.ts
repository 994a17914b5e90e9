// The views over real Zeek logs (Stratosphere captures in ../shared), parsed by kqlhunt's Zeek
// reader exactly as ingestion names and types them: a check that the views and the ingest
// schema agree, on more varied rows than the hand-built tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { query, type Table, type TableSchema } from '../../src/kql/index.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import { ZeekTsvReader } from '../../src/ingest/zeek.js';
import type { Row } from '../../src/ingest/record.js';
import { ContentCatalogue } from '../../src/catalog/catalogue.js';
import { SHARED } from '../util/paths.js';
import { NOW, rows } from '../exec/helpers.js';

const DATA = path.join(SHARED, 'data', 'stratosphere');

/** The first `limit` records of a Zeek TSV log, as the table ingestion would build. */
function readZeek(file: string, limit: number): { name: string; table: Table } {
  let name = '';
  let schema: TableSchema = [];
  const reader = new ZeekTsvReader(file, (table, s) => { name = table; schema = s; });
  const ctx = { ingestTime: 0n, badField: (column: string, text: string) => { throw new Error(`bad ${column}: ${text}`); } };
  const out: Row[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || reader.isHeader(line)) continue;
    const outcome = reader.parse(line, ctx);
    if ('error' in outcome) throw new Error(outcome.error);
    out.push(outcome.row);
    if (out.length >= limit) break;
  }
  const table: Table = {
    columns: schema.map((c) => ({ name: c.name, column: columnFromScalars(c.type, out.map((r) => (r[c.name] ?? null) as never)) })),
    length: out.length,
  };
  return { name, table };
}

const catalogue = new ContentCatalogue();
const run = (text: string, tables: Map<string, Table>) => query(text, { ...catalogue.queryOptions(tables), now: NOW });

test('VMConnection and _Im_NetworkSession over a real conn.log', () => {
  const conn = readZeek(path.join(DATA, '008-zeek-mixed', 'data', 'conn.log.labeled'), 400);
  assert.equal(conn.name, 'Zeek_conn');
  const tables = new Map([[conn.name, conn.table]]);
  const vm = run('VMConnection | summarize n = count() by Direction | order by Direction asc', tables);
  const byDirection = Object.fromEntries(rows(vm).map(([d, n]) => [d, n]));
  assert.equal((byDirection['outbound'] as number) + ((byDirection['inbound'] as number | undefined) ?? 0), 400);
  // The capture marks 147.32.0.0/16 local: every connection it originates is outbound, whatever the address.
  const wrong = run('VMConnection | where SourceIp startswith "147.32." and Direction != "outbound" | count', tables);
  assert.deepEqual(rows(wrong), [[0]]);
  // Bytes follow the local side; per outbound row they are the originator's.
  const bytes = run('Zeek_conn | where local_orig == true | summarize sum(orig_bytes)', tables);
  const sent = run('VMConnection | where Direction == "outbound" | summarize sum(BytesSent)', tables);
  assert.deepEqual(rows(sent), rows(bytes));
  const asim = run('_Im_NetworkSession | summarize count(), countif(isnotempty(DstGeoCountry))', tables);
  assert.equal(rows(asim)[0]![0], 400);
  assert.ok((rows(asim)[0]![1] as number) > 0, 'public destinations get a country');
});

test('DnsEvents and _Im_Dns over a real dns.log', () => {
  const dns = readZeek(path.join(DATA, '009-zeek-malicious', 'data', 'dns.log.labeled'), 300);
  const tables = new Map([[dns.name, dns.table]]);
  const first = run('DnsEvents | take 1 | project Name, ClientIP, Computer, QueryType, IPAddresses, Result', tables);
  assert.deepEqual(rows(first), [['www.msftncsi.com', '192.168.1.113', '8.8.8.8', 'A', '195.113.232.73,195.113.232.89', 'Success']]);
  const counts = run('union (DnsEvents | count), (_Im_Dns | count), (Zeek_dns | count)', tables);
  assert.deepEqual(rows(counts), [[300], [300], [300]]);
});
