// Hunting runs: a rule's query run as Sentinel's scheduler runs it.
//
// A run at time T binds `now()` to T and sees every table clipped to the run's window on
// `TimeGenerated`: [T - queryPeriod, T), half-open so that back-to-back runs of a replay
// never see a row twice. Like Log Analytics' query time range, the clip applies whatever the
// query says, so a rule with `let lookback = 14d` inside still only sees its queryPeriod.
// Tables without a `TimeGenerated` datetime column are not clipped (watchlists, lookups).
// Failures never throw out of a run: they are returned as the run's status (rule health).

import { query, KqlError, type QueryOptions, type QueryParam, type Table, type TableProvider, type TableSchema, type ScalarType } from '../kql/index.js';
import { toJsonValue } from '../kql/values/format.js';
import { formatDatetimeIso } from '../kql/values/datetime.js';
import { declaredParameterTypes, parameterFromText } from '../io/query-params.js';
import { parse } from '../kql/index.js';
import { DAY_MS, MINUTE_MS } from './duration.js';
import type { JsonRow } from './entities.js';
import type { Rule } from './rule.js';
import { bindWatchlists, type WatchlistSet } from './watchlists.js';

export const TICKS_PER_MS = 10_000n;

/** Where a run's tables come from: a window in, a table provider out. */
export interface HuntData {
  provider(window: { from: bigint; to: bigint }): TableProvider;
}

/**
 * Content views (Zeek logs as VMConnection/DnsEvents, ASIM parsers) and extra functions
 * (GeoIP), as src/catalog provides them: rules run over the same catalogue as `query`.
 */
export interface ViewSet {
  queryOptions(base: TableProvider): Pick<QueryOptions, 'tables' | 'functions' | 'scalarFunctions'>;
}

/**
 * `base`, plus every table the schema catalogue knows as an empty table: a rule over a
 * table the workspace has but holds no rows of returns nothing, as in Sentinel, not an error.
 */
export function withKnownTables(base: TableProvider, schemas: ReadonlyMap<string, TableSchema>): TableProvider {
  return {
    get(name: string) {
      const t = base.get(name);
      if (t !== undefined) return t;
      const schema = schemas.get(name);
      return schema === undefined ? undefined : { schema, batches: (): Iterable<Table> => [] };
    },
    keys: () => new Set([...(base.keys?.() ?? []), ...schemas.keys()]),
  };
}

/** How long a hunting query (which has no queryPeriod) looks back from `--at`. */
export const HUNTING_DEFAULT_PERIOD_MS = DAY_MS;
/** NRT rules run every minute over the minute since the previous run. */
export const NRT_INTERVAL_MS = MINUTE_MS;

/**
 * In-memory tables (from `--data` files). `schemas` lists tables that exist but have no data
 * loaded: they read as empty, as in a workspace that has the table but no matching rows.
 */
export function memoryData(tables: ReadonlyMap<string, Table>, schemas: ReadonlyMap<string, TableSchema> = new Map()): HuntData {
  return {
    provider(window) {
      const clipped = new Map<string, Table>();
      return {
        get(name: string) {
          const t = tables.get(name);
          if (t === undefined) {
            const schema = schemas.get(name);
            return schema === undefined ? undefined : { schema, batches: (): Iterable<Table> => [] };
          }
          let c = clipped.get(name);
          if (c === undefined) clipped.set(name, (c = clipToWindow(t, window)));
          return c;
        },
        keys: () => new Set([...tables.keys(), ...schemas.keys()]),
      };
    },
  };
}

/** The rows of `table` whose TimeGenerated is in [from, to); the engine itself does the filtering. */
export function clipToWindow(table: Table, window: { from: bigint; to: bigint }): Table {
  const tg = table.columns.find((c) => c.name === 'TimeGenerated');
  if (tg === undefined || tg.column.type !== 'datetime') return table;
  const r = query('T | where TimeGenerated >= __windowStart and TimeGenerated < __windowEnd', {
    tables: new Map([['T', table]]),
    params: { __windowStart: { type: 'datetime', value: window.from }, __windowEnd: { type: 'datetime', value: window.to } },
  });
  return r.table;
}

export type RunStatus = 'ok' | 'failed' | 'suppressed';

export interface RuleRun {
  rule: Rule;
  /** The scheduled time: `now()` inside the query. */
  runTime: bigint;
  windowStart: bigint;
  windowEnd: bigint;
  status: RunStatus;
  /** What went wrong, with file:line:col when the error has a position in the query. */
  error?: string;
  columns: { name: string; type: ScalarType }[];
  rows: JsonRow[];
  durationMs: number;
}

