// Palo Alto Networks PAN-OS syslog (CSV payload) -> CommonSecurityLog.
//
// Field order from Palo Alto's "Syslog Field Descriptions" (PAN-OS 8.1 to 11.x admin guides).
// Fields are comma-separated; a field holding a comma is double-quoted with `""` for a quote.
// Every version keeps the earlier positions and appends new fields, so parsing by position
// with the lists below works for 8.x–11.x; fields a version lacks are simply absent.
//   common prefix: 0 FUTURE_USE, 1 Receive Time, 2 Serial Number, 3 Type, 4 Subtype,
//                  5 FUTURE_USE, 6 Generated Time
// Columns follow Palo Alto's CEF field mapping for the same logs (Strata Logging Service
// "Traffic/Threat/System CEF Fields"): rt = receive time, deviceExternalId = serial,
// cs1 = Rule, cs3 = vsys, cs4/cs5 = zones, cn1 = session id, in = bytes received,
// out = bytes sent, cs2 = URL category, externalId = sequence number, reason = session end
// reason, dvchost = device name; header Device Event Class ID = subtype, Name = type.

import { COMMON_SECURITY_LOG, CslRowBuilder } from './common-security-log.js';
import { datetimeFromParts } from '../kql/values/datetime.js';
import type { ParseContext, ParseOutcome } from './record.js';
import { parseSyslogEnvelope } from './syslog.js';

/** Splits one CSV record (no newlines inside: syslog lines are single lines). */
export function splitCsvLine(text: string, start = 0): string[] {
  const out: string[] = [];
  let i = start;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) { value += text.slice(j); j = n; break; }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) { value += '"'; j = q + 2; continue; }
        j = q + 1;
        break;
      }
      out.push(value);
      const comma = text.indexOf(',', j);
      if (comma < 0) return out;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) { out.push(text.slice(i)); return out; }
      out.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

type FieldMap = readonly (readonly [number, string, string?])[];

// [position, column, AdditionalExtensions key when the column is shared]
const TRAFFIC: FieldMap = [
  [7, 'SourceIP'], [8, 'DestinationIP'], [9, 'SourceTranslatedAddress'], [10, 'DestinationTranslatedAddress'],
  [11, 'DeviceCustomString1'], [12, 'SourceUserName'], [13, 'DestinationUserName'], [14, 'ApplicationProtocol'],
  [15, 'DeviceCustomString3'], [16, 'DeviceCustomString4'], [17, 'DeviceCustomString5'],
  [18, 'DeviceInboundInterface'], [19, 'DeviceOutboundInterface'], [20, 'DeviceCustomString6'],
  [22, 'DeviceCustomNumber1'], [23, 'EventCount'], [24, 'SourcePort'], [25, 'DestinationPort'],
  [26, 'SourceTranslatedPort'], [27, 'DestinationTranslatedPort'], [28, 'FlexString1'], [29, 'Protocol'],
  [30, 'DeviceAction'], [31, 'FlexNumber1'], [32, 'SentBytes'], [33, 'ReceivedBytes'], [34, 'DeviceCustomNumber2'],
  [36, 'DeviceCustomNumber3'], [37, 'DeviceCustomString2'], [39, 'ExtID'], [46, 'Reason'], [52, 'DeviceName'],
];
const TRAFFIC_LABELS: readonly [string, string][] = [
  ['DeviceCustomString1Label', 'Rule'], ['DeviceCustomString3Label', 'Virtual System'],
  ['DeviceCustomString4Label', 'Source Zone'], ['DeviceCustomString5Label', 'Destination Zone'],
  ['DeviceCustomString6Label', 'LogProfile'], ['DeviceCustomNumber1Label', 'SessionID'],
  ['FlexString1Label', 'Flags'], ['FlexNumber1Label', 'Total bytes'], ['DeviceCustomNumber2Label', 'Packets'],
  ['DeviceCustomNumber3Label', 'Elapsed time in seconds'], ['DeviceCustomString2Label', 'URL Category'],
];
const TRAFFIC_EXTRAS: readonly [number, string][] = [
  [35, 'start'], [40, 'PanOSActionFlags'], [41, 'PanOSSourceLocation'], [42, 'PanOSDestinationLocation'],
  [44, 'PanOSPacketsSent'], [45, 'PanOSPacketsReceived'], [53, 'PanOSActionSource'],
];

