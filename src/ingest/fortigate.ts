// FortiGate (FortiOS) key=value logs -> CommonSecurityLog.
//
// Format (FortiOS Log Message Reference, "Log message fields"): space-separated `key=value`
// pairs; values with spaces are double-quoted (FortiOS 6.2+ quotes most strings), a quote
// inside a quoted value is written `\"`. A syslog <PRI> (and sometimes a BSD header) may precede
// `date=`. Column mapping follows FortiOS's own CEF output ("Traffic log support for CEF" in the
// same reference) as Sentinel stores it: signature id = the last five digits of logid,
// Name = `type:subtype [eventtype] action`, cat = `type:subtype`, externalId = sessionid,
// app = app or service, cs5 = policyid, transip/transport = source NAT; other keys go to
// AdditionalExtensions prefixed `FortinetFortiGate`, as in Sentinel's Fortigate sample rows.
// Time: `eventtime` (epoch seconds, ms, µs or ns by digit count) when present, else
// `date`+`time` in the `tz` offset (UTC when absent).

import { COMMON_SECURITY_LOG, CslRowBuilder } from './common-security-log.js';
import { ticksFromUnixSecondsText } from './convert.js';
import { datetimeFromParts } from '../kql/values/datetime.js';
import type { ParseContext, ParseOutcome } from './record.js';
import { parseSyslogEnvelope } from './syslog.js';

/** `key=value key="quoted value"` pairs in order. */
export function parseKeyValues(text: string, start = 0): [string, string][] {
  const pairs: [string, string][] = [];
  const n = text.length;
  let i = start;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq);
    let value: string;
    if (text.charCodeAt(eq + 1) === 34 /* " */) {
      let j = eq + 2;
      let out = '';
      let segment = j;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === 92 /* \ */ && text.charCodeAt(j + 1) === 34) {
          out += text.slice(segment, j) + '"';
          j++;
          segment = j + 1;
        } else if (c === 34) break;
      }
      value = out + text.slice(segment, j);
      i = j + 1;
    } else {
      let j = text.indexOf(' ', eq + 1);
      if (j < 0) j = n;
      value = text.slice(eq + 1, j);
      i = j;
    }
    if (key !== '' && key.indexOf(' ') < 0) pairs.push([key, value]);
  }
  return pairs;
}

const DIRECT: ReadonlyMap<string, string> = new Map([
  ['srcip', 'SourceIP'], ['srcport', 'SourcePort'], ['dstip', 'DestinationIP'], ['dstport', 'DestinationPort'],
  ['srcintf', 'DeviceInboundInterface'], ['dstintf', 'DeviceOutboundInterface'],
  ['sessionid', 'ExternalID'], ['proto', 'Protocol'], ['action', 'DeviceAction'],
  ['sentbyte', 'SentBytes'], ['rcvdbyte', 'ReceivedBytes'],
  ['transip', 'SourceTranslatedAddress'], ['transport', 'SourceTranslatedPort'],
  ['tranip', 'DestinationTranslatedAddress'], ['tranport', 'DestinationTranslatedPort'],
  ['user', 'SourceUserName'], ['unauthuser', 'SourceUserName'], ['dstuser', 'DestinationUserName'],
  ['srcname', 'SourceHostName'], ['hostname', 'DestinationHostName'], ['dstname', 'DestinationHostName'],
  ['srcmac', 'SourceMACAddress'], ['dstmac', 'DestinationMACAddress'],
  ['devid', 'DeviceExternalID'], ['devname', 'DeviceName'],
  ['msg', 'Message'], ['url', 'RequestURL'], ['method', 'RequestMethod'], ['agent', 'RequestClientApplication'],
  ['filename', 'FileName'], ['filesize', 'FileSize'], ['reason', 'Reason'], ['level', 'LogSeverity'],
]);

const TZ = /^([+-])(\d{2}):?(\d{2})$/;

function timeFromDateTime(date: string, time: string, tz: string | undefined): bigint | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (d === null || t === null) return undefined;
  const local = datetimeFromParts(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3]));
  if (local === null) return undefined;
  const z = tz === undefined ? null : TZ.exec(tz.trim());
  if (z === null) return local;
  const offsetMinutes = (Number(z[2]) * 60 + Number(z[3])) * (z[1] === '-' ? -1 : 1);
  return local - BigInt(offsetMinutes) * 600_000_000n;
}

