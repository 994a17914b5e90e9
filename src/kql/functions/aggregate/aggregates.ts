import type { AggregateFunctionDef } from '../registry.js';

// Placeholder: this group's owner replaces it with the real definitions.
export const aggregateFunctions: readonly AggregateFunctionDef[] = [];
