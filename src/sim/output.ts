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
import { StringTable } from './string-table.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './time.js';

export { TABLES, type TableName } from './rows.js';

/** Receives one table's bytes in order; may keep the chunk (it is not reused unless handed back). */
export interface ChunkWriter {
  write(chunk: Uint8Array): void;
  close(): void;
  /**
   * A chunk written earlier whose bytes the writer no longer needs: its buffer is refilled
   * instead of allocating a fresh megabyte. Fresh buffers are external memory that makes the
   * garbage collector run often, and their pages must be faulted in again.
   */
  spare?(): Uint8Array | undefined;
}

const CHUNK_BYTES = 1 << 20;

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * Free bytes every size-checked write leaves behind, so that the few unchecked writes of a
 * row (time of day, row ends, numbers) never run past the buffer.
 */
const SLACK = 1024;

/** `00`..`99` as byte pairs. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** Distinct strings kept as encoded bytes per cache; beyond it (unbounded vocabularies) they are encoded each time. */
const MAX_CACHED_STRINGS = 1 << 16;

/**
 * An append-only byte buffer with the few encodings rows need. On this engine a byte written
 * from JavaScript costs a few nanoseconds while TypedArray.set copies hundreds of bytes for
 * the price of one call, so rows are assembled from as few precomputed blocks as possible
 * and only the truly variable parts (addresses, numbers, times) are written byte by byte.
 */
class RowBytes {
  buf = Buffer.allocUnsafe(CHUNK_BYTES + (64 << 10));
  pos = 0;
  private day = Number.NaN;
  /** `{"TimeGenerated":"2024-05-01T` of the current day. */
  private dayHead: Uint8Array = new Uint8Array(0);
  /** `","Timestamp":"2024-05-01T` of the current day (Defender rows carry the instant twice). */
  private dayTimestamp: Uint8Array = new Uint8Array(0);
  /** Where the last time of day starts in buf (for timeOfDayAgain, within the same row). */
  private lastTimeOfDay = 0;

  private ensure(extra: number): void {
    if (this.pos + extra + SLACK <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra + SLACK));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  block(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    this.buf.set(b, this.pos);
    this.pos += n;
  }

  /** `}` and the newline. */
  endObject(): void {
    const buf = this.buf;
    buf[this.pos] = 125;
    buf[this.pos + 1] = 10;
    this.pos += 2;
  }

