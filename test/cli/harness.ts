// Runs the CLI in-process with captured output, or as a child process for exit codes and timing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from '../util/paths.js';

// Each test file gets its own empty default store, so no test sees another's data (test files
// run in parallel processes) and none touches the user's ~/.kqlhunt/store.
process.env['KQLHUNT_STORE'] = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-cli-store-'));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], stdin?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

export const BIN = path.join(REPO_ROOT, 'bin', 'kqlhunt');

export function spawnCli(argv: string[], options: { input?: string; cwd?: string } = {}): CliRun & { ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...argv], { input: options.input ?? '', cwd: options.cwd ?? REPO_ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}
