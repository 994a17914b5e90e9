// What an expression is compiled against: the input row schema, the visible names,
// and the query's execution context.

import type { Expr, Statement } from '../../syntax/ast.js';
import type { TableSchema } from '../../types.js';
import type { ExecContext } from '../context.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';

export interface CompileEnv {
  readonly ctx: ExecContext;
  readonly scope: Scope;
  /** Columns of the batches the evaluator will receive. */
  readonly schema: TableSchema;
  /** Compiles a tabular subexpression (toscalar, `in (T)`, materialize) in a scope. */
  readonly tabular: (expr: Expr, scope: Scope) => Relation;
  /** Whether an expression denotes a table (a pipeline, a table name, a tabular let/function). */
  readonly isTabular: (expr: Expr, scope: Scope) => boolean;
  /** Binds `let` statements (a function body's) into a scope. */
  readonly bindLets: (statements: readonly Statement[], scope: Scope) => void;
}
