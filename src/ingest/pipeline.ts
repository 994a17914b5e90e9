// The ingest pipeline: files, folders (recursively) and stdin -> records -> parsers -> a sink.
//
// Per file: bytes are decoded (gzip, BOMs, invalid UTF-8 replaced; see text-stream.ts), the
// first lines are sniffed to choose how the file splits into records, and each record goes to
// its parser:
//   zeek-tsv       Zeek ASCII logs (`#separator`/`#fields` headers)        -> Zeek_<path>
//   zeek-json      Zeek JSON logs (`"_path":` or `"ts":` + `"uid":`)       -> Zeek_<path>
//   sentinel-csv   CSV whose header names a known table's columns (csv-parse: quoted newlines)
//   sentinel-json  JSON arrays / NDJSON / concatenated objects of exported rows
//   syslog lines   everything else, one record per line, dispatched per line by its message:
//                  CEF (`CEF:`), Cisco ASA (`%ASA-`), PAN-OS CSV, FortiGate key=value, else Syslog.
// Accounting: every record becomes exactly one row or one quarantine entry, so
// `summary.records === summary.rows + summary.quarantined`. Headers, comments and blank lines are
// lines but not records. A gzip stream cut short adds one quarantine record describing the cut
// (and its partial last line is quarantined, not parsed).

import fs from 'node:fs';
import path from 'node:path';
import { parse as csvParse } from 'csv-parse';
import { tableNameForFile } from '../io/data-files.js';
import { loadSchemaCatalog } from '../io/schemas.js';
import type { TableSchema } from '../kql/types.js';
import { AsaConnectionTracker, parseAsaLine } from './asa.js';
import { parseCefLine } from './cef.js';
import type { RowEnricher } from './enrich.js';
import { isFortiGateMessage, parseFortiGateLine } from './fortigate.js';
import { parsePanosLine, panosPayloadStart } from './panos.js';
import { rowFromFields, type ParseContext, type ParseOutcome } from './record.js';
import {
  SentinelExportConverter, isSplitCefHeader, joinSplitCef, tableForExport, tableForHeader, type TableCatalog,
} from './sentinel-export.js';
import { INGESTION_TIME_COLUMN, clipRaw, emptySummary, type IngestSink, type IngestSummary, type RecordSource } from './sink.js';
import { parseSyslogLine } from './syslog.js';
import { KNOWN_TABLE_SCHEMAS } from './tables.js';
import { JsonValueSplitter, LineSplitter, decodeStream, type DecodeState } from './text-stream.js';
import { ZeekTsvReader, isZeekJsonLine, parseZeekJsonLine, zeekJsonSchema, zeekPathFromFileName } from './zeek.js';
import { UNIX_EPOCH_TICKS } from '../kql/data/column.js';

export type IngestFormat =
  | 'auto' | 'syslog' | 'cef' | 'asa' | 'panos' | 'fortigate' | 'zeek-tsv' | 'zeek-json' | 'sentinel-csv' | 'sentinel-json';

export const INGEST_FORMATS: readonly IngestFormat[] = [
  'auto', 'syslog', 'cef', 'asa', 'panos', 'fortigate', 'zeek-tsv', 'zeek-json', 'sentinel-csv', 'sentinel-json',
];

export interface IngestProgress {
  file: string;
  /** Bytes read from the file so far (compressed bytes for gzip). */
  bytes: number;
  lines: number;
  records: number;
  done: boolean;
}

export interface IngestOptions {
  /** `auto` (default) sniffs each file; any other value applies to every file. */
  format?: IngestFormat;
  /** Ingestion time (ticks): TimeGenerated for records without a time, and `$IngestionTime`. Default: now. */
  ingestTime?: bigint;
  /** Known table schemas for exports; default: the built-in catalogue (content/schemas). */
  catalog?: TableCatalog;
  /** Table for export files whose records do not name one (overrides the file name). */
  table?: string;
  enrichers?: readonly RowEnricher[];
  /** Set `$IngestionTime` on every row (default true). */
  ingestionTime?: boolean;
  onProgress?: (p: IngestProgress) => void;
  /** How often (in lines) onProgress fires within a file. */
  progressEvery?: number;
  /** Stream read for the path `-` (default process.stdin). */
  stdin?: AsyncIterable<Buffer | string>;
}

