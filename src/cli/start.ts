// `kqlhunt start` (npm start): the main job. Simulates an enterprise into the embedded store
// on the first run (later runs find labels.json there and reuse the data), hunts with the
// built-in exfiltration rule pack as of the simulation's last instant, stores the alerts,
// writes them as JSON lines, and prints a summary with where to look next.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOption, parseCommandArgs, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, packageVersion, type CliIO } from './main.js';
import { loadRulesReporting, ruleFiles } from './hunt-inputs.js';

/**
 * The reference estate: 14 days of 500 hosts. The first run (simulate 12.7M rows, then hunt)
 * measured 64 s on a shared 2-core machine (docs/rules.md); `--hosts` shrinks it for slower
 * machines.
 */
export const START_DEFAULTS = { days: 14, hosts: 500, seed: 42 } as const;

export const START_HELP = `Usage: kqlhunt start [--store DIR] [--hosts N] [--days N] [--seed N]
                    [--rules DIR]... [--watchlists DIR]... [--jsonl FILE]

The main job. On the first run, simulates an enterprise with injected exfiltration scenarios
into the store (default ${START_DEFAULTS.days} days, ${START_DEFAULTS.hosts} hosts, seed ${START_DEFAULTS.seed}); later runs find the
simulation there (labels.json) and reuse it. Then runs the built-in rule pack
(content/rules) with the default watchlists (content/watchlists) as of the simulation's
last instant, stores the alerts, writes them to a JSON lines file, and prints a summary.

Options:
  --store DIR        the store (default $KQLHUNT_STORE, else ~/.kqlhunt/store)
  --hosts N          machines to simulate on the first run (default ${START_DEFAULTS.hosts})
  --days N           days to simulate on the first run (default ${START_DEFAULTS.days})
  --seed N           simulation seed (default ${START_DEFAULTS.seed})
  --rules DIR        rule files or folders instead of the built-in pack (repeatable)
  --watchlists DIR   watchlist folders instead of the built-in ones (repeatable)
  --jsonl FILE       where to write this run's alerts (default STORE/start-alerts.jsonl)
  -h, --help         show this help
`;

function installRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('kqlhunt installation root (package.json) not found');
    dir = up;
  }
  return dir;
}

