// Sentinel watchlists (allowlists, VIP lists, ...) from CSV files, for `_GetWatchlist('alias')`.
//
// A watchlist is `<alias>.csv` in a watchlist folder; an optional `<alias>.json` beside it says
// which column is the search key (`{"searchKey": "IPAddress"}`), else the first column is.
// Rows have Sentinel's columns: `_DTItemId`, `LastUpdatedTimeUTC`, `SearchKey`,
// `WatchlistItem` (the row as a property bag), then the CSV's own columns as strings.
//
// The engine has no notion of `_GetWatchlist`, so a rule's query is rewritten before it runs:
// each `_GetWatchlist('alias')` call becomes `table('__watchlist_N')`, padded with spaces to
// the call's exact length so every error position in the query stays where it was.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, KqlError, type Table, type TableSchema } from '../kql/index.js';
import { readDelimited } from '../io/csv.js';
import { buildTable, type LoadIssue, type RawTable } from '../io/table-builder.js';

export interface Watchlist {
  alias: string;
  file: string;
  table: Table;
  schema: TableSchema;
}

export class WatchlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchlistError';
  }
}

/** Watchlists by lower-cased alias (Sentinel aliases are not case-sensitive). */
export type WatchlistSet = ReadonlyMap<string, Watchlist>;

function guidFrom(text: string): string {
  const h = crypto.createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function loadWatchlistFile(file: string): Watchlist {
  const alias = path.basename(file).replace(/\.csv$/i, '');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WatchlistError(`${file}: cannot read the watchlist: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const issues: LoadIssue[] = [];
  const csv = readDelimited(text, file, ',', issues);
  const own = csv.header.map((h) => h.replace(/^\uFEFF/, '').trim());
  if (own.length === 0 || own.every((h) => h === '')) throw new WatchlistError(`${file}: the watchlist has no header row`);
  let searchKey = own[0]!;
  const metaFile = file.replace(/\.csv$/i, '.json');
  if (fs.existsSync(metaFile)) {
    let meta: unknown;
    try {
      meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    } catch (e) {
      throw new WatchlistError(`${metaFile}: not valid JSON: ${(e as Error).message}`);
    }
    const key = (meta as { searchKey?: unknown } | null)?.searchKey;
    if (typeof key !== 'string' || !own.includes(key)) {
      throw new WatchlistError(`${metaFile}: "searchKey" must name one of the watchlist's columns (${own.join(', ')})`);
    }
    searchKey = key;
  }
  const rows = csv.rows.map((cells) => own.map((_, j) => (cells[j] === null || cells[j] === undefined ? '' : String(cells[j]))));
  return buildWatchlist(alias, file, own, searchKey, rows, new Date(fs.statSync(file).mtimeMs).toISOString());
}

/** A watchlist table with Sentinel's columns, from its own columns and rows (all text). */
export function buildWatchlist(alias: string, source: string, own: readonly string[], searchKey: string, rows: readonly string[][], updatedIso: string): Watchlist {
  const keyIndex = own.indexOf(searchKey);
  const header = ['_DTItemId', 'LastUpdatedTimeUTC', 'SearchKey', 'WatchlistItem', ...own];
  const raws = rows.map((values, i) => {
    const item: Record<string, string> = {};
    own.forEach((h, j) => { item[h] = values[j] ?? ''; });
    return [guidFrom(`${alias}\u0000${i}\u0000${values.join('\u0000')}`), updatedIso, keyIndex < 0 ? '' : values[keyIndex] ?? '', JSON.stringify(item), ...own.map((_, j) => values[j] ?? '')];
  });
  const schema: TableSchema = [
    { name: '_DTItemId', type: 'string' },
    { name: 'LastUpdatedTimeUTC', type: 'datetime' },
    { name: 'SearchKey', type: 'string' },
    { name: 'WatchlistItem', type: 'dynamic' },
    ...own.map((name) => ({ name, type: 'string' as const })),
  ];
  const raw: RawTable = { file: source, header, rows: raws, lineOf: (r) => ({ record: r + 1 }) };
  const built = buildTable([raw], schema);
  return { alias, file: source, table: built.table, schema: built.schema };
}

/**
 * Watchlists kept in the store's state database (tables `watchlists` and `watchlist_items`,
 * each item a JSON object of the list's columns). Columns are the items' keys in order of
 * first appearance.
 */
