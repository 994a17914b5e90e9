// Persistent first-seen tables: history beyond a rule's queryPeriod.
//
// A rule declares one in its YAML (a kqlhunt extension Sentinel ignores):
//   kqlhunt:
//     firstSeen:
//       name: OutboundDestinations          # the query reads KqlHunt_FirstSeen_OutboundDestinations
//       source: VMConnection | where Direction == "outbound"
//       keys: [DestinationIp]
// After each run of the rule, `source` is evaluated over the run's window and every key
// combination it holds is upserted with min(TimeGenerated) / max(TimeGenerated), widening
// what is stored (a replay or a re-run never narrows it). The table lives in STORE/state.db
// when the hunt has a store, else in memory for that hunt. Queries see it as a table with
// the key columns (typed as the source yields them) plus FirstSeen and LastSeen (datetime).
// A run sees the table as it was before that run: its own window is recorded afterwards.
//
// With `bucket: 1h` (any duration) the table keeps a row per key and time bucket
// (`bin(TimeGenerated, bucket)`) with the bucket's row Count, so a rule can judge how often,
// not only whether, a key was seen before its window. Counts merge by maximum: the rows of a
// bucket only grow as later windows cover more of it, so the widest recording is the bucket's
// whole count, and re-recording a window never counts it twice. `firstSeen` may also be a list
// of such declarations, one table each.

import Database from 'better-sqlite3';
import fs from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { check, query, KqlError, type Column, type Scalar, type ScalarType, type Table, type TableProvider, type TableSchema } from '../kql/index.js';
import { columnFromScalars } from '../kql/exec/columns.js';
import { migrate, openStateDb, type Migration, type StateDatabase } from '../store/state-db.js';
import { formatDuration, MINUTE_MS, parseDuration } from './duration.js';
import type { Rule } from './rule.js';
import type { HuntData } from './runner.js';

export const FIRST_SEEN_TABLE_PREFIX = 'KqlHunt_FirstSeen_';

export interface FirstSeenSpec {
  /** The table's name without the prefix. */
  name: string;
  /** A KQL tabular expression over the run's window; it must have TimeGenerated and the keys. */
  source: string;
  keys: string[];
  /** With a bucket, one row per key and `bin(TimeGenerated, bucket)`, with a Count of its rows. */
  bucketMs?: number;
}

/** The columns a table adds after its keys: FirstSeen, LastSeen, or Bucket, FirstSeen, LastSeen, Count. */
const OWN_COLUMNS = ['Bucket', 'FirstSeen', 'LastSeen', 'Count'];

export class FirstSeenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirstSeenError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The rule's first `kqlhunt.firstSeen` declaration; undefined when it has none. Throws FirstSeenError when malformed. */
export function firstSeenSpec(rule: Rule): FirstSeenSpec | undefined {
  return firstSeenSpecs(rule)[0];
}

/** Every `kqlhunt.firstSeen` declaration of the rule (a map, or a list of maps). Throws FirstSeenError when one is malformed. */
export function firstSeenSpecs(rule: Rule): FirstSeenSpec[] {
  // ARM exports have no place for kqlhunt extensions.
  if (rule.source.format !== 'yaml') return [];
  const doc = parseDocument(rule.source.text);
  const node = doc.getIn(['kqlhunt', 'firstSeen'], true);
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) return [declaration(node, 'kqlhunt.firstSeen')];
  if (node.items.length === 0) throw new FirstSeenError('kqlhunt.firstSeen must be a map with name, source and keys, or a non-empty list of them');
  const specs = node.items.map((item, i) => declaration(item, `kqlhunt.firstSeen[${i}]`));
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    if (names.has(spec.name)) throw new FirstSeenError(`kqlhunt.firstSeen[${i}].name ${spec.name} is declared twice`);
    names.add(spec.name);
  });
  return specs;
}