export interface RunOptions {
  data: HuntData;
  /** Views and extra functions the rules may use; without them, only stored tables exist. */
  views?: ViewSet;
  watchlists?: WatchlistSet;
  /** `--param NAME=VALUE`: fills `{{NAME}}` placeholders and query parameters. */
  params?: Readonly<Record<string, string>>;
  maxRows?: number;
  timeoutMs?: number;
}

/** The window a run at `runTime` sees: the rule's queryPeriod back from it. */
export function windowFor(rule: Rule, runTime: bigint): { from: bigint; to: bigint } {
  const periodMs = rule.kind === 'NRT' ? NRT_INTERVAL_MS : rule.queryPeriodMs ?? (rule.kind === 'Hunting' ? HUNTING_DEFAULT_PERIOD_MS : rule.queryFrequencyMs ?? DAY_MS);
  return { from: runTime - BigInt(periodMs) * TICKS_PER_MS, to: runTime };
}

export function frequencyMs(rule: Rule): number {
  return rule.kind === 'NRT' ? NRT_INTERVAL_MS : rule.queryFrequencyMs ?? rule.queryPeriodMs ?? DAY_MS;
}

/**
 * Run times of a replay from `from` to `to`: one every queryFrequency, the first one
 * queryFrequency after `from`, the last at or before `to`.
 */
export function scheduleTimes(rule: Rule, from: bigint, to: bigint): bigint[] {
  const step = BigInt(frequencyMs(rule)) * TICKS_PER_MS;
  const out: bigint[] = [];
  for (let t = from + step; t <= to; t += step) out.push(t);
  return out;
}

/** Hunting-query placeholders: `{{StartTimeISO}}`, `{{EndTimeISO}}`, and `{{NAME}}` for each --param. */
export function substitutePlaceholders(text: string, window: { from: bigint; to: bigint }, params: Readonly<Record<string, string>>): string {
  const values: Record<string, string> = { StartTimeISO: formatDatetimeIso(window.from), EndTimeISO: formatDatetimeIso(window.to), ...params };
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (m, name: string) => values[name] ?? m);
}

/** A --param value read as the query declares it (`declare query_parameters`); undeclared ones are strings. */
function typedParam(name: string, text: string, type: ScalarType | undefined): QueryParam {
  const p = parameterFromText(text, type);
  if (p === undefined) throw new KqlError(`parameter ${name}=${text} is not a valid ${type}, as the query declares it`, 'Param');
  return type === undefined ? text : p;
}

function fileLocation(rule: Rule, offset: number): string {
  const { line, col } = rule.source.lineCol(rule.source.queryToFile(offset));
  return `${rule.source.file}:${line}:${col}`;
}

export function tableRows(columns: readonly { name: string; type: ScalarType }[], table: Table): JsonRow[] {
  const rows: JsonRow[] = [];
  for (let r = 0; r < table.length; r++) {
    const row: JsonRow = {};
    table.columns.forEach((c, i) => { row[c.name] = toJsonValue(columns[i]?.type ?? c.column.type, c.column.get(r)); });
    rows.push(row);
  }
  return rows;
}

/** Runs one rule once, at `runTime`, over its window. Never throws for the rule's own faults. */
export function runRule(rule: Rule, runTime: bigint, options: RunOptions, window = windowFor(rule, runTime)): RuleRun {
  const started = Date.now();
  const base = { rule, runTime, windowStart: window.from, windowEnd: window.to, columns: [], rows: [] };
  try {
    const text = substitutePlaceholders(rule.query, window, options.params ?? {});
    const bound = bindWatchlists(text, options.watchlists ?? new Map());
    const data = options.data.provider(window);
    const tables: TableProvider = bound.tables.size === 0 ? data : {
      get: (name) => bound.tables.get(name) ?? data.get(name),
      keys: () => data.keys?.() ?? [],
    };
    const declared = declaredParameterTypes(parse(text).query);
    const params: Record<string, QueryParam> = {};
    for (const [name, value] of Object.entries(options.params ?? {})) params[name] = typedParam(name, value, declared.get(name));
    const result = query(bound.text, {
      ...(options.views ? options.views.queryOptions(tables) : { tables }),
      now: runTime, params,
      ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return { ...base, status: 'ok', columns: result.columns, rows: tableRows(result.columns, result.table), durationMs: Date.now() - started };
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    let message = e.message;
    if (e instanceof KqlError && e.start !== undefined) {
      // Placeholder substitution can shift offsets; only positions in an unchanged query are exact.
      message = `${fileLocation(rule, e.start)}: ${message.replace(/ \(line \d+, column \d+\)$/, '')}`;
    } else {
      message = `${rule.source.file}: ${message}`;
    }
    return { ...base, status: 'failed', error: message, durationMs: Date.now() - started };
  }
}
