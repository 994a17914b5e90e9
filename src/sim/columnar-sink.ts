// Generated rows straight into engine columns, one buffer per (table, UTC day), cut into
// segments for the store: no NDJSON text, no per-row objects, strings dictionary-coded as
// they arrive. Column types come from the table schemas, so the store holds what ingesting
// the NDJSON files would have produced (plus Type, which the file loader adds as well).

import { BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column } from '../kql/data/column.js';
import type { DynamicValue, ScalarType, TableSchema } from '../kql/types.js';
import {
  TABLES, type CiscoAsaRow, type DnsRow, type FieldList, type Initiating, type NetworkRow, type PaloAltoRow, type TableName,
  type TelemetrySink, type VmConnectionRow,
} from './rows.js';
import { ArrayPool } from './array-pool.js';
import { StringTable, slotOf } from './string-table.js';
import { MS_PER_DAY } from './time.js';

export interface SegmentData {
  table: TableName;
  /** `YYYY-MM-DD`, the UTC day of TimeGenerated. */
  day: string;
  rows: number;
  minMs: number;
  maxMs: number;
  columns: { name: string; column: Column }[];
}

export interface ColumnarSinkOptions {
  /** Every table's full schema (column types); columns the simulator writes must be in it. */
  schemas: Record<TableName, TableSchema>;
  /**
   * Receives each finished segment; the sink keeps no reference to it, unless `reuseArrays`
   * is set: then the segment's arrays are filled again after onSegment returns, so it must
   * have consumed them (encoded or copied) by then.
   */
  onSegment: (segment: SegmentData) => void;
  reuseArrays?: boolean;
  /** Rows per segment (default 262,144, the store writer's default). */
  segmentRows?: number;
  /**
   * The tables this sink buffers (default: all); rows of the others are only counted, so row
   * indexes stay right when only some tables are encoded (bench/sim.mjs times each table's encoding so).
   */
  tables?: readonly TableName[];
}

/** Rows a table's first buffer makes room for; later buffers start at the size the previous one reached. */
const INITIAL_CAPACITY = 16_384;
const LATE_CAPACITY = 1024;
/** Slots of a string column's cache of recent values (a power of two). */
const RECENT_CODES = 512;

/** Where a buffer's builders get their arrays, and the most rows a buffer holds. */
interface Arrays {
  pool: ArrayPool;
  maxRows: number;
}

/** One column being filled; rows it is not given are null (empty for strings). */
abstract class Builder {
  length = 0;
  /** Gives the builder's arrays back to the pool (the finished column is no longer used). */
  abstract release(pool: ArrayPool): void;
  /** Appends nulls up to `row`, so every builder of a buffer can be finished at its row count. */
  protected pad(row: number): void {
    while (this.length < row) this.pushNull();
  }
  abstract pushNull(): void;
  abstract finish(rows: number): Column;
}

/**
 * Every distinct string of the run's bounded vocabularies (addresses, names, accounts) as a
 * run-wide number. A day's dictionaries then map numbers through an array instead of hashing
 * the string again in every column of every day; the one hash per value stays warm all run.
 */
export class Symbols {
  // Larger than the default: it answers what the columns' own caches miss, addresses mostly.
  private readonly index = new StringTable<number>(16_384);
  readonly values: string[] = [''];
  constructor() {
    this.index.set('', 0);
  }

  of(value: string): number {
    let symbol = this.index.get(value);
    if (symbol === undefined) {
      symbol = this.values.length;
      this.values.push(value);
      this.index.set(value, symbol);
    }
    return symbol;
  }
}

class StringBuilder extends Builder {
  private codes: Int32Array;
  private readonly dict: string[] = [''];
  /** Without symbols (columns of unique values such as Message): the dictionary's own index. */
  private readonly index: Map<string, number> | null;
  /** With symbols: symbol -> dictionary code + 1 (0: not in this dictionary yet). */
  private codeOfSymbol: Int32Array;
  // Consecutive rows often repeat a value (same host, same server): skip the lookup.
  private lastValue = '';
  private lastCode = 0;
  /**
   * The column's own recent values by slot, checked with ===: most values recur within a
   * buffer, and a hit skips the run-wide symbol table and the symbol -> code array, which
   * is large and sparse (symbols of every column) and so mostly misses the CPU caches.
   */
  private readonly recentValues: (string | null)[] | null;
  private readonly recentCodes: Int32Array | null;
  /**
   * `symbols` null: the column's own index, or with `unique` no index at all (every value is
   * new, such as syslog text carrying a session number: a lookup would only miss).
   */
  constructor(private readonly type: 'string' | 'guid', private readonly symbols: Symbols | null, private readonly arrays: Arrays,
    capacity: number, private readonly unique = false) {
    super();
    this.codes = arrays.pool.take(Int32Array, capacity);
    this.codeOfSymbol = arrays.pool.take(Int32Array, 64);
    this.recentValues = unique ? null : new Array<string | null>(RECENT_CODES).fill(null);
    this.recentCodes = unique ? null : new Int32Array(RECENT_CODES);
    this.index = symbols === null && !unique ? new Map([['', 0]]) : null;
    this.codeOfSymbol[0] = 1;
  }

