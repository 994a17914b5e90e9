// Real PAN-OS syslog lines (8.1 and 9.0 firewalls, anonymised by their publisher: TEST-NET
// addresses, example.com names), through line detection and the PAN-OS parser.
//
// Source: layer-3-communications/pan-os-syslog, common/Sample.hs (the sample logs of its test
// suite), https://github.com/layer-3-communications/pan-os-syslog — BSD-3-Clause,
// Copyright 2019 Layer 3 Communications. The Haskell string pieces are joined back into the
// one-line messages they spell; `\\` there is one backslash, `\"` one quote.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineFormat } from '../../src/ingest/pipeline.js';
import { parsePanosLine } from '../../src/ingest/panos.js';
import type { ParseContext, Row } from '../../src/ingest/record.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';

const INGEST_TIME = parseDatetimeString('2024-06-01T00:00:00Z')!;
const t = (s: string): bigint => parseDatetimeString(s)!;

const SAMPLES = {
  traffic_8_1_A: '<12> Jul 14 11:22:29 MY-HOST.example.com 1,2019/07/14 10:26:22,003924147953,TRAFFIC,end,2057,2019/07/14 10:20:24,192.0.2.235,192.0.2.251,0.0.0.0,0.0.0.0,Example-Rule-Name,,,incomplete,vsys45,My-Source-Zone,My-Dest-Zone,eth-inbound.42,eth-outbound.43,Example-Forwarding-Profile,2019/07/14 10:19:25,33651,1,59061,177,0,0,0x19,tcp,deny,135,101,34,1,2019/07/14 10:18:15,0,my-category,0,5384825641,0x8000000000000000,10.0.0.0-10.255.255.255,10.0.0.0-10.255.255.255,0,1,0,policy-deny,174,0,0,0,MY-VSYS-NAME,MY-DEVICE-NAME,from-policy,,,0,,0,,N/A,0,0,0,0',
  traffic_8_1_B: '<13> Nov 1 11:26:30 TX-PAN-FW-1.example.org 1,2019/10/01 11:29:30,001922410172,TRAFFIC,end,2067,2019/11/01 11:26:30,192.0.2.165,192.0.2.100,192.0.2.130,192.0.2.100,Some-Rule,example\\jdoe,,google-base,vsys13,ORG-TX-Private,ORG-TX-Public,ethernet9/4.57,ethernet7/3,Forward-Logs,2019/10/01 11:33:34,267134,1,59173,443,5532,443,0x400053,tcp,allow,19421,2151,17270,39,2019/10/01 11:29:17,0,search-engines,0,2176523185,0x8000000000000000,10.0.0.0-10.255.255.255,United States,0,18,21,tcp-fin,134,0,0,0,Some-Name,TX-PAN-FW-1,my-policy,,,0,,0,,N/A,0,0,0,0',
  traffic_9_0_A: '<14> Mar 9 14:13:44 NY-PAN-FW-5.example.com 1,2020/03/09 14:13:44,019624168632,TRAFFIC,end,2304,2020/03/09 14:13:44,192.0.2.73,192.0.2.117,0.0.0.0,0.0.0.0,NEAR to FAR,,,insufficient-data,vsys1,NEAR-ZONE,FAR-ZONE,tunnel.163,ethernet1/4,Forward-The-Logs,2020/03/09 14:13:44,385404,1,56451,8475,0,0,0x401c,tcp,allow,1760,1051,709,19,2020/03/09 14:13:24,16,any,0,6412095715,0x0,United States,10.0.0.0-10.255.255.255,0,12,7,tcp-fin,11,0,0,0,,NY-PAN-FW-5,my-policy,,,0,,0,,N/A,0,0,0,0,321ef4bf-801e-1c89-b341-efb2898ba2be,0',
  threat_8_1_B: '<13> Jul 24 08:38:34 THE-FW-3.local 1,2019/07/24 08:38:34,293471355489,THREAT,url,3179,2019/07/24 08:38:35,192.0.2.99,192.0.2.57,192.0.2.53,192.0.2.11,MY-WEB-TRAFFIC-RULE,,,web-browsing,vsys46,the-src-zone,the-dst-zone,ethernet13/6.721,ethernet12/5,the-policy-name,2019/07/24 08:38:36,140720,1,39537,80,55176,80,0x40b000,tcp,alert,"www.example.com/",(9999),internet-communications-and-telephony,informational,client-to-server,787958469,0xa000000000000000,10.0.0.0-10.255.255.255,United States,0,text/html,0,,,107,"Mozilla/8.2 (Macintosh; Intel Mac OS X 10_19_7) AppleWebKit/943.87 (KHTML, like Gecko) Chrome/95.17.6820.145 Safari/922.12",,,,,,,0,134,0,0,0,the-vsys-name,THE-FW-HOST,,,,get,0,,0,,N/A,unknown,AppThreat-3-7,0x0,0,5323721019,',
  threat_8_1_D: '<13>Nov  3 07:01:51 BIG-OL-PAN.example.com 1,2019/11/03 07:01:51,008724449461,THREAT,file,2049,2019/11/03 07:01:51,192.0.2.105,192.0.2.106,192.0.2.107,192.0.2.108,My-Email-Rule,,,smtp,vsys17,MY-ZN,YOUR-ZN,ae2,ae13.5,Syslog,2019/11/03 07:01:51,206756,1,31532,25,42813,25,0x406000,tcp,alert,"",Email Link(52143),any,low,client-to-server,87562570,0xa000000000000000,United States,United States,0,,0,,,1,,,,,"From: ""John Doe"" <jdoe@example.com>","Sub: Hello, Worlds",To: <foo@bar.org>;  ,0,11,0,0,0,,BIG-OL-PAN,,,,,0,,0,,N/A,unknown,AppThreat-8194-5693,0x0,0,5382217271,',
  threat_8_1_I: '<12>Jan 10 01:56:39 NY-PA-FW-1.example 1,2020/01/10 01:56:38,012862319694,THREAT,spyware,2049,2020/01/10 01:56:38,192.0.2.15,192.0.2.30,192.0.2.31,192.0.2.32,Some-Rule,,,dns,vsys1,Src-Zone,Dst-Zone,ethernet1/9.255,ethernet1/1,Forward-Logs,2020/01/10 01:56:38,146414,1,45476,53,15021,53,0x80402000,udp,sinkhole,"",Suspicious DNS Query (generic:comparetvs.net)(320511141),any,medium,client-to-server,267287993,0xa000000000000000,10.0.0.0-10.255.255.255,United States,0,,1315498975425810792,,,0,,,,,,,,0,134,0,0,0,Production,GA-PA-FW-1,,,,,0,,0,,N/A,dns,AppThreat-3218-3729,0x0,0,4294967295,',
  threat_9_0_A: 'Mar 9 14:47:44 firewall1.example.com 1,2020/03/09 14:47:44,001701012545,THREAT,url,2304,2020/03/09 14:47:44,192.0.2.101,192.0.2.102,192.0.2.103,192.0.2.104,FOO to BAR,example\\jdoe,,ssl,vsys1,FOO,BAR,ethernet1/6,ethernet1/7,My-Log-Forwarding,2020/03/09 14:47:44,455102,1,62475,443,31963,443,0x40f000,tcp,alert,"dt.adsafeprotected.com/",(9999),web-advertisements,informational,client-to-server,2314781488,0x2000000000000000,United States,United States,0,,0,,,0,,,,,,,,0,11,0,0,0,,firewall1,,,,,0,,0,,N/A,unknown,AppThreat-0-0,0x0,0,4294967295,,"web-advertisements,low-risk",edd29e10-d927-1753-867f-0108b01b80de,0',
  system_8_1_A: '<14>Nov  9 19:53:08 NY-DC-FW-2.example.com 1,2019/10/06 15:46:26,009732949126,SYSTEM,vpn,0,2019/10/19 15:39:29,,ike-send-p2-delete,To-FOO-BAR-NET,0,0,general,informational,"IKE protocol IPSec SA delete message sent to peer. SPI:0xA1CD910F.",18249042,0x8000000000000000,0,0,0,0,,NY-DC-FW-2',
};

