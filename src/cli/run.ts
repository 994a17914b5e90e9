// `kqlhunt run`: the long-running scheduler over the store; rules run on their schedules,
// missed slots are caught up after downtime, alerts go to the store and the sinks.

import fs from 'node:fs';
import path from 'node:path';
import { listOption, parseCommandArgs, positiveNumberOption, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, packageVersion, type CliIO } from './main.js';
import { loadHuntWatchlists, loadRulesReporting, parseSinkOptions, ruleFiles, storeHuntData } from './hunt-inputs.js';

export const RUN_HELP = `Usage: kqlhunt run [--rules DIR]... [--store DIR] [--watchlists DIR]... [--sink SPEC]...
                  [--once] [--poll SECONDS]

Runs Sentinel analytics rules (Scheduled, NRT) over the store on their schedules, as
Sentinel does: each rule runs every queryFrequency, on the multiples of it since
1970-01-01T00:00Z (an hourly rule runs on the hour), over [run time - queryPeriod, run time).
Each rule's last completed run is kept in the store's state database: after downtime the
missed runs are made in time order (at most 14 days back), and no alert is raised twice.
A failing rule is recorded in rule health (kqlhunt alerts --health) and the others go on.
Hunting queries have no schedule and are not run (use kqlhunt hunt).

  --rules DIR       rule files or folders (.yaml, .yml, .json ARM exports); repeatable
  --store DIR       the store (default $KQLHUNT_STORE or ~/.kqlhunt/store): the data, and
                    where alerts, incidents, rule health and the schedule are kept
  --watchlists DIR  <alias>.csv files for _GetWatchlist('alias'), on top of the store's
  --sink SPEC       also send new alerts to jsonl:FILE, http(s)://URL, cef+udp://HOST:PORT
                    or cef+tcp://HOST:PORT; repeatable
  --once            make the runs that are due (catching up) and exit
  --poll SECONDS    longest wait between checks for due runs (default 60)
  --timeout S       seconds each run may take

SIGINT or SIGTERM stops it between runs.
Exit status: 0 stopped cleanly (with --once: every run succeeded), 1 with --once a rule
failed or a sink could not be reached, 2 bad usage.
`;


/** `clock` and `signal` let tests drive time and stop the loop; the CLI uses neither. */
export async function runCommand(argv: string[], io: CliIO, control: { clock?: import('../detect/scheduler.js').SchedulerClock; signal?: AbortSignal } = {}): Promise<number> {
  const args = parseCommandArgs('run', argv, {
    rules: { type: 'string', multiple: true },
    store: { type: 'string' },
    watchlists: { type: 'string', multiple: true },
    sink: { type: 'string', multiple: true },
    once: { type: 'boolean' },
    poll: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(RUN_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (rules are given with --rules)`, 'run');
  const pollSeconds = positiveNumberOption(args, 'poll', 'run', false);
  const timeoutSeconds = positiveNumberOption(args, 'timeout', 'run', false);
  const once = args.values['once'] === true;
  const rulePaths = listOption(args, 'rules');
  if (rulePaths.length === 0) throw new UsageError('give the rules to run with --rules DIR', 'run');

  const rules = await loadRulesReporting(ruleFiles(rulePaths, 'run'), io);
  const { scheduledRules, runScheduler, ScheduleState, describeSlot } = await import('../detect/scheduler.js');
  if (scheduledRules(rules).length === 0) {
    io.stderr('kqlhunt run: no enabled Scheduled or NRT rules to run\n');
    return EXIT_ERROR;
  }

  const { storeDirectory } = await import('../store/location.js');
  const storeDir = storeDirectory(stringOption(args, 'store'));
  const { loadSchemaCatalog } = await import('../io/schemas.js');
  const data = await storeHuntData(storeDir, loadSchemaCatalog(listOption(args, 'schemas')));
  const { contentCatalogue } = await import('./engine.js');
  const views = contentCatalogue();

  const watchlists = await loadHuntWatchlists(storeDir, listOption(args, 'watchlists'), io);
  if (watchlists === undefined) return EXIT_ERROR;
  const sinks = await parseSinkOptions(listOption(args, 'sink'), packageVersion(), 'run');

  const controller = new AbortController();
  control.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const stop = (): void => {
    if (!controller.signal.aborted) io.stderr('kqlhunt run: stopping after the current run\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const { AlertStore } = await import('../detect/alert-store.js');
  const alertStore = new AlertStore(storeDir);
  const state = new ScheduleState(storeDir);
  let summary;
  try {
    summary = await runScheduler({
      rules, data, views, watchlists, sinks, alertStore, state, once, signal: controller.signal,
      ...(control.clock !== undefined ? { clock: control.clock } : {}),
      ...(pollSeconds !== undefined ? { pollMs: pollSeconds * 1000 } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      onCatchUp: (r) => {
        io.stderr(`kqlhunt run: ${r.rule.name}: catching up ${r.caughtUp} missed run(s)` +
          (r.skipped > 0 ? `; ${r.skipped} older than 14 days skipped` : '') + '\n');
      },
      onRun: (o) => {
        for (const h of o.health) {
          io.stdout(`${describeSlot(o.slot)} ${h.status} ${h.ruleName}: ${h.resultCount} result(s), ${h.alertCount} new alert(s)\n`);
          if (h.status === 'failed') io.stderr(`kqlhunt: rule failed: ${h.ruleName}: ${h.error}\n`);
        }
        for (const s of o.sinkErrors) io.stderr(`kqlhunt: error: ${s}\n`);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    state.close();
    alertStore.close();
  }
  io.stdout(`kqlhunt run: ${summary.runs} run(s), ${summary.alerts} new alert(s), ${summary.failedRuns} failed\n`);
  return once && (summary.failedRuns > 0 || summary.sinkErrors > 0) ? EXIT_ERROR : EXIT_OK;
}
