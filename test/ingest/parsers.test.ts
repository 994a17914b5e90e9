import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseCefExtension, parseCefHeader, parseCefLine } from '../../src/ingest/cef.js';
import { parseSyslogLine } from '../../src/ingest/syslog.js';
import { AsaConnectionTracker, parseAsaLine } from '../../src/ingest/asa.js';
import { fortiEventTime, parseFortiGateLine, parseKeyValues } from '../../src/ingest/fortigate.js';
import { parsePanosLine, splitCsvLine } from '../../src/ingest/panos.js';
import type { ParseContext, ParseOutcome, Row } from '../../src/ingest/record.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { SHARED } from '../util/paths.js';

const INGEST_TIME = parseDatetimeString('2024-06-01T00:00:00Z')!;

function context(): ParseContext & { bad: [string, string][] } {
  const bad: [string, string][] = [];
  return { ingestTime: INGEST_TIME, badField: (c, t) => { bad.push([c, t]); }, bad };
}

function rowOf(outcome: ParseOutcome): Row {
  if ('error' in outcome) throw new Error(`expected a row, got: ${outcome.error}`);
  return outcome.row;
}

const t = (s: string): bigint => parseDatetimeString(s)!;
const FIXTURES = path.join(SHARED, 'data', 'elastic-fixtures');
const fixtureLines = (rel: string): string[] =>
  fs.readFileSync(path.join(FIXTURES, rel), 'utf8').split('\n').filter((l) => l.trim() !== '');

// ───────────────────────────── CEF ─────────────────────────────

test('CEF header: escaped pipes and backslashes; extension escapes and multi-word values', () => {
  const line = String.raw`CEF:0|Sec\|urity|threat\\manager|1.0|100|detected a \| in message|10|src=10.0.0.1 act=blocked a \= sign msg=line1\nline2 path=C:\\Windows cs1Label=Rule Name cs1=allow all`;
  const h = parseCefHeader(line, 4)!;
  assert.equal(h.header.vendor, 'Sec|urity');
  assert.equal(h.header.product, String.raw`threat\manager`);
  assert.equal(h.header.name, 'detected a | in message');
  const { pairs } = parseCefExtension(line, h.extensionStart);
  assert.deepEqual(pairs, [
    ['src', '10.0.0.1'], ['act', 'blocked a = sign'], ['msg', 'line1\nline2'], ['path', String.raw`C:\Windows`],
    ['cs1Label', 'Rule Name'], ['cs1', 'allow all'],
  ]);
  const row = rowOf(parseCefLine(line, context()));
  assert.equal(row['DeviceVendor'], 'Sec|urity');
  assert.equal(row['DeviceAction'], 'blocked a = sign');
  assert.equal(row['DeviceCustomString1'], 'allow all');
  assert.equal(row['DeviceCustomString1Label'], 'Rule Name');
  assert.equal(row['AdditionalExtensions'], String.raw`path=C:\Windows`);
  assert.equal(row['LogSeverity'], '10');
  assert.equal(row['TimeGenerated'], INGEST_TIME);
});

test('CEF maps documented keys to CommonSecurityLog columns with their types', () => {
  const line = 'CEF:0|V|P|1|sig|name|5|src=1.2.3.4 spt=1234 dst=5.6.7.8 dpt=443 in=100 out=2000 proto=TCP app=HTTPS suser=bob duser=alice request=https://x/y?a\\=b requestMethod=GET cn1=7 cn1Label=n deviceExternalId=dev1 rt=1700000000000 start=Nov 14 2023 22:13:20 end=2023-11-14T22:13:21Z msg=hello world flexString1=f1 fname=a.exe';
  const row = rowOf(parseCefLine(line, context()));
  assert.equal(row['SourceIP'], '1.2.3.4');
  assert.equal(row['SourcePort'], 1234);
  assert.equal(row['DestinationPort'], 443);
  assert.equal(row['ReceivedBytes'], 100);
  assert.equal(row['SentBytes'], 2000);
  assert.equal(row['Protocol'], 'TCP');
  assert.equal(row['ApplicationProtocol'], 'HTTPS');
  assert.equal(row['SourceUserName'], 'bob');
  assert.equal(row['DestinationUserName'], 'alice');
  assert.equal(row['RequestURL'], 'https://x/y?a=b');
  assert.equal(row['RequestMethod'], 'GET');
  assert.equal(row['DeviceCustomNumber1'], 7);
  assert.equal(row['DeviceExternalID'], 'dev1');
  assert.equal(row['ReceiptTime'], '1700000000000');
  assert.equal(row['TimeGenerated'], t('2023-11-14T22:13:20Z'));
  assert.equal(row['StartTime'], t('2023-11-14T22:13:20Z'));
  assert.equal(row['EndTime'], t('2023-11-14T22:13:21Z'));
  assert.equal(row['Message'], 'hello world');
  assert.equal(row['FlexString1'], 'f1');
  assert.equal(row['FileName'], 'a.exe');
});