function parse(line: string): { row: Row; bad: [string, string][] } {
  const bad: [string, string][] = [];
  const ctx: ParseContext = { ingestTime: INGEST_TIME, badField: (c, text) => { bad.push([c, text]); } };
  const outcome = parsePanosLine(line, ctx);
  if ('error' in outcome) throw new Error(`quarantined: ${outcome.error}`);
  return { row: outcome.row, bad };
}

test('real PAN-OS lines are recognised as PAN-OS and parse without bad fields', () => {
  for (const [name, line] of Object.entries(SAMPLES)) {
    assert.equal(lineFormat(line), 'panos', name);
    const { row, bad } = parse(line);
    assert.deepEqual(bad, [], name);
    assert.equal(row['DeviceVendor'], 'Palo Alto Networks', name);
    assert.equal(row['DeviceProduct'], 'PAN-OS', name);
    assert.equal(row['Type'], 'CommonSecurityLog', name);
  }
});

test('PAN-OS 8.1 TRAFFIC: addresses, ports, bytes, zones, user, session end reason, times', () => {
  const { row } = parse(SAMPLES.traffic_8_1_B);
  assert.equal(row['Activity'], 'TRAFFIC');
  assert.equal(row['DeviceEventClassID'], 'end');
  assert.equal(row['DeviceExternalID'], '001922410172');
  assert.equal(row['SourceIP'], '192.0.2.165');
  assert.equal(row['DestinationIP'], '192.0.2.100');
  assert.equal(row['SourceTranslatedAddress'], '192.0.2.130');
  assert.equal(row['SourceUserName'], 'example\\jdoe');
  assert.equal(row['ApplicationProtocol'], 'google-base');
  assert.equal(row['DeviceCustomString1'], 'Some-Rule');
  assert.equal(row['DeviceCustomString4'], 'ORG-TX-Private');
  assert.equal(row['DeviceCustomString5'], 'ORG-TX-Public');
  assert.equal(row['SourcePort'], 59173);
  assert.equal(row['DestinationPort'], 443);
  assert.equal(row['SourceTranslatedPort'], 5532);
  assert.equal(row['Protocol'], 'tcp');
  assert.equal(row['DeviceAction'], 'allow');
  assert.equal(row['SentBytes'], 2151);
  assert.equal(row['ReceivedBytes'], 17270);
  assert.equal(row['DeviceCustomNumber1'], 267134);
  assert.equal(row['Reason'], 'tcp-fin');
  assert.equal(row['DeviceName'], 'TX-PAN-FW-1');
  assert.equal(row['TimeGenerated'], t('2019-11-01T11:26:30Z'));
  assert.equal(row['ReceiptTime'], '2019/10/01 11:29:30');
  assert.equal(row['Computer'], 'TX-PAN-FW-1.example.org');
});

