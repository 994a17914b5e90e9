// The schema catalogue: which tables and stored functions exist, with their column types.
// Built-in schemas are content (content/schemas/), not code; `--schemas DIR` adds more.
//
// Accepted file shapes (one schema per .json file):
//   table:    {name, columns:[{name,type}]}        (our own and Sentinel's CI schemas)
//             {Name, Properties:[{Name,Type}]}      (Sentinel's CI, older files)
//   function: {FunctionName, FunctionParameters:[{Name,Type,IsRequired}], FunctionResultColumns:[{Name,Type}]}
// Type names are normalised through typeFromName; Sentinel's files also use .NET names.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { typeFromName, type ColumnSchema, type ScalarType, type TableSchema } from '../kql/types.js';

export interface FunctionParamSchema {
  name: string;
  type: ScalarType;
  required: boolean;
}

export interface FunctionSchema {
  name: string;
  params: FunctionParamSchema[];
  /** The tabular result's columns. */
  columns: TableSchema;
}

/** A schema file that could not be used; loading carries on without it. */
export class SchemaFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SchemaFileError';
  }
}

/**
 * .NET type names found in Sentinel's CI schemas that typeFromName does not know.
 * SByte is how Kusto's .NET client reports bool; Object is dynamic.
 */
const DOTNET_TYPE_NAMES: Readonly<Record<string, ScalarType>> = {
  sbyte: 'bool',
  object: 'dynamic',
  single: 'real',
  timespan: 'timespan',
};

export function schemaTypeFromName(name: string): ScalarType | undefined {
  const trimmed = name.trim();
  return typeFromName(trimmed) ?? DOTNET_TYPE_NAMES[trimmed.toLowerCase()];
}

export type SchemaEntry =
  | { kind: 'table'; name: string; columns: TableSchema }
  | { kind: 'function'; schema: FunctionSchema };

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function field(obj: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (n in obj) return obj[n];
  return undefined;
}

function parseColumns(file: string, raw: unknown, what: string): TableSchema {
  if (!Array.isArray(raw)) throw new SchemaFileError(file, `${what} must be an array`);
  return raw.map((c, i) => {
    const col = asRecord(c);
    const name = col && field(col, 'name', 'Name');
    const typeName = col && field(col, 'type', 'Type');
    if (typeof name !== 'string' || typeof typeName !== 'string') {
      throw new SchemaFileError(file, `${what}[${i}] needs a string name and type`);
    }
    const type = schemaTypeFromName(typeName);
    if (type === undefined) throw new SchemaFileError(file, `${what}[${i}] (${name}): unknown type '${typeName}'`);
    return { name: name.trim(), type } satisfies ColumnSchema;
  });
}

/** Interprets one parsed schema document; throws SchemaFileError when it is neither shape. */
export function parseSchemaDocument(file: string, doc: unknown): SchemaEntry {
  const obj = asRecord(doc);
  if (!obj) throw new SchemaFileError(file, 'expected a JSON object');
  const fnName = obj['FunctionName'];
  if (typeof fnName === 'string') {
    const rawParams = obj['FunctionParameters'] ?? [];
    if (!Array.isArray(rawParams)) throw new SchemaFileError(file, 'FunctionParameters must be an array');
    const params = rawParams.map((p, i) => {
      const rec = asRecord(p);
      const name = rec?.['Name'];
      const typeName = rec?.['Type'];
      if (typeof name !== 'string' || typeof typeName !== 'string') {
        throw new SchemaFileError(file, `FunctionParameters[${i}] needs a string Name and Type`);
      }
      const type = schemaTypeFromName(typeName);
      if (type === undefined) throw new SchemaFileError(file, `FunctionParameters[${i}] (${name}): unknown type '${typeName}'`);
      return { name, type, required: rec?.['IsRequired'] === true };
    });
    const columns = parseColumns(file, obj['FunctionResultColumns'] ?? [], 'FunctionResultColumns');
    return { kind: 'function', schema: { name: fnName, params, columns } };
  }
  const name = field(obj, 'name', 'Name');
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SchemaFileError(file, 'expected a table schema {name, columns} or {Name, Properties}, or a function schema {FunctionName, ...}');
  }
  const rawColumns = field(obj, 'columns', 'Properties');
  return { kind: 'table', name: name.trim(), columns: parseColumns(file, rawColumns, 'columns') };
}

