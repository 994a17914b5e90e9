// Tiny AST builders for tests that must not wait for the parser. Offsets are irrelevant here.
import type { CallExpr, Expr, Ident, Literal, NamedExpr, NameRef } from '../../src/kql/syntax/ast.js';
import type { ScalarType } from '../../src/kql/types.js';

const at = { start: 0, end: 0 };
export const id = (name: string): Ident => ({ kind: 'Ident', name, quoted: false, ...at });
export const col = (name: string): NameRef => ({ kind: 'NameRef', name: id(name), ...at });
export const lit = (type: ScalarType, value: string | number | boolean | null, text = String(value)): Literal =>
  ({ kind: 'Literal', type, value, text, ...at });
export const call = (name: string, ...args: Expr[]): CallExpr => ({ kind: 'Call', name: id(name), args, ...at });
export const member = (target: Expr, name: string): Expr => ({ kind: 'Member', target, member: id(name), ...at });
export const index = (target: Expr, i: Expr): Expr => ({ kind: 'Index', target, index: i, ...at });
export const bin = (op: string, left: Expr, right: Expr): Expr => ({ kind: 'Binary', op, left, right, ...at });
export const paren = (e: Expr): Expr => ({ kind: 'Paren', expr: e, ...at });
export const star = (): Expr => ({ kind: 'Star', ...at });
export const item = (expr: Expr, ...names: string[]): NamedExpr => ({ kind: 'NamedExpr', names: names.map(id), expr, ...at });
