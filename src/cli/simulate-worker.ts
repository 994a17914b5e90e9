// Runs the generator in a worker thread while the main thread persists what it produces:
// NDJSON chunks and store segments are posted (their buffers moved, not copied) and written
// there, so file-system calls and fsyncs overlap generation on a second core. The worker
// also gets a large young generation (resourceLimits), which cuts garbage collection time
// without asking users for node flags.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { TableSchema } from '../kql/types.js';
import { ColumnarSink, type SegmentData } from '../sim/columnar-sink.js';
import type { Labels } from '../sim/labels.js';
import { TableOutput } from '../sim/output.js';
import type { TableName, TelemetrySink } from '../sim/rows.js';
import { IN_FLIGHT_KIB, segmentBuffers, transferKib } from '../sim/segment-transfer.js';
import { simulate, type SimulationOptions } from '../sim/simulate.js';
import { TeeSink } from '../sim/tee-sink.js';

export interface WorkerRequest {
  options: Omit<SimulationOptions, 'onProgress'>;
  /** Post NDJSON chunks. */
  files: boolean;
  /**
   * The tables this thread writes. Every thread runs the whole (deterministic) generation
   * and only numbers the other tables' rows, so threads can split the encoding between them
   * and still produce the bytes one thread would.
   */
  tables: TableName[];
  /** Whether this thread reports progress (one of them does). */
  progress: boolean;
  /** Post store segments typed by these schemas. */
  storeSchemas?: Record<TableName, TableSchema>;
  /**
   * One Int32 counter: KiB of posted chunks and segments the main thread has written. The
   * worker stops when more than IN_FLIGHT_KIB are posted but not yet written, so a slow disk
   * (or a busy main thread) bounds memory instead of queueing the run in messages.
   */
  writtenKib: SharedArrayBuffer;
  /** Where the main thread hands back the buffers of NDJSON chunks it has written, for reuse. */
  recycle?: MessagePort;
}

export type WorkerMessage =
  | { kind: 'progress'; done: number; total: number; rows: number }
  | { kind: 'chunk'; table: TableName; bytes: Uint8Array }
  | { kind: 'segment'; segment: SegmentData }
  | { kind: 'done'; rows: Record<string, number>; totalRows: number; labels: Labels }
  | { kind: 'error'; message: string };

function run(request: WorkerRequest, port: NonNullable<typeof parentPort>): WorkerMessage {
  const written = new Int32Array(request.writtenKib);
  let postedKib = 0;
  const post = (m: Extract<WorkerMessage, { kind: 'chunk' | 'segment' }>, transfer: ArrayBuffer[]): void => {
    for (;;) {
      const done = Atomics.load(written, 0);
      if (postedKib - done <= IN_FLIGHT_KIB) break;
      Atomics.wait(written, 0, done, 1000);
    }
    postedKib += transferKib(m);
    port.postMessage(m, transfer);
  };
  try {
    const recycle = request.recycle;
    const spare = (): Uint8Array | undefined => {
      const returned = recycle === undefined ? undefined : receiveMessageOnPort(recycle);
      return returned === undefined ? undefined : new Uint8Array(returned.message as ArrayBuffer);
    };
    const files = request.files
      ? new TableOutput((table) => ({
        write: (bytes) => post({ kind: 'chunk', table, bytes }, [bytes.buffer as ArrayBuffer]),
        close: () => {},
        spare,
      }), request.tables)
      : undefined;
    const columnar = request.storeSchemas === undefined ? undefined : new ColumnarSink({
      schemas: request.storeSchemas,
      tables: request.tables,
      onSegment: (segment) => post({ kind: 'segment', segment }, segmentBuffers(segment)),
    });
    const sink: TelemetrySink = files !== undefined && columnar !== undefined ? new TeeSink(files, columnar) : (files ?? columnar)!;
    let lastPost = 0;
    const result = simulate({
      ...request.options,
      onProgress: (done, total, rows) => {
        if (!request.progress) return;
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