  /** `"}` and the newline. */
  endStringAndObject(): void {
    const buf = this.buf;
    buf[this.pos] = 34;
    buf[this.pos + 1] = 125;
    buf[this.pos + 2] = 10;
    this.pos += 3;
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

  /** A number as `${n}` writes it (-0 as 0, like JSON.stringify); integers without going through a string. */
  num(n: number): void {
    // Ports, counters, byte counts: non-negative int32, written two digits per (constant) division.
    if (n >= 0 && n <= 0x7fffffff && n === (n | 0)) {
      this.ensure(10);
      const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6
        : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
      const buf = this.buf;
      let p = this.pos + digits;
      this.pos = p;
      while (n >= 100) {
        const q = (n / 100) | 0;
        const pair = (n - q * 100) * 2;
        buf[--p] = DIGIT_PAIRS[pair + 1]!;
        buf[--p] = DIGIT_PAIRS[pair]!;
        n = q;
      }
      if (n >= 10) {
        buf[--p] = DIGIT_PAIRS[n * 2 + 1]!;
        buf[--p] = DIGIT_PAIRS[n * 2]!;
      } else {
        buf[--p] = 48 + n;
      }
      return;
    }
    if (!Number.isSafeInteger(n)) {
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

  /** `{"TimeGenerated":"2024-05-01T13:45:07.123Z` (no closing quote): every row starts so. */
  head(ms: number): void {
    const t = Math.floor(ms);
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      const date = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
      this.dayHead = utf8(`{"TimeGenerated":"${date}`);
      this.dayTimestamp = utf8(`","Timestamp":"${date}`);
    }
    this.block(this.dayHead);
    this.timeOfDay(t - day * MS_PER_DAY);
  }

  /** `","Timestamp":"` and the instant head() wrote last. */
  timestampAgain(): void {
    this.block(this.dayTimestamp);
    const buf = this.buf;
    let from = this.lastTimeOfDay;
    let p = this.pos;
    for (let i = 0; i < 13; i++) buf[p++] = buf[from++]!;
    this.pos = p;
  }

  /** `13:45:07.123Z`; `rest` is the milliseconds since midnight. */
  private timeOfDay(rest: number): void {
    this.lastTimeOfDay = this.pos;
    const hour = (rest / MS_PER_HOUR) | 0;
    rest -= hour * MS_PER_HOUR;
    const minute = (rest / MS_PER_MINUTE) | 0;
    rest -= minute * MS_PER_MINUTE;
    const second = (rest / MS_PER_SECOND) | 0;
    const milli = rest - second * MS_PER_SECOND;
    const centi = (milli / 10) | 0;
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = DIGIT_PAIRS[hour * 2]!; buf[p++] = DIGIT_PAIRS[hour * 2 + 1]!; buf[p++] = 58;
    buf[p++] = DIGIT_PAIRS[minute * 2]!; buf[p++] = DIGIT_PAIRS[minute * 2 + 1]!; buf[p++] = 58;
    buf[p++] = DIGIT_PAIRS[second * 2]!; buf[p++] = DIGIT_PAIRS[second * 2 + 1]!; buf[p++] = 46;
    buf[p++] = DIGIT_PAIRS[centi * 2]!; buf[p++] = DIGIT_PAIRS[centi * 2 + 1]!; buf[p++] = 48 + (milli - centi * 10);
    buf[p++] = 90;
    this.pos = p;
  }

  /** Detaches the written bytes as a chunk and starts over in `spare`'s buffer, or a fresh one (writers may keep chunks). */
  take(spare: Uint8Array | undefined): Uint8Array {
    const chunk = this.buf.subarray(0, this.pos);
    const reusable = spare?.buffer;
    this.buf = reusable instanceof ArrayBuffer && reusable.byteLength >= CHUNK_BYTES + SLACK
      ? Buffer.from(reusable, 0, reusable.byteLength) : Buffer.allocUnsafe(this.buf.length);
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

  /** Ends the current row (its newline already written); returns its index. */
  endRow(): number {
    if (this.out.pos >= CHUNK_BYTES) this.flush();
    return this.rows++;
  }

  flush(): void {
    if (this.out.pos === 0) return;
    this.bytesWritten += this.out.pos;
    this.writer.write(this.out.take(this.writer.spare?.()));
  }
}

/** A small vocabulary (action types, protocols, firewall names) numbered in order of appearance. */
class Vocabulary<T extends string | number> {
  private readonly values: T[] = [];
  /** A scan of a few compares: the values are mostly the same interned strings, compared by identity. */
  index(value: T): number {
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] === value) return i;
    values.push(value);
    return values.length - 1;
  }
}

/** Encoded blocks addressed by two small non-negative integers (entity ids, ports, vocabulary indexes). */
class BlockGrid {
  private readonly rows: (Uint8Array | undefined)[][] = [];
  get(i: number, j: number): Uint8Array | undefined {
    const row = this.rows[i];
    return row === undefined ? undefined : row[j];
  }
  set(i: number, j: number, bytes: Uint8Array): Uint8Array {
    (this.rows[i] ??= [])[j] = bytes;
    return bytes;
  }
}

/** JSON literals (or raw text) of strings from bounded vocabularies (DNS names, answer lists), encoded once. */
class StringBytes {
  private readonly map = new StringTable<Uint8Array>();
  constructor(private readonly asJson: boolean) {}

