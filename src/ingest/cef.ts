// ArcSight Common Event Format -> CommonSecurityLog.
//
// Format (Micro Focus "Implementing ArcSight CEF", revision 25):
//   CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|[Extension]
//   - header fields: `\|` and `\\` are escapes; a pipe anywhere else ends the field.
//   - extension: space-separated key=value pairs; in values `\=`, `\\`, `\n`, `\r` are escapes,
//     a pipe needs none, and a value may contain spaces: it runs until the space before the next
//     unescaped `key=`.
//   - the message may come inside a syslog envelope (RFC 3164 or 5424), whose time and host are
//     used when the extension has none.
// Columns follow Microsoft's "CEF and CommonSecurityLog field mapping" (learn.microsoft.com,
// azure/sentinel/cef-name-mapping); keys without a column go to AdditionalExtensions.

import { COMMON_SECURITY_LOG, CslRowBuilder } from './common-security-log.js';
import { parseCefTimestamp } from './convert.js';
import type { ParseContext, ParseOutcome } from './record.js';
import { parseSyslogEnvelope, type SyslogEnvelope } from './syslog.js';

/** CEF extension key (short name, and the spec's full name where senders use it) -> column. */
export const CEF_KEY_TO_COLUMN: ReadonlyMap<string, string> = new Map([
  ['act', 'DeviceAction'], ['deviceAction', 'DeviceAction'],
  ['app', 'ApplicationProtocol'], ['applicationProtocol', 'ApplicationProtocol'],
  ['cat', 'DeviceEventCategory'], ['deviceEventCategory', 'DeviceEventCategory'],
  ['cnt', 'EventCount'], ['baseEventCount', 'EventCount'],
  ['destinationDnsDomain', 'DestinationDnsDomain'],
  ['destinationServiceName', 'DestinationServiceName'],
  ['destinationTranslatedAddress', 'DestinationTranslatedAddress'],
  ['destinationTranslatedPort', 'DestinationTranslatedPort'],
  ['deviceDirection', 'CommunicationDirection'],
  ['deviceDnsDomain', 'DeviceDnsDomain'],
  ['deviceExternalId', 'DeviceExternalID'],
  ['deviceFacility', 'DeviceFacility'],
  ['deviceInboundInterface', 'DeviceInboundInterface'],
  ['deviceNtDomain', 'DeviceNtDomain'],
  ['deviceOutboundInterface', 'DeviceOutboundInterface'],
  ['devicePayloadId', 'DevicePayloadId'],
  ['deviceProcessName', 'ProcessName'],
  ['deviceTranslatedAddress', 'DeviceTranslatedAddress'],
  ['dhost', 'DestinationHostName'], ['destinationHostName', 'DestinationHostName'],
  ['dmac', 'DestinationMACAddress'], ['destinationMacAddress', 'DestinationMACAddress'],
  ['dntdom', 'DestinationNTDomain'], ['destinationNtDomain', 'DestinationNTDomain'],
  ['dpid', 'DestinationProcessId'], ['destinationProcessId', 'DestinationProcessId'],
  ['dpriv', 'DestinationUserPrivileges'], ['destinationUserPrivileges', 'DestinationUserPrivileges'],
  ['dproc', 'DestinationProcessName'], ['destinationProcessName', 'DestinationProcessName'],
  ['dpt', 'DestinationPort'], ['destinationPort', 'DestinationPort'],
  ['dst', 'DestinationIP'], ['destinationAddress', 'DestinationIP'],
  ['dtz', 'DeviceTimeZone'], ['deviceTimeZone', 'DeviceTimeZone'],
  ['duid', 'DestinationUserID'], ['destinationUserId', 'DestinationUserID'],
  ['duser', 'DestinationUserName'], ['destinationUserName', 'DestinationUserName'],
  ['dvc', 'DeviceAddress'], ['deviceAddress', 'DeviceAddress'],
  ['dvchost', 'DeviceName'], ['deviceHostName', 'DeviceName'],
  ['dvcmac', 'DeviceMacAddress'], ['deviceMacAddress', 'DeviceMacAddress'],
  ['dvcpid', 'ProcessID'], ['deviceProcessId', 'ProcessID'],
  ['end', 'EndTime'], ['endTime', 'EndTime'],
  ['externalId', 'ExternalID'],
  ['fileCreateTime', 'FileCreateTime'],
  ['fileHash', 'FileHash'],
  ['fileId', 'FileID'],
  ['fileModificationTime', 'FileModificationTime'],
  ['filePath', 'FilePath'],
  ['filePermission', 'FilePermission'],
  ['fileType', 'FileType'],
  ['fname', 'FileName'], ['fileName', 'FileName'],
  ['fsize', 'FileSize'], ['fileSize', 'FileSize'],
  ['in', 'ReceivedBytes'], ['bytesIn', 'ReceivedBytes'],
  ['msg', 'Message'], ['message', 'Message'],
  ['oldFileCreateTime', 'OldFileCreateTime'],
  ['oldFileHash', 'OldFileHash'],
  ['oldFileId', 'OldFileID'],
  ['oldFileModificationTime', 'OldFileModificationTime'],
  ['oldFileName', 'OldFileName'],
  ['oldFilePath', 'OldFilePath'],
  ['oldFilePermission', 'OldFilePermission'],
  ['oldFileSize', 'OldFileSize'],
  ['oldFileType', 'OldFileType'],
  ['out', 'SentBytes'], ['bytesOut', 'SentBytes'],
  ['outcome', 'EventOutcome'], ['eventOutcome', 'EventOutcome'],
  ['proto', 'Protocol'], ['transportProtocol', 'Protocol'],
  ['reason', 'Reason'],
  ['request', 'RequestURL'], ['requestUrl', 'RequestURL'],
  ['requestClientApplication', 'RequestClientApplication'],
  ['requestContext', 'RequestContext'],
  ['requestCookies', 'RequestCookies'],
  ['requestMethod', 'RequestMethod'],
  ['rt', 'ReceiptTime'], ['receiptTime', 'ReceiptTime'],
  ['shost', 'SourceHostName'], ['sourceHostName', 'SourceHostName'],
  ['smac', 'SourceMACAddress'], ['sourceMacAddress', 'SourceMACAddress'],
  ['sntdom', 'SourceNTDomain'], ['sourceNtDomain', 'SourceNTDomain'],
  ['sourceDnsDomain', 'SourceDnsDomain'],
  ['sourceServiceName', 'SourceServiceName'],
  ['sourceTranslatedAddress', 'SourceTranslatedAddress'],
  ['sourceTranslatedPort', 'SourceTranslatedPort'],
  ['spid', 'SourceProcessId'], ['sourceProcessId', 'SourceProcessId'],
  ['spriv', 'SourceUserPrivileges'], ['sourceUserPrivileges', 'SourceUserPrivileges'],
  ['sproc', 'SourceProcessName'], ['sourceProcessName', 'SourceProcessName'],
  ['spt', 'SourcePort'], ['sourcePort', 'SourcePort'],
  ['src', 'SourceIP'], ['sourceAddress', 'SourceIP'],
  ['start', 'StartTime'], ['startTime', 'StartTime'],
  ['suid', 'SourceUserID'], ['sourceUserId', 'SourceUserID'],
  ['suser', 'SourceUserName'], ['sourceUserName', 'SourceUserName'],
  ['type', 'EventType'],
  ['deviceCustomDate1', 'DeviceCustomDate1'], ['deviceCustomDate1Label', 'DeviceCustomDate1Label'],
  ['deviceCustomDate2', 'DeviceCustomDate2'], ['deviceCustomDate2Label', 'DeviceCustomDate2Label'],
  ['flexDate1', 'FlexDate1'], ['flexDate1Label', 'FlexDate1Label'],
  ['flexString1', 'FlexString1'], ['flexString1Label', 'FlexString1Label'],
  ['flexString2', 'FlexString2'], ['flexString2Label', 'FlexString2Label'],
  ['flexNumber1', 'FlexNumber1'], ['flexNumber1Label', 'FlexNumber1Label'],
  ['flexNumber2', 'FlexNumber2'], ['flexNumber2Label', 'FlexNumber2Label'],
  ...customFieldKeys('cs', 'DeviceCustomString', 6),
  ...customFieldKeys('cn', 'DeviceCustomNumber', 3),
  ...customFieldKeys('cfp', 'DeviceCustomFloatingPoint', 4),
  ...customFieldKeys('c6a', 'DeviceCustomIPv6Address', 4),
]);

