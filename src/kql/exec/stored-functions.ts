// Stored functions (ADX's `.create function`): named functions the database holds. A query
// sees them as if they had been declared with `let` before it, but their bodies live in their
// own scope: they see the database's tables and each other, never the query's lets.
//
// A stored function may share its name with a table (`mergeWithTable`). The name then reads
// the table's rows followed by the function's rows, shaped to the table's columns. kqlhunt's
// Zeek views use this: `VMConnection` is Sentinel's table when the store has one, the view
// over `Zeek_conn` when it has Zeek logs, and both when it has both.

import type { CallExpr, FunctionDecl } from '../syntax/ast.js';
import { parse } from '../syntax/parser.js';
import { SourceText } from '../syntax/source.js';
import { KqlError, type TableSchema } from '../types.js';
import type { Table } from '../data/column.js';
import { constantColumn } from './columns.js';
import type { Compiler } from './compiler.js';
import type { Relation } from './relation.js';
import { Scope, type Binding } from './scope.js';
import { resolveTable, type TableSource } from './tables.js';

export interface StoredFunction {
  /**
   * The parameter list and body, as they follow the name in `.create function Name(...) {...}`:
   * `(limit:long = 10) { SigninLogs | take limit }`.
   */
  declaration: string;
  /**
   * When the database also has a table of this name, the name reads both (see above). Such a
   * function is named like a table, without parentheses or arguments.
   */
  mergeWithTable?: boolean;
}

export type StoredFunctions = ReadonlyMap<string, StoredFunction> | Readonly<Record<string, StoredFunction>>;

// Nodes of a stored function's body get offsets far past any query text, one window per
// function, so an error raised inside a body can be traced back to the function and reported
// against its own text rather than at a meaningless position of the query.
const OFFSET_BASE = 2 ** 40;
const OFFSET_WINDOW = 2 ** 32;

interface ParsedFunction {
  name: string;
  text: string;
  /** Length of the `let NAME = ` prefix the declaration was parsed behind. */
  prefix: number;
  decl: FunctionDecl;
  mergeWithTable: boolean;
}

function entriesOf(fns: StoredFunctions): [string, StoredFunction][] {
  return fns instanceof Map ? [...fns.entries()] : Object.entries(fns as Record<string, StoredFunction>);
}

function quotedName(name: string): string {
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function shiftOffsets(node: unknown, by: number, seen = new Set<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) { for (const n of node) shiftOffsets(n, by, seen); return; }
  const rec = node as Record<string, unknown>;
  if (typeof rec['start'] === 'number') rec['start'] = (rec['start'] as number) + by;
  if (typeof rec['end'] === 'number') rec['end'] = (rec['end'] as number) + by;
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    if (v !== null && typeof v === 'object') shiftOffsets(v, by, seen);
  }
}

/** A call `NAME()` with the function's own offsets, so errors about the call point into it. */
function callOf(fn: ParsedFunction): CallExpr {
  const { start, end } = fn.decl;
  return { kind: 'Call', start, end, name: { kind: 'Ident', name: fn.name, quoted: false, start, end }, args: [] };
}

/** Parses each declaration once; syntax errors name the function and a position in its text. */
export class StoredFunctionSet {
  private readonly functions: ParsedFunction[] = [];

  constructor(definitions: StoredFunctions) {
    entriesOf(definitions).forEach(([name, def], index) => {
      const prefix = `let ${quotedName(name)} = `;
      const text = `${prefix}${def.declaration};`;
      const parsed = parse(text);
      const error = parsed.diagnostics.find((d) => d.severity === 'error');
      if (error) {
        const { line, column } = new SourceText(def.declaration).lineCol(Math.max(0, error.start - prefix.length));
        throw new KqlError(`stored function '${name}': ${error.message} (line ${line}, column ${column} of its declaration)`, error.code);
      }
      const st = parsed.query.statements[0];
      if (parsed.query.statements.length !== 1 || st?.kind !== 'Let' || st.value.kind !== 'FunctionDecl') {
        throw new KqlError(`stored function '${name}': the declaration must be a parameter list and a body, '(...) { ... }'`);
      }
      const decl = st.value;
      shiftOffsets(decl, OFFSET_BASE + index * OFFSET_WINDOW);
      this.functions.push({ name, text, prefix: prefix.length, decl, mergeWithTable: def.mergeWithTable === true });
    });
  }

