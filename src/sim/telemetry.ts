// One network flow, as every sensor of the enterprise sees it. A flow from a host to a named
// destination becomes: a DNS lookup first (DnsEvents on the site's DNS server and the
// resolver's UDP/53 connection in DeviceNetworkEvents) unless the host still has the answer
// cached; the endpoint's connection (DeviceNetworkEvents, VMConnection); the receiving
// server's side when the destination is one of ours; and the perimeter firewall's log
// (CommonSecurityLog) when it leaves for the internet. Keeping all of this in one place is
// what keeps the tables consistent with each other.

import { PROCESSES, type ProcessDef } from './catalog.js';
import { SYSTEM_ACCOUNTS, type Account, type Host } from './enterprise.js';
import { countryOf } from './geo.js';
import type { ScenarioRecorder } from './labels.js';
import type { TableName, TableOutput } from './output.js';
import { hashString, type Rng } from './prng.js';
import { MS_PER_MINUTE, isoFromMs } from './time.js';

export interface Flow {
  start: number;
  durationMs: number;
  host: Host;
  process: ProcessDef;
  /** Replaces the process's usual command line. */
  commandLine?: string;
  account: Account;
  /** The name looked up before connecting; none for address-only destinations. */
  name?: string;
  /** Every address the name resolves to (DnsEvents.IPAddresses); the flow uses remoteIp. */
  resolved?: readonly string[];
  remoteIp: string;
  remotePort: number;
  transport: 'Tcp' | 'Udp' | 'Gre';
  app: string;
  sent: number;
  received: number;
  /** The destination when it is one of the enterprise's machines. */
  remoteHost?: Host;
  http?: { method: string; url: string; userAgent: string };
  malicious?: { indicator: string; description: string };
}

export interface FileEvent {
  time: number;
  host: Host;
  process: ProcessDef;
  commandLine?: string;
  account: Account;
  actionType: 'FileCreated' | 'FileModified' | 'FileRenamed';
  fileName: string;
  folder: string;
  size: number;
  sha1: string;
  sha256: string;
  md5: string;
  originUrl?: string;
  originIp?: string;
  referrerUrl?: string;
}

export interface ProcessEvent {
  time: number;
  host: Host;
  parent: ProcessDef;
  parentCommandLine?: string;
  process: ProcessDef;
  commandLine: string;
  account: Account;
}

const q = JSON.stringify;

/**
 * A string built by concatenation is a tree of pieces in V8; copying it into every row walks
 * the tree again. Cached fragments are made contiguous once, which makes rows several times
 * cheaper to write.
 */
