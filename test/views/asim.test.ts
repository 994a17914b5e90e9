// The ASIM parsers shipped as content: _Im_NetworkSession and _Im_Dns over Zeek tables and the
// native ASIM tables, with their filtering parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, type QueryResult, type Table } from '../../src/kql/index.js';
import { ContentCatalogue } from '../../src/catalog/catalogue.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { NOW, dt, rows, table } from '../exec/helpers.js';

const catalogue = new ContentCatalogue();

function run(text: string, tables: Record<string, Table>): QueryResult {
  return query(text, { ...catalogue.queryOptions(new Map(Object.entries(tables))), now: NOW });
}

const conn = table('ts:datetime, uid:string, id_orig_h:string, id_orig_p:int, id_resp_h:string, id_resp_p:int, proto:string, service:string, duration:timespan, orig_bytes:long, resp_bytes:long, conn_state:string, local_orig:bool, local_resp:bool, history:string, orig_pkts:long, resp_pkts:long', [
  [dt('2024-01-01T10:00:00Z'), 'C1', '10.0.0.5', 51000, '8.8.8.8', 443, 'tcp', 'ssl', 15000000n, 1000, 5000, 'SF', true, false, 'ShADadFf', 10, 12],
  [dt('2024-01-01T11:00:00Z'), 'C2', '77.88.8.8', 40000, '10.0.0.5', 22, 'tcp', '', null, null, null, 'S0', false, true, 'S', 1, 0],
  [dt('2024-01-01T12:00:00Z'), 'C3', '10.0.0.5', 40001, '10.0.0.6', 445, 'tcp', 'smb', 1000000n, 10, 20, 'SF', true, true, 'ShAD', 3, 3],
  [dt('2024-01-01T13:00:00Z'), 'C4', '192.168.9.9', 8, '1.1.1.1', 0, 'icmp', '', null, 64, 64, 'OTH', false, false, '', 1, 1],
]);

test('_Im_NetworkSession over Zeek_conn: normalised columns', () => {
  const r = run(`_Im_NetworkSession
    | project EventOriginalUid, SrcIpAddr, DstIpAddr, DstPortNumber, NetworkProtocol, NetworkApplicationProtocol, NetworkDirection,
        EventResult, EventResultDetails, SrcBytes, DstBytes, NetworkBytes, NetworkPackets, NetworkDuration, DstGeoCountry, EventProduct, EventSchema, Type`, { Zeek_conn: conn });
  assert.deepEqual(rows(r), [
    ['C1', '10.0.0.5', '8.8.8.8', 443, 'TCP', 'SSL', 'Outbound', 'Success', 'SF', 1000, 5000, 6000, 22, 1500, 'United States', 'Zeek', 'NetworkSession', 'Zeek_conn'],
    ['C2', '77.88.8.8', '10.0.0.5', 22, 'TCP', '', 'Inbound', 'Failure', 'S0', null, null, null, 1, null, '', 'Zeek', 'NetworkSession', 'Zeek_conn'],
    ['C3', '10.0.0.5', '10.0.0.6', 445, 'TCP', 'SMB', 'Local', 'Success', 'SF', 10, 20, 30, 6, 100, '', 'Zeek', 'NetworkSession', 'Zeek_conn'],
    ['C4', '192.168.9.9', '1.1.1.1', 0, 'ICMP', '', 'Outbound', 'Failure', 'OTH', 64, 64, 128, 2, null, 'Australia', 'Zeek', 'NetworkSession', 'Zeek_conn'],
  ]);
  const icmp = run('_Im_NetworkSession | where EventOriginalUid == "C4" | project NetworkIcmpType, NetworkIcmpCode, EventEndTime', { Zeek_conn: conn });
  assert.deepEqual(rows(icmp), [['8', 0, '2024-01-01T13:00:00.0000000Z']]);
});

test('_Im_NetworkSession filtering parameters; defaults filter nothing', () => {
  const uids = (call: string): unknown[] => rows(run(`${call} | project EventOriginalUid`, { Zeek_conn: conn })).map((r) => r[0]);
  assert.deepEqual(uids('_Im_NetworkSession()'), ['C1', 'C2', 'C3', 'C4']);
  assert.deepEqual(uids('_Im_NetworkSession(starttime=datetime(2024-01-01T10:30:00Z), endtime=datetime(2024-01-01T12:00:00Z))'), ['C2', 'C3']);
  assert.deepEqual(uids('_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(["10.0."]))'), ['C1', 'C3']);
  assert.deepEqual(uids('_Im_NetworkSession(dstipaddr_has_any_prefix=dynamic(["8.8.", "1.1.1."]))'), ['C1', 'C4']);
  assert.deepEqual(uids('_Im_NetworkSession(dstportnumber=22)'), ['C2']);
  assert.deepEqual(uids('_Im_NetworkSession(eventresult="Failure")'), ['C2', 'C4']);
  assert.deepEqual(uids('_Im_NetworkSession(disabled=true)'), []);
  assert.deepEqual(uids('_Im_NetworkSession(hostname_has_any=dynamic(["nothing"]))'), []);
  assert.deepEqual(uids('_Im_NetworkSession(dvcaction=dynamic(["Deny"]))'), []);
});