function customFieldKeys(prefix: string, column: string, count: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 1; i <= count; i++) {
    out.push([`${prefix}${i}`, `${column}${i}`], [`${prefix}${i}Label`, `${column}${i}Label`]);
  }
  return out;
}

export interface CefHeader {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
}

/** Splits the seven header fields; returns undefined when there are fewer than seven pipes. */
export function parseCefHeader(text: string, start: number): { header: CefHeader; extensionStart: number } | undefined {
  const fields: string[] = [];
  let pos = start;
  let current = '';
  let segmentStart = pos;
  while (fields.length < 7) {
    const pipe = text.indexOf('|', pos);
    if (pipe < 0) return undefined;
    const slash = text.indexOf('\\', pos);
    if (slash >= 0 && slash < pipe) {
      // `\|` and `\\` are the header's escapes; any other backslash is kept as written.
      const next = text[slash + 1];
      current += text.slice(segmentStart, slash) + (next === '|' || next === '\\' ? next : `\\${next ?? ''}`);
      pos = slash + 2;
      segmentStart = pos;
      continue;
    }
    current += text.slice(segmentStart, pipe);
    fields.push(current);
    current = '';
    pos = pipe + 1;
    segmentStart = pos;
  }
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [
    string, string, string, string, string, string, string,
  ];
  return { header: { version, vendor, product, deviceVersion, signatureId, name, severity }, extensionStart: pos };
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93;
}

