// Aggregates that collect values rather than fold them: make_list*, make_set*, make_bag*,
// buildschema, take_any/take_anyif. Values become dynamic values as values.ts dynamicAt
// describes. Element order is the order rows arrive in (ADX: follows the input order when
// the input is sorted).

import { DynamicColumn, StringColumn, type Column } from '../../data/column.js';
import { KqlError, isWholeReal, type DynamicValue, type ScalarType } from '../../types.js';
import { dynamicKind, isDynamicBag } from '../../values/dynamic.js';
import type { AggregateFunctionDef, ArgInfo, GroupedAggregator } from '../registry.js';
import { BOOL_PARAM, argColumn, argType, intConstant, rejectStar } from './common.js';
import { dynamicResult, growArray, isNullAt, nullColumn, predicateValues } from './state.js';
import { declaredType, dynamicAt, valueStore, type ValueStore } from './values.js';

export const MAX_COLLECT_SIZE = 1048576;
/** The deprecated makelist/makeset/make_dictionary default (docs). */
const LEGACY_COLLECT_SIZE = 128;

function maxSizeOf(args: readonly ArgInfo[], i: number, fn: string, fallback: number): number {
  return intConstant(args, i, fn, 'maxSize', fallback, 1, MAX_COLLECT_SIZE);
}

// ───────────────────────────── make_list ─────────────────────────────

class ListAggregator implements GroupedAggregator {
  private readonly lists: (DynamicValue[] | null)[] = [];

  constructor(
    private readonly fn: string,
    private readonly maxSize: number,
    private readonly predicateArg: number,
    private readonly keepNulls: boolean,
  ) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    growArray(this.lists, numGroups, () => null);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    const lists = this.lists, max = this.maxSize;
    for (let r = 0; r < ids.length; r++) {
      if (pass !== null && pass[r] === 0) continue;
      const g = ids[r]!;
      const list = lists[g] ?? (lists[g] = []);
      if (list.length >= max) continue;
      const v = dynamicAt(col, r);
      if (v === null && !this.keepNulls) continue;
      list.push(v);
    }
  }

  finish(numGroups: number): Column {
    growArray(this.lists, numGroups, () => null);
    return dynamicResult(this.lists.map((l) => l ?? []), numGroups);
  }
}

// ───────────────────────────── make_set ─────────────────────────────

/**
 * Set membership key: primitives are their own keys (a whole real its number: 1.0 == 1);
 * arrays and bags compare by JSON text, in which a whole real is written as its number too.
 */
function setKey(v: DynamicValue): unknown {
  if (isWholeReal(v)) return v.value;
  return v !== null && typeof v === 'object' ? `\u0001${JSON.stringify(v)}` : v;
}

class SetAggregator implements GroupedAggregator {
  private readonly seen: (Set<unknown> | null)[] = [];
  private readonly lists: (DynamicValue[] | null)[] = [];

  constructor(private readonly fn: string, private readonly maxSize: number, private readonly predicateArg: number) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    growArray(this.seen, numGroups, () => null);
    growArray(this.lists, numGroups, () => null);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    // A dynamic array contributes its elements (docs: "Set from array column").
    const flatten = col instanceof DynamicColumn;
    for (let r = 0; r < ids.length; r++) {
      if (pass !== null && pass[r] === 0) continue;
      const g = ids[r]!;
      const seen = this.seen[g] ?? (this.seen[g] = new Set());
      const list = this.lists[g] ?? (this.lists[g] = []);
      const v = col instanceof StringColumn ? col.dict[col.codes[r]!]! : dynamicAt(col, r);
      if (flatten && Array.isArray(v)) {
        for (const e of v) this.add(seen, list, e);
      } else {
        this.add(seen, list, v);
      }
    }
  }

  private add(seen: Set<unknown>, list: DynamicValue[], v: DynamicValue): void {
    if (v === null || list.length >= this.maxSize) return;
    const key = setKey(v);
    if (seen.has(key)) return;
    seen.add(key);
    list.push(v);
  }

  finish(numGroups: number): Column {
    growArray(this.lists, numGroups, () => null);
    return dynamicResult(this.lists.map((l) => l ?? []), numGroups);
  }
}

// ───────────────────────────── make_bag ─────────────────────────────

class BagAggregator implements GroupedAggregator {
  // Maps, not objects: a key such as "__proto__" must stay an ordinary key.
  private readonly bags: (Map<string, DynamicValue> | null)[] = [];

