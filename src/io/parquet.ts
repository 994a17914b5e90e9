// Parquet files -> raw records, via hyparquet (loaded only when a parquet file is read).
// Column types come from the file's own schema, so nothing is inferred.

import type { ScalarType } from '../kql/types.js';
import { DatetimeTicks, type RawCell } from './cell.js';
import { DataFileError } from './csv.js';
import type { RawTable } from './table-builder.js';

const UNIX_EPOCH_TICKS = 621355968000000000n;

interface SchemaElementLike {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: { type: string; unit?: string; bitWidth?: number; isSigned?: boolean };
  num_children?: number;
}

interface SchemaTreeLike {
  element: SchemaElementLike;
  children: SchemaTreeLike[];
}

/** The KQL type for a top-level parquet field; nested groups (lists, maps, structs) are dynamic. */
export function kqlTypeOfParquetField(node: SchemaTreeLike): ScalarType {
  const e = node.element;
  if (node.children.length > 0) return 'dynamic';
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (logical === 'TIMESTAMP' || logical === 'DATE' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || converted === 'DATE') {
    return 'datetime';
  }
  if (logical === 'UUID') return 'guid';
  if (logical === 'JSON' || converted === 'JSON' || logical === 'BSON' || logical === 'VARIANT') return 'dynamic';
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return 'decimal';
  if (logical === 'STRING' || logical === 'ENUM' || converted === 'UTF8' || converted === 'ENUM') return 'string';
  switch (e.type) {
    case 'BOOLEAN': return 'bool';
    case 'INT32':
      // Unsigned 32-bit values do not fit int.
      return converted === 'UINT_32' || (logical === 'INTEGER' && e.logical_type?.isSigned === false && e.logical_type.bitWidth === 32)
        ? 'long' : 'int';
    case 'INT64': return 'long';
    case 'FLOAT': case 'DOUBLE': return 'real';
    case 'INT96': return 'datetime';
    default: return 'string';
  }
}

export async function readParquet(file: string): Promise<RawTable> {
  const hyparquet = await import('hyparquet');
  let buffer;
  let metadata;
  try {
    buffer = await hyparquet.asyncBufferFromFile(file);
    metadata = await hyparquet.parquetMetadataAsync(buffer);
  } catch (e) {
    throw new DataFileError(file, undefined, `not a readable parquet file: ${(e as Error).message}`);
  }
  const tree = hyparquet.parquetSchema(metadata) as unknown as SchemaTreeLike;
  const header = tree.children.map((c) => c.element.name);
  const declaredTypes = new Map<string, ScalarType>(tree.children.map((c) => [c.element.name, kqlTypeOfParquetField(c)]));
  let rows: RawCell[][];
  try {
    rows = await new Promise<RawCell[][]>((resolve, reject) => {
      hyparquet.parquetRead({
        file: buffer,
        metadata,
        rowFormat: 'array',
        // Exact 100 ns ticks instead of millisecond Dates.
        parsers: {
          timestampFromMilliseconds: (ms: bigint) => new DatetimeTicks(ms * 10000n + UNIX_EPOCH_TICKS),
          timestampFromMicroseconds: (us: bigint) => new DatetimeTicks(us * 10n + UNIX_EPOCH_TICKS),
          timestampFromNanoseconds: (ns: bigint) => new DatetimeTicks(ns / 100n + UNIX_EPOCH_TICKS),
          dateFromDays: (days: number) => new DatetimeTicks(BigInt(days) * 864000000000n + UNIX_EPOCH_TICKS),
        },
        onComplete: (data: unknown[][]) => resolve(data as RawCell[][]),
      }).catch(reject);
    });
  } catch (e) {
    throw new DataFileError(file, undefined, `parquet data could not be decoded: ${(e as Error).message}`);
  }
  return { file, header, rows, declaredTypes, lineOf: (r) => ({ record: r + 1 }) };
}
