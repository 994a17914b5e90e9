// Rules run over the same catalogue as `kqlhunt query`: content views (Zeek logs as
// DnsEvents) and known-but-empty tables, so a store holding only Zeek logs runs every rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentCatalogue } from '../../src/catalog/catalogue.js';
import { loadRuleText } from '../../src/detect/rule.js';
import { memoryData, runRule, withKnownTables } from '../../src/detect/runner.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { query } from '../../src/kql/index.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';

const RULE = `id: 3b0a7f0e-1d7b-4c55-9a44-3d2f7c1e9a01
name: DNS lookups of a watched domain
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  DnsEvents
  | where Name endswith "example.su"
  | summarize n = count() by ClientIP
  | join kind=leftouter (DeviceNetworkEvents | summarize c = count() by DeviceName) on $left.ClientIP == $right.DeviceName
`;

test('a rule over DnsEvents sees Zeek dns rows through the view; empty known tables are not errors', () => {
  const at = parseDatetimeString('2024-05-01T12:00:00Z')!;
  // A Zeek_dns table as the ingest writes it, built through the engine for brevity.
  const zeek = query(`datatable(ts:datetime, uid:string, id_orig_h:string, id_orig_p:long, id_resp_h:string, id_resp_p:long, proto:string, query:string, qtype_name:string, rcode_name:string, answers:dynamic)[
    datetime(2024-05-01 11:30), 'C1', '10.0.0.5', 5353, '10.0.0.1', 53, 'udp', 'abc.example.su', 'A', 'NOERROR', dynamic(['203.0.113.9'])]`, { tables: new Map() }).table;
  const rule = loadRuleText('rule.yaml', RULE).rules[0]!;
  const known = loadSchemaCatalog().tables;
  const data = memoryData(new Map([['Zeek_dns', zeek]]));
  const views = new ContentCatalogue();

  const without = runRule(rule, at, { data });
  assert.equal(without.status, 'failed', 'without the catalogue the tables do not exist');

  const run = runRule(rule, at, { data: { provider: (w) => withKnownTables(data.provider(w), known) }, views });
  assert.equal(run.status, 'ok', run.error);
  assert.equal(run.rows.length, 1);
  assert.equal(run.rows[0]!['ClientIP'], '10.0.0.5');
  assert.equal(run.rows[0]!['n'], 1);
});
