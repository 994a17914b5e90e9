// Boolean connectives with ADX's three-valued logic: false and null -> false,
// true or null -> true, otherwise null propagates.

import { BoolColumn, type Column } from '../../data/column.js';

function asBool(c: Column): BoolColumn {
  if (c instanceof BoolColumn) return c;
  throw new Error(`internal: expected a bool column, got ${c.type}`);
}

export function andKernel(lc: Column, rc: Column): BoolColumn {
  const l = asBool(lc), r = asBool(rc);
  const n = l.length;
  const out = new Uint8Array(n);
  if (l.nulls === null && r.nulls === null) {
    for (let i = 0; i < n; i++) out[i] = l.values[i]! & r.values[i]!;
    return new BoolColumn(out, null);
  }
  const nulls = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const ln = l.nulls !== null && l.nulls[i] === 1, rn = r.nulls !== null && r.nulls[i] === 1;
    const lf = !ln && l.values[i] === 0, rf = !rn && r.values[i] === 0;
    if (lf || rf) continue;
    if (ln || rn) { nulls[i] = 1; any = true; continue; }
    out[i] = 1;
  }
  return new BoolColumn(out, any ? nulls : null);
}

export function orKernel(lc: Column, rc: Column): BoolColumn {
  const l = asBool(lc), r = asBool(rc);
  const n = l.length;
  const out = new Uint8Array(n);
  if (l.nulls === null && r.nulls === null) {
    for (let i = 0; i < n; i++) out[i] = l.values[i]! | r.values[i]!;
    return new BoolColumn(out, null);
  }
  const nulls = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const ln = l.nulls !== null && l.nulls[i] === 1, rn = r.nulls !== null && r.nulls[i] === 1;
    const lt = !ln && l.values[i] === 1, rt = !rn && r.values[i] === 1;
    if (lt || rt) { out[i] = 1; continue; }
    if (ln || rn) { nulls[i] = 1; any = true; }
  }
  return new BoolColumn(out, any ? nulls : null);
}

export function notKernel(c: Column): BoolColumn {
  const b = asBool(c);
  const out = new Uint8Array(b.length);
  for (let i = 0; i < out.length; i++) out[i] = b.values[i] === 1 ? 0 : 1;
  if (b.nulls) for (let i = 0; i < out.length; i++) if (b.nulls[i]) out[i] = 0;
  return new BoolColumn(out, b.nulls);
}

/** Row indices where a predicate is true (null counts as false, as `where` does). */
export function selectTrue(c: Column): Int32Array {
  const b = asBool(c);
  const n = b.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (b.values[i] === 1 && (b.nulls === null || b.nulls[i] === 0)) count++;
  const idx = new Int32Array(count);
  let o = 0;
  for (let i = 0; i < n; i++) if (b.values[i] === 1 && (b.nulls === null || b.nulls[i] === 0)) idx[o++] = i;
  return idx;
}
