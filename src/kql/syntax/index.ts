// The public surface of the syntax layer: parse text into a tree, and report positions.
export { parse, SYNTAX_ERROR, LITERAL_ERROR, SHAPE_ERROR } from './parser.js';
export type { ParseResult } from './parser.js';
export { SourceText, formatDiagnostic } from './source.js';
export type * from './ast.js';