test('PAN-OS THREAT: quoted fields with commas and doubled quotes stay whole; threat name, severity, direction', () => {
  const browse = parse(SAMPLES.threat_8_1_B).row;
  assert.equal(browse['DeviceEventClassID'], 'url');
  assert.equal(browse['RequestURL'], 'www.example.com/');
  assert.equal(browse['RequestClientApplication'], 'Mozilla/8.2 (Macintosh; Intel Mac OS X 10_19_7) AppleWebKit/943.87 (KHTML, like Gecko) Chrome/95.17.6820.145 Safari/922.12');
  assert.equal(browse['DestinationPort'], 80);
  assert.equal(browse['DeviceName'], 'THE-FW-HOST');

  const mail = parse(SAMPLES.threat_8_1_D).row;
  assert.equal(mail['Message'], 'Email Link(52143)');
  assert.equal(mail['LogSeverity'], 'low');
  assert.equal(mail['DeviceAction'], 'alert');
  assert.equal(mail['DestinationPort'], 25);
  assert.equal(mail['DeviceName'], 'BIG-OL-PAN');

  const dns = parse(SAMPLES.threat_8_1_I).row;
  assert.equal(dns['DeviceAction'], 'sinkhole');
  assert.equal(dns['Message'], 'Suspicious DNS Query (generic:comparetvs.net)(320511141)');
  assert.equal(dns['LogSeverity'], 'medium');
  assert.equal(dns['Protocol'], 'udp');
  assert.equal(dns['TimeGenerated'], t('2020-01-10T01:56:38Z'));
});

test('PAN-OS SYSTEM: event id, module, severity, description', () => {
  const { row } = parse(SAMPLES.system_8_1_A);
  assert.equal(row['Activity'], 'SYSTEM');
  assert.equal(row['DeviceEventClassID'], 'vpn');
  assert.equal(row['DeviceEventCategory'], 'ike-send-p2-delete');
  assert.equal(row['LogSeverity'], 'informational');
  assert.equal(row['Message'], 'IKE protocol IPSec SA delete message sent to peer. SPI:0xA1CD910F.');
  assert.equal(row['TimeGenerated'], t('2019-10-19T15:39:29Z'));
});
