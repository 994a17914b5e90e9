// Scalar functions an embedding application adds to the built-ins, or whose built-in it
// replaces: the engine has no GeoIP data of its own, so `geo_info_from_ip_address` refuses to
// run until the application supplies an implementation backed by a database it loads.

import { FunctionRegistry, type ScalarFunctionDef } from '../functions/registry.js';

const cache = new WeakMap<FunctionRegistry, WeakMap<readonly ScalarFunctionDef[], FunctionRegistry>>();

/**
 * `base` with `extra` added; a built-in whose name (or alias) an extra function takes is
 * dropped whole. Cached per (base, extra) pair, so passing the same array to every query
 * builds the registry once.
 */
export function registryWith(base: FunctionRegistry, extra: readonly ScalarFunctionDef[]): FunctionRegistry {
  let byExtra = cache.get(base);
  if (!byExtra) { byExtra = new WeakMap(); cache.set(base, byExtra); }
  const hit = byExtra.get(extra);
  if (hit) return hit;
  const taken = new Set(extra.flatMap((d) => [d.name, ...(d.aliases ?? [])]));
  const kept = base.allScalars().filter((d) => ![d.name, ...(d.aliases ?? [])].some((n) => taken.has(n)));
  const registry = new FunctionRegistry().add(base.allAggregates()).add(kept).add(extra);
  byExtra.set(extra, registry);
  return registry;
}
