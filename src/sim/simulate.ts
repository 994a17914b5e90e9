// Runs a simulation: builds the enterprise, plans the attacks, then generates the time range
// one UTC day at a time, hour by hour (the baseline and every planned attack action of that
// hour), and returns the ground truth. Days are independent: a day's rows depend only on the
// seed, the enterprise, the day and the attack plan, never on the days before it, so they can
// be generated in any order or in parallel threads and concatenated in day order into the
// same bytes. Deterministic: every random choice comes from streams derived from the seed.

import { Baseline, benignLabels } from './baseline.js';
import { Enterprise } from './enterprise.js';
import type { Labels, ScenarioDayRows, ScenarioRecorder } from './labels.js';
import { TABLES, type TableName, type TelemetrySink } from './rows.js';
import { Rng } from './prng.js';
import { SCENARIOS, newRecorder, type Action } from './scenarios.js';
import { Telemetry } from './telemetry.js';
import { MS_PER_DAY, MS_PER_HOUR, isoFromMs, startOfDayMs } from './time.js';

export interface SimulationOptions {
  days: number;
  hosts: number;
  seed: number;
  /** The simulated "now": no row is later. Milliseconds since the Unix epoch. */
  endMs: number;
  /** Scenario names to inject (default: all). */
  scenarios?: readonly string[];
  /** Multiplies event volume. */
  scale: number;
  /** Called after each simulated hour. */
  onProgress?: (doneHours: number, totalHours: number, rows: number) => void;
}

export interface SimulationResult {
  labels: Labels;
  rows: Record<TableName, number>;
  totalRows: number;
}

/** A fixed default for --end, so that the same flags always give the same bytes. */
export const DEFAULT_END = '2024-06-14T12:00:00Z';

export class SimulationOptionError extends Error {}

export function validateScenarioNames(names: readonly string[]): void {
  const known = new Set(SCENARIOS.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new SimulationOptionError(`unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (known: ${[...known].join(', ')})`);
  }
}

/** One UTC day of the run, as whole hours: the first and last days may be partial. */
export interface SimulationDay {
  /** 0 for the run's first day. */
  index: number;
  /** Start of the day's first hour and end of its last (milliseconds since the epoch). */
  firstHourMs: number;
  endHourMs: number;
  hours: number;
}

/** What generating one day produced: its rows per table and each scenario's share of them. */
export interface DayResult {
  index: number;
  rows: Record<TableName, number>;
  /** One per injected scenario, in plan order; row indexes count from the day's first row. */
  scenarios: ScenarioDayRows[];
}

function validate(options: SimulationOptions): readonly string[] {
  if (!(options.days > 0)) throw new SimulationOptionError('days must be positive');
  if (!(options.hosts >= 1)) throw new SimulationOptionError('hosts must be at least 1');
  if (!(options.scale > 0)) throw new SimulationOptionError('scale must be positive');
  const selected = options.scenarios ?? SCENARIOS.map((s) => s.name);
  validateScenarioNames(selected);
  return selected;
}

/**
 * The enterprise, the attack plan and the run's days. Every thread that generates days builds
 * its own (the same options give the same plan); `labels` merges the days' results.
 */
export class Simulation {
  readonly ent: Enterprise;
  readonly startMs: number;
  readonly endMs: number;
  readonly days: readonly SimulationDay[];
  readonly totalHours: number;
  private readonly recorders: ScenarioRecorder[] = [];
  /** Sorted by time; stable, so actions at the same instant keep scenario order. */
  private readonly actions: Action[] = [];
  /** The sink days are generated into, with the generators bound to it (entity ids are per sink). */
  private bound?: { sink: TelemetrySink; tel: Telemetry; baseline: Baseline };

  constructor(private readonly options: Omit<SimulationOptions, 'onProgress'>) {
    const selected = validate(options);
    this.ent = new Enterprise(options.hosts, options.seed);
    this.endMs = options.endMs;
    this.startMs = this.endMs - options.days * MS_PER_DAY;
    for (const def of SCENARIOS) {
      if (!selected.includes(def.name)) continue;
      const rec = newRecorder(def);
      this.recorders.push(rec);
      const planned = def.plan({ ent: this.ent, rng: new Rng(options.seed, `scenario/${def.name}`), startMs: this.startMs, endMs: this.endMs, scale: options.scale, hostScale: Math.max(0.05, this.ent.hosts.length / 500) }, rec);
      for (const a of planned) if (a.at >= this.startMs && a.at < this.endMs) this.actions.push(a);
    }
    this.actions.sort((a, b) => a.at - b.at);

    const firstHour = Math.floor(this.startMs / MS_PER_HOUR) * MS_PER_HOUR;
    this.totalHours = Math.ceil((this.endMs - firstHour) / MS_PER_HOUR);
    const endHour = firstHour + this.totalHours * MS_PER_HOUR;
    const days: SimulationDay[] = [];
    for (let dayStart = startOfDayMs(firstHour); dayStart < endHour; dayStart += MS_PER_DAY) {
      const from = Math.max(firstHour, dayStart);
      const to = Math.min(endHour, dayStart + MS_PER_DAY);
      days.push({ index: days.length, firstHourMs: from, endHourMs: to, hours: (to - from) / MS_PER_HOUR });
    }
    this.days = days;
  }

