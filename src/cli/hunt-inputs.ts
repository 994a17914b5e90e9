// What `hunt` and `run` both need before running rules: the rule files, the store's data with
// the query catalogue (views, known tables), and the watchlists in their precedence order.

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.js';
import { ruleFilesIn } from '../detect/pack/files.js';
import type { HuntData } from '../detect/runner.js';
import type { Rule } from '../detect/rule.js';
import type { Watchlist } from '../detect/watchlists.js';
import type { SchemaCatalog } from '../io/schemas.js';

/** Rule files named, or found under the folders named (.yaml/.yml/.json), in name order. */
export function ruleFiles(paths: readonly string[], command: string): string[] {
  try {
    return ruleFilesIn(paths);
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}

/** The rules in `files`; each file's problems are reported on stderr as file:line:col. */
export async function loadRulesReporting(files: readonly string[], io: { stderr: (s: string) => void }): Promise<Rule[]> {
  const { loadRuleFile } = await import('../detect/rule.js');
  const rules: Rule[] = [];
  for (const file of files) {
    const loaded = loadRuleFile(file);
    for (const p of loaded.problems) {
      const { line, col } = loaded.lineCol(p.start);
      io.stderr(`${p.file}:${line}:${col}: ${p.severity}: ${p.message}\n`);
    }
    rules.push(...loaded.rules);
  }
  return rules;
}

/** `--sink SPEC` values as sinks; a bad spec is a usage error of `command`. */
export async function parseSinkOptions(specs: readonly string[], version: string, command: string): Promise<import('../detect/sinks.js').AlertSink[]> {
  const { parseSink, SinkError } = await import('../detect/sinks.js');
  try {
    return specs.map((s) => parseSink(s, version));
  } catch (e) {
    if (e instanceof SinkError) throw new UsageError(e.message, command);
    throw e;
  }
}

/** The store's tables for each run window, with every table the catalogue knows (empty when absent). */
export async function storeHuntData(storeDir: string, catalog: SchemaCatalog): Promise<HuntData> {
  const { Store } = await import('../store/store.js');
  const { withKnownTables } = await import('../detect/runner.js');
  const store = Store.open(storeDir);
  return { provider: (w) => withKnownTables(store.provider({ from: w.from, to: w.to }), catalog.tables) };
}

/**
 * Watchlists, lowest precedence first: the store's state database, STORE/watchlists, then
 * each --watchlists folder. A bad watchlist file is reported on stderr and gives undefined.
 */
export async function loadHuntWatchlists(storeDir: string, dirs: readonly string[], io: { stderr: (s: string) => void }): Promise<Map<string, Watchlist> | undefined> {
  const { loadWatchlists, watchlistsFromStateDb, WatchlistError } = await import('../detect/watchlists.js');
  const { openStateDb, STATE_DB_FILE } = await import('../store/state-db.js');
  const watchlists = new Map<string, Watchlist>();
  try {
    const stateFile = path.join(storeDir, STATE_DB_FILE);
    if (fs.existsSync(stateFile)) {
      const db = openStateDb(storeDir);
      try {
        for (const w of watchlistsFromStateDb(db, stateFile)) watchlists.set(w.alias.toLowerCase(), w);
      } finally {
        db.close();
      }
    }
    const storeWatchlists = path.join(storeDir, 'watchlists');
    for (const [alias, w] of loadWatchlists([...(fs.existsSync(storeWatchlists) ? [storeWatchlists] : []), ...dirs])) watchlists.set(alias, w);
  } catch (e) {
    if (!(e instanceof WatchlistError)) throw e;
    io.stderr(`kqlhunt: error: ${e.message}\n`);
    return undefined;
  }
  return watchlists;
}