let defaultCatalog: TableCatalog | undefined;
function builtinCatalog(): TableCatalog {
  if (defaultCatalog === undefined) {
    const c = loadSchemaCatalog();
    defaultCatalog = c;
  }
  return defaultCatalog;
}

/** Files inside folders that are documentation, not logs (a file named explicitly is always read). */
const NOT_LOGS = /^(README|LICEN[CS]E|COPYING|SOURCES|NOTICE|CITATION)([._-].*)?$|\.(md|cff|pdf|png|jpe?g|zip)$/i;

/** Every file under the given paths: folders recursively (name order), skipping documentation; `-` for stdin. */
export function expandInputs(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const stat = fs.statSync(p);
    if (!stat.isDirectory()) {
      out.push(p);
      return;
    }
    const entries = fs.readdirSync(p).sort();
    for (const e of entries) {
      if (e.startsWith('.') || NOT_LOGS.test(e)) continue;
      walk(path.join(p, e));
    }
  };
  for (const p of paths) {
    if (p === '-') out.push(p);
    else walk(p);
  }
  return out;
}

type FileKind = 'lines' | 'zeek-tsv' | 'zeek-json' | 'csv' | 'json-values' | 'ndjson';

const SNIFF_LINES = 12;
const SNIFF_CHARS = 256 * 1024;

function firstLines(text: string, n: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < n && start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl).replace(/\r$/, '');
    if (line.trim() !== '') lines.push(line);
    start = nl + 1;
  }
  return lines;
}

/** Picks how a file splits into records from its first lines (and name). */
export function sniffFileKind(text: string, fileName: string, catalog: TableCatalog): FileKind {
  const lines = firstLines(text.replace(/^\uFEFF/, ''), SNIFF_LINES);
  if (lines.length === 0) return 'lines';
  if (lines.some((l) => l.startsWith('#separator') || l.startsWith('#fields'))) return 'zeek-tsv';
  const dataLine = lines.find((l) => !l.startsWith('#'));
  // zeek-cut style output: a comment line, then a plain line of field names.
  if (lines[0]!.startsWith('#') && dataLine !== undefined && (dataLine.indexOf('\t') >= 0 || /\.log(\.gz)?$/.test(fileName))) return 'zeek-tsv';
  const first = lines[0]!.trimStart();
  if (first.startsWith('[')) return 'json-values';
  if (first.startsWith('{')) {
    if (isZeekJsonLine(first)) return 'zeek-json';
    try {
      JSON.parse(first);
      return 'ndjson';
    } catch {
      return 'json-values';
    }
  }
  if (first.indexOf(',') >= 0) {
    const header = first.replace(/^\uFEFF/, '').split(',').map((h) => h.replace(/^"|"$/g, ''));
    if (isSplitCefHeader(header)) return 'csv';
    if (!looksLikeLogLine(first) && (tableForHeader(header, catalog) !== undefined || catalog.table(tableNameForFile(fileName)) !== undefined)) {
      return 'csv';
    }
  }
  return 'lines';
}

function looksLikeLogLine(line: string): boolean {
  return line.indexOf('CEF:') >= 0 || line.indexOf('%ASA-') >= 0 || panosPayloadStart(line) >= 0 || line.charCodeAt(0) === 60;
}

/** The text after a leading <PRI> (FortiGate sends key=value straight after it). */
function fortiMessage(line: string): string {
  if (line.charCodeAt(0) !== 60) return line;
  const close = line.indexOf('>');
  return close > 0 && close < 5 ? line.slice(close + 1).trimStart() : line;
}

const ASA_MARK = /%(?:ASA|FTD|FWSM|PIX)-\d-\d{6}/;

/** A line of a syslog-family file: which parser reads it. */
export function lineFormat(line: string): 'cef' | 'asa' | 'panos' | 'fortigate' | 'syslog' {
  const cef = line.indexOf('CEF:');
  if (cef >= 0 && (cef === 0 || line.charCodeAt(cef - 1) === 32 || line.charCodeAt(cef - 1) === 62)) return 'cef';
  if (line.indexOf('%') >= 0 && ASA_MARK.test(line)) return 'asa';
  if ((line.indexOf('date=') >= 0 || line.indexOf('logid=') >= 0) && isFortiGateMessage(fortiMessage(line))) return 'fortigate';
  if ((line.indexOf(',TRAFFIC,') >= 0 || line.indexOf(',THREAT,') >= 0 || line.indexOf(',SYSTEM,') >= 0 || line.indexOf(',CONFIG,') >= 0) &&
      panosPayloadStart(line) >= 0) return 'panos';
  return 'syslog';
}

