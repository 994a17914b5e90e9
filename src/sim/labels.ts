// Ground truth: what each injected attack is, when and where it happened, and exactly which
// rows it produced (0-based row indexes into each table's NDJSON file). Row indexes rather
// than a marker column keep the data free of anything a detection could key on that real
// telemetry would not have.

import type { TableName } from './rows.js';
import { isoFromMs } from './time.js';

export interface Entities {
  hosts: string[];
  ips: string[];
  domains: string[];
  processes: string[];
  accounts: string[];
  urls: string[];
}

export interface ScenarioLabel {
  name: string;
  description: string;
  techniques: string[];
  /** Small volumes or business-hours timing: meant to be hard to tell from the baseline. */
  subtle: boolean;
  /** Which seed queries are expected to surface it. */
  seedQueries: string[];
  window: { start: string; end: string };
  entities: Entities;
  parameters: Record<string, string | number>;
  rows: Partial<Record<TableName, number[]>>;
}

export interface BenignLabel {
  name: string;
  description: string;
  hosts: string[];
  domains: string[];
  processes: string[];
}

export interface Labels {
  generator: string;
  seed: number;
  days: number;
  hosts: number;
  scale: number;
  start: string;
  end: string;
  rowIdentity: string;
  scenarios: ScenarioLabel[];
  benign: BenignLabel[];
}

/**
 * One scenario's share of one generated day: its rows numbered from the day's first row of
 * each table (the day's offsets in the files are only known once earlier days are counted),
 * its extent, and the entities seen so far. Days are generated independently, possibly in
 * other threads, and merged in day order.
 */
export interface ScenarioDayRows {
  rows: Partial<Record<TableName, number[]>>;
  /** Earliest and latest row time of the day's rows (+/-Infinity without rows). */
  first: number;
  last: number;
  entities: Entities;
}

/** Collects one attack's rows and extent while it is generated. */
export class ScenarioRecorder {
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  readonly rows: Partial<Record<TableName, number[]>> = {};
  readonly entities: { [K in keyof Entities]: Set<string> } = {
    hosts: new Set(), ips: new Set(), domains: new Set(), processes: new Set(), accounts: new Set(), urls: new Set(),
  };

  constructor(
    readonly name: string,
    readonly description: string,
    readonly techniques: string[],
    readonly subtle: boolean,
    readonly seedQueries: string[],
    readonly parameters: Record<string, string | number>,
  ) {}

  row(table: TableName, index: number, timeMs: number): void {
    (this.rows[table] ??= []).push(index);
    if (timeMs < this.first) this.first = timeMs;
    if (timeMs > this.last) this.last = timeMs;
  }

  /**
   * The rows recorded since the last call, renumbered from `base` (each table's row count
   * when the day started), and forgets them; entities are kept, since merging unions them.
   */
  takeDay(base: Readonly<Record<TableName, number>>): ScenarioDayRows {
    const rows: Partial<Record<TableName, number[]>> = {};
    for (const [table, list] of Object.entries(this.rows) as [TableName, number[]][]) {
      const from = base[table];
      rows[table] = list.map((i) => i - from);
    }
    const day: ScenarioDayRows = { rows, first: this.first, last: this.last, entities: this.entityLists() };
    for (const table of Object.keys(this.rows) as TableName[]) delete this.rows[table];
    this.first = Number.POSITIVE_INFINITY;
    this.last = Number.NEGATIVE_INFINITY;
    return day;
  }

  /**
   * Adds a generated day's share (days in order): its rows shifted by `offset` (each table's
   * rows in the days before it), its extent and its entities.
   */
  addDay(day: ScenarioDayRows, offset: Readonly<Record<TableName, number>>): void {
    for (const [table, list] of Object.entries(day.rows) as [TableName, number[]][]) {
      const into = (this.rows[table] ??= []);
      const shift = offset[table];
      for (const i of list) into.push(i + shift);
    }
    if (day.first < this.first) this.first = day.first;
    if (day.last > this.last) this.last = day.last;
    for (const key of Object.keys(this.entities) as (keyof Entities)[]) for (const v of day.entities[key]) this.entities[key].add(v);
  }

  /** A recorder with this one's plan (parameters, entities) and no rows, to merge days into. */
  withoutRows(): ScenarioRecorder {
    const copy = new ScenarioRecorder(this.name, this.description, this.techniques, this.subtle, this.seedQueries, this.parameters);
    for (const key of Object.keys(this.entities) as (keyof Entities)[]) for (const v of this.entities[key]) copy.entities[key].add(v);
    return copy;
  }

  private entityLists(): Entities {
    return {
      hosts: [...this.entities.hosts], ips: [...this.entities.ips], domains: [...this.entities.domains],
      processes: [...this.entities.processes], accounts: [...this.entities.accounts], urls: [...this.entities.urls],
    };
  }

  get rowCount(): number {
    let n = 0;
    for (const list of Object.values(this.rows)) n += list!.length;
    return n;
  }

  label(): ScenarioLabel {
    const sorted = (s: Set<string>): string[] => [...s].sort();
    return {
      name: this.name,
      description: this.description,
      techniques: this.techniques,
      subtle: this.subtle,
      seedQueries: this.seedQueries,
      window: this.rowCount === 0
        ? { start: '', end: '' }
        : { start: isoFromMs(this.first), end: isoFromMs(this.last) },
      entities: {
        hosts: sorted(this.entities.hosts), ips: sorted(this.entities.ips), domains: sorted(this.entities.domains),
        processes: sorted(this.entities.processes), accounts: sorted(this.entities.accounts), urls: sorted(this.entities.urls),
      },
      parameters: this.parameters,
      rows: this.rows,
    };
  }
}
