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

import Database from 'better-sqlite3';
import fs from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { check, query, KqlError, type Scalar, type ScalarType, type Table, type TableProvider, type TableSchema } from '../kql/index.js';
import { columnFromScalars } from '../kql/exec/columns.js';
import { migrate, openStateDb, type Migration, type StateDatabase } from '../store/state-db.js';
import type { Rule } from './rule.js';
import type { HuntData } from './runner.js';

export const FIRST_SEEN_TABLE_PREFIX = 'KqlHunt_FirstSeen_';

export interface FirstSeenSpec {
  /** The table's name without the prefix. */
  name: string;
  /** A KQL tabular expression over the run's window; it must have TimeGenerated and the keys. */
  source: string;
  keys: string[];
}

export class FirstSeenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirstSeenError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The rule's `kqlhunt.firstSeen` declaration; undefined when it has none. Throws FirstSeenError when malformed. */
export function firstSeenSpec(rule: Rule): FirstSeenSpec | undefined {
  // ARM exports have no place for kqlhunt extensions.
  if (rule.source.format !== 'yaml') return undefined;
  const doc = parseDocument(rule.source.text);
  const node = doc.getIn(['kqlhunt', 'firstSeen'], true);
  if (node === undefined || node === null) return undefined;
  const where = 'kqlhunt.firstSeen';
  if (!isMap(node)) throw new FirstSeenError(`${where} must be a map with name, source and keys`);
  const name = node.get('name');
  const source = node.get('source');
  const keys = node.get('keys', true);
  if (typeof name !== 'string' || !NAME.test(name)) throw new FirstSeenError(`${where}.name must be an identifier (letters, digits, _), got ${JSON.stringify(name ?? null)}`);
  if (typeof source !== 'string' || source.trim() === '') throw new FirstSeenError(`${where}.source must be a KQL tabular expression`);
  const keyList = isSeq(keys) ? keys.toJSON() as unknown[] : undefined;
  if (keyList === undefined || keyList.length === 0 || !keyList.every((k): k is string => typeof k === 'string' && NAME.test(k))) {
    throw new FirstSeenError(`${where}.keys must be a non-empty list of column names`);
  }
  if (keyList.includes('FirstSeen') || keyList.includes('LastSeen')) throw new FirstSeenError(`${where}.keys cannot include FirstSeen or LastSeen (the table's own columns)`);
  return { name, source, keys: keyList };
}

function summaryQuery(spec: FirstSeenSpec): string {
  return `${spec.source}\n| summarize FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by ${spec.keys.join(', ')}`;
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

  private keyColumns(name: string): KeyColumn[] | undefined {
    const row = this.open().prepare('SELECT key_columns_json FROM first_seen_tables WHERE table_name = ?').get(name) as { key_columns_json: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.key_columns_json) as KeyColumn[];
  }

  /** Widens each key's [FirstSeen, LastSeen] by a summary table (keys..., FirstSeen, LastSeen). */
  record(name: string, summary: Table): void {
    const keyCols = summary.columns.slice(0, -2).map((c) => ({ name: c.name, type: c.column.type }));
    const first = summary.columns.at(-2)!.column;
    const last = summary.columns.at(-1)!.column;
    const db = this.open();
    const known = this.keyColumns(name);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(keyCols)) {
      throw new FirstSeenError(`first-seen table ${FIRST_SEEN_TABLE_PREFIX}${name} was recorded with keys ${describe(known)}; the rule now declares ${describe(keyCols)} (rename the table to start a new history)`);
    }
    const upsert = db.prepare(`INSERT INTO first_seen (table_name, key_json, first_ticks, last_ticks) VALUES (?, ?, ?, ?)
      ON CONFLICT (table_name, key_json) DO UPDATE SET first_ticks = MIN(first_ticks, excluded.first_ticks), last_ticks = MAX(last_ticks, excluded.last_ticks)`);
    db.transaction(() => {
      if (known === undefined) db.prepare('INSERT INTO first_seen_tables (table_name, key_columns_json) VALUES (?, ?)').run(name, JSON.stringify(keyCols));
      for (let r = 0; r < summary.length; r++) {
        const f = first.get(r);
        const l = last.get(r);
        // A key whose TimeGenerated is all null has no time to record.
        if (typeof f !== 'bigint' || typeof l !== 'bigint') continue;
        const key = JSON.stringify(keyCols.map((k, i) => encodeKey(k.type, summary.columns[i]!.column.get(r))));
        upsert.run(name, key, f, l);
      }
    })();
  }

  /** The table as the engine reads it; undefined when nothing has been recorded under `name`. */
  table(name: string): Table | undefined {
    const keyCols = this.keyColumns(name);
    if (keyCols === undefined) return undefined;
    const stmt = this.open().prepare('SELECT key_json, first_ticks, last_ticks FROM first_seen WHERE table_name = ? ORDER BY key_json').safeIntegers(true);
    const rows = stmt.all(name) as { key_json: string; first_ticks: bigint; last_ticks: bigint }[];
    const keyValues = keyCols.map(() => [] as Scalar[]);
    for (const row of rows) {
      const key = JSON.parse(row.key_json) as unknown[];
      keyCols.forEach((k, i) => keyValues[i]!.push(decodeKey(k.type, key[i])));
    }
    return {
      length: rows.length,
      columns: [
        ...keyCols.map((k, i) => ({ name: k.name, column: columnFromScalars(k.type, keyValues[i]!) })),
        { name: 'FirstSeen', column: columnFromScalars('datetime', rows.map((r) => r.first_ticks)) },
        { name: 'LastSeen', column: columnFromScalars('datetime', rows.map((r) => r.last_ticks)) },
      ],
    };
  }
}