  constructor(private readonly fn: string, private readonly maxSize: number, private readonly predicateArg: number) {}

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, this.fn);
    growArray(this.bags, numGroups, () => null);
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    if (!(col instanceof DynamicColumn)) {
      throw new KqlError(`${this.fn}(): the argument must be a dynamic property bag; got ${col.type}`);
    }
    for (let r = 0; r < ids.length; r++) {
      if (pass !== null && pass[r] === 0) continue;
      const g = ids[r]!;
      const bag = this.bags[g] ?? (this.bags[g] = new Map());
      const v = col.values[r]!;
      // Non-bag values are skipped (docs); the first value seen for a key is kept.
      if (!isDynamicBag(v)) continue;
      for (const key of Object.keys(v)) {
        if (bag.size >= this.maxSize) break;
        if (!bag.has(key)) bag.set(key, v[key]!);
      }
    }
  }

  finish(numGroups: number): Column {
    growArray(this.bags, numGroups, () => null);
    return dynamicResult(this.bags.map((b) => (b === null ? {} : Object.fromEntries(b))), numGroups);
  }
}

// ───────────────────────────── buildschema ─────────────────────────────

/**
 * A schema node: the union of the types seen at one position, in first-seen order. At most
 * one member is a container (bags and arrays share it; arrays use the key "`indexer`").
 */
interface SchemaNode {
  members: (string | Map<string, SchemaNode>)[];
}

const INDEXER = '`indexer`';

function primitiveName(v: DynamicValue): string {
  if (typeof v === 'boolean') return 'bool';
  const kind = dynamicKind(v);
  if (kind === 'int' || kind === 'long') return 'long';
  return kind === 'real' ? 'double' : 'string';
}

function addToSchema(node: SchemaNode, v: DynamicValue): void {
  if (v === null) return;
  if (typeof v !== 'object' || isWholeReal(v)) {
    const name = primitiveName(v);
    if (!node.members.includes(name)) node.members.push(name);
    return;
  }
  let container = node.members.find((m): m is Map<string, SchemaNode> => typeof m !== 'string');
  if (container === undefined) {
    container = new Map();
    node.members.push(container);
  }
  if (Array.isArray(v)) {
    for (const e of v) addToSchema(childOf(container, INDEXER), e);
  } else {
    for (const key of Object.keys(v)) addToSchema(childOf(container, key), v[key]!);
  }
}

function childOf(container: Map<string, SchemaNode>, key: string): SchemaNode {
  let child = container.get(key);
  if (child === undefined) {
    child = { members: [] };
    container.set(key, child);
  }
  return child;
}

function schemaToDynamic(node: SchemaNode): DynamicValue {
  const members = node.members.map((m) =>
    typeof m === 'string' ? m : Object.fromEntries([...m].map(([k, child]) => [k, schemaToDynamic(child)])),
  );
  if (members.length === 0) return null;
  return members.length === 1 ? members[0]! : members;
}

class SchemaAggregator implements GroupedAggregator {
  private readonly schemas: (SchemaNode | null)[] = [];

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const col = argColumn(args, 0, 'buildschema');
    growArray(this.schemas, numGroups, () => null);
    for (let r = 0; r < ids.length; r++) {
      const g = ids[r]!;
      addToSchema(this.schemas[g] ?? (this.schemas[g] = { members: [] }), dynamicAt(col, r));
    }
  }

  finish(numGroups: number): Column {
    growArray(this.schemas, numGroups, () => null);
    return dynamicResult(this.schemas.map((s) => (s === null ? null : schemaToDynamic(s))), numGroups);
  }
}

// ───────────────────────────── take_any ─────────────────────────────

const enum Pick { None = 0, Weak = 1, Strong = 2 }

function isNullOrEmpty(col: Column, r: number): boolean {
  if (isNullAt(col, r)) return true;
  if (col instanceof StringColumn) return col.dict[col.codes[r]!] === '';
  return false;
}

/**
 * take_any(e1, e2, ...): all values from one row per group. With a single argument (and in
 * take_anyif) a non-null, non-empty value is preferred when the group has one (docs).
 */
class TakeAnyAggregator implements GroupedAggregator {
  private readonly stores: (ValueStore | null)[];
  private picked = new Uint8Array(0);

  constructor(
    private readonly fn: string,
    private readonly types: (ScalarType | undefined)[],
    private readonly predicateArg: number,
  ) {
    this.stores = types.map((t) => (t === undefined ? null : valueStore(t)));
  }

  update(ids: Int32Array, numGroups: number, args: Column[]): void {
    const width = this.types.length;
    const columns: Column[] = [];
    for (let i = 0; i < width; i++) {
      const col = argColumn(args, i, this.fn);
      columns.push(col);
      if (this.stores[i] === null) { this.types[i] = col.type; this.stores[i] = valueStore(col.type); }
      this.stores[i]!.grow(numGroups);
    }
    if (this.picked.length < numGroups) {
      const grown = new Uint8Array(Math.max(numGroups, this.picked.length * 2, 16));
      grown.set(this.picked);
      this.picked = grown;
    }
    const pass = this.predicateArg < 0 ? null : predicateValues(args[this.predicateArg], this.fn);
    const preferNonEmpty = width === 1;
    const picked = this.picked;
    for (let r = 0; r < ids.length; r++) {
      const g = ids[r]!;
      if (picked[g] === Pick.Strong) continue;
      if (pass !== null && pass[r] === 0) continue;
      const strength = preferNonEmpty && isNullOrEmpty(columns[0]!, r) ? Pick.Weak : Pick.Strong;
      if (picked[g] === Pick.Weak && strength === Pick.Weak) continue;
      for (let i = 0; i < width; i++) this.stores[i]!.set(g, columns[i]!, r);
      picked[g] = preferNonEmpty ? strength : Pick.Strong;
    }
  }

