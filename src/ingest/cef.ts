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

import { COMMON_SECURITY_LOG, CslRowBuilder, cslColumn, type CslColumn } from './common-security-log.js';
import { intAt, longAt, parseCefTimestamp, realAt } from './convert.js';
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
  // The first backslash at or after pos (searched again only once pos passes it).
  let slash = text.indexOf('\\', pos);
  while (fields.length < 7) {
    const pipe = text.indexOf('|', pos);
    if (pipe < 0) return undefined;
    if (slash >= 0 && slash < pos) slash = text.indexOf('\\', pos);
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

/** 1 for the characters a key is made of: letters, digits, `_ . - [ ]`. */
const KEY_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  KEY_CHARS[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93 ? 1 : 0;
}

function isKeyChar(c: number): boolean {
  return c < 128 && KEY_CHARS[c] === 1;
}

function unescapeExtensionValue(raw: string): string {
  let slash = raw.indexOf('\\');
  if (slash < 0) return raw;
  // `\=`, `\\`, `\n`, `\r` are escapes; any other backslash stays as written. Text between
  // escapes is copied in slices, not character by character.
  let out = '';
  let from = 0;
  while (slash >= 0 && slash + 1 < raw.length) {
    const n = raw.charCodeAt(slash + 1);
    const replacement = n === 61 ? '=' : n === 92 ? '\\' : n === 110 ? '\n' : n === 114 ? '\r' : undefined;
    if (replacement === undefined) {
      slash = raw.indexOf('\\', slash + 1);
      continue;
    }
    out += raw.slice(from, slash) + replacement;
    from = slash + 2;
    slash = raw.indexOf('\\', from);
  }
  return out + raw.slice(from);
}

/** What String.prototype.trim removes: ECMAScript WhiteSpace and LineTerminator. */
function isTrimmedSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The end of text[start, end) after trimEnd(). */
function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && isTrimmedSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Where the extension's pairs are, as offsets into the line: for pair i, key = [4i, 4i+1),
 * value = [4i+2, 4i+3) (before unescaping; trailing spaces already cut). One buffer serves every
 * line (parsing is synchronous), so splitting allocates nothing but the text that is kept.
 */
interface ExtensionLayout {
  offsets: Int32Array;
  /** keyHash of pair i's key, computed while the key was found. */
  hashes: Int32Array;
  pairs: number;
  /** Text before the first key (malformed), trimmed; '' when none. */
  leading: string;
}

const layout: ExtensionLayout = { offsets: new Int32Array(256), hashes: new Int32Array(64), pairs: 0, leading: '' };

function addPair(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number, hash: number): void {
  let o = layout.offsets;
  const at = layout.pairs * 4;
  if (at + 4 > o.length) {
    const grown = new Int32Array(o.length * 2);
    grown.set(o);
    layout.offsets = o = grown;
    const hashes = new Int32Array(layout.hashes.length * 2);
    hashes.set(layout.hashes);
    layout.hashes = hashes;
  }
  layout.hashes[layout.pairs] = hash;
  o[at] = keyStart;
  o[at + 1] = keyEnd;
  o[at + 2] = valueStart;
  o[at + 3] = valueEnd;
  layout.pairs++;
}

/**
 * Splits the extension: a key is a run of key characters after a space (or at the start) and
 * before an unescaped `=`; its value runs to the space before the next key.
 */
function splitCefExtension(text: string, start: number): ExtensionLayout {
  layout.pairs = 0;
  layout.leading = '';
  let keyStart = -1;
  let keyEnd = -1;
  let keyHashValue = 0;
  let valueStart = -1;
  let eq = text.indexOf('=', start);
  while (eq >= 0) {
    // An escaped `\=` is value text (count the backslashes: `\\=` is an escaped backslash, then `=`).
    let slashes = 0;
    for (let j = eq - 1; j >= start && text.charCodeAt(j) === 92; j--) slashes++;
    if ((slashes & 1) === 0) {
      // The key's hash is taken on the way back over it, so the key table need not read it again.
      let k = eq;
      let h = 0;
      for (; k > start; k--) {
        const c = text.charCodeAt(k - 1);
        if (!isKeyChar(c)) break;
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (k < eq && (k === start || text.charCodeAt(k - 1) === 32)) {
        if (valueStart >= 0) {
          const valueEnd = Math.max(valueStart, k - 1);
          addPair(keyStart, keyEnd, valueStart, trimmedEnd(text, valueStart, valueEnd), keyHashValue);
        } else if (k > start) {
          layout.leading = text.slice(start, k).trim();
        }
        keyStart = k;
        keyEnd = eq;
        keyHashValue = h;
        valueStart = eq + 1;
      }
    }
    eq = text.indexOf('=', eq + 1);
  }
  if (valueStart >= 0) addPair(keyStart, keyEnd, valueStart, trimmedEnd(text, valueStart, text.length), keyHashValue);
  else layout.leading = text.slice(start).trim();
  return layout;
}

/** The extension's key/value pairs in order. Text before the first key (malformed) is returned as `leading`. */
export function parseCefExtension(text: string, start: number): { pairs: [string, string][]; leading: string } {
  const { offsets, pairs: count, leading } = splitCefExtension(text, start);
  const pairs: [string, string][] = [];
  for (let i = 0; i < count * 4; i += 4) {
    pairs.push([text.slice(offsets[i]!, offsets[i + 1]!), unescapeExtensionValue(text.slice(offsets[i + 2]!, offsets[i + 3]!))]);
  }
  return { pairs, leading };
}

/** A CEF key's column and that column's type. */
interface CefColumn {
  key: string;
  hash: number;
  column: CslColumn;
  /** The column is ReceiptTime, whose text is also the row's time. */
  isReceipt: boolean;
}

/** key equals text[start, start + key.length) (a loop: keys are short, and a builtin call costs more). */
function sameText(key: string, text: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

/** A key's hash, over its characters last to first (the order splitCefExtension meets them in). */
function keyHash(text: string, start: number, end: number): number {
  let h = 0;
  for (let i = end - 1; i >= start; i--) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * CEF_KEY_TO_COLUMN as an open-addressing table probed with the key's place in the line, so
 * the ~15 keys of every line are looked up without cutting each out as a string first.
 */
class CefKeyTable {
  private readonly slots: (CefColumn | undefined)[];
  private readonly mask: number;

  constructor(keys: ReadonlyMap<string, string>) {
    let size = 16;
    while (size < keys.size * 4) size *= 2;
    this.slots = new Array<CefColumn | undefined>(size).fill(undefined);
    this.mask = size - 1;
    for (const [key, column] of keys) {
      const hash = keyHash(key, 0, key.length);
      let i = hash & this.mask;
      while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
      this.slots[i] = { key, hash, column: cslColumn(column), isReceipt: column === 'ReceiptTime' };
    }
  }

  /** The entry for the key text[start, end) whose keyHash is `hash`, if it is a known key. */
  find(text: string, start: number, end: number, hash: number): CefColumn | undefined {
    const length = end - start;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot === undefined) return undefined;
      if (slot.hash === hash && slot.key.length === length && sameText(slot.key, text, start)) return slot;
    }
  }
}

const CEF_KEY_COLUMNS = new CefKeyTable(CEF_KEY_TO_COLUMN);

/** Column ids of the header fields (and the envelope's host), all string columns. */
const HEADER_COLUMNS = {
  vendor: cslColumn('DeviceVendor').id,
  product: cslColumn('DeviceProduct').id,
  deviceVersion: cslColumn('DeviceVersion').id,
  signatureId: cslColumn('DeviceEventClassID').id,
  name: cslColumn('Activity').id,
  severity: cslColumn('LogSeverity').id,
  computer: cslColumn('Computer').id,
};

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

/**
 * The previous line's header: a device repeats its header on every line, and text that starts
 * with the same characters up to and including the seventh unescaped pipe splits into the same
 * seven fields (the split reads nothing past that pipe), so the split and its strings are reused.
 */
const recentHeader: { text: string; header: CefHeader } = {
  text: '',
  header: { version: '', vendor: '', product: '', deviceVersion: '', signatureId: '', name: '', severity: '' },
};

/** A line holding `CEF:` (bare or inside a syslog envelope) -> a CommonSecurityLog row. */
export function parseCefLine(line: string, ctx: ParseContext, envelope?: SyslogEnvelope): ParseOutcome {
  const cefAt = line.indexOf('CEF:');
  if (cefAt < 0) return { error: 'not CEF: no "CEF:" in the line' };
  const env = envelope ?? (cefAt > 0 ? parseSyslogEnvelope(line, ctx.ingestTime) : undefined);
  let header: CefHeader;
  let extensionStart: number;
  if (recentHeader.text !== '' && line.startsWith(recentHeader.text, cefAt + 4)) {
    header = recentHeader.header;
    extensionStart = cefAt + 4 + recentHeader.text.length;
  } else {
    const parsed = parseCefHeader(line, cefAt + 4);
    if (parsed === undefined) {
      return { error: `CEF header incomplete: expected 7 '|'-separated fields after "CEF:" at column ${cefAt + 1}` };
    }
    header = parsed.header;
    extensionStart = parsed.extensionStart;
    recentHeader.text = line.slice(cefAt + 4, extensionStart);
    recentHeader.header = header;
  }
  const b = new CslRowBuilder(ctx);
  b.putText(HEADER_COLUMNS.vendor, header.vendor);
  b.putText(HEADER_COLUMNS.product, header.product);
  b.putText(HEADER_COLUMNS.deviceVersion, header.deviceVersion);
  b.putText(HEADER_COLUMNS.signatureId, header.signatureId);
  b.putText(HEADER_COLUMNS.name, header.name);
  b.putText(HEADER_COLUMNS.severity, header.severity);
  const { offsets, hashes, pairs, leading } = splitCefExtension(line, extensionStart);
  if (leading !== '') b.extra('unparsed', leading);
  let receipt: bigint | undefined;
  for (let i = 0; i < pairs * 4; i += 4) {
    const keyStart = offsets[i]!, keyEnd = offsets[i + 1]!, valueStart = offsets[i + 2]!, valueEnd = offsets[i + 3]!;
    const target = CEF_KEY_COLUMNS.find(line, keyStart, keyEnd, hashes[i >> 2]!);
    if (target === undefined) {
      b.extra(line.slice(keyStart, keyEnd), unescapeExtensionValue(line.slice(valueStart, valueEnd)));
      continue;
    }
    // An empty value leaves its column unset (and is not a bad field).
    if (valueStart === valueEnd) continue;
    const column = target.column;
    const type = column.type;
    if (type === 'string') {
      const value = unescapeExtensionValue(line.slice(valueStart, valueEnd));
      if (target.isReceipt) {
        const t = parseCefTimestamp(value, ctx.ingestTime);
        if (t !== undefined) receipt = t;
        else ctx.badField('TimeGenerated', value);
      }
      b.put(column.id, value);
      continue;
    }
    // Escapes never make a number, so escape-free text can be converted in place.
    const number = hasBackslash(line, valueStart, valueEnd) ? undefined
      : type === 'int' ? intAt(line, valueStart, valueEnd)
      : type === 'long' ? longAt(line, valueStart, valueEnd)
      : type === 'real' ? realAt(line, valueStart, valueEnd)
      : undefined;
    if (number !== undefined) b.put(column.id, number);
    else b.setText(column, unescapeExtensionValue(line.slice(valueStart, valueEnd)), target.key);
  }
  if (env !== undefined && env.hostname !== undefined) b.putText(HEADER_COLUMNS.computer, env.hostname);
  return b.outcome(receipt ?? env?.timestamp ?? ctx.ingestTime);
}
