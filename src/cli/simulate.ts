// `kqlhunt simulate`: writes a simulated enterprise's telemetry (one NDJSON file per table)
// and labels.json, the ground truth of the injected attacks.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { loadSchemaCatalog } from '../io/schemas.js';
import type { TableSchema } from '../kql/types.js';
import { fileWriter, type ChunkWriter } from '../sim/output.js';
import { DayOrder } from '../sim/day-order.js';
import { TABLES, type TableName } from '../sim/rows.js';
import { SpillFile, type Parked } from '../sim/spill-file.js';
import { FLOW_LIMIT, FLOW_WRITTEN, IN_FLIGHT_KIB, transferKib } from '../sim/segment-transfer.js';
import { BulkStoreWriter, type EncodedSegment } from '../store/bulk-writer.js';
import { parseCommandArgs, positiveNumberOption, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';
import { scenarioNames } from '../sim/scenarios.js';
import { DEFAULT_END, Simulation, SimulationOptionError, validateScenarioNames, type DayResult } from '../sim/simulate.js';
import type { WorkerCommand, WorkerMessage, WorkerRequest } from './simulate-worker.js';

import { parseInstant } from '../sim/time.js';

/** Young-generation size of each generator thread: 64-192 MB measured alike for one thread; the smaller keeps N threads lean. */
const YOUNG_GENERATION_MB = 64;

/**
 * KiB of output a thread generating a later day may hold while the days before it are still
 * being generated. A day at 500 hosts and --scale 1 is 300-700 MiB of NDJSON, so a weekday
 * fits; beyond it (larger scales) the thread waits for its day's turn, so memory stays
 * bounded whatever the volume, at the price of less parallel work.
 */
const REORDER_KIB = 1024 * 1024;

const MAX_THREADS = 64;

export const SIMULATE_HELP = `Usage: kqlhunt simulate [options]

Generates a coherent simulated enterprise (hosts, users, SaaS, servers, two firewalls) and
writes its telemetry as NDJSON, one file per table, and/or straight into the store, plus
labels.json: the injected attack scenarios with their techniques, time windows, entities and
the exact rows each produced. Same options and seed -> identical bytes.

Options:
  --days N           days of telemetry ending at --end (default 14)
  --hosts N          number of machines (default 500)
  --seed N           random seed (default 42)
  --end ISO8601      the simulated "now"; nothing is later (default ${DEFAULT_END}).
                     Run queries with --now set to the same instant.
  --out DIR          output folder (default ./sim-out, unless --store is given)
  --store DIR        commit the rows to this store (created if missing) for hunt/query
                     --store; labels.json goes to DIR unless --out is given too. The same
                     options are only committed once.
  --scenarios LIST   comma-separated scenario names, 'all' (default) or 'none'
  --threads N        generator threads, each generating whole days (default: the number
                     of CPUs, at most the number of days); the output is the same
                     whatever the number
  --scale N          multiplies event volume (14 days, 500 hosts: 12.7M rows at 1, ~100M at 9.3)
  -h, --help         show this help

Tables: DeviceNetworkEvents, DeviceFileEvents, DeviceProcessEvents, VMConnection,
CommonSecurityLog (Palo Alto PAN-OS and Cisco ASA), DnsEvents.

Scenarios: ${scenarioNames().join(', ')}

Load the files with: kqlhunt query --now <end> --data DIR/VMConnection.ndjson --data ...
(one --data per table file: labels.json in DIR is not a table), or the store with
kqlhunt query --now <end> --store DIR.
`;

function integerOption(values: ReturnType<typeof parseCommandArgs>, name: string, fallback: number, allowZero: boolean): number {
  const v = stringOption(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got '${v}')`, 'simulate');
  }
  return n;
}

const BAR_WIDTH = 30;

/** One line of terminal progress, redrawn in place (`\r`): a bar of simulated hours, rows and rate. */
export function progressBar(doneHours: number, totalHours: number, rows: number, seconds: number): string {
  const share = totalHours > 0 ? Math.min(1, doneHours / totalHours) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const rate = seconds > 0 ? ` ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s` : '';
  return `simulating [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`
    + ` ${doneHours}/${totalHours} h ${rows.toLocaleString('en-US')} rows${rate}`;
}

/** The store's record of a simulation: the same options make the same rows, so they identify it. */
function simulationIdentity(o: WorkerRequest['options']): string {
  const key = JSON.stringify({ generator: 'kqlhunt simulate', days: o.days, hosts: o.hosts, seed: o.seed, endMs: o.endMs, scale: o.scale, scenarios: o.scenarios ?? 'all' });
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** One NDJSON file per table, written as the generator's chunks arrive. */
function openTableFiles(dir: string): { write: (table: TableName, bytes: Uint8Array) => void; close: () => void } {
  fs.mkdirSync(dir, { recursive: true });
  const writers = new Map<TableName, ChunkWriter>(TABLES.map((t) => [t, fileWriter(path.join(dir, `${t}.ndjson`))]));
  return {
    write: (table, bytes) => writers.get(table)!.write(bytes),
    close: () => { for (const w of writers.values()) w.close(); },
  };
}

/** One generator thread and what the main thread tracks about it. */
interface Generator {
  worker: Worker;
  /** [written KiB, limit KiB], shared with the thread (see WorkerRequest.flow). */
  flow: Int32Array;
  /** Written NDJSON chunk buffers go back to the thread that filled them. */
  recycle: MessagePort;
  /** The day it is generating (-1: none). */
  day: number;
}

interface DayOutput {
  chunk: (table: TableName, bytes: Uint8Array) => void;
  segment: (segment: EncodedSegment) => void;
  /** Hours generated so far (all threads) and rows of the finished days. */
  progress: (hours: number, rows: number) => void;
}

type Held = { generator: Generator; kib: number } & (
  | { kind: 'chunk'; table: TableName; bytes: Uint8Array }
  | { kind: 'parked'; table: TableName; parked: Parked; spill: SpillFile }
  | { kind: 'segment'; segment: EncodedSegment });

/** Bytes read back from a spill file at once: a parked NDJSON chunk, with room to spare. */
const READ_BACK_BYTES = 4 << 20;

/**
 * Runs `threads` generator threads over the simulation's days, handing each thread the next
 * day as it finishes one, and writes their output in day order (DayOrder). The thread
 * generating the earliest unfinished day may run IN_FLIGHT_KIB ahead of the writes; NDJSON
 * chunks of later days are parked in spill files in `spillDir` (their buffers go straight back
 * to their thread), and store segments of later days are held in memory, up to REORDER_KIB
 * per thread.
 */
function generateDays(simulation: Simulation, threads: number, request: Omit<WorkerRequest, 'flow' | 'recycle'>, out: DayOutput,
  generators: Generator[], spillDir: string | undefined, spills: Map<number, SpillFile>): Promise<{ kind: 'done'; days: DayResult[] } | { kind: 'error'; message: string }> {
  return new Promise((resolve, reject) => {
    const readBack = new Uint8Array(READ_BACK_BYTES);
    const results: DayResult[] = [];
    const hoursDone = new Map<number, number>();
    let hoursFinished = 0;
    let rowsFinished = 0;
    let nextDay = 0;
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      for (const g of generators) void g.worker.terminate();
      resolve({ kind: 'error', message });
    };
    const written = (g: Generator, kib: number): void => {
      Atomics.add(g.flow, FLOW_WRITTEN, kib);
      Atomics.notify(g.flow, FLOW_WRITTEN);
    };
    const order = new DayOrder<Held>(simulation.days.length, (item) => {
      switch (item.kind) {
        case 'chunk':
          out.chunk(item.table, item.bytes);
          item.generator.recycle.postMessage(item.bytes.buffer, [item.bytes.buffer as ArrayBuffer]);
          break;
        case 'parked':
          out.chunk(item.table, item.spill.read(item.parked, readBack));
          break;
        case 'segment':
          out.segment(item.segment);
          break;
      }
      written(item.generator, item.kib);
    }, (day) => {
      spills.get(day)?.remove();
      spills.delete(day);
    });
    const setLimits = (): void => {
      for (const g of generators) {
        // Parked NDJSON counts as written at once: only held store segments need the larger allowance.
        const limit = g.day === order.current || request.storeSchemas === undefined ? IN_FLIGHT_KIB : REORDER_KIB;
        if (Atomics.exchange(g.flow, FLOW_LIMIT, limit) < limit) Atomics.notify(g.flow, FLOW_WRITTEN);
      }
    };
    const assign = (g: Generator): void => {
      if (nextDay < simulation.days.length) {
        g.day = nextDay++;
        g.worker.postMessage({ kind: 'generate', day: g.day } satisfies WorkerCommand);
      } else {
        g.day = -1;
        g.worker.postMessage({ kind: 'stop' } satisfies WorkerCommand);
      }
    };
    const report = (): void => {
      let hours = hoursFinished;
      for (const h of hoursDone.values()) hours += h;
      out.progress(hours, rowsFinished);
    };
    for (let i = 0; i < threads; i++) {
      // Written chunks go back to their generator to be refilled: fresh megabyte buffers would cost page faults and collections.
      const recycle = new MessageChannel();
      const flow = new SharedArrayBuffer(8);
      const worker = new Worker(new URL('./simulate-worker.js', import.meta.url), {
        workerData: { ...request, flow, recycle: recycle.port2 } satisfies WorkerRequest,
        transferList: [recycle.port2],
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      const g: Generator = { worker, flow: new Int32Array(flow), recycle: recycle.port1, day: -1 };
      generators.push(g);
      worker.on('message', (m: WorkerMessage) => {
        if (settled) return;
        try {
          switch (m.kind) {
            case 'progress':
              hoursDone.set(m.day, m.hours);
              report();
              break;
            case 'chunk': {
              const kib = transferKib(m);
              if (m.day === order.current || spillDir === undefined) {
                order.add(m.day, { kind: 'chunk', table: m.table, bytes: m.bytes, generator: g, kib });
                break;
              }
              let spill = spills.get(m.day);
              if (spill === undefined) spills.set(m.day, (spill = new SpillFile(path.join(spillDir, `.simulate-${process.pid}-day${m.day}.tmp`))));
              order.add(m.day, { kind: 'parked', table: m.table, parked: spill.park(m.bytes), spill, generator: g, kib: 0 });
              g.recycle.postMessage(m.bytes.buffer, [m.bytes.buffer as ArrayBuffer]);
              written(g, kib);
              break;
            }
            case 'segment':
              order.add(m.day, { kind: 'segment', segment: m.segment, generator: g, kib: transferKib(m) });
              break;
            case 'day': {
              const day = m.result.index;
              results.push(m.result);
              hoursDone.delete(day);
              hoursFinished += simulation.days[day]!.hours;
              for (const t of TABLES) rowsFinished += m.result.rows[t];
              order.finish(day);
              assign(g);
              setLimits();
              report();
              if (order.complete) {
                settled = true;
                resolve({ kind: 'done', days: results });
              }
              break;
            }
            case 'error':
              fail(m.message);
              break;
          }
        } catch (e) {
          // A failed write (disk full, permissions): stop generating rows nobody can keep.
          fail(e instanceof Error ? e.message : String(e));
        }
      });
      worker.on('error', (e) => {
        if (settled) return;
        settled = true;
        for (const other of generators) void other.worker.terminate();
        reject(e);
      });
    }
    for (const g of generators) assign(g);
    setLimits();
  });
}

export async function simulateCommand(argv: string[], io: CliIO, isTTY = process.stderr.isTTY === true): Promise<number> {
  const args = parseCommandArgs('simulate', argv, {
    days: { type: 'string' },
    hosts: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
    out: { type: 'string' },
    store: { type: 'string' },
    scenarios: { type: 'string' },
    scale: { type: 'string' },
    threads: { type: 'string' },
  });
  if (args.values['help']) {
    io.stdout(SIMULATE_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'simulate');
  const days = positiveNumberOption(args, 'days', 'simulate', false) ?? 14;
  const hosts = integerOption(args, 'hosts', 500, false);
  const seed = integerOption(args, 'seed', 42, true);
  const scale = positiveNumberOption(args, 'scale', 'simulate', false) ?? 1;
  const endText = stringOption(args, 'end') ?? DEFAULT_END;
  const endMs = parseInstant(endText);
  if (endMs === undefined) throw new UsageError(`--end must be an ISO 8601 date or instant such as 2024-06-14T12:00:00Z (got '${endText}')`, 'simulate');
  const list = (stringOption(args, 'scenarios') ?? 'all').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const scenarios = list.length === 1 && list[0] === 'all' ? undefined : list.length === 1 && list[0] === 'none' ? [] : list;
  try {
    if (scenarios) validateScenarioNames(scenarios);
  } catch (e) {
    if (e instanceof SimulationOptionError) throw new UsageError(`--scenarios: ${e.message}`, 'simulate');
    throw e;
  }
  const requestedThreads = integerOption(args, 'threads', os.availableParallelism(), false);
  if (requestedThreads > MAX_THREADS) throw new UsageError(`--threads must be at most ${MAX_THREADS} (got ${requestedThreads})`, 'simulate');
  let simulation: Simulation;
  try {
    simulation = new Simulation({ days, hosts, seed, endMs, scale, scenarios });
  } catch (e) {
    if (e instanceof SimulationOptionError) throw new UsageError(e.message, 'simulate');
    throw e;
  }
  // A thread generates whole days: more threads than days would idle.
  const threads = Math.min(requestedThreads, simulation.days.length);
  const storeDir = stringOption(args, 'store');
  const outDir = stringOption(args, 'out') ?? (storeDir === undefined ? 'sim-out' : undefined);
  const description = `simulate --days ${days} --hosts ${hosts} --seed ${seed} --scale ${scale} --end ${new Date(endMs).toISOString()}`
    + (scenarios === undefined ? '' : ` --scenarios ${scenarios.length === 0 ? 'none' : scenarios.join(',')}`);

  const request: Omit<WorkerRequest, 'flow' | 'recycle'> = { options: { days, hosts, seed, endMs, scale, scenarios }, files: outDir !== undefined };
  let store: BulkStoreWriter | undefined;
  if (storeDir !== undefined) {
    const catalog = loadSchemaCatalog();
    const schemas = Object.fromEntries(TABLES.map((t) => [t, catalog.table(t)!])) as Record<TableName, TableSchema>;
    try {
      store = new BulkStoreWriter(storeDir, { description, sha256: simulationIdentity(request.options) }, schemas);
    } catch (e) {
      io.stderr(`kqlhunt simulate: store ${storeDir}: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT_ERROR;
    }
    const before = store.alreadyCommitted();
    if (before !== undefined) {
      store.abort();
      if (outDir === undefined) {
        io.stderr(`kqlhunt simulate: this simulation (same options) is already in the store ${storeDir} (${before.rows.toLocaleString('en-US')} rows); nothing written\n`);
        return EXIT_OK;
      }
      io.stderr(`kqlhunt simulate: this simulation (same options) is already in the store ${storeDir}; writing only the files to ${outDir}\n`);
      store = undefined;
    } else {
      request.storeSchemas = schemas;
    }
  }
  const target = [outDir, store === undefined ? undefined : `store ${storeDir}`].filter((t) => t !== undefined).join(' and ');

  const started = Date.now();
  const files = outDir === undefined ? undefined : openTableFiles(outDir);
  let outcome: { kind: 'done'; days: DayResult[] } | { kind: 'error'; message: string };
  const generators: Generator[] = [];
  const spills = new Map<number, SpillFile>();
  try {
    outcome = await generateDays(simulation, threads, request, {
      chunk: (table, bytes) => files!.write(table, bytes),
      segment: (segment) => store!.addEncoded(segment),
      progress: (hours, rows) => {
        if (isTTY) io.stderr(`\r${progressBar(hours, simulation.totalHours, rows, (Date.now() - started) / 1000)}\x1b[K`);
      },
    }, generators, outDir, spills);
  } catch (e) {
    // A generator crashed (out of memory, a bug): nothing it produced is committed.
    for (const g of generators) void g.worker.terminate();
    store?.abort();
    throw e;
  } finally {
    files?.close();
    for (const g of generators) g.recycle.close();
    for (const spill of spills.values()) spill.remove();
  }
  if (isTTY) io.stderr('\r\x1b[K');
  if (outcome.kind === 'error') {
    store?.abort();
    io.stderr(`kqlhunt simulate: ${outcome.message} (writing to ${target})\n`);
    return EXIT_ERROR;
  }
  const rows = Object.fromEntries(TABLES.map((t) => [t, outcome.days.reduce((n, d) => n + d.rows[t], 0)])) as Record<TableName, number>;
  const result = { labels: simulation.labels(outcome.days), rows, totalRows: TABLES.reduce((n, t) => n + rows[t], 0) };
  const labelsFile = path.join(outDir ?? storeDir!, 'labels.json');
  fs.writeFileSync(labelsFile, JSON.stringify(result.labels, null, 2) + '\n');
  store?.commit();

  const seconds = (Date.now() - started) / 1000;
  const lines = [
    `kqlhunt simulate: ${result.totalRows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (${Math.round(result.totalRows / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s) -> ${target}`,
    ...Object.entries(result.rows).map(([t, n]) => `  ${t.padEnd(22)} ${n.toLocaleString('en-US').padStart(14)}`),
    `  ${result.labels.scenarios.length} attack scenario(s) in ${labelsFile}; ${result.labels.start} .. ${result.labels.end}`,
  ];
  if (store !== undefined) {
    lines.push(`  store: ${store.segments} segment(s), ${(store.bytes / 1048576).toFixed(1)} MiB; query with: kqlhunt query --now ${result.labels.end} --store ${storeDir}`);
  }
  if (outDir !== undefined) {
    lines.push(`  query the files with: kqlhunt query --now ${result.labels.end} --data ${path.join(outDir, 'VMConnection.ndjson')} --data ... (one --data per table file)`);
  }
  io.stderr(lines.join('\n') + '\n');
  return EXIT_OK;
}
