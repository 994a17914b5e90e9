// Cisco ASA syslog messages (`%ASA-severity-msgid: text`) -> CommonSecurityLog.
//
// Message texts follow Cisco's "Cisco ASA Series Syslog Messages" guide (one section per id).
// Conventions the mapping relies on:
//   - 302013/302015 `Built {inbound|outbound} ... for IF:A/p (mapped) to IF:B/q (mapped)`: the
//     `for` endpoint is the remote side, so an outbound connection runs from `to` to `for` and an
//     inbound one from `for` to `to`.
//   - Teardowns (302014/302016/302021) repeat the endpoints in the Built message's order but not
//     the direction. The direction is taken from the Built message of the same connection id when
//     this parser saw it; otherwise the `for` endpoint is taken as the source and
//     CommunicationDirection is left empty, so the guess is visible.
//   - ASA reports one `bytes` total per connection, both directions together. It is reported as
//     SentBytes (bytes the initiator's connection carried) and ReceivedBytes stays empty: exfiltration
//     thresholds over SentBytes then err towards alerting. The total is also kept as
//     `TotalBytes=` in AdditionalExtensions.
// Unknown message ids become rows with the generic fields (vendor, id, severity, message).

import { COMMON_SECURITY_LOG, CslRowBuilder } from './common-security-log.js';
import type { ParseContext, ParseOutcome } from './record.js';
import { parseSyslogEnvelope, type SyslogEnvelope } from './syslog.js';

const ASA_TAG = /%(ASA|FTD|FWSM|PIX)-(\d)-(\d{6}):\s?/;

/** Direction of connections whose Built message was seen, by connection id (bounded). */
export class AsaConnectionTracker {
  private readonly directions = new Map<string, 'inbound' | 'outbound'>();
  constructor(private readonly capacity = 100_000) {}
  remember(id: string, direction: 'inbound' | 'outbound'): void {
    if (this.directions.size >= this.capacity) {
      const oldest = this.directions.keys().next().value;
      if (oldest !== undefined) this.directions.delete(oldest);
    }
    this.directions.set(id, direction);
  }
  take(id: string): 'inbound' | 'outbound' | undefined {
    const d = this.directions.get(id);
    if (d !== undefined) this.directions.delete(id);
    return d;
  }
}

interface Endpoint {
  iface: string;
  ip: string;
  port?: string;
  mappedIp?: string;
  mappedPort?: string;
}

