// make-series: per by-group, one dynamic array per aggregate with one element per axis bin.
// Rows are mapped to a cell (group, bin) arithmetically from the axis layout (ms for
// datetime/timespan) and the ordinary grouped aggregators accumulate per cell, so the cost is
// one typed-array pass per batch whatever the number of bins. Cell 0 is a discard cell for
// rows outside the range (or with a null axis), which avoids gathering the aggregate inputs.

import {
  DynamicColumn, NumberColumn, TicksColumn, partsFromTicks, type Column, type Table,
} from '../../data/column.js';
import type { GroupedAggregator } from '../../functions/registry.js';
import type { Expr, MakeSeriesOp } from '../../syntax/ast.js';
import { makeSeriesColumnNames } from '../../semantics/naming.js';
import {
  KqlError, dynamicNumber, isNumericType, realToDynamic, type DynamicValue, type Scalar, type ScalarType, type TableSchema,
} from '../../types.js';
import { dynamicFromScalar } from '../../values/dynamic.js';
import { ColumnBuilder, gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Evaluator } from '../evaluator.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable, namingContext } from './common.js';
import { GroupTable } from './grouping.js';
import { isAggregateCall, planAggregate, unparen, type AggPlan } from './summarize.js';

/** ADX caps make-series arrays at 2^20 values. */
const MAX_BINS = 1 << 20;

/**
 * Axis values are handled as doubles relative to a reference: datetime/timespan in ms (plus
 * sub-ms ticks when the step or origin needs them), numbers as themselves.
 */
type AxisKind = 'ticks' | 'number';

/** The bins of one make-series: bin k covers [origin + k*step, origin + (k+1)*step). */
interface BinPlan {
  /** datetime/timespan: ticks (ADX scalar form); numeric: the number. */
  origin: bigint | number;
  step: bigint | number;
  count: number;
  /** Exclusive upper bound of accepted axis values (`to`), in the axis's scalar form. */
  upper?: bigint | number;
}

interface RangeSpec {
  from?: Scalar;
  to?: Scalar;
  step: bigint | number;
  /** `in range(start, stop, step)`: bins aligned as bin() does, stop inclusive. */
  inRange: boolean;
}

function constantOf(c: Compiler, e: Expr, scope: Scope, what: string): { type: ScalarType; value: Scalar } {
  // Compiled without input columns, so it cannot depend on the row; now()/ago() are not folded
  // at compile time but are fixed for the query, so evaluating once is exact.
  const ev = compileScalar(e, c.env([], scope));
  if (ev.constant) return { type: ev.type, value: ev.constant.value };
  if (ev.needsWholeInput) fail(e, `make-series ${what} must be a constant`);
  return { type: ev.type, value: ev.eval({ columns: [], length: 1 }).get(0) };
}

/** Aligns a value down to a multiple of step as bin() does (datetime bins count from 0001-01-01). */
function binDown(kind: AxisKind, v: bigint | number, step: bigint | number): bigint | number {
  if (kind === 'number') return Math.floor((v as number) / (step as number)) * (step as number);
  const t = v as bigint, s = step as bigint;
  let q = t / s;
  if (t % s !== 0n && t < 0n) q -= 1n;
  return q * s;
}

function binsBetween(kind: AxisKind, from: bigint | number, to: bigint | number, step: bigint | number, ceil: boolean): number {
  if (kind === 'number') {
    const r = ((to as number) - (from as number)) / (step as number);
    return Math.max(0, ceil ? Math.ceil(r) : Math.floor(r));
  }
  const d = (to as bigint) - (from as bigint), s = step as bigint;
  if (d <= 0n) return 0;
  let q = d / s;
  if (ceil && d % s !== 0n) q += 1n;
  return Number(q);
}

function add(kind: AxisKind, a: bigint | number, k: number, step: bigint | number): bigint | number {
  return kind === 'number' ? (a as number) + k * (step as number) : (a as bigint) + BigInt(k) * (step as bigint);
}

