// scan: matches sequences of steps over the (optionally partitioned and ordered) input,
// following the state machine of the Kusto docs: each step s_k keeps a state holding one record
// per step s_1..s_k; every input row is checked against the steps from last to first —
// Check 1 (s_{k-1} has a state and the condition holds: the state moves up to s_k and the
// extended row is output), else Check 2 (s_k has a state or is the first step: s_k's own
// record is replaced; a first step starts a new match id).

import type { Table } from '../../data/column.js';
import type { Expr, NameRef, ScanOp, ScanStep } from '../../syntax/ast.js';
import { KqlError, type Scalar, type TableSchema } from '../../types.js';
import { ColumnBuilder, constantColumn, sliceColumn } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { asBoolEval, compileScalar, fail } from '../expr/compile.js';
import type { Evaluator } from '../evaluator.js';
import { collect, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { compileSortKeys, sortPermutation } from './sort.js';
import { gatherTable } from '../columns.js';
import { GroupTable } from './grouping.js';
import { makeTable } from './common.js';

type Rec = Scalar[];

interface StepRef { step: number; col: number; name: string }

interface CompiledStep {
  name: string;
  output: 'all' | 'last' | 'none';
  condition: Evaluator;
  assignments: { slot: number; ev: Evaluator }[];
  refs: StepRef[];
}

export function compileScan(c: Compiler, input: Relation, op: ScanOp, scope: Scope): Relation {
  const matchIdOpt = op.options.find((o) => o.name === 'with_match_id');
  const matchIdName = matchIdOpt ? (matchIdOpt.value.kind === 'NameRef' ? matchIdOpt.value.name.name : String((matchIdOpt.value as { value?: unknown }).value)) : undefined;
  for (const o of op.options) if (o.name !== 'with_match_id') fail(o, `unknown scan parameter '${o.name}'`);
  const declared = op.declare.map((d, i) => {
    const def = op.declareDefaults[i];
    let value: Scalar = d.type.type === 'string' ? '' : null;
    if (def) {
      const ev = compileScalar(def, c.env([], scope));
      if (!ev.constant) fail(def, 'a scan declare default must be a constant');
      value = ev.constant.value;
    }
    return { name: d.name.name, type: d.type.type, value };
  });
  // A record: the input columns, then the declared columns.
  const recSchema: TableSchema = [...input.schema, ...declared.map((d) => ({ name: d.name, type: d.type }))];
  for (const d of declared) if (input.schema.some((s) => s.name === d.name)) fail(op, `scan declares '${d.name}', which is already an input column`);
  const stepNames = op.steps.map((s) => s.name.name);
  const steps: CompiledStep[] = op.steps.map((s, k) => compileStep(c, s, k, stepNames, recSchema, input.schema.length, scope));
  const schema: TableSchema = [...recSchema, ...(matchIdName ? [{ name: matchIdName, type: 'long' as const }] : [])];
  const ctx = c.ctx;
  const partitionKeys = op.partitionBy?.map((e) => compileScalar(e, c.env(input.schema, scope)));
  const orderKeys = op.orderBy ? compileSortKeys(c, op.orderBy, { schema: input.schema, scope }) : undefined;
  return {
    schema,
    batches: function* () {
      const t = collect(input);
      if (t.length === 0) return;
      const parts: Table[] = [];
      if (partitionKeys) {
        const groups = new GroupTable(partitionKeys.map((k) => k.type));
        const ids = groups.assign(partitionKeys.map((k) => k.eval(t)), t.length);
        const members: number[][] = Array.from({ length: groups.count }, () => []);
        for (let r = 0; r < t.length; r++) members[ids[r]!]!.push(r);
        for (const m of members) parts.push(gatherTable(t, Int32Array.from(m)));
      } else parts.push(t);
      const builders = schema.map((s) => new ColumnBuilder(s.type));
      let matchId = -1;
      for (const part of parts) {
        const ordered = orderKeys ? gatherTable(part, sortPermutation(orderKeys, orderKeys.map((k) => k.ev.eval(part)), part.length)) : part;
        // state[k]: undefined (empty) or one record per step 0..k; ids[k]: the sequence's match id.
        const state: (Rec[] | undefined)[] = new Array(steps.length).fill(undefined);
        const ids: number[] = new Array(steps.length).fill(-1);
        // output=last: a step's pending record, emitted once its run of matches ends (the
        // sequence moves on to the next step, a new match replaces it, or the input ends).
        const lastOut: ({ rec: Rec; id: number } | undefined)[] = new Array(steps.length).fill(undefined);
        const flushLast = (k: number): void => {
          const pending = lastOut[k];
          if (pending) { emit(pending.rec, pending.id); lastOut[k] = undefined; }
        };
        const emit = (rec: Rec, id: number): void => {
          rec.forEach((v, j) => builders[j]!.append(v));
          if (matchIdName) builders[rec.length]!.append(id);
        };
        for (let r = 0; r < ordered.length; r++) {
          ctx.tick();
          const row: Rec = ordered.columns.map((col) => col.column.get(r));
          for (let k = steps.length - 1; k >= 0; k--) {
            const step = steps[k]!;
            const prev = k > 0 ? state[k - 1] : undefined;
            if (prev !== undefined) {
              const carried = prev[k - 1]!;
              const rec = evalStep(step, ordered, r, row, carried.slice(input.schema.length), [...prev, undefined], declared.length);
              if (rec) {
                state[k] = [...prev, rec];
                ids[k] = ids[k - 1]!;
                state[k - 1] = undefined;
                flushLast(k - 1);
                if (step.output === 'all') emit(rec, ids[k]!);
                else if (step.output === 'last') { flushLast(k); lastOut[k] = { rec, id: ids[k]! }; }
                continue;
              }
            }
            const own = state[k];
            if (own !== undefined || k === 0) {
              const carried = own ? own[k]!.slice(input.schema.length) : declared.map((d) => d.value);
              const rec = evalStep(step, ordered, r, row, carried, own ?? [undefined], declared.length);
              if (rec) {
                // The first step starts a new match only from an empty state; otherwise its
                // record is replaced within the same match (docs: the sessions example).
                if (k === 0) { if (own === undefined) ids[0] = ++matchId; state[0] = [rec]; }
                else state[k] = [...own!.slice(0, k), rec];
                if (step.output === 'all') emit(rec, ids[k]!);
                else if (step.output === 'last') lastOut[k] = { rec, id: ids[k]! };
              }
            }
          }
        }
        for (let k = 0; k < steps.length; k++) flushLast(k);
      }
      const n = builders[0]!.length;
      if (n > 0) yield makeTable(schema, builders.map((b) => b.finish()), n);
    },
  };

  /** Evaluates a step's condition (and assignments) for one row; the extended record, or undefined. */
  function evalStep(step: CompiledStep, t: Table, r: number, row: Rec, carried: Scalar[], states: (Rec | undefined)[], nDeclared: number): Rec | undefined {
    const inputCols = t.columns.map((col) => sliceColumn(col.column, r, r + 1));
    const cols = [
      ...inputCols,
      ...declared.map((d, j) => constantColumn(d.type, carried[j] ?? null, 1)),
      ...step.refs.map((ref) => {
        const rec = states[ref.step];
        const v = rec ? rec[ref.col]! : ref.col >= input.schema.length ? declared[ref.col - input.schema.length]!.value : (recSchema[ref.col]!.type === 'string' ? '' : null);
        return constantColumn(recSchema[ref.col]!.type, v, 1);
      }),
    ];
    const one: Table = { columns: cols.map((column, j) => ({ name: String(j), column })), length: 1 };
    const ok = step.condition.eval(one).get(0);
    if (ok !== true) return undefined;
    const rec: Rec = [...row, ...carried.slice(0, nDeclared)];
    for (const a of step.assignments) rec[a.slot] = a.ev.eval(one).get(0);
    return rec;
  }
}

function compileStep(c: Compiler, s: ScanStep, k: number, stepNames: string[], recSchema: TableSchema, inputWidth: number, scope: Scope): CompiledStep {
  const refs: StepRef[] = [];
  const refName = (step: number, col: string): string => `\u0000${stepNames[step]}.${col}`;
  // `s1.x` becomes a hidden column holding that step's recorded value.
  const rewrite = (e: Expr): Expr => {
    if (e.kind === 'Member' && e.target.kind === 'NameRef') {
      const step = stepNames.indexOf(e.target.name.name);
      if (step >= 0) {
        if (step > k) fail(e, `step '${s.name.name}' cannot refer to the later step '${stepNames[step]}'`);
        const col = recSchema.findIndex((x) => x.name === e.member.name);
        if (col < 0) fail(e.member, `step '${stepNames[step]}' has no column '${e.member.name}'`);
        const name = refName(step, e.member.name);
        if (!refs.some((r) => r.name === name)) refs.push({ step, col, name });
        const ref: NameRef = { kind: 'NameRef', start: e.start, end: e.end, name: { kind: 'Ident', name, quoted: true, start: e.start, end: e.end } };
        return ref;
      }
    }
    const copy: Record<string, unknown> = { ...e };
    for (const [key, v] of Object.entries(e)) {
      if (Array.isArray(v)) copy[key] = v.map((x) => (x && typeof x === 'object' && 'kind' in x && x.kind !== 'Ident' ? rewrite(x as Expr) : x));
      else if (v && typeof v === 'object' && 'kind' in v && (v as { kind: string }).kind !== 'Ident') copy[key] = rewrite(v as Expr);
    }
    return copy as unknown as Expr;
  };
  const condExpr = rewrite(s.condition);
  const assignExprs = s.assignments.map((a) => ({ a, e: rewrite(a.expr) }));
  const evalSchema: TableSchema = [...recSchema, ...refs.map((r) => ({ name: r.name, type: recSchema[r.col]!.type }))];
  const env = c.env(evalSchema, scope);
  const cond = compileScalar(condExpr, env);
  if (cond.type !== 'bool') fail(s.condition, `a scan step condition must be bool, but it has type ${cond.type}`);
  const assignments = assignExprs.map(({ a, e }) => {
    const name = a.names[0]?.name;
    if (!name || a.names.length !== 1) fail(a, 'a scan assignment is Name = expression');
    const slot = recSchema.findIndex((x) => x.name === name);
    if (slot < inputWidth) fail(a, `scan can only assign declared columns; '${name}' is not declared`);
    const ev = compileScalar(e, env);
    if (ev.type !== recSchema[slot]!.type) fail(a, `'${name}' is declared ${recSchema[slot]!.type}, but the expression has type ${ev.type}`);
    return { slot, ev };
  });
  return { name: s.name.name, output: s.output ?? 'all', condition: asBoolEval(cond), assignments, refs };
}

