// `kqlhunt start` (npm start): checks every seed query and every built-in rule and prints
// a readable summary. Findings are the output, not a failure: the seeds carry known faults.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from './args.js';
import { checkInputs } from './check-command.js';
import { COMMAND_HELP } from './help.js';
import { expandInputPaths } from './inputs.js';
import { EXIT_OK, type CliIO } from './main.js';
import { InputReporter } from './report.js';

function installRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kqlhunt installation root (package.json) not found');
    dir = up;
  }
  return dir;
}

export async function startCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('start', argv, {});
  if (args.values['help']) {
    io.stdout(COMMAND_HELP['start']!);
    return EXIT_OK;
  }
  const root = installRoot();
  const groups: { title: string; dir: string }[] = [
    { title: 'seed queries', dir: path.resolve(root, '..', 'shared', 'seeds', 'queries') },
    { title: 'built-in rules', dir: path.join(root, 'content', 'rules') },
  ];
  io.stdout('kqlhunt: checking seed queries and built-in rules\n\n');
  for (const group of groups) {
    if (!fs.existsSync(group.dir)) {
      io.stdout(`${group.title}: none (${group.dir} not found)\n\n`);
      continue;
    }
    // Relative paths keep the findings' file:line:col short and clickable from here.
    const { files } = expandInputPaths([path.relative(process.cwd(), group.dir) || '.']);
    const checked = await checkInputs(files, { syntaxOnly: false, schemaDirs: [] }, io);
    const withErrors = checked.filter((c) => c.diagnostics.some((d) => d.severity === 'error'));
    const withWarnings = checked.filter((c) => !withErrors.includes(c) && c.diagnostics.length > 0);
    io.stdout(`${group.title} (${path.relative(process.cwd(), group.dir) || '.'}): ${checked.length} checked, ` +
      `${checked.length - withErrors.length} ok, ${withErrors.length} with findings\n`);
    for (const c of checked) {
      const mark = withErrors.includes(c) ? 'FINDINGS' : withWarnings.includes(c) ? 'warnings' : 'ok';
      const cols = c.schema ? `  -> ${summariseColumns(c.schema.map((s) => s.name))}` : '';
      io.stdout(`  ${mark.padEnd(8)} ${path.basename(c.input.file)}${mark === 'ok' ? cols : ''}\n`);
    }
    for (const c of [...withErrors, ...withWarnings]) {
      io.stdout('\n' + new InputReporter(c.input).text(c.diagnostics));
    }
    io.stdout('\n');
  }
  return EXIT_OK;
}

/** `3 columns: a, b, c`, cut to one terminal line. */
function summariseColumns(names: readonly string[]): string {
  const head = `${names.length} column${names.length === 1 ? '' : 's'}: `;
  const list = names.join(', ');
  return head + (list.length > 60 ? `${list.slice(0, 59)}…` : list);
}