function declaration(node: unknown, where: string): FirstSeenSpec {
  if (!isMap(node)) throw new FirstSeenError(`${where} must be a map with name, source and keys`);
  const name = node.get('name');
  const source = node.get('source');
  const keys = node.get('keys', true);
  const bucket = node.get('bucket');
  if (typeof name !== 'string' || !NAME.test(name)) throw new FirstSeenError(`${where}.name must be an identifier (letters, digits, _), got ${JSON.stringify(name ?? null)}`);
  if (typeof source !== 'string' || source.trim() === '') throw new FirstSeenError(`${where}.source must be a KQL tabular expression`);
  const keyList = isSeq(keys) ? keys.toJSON() as unknown[] : undefined;
  if (keyList === undefined || keyList.length === 0 || !keyList.every((k): k is string => typeof k === 'string' && NAME.test(k))) {
    throw new FirstSeenError(`${where}.keys must be a non-empty list of column names`);
  }
  const own = keyList.find((k) => OWN_COLUMNS.includes(k));
  if (own !== undefined) throw new FirstSeenError(`${where}.keys cannot include ${own} (the table's own columns are ${OWN_COLUMNS.join(', ')})`);
  const spec: FirstSeenSpec = { name, source, keys: keyList };
  if (bucket !== undefined && bucket !== null) {
    const ms = typeof bucket === 'string' ? parseDuration(bucket) : undefined;
    if (ms === undefined || ms < MINUTE_MS) throw new FirstSeenError(`${where}.bucket must be a duration of at least 1m such as 1h or 1d, got ${JSON.stringify(bucket)}`);
    spec.bucketMs = ms;
  }
  return spec;
}

function summaryQuery(spec: FirstSeenSpec): string {
  if (spec.bucketMs === undefined) return `${spec.source}\n| summarize FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by ${spec.keys.join(', ')}`;
  return `${spec.source}\n| summarize FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Count = count() by ${spec.keys.join(', ')}, Bucket = bin(TimeGenerated, ${formatDuration(spec.bucketMs)})`
    + `\n| project ${spec.keys.join(', ')}, Bucket, FirstSeen, LastSeen, Count`;
}

/** The first-seen table's schema, from what the source yields; for checking a rule without running it. */
export function firstSeenSchema(spec: FirstSeenSpec, tables: ReadonlyMap<string, TableSchema>): TableSchema | undefined {
  const checked = check(summaryQuery(spec), { tables });
  const rs = checked.resultSchema;
  if (checked.diagnostics.some((d) => d.severity === 'error') || !rs || rs.open) return undefined;
  const schema: TableSchema = [];
  for (const c of rs.columns) {
    if (c.type === 'unknown') return undefined;
    schema.push({ name: c.name, type: c.type });
  }
  return schema;
}

