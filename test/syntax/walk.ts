// Tree helpers for syntax tests: visit every node, check position invariants.
import type { Diagnostic, Node } from '../../src/kql/syntax/index.js';

/** Every object in the tree that has a numeric start and end (nodes and position-carrying pieces). */
export function collectRanges(root: unknown): { kind: string; start: number; end: number; parent?: { start: number; end: number } }[] {
  const out: { kind: string; start: number; end: number; parent?: { start: number; end: number } }[] = [];
  const visit = (value: unknown, parent?: { start: number; end: number }): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, parent);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    let self = parent;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      const range = { kind: typeof o.kind === 'string' ? o.kind : '(piece)', start: o.start, end: o.end, parent };
      out.push(range);
      self = range;
    }
    for (const [k, v] of Object.entries(o)) {
      // Literal values are data (dynamic literals may contain objects with start/end keys).
      if (k === 'value' && o.kind === 'Literal') continue;
      visit(v, self);
    }
  };
  visit(root);
  return out;
}

/** Finds the first node of a kind, depth first. */
export function findNode<T extends Node>(root: unknown, kind: string): T | undefined {
  let found: T | undefined;
  const visit = (value: unknown): void => {
    if (found || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) { for (const v of value) visit(v); return; }
    const o = value as Record<string, unknown>;
    if (o.kind === kind) { found = o as unknown as T; return; }
    for (const [k, v] of Object.entries(o)) if (!(k === 'value' && o.kind === 'Literal')) visit(v);
  };
  visit(root);
  return found;
}

export function diagnosticsWellFormed(text: string, diagnostics: Diagnostic[]): string | undefined {
  for (const d of diagnostics) {
    if (!(Number.isInteger(d.start) && Number.isInteger(d.end) && d.start >= 0 && d.start <= d.end && d.end <= text.length)) {
      return `bad diagnostic range ${d.start}-${d.end} (text length ${text.length}): ${d.message}`;
    }
    if (!d.message) return 'diagnostic without a message';
  }
  return undefined;
}
