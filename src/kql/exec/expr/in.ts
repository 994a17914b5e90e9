// `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`: the list is evaluated once (constants,
// dynamic arrays flattened, or a tabular expression's first column) and tested per
// distinct value for dictionary columns.

import { BoolColumn, DynamicColumn, StringColumn, type Column } from '../../data/column.js';
import { prepareStringListOperator } from '../../functions/text/operators.js';
import { matchesAtTermBoundary } from '../../functions/text/terms.js';
import type { Expr, InExpr } from '../../syntax/ast.js';
import { dynamicNumber, isNumericType, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import { formatScalar } from '../../values/format.js';
import type { Evaluator } from '../evaluator.js';
import { collect } from '../relation.js';
import { stringAt } from './coerce.js';
import { compileScalar, fail, foldIfConstant } from './compile.js';
import type { CompileEnv } from './env.js';

interface ListValue { type: ScalarType; value: Scalar }

function constantItems(items: readonly Expr[], env: CompileEnv): ListValue[] | undefined {
  const out: ListValue[] = [];
  for (const item of items) {
    if (env.isTabular(item, env.scope)) {
      const rel = env.tabular(item, env.scope);
      if (rel.schema.length === 0) fail(item, "the tabular expression on the right of 'in' has no columns");
      const t = collect(rel);
      const col = t.columns[0]!.column;
      for (let i = 0; i < t.length; i++) {
        env.ctx.tick();
        out.push({ type: col.type, value: col.get(i) });
      }
      continue;
    }
    const ev = compileScalar(item, env);
    if (!ev.constant) return undefined;
    pushValue(out, ev.type, ev.constant.value);
  }
  return out;
}

function pushValue(out: ListValue[], type: ScalarType, value: Scalar): void {
  if (type === 'dynamic' && Array.isArray(value)) {
    for (const v of value as DynamicValue[]) out.push({ type: 'dynamic', value: v });
  } else out.push({ type, value });
}

function asText(v: ListValue): string {
  return formatScalar(v.type, v.value);
}

/** A key under which equal values of comparable types meet: numbers by value, the rest by text. */
function keyOf(type: ScalarType, value: Scalar): string | number | null {
  if (value === null) return null;
  if (isNumericType(type)) return value as number;
  if (type === 'dynamic') {
    const n = dynamicNumber(value as DynamicValue);
    return n !== null ? n : formatScalar('dynamic', value);
  }
  if (type === 'datetime' || type === 'timespan') return `${type}:${value as bigint}`;
  return formatScalar(type, value);
}

export function compileIn(expr: InExpr, env: CompileEnv): Evaluator {
  const left = compileScalar(expr.expr, env);
  const op = expr.op;
  const stringOp = op === 'in~' || op === '!in~' || op.startsWith('has_');
  const values = constantItems(expr.list, env);
  if (values === undefined) return compileRowwiseIn(expr, left, env);
  const negated = op.startsWith('!');
  if (stringOp || left.type === 'string' || left.type === 'guid') {
    const listOp = op.endsWith('_cs') ? op.slice(0, -3) : op;
    if (op.endsWith('_cs')) {
      const needles = values.map(asText);
      const any = op === 'has_any_cs';
      const pred = (s: string): boolean => (any ? needles.some((n) => hasCs(s, n)) : needles.every((n) => hasCs(s, n)));
      return stringListEvaluator(left, pred, expr);
    }
    return stringListEvaluator(left, prepareStringListOperator(listOp, values.map(asText)), expr);
  }
  const keys = new Set<string | number>();
  for (const v of values) {
    const k = keyOf(v.type, v.value);
    if (k !== null) keys.add(k);
  }
  const ltype = left.type;
  return foldIfConstant({
    type: 'bool', needsWholeInput: left.needsWholeInput,
    eval: (b) => {
      const c = left.eval(b);
      const n = c.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const k = keyOf(ltype, c.get(i));
        // A null never matches: `in` is false and `!in` is true, as with any failed equality.
        const hit = k !== null && keys.has(k);
        out[i] = hit !== negated ? 1 : 0;
      }
      return new BoolColumn(out, null);
    },
  }, [left]);
}

function hasCs(text: string, needle: string): boolean {
  return matchesAtTermBoundary(text, needle, 'whole');
}

function stringListEvaluator(left: Evaluator, pred: (s: string) => boolean, expr: InExpr): Evaluator {
  return foldIfConstant({
    type: 'bool', needsWholeInput: left.needsWholeInput,
    eval: (b) => {
      const c = left.eval(b);
      const n = c.length;
      const out = new Uint8Array(n);
      if (c instanceof StringColumn && c.dict.length <= n) {
        const perCode = c.dict.map((s) => (pred(s) ? 1 : 0));
        for (let i = 0; i < n; i++) out[i] = perCode[c.codes[i]!]!;
      } else {
        for (let i = 0; i < n; i++) out[i] = pred(stringAt(c, i)) ? 1 : 0;
      }
      void expr;
      return new BoolColumn(out, null);
    },
  }, [left]);
}

/** Lists with per-row items (`x in (a, b)` over columns): evaluated row by row. */
function compileRowwiseIn(expr: InExpr, left: Evaluator, env: CompileEnv): Evaluator {
  const items = expr.list.map((e) => compileScalar(e, env));
  const op = expr.op;
  if (op.startsWith('has_') || op.startsWith('!has_')) {
    const base = op.replace(/^!/, '');
    return {
      type: 'bool',
      eval: (b) => {
        const lc = left.eval(b);
        const cols = items.map((it) => it.eval(b));
        const out = new Uint8Array(lc.length);
        for (let i = 0; i < lc.length; i++) {
          const vals: ListValue[] = [];
          cols.forEach((c, j) => pushValue(vals, items[j]!.type, c.get(i)));
          out[i] = prepareStringListOperator(base.endsWith('_cs') ? base.slice(0, -3) : base, vals.map(asText))(stringAt(lc, i)) !== op.startsWith('!') ? 1 : 0;
        }
        return new BoolColumn(out, null);
      },
    };
  }
  const negated = op.startsWith('!');
  const insensitive = op.endsWith('~');
  return {
    type: 'bool', needsWholeInput: left.needsWholeInput || items.some((i) => i.needsWholeInput),
    eval: (b) => {
      const lc: Column = left.eval(b);
      const cols = items.map((it) => it.eval(b));
      const n = lc.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        let lk = keyOf(left.type, lc.get(i));
        if (insensitive && typeof lk === 'string') lk = lk.toLowerCase();
        let hit = false;
        if (lk !== null) {
          for (let j = 0; j < cols.length && !hit; j++) {
            const vals: ListValue[] = [];
            pushValue(vals, items[j]!.type, cols[j]! instanceof DynamicColumn ? (cols[j] as DynamicColumn).values[i]! : cols[j]!.get(i));
            for (const v of vals) {
              let k = keyOf(v.type, v.value);
              if (insensitive && typeof k === 'string') k = k.toLowerCase();
              if (k === lk) { hit = true; break; }
            }
          }
        }
        out[i] = hit !== negated ? 1 : 0;
      }
      return new BoolColumn(out, null);
    },
  };
}
