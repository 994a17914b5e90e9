// Where generated rows go as NDJSON: one stream per table, each row encoded straight into a
// large reusable byte buffer from precomputed constant fragments (no JSON.stringify, no row
// strings, no per-row garbage), handed to the writer in ~1 MB chunks. Each row gets its
// 0-based index in its table's file, which is how labels.json points at the rows an attack
// produced.

import fs from 'node:fs';
import path from 'node:path';
import {
  TABLES, type CiscoAsaRow, type DnsRow, type FieldList, type Initiating, type NetworkRow, type PaloAltoRow, type TableName,
  type TelemetrySink, type VmConnectionRow, type VmProcess,
} from './rows.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './time.js';

export { TABLES, type TableName } from './rows.js';

/** Receives one table's bytes in order; may keep the chunk (it is not reused). */
export interface ChunkWriter {
  write(chunk: Uint8Array): void;
  close(): void;
}

const CHUNK_BYTES = 1 << 20;

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * Free bytes every size-checked write leaves behind, so short constant fragments (under
 * SHORT_FRAGMENT bytes, never more than a few dozen in a row between checked writes) can
 * be copied without a check of their own.
 */
const SLACK = 1024;
const SHORT_FRAGMENT = 24;

/** An append-only byte buffer with the few encodings rows need. */
class RowBytes {
  buf = Buffer.allocUnsafe(CHUNK_BYTES + (64 << 10));
  pos = 0;
  private day = Number.NaN;
  private dayPrefix: Uint8Array = new Uint8Array(0);
  /** Where the last timestamp starts in buf (for isoAgain, within the same row). */
  private lastIso = 0;