test('CEF: a value its column cannot take is kept in AdditionalExtensions and counted', () => {
  const ctx = context();
  const row = rowOf(parseCefLine('CEF:0|V|P|1|sig|name|5|spt=http dpt=80', ctx));
  assert.equal(row['SourcePort'], undefined);
  assert.equal(row['DestinationPort'], 80);
  assert.equal(row['AdditionalExtensions'], 'spt=http');
  assert.deepEqual(ctx.bad, [['SourcePort', 'http']]);
});

test('CEF inside a syslog envelope takes its time and host', () => {
  const row = rowOf(parseCefLine('<189>Jun 18 10:55:50 fw01 CEF:0|Elastic|Vaporware|1.0.0-alpha|18|Web request|low|eventId=3457 msg=hello', context()));
  assert.equal(row['TimeGenerated'], t('2023-06-18T10:55:50Z'), 'June 18 is after the June 1 reference, so last year');
  assert.equal(row['Computer'], 'fw01');
  assert.equal(row['AdditionalExtensions'], 'eventId=3457');
  const r5424 = rowOf(parseCefLine('<189>1 2021-06-18T10:55:50.000003Z host app - - - CEF:0|Elastic|Vaporware|1.0.0-alpha|18|Web request|low|msg=hello', context()));
  assert.equal(r5424['TimeGenerated'], t('2021-06-18T10:55:50.000003Z'));
  assert.equal(r5424['Computer'], 'host');
});

test('CEF: the Elastic fixture lines, including trailing whitespace', () => {
  const lines = fixtureLines('cef/data_stream/log/_dev/test/pipeline/test-cef.log');
  assert.equal(lines.length, 4);
  const rows = lines.map((l) => rowOf(parseCefLine(l, context())));
  assert.equal(rows[0]!['RequestMethod'], 'POST');
  assert.equal(rows[0]!['SourceIP'], '89.160.20.156');
  assert.equal(rows[0]!['SourcePort'], 33876);
  assert.equal(rows[0]!['RequestURL'], 'https://www.example.com/cart');
  assert.equal(rows[0]!['RequestContext'], 'https://www.google.com');
  assert.equal(rows[0]!['SourceServiceName'], 'httpd');
  assert.equal(rows[1]!['DestinationTranslatedAddress'], '10.10.10.10');
  assert.equal(rows[1]!['FileHash'], 'bc8bbe52f041fd17318f08a0f73762ce');
  assert.equal(rows[1]!['OldFileHash'], 'a9796280592f86b74b27e370662d41eb');
  assert.equal(rows[2]!['SourceUserPrivileges'], 'user');
  assert.equal(rows[2]!['DestinationUserPrivileges'], 'root');
  assert.equal(rows[3]!['Message'], 'This event is padded with whitespace');
  assert.equal(rows[3]!['SourceIP'], '192.168.3.4');
  assert.equal(rows[3]!['DeviceVendor'], 'Elastic');
  assert.equal(rows[3]!['Activity'], 'Authentication');
});

test('CEF: an incomplete header is refused with where it starts', () => {
  const o = parseCefLine('CEF:0|only|three', context());
  assert.ok('error' in o && /7 '\|'-separated fields/.test(o.error));
});

// ───────────────────────────── syslog ─────────────────────────────

test('RFC 5424 example messages (RFC 5424 §6.5)', () => {
  const row = rowOf(parseSyslogLine("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8", context()));
  assert.equal(row['Facility'], 'auth');
  assert.equal(row['SeverityLevel'], 'crit');
  assert.equal(row['HostName'], 'mymachine.example.com');
  assert.equal(row['ProcessName'], 'su');
  assert.equal(row['EventTime'], t('2003-10-11T22:14:15.003Z'));
  assert.equal(row['SyslogMessage'], "ID47 'su root' failed for lonvick on /dev/pts/8");
  const sd = rowOf(parseSyslogLine('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event', context()));
  assert.equal(sd['ProcessID'], 1234);
  assert.equal(sd['Facility'], 'local4');
  assert.equal(sd['SeverityLevel'], 'notice');
  assert.match(sd['SyslogMessage'] as string, /\[exampleSDID@32473 iut="3".*\] An application event$/);
});

