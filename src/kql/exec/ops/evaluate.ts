// evaluate plugins: bag_unpack, pivot, narrow, ipv4_lookup, ipv6_lookup. Any other plugin is
// refused by name. bag_unpack and pivot name their output columns after the data, so unless an
// output schema is declared (`: (a:long, ...)`) their input is read once at compile time.

import { DynamicColumn, type Column } from '../../data/column.js';
import { parseIpv4, maskIpv4 } from '../../functions/ip/ipv4.js';
import { parseIpv6, maskIpv6, formatIpv6Canonical } from '../../functions/ip/ipv6.js';
import type { CallExpr, EvaluateOp, Expr } from '../../syntax/ast.js';
import { joinRightColumnNames } from '../../semantics/naming.js';
import { NotSupportedError, type DynamicValue, type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { convertTo } from '../../values/convert.js';
import { dynamicKind, isDynamicBag } from '../../values/dynamic.js';
import { formatScalar } from '../../values/format.js';
import { ColumnBuilder, gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import { collect, columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable } from './common.js';
import { GroupTable } from './grouping.js';
import { isAggregateCall, planAggregate, unparen } from './summarize.js';

export function compileEvaluate(c: Compiler, input: Relation, op: EvaluateOp, scope: Scope): Relation {
  const call = op.plugin;
  switch (call.name.name) {
    case 'bag_unpack': return bagUnpack(c, input, op, scope);
    case 'pivot': return pivot(c, input, op, scope);
    case 'narrow': return narrow(c, input, call);
    case 'ipv4_lookup': return ipLookup(c, input, call, scope, 4);
    case 'ipv6_lookup': return ipLookup(c, input, call, scope, 6);
    default: throw new NotSupportedError(`the '${call.name.name}' plugin`, call.start, call.end);
  }
}

function constantArg(c: Compiler, e: Expr, scope: Scope, what: string): Scalar {
  const ev = compileScalar(e.kind === 'NamedArg' ? e.value : e, c.env([], scope));
  if (!ev.constant) fail(e, `${what} must be a constant`);
  return ev.constant.value;
}

/** The type bag_unpack gives a property from the values it holds. */
function inferType(values: DynamicValue[]): ScalarType {
  let t: ScalarType | undefined;
  for (const v of values) {
    if (v === null) continue;
    const kind = dynamicKind(v);
    const vt: ScalarType = kind === 'int' || kind === 'long' ? 'long' : kind === 'real' || kind === 'bool' || kind === 'string' ? kind : 'dynamic';
    if (t === undefined) t = vt;
    else if (t !== vt) {
      if ((t === 'long' && vt === 'real') || (t === 'real' && vt === 'long')) t = 'real';
      else return 'dynamic';
    }
  }
  return t ?? 'dynamic';
}

function fromDynamic(type: ScalarType, v: DynamicValue): Scalar {
  if (type === 'dynamic') return v;
  if (v === null) return type === 'string' ? '' : null;
  return convertTo(type, 'dynamic', v);
}

function bagUnpack(c: Compiler, input: Relation, op: EvaluateOp, scope: Scope): Relation {
  const call = op.plugin;
  const positional = call.args.filter((a) => a.kind !== 'NamedArg');
  const named = new Map(call.args.flatMap((a) => (a.kind === 'NamedArg' ? [[a.name.name, a] as const] : [])));
  const [colArg, prefixArg, conflictArg, ignoredArg] = positional;
  if (!colArg) fail(call, 'bag_unpack needs the dynamic column to unpack');
  const env = c.env(input.schema, scope);
  const bag = compileScalar(colArg, env);
  if (bag.type !== 'dynamic') fail(colArg, `bag_unpack needs a dynamic column, not ${bag.type}`);
  const prefix = prefixArg ? String(constantArg(c, prefixArg, scope, 'the bag_unpack prefix') ?? '') : named.has('OutputColumnPrefix') ? String(constantArg(c, named.get('OutputColumnPrefix')!, scope, 'OutputColumnPrefix')) : '';
  const conflictNode = conflictArg ?? named.get('columnsConflict');
  const conflict = conflictNode ? String(constantArg(c, conflictNode, scope, 'columnsConflict')) : 'error';
  if (!['error', 'replace_source', 'keep_source'].includes(conflict)) fail(conflictNode!, `columnsConflict must be error, replace_source or keep_source, not '${conflict}'`);
  const ignoredNode = ignoredArg ?? named.get('ignoredProperties');
  const ignored = new Set<string>();
  if (ignoredNode) {
    const v = constantArg(c, ignoredNode, scope, 'ignoredProperties');
    if (!Array.isArray(v)) fail(ignoredNode, 'ignoredProperties must be a dynamic array of property names');
    for (const k of v) ignored.add(String(k));
  }
  const bagName = colArg.kind === 'NameRef' ? colArg.name.name : undefined;
  const kept = input.schema.map((s, i) => ({ s, i })).filter(({ s }) => s.name !== bagName);
  let props: { key: string; type: ScalarType }[];
  if (op.outputSchema) {
    const declared = new Set(kept.map(({ s }) => s.name));
    props = op.outputSchema.filter((d) => !declared.has(d.name.name)).map((d) => ({ key: d.name.name.slice(prefix.length), type: d.type.type }));
  } else {
    const t = collect(input);
    const col = bag.eval(t) as DynamicColumn;
    const byKey = new Map<string, DynamicValue[]>();
    for (let r = 0; r < t.length; r++) {
      const v = col.values[r];
      if (v === undefined || !isDynamicBag(v)) continue;
      for (const [k, x] of Object.entries(v)) {
        if (ignored.has(k)) continue;
        const list = byKey.get(k) ?? [];
        list.push(x);
        byKey.set(k, list);
      }
    }
    props = [...byKey.keys()].sort().map((k) => ({ key: k, type: inferType(byKey.get(k)!) }));
  }
  const keptSchema = kept.map(({ s }) => s);
  // `source`: under keep_source a clashing input column takes the property's place among the
  // unpacked columns (the docs' keep_source example prints Age, then the old Name).
  const out: { key: string; name: string; type: ScalarType; source?: number }[] = [];
  let keepIdx = kept.map(({ i }) => i);
  for (const p of props) {
    const name = prefix + p.key;
    const clash = keptSchema.findIndex((s) => s.name === name);
    if (clash >= 0) {
      if (conflict === 'error') fail(call, `bag_unpack: property '${p.key}' clashes with the existing column '${name}' (use columnsConflict)`);
      keepIdx = keepIdx.filter((i) => input.schema[i]!.name !== name);
      if (conflict === 'keep_source') {
        const source = kept[clash]!.i;
        out.push({ key: p.key, name, type: input.schema[source]!.type, source });
        continue;
      }
    }
    out.push({ key: p.key, name, type: p.type });
  }
  const unpacked = out.filter((o) => o.source === undefined);
  const schema: TableSchema = [...keepIdx.map((i) => input.schema[i]!), ...out.map((o) => ({ name: o.name, type: o.type }))];
  return {
    schema,
    batches: function* () {
      for (const b of checked(c.ctx, input.batches())) {
        const col = bag.eval(b) as DynamicColumn;
        const builders = unpacked.map((o) => new ColumnBuilder(o.type));
        for (let r = 0; r < b.length; r++) {
          const v = col.values[r];
          const obj = v !== undefined && isDynamicBag(v) ? v : undefined;
          unpacked.forEach((o, j) => builders[j]!.append(fromDynamic(o.type, obj && Object.prototype.hasOwnProperty.call(obj, o.key) ? obj[o.key]! : null)));
        }
        const built = builders.map((x) => x.finish());
        let next = 0;
        const outCols = out.map((o) => (o.source !== undefined ? b.columns[o.source]!.column : built[next++]!));
        yield makeTable(schema, [...keepIdx.map((i) => b.columns[i]!.column), ...outCols], b.length);
      }
    },
  };
}

function pivot(c: Compiler, input: Relation, op: EvaluateOp, scope: Scope): Relation {
  const call = op.plugin;
  const [pivotArg, ...rest] = call.args;
  if (!pivotArg || pivotArg.kind !== 'NameRef') fail(call, 'pivot needs the pivot column as its first argument');
  const pivotIdx = columnIndex(input.schema, pivotArg.name.name);
  if (pivotIdx < 0) fail(pivotArg, `pivot: no column named '${pivotArg.name.name}'`);
  let aggExpr: CallExpr | undefined;
  let groupArgs = rest;
  if (rest[0] && isAggregateCall(c, unparen(rest[0]), scope)) { aggExpr = unparen(rest[0]) as CallExpr; groupArgs = rest.slice(1); }
  const aggColumns = new Set<string>();
  if (aggExpr) for (const a of aggExpr.args) { const u = unparen(a); if (u.kind === 'NameRef') aggColumns.add(u.name.name); }
  // Without explicit group columns, every column but the pivot and aggregated ones groups.
  const groupIdx = groupArgs.length > 0
    ? groupArgs.map((g) => {
      if (g.kind !== 'NameRef') fail(g, 'pivot group columns must be column names');
      const i = columnIndex(input.schema, g.name.name);
      if (i < 0) fail(g, `pivot: no column named '${g.name.name}'`);
      return i;
    })
    : input.schema.map((_, i) => i).filter((i) => i !== pivotIdx && !aggColumns.has(input.schema[i]!.name));
  const countCall: CallExpr = { kind: 'Call', start: call.start, end: call.end, name: { kind: 'Ident', name: 'count', quoted: false, start: call.start, end: call.end }, args: [] };
  const agg = planAggregate(c, aggExpr ?? countCall, input, scope, [], false);
  const pivotType = input.schema[pivotIdx]!.type;
  let names: string[];
  let values: Scalar[] | undefined;
  if (op.outputSchema) {
    names = op.outputSchema.map((d) => d.name.name).filter((n) => !groupIdx.some((i) => input.schema[i]!.name === n));
  } else {
    const t = collect(input);
    const g = new GroupTable([pivotType]);
    g.assign([t.columns[pivotIdx]!.column], t.length);
    const keys = g.keyColumns()[0]!;
    values = Array.from({ length: g.count }, (_, i) => keys.get(i)).sort((a, b) => (pivotName(pivotType, a) < pivotName(pivotType, b) ? -1 : pivotName(pivotType, a) > pivotName(pivotType, b) ? 1 : 0));
    names = values.map((v) => pivotName(pivotType, v));
  }
  const aggType = agg.types[0]!;
  const schema: TableSchema = [...groupIdx.map((i) => input.schema[i]!), ...names.map((n) => ({ name: n, type: aggType }))];
  return {
    schema,
    batches: function* () {
      const nameSlot = new Map(names.map((n, i) => [n, i]));
      const groups = new GroupTable(groupIdx.map((i) => input.schema[i]!.type));
      const aggregator = agg.create();
      const cellsOf = (g: number, k: number): number => g * names.length + k;
      for (const b of checked(c.ctx, input.batches())) {
        const gids = groups.assign(groupIdx.map((i) => b.columns[i]!.column), b.length);
        const pv = b.columns[pivotIdx]!.column;
        const ids = new Int32Array(b.length);
        const keep: number[] = [];
        for (let r = 0; r < b.length; r++) {
          const slot = nameSlot.get(pivotName(pivotType, pv.get(r)));
          if (slot === undefined) continue;
          ids[keep.length] = cellsOf(gids[r]!, slot);
          keep.push(r);
        }
        const idx = Int32Array.from(keep);
        aggregator.update(ids.subarray(0, keep.length), Math.max(1, groups.count * names.length), agg.args.map((a) => gather(a.eval(b), idx)));
      }
      const n = groups.count;
      if (n === 0) return;
      const cells = aggregator.finish(Math.max(1, n * names.length));
      const cols: Column[] = [...groups.keyColumns()];
      names.forEach((_, k) => cols.push(gather(cells, Int32Array.from({ length: n }, (_, g) => cellsOf(g, k)))));
      yield makeTable(schema, cols, n);
    },
  };
}

function pivotName(type: ScalarType, v: Scalar): string {
  return v === null ? '' : type === 'string' ? (v as string) : formatScalar(type, v);
}

function narrow(c: Compiler, input: Relation, call: CallExpr): Relation {
  if (call.args.length > 0) fail(call, 'narrow() takes no arguments');
  const schema: TableSchema = [{ name: 'Row', type: 'long' }, { name: 'Column', type: 'string' }, { name: 'Value', type: 'string' }];
  return {
    schema,
    batches: function* () {
      let row = 0;
      for (const b of checked(c.ctx, input.batches())) {
        const rows = new ColumnBuilder('long'), cols = new ColumnBuilder('string'), vals = new ColumnBuilder('string');
        for (let r = 0; r < b.length; r++, row++) {
          b.columns.forEach(({ name, column }) => {
            rows.append(row);
            cols.append(name);
            const v = column.get(r);
            vals.append(v === null ? '' : column.type === 'dynamic' ? (typeof v === 'string' ? v : JSON.stringify(v)) : formatScalar(column.type, v));
          });
        }
        const n = rows.length;
        if (n > 0) yield makeTable(schema, [rows.finish(), cols.finish(), vals.finish()], n);
      }
    },
  };
}

/** A lookup key: the masked address text plus any extra key values. */
function ipLookup(c: Compiler, input: Relation, call: CallExpr, scope: Scope, version: 4 | 6): Relation {
  const fn = call.name.name;
  const positional = call.args.filter((a) => a.kind !== 'NamedArg');
  const named = new Map(call.args.flatMap((a) => (a.kind === 'NamedArg' ? [[a.name.name, a] as const] : [])));
  const [tableArg, sourceArg, rangeArg, ...extraArgs] = positional;
  if (!tableArg || !sourceArg || !rangeArg) fail(call, `${fn} needs a lookup table, the source address column and the lookup range column`);
  let returnUnmatched = false;
  const last = extraArgs[extraArgs.length - 1];
  if (named.has('return_unmatched')) returnUnmatched = constantArg(c, named.get('return_unmatched')!, scope, 'return_unmatched') === true;
  else if (last && last.kind === 'Literal' && last.type === 'bool') { returnUnmatched = last.value === true; extraArgs.pop(); }
  const lookup = c.tabular(tableArg, scope);
  const nameOf = (e: Expr, schema: TableSchema, what: string): number => {
    if (e.kind !== 'NameRef') fail(e, `${fn}: the ${what} must be a column name`);
    const i = columnIndex(schema, e.name.name);
    if (i < 0) fail(e, `${fn}: no column named '${e.name.name}' in the ${what.includes('range') ? 'lookup table' : 'input'}`);
    return i;
  };
  const srcIdx = nameOf(sourceArg, input.schema, 'source address');
  const rangeIdx = nameOf(rangeArg, lookup.schema, 'lookup range');
  const extras = extraArgs.map((e) => {
    if (e.kind !== 'NameRef') fail(e, `${fn}: extra keys must be column names present in both tables`);
    return { left: nameOf(e, input.schema, 'extra key'), right: nameOf(e, lookup.schema, 'lookup range extra key') };
  });
  const rightNames = joinRightColumnNames(input.schema.map((s) => s.name), lookup.schema.map((s) => s.name));
  const schema: TableSchema = [...input.schema, ...lookup.schema.map((s, i) => ({ name: rightNames[i]!, type: s.type }))];
  const parse = (text: string): { key: string; prefix: number } | null => {
    if (version === 4) {
      const p = parseIpv4(text.trim());
      return p ? { key: String(p.address), prefix: p.prefix } : null;
    }
    const p = parseIpv6(text.trim());
    return p ? { key: formatIpv6Canonical(p.groups), prefix: p.prefix } : null;
  };
  const mask = (text: string, prefix: number): string | null => {
    if (version === 4) {
      const p = parseIpv4(text.trim());
      return p ? String(maskIpv4(p.address, Math.min(prefix, p.prefix))) : null;
    }
    const p = parseIpv6(text.trim());
    return p ? formatIpv6Canonical(maskIpv6(p.groups, Math.min(prefix, p.prefix))) : null;
  };
  return {
    schema,
    batches: function* () {
      const lt = collect(lookup);
      // One map per prefix length; addresses try the longest prefix first.
      const byPrefix = new Map<number, Map<string, number>>();
      for (let r = 0; r < lt.length; r++) {
        const v = lt.columns[rangeIdx]!.column.get(r);
        if (typeof v !== 'string') continue;
        const p = parse(v);
        if (!p) continue;
        const key = p.key + extras.map((x) => '\u0001' + String(lt.columns[x.right]!.column.get(r))).join('');
        let m = byPrefix.get(p.prefix);
        if (!m) { m = new Map(); byPrefix.set(p.prefix, m); }
        if (!m.has(key)) m.set(key, r);
      }
      const prefixes = [...byPrefix.keys()].sort((a, b) => b - a);
      for (const b of checked(c.ctx, input.batches())) {
        const src = b.columns[srcIdx]!.column;
        const left: number[] = [], right: number[] = [];
        for (let r = 0; r < b.length; r++) {
          const text = src.get(r);
          let hit = -1;
          if (typeof text === 'string' && text !== '') {
            const extra = extras.map((x) => '\u0001' + String(b.columns[x.left]!.column.get(r))).join('');
            for (const p of prefixes) {
              const k = mask(text, p);
              if (k === null) break;
              const row = byPrefix.get(p)!.get(k + extra);
              if (row !== undefined) { hit = row; break; }
            }
          }
          if (hit >= 0 || returnUnmatched) { left.push(r); right.push(hit); }
        }
        if (left.length === 0) continue;
        const li = Int32Array.from(left), ri = Int32Array.from(right);
        const cols: Column[] = [...b.columns.map((x) => gather(x.column, li)), ...lt.columns.map((x) => gather(x.column, ri))];
        yield makeTable(schema, cols, li.length);
      }
    },
  };
}
