// The Zeek -> Sentinel views shipped in content/functions, run by the engine over small Zeek
// tables: VMConnection (direction with and without local_orig/local_resp, byte swapping,
// GeoIP), DnsEvents, merging with native rows, and the checker's schemas for them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, type QueryResult, type Table } from '../../src/kql/index.js';
import { ContentCatalogue } from '../../src/catalog/catalogue.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { NOW, dt, rows, table } from '../exec/helpers.js';

const catalogue = new ContentCatalogue();

function run(text: string, tables: Record<string, Table>, cat: ContentCatalogue = catalogue): QueryResult {
  return query(text, { ...cat.queryOptions(new Map(Object.entries(tables))), now: NOW });
}

const CONN_SPEC = 'ts:datetime, uid:string, id_orig_h:string, id_orig_p:int, id_resp_h:string, id_resp_p:int, proto:string, service:string, duration:timespan, orig_bytes:long, resp_bytes:long, conn_state:string, local_orig:bool, local_resp:bool';

const conn = table(CONN_SPEC, [
  // Zeek marked the originator local: outbound even though both addresses are public.
  [dt('2024-01-01T10:00:00Z'), 'C1', '147.32.81.167', 62771, '8.8.8.8', 443, 'tcp', 'ssl', 11354240n, 1596, 4039, 'SF', true, false],
  // Zeek marked only the responder local: inbound, bytes swapped.
  [dt('2024-01-01T10:01:00Z'), 'C2', '77.88.8.8', 5555, '147.32.81.167', 22, 'tcp', 'ssh', 10000000n, 100, 2000, 'SF', false, true],
  // Neither flag set (Site::local_nets empty): the internal subnets decide. Private -> public: outbound.
  [dt('2024-01-01T10:02:00Z'), 'C3', '192.168.1.10', 50000, '1.1.1.1', 53, 'udp', 'dns', null, 40, 120, 'SF', false, false],
  // Public -> private, flags unset: inbound, and a failed handshake.
  [dt('2024-01-01T10:03:00Z'), 'C4', '77.88.8.8', 40000, '10.0.0.5', 3389, 'tcp', '', null, 0, 0, 'S0', null, null],
  // Private -> private: outbound from the originator's side; no country for a private remote.
  [dt('2024-01-01T10:04:00Z'), 'C5', '10.0.0.5', 40001, '10.0.0.6', 445, 'tcp', 'smb', null, 10, 20, 'REJ', null, null],
]);

const VM_COLUMNS = 'Direction, SourceIp, DestinationIp, DestinationPort, RemoteIp, RemoteCountry, Computer, BytesSent, BytesReceived, Protocol, LinksEstablished, LinksFailed, ConnectionId';

test('VMConnection over Zeek_conn: direction, sides, bytes, GeoIP', () => {
  const r = run(`VMConnection | project ${VM_COLUMNS}`, { Zeek_conn: conn });
  assert.deepEqual(rows(r), [
    ['outbound', '147.32.81.167', '8.8.8.8', 443, '8.8.8.8', 'United States', '147.32.81.167', 1596, 4039, 'tcp', 1, 0, 'C1'],
    ['inbound', '77.88.8.8', '147.32.81.167', 22, '77.88.8.8', 'Russia', '147.32.81.167', 2000, 100, 'tcp', 1, 0, 'C2'],
    ['outbound', '192.168.1.10', '1.1.1.1', 53, '1.1.1.1', 'Australia', '192.168.1.10', 40, 120, 'udp', 1, 0, 'C3'],
    ['inbound', '77.88.8.8', '10.0.0.5', 3389, '77.88.8.8', 'Russia', '10.0.0.5', 0, 0, 'tcp', 0, 1, 'C4'],
    ['outbound', '10.0.0.5', '10.0.0.6', 445, '10.0.0.6', '', '10.0.0.5', 10, 20, 'tcp', 0, 1, 'C5'],
  ]);
});

test('VMConnection: constant columns and types match the Sentinel table', () => {
  const r = run('VMConnection | take 1 | project TimeGenerated, Type, ProcessName, SourceSystem, RemoteLatitude, TenantId', { Zeek_conn: conn });
  assert.deepEqual(rows(r), [['2024-01-01T10:00:00.0000000Z', 'VMConnection', '', 'Zeek', null, '']]);
  const full = run('VMConnection', { Zeek_conn: conn });
  const declared = loadSchemaCatalog().table('VMConnection');
  assert.deepEqual(full.columns, declared);
});