test('RFC 3164 messages, with and without PRI, year and pid', () => {
  const row = rowOf(parseSyslogLine("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", context()));
  assert.equal(row['Facility'], 'auth');
  assert.equal(row['HostName'], 'mymachine');
  assert.equal(row['Computer'], 'mymachine');
  assert.equal(row['ProcessName'], 'su');
  assert.equal(row['SyslogMessage'], "'su root' failed for lonvick on /dev/pts/8");
  assert.equal(row['EventTime'], t('2023-10-11T22:14:15Z'), 'an October time read in June belongs to the previous year');
  const daemon = rowOf(parseSyslogLine('Mar  5 01:02:03 host sshd[4242]: Accepted publickey for root', context()));
  assert.equal(daemon['ProcessID'], 4242);
  assert.equal(daemon['EventTime'], t('2024-03-05T01:02:03Z'));
  assert.equal(daemon['Facility'], undefined);
  const refused = parseSyslogLine('just some text', context());
  assert.ok('error' in refused);
});

// ───────────────────────────── ASA ─────────────────────────────

test('ASA: all 275 Elastic fixture lines become CommonSecurityLog rows', () => {
  const tracker = new AsaConnectionTracker();
  const lines = fixtureLines('cisco_asa/data_stream/log/_dev/test/pipeline/test-asa.log');
  assert.equal(lines.length, 275);
  const rows = lines.map((l) => rowOf(parseAsaLine(l, context(), tracker)));
  for (const r of rows) {
    assert.equal(r['DeviceVendor'], 'Cisco');
    assert.equal(r['DeviceProduct'], 'ASA');
    assert.match(r['DeviceEventClassID'] as string, /^\d{6}$/);
  }
  // Known ids all get addresses.
  const known = rows.filter((r) => ['302013', '302014', '302015', '302016', '106023', '305011', '305012'].includes(r['DeviceEventClassID'] as string));
  assert.equal(known.length, 270);
  for (const r of known) assert.ok(typeof r['SourceIP'] === 'string', `no SourceIP: ${r['Message']}`);
});

test('ASA built/teardown: direction, NAT, bytes, interfaces', () => {
  const tracker = new AsaConnectionTracker();
  const built = rowOf(parseAsaLine('<166>Jan 11 2023 13:34:06 localhost : %ASA-6-302013: Built outbound TCP connection 353540142 for outside-noanet:192.168.124.24/443 (203.0.113.5/443) to inside:172.31.98.44/49234 (198.51.100.7/1025)', context(), tracker));
  assert.equal(built['SourceIP'], '172.31.98.44');
  assert.equal(built['SourcePort'], 49234);
  assert.equal(built['SourceTranslatedAddress'], '198.51.100.7');
  assert.equal(built['SourceTranslatedPort'], 1025);
  assert.equal(built['DestinationIP'], '192.168.124.24');
  assert.equal(built['DestinationTranslatedAddress'], '203.0.113.5');
  assert.equal(built['CommunicationDirection'], '1');
  assert.equal(built['DeviceInboundInterface'], 'inside');
  assert.equal(built['DeviceAction'], 'Built');
  assert.equal(built['Computer'], 'localhost');
  assert.equal(built['TimeGenerated'], t('2023-01-11T13:34:06Z'));
  const teardown = rowOf(parseAsaLine('%ASA-6-302014: Teardown TCP connection 353540142 for outside-noanet:192.168.124.24/443 to inside:172.31.98.44/49234 duration 0:01:07 bytes 38110 TCP Reset-I', context(), tracker));
  assert.equal(teardown['SourceIP'], '172.31.98.44', 'direction taken from the Built message of the same connection');
  assert.equal(teardown['SentBytes'], 38110);
  assert.equal(teardown['ReceivedBytes'], undefined);
  assert.equal(teardown['Reason'], 'TCP Reset-I');
  assert.match(teardown['AdditionalExtensions'] as string, /TotalBytes=38110/);
  const unknownDirection = rowOf(parseAsaLine('%ASA-6-302016: Teardown UDP connection 9 for outside:192.168.80.32/53 to inside:172.31.98.44/56132 duration 0:00:00 bytes 148', context(), tracker));
  assert.equal(unknownDirection['SourceIP'], '192.168.80.32');
  assert.equal(unknownDirection['CommunicationDirection'], undefined);
});