/** Fills `bins[r]` with each row's bin index, or -1 (outside the range, or a null axis). */
function assignBins(col: Column, kind: AxisKind, plan: BinPlan, bins: Int32Array, n: number): number {
  let inRange = 0;
  const count = plan.count;
  const nulls = col.nulls;
  if (kind === 'number') {
    const v = (col as NumberColumn).values;
    const origin = plan.origin as number, step = plan.step as number;
    const upper = plan.upper === undefined ? Infinity : (plan.upper as number);
    for (let r = 0; r < n; r++) {
      const x = v[r]!;
      let k = Math.floor((x - origin) / step);
      if (k < 0 || k >= count || !(x < upper) || (nulls !== null && nulls[r] === 1)) k = -1;
      else inRange++;
      bins[r] = k;
    }
    return inRange;
  }
  const t = col as TicksColumn;
  const ms = t.ms, sub = t.sub;
  // Relative to the origin, in ticks held as doubles: exact for ranges under 2^53 ticks (28 years).
  const { ms: originMs, sub: originSub } = partsFromTicks(t.type, plan.origin as bigint);
  const stepTicks = plan.step as bigint;
  const upperRelTicks = plan.upper === undefined ? Infinity : Number((plan.upper as bigint) - (plan.origin as bigint));
  if (stepTicks % 10000n === 0n && originSub === 0 && (plan.upper === undefined || ((plan.upper as bigint) - (plan.origin as bigint)) % 10000n === 0n)) {
    // Whole-millisecond origin, step and bound: the sub-ms part can never move a row across a bin edge.
    const stepMs = Number(stepTicks / 10000n);
    const upperMs = upperRelTicks / 10000;
    for (let r = 0; r < n; r++) {
      const d = ms[r]! - originMs;
      let k = Math.floor(d / stepMs);
      if (k < 0 || k >= count || !(d < upperMs) || (nulls !== null && nulls[r] === 1)) k = -1;
      else inRange++;
      bins[r] = k;
    }
    return inRange;
  }
  const stepT = Number(stepTicks);
  for (let r = 0; r < n; r++) {
    const d = (ms[r]! - originMs) * 10000 + ((sub === null ? 0 : sub[r]!) - originSub);
    let k = Math.floor(d / stepT);
    if (k < 0 || k >= count || !(d < upperRelTicks) || (nulls !== null && nulls[r] === 1)) k = -1;
    else inRange++;
    bins[r] = k;
  }
  return inRange;
}

/** Smallest and largest non-null axis value of a column, in the axis's scalar form. */
function extent(col: Column, kind: AxisKind, below?: bigint | number): { min: bigint | number; max: bigint | number } | undefined {
  let lo = Infinity, hi = -Infinity, loI = -1, hiI = -1;
  const nulls = col.nulls;
  const values = kind === 'number' ? (col as NumberColumn).values : (col as TicksColumn).ms;
  for (let r = 0; r < values.length; r++) {
    if (nulls !== null && nulls[r] === 1) continue;
    const x = values[r]!;
    if (x < lo) { lo = x; loI = r; }
    if (x > hi) { hi = x; hiI = r; }
  }
  if (loI < 0) return undefined;
  if (kind === 'number') {
    if (below !== undefined && !((lo) < (below as number))) return undefined;
    return { min: lo, max: hi };
  }
  // The ms layout floors, so rows sharing the extreme ms may differ in sub-ms ticks: compare exactly.
  let min = col.get(loI) as bigint, max = col.get(hiI) as bigint;
  const t = col as TicksColumn;
  if (t.sub !== null) {
    for (let r = 0; r < values.length; r++) {
      if (nulls !== null && nulls[r] === 1) continue;
      if (values[r] === lo) { const v = col.get(r) as bigint; if (v < min) min = v; }
      if (values[r] === hi) { const v = col.get(r) as bigint; if (v > max) max = v; }
    }
  }
  if (below !== undefined && !(min < (below as bigint))) return undefined;
  return { min, max };
}

interface SeriesAggregate {
  plan: AggPlan;
  type: ScalarType;
  defaultValue: DynamicValue;
}