export class SchemaCatalog {
  private readonly tableMap = new Map<string, TableSchema>();
  private readonly functionMap = new Map<string, FunctionSchema>();
  /** Files that were skipped, with why. Loading never stops at a bad file. */
  readonly errors: SchemaFileError[] = [];

  /** Adds or replaces (later additions win). */
  addTable(name: string, columns: TableSchema): void {
    this.tableMap.set(name, columns);
  }

  addFunction(schema: FunctionSchema): void {
    this.functionMap.set(schema.name, schema);
  }

  /** Table names are case-sensitive in KQL. */
  table(name: string): TableSchema | undefined {
    return this.tableMap.get(name);
  }

  function(name: string): FunctionSchema | undefined {
    return this.functionMap.get(name);
  }

  get tables(): ReadonlyMap<string, TableSchema> {
    return this.tableMap;
  }

  get functions(): ReadonlyMap<string, FunctionSchema> {
    return this.functionMap;
  }

  /** Loads every .json file under dir (recursively, in name order). Bad files are recorded in `errors`. */
  addDirectory(dir: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      this.errors.push(new SchemaFileError(dir, 'schema folder not found'));
      return;
    }
    if (!stat.isDirectory()) {
      this.addFile(dir);
      return;
    }
    for (const file of listJsonFiles(dir)) this.addFile(file);
  }

  addFile(file: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      this.errors.push(new SchemaFileError(file, `not valid JSON: ${(e as Error).message}`));
      return;
    }
    try {
      const entry = parseSchemaDocument(file, doc);
      if (entry.kind === 'table') this.addTable(entry.name, entry.columns);
      else this.addFunction(entry.schema);
    } catch (e) {
      if (e instanceof SchemaFileError) this.errors.push(e);
      else throw e;
    }
  }
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listJsonFiles(p));
    else if (e.name.toLowerCase().endsWith('.json')) out.push(p);
  }
  return out;
}

/** content/schemas of this installation, found by walking up from this module (src/ or dist/src/). */
export function builtinSchemaDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'content', 'schemas');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('built-in schemas (content/schemas) not found next to the kqlhunt installation');
    dir = up;
  }
}

/**
 * Columns every Log Analytics workspace table has (Microsoft's table reference lists them on
 * each table), which the CI schema files mostly leave out; Sentinel rules use them (`Type`).
 */
export const STANDARD_COLUMNS: TableSchema = [
  { name: 'TenantId', type: 'string' },
  { name: 'Type', type: 'string' },
  { name: '_ResourceId', type: 'string' },
  { name: '_SubscriptionId', type: 'string' },
  { name: '_BilledSize', type: 'real' },
  { name: '_IsBillable', type: 'string' },
];

function withStandardColumns(columns: TableSchema): TableSchema {
  const missing = STANDARD_COLUMNS.filter((s) => !columns.some((c) => c.name === s.name));
  return missing.length === 0 ? columns : [...columns, ...missing];
}

/**
 * Built-in load order, lowest precedence first: Sentinel CI's custom tables, its default
 * tables, then our curated tables/ (merged from Microsoft's table reference, so they win).
 */
const BUILTIN_ORDER = ['ci-custom-tables', 'ci-default-tables', 'tables', 'ci-custom-functions', 'ci-functions'];

/**
 * The built-ins plus each `extraDirs` in order: the last directory given wins, then the built-ins.
 */
export function loadSchemaCatalog(extraDirs: readonly string[] = [], options: { builtins?: boolean } = {}): SchemaCatalog {
  const catalog = new SchemaCatalog();
  if (options.builtins !== false) {
    const root = builtinSchemaDir();
    for (const sub of BUILTIN_ORDER) {
      const dir = path.join(root, sub);
      if (fs.existsSync(dir)) catalog.addDirectory(dir);
    }
    for (const [name, columns] of catalog.tables) catalog.addTable(name, withStandardColumns(columns));
  }
  for (const dir of extraDirs) catalog.addDirectory(dir);
  return catalog;
}
