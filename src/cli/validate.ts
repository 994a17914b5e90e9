// `kqlhunt validate PATH...`: CI checks of Sentinel rule files (YAML, ARM JSON). Exit 1 when
// any rule has an error, 2 on bad usage.

import fs from 'node:fs';
import path from 'node:path';
import { choiceOption, listOption, parseCommandArgs, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, packageVersion, type CliIO } from './main.js';

export const VALIDATE_HELP = `Usage: kqlhunt validate PATH... [--format text|json|sarif] [--schemas DIR]

Checks Sentinel analytics rules and hunting queries (repository YAML, or ARM JSON exports):
the query (syntax, tables, columns, types), Sentinel's limits (schedule, entity mappings,
custom details, alert detail overrides), and that every mapped column exists in the
query's result. Folders are searched for .yaml, .yml and .json files.

Options:
  --format F      text (default: file:line:col: severity: message [check]), json, or sarif (SARIF 2.1.0)
  --schemas DIR   more table/function schema files (JSON), on top of the built-in Sentinel schemas
  -h, --help      this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage.
`;

const RULE_FILE = /\.(ya?ml|json)$/i;

function expandRulePaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (RULE_FILE.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`, 'validate');
    }
    if (stat.isDirectory()) walk(p);
    else files.push(p);
  }
  return files;
}

export async function validateCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('validate', argv, {
    format: { type: 'string' },
    schemas: { type: 'string', multiple: true },
  });
  if (args.values['help']) {
    io.stdout(VALIDATE_HELP);
    return EXIT_OK;
  }
  const format = choiceOption(args, 'format', ['text', 'json', 'sarif'] as const, 'text', 'validate');
  if (args.positionals.length === 0) throw new UsageError('give one or more rule files or folders', 'validate');
  const files = expandRulePaths(args.positionals);

  const { loadSchemaCatalog } = await import('../io/schemas.js');
  const catalog = loadSchemaCatalog(listOption(args, 'schemas'));
  for (const e of catalog.errors) io.stderr(`kqlhunt: warning: schema skipped: ${e.message}\n`);
  const { loadRuleFile } = await import('../detect/rule.js');
  const { validateLoaded, validationEnvironment } = await import('../detect/validate.js');
  const { formatJson, formatSarif, formatText } = await import('../detect/report.js');
  const env = validationEnvironment(catalog);

  const reports = files.map((file) => {
    const loaded = loadRuleFile(file);
    return { file, lineCol: loaded.lineCol, findings: validateLoaded(loaded, env), rules: loaded.rules.length };
  });
  const out = format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, packageVersion()) : formatText(reports);
  io.stdout(out);
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? EXIT_ERROR : EXIT_OK;
}