export function watchlistsFromStateDb(db: { prepare(sql: string): { all(...args: unknown[]): unknown[] } }, source: string): Watchlist[] {
  const lists = db.prepare('SELECT alias, search_key, updated_at FROM watchlists ORDER BY alias').all() as { alias: string; search_key: string; updated_at: string }[];
  return lists.map((l) => {
    const items = (db.prepare('SELECT item_json FROM watchlist_items WHERE alias = ? ORDER BY item_key').all(l.alias) as { item_json: string }[])
      .map((r) => JSON.parse(r.item_json) as Record<string, unknown>);
    const own: string[] = [];
    for (const item of items) for (const k of Object.keys(item)) if (!own.includes(k)) own.push(k);
    if (!own.includes(l.search_key)) own.unshift(l.search_key);
    const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    const rows = items.map((item) => own.map((k) => text(item[k])));
    const updated = Number.isNaN(Date.parse(l.updated_at)) ? new Date(0).toISOString() : new Date(Date.parse(l.updated_at)).toISOString();
    return buildWatchlist(l.alias, `${source} (watchlist ${l.alias})`, own, l.search_key, rows, updated);
  });
}

/** Every `*.csv` in the folders given; a later folder's watchlist replaces an earlier one's. */
export function loadWatchlists(dirs: readonly string[]): Map<string, Watchlist> {
  const out = new Map<string, Watchlist>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => /\.csv$/i.test(n)).sort();
    } catch {
      throw new WatchlistError(`watchlist folder not found: ${dir}`);
    }
    for (const n of names) {
      const w = loadWatchlistFile(path.join(dir, n));
      out.set(w.alias.toLowerCase(), w);
    }
  }
  return out;
}

export interface BoundQuery {
  /** The query with `_GetWatchlist(...)` calls replaced; same length and offsets as the original. */
  text: string;
  /** The tables the replacements read. */
  tables: Map<string, Table>;
}

interface CallLike {
  kind: 'Call';
  start: number;
  end: number;
  name: { name: string };
  args: { kind: string; type?: string; value?: unknown; start: number; end: number }[];
}

function findWatchlistCalls(node: unknown, out: CallLike[]): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) findWatchlistCalls(n, out);
    return;
  }
  const rec = node as Record<string, unknown>;
  if (rec['kind'] === 'Call' && (rec['name'] as { name?: string } | undefined)?.name === '_GetWatchlist') out.push(rec as unknown as CallLike);
  for (const [k, v] of Object.entries(rec)) if (k !== 'parent' && typeof v === 'object') findWatchlistCalls(v, out);
}

/**
 * Binds a query's `_GetWatchlist('alias')` calls to loaded watchlists. A call whose alias is
 * not a constant, or names no loaded watchlist, is a KqlError at the call's position.
 */
export function bindWatchlists(queryText: string, watchlists: WatchlistSet): BoundQuery {
  const tables = new Map<string, Table>();
  if (!queryText.includes('_GetWatchlist')) return { text: queryText, tables };
  const calls: CallLike[] = [];
  findWatchlistCalls(parse(queryText).query, calls);
  calls.sort((a, b) => b.start - a.start);
  let text = queryText;
  calls.forEach((call, i) => {
    const arg = call.args[0];
    const alias = arg?.kind === 'Literal' && typeof arg.value === 'string' ? arg.value : undefined;
    if (alias === undefined || call.args.length !== 1) {
      throw new KqlError("_GetWatchlist() takes one constant watchlist alias, e.g. _GetWatchlist('HighValueAssets')", 'Watchlist', call.start, call.end);
    }
    const w = watchlists.get(alias.toLowerCase());
    if (w === undefined) {
      const known = [...watchlists.values()].map((x) => x.alias);
      throw new KqlError(`no watchlist '${alias}' (${known.length > 0 ? `loaded: ${known.join(', ')}` : 'no watchlists loaded: give --watchlists DIR with <alias>.csv files'})`, 'Watchlist', arg!.start, arg!.end);
    }
    const key = `__watchlist_${i}`;
    const replacement = `table('${key}')`;
    const length = call.end - call.start;
    if (replacement.length > length) throw new KqlError('internal: watchlist call shorter than its replacement', 'Watchlist', call.start, call.end);
    text = text.slice(0, call.start) + replacement.padEnd(length, ' ') + text.slice(call.end);
    tables.set(key, w.table);
  });
  return { text, tables };
}
