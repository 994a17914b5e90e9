// A compiled scalar expression: typed once at compile time, evaluated per batch.

import type { Column, Table } from '../data/column.js';
import type { Scalar, ScalarType } from '../types.js';
import { constantColumn } from './columns.js';

export interface Evaluator {
  readonly type: ScalarType;
  /** Set when the value is the same for every row (literals, folded calls, scalar lets). */
  readonly constant?: { readonly value: Scalar };
  /** Reads window state (row_number, prev, ...): the operator must see its input as one batch. */
  readonly needsWholeInput?: boolean;
  eval(batch: Table): Column;
}

export function constantEvaluator(type: ScalarType, value: Scalar): Evaluator {
  return { type, constant: { value }, eval: (batch) => constantColumn(type, value, batch.length) };
}
