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
import { NotSupportedError } from '../kql/types.js';
import { Rng, hashString } from './prng.js';
import { StringTable } from './string-table.js';
import {
  CiscoAsaRow, DnsRow, NetworkRow, PaloAltoRow, VmConnectionRow, initiatingFields,
  type Initiating, type TableName, type TelemetrySink, type VmProcess,
} from './rows.js';
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

const LOWER_TRANSPORT = { Tcp: 'tcp', Udp: 'udp', Gre: 'gre' } as const;
const UPPER_TRANSPORT = { Tcp: 'TCP', Udp: 'UDP', Gre: 'GRE' } as const;
const EPHEMERAL_LOW = 49152;

/** RFC 1918, as ipv4_is_private sees it. */
function isPrivate(ip: string): boolean {
  if (ip.startsWith('10.') || ip.startsWith('192.168.')) return true;
  if (!ip.startsWith('172.')) return false;
  const second = Number(ip.slice(4, ip.indexOf('.', 4)));
  return second >= 16 && second <= 31;
}

/**
 * Each generated day numbers Defender's ReportId and the firewalls' session ids from its own
 * range, so that a day's numbers do not depend on how many rows the days before it had (and
 * days can be generated in any order, in any thread). A hundred million per day is far more
 * than --scale ever makes; exceeding it is refused rather than wrapped into the next range.
 */
export const IDS_PER_DAY = 100_000_000;
const FIRST_REPORT_ID = 1000;
const FIRST_SESSION_ID = 400_000;

export class Telemetry {
  private rng: Rng;
  private day = 0;
  private reportId = FIRST_REPORT_ID;
  private sessionSeq = FIRST_SESSION_ID;
  /** Per host: process -> its (account, command line) variants. Identity keys: no key strings per row. */
  private readonly initiatingByHost: Map<ProcessDef, Initiating[]>[] = [];
  private initiatingCount = 0;
  private vmProcessCount = 0;
  private readonly vmProcessByHost: Map<ProcessDef, VmProcess>[] = [];
  /** Remote address -> English country name ('' for addresses with no country). */
  private readonly countryNames = new StringTable<string>();
  /** Weak: scenarios pass one-off answer lists that must not pile up. */
  private readonly answerLists = new WeakMap<readonly string[], string>();
  // One reusable row per kind: sinks copy what they keep.
  private readonly dnsRow = new DnsRow();
  private readonly networkRow = new NetworkRow();
  private readonly vmRow = new VmConnectionRow();
  private readonly paloAltoRow = new PaloAltoRow();
  private readonly asaRow = new CiscoAsaRow();
  /** DNS name -> its slot in every host's cache. */
  private readonly nameSlots = new StringTable<number>();
  /**
   * Per host, two numbers per name slot: when the cached answer was fetched and when it
   * expires (NaN: never asked). Flat arrays rather than a map per host: one shared lookup per
   * flow, no entry objects, and nothing to prune as the run goes on (memory grows with the
   * names in use, not with time).
   */
  private readonly dnsCache: Float64Array[] = [];

  constructor(
    private readonly out: TelemetrySink,
    /** The run's seed: the sensors' own random details (ports, TTLs, process ids) get a stream per day. */
    private readonly seed: number,
    /** Nothing is stamped before this (the first simulated instant). */
    private readonly startMs: number,
    /** Nothing is stamped later than this (the simulated "now"). */
    private readonly endMs: number,
  ) {
    this.rng = new Rng(seed, 'telemetry');
  }

  /**
   * Starts generating the day with this index (0 = the run's first UTC day), which begins at
   * `dayStartMs`: what the sensors carry over from one day to the next is reset to a state
   * that depends on the day alone. The sensors' random stream and the id counters start
   * afresh, and every host's DNS cache is empty, as if flushed at midnight UTC: a day's first
   * connection to a name is preceded by its lookup on that day, so a lookup still always
   * precedes the connection that uses its answer.
   */
  beginDay(dayIndex: number, dayStartMs: number): void {
    this.day = dayIndex;
    this.rng = new Rng(this.seed, `telemetry/${dayStartMs}`);
    this.reportId = FIRST_REPORT_ID + dayIndex * IDS_PER_DAY;
    this.sessionSeq = FIRST_SESSION_ID + dayIndex * IDS_PER_DAY;
    for (const cache of this.dnsCache) cache?.fill(Number.NaN);
  }

