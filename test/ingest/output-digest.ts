// A sink that records everything the pipeline tells it, in a canonical text form that keeps
// what deep-equality would blur: value types (bigint vs number, -0, NaN), row key order (the
// store adds columns in first-seen order) and the order of calls. Used to pin the pipeline's
// exact output while its internals are optimised.

import crypto from 'node:crypto';
import type { TableSchema } from '../../src/kql/types.js';
import type { IngestSink, QuarantinedRecord, RecordSource } from '../../src/ingest/sink.js';

export function canonicalValue(v: unknown): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'bigint': return `${v}n`;
    case 'number': return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : `#${v}`;
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return 'undefined';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(canonicalValue).join(',')}]`;
      const parts: string[] = [];
      for (const k of Object.keys(v)) parts.push(`${JSON.stringify(k)}:${canonicalValue((v as Record<string, unknown>)[k])}`);
      return `{${parts.join(',')}}`;
    }
    default: throw new Error(`unexpected ${typeof v} in pipeline output`);
  }
}

/** Hashes the canonical form of every call; keeps the text too when asked (to diff a failure). */
export class DigestSink implements IngestSink {
  private readonly hash = crypto.createHash('sha256');
  readonly kept: string[] | undefined;
  events = 0;

  constructor(private readonly fileLabel: (file: string) => string, keep = false) {
    this.kept = keep ? [] : undefined;
  }

  private add(text: string): void {
    this.events++;
    this.hash.update(text);
    this.hash.update('\n');
    this.kept?.push(text);
  }

  row(table: string, row: Record<string, unknown>, source: RecordSource): void {
    this.add(`row ${table} ${this.fileLabel(source.file)}:${source.line} ${canonicalValue(row)}`);
  }

  quarantine(q: QuarantinedRecord): void {
    this.add(`quarantine ${this.fileLabel(q.file)}:${q.line} ${q.format} ${JSON.stringify(q.reason)} ${JSON.stringify(q.raw)}`);
  }

  schema(table: string, columns: TableSchema): void {
    this.add(`schema ${table} ${columns.map((c) => `${c.name}:${c.type}`).join(',')}`);
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
