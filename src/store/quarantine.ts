// The Quarantine table: records the parsers rejected, kept where `kqlhunt query` can read
// them (`Quarantine | summarize count() by Reason`).

import type { TableSchema } from '../kql/types.js';
import type { QuarantinedRecord } from '../ingest/sink.js';

export const QUARANTINE_TABLE = 'Quarantine';

export const QUARANTINE_SCHEMA: TableSchema = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'SourceFile', type: 'string' },
  { name: 'LineNumber', type: 'long' },
  { name: 'Format', type: 'string' },
  { name: 'Reason', type: 'string' },
  { name: 'RawData', type: 'string' },
];

/** TimeGenerated is the ingestion time: a rejected record has no trustworthy time of its own. */
export function quarantineRow(q: QuarantinedRecord, ingestTime: bigint): Record<string, unknown> {
  return {
    TimeGenerated: ingestTime,
    SourceFile: q.file,
    LineNumber: q.line,
    Format: q.format,
    Reason: q.reason,
    RawData: q.raw,
  };
}
