// Every built-in aggregate function, grouped by kind; functions/index.ts registers them.

import type { AggregateFunctionDef } from '../registry.js';
import { argExtremeAggregates } from './argext.js';
import { basicAggregates } from './basic.js';
import { collectAggregates } from './collect.js';
import { distinctAggregates } from './distinct.js';
import { minMaxAggregates } from './minmax.js';
import { percentileAggregates } from './percentile.js';
import { statsAggregates } from './stats.js';

export const aggregateFunctions: readonly AggregateFunctionDef[] = [
  ...basicAggregates,
  ...minMaxAggregates,
  ...statsAggregates,
  ...distinctAggregates,
  ...collectAggregates,
  ...argExtremeAggregates,
  ...percentileAggregates,
];
