// Column pruning below aggregations: `T | where P | summarize ... by ...` reads only the
// columns P and the summarize name, so the table scan can drop the others before `where`
// gathers rows, and a join below an aggregation need not gather columns nobody reads.
// The analysis over-approximates (any identifier counts as a column name) and gives up on
// anything that reads whole rows: `*`, pack_all(), column_ifexists().

import type { FunctionRegistry } from '../functions/registry.js';
import type { QueryOperator } from '../syntax/ast.js';
import type { Relation } from './relation.js';

/** Every identifier in a syntax subtree; undefined when something reads whole rows. */
function mentioned(node: unknown, registry: FunctionRegistry, out: Set<string>): Set<string> | undefined {
  if (Array.isArray(node)) {
    for (const x of node) if (mentioned(x, registry, out) === undefined) return undefined;
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const n = node as { kind?: string; name?: { name?: string } };
  if (n.kind === 'Star') return undefined;
  if (n.kind === 'Call' && n.name?.name !== undefined) {
    const name = n.name.name;
    if (name === 'column_ifexists' || registry.scalar(name)?.needsRow === true) return undefined;
  }
  if (n.kind === 'Ident' && n.name !== undefined) out.add(n.name as unknown as string);
  for (const v of Object.values(node)) {
    if (v !== null && typeof v === 'object' && mentioned(v, registry, out) === undefined) return undefined;
  }
  return out;
}

/**
 * The columns an operator's input must provide, when that is knowable: aggregations read only
 * what they name, and `where` adds its predicate's names to what its consumer needs.
 */
export function neededColumns(op: QueryOperator, needed: ReadonlySet<string> | undefined, registry: FunctionRegistry): Set<string> | undefined {
  switch (op.kind) {
    case 'Summarize': case 'Count': case 'MakeSeries':
      return mentioned(op, registry, new Set());
    case 'Where': {
      if (!needed) return undefined;
      const out = mentioned(op.predicate, registry, new Set(needed));
      return out;
    }
    default:
      return undefined;
  }
}

/** The relation with only the named columns (views: no copies). */
export function keepColumns(rel: Relation, needed: ReadonlySet<string>): Relation {
  const keep = rel.schema.map((_, i) => i).filter((i) => needed.has(rel.schema[i]!.name));
  if (keep.length === rel.schema.length) return rel;
  return {
    schema: keep.map((i) => rel.schema[i]!),
    serialized: rel.serialized,
    batches: function* () {
      for (const b of rel.batches()) yield { columns: keep.map((i) => b.columns[i]!), length: b.length };
    },
  };
}

/**
 * The identifiers an expression mentions (over-approximated: any identifier counts), or
 * undefined when it reads whole rows (`*`, pack_all(), column_ifexists()).
 */
export function mentionedNames(expr: unknown, registry: FunctionRegistry): Set<string> | undefined {
  return mentioned(expr, registry, new Set());
}