function unescapeExtensionValue(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '=' || n === '\\') { out += n; i++; continue; }
      if (n === 'n') { out += '\n'; i++; continue; }
      if (n === 'r') { out += '\r'; i++; continue; }
    }
    out += c;
  }
  return out;
}

/** The extension's key/value pairs in order. Text before the first key (malformed) is returned as `leading`. */
export function parseCefExtension(text: string, start: number): { pairs: [string, string][]; leading: string } {
  const pairs: [string, string][] = [];
  let keyStart = -1;
  let key = '';
  let valueStart = -1;
  let leading = '';
  let eq = text.indexOf('=', start);
  while (eq >= 0) {
    // An escaped `\=` is value text (count the backslashes: `\\=` is an escaped backslash, then `=`).
    let slashes = 0;
    for (let j = eq - 1; j >= start && text.charCodeAt(j) === 92; j--) slashes++;
    if (slashes % 2 === 0) {
      let k = eq;
      while (k > start && isKeyChar(text.charCodeAt(k - 1))) k--;
      const boundary = k < eq && (k === start || text.charCodeAt(k - 1) === 32);
      if (boundary) {
        if (valueStart >= 0) {
          pairs.push([key, unescapeExtensionValue(text.slice(valueStart, Math.max(valueStart, k - 1)).trimEnd())]);
        } else if (k > start) {
          leading = text.slice(start, k).trim();
        }
        keyStart = k;
        key = text.slice(keyStart, eq);
        valueStart = eq + 1;
      }
    }
    eq = text.indexOf('=', eq + 1);
  }
  if (valueStart >= 0) pairs.push([key, unescapeExtensionValue(text.slice(valueStart).trimEnd())]);
  else leading = text.slice(start).trim();
  return { pairs, leading };
}

/** A line holding `CEF:` (bare or inside a syslog envelope) -> a CommonSecurityLog row. */
export function parseCefLine(line: string, ctx: ParseContext, envelope?: SyslogEnvelope): ParseOutcome {
  const cefAt = line.indexOf('CEF:');
  if (cefAt < 0) return { error: 'not CEF: no "CEF:" in the line' };
  const env = envelope ?? (cefAt > 0 ? parseSyslogEnvelope(line, ctx.ingestTime) : undefined);
  const parsed = parseCefHeader(line, cefAt + 4);
  if (parsed === undefined) {
    return { error: `CEF header incomplete: expected 7 '|'-separated fields after "CEF:" at column ${cefAt + 1}` };
  }
  const { header, extensionStart } = parsed;
  const b = new CslRowBuilder(ctx);
  b.set('DeviceVendor', header.vendor);
  b.set('DeviceProduct', header.product);
  b.set('DeviceVersion', header.deviceVersion);
  b.set('DeviceEventClassID', header.signatureId);
  b.set('Activity', header.name);
  b.set('LogSeverity', header.severity);
  const { pairs, leading } = parseCefExtension(line, extensionStart);
  if (leading !== '') b.extra('unparsed', leading);
  let receipt: bigint | undefined;
  for (const [key, value] of pairs) {
    const column = CEF_KEY_TO_COLUMN.get(key);
    if (column === undefined) {
      b.extra(key, value);
      continue;
    }
    if (column === 'ReceiptTime') {
      const t = parseCefTimestamp(value, ctx.ingestTime);
      if (t !== undefined) receipt = t;
      else if (value !== '') ctx.badField('TimeGenerated', value);
    }
    b.set(column, value, key);
  }
  if (env !== undefined && env.hostname !== undefined) b.set('Computer', env.hostname);
  return { table: COMMON_SECURITY_LOG, row: b.finish(receipt ?? env?.timestamp ?? ctx.ingestTime) };
}