test('ASA denies and others; unknown ids keep the generic fields', () => {
  const ctx = context();
  const tracker = new AsaConnectionTracker();
  const deny = rowOf(parseAsaLine('<164>Jan 11 2023 13:34:06: %ASA-4-106023: Deny udp src MY_mgmt:192.168.124.24/123 dst MPLS_Internet:172.31.98.44/123 by access-group "MY_mgmt_access_in" [0x0, 0x0]', ctx, tracker));
  assert.deepEqual([deny['SourceIP'], deny['SourcePort'], deny['DestinationIP'], deny['DestinationPort'], deny['DeviceAction'], deny['DeviceCustomString1'], deny['LogSeverity']],
    ['192.168.124.24', 123, '172.31.98.44', 123, 'Deny', 'MY_mgmt_access_in', '4']);
  const acl = rowOf(parseAsaLine('%ASA-6-106100: access-list inside_in denied tcp inside/10.0.0.5(1234) -> outside/8.8.8.8(53) hit-cnt 1 first hit [0x1, 0x0]', ctx, tracker));
  assert.deepEqual([acl['SourceIP'], acl['DestinationPort'], acl['DeviceAction'], acl['DeviceCustomString1']], ['10.0.0.5', 53, 'Deny', 'inside_in']);
  const d15 = rowOf(parseAsaLine('%ASA-6-106015: Deny TCP (no connection) from 10.1.1.1/443 to 10.2.2.2/5555 flags RST  on interface outside', ctx, tracker));
  assert.deepEqual([d15['SourceIP'], d15['DestinationPort'], d15['DeviceInboundInterface']], ['10.1.1.1', 5555, 'outside']);
  const aaa = rowOf(parseAsaLine('%ASA-6-113004: AAA user authentication Successful : server = 10.9.9.9 : user = jdoe', ctx, tracker));
  assert.deepEqual([aaa['SourceUserName'], aaa['DestinationIP'], aaa['EventOutcome']], ['jdoe', '10.9.9.9', 'Success']);
  const unknown = rowOf(parseAsaLine('<165>Jan 11 2023 13:34:06: %ASA-5-425005: Interface GigabitEthernet0/1 become active in redundant interface Redundant1', ctx, tracker));
  assert.equal(unknown['DeviceEventClassID'], '425005');
  assert.equal(unknown['Message'], 'Interface GigabitEthernet0/1 become active in redundant interface Redundant1');
});

// ───────────────────────────── FortiGate ─────────────────────────────

test('FortiGate: key=value with quoted values; all 56 fixture lines parse', () => {
  assert.deepEqual(parseKeyValues('a=1 b="two words" c="q\\"uote" d='), [['a', '1'], ['b', 'two words'], ['c', 'q"uote'], ['d', '']]);
  const lines = fixtureLines('fortinet_fortigate/data_stream/log/_dev/test/pipeline/test-fortinet.log');
  assert.equal(lines.length, 56);
  const rows = lines.map((l) => rowOf(parseFortiGateLine(l, context())));
  const first = rows[0]!;
  assert.deepEqual(
    [first['DeviceVendor'], first['DeviceProduct'], first['SourceIP'], first['SourcePort'], first['DestinationIP'], first['DestinationPort'],
      first['SentBytes'], first['ReceivedBytes'], first['DeviceAction'], first['ApplicationProtocol'], first['DeviceName'], first['SourceUserName'],
      first['DeviceEventClassID'], first['Activity'], first['DestinationHostName'], first['RequestURL'], first['CommunicationDirection']],
    ['Fortinet', 'Fortigate', '192.168.2.1', 61930, '67.43.156.13', 443, 1152, 1130, 'blocked', 'HTTPS', 'testswitch1', 'elasticuser',
      '13056', 'utm:webfilter ftgd_blk blocked', 'elastic.co', '/config/', '1']);
  // eventtime in nanoseconds wins over date/time.
  assert.equal(first['TimeGenerated'], fortiEventTime('1587230269052907555'));
  assert.equal(fortiEventTime('1587230269052907555'), t('2020-04-18T17:17:49.0529076Z'));
  assert.equal(rows[1]!['TimeGenerated'], t('2020-06-24T01:16:08Z'), 'eventtime in seconds');
  assert.match(first['AdditionalExtensions'] as string, /FortinetFortiGatecatdesc=Internet Telephony/);
});

// ───────────────────────────── PAN-OS ─────────────────────────────