// IF:addr/port (mapped/port); interface names may hold spaces (`NP Identity Ifc`).
const ENDPOINT = String.raw`([^:/()]+?):([0-9A-Fa-f.:]+?)\/(\d+)(?:\s\(([0-9A-Fa-f.:]+)\/(\d+)\))?`;
const BUILT = new RegExp(String.raw`^Built (inbound|outbound) (TCP|UDP|SCTP) connection (\d+) for ${ENDPOINT}(?: \([^)]*\))? to ${ENDPOINT}`);
const TEARDOWN = new RegExp(String.raw`^Teardown (TCP|UDP|SCTP) connection (\d+) for ${ENDPOINT}(?: \([^)]*\))? to ${ENDPOINT}(?: \([^)]*\))?(?: duration (\d+:\d{2}:\d{2}))?(?: bytes (\d+))?(?: (.*))?$`);
const BUILT_ICMP = /^Built (inbound|outbound) (ICMP|ICMPv6) connection for faddr ([0-9A-Fa-f.:]+)\/(\d+)(?: \([^)]*\))? gaddr ([0-9A-Fa-f.:]+)\/(\d+) laddr ([0-9A-Fa-f.:]+)\/(\d+)/;
const TEARDOWN_ICMP = /^Teardown (ICMP|ICMPv6) connection for faddr ([0-9A-Fa-f.:]+)\/(\d+)(?: \([^)]*\))? gaddr ([0-9A-Fa-f.:]+)\/(\d+) laddr ([0-9A-Fa-f.:]+)\/(\d+)/;
const DENY_106001 = /^Inbound (TCP) connection denied from ([0-9A-Fa-f.:]+)\/(\d+) to ([0-9A-Fa-f.:]+)\/(\d+) flags (.*?) on interface (\S+)/;
const DENY_106006_7 = /^Deny inbound (UDP) from ([0-9A-Fa-f.:]+)\/(\d+) to ([0-9A-Fa-f.:]+)\/(\d+) (?:on interface (\S+?)|due to (.*?))\.?$/;
const DENY_106014 = /^Deny (inbound|outbound) (icmp|icmp6) src ([^\s:]+):([0-9A-Fa-f.:]+) dst ([^\s:]+):([0-9A-Fa-f.:]+)/i;
const DENY_106015 = /^Deny (TCP) \(no connection\) from ([0-9A-Fa-f.:]+)\/(\d+) to ([0-9A-Fa-f.:]+)\/(\d+) flags (.*?) on interface (\S+?)\.?$/;
const DENY_106023 = /^Deny (\S+) src ([^\s:]+):([0-9A-Fa-f.:]+)(?:\/(\d+))?(?: \([^)]*\))? dst ([^\s:]+):([0-9A-Fa-f.:]+)(?:\/(\d+))?(?: \([^)]*\))?(?: \(type (\d+), code (\d+)\))? by access-group "([^"]*)"/;
const ACL_106100 = /^access-list (\S+) (permitted|denied|est-allowed) (\S+) ([^\s/]+)\/([0-9A-Fa-f.:]+)\((\d+)\)(?: \([^)]*\))? -> ([^\s/]+)\/([0-9A-Fa-f.:]+)\((\d+)\)/;
const NAT_305011_12 = /^(Built|Teardown) (dynamic|static) (TCP|UDP|ICMP|SCTP) translation from ([^\s:]+)(?: \([^)]*\))?:([0-9A-Fa-f.:]+)\/(\d+)(?: \([^)]*\))? to ([^\s:]+):([0-9A-Fa-f.:]+)\/(\d+)(?: duration (\S+))?/;
const DISCARD_710 = /^(TCP|UDP|SCTP) (?:access denied by ACL|request discarded) from ([0-9A-Fa-f.:]+)\/(\d+) to ([^\s:]+):([0-9A-Fa-f.:]+)\/(\S+)/;
const AAA_USER = /user = ([^\s:]+)/i;
const AAA_SERVER = /server = ([0-9A-Fa-f.:]+)/i;
const AAA_USER_IP = /user IP = ([0-9A-Fa-f.:]+)/i;
const USERNAME = /(?:Username|Uname|User) ?[=:] ?([^\s,]+)/;
const IP_FIELD = /\bIP = ([0-9A-Fa-f.:]+)/;

function setEndpoint(b: CslRowBuilder, side: 'Source' | 'Destination', e: Endpoint): void {
  b.set(`${side}IP`, e.ip);
  if (e.port !== undefined) b.set(`${side}Port`, e.port);
  if (e.mappedIp !== undefined && e.mappedIp !== e.ip) b.set(`${side}TranslatedAddress`, e.mappedIp);
  if (e.mappedPort !== undefined && e.mappedPort !== e.port) b.set(`${side}TranslatedPort`, e.mappedPort);
  b.set(side === 'Source' ? 'DeviceInboundInterface' : 'DeviceOutboundInterface', e.iface);
}

function endpointAt(m: RegExpExecArray, at: number): Endpoint {
  const e: Endpoint = { iface: m[at]!, ip: m[at + 1]!, port: m[at + 2]! };
  if (m[at + 3] !== undefined) e.mappedIp = m[at + 3]!;
  if (m[at + 4] !== undefined) e.mappedPort = m[at + 4]!;
  return e;
}

/** Sentinel's CommunicationDirection: 0 = inbound, 1 = outbound. */
function direction(b: CslRowBuilder, d: 'inbound' | 'outbound' | undefined): void {
  if (d !== undefined) b.set('CommunicationDirection', d === 'inbound' ? '0' : '1');
}

function connection(b: CslRowBuilder, d: 'inbound' | 'outbound' | undefined, forSide: Endpoint, toSide: Endpoint): void {
  const [src, dst] = d === 'outbound' ? [toSide, forSide] : [forSide, toSide];
  setEndpoint(b, 'Source', src);
  setEndpoint(b, 'Destination', dst);
  direction(b, d);
}

function totalBytes(b: CslRowBuilder, bytes: string | undefined): void {
  if (bytes === undefined) return;
  b.set('SentBytes', bytes);
  b.extra('TotalBytes', bytes);
}

