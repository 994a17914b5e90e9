// Compiles a scalar expression (AST + input schema) into a typed Evaluator, once per
// operator. Types are inferred here with the registry's rules; type errors raise a
// KqlError carrying the offending node's range.

import {
  BoolColumn, DynamicColumn, StringColumn, type Column, type Table,
} from '../../data/column.js';
import type {
  BetweenExpr, BinaryExpr, Expr, IndexExpr, MemberExpr, NameRef,
} from '../../syntax/ast.js';
import { KqlError, NotSupportedError, isNumericType, isWholeReal, type DynamicValue, type Scalar, type ScalarType } from '../../types.js';
import { formatScalar } from '../../values/format.js';
import { constantColumn } from '../columns.js';
import { constantEvaluator, type Evaluator } from '../evaluator.js';
import { columnIndex } from '../relation.js';
import { arithKernel, arithType, negateKernel, type ArithOp } from './arith.js';
import { compileCall } from './calls.js';
import { comparable, compareKernel, compareToConstant, type CompareOp } from './compare.js';
import { dynamicToString, mapRows } from './coerce.js';
import type { CompileEnv } from './env.js';
import { compileIn } from './in.js';
import { andKernel, orKernel } from './logic.js';
import { compileStringOperator, isStringOperator } from './strings.js';

const ARITH = new Set(['+', '-', '*', '/', '%']);
const COMPARE = new Set(['==', '!=', '<>', '<', '<=', '>', '>=', '=~', '!~']);

export function fail(node: { start: number; end: number }, message: string, code = 'KQL'): never {
  throw new KqlError(message, code, node.start, node.end);
}

/** Folds an evaluator whose inputs are all constant into a constant (deterministic operators only). */
export function foldIfConstant(ev: Evaluator, inputs: readonly Evaluator[]): Evaluator {
  if (ev.constant || inputs.length === 0 || !inputs.every((i) => i.constant)) return ev;
  const one: Table = { columns: [], length: 1 };
  const col = ev.eval(one);
  return constantEvaluator(ev.type, col.get(0));
}

export function compileScalar(expr: Expr, env: CompileEnv): Evaluator {
  switch (expr.kind) {
    case 'Literal':
      return constantEvaluator(expr.type, expr.value);
    case 'Paren':
      return compileScalar(expr.expr, env);
    case 'NameRef':
      return compileName(expr, env);
    case 'Member':
      return compileMember(expr, env);
    case 'Index':
      return compileIndex(expr, env);
    case 'Call':
      return compileCall(expr, env);
    case 'Unary': {
      const operand = compileScalar(expr.operand, env);
      if (expr.op === '+') return operand;
      const t = operand.type;
      if (!isNumericType(t) && t !== 'timespan' && t !== 'dynamic') {
        fail(expr, `unary '-' is not defined for type ${t}`);
      }
      const type: ScalarType = t === 'int' || t === 'dynamic' ? 'long' : t;
      return foldIfConstant({ type, eval: (b) => negateKernel(type, operand.eval(b)), needsWholeInput: operand.needsWholeInput }, [operand]);
    }
    case 'Binary':
      return compileBinary(expr, env);
    case 'Between':
      return compileBetween(expr, env);
    case 'In':
      return compileIn(expr, env);
    case 'Pipe': case 'SourceOperator':
      fail(expr, 'a tabular expression is used where a scalar value is expected (wrap it in toscalar())');
    case 'Star':
      fail(expr, "'*' is only allowed as an argument of functions such as arg_max(x, *)");
    case 'NamedArg':
      fail(expr, `named argument '${expr.name.name}' is not allowed here`);
    case 'TypeOf':
      fail(expr, 'typeof(...) is only allowed where a type is expected');
    case 'Error':
      fail(expr, 'the query has a syntax error here');
  }
}

function compileName(expr: NameRef, env: CompileEnv): Evaluator {
  const name = expr.name.name;
  const idx = columnIndex(env.schema, name);
  if (idx >= 0) {
    const type = env.schema[idx]!.type;
    return { type, eval: (b) => b.columns[idx]!.column };
  }
  const b = env.scope.lookup(name);
  if (b) {
    switch (b.kind) {
      case 'scalar': return constantEvaluator(b.type, b.value);
      case 'evaluator': return b.evaluator;
      case 'tabular': fail(expr, `'${name}' is a table; a scalar value is expected here`);
      case 'function': fail(expr, `'${name}' is a function; call it as ${name}(...)`);
    }
  }
  fail(expr, `unknown name '${name}': no column, let binding or parameter has this name`, 'KQL100');
}