export function compileMakeSeries(c: Compiler, input: Relation, op: MakeSeriesOp, scope: Scope): Relation {
  let nonEmpty = false;
  for (const o of op.options) {
    if (o.name === 'kind') {
      const v = o.value.kind === 'NameRef' ? o.value.name.name : o.value.kind === 'Literal' ? String(o.value.value) : '';
      if (v.toLowerCase() !== 'nonempty') fail(o, `make-series kind must be 'nonempty', not '${v}'`);
      nonEmpty = true;
    } else if (!o.name.startsWith('hint.')) {
      fail(o, `unknown make-series parameter '${o.name}'`);
    }
  }
  const naming = namingContext(input.schema, scope);
  const names = makeSeriesColumnNames(op.aggregates.map((a) => a.item), op.on, op.by, naming);
  const env = c.env(input.schema, scope);
  const byEvals = op.by.map((item) => {
    if (item.names.length > 1) fail(item, 'a make-series by-item takes one name');
    return compileScalar(item.expr, env);
  });
  const axis = compileScalar(op.on, env);
  const kind: AxisKind = axis.type === 'datetime' || axis.type === 'timespan' ? 'ticks' : 'number';
  if (kind === 'number' && !isNumericType(axis.type)) {
    fail(op.on, `the make-series axis must be a datetime, timespan or number, but it has type ${axis.type}`);
  }
  const range = compileRange(c, op, scope, axis.type, kind);
  const aggregates: SeriesAggregate[] = op.aggregates.map((a) => {
    if (a.item.names.length > 1) fail(a.item, 'a make-series aggregate takes one name');
    const call = unparen(a.item.expr);
    if (!isAggregateCall(c, call, scope)) fail(a.item.expr, 'a make-series item must be an aggregation such as count(), sum(x) or avg(x)');
    const plan = planAggregate(c, call, input, scope, names.by, false);
    const type = plan.types[0]!;
    if (type === 'dynamic' || type === 'string' || type === 'guid') {
      fail(call, `make-series needs aggregations with numeric results; '${call.name.name}' returns ${type}`);
    }
    let defaultValue: DynamicValue = 0;
    if (a.defaultValue !== undefined) {
      const d = constantOf(c, a.defaultValue, scope, 'default value');
      defaultValue = dynamicFromScalar(d.type, d.value);
    }
    // A series holds the aggregate's type: avg()'s missing bins are 0.0, count()'s are 0.
    const asNumber = dynamicNumber(defaultValue);
    if ((type === 'real' || type === 'decimal') && asNumber !== null) defaultValue = realToDynamic(asNumber);
    return { plan, type, defaultValue };
  });
  const schema: TableSchema = [
    ...names.by.map((n, k) => ({ name: n, type: byEvals[k]!.type })),
    ...names.aggregates.map((n) => ({ name: n, type: 'dynamic' as const })),
    { name: names.axis, type: 'dynamic' },
  ];
  const seenNames = new Set<string>();
  for (const s of schema) {
    if (seenNames.has(s.name)) fail(op, `make-series produces two columns named '${s.name}'`);
    seenNames.add(s.name);
  }
  const whole = byEvals.some((e) => e.needsWholeInput) || axis.needsWholeInput === true ||
    aggregates.some((a) => a.plan.args.some((x) => x.needsWholeInput));
  if (whole) fail(op, 'make-series cannot use window functions (row_number, prev, ...) in its expressions');
  const ctx = c.ctx;

  return {
    schema,
    batches: function* () {
      let batches: Iterable<Table> = checked(ctx, input.batches());
      let plan: BinPlan | undefined = range.from !== undefined && range.to !== undefined || range.inRange ? fixedPlan(kind, range) : undefined;
      if (plan === undefined) {
        // The range comes from the data: one pass for the extent, over batches kept for the second.
        const kept: Table[] = [];
        let lo: bigint | number | undefined, hi: bigint | number | undefined;
        const below = range.to === undefined ? undefined : (range.to as bigint | number);
        for (const b of batches) {
          kept.push(b);
          const e = extent(axis.eval(b), kind, below);
          if (!e) continue;
          if (lo === undefined || e.min < lo) lo = e.min;
          if (hi === undefined || e.max > hi) hi = e.max;
        }
        batches = kept;
        plan = derivedPlan(kind, range, lo, hi);
      }
      if (plan.count > MAX_BINS) {
        throw new KqlError(`make-series would produce ${plan.count} bins, more than the limit of ${MAX_BINS}`, 'KQL', op.start, op.end);
      }
      const nb = plan.count;
      const groups = new GroupTable(byEvals.map((e) => e.type));
      const aggs: GroupedAggregator[] = aggregates.map((a) => a.plan.create());
      let cellSeen = new Uint8Array(0);
      let bins = new Int32Array(0), ids = new Int32Array(0);
      let anyRows = false;
      if (nb > 0) {
        for (const b of batches) {
          const n = b.length;
          if (bins.length < n) { bins = new Int32Array(n); ids = new Int32Array(n); }
          const inRange = assignBins(axis.eval(b), kind, plan, bins, n);
          if (inRange === 0) continue;
          anyRows = true;
          const keys = byEvals.map((e) => e.eval(b));
          let gids: Int32Array;
          if (inRange === n) gids = groups.assign(keys, n);
          else {
            const idx = new Int32Array(inRange);
            for (let r = 0, j = 0; r < n; r++) if (bins[r]! >= 0) idx[j++] = r;
            const sub = groups.assign(keys.map((k) => gather(k, idx)), inRange);
            gids = new Int32Array(n);
            for (let j = 0; j < inRange; j++) gids[idx[j]!] = sub[j]!;
          }
          const cells = 1 + groups.count * nb;
          if (cellSeen.length < cells) {
            const grown = new Uint8Array(Math.max(cells, cellSeen.length * 2));
            grown.set(cellSeen);
            cellSeen = grown;
          }
          const rowIds = n === ids.length ? ids : ids.subarray(0, n);
          for (let r = 0; r < n; r++) {
            const k = bins[r]!;
            if (k < 0) { rowIds[r] = 0; continue; }
            const cell = 1 + gids[r]! * nb + k;
            rowIds[r] = cell;
            cellSeen[cell] = 1;
          }
          aggregates.forEach((a, i) => aggs[i]!.update(rowIds, cells, a.plan.args.map((x) => x.eval(b))));
        }
      }
      const axisValues = axisArray(axis.type, kind, plan);
      if (!anyRows) {
        if (!nonEmpty) return;
        // kind=nonempty: one row of defaults, the by-columns empty.
        const cols: Column[] = byEvals.map((e) => { const bld = new ColumnBuilder(e.type); bld.append(null); return bld.finish(); });
        for (const a of aggregates) cols.push(new DynamicColumn([new Array<DynamicValue>(nb).fill(a.defaultValue)]));
        cols.push(new DynamicColumn([axisValues]));
        yield makeTable(schema, cols, 1);
        return;
      }
      const g = groups.count;
      const cells = 1 + g * nb;
      const out: Column[] = [...groups.keyColumns()];
      aggregates.forEach((a, i) => {
        const col = aggs[i]!.finish(cells);
        const rowsOut = new Array<DynamicValue>(g);
        for (let grp = 0; grp < g; grp++) {
          const series = new Array<DynamicValue>(nb);
          const base = 1 + grp * nb;
          for (let k = 0; k < nb; k++) {
            series[k] = cellSeen[base + k] === 1 ? cellValue(col, a.type, base + k) : a.defaultValue;
          }
          rowsOut[grp] = series;
        }
        out.push(new DynamicColumn(rowsOut));
      });
      out.push(new DynamicColumn(new Array<DynamicValue>(g).fill(axisValues)));
      yield makeTable(schema, out, g);
    },
  };
}

