// `kqlhunt hunt`: run Sentinel rules over a store or --data files, once (--at) or replaying
// their schedule (--from/--to); alerts are saved in the store's detection state and sent to sinks.

import fs from 'node:fs';
import path from 'node:path';
import { choiceOption, listOption, parseCommandArgs, positiveNumberOption, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, packageVersion, type CliIO } from './main.js';
import { loadHuntWatchlists, loadRulesReporting, parseSinkOptions, ruleFiles, storeHuntData } from './hunt-inputs.js';

export const HUNT_HELP = `Usage: kqlhunt hunt [--rules DIR]... [--at T | --from T1 --to T2] [--store DIR] [--data PATH]...
                   [--format table|json] [--param NAME=VALUE]... [--watchlists DIR]... [--sink SPEC]...

Runs Sentinel analytics rules (Scheduled, NRT) and hunting queries as Sentinel's scheduler
would: now() is the run time and every table is clipped to [run time - queryPeriod, run time)
on TimeGenerated, whatever lookback the query itself asks for.

  --rules DIR       rule files or folders (.yaml, .yml, .json ARM exports); repeatable
  --at T            one run of each rule at T (ISO 8601; default: now)
  --from T1 --to T2 replay: each rule runs every queryFrequency after T1 up to T2;
                    hunting queries run once over [T1, T2)
  --store DIR       the store (default $KQLHUNT_STORE or ~/.kqlhunt/store): data to hunt in
                    unless --data is given, and where alerts, incidents and rule health are kept
  --data PATH       data files or folders instead of the store (Name=FILE names the table)
  --param N=V       fills {{N}} placeholders and query parameters ({{StartTimeISO}} and
                    {{EndTimeISO}} come from the run's window)
  --watchlists DIR  <alias>.csv files for _GetWatchlist('alias'), on top of the store's
                    watchlists (its state database, then STORE/watchlists/*.csv)
  --schemas DIR     more table schemas
  --sink SPEC       also send new alerts to jsonl:FILE, http(s)://URL (webhook),
                    cef+udp://HOST:PORT or cef+tcp://HOST:PORT (CEF over syslog); repeatable
  --format F        table (default) or json
  --timeout S       seconds each run may take

Exit status: 0 all runs succeeded, 1 a rule failed or a sink could not be reached, 2 bad usage.
`;

function parseTime(text: string, flag: string, parse: (t: string) => bigint | null): bigint {
  const t = parse(text);
  if (t === null) throw new UsageError(`--${flag} must be a datetime such as 2024-05-01T12:00:00Z (got '${text}')`, 'hunt');
  return t;
}


export async function huntCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('hunt', argv, {
    rules: { type: 'string', multiple: true },
    at: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    store: { type: 'string' },
    data: { type: 'string', multiple: true },
    format: { type: 'string' },
    param: { type: 'string', multiple: true },
    watchlists: { type: 'string', multiple: true },
    schemas: { type: 'string', multiple: true },
    sink: { type: 'string', multiple: true },
    timeout: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(HUNT_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (rules are given with --rules)`, 'hunt');
  const format = choiceOption(args, 'format', ['table', 'json'] as const, 'table', 'hunt');
  const timeoutSeconds = positiveNumberOption(args, 'timeout', 'hunt', false);
  const rulePaths = listOption(args, 'rules');
  if (rulePaths.length === 0) throw new UsageError('give the rules to run with --rules DIR', 'hunt');
  const params: Record<string, string> = {};
  for (const p of listOption(args, 'param')) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be NAME=VALUE (got '${p}')`, 'hunt');
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }

  const { parseDatetimeString } = await import('../kql/values/datetime.js');
  const { currentTicks } = await import('../kql/index.js');
  const at = stringOption(args, 'at');
  const from = stringOption(args, 'from');
  const to = stringOption(args, 'to');
  let times: import('../detect/hunt.js').HuntTimes;
  if (at !== undefined && (from !== undefined || to !== undefined)) throw new UsageError('give either --at or --from/--to, not both', 'hunt');
  if ((from === undefined) !== (to === undefined)) throw new UsageError('--from and --to go together', 'hunt');
  if (from !== undefined && to !== undefined) {
    times = { from: parseTime(from, 'from', parseDatetimeString), to: parseTime(to, 'to', parseDatetimeString) };
    if (times.to <= times.from) throw new UsageError('--to must be later than --from', 'hunt');
  } else {
    times = { at: at === undefined ? currentTicks() : parseTime(at, 'at', parseDatetimeString) };
  }

  const rules = await loadRulesReporting(ruleFiles(rulePaths, 'hunt'), io);
  if (rules.length === 0) {
    io.stderr('kqlhunt hunt: no rules to run\n');
    return EXIT_ERROR;
  }

  const { storeDirectory } = await import('../store/location.js');
  const storeDir = storeDirectory(stringOption(args, 'store'));
  const { loadSchemaCatalog } = await import('../io/schemas.js');
  const catalog = loadSchemaCatalog(listOption(args, 'schemas'));
  const { memoryData } = await import('../detect/runner.js');
  let data: import('../detect/runner.js').HuntData;
  const dataArgs = listOption(args, 'data');
  if (dataArgs.length > 0) {
    const { loadDataSources, parseDataSource } = await import('../io/data-files.js');
    const { DataFileError } = await import('../io/csv.js');
    try {
      const loaded = await loadDataSources(dataArgs.map(parseDataSource), catalog);
      if (loaded.issues.length > 0) io.stderr(`kqlhunt: warning: ${loaded.issues.length} problem(s) while loading data; bad cells were stored as null\n`);
      data = memoryData(new Map(loaded.tables.map((t) => [t.name, t.table])), catalog.tables);
    } catch (e) {
      if (e instanceof DataFileError) {
        io.stderr(`kqlhunt: error: ${e.message}\n`);
        return EXIT_ERROR;
      }
      throw e;
    }
  } else {
    data = await storeHuntData(storeDir, catalog);
  }
  const { contentCatalogue } = await import('./engine.js');
  const views = contentCatalogue();

  const watchlists = await loadHuntWatchlists(storeDir, listOption(args, 'watchlists'), io);
  if (watchlists === undefined) return EXIT_ERROR;
  const sinks = await parseSinkOptions(listOption(args, 'sink'), packageVersion(), 'hunt');

  const { AlertStore } = await import('../detect/alert-store.js');
  const { hunt } = await import('../detect/hunt.js');
  const alertStore = new AlertStore(storeDir);
  let result;
  try {
    result = await hunt({
      rules, times, data, views, watchlists, params, sinks, store: alertStore,
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
    });
  } finally {
    alertStore.close();
  }

  if (format === 'json') {
    io.stdout(JSON.stringify({ runs: result.health, alerts: result.alerts, incidents: result.incidents, sinkErrors: result.sinkErrors }, null, 2) + '\n');
  } else {
    const { renderHuntTable } = await import('./alerts.js');
    io.stdout(renderHuntTable(result));
  }
  for (const h of result.health) if (h.status === 'failed') io.stderr(`kqlhunt: rule failed: ${h.ruleName}: ${h.error}\n`);
  for (const s of result.sinkErrors) io.stderr(`kqlhunt: error: ${s}\n`);
  return result.health.some((h) => h.status === 'failed') || result.sinkErrors.length > 0 ? EXIT_ERROR : EXIT_OK;
}
