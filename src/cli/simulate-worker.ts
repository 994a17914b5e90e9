// Runs the generator in a worker thread while the main thread persists what it produces:
// NDJSON chunks and store segments are posted (their buffers moved, not copied) and written
// there, so file-system calls and fsyncs overlap generation on a second core. The worker
// also gets a large young generation (resourceLimits), which cuts garbage collection time
// without asking users for node flags.

import { parentPort, workerData } from 'node:worker_threads';
import type { TableSchema } from '../kql/types.js';
import { ColumnarSink, type SegmentData } from '../sim/columnar-sink.js';
import type { Labels } from '../sim/labels.js';
import { TableOutput } from '../sim/output.js';
import type { TableName, TelemetrySink } from '../sim/rows.js';
import { segmentBuffers } from '../sim/segment-transfer.js';
import { simulate, type SimulationOptions } from '../sim/simulate.js';
import { TeeSink } from '../sim/tee-sink.js';

export interface WorkerRequest {
  options: Omit<SimulationOptions, 'onProgress'>;
  /** Post NDJSON chunks. */
  files: boolean;
  /** Post store segments typed by these schemas. */
  storeSchemas?: Record<TableName, TableSchema>;
}

export type WorkerMessage =
  | { kind: 'progress'; done: number; total: number; rows: number }
  | { kind: 'chunk'; table: TableName; bytes: Uint8Array }
  | { kind: 'segment'; segment: SegmentData }
  | { kind: 'done'; rows: Record<string, number>; totalRows: number; labels: Labels }
  | { kind: 'error'; message: string };

function run(request: WorkerRequest, port: NonNullable<typeof parentPort>): WorkerMessage {
  try {
    const files = request.files
      ? new TableOutput((table) => ({
        write: (bytes) => port.postMessage({ kind: 'chunk', table, bytes } satisfies WorkerMessage, [bytes.buffer as ArrayBuffer]),
        close: () => {},
      }))
      : undefined;
    const columnar = request.storeSchemas === undefined ? undefined : new ColumnarSink({
      schemas: request.storeSchemas,
      onSegment: (segment) => port.postMessage({ kind: 'segment', segment } satisfies WorkerMessage, segmentBuffers(segment)),
    });
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
    return { kind: 'done', rows: result.rows, totalRows: result.totalRows, labels: result.labels };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

const port = parentPort!;
port.postMessage(run(workerData as WorkerRequest, port));
