// Helpers shared by operator modules.

import type { Column, Table } from '../../data/column.js';
import type { NamingContext } from '../../semantics/naming.js';
import { KqlError, type TableSchema } from '../../types.js';
import { concatTables } from '../columns.js';
import type { Relation } from '../relation.js';
import { columnIndex } from '../relation.js';
import type { Scope } from '../scope.js';
import type { ExecContext } from '../context.js';

export function namingContext(schema: TableSchema, scope: Scope): NamingContext {
  return {
    hasInputColumn: (n) => columnIndex(schema, n) >= 0,
    isUserFunction: (n) => scope.lookup(n)?.kind === 'function',
  };
}

/** The input as one batch, for operators whose expressions need whole-input state. */
export function* wholeInput(rel: Relation): Iterable<Table> {
  const parts: Table[] = [];
  for (const b of rel.batches()) parts.push(b);
  const t = concatTables(rel.schema, parts);
  if (t.length > 0) yield t;
}

export function makeTable(schema: TableSchema, columns: Column[], length: number): Table {
  return { columns: schema.map((s, i) => ({ name: s.name, column: columns[i]! })), length };
}

/** Window functions read the row order, so ADX refuses them over a row set without one. */
export function requireSerialized(input: Relation, uses: boolean, node: { start: number; end: number }): void {
  if (uses && !input.serialized) {
    throw new KqlError(
      "window functions (row_number, prev, next, row_cumsum, ...) need a serialized row set: add '| serialize' or '| sort by ...' before them",
      'KQL', node.start, node.end);
  }
}

/** `*`-wildcard column pattern -> matcher. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (n) => n === pattern;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return (n) => re.test(n);
}

/** Iterates batches with a cancellation/time check between them. */
export function* checked(ctx: ExecContext, batches: Iterable<Table>): Iterable<Table> {
  for (const b of batches) {
    ctx.checkpoint();
    yield b;
  }
}
