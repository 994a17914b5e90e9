// Where new alerts go besides the alert store: a JSON Lines file, a webhook (HTTP POST of
// the alert as JSON, with bounded retries), or CEF over syslog (UDP or TCP) for a SIEM.

import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { Alert } from './alerts.js';

export interface AlertSink {
  readonly description: string;
  send(alerts: readonly Alert[]): Promise<void>;
}

export class SinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinkError';
  }
}

export class JsonLinesSink implements AlertSink {
  constructor(readonly file: string) {}
  get description(): string { return `JSON lines file ${this.file}`; }
  async send(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    fs.appendFileSync(this.file, alerts.map((a) => JSON.stringify(a) + '\n').join(''));
  }
}

export interface WebhookOptions {
  /** Attempts per alert, including the first. */
  attempts?: number;
  /** Delay before the first retry; doubles each time. */
  backoffMs?: number;
  timeoutMs?: number;
}

/** POSTs each alert as JSON. 5xx, 429 and network errors are retried; other 4xx are not (retrying cannot help). */
export class WebhookSink implements AlertSink {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  constructor(readonly url: string, options: WebhookOptions = {}) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }
  get description(): string { return `webhook ${this.url}`; }
  async send(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) await this.post(alert);
  }
  private async post(alert: Alert): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 2)));
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) break;
      } catch (e) {
        lastError = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
      }
    }
    throw new SinkError(`webhook ${this.url}: alert ${alert.alertId} not delivered (${lastError})`);
  }
}

const CEF_SEVERITY: Record<Alert['severity'], number> = { Informational: 1, Low: 3, Medium: 5, High: 8 };

function cefHeader(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function cefValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n/g, '\\n').replace(/\r/g, '\\r');
}

function firstIdentifier(alert: Alert, type: string, ...identifiers: string[]): string | undefined {
  for (const e of alert.entities) {
    if (e.type !== type) continue;
    for (const id of identifiers) if (e.identifiers[id] !== undefined) return String(e.identifiers[id]);
  }
  return undefined;
}

/** An alert as one CEF:0 message, with the main entities in CEF's standard keys. */
export function toCef(alert: Alert, version: string): string {
  const ext: [string, string | undefined][] = [
    ['rt', String(Date.parse(alert.runTime))],
    ['start', String(Date.parse(alert.windowStart))],
    ['end', String(Date.parse(alert.windowEnd))],
    ['externalId', alert.alertId],
    ['msg', alert.description],
    ['cnt', String(alert.resultCount)],
    ['cs1Label', 'RuleId'], ['cs1', alert.ruleId],
    ['cs2Label', 'Tactics'], ['cs2', alert.tactics.join(',')],
    ['cs3Label', 'Techniques'], ['cs3', alert.techniques.join(',')],
    ['cs4Label', 'IncidentId'], ['cs4', alert.incidentId],
    ['src', firstIdentifier(alert, 'IP', 'Address')],
    ['shost', firstIdentifier(alert, 'Host', 'HostName', 'FullName', 'NetBiosName')],
    ['suser', firstIdentifier(alert, 'Account', 'Name', 'FullName', 'UPNSuffix')],
    ['request', firstIdentifier(alert, 'URL', 'Url')],
    ['fname', firstIdentifier(alert, 'File', 'Name')],
    ['fileHash', firstIdentifier(alert, 'FileHash', 'Value')],
    ['dhost', firstIdentifier(alert, 'DNS', 'DomainName')],
  ];
  const extension = ext.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${cefValue(v!)}`).join(' ');
  return `CEF:0|kqlhunt|kqlhunt|${cefHeader(version)}|${cefHeader(alert.ruleId || alert.ruleName)}|${cefHeader(alert.displayName)}|${CEF_SEVERITY[alert.severity]}|${extension}`;
}

/** RFC 3164 framing: `<PRI>Mmm dd hh:mm:ss host message`; facility local4, severity by alert. */
export function syslogLine(alert: Alert, cef: string, hostname = os.hostname()): string {
  const sev = { Informational: 6, Low: 5, Medium: 4, High: 3 }[alert.severity];
  const pri = 20 * 8 + sev;
  const d = new Date(Date.parse(alert.runTime));
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return `<${pri}>${stamp} ${hostname.replace(/\s+/g, '-')} ${cef}`;
}

/** CEF over syslog. TCP frames messages with a trailing newline (RFC 6587 non-transparent framing). */
export class CefSyslogSink implements AlertSink {
  constructor(readonly protocol: 'udp' | 'tcp', readonly host: string, readonly port: number, readonly version: string) {}
  get description(): string { return `CEF syslog ${this.protocol}://${this.host}:${this.port}`; }
  async send(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const lines = alerts.map((a) => syslogLine(a, toCef(a, this.version)));
    if (this.protocol === 'udp') await this.sendUdp(lines);
    else await this.sendTcp(lines);
  }
  private sendUdp(lines: string[]): Promise<void> {
    const socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4');
    return new Promise<void>((resolve, reject) => {
      let pending = lines.length;
      socket.on('error', (e) => { socket.close(); reject(new SinkError(`${this.description}: ${e.message}`)); });
      for (const line of lines) {
        socket.send(Buffer.from(line, 'utf8'), this.port, this.host, (err) => {
          if (err) { socket.close(); reject(new SinkError(`${this.description}: ${err.message}`)); return; }
          if (--pending === 0) { socket.close(); resolve(); }
        });
      }
    });
  }
  private sendTcp(lines: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = net.createConnection({ host: this.host, port: this.port }, () => {
        socket.end(lines.map((l) => l + '\n').join(''), () => resolve());
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
      socket.on('error', (e) => reject(new SinkError(`${this.description}: ${e.message}`)));
    });
  }
}

/** `jsonl:FILE`, `http(s)://...` (webhook), `cef+udp://HOST:PORT`, `cef+tcp://HOST:PORT`. */
export function parseSink(spec: string, version: string): AlertSink {
  if (spec.startsWith('jsonl:')) return new JsonLinesSink(spec.slice('jsonl:'.length));
  if (/^https?:\/\//i.test(spec)) return new WebhookSink(spec);
  const m = /^cef\+(udp|tcp):\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/i.exec(spec);
  if (m) {
    const port = Number(m[3]);
    if (port < 1 || port > 65535) throw new SinkError(`sink '${spec}': port must be 1-65535`);
    return new CefSyslogSink(m[1]!.toLowerCase() as 'udp' | 'tcp', m[2]!.replace(/^\[|\]$/g, ''), port, version);
  }
  throw new SinkError(`unknown sink '${spec}' (use jsonl:FILE, http(s)://URL, cef+udp://HOST:PORT or cef+tcp://HOST:PORT)`);
}
