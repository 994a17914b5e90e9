// Log Analytics / Sentinel / Defender exports (CSV and JSON) -> rows of the table they came from.
//
// What real exports contain (the samples in Azure-Sentinel's "Sample Data" folder):
//   - headers `TimeGenerated [UTC]` (the portal's CSV export) and a BOM; CRLF line ends;
//   - datetimes as `2020-03-23T04:56:44.907Z` or the portal's US form `9/10/2021, 9:10:11.123 AM`;
//   - `null` text for empty numbers, dynamic columns as JSON text;
//   - a `Type` column naming the table (not always; sometimes shifted by a broken CSV writer).
// The table is the `Type` value when it names a known table, else the file's own table (its name
// or, failing that, the known table whose columns best cover the header). Cells are converted by
// the table's schema with the CLI loader's converters (src/io/cell.ts); a cell its column cannot
// take is counted as a bad field and left out. Columns the schema does not know are kept, as text
// (JSON values as they are), and announced as extra columns.
// One oddity is handled explicitly: a CSV whose first header ends in `CEF:Version` holds raw CEF
// records split at their pipes (ForgeRock's sample); its cells are re-joined and parsed as CEF.

import { BAD, toBool, toDatetime, toDynamic, toGuid, toInteger, toReal, toTimespan, type RawCell } from '../io/cell.js';
import { normaliseHeader } from '../io/table-builder.js';
import { localToUtc } from '../kql/values/timezone.js';
import type { ScalarType, TableSchema } from '../kql/types.js';
import type { ParseContext, ParseOutcome, Row } from './record.js';

export interface TableCatalog {
  table(name: string): TableSchema | undefined;
  readonly tables: ReadonlyMap<string, TableSchema>;
}

/** Tables preferred when two cover a header equally (the curated Sentinel tables over CI parser outputs). */
const PREFERRED_TABLES: readonly string[] = [
  'CommonSecurityLog', 'Syslog', 'DnsEvents', 'VMConnection', 'WireData', 'DeviceNetworkEvents', 'DeviceFileEvents',
  'DeviceProcessEvents',
];

/** How many of the header's names are columns of `table`. */
export function headerHits(header: readonly string[], schema: TableSchema): number {
  const columns = new Set(schema.map((c) => c.name));
  let hits = 0;
  for (const h of header) if (columns.has(exportColumnName(h).name)) hits++;
  return hits;
}

/**
 * The known table a header most plausibly belongs to: most columns covered (at least 3, and half
 * the header, or 8 columns of a curated table, since exports add parsed columns), ties going to the
 * curated tables, then to the smaller schema.
 */
export function tableForHeader(header: readonly string[], catalog: TableCatalog): string | undefined {
  const names = header.filter((h) => exportColumnName(h).name !== '');
  let best: string | undefined;
  let bestHits = 0;
  let bestRank = Infinity;
  let bestSize = Infinity;
  for (const [table, schema] of catalog.tables) {
    const hits = headerHits(names, schema);
    const rank = PREFERRED_TABLES.indexOf(table) < 0 ? PREFERRED_TABLES.length : PREFERRED_TABLES.indexOf(table);
    if (hits > bestHits || (hits === bestHits && (rank < bestRank || (rank === bestRank && schema.length < bestSize)))) {
      best = table;
      bestHits = hits;
      bestRank = rank;
      bestSize = schema.length;
    }
  }
  const preferred = best !== undefined && PREFERRED_TABLES.includes(best);
  return bestHits >= 3 && (bestHits * 2 >= names.length || (preferred && bestHits >= 8)) ? best : undefined;
}

/**
 * The table for a file's records: its own name when that is a known table covering the header as
 * well as any other, else the best header match, else the file's name as a new table (as the CLI's
 * `--data` loader names tables), so no record is refused for want of a schema.
 */
export function tableForExport(fileTable: string, header: readonly string[], catalog: TableCatalog): string {
  const byHeader = tableForHeader(header, catalog);
  const own = catalog.table(fileTable);
  if (own !== undefined && (byHeader === undefined || headerHits(header, own) >= headerHits(header, catalog.table(byHeader)!))) {
    return fileTable;
  }
  return byHeader ?? fileTable;
}

/**
 * Portal exports name columns `TimeGenerated [UTC]`, or with the viewer's zone:
 * `TimeGenerated [Pacific Time (US and Canada) Tijuana]`. The name without the bracket, and the
 * IANA zone its values are in (undefined = UTC; null = a zone this reader cannot resolve).
 */
export function exportColumnName(raw: string): { name: string; zone?: string | null } {
  const text = raw.replace(/^\uFEFF/, '').trim();
  const m = /^(.*?)\s*\[([^\]]*)\]$/.exec(text);
  if (m === null) return { name: text };
  const label = m[2]!.trim();
  if (/^(UTC|GMT|Coordinated Universal Time)$/i.test(label)) return { name: m[1]! };
  const zone = PORTAL_ZONES.find(([prefix]) => label.startsWith(prefix));
  return { name: m[1]!, zone: zone === undefined ? null : zone[1] };
}

