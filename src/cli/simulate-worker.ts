// A generator thread: generates and encodes the whole days the main thread assigns to it, one
// at a time, while the main thread writes what the threads produce in day order. Days do not
// depend on each other (src/sim/simulate.ts), so several threads generate in parallel and the
// output is the same whatever their number. NDJSON chunks and store segments are posted with
// their buffers moved, not copied; segments are encoded here, not on the writing thread. Each thread also gets a large young generation
// (resourceLimits), which cuts garbage collection time without asking users for node flags.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { TableSchema } from '../kql/types.js';
import { ColumnarSink } from '../sim/columnar-sink.js';
import { TableOutput } from '../sim/output.js';
import type { TableName, TelemetrySink } from '../sim/rows.js';
import { FLOW_LIMIT, FLOW_WRITTEN, segmentBuffers, transferKib } from '../sim/segment-transfer.js';
import { Simulation, type DayResult, type SimulationOptions } from '../sim/simulate.js';
import { TeeSink } from '../sim/tee-sink.js';
import { encodeSegment, type EncodedSegment } from '../store/bulk-writer.js';

export interface WorkerRequest {
  options: Omit<SimulationOptions, 'onProgress'>;
  /** Post NDJSON chunks. */
  files: boolean;
  /** Post store segments typed by these schemas. */
  storeSchemas?: Record<TableName, TableSchema>;
  /**
   * Two Int32 counters shared with the main thread: [0] KiB of this thread's posted chunks and
   * segments the main thread has written (or otherwise disposed of), [1] how many KiB may be
   * posted and not yet written. The thread waits beyond that limit, so a slow disk, or a day
   * that must wait for the days before it, bounds memory instead of queueing in messages.
   */
  flow: SharedArrayBuffer;
  /** Where the main thread hands back the buffers of NDJSON chunks it has written, for reuse. */
  recycle?: MessagePort;
}

/** From the main thread. */
export type WorkerCommand = { kind: 'generate'; day: number } | { kind: 'stop' };

export type WorkerMessage =
  | { kind: 'progress'; day: number; hours: number }
  | { kind: 'chunk'; day: number; table: TableName; bytes: Uint8Array }
  | { kind: 'segment'; day: number; segment: EncodedSegment }
  | { kind: 'day'; result: DayResult }
  | { kind: 'error'; message: string };

function start(request: WorkerRequest, port: NonNullable<typeof parentPort>): void {
  const flow = new Int32Array(request.flow);
  let postedKib = 0;
  let day = -1;
  const post = (m: Extract<WorkerMessage, { kind: 'chunk' | 'segment' }>, transfer: ArrayBuffer[]): void => {
    for (;;) {
      const written = Atomics.load(flow, FLOW_WRITTEN);
      if (postedKib - written <= Atomics.load(flow, FLOW_LIMIT)) break;
      Atomics.wait(flow, FLOW_WRITTEN, written, 1000);
    }
    postedKib += transferKib(m);
    port.postMessage(m, transfer);
  };
  const recycle = request.recycle;
  const spare = (): Uint8Array | undefined => {
    const returned = recycle === undefined ? undefined : receiveMessageOnPort(recycle);
    return returned === undefined ? undefined : new Uint8Array(returned.message as ArrayBuffer);
  };
  const files = request.files
    ? new TableOutput((table) => ({
      write: (bytes) => post({ kind: 'chunk', day, table, bytes }, [bytes.buffer as ArrayBuffer]),
      close: () => {},
      spare,
    }))
    : undefined;
  const columnar = request.storeSchemas === undefined ? undefined : new ColumnarSink({
    schemas: request.storeSchemas,
    // Encoded here, in parallel with the other generator threads; the column arrays then go back to the sink.
    onSegment: (segment) => {
      const encoded = encodeSegment(segment);
      post({ kind: 'segment', day, segment: encoded }, segmentBuffers(encoded));
    },
    reuseArrays: true,
  });
  const sink: TelemetrySink = files !== undefined && columnar !== undefined ? new TeeSink(files, columnar) : (files ?? columnar)!;
  const simulation = new Simulation(request.options);

  port.on('message', (command: WorkerCommand) => {
    if (command.kind === 'stop') {
      port.close();
      return;
    }
    try {
      day = command.day;
      let lastPost = 0;
      const result = simulation.generateDay(day, sink, (hours) => {
        const now = Date.now();
        if (now - lastPost < 200) return;
        lastPost = now;
        port.postMessage({ kind: 'progress', day, hours } satisfies WorkerMessage);
      });
      port.postMessage({ kind: 'day', result } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
    }
  });
}

const port = parentPort!;
try {
  start(workerData as WorkerRequest, port);
} catch (e) {
  port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
}
