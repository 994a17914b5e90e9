// Microsoft's Kusto parser (@kusto/language-service-next), loaded for differential tests only.
// It is a devDependency and must never be imported from src/.
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KustoLanguage = any;

let cached: KustoLanguage | undefined;

/** The `Kusto.Language` namespace (KustoCode, GlobalState, Symbols, ...). Loading takes ~1 s. */
export function loadOracle(): KustoLanguage {
  if (cached) return cached;
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  const dir = path.join(REPO_ROOT, 'node_modules', '@kusto', 'language-service-next');
  const g = globalThis as Record<string, unknown>;
  g.Bridge = require(path.join(dir, 'bridge.js'));
  require(path.join(dir, 'Kusto.Language.Bridge.js'));
  cached = (g.Kusto as { Language: KustoLanguage }).Language;
  return cached;
}