  write(o: RowBytes, text: string): void {
    const bytes = this.map.get(text);
    if (bytes !== undefined) {
      o.block(bytes);
      return;
    }
    if (this.map.size < MAX_CACHED_STRINGS) this.map.set(text, utf8(this.asJson ? JSON.stringify(text) : text));
    if (this.asJson) o.json(text);
    else o.raw(text);
  }
}

const q = JSON.stringify;
const b = utf8;

// Constant fragments, in each table's column order (it must not change: same flags, same bytes).
const F = {
  netLocalPort: b('","LocalPort":'),
  netAdditional: b(',"AdditionalFields":'),
  vmDestinationIp: b('","DestinationIp":"'),
  vmBytesReceived: b(',"BytesReceived":'),
  vmResponseTime: b(',"LinksEstablished":1,"LinksTerminated":1,"ResponseTimeMax":'),
  vmMaliciousIp: b(',"MaliciousIp":"'),
  vmIndicator: b('","IndicatorThreatType":'),
  vmDescription: b(',"Description":'),
  vmThreatTail: b(',"Confidence":"80","Severity":2,"TLPLevel":"Amber"}\n'),
  fwSourcePort: b('","SourcePort":'),
  fwDestinationIp: b(',"DestinationIP":"'),
  panSentBytes: b(',"SentBytes":'),
  panReceived: b(',"ReceivedBytes":'),
  panElapsed: b(',"DeviceCustomNumber1Label":"SessionID","DeviceCustomNumber3":'),
  panTrafficTail: b(',"DeviceCustomNumber3Label":"Elapsed time in seconds"}\n'),
  panRequestMethod: b(',"RequestMethod":"'),
  panUserAgent: b('","RequestClientApplication":'),
  panUrlTail: b(',"DeviceCustomNumber1Label":"SessionID"}\n'),
  asaDestinationPort: b('","DestinationPort":'),
  netDnsName: b('","Name":'),
} as const;

const PAN_TRAFFIC_HEAD = '","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"end","Activity":"TRAFFIC","DeviceAction":"allow","ApplicationProtocol":"';
const PAN_URL_HEAD = '","DeviceVendor":"Palo Alto Networks","DeviceProduct":"PAN-OS","DeviceEventClassID":"url","Activity":"THREAT","DeviceAction":"alert","SimplifiedDeviceAction":"Alert","ApplicationProtocol":"web-browsing';
const PAN_RULE = '","DeviceCustomString1":"allow-outbound-internet","DeviceCustomString1Label":"Rule"';

/** Writes every table as NDJSON through one ChunkWriter per table. */
export class TableOutput implements TelemetrySink {
  private readonly tables: Record<TableName, TableStream>;

  // Blocks of a row that depend only on a few values, each with the constants around it,
  // addressed by array index: a map lookup per block would cost as much as the copy.
  private readonly computers = new Vocabulary<string>();
  private readonly eventIds = new Vocabulary<number>();
  private readonly queryTypes = new Vocabulary<string>();
  private readonly results = new Vocabulary<string>();
  private readonly actions = new Vocabulary<string>();
  private readonly ipTypes = new Vocabulary<string>();
  private readonly protocols = new Vocabulary<string>();
  private readonly directions = new Vocabulary<string>();
  private readonly apps = new Vocabulary<string>();
  private readonly natIps = new Vocabulary<string>();
  private readonly deviceNames = new Vocabulary<string>();
  private readonly eventClasses = new Vocabulary<string>();
  private readonly users = new Map<string, number>();
  private readonly dnsServer = new BlockGrid();
  private readonly dnsOutcome = new BlockGrid();
  private readonly initiating = new BlockGrid();
  private readonly remotePort = new BlockGrid();
  private readonly remoteIpType = new BlockGrid();
  private readonly networkProtocol = new BlockGrid();
  private readonly vmProcess = new BlockGrid();
  private readonly vmPort = new BlockGrid();
  private readonly vmCountry = new Map<string, Uint8Array>();
  private readonly panApplication = new BlockGrid();
  private readonly panUrlProtocol = new BlockGrid();
  private readonly panDestination = new BlockGrid();
  private readonly panUserDevice = new BlockGrid();
  private readonly panUrlUser = new BlockGrid();
  private readonly panUrlDevice = new BlockGrid();
  private readonly asaEvent = new BlockGrid();
  private readonly asaNatDevice = new BlockGrid();
  private readonly names = new StringBytes(true);
  private readonly answers = new StringBytes(false);

