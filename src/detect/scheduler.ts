// The long-running scheduler behind `kqlhunt run`: every enabled Scheduled/NRT rule runs at
// each slot of its schedule, slots being the multiples of its queryFrequency since the Unix
// epoch (an hourly rule runs on the hour, whenever the scheduler was started). Each rule's
// last completed slot is kept in the state database, so after downtime the missed slots are
// run in time order; alerts, incidents, suppression and rule health all go through `hunt`,
// whose alert ids (rule, run time, position) make a re-run slot raise nothing twice.

import fs from 'node:fs';
import { formatDatetimeIso } from '../kql/values/datetime.js';
import { openStateDb, type Migration, type StateDatabase } from '../store/state-db.js';
import type { Alert } from './alerts.js';
import type { AlertStore, RuleHealth } from './alert-store.js';
import { DAY_MS } from './duration.js';
import { hunt } from './hunt.js';
import type { Rule } from './rule.js';
import { frequencyMs, TICKS_PER_MS, type RunOptions } from './runner.js';
import type { AlertSink } from './sinks.js';

/** .NET ticks of 1970-01-01T00:00:00Z: slots are aligned to the Unix epoch, like cron. */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

/**
 * How far back a catch-up reaches: Sentinel's longest queryPeriod. Older slots would query
 * data that no rule may look at any more, and a month-long outage should not turn into
 * tens of thousands of NRT runs.
 */
export const MAX_CATCH_UP_MS = 14 * DAY_MS;

export const SCHEDULER_COMPONENT = 'scheduler';

export const SCHEDULER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'last completed scheduled run of each rule',
    up(db) {
      db.exec(`
        CREATE TABLE rule_schedule (
          rule_key TEXT PRIMARY KEY,
          last_run_ms INTEGER NOT NULL
        );
      `);
    },
  },
];

/** Time, as the scheduler sees it; tests drive it by hand. */
export interface SchedulerClock {
  /** The current time in ticks. */
  now(): bigint;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: SchedulerClock = {
  now: () => BigInt(Date.now()) * TICKS_PER_MS + UNIX_EPOCH_TICKS,
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  }),
};

/** Rules are known by id; rules without one by file and name, which is all that identifies them. */
export function ruleKey(rule: Rule): string {
  return rule.id !== '' ? rule.id : `${rule.source.file}#${rule.name}`;
}

/** Each rule's last completed slot, in the store's state database. */
export class ScheduleState {
  private db: StateDatabase | undefined;

  constructor(readonly storeDir: string) {}

  private open(): StateDatabase {
    if (this.db === undefined) {
      fs.mkdirSync(this.storeDir, { recursive: true });
      this.db = openStateDb(this.storeDir, { [SCHEDULER_COMPONENT]: SCHEDULER_MIGRATIONS });
    }
    return this.db;
  }

  lastRun(rule: Rule): bigint | undefined {
    const row = this.open().prepare('SELECT last_run_ms FROM rule_schedule WHERE rule_key = ?').get(ruleKey(rule)) as { last_run_ms: number } | undefined;
    return row === undefined ? undefined : BigInt(row.last_run_ms) * TICKS_PER_MS + UNIX_EPOCH_TICKS;
  }