// Built from Palo Alto's TRAFFIC/THREAT/SYSTEM field lists (PAN-OS 10.x "Syslog Field Descriptions").
const PAN_TRAFFIC = '<14>Jul 13 20:39:44 PA-VM 1,2017/07/13 20:39:44,0009C101317,TRAFFIC,end,2049,2017/07/13 20:39:43,10.183.12.108,10.183.51.49,0.0.0.0,0.0.0.0,WinDomain_AUTH_TO_DC,,corp\\mkwan,msrpc,vsys1,ENG_USER,ENG_INFRA,ivlan_712,ivlan_751,Syslog,2017/07/13 20:39:44,1070831,1,65123,135,0,0,0x19,tcp,allow,1194,644,550,12,2017/07/13 20:39:40,3,any,0,3297977305,0x0,10.0.0.0-10.255.255.255,10.0.0.0-10.255.255.255,0,7,5,tcp-fin,0,0,0,0,,PA-VM,from-policy,,,0,,0,,N/A,0,0,0,0';
const PAN_THREAT = '1,2021/03/01 10:00:00,0123456789,THREAT,vulnerability,2049,2021/03/01 09:59:59,192.168.1.10,203.0.113.9,0.0.0.0,0.0.0.0,block-bad,,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,,12345,1,50000,80,0,0,0x0,tcp,reset-both,"evil.example/x.php?a=1,2",Apache Struts RCE(33000),any,critical,client-to-server,777,0x0,US,US,,text/html,0,,,0,,,,,,,,0,0,0,0,0,,PA-VM';
const PAN_SYSTEM = '1,2021/03/01 10:00:00,0123456789,SYSTEM,auth,2049,2021/03/01 10:00:00,,auth-fail,admin,0,0,general,medium,"failed authentication for user \'admin\'. Reason: Invalid username/password.",888,0x0,0,0,0,0,,PA-VM';

test('PAN-OS TRAFFIC/THREAT/SYSTEM by field position', () => {
  const tr = rowOf(parsePanosLine(PAN_TRAFFIC, context()));
  assert.deepEqual(
    [tr['DeviceVendor'], tr['DeviceProduct'], tr['Activity'], tr['DeviceEventClassID'], tr['SourceIP'], tr['DestinationIP'], tr['DeviceCustomString1'],
      tr['SourceUserName'], tr['DestinationUserName'], tr['ApplicationProtocol'], tr['SourcePort'], tr['DestinationPort'], tr['Protocol'], tr['DeviceAction'],
      tr['SentBytes'], tr['ReceivedBytes'], tr['FlexNumber1'], tr['Reason'], tr['DeviceName'], tr['Computer'], tr['ExtID']],
    ['Palo Alto Networks', 'PAN-OS', 'TRAFFIC', 'end', '10.183.12.108', '10.183.51.49', 'WinDomain_AUTH_TO_DC',
      undefined, 'corp\\mkwan', 'msrpc', 65123, 135, 'tcp', 'allow', 644, 550, 1194, 'tcp-fin', 'PA-VM', 'PA-VM', '3297977305']);
  assert.equal(tr['TimeGenerated'], t('2017-07-13T20:39:43Z'));
  assert.equal(tr['StartTime'], t('2017-07-13T20:39:40Z'));
  assert.equal(tr['DeviceCustomString1Label'], 'Rule');
  const th = rowOf(parsePanosLine(PAN_THREAT, context()));
  assert.deepEqual([th['Activity'], th['RequestURL'], th['Message'], th['LogSeverity'], th['DeviceAction'], th['FlexString2']],
    ['THREAT', 'evil.example/x.php?a=1,2', 'Apache Struts RCE(33000)', 'critical', 'reset-both', 'client-to-server']);
  assert.match(th['AdditionalExtensions'] as string, /PanOSThreatID=33000/);
  const sy = rowOf(parsePanosLine(PAN_SYSTEM, context()));
  assert.deepEqual([sy['Activity'], sy['DeviceEventCategory'], sy['LogSeverity'], sy['DeviceName']], ['SYSTEM', 'auth-fail', 'medium', 'PA-VM']);
  assert.match(sy['Message'] as string, /^failed authentication for user 'admin'/);
  const short = parsePanosLine('1,2021/03/01 10:00:00,0123,TRAFFIC,end,1,2021/03/01 10:00:00,1.1.1.1', context());
  assert.ok('error' in short && /at least 34 expected/.test(short.error));
  assert.deepEqual(splitCsvLine('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
});
