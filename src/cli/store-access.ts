// How query/check find the embedded store: `--store DIR` must exist; otherwise the default
// location ($KQLHUNT_STORE, ~/.kqlhunt/store) is used when something was ingested there.

import fs from 'node:fs';
import path from 'node:path';
import type { TableSchema } from '../kql/types.js';
import { storeDirectory } from '../store/location.js';
import { MANIFEST_FILE } from '../store/manifest.js';
import { Store } from '../store/store.js';
import { UsageError } from './args.js';

export function openStoreForReading(flag: string | undefined, command: string): Store | undefined {
  const dir = storeDirectory(flag);
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
    if (flag !== undefined) throw new UsageError(`--store ${flag}: no store there (nothing was ingested into it)`, command);
    return undefined;
  }
  return Store.open(dir);
}

export function storeSchemas(store: Store | undefined): Map<string, TableSchema> {
  const out = new Map<string, TableSchema>();
  if (store === undefined) return out;
  for (const name of store.tableNames()) out.set(name, store.schema(name)!);
  return out;
}
