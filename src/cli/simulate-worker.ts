// Runs one simulation in a worker thread. The generator allocates many short-lived values;
// a worker can be given a large young generation (resourceLimits), which cuts garbage
// collection time without asking users for node flags.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadSchemaCatalog } from '../io/schemas.js';
import type { TableSchema } from '../kql/types.js';
import { ColumnarSink } from '../sim/columnar-sink.js';
import { directoryOutput, type TableOutput } from '../sim/output.js';
import { TABLES, type TableName, type TelemetrySink } from '../sim/rows.js';
import { simulate, type SimulationOptions } from '../sim/simulate.js';
import { TeeSink } from '../sim/tee-sink.js';
import { BulkStoreWriter } from '../store/bulk-writer.js';

export interface WorkerRequest {
  options: Omit<SimulationOptions, 'onProgress'>;
  /** NDJSON files and labels.json go here. */
  outDir?: string;
  /** Rows are committed to this store (labels.json goes to the store directory without outDir). */
  storeDir?: string;
  /** How the run is named in the store's list of sources. */
  description: string;
}

export type WorkerMessage =
  | { kind: 'progress'; done: number; total: number; rows: number }
  | { kind: 'done'; rows: Record<string, number>; totalRows: number; scenarios: number; start: string; end: string; labelsFile: string; storeSegments?: number; storeBytes?: number }
  | { kind: 'skipped'; message: string }
  | { kind: 'error'; message: string };

/** The store's record of a simulation: the same options make the same rows, so they identify it. */
function simulationIdentity(request: WorkerRequest): string {
  const o = request.options;
  const key = JSON.stringify({ generator: 'kqlhunt simulate', days: o.days, hosts: o.hosts, seed: o.seed, endMs: o.endMs, scale: o.scale, scenarios: o.scenarios ?? 'all' });
  return crypto.createHash('sha256').update(key).digest('hex');
}

function run(request: WorkerRequest, port: NonNullable<typeof parentPort>): WorkerMessage {
  let files: TableOutput | undefined;
  let store: BulkStoreWriter | undefined;
  let columnar: ColumnarSink | undefined;
  try {
    if (request.storeDir !== undefined) {
      const catalog = loadSchemaCatalog();
      const schemas = Object.fromEntries(TABLES.map((t) => [t, catalog.table(t)!])) as Record<TableName, TableSchema>;
      const writer = new BulkStoreWriter(request.storeDir, { description: request.description, sha256: simulationIdentity(request) }, schemas);
      store = writer;
      columnar = new ColumnarSink({ schemas, onSegment: (s) => writer.add(s) });
      const before = store.alreadyCommitted();
      if (before !== undefined && request.outDir === undefined) {
        store.abort();
        return { kind: 'skipped', message: `this simulation (same options) is already in the store ${request.storeDir} (${before.rows.toLocaleString('en-US')} rows); nothing written` };
      }
      if (before !== undefined) throw new Error(`this simulation (same options) is already in the store ${request.storeDir}; write the files alone (no --store) or use another store`);
    }
    if (request.outDir !== undefined) files = directoryOutput(request.outDir);
    const sink: TelemetrySink = files !== undefined && columnar !== undefined ? new TeeSink(files, columnar) : (files ?? columnar)!;
    let lastPost = 0;
    const result = simulate({
      ...request.options,
      onProgress: (done, total, rows) => {
        const now = Date.now();
        if (now - lastPost < 200 && done < total) return;
        lastPost = now;
        port.postMessage({ kind: 'progress', done, total, rows } satisfies WorkerMessage);
      },
    }, sink);
    files?.close();
    columnar?.close();
    const labelsDir = request.outDir ?? request.storeDir!;
    const labelsFile = path.join(labelsDir, 'labels.json');
    fs.writeFileSync(labelsFile, JSON.stringify(result.labels, null, 2) + '\n');
    store?.commit();
    return {
      kind: 'done', rows: result.rows, totalRows: result.totalRows, scenarios: result.labels.scenarios.length,
      start: result.labels.start, end: result.labels.end, labelsFile, storeSegments: store?.segments, storeBytes: store?.bytes,
    };
  } catch (e) {
    store?.abort();
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

const port = parentPort!;
port.postMessage(run(workerData as WorkerRequest, port));