  /**
   * `written`: the tables this output encodes; rows of the others are only counted, so row
   * indexes (and labels) stay right when only some tables are encoded (bench/sim.mjs times each table's encoding so).
   */
  constructor(open: (table: TableName) => ChunkWriter, written: readonly TableName[] = TABLES) {
    this.tables = Object.fromEntries(TABLES.map((t) => [t, new TableStream(open(t), written.includes(t))])) as Record<TableName, TableStream>;
  }

  dns(r: DnsRow): number {
    const t = this.tables.DnsEvents;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.head(r.time);
    const server = this.computers.index(r.computer);
    const eventId = this.eventIds.index(r.eventId);
    o.block(this.dnsServer.get(server, eventId)
      ?? this.dnsServer.set(server, eventId, b(`","Computer":${q(r.computer)},"EventId":${r.eventId},"SubType":"LookupQuery","ClientIP":"`)));
    o.raw(r.clientIp);
    o.block(F.netDnsName);
    this.names.write(o, r.name);
    // The result code follows the result (Success 0, Failure with its code): the code is the column.
    const outcome = this.queryTypes.index(r.queryType) * 64 + this.results.index(r.result);
    o.block(this.dnsOutcome.get(outcome, r.resultCode)
      ?? this.dnsOutcome.set(outcome, r.resultCode, b(`,"QueryType":"${r.queryType}","Result":"${r.result}","ResultCode":${r.resultCode},"IPAddresses":"`)));
    this.answers.write(o, r.ipAddresses);
    o.endStringAndObject();
    return t.endRow();
  }

  network(r: NetworkRow): number {
    const t = this.tables.DeviceNetworkEvents;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.head(r.time);
    o.timestampAgain();
    const ini = r.initiating;
    const action = this.actions.index(r.actionType);
    o.block(this.initiating.get(ini.id, action)
      ?? this.initiating.set(ini.id, action, b(`",${initiatingText(ini)},"ActionType":"${r.actionType}","RemoteIP":"`)));
    o.raw(r.remoteIp);
    o.block(this.remotePort.get(0, r.remotePort) ?? this.remotePort.set(0, r.remotePort, b(`","RemotePort":${r.remotePort},"RemoteUrl":`)));
    this.names.write(o, r.remoteUrl);
    const ipType = this.ipTypes.index(r.remoteIpType);
    o.block(this.remoteIpType.get(0, ipType) ?? this.remoteIpType.set(0, ipType, b(`,"RemoteIPType":"${r.remoteIpType}","LocalIP":"`)));
    o.raw(r.localIp);
    o.block(F.netLocalPort); o.num(r.localPort);
    const protocol = this.protocols.index(r.protocol);
    o.block(this.networkProtocol.get(0, protocol)
      ?? this.networkProtocol.set(0, protocol, b(`,"LocalIPType":"Private","Protocol":"${r.protocol}","ReportId":`)));
    o.num(r.reportId);
    if (r.additionalFields !== '') { o.block(F.netAdditional); o.json(r.additionalFields); }
    o.endObject();
    return t.endRow();
  }