  recordRun(rule: Rule, slot: bigint): void {
    const ms = Number((slot - UNIX_EPOCH_TICKS) / TICKS_PER_MS);
    this.open().prepare('INSERT INTO rule_schedule (rule_key, last_run_ms) VALUES (?, ?) ON CONFLICT (rule_key) DO UPDATE SET last_run_ms = excluded.last_run_ms').run(ruleKey(rule), ms);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

function stepTicks(rule: Rule): bigint {
  return BigInt(frequencyMs(rule)) * TICKS_PER_MS;
}

/** The latest slot of the rule at or before `t`. */
export function slotAtOrBefore(rule: Rule, t: bigint): bigint {
  const step = stepTicks(rule);
  const sinceEpoch = t - UNIX_EPOCH_TICKS;
  // BigInt division truncates toward zero; slots before 1970 must still round down.
  const floored = sinceEpoch >= 0n ? sinceEpoch / step : -((-sinceEpoch + step - 1n) / step);
  return UNIX_EPOCH_TICKS + floored * step;
}

export interface DueSlots {
  /** Slots to run, oldest first. */
  slots: bigint[];
  /** Missed slots older than the catch-up horizon, which will not be run. */
  skipped: number;
}

/**
 * The slots a rule owes at `now`: with no record, only the current slot (a first start does
 * not replay history); otherwise every slot after the last completed one, up to now, but
 * none older than MAX_CATCH_UP_MS.
 */
export function dueSlots(rule: Rule, lastRun: bigint | undefined, now: bigint): DueSlots {
  const current = slotAtOrBefore(rule, now);
  if (lastRun === undefined) return { slots: [current], skipped: 0 };
  const step = stepTicks(rule);
  if (current <= lastRun) return { slots: [], skipped: 0 };
  const horizon = now - BigInt(MAX_CATCH_UP_MS) * TICKS_PER_MS;
  let first = slotAtOrBefore(rule, lastRun) + step;
  let skipped = 0;
  if (first < horizon) {
    const oldestAllowed = slotAtOrBefore(rule, horizon) + (slotAtOrBefore(rule, horizon) < horizon ? step : 0n);
    skipped = Number((oldestAllowed - first) / step);
    first = oldestAllowed;
  }
  const slots: bigint[] = [];
  for (let t = first; t <= current; t += step) slots.push(t);
  return { slots, skipped };
}

/** One scheduled run, as reported to the caller while the scheduler works. */
export interface SlotOutcome {
  rule: Rule;
  slot: bigint;
  health: RuleHealth[];
  alerts: Alert[];
  sinkErrors: string[];
}

export interface CatchUpReport {
  rule: Rule;
  /** Missed slots run now, besides the current one. */
  caughtUp: number;
  /** Missed slots beyond the catch-up horizon, not run. */
  skipped: number;
}

export interface SchedulerOptions extends RunOptions {
  rules: readonly Rule[];
  alertStore: AlertStore;
  state: ScheduleState;
  sinks?: readonly AlertSink[];
  clock?: SchedulerClock;
  /** Stops the loop between runs. */
  signal?: AbortSignal;
  /** Run what is due (catch-up included) and return, instead of looping. */
  once?: boolean;
  /** Longest sleep between checks for due slots; the loop also wakes at the next slot. */
  pollMs?: number;
  onRun?: (outcome: SlotOutcome) => void;
  onCatchUp?: (report: CatchUpReport) => void;
}

export interface SchedulerSummary {
  runs: number;
  alerts: number;
  failedRuns: number;
  sinkErrors: number;
}

/** Rules the scheduler runs: hunting queries have no schedule, disabled rules do not run. */
export function scheduledRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => r.enabled && r.kind !== 'Hunting');
}

/** Runs every slot due at the clock's current time, oldest first across rules. */
export async function runDueSlots(options: SchedulerOptions, summary: SchedulerSummary): Promise<void> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const work: { rule: Rule; slot: bigint; order: number }[] = [];
  scheduledRules(options.rules).forEach((rule, order) => {
    const lastRun = options.state.lastRun(rule);
    const due = dueSlots(rule, lastRun, now);
    if (lastRun !== undefined && (due.slots.length > 1 || due.skipped > 0)) {
      options.onCatchUp?.({ rule, caughtUp: due.slots.length - 1, skipped: due.skipped });
    }
    for (const slot of due.slots) work.push({ rule, slot, order });
  });
  work.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : a.order - b.order));
  for (const { rule, slot } of work) {
    if (options.signal?.aborted) return;
    const result = await hunt({ ...options, rules: [rule], times: { at: slot }, store: options.alertStore, sinks: options.sinks ?? [] });
    // Recorded after the alerts are saved: a crash in between re-runs the slot, and the
    // alert ids make that harmless.
    options.state.recordRun(rule, slot);
    summary.runs++;
    summary.alerts += result.alerts.length;
    summary.failedRuns += result.health.filter((h) => h.status === 'failed').length;
    summary.sinkErrors += result.sinkErrors.length;
    options.onRun?.({ rule, slot, health: result.health, alerts: result.alerts, sinkErrors: result.sinkErrors });
  }
}

/** The next slot of any rule after `now`. */
export function nextSlot(rules: readonly Rule[], now: bigint): bigint | undefined {
  let next: bigint | undefined;
  for (const rule of scheduledRules(rules)) {
    const t = slotAtOrBefore(rule, now) + stepTicks(rule);
    if (next === undefined || t < next) next = t;
  }
  return next;
}

export const DEFAULT_POLL_MS = 60_000;

/** Catches up, then (unless `once`) runs each slot as it comes until the signal aborts. */
export async function runScheduler(options: SchedulerOptions): Promise<SchedulerSummary> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const summary: SchedulerSummary = { runs: 0, alerts: 0, failedRuns: 0, sinkErrors: 0 };
  for (;;) {
    await runDueSlots({ ...options, clock, signal }, summary);
    if (options.once || signal.aborted) return summary;
    const now = clock.now();
    const next = nextSlot(options.rules, now);
    const untilNextMs = next === undefined ? Infinity : Number((next - now) / TICKS_PER_MS);
    await clock.sleep(Math.max(0, Math.min(options.pollMs ?? DEFAULT_POLL_MS, untilNextMs)), signal);
    if (signal.aborted) return summary;
  }
}

export function describeSlot(slot: bigint): string {
  return formatDatetimeIso(slot);
}