export const FIRST_SEEN_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'first-seen tables and their keys',
    up(db) {
      db.exec(`
        CREATE TABLE first_seen_tables (
          table_name TEXT PRIMARY KEY,
          key_columns_json TEXT NOT NULL
        );
        CREATE TABLE first_seen (
          table_name TEXT NOT NULL REFERENCES first_seen_tables(table_name) ON DELETE CASCADE,
          key_json TEXT NOT NULL,
          first_ticks INTEGER NOT NULL,
          last_ticks INTEGER NOT NULL,
          PRIMARY KEY (table_name, key_json)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'bucketed first-seen tables with row counts',
    up(db) {
      db.exec(`
        ALTER TABLE first_seen_tables ADD COLUMN bucket_ms INTEGER;
        CREATE TABLE first_seen_buckets (
          table_name TEXT NOT NULL REFERENCES first_seen_tables(table_name) ON DELETE CASCADE,
          key_json TEXT NOT NULL,
          bucket_ticks INTEGER NOT NULL,
          first_ticks INTEGER NOT NULL,
          last_ticks INTEGER NOT NULL,
          row_count INTEGER NOT NULL,
          PRIMARY KEY (table_name, key_json, bucket_ticks)
        );
      `);
    },
  },
];

type KeyColumn = { name: string; type: ScalarType };

/** A key value as JSON: 100 ns ticks (beyond a double's exact range) travel as decimal strings. */
function encodeKey(type: ScalarType, v: Scalar): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function decodeKey(type: ScalarType, v: unknown): Scalar {
  if (v === null) return null;
  return type === 'datetime' || type === 'timespan' ? BigInt(v as string) : v as Scalar;
}

/** First-seen tables in one SQLite database (the store's state.db, or memory). */
export class FirstSeenStore {
  private db: StateDatabase | undefined;

  /** Without `storeDir` the tables last as long as this object. */
  constructor(private readonly storeDir?: string) {}

  private open(): StateDatabase {
    if (this.db === undefined) {
      if (this.storeDir === undefined) {
        const db = new Database(':memory:');
        migrate(db, 'first-seen', FIRST_SEEN_MIGRATIONS);
        this.db = db;
      } else {
        fs.mkdirSync(this.storeDir, { recursive: true });
        this.db = openStateDb(this.storeDir, { 'first-seen': FIRST_SEEN_MIGRATIONS });
      }
    }
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /** How a table was first recorded: its key columns and bucket; undefined before that. */
  private layout(name: string): { keys: KeyColumn[]; bucketMs: number | undefined } | undefined {
    const row = this.open().prepare('SELECT key_columns_json, bucket_ms FROM first_seen_tables WHERE table_name = ?').get(name) as { key_columns_json: string; bucket_ms: number | null } | undefined;
    return row === undefined ? undefined : { keys: JSON.parse(row.key_columns_json) as KeyColumn[], bucketMs: row.bucket_ms ?? undefined };
  }

  /**
   * Widens each key's [FirstSeen, LastSeen] by a summary table (keys..., FirstSeen, LastSeen),
   * or with `bucketMs` each key and bucket's, whose Count becomes the larger of the stored and
   * the summary's (keys..., Bucket, FirstSeen, LastSeen, Count).
   */
  record(name: string, summary: Table, bucketMs?: number): void {
    const own = bucketMs === undefined ? 2 : 4;
    const keyCols = summary.columns.slice(0, -own).map((c) => ({ name: c.name, type: c.column.type }));
    const column = (n: string): Column => summary.columns.find((c, i) => i >= keyCols.length && c.name === n)!.column;
    const db = this.open();
    const known = this.layout(name);
    if (known !== undefined && JSON.stringify(known.keys) !== JSON.stringify(keyCols)) {
      throw new FirstSeenError(`first-seen table ${FIRST_SEEN_TABLE_PREFIX}${name} was recorded with keys ${describe(known.keys)}; the rule now declares ${describe(keyCols)} (rename the table to start a new history)`);
    }
    if (known !== undefined && known.bucketMs !== bucketMs) {
      throw new FirstSeenError(`first-seen table ${FIRST_SEEN_TABLE_PREFIX}${name} was recorded ${bucketText(known.bucketMs)}; the rule now declares it ${bucketText(bucketMs)} (rename the table to start a new history)`);
    }
    const first = column('FirstSeen');
    const last = column('LastSeen');
    const keyJson = (r: number): string => JSON.stringify(keyCols.map((k, i) => encodeKey(k.type, summary.columns[i]!.column.get(r))));
    db.transaction(() => {
      if (known === undefined) db.prepare('INSERT INTO first_seen_tables (table_name, key_columns_json, bucket_ms) VALUES (?, ?, ?)').run(name, JSON.stringify(keyCols), bucketMs ?? null);
      if (bucketMs === undefined) {
        const upsert = db.prepare(`INSERT INTO first_seen (table_name, key_json, first_ticks, last_ticks) VALUES (?, ?, ?, ?)
          ON CONFLICT (table_name, key_json) DO UPDATE SET first_ticks = MIN(first_ticks, excluded.first_ticks), last_ticks = MAX(last_ticks, excluded.last_ticks)`);
        for (let r = 0; r < summary.length; r++) {
          const f = first.get(r);
          const l = last.get(r);
          // A key whose TimeGenerated is all null has no time to record.
          if (typeof f !== 'bigint' || typeof l !== 'bigint') continue;
          upsert.run(name, keyJson(r), f, l);
        }
        return;
      }
      const bucket = column('Bucket');
      const count = column('Count');
      const upsert = db.prepare(`INSERT INTO first_seen_buckets (table_name, key_json, bucket_ticks, first_ticks, last_ticks, row_count) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (table_name, key_json, bucket_ticks) DO UPDATE SET first_ticks = MIN(first_ticks, excluded.first_ticks),
          last_ticks = MAX(last_ticks, excluded.last_ticks), row_count = MAX(row_count, excluded.row_count)`);
      for (let r = 0; r < summary.length; r++) {
        const b = bucket.get(r);
        const f = first.get(r);
        const l = last.get(r);
        if (typeof b !== 'bigint' || typeof f !== 'bigint' || typeof l !== 'bigint') continue;
        upsert.run(name, keyJson(r), b, f, l, Number(count.get(r)));
      }
    })();
  }

  /** The table as the engine reads it; undefined when nothing has been recorded under `name`. */
  table(name: string): Table | undefined {
    const layout = this.layout(name);
    if (layout === undefined) return undefined;
    const keyCols = layout.keys;
    const bucketed = layout.bucketMs !== undefined;
    const stmt = bucketed
      ? this.open().prepare('SELECT key_json, bucket_ticks, first_ticks, last_ticks, row_count FROM first_seen_buckets WHERE table_name = ? ORDER BY key_json, bucket_ticks').safeIntegers(true)
      : this.open().prepare('SELECT key_json, first_ticks, last_ticks FROM first_seen WHERE table_name = ? ORDER BY key_json').safeIntegers(true);
    const rows = stmt.all(name) as { key_json: string; bucket_ticks?: bigint; first_ticks: bigint; last_ticks: bigint; row_count?: bigint }[];
    const keyValues = keyCols.map(() => [] as Scalar[]);
    for (const row of rows) {
      const key = JSON.parse(row.key_json) as unknown[];
      keyCols.forEach((k, i) => keyValues[i]!.push(decodeKey(k.type, key[i])));
    }
    const times = (name: string, pick: (r: typeof rows[number]) => bigint): { name: string; column: Column } => ({ name, column: columnFromScalars('datetime', rows.map(pick)) });
    return {
      length: rows.length,
      columns: [
        ...keyCols.map((k, i) => ({ name: k.name, column: columnFromScalars(k.type, keyValues[i]!) })),
        ...(bucketed ? [times('Bucket', (r) => r.bucket_ticks!)] : []),
        times('FirstSeen', (r) => r.first_ticks),
        times('LastSeen', (r) => r.last_ticks),
        ...(bucketed ? [{ name: 'Count', column: columnFromScalars('long', rows.map((r) => Number(r.row_count!))) }] : []),
      ],
    };
  }
}

function bucketText(bucketMs: number | undefined): string {
  return bucketMs === undefined ? 'without buckets' : `in buckets of ${formatDuration(bucketMs)}`;
}

function describe(cols: readonly KeyColumn[]): string {
  return cols.map((c) => `${c.name}:${c.type}`).join(', ');
}

/**
 * What a hunt does for rules with first-seen tables: adds the tables to a run's data, and
 * records the run's window afterwards.
 */
export class FirstSeenTracker {
  private readonly store: FirstSeenStore;
  private readonly specs = new Map<Rule, FirstSeenSpec[] | FirstSeenError>();
  /** The window each rule last recorded into each of its tables, by table name. */
  private readonly recorded = new Map<Rule, Map<string, { from: bigint; to: bigint }>>();

  /** The tables live in `storeDir`'s state database, in `store`, or in memory for this tracker. */
  constructor(storeDirOrStore?: string | FirstSeenStore) {
    this.store = storeDirOrStore instanceof FirstSeenStore ? storeDirOrStore : new FirstSeenStore(storeDirOrStore);
  }

  close(): void {
    this.store.close();
  }

  private specsOf(rule: Rule): FirstSeenSpec[] | FirstSeenError {
    let specs = this.specs.get(rule);
    if (specs === undefined) {
      try {
        specs = firstSeenSpecs(rule);
      } catch (e) {
        if (!(e instanceof FirstSeenError)) throw e;
        specs = e;
      }
      this.specs.set(rule, specs);
    }
    return specs;
  }

  /** The rule's data plus its first-seen tables (empty, with the source's key types, before the first record). */
  dataFor(rule: Rule, data: HuntData): HuntData {
    const specs = this.specsOf(rule);
    // The run fails with the declaration's fault, not with an unknown table.
    if (specs instanceof FirstSeenError) return { provider: () => { throw specs; } };
    if (specs.length === 0) return data;
    const byTable = new Map(specs.map((spec) => [FIRST_SEEN_TABLE_PREFIX + spec.name, spec]));
    return {
      provider: (window) => {
        const base = data.provider(window);
        const tables = new Map<string, Table>();
        const firstSeen = (tableName: string, spec: FirstSeenSpec): Table => {
          let table = tables.get(tableName);
          if (table === undefined) tables.set(tableName, (table = this.store.table(spec.name) ?? emptySummary(spec, base)));
          return table;
        };
        const provider: TableProvider = {
          get: (name) => {
            const spec = byTable.get(name);
            return spec === undefined ? base.get(name) : firstSeen(name, spec);
          },
          keys: () => new Set([...(base.keys?.() ?? []), ...byTable.keys()]),
        };
        return provider;
      },
    };
  }

  /** Records the rule's window in each of its tables; returns why it could not (for the run's status), or undefined. */
  record(rule: Rule, window: { from: bigint; to: bigint }, data: HuntData): string | undefined {
    const specs = this.specsOf(rule);
    if (specs instanceof FirstSeenError) return `${rule.source.file}: ${specs.message}`;
    for (const spec of specs) {
      try {
        const span = this.unrecordedSpan(rule, spec, window);
        if (span.from < span.to) {
          const summary = query(summaryQuery(spec), { tables: data.provider(span) }).table;
          this.store.record(spec.name, summary, spec.bucketMs);
        }
        this.lastRecorded(rule).set(spec.name, window);
      } catch (e) {
        if (e instanceof FirstSeenError) return `${rule.source.file}: ${e.message}`;
        if (e instanceof KqlError) return `${rule.source.file}: kqlhunt.firstSeen.source: ${e.message}`;
        throw e;
      }
    }
    return undefined;
  }

  private lastRecorded(rule: Rule): Map<string, { from: bigint; to: bigint }> {
    let windows = this.recorded.get(rule);
    if (windows === undefined) this.recorded.set(rule, (windows = new Map()));
    return windows;
  }

  /**
   * The part of `window` whose recording could still change the table. A replay's windows
   * slide forward by the frequency and overlap by the rest of the period: what the previous
   * window of the same rule recorded is not summarised again. Exact for min/max, and for
   * bucket counts too: the bucket holding the previous window's end is recorded again from
   * its start (clipped to this window), and every earlier bucket inside this window lay
   * wholly inside the previous one, whose count can only be as large. Anything but a forward
   * slide (a first run, a re-run, a jump) records the whole window.
   */
  private unrecordedSpan(rule: Rule, spec: FirstSeenSpec, window: { from: bigint; to: bigint }): { from: bigint; to: bigint } {
    const previous = this.lastRecorded(rule).get(spec.name);
    if (previous === undefined || !(previous.from <= window.from && window.from <= previous.to && previous.to < window.to)) return window;
    const resume = spec.bucketMs === undefined ? previous.to : bucketStart(previous.to, spec.bucketMs);
    return { from: resume > window.from ? resume : window.from, to: window.to };
  }
}

/** Where `bin(TimeGenerated, bucket)` puts `t`: the engine's own binning, so the two always agree. */
function bucketStart(t: bigint, bucketMs: number): bigint {
  const r = query(`print b = bin(__t, ${formatDuration(bucketMs)})`, { tables: new Map(), params: { __t: { type: 'datetime', value: t } } });
  return r.table.columns[0]!.column.get(0) as bigint;
}

/** The summary over no rows: the table's shape before anything is recorded. */
function emptySummary(spec: FirstSeenSpec, tables: TableProvider): Table {
  try {
    return query(`${summaryQuery(spec)}\n| take 0`, { tables }).table;
  } catch (e) {
    // Positions in the source expression are not positions in the rule's query.
    if (e instanceof KqlError) throw new FirstSeenError(`kqlhunt.firstSeen.source: ${e.message}`);
    throw e;
  }
}
