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