class IngestRun {
  readonly summary: IngestSummary = emptySummary();
  private readonly ingestTime: bigint;
  private readonly catalog: TableCatalog;
  private readonly asa = new AsaConnectionTracker();
  private readonly announced = new Map<string, string>();
  private readonly ctx: ParseContext;
  /** For parses whose row is edited before it is emitted (split CEF exports): always a real row. */
  private readonly rowCtx: ParseContext;
  /** The record's place for rowFields(), reused: like the fields, it is valid during the call only. */
  private readonly fieldsSource: RecordSource = { file: '', line: 0 };
  /** Per table: whether an enricher may change its rows (then they are made as objects). */
  private readonly enriched = new Map<string, boolean>();

  constructor(private readonly sink: IngestSink, private readonly options: IngestOptions) {
    this.ingestTime = options.ingestTime ?? BigInt(Date.now()) * 10_000n + UNIX_EPOCH_TICKS;
    this.catalog = options.catalog ?? builtinCatalog();
    const summary = this.summary;
    const badField = (): void => { summary.badFields++; };
    this.rowCtx = { ingestTime: this.ingestTime, badField };
    // A sink that takes fields stores rows without the object parsers would make for it.
    this.ctx = sink.rowFields === undefined ? this.rowCtx : { ingestTime: this.ingestTime, badField, deferRows: true };
  }

  private enriches(table: string): boolean {
    const enrichers = this.options.enrichers;
    if (enrichers === undefined || enrichers.length === 0) return false;
    let answer = this.enriched.get(table);
    if (answer === undefined) {
      answer = enrichers.some((e) => e.tables === undefined || e.tables.includes(table));
      this.enriched.set(table, answer);
    }
    return answer;
  }

  private announce(table: string, schema: TableSchema): void {
    if (this.sink.schema === undefined) return;
    const key = schema.map((c) => `${c.name}:${c.type}`).join(',');
    if (this.announced.get(table) === key) return;
    this.announced.set(table, key);
    this.sink.schema(table, schema);
  }

  private readonly onSchema = (table: string, schema: TableSchema): void => this.announce(table, schema);

  /** Accounts for one record. */
  private emit(outcome: ParseOutcome, format: string, file: string, line: number, raw: string): void {
    const s = this.summary;
    s.records++;
    s.byFormat[format] = (s.byFormat[format] ?? 0) + 1;
    if ('error' in outcome) {
      s.quarantined++;
      this.sink.quarantine({ file, line, reason: outcome.error, raw: clipRaw(raw), format });
      return;
    }
    const table = outcome.table;
    const known = KNOWN_TABLE_SCHEMAS.get(table);
    if (known !== undefined && !this.announced.has(table)) this.announce(table, known);
    s.rows++;
    s.tables[table] = (s.tables[table] ?? 0) + 1;
    const fields = outcome.fields;
    if (fields !== undefined && !this.enriches(table)) {
      const ingestionTime = this.options.ingestionTime === false ? undefined : this.ingestTime;
      const source = this.fieldsSource;
      source.file = file;
      source.line = line;
      this.sink.rowFields!(table, fields, ingestionTime, source);
      return;
    }
    const row = fields !== undefined ? rowFromFields(fields) : outcome.row;
    if (this.options.ingestionTime !== false) row[INGESTION_TIME_COLUMN] = this.ingestTime;
    if (this.options.enrichers !== undefined) {
      for (const e of this.options.enrichers) if (e.tables === undefined || e.tables.includes(table)) e.enrich(table, row);
    }
    this.sink.row(table, row, { file, line });
  }

  private quarantine(format: string, file: string, line: number, raw: string, reason: string): void {
    this.emit({ error: reason }, format, file, line, raw);
  }

  async run(paths: readonly string[]): Promise<IngestSummary> {
    for (const file of expandInputs(paths)) await this.file(file);
    return this.summary;
  }

