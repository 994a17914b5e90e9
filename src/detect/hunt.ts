// A hunt: every rule run once at a time (`--at`) or replayed on its schedule over a period
// (`--from/--to`), alerts raised and put into incidents, state saved, sinks fed.

import { formatDatetimeIso, parseDatetimeString } from '../kql/values/datetime.js';
import { alertsForRun, assignIncidents, isSuppressed, type Alert, type Incident } from './alerts.js';
import type { AlertStore, RuleHealth } from './alert-store.js';
import { FirstSeenTracker } from './first-seen.js';
import type { Rule } from './rule.js';
import { runRule, scheduleTimes, TICKS_PER_MS, windowFor, type RuleRun, type RunOptions } from './runner.js';
import type { AlertSink } from './sinks.js';

export type HuntTimes = { at: bigint } | { from: bigint; to: bigint };

export interface HuntOptions extends RunOptions {
  rules: readonly Rule[];
  times: HuntTimes;
  /** Where alerts, incidents and rule health are kept; without it nothing is saved. */
  store?: AlertStore;
  sinks?: readonly AlertSink[];
}

export interface HuntResult {
  runs: RuleRun[];
  /** New alerts (an alert already stored by an earlier identical run is not raised again). */
  alerts: Alert[];
  incidents: Incident[];
  health: RuleHealth[];
  /** Sinks that failed, with why; the alerts are still stored. */
  sinkErrors: string[];
}

function ticks(iso: string): bigint {
  const t = parseDatetimeString(iso);
  if (t === null) throw new Error(`internal: not a datetime: ${iso}`);
  return t;
}

/** The runs of one rule: at `--at`, on its schedule over `--from/--to`, or once over the window for hunting queries. */
function runTimesFor(rule: Rule, times: HuntTimes): { runTime: bigint; window: { from: bigint; to: bigint } }[] {
  if ('at' in times) return [{ runTime: times.at, window: windowFor(rule, times.at) }];
  if (rule.kind === 'Hunting') return [{ runTime: times.to, window: { from: times.from, to: times.to } }];
  return scheduleTimes(rule, times.from, times.to).map((t) => ({ runTime: t, window: windowFor(rule, t) }));
}

export async function hunt(options: HuntOptions): Promise<HuntResult> {
  const result: HuntResult = { runs: [], alerts: [], incidents: [], health: [], sinkErrors: [] };
  const known = new Set<string>();
  const isKnown = (id: string): boolean => known.has(id) || (options.store?.hasAlert(id) ?? false);
  const changedIncidents = new Map<string, Incident>();
  // Rules' first-seen tables persist beside the alerts; without a store they last this hunt.
  const firstSeen = new FirstSeenTracker(options.store?.storeDir);
  try {
    for (const rule of options.rules) {
      if (!rule.enabled) continue;
      const lastStored = options.store && rule.id ? options.store.lastAlertTime(rule.id) : undefined;
      let lastAlert = lastStored === undefined ? undefined : ticks(lastStored);
      const incidents = options.store && rule.id ? options.store.incidents(rule.id) : [];
      for (const { runTime, window } of runTimesFor(rule, options.times)) {
        let run: RuleRun;
        if (isSuppressed(rule, runTime, lastAlert)) {
          run = { rule, runTime, windowStart: window.from, windowEnd: window.to, status: 'suppressed', columns: [], rows: [], durationMs: 0 };
        } else {
          run = runRule(rule, runTime, { ...options, data: firstSeen.dataFor(rule, options.data) }, window);
        }
        if (run.status !== 'failed') {
          const error = firstSeen.record(rule, window, options.data);
          if (error !== undefined) run = { ...run, status: 'failed', error };
        }
        const alerts = alertsForRun(rule, run).filter((a) => !isKnown(a.alertId));
        for (const a of alerts) known.add(a.alertId);
        if (alerts.length > 0) {
          lastAlert = runTime;
          for (const i of assignIncidents(rule, alerts, incidents)) changedIncidents.set(i.incidentId, i);
        }
        result.runs.push(run);
        result.alerts.push(...alerts);
        result.health.push({
          ruleId: rule.id, ruleName: rule.name, ruleFile: rule.source.file,
          runTime: formatDatetimeIso(runTime), windowStart: formatDatetimeIso(run.windowStart), windowEnd: formatDatetimeIso(run.windowEnd),
          status: run.status, ...(run.error !== undefined ? { error: run.error } : {}),
          resultCount: run.rows.length, alertCount: alerts.length, durationMs: run.durationMs,
        });
      }
    }
  } finally {
    firstSeen.close();
  }
  result.incidents = [...changedIncidents.values()];
  options.store?.save(result.alerts, result.incidents, result.health);
  for (const sink of options.sinks ?? []) {
    try {
      await sink.send(result.alerts);
    } catch (e) {
      result.sinkErrors.push(`${sink.description}: ${(e as Error).message}`);
    }
  }
  return result;
}

export { TICKS_PER_MS };