function flatten(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
const EPHEMERAL_LOW = 49152;

/** RFC 1918, as ipv4_is_private sees it. */
function isPrivate(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.')) return true;
  if (!ip.startsWith('172.')) return false;
  const second = Number(ip.slice(4, ip.indexOf('.', 4)));
  return second >= 16 && second <= 31;
}

export class Telemetry {
  private reportId = 1000;
  private sessionSeq = 400_000;
  /** Per host: process -> account -> command line -> fragment. Identity keys: no key strings per row. */
  private readonly initiatingFragments: Map<ProcessDef, Map<Account, Map<string, string>>>[] = [];
  private readonly vmProcessFragments: Map<ProcessDef, string>[] = [];
  /** Remote address -> `,"RemoteCountry":...` (empty for addresses with no country). */
  private readonly countryFragments = new Map<string, string>();
  /** Per host: DNS name -> when the cached answer was fetched and when it expires. */
  private readonly dnsCache: Map<string, { fetched: number; expires: number }>[] = [];

  constructor(
    private readonly out: TableOutput,
    private readonly rng: Rng,
    /** Nothing is stamped before this (the first simulated instant). */
    private readonly startMs: number,
    /** Nothing is stamped later than this (the simulated "now"). */
    private readonly endMs: number,
  ) {}

  private add(table: TableName, json: string, time: number, label: ScenarioRecorder | null): void {
    const index = this.out.add(table, json);
    if (label) label.row(table, index, time);
  }

  private clamp(ms: number): number {
    return ms < this.endMs ? ms : this.endMs - 1;
  }

  /** Defender's InitiatingProcess* and device columns, built once per host/process/account. */
  private initiating(host: Host, process: ProcessDef, commandLine: string | undefined, account: Account): string {
    const cmd = commandLine ?? process.commandLine;
    const byProcess = (this.initiatingFragments[host.index] ??= new Map());
    let byAccount = byProcess.get(process);
    if (!byAccount) byProcess.set(process, (byAccount = new Map()));
    let byCommand = byAccount.get(account);
    if (!byCommand) byAccount.set(account, (byCommand = new Map()));
    let frag = byCommand.get(cmd);
    if (frag === undefined) {
      const pid = 4 * (300 + (hashString(`${host.index}/${process.folder}/${cmd}/${account.sid}`) % 15000));
      frag = flatten(`"DeviceId":"${host.deviceId}","DeviceName":${q(host.deviceName)},`
        + `"InitiatingProcessFileName":${q(process.name)},"InitiatingProcessFolderPath":${q(process.folder)},`
        + `"InitiatingProcessCommandLine":${q(cmd)},"InitiatingProcessId":${pid},"InitiatingProcessSHA1":"${process.sha1}",`
        + `"InitiatingProcessFileSize":${process.fileSize},"InitiatingProcessIntegrityLevel":"${process.integrity}","InitiatingProcessParentFileName":${q(process.parent)},`
        + `"InitiatingProcessAccountDomain":${q(account.domain)},"InitiatingProcessAccountName":${q(account.name)},`
        + `"InitiatingProcessAccountSid":"${account.sid}","InitiatingProcessAccountUpn":${q(account.upn)}`);
      byCommand.set(cmd, frag);
    }
    return frag;
  }

  private vmProcess(host: Host, process: ProcessDef): string {
    const byProcess = (this.vmProcessFragments[host.index] ??= new Map());
    let frag = byProcess.get(process);
    if (frag === undefined) {
      const h = hashString(`${host.index}/${process.folder}`).toString(16).padStart(8, '0');
      frag = flatten(`"Computer":${q(host.computer)},"AgentId":"${host.agentId}","Process":"p-${h}","ProcessName":${q(process.name === 'System' ? 'system' : process.name.replace(/\.exe$/i, ''))}`);
      byProcess.set(process, frag);
    }
    return frag;
  }

  private country(ip: string): string {
    let frag = this.countryFragments.get(ip);
    if (frag === undefined) {
      const c = countryOf(ip);
      frag = c ? flatten(`,"RemoteCountry":${q(c.name)}`) : '';
      this.countryFragments.set(ip, frag);
    }
    return frag;
  }

  private localPort(): number {
    return EPHEMERAL_LOW + this.rng.int(65535 - EPHEMERAL_LOW);
  }

  /**
   * True when the host must ask its DNS server; records the new answer. Rows of an hour are
   * not generated in time order, so an answer only counts for connections after it was fetched.
   */
  private needsLookup(host: Host, name: string, at: number): boolean {
    const cache = (this.dnsCache[host.index] ??= new Map());
    const cached = cache.get(name);
    if (cached !== undefined && cached.fetched <= at && at < cached.expires) return false;
    // Windows caches for the record's TTL; typical SaaS TTLs are minutes to an hour.
    cache.set(name, { fetched: at, expires: at + (5 + this.rng.int(55)) * MS_PER_MINUTE });
    return true;
  }

  /** Drops cached DNS answers that expired before `ms`, so memory stays flat over long runs. */
  forgetExpired(ms: number): void {
    for (const cache of this.dnsCache) {
      if (!cache) continue;
      for (const [name, entry] of cache) if (entry.expires < ms) cache.delete(name);
    }
  }

  /**
   * One DNS query from a host: the DNS server's DnsEvents record and the querying process's
   * UDP/53 flow to it. `answers` empty means a name with no address records (TXT, NXDOMAIN).
   */
  dnsQuery(host: Host, at: number, name: string, answers: readonly string[], label: ScenarioRecorder | null,
    opts: { queryType?: string; process?: ProcessDef; commandLine?: string; account?: Account; resultCode?: number } = {}): void {
    const server = host.site.dnsServer!;
    // A lookup for a connection in the first instants of the window is kept, at the window's start.
    const time = this.clamp(Math.max(at, this.startMs));
    const resultCode = opts.resultCode ?? 0;
    const malicious = '';
    this.add('DnsEvents',
      `{"TimeGenerated":"${isoFromMs(time)}","Computer":${q(server.computer)},"EventId":${resultCode === 0 ? 257 : 258},`
      + `"SubType":"LookupQuery","ClientIP":"${host.ip}","Name":${q(name)},"QueryType":"${opts.queryType ?? 'A'}",`
      + `"Result":"${resultCode === 0 ? 'Success' : 'Failure'}","ResultCode":${resultCode},"IPAddresses":"${answers.join(',')}"${malicious}}`,
      time, label);
    const process = opts.process ?? PROCESSES.svchostDns;
    const account = opts.account ?? SYSTEM_ACCOUNTS.network;
    this.deviceNetwork(time, host, process, opts.commandLine, account, 'ConnectionSuccess', server.ip, 53, '', this.localPort(), 'Udp', label);
  }

  private deviceNetwork(time: number, host: Host, process: ProcessDef, commandLine: string | undefined, account: Account, action: string,
    remoteIp: string, remotePort: number, remoteUrl: string, localPort: number, protocol: string, label: ScenarioRecorder | null, additional = ''): void {
    const ts = isoFromMs(time);
    this.add('DeviceNetworkEvents',
      `{"TimeGenerated":"${ts}","Timestamp":"${ts}",${this.initiating(host, process, commandLine, account)},`
      + `"ActionType":"${action}","RemoteIP":"${remoteIp}","RemotePort":${remotePort},"RemoteUrl":${q(remoteUrl)},"RemoteIPType":"${isPrivate(remoteIp) ? 'Private' : 'Public'}",`
      + `"LocalIP":"${host.ip}","LocalPort":${localPort},"LocalIPType":"Private","Protocol":"${protocol}",`
      + `"ReportId":${this.reportId++}${additional}}`,
      time, label);
  }

  /** Everything one connection leaves behind, across all tables. */
  flow(f: Flow, label: ScenarioRecorder | null): void {
    if (f.start < this.startMs) return;
    const start = this.clamp(f.start);
    if (f.name !== undefined && this.needsLookup(f.host, f.name, start)) {
      // The lookup lead time derives from the flow itself, so an attack's rows do not move when
      // the baseline around it changes.
      this.dnsQuery(f.host, start - 2 - (start % 181), f.name, f.resolved ?? [f.remoteIp], label);
    }
    if (label) {
      label.entities.hosts.add(f.host.computer);
      label.entities.ips.add(f.remoteIp);
      label.entities.processes.add(f.process.name);
      if (f.account.upn !== '') label.entities.accounts.add(f.account.upn);
      if (f.name !== undefined) label.entities.domains.add(f.name);
      if (f.http) label.entities.urls.add(f.http.url);
    }
    const localPort = this.localPort();
    const remoteUrl = f.name ?? '';
    this.deviceNetwork(start, f.host, f.process, f.commandLine, f.account, 'ConnectionSuccess', f.remoteIp, f.remotePort, remoteUrl, localPort, f.transport, label);
    if (f.http) {
      // Defender's network protection inspects HTTP and reports the request in AdditionalFields.
      const extra = { direction: 'Out', host: f.name ?? f.remoteIp, method: f.http.method, status_code: '200', uri: new URL(f.http.url).pathname, user_agent: f.http.userAgent };
      this.deviceNetwork(start + 1, f.host, f.process, f.commandLine, f.account, 'HttpConnectionInspected', f.remoteIp, f.remotePort, remoteUrl, localPort, f.transport, label,
        `,"AdditionalFields":${q(JSON.stringify(extra))}`);
    }
    const end = this.clamp(start + f.durationMs);
    const publicRemote = !isPrivate(f.remoteIp);
    if (f.transport !== 'Gre') {
      this.vmConnection(f, end, 'outbound', f.host, f.host.ip, f.remoteIp, f.remotePort, f.sent, f.received, f.process, publicRemote, label);
      if (f.remoteHost) {
        const server = f.remoteHost;
        this.deviceNetwork(start + 1, server, PROCESSES.system, undefined, SYSTEM_ACCOUNTS.system, 'InboundConnectionAccepted', f.host.ip, localPort, '', f.remotePort, f.transport, label);
        this.vmConnection(f, end, 'inbound', server, f.host.ip, server.ip, f.remotePort, f.received, f.sent, PROCESSES.system, false, label);
      }
    }
    if (publicRemote) this.firewall(f, start, end, localPort, label);
  }

  private vmConnection(f: Flow, end: number, direction: 'outbound' | 'inbound', host: Host, sourceIp: string, destinationIp: string, port: number,
    sent: number, received: number, process: ProcessDef, publicRemote: boolean, label: ScenarioRecorder | null): void {
    // VM insights reports per one-minute window, stamped at the window's end.
    const time = this.clamp(Math.ceil((end + 1) / MS_PER_MINUTE) * MS_PER_MINUTE);
    const remoteIp = direction === 'outbound' ? destinationIp : sourceIp;
    const geo = publicRemote ? this.country(remoteIp) : '';
    const bad = f.malicious && direction === 'outbound'
      ? `,"MaliciousIp":"${remoteIp}","IndicatorThreatType":${q(f.malicious.indicator)},"Description":${q(f.malicious.description)},"Confidence":"80","Severity":2,"TLPLevel":"Amber"`
      : '';
    const responseTime = 5 + (f.remotePort * 7 + Math.round(sent)) % 400;
    this.add('VMConnection',
      `{"TimeGenerated":"${isoFromMs(time)}",${this.vmProcess(host, process)},"SourceIp":"${sourceIp}","DestinationIp":"${destinationIp}","DestinationPort":${port},`
      + `"Protocol":"${f.transport === 'Udp' ? 'udp' : 'tcp'}","Direction":"${direction}","RemoteIp":"${remoteIp}"${geo},"BytesSent":${Math.round(sent)},"BytesReceived":${Math.round(received)},`
      + `"LinksEstablished":1,"LinksTerminated":1,"ResponseTimeMax":${responseTime}${bad}}`,
      time, label);
  }

  private firewall(f: Flow, start: number, end: number, localPort: number, label: ScenarioRecorder | null): void {
    const fw = f.host.site.firewall;
    const natPort = 1024 + this.rng.int(64000);
    const proto = f.transport === 'Gre' ? 'gre' : f.transport.toLowerCase();
    const seconds = Math.max(0, Math.round((end - start) / 1000));
    const ts = isoFromMs(end);
    if (fw.vendor === 'Palo Alto Networks') {
      const packets = Math.max(2, Math.round((f.sent + f.received) / 1100));
      const user = f.account.firewallUser === '' ? '' : `,"SourceUserName":${q(f.account.firewallUser)}`;
      this.add('CommonSecurityLog',
        `{"TimeGenerated":"${ts}","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"end","Activity":"TRAFFIC",`
        + `"DeviceAction":"allow","ApplicationProtocol":"${f.app}","Protocol":"${proto}","SourceIP":"${f.host.ip}","SourcePort":${localPort},`
        + `"DestinationIP":"${f.remoteIp}","DestinationPort":${f.remotePort},"SourceTranslatedAddress":"${fw.natIp}","SourceTranslatedPort":${natPort},`
        + `"SentBytes":${Math.round(f.sent)},"ReceivedBytes":${Math.round(f.received)}${user},"DeviceName":"${fw.deviceName}",`
        + `"DeviceCustomString1":"allow-outbound-internet","DeviceCustomString1Label":"Rule","DeviceCustomNumber1":${this.sessionSeq++},"DeviceCustomNumber1Label":"SessionID",`
        + `"DeviceCustomNumber3":${seconds},"DeviceCustomNumber3Label":"Elapsed time in seconds"}`,
        end, label);
      if (f.http) {
        this.add('CommonSecurityLog',
          `{"TimeGenerated":"${isoFromMs(start)}","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"url","Activity":"THREAT",`
          + `"DeviceAction":"alert","SimplifiedDeviceAction":"Alert","ApplicationProtocol":"web-browsing","Protocol":"${proto}","SourceIP":"${f.host.ip}","SourcePort":${localPort},`
          + `"DestinationIP":"${f.remoteIp}","DestinationPort":${f.remotePort},"SourceTranslatedAddress":"${fw.natIp}","SourceTranslatedPort":${natPort}${user},`
          + `"RequestURL":${q(f.http.url)},"RequestMethod":"${f.http.method.toLowerCase()}","RequestClientApplication":${q(f.http.userAgent)},"DeviceName":"${fw.deviceName}",`
          + `"DeviceCustomString1":"allow-outbound-internet","DeviceCustomString1Label":"Rule","DeviceCustomString2":"unknown","DeviceCustomString2Label":"URL Category",`
          + `"DeviceCustomNumber1":${this.sessionSeq - 1},"DeviceCustomNumber1Label":"SessionID"}`,
          start, label);
      }
      return;
    }
    // Cisco ASA logs the teardown with the total byte count of the connection only; Sentinel
    // keeps the syslog text in Message and leaves SentBytes/ReceivedBytes empty.
    const upper = f.transport === 'Gre' ? 'GRE' : f.transport.toUpperCase();
    const id = this.sessionSeq++;
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const duration = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    const total = Math.round(f.sent + f.received);
    const eventId = upper === 'UDP' ? '302016' : '302014';
    this.add('CommonSecurityLog',
      `{"TimeGenerated":"${ts}","DeviceVendor":"Cisco","DeviceProduct":"ASA","DeviceVersion":"9.18","DeviceEventClassID":"${eventId}","Activity":"Teardown ${upper} connection","LogSeverity":"6",`
      + `"CommunicationDirection":"Outbound","Protocol":"${upper}","SourceIP":"${f.host.ip}","SourcePort":${localPort},"DestinationIP":"${f.remoteIp}","DestinationPort":${f.remotePort},`
      + `"SourceTranslatedAddress":"${fw.natIp}","DeviceName":"${fw.deviceName}",`
      + `"Message":"Teardown ${upper} connection ${id} for outside:${f.remoteIp}/${f.remotePort} to inside:${f.host.ip}/${localPort} duration ${duration} bytes ${total}${upper === 'TCP' ? ' TCP FINs' : ''}"}`,
      end, label);
  }

  fileEvent(e: FileEvent, label: ScenarioRecorder | null): void {
    if (e.time < this.startMs) return;
    const time = this.clamp(e.time);
    const ts = isoFromMs(time);
    const origin = (e.originUrl ? `,"FileOriginUrl":${q(e.originUrl)}` : '') + (e.originIp ? `,"FileOriginIP":"${e.originIp}"` : '')
      + (e.referrerUrl ? `,"FileOriginReferrerUrl":${q(e.referrerUrl)}` : '');
    if (label) {
      label.entities.hosts.add(e.host.computer);
      if (e.originUrl) label.entities.urls.add(e.originUrl);
      if (e.originIp) label.entities.ips.add(e.originIp);
    }
    this.add('DeviceFileEvents',
      `{"TimeGenerated":"${ts}","Timestamp":"${ts}",${this.initiating(e.host, e.process, e.commandLine, e.account)},"ActionType":"${e.actionType}",`
      + `"FileName":${q(e.fileName)},"FolderPath":${q(`${e.folder}\\${e.fileName}`)},"FileSize":${e.size},"SHA1":"${e.sha1}","SHA256":"${e.sha256}","MD5":"${e.md5}"${origin},`
      + `"ReportId":${this.reportId++}}`,
      time, label);
  }

  processEvent(e: ProcessEvent, label: ScenarioRecorder | null): void {
    if (e.time < this.startMs) return;
    const time = this.clamp(e.time);
    const ts = isoFromMs(time);
    const p = e.process;
    if (label) {
      label.entities.hosts.add(e.host.computer);
      label.entities.processes.add(p.name);
      if (e.account.upn !== '') label.entities.accounts.add(e.account.upn);
    }
    const pid = 4 * (300 + this.rng.int(15000));
    this.add('DeviceProcessEvents',
      `{"TimeGenerated":"${ts}","Timestamp":"${ts}",${this.initiating(e.host, e.parent, e.parentCommandLine, e.account)},"ActionType":"ProcessCreated",`
      + `"FileName":${q(p.name)},"FolderPath":${q(p.folder)},"FileSize":${p.fileSize},"ProcessCommandLine":${q(e.commandLine)},"ProcessId":${pid},"ProcessCreationTime":"${ts}",`
      + `"ProcessIntegrityLevel":"${p.integrity}","SHA1":"${p.sha1}","SHA256":"${p.sha256}","MD5":"${p.md5}","ProcessVersionInfoCompanyName":${q(p.company)},`
      + `"ProcessVersionInfoProductName":${q(p.product)},"ProcessVersionInfoFileDescription":${q(p.description)},`
      + `"AccountDomain":${q(e.account.domain)},"AccountName":${q(e.account.name)},"AccountSid":"${e.account.sid}","AccountUpn":${q(e.account.upn)},`
      + `"ReportId":${this.reportId++}}`,
      time, label);
  }
}