  private async file(file: string): Promise<void> {
    this.summary.files++;
    const state: DecodeState = { bytesIn: 0, gzip: false, encoding: 'utf-8', replacedInvalidBytes: false };
    const source: AsyncIterable<Buffer | string> =
      file === '-' ? (this.options.stdin ?? process.stdin) : fs.createReadStream(file, { highWaterMark: 1 << 20 });
    let reader: FileReader | undefined;
    let sniffBuffer = '';
    const progressEvery = this.options.progressEvery ?? 100_000;
    let nextProgress = progressEvery;
    const progress = (done: boolean): void => {
      this.options.onProgress?.({ file, bytes: state.bytesIn, lines: reader?.lines() ?? 0, records: this.summary.records, done });
    };
    for await (const chunk of decodeStream(source, state)) {
      if (reader === undefined) {
        sniffBuffer += chunk;
        if (sniffBuffer.length < SNIFF_CHARS && firstLines(sniffBuffer, SNIFF_LINES + 1).length <= SNIFF_LINES) continue;
        reader = this.readerFor(file, sniffBuffer);
        // Sniffed from one chunk: the text is that chunk's, so its bytes go along.
        await reader.push(sniffBuffer, sniffBuffer.length === chunk.length ? state.asciiChunk : undefined);
        sniffBuffer = '';
        continue;
      }
      await reader.push(chunk, state.asciiChunk);
      if (this.options.onProgress !== undefined && reader.lines() >= nextProgress) {
        nextProgress = reader.lines() + progressEvery;
        progress(false);
      }
    }
    if (reader === undefined) {
      reader = this.readerFor(file, sniffBuffer);
      await reader.push(sniffBuffer);
    }
    await reader.end(state.gzipError !== undefined);
    this.summary.lines += reader.lines();
    if (state.gzipError !== undefined) {
      this.quarantine('gzip', file, reader.lines() + 1, '',
        `gzip stream truncated or corrupt after ${reader.lines()} decoded lines (${state.bytesIn} compressed bytes read): ${state.gzipError}; the lines before it were ingested`);
    }
    progress(true);
  }

  private readerFor(file: string, sniffed: string): FileReader {
    const forced = this.options.format ?? 'auto';
    let kind: FileKind;
    switch (forced) {
      case 'auto': kind = sniffFileKind(sniffed, file, this.catalog); break;
      case 'zeek-tsv': kind = 'zeek-tsv'; break;
      case 'zeek-json': kind = 'zeek-json'; break;
      case 'sentinel-csv': kind = 'csv'; break;
      case 'sentinel-json': kind = sniffed.trimStart().startsWith('[') ? 'json-values' : 'ndjson'; break;
      default: kind = 'lines';
    }
    return this.makeReader(kind, file, forced);
  }

  private makeReader(kind: FileKind, file: string, forced: IngestFormat): FileReader {
    const ctx = this.ctx;
    switch (kind) {
      case 'lines': {
        const fixed = forced === 'auto' || forced === 'syslog' ? undefined : forced;
        return new LinesReader(file, (text, line) => {
          if (text.trim() === '') return;
          const fmt = fixed ?? (text.indexOf('\u0000') >= 0 ? 'binary' : lineFormat(text));
          this.emit(this.parseLine(fmt, text), fmt, file, line, text);
        }, (text, line) => this.quarantine(fixed ?? 'syslog', file, line, text, `line longer than 16 MB (kept: its first characters)`),
        (text, line) => this.quarantine(fixed ?? 'syslog', file, line, text, 'last line cut by a truncated gzip stream'));
      }
      case 'zeek-tsv': {
        const zeek = new ZeekTsvReader(file === '-' ? 'stdin' : file, this.onSchema);
        return new LinesReader(file, (text, line) => {
          if (text === '' || zeek.isHeader(text)) return;
          this.emit(zeek.parse(text, ctx), 'zeek-tsv', file, line, text);
        }, (text, line) => this.quarantine('zeek-tsv', file, line, text, 'line longer than 16 MB'),
        (text, line) => this.quarantine('zeek-tsv', file, line, text, 'last line cut by a truncated gzip stream'));
      }
      case 'zeek-json': {
        const fallback = zeekPathFromFileName(file);
        const seen = new Set<string>();
        return new LinesReader(file, (text, line) => {
          if (text.trim() === '') return;
          const outcome = parseZeekJsonLine(text, fallback, ctx);
          if (!('error' in outcome) && !seen.has(outcome.table)) {
            seen.add(outcome.table);
            this.announce(outcome.table, zeekJsonSchema(outcome.row));
          }
          this.emit(outcome, 'zeek-json', file, line, text);
        }, (text, line) => this.quarantine('zeek-json', file, line, text, 'line longer than 16 MB'),
        (text, line) => this.quarantine('zeek-json', file, line, text, 'last line cut by a truncated gzip stream'));
      }
      case 'ndjson': {
        let converter: SentinelExportConverter | undefined;
        return new LinesReader(file, (text, line) => {
          if (text.trim() === '') return;
          converter ??= new SentinelExportConverter(this.catalog, this.tableFromJsonKeys(file, text), this.onSchema);
          this.emit(this.convertJson(converter, text), 'sentinel-json', file, line, text);
        }, (text, line) => this.quarantine('sentinel-json', file, line, text, 'line longer than 16 MB'),
        (text, line) => this.quarantine('sentinel-json', file, line, text, 'last line cut by a truncated gzip stream'));
      }
      case 'json-values': {
        let converter: SentinelExportConverter | undefined;
        return new JsonReader(file, (text, line) => {
          converter ??= new SentinelExportConverter(this.catalog, this.tableFromJsonKeys(file, text), this.onSchema);
          this.emit(this.convertJson(converter, text), 'sentinel-json', file, line, text);
        }, (text, line) => this.quarantine('sentinel-json', file, line, text, 'JSON value not closed at the end of the file'));
      }
      case 'csv':
        return new CsvReader(file, this.catalog, (header) => this.exportTable(file, header), this.onSchema, ctx,
          (outcome, line, raw) => this.emit(outcome, 'sentinel-csv', file, line, raw),
          (cells) => this.emitCef(cells));
    }
  }