function getMember(v: DynamicValue, key: string | number): DynamicValue {
  if (v === null || typeof v !== 'object' || isWholeReal(v)) return null;
  if (Array.isArray(v)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) return null;
    const i = key < 0 ? v.length + key : key;
    return i >= 0 && i < v.length ? v[i]! : null;
  }
  if (typeof key !== 'string') return null;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key]! : null;
}

function dynamicAccess(target: Evaluator, key: (b: Table) => (i: number) => string | number | null, node: Expr): Evaluator {
  if (target.type !== 'dynamic') fail(node, `member access needs a dynamic value, but the expression has type ${target.type}`);
  return {
    type: 'dynamic',
    needsWholeInput: target.needsWholeInput,
    eval: (b) => {
      const col = target.eval(b) as DynamicColumn;
      const k = key(b);
      const out = new Array<DynamicValue>(col.length);
      for (let i = 0; i < col.length; i++) {
        const kk = k(i);
        out[i] = kk === null ? null : getMember(col.values[i]!, kk);
      }
      return new DynamicColumn(out);
    },
  };
}

function compileMember(expr: MemberExpr, env: CompileEnv): Evaluator {
  if (expr.target.kind === 'NameRef' && expr.target.name.name.startsWith('$')) {
    fail(expr, `'${expr.target.name.name}' is only allowed in a join's 'on' clause`);
  }
  const target = compileScalar(expr.target, env);
  const key = expr.member.name;
  const ev = dynamicAccess(target, () => () => key, expr);
  return foldIfConstant(ev, [target]);
}

function compileIndex(expr: IndexExpr, env: CompileEnv): Evaluator {
  const target = compileScalar(expr.target, env);
  const index = compileScalar(expr.index, env);
  if (index.type !== 'string' && !isNumericType(index.type) && index.type !== 'dynamic') {
    fail(expr.index, `an index must be a string or a number, not ${index.type}`);
  }
  const ev = dynamicAccess(target, (b) => {
    const col = index.eval(b);
    return (i) => {
      const v = col.get(i);
      if (v === null) return null;
      if (typeof v === 'string' || typeof v === 'number') return v;
      return isWholeReal(v) ? v.value : null;
    };
  }, expr);
  return foldIfConstant({ ...ev, needsWholeInput: target.needsWholeInput || index.needsWholeInput }, [target, index]);
}

function compileBinary(expr: BinaryExpr, env: CompileEnv): Evaluator {
  const op = expr.op;
  if (op === 'and' || op === 'or') {
    const l = compileScalar(expr.left, env), r = compileScalar(expr.right, env);
    for (const [side, e] of [[l, expr.left], [r, expr.right]] as const) {
      if (side.type !== 'bool' && side.type !== 'dynamic') fail(e, `'${op}' needs bool operands, but this one has type ${side.type}`);
    }
    const lb = asBoolEval(l), rb = asBoolEval(r);
    const kernel = op === 'and' ? andKernel : orKernel;
    return foldIfConstant({
      type: 'bool', needsWholeInput: l.needsWholeInput || r.needsWholeInput,
      eval: (b) => kernel(lb.eval(b), rb.eval(b)),
    }, [l, r]);
  }
  if (ARITH.has(op)) {
    const l = compileScalar(expr.left, env), r = compileScalar(expr.right, env);
    const type = arithType(op as ArithOp, l.type, r.type, expr.start, expr.end);
    if (type === undefined) fail(expr, `the operator '${op}' is not defined for the operand types ${l.type} and ${r.type}`);
    return foldIfConstant({
      type, needsWholeInput: l.needsWholeInput || r.needsWholeInput,
      eval: (b) => arithKernel(op as ArithOp, type, l.eval(b), r.eval(b), expr.start, expr.end),
    }, [l, r]);
  }
  if (COMPARE.has(op)) {
    const cop = (op === '<>' ? '!=' : op) as CompareOp;
    const l = compileScalar(expr.left, env), r = compileScalar(expr.right, env);
    if (!comparable(cop, l.type, r.type)) {
      fail(expr, `cannot compare ${l.type} with ${r.type} using '${op}'`);
    }
    const lc = l.constant?.value, rc = r.constant?.value;
    if (r.constant !== undefined && l.constant === undefined) {
      return {
        type: 'bool', needsWholeInput: l.needsWholeInput,
        eval: (b) => {
          const col = l.eval(b);
          return compareToConstant(cop, col, rc!, false) ?? compareKernel(cop, col, r.eval(b), lc, rc);
        },
      };
    }
    if (l.constant !== undefined && r.constant === undefined) {
      return {
        type: 'bool', needsWholeInput: r.needsWholeInput,
        eval: (b) => {
          const col = r.eval(b);
          return compareToConstant(cop, col, lc!, true) ?? compareKernel(cop, l.eval(b), col, lc, rc);
        },
      };
    }
    return foldIfConstant({
      type: 'bool', needsWholeInput: l.needsWholeInput || r.needsWholeInput,
      eval: (b) => compareKernel(cop, l.eval(b), r.eval(b), lc, rc),
    }, [l, r]);
  }
  if (isStringOperator(op)) return compileStringOperator(expr, env);
  if (op === 'like' || op === 'notlike' || op === 'likecs' || op === 'notlikecs') {
    throw new NotSupportedError(`the legacy '${op}' operator`, expr.start, expr.end);
  }
  fail(expr, `unknown operator '${op}'`);
}