/** FortiOS `eventtime`: seconds, ms, µs or ns since the epoch depending on firmware. */
export function fortiEventTime(text: string): bigint | undefined {
  if (!/^\d{9,19}$/.test(text)) return undefined;
  const digits = text.length;
  const scale = digits <= 10 ? 0 : digits <= 13 ? 3 : digits <= 16 ? 6 : 9;
  const whole = text.slice(0, digits - scale);
  const frac = text.slice(digits - scale);
  return ticksFromUnixSecondsText(frac === '' ? whole : `${whole}.${frac}`);
}

const LOGID = /(?:^| )logid="?\d{10}"?(?: |$)/;

/** `date=... time=... devname=` (FortiOS 5.x–7.x) or, in newer firmware, `eventtime=... logid=...`. */
export function isFortiGateMessage(message: string): boolean {
  return message.startsWith('date=') || (/^[a-z_]+=/.test(message) && LOGID.test(message));
}

export function parseFortiGateLine(line: string, ctx: ParseContext): ParseOutcome {
  const env = parseSyslogEnvelope(line, ctx.ingestTime);
  if (!isFortiGateMessage(env.message)) return { error: 'not a FortiGate log: the message is not date=/logid= key=value pairs' };
  const fields = new Map<string, string>();
  for (const [k, v] of parseKeyValues(env.message)) if (!fields.has(k)) fields.set(k, v);
  const type = fields.get('type');
  const logid = fields.get('logid');
  const b = new CslRowBuilder(ctx);
  b.set('DeviceVendor', 'Fortinet');
  b.set('DeviceProduct', 'Fortigate');
  if (logid !== undefined) b.set('DeviceEventClassID', logid.length > 5 ? String(Number(logid.slice(-5))) : logid);
  const subtype = fields.get('subtype');
  const category = subtype === undefined ? type ?? '' : `${type ?? ''}:${subtype}`;
  b.set('DeviceEventCategory', category);
  b.set('Activity', [category, fields.get('eventtype'), fields.get('action')].filter((p) => p !== undefined && p !== '').join(' '));
  const app = fields.get('app') ?? fields.get('service');
  if (app !== undefined) b.set('ApplicationProtocol', app);
  const direction = fields.get('direction');
  if (direction === 'incoming' || direction === 'inbound') b.set('CommunicationDirection', '0');
  else if (direction === 'outgoing' || direction === 'outbound') b.set('CommunicationDirection', '1');
  const policy = fields.get('policyid');
  if (policy !== undefined) {
    b.set('DeviceCustomString5', policy);
    b.set('DeviceCustomString5Label', 'Policy Id');
  }
  const devname = fields.get('devname');
  if (devname !== undefined) b.set('Computer', devname);
  else if (env.hostname !== undefined) b.set('Computer', env.hostname);
  for (const [key, value] of fields) {
    const column = DIRECT.get(key);
    if (column !== undefined) {
      if (!b.has(column)) b.set(column, value, key);
      continue;
    }
    if (key === 'date' || key === 'time' || key === 'devname' || key === 'policyid' || key === 'direction' ||
        key === 'type' || key === 'app' || key === 'service') continue;
    b.extra(`FortinetFortiGate${key}`, value);
  }
  const service = fields.get('service');
  if (service !== undefined && fields.has('app')) b.extra('FortinetFortiGateservice', service);
  const eventTime = fields.get('eventtime');
  let time = eventTime === undefined ? undefined : fortiEventTime(eventTime);
  const date = fields.get('date');
  const clock = fields.get('time');
  if (time === undefined && date !== undefined && clock !== undefined) time = timeFromDateTime(date, clock, fields.get('tz'));
  if (time === undefined && (date ?? '') !== '') ctx.badField('TimeGenerated', `${date ?? ''} ${clock ?? ''}`.trim());
  return b.outcome(time ?? env.timestamp ?? ctx.ingestTime);
}