  /**
   * Writes one day's rows into `sink` (always the same sink for one Simulation) and hands
   * them on (`sink.flush`), so that a day's output never mixes with the next day's.
   */
  generateDay(index: number, sink: TelemetrySink, onHour?: (hoursDone: number) => void): DayResult {
    const day = this.days[index];
    if (day === undefined) throw new Error(`internal: the simulation has no day ${index}`);
    if (this.bound === undefined) {
      const tel = new Telemetry(sink, this.options.seed, this.startMs, this.endMs);
      this.bound = { sink, tel, baseline: new Baseline(this.ent, tel, this.options.scale, this.options.seed) };
    } else if (this.bound.sink !== sink) {
      throw new Error('internal: a simulation generates all its days into one sink');
    }
    const { tel, baseline } = this.bound;
    const base = Object.fromEntries(TABLES.map((t) => [t, sink.rowCount(t)])) as Record<TableName, number>;
    tel.beginDay(index, startOfDayMs(day.firstHourMs));
    sink.dayEnds?.(startOfDayMs(day.firstHourMs) + MS_PER_DAY);
    let next = lowerBound(this.actions, day.firstHourMs);
    for (let h = 0; h < day.hours; h++) {
      const hourStart = day.firstHourMs + h * MS_PER_HOUR;
      baseline.hour(hourStart);
      const hourEnd = hourStart + MS_PER_HOUR;
      while (next < this.actions.length && this.actions[next]!.at < hourEnd) this.actions[next++]!.run(tel);
      // Rows trail their hour by little (VM insights' minute windows, flow ends); two hours is ample.
      sink.finishBefore?.(hourStart - 2 * MS_PER_HOUR);
      onHour?.(h + 1);
    }
    tel.endDay();
    sink.flush?.();
    const rows = Object.fromEntries(TABLES.map((t) => [t, sink.rowCount(t) - base[t]])) as Record<TableName, number>;
    return { index, rows, scenarios: this.recorders.map((r) => r.takeDay(base)) };
  }

  /** The ground truth of the whole run, from every day's result (any order). */
  labels(dayResults: readonly DayResult[]): Labels {
    const byDay = [...dayResults].sort((a, b) => a.index - b.index);
    if (byDay.length !== this.days.length || byDay.some((d, i) => d.index !== i)) {
      throw new Error(`internal: labels need all ${this.days.length} days, got ${byDay.map((d) => d.index).join(',')}`);
    }
    const recorders = this.recorders.map((r) => r.withoutRows());
    const offset = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
    for (const day of byDay) {
      recorders.forEach((rec, i) => rec.addDay(day.scenarios[i]!, offset));
      for (const t of TABLES) offset[t] += day.rows[t];
    }
    return {
      generator: 'kqlhunt simulate',
      seed: this.options.seed,
      days: this.options.days,
      hosts: this.ent.hosts.length,
      scale: this.options.scale,
      start: isoFromMs(this.startMs),
      end: isoFromMs(this.endMs),
      rowIdentity: 'rows lists, per table, the 0-based line numbers (row indexes) in <Table>.ndjson of every row the scenario generated',
      scenarios: recorders.map((r) => r.label()),
      benign: benignLabels(this.ent),
    };
  }
}

/** The first action at or after `ms`. */
function lowerBound(actions: readonly Action[], ms: number): number {
  let lo = 0;
  let hi = actions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (actions[mid]!.at < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Generates every day in order into one sink (in this thread). */
export function simulate(options: SimulationOptions, output: TelemetrySink): SimulationResult {
  const sim = new Simulation(options);
  const results: DayResult[] = [];
  let hoursBefore = 0;
  for (const day of sim.days) {
    results.push(sim.generateDay(day.index, output, (done) => options.onProgress?.(hoursBefore + done, sim.totalHours, output.totalRows())));
    hoursBefore += day.hours;
  }
  const rows = Object.fromEntries(TABLES.map((t) => [t, output.rowCount(t)])) as Record<TableName, number>;
  return { labels: sim.labels(results), rows, totalRows: output.totalRows() };
}