  finish(numGroups: number): Column {
    return this.finishMany(numGroups)[0]!;
  }

  finishMany(numGroups: number): Column[] {
    return this.stores.map((s) => (s === null ? nullColumn('dynamic', numGroups) : s.finish(numGroups)));
  }
}

function takeAnyTypes(args: ArgInfo[]): ScalarType[] | `error:${string}` {
  if (args.length === 0) return 'error:take_any() expects at least one argument';
  return args.map((a) => declaredType(a.type) ?? 'dynamic');
}

// ───────────────────────────── definitions ─────────────────────────────

const VALUE = { name: 'expr', types: 'any' } as const;
const MAX_SIZE = { name: 'maxSize', types: ['int', 'long'], optional: true, constant: true } as const;

function listDef(name: string, conditional: boolean, keepNulls: boolean, defaultMax: number): AggregateFunctionDef {
  const sizeArg = conditional ? 2 : 1;
  return {
    kind: 'aggregate', name,
    params: keepNulls ? [VALUE] : conditional ? [VALUE, BOOL_PARAM, MAX_SIZE] : [VALUE, MAX_SIZE],
    returns: 'dynamic',
    create: (args) => new ListAggregator(name, keepNulls ? MAX_COLLECT_SIZE : maxSizeOf(args, sizeArg, name, defaultMax), conditional ? 1 : -1, keepNulls),
  };
}

function setDef(name: string, conditional: boolean, defaultMax: number): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: conditional ? [VALUE, BOOL_PARAM, MAX_SIZE] : [VALUE, MAX_SIZE],
    returns: 'dynamic',
    create: (args) => new SetAggregator(name, maxSizeOf(args, conditional ? 2 : 1, name, defaultMax), conditional ? 1 : -1),
  };
}

function bagDef(name: string, conditional: boolean, defaultMax: number): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: conditional ? [{ name: 'expr', types: ['dynamic'] }, BOOL_PARAM, MAX_SIZE] : [{ name: 'expr', types: ['dynamic'] }, MAX_SIZE],
    returns: 'dynamic',
    create: (args) => new BagAggregator(name, maxSizeOf(args, conditional ? 2 : 1, name, defaultMax), conditional ? 1 : -1),
  };
}

function takeAnyDef(name: string): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: [{ name: 'expr', types: 'any', repeat: true }],
    returns: (args) => {
      const types = takeAnyTypes(args);
      return typeof types === 'string' ? types : types[0]!;
    },
    outputTypes: takeAnyTypes,
    create: (args) => {
      rejectStar(args, name);
      return new TakeAnyAggregator(name, args.map((a) => declaredType(a.type)), -1);
    },
  };
}

function takeAnyIfDef(name: string): AggregateFunctionDef {
  return {
    kind: 'aggregate', name,
    params: [VALUE, BOOL_PARAM],
    returns: (args) => declaredType(args[0]?.type) ?? 'dynamic',
    create: (args) => new TakeAnyAggregator(name, [argType(args, 0)], 1),
  };
}

export const collectAggregates: AggregateFunctionDef[] = [
  listDef('make_list', false, false, MAX_COLLECT_SIZE),
  listDef('make_list_if', true, false, MAX_COLLECT_SIZE),
  listDef('make_list_with_nulls', false, true, MAX_COLLECT_SIZE),
  listDef('makelist', false, false, LEGACY_COLLECT_SIZE),
  setDef('make_set', false, MAX_COLLECT_SIZE),
  setDef('make_set_if', true, MAX_COLLECT_SIZE),
  setDef('makeset', false, LEGACY_COLLECT_SIZE),
  bagDef('make_bag', false, MAX_COLLECT_SIZE),
  bagDef('make_bag_if', true, MAX_COLLECT_SIZE),
  bagDef('make_dictionary', false, LEGACY_COLLECT_SIZE),
  {
    kind: 'aggregate', name: 'buildschema', params: [{ name: 'value', types: ['dynamic'] }], returns: 'dynamic',
    create: () => new SchemaAggregator(),
  },
  takeAnyDef('take_any'),
  takeAnyDef('any'),
  takeAnyIfDef('take_anyif'),
  takeAnyIfDef('anyif'),
];
