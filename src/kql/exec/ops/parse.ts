// parse / parse-where: the pattern becomes one anchored RE2 regex (as ADX translates it):
// `*` -> `.*?`, string columns -> `(.*?)` (greedy `(.*)` in kind=regex), int/long -> `(-?\d+)`, real -> a decimal number,
// other types -> `(.*?)` then converted. kind=simple escapes the literals, kind=regex uses them
// as regex text (with flags=), kind=relaxed lets a typed column that fails to convert be null
// instead of failing the row. A failed row gets nulls (parse) or is dropped (parse-where).

import { StringColumn, type Column } from '../../data/column.js';
import { compileRegex } from '../../functions/text/regex.js';
import type { ParseOp } from '../../syntax/ast.js';
import { NotSupportedError, type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { convertTo } from '../../values/convert.js';
import { ColumnBuilder, gather } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { asStringEval, compileScalar, fail } from '../expr/compile.js';
import { stringAt } from '../expr/coerce.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable } from './common.js';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Named groups, so capturing groups inside a kind=regex literal cannot shift the columns.
 * `anyText`: the repetition a string (or converted) column captures with.
 */
function captureFor(type: ScalarType, k: number, anyText: string): string {
  switch (type) {
    case 'int': case 'long': return `(?P<pc${k}>-?\\d+)`;
    case 'real': case 'decimal': return `(?P<pc${k}>-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`;
    default: return `(?P<pc${k}>${anyText})`;
  }
}

export function compileParse(c: Compiler, input: Relation, op: ParseOp, scope: Scope): Relation {
  const kindOpt = op.options.find((o) => o.name === 'kind');
  const kind = kindOpt ? (kindOpt.value.kind === 'NameRef' ? kindOpt.value.name.name.toLowerCase() : fail(kindOpt, 'parse kind= takes simple, regex or relaxed')) : 'simple';
  if (kind !== 'simple' && kind !== 'regex' && kind !== 'relaxed') fail(op, `parse kind must be simple, regex or relaxed, not '${kind}'`);
  const flags = op.flags ?? '';
  if (flags !== '' && kind !== 'regex') fail(op, 'parse flags= needs kind=regex');
  for (const f of flags) if (!'Umsi'.includes(f)) throw new NotSupportedError(`parse regex flag '${f}'`, op.start, op.end);
  const source = asStringEval(compileScalar(op.source, c.env(input.schema, scope)));
  const columns: { name: string; type: ScalarType }[] = [];
  // In kind=regex a text column is greedy unless flags= has U, which inverts every
  // repetition (the docs' parse examples: lockTime runs up to ".*?releaseTime="). `*` stays
  // lazy either way, so under U it is written greedy.
  const ungreedy = flags.includes('U');
  const star = kind === 'regex' && ungreedy ? '.*' : '.*?';
  const anyText = kind === 'regex' ? '.*' : '.*?';
  let regex = '';
  for (const el of op.pattern) {
    if (el.star) regex += star;
    else if (el.literal !== undefined) regex += kind === 'regex' ? el.literal : escapeRegex(el.literal);
    else if (el.column) {
      const type = el.type?.type ?? 'string';
      columns.push({ name: el.column.name, type });
      regex += captureFor(kind === 'relaxed' ? 'string' : type, columns.length - 1, anyText);
    }
  }
  const inline = flags === '' ? '' : `(?${flags})`;
  let re: ReturnType<typeof compileRegex>;
  try {
    re = compileRegex(`${inline}^${regex}$`);
  } catch (e) {
    fail(op, `parse: the pattern is not a valid regular expression: ${(e as Error).message}`);
  }
  const schema: TableSchema = input.schema.slice();
  const slots = columns.map((col) => {
    const at = columnIndex(schema, col.name);
    if (at >= 0) { schema[at] = col; return at; }
    schema.push(col);
    return schema.length - 1;
  });
  const ctx = c.ctx;
  const strict = kind !== 'relaxed';
  return {
    schema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of checked(ctx, input.batches())) {
        const text = source.eval(b);
        const builders = columns.map((col) => new ColumnBuilder(col.type));
        const kept: number[] = [];
        // One regex run per distinct source value when the source is a dictionary column.
        const memo = text instanceof StringColumn && text.dict.length <= b.length ? new Map<number, Scalar[] | null>() : undefined;
        const parseOne = (s: string): Scalar[] | null => {
          const m = re.matcher(s);
          if (!m.find()) return null;
          const values: Scalar[] = [];
          for (let k = 0; k < columns.length; k++) {
            const raw = m.group(`pc${k}`) ?? '';
            const type = columns[k]!.type;
            const v = type === 'string' ? raw : convertTo(type, 'string', raw);
            if (v === null && strict) return null;
            values.push(v);
          }
          return values;
        };
        for (let i = 0; i < b.length; i++) {
          ctx.tick();
          let values: Scalar[] | null;
          if (memo) {
            const code = (text as StringColumn).codes[i]!;
            if (memo.has(code)) values = memo.get(code)!;
            else { values = parseOne((text as StringColumn).dict[code]!); memo.set(code, values); }
          } else values = parseOne(stringAt(text, i));
          if (values === null && op.where) continue;
          kept.push(i);
          builders.forEach((bd, k) => bd.append(values === null ? null : values[k]!));
        }
        if (kept.length === 0) continue;
        const idx = Int32Array.from(kept);
        const cols: Column[] = kept.length === b.length ? b.columns.map((x) => x.column) : b.columns.map((x) => gather(x.column, idx));
        slots.forEach((slot, k) => { cols[slot] = builders[k]!.finish(); });
        yield makeTable(schema, cols, kept.length);
      }
    },
  };
}