function describe(cols: readonly KeyColumn[]): string {
  return cols.map((c) => `${c.name}:${c.type}`).join(', ');
}

/**
 * What a hunt does for rules with a first-seen table: adds the table to a run's data, and
 * records the run's window afterwards.
 */
export class FirstSeenTracker {
  private readonly store: FirstSeenStore;
  private readonly specs = new Map<Rule, FirstSeenSpec | FirstSeenError | undefined>();

  constructor(storeDir?: string) {
    this.store = new FirstSeenStore(storeDir);
  }

  close(): void {
    this.store.close();
  }

  private spec(rule: Rule): FirstSeenSpec | FirstSeenError | undefined {
    if (!this.specs.has(rule)) {
      try {
        this.specs.set(rule, firstSeenSpec(rule));
      } catch (e) {
        if (!(e instanceof FirstSeenError)) throw e;
        this.specs.set(rule, e);
      }
    }
    return this.specs.get(rule);
  }

  /** The rule's data plus its first-seen table (empty, with the source's key types, before the first record). */
  dataFor(rule: Rule, data: HuntData): HuntData {
    const spec = this.spec(rule);
    if (spec === undefined) return data;
    // The run fails with the declaration's fault, not with an unknown table.
    if (spec instanceof FirstSeenError) return { provider: () => { throw spec; } };
    const tableName = FIRST_SEEN_TABLE_PREFIX + spec.name;
    return {
      provider: (window) => {
        const base = data.provider(window);
        let table: Table | undefined;
        const firstSeen = (): Table => (table ??= this.store.table(spec.name) ?? emptySummary(spec, base));
        const provider: TableProvider = {
          get: (name) => (name === tableName ? firstSeen() : base.get(name)),
          keys: () => new Set([...(base.keys?.() ?? []), tableName]),
        };
        return provider;
      },
    };
  }

  /** Records the rule's window; returns why it could not (for the run's status), or undefined. */
  record(rule: Rule, window: { from: bigint; to: bigint }, data: HuntData): string | undefined {
    const spec = this.spec(rule);
    if (spec === undefined) return undefined;
    if (spec instanceof FirstSeenError) return `${rule.source.file}: ${spec.message}`;
    try {
      const summary = query(summaryQuery(spec), { tables: data.provider(window) }).table;
      this.store.record(spec.name, summary);
      return undefined;
    } catch (e) {
      if (e instanceof FirstSeenError) return `${rule.source.file}: ${e.message}`;
      if (e instanceof KqlError) return `${rule.source.file}: kqlhunt.firstSeen.source: ${e.message}`;
      throw e;
    }
  }
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