  add(row: number, value: string): void {
    let code: number;
    if (value === this.lastValue) code = this.lastCode;
    else {
      const recent = this.recentValues;
      if (recent === null) code = this.code(value);
      else {
        const slot = slotOf(value) & (RECENT_CODES - 1);
        if (recent[slot] === value) code = this.recentCodes![slot]!;
        else {
          code = this.code(value);
          recent[slot] = value;
          this.recentCodes![slot] = code;
        }
      }
      this.lastValue = value;
      this.lastCode = code;
    }
    this.addCode(row, code);
  }

  /** The value's dictionary code (added if new), for callers that cache codes per entity. */
  code(value: string): number {
    if (this.unique) {
      if (value === '') return 0;
      this.dict.push(value);
      return this.dict.length - 1;
    }
    if (this.symbols === null) {
      let found = this.index!.get(value);
      if (found === undefined) {
        found = this.dict.length;
        this.dict.push(value);
        this.index!.set(value, found);
      }
      return found;
    }
    const symbol = this.symbols.of(value);
    if (symbol >= this.codeOfSymbol.length) {
      let size = this.codeOfSymbol.length * 2;
      while (size <= symbol) size *= 2;
      const bigger = this.arrays.pool.take(Int32Array, size);
      bigger.set(this.codeOfSymbol);
      this.arrays.pool.give(this.codeOfSymbol);
      this.codeOfSymbol = bigger;
    }
    const known = this.codeOfSymbol[symbol]!;
    if (known !== 0) return known - 1;
    const code = this.dict.length;
    this.dict.push(value);
    this.codeOfSymbol[symbol] = code + 1;
    return code;
  }

  addCode(row: number, code: number): void {
    if (this.length < row) this.pad(row);
    if (this.length === this.codes.length) this.codes = grow(this.codes, this.arrays);
    this.codes[this.length++] = code;
  }

  pushNull(): void {
    if (this.length === this.codes.length) this.codes = grow(this.codes, this.arrays);
    this.codes[this.length++] = 0;
  }

  /** Fills an empty column from its entities' codes: row r gets `codes[entityOfRow[r] * stride + k]`. */
  fillFromEntities(rows: number, entityOfRow: Int32Array, codes: Int32Array, stride: number, k: number): void {
    if (this.length !== 0) throw new Error('internal: an entity column was also written row by row');
    while (this.codes.length < rows) this.codes = grow(this.codes, this.arrays);
    const out = this.codes;
    for (let r = 0; r < rows; r++) out[r] = codes[entityOfRow[r]! * stride + k]!;
    this.length = rows;
  }

  /** Empty strings are code 0, and the array is zero past `length` (fresh or grown): no writes needed. */
  protected override pad(row: number): void {
    while (this.codes.length < row) this.codes = grow(this.codes, this.arrays);
    this.length = row;
  }

  // Views, not copies: a finished buffer is dropped, and the segment's arrays are moved to the writing thread whole.
  finish(rows: number): Column {
    this.pad(rows);
    return new StringColumn(this.type, this.codes.subarray(0, rows), this.dict);
  }

  release(pool: ArrayPool): void {
    pool.give(this.codes);
    pool.give(this.codeOfSymbol);
  }
}

/** Numbers in a typed array with a null map allocated on the first null: numbers and times share it. */
abstract class NullableValuesBuilder extends Builder {
  protected nulls: Uint8Array | null = null;
  constructor(protected values: Float64Array | Int32Array, private readonly arrays: Arrays) {
    super();
  }

  protected put(row: number, value: number): void {
    if (this.length < row) this.pad(row);
    if (this.length === this.values.length) this.resize();
    this.values[this.length++] = value;
  }

  pushNull(): void {
    if (this.length === this.values.length) this.resize();
    this.nulls ??= this.arrays.pool.take(Uint8Array, this.values.length);
    this.nulls[this.length++] = 1;
  }

