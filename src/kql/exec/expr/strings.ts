// String operators (has, contains, startswith, matches regex, ... and their negations).
// Predicates come from functions/text/operators.ts; this module only vectorises them:
// with a constant right side, each distinct dictionary value is tested once.

import { BoolColumn, StringColumn } from '../../data/column.js';
import { stringOperators } from '../../functions/text/operators.js';
import type { BinaryExpr } from '../../syntax/ast.js';
import type { Evaluator } from '../evaluator.js';
import { stringAt } from './coerce.js';
import { asStringEval, compileScalar, fail, foldIfConstant } from './compile.js';
import type { CompileEnv } from './env.js';

const COMPARISONS = new Set(['==', '!=', '=~', '!~']);

export function isStringOperator(op: string): boolean {
  return !COMPARISONS.has(op) && Object.prototype.hasOwnProperty.call(stringOperators, op);
}

export function compileStringOperator(expr: BinaryExpr, env: CompileEnv): Evaluator {
  const pred = stringOperators[expr.op]!;
  const lRaw = compileScalar(expr.left, env);
  const rRaw = compileScalar(expr.right, env);
  for (const [e, node] of [[lRaw, expr.left], [rRaw, expr.right]] as const) {
    if (e.type === 'bool' && expr.op === 'matches regex') fail(node, `'matches regex' needs string operands, not ${e.type}`);
  }
  const l = asStringEval(lRaw), r = asStringEval(rRaw);
  const rConst = r.constant?.value as string | undefined;
  if (expr.op === 'matches regex' && rConst !== undefined) {
    try { pred('', rConst); } catch (e) { fail(expr.right, `invalid regular expression: ${(e as Error).message}`); }
  }
  return foldIfConstant({
    type: 'bool', needsWholeInput: l.needsWholeInput || r.needsWholeInput,
    eval: (b) => {
      const lc = l.eval(b);
      const n = lc.length;
      const out = new Uint8Array(n);
      if (rConst !== undefined && lc instanceof StringColumn && lc.dict.length <= n) {
        const perCode = new Uint8Array(lc.dict.length);
        for (let k = 0; k < perCode.length; k++) perCode[k] = pred(lc.dict[k]!, rConst) ? 1 : 0;
        for (let i = 0; i < n; i++) out[i] = perCode[lc.codes[i]!]!;
      } else if (rConst !== undefined && lc instanceof StringColumn) {
        // A large shared dictionary under a small batch: memoise only the codes seen.
        const memo = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const code = lc.codes[i]!;
          let v = memo.get(code);
          if (v === undefined) { v = pred(lc.dict[code]!, rConst) ? 1 : 0; memo.set(code, v); }
          out[i] = v;
        }
      } else {
        const rc = r.eval(b);
        for (let i = 0; i < n; i++) out[i] = pred(stringAt(lc, i), stringAt(rc, i)) ? 1 : 0;
      }
      return new BoolColumn(out, null);
    },
  }, [l, r]);
}
