// parse-kv: extracts the listed keys from text, in one of three modes (Kusto docs):
//  - pair_delimiter + kv_delimiter (optionally quotes, escapes, greedy values);
//  - no delimiters: any non-alphanumeric character separates tokens, a key's value is the
//    token after it;
//  - regex with two groups (key, value).
// The first occurrence of a key wins; leading/trailing whitespace is dropped; values convert to
// the declared type (null when they do not parse); missing keys are null (strings empty).

import type { ParseKvOp } from '../../syntax/ast.js';
import { KqlError, type Scalar, type ScalarType, type TableSchema } from '../../types.js';
import { convertTo } from '../../values/convert.js';
import { ColumnBuilder } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { asStringEval, compileScalar, fail } from '../expr/compile.js';
import { columnIndex, type Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { checked, makeTable } from './common.js';
import { StringColumn } from '../../data/column.js';

interface KvOptions {
  pair?: string;
  kv?: string;
  quotes: { open: string; close: string }[];
  escapes: string[];
  greedy: boolean;
  regex?: RegExp;
}

function readOptions(c: Compiler, op: ParseKvOp, scope: Scope): KvOptions {
  const o: KvOptions = { quotes: [], escapes: [], greedy: false };
  for (const p of op.withProps) {
    const ev = compileScalar(p.value, c.env([], scope));
    if (!ev.constant) fail(p, `parse-kv ${p.name} must be a constant`);
    const v = ev.constant.value;
    switch (p.name) {
      case 'pair_delimiter': case 'kv_delimiter': {
        if (typeof v !== 'string' || v === '') fail(p, `parse-kv ${p.name} must be a non-empty string`);
        if (p.name === 'pair_delimiter') o.pair = v; else o.kv = v;
        break;
      }
      case 'quote':
        if (typeof v !== 'string' || v.length < 1 || v.length > 2) fail(p, 'parse-kv quote must be one or two characters (open and close)');
        o.quotes.push({ open: v[0]!, close: v[v.length - 1]! });
        break;
      case 'escape':
        if (typeof v !== 'string' || v.length !== 1) fail(p, 'parse-kv escape must be one character');
        o.escapes.push(v);
        break;
      case 'greedy':
        if (typeof v !== 'boolean') fail(p, 'parse-kv greedy must be true or false');
        o.greedy = v;
        break;
      case 'regex': {
        if (typeof v !== 'string') fail(p, 'parse-kv regex must be a string');
        let re: RegExp;
        try { re = new RegExp(v, 'gu'); } catch (e) { fail(p, `parse-kv regex is invalid: ${(e as Error).message}`); }
        const groups = new RegExp(`${v}|`, 'u').exec('')!.length - 1;
        if (groups !== 2) fail(p, `parse-kv regex must have exactly two capturing groups (key, value); it has ${groups}`);
        o.regex = re;
        break;
      }
      default: fail(p, `unknown parse-kv option '${p.name}'`);
    }
  }
  if ((o.pair === undefined) !== (o.kv === undefined)) fail(op, 'parse-kv needs both pair_delimiter and kv_delimiter, or neither');
  if (o.regex && (o.pair !== undefined || o.quotes.length > 0)) fail(op, 'parse-kv regex cannot be combined with delimiters or quotes');
  if (o.greedy && o.pair === undefined) fail(op, 'parse-kv greedy=true needs pair_delimiter and kv_delimiter');
  return o;
}

/** Splits `text` at `delim` outside quotes; quotes and escapes are kept for unquote(). */
function splitOutsideQuotes(text: string, delim: string, o: KvOptions, max = Infinity): string[] {
  const parts: string[] = [];
  let start = 0, i = 0;
  let close: string | undefined;
  while (i < text.length && parts.length < max - 1) {
    const ch = text[i]!;
    if (close !== undefined) {
      if (o.escapes.includes(ch)) { i += 2; continue; }
      if (ch === close) close = undefined;
      i++;
      continue;
    }
    const q = o.quotes.find((x) => x.open === ch);
    if (q) { close = q.close; i++; continue; }
    if (text.startsWith(delim, i)) { parts.push(text.slice(start, i)); i += delim.length; start = i; continue; }
    i++;
  }
  parts.push(text.slice(start));
  return parts;
}

/** Trims, removes one enclosing quote pair and resolves escapes inside it. */
function unquote(raw: string, o: KvOptions): string {
  const s = raw.trim();
  const q = s.length >= 2 ? o.quotes.find((x) => s[0] === x.open && s[s.length - 1] === x.close) : undefined;
  if (!q) return s;
  const inner = s.slice(1, -1);
  if (o.escapes.length === 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    if (o.escapes.includes(inner[i]!) && i + 1 < inner.length) { out += inner[++i]!; continue; }
    out += inner[i]!;
  }
  return out;
}

function extractDelimited(text: string, o: KvOptions, wanted: Set<string>): Map<string, string> {
  const found = new Map<string, string>();
  const pairs = splitOutsideQuotes(text, o.pair!, o);
  let lastKey: string | undefined;
  for (const p of pairs) {
    const kv = splitOutsideQuotes(p, o.kv!, o, 2);
    if (kv.length < 2) {
      // Greedy: text without a kv delimiter continues the previous value.
      if (o.greedy && lastKey !== undefined && found.get(lastKey) !== undefined && lastKey !== '\u0000') {
        found.set(lastKey, found.get(lastKey)! + o.pair! + p);
      }
      continue;
    }
    const key = unquote(kv[0]!, o);
    if (!wanted.has(key) || found.has(key)) { lastKey = '\u0000'; continue; }
    found.set(key, kv[1]!);
    lastKey = key;
  }
  for (const [k, v] of found) found.set(k, unquote(v, o));
  return found;
}

const ALNUM = /[\p{L}\p{N}]/u;

/** No delimiters given: alphanumeric runs (or quoted strings) are tokens; a key's value is the next token. */
function extractTokens(text: string, o: KvOptions, wanted: Set<string>): Map<string, string> {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const q = o.quotes.find((x) => x.open === ch);
    if (q) {
      let j = i + 1, tok = '';
      while (j < text.length && text[j] !== q.close) {
        if (o.escapes.includes(text[j]!) && j + 1 < text.length) j++;
        tok += text[j++]!;
      }
      tokens.push(tok);
      i = j + 1;
      continue;
    }
    if (ALNUM.test(ch)) {
      let j = i;
      while (j < text.length && ALNUM.test(text[j]!)) j++;
      tokens.push(text.slice(i, j));
      i = j;
      continue;
    }
    i++;
  }
  const found = new Map<string, string>();
  for (let k = 0; k + 1 < tokens.length; k++) {
    const t = tokens[k]!;
    if (wanted.has(t) && !found.has(t)) { found.set(t, tokens[k + 1]!); k++; }
  }
  return found;
}