const dns = table('ts:datetime, uid:string, id_orig_h:string, id_orig_p:int, id_resp_h:string, id_resp_p:int, proto:string, trans_id:long, rtt:timespan, query:string, qclass:long, qclass_name:string, qtype:long, qtype_name:string, rcode:long, rcode_name:string, AA:bool, TC:bool, RD:bool, RA:bool, Z:long, answers:dynamic', [
  [dt('2024-01-01T10:00:00Z'), 'D1', '10.0.0.5', 5353, '10.0.0.1', 53, 'udp', 4660, 250000n, 'www.google.com', 1, 'C_INTERNET', 1, 'A', 0, 'NOERROR', false, false, true, true, 0, ['www.l.google.com', '8.8.8.8']],
  [dt('2024-01-01T11:00:00Z'), 'D2', '10.0.0.6', 5354, '10.0.0.1', 53, 'udp', 1, null, 'bad.example', 1, 'C_INTERNET', 1, 'A', 3, 'NXDOMAIN', true, false, true, true, 0, null],
  [dt('2024-01-01T12:00:00Z'), 'D3', '10.0.0.6', 5355, '10.0.0.1', 53, 'tcp', 2, null, 'slow.example', 1, 'C_INTERNET', 28, 'AAAA', null, '', false, false, true, false, 0, null],
]);

test('_Im_Dns over Zeek_dns: normalised columns', () => {
  const r = run(`_Im_Dns
    | project DnsSessionId, SrcIpAddr, DstIpAddr, DnsQuery, Domain, DnsQueryTypeName, DnsQueryType, DnsResponseCode, DnsResponseCodeName,
        EventResult, EventSubType, DnsResponseName, DnsFlags, TransactionIdHex, DnsNetworkDuration, NetworkProtocol, EventType, Type`, { Zeek_dns: dns });
  assert.deepEqual(rows(r), [
    ['D1', '10.0.0.5', '10.0.0.1', 'www.google.com', 'www.google.com', 'A', 1, 0, 'NOERROR', 'Success', 'response', 'www.l.google.com,8.8.8.8', 'RD RA', '1234', 25, 'UDP', 'Query', 'Zeek_dns'],
    ['D2', '10.0.0.6', '10.0.0.1', 'bad.example', 'bad.example', 'A', 1, 3, 'NXDOMAIN', 'Failure', 'response', '', 'AA RD RA', '1', null, 'UDP', 'Query', 'Zeek_dns'],
    ['D3', '10.0.0.6', '10.0.0.1', 'slow.example', 'slow.example', 'AAAA', 28, null, '', 'NA', 'request', '', 'RD', '2', null, 'TCP', 'Query', 'Zeek_dns'],
  ]);
});

test('_Im_Dns filtering parameters', () => {
  const ids = (call: string): unknown[] => rows(run(`${call} | project DnsSessionId`, { Zeek_dns: dns })).map((r) => r[0]);
  assert.deepEqual(ids('_Im_Dns'), ['D1', 'D2', 'D3']);
  assert.deepEqual(ids('_Im_Dns(responsecodename="nxdomain")'), ['D2']);
  assert.deepEqual(ids('_Im_Dns(srcipaddr="10.0.0.6")'), ['D2', 'D3']);
  assert.deepEqual(ids('_Im_Dns(domain_has_any=dynamic(["google"]))'), ['D1']);
  assert.deepEqual(ids('_Im_Dns(response_has_ipv4="8.8.8.8")'), ['D1']);
  assert.deepEqual(ids('_Im_Dns(response_has_any_prefix=dynamic(["8.8."]))'), ['D1']);
  assert.deepEqual(ids('_Im_Dns(starttime=datetime(2024-01-01T10:30:00Z))'), ['D2', 'D3']);
  assert.deepEqual(ids('_Im_Dns(eventtype="Update")'), []);
});

test('_Im_Dns unions native ASimDnsActivityLogs rows, filling ASIM aliases', () => {
  const declared = loadSchemaCatalog().table('ASimDnsActivityLogs')!;
  const values: Record<string, unknown> = {
    TimeGenerated: dt('2024-01-01T09:00:00Z'), EventType: 'Query', SrcIpAddr: '10.9.9.9', DnsQuery: 'native.example',
    EventResultDetails: 'NOERROR', DnsSessionId: 'N1', DnsQueryType: 1,
  };
  const native = table(declared.map((c) => `${c.name}:${c.type}`).join(', '), [declared.map((c) => (values[c.name] ?? null) as never)]);
  const r = run('_Im_Dns | project DnsSessionId, SrcIpAddr, Src, IpAddr, Domain, Query, QueryType, DnsResponseCodeName', { Zeek_dns: dns, ASimDnsActivityLogs: native });
  assert.deepEqual(rows(r)[0], ['N1', '10.9.9.9', '10.9.9.9', '10.9.9.9', 'native.example', 'native.example', 1, 'NOERROR']);
  assert.equal(r.table.length, 4);
  assert.equal(run('_Im_Dns(responsecodename="NOERROR") | count', { Zeek_dns: dns, ASimDnsActivityLogs: native }).table.columns[0]!.column.get(0), 2);
});

test('with no sources at all the parsers return an empty table with their full schema', () => {
  const r = run('_Im_NetworkSession', {});
  assert.equal(r.table.length, 0);
  assert.equal(r.columns.length, 129);
  assert.equal(run('_Im_Dns', {}).columns.length, 107);
});