const THREAT: FieldMap = [
  [7, 'SourceIP'], [8, 'DestinationIP'], [9, 'SourceTranslatedAddress'], [10, 'DestinationTranslatedAddress'],
  [11, 'DeviceCustomString1'], [12, 'SourceUserName'], [13, 'DestinationUserName'], [14, 'ApplicationProtocol'],
  [15, 'DeviceCustomString3'], [16, 'DeviceCustomString4'], [17, 'DeviceCustomString5'],
  [18, 'DeviceInboundInterface'], [19, 'DeviceOutboundInterface'], [20, 'DeviceCustomString6'],
  [22, 'DeviceCustomNumber1'], [23, 'EventCount'], [24, 'SourcePort'], [25, 'DestinationPort'],
  [26, 'SourceTranslatedPort'], [27, 'DestinationTranslatedPort'], [28, 'FlexString1'], [29, 'Protocol'],
  [30, 'DeviceAction'], [31, 'RequestURL'], [32, 'Message'], [33, 'DeviceCustomString2'], [34, 'LogSeverity'],
  [35, 'FlexString2'], [36, 'ExtID'], [43, 'FileHash'], [46, 'RequestClientApplication'], [47, 'FileType'],
  [49, 'RequestContext'], [59, 'DeviceName'], [63, 'RequestMethod'],
];
const THREAT_LABELS: readonly [string, string][] = [
  ['DeviceCustomString1Label', 'Rule'], ['DeviceCustomString3Label', 'Virtual System'],
  ['DeviceCustomString4Label', 'Source Zone'], ['DeviceCustomString5Label', 'Destination Zone'],
  ['DeviceCustomString6Label', 'LogProfile'], ['DeviceCustomNumber1Label', 'SessionID'],
  ['FlexString1Label', 'Flags'], ['DeviceCustomString2Label', 'URL Category'], ['FlexString2Label', 'Direction'],
];
const THREAT_EXTRAS: readonly [number, string][] = [
  [37, 'PanOSActionFlags'], [38, 'PanOSSourceLocation'], [39, 'PanOSDestinationLocation'],
  [41, 'PanOSContentType'], [42, 'PanOSPcapID'], [44, 'PanOSCloudHostname'], [48, 'PanOSXForwardedFor'],
  [50, 'PanOSSender'], [51, 'PanOSSubject'], [52, 'PanOSRecipient'], [53, 'PanOSReportID'],
];

const SYSTEM: FieldMap = [
  [7, 'DeviceCustomString3'], [8, 'DeviceEventCategory'], [9, 'FlexString2'], [12, 'DeviceFacility'],
  [13, 'LogSeverity'], [14, 'Message'], [15, 'ExtID'], [22, 'DeviceName'],
];
const SYSTEM_LABELS: readonly [string, string][] = [['DeviceCustomString3Label', 'Virtual System'], ['FlexString2Label', 'Object']];

const CONFIG: FieldMap = [
  [7, 'DeviceAddress'], [8, 'DeviceCustomString3'], [9, 'DeviceEventCategory'], [10, 'DestinationUserName'],
  [11, 'DestinationServiceName'], [12, 'EventOutcome'], [13, 'Message'],
];
const CONFIG_LABELS: readonly [string, string][] = [['DeviceCustomString3Label', 'Virtual System']];

