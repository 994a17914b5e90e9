// Building CommonSecurityLog rows: every vendor parser sets columns from field text, typed by
// the table's schema. A value its column cannot take (a port that is not a number) is not
// dropped: it goes to AdditionalExtensions as `key=value`, as Sentinel does with fields that
// have no column, and the field is counted as bad.

import type { ScalarType } from '../kql/types.js';
import { parseCefTimestamp, toInt, toLong, toReal } from './convert.js';
import type { ParseContext, Row } from './record.js';
import { COMMON_SECURITY_LOG_TYPES } from './tables.js';

export const COMMON_SECURITY_LOG = 'CommonSecurityLog';

export class CslRowBuilder {
  readonly row: Row = {};
  private extensions = '';

  constructor(private readonly ctx: ParseContext) {}

  /** Sets a column from text, converting to the column's type. Empty text leaves it unset. */
  set(column: string, text: string, sourceKey: string = column): void {
    if (text === '') return;
    const type: ScalarType | undefined = COMMON_SECURITY_LOG_TYPES.get(column);
    let value: unknown;
    switch (type) {
      case undefined:
        throw new Error(`internal: ${column} is not a CommonSecurityLog column`);
      case 'string':
        this.row[column] = text;
        return;
      case 'int':
        value = toInt(text);
        break;
      case 'long':
        value = toLong(text);
        break;
      case 'real':
        value = toReal(text);
        break;
      case 'datetime':
        value = parseCefTimestamp(text, this.ctx.ingestTime);
        break;
      default:
        value = text;
    }
    if (value === undefined) {
      this.ctx.badField(column, text);
      this.extra(sourceKey, text);
      return;
    }
    this.row[column] = value;
  }

  /** A value already in its column's representation. */
  setValue(column: string, value: unknown): void {
    this.row[column] = value;
  }

  has(column: string): boolean {
    return this.row[column] !== undefined;
  }

  /** A field with no column: kept in AdditionalExtensions (`key=value;key=value`). */
  extra(key: string, value: string): void {
    const pair = `${key}=${value}`;
    this.extensions = this.extensions === '' ? pair : `${this.extensions};${pair}`;
  }

  finish(timeGenerated: bigint): Row {
    if (this.extensions !== '') this.row['AdditionalExtensions'] = this.extensions;
    if (this.row['TimeGenerated'] === undefined) this.row['TimeGenerated'] = timeGenerated;
    this.row['Type'] = COMMON_SECURITY_LOG;
    return this.row;
  }
}