/** A dynamic operand of and/or/not is read as a bool (non-bools are null). */
export function asBoolEval(e: Evaluator): Evaluator {
  if (e.type === 'bool') return e;
  return {
    type: 'bool', needsWholeInput: e.needsWholeInput,
    eval: (b) => {
      const c = e.eval(b) as DynamicColumn;
      return mapRows('bool', c.length, (i) => {
        const v = c.values[i]!;
        return typeof v === 'boolean' ? v : null;
      });
    },
  };
}

function compileBetween(expr: BetweenExpr, env: CompileEnv): Evaluator {
  const x = compileScalar(expr.expr, env);
  const low = compileScalar(expr.low, env);
  let high = compileScalar(expr.high, env);
  // `datetime between (start .. timespan)` means [start, start + timespan].
  if ((x.type === 'datetime' && low.type === 'datetime' && high.type === 'timespan')) {
    const span = high;
    high = { type: 'datetime', eval: (b) => arithKernel('+', 'datetime', low.eval(b), span.eval(b), expr.start, expr.end) };
    if (low.constant && span.constant) high = foldIfConstant(high, [low, span]);
  }
  for (const [bound, node] of [[low, expr.low], [high, expr.high]] as const) {
    if (!comparable('<=', x.type, bound.type)) fail(node, `'between' cannot compare ${x.type} with ${bound.type}`);
  }
  const lc = low.constant?.value, hc = high.constant?.value;
  return foldIfConstant({
    type: 'bool', needsWholeInput: x.needsWholeInput,
    eval: (b) => {
      const xc = x.eval(b);
      const ge = (low.constant !== undefined ? compareToConstant('>=', xc, lc!, false) : undefined) ?? compareKernel('>=', xc, low.eval(b), undefined, lc);
      const le = (high.constant !== undefined ? compareToConstant('<=', xc, hc!, false) : undefined) ?? compareKernel('<=', xc, high.eval(b), undefined, hc);
      const r = andKernel(ge, le);
      if (!expr.negated) return r;
      const out = new Uint8Array(r.length);
      for (let i = 0; i < out.length; i++) out[i] = r.values[i] ? 0 : 1;
      if (r.nulls) for (let i = 0; i < out.length; i++) if (r.nulls[i]) out[i] = 0;
      return new BoolColumn(out, r.nulls);
    },
  }, [x, low, high]);
}

/** Reads any column as strings (for string operators applied to non-string operands). */
export function asStringEval(e: Evaluator): Evaluator {
  if (e.type === 'string') return e;
  return {
    type: 'string', needsWholeInput: e.needsWholeInput,
    ...(e.constant ? { constant: { value: scalarText(e.constant.value, e.type) } } : {}),
    eval: (b) => toStringColumn(e.eval(b)),
  };
}

function scalarText(v: Scalar, type: ScalarType): string {
  if (v === null) return '';
  const c = constantColumn(type, v, 1);
  return (toStringColumn(c) as StringColumn).get(0);
}

/** Text form of a column per ADX's tostring(), via the values formatter. */
export function toStringColumn(c: Column): Column {
  if (c instanceof StringColumn) return c.type === 'string' ? c : new StringColumn('string', c.codes, c.dict);
  if (c instanceof DynamicColumn) return mapRows('string', c.length, (i) => dynamicToString(c.values[i]!));
  return mapRows('string', c.length, (i) => formatScalar(c.type, c.get(i)));
}
