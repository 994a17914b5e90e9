// Runs one simulation in a worker thread. The generator allocates many short-lived strings;
// a worker can be given a large young generation (resourceLimits), which cuts garbage
// collection time by about a third without asking users for node flags.

import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { directoryOutput } from '../sim/output.js';
import { simulate, type SimulationOptions } from '../sim/simulate.js';

export interface WorkerRequest {
  options: Omit<SimulationOptions, 'onProgress'>;
  outDir: string;
}

export type WorkerMessage =
  | { kind: 'progress'; done: number; total: number; rows: number }
  | { kind: 'done'; rows: Record<string, number>; totalRows: number; scenarios: number; start: string; end: string }
  | { kind: 'error'; message: string };

const request = workerData as WorkerRequest;
const port = parentPort!;
try {
  const output = directoryOutput(request.outDir);
  let lastPost = 0;
  const result = simulate({
    ...request.options,
    onProgress: (done, total, rows) => {
      const now = Date.now();
      if (now - lastPost < 200 && done < total) return;
      lastPost = now;
      port.postMessage({ kind: 'progress', done, total, rows } satisfies WorkerMessage);
    },
  }, output);
  output.close();
  fs.writeFileSync(path.join(request.outDir, 'labels.json'), JSON.stringify(result.labels, null, 2) + '\n');
  port.postMessage({
    kind: 'done', rows: result.rows, totalRows: result.totalRows, scenarios: result.labels.scenarios.length,
    start: result.labels.start, end: result.labels.end,
  } satisfies WorkerMessage);
} catch (e) {
  port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
}