  private resize(): void {
    this.values = grow(this.values, this.arrays);
    if (this.nulls !== null) this.nulls = grow(this.nulls, this.arrays);
  }

  protected override pad(row: number): void {
    if (row <= this.length) return;
    while (this.values.length < row) this.resize();
    this.nulls ??= this.arrays.pool.take(Uint8Array, this.values.length);
    this.nulls.fill(1, this.length, row);
    this.length = row;
  }

  /** Fills an empty column from its entities' values: row r gets `values[entityOfRow[r] * stride + k]`. */
  fillFromEntities(rows: number, entityOfRow: Int32Array, values: Float64Array, stride: number, k: number): void {
    if (this.length !== 0) throw new Error('internal: an entity column was also written row by row');
    while (this.values.length < rows) this.resize();
    const out = this.values;
    for (let r = 0; r < rows; r++) out[r] = values[entityOfRow[r]! * stride + k]!;
    this.length = rows;
  }

  protected finished(rows: number): { values: Float64Array | Int32Array; nulls: Uint8Array | null } {
    this.pad(rows);
    return { values: this.values.subarray(0, rows), nulls: this.nulls === null ? null : this.nulls.subarray(0, rows) };
  }

  release(pool: ArrayPool): void {
    pool.give(this.values);
    if (this.nulls !== null) pool.give(this.nulls);
  }
}

class NumberBuilder extends NullableValuesBuilder {
  constructor(private readonly type: 'int' | 'long' | 'real' | 'decimal', arrays: Arrays, capacity: number) {
    super(type === 'int' ? arrays.pool.take(Int32Array, capacity) : arrays.pool.take(Float64Array, capacity), arrays);
  }

  add(row: number, value: number): void {
    this.put(row, value);
  }

  finish(rows: number): Column {
    const { values, nulls } = this.finished(rows);
    return new NumberColumn(this.type, values, nulls);
  }
}

class TimeBuilder extends NullableValuesBuilder {
  constructor(arrays: Arrays, capacity: number) {
    super(arrays.pool.take(Float64Array, capacity), arrays);
  }

  add(row: number, ms: number): void {
    this.put(row, Math.floor(ms));
  }

  finish(rows: number): Column {
    const { values, nulls } = this.finished(rows);
    return new TicksColumn('datetime', values as Float64Array, null, nulls);
  }
}

/** Rare columns (AdditionalFields, booleans): plain JS values, null for null. */
abstract class PlainValuesBuilder<T> extends Builder {
  protected readonly values: (T | null)[] = [];
  add(row: number, value: T): void {
    if (this.length < row) this.pad(row);
    this.values.push(value);
    this.length++;
  }
  pushNull(): void {
    this.values.push(null);
    this.length++;
  }
  release(): void {}
}

class DynamicBuilder extends PlainValuesBuilder<DynamicValue> {
  finish(rows: number): Column {
    this.pad(rows);
    return new DynamicColumn(this.values.slice(0, rows));
  }
}

class BoolBuilder extends PlainValuesBuilder<boolean> {
  finish(rows: number): Column {
    this.pad(rows);
    const nulls = this.values.some((v) => v === null) ? Uint8Array.from(this.values, (v) => (v === null ? 1 : 0)) : null;
    return new BoolColumn(Uint8Array.from(this.values, (v) => (v === true ? 1 : 0)), nulls);
  }
}

