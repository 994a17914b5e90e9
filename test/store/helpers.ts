// Shared by the store tests: temporary stores and reading a table back as rows.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { Table } from '../../src/kql/data/column.js';
import type { TableSource } from '../../src/kql/exec/tables.js';
import type { Scalar } from '../../src/kql/types.js';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'kqlhunt-store-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

export function rowsOf(source: TableSource | Table | undefined): Record<string, Scalar>[] {
  if (source === undefined) throw new Error('no such table');
  const batches: Iterable<Table> = 'batches' in source ? source.batches() : [source];
  const out: Record<string, Scalar>[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const row: Record<string, Scalar> = {};
      for (const c of b.columns) row[c.name] = c.column.get(i);
      out.push(row);
    }
  }
  return out;
}

const EPOCH = 621355968000000000n;

/** ISO text -> datetime ticks; extra 100 ns ticks may be added. */
export function ticks(iso: string, extra = 0n): bigint {
  return BigInt(Date.parse(iso)) * 10000n + EPOCH + extra;
}