  /** Refuses a day that used more ids than its range holds (the next day's ids would repeat). */
  endDay(): void {
    const limit = (this.day + 1) * IDS_PER_DAY;
    if (this.reportId > limit || this.sessionSeq > limit) {
      throw new NotSupportedError(`more than ${IDS_PER_DAY.toLocaleString('en-US')} Defender or firewall rows in one simulated day (day ${this.day + 1}; lower --hosts or --scale)`);
    }
  }

  private record(table: TableName, index: number, time: number, label: ScenarioRecorder | null): void {
    if (label) label.row(table, index, time);
  }

  private clamp(ms: number): number {
    return ms < this.endMs ? ms : this.endMs - 1;
  }

  /** Defender's InitiatingProcess* and device columns, one object per host/process/command/account. */
  private initiating(host: Host, process: ProcessDef, commandLine: string | undefined, account: Account): Initiating {
    const cmd = commandLine ?? process.commandLine;
    const byProcess = (this.initiatingByHost[host.index] ??= new Map());
    // A host runs a process under one or two accounts and command lines: a short scan beats nested maps.
    let variants = byProcess.get(process);
    if (variants === undefined) byProcess.set(process, (variants = []));
    for (let k = 0; k < variants.length; k++) {
      const ini = variants[k]!;
      if (ini.account === account && ini.commandLine === cmd) return ini;
    }
    const processId = 4 * (300 + (hashString(`${host.index}/${process.folder}/${cmd}/${account.sid}`) % 15000));
    const ini: Initiating = { id: this.initiatingCount++, host, process, commandLine: cmd, account, processId };
    variants.push(ini);
    return ini;
  }

  private vmProcess(host: Host, process: ProcessDef): VmProcess {
    const byProcess = (this.vmProcessByHost[host.index] ??= new Map());
    let vp = byProcess.get(process);
    if (vp === undefined) {
      const h = hashString(`${host.index}/${process.folder}`).toString(16).padStart(8, '0');
      vp = { id: this.vmProcessCount++, host, processId: `p-${h}`, processName: process.name === 'System' ? 'system' : process.name.replace(/\.exe$/i, '') };
      byProcess.set(process, vp);
    }
    return vp;
  }

  private country(ip: string): string {
    let name = this.countryNames.get(ip);
    if (name === undefined) {
      name = countryOf(ip)?.name ?? '';
      this.countryNames.set(ip, name);
    }
    return name;
  }

  private localPort(): number {
    return EPHEMERAL_LOW + this.rng.int(65535 - EPHEMERAL_LOW);
  }

  /**
   * True when the host must ask its DNS server; records the new answer. Rows of an hour are
   * not generated in time order, so an answer only counts for connections after it was fetched.
   */
  private needsLookup(host: Host, name: string, at: number): boolean {
    let slot = this.nameSlots.get(name);
    if (slot === undefined) this.nameSlots.set(name, (slot = this.nameSlots.size));
    let cache = this.dnsCache[host.index];
    if (cache === undefined || cache.length <= 2 * slot) cache = this.growDnsCache(host.index, slot);
    // Comparisons with NaN are false: a name never asked needs a lookup.
    if (cache[2 * slot]! <= at && at < cache[2 * slot + 1]!) return false;
    // Windows caches for the record's TTL; typical SaaS TTLs are minutes to an hour.
    cache[2 * slot] = at;
    cache[2 * slot + 1] = at + (5 + this.rng.int(55)) * MS_PER_MINUTE;
    return true;
  }

  private growDnsCache(hostIndex: number, slot: number): Float64Array {
    const old = this.dnsCache[hostIndex];
    const grown = new Float64Array(Math.max(2 * (slot + 1), 2 * (old?.length ?? 32))).fill(Number.NaN);
    if (old !== undefined) grown.set(old);
    this.dnsCache[hostIndex] = grown;
    return grown;
  }