/** An array twice as long (not indexed by row), its contents kept. */
function growAny<T extends Int32Array | Float64Array>(a: T, arrays: Arrays): T {
  const bigger = arrays.pool.take(a.constructor as unknown as { new(n: number): T; new(buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number }, a.length * 2);
  bigger.set(a);
  arrays.pool.give(a);
  return bigger;
}

/** A row array twice as long, but never longer than a buffer's rows need (they are cut at maxRows). */
function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, arrays: Arrays): T {
  const length = a.length < arrays.maxRows ? Math.min(a.length * 2, arrays.maxRows) : a.length * 2;
  const bigger = arrays.pool.take(a.constructor as unknown as { new(n: number): T; new(buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number }, length);
  bigger.set(a);
  arrays.pool.give(a);
  return bigger;
}

type AnyBuilder = StringBuilder | NumberBuilder | TimeBuilder | DynamicBuilder | BoolBuilder;

function newBuilder(type: ScalarType, symbols: Symbols | null, arrays: Arrays, capacity: number, unique: boolean): AnyBuilder {
  switch (type) {
    case 'string': case 'guid': return new StringBuilder(type, symbols, arrays, capacity, unique);
    case 'int': case 'long': case 'real': case 'decimal': return new NumberBuilder(type, arrays, capacity);
    case 'datetime': return new TimeBuilder(arrays, capacity);
    case 'dynamic': return new DynamicBuilder();
    case 'bool': return new BoolBuilder();
    case 'timespan': break;
  }
  throw new Error(`internal: the simulator writes no ${type} columns`);
}

/** The columns of one row kind, in the order its rows fill them. */
type Layout = readonly string[];

const INITIATING: Layout = [
  'DeviceId', 'DeviceName', 'InitiatingProcessFileName', 'InitiatingProcessFolderPath', 'InitiatingProcessCommandLine',
  'InitiatingProcessId', 'InitiatingProcessSHA1', 'InitiatingProcessFileSize', 'InitiatingProcessIntegrityLevel',
  'InitiatingProcessParentFileName', 'InitiatingProcessAccountDomain', 'InitiatingProcessAccountName',
  'InitiatingProcessAccountSid', 'InitiatingProcessAccountUpn',
];
const DNS: Layout = ['TimeGenerated', 'Computer', 'EventId', 'SubType', 'ClientIP', 'Name', 'QueryType', 'Result', 'ResultCode', 'IPAddresses'];
const NETWORK: Layout = [
  'TimeGenerated', 'Timestamp', ...INITIATING, 'ActionType', 'RemoteIP', 'RemotePort', 'RemoteUrl', 'RemoteIPType',
  'LocalIP', 'LocalPort', 'LocalIPType', 'Protocol', 'ReportId', 'AdditionalFields',
];
const VM: Layout = [
  'TimeGenerated', 'Computer', 'AgentId', 'Process', 'ProcessName', 'SourceIp', 'DestinationIp', 'DestinationPort', 'Protocol',
  'Direction', 'RemoteIp', 'RemoteCountry', 'BytesSent', 'BytesReceived', 'LinksEstablished', 'LinksTerminated', 'ResponseTimeMax',
  'MaliciousIp', 'IndicatorThreatType', 'Description', 'Confidence', 'Severity', 'TLPLevel',
];
const PALO_ALTO: Layout = [
  'TimeGenerated', 'DeviceVendor', 'DeviceProduct', 'DeviceEventClassID', 'Activity', 'DeviceAction', 'SimplifiedDeviceAction',
  'ApplicationProtocol', 'Protocol', 'SourceIP', 'SourcePort', 'DestinationIP', 'DestinationPort', 'SourceTranslatedAddress',
  'SourceTranslatedPort', 'SentBytes', 'ReceivedBytes', 'SourceUserName', 'RequestURL', 'RequestMethod', 'RequestClientApplication',
  'DeviceName', 'DeviceCustomString1', 'DeviceCustomString1Label', 'DeviceCustomString2', 'DeviceCustomString2Label',
  'DeviceCustomNumber1', 'DeviceCustomNumber1Label', 'DeviceCustomNumber3', 'DeviceCustomNumber3Label',
];
const CISCO_ASA: Layout = [
  'TimeGenerated', 'DeviceVendor', 'DeviceProduct', 'DeviceVersion', 'DeviceEventClassID', 'Activity', 'LogSeverity',
  'CommunicationDirection', 'Protocol', 'SourceIP', 'SourcePort', 'DestinationIP', 'DestinationPort', 'SourceTranslatedAddress',
  'DeviceName', 'Message',
];

/** Columns whose every value is new (Cisco syslog text carries the session number): no lookup at all. */
const UNIQUE_VALUE_COLUMNS: ReadonlySet<string> = new Set(['Message']);

/**
 * Tables written only as field lists (file and process events): few rows, but hashes and
 * file names that rarely repeat, so their dictionaries keep their own index.
 */
const FIELD_LIST_TABLES: ReadonlySet<TableName> = new Set(['DeviceFileEvents', 'DeviceProcessEvents']);

const enum Kind { Dns, Network, Vm, PaloAlto, CiscoAsa }
const KIND_LAYOUTS: readonly Layout[] = [DNS, NETWORK, VM, PALO_ALTO, CISCO_ASA];

/**
 * Columns whose values all follow from one entity of the row (a host's process with its
 * account, a VM process). A row records only its entity; at the cut each column is filled in
 * one sequential pass, instead of every row storing into a dozen arrays at once.
 */
class EntityColumns {
  private entityOfRow: Int32Array;
  /** Entity id (run-wide) -> local index + 1 (0: not used in this buffer yet). */
  private localOfId: Int32Array;
  private codes: Int32Array;
  private values: Float64Array;
  private entities = 0;
  constructor(private readonly arrays: Arrays, private readonly strings: readonly StringBuilder[], private readonly numbers: readonly NumberBuilder[],
    capacity: number) {
    this.entityOfRow = arrays.pool.take(Int32Array, capacity);
    this.localOfId = arrays.pool.take(Int32Array, 1024);
    this.codes = arrays.pool.take(Int32Array, 64 * Math.max(1, strings.length));
    this.values = arrays.pool.take(Float64Array, 64 * Math.max(1, numbers.length));
  }

  /** The entity's index in this buffer, or -1 if it has not been defined yet. */
  local(id: number): number {
    return id < this.localOfId.length ? this.localOfId[id]! - 1 : -1;
  }

  /** Defines an entity by its string columns' values (in `strings`' order) and its numbers. */
  define(id: number, strings: readonly string[], numbers: readonly number[]): number {
    const local = this.entities++;
    while (id >= this.localOfId.length) this.localOfId = growAny(this.localOfId, this.arrays);
    this.localOfId[id] = local + 1;
    const sn = this.strings.length;
    const nn = this.numbers.length;
    while ((local + 1) * sn > this.codes.length) this.codes = growAny(this.codes, this.arrays);
    while ((local + 1) * nn > this.values.length) this.values = growAny(this.values, this.arrays);
    for (let k = 0; k < sn; k++) this.codes[local * sn + k] = this.strings[k]!.code(strings[k]!);
    for (let k = 0; k < nn; k++) this.values[local * nn + k] = numbers[k]!;
    return local;
  }

  set(row: number, local: number): void {
    while (row >= this.entityOfRow.length) this.entityOfRow = grow(this.entityOfRow, this.arrays);
    this.entityOfRow[row] = local;
  }

  /** Fills the columns for rows [0, rows). */
  fill(rows: number): void {
    for (let k = 0; k < this.strings.length; k++) this.strings[k]!.fillFromEntities(rows, this.entityOfRow, this.codes, this.strings.length, k);
    for (let k = 0; k < this.numbers.length; k++) this.numbers[k]!.fillFromEntities(rows, this.entityOfRow, this.values, this.numbers.length, k);
  }

  release(pool: ArrayPool): void {
    pool.give(this.entityOfRow);
    pool.give(this.localOfId);
    pool.give(this.codes);
    pool.give(this.values);
  }
}

class DayBuffer {
  rows = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = Number.NEGATIVE_INFINITY;
  /** In first-use order, which is the order segments list their columns. */
  readonly columns = new Map<string, AnyBuilder>();
  private readonly kinds: (AnyBuilder[] | undefined)[] = [];
  /**
   * Dictionary codes of an entity's string columns (a host's process, a VM process) by the
   * entity's id, so a row costs one array read instead of one lookup per column.
   */
  initiating: EntityColumns | null = null;
  vmProcess: EntityColumns | null = null;
  constructor(readonly dayStart: number, private readonly types: ReadonlyMap<string, ScalarType>, private readonly table: TableName,
    private readonly symbols: Symbols | null, private readonly arrays: Arrays, private readonly capacity: number, readonly late: boolean) {}

  column(name: string): AnyBuilder {
    let b = this.columns.get(name);
    if (b === undefined) {
      const type = this.types.get(name);
      if (type === undefined) throw new Error(`internal: the ${this.table} schema has no column '${name}'`);
      const unique = UNIQUE_VALUE_COLUMNS.has(name);
      this.columns.set(name, (b = newBuilder(type, unique ? null : this.symbols, this.arrays, this.capacity, unique)));
    }
    return b;
  }

  /** The builders of a row kind's columns, in its layout's order (looked up once per buffer). */
  kind(kind: Kind): AnyBuilder[] {
    return (this.kinds[kind] ??= KIND_LAYOUTS[kind]!.map((name) => this.column(name)));
  }

  entityColumns(strings: readonly AnyBuilder[], numbers: readonly AnyBuilder[]): EntityColumns {
    return new EntityColumns(this.arrays, strings as StringBuilder[], numbers as NumberBuilder[], this.capacity);
  }

  /** Fills the entity columns; then every builder holds the buffer's rows. */
  materialize(): void {
    this.initiating?.fill(this.rows);
    this.vmProcess?.fill(this.rows);
  }

  release(): void {
    for (const b of this.columns.values()) b.release(this.arrays.pool);
    this.initiating?.release(this.arrays.pool);
    this.vmProcess?.release(this.arrays.pool);
  }

  /** Starts a row at `ms`; returns its index in the buffer. */
  begin(ms: number): number {
    if (ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    return this.rows++;
  }
}

/** Writes numbers through the column's type: int columns keep int32, others doubles. */
const num = (b: AnyBuilder, row: number, v: number): void => (b as NumberBuilder).add(row, v);
const str = (b: AnyBuilder, row: number, v: string): void => (b as StringBuilder).add(row, v);
const time = (b: AnyBuilder, row: number, ms: number): void => (b as TimeBuilder).add(row, ms);

export class ColumnarSink implements TelemetrySink {
  private readonly buffers: Record<TableName, Map<number, DayBuffer>>;
  private readonly types: Record<TableName, ReadonlyMap<string, ScalarType>>;
  private readonly counts: Record<TableName, number>;
  private readonly segmentRows: number;
  private readonly written: Record<TableName, boolean>;
  private readonly symbols = new Symbols();
  private readonly arrays: Arrays;
  private readonly lastBufferRows: Record<TableName, number>;
  /** What finishBefore was last given: buffers of days before it are late rows. */
  private cutBefore = Number.NEGATIVE_INFINITY;
  /** Where the day being generated ends: buffers of days from it hold only flows that outlast the day. */
  private horizon = Number.POSITIVE_INFINITY;

  constructor(private readonly options: ColumnarSinkOptions) {
    this.segmentRows = options.segmentRows ?? 262_144;
    this.arrays = { pool: new ArrayPool(), maxRows: this.segmentRows };
    const written = options.tables ?? TABLES;
    this.written = Object.fromEntries(TABLES.map((t) => [t, written.includes(t)])) as Record<TableName, boolean>;
    this.buffers = Object.fromEntries(TABLES.map((t) => [t, new Map()])) as Record<TableName, Map<number, DayBuffer>>;
    this.counts = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
    this.lastBufferRows = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
    this.types = Object.fromEntries(TABLES.map((t) => {
      const schema = options.schemas[t];
      if (schema === undefined) throw new Error(`no schema for table ${t}`);
      return [t, new Map<string, ScalarType>(schema.map((c) => [c.name, c.type]))];
    })) as unknown as Record<TableName, ReadonlyMap<string, ScalarType>>;
  }

  private buffer(table: TableName, ms: number): DayBuffer {
    const dayStart = Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
    const days = this.buffers[table];
    let buf = days.get(dayStart);
    if (buf === undefined) {
      // A day looks like the one before it: sizing the arrays after it spares most regrowing.
      // Late rows of a day already cut (a long flow's end) start a small buffer.
      const late = dayStart + MS_PER_DAY <= this.cutBefore || dayStart >= this.horizon;
      // Powers of two, so that pooled arrays fit later buffers.
      const capacity = late ? LATE_CAPACITY : Math.min(this.segmentRows, powerOfTwoAtLeast(Math.max(INITIAL_CAPACITY, this.lastBufferRows[table])));
      days.set(dayStart, (buf = new DayBuffer(dayStart, this.types[table], table, FIELD_LIST_TABLES.has(table) ? null : this.symbols, this.arrays, capacity, late)));
    }
    return buf;
  }

  /** Ends a row: counts it, cuts the buffer when full; returns the row's index in its table. */
  private end(table: TableName, buf: DayBuffer): number {
    if (buf.rows >= this.segmentRows) this.cut(table, buf);
    return this.counts[table]++;
  }

  dns(r: DnsRow): number {
    if (!this.written.DnsEvents) return this.counts.DnsEvents++;
    const buf = this.buffer('DnsEvents', r.time);
    const c = buf.kind(Kind.Dns);
    const i = buf.begin(r.time);
    time(c[0]!, i, r.time); str(c[1]!, i, r.computer); num(c[2]!, i, r.eventId); str(c[3]!, i, 'LookupQuery');
    str(c[4]!, i, r.clientIp); str(c[5]!, i, r.name); str(c[6]!, i, r.queryType); str(c[7]!, i, r.result);
    num(c[8]!, i, r.resultCode); str(c[9]!, i, r.ipAddresses);
    return this.end('DnsEvents', buf);
  }

  network(r: NetworkRow): number {
    if (!this.written.DeviceNetworkEvents) return this.counts.DeviceNetworkEvents++;
    const buf = this.buffer('DeviceNetworkEvents', r.time);
    const c = buf.kind(Kind.Network);
    const i = buf.begin(r.time);
    time(c[0]!, i, r.time); time(c[1]!, i, r.time);
    initiating(buf, c, 2, i, r.initiating);
    const k = 2 + INITIATING.length;
    str(c[k]!, i, r.actionType); str(c[k + 1]!, i, r.remoteIp); num(c[k + 2]!, i, r.remotePort); str(c[k + 3]!, i, r.remoteUrl);
    str(c[k + 4]!, i, r.remoteIpType); str(c[k + 5]!, i, r.localIp); num(c[k + 6]!, i, r.localPort); str(c[k + 7]!, i, 'Private');
    str(c[k + 8]!, i, r.protocol); num(c[k + 9]!, i, r.reportId);
    if (r.additionalFields !== '') (c[k + 10] as DynamicBuilder).add(i, JSON.parse(r.additionalFields) as DynamicValue);
    return this.end('DeviceNetworkEvents', buf);
  }

  vmConnection(r: VmConnectionRow): number {
    if (!this.written.VMConnection) return this.counts.VMConnection++;
    const buf = this.buffer('VMConnection', r.time);
    const c = buf.kind(Kind.Vm);
    const i = buf.begin(r.time);
    const vp = r.vmProcess;
    const entities = (buf.vmProcess ??= buf.entityColumns(c.slice(1, 5), []));
    let local = entities.local(vp.id);
    if (local < 0) local = entities.define(vp.id, [vp.host.computer, vp.host.agentId, vp.processId, vp.processName], []);
    entities.set(i, local);
    time(c[0]!, i, r.time);
    str(c[5]!, i, r.sourceIp); str(c[6]!, i, r.destinationIp); num(c[7]!, i, r.destinationPort);
    str(c[8]!, i, r.protocol); str(c[9]!, i, r.direction); str(c[10]!, i, r.remoteIp);
    if (r.remoteCountry !== '') str(c[11]!, i, r.remoteCountry);
    num(c[12]!, i, r.bytesSent); num(c[13]!, i, r.bytesReceived); num(c[14]!, i, 1); num(c[15]!, i, 1); num(c[16]!, i, r.responseTimeMax);
    if (r.indicatorThreatType !== '') {
      str(c[17]!, i, r.remoteIp); str(c[18]!, i, r.indicatorThreatType); str(c[19]!, i, r.description);
      str(c[20]!, i, '80'); num(c[21]!, i, 2); str(c[22]!, i, 'Amber');
    }
    return this.end('VMConnection', buf);
  }

  paloAlto(r: PaloAltoRow): number {
    if (!this.written.CommonSecurityLog) return this.counts.CommonSecurityLog++;
    const buf = this.buffer('CommonSecurityLog', r.time);
    const c = buf.kind(Kind.PaloAlto);
    const i = buf.begin(r.time);
    const url = r.kind === 'url';
    time(c[0]!, i, r.time); str(c[1]!, i, 'Palo Alto Networks'); str(c[2]!, i, 'PAN-OS');
    str(c[3]!, i, url ? 'url' : 'end'); str(c[4]!, i, url ? 'THREAT' : 'TRAFFIC'); str(c[5]!, i, url ? 'alert' : 'allow');
    if (url) str(c[6]!, i, 'Alert');
    str(c[7]!, i, r.applicationProtocol); str(c[8]!, i, r.protocol); str(c[9]!, i, r.sourceIp); num(c[10]!, i, r.sourcePort);
    str(c[11]!, i, r.destinationIp); num(c[12]!, i, r.destinationPort); str(c[13]!, i, r.natIp); num(c[14]!, i, r.natPort);
    if (!url) { num(c[15]!, i, r.sentBytes); num(c[16]!, i, r.receivedBytes); }
    if (r.sourceUserName !== '') str(c[17]!, i, r.sourceUserName);
    if (url) { str(c[18]!, i, r.requestUrl); str(c[19]!, i, r.requestMethod); str(c[20]!, i, r.userAgent); }
    str(c[21]!, i, r.deviceName); str(c[22]!, i, 'allow-outbound-internet'); str(c[23]!, i, 'Rule');
    if (url) { str(c[24]!, i, 'unknown'); str(c[25]!, i, 'URL Category'); }
    num(c[26]!, i, r.sessionId); str(c[27]!, i, 'SessionID');
    if (!url) { num(c[28]!, i, r.elapsedSeconds); str(c[29]!, i, 'Elapsed time in seconds'); }
    return this.end('CommonSecurityLog', buf);
  }

  ciscoAsa(r: CiscoAsaRow): number {
    if (!this.written.CommonSecurityLog) return this.counts.CommonSecurityLog++;
    const buf = this.buffer('CommonSecurityLog', r.time);
    const c = buf.kind(Kind.CiscoAsa);
    const i = buf.begin(r.time);
    time(c[0]!, i, r.time); str(c[1]!, i, 'Cisco'); str(c[2]!, i, 'ASA'); str(c[3]!, i, '9.18'); str(c[4]!, i, r.eventId);
    str(c[5]!, i, `Teardown ${r.protocol} connection`); str(c[6]!, i, '6'); str(c[7]!, i, 'Outbound'); str(c[8]!, i, r.protocol);
    str(c[9]!, i, r.sourceIp); num(c[10]!, i, r.sourcePort); str(c[11]!, i, r.destinationIp); num(c[12]!, i, r.destinationPort);
    str(c[13]!, i, r.natIp); str(c[14]!, i, r.deviceName); str(c[15]!, i, r.message);
    return this.end('CommonSecurityLog', buf);
  }

  fields(table: TableName, ms: number, fields: FieldList): number {
    if (!this.written[table]) return this.counts[table]++;
    const buf = this.buffer(table, ms);
    const i = buf.begin(ms);
    for (const [name, value] of fields) {
      const b = buf.column(name);
      if (b instanceof StringBuilder) b.add(i, String(value));
      else if (b instanceof NumberBuilder) b.add(i, Number(value));
      else if (b instanceof TimeBuilder) b.add(i, typeof value === 'number' ? value : Date.parse(value));
      else throw new Error(`internal: ${table}.${name} is not a string, number or datetime column`);
    }
    return this.end(table, buf);
  }

  rowCount(table: TableName): number {
    return this.counts[table];
  }

  totalRows(): number {
    let n = 0;
    for (const t of TABLES) n += this.counts[t];
    return n;
  }

  /**
   * Cuts the buffers of days that ended before `ms`: called as the simulation moves on, so
   * memory holds about a day of rows whatever the length of the run. A late row for a cut
   * day (a long flow's end) simply starts another segment.
   */
  finishBefore(ms: number): void {
    this.cutBefore = Math.max(this.cutBefore, ms);
    for (const table of TABLES) {
      for (const buf of [...this.buffers[table].values()]) {
        if (buf.dayStart + MS_PER_DAY <= ms && buf.rows > 0) this.cut(table, buf);
      }
    }
  }

  dayEnds(ms: number): void {
    this.horizon = ms;
  }

  /** Cuts every buffer, so that no segment mixes the rows of two generated days. */
  flush(): void {
    for (const table of TABLES) {
      for (const buf of [...this.buffers[table].values()]) if (buf.rows > 0) this.cut(table, buf);
    }
  }

  /** Cuts everything still buffered. */
  close(): void {
    this.finishBefore(Number.POSITIVE_INFINITY);
  }

  private cut(table: TableName, buf: DayBuffer): void {
    this.buffers[table].delete(buf.dayStart);
    // Decays, so that one busy weekday does not size every buffer after it.
    if (!buf.late) this.lastBufferRows[table] = Math.max(buf.rows, Math.floor(this.lastBufferRows[table] * 0.75));
    buf.materialize();
    const columns = [...buf.columns.entries()].map(([name, b]) => ({ name, column: b.finish(buf.rows) }));
    // Log Analytics stamps every row with its table's name; the file loader adds it too.
    if (this.types[table].get('Type') === 'string') columns.push({ name: 'Type', column: new StringColumn('string', new Int32Array(buf.rows), [table]) });
    this.options.onSegment({
      table, day: new Date(buf.dayStart).toISOString().slice(0, 10), rows: buf.rows, minMs: Math.floor(buf.minMs), maxMs: Math.floor(buf.maxMs), columns,
    });
    if (this.options.reuseArrays === true) buf.release();
  }
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Offsets (from the first initiating column) of its string columns, and of its two numbers. */
const INITIATING_STRINGS = [0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13];
const INITIATING_NUMBERS = [5, 7];

function initiating(buf: DayBuffer, c: AnyBuilder[], at: number, row: number, ini: Initiating): void {
  const entities = (buf.initiating ??= buf.entityColumns(INITIATING_STRINGS.map((k) => c[at + k]!), INITIATING_NUMBERS.map((k) => c[at + k]!)));
  let local = entities.local(ini.id);
  if (local < 0) {
    const { host, process, account } = ini;
    local = entities.define(ini.id, [host.deviceId, host.deviceName, process.name, process.folder, ini.commandLine, process.sha1,
      process.integrity, process.parent, account.domain, account.name, account.sid, account.upn], [ini.processId, process.fileSize]);
  }
  entities.set(row, local);
}
