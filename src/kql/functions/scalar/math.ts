import type { ScalarFunctionDef } from '../registry.js';

// Placeholder: this group's owner replaces it with the real definitions.
export const mathFunctions: readonly ScalarFunctionDef[] = [];