function positiveInteger(args: ReturnType<typeof parseCommandArgs>, name: string, fallback: number, allowZero = false): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got '${text}')`, 'start');
  }
  return n;
}

interface SimulationInfo {
  days: number;
  hosts: number;
  seed: number;
  start: string;
  end: string;
  scenarios: number;
}

function readLabels(storeDir: string): SimulationInfo | undefined {
  const file = path.join(storeDir, 'labels.json');
  if (!fs.existsSync(file)) return undefined;
  const labels = JSON.parse(fs.readFileSync(file, 'utf8')) as { days: number; hosts: number; seed: number; start: string; end: string; scenarios: unknown[] };
  return { days: labels.days, hosts: labels.hosts, seed: labels.seed, start: labels.start, end: labels.end, scenarios: labels.scenarios.length };
}

/** The store's data tables, without its bookkeeping (an empty or new store has none). */
function storedTables(storeDir: string): string[] {
  const manifest = path.join(storeDir, 'manifest.json');
  if (!fs.existsSync(manifest)) return [];
  const tables = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { tables?: Record<string, unknown> }).tables ?? {};
  return Object.keys(tables).filter((t) => t !== 'Quarantine');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export async function startCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('start', argv, {
    store: { type: 'string' },
    hosts: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    rules: { type: 'string', multiple: true },
    watchlists: { type: 'string', multiple: true },
    jsonl: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(START_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'start');
  const hosts = positiveInteger(args, 'hosts', START_DEFAULTS.hosts);
  const days = positiveInteger(args, 'days', START_DEFAULTS.days);
  const seed = positiveInteger(args, 'seed', START_DEFAULTS.seed, true);
  const root = installRoot();
  const rulePaths = listOption(args, 'rules');
  const ruleDirs = rulePaths.length > 0 ? rulePaths : [path.join(root, 'content', 'rules')];
  const watchlistPaths = listOption(args, 'watchlists');
  const watchlistDirs = watchlistPaths.length > 0 ? watchlistPaths : [path.join(root, 'content', 'watchlists')];

  const { storeDirectory } = await import('../store/location.js');
  const storeDir = storeDirectory(stringOption(args, 'store'));
  const started = Date.now();
  io.stdout(`kqlhunt start: the built-in exfiltration rule pack over a simulated enterprise\n\nstore: ${storeDir}\n`);

  // 1. The data: reuse the simulation the store holds, or make one.
  let sim = readLabels(storeDir);
  if (sim === undefined) {
    const existing = storedTables(storeDir);
    if (existing.length > 0) {
      io.stderr(`kqlhunt start: the store at ${storeDir} holds data (${existing.join(', ')}) that is not a kqlhunt simulation (no labels.json).\n`
        + `  Give an empty folder with --store DIR for the demo, or hunt your own data with:\n`
        + `  kqlhunt hunt --rules ${path.join(root, 'content', 'rules')} --watchlists ${path.join(root, 'content', 'watchlists')} --store ${storeDir}\n`);
      return EXIT_ERROR;
    }
    io.stdout(`simulation: none yet; simulating ${days} days x ${hosts} hosts (seed ${seed}) into the store...\n`);
    const simStarted = Date.now();
    const { simulateCommand } = await import('./simulate.js');
    const code = await simulateCommand(['--days', String(days), '--hosts', String(hosts), '--seed', String(seed), '--store', storeDir], io);
    if (code !== EXIT_OK) return code;
    sim = readLabels(storeDir);
    if (sim === undefined) {
      io.stderr(`kqlhunt start: the simulation finished but left no labels.json in ${storeDir}\n`);
      return EXIT_ERROR;
    }
    io.stdout(`simulation: done in ${seconds(Date.now() - simStarted)}\n`);
  } else {
    const asked = stringOption(args, 'hosts') !== undefined || stringOption(args, 'days') !== undefined || stringOption(args, 'seed') !== undefined;
    const differs = sim.hosts !== hosts || sim.days !== days || sim.seed !== seed;
    io.stdout(`simulation: reusing ${sim.days} days x ${sim.hosts} hosts (seed ${sim.seed}), ${sim.start} .. ${sim.end}`
      + `${asked && differs ? ' (the store already holds this one; use another --store for different options)' : ''}\n`);
  }

  // 2. The rules, the allowlists, and one run of every rule as of the simulation's end.
  const rules = await loadRulesReporting(ruleFiles(ruleDirs, 'start'), io);
  if (rules.length === 0) {
    io.stderr(`kqlhunt start: no rules found in ${ruleDirs.join(', ')}\n`);
    return EXIT_ERROR;
  }
  const { loadWatchlists } = await import('../detect/watchlists.js');
  const watchlists = loadWatchlists(watchlistDirs);
  const { Store } = await import('../store/store.js');
  const store = Store.open(storeDir);
  const { AlertStore } = await import('../detect/alert-store.js');
  const { hunt } = await import('../detect/hunt.js');
  const { parseDatetimeString } = await import('../kql/values/datetime.js');
  const at = parseDatetimeString(sim.end);
  if (at === null) throw new Error(`labels.json has an unreadable end time: ${sim.end}`);
  const alertStore = new AlertStore(storeDir);
  const huntStarted = Date.now();
  const { withKnownTables } = await import('../detect/runner.js');
  const { loadSchemaCatalog } = await import('../io/schemas.js');
  const { contentCatalogue } = await import('./engine.js');
  const known = loadSchemaCatalog().tables;
  const result = await hunt({
    rules, times: { at }, watchlists, store: alertStore, views: contentCatalogue(),
    data: { provider: (w) => withKnownTables(store.provider({ from: w.from, to: w.to }), known) },
  });
  const failed = result.health.filter((h) => h.status === 'failed');
  io.stdout(`hunt: ${rules.length} rules as of ${sim.end}: ${result.health.length - failed.length} ok, ${failed.length} failed (${seconds(Date.now() - huntStarted)})\n\n`);
  for (const h of failed) io.stderr(`kqlhunt start: rule failed: ${h.ruleName}: ${h.error}\n`);

  // 3. This run's alerts: new ones, and those an earlier start already stored for the same instant.
  const { summariseAlerts, renderAlertSummary } = await import('../detect/pack/summary.js');
  const runAlerts = alertStore.alerts({ since: sim.end }).filter((a) => Date.parse(a.runTime) === Date.parse(sim.end));
  alertStore.close();
  io.stdout(renderAlertSummary(summariseAlerts(rules, runAlerts)));
  const jsonl = path.resolve(stringOption(args, 'jsonl') ?? path.join(storeDir, 'start-alerts.jsonl'));
  fs.mkdirSync(path.dirname(jsonl), { recursive: true });
  fs.writeFileSync(jsonl, runAlerts.map((a) => JSON.stringify(a)).join('\n') + (runAlerts.length > 0 ? '\n' : ''));

  const rel = (p: string): string => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p) || '.');
  const kqlhunt = fs.existsSync(path.join(process.cwd(), 'bin', 'kqlhunt')) ? 'bin/kqlhunt' : 'kqlhunt';
  const storeFlag = stringOption(args, 'store') !== undefined ? ` --store ${rel(storeDir)}` : '';
  const dayAfterStart = new Date(Date.parse(sim.start) + 86_400_000).toISOString();
  io.stdout([
    '',
    `alerts: ${runAlerts.length} stored in ${rel(storeDir)} (state.db) and written to ${rel(jsonl)}`,
    `done in ${seconds(Date.now() - started)} (kqlhunt ${packageVersion()})`,
    '',
    'next:',
    `  ${kqlhunt} alerts${storeFlag}                  # the stored alerts (--format json for everything)`,
    `  ${kqlhunt} alerts${storeFlag} --health         # how each rule run went`,
    `  ${kqlhunt} hunt --rules ${rel(ruleDirs[0]!)} --watchlists ${rel(watchlistDirs[0]!)}${storeFlag} --from ${dayAfterStart} --to ${sim.end}`,
    '                                          # replay the whole period on each rule\'s schedule',
    `  ${kqlhunt} query --now ${sim.end}${storeFlag} 'VMConnection | summarize sum(BytesSent) by Computer | top 5 by sum_BytesSent'`,
    `  ${kqlhunt} validate ${rel(ruleDirs[0]!)}          # check the rules as CI would`,
    '  npm run eval                            # detection quality against the simulation\'s ground truth',
    `  ${rel(path.join(storeDir, 'labels.json'))} is the ground truth; docs/rules.md explains each rule`,
    '',
  ].join('\n'));
  return failed.length > 0 ? EXIT_ERROR : EXIT_OK;
}
