// Syslog transport envelopes and the Syslog table.
//
// RFC 5424 §6 (The Syslog Protocol):
//   <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
//   with `-` as NILVALUE, TIMESTAMP per RFC 3339, STRUCTURED-DATA `[id name="value" ...]...`
//   (inside values `\"`, `\\` and `\]` are escapes).
// RFC 3164 §4.1 (BSD syslog): <PRI>TIMESTAMP SP HOSTNAME SP TAG[PID]: MSG, TIMESTAMP `Mmm dd hh:mm:ss`.
//   Real senders vary it: no PRI in files a daemon wrote, a year after the day (Cisco), an RFC 3339
//   timestamp (rsyslog), no hostname (devices sending straight to a collector).
// PRI = facility * 8 + severity (RFC 5424 §6.2.1). The names are those the Log Analytics agent
// writes to Syslog.Facility and Syslog.SeverityLevel (Sentinel samples: `warn`, `err`).

import { parseDatetimeString } from '../kql/values/datetime.js';
import { intAt, parseBsdTimestamp, toInt } from './convert.js';
import type { ParseContext, ParseOutcome, Row } from './record.js';

export const FACILITY_NAMES: readonly string[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
export const SEVERITY_NAMES: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

export interface SyslogEnvelope {
  kind: 'rfc5424' | 'rfc3164' | 'bare';
  pri?: number;
  timestamp?: bigint;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData?: string;
  /** The message: everything after the header. */
  message: string;
}

/** The PRI value of `<PRI>` at the line's start (its `>` is at index priClose), or -1 when there is none. */
function parsePri(line: string, priClose: number): number {
  if (priClose < 2 || priClose > 4) return -1;
  const pri = intAt(line, 1, priClose);
  return pri === undefined || pri < 0 || pri > 191 ? -1 : pri;
}

/** Where `<PRI>` closes, when the line starts with `<` (else -1). */
function priCloseOf(line: string): number {
  return line.charCodeAt(0) === 60 /* < */ ? line.indexOf('>', 1) : -1;
}

function nextToken(s: string, start: number): { token: string; end: number } {
  let end = s.indexOf(' ', start);
  if (end < 0) end = s.length;
  return { token: s.slice(start, end), end };
}

/** `[...]` groups of RFC 5424 structured data, honouring escapes inside quoted values. */
function structuredDataEnd(s: string, start: number): number | undefined {
  if (s[start] === '-') return start + 1;
  let i = start;
  while (s[i] === '[') {
    let inQuote = false;
    i++;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\\' && inQuote) { i++; continue; }
      if (c === '"') inQuote = !inQuote;
      else if (c === ']' && !inQuote) break;
    }
    if (i >= s.length) return undefined;
    i++;
  }
  return i === start ? undefined : i;
}

function parse5424(line: string, pri: number, at: number): SyslogEnvelope | undefined {
  // VERSION is 1 (the only one defined) followed by a space.
  if (line.charCodeAt(at) !== 49 || line.charCodeAt(at + 1) !== 32) return undefined;
  let pos = at + 2;
  const fields: string[] = [];
  for (let k = 0; k < 5; k++) {
    const t = nextToken(line, pos);
    if (t.token === '' || t.end >= line.length) return undefined;
    fields.push(t.token);
    pos = t.end + 1;
  }
  const [time, host, app, proc, msgId] = fields as [string, string, string, string, string];
  let timestamp: bigint | undefined;
  if (time !== '-') {
    const ticks = parseDatetimeString(time);
    if (ticks === null) return undefined;
    timestamp = ticks;
  }
  const sdEnd = structuredDataEnd(line, pos);
  if (sdEnd === undefined) return undefined;
  const sd = line.slice(pos, sdEnd);
  let message = sdEnd < line.length ? line.slice(sdEnd + 1) : '';
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const env: SyslogEnvelope = { kind: 'rfc5424', pri, message };
  if (timestamp !== undefined) env.timestamp = timestamp;
  if (host !== '-') env.hostname = host;
  if (app !== '-') env.appName = app;
  if (proc !== '-') env.procId = proc;
  if (msgId !== '-') env.msgId = msgId;
  if (sd !== '-') env.structuredData = sd;
  return env;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/;
const TAG = /^([^\s[\]:]{1,64})(?:\[([^\]]*)\])?:(?: |$)/;

/**
 * TAG.test(line.slice(pos, pos + 70)), skipping the regex when it cannot match: the tag's name
 * holds no space, `[` or `:`, and one of `[` or `:` follows it, so the word at pos
 * (line[pos, tokenEnd), up to the next space) must contain one of them.
 */
function mayBeTag(line: string, pos: number, tokenEnd: number): boolean {
  for (let i = pos; i < tokenEnd; i++) {
    const c = line.charCodeAt(i);
    if (c === 58 /* : */ || c === 91 /* [ */) return TAG.test(line.slice(pos, pos + 70));
  }
  return false;
}

