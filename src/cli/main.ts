// The kqlhunt command line: parse flags, call the layers, print. Exit codes: 0 ok,
// 1 when any query (or its data) has an error, 2 bad usage.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { MAIN_HELP, commandHelp } from './help.js';
import type { Write } from './render.js';

export interface CliIO {
  stdout: Write;
  stderr: Write;
  /** The whole of standard input, or undefined when it is a terminal (nothing piped). */
  readStdin: () => Promise<string | undefined>;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

let pipeGuardInstalled = false;

function processIO(): CliIO {
  if (!pipeGuardInstalled) {
    pipeGuardInstalled = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      // A closed pipe (`| head`) is a normal way to stop reading.
      if (e.code === 'EPIPE') process.exit(EXIT_OK);
      throw e;
    });
  }
  return {
    stdout: (s) => { process.stdout.write(s); },
    stderr: (s) => { process.stderr.write(s); },
    readStdin: async () => {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        const topic = command === 'help' ? rest[0] : undefined;
        const text = topic === undefined ? MAIN_HELP : await commandHelp(topic);
        if (text === undefined) throw new UsageError(`unknown command '${topic}'`);
        if (command === undefined) {
          io.stderr(MAIN_HELP);
          return EXIT_USAGE;
        }
        io.stdout(text);
        return EXIT_OK;
      }
      case '--version':
      case '-V':
        io.stdout(`kqlhunt ${packageVersion()}\n`);
        return EXIT_OK;
      case 'query': {
        const { queryCommand } = await import('./query-command.js');
        return await queryCommand(rest, io);
      }
      // The embedded store (src/store; owned by the store engineer).
      case 'ingest': {
        const { ingestCommand } = await import('./ingest.js');
        return await ingestCommand(rest, io);
      }
      case 'store': {
        const { storeCommand } = await import('./store-command.js');
        return await storeCommand(rest, io);
      }
      case 'check': {
        const { checkCommand } = await import('./check-command.js');
        return await checkCommand(rest, io);
      }
      // The main job (src/cli/start.ts; owned by the rule-pack engineer).
      case 'start': {
        const { startCommand } = await import('./start.js');
        return await startCommand(rest, io);
      }
      // Detection commands (src/detect; owned by the detection engineer).
      case 'validate': {
        const { validateCommand } = await import('./validate.js');
        return await validateCommand(rest, io);
      }
      case 'hunt': {
        const { huntCommand } = await import('./hunt.js');
        return await huntCommand(rest, io);
      }
      case 'run': {
        const { runCommand } = await import('./run.js');
        return await runCommand(rest, io);
      }
      case 'alerts': {
        const { alertsCommand } = await import('./alerts.js');
        return await alertsCommand(rest, io);
      }
      // Simulated telemetry (owned by src/sim; see docs/simulation.md).
      case 'simulate': {
        const { simulateCommand } = await import('./simulate.js');
        return await simulateCommand(rest, io);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kqlhunt${e.command ? ` ${e.command}` : ''}: ${e.message}\n`);
      io.stderr(e.command ? `Run 'kqlhunt ${e.command} --help' for usage.\n` : "Run 'kqlhunt help' for usage.\n");
      return EXIT_USAGE;
    }
    throw e;
  }
}

// `node dist/src/cli/main.js start` (npm start) runs this module directly.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`kqlhunt: internal error: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
