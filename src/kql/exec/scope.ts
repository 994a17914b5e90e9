// Names visible to a query: let bindings (scalars, tables, functions), query parameters,
// and the database's tables. Inner scopes (function bodies, subqueries) chain to outer ones.

import type { FunctionDecl } from '../syntax/ast.js';
import type { Scalar, ScalarType } from '../types.js';
import type { Evaluator } from './evaluator.js';
import type { Relation } from './relation.js';

export type Binding =
  | { kind: 'scalar'; type: ScalarType; value: Scalar }
  /** A function parameter bound to an argument expression of the calling row context. */
  | { kind: 'evaluator'; evaluator: Evaluator }
  | { kind: 'tabular'; relation: Relation }
  | { kind: 'function'; decl: FunctionDecl; scope: Scope; name: string };

export class Scope {
  private readonly names = new Map<string, Binding>();

  constructor(readonly parent?: Scope) {}

  set(name: string, b: Binding): void { this.names.set(name, b); }

  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  }

  child(): Scope { return new Scope(this); }
}