  private ensure(extra: number): void {
    if (this.pos + extra + SLACK <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra + SLACK));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    // Short fragments copy faster in a loop than through TypedArray.set's native call.
    if (n < SHORT_FRAGMENT) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.pos = p;
    } else {
      this.ensure(n);
      this.buf.set(b, this.pos);
      this.pos += n;
    }
  }

  /** Text written as is (no escaping): addresses, fixed vocabularies, hex. */
  raw(text: string): void {
    const n = text.length;
    this.ensure(n * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos += buf.write(text, this.pos, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** A JSON string literal, quotes included, exactly as JSON.stringify writes it. */
  json(text: string): void {
    const n = text.length;
    this.ensure(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c === 34 || c === 92 || c >= 0x80) {
        const literal = JSON.stringify(text);
        this.ensure(literal.length * 3);
        this.pos += this.buf.write(literal, this.pos, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 34;
    this.pos = p;
  }

  /** A number as `${n}` writes it; integers without going through a string. */
  num(n: number): void {
    if (!Number.isSafeInteger(n) || Object.is(n, -0)) {
      this.raw(String(n));
      return;
    }
    this.ensure(17);
    const buf = this.buf;
    if (n < 0) {
      buf[this.pos++] = 45;
      n = -n;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** The 24 bytes `iso` wrote last (Defender rows carry the same instant twice). */
  isoAgain(): void {
    const buf = this.buf;
    let from = this.lastIso;
    let p = this.pos;
    for (let i = 0; i < 24; i++) buf[p++] = buf[from++]!;
    this.pos = p;
  }

  /** `2024-05-01T13:45:07.123Z` (no quotes), the date part encoded once per day. */
  iso(ms: number): void {
    this.lastIso = this.pos;
    const t = Math.floor(ms);
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      this.dayPrefix = utf8(new Date(day * MS_PER_DAY).toISOString().slice(0, 11));
    }
    this.bytes(this.dayPrefix);
    let rest = t - day * MS_PER_DAY;
    const hour = Math.floor(rest / MS_PER_HOUR);
    rest -= hour * MS_PER_HOUR;
    const minute = Math.floor(rest / MS_PER_MINUTE);
    rest -= minute * MS_PER_MINUTE;
    const second = Math.floor(rest / MS_PER_SECOND);
    const milli = rest - second * MS_PER_SECOND;
    this.ensure(13);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 48 + Math.floor(hour / 10); buf[p++] = 48 + (hour % 10); buf[p++] = 58;
    buf[p++] = 48 + Math.floor(minute / 10); buf[p++] = 48 + (minute % 10); buf[p++] = 58;
    buf[p++] = 48 + Math.floor(second / 10); buf[p++] = 48 + (second % 10); buf[p++] = 46;
    buf[p++] = 48 + Math.floor(milli / 100); buf[p++] = 48 + (Math.floor(milli / 10) % 10); buf[p++] = 48 + (milli % 10);
    buf[p++] = 90;
    this.pos = p;
  }

  /** Detaches the written bytes as a chunk and starts over (a fresh buffer: writers may keep chunks). */
  take(): Uint8Array {
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return chunk;
  }
}

class TableStream {
  rows = 0;
  bytesWritten = 0;
  readonly out = new RowBytes();
  /** A stream that only numbers its rows (another thread writes this table). */
  constructor(readonly writer: ChunkWriter, readonly written: boolean) {}

  /** Ends the current row; returns its index. */
  endRow(): number {
    this.out.bytes(NEWLINE);
    if (this.out.pos >= CHUNK_BYTES) this.flush();
    return this.rows++;
  }

  flush(): void {
    if (this.out.pos === 0) return;
    this.bytesWritten += this.out.pos;
    this.writer.write(this.out.take());
  }
}

const NEWLINE = utf8('\n');

// Constant fragments, in each table's column order (it must not change: same flags, same bytes).
const F = {
  timeGenerated: utf8('{"TimeGenerated":"'),
  dnsComputer: utf8('","Computer":'),
  dnsEventId: utf8(',"EventId":'),
  dnsClientIp: utf8(',"SubType":"LookupQuery","ClientIP":"'),
  dnsName: utf8('","Name":'),
  dnsQueryType: utf8(',"QueryType":"'),
  dnsResult: utf8('","Result":"'),
  dnsResultCode: utf8('","ResultCode":'),
  dnsAddresses: utf8(',"IPAddresses":"'),
  quoteClose: utf8('"}'),
  timestamp: utf8('","Timestamp":"'),
  quoteComma: utf8('",'),
  netAction: utf8(',"ActionType":"'),
  netRemoteIp: utf8('","RemoteIP":"'),
  netRemotePort: utf8('","RemotePort":'),
  netRemoteUrl: utf8(',"RemoteUrl":'),
  netRemoteIpType: utf8(',"RemoteIPType":"'),
  netLocalIp: utf8('","LocalIP":"'),
  netLocalPort: utf8('","LocalPort":'),
  netProtocol: utf8(',"LocalIPType":"Private","Protocol":"'),
  netReportId: utf8('","ReportId":'),
  netAdditional: utf8(',"AdditionalFields":'),
  close: utf8('}'),
  vmSourceIp: utf8(',"SourceIp":"'),
  vmDestinationIp: utf8('","DestinationIp":"'),
  vmDestinationPort: utf8('","DestinationPort":'),
  vmProtocol: utf8(',"Protocol":"'),
  vmDirection: utf8('","Direction":"'),
  vmRemoteIp: utf8('","RemoteIp":"'),
  vmCountry: utf8(',"RemoteCountry":'),
  quote: utf8('"'),
  vmBytesSent: utf8(',"BytesSent":'),
  vmBytesReceived: utf8(',"BytesReceived":'),
  vmResponseTime: utf8(',"LinksEstablished":1,"LinksTerminated":1,"ResponseTimeMax":'),
  vmMaliciousIp: utf8(',"MaliciousIp":"'),
  vmIndicator: utf8('","IndicatorThreatType":'),
  vmDescription: utf8(',"Description":'),
  vmThreatTail: utf8(',"Confidence":"80","Severity":2,"TLPLevel":"Amber"}'),
  panTraffic: utf8('","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"end","Activity":"TRAFFIC","DeviceAction":"allow","ApplicationProtocol":"'),
  panUrl: utf8('","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"url","Activity":"THREAT","DeviceAction":"alert","SimplifiedDeviceAction":"Alert","ApplicationProtocol":"web-browsing'),
  fwProtocol: utf8('","Protocol":"'),
  fwSourceIp: utf8('","SourceIP":"'),
  fwSourcePort: utf8('","SourcePort":'),
  fwDestinationIp: utf8(',"DestinationIP":"'),
  fwDestinationPort: utf8('","DestinationPort":'),
  fwNatIp: utf8(',"SourceTranslatedAddress":"'),
  fwNatPort: utf8('","SourceTranslatedPort":'),
  panSent: utf8(',"SentBytes":'),
  panReceived: utf8(',"ReceivedBytes":'),
  panUser: utf8(',"SourceUserName":'),
  fwDeviceName: utf8(',"DeviceName":"'),
  panRule: utf8('","DeviceCustomString1":"allow-outbound-internet","DeviceCustomString1Label":"Rule","DeviceCustomNumber1":'),
  panElapsed: utf8(',"DeviceCustomNumber1Label":"SessionID","DeviceCustomNumber3":'),
  panTrafficTail: utf8(',"DeviceCustomNumber3Label":"Elapsed time in seconds"}'),
  panRequestUrl: utf8(',"RequestURL":'),
  panRequestMethod: utf8(',"RequestMethod":"'),
  panUserAgent: utf8('","RequestClientApplication":'),
  panUrlRule: utf8('","DeviceCustomString1":"allow-outbound-internet","DeviceCustomString1Label":"Rule","DeviceCustomString2":"unknown","DeviceCustomString2Label":"URL Category","DeviceCustomNumber1":'),
  panUrlTail: utf8(',"DeviceCustomNumber1Label":"SessionID"}'),
  asaHead: utf8('","DeviceVendor":"Cisco","DeviceProduct":"ASA","DeviceVersion":"9.18","DeviceEventClassID":"'),
  asaActivity: utf8('","Activity":"Teardown '),
  asaDirection: utf8(' connection","LogSeverity":"6","CommunicationDirection":"Outbound","Protocol":"'),
  asaMessage: utf8('","Message":'),
} as const;

/** Writes every table as NDJSON through one ChunkWriter per table. */
export class TableOutput implements TelemetrySink {
  private readonly tables: Record<TableName, TableStream>;
  private readonly initiatingBytes = new Map<Initiating, Uint8Array>();
  private readonly vmProcessBytes = new Map<VmProcess, Uint8Array>();

  /**
   * `written`: the tables this output encodes; rows of the others are only counted, so row
   * indexes (and labels) stay right when generator threads split the tables between them.
   */
  constructor(open: (table: TableName) => ChunkWriter, written: readonly TableName[] = TABLES) {
    this.tables = Object.fromEntries(TABLES.map((t) => [t, new TableStream(open(t), written.includes(t))])) as Record<TableName, TableStream>;
  }

  dns(r: DnsRow): number {
    const t = this.tables.DnsEvents;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.bytes(F.timeGenerated); o.iso(r.time);
    o.bytes(F.dnsComputer); o.json(r.computer);
    o.bytes(F.dnsEventId); o.num(r.eventId);
    o.bytes(F.dnsClientIp); o.raw(r.clientIp);
    o.bytes(F.dnsName); o.json(r.name);
    o.bytes(F.dnsQueryType); o.raw(r.queryType);
    o.bytes(F.dnsResult); o.raw(r.result);
    o.bytes(F.dnsResultCode); o.num(r.resultCode);
    o.bytes(F.dnsAddresses); o.raw(r.ipAddresses);
    o.bytes(F.quoteClose);
    return t.endRow();
  }

  network(r: NetworkRow): number {
    const t = this.tables.DeviceNetworkEvents;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.bytes(F.timeGenerated); o.iso(r.time);
    o.bytes(F.timestamp); o.isoAgain();
    o.bytes(F.quoteComma); o.bytes(this.initiating(r.initiating));
    o.bytes(F.netAction); o.raw(r.actionType);
    o.bytes(F.netRemoteIp); o.raw(r.remoteIp);
    o.bytes(F.netRemotePort); o.num(r.remotePort);
    o.bytes(F.netRemoteUrl); o.json(r.remoteUrl);
    o.bytes(F.netRemoteIpType); o.raw(r.remoteIpType);
    o.bytes(F.netLocalIp); o.raw(r.localIp);
    o.bytes(F.netLocalPort); o.num(r.localPort);
    o.bytes(F.netProtocol); o.raw(r.protocol);
    o.bytes(F.netReportId); o.num(r.reportId);
    if (r.additionalFields !== '') { o.bytes(F.netAdditional); o.json(r.additionalFields); }
    o.bytes(F.close);
    return t.endRow();
  }

  vmConnection(r: VmConnectionRow): number {
    const t = this.tables.VMConnection;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.bytes(F.timeGenerated); o.iso(r.time);
    o.bytes(F.quoteComma); o.bytes(this.vmProcess(r.vmProcess));
    o.bytes(F.vmSourceIp); o.raw(r.sourceIp);
    o.bytes(F.vmDestinationIp); o.raw(r.destinationIp);
    o.bytes(F.vmDestinationPort); o.num(r.destinationPort);
    o.bytes(F.vmProtocol); o.raw(r.protocol);
    o.bytes(F.vmDirection); o.raw(r.direction);
    o.bytes(F.vmRemoteIp); o.raw(r.remoteIp); o.bytes(F.quote);
    if (r.remoteCountry !== '') { o.bytes(F.vmCountry); o.json(r.remoteCountry); }
    o.bytes(F.vmBytesSent); o.num(r.bytesSent);
    o.bytes(F.vmBytesReceived); o.num(r.bytesReceived);
    o.bytes(F.vmResponseTime); o.num(r.responseTimeMax);
    if (r.indicatorThreatType !== '') {
      o.bytes(F.vmMaliciousIp); o.raw(r.remoteIp);
      o.bytes(F.vmIndicator); o.json(r.indicatorThreatType);
      o.bytes(F.vmDescription); o.json(r.description);
      o.bytes(F.vmThreatTail);
    } else {
      o.bytes(F.close);
    }
    return t.endRow();
  }

  paloAlto(r: PaloAltoRow): number {
    const t = this.tables.CommonSecurityLog;
    if (!t.written) return t.rows++;
    const o = t.out;
    const url = r.kind === 'url';
    o.bytes(F.timeGenerated); o.iso(r.time);
    if (url) o.bytes(F.panUrl);
    else { o.bytes(F.panTraffic); o.raw(r.applicationProtocol); }
    o.bytes(F.fwProtocol); o.raw(r.protocol);
    o.bytes(F.fwSourceIp); o.raw(r.sourceIp);
    o.bytes(F.fwSourcePort); o.num(r.sourcePort);
    o.bytes(F.fwDestinationIp); o.raw(r.destinationIp);
    o.bytes(F.fwDestinationPort); o.num(r.destinationPort);
    o.bytes(F.fwNatIp); o.raw(r.natIp);
    o.bytes(F.fwNatPort); o.num(r.natPort);
    if (url) {
      if (r.sourceUserName !== '') { o.bytes(F.panUser); o.json(r.sourceUserName); }
      o.bytes(F.panRequestUrl); o.json(r.requestUrl);
      o.bytes(F.panRequestMethod); o.raw(r.requestMethod);
      o.bytes(F.panUserAgent); o.json(r.userAgent);
      o.bytes(F.fwDeviceName); o.raw(r.deviceName);
      o.bytes(F.panUrlRule); o.num(r.sessionId);
      o.bytes(F.panUrlTail);
    } else {
      o.bytes(F.panSent); o.num(r.sentBytes);
      o.bytes(F.panReceived); o.num(r.receivedBytes);
      if (r.sourceUserName !== '') { o.bytes(F.panUser); o.json(r.sourceUserName); }
      o.bytes(F.fwDeviceName); o.raw(r.deviceName);
      o.bytes(F.panRule); o.num(r.sessionId);
      o.bytes(F.panElapsed); o.num(r.elapsedSeconds);
      o.bytes(F.panTrafficTail);
    }
    return t.endRow();
  }

  ciscoAsa(r: CiscoAsaRow): number {
    const t = this.tables.CommonSecurityLog;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.bytes(F.timeGenerated); o.iso(r.time);
    o.bytes(F.asaHead); o.raw(r.eventId);
    o.bytes(F.asaActivity); o.raw(r.protocol);
    o.bytes(F.asaDirection); o.raw(r.protocol);
    o.bytes(F.fwSourceIp); o.raw(r.sourceIp);
    o.bytes(F.fwSourcePort); o.num(r.sourcePort);
    o.bytes(F.fwDestinationIp); o.raw(r.destinationIp);
    o.bytes(F.fwDestinationPort); o.num(r.destinationPort);
    o.bytes(F.fwNatIp); o.raw(r.natIp); o.bytes(F.quote);
    o.bytes(F.fwDeviceName); o.raw(r.deviceName);
    o.bytes(F.asaMessage); o.json(r.message);
    o.bytes(F.close);
    return t.endRow();
  }

  fields(table: TableName, _time: number, fields: FieldList): number {
    const t = this.tables[table];
    if (!t.written) return t.rows++;
    const o = t.out;
    let first = true;
    for (const [name, value] of fields) {
      o.raw(first ? `{"${name}":` : `,"${name}":`);
      first = false;
      if (typeof value === 'number') o.num(value);
      else o.json(value);
    }
    o.bytes(F.close);
    return t.endRow();
  }

  private initiating(i: Initiating): Uint8Array {
    let bytes = this.initiatingBytes.get(i);
    if (bytes === undefined) {
      const q = JSON.stringify;
      const { host, process, account } = i;
      bytes = utf8(`"DeviceId":"${host.deviceId}","DeviceName":${q(host.deviceName)},`
        + `"InitiatingProcessFileName":${q(process.name)},"InitiatingProcessFolderPath":${q(process.folder)},`
        + `"InitiatingProcessCommandLine":${q(i.commandLine)},"InitiatingProcessId":${i.processId},"InitiatingProcessSHA1":"${process.sha1}",`
        + `"InitiatingProcessFileSize":${process.fileSize},"InitiatingProcessIntegrityLevel":"${process.integrity}","InitiatingProcessParentFileName":${q(process.parent)},`
        + `"InitiatingProcessAccountDomain":${q(account.domain)},"InitiatingProcessAccountName":${q(account.name)},`
        + `"InitiatingProcessAccountSid":"${account.sid}","InitiatingProcessAccountUpn":${q(account.upn)}`);
      this.initiatingBytes.set(i, bytes);
    }
    return bytes;
  }

  private vmProcess(v: VmProcess): Uint8Array {
    let bytes = this.vmProcessBytes.get(v);
    if (bytes === undefined) {
      const q = JSON.stringify;
      bytes = utf8(`"Computer":${q(v.host.computer)},"AgentId":"${v.host.agentId}","Process":"${v.processId}","ProcessName":${q(v.processName)}`);
      this.vmProcessBytes.set(v, bytes);
    }
    return bytes;
  }

  rowCount(table: TableName): number {
    return this.tables[table].rows;
  }

  totalRows(): number {
    let n = 0;
    for (const t of TABLES) n += this.tables[t].rows;
    return n;
  }

  /** NDJSON bytes handed to the writers so far. */
  bytesWritten(): number {
    let n = 0;
    for (const t of TABLES) n += this.tables[t].bytesWritten;
    return n;
  }

  close(): void {
    for (const t of TABLES) {
      this.tables[t].flush();
      this.tables[t].writer.close();
    }
  }
}

/**
 * A file written synchronously: the generator is CPU-bound and single-threaded, so blocking
 * writes of 1 MB chunks keep memory flat without back-pressure bookkeeping.
 */
export function fileWriter(file: string): ChunkWriter {
  const fd = fs.openSync(file, 'w');
  return {
    write(chunk) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

export function directoryOutput(dir: string): TableOutput {
  fs.mkdirSync(dir, { recursive: true });
  return new TableOutput((t) => fileWriter(path.join(dir, `${t}.ndjson`)));
}

/** Keeps everything in memory (tests and small runs). */
export function memoryOutput(): { output: TableOutput; text: (table: TableName) => string } {
  const store = new Map<TableName, Uint8Array[]>();
  const output = new TableOutput((t) => {
    const parts: Uint8Array[] = [];
    store.set(t, parts);
    return { write: (c) => { parts.push(c); }, close: () => {} };
  });
  return { output, text: (t) => Buffer.concat(store.get(t) ?? []).toString('utf8') };
}
