// Runs a simulation: builds the enterprise, walks the time range hour by hour writing the
// baseline and every planned attack action of that hour, and returns the ground truth.
// Deterministic: every random choice comes from streams derived from the seed, and output
// order depends only on the options.

import { Baseline, benignLabels } from './baseline.js';
import { Enterprise } from './enterprise.js';
import type { Labels, ScenarioRecorder } from './labels.js';
import { TABLES, type TableName, type TelemetrySink } from './rows.js';
import { Rng } from './prng.js';
import { SCENARIOS, newRecorder, type Action } from './scenarios.js';
import { Telemetry } from './telemetry.js';
import { MS_PER_DAY, MS_PER_HOUR, isoFromMs } from './time.js';

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

export function simulate(options: SimulationOptions, output: TelemetrySink): SimulationResult {
  if (!(options.days > 0)) throw new SimulationOptionError('days must be positive');
  if (!(options.hosts >= 1)) throw new SimulationOptionError('hosts must be at least 1');
  if (!(options.scale > 0)) throw new SimulationOptionError('scale must be positive');
  const selected = options.scenarios ?? SCENARIOS.map((s) => s.name);
  validateScenarioNames(selected);

  const ent = new Enterprise(options.hosts, options.seed);
  const endMs = options.endMs;
  const startMs = endMs - options.days * MS_PER_DAY;
  const tel = new Telemetry(output, new Rng(options.seed, 'telemetry'), startMs, endMs);
  const baseline = new Baseline(ent, tel, options.scale, options.seed);

  const recorders: ScenarioRecorder[] = [];
  const actions: Action[] = [];
  for (const def of SCENARIOS) {
    if (!selected.includes(def.name)) continue;
    const rec = newRecorder(def);
    recorders.push(rec);
    const planned = def.plan({ ent, rng: new Rng(options.seed, `scenario/${def.name}`), startMs, endMs, scale: options.scale, hostScale: Math.max(0.05, ent.hosts.length / 500) }, rec);
    for (const a of planned) if (a.at >= startMs && a.at < endMs) actions.push(a);
  }
  // Stable: actions at the same instant keep scenario order.
  actions.sort((a, b) => a.at - b.at);

  const firstHour = Math.floor(startMs / MS_PER_HOUR) * MS_PER_HOUR;
  const totalHours = Math.ceil((endMs - firstHour) / MS_PER_HOUR);
  let next = 0;
  for (let h = 0; h < totalHours; h++) {
    const hourStart = firstHour + h * MS_PER_HOUR;
    baseline.hour(hourStart);
    const hourEnd = hourStart + MS_PER_HOUR;
    while (next < actions.length && actions[next]!.at < hourEnd) actions[next++]!.run(tel);
    // Rows trail their hour by little (VM insights' minute windows, flow ends); two hours is ample.
    output.finishBefore?.(hourStart - 2 * MS_PER_HOUR);
    options.onProgress?.(h + 1, totalHours, output.totalRows());
  }

  const rows = Object.fromEntries(TABLES.map((t) => [t, output.rowCount(t)])) as Record<TableName, number>;
  const labels: Labels = {
    generator: 'kqlhunt simulate',
    seed: options.seed,
    days: options.days,
    hosts: ent.hosts.length,
    scale: options.scale,
    start: isoFromMs(startMs),
    end: isoFromMs(endMs),
    rowIdentity: 'rows lists, per table, the 0-based line numbers (row indexes) in <Table>.ndjson of every row the scenario generated',
    scenarios: recorders.map((r) => r.label()),
    benign: benignLabels(ent),
  };
  return { labels, rows, totalRows: output.totalRows() };
}