function cellValue(col: Column, type: ScalarType, i: number): DynamicValue {
  if (col instanceof NumberColumn) {
    if (col.nulls !== null && col.nulls[i] === 1) return null;
    return type === 'real' || type === 'decimal' ? realToDynamic(col.values[i]!) : col.values[i]!;
  }
  return dynamicFromScalar(type, col.get(i));
}

function compileRange(c: Compiler, op: MakeSeriesOp, scope: Scope, axisType: ScalarType, kind: AxisKind): RangeSpec {
  const stepExpr = op.inRange?.step ?? op.step;
  if (stepExpr === undefined) fail(op, 'make-series needs a step');
  const step = constantOf(c, stepExpr, scope, 'step');
  let stepValue: bigint | number;
  if (kind === 'ticks') {
    if (step.type !== 'timespan') fail(stepExpr, `a ${axisType} axis needs a timespan step, not ${step.type}`);
    if (step.value === null || (step.value as bigint) <= 0n) fail(stepExpr, 'the make-series step must be positive');
    stepValue = step.value as bigint;
  } else {
    if (!isNumericType(step.type)) fail(stepExpr, `a numeric axis needs a numeric step, not ${step.type}`);
    if (step.value === null || !((step.value as number) > 0)) fail(stepExpr, 'the make-series step must be positive');
    stepValue = step.value as number;
  }
  const bound = (e: Expr | undefined, what: string): Scalar | undefined => {
    if (e === undefined) return undefined;
    const v = constantOf(c, e, scope, what);
    if (v.value === null) fail(e, `the make-series ${what} must not be null`);
    if (kind === 'ticks' ? v.type !== axisType : !isNumericType(v.type)) {
      fail(e, `the make-series ${what} must be of the axis type ${axisType}, not ${v.type}`);
    }
    return v.value;
  };
  if (op.inRange) {
    return { from: bound(op.inRange.start, 'range start'), to: bound(op.inRange.stop, 'range stop'), step: stepValue, inRange: true };
  }
  return { from: bound(op.from, "'from' value"), to: bound(op.to, "'to' value"), step: stepValue, inRange: false };
}