function extractRegex(text: string, re: RegExp, wanted: Set<string>): Map<string, string> {
  const found = new Map<string, string>();
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    const k = (m[1] ?? '').trim();
    if (wanted.has(k) && !found.has(k)) found.set(k, (m[2] ?? '').trim());
  }
  return found;
}

function typed(type: ScalarType, text: string | undefined): Scalar {
  if (text === undefined) return type === 'string' ? '' : null;
  if (type === 'string') return text;
  return convertTo(type, 'string', text);
}

export function compileParseKv(c: Compiler, input: Relation, op: ParseKvOp, scope: Scope): Relation {
  const source = asStringEval(compileScalar(op.source, c.env(input.schema, scope)));
  const o = readOptions(c, op, scope);
  const keys = op.columns.map((d) => ({ name: d.name.name, type: d.type.type }));
  const wanted = new Set(keys.map((k) => k.name));
  const schema: TableSchema = input.schema.slice();
  const slots = keys.map((k) => {
    const at = columnIndex(schema, k.name);
    if (at >= 0) { schema[at] = k; return at; }
    schema.push(k);
    return schema.length - 1;
  });
  const extract = o.regex ? (t: string) => extractRegex(t, o.regex!, wanted)
    : o.pair !== undefined ? (t: string) => extractDelimited(t, o, wanted)
    : (t: string) => extractTokens(t, o, wanted);
  return {
    schema,
    serialized: input.serialized,
    batches: function* () {
      for (const b of checked(c.ctx, input.batches())) {
        const text = source.eval(b);
        if (!(text instanceof StringColumn)) throw new KqlError('internal: parse-kv source is not a string column');
        // Once per distinct text: log lines repeat.
        const perCode = new Map<number, Map<string, string>>();
        const builders = keys.map((k) => new ColumnBuilder(k.type));
        for (let r = 0; r < b.length; r++) {
          const code = text.codes[r]!;
          let found = perCode.get(code);
          if (!found) { found = extract(text.dict[code]!); perCode.set(code, found); }
          keys.forEach((k, j) => builders[j]!.append(typed(k.type, found!.get(k.name))));
        }
        const cols = b.columns.map((x) => x.column);
        slots.forEach((slot, j) => { cols[slot] = builders[j]!.finish(); });
        yield makeTable(schema, cols, b.length);
      }
    },
  };
}
