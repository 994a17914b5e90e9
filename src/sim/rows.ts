// The rows the sensors emit, as plain fields, and the sink that receives them. Telemetry fills
// one reusable row object per kind and hands it over, so the hot path allocates nothing per
// row; a sink (NDJSON bytes, columnar store buffers) must copy what it keeps before returning.

import type { ProcessDef } from './catalog.js';
import type { Account, Host } from './enterprise.js';

export const TABLES = [
  'DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceProcessEvents', 'VMConnection', 'CommonSecurityLog', 'DnsEvents',
] as const;

export type TableName = (typeof TABLES)[number];

/** Defender's device and InitiatingProcess* columns: one object per host/process/command/account. */
export interface Initiating {
  /** 0, 1, 2... in order of creation: sinks keep per-entity caches in arrays indexed by it. */
  id: number;
  host: Host;
  process: ProcessDef;
  commandLine: string;
  account: Account;
  processId: number;
}

/** VM insights' machine and process columns: one object per host/process. */
export interface VmProcess {
  /** 0, 1, 2... in order of creation: sinks keep per-entity caches in arrays indexed by it. */
  id: number;
  host: Host;
  /** `p-<hash>`. */
  processId: string;
  processName: string;
}

export class DnsRow {
  time = 0;
  computer = '';
  eventId = 0;
  clientIp = '';
  name = '';
  queryType = '';
  result = '';
  resultCode = 0;
  /** Comma-separated answers. */
  ipAddresses = '';
}

export class NetworkRow {
  time = 0;
  initiating!: Initiating;
  actionType = '';
  remoteIp = '';
  remotePort = 0;
  remoteUrl = '';
  remoteIpType = '';
  localIp = '';
  localPort = 0;
  protocol = '';
  reportId = 0;
  /** JSON text of AdditionalFields, or '' for none. */
  additionalFields = '';
}

export class VmConnectionRow {
  time = 0;
  vmProcess!: VmProcess;
  sourceIp = '';
  destinationIp = '';
  destinationPort = 0;
  protocol = '';
  direction = '';
  remoteIp = '';
  /** '' for private or unknown addresses. */
  remoteCountry = '';
  bytesSent = 0;
  bytesReceived = 0;
  responseTimeMax = 0;
  /** '' unless the remote address is a known indicator. */
  indicatorThreatType = '';
  description = '';
}

/** Palo Alto TRAFFIC/end and THREAT/url records share their columns. */
export class PaloAltoRow {
  time = 0;
  kind: 'traffic' | 'url' = 'traffic';
  applicationProtocol = '';
  protocol = '';
  sourceIp = '';
  sourcePort = 0;
  destinationIp = '';
  destinationPort = 0;
  natIp = '';
  natPort = 0;
  sentBytes = 0;
  receivedBytes = 0;
  /** '' for machine accounts. */
  sourceUserName = '';
  deviceName = '';
  sessionId = 0;
  elapsedSeconds = 0;
  /** url records only. */
  requestUrl = '';
  requestMethod = '';
  userAgent = '';
}

export class CiscoAsaRow {
  time = 0;
  eventId = '';
  /** TCP, UDP or GRE. */
  protocol = '';
  sourceIp = '';
  sourcePort = 0;
  destinationIp = '';
  destinationPort = 0;
  natIp = '';
  deviceName = '';
  message = '';
}

/**
 * Rare rows (file and process events) as ordered column -> value pairs: their volume is too
 * small for a dedicated layout to matter. Values are strings or finite numbers, written
 * as given (an empty string stays an empty string); leave out a pair to leave its column empty.
 */
export type FieldList = readonly (readonly [string, string | number])[];

export interface TelemetrySink {
  /** Each returns the row's 0-based index in its table. */
  dns(row: DnsRow): number;
  network(row: NetworkRow): number;
  vmConnection(row: VmConnectionRow): number;
  paloAlto(row: PaloAltoRow): number;
  ciscoAsa(row: CiscoAsaRow): number;
  /** `time` is the row's TimeGenerated in ms; `fields` hold every column, TimeGenerated included. */
  fields(table: TableName, time: number, fields: FieldList): number;
  rowCount(table: TableName): number;
  totalRows(): number;
  /** No row stamped before `ms` will arrive any more (a sink may finish its buffers for that time). */
  finishBefore?(ms: number): void;
  /**
   * The day being generated ends at `ms`: rows stamped later are the few flows that outlast
   * it (a sink may size their buffers small).
   */
  dayEnds?(ms: number): void;
  /**
   * Hands on everything buffered (a day is complete): its output must not share a chunk or a
   * segment with the next day's, which may be generated elsewhere.
   */
  flush?(): void;
}

/** The initiating-process columns in Defender's order, for rows built as field lists. */
export function initiatingFields(i: Initiating): [string, string | number][] {
  return [
    ['DeviceId', i.host.deviceId], ['DeviceName', i.host.deviceName],
    ['InitiatingProcessFileName', i.process.name], ['InitiatingProcessFolderPath', i.process.folder],
    ['InitiatingProcessCommandLine', i.commandLine], ['InitiatingProcessId', i.processId], ['InitiatingProcessSHA1', i.process.sha1],
    ['InitiatingProcessFileSize', i.process.fileSize], ['InitiatingProcessIntegrityLevel', i.process.integrity],
    ['InitiatingProcessParentFileName', i.process.parent],
    ['InitiatingProcessAccountDomain', i.account.domain], ['InitiatingProcessAccountName', i.account.name],
    ['InitiatingProcessAccountSid', i.account.sid], ['InitiatingProcessAccountUpn', i.account.upn],
  ];
}
