// Transactional state beside the columnar data (watchlists now; alerts and first-seen tables
// later): SQLite through better-sqlite3. Each component owns a numbered list of migrations;
// applied versions are recorded per component, and each migration runs in one transaction,
// so a crash never leaves a half-migrated database.

import path from 'node:path';
import Database from 'better-sqlite3';

export type StateDatabase = Database.Database;

export interface Migration {
  /** 1, 2, 3, ... in order; never renumber or edit one that has shipped. */
  version: number;
  /** What it changes, for `schema_migrations` and error messages. */
  description: string;
  up(db: StateDatabase): void;
}

export const STATE_DB_FILE = 'state.db';

/** The store's own tables. Other components pass theirs to openStateDb / migrate. */
export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'watchlists and their items',
    up(db) {
      db.exec(`
        CREATE TABLE watchlists (
          alias TEXT PRIMARY KEY,
          display_name TEXT NOT NULL,
          search_key TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE watchlist_items (
          alias TEXT NOT NULL REFERENCES watchlists(alias) ON DELETE CASCADE,
          item_key TEXT NOT NULL,
          item_json TEXT NOT NULL,
          PRIMARY KEY (alias, item_key)
        );
      `);
    },
  },
];

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Applies the component's migrations newer than what the database has; returns how many ran. */
export function migrate(db: StateDatabase, component: string, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (component, version)
  )`);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`${component}: migration #${i + 1} has version ${m.version}; versions must be 1, 2, 3, ...`);
  });
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE component = ?').get(component) as { v: number | null };
  const applied = row.v ?? 0;
  if (applied > migrations.length) {
    throw new MigrationError(`${component}: the database is at version ${applied}, newer than this build knows (${migrations.length}); upgrade kqlhunt`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (component, version, description, applied_at) VALUES (?, ?, ?, ?)');
  let ran = 0;
  for (const m of migrations.slice(applied)) {
    db.transaction(() => {
      m.up(db);
      record.run(component, m.version, m.description, new Date().toISOString());
    })();
    ran++;
  }
  return ran;
}

/**
 * Opens (creating) STORE/state.db in WAL mode, so readers never wait for the writer, and
 * applies the store's migrations plus any given per component.
 */
export function openStateDb(storeDir: string, components: Readonly<Record<string, readonly Migration[]>> = {}): StateDatabase {
  const db = new Database(path.join(storeDir, STATE_DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, 'store', STORE_MIGRATIONS);
    for (const [component, migrations] of Object.entries(components)) migrate(db, component, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
