// The shared table and function schemas (../shared/schemas) loaded for the checker, the same
// way for every test: Sentinel CI's custom tables, its default tables, then the 8 curated
// tables (which win), then the stored function schemas (ASIM parsers, _GetWatchlist).
import fs from 'node:fs';
import path from 'node:path';
import { SchemaCatalog } from '../../src/io/schemas.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import type { CheckEnvironment, StoredFunctionSchema } from '../../src/kql/semantics/checker.js';
import type { TableSchema } from '../../src/kql/types.js';
import { SHARED } from '../util/paths.js';

export const SCHEMAS = path.join(SHARED, 'schemas');

let cached: SchemaCatalog | undefined;

export function sharedCatalog(): SchemaCatalog {
  if (cached) return cached;
  const catalog = new SchemaCatalog();
  catalog.addDirectory(path.join(SCHEMAS, 'ci-custom-tables'));
  catalog.addDirectory(path.join(SCHEMAS, 'ci-default-tables'));
  for (const f of fs.readdirSync(SCHEMAS).filter((n) => n.endsWith('.json')).sort()) catalog.addFile(path.join(SCHEMAS, f));
  catalog.addDirectory(path.join(SCHEMAS, 'ci-custom-functions'));
  catalog.addDirectory(path.join(SCHEMAS, 'ci-functions'));
  cached = catalog;
  return catalog;
}

/** Only the 8 curated tables (the seeds' own world). */
export function seedTables(): Map<string, TableSchema> {
  const catalog = new SchemaCatalog();
  for (const f of fs.readdirSync(SCHEMAS).filter((n) => n.endsWith('.json')).sort()) catalog.addFile(path.join(SCHEMAS, f));
  return new Map(catalog.tables);
}

export function storedFunctions(catalog: SchemaCatalog): Map<string, StoredFunctionSchema> {
  const out = new Map<string, StoredFunctionSchema>();
  for (const [name, fn] of catalog.functions) {
    // _GetWatchlist is modelled by the checker itself (fixed columns + the watchlist's own).
    if (name === '_GetWatchlist') continue;
    out.set(name, {
      name,
      params: fn.params.map((p) => ({ name: p.name, type: p.type, optional: !p.required })),
      resultColumns: fn.columns,
    });
  }
  return out;
}

export function sharedCheckEnvironment(): CheckEnvironment {
  const catalog = sharedCatalog();
  return { tables: catalog.tables, functions: storedFunctions(catalog), registry: builtinFunctions() };
}
