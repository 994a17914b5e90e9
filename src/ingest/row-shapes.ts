// Making row objects fast. A parser knows its row as a list of (column, value) in the order the
// columns were first set; turning that into an object by assigning keys one at a time makes V8
// walk property transitions and grow the object's backing store ~25 times per row, which cost
// more than parsing the line. Rows of one key sequence (a "shape") are instead made by one
// object literal compiled for that sequence: one allocation, keys in the same order, so the row
// is the same object the assignments would have built.

import type { Row } from './record.js';

type MakeRow = (values: readonly unknown[]) => Row;

interface ShapeNode {
  /** Next node by column id; allocated on first use. */
  children: (ShapeNode | undefined)[] | undefined;
  /** Rows made with exactly the key sequence leading here. */
  seen: number;
  make: MakeRow | undefined;
}

/** A shape seen this often gets its literal; rarer ones are assigned key by key. */
const COMPILE_AFTER = 8;
/** Bounds the memory and compile time a log with endlessly varying key sets can take. */
const MAX_NODES = 50_000;
const MAX_COMPILED = 2_000;

function node(): ShapeNode {
  return { children: undefined, seen: 0, make: undefined };
}

/** Shapes kept per column list, so each new file with a known header reuses compiled literals. */
const SHARED_SHAPES = new Map<string, RowShapes>();
const MAX_SHARED = 256;

/** Rows over a fixed set of column names, addressed by their index in `names`. */
export class RowShapes {
  /** The shapes for this column list (names may repeat: a later value then lands in the earlier key, as assignment does). */
  static forNames(names: readonly string[]): RowShapes {
    const key = names.join('\u0000');
    let shapes = SHARED_SHAPES.get(key);
    if (shapes === undefined) {
      shapes = new RowShapes([...names]);
      if (SHARED_SHAPES.size < MAX_SHARED) SHARED_SHAPES.set(key, shapes);
    }
    return shapes;
  }

  private readonly root = node();
  private nodes = 1;
  private compiled = 0;

  constructor(private readonly names: readonly string[]) {}

  /** The row that assigning names[ids[i]] = values[i] for i in 0..count makes (no id twice). */
  make(ids: ArrayLike<number>, values: readonly unknown[], count: number): Row {
    let at: ShapeNode | undefined = this.root;
    for (let i = 0; i < count && at !== undefined; i++) at = this.child(at, ids[i]!);
    if (at !== undefined) {
      if (at.make !== undefined) return at.make(values);
      if (++at.seen >= COMPILE_AFTER && this.compiled < MAX_COMPILED) {
        const make = this.compile(ids, count);
        if (make !== undefined) {
          at.make = make;
          return make(values);
        }
      }
    }
    const row: Row = {};
    for (let i = 0; i < count; i++) row[this.names[ids[i]!]!] = values[i];
    return row;
  }

  private child(parent: ShapeNode, id: number): ShapeNode | undefined {
    const children = parent.children ?? (parent.children = new Array<ShapeNode | undefined>(this.names.length).fill(undefined));
    let next = children[id];
    if (next === undefined) {
      if (this.nodes >= MAX_NODES) return undefined;
      children[id] = next = node();
      this.nodes++;
    }
    return next;
  }

  private compile(ids: ArrayLike<number>, count: number): MakeRow | undefined {
    const fields: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.names[ids[i]!]!;
      // `__proto__:` in a literal is special syntax rather than a key; leave such rows to assignment.
      if (name === '__proto__') return undefined;
      // JSON string literals are valid JavaScript string literals: names from log headers are data, never code.
      fields.push(`${JSON.stringify(name)}: v[${i}]`);
    }
    this.compiled++;
    return new Function('v', `return { ${fields.join(', ')} };`) as MakeRow;
  }
}