  vmConnection(r: VmConnectionRow): number {
    const t = this.tables.VMConnection;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.head(r.time);
    const v = r.vmProcess;
    o.block(this.vmProcess.get(0, v.id) ?? this.vmProcess.set(0, v.id,
      b(`","Computer":${q(v.host.computer)},"AgentId":"${v.host.agentId}","Process":"${v.processId}","ProcessName":${q(v.processName)},"SourceIp":"`)));
    o.raw(r.sourceIp);
    o.block(F.vmDestinationIp); o.raw(r.destinationIp);
    const kind = this.protocols.index(r.protocol) * 64 + this.directions.index(r.direction);
    o.block(this.vmPort.get(kind, r.destinationPort) ?? this.vmPort.set(kind, r.destinationPort,
      b(`","DestinationPort":${r.destinationPort},"Protocol":"${r.protocol}","Direction":"${r.direction}","RemoteIp":"`)));
    o.raw(r.remoteIp);
    let country = this.vmCountry.get(r.remoteCountry);
    if (country === undefined) {
      country = b(r.remoteCountry === '' ? '","BytesSent":' : `","RemoteCountry":${q(r.remoteCountry)},"BytesSent":`);
      this.vmCountry.set(r.remoteCountry, country);
    }
    o.block(country);
    o.num(r.bytesSent);
    o.block(F.vmBytesReceived); o.num(r.bytesReceived);
    o.block(F.vmResponseTime); o.num(r.responseTimeMax);
    if (r.indicatorThreatType !== '') {
      o.block(F.vmMaliciousIp); o.raw(r.remoteIp);
      o.block(F.vmIndicator); o.json(r.indicatorThreatType);
      o.block(F.vmDescription); o.json(r.description);
      o.block(F.vmThreatTail);
    } else {
      o.endObject();
    }
    return t.endRow();
  }

  /** Firewall users are people and service accounts: too many for a scan, a map it is. */
  private user(name: string): number {
    let index = this.users.get(name);
    if (index === undefined) this.users.set(name, (index = this.users.size));
    return index;
  }

  paloAlto(r: PaloAltoRow): number {
    const t = this.tables.CommonSecurityLog;
    if (!t.written) return t.rows++;
    const o = t.out;
    const url = r.kind === 'url';
    o.head(r.time);
    const protocol = this.protocols.index(r.protocol);
    if (url) {
      o.block(this.panUrlProtocol.get(0, protocol) ?? this.panUrlProtocol.set(0, protocol, b(`${PAN_URL_HEAD}","Protocol":"${r.protocol}","SourceIP":"`)));
    } else {
      const app = this.apps.index(r.applicationProtocol);
      o.block(this.panApplication.get(app, protocol)
        ?? this.panApplication.set(app, protocol, b(`${PAN_TRAFFIC_HEAD}${r.applicationProtocol}","Protocol":"${r.protocol}","SourceIP":"`)));
    }
    o.raw(r.sourceIp);
    o.block(F.fwSourcePort); o.num(r.sourcePort);
    o.block(F.fwDestinationIp); o.raw(r.destinationIp);
    const nat = this.natIps.index(r.natIp);
    o.block(this.panDestination.get(nat, r.destinationPort) ?? this.panDestination.set(nat, r.destinationPort,
      b(`","DestinationPort":${r.destinationPort},"SourceTranslatedAddress":"${r.natIp}","SourceTranslatedPort":`)));
    o.num(r.natPort);
    const user = this.user(r.sourceUserName);
    const device = this.deviceNames.index(r.deviceName);
    if (url) {
      o.block(this.panUrlUser.get(0, user) ?? this.panUrlUser.set(0, user, b(`${userColumn(r.sourceUserName)},"RequestURL":`)));
      o.json(r.requestUrl);
      o.block(F.panRequestMethod); o.raw(r.requestMethod);
      o.block(F.panUserAgent); o.json(r.userAgent);
      o.block(this.panUrlDevice.get(0, device) ?? this.panUrlDevice.set(0, device,
        b(`,"DeviceName":"${r.deviceName}${PAN_RULE},"DeviceCustomString2":"unknown","DeviceCustomString2Label":"URL Category","DeviceCustomNumber1":`)));
      o.num(r.sessionId);
      o.block(F.panUrlTail);
    } else {
      o.block(F.panSentBytes); o.num(r.sentBytes);
      o.block(F.panReceived); o.num(r.receivedBytes);
      o.block(this.panUserDevice.get(device, user) ?? this.panUserDevice.set(device, user,
        b(`${userColumn(r.sourceUserName)},"DeviceName":"${r.deviceName}${PAN_RULE},"DeviceCustomNumber1":`)));
      o.num(r.sessionId);
      o.block(F.panElapsed); o.num(r.elapsedSeconds);
      o.block(F.panTrafficTail);
    }
    return t.endRow();
  }