test('VMConnection when Zeek_conn has no local_orig/local_resp columns (e.g. JSON logs without them)', () => {
  const bare = table('ts:datetime, uid:string, id_orig_h:string, id_orig_p:long, id_resp_h:string, id_resp_p:long, proto:string', [
    [dt('2024-01-01T00:00:00Z'), 'X1', '172.16.0.9', 1, '9.9.9.9', 853, 'tcp'],
    [dt('2024-01-01T00:00:01Z'), 'X2', '9.9.9.9', 2, '172.16.0.9', 22, 'tcp'],
  ]);
  const r = run('VMConnection | project Direction, RemoteIp, DestinationPort, BytesSent', { Zeek_conn: bare });
  assert.deepEqual(rows(r), [['outbound', '9.9.9.9', 853, null], ['inbound', '9.9.9.9', 22, null]]);
});

test('internal subnets can be overridden', () => {
  const custom = new ContentCatalogue({ internalSubnets: ['77.88.0.0/16'] });
  const r = run('VMConnection | where ConnectionId in ("C3", "C4") | project ConnectionId, Direction', { Zeek_conn: conn }, custom);
  // C3: 192.168.1.10 is no longer internal and 1.1.1.1 is not either -> outbound by default rule;
  // C4: 77.88.8.8 is now internal -> outbound.
  assert.deepEqual(rows(r), [['C3', 'outbound'], ['C4', 'outbound']]);
  const inbound = run('VMConnection | where ConnectionId == "C5" | project Direction', { Zeek_conn: conn }, new ContentCatalogue({ internalSubnets: ['10.0.0.6/32'] }));
  assert.deepEqual(rows(inbound), [['inbound']]);
  assert.throws(() => new ContentCatalogue({ internalSubnets: ['not-a-cidr'] }), /'not-a-cidr' is not an IPv4 or IPv6 address range/);
});

test('VMConnection merges native rows with the Zeek view, native first', () => {
  const declared = loadSchemaCatalog().table('VMConnection')!;
  const nativeSpec = declared.map((c) => `${c.name}:${c.type}`).join(', ');
  const nativeRow = declared.map((c) => {
    switch (c.name) {
      case 'TimeGenerated': return dt('2024-01-01T09:00:00Z');
      case 'Direction': return 'outbound';
      case 'RemoteIp': return '52.96.1.1';
      case 'BytesSent': return 999;
      case 'ProcessName': return 'outlook.exe';
      case 'Type': return 'VMConnection';
      default: return null;
    }
  });
  const native = table(nativeSpec, [nativeRow]);
  const r = run('VMConnection | project ProcessName, RemoteIp, BytesSent, SourceSystem', { VMConnection: native, Zeek_conn: conn });
  assert.equal(r.table.length, 6);
  assert.deepEqual(rows(r).slice(0, 2), [['outlook.exe', '52.96.1.1', 999, ''], ['', '8.8.8.8', 1596, 'Zeek']]);
  // Native only: the view adds nothing, and the store's Zeek_conn is absent.
  assert.equal(run('VMConnection | count', { VMConnection: native }).table.columns[0]!.column.get(0), 1);
  // Neither: an empty table with the view's schema, not an error.
  assert.equal(run('VMConnection | count', {}).table.columns[0]!.column.get(0), 0);
});

const DNS_SPEC = 'ts:datetime, uid:string, id_orig_h:string, id_orig_p:int, id_resp_h:string, id_resp_p:int, proto:string, trans_id:long, query:string, qtype:long, qtype_name:string, rcode:long, rcode_name:string, answers:dynamic';

const dns = table(DNS_SPEC, [
  [dt('2024-01-01T10:00:00Z'), 'D1', '192.168.1.10', 5353, '192.168.1.1', 53, 'udp', 1, 'www.google.com', 1, 'A', 0, 'NOERROR', ['www.l.google.com', '8.8.8.8', '8.8.4.4']],
  [dt('2024-01-01T10:00:01Z'), 'D2', '192.168.1.11', 5354, '192.168.1.1', 53, 'udp', 2, 'nope.example', 28, 'AAAA', 3, 'NXDOMAIN', null],
  [dt('2024-01-01T10:00:02Z'), 'D3', '192.168.1.12', 5355, '192.168.1.1', 53, 'udp', 3, 'noanswer.example', 1, 'A', null, '', null],
  [dt('2024-01-01T10:00:03Z'), 'D4', '192.168.1.12', 5356, '192.168.1.1', 53, 'udp', 4, 'v6.example', 28, 'AAAA', 0, 'NOERROR', ['2001:4860:4860::8888']],
]);