/** Fills the message-specific columns; returns the Activity text. */
function mapMessage(id: string, text: string, b: CslRowBuilder, tracker: AsaConnectionTracker): string {
  let m: RegExpExecArray | null;
  switch (id) {
    case '302013':
    case '302015':
    case '302303':
      if ((m = BUILT.exec(text)) !== null) {
        const d = m[1] as 'inbound' | 'outbound';
        tracker.remember(m[3]!, d);
        b.set('Protocol', m[2]!);
        b.set('DeviceAction', 'Built');
        b.extra('ConnectionId', m[3]!);
        connection(b, d, endpointAt(m, 4), endpointAt(m, 9));
        return `Built ${d} ${m[2]} connection`;
      }
      break;
    case '302014':
    case '302016':
    case '302304':
      if ((m = TEARDOWN.exec(text)) !== null) {
        const d = tracker.take(m[2]!);
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Teardown');
        b.extra('ConnectionId', m[2]!);
        connection(b, d, endpointAt(m, 3), endpointAt(m, 8));
        if (m[13] !== undefined) b.extra('Duration', m[13]);
        totalBytes(b, m[14]);
        if (m[15] !== undefined && m[15] !== '') b.set('Reason', m[15].trim());
        return `Teardown ${m[1]} connection`;
      }
      break;
    case '302020':
      if ((m = BUILT_ICMP.exec(text)) !== null) {
        const d = m[1] as 'inbound' | 'outbound';
        const foreign: Endpoint = { iface: '', ip: m[3]! };
        const local: Endpoint = { iface: '', ip: m[7]! };
        b.set('Protocol', m[2]!);
        b.set('DeviceAction', 'Built');
        b.extra('IcmpId', m[4]!);
        const [src, dst] = d === 'outbound' ? [local, foreign] : [foreign, local];
        b.set('SourceIP', src.ip);
        b.set('DestinationIP', dst.ip);
        if (m[5] !== m[7]) b.set(d === 'outbound' ? 'SourceTranslatedAddress' : 'DestinationTranslatedAddress', m[5]!);
        direction(b, d);
        return `Built ${d} ${m[2]} connection`;
      }
      break;
    case '302021':
      if ((m = TEARDOWN_ICMP.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Teardown');
        b.set('SourceIP', m[2]!);
        b.set('DestinationIP', m[6]!);
        if (m[4] !== m[6]) b.set('DestinationTranslatedAddress', m[4]!);
        return `Teardown ${m[1]} connection`;
      }
      break;
    case '106001':
      if ((m = DENY_106001.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Deny');
        b.set('SourceIP', m[2]!); b.set('SourcePort', m[3]!);
        b.set('DestinationIP', m[4]!); b.set('DestinationPort', m[5]!);
        b.extra('TcpFlags', m[6]!);
        b.set('DeviceInboundInterface', m[7]!);
        direction(b, 'inbound');
        return 'Inbound TCP connection denied';
      }
      break;
    case '106006':
    case '106007':
      if ((m = DENY_106006_7.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Deny');
        b.set('SourceIP', m[2]!); b.set('SourcePort', m[3]!);
        b.set('DestinationIP', m[4]!); b.set('DestinationPort', m[5]!);
        if (m[6] !== undefined) b.set('DeviceInboundInterface', m[6]);
        if (m[7] !== undefined) b.set('Reason', m[7]);
        direction(b, 'inbound');
        return 'Deny inbound UDP';
      }
      break;
    case '106014':
      if ((m = DENY_106014.exec(text)) !== null) {
        const d = m[1]!.toLowerCase() as 'inbound' | 'outbound';
        b.set('Protocol', m[2]!.toUpperCase());
        b.set('DeviceAction', 'Deny');
        b.set('DeviceInboundInterface', m[3]!); b.set('SourceIP', m[4]!);
        b.set('DeviceOutboundInterface', m[5]!); b.set('DestinationIP', m[6]!);
        direction(b, d);
        return `Deny ${d} ICMP`;
      }
      break;
    case '106015':
      if ((m = DENY_106015.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Deny');
        b.set('SourceIP', m[2]!); b.set('SourcePort', m[3]!);
        b.set('DestinationIP', m[4]!); b.set('DestinationPort', m[5]!);
        b.extra('TcpFlags', m[6]!);
        b.set('DeviceInboundInterface', m[7]!);
        b.set('Reason', 'no connection');
        return 'Deny TCP (no connection)';
      }
      break;
    case '106023':
      if ((m = DENY_106023.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Deny');
        b.set('DeviceInboundInterface', m[2]!); b.set('SourceIP', m[3]!);
        if (m[4] !== undefined) b.set('SourcePort', m[4]);
        b.set('DeviceOutboundInterface', m[5]!); b.set('DestinationIP', m[6]!);
        if (m[7] !== undefined) b.set('DestinationPort', m[7]);
        if (m[8] !== undefined) b.extra('IcmpType', m[8]);
        if (m[9] !== undefined) b.extra('IcmpCode', m[9]);
        b.set('DeviceCustomString1', m[10]!);
        b.set('DeviceCustomString1Label', 'access-group');
        return 'Deny by access-group';
      }
      break;
    case '106100':
      if ((m = ACL_106100.exec(text)) !== null) {
        b.set('DeviceCustomString1', m[1]!);
        b.set('DeviceCustomString1Label', 'access-list');
        b.set('DeviceAction', m[2] === 'denied' ? 'Deny' : m[2] === 'permitted' ? 'Permit' : 'Est-allowed');
        b.set('Protocol', m[3]!);
        b.set('DeviceInboundInterface', m[4]!); b.set('SourceIP', m[5]!); b.set('SourcePort', m[6]!);
        b.set('DeviceOutboundInterface', m[7]!); b.set('DestinationIP', m[8]!); b.set('DestinationPort', m[9]!);
        return `access-list ${m[2]}`;
      }
      break;
    case '305011':
    case '305012':
      if ((m = NAT_305011_12.exec(text)) !== null) {
        // A translation maps a real (inside) address to a mapped one; the real host is the source.
        b.set('DeviceAction', m[1]!);
        b.set('Protocol', m[3]!);
        b.set('DeviceInboundInterface', m[4]!);
        b.set('SourceIP', m[5]!); b.set('SourcePort', m[6]!);
        b.set('DeviceOutboundInterface', m[7]!);
        b.set('SourceTranslatedAddress', m[8]!); b.set('SourceTranslatedPort', m[9]!);
        b.extra('TranslationType', m[2]!);
        if (m[10] !== undefined) b.extra('Duration', m[10]);
        return `${m[1]} ${m[2]} ${m[3]} translation`;
      }
      break;
    case '710003':
    case '710005':
      if ((m = DISCARD_710.exec(text)) !== null) {
        b.set('Protocol', m[1]!);
        b.set('DeviceAction', 'Deny');
        b.set('SourceIP', m[2]!); b.set('SourcePort', m[3]!);
        b.set('DeviceInboundInterface', m[4]!);
        b.set('DestinationIP', m[5]!);
        b.set('DestinationServiceName', m[6]!);
        return id === '710003' ? 'Access denied by ACL' : 'Request discarded';
      }
      break;
    case '733100':
      b.set('DeviceAction', 'Drop rate exceeded');
      return 'Object drop rate exceeded';
    default:
      break;
  }
  if (id.startsWith('113') || id === '611103' || id === '611101' || id === '611102' || id === '716001' || id === '716002') {
    const user = AAA_USER.exec(text) ?? USERNAME.exec(text);
    if (user !== null && user[1] !== '*****') b.set('SourceUserName', user[1]!);
    const server = AAA_SERVER.exec(text);
    if (server !== null) b.set('DestinationIP', server[1]!);
    const client = AAA_USER_IP.exec(text) ?? IP_FIELD.exec(text);
    if (client !== null) b.set('SourceIP', client[1]!);
    if (/\b(Successful|accepted)\b/i.test(text)) b.set('EventOutcome', 'Success');
    else if (/\b(Rejected|failed|FAILED|denied)\b/.test(text)) b.set('EventOutcome', 'Failure');
  }
  const colon = text.indexOf(':');
  const head = (colon > 0 ? text.slice(0, colon) : text).trim();
  return head.length > 100 ? head.slice(0, 100) : head;
}

export function isAsaMessage(line: string): boolean {
  return ASA_TAG.test(line);
}

/** A line with `%ASA-sev-id:` (syslog envelope optional) -> a CommonSecurityLog row. */
export function parseAsaLine(line: string, ctx: ParseContext, tracker: AsaConnectionTracker, envelope?: SyslogEnvelope): ParseOutcome {
  const tag = ASA_TAG.exec(line);
  if (tag === null) return { error: 'not a Cisco ASA message: no %ASA-<severity>-<id>: tag' };
  const env = envelope ?? parseSyslogEnvelope(line, ctx.ingestTime);
  const text = line.slice(tag.index + tag[0].length).trimEnd();
  const b = new CslRowBuilder(ctx);
  b.set('DeviceVendor', 'Cisco');
  b.set('DeviceProduct', tag[1]!);
  b.set('DeviceEventClassID', tag[3]!);
  b.set('LogSeverity', tag[2]!);
  b.set('Message', text);
  b.set('Activity', mapMessage(tag[3]!, text, b, tracker));
  if (env.hostname !== undefined) b.set('Computer', env.hostname);
  return b.outcome(env.timestamp ?? ctx.ingestTime);
}
