// `kqlhunt simulate`: writes a simulated enterprise's telemetry (one NDJSON file per table)
// and labels.json, the ground truth of the injected attacks.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { loadSchemaCatalog } from '../io/schemas.js';
import type { TableSchema } from '../kql/types.js';
import { fileWriter, type ChunkWriter } from '../sim/output.js';
import { TABLES, type TableName } from '../sim/rows.js';
import { reviveSegment, transferKib } from '../sim/segment-transfer.js';
import { BulkStoreWriter } from '../store/bulk-writer.js';
import { parseCommandArgs, positiveNumberOption, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';
import { scenarioNames } from '../sim/scenarios.js';
import { DEFAULT_END, SimulationOptionError, validateScenarioNames } from '../sim/simulate.js';
import type { WorkerMessage, WorkerRequest } from './simulate-worker.js';

import { parseInstant } from '../sim/time.js';

/** Young-generation size for generator threads (shared between them): measured best between 64 and 192 MB for one. */
const YOUNG_GENERATION_MB = 128;

/**
 * Tables per generator thread, for each thread count. Encoding rows is most of the work and
 * the generation itself is deterministic, so each thread generates everything and encodes its
 * share; DeviceNetworkEvents alone is about half of the bytes.
 */
const TABLE_GROUPS: Record<number, TableName[][]> = {
  1: [[...TABLES]],
  2: [['DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceProcessEvents'], ['VMConnection', 'CommonSecurityLog', 'DnsEvents']],
};

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
  --threads N        generator threads, 1 (default) or 2: both generate everything and
                     encode half the tables each, which pays off only with two idle
                     cores; the output is the same either way
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
  // One by default: the writing thread already uses part of a second core, and two generator
  // threads spend about a quarter more CPU in total, which measured no faster on a busy machine.
  const threads = integerOption(args, 'threads', 1, false);
  if (TABLE_GROUPS[threads] === undefined) throw new UsageError(`--threads must be 1 or 2 (got ${threads})`, 'simulate');
  const storeDir = stringOption(args, 'store');
  const outDir = stringOption(args, 'out') ?? (storeDir === undefined ? 'sim-out' : undefined);
  const description = `simulate --days ${days} --hosts ${hosts} --seed ${seed} --scale ${scale} --end ${new Date(endMs).toISOString()}`
    + (scenarios === undefined ? '' : ` --scenarios ${scenarios.length === 0 ? 'none' : scenarios.join(',')}`);

  const request: Omit<WorkerRequest, 'tables' | 'progress' | 'writtenKib'> = { options: { days, hosts, seed, endMs, scale, scenarios }, files: outDir !== undefined };
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
  let outcome: Extract<WorkerMessage, { kind: 'done' }> | { kind: 'error'; message: string };
  const files = outDir === undefined ? undefined : openTableFiles(outDir);
  const workers: Worker[] = [];
  const recyclePorts: MessagePort[] = [];
  try {
    outcome = await new Promise((resolve, reject) => {
      const finished: Extract<WorkerMessage, { kind: 'done' }>[] = [];
      const fail = (message: string): void => {
        for (const w of workers) void w.terminate();
        resolve({ kind: 'error', message });
      };
      TABLE_GROUPS[threads]!.forEach((tables, i) => {
        // Written chunks go back to their generator to be refilled: fresh megabyte buffers would cost page faults and collections.
        const recycle = new MessageChannel();
        recyclePorts.push(recycle.port1);
        const own: WorkerRequest = { ...request, tables, progress: i === 0, writtenKib: new SharedArrayBuffer(4), recycle: recycle.port2 };
        const writtenKib = new Int32Array(own.writtenKib);
        const done = (kib: number): void => {
          Atomics.add(writtenKib, 0, kib);
          Atomics.notify(writtenKib, 0);
        };
        const worker = new Worker(new URL('./simulate-worker.js', import.meta.url), {
          workerData: own,
          transferList: [recycle.port2],
          resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB / threads },
        });
        workers.push(worker);
        worker.on('message', (m: WorkerMessage) => {
          try {
            switch (m.kind) {
              case 'progress':
                if (isTTY) io.stderr(`\r${progressBar(m.done, m.total, m.rows, (Date.now() - started) / 1000)}\x1b[K`);
                break;
              case 'chunk':
                files!.write(m.table, m.bytes);
                done(transferKib(m));
                recycle.port1.postMessage(m.bytes.buffer, [m.bytes.buffer as ArrayBuffer]);
                break;
              case 'segment':
                store!.add(reviveSegment(m.segment));
                done(transferKib(m));
                break;
              case 'error':
                fail(m.message);
                break;
              case 'done':
                finished.push(m);
                if (finished.length < workers.length) break;
                // Every thread generated the same rows; they only wrote different tables.
                if (finished.some((f) => f.totalRows !== finished[0]!.totalRows)) fail('internal: generator threads disagree on the row count');
                else resolve(finished[0]!);
                break;
            }
          } catch (e) {
            // A failed write (disk full, permissions): stop generating rows nobody can keep.
            fail(e instanceof Error ? e.message : String(e));
          }
        });
        worker.on('error', reject);
      });
    });
  } catch (e) {
    // A generator crashed (out of memory, a bug): nothing it produced is committed.
    for (const w of workers) void w.terminate();
    store?.abort();
    throw e;
  } finally {
    files?.close();
    for (const port of recyclePorts) port.close();
  }
  if (isTTY) io.stderr('\r\x1b[K');
  if (outcome.kind === 'error') {
    store?.abort();
    io.stderr(`kqlhunt simulate: ${outcome.message} (writing to ${target})\n`);
    return EXIT_ERROR;
  }
  const result = outcome;
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