  ciscoAsa(r: CiscoAsaRow): number {
    const t = this.tables.CommonSecurityLog;
    if (!t.written) return t.rows++;
    const o = t.out;
    o.head(r.time);
    const eventClass = this.eventClasses.index(r.eventId);
    const protocol = this.protocols.index(r.protocol);
    o.block(this.asaEvent.get(eventClass, protocol) ?? this.asaEvent.set(eventClass, protocol,
      b(`","DeviceVendor":"Cisco","DeviceProduct":"ASA","DeviceVersion":"9.18","DeviceEventClassID":"${r.eventId}","Activity":"Teardown ${r.protocol} connection","LogSeverity":"6","CommunicationDirection":"Outbound","Protocol":"${r.protocol}","SourceIP":"`)));
    o.raw(r.sourceIp);
    o.block(F.fwSourcePort); o.num(r.sourcePort);
    o.block(F.fwDestinationIp); o.raw(r.destinationIp);
    o.block(F.asaDestinationPort); o.num(r.destinationPort);
    const nat = this.natIps.index(r.natIp);
    const device = this.deviceNames.index(r.deviceName);
    o.block(this.asaNatDevice.get(nat, device) ?? this.asaNatDevice.set(nat, device, b(`,"SourceTranslatedAddress":"${r.natIp}","DeviceName":"${r.deviceName}","Message":`)));
    o.json(r.message);
    o.endObject();
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
    o.endObject();
    return t.endRow();
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

  /** Hands every table's buffered rows to its writer. */
  flush(): void {
    for (const t of TABLES) this.tables[t].flush();
  }

  close(): void {
    this.flush();
    for (const t of TABLES) this.tables[t].writer.close();
  }
}

/** SourceUserName, left out for machine accounts. */
function userColumn(user: string): string {
  return user === '' ? '' : `,"SourceUserName":${q(user)}`;
}

/** Defender's device and InitiatingProcess* columns of one host/process/command/account, without braces. */
function initiatingText(i: Initiating): string {
  const { host, process, account } = i;
  return `"DeviceId":"${host.deviceId}","DeviceName":${q(host.deviceName)},`
    + `"InitiatingProcessFileName":${q(process.name)},"InitiatingProcessFolderPath":${q(process.folder)},`
    + `"InitiatingProcessCommandLine":${q(i.commandLine)},"InitiatingProcessId":${i.processId},"InitiatingProcessSHA1":"${process.sha1}",`
    + `"InitiatingProcessFileSize":${process.fileSize},"InitiatingProcessIntegrityLevel":"${process.integrity}","InitiatingProcessParentFileName":${q(process.parent)},`
    + `"InitiatingProcessAccountDomain":${q(account.domain)},"InitiatingProcessAccountName":${q(account.name)},`
    + `"InitiatingProcessAccountSid":"${account.sid}","InitiatingProcessAccountUpn":${q(account.upn)}`;
}

/**
 * A file written synchronously: the generator is CPU-bound and single-threaded, so blocking
 * writes of 1 MB chunks keep memory flat without back-pressure bookkeeping.
 */
export function fileWriter(file: string): ChunkWriter {
  const fd = fs.openSync(file, 'w');
  let written: Uint8Array | undefined;
  return {
    write(chunk) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      written = chunk;
    },
    spare() {
      const chunk = written;
      written = undefined;
      return chunk;
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