  private emitCef(cells: string[]): ParseOutcome {
    const joined = joinSplitCef(cells);
    const outcome = parseCefLine(joined, this.rowCtx);
    if (!('error' in outcome)) {
      // The split files carry `M/d/yy H:mm` before CEF:; use it when the extension has no rt.
      const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4}) (\d{1,2}):(\d{2})/.exec(cells[0] ?? '');
      if (m !== null && outcome.row['TimeGenerated'] === this.ingestTime) {
        const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
        const t = Date.UTC(year, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]));
        if (Number.isFinite(t)) outcome.row['TimeGenerated'] = BigInt(t) * 10_000n + UNIX_EPOCH_TICKS;
      }
    }
    return outcome;
  }

  /** The file's own table name (sanitised base name), or the --table option. */
  private fileTable(file: string): string | undefined {
    if (this.options.table !== undefined) return this.options.table;
    if (file === '-') return undefined;
    const name = tableNameForFile(file).replace(/[^A-Za-z0-9_]/g, '_');
    return name === '' ? undefined : name;
  }

  /** The table for an export file whose records do not name theirs, from its name and header. */
  private exportTable(file: string, header: readonly string[]): string | undefined {
    if (this.options.table !== undefined) return this.options.table;
    const own = this.fileTable(file);
    return own === undefined ? tableForHeader(header, this.catalog) : tableForExport(own, header, this.catalog);
  }

  private tableFromJsonKeys(file: string, text: string): string | undefined {
    let keys: string[] = [];
    try {
      const obj = JSON.parse(text) as unknown;
      if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) keys = Object.keys(obj);
    } catch {
      // The element itself is quarantined by convertJson.
    }
    return this.exportTable(file, keys);
  }

  private convertJson(converter: SentinelExportConverter, text: string): ParseOutcome {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      return { error: `not valid JSON: ${(e as Error).message}` };
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { error: 'JSON record is not an object' };
    return converter.convert(Object.entries(obj as Record<string, unknown>) as [string, never][], this.ctx);
  }

  private parseLine(format: string, text: string): ParseOutcome {
    switch (format) {
      case 'cef': return parseCefLine(text, this.ctx);
      case 'asa': return parseAsaLine(text, this.ctx, this.asa);
      case 'panos': return parsePanosLine(text, this.ctx);
      case 'fortigate': return parseFortiGateLine(text, this.ctx);
      case 'binary': return { error: `binary data: NUL byte at column ${text.indexOf('\u0000') + 1}` };
      default: return parseSyslogLine(text, this.ctx);
    }
  }
}

interface FileReader {
  /** `bytes`: the chunk's bytes when they are ASCII (DecodeState.asciiChunk). */
  push(chunk: string, bytes?: Buffer): Promise<void> | void;
  end(truncated: boolean): Promise<void> | void;
  lines(): number;
}

