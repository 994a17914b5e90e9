// Per-query execution state: the fixed `now()`, the function registry, limits, caches.

import type { FunctionRegistry } from '../functions/registry.js';
import type { Table } from '../data/column.js';
import { KqlError } from '../types.js';

export interface Limits {
  /** Cap on rows any operator may produce (range, mv-expand, join) and on the result. */
  maxRows?: number;
  /** Wall-clock budget in milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class ExecContext {
  readonly deadline: number;
  /** materialize(): one cached result per call site (keyed by AST node). */
  readonly materialized = new Map<object, Table>();
  private ticks = 0;

  constructor(
    readonly registry: FunctionRegistry,
    readonly now: bigint,
    readonly limits: Limits,
    readonly readFile?: (path: string) => string | Uint8Array,
  ) {
    this.deadline = limits.timeoutMs !== undefined ? Date.now() + limits.timeoutMs : Infinity;
  }

  /** Between batches and inside long loops: honours cancellation and the time limit. */
  checkpoint(): void {
    const s = this.limits.signal;
    if (s?.aborted) throw new KqlError('query cancelled', 'Cancelled');
    if (this.deadline !== Infinity && Date.now() > this.deadline) {
      throw new KqlError(`query exceeded the time limit of ${this.limits.timeoutMs} ms`, 'Timeout');
    }
  }

  /** A cheap checkpoint for tight loops: consults the clock every 4096 calls. */
  tick(): void {
    if ((++this.ticks & 4095) === 0) this.checkpoint();
  }

  /** Raises when an operator would produce more rows than allowed. */
  checkRows(rows: number, what: string, start?: number, end?: number): void {
    const max = this.limits.maxRows;
    if (max !== undefined && rows > max) {
      throw new KqlError(`${what} would produce more than the row limit of ${max} rows`, 'RowLimit', start, end);
    }
  }
}
