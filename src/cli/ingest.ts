// `kqlhunt ingest`: log files -> the ingest pipeline -> the embedded store, one committed
// transaction per file, so an interrupted run keeps every file it finished and re-running it
// skips them (docs/storage.md).

import fs from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { IngestFormat } from '../ingest/pipeline.js';
import { CountryFillEnricher } from '../enrich/ingest-geo.js';
import { choiceOption, parseCommandArgs, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';

export const INGEST_HELP = `Usage: kqlhunt ingest [options] FILE|DIR|-...

Parses log files and stores their rows in the local store, where 'kqlhunt query' and the
detections read them. Folders are read recursively; '-' reads standard input. A file whose
bytes were ingested before is skipped. Records that cannot be parsed go to the Quarantine
table (query it: kqlhunt query 'Quarantine | summarize count() by Reason').

Options:
  --format FORMAT    auto (default: sniffed per file and per line), cef, syslog, asa, panos,
                     fortigate, zeek, sentinel-csv, sentinel-json (Log Analytics exports),
                     or a plain table file: csv, json, ndjson, parquet
  --table NAME       the table for exports and plain table files (default: from the
                     records' Type column, else the file name)
  --store DIR        the store (default: $KQLHUNT_STORE, else ~/.kqlhunt/store)
  --summary FORMAT   text (default) or json: one line {"lines":N,"tables":{...},"quarantined":N}
  -h, --help         show this help

Exit codes: 0 ok (also when records were quarantined), 1 a file could not be read,
2 bad usage.
`;

const FORMATS = [
  'auto', 'cef', 'syslog', 'asa', 'panos', 'fortigate', 'zeek', 'sentinel-csv', 'sentinel-json', 'csv', 'json', 'ndjson', 'parquet',
] as const;
type CliFormat = (typeof FORMATS)[number];
const TABLE_FILE_FORMATS: readonly string[] = ['csv', 'json', 'ndjson', 'parquet'];

export interface IngestCommandEnv {
  /** Standard input as bytes (gzip must survive); default: process.stdin. */
  readStdinBytes?: () => Promise<Buffer>;
  /** Show progress on stderr (default: when stderr is a terminal). */
  progress?: boolean;
}

interface Totals {
  lines: number;
  tables: Record<string, number>;
  quarantined: number;
  files: number;
  skipped: number;
  badFields: number;
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function* bytesAsStream(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Zeek logs come as TSV (`#fields` headers) or JSON lines; the first record says which. */
function zeekFlavour(file: string, stdin: Buffer | undefined): IngestFormat {
  let head: Buffer;
  if (stdin !== undefined) head = stdin.subarray(0, 65536);
  else {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(65536);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      // A damaged start: the pipeline reports it when it reads the file as TSV.
    }
  }
  const first = head.toString('utf8').replace(/^\uFEFF/, '').split('\n').find((l) => l.trim() !== '');
  return first !== undefined && first.trimStart().startsWith('{') ? 'zeek-json' : 'zeek-tsv';
}

export async function ingestCommand(argv: string[], io: CliIO, env: IngestCommandEnv = {}): Promise<number> {
  const args = parseCommandArgs('ingest', argv, {
    format: { type: 'string' },
    table: { type: 'string' },
    store: { type: 'string' },
    summary: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(INGEST_HELP);
    return EXIT_OK;
  }
  const format: CliFormat = choiceOption(args, 'format', FORMATS, 'auto', 'ingest');
  const summaryFormat = choiceOption(args, 'summary', ['text', 'json'] as const, 'text', 'ingest');
  const table = stringOption(args, 'table');
  if (table !== undefined && !/^\S/.test(table)) throw new UsageError(`--table needs a table name (got '${table}')`, 'ingest');
  if (args.positionals.length === 0) throw new UsageError('no input: give files, folders, or - for standard input', 'ingest');
  if (args.positionals.filter((p) => p === '-').length > 1) throw new UsageError("'-' (standard input) can be given only once", 'ingest');
  const isTableFormat = TABLE_FILE_FORMATS.includes(format);
  if (isTableFormat && table === undefined && args.positionals.includes('-')) {
    throw new UsageError(`--format ${format} from standard input needs --table NAME`, 'ingest');
  }

  const { storeDirectory } = await import('../store/location.js');
  const { Store } = await import('../store/store.js');
  const { StoreLockedError } = await import('../store/files.js');
  const { hashBytes, hashFile } = await import('../store/source-hash.js');
  const { currentTicksValue } = await import('../store/values.js');
  const pipeline = await import('../ingest/pipeline.js');

  const storeDir = storeDirectory(stringOption(args, 'store'));
  const store = Store.open(storeDir, { create: true });
  const ingestTime = currentTicksValue();
  let writer;
  try {
    writer = store.writer({ ingestTime });
  } catch (e) {
    if (e instanceof StoreLockedError) {
      io.stderr(`kqlhunt ingest: error: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }

  const totals: Totals = { lines: 0, tables: {}, quarantined: 0, files: 0, skipped: 0, badFields: 0 };
  let unreadable = 0;
  const fail = (file: string, why: string): void => {
    unreadable++;
    io.stderr(`kqlhunt ingest: error: cannot read ${file}: ${why}\n`);
  };
  const showProgress = env.progress ?? process.stderr.isTTY === true;
  let progressShown = false;
  const progress = (text: string): void => {
    if (!showProgress) return;
    io.stderr(`\r\u001b[K${text}`);
    progressShown = true;
  };

  try {
    const files: string[] = [];
    for (const p of args.positionals) {
      if (p === '-') { files.push(p); continue; }
      try {
        files.push(...pipeline.expandInputs([p]));
      } catch (e) {
        fail(p, errorCode(e));
      }
    }
    for (const file of files) {
      let stdin: Buffer | undefined;
      let identity;
      try {
        if (file === '-') {
          stdin = await (env.readStdinBytes ?? readAllStdin)();
          identity = hashBytes(stdin);
        } else {
          identity = await hashFile(file);
        }
      } catch (e) {
        fail(file, errorCode(e));
        continue;
      }
      const before = writer.ingested(identity.sha256, identity.size);
      if (before !== undefined) {
        totals.skipped++;
        io.stderr(`kqlhunt ingest: ${file}: already in the store${before.file === file ? '' : ` (same bytes as ${before.file})`}; skipped\n`);
        continue;
      }
      writer.beginSource({ file, ...identity });
      try {
        if (isTableFormat) {
          const { ingestTableFile } = await import('../store/table-files.js');
          const { loadSchemaCatalog } = await import('../io/schemas.js');
          const { tableNameForFile } = await import('../io/data-files.js');
          const bytes = stdin ?? fs.readFileSync(file);
          const r = await ingestTableFile(bytes, file, format as 'csv', table ?? tableNameForFile(file), loadSchemaCatalog(), writer);
          totals.lines += r.lines;
          for (const issue of r.issues.slice(0, 3)) io.stderr(`kqlhunt ingest: warning: ${issue}\n`);
          if (r.issues.length > 3) io.stderr(`kqlhunt ingest: warning: ... and ${r.issues.length - 3} more like these\n`);
          totals.badFields += r.issues.length;
        } else {
          const pipelineFormat: IngestFormat = format === 'zeek' ? zeekFlavour(file, stdin) : (format as IngestFormat);
          const summary = await pipeline.ingest([file], writer, {
            format: pipelineFormat,
            ingestTime,
            enrichers: [new CountryFillEnricher()],
            ...(table !== undefined ? { table } : {}),
            ...(stdin !== undefined ? { stdin: bytesAsStream(stdin) } : {}),
            ...(showProgress ? { onProgress: (p) => progress(`${file}: ${p.lines.toLocaleString('en-US')} lines, ${(p.bytes / 1e6).toFixed(1)} MB`) } : {}),
          });
          totals.lines += summary.lines;
          totals.badFields += summary.badFields;
        }
        const committed = writer.commitSource();
        totals.files++;
        totals.quarantined += committed.quarantined;
        for (const [t, n] of Object.entries(committed.tables)) totals.tables[t] = (totals.tables[t] ?? 0) + n;
        totals.badFields += writer.badValues;
      } catch (e) {
        writer.abortSource();
        const { DataFileError } = await import('../io/csv.js');
        if (e instanceof DataFileError) fail(file, e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message);
        else if ((e as NodeJS.ErrnoException).code !== undefined) fail(file, errorCode(e));
        else throw e;
      }
    }
  } finally {
    writer.close();
    if (progressShown) io.stderr('\r\u001b[K');
  }

  if (totals.badFields > 0) {
    io.stderr(`kqlhunt ingest: warning: ${totals.badFields} field value(s) did not fit their column's type and were stored as null\n`);
  }
  if (summaryFormat === 'json') {
    io.stdout(JSON.stringify({ lines: totals.lines, tables: totals.tables, quarantined: totals.quarantined }) + '\n');
  } else {
    io.stdout(textSummary(totals, store.dir));
  }
  return unreadable > 0 ? EXIT_ERROR : EXIT_OK;
}

function textSummary(t: Totals, storeDir: string): string {
  const rows = Object.values(t.tables).reduce((a, b) => a + b, 0);
  const plural = (n: number, w: string): string => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;
  let out = `ingested ${plural(t.files, 'file')}`;
  if (t.skipped > 0) out += ` (${t.skipped} skipped: already in the store)`;
  out += `: ${plural(t.lines, 'line')} -> ${plural(rows, 'row')}, ${t.quarantined.toLocaleString('en-US')} quarantined\n`;
  const names = Object.keys(t.tables).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const n of names) out += `  ${n.padEnd(width)}  ${t.tables[n]!.toLocaleString('en-US')}\n`;
  out += `store: ${storeDir}\n`;
  return out;
}