  /**
   * `a,b,c` for DnsEvents.IPAddresses. Services keep their address lists for the whole run,
   * so the text is joined once per list: the same string object also dictionary-codes fastest.
   */
  private answerList(answers: readonly string[]): string {
    if (answers.length === 1) return answers[0]!;
    let text = this.answerLists.get(answers);
    if (text === undefined) {
      text = answers.join(',');
      this.answerLists.set(answers, text);
    }
    return text;
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
    const r = this.dnsRow;
    r.time = time;
    r.computer = server.computer;
    r.eventId = resultCode === 0 ? 257 : 258;
    r.clientIp = host.ip;
    r.name = name;
    r.queryType = opts.queryType ?? 'A';
    r.result = resultCode === 0 ? 'Success' : 'Failure';
    r.resultCode = resultCode;
    r.ipAddresses = this.answerList(answers);
    this.record('DnsEvents', this.out.dns(r), time, label);
    const process = opts.process ?? PROCESSES.svchostDns;
    const account = opts.account ?? SYSTEM_ACCOUNTS.network;
    this.deviceNetwork(time, host, process, opts.commandLine, account, 'ConnectionSuccess', server.ip, 53, '', this.localPort(), 'Udp', label);
  }

  private deviceNetwork(time: number, host: Host, process: ProcessDef, commandLine: string | undefined, account: Account, action: string,
    remoteIp: string, remotePort: number, remoteUrl: string, localPort: number, protocol: string, label: ScenarioRecorder | null, additionalFields = ''): void {
    const r = this.networkRow;
    r.time = time;
    r.initiating = this.initiating(host, process, commandLine, account);
    r.actionType = action;
    r.remoteIp = remoteIp;
    r.remotePort = remotePort;
    r.remoteUrl = remoteUrl;
    r.remoteIpType = isPrivate(remoteIp) ? 'Private' : 'Public';
    r.localIp = host.ip;
    r.localPort = localPort;
    r.protocol = protocol;
    r.reportId = this.reportId++;
    r.additionalFields = additionalFields;
    this.record('DeviceNetworkEvents', this.out.network(r), time, label);
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
        JSON.stringify(extra));
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
    const malicious = f.malicious !== undefined && direction === 'outbound' ? f.malicious : undefined;
    const r = this.vmRow;
    r.time = time;
    r.vmProcess = this.vmProcess(host, process);
    r.sourceIp = sourceIp;
    r.destinationIp = destinationIp;
    r.destinationPort = port;
    r.protocol = f.transport === 'Udp' ? 'udp' : 'tcp';
    r.direction = direction;
    r.remoteIp = remoteIp;
    r.remoteCountry = publicRemote ? this.country(remoteIp) : '';
    r.bytesSent = Math.round(sent);
    r.bytesReceived = Math.round(received);
    r.responseTimeMax = 5 + (f.remotePort * 7 + Math.round(sent)) % 400;
    r.indicatorThreatType = malicious?.indicator ?? '';
    r.description = malicious?.description ?? '';
    this.record('VMConnection', this.out.vmConnection(r), time, label);
  }

  private firewall(f: Flow, start: number, end: number, localPort: number, label: ScenarioRecorder | null): void {
    const fw = f.host.site.firewall;
    const natPort = 1024 + this.rng.int(64000);
    const proto = LOWER_TRANSPORT[f.transport];
    const seconds = Math.max(0, Math.round((end - start) / 1000));
    if (fw.vendor === 'Palo Alto Networks') {
      const r = this.paloAltoRow;
      r.time = end;
      r.kind = 'traffic';
      r.applicationProtocol = f.app;
      r.protocol = proto;
      r.sourceIp = f.host.ip;
      r.sourcePort = localPort;
      r.destinationIp = f.remoteIp;
      r.destinationPort = f.remotePort;
      r.natIp = fw.natIp;
      r.natPort = natPort;
      r.sentBytes = Math.round(f.sent);
      r.receivedBytes = Math.round(f.received);
      r.sourceUserName = f.account.firewallUser;
      r.deviceName = fw.deviceName;
      r.sessionId = this.sessionSeq++;
      r.elapsedSeconds = seconds;
      r.requestUrl = '';
      r.requestMethod = '';
      r.userAgent = '';
      this.record('CommonSecurityLog', this.out.paloAlto(r), end, label);
      if (f.http) {
        r.time = start;
        r.kind = 'url';
        r.applicationProtocol = 'web-browsing';
        r.sentBytes = 0;
        r.receivedBytes = 0;
        r.elapsedSeconds = 0;
        r.requestUrl = f.http.url;
        r.requestMethod = f.http.method.toLowerCase();
        r.userAgent = f.http.userAgent;
        this.record('CommonSecurityLog', this.out.paloAlto(r), start, label);
      }
      return;
    }
    // Cisco ASA logs the teardown with the total byte count of the connection only; Sentinel
    // keeps the syslog text in Message and leaves SentBytes/ReceivedBytes empty.
    const upper = UPPER_TRANSPORT[f.transport];
    const id = this.sessionSeq++;
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const duration = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    const total = Math.round(f.sent + f.received);
    const r = this.asaRow;
    r.time = end;
    r.eventId = upper === 'UDP' ? '302016' : '302014';
    r.protocol = upper;
    r.sourceIp = f.host.ip;
    r.sourcePort = localPort;
    r.destinationIp = f.remoteIp;
    r.destinationPort = f.remotePort;
    r.natIp = fw.natIp;
    r.deviceName = fw.deviceName;
    r.message = `Teardown ${upper} connection ${id} for outside:${f.remoteIp}/${f.remotePort} to inside:${f.host.ip}/${localPort} duration ${duration} bytes ${total}${upper === 'TCP' ? ' TCP FINs' : ''}`;
    this.record('CommonSecurityLog', this.out.ciscoAsa(r), end, label);
  }

  fileEvent(e: FileEvent, label: ScenarioRecorder | null): void {
    if (e.time < this.startMs) return;
    const time = this.clamp(e.time);
    const ts = isoFromMs(time);
    if (label) {
      label.entities.hosts.add(e.host.computer);
      if (e.originUrl) label.entities.urls.add(e.originUrl);
      if (e.originIp) label.entities.ips.add(e.originIp);
    }
    const fields: [string, string | number][] = [
      ['TimeGenerated', ts], ['Timestamp', ts], ...initiatingFields(this.initiating(e.host, e.process, e.commandLine, e.account)),
      ['ActionType', e.actionType], ['FileName', e.fileName], ['FolderPath', `${e.folder}\\${e.fileName}`], ['FileSize', e.size],
      ['SHA1', e.sha1], ['SHA256', e.sha256], ['MD5', e.md5],
    ];
    if (e.originUrl) fields.push(['FileOriginUrl', e.originUrl]);
    if (e.originIp) fields.push(['FileOriginIP', e.originIp]);
    if (e.referrerUrl) fields.push(['FileOriginReferrerUrl', e.referrerUrl]);
    fields.push(['ReportId', this.reportId++]);
    this.record('DeviceFileEvents', this.out.fields('DeviceFileEvents', time, fields), time, label);
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
    const fields: [string, string | number][] = [
      ['TimeGenerated', ts], ['Timestamp', ts], ...initiatingFields(this.initiating(e.host, e.parent, e.parentCommandLine, e.account)),
      ['ActionType', 'ProcessCreated'], ['FileName', p.name], ['FolderPath', p.folder], ['FileSize', p.fileSize],
      ['ProcessCommandLine', e.commandLine], ['ProcessId', pid], ['ProcessCreationTime', ts], ['ProcessIntegrityLevel', p.integrity],
      ['SHA1', p.sha1], ['SHA256', p.sha256], ['MD5', p.md5], ['ProcessVersionInfoCompanyName', p.company],
      ['ProcessVersionInfoProductName', p.product], ['ProcessVersionInfoFileDescription', p.description],
      ['AccountDomain', e.account.domain], ['AccountName', e.account.name], ['AccountSid', e.account.sid], ['AccountUpn', e.account.upn],
      ['ReportId', this.reportId++],
    ];
    this.record('DeviceProcessEvents', this.out.fields('DeviceProcessEvents', time, fields), time, label);
  }
}