/**
 * Splits a syslog line into its envelope. Lines with no recognisable header come back as
 * `bare` with the whole line (after any PRI) as the message; the caller decides what that is.
 */
export function parseSyslogEnvelope(line: string, reference: bigint): SyslogEnvelope {
  const priClose = priCloseOf(line);
  const pri = priClose < 0 ? -1 : parsePri(line, priClose);
  let pos = 0;
  if (pri >= 0) {
    // An RFC 5424 header starts with its VERSION, 1, and a space.
    if (line.charCodeAt(priClose + 1) === 49 && line.charCodeAt(priClose + 2) === 32) {
      const env = parse5424(line, pri, priClose + 1);
      if (env !== undefined) return env;
    }
    pos = priClose + 1;
  }
  while (line.charCodeAt(pos) === 32) pos++;
  let timestamp: bigint | undefined;
  const bsd = parseBsdTimestamp(line, pos, reference);
  if (bsd !== undefined) {
    timestamp = bsd.ticks;
    pos = bsd.end;
  } else {
    const iso = ISO_TIMESTAMP.exec(line.slice(pos, pos + 40));
    if (iso !== null) {
      const ticks = parseDatetimeString(iso[0]);
      if (ticks !== null) {
        timestamp = ticks;
        pos += iso[0].length;
      }
    }
  }
  if (timestamp === undefined) {
    const env: SyslogEnvelope = { kind: 'bare', message: line.slice(pos) };
    if (pri >= 0) env.pri = pri;
    return env;
  }
  // Some devices end the timestamp with a colon (`Oct 10 12:34:56: %ASA-...`).
  if (line[pos] === ':') pos++;
  while (line.charCodeAt(pos) === 32) pos++;
  const env: SyslogEnvelope = { kind: 'rfc3164', timestamp, message: '' };
  if (pri >= 0) env.pri = pri;
  // HOSTNAME, unless the next word is already the tag or the message (`%ASA-...`, `CEF:0|`).
  let tokenEnd = line.indexOf(' ', pos);
  if (tokenEnd < 0) tokenEnd = line.length;
  const looksLikeMessage = line.charCodeAt(pos) === 37 /* % */ || line.startsWith('CEF:', pos) || mayBeTag(line, pos, tokenEnd);
  if (!looksLikeMessage && tokenEnd > pos) {
    env.hostname = line.slice(pos, tokenEnd);
    pos = tokenEnd + 1;
  }
  const rest = line.slice(Math.min(pos, line.length));
  // A tag found in front of `CEF:` or `%ASA-...` would be dropped below anyway: skip the regex.
  const tag = rest.startsWith('CEF:') || rest.charCodeAt(0) === 37 ? null : TAG.exec(rest);
  if (tag !== null && !tag[1]!.startsWith('%') && tag[1] !== 'CEF') {
    env.appName = tag[1]!;
    if (tag[2] !== undefined) env.procId = tag[2];
    env.message = rest.slice(tag[0].length);
  } else {
    env.message = rest;
  }
  return env;
}

/** The envelope as a Syslog row (Sentinel's Syslog table, /work/shared/schemas/Syslog.json). */
export function syslogRow(env: SyslogEnvelope, ctx: ParseContext): Row {
  const row: Row = { TimeGenerated: env.timestamp ?? ctx.ingestTime };
  if (env.timestamp !== undefined) row['EventTime'] = env.timestamp;
  if (env.pri !== undefined) {
    row['Facility'] = FACILITY_NAMES[env.pri >> 3]!;
    row['SeverityLevel'] = SEVERITY_NAMES[env.pri & 7]!;
  }
  if (env.hostname !== undefined) {
    row['HostName'] = env.hostname;
    row['Computer'] = env.hostname;
  }
  if (env.appName !== undefined) row['ProcessName'] = env.appName;
  if (env.procId !== undefined) {
    const pid = toInt(env.procId);
    if (pid !== undefined) row['ProcessID'] = pid;
    else ctx.badField('ProcessID', env.procId);
  }
  // RFC 5424 MSGID and STRUCTURED-DATA have no Syslog column; the agent keeps them in the message.
  let message = env.message;
  if (env.kind === 'rfc5424' && (env.msgId !== undefined || env.structuredData !== undefined)) {
    message = [env.msgId, env.structuredData, env.message].filter((p) => p !== undefined && p !== '').join(' ');
  }
  row['SyslogMessage'] = message;
  row['Type'] = 'Syslog';
  return row;
}

/** A syslog line that is none of the vendor formats -> a Syslog row; lines with no header are refused. */
export function parseSyslogLine(line: string, ctx: ParseContext, env?: SyslogEnvelope): ParseOutcome {
  const e = env ?? parseSyslogEnvelope(line, ctx.ingestTime);
  if (e.kind === 'bare' && e.pri === undefined) {
    return { error: 'not a syslog message: no <PRI>, RFC 5424 header or timestamp at the start of the line' };
  }
  return { table: 'Syslog', row: syslogRow(e, ctx) };
}
