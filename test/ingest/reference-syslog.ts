// parseSyslogEnvelope as it was before the third ingest speed round (commit 3601fb2), kept verbatim
// as an oracle: the version without PRI/token objects and with the tag pre-check must agree with it.

import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { parseBsdTimestamp, toInt } from '../../src/ingest/convert.js';
import type { SyslogEnvelope } from '../../src/ingest/syslog.js';

function parsePri(line: string): { pri: number; end: number } | undefined {
  if (line.charCodeAt(0) !== 60 /* < */) return undefined;
  const close = line.indexOf('>', 1);
  if (close < 2 || close > 4) return undefined;
  const pri = toInt(line.slice(1, close));
  if (pri === undefined || pri < 0 || pri > 191) return undefined;
  return { pri, end: close + 1 };
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
 * Splits a syslog line into its envelope. Lines with no recognisable header come back as
 * `bare` with the whole line (after any PRI) as the message; the caller decides what that is.
 */
export function referenceParseSyslogEnvelope(line: string, reference: bigint): SyslogEnvelope {
  const priPart = parsePri(line);
  let pos = 0;
  if (priPart !== undefined) {
    const env = parse5424(line, priPart.pri, priPart.end);
    if (env !== undefined) return env;
    pos = priPart.end;
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
    if (priPart !== undefined) env.pri = priPart.pri;
    return env;
  }
  // Some devices end the timestamp with a colon (`Oct 10 12:34:56: %ASA-...`).
  if (line[pos] === ':') pos++;
  while (line.charCodeAt(pos) === 32) pos++;
  const env: SyslogEnvelope = { kind: 'rfc3164', timestamp, message: '' };
  if (priPart !== undefined) env.pri = priPart.pri;
  // HOSTNAME, unless the next word is already the tag or the message (`%ASA-...`, `CEF:0|`).
  const first = nextToken(line, pos);
  const looksLikeMessage = first.token.startsWith('%') || first.token.startsWith('CEF:') || TAG.test(line.slice(pos, pos + 70));
  if (!looksLikeMessage && first.token !== '') {
    env.hostname = first.token;
    pos = first.end + 1;
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