function fixedPlan(kind: AxisKind, r: RangeSpec): BinPlan {
  const from = r.from as bigint | number, to = r.to as bigint | number;
  if (r.inRange) {
    // bin() alignment and an inclusive stop: the stop's own bin is the last.
    const origin = binDown(kind, from, r.step);
    const last = binDown(kind, to, r.step);
    const count = kind === 'number' ? Math.floor(((last as number) - (origin as number)) / (r.step as number) + 1e-9) + 1 : binsBetween(kind, origin, last, r.step, false) + 1;
    return { origin, step: r.step, count: (last < origin) ? 0 : count };
  }
  return { origin: from, step: r.step, count: binsBetween(kind, from, to, r.step, true), upper: to };
}

/** The range when `from` or `to` is missing: from the first to the last bin holding data. */
function derivedPlan(kind: AxisKind, r: RangeSpec, lo: bigint | number | undefined, hi: bigint | number | undefined): BinPlan {
  const from = r.from as bigint | number | undefined, to = r.to as bigint | number | undefined;
  if (lo === undefined || hi === undefined) return { origin: from ?? 0, step: r.step, count: 0 };
  const origin = from ?? alignedStart(kind, lo, r.step);
  if (to !== undefined) return { origin, step: r.step, count: binsBetween(kind, origin, to, r.step, true), upper: to };
  if (hi < origin) return { origin, step: r.step, count: 0 };
  return { origin, step: r.step, count: binsBetween(kind, origin, hi, r.step, false) + 1 };
}

function alignedStart(kind: AxisKind, lo: bigint | number, step: bigint | number): bigint | number {
  return binDown(kind, lo, step);
}

/** The shared axis array: bin start values as ADX shows them in dynamic (datetimes as text). */
function axisArray(type: ScalarType, kind: AxisKind, plan: BinPlan): DynamicValue[] {
  const out = new Array<DynamicValue>(plan.count);
  for (let k = 0; k < plan.count; k++) {
    const v = add(kind, plan.origin, k, plan.step);
    out[k] = dynamicFromScalar(type, v);
  }
  return out;
}