class LinesReader implements FileReader {
  private readonly splitter: LineSplitter;
  constructor(
    private readonly file: string,
    private readonly onLine: (text: string, line: number) => void,
    private readonly onOversized: (text: string, line: number) => void,
    private readonly onCut: (text: string, line: number) => void,
  ) {
    this.splitter = new LineSplitter((text, line, oversized) => {
      if (oversized) this.onOversized(text, line);
      else this.onLine(text, line);
    });
  }
  push(chunk: string, bytes?: Buffer): void {
    this.splitter.push(chunk, bytes);
  }
  end(truncated: boolean): void {
    const rest = this.splitter.takeRest();
    if (rest === undefined) return;
    const line = ++this.splitter.lineNumber;
    if (rest.oversized) this.onOversized(rest.text, line);
    else if (truncated) this.onCut(rest.text, line);
    else this.onLine(rest.text, line);
  }
  lines(): number {
    return this.splitter.lineNumber;
  }
}

class JsonReader implements FileReader {
  private readonly splitter: JsonValueSplitter;
  constructor(
    private readonly file: string,
    onValue: (text: string, line: number) => void,
    private readonly onOpen: (text: string, line: number) => void,
  ) {
    this.splitter = new JsonValueSplitter(onValue);
  }
  push(chunk: string): void {
    this.splitter.push(chunk);
  }
  end(): void {
    const rest = this.splitter.takeRest();
    if (rest !== undefined) this.onOpen(rest.text, rest.line);
  }
  lines(): number {
    return this.splitter.line;
  }
}

function newlinesIn(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** CSV exports through csv-parse (RFC 4180: quoted fields may hold commas, quotes and newlines). */
class CsvReader implements FileReader {
  private readonly parser;
  private header: string[] | undefined;
  private converter: SentinelExportConverter | undefined;
  private splitCef = false;
  private line = 1;
  private failure: Error | undefined;
  private readonly done: Promise<void>;

  constructor(
    file: string,
    private readonly catalog: TableCatalog,
    private readonly tableFor: (header: readonly string[]) => string | undefined,
    private readonly onSchema: (table: string, schema: TableSchema) => void,
    private readonly ctx: ParseContext,
    private readonly emit: (outcome: ParseOutcome, line: number, raw: string) => void,
    private readonly emitCef: (cells: string[]) => ParseOutcome,
  ) {
    this.parser = csvParse({
      bom: true,
      raw: true,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      relax_quotes: true,
    });
    this.parser.on('data', (r: { record: string[]; raw: string }) => this.record(r.record, r.raw));
    this.done = new Promise((resolve) => {
      this.parser.on('end', () => resolve());
      this.parser.on('error', (e: Error) => {
        this.failure = e;
        resolve();
      });
    });
    void file;
  }

  private record(cells: string[], raw: string): void {
    const start = this.line;
    this.line += newlinesIn(raw);
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    if (this.header === undefined) {
      this.header = cells;
      this.splitCef = isSplitCefHeader(cells);
      const table = this.splitCef ? undefined : this.tableFor(cells);
      this.converter = new SentinelExportConverter(this.catalog, table, this.onSchema);
      return;
    }
    if (this.splitCef) {
      this.emit(this.emitCef(cells), start, raw);
      return;
    }
    const header = this.header;
    const pairs: [string, string][] = [];
    for (let i = 0; i < header.length && i < cells.length; i++) pairs.push([header[i]!, cells[i]!]);
    let outcome = this.converter!.convert(pairs, this.ctx);
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '') && !('error' in outcome)) {
      outcome = { error: `CSV row has ${cells.length} fields; the header has ${header.length} (row misaligned, not guessed at)` };
    }
    this.emit(outcome, start, raw.replace(/\r?\n$/, ''));
  }

  async push(chunk: string): Promise<void> {
    if (this.failure !== undefined) return;
    if (!this.parser.write(chunk)) await new Promise<void>((resolve) => this.parser.once('drain', () => resolve()));
  }

  async end(): Promise<void> {
    if (this.failure === undefined) this.parser.end();
    await this.done;
    if (this.failure !== undefined) {
      this.emit({ error: `CSV unreadable from here on: ${this.failure.message}` }, this.line, '');
    }
  }

  lines(): number {
    return this.line - 1;
  }
}

/** Ingests every file under `paths` into `sink`. */
export async function ingest(paths: readonly string[], sink: IngestSink, options: IngestOptions = {}): Promise<IngestSummary> {
  return new IngestRun(sink, options).run(paths);
}
