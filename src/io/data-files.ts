// `--data` sources -> named engine tables. A source is a file (table named after its base
// name), `Name=FILE` (named explicitly), or a folder (every supported file in it). Files of
// the same table are concatenated. Tables with a known schema are typed by it.

import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Table } from '../kql/data/column.js';
import type { TableSchema } from '../kql/types.js';
import { DataFileError, NotATableError, readDelimited } from './csv.js';
import { readJson, readJsonLines } from './json.js';
import type { SchemaCatalog } from './schemas.js';
import { buildTable, type LoadIssue, type RawTable, type TypingSource } from './table-builder.js';

export interface DataSource {
  /** The table name given as `Name=FILE`; otherwise derived from each file's name. */
  name?: string;
  path: string;
}

export interface LoadedTable {
  name: string;
  table: Table;
  schema: TableSchema;
  files: string[];
  /** True when the catalogue knew the table and typed its columns. */
  knownSchema: boolean;
  typing: Map<string, TypingSource>;
}

type Format = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = {
  '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet',
};

export const SUPPORTED_DATA_FILES = '.csv, .tsv, .json, .jsonl, .ndjson, .parquet, and .gz of the text formats';

/** `Name=FILE` names the table, unless the whole argument is itself an existing path. */
export function parseDataSource(arg: string): DataSource {
  const eq = arg.indexOf('=');
  if (eq > 0 && !fs.existsSync(arg)) return { name: arg.slice(0, eq), path: arg.slice(eq + 1) };
  return { path: arg };
}

function formatOf(file: string): { format: Format; gzip: boolean } | undefined {
  const lower = file.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const inner = gzip ? lower.slice(0, -3) : lower;
  const format = FORMAT_BY_EXTENSION[path.extname(inner)];
  if (format === undefined || (gzip && format === 'parquet')) return undefined;
  return { format, gzip };
}

/** `VMConnection.csv.gz` -> `VMConnection`. */
export function tableNameForFile(file: string): string {
  let base = path.basename(file);
  if (base.toLowerCase().endsWith('.gz')) base = base.slice(0, -3);
  return base.slice(0, base.length - path.extname(base).length);
}

function readText(file: string, gzip: boolean): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new DataFileError(file, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (gzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataFileError(file, undefined, `not valid gzip: ${(e as Error).message}`);
    }
  }
  return bytes.toString('utf8');
}

/** One file -> its raw tables, each with the table name it loads into. */
async function readDataFile(file: string, explicitName: string | undefined, issues: LoadIssue[]): Promise<{ name: string; raw: RawTable }[]> {
  const kind = formatOf(file);
  if (!kind) throw new DataFileError(file, undefined, `unsupported file type (supported: ${SUPPORTED_DATA_FILES})`);
  const name = explicitName ?? tableNameForFile(file);
  switch (kind.format) {
    case 'csv':
      return [{ name, raw: readDelimited(readText(file, kind.gzip), file, ',', issues) }];
    case 'tsv':
      return [{ name, raw: readDelimited(readText(file, kind.gzip), file, '\t', issues) }];
    case 'jsonl':
      return [{ name, raw: readJsonLines(readText(file, kind.gzip), file, issues) }];
    case 'parquet': {
      const { readParquet } = await import('./parquet.js');
      return [{ name, raw: await readParquet(file) }];
    }
    case 'json': {
      const tables = readJson(readText(file, kind.gzip), file, issues);
      if (tables.length === 1) return [{ name, raw: tables[0]!.raw }];
      if (explicitName !== undefined) {
        throw new DataFileError(file, undefined, `holds ${tables.length} tables, so it cannot be loaded as one table '${explicitName}'; pass the file without a name`);
      }
      return tables.map((t, i) => ({ name: t.name ?? `${name}_${i + 1}`, raw: t.raw }));
    }
  }
}

/** The files a source stands for: itself, or a folder's supported files (not recursive), in name order. */
export function expandDataSource(source: DataSource): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source.path);
  } catch {
    throw new DataFileError(source.path, undefined, 'no such file or folder');
  }
  if (!stat.isDirectory()) return [source.path];
  const files = fs.readdirSync(source.path)
    .filter((f) => formatOf(f) !== undefined)
    .sort()
    .map((f) => path.join(source.path, f))
    .filter((f) => fs.statSync(f).isFile());
  if (files.length === 0) throw new DataFileError(source.path, undefined, `folder holds no data files (${SUPPORTED_DATA_FILES})`);
  return files;
}

/**
 * Loads every source. Bad cells and skipped records are returned as issues; unreadable
 * files throw DataFileError (the caller decides whether that stops the run).
 */
export async function loadDataSources(sources: readonly DataSource[], catalog: SchemaCatalog): Promise<{ tables: LoadedTable[]; issues: LoadIssue[] }> {
  const issues: LoadIssue[] = [];
  const parts = new Map<string, RawTable[]>();
  for (const source of sources) {
    for (const file of expandDataSource(source)) {
      let read: { name: string; raw: RawTable }[];
      try {
        read = await readDataFile(file, source.name, issues);
      } catch (e) {
        // A folder may hold side files such as the simulator's labels.json: skip them, saying so.
        // A file named explicitly must be a table.
        if (!(e instanceof NotATableError) || file === source.path) throw e;
        issues.push({ file, message: `skipped: not a table (${e.message.slice(file.length + 2)})` });
        continue;
      }
      for (const { name, raw } of read) {
        let list = parts.get(name);
        if (!list) parts.set(name, (list = []));
        list.push(raw);
      }
    }
  }
  const tables: LoadedTable[] = [];
  for (const [name, raws] of parts) {
    const schema = catalog.table(name);
    // `Type` is the table's own name in Log Analytics; files exported without it get it back.
    if (schema?.some((c) => c.name === 'Type')) for (const raw of raws) addTypeColumn(raw, name);
    const built = buildTable(raws, schema);
    issues.push(...built.issues);
    tables.push({
      name,
      table: built.table,
      schema: built.schema,
      files: raws.map((r) => r.file),
      knownSchema: schema !== undefined,
      typing: built.typing,
    });
  }
  return { tables, issues };
}

function addTypeColumn(raw: RawTable, tableName: string): void {
  if (raw.header.some((h) => h.trim() === 'Type')) return;
  raw.header.push('Type');
  const at = raw.header.length - 1;
  for (const row of raw.rows) row[at] = tableName;
}
