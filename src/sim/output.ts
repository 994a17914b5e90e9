// Where generated rows go: one NDJSON stream per table, buffered into large chunks so that
// writing costs a few system calls per megabyte. Each row gets its 0-based index in its
// table's file, which is how labels.json points at the rows an attack produced.

import fs from 'node:fs';
import path from 'node:path';

export const TABLES = [
  'DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceProcessEvents', 'VMConnection', 'CommonSecurityLog', 'DnsEvents',
] as const;

export type TableName = (typeof TABLES)[number];

/** Receives one table's text in order. */
export interface ChunkWriter {
  write(chunk: string): void;
  close(): void;
}

const CHUNK_CHARS = 1 << 20;

class BufferedTable {
  rows = 0;
  chars = 0;
  private parts: string[] = [];
  private size = 0;
  constructor(readonly writer: ChunkWriter) {}

  add(line: string): number {
    this.parts.push(line);
    this.size += line.length + 1;
    if (this.size >= CHUNK_CHARS) this.flush();
    return this.rows++;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('\n') + '\n';
    this.parts = [];
    this.chars += chunk.length;
    this.size = 0;
    this.writer.write(chunk);
  }
}

export class TableOutput {
  private readonly tables = new Map<TableName, BufferedTable>();

  constructor(open: (table: TableName) => ChunkWriter) {
    for (const t of TABLES) this.tables.set(t, new BufferedTable(open(t)));
  }

  /** Appends one JSON object (without newline); returns its row index in the table. */
  add(table: TableName, json: string): number {
    return this.tables.get(table)!.add(json);
  }

  rowCount(table: TableName): number {
    return this.tables.get(table)!.rows;
  }

  totalRows(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.rows;
    return n;
  }

  close(): void {
    for (const t of this.tables.values()) {
      t.flush();
      t.writer.close();
    }
  }
}

/**
 * A file written synchronously: the generator is CPU-bound and single-threaded, so blocking
 * writes of 1 MB chunks keep memory flat without back-pressure bookkeeping.
 */
export function fileWriter(file: string): ChunkWriter {
  const fd = fs.openSync(file, 'w');
  return {
    write(chunk) {
      const bytes = Buffer.from(chunk, 'utf8');
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

export function directoryOutput(dir: string): TableOutput {
  fs.mkdirSync(dir, { recursive: true });
  return new TableOutput((t) => fileWriter(path.join(dir, `${t}.ndjson`)));
}

/** Keeps everything in memory (tests and small runs). */
export function memoryOutput(): { output: TableOutput; text: (table: TableName) => string } {
  const store = new Map<TableName, string[]>();
  const output = new TableOutput((t) => {
    const parts: string[] = [];
    store.set(t, parts);
    return { write: (c) => { parts.push(c); }, close: () => {} };
  });
  return { output, text: (t) => (store.get(t) ?? []).join('') };
}