const LAYOUTS: Readonly<Record<string, { fields: FieldMap; labels: readonly [string, string][]; extras: readonly [number, string][]; minFields: number }>> = {
  TRAFFIC: { fields: TRAFFIC, labels: TRAFFIC_LABELS, extras: TRAFFIC_EXTRAS, minFields: 34 },
  THREAT: { fields: THREAT, labels: THREAT_LABELS, extras: THREAT_EXTRAS, minFields: 35 },
  SYSTEM: { fields: SYSTEM, labels: SYSTEM_LABELS, extras: [], minFields: 15 },
  CONFIG: { fields: CONFIG, labels: CONFIG_LABELS, extras: [], minFields: 13 },
};

const PAN_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `2021/01/10 12:00:00` in the firewall's own clock; read as UTC (PAN-OS writes no zone). */
export function panTime(text: string): bigint | undefined {
  const m = PAN_TIME.exec(text);
  if (m === null) return undefined;
  const t = datetimeFromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return t ?? undefined;
}

const PAYLOAD = /[^,\s]*,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[^,]*,(?:TRAFFIC|THREAT|SYSTEM|CONFIG),/;

/** Where the PAN-OS CSV payload (`FUTURE_USE,receive time,serial,TYPE,...`) starts in a line, or -1. */
export function panosPayloadStart(line: string): number {
  const m = PAYLOAD.exec(line);
  return m === null ? -1 : m.index;
}

export function isPanosMessage(line: string): boolean {
  return panosPayloadStart(line) >= 0;
}

export function parsePanosLine(line: string, ctx: ParseContext): ParseOutcome {
  const start = panosPayloadStart(line);
  if (start < 0) return { error: 'not a PAN-OS log: no "<future>,<receive time>,<serial>,TRAFFIC|THREAT|SYSTEM|CONFIG," fields' };
  const env = start > 0 ? parseSyslogEnvelope(line.slice(0, start) + 'x', ctx.ingestTime) : undefined;
  const f = splitCsvLine(line, start);
  const type = f[3]!;
  const layout = LAYOUTS[type];
  if (layout === undefined) return { error: `PAN-OS log type ${type} is not supported` };
  if (f.length < layout.minFields) {
    return { error: `PAN-OS ${type} log has ${f.length} fields; at least ${layout.minFields} expected (PAN-OS 8.x field list)` };
  }
  const b = new CslRowBuilder(ctx);
  b.set('DeviceVendor', 'Palo Alto Networks');
  b.set('DeviceProduct', 'PAN-OS');
  b.set('Activity', type);
  b.set('DeviceEventClassID', f[4]!);
  b.set('DeviceExternalID', f[2]!);
  b.set('ReceiptTime', f[1]!);
  for (const [pos, column] of layout.fields) {
    const v = f[pos];
    if (v !== undefined) b.set(column, v, `field${pos}`);
  }
  for (const [column, label] of layout.labels) {
    const valueColumn = column.slice(0, -'Label'.length);
    if (b.has(valueColumn)) b.set(column, label);
  }
  for (const [pos, key] of layout.extras) {
    const v = f[pos];
    if (v !== undefined && v !== '') b.extra(key, v);
  }
  if (type === 'THREAT' && f[32] !== undefined) {
    // "threat name (id)": the id is the signature; keep the text as the message.
    const id = /\((\d+)\)\s*$/.exec(f[32]);
    if (id !== null) b.extra('PanOSThreatID', id[1]!);
  }
  if (env?.hostname !== undefined) b.set('Computer', env.hostname);
  const generated = panTime(f[6] ?? '') ?? panTime(f[1] ?? '');
  if (generated === undefined) ctx.badField('TimeGenerated', f[6] ?? '');
  if (type === 'TRAFFIC' && f[35] !== undefined) {
    const startTime = panTime(f[35]);
    if (startTime !== undefined) b.setValue('StartTime', startTime);
  }
  return b.outcome(generated ?? env?.timestamp ?? ctx.ingestTime);
}