/** Azure portal time-zone labels (Windows zone display names) -> IANA zones. */
const PORTAL_ZONES: readonly [string, string][] = [
  ['Pacific Time (US and Canada)', 'America/Los_Angeles'], ['Pacific Time (US & Canada)', 'America/Los_Angeles'],
  ['Mountain Time (US and Canada)', 'America/Denver'], ['Mountain Time (US & Canada)', 'America/Denver'],
  ['Central Time (US and Canada)', 'America/Chicago'], ['Central Time (US & Canada)', 'America/Chicago'],
  ['Eastern Time (US and Canada)', 'America/New_York'], ['Eastern Time (US & Canada)', 'America/New_York'],
  ['Dublin, Edinburgh, Lisbon, London', 'Europe/London'],
  ['Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna', 'Europe/Berlin'],
  ['Jerusalem', 'Asia/Jerusalem'], ['Osaka, Sapporo, Tokyo', 'Asia/Tokyo'],
  ['Chennai, Kolkata, Mumbai, New Delhi', 'Asia/Kolkata'], ['Canberra, Melbourne, Sydney', 'Australia/Sydney'],
];

function convertCell(raw: RawCell, type: ScalarType): unknown {
  switch (type) {
    case 'string': {
      if (raw === null || raw === undefined) return undefined;
      if (typeof raw === 'string') return raw;
      return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    }
    case 'bool': return toBool(raw);
    case 'int': return toInteger(raw, 'int');
    case 'long': return toInteger(raw, 'long');
    case 'real': case 'decimal': return toReal(raw);
    case 'datetime': return toDatetime(raw);
    case 'timespan': return toTimespan(raw);
    case 'guid': return toGuid(raw);
    case 'dynamic': return toDynamic(raw);
  }
}

/**
 * Converts records of one export file. `defaultTable` is the file's table when the records do
 * not name theirs; the schema of each table comes from the catalogue.
 */
export class SentinelExportConverter {
  private readonly typeMaps = new Map<string, ReadonlyMap<string, ScalarType>>();
  private readonly announced = new Set<string>();
  private readonly names = new Map<string, { name: string; zone?: string | null }>();

  constructor(
    private readonly catalog: TableCatalog,
    private readonly defaultTable: string | undefined,
    private readonly onSchema: (table: string, schema: TableSchema) => void,
  ) {}

  private typesOf(table: string): ReadonlyMap<string, ScalarType> {
    let m = this.typeMaps.get(table);
    if (m === undefined) {
      m = new Map((this.catalog.table(table) ?? []).map((c) => [c.name, c.type]));
      this.typeMaps.set(table, m);
    }
    return m;
  }

  private columnName(raw: string): { name: string; zone?: string | null } {
    let n = this.names.get(raw);
    if (n === undefined) {
      n = exportColumnName(raw);
      this.names.set(raw, n);
    }
    return n;
  }

  /** One record as (column name, raw cell) pairs -> a row. */
  convert(cells: Iterable<[string, RawCell]>, ctx: ParseContext): ParseOutcome {
    const entries: [string, RawCell, string | null | undefined][] = [];
    let typeValue: string | undefined;
    for (const [rawName, cell] of cells) {
      const { name, zone } = this.columnName(rawName);
      if (name === '') continue;
      if (name === 'Type' && typeof cell === 'string') typeValue = cell.trim();
      entries.push([name, cell, zone]);
    }
    const table = typeValue !== undefined && this.catalog.table(typeValue) !== undefined ? typeValue : this.defaultTable;
    if (table === undefined) {
      return { error: 'export record names no table: no Type column with a known table, and no file name to name one' };
    }
    const types = this.typesOf(table);
    const row: Row = {};
    const extras: TableSchema = [];
    for (const [name, cell, zone] of entries) {
      const type = types.get(name);
      if (type === undefined) {
        if (cell === null || cell === undefined || cell === '') continue;
        if (typeof cell === 'object') {
          row[name] = toDynamic(cell);
          extras.push({ name, type: 'dynamic' });
        } else {
          row[name] = String(cell);
          extras.push({ name, type: 'string' });
        }
        continue;
      }
      let value = convertCell(cell, type);
      if (zone !== undefined && typeof value === 'bigint' && type === 'datetime') {
        value = zone === null ? BAD : localToUtc(value, zone);
      }
      if (value === BAD) {
        ctx.badField(name, typeof cell === 'string' ? cell : JSON.stringify(cell));
        continue;
      }
      if (value === null || value === undefined || value === '') continue;
      row[name] = value;
    }
    if (row['Type'] === undefined || row['Type'] !== table) row['Type'] = table;
    if (!this.announced.has(table)) {
      this.announced.add(table);
      this.onSchema(table, [...(this.catalog.table(table) ?? []), ...extras.filter((e) => !types.has(e.name))]);
    }
    return { table, row };
  }
}

/** `TimeGenerated CEF:Version` style headers: raw CEF split at its pipes. */
export function isSplitCefHeader(header: readonly string[]): boolean {
  return header.length >= 7 && /CEF:Version$/i.test(normaliseHeader(header[0] ?? ''));
}

/** Re-joins a split CEF record: cells are the pipe-separated parts, extension last. */
export function joinSplitCef(cells: readonly string[]): string {
  return cells.map((c, i) => (i < cells.length - 1 ? c.replace(/\\/g, '\\\\').replace(/\|/g, '\\|') : c.trim())).join('|');
}