test('DnsEvents over Zeek_dns', () => {
  const r = run('DnsEvents | project SubType, Name, ClientIP, Computer, QueryType, IPAddresses, ResultCode, Result, RemoteIPCountry, Type', { Zeek_dns: dns });
  assert.deepEqual(rows(r), [
    ['LookupQuery', 'www.google.com', '192.168.1.10', '192.168.1.1', 'A', '8.8.8.8,8.8.4.4', 0, 'Success', 'United States', 'DnsEvents'],
    ['LookupQuery', 'nope.example', '192.168.1.11', '192.168.1.1', 'AAAA', '', 3, 'Failure', '', 'DnsEvents'],
    ['LookupQuery', 'noanswer.example', '192.168.1.12', '192.168.1.1', 'A', '', null, '', '', 'DnsEvents'],
    ['LookupQuery', 'v6.example', '192.168.1.12', '192.168.1.1', 'AAAA', '2001:4860:4860::8888', 0, 'Success', 'United States', 'DnsEvents'],
  ]);
  assert.deepEqual(run('DnsEvents', { Zeek_dns: dns }).columns, loadSchemaCatalog().table('DnsEvents'));
});

test('a seed-style DnsEvents query runs over the view', () => {
  const r = run(`DnsEvents
    | where SubType == "LookupQuery" and isnotempty(IPAddresses)
    | extend DnsIPAddress = iff(IPAddresses has ",", split(IPAddresses, ","), todynamic(IPAddresses))
    | mv-expand DnsIPAddress
    | extend DnsIPAddress = tostring(DnsIPAddress)
    | where ipv4_is_private(DnsIPAddress) == false
    | summarize make_set(DnsIPAddress) by Name`, { Zeek_dns: dns });
  assert.deepEqual(rows(r), [['www.google.com', ['8.8.8.8', '8.8.4.4']]]);
});

// Where our views deliberately differ from the declared schema: ASIM documents byte and packet
// counts as long; Sentinel's CI schema file for _Im_NetworkSession says int.
const DOCUMENTED_TYPE_CHANGES: Record<string, Record<string, string>> = {
  _Im_NetworkSession: { SrcBytes: 'long', DstBytes: 'long', NetworkBytes: 'long', SrcPackets: 'long', DstPackets: 'long', NetworkPackets: 'long' },
};

/** The declared schema a content function must produce: its own, or for a source-specific ASIM parser the unified one's. */
function declaredFor(name: string): { name: string; type: string }[] | undefined {
  const schemas = loadSchemaCatalog();
  const unified = /^_ASim_(\w+)_Zeek$/.exec(name);
  const key = unified ? `_Im_${unified[1]}` : name;
  const declared = schemas.table(key) ?? schemas.function(key)?.columns;
  if (!declared) return undefined;
  const changes = DOCUMENTED_TYPE_CHANGES[key] ?? {};
  // Schema files may list a column twice (the CI's _Im_Dns lists EventSeverity twice); a table holds it once.
  return declared
    .filter((c, i) => declared.findIndex((d) => d.name === c.name) === i)
    .map((c) => ({ name: c.name, type: changes[c.name] ?? c.type }));
}

test('checker-inferred schemas of the tabular content functions equal the declared schemas', () => {
  const { schemas: inferred, errors } = catalogue.inferSchemas(loadSchemaCatalog().tables);
  assert.deepEqual(errors, []);
  for (const [name, fn] of inferred) {
    const declared = declaredFor(name);
    assert.ok(declared, `no declared schema for content function '${name}'`);
    assert.deepEqual(fn.resultColumns, declared, name);
  }
  assert.deepEqual([...inferred.keys()].sort(), ['DnsEvents', 'VMConnection', '_ASim_Dns_Zeek', '_ASim_NetworkSession_Zeek', '_Im_Dns', '_Im_NetworkSession']);
});

test('ASIM parameter lists match the declared function schemas', () => {
  const schemas = loadSchemaCatalog();
  const { schemas: inferred } = catalogue.inferSchemas(schemas.tables);
  for (const name of ['_Im_Dns', '_Im_NetworkSession']) {
    const declared = schemas.function(name)!.params.map((p) => ({ name: p.name, type: p.type, optional: !p.required }));
    assert.deepEqual(inferred.get(name)!.params, declared, name);
  }
});
