// `kqlhunt check FILE...`: syntax and semantic checks of .kql files and rule YAML.

import type { Diagnostic } from '../kql/syntax/ast.js';
import type { ColumnSchema } from '../kql/types.js';
import { choiceOption, listOption, parseCommandArgs, stringOption, UsageError } from './args.js';
import { COMMAND_HELP } from './help.js';
import { expandInputPaths, readQueryInput, type QueryInput } from './inputs.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';
import { InputReporter, inputProblemDiagnostic, toFileDiagnostics, type CheckReport } from './report.js';

export interface CheckedInput {
  input: QueryInput;
  /** In file offsets. */
  diagnostics: Diagnostic[];
  schema: ColumnSchema[] | null;
}

/** Checks each input; semantic checks need the schema catalogue, loaded once. */
export async function checkInputs(
  files: readonly string[],
  options: { syntaxOnly: boolean; schemaDirs: readonly string[]; storeDir?: string },
  io: CliIO,
): Promise<CheckedInput[]> {
  const engine = await import('./engine.js');
  let env: ReturnType<typeof engine.checkEnvironment> | undefined;
  if (!options.syntaxOnly) {
    const { loadSchemaCatalog } = await import('../io/schemas.js');
    const catalog = loadSchemaCatalog(options.schemaDirs);
    for (const e of catalog.errors) io.stderr(`kqlhunt: warning: schema skipped: ${e.message}\n`);
    // Tables ingested into the embedded store are known tables too, with their stored columns.
    const { openStoreForReading, storeSchemas } = await import('./store-access.js');
    env = engine.checkEnvironment(catalog, [], storeSchemas(openStoreForReading(options.storeDir, 'check')));
  }
  const out: CheckedInput[] = [];
  for (const file of files) {
    const input = await readQueryInput(file);
    const problem = inputProblemDiagnostic(input);
    if (problem || input.query === undefined) {
      out.push({ input, diagnostics: problem ? [problem] : [], schema: null });
      continue;
    }
    const result = env === undefined ? engine.syntaxCheck(input.query) : engine.semanticCheck(input.query, env);
    out.push({ input, diagnostics: toFileDiagnostics(input, result.diagnostics), schema: result.schema });
  }
  return out;
}

export function hasError(checked: readonly CheckedInput[]): boolean {
  return checked.some((c) => c.diagnostics.some((d) => d.severity === 'error'));
}

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('check', argv, {
    'syntax-only': { type: 'boolean' },
    schemas: { type: 'string', multiple: true },
    format: { type: 'string' },
    store: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(COMMAND_HELP['check']!);
    return EXIT_OK;
  }
  const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text', 'check');
  if (args.positionals.length === 0) throw new UsageError('no files to check', 'check');
  const { files, missing } = expandInputPaths(args.positionals);
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`, 'check');
  if (files.length === 0) throw new UsageError(`no .kql, .yaml or .yml files in ${args.positionals.join(', ')}`, 'check');

  const checked = await checkInputs(files, { syntaxOnly: args.values['syntax-only'] === true, schemaDirs: listOption(args, 'schemas'), storeDir: stringOption(args, 'store') }, io);

  if (format === 'json') {
    const reports: CheckReport[] = checked.map((c) => new InputReporter(c.input).json(c.diagnostics, c.schema));
    io.stdout(JSON.stringify(reports, null, 2) + '\n');
  } else {
    let failed = 0;
    for (const c of checked) {
      if (c.diagnostics.length > 0) io.stdout(new InputReporter(c.input).text(c.diagnostics));
      if (c.diagnostics.some((d) => d.severity === 'error')) failed++;
    }
    const n = checked.length;
    io.stdout(`${n} file${n === 1 ? '' : 's'} checked: ${n - failed} ok, ${failed} with errors\n`);
  }
  return hasError(checked) ? EXIT_ERROR : EXIT_OK;
}