  /**
   * The scope every query of this database starts from: one binding per stored function.
   * A merged function binds as a table resolved on first use, so a query that does not
   * mention it never looks its table up nor compiles its body.
   */
  scope(compiler: Compiler): Scope {
    const scope = new Scope();
    for (const fn of this.functions) {
      scope.set(fn.name, fn.mergeWithTable ? mergedBinding(fn, compiler, scope) : { kind: 'function', decl: fn.decl, scope, name: fn.name });
    }
    return scope;
  }

  /**
   * Rewrites an error raised inside a stored function's body to say so, with the line and
   * column in that function's declaration. Other errors are returned unchanged.
   */
  locate(error: KqlError): KqlError {
    if (error.start === undefined || error.start < OFFSET_BASE) return error;
    const index = Math.floor((error.start - OFFSET_BASE) / OFFSET_WINDOW);
    const fn = this.functions[index];
    if (!fn) return error;
    const local = error.start - OFFSET_BASE - index * OFFSET_WINDOW - fn.prefix;
    const declaration = fn.text.slice(fn.prefix, -1);
    const { line, column } = new SourceText(declaration).lineCol(Math.max(0, Math.min(local, declaration.length)));
    const located = new KqlError(`${error.message} (in stored function '${fn.name}', line ${line}, column ${column} of its declaration)`, error.code);
    Object.setPrototypeOf(located, Object.getPrototypeOf(error));
    located.name = error.name;
    return located;
  }
}

function mergedBinding(fn: ParsedFunction, compiler: Compiler, scope: Scope): Binding {
  let relation: Relation | undefined;
  let building = false;
  return {
    kind: 'tabular',
    get relation(): Relation {
      if (relation) return relation;
      if (building) throw new KqlError(`stored function '${fn.name}' refers to itself`, 'KQL', fn.decl.start, fn.decl.end);
      if (fn.decl.params.some((p) => p.defaultValue === undefined)) {
        throw new KqlError(`stored function '${fn.name}' may share its name with a table, so all its parameters need default values`, 'KQL', fn.decl.start, fn.decl.end);
      }
      building = true;
      try {
        // The view runs with its own name bound to the plain function, as a call without arguments.
        const viewScope = scope.child();
        viewScope.set(fn.name, { kind: 'function', decl: fn.decl, scope, name: fn.name });
        const view = compiler.tabular(callOf(fn), viewScope);
        const native = resolveTable(compiler.tables, fn.name);
        relation = native ? unionAligned(fn, native, view) : view;
      } finally {
        building = false;
      }
      return relation;
    },
  };
}

/**
 * The table's rows, then the view's, in the table's columns. A view column of another type
 * than the table's is an error (a union would split it into `X_long`/`X_string`); table
 * columns the view lacks are null for its rows; view columns the table lacks are dropped.
 */
function unionAligned(fn: ParsedFunction, native: TableSource, view: Relation): Relation {
  const schema: TableSchema = native.schema.map((c) => ({ ...c }));
  const slots = schema.map((c) => {
    const k = view.schema.findIndex((v) => v.name === c.name);
    if (k >= 0 && view.schema[k]!.type !== c.type) {
      throw new KqlError(
        `stored function '${fn.name}' returns column '${c.name}' as ${view.schema[k]!.type}, but table '${fn.name}' has it as ${c.type}`,
        'KQL', fn.decl.start, fn.decl.end,
      );
    }
    return k;
  });
  return {
    schema,
    batches: function* (): Iterable<Table> {
      yield* native.batches();
      for (const b of view.batches()) {
        yield { columns: schema.map((c, i) => ({ name: c.name, column: slots[i]! >= 0 ? b.columns[slots[i]!]!.column : constantColumn(c.type, null, b.length) })), length: b.length };
      }
    },
  };
}
