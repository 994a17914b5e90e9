// `kqlhunt query`: load --data files, run one query, print the result.

import fs from 'node:fs';
import type { Diagnostic } from '../kql/syntax/ast.js';
import { parseDatetimeString } from '../kql/values/datetime.js';
import {
  choiceOption, listOption, parseCommandArgs, positiveNumberOption, stringOption, UsageError,
} from './args.js';
import { COMMAND_HELP } from './help.js';
import { queryInputFromText, readQueryInput, type QueryInput } from './inputs.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';
import { OUTPUT_FORMATS, render } from './render.js';
import { InputReporter, inputProblemDiagnostic, toFileDiagnostics } from './report.js';

/** How many bad-cell messages to show per file and column before summarising the rest. */
const ISSUES_SHOWN_PER_GROUP = 3;

export async function queryCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('query', argv, {
    file: { type: 'string', short: 'f' },
    data: { type: 'string', multiple: true },
    store: { type: 'string' },
    schemas: { type: 'string', multiple: true },
    format: { type: 'string' },
    now: { type: 'string' },
    param: { type: 'string', multiple: true },
    'max-rows': { type: 'string' },
    timeout: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(COMMAND_HELP['query']!);
    return EXIT_OK;
  }
  const format = choiceOption(args, 'format', OUTPUT_FORMATS, 'table', 'query');
  const maxRows = positiveNumberOption(args, 'max-rows', 'query', true);
  const timeoutSeconds = positiveNumberOption(args, 'timeout', 'query', false);
  const nowText = stringOption(args, 'now');
  let now: bigint | undefined;
  if (nowText !== undefined) {
    const parsed = parseDatetimeString(nowText);
    if (parsed === null) throw new UsageError(`--now must be a datetime such as 2024-05-01T12:00:00Z (got '${nowText}')`, 'query');
    now = parsed;
  }
  const params: Record<string, string> = {};
  for (const p of listOption(args, 'param')) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be NAME=VALUE (got '${p}')`, 'query');
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }

  // The query: an argument, -f FILE, or standard input; exactly one.
  const file = stringOption(args, 'file');
  if (args.positionals.length > 1) throw new UsageError('give the query as one argument (quote it)', 'query');
  if (file !== undefined && args.positionals.length > 0) throw new UsageError('give the query either as an argument or with -f, not both', 'query');
  let input: QueryInput;
  if (file !== undefined) {
    if (!fs.existsSync(file)) throw new UsageError(`no such query file: ${file}`, 'query');
    // A rule YAML runs its `query`; errors point at the YAML file's lines.
    input = await readQueryInput(file);
    if (input.problem) {
      io.stderr(new InputReporter(input).text([inputProblemDiagnostic(input)!]));
      return EXIT_ERROR;
    }
  } else if (args.positionals.length === 1) {
    input = queryInputFromText('<query>', args.positionals[0]!);
  } else {
    const stdin = await io.readStdin();
    if (stdin === undefined || stdin.trim() === '') throw new UsageError('no query: give it as an argument, with -f FILE, or on standard input', 'query');
    input = queryInputFromText('<stdin>', stdin);
  }
  const text = input.query!;

  const { loadSchemaCatalog } = await import('../io/schemas.js');
  const catalog = loadSchemaCatalog(listOption(args, 'schemas'));
  for (const e of catalog.errors) io.stderr(`kqlhunt: warning: schema skipped: ${e.message}\n`);

  const { loadDataSources, parseDataSource } = await import('../io/data-files.js');
  const { DataFileError } = await import('../io/csv.js');
  const { formatLoadIssue } = await import('../io/table-builder.js');
  let loaded;
  try {
    loaded = await loadDataSources(listOption(args, 'data').map(parseDataSource), catalog);
  } catch (e) {
    if (e instanceof DataFileError) {
      io.stderr(`kqlhunt: error: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
  reportLoadIssues(loaded.issues.map((i) => ({ key: `${i.file}\u0000${i.message.replace(/^column ([^:]+):.*$/, '$1')}`, text: formatLoadIssue(i) })), io);

  // Without --data the query reads the embedded store (src/store), when there is one.
  const { openStoreForReading } = await import('./store-access.js');
  const store = listOption(args, 'data').length === 0 ? openStoreForReading(stringOption(args, 'store'), 'query') : undefined;

  const { runQuery } = await import('./engine.js');
  const outcome = await runQuery(text, {
    catalog,
    tables: loaded.tables,
    ...(store !== undefined ? { store: store.provider() } : {}),
    now,
    params,
    maxRows,
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
  });
  const reporter = new InputReporter(input);
  for (const table of outcome.emptyTables) io.stderr(`kqlhunt: note: no data loaded for table ${table}; it was read as empty\n`);
  const warnings = outcome.diagnostics.filter((d: Diagnostic) => d.severity !== 'error');
  const errors = outcome.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (warnings.length > 0) io.stderr(reporter.text(toFileDiagnostics(input, warnings)));
  if (errors.length > 0) io.stderr(reporter.text(toFileDiagnostics(input, errors)));
  for (const message of outcome.errors) io.stderr(`${input.file}: error: ${message}\n`);
  if (outcome.result === undefined) return EXIT_ERROR;
  render(outcome.result, format, io.stdout);
  return EXIT_OK;
}

/** Bad cells: a few examples per file and column, then a count, so a bad file cannot flood the terminal. */
function reportLoadIssues(issues: { key: string; text: string }[], io: CliIO): void {
  const groups = new Map<string, string[]>();
  for (const i of issues) {
    let g = groups.get(i.key);
    if (!g) groups.set(i.key, (g = []));
    g.push(i.text);
  }
  for (const texts of groups.values()) {
    for (const t of texts.slice(0, ISSUES_SHOWN_PER_GROUP)) io.stderr(`kqlhunt: warning: ${t}\n`);
    if (texts.length > ISSUES_SHOWN_PER_GROUP) io.stderr(`kqlhunt: warning: ... and ${texts.length - ISSUES_SHOWN_PER_GROUP} more like these\n`);
  }
  if (issues.length > 0) io.stderr(`kqlhunt: warning: ${issues.length} problem(s) while loading data; bad cells were stored as null\n`);
}
