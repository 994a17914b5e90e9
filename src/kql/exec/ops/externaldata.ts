// externaldata: rows from local files read through QueryOptions.readFile (the engine has no
// file system access of its own). csv/tsv/psv/scsv, txt (one line per row) and json (JSON
// lines or an array) are read; URLs are refused.

import type { ExternalDataOp } from '../../syntax/ast.js';
import {
  KqlError, NotSupportedError, dynamicNumber, isWholeReal, type DynamicValue, type Scalar, type ScalarType, type TableSchema,
} from '../../types.js';
import { convertTo } from '../../values/convert.js';
import { dynamicFromScalar, isDynamicBag, parseJsonStrict } from '../../values/dynamic.js';
import { ColumnBuilder } from '../columns.js';
import type { Compiler } from '../compiler.js';
import { compileScalar, fail } from '../expr/compile.js';
import type { Relation } from '../relation.js';
import type { Scope } from '../scope.js';
import { makeTable } from './common.js';

const DELIMITERS: Record<string, string> = { csv: ',', tsv: '\t', tsve: '\t', psv: '|', scsv: ';', sohsv: '\u0001' };

/** RFC 4180 records: quoted fields may hold delimiters, newlines and doubled quotes. */
export function parseDelimited(text: string, delim: string): string[][] {
  const records: string[][] = [];
  let field = '', record: string[] = [], i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === delim) { record.push(field); field = ''; i++; continue; }
    if (ch === '\n' || ch === '\r') {
      record.push(field); records.push(record); field = ''; record = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch; i++;
  }
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  return records;
}

function fromText(type: ScalarType, text: string | undefined): Scalar {
  if (text === undefined) return type === 'string' ? '' : null;
  if (type === 'string') return text;
  return convertTo(type, 'string', text);
}

function fromJson(type: ScalarType, v: unknown): Scalar {
  if (v === undefined || v === null) return type === 'string' ? '' : null;
  if (type === 'dynamic') return v as Scalar;
  if (typeof v === 'string') return fromText(type, v);
  const jsonType: ScalarType = typeof v === 'boolean' ? 'bool' : typeof v === 'number' || isWholeReal(v) ? 'real' : 'dynamic';
  return convertTo(type, jsonType, jsonType === 'dynamic' ? dynamicFromScalar('dynamic', v as Scalar) : (dynamicNumber(v as DynamicValue) ?? v as Scalar));
}

export function compileExternalData(c: Compiler, op: ExternalDataOp, scope: Scope): Relation {
  const schema: TableSchema = op.columns.map((d) => ({ name: d.name.name, type: d.type.type }));
  const props = new Map<string, unknown>();
  for (const p of op.withProps) {
    const v = p.value.kind === 'NameRef' ? p.value.name.name : compileScalar(p.value, c.env([], scope)).constant?.value;
    props.set(p.name.toLowerCase(), v);
  }
  const format = String(props.get('format') ?? 'csv').toLowerCase();
  if (format !== 'txt' && format !== 'json' && format !== 'multijson' && !(format in DELIMITERS)) {
    throw new NotSupportedError(`externaldata format '${format}'`, op.start, op.end);
  }
  const skipFirst = props.get('ignorefirstrecord') === true || props.get('ignorefirstrecord') === 'true';
  const paths = op.uris.map((u) => {
    const ev = compileScalar(u, c.env([], scope));
    if (!ev.constant || typeof ev.constant.value !== 'string') fail(u, 'externaldata needs constant string paths');
    const path = ev.constant.value;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      throw new NotSupportedError(`externaldata from URLs (${path.split('?')[0]}): only local files read through readFile`, u.start, u.end);
    }
    return { path, node: u };
  });
  const ctx = c.ctx;
  return {
    schema,
    batches: function* () {
      const builders = schema.map((s) => new ColumnBuilder(s.type));
      for (const { path, node } of paths) {
        if (!ctx.readFile) throw new KqlError('externaldata needs a readFile function in the query options to read local files', 'KQL', node.start, node.end);
        let raw: string | Uint8Array;
        try { raw = ctx.readFile(path); } catch (e) {
          throw new KqlError(`externaldata could not read '${path}': ${(e as Error).message}`, 'KQL', node.start, node.end);
        }
        const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
        if (format === 'json' || format === 'multijson') {
          const trimmed = text.trim();
          let objects: unknown[];
          try {
            // The values module's reader, not JSON.parse: a `1.0` in the file stays a real.
            objects = trimmed.startsWith('[') ? parseJsonStrict(trimmed) as unknown[] : trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => parseJsonStrict(l) as unknown);
          } catch (e) {
            throw new KqlError(`externaldata: '${path}' is not valid JSON: ${(e as Error).message}`, 'KQL', node.start, node.end);
          }
          objects.forEach((o, k) => {
            if (skipFirst && k === 0) return;
            const obj = (isDynamicBag(o as DynamicValue) ? o : {}) as Record<string, unknown>;
            schema.forEach((s, j) => builders[j]!.append(fromJson(s.type, obj[s.name])));
          });
          continue;
        }
        const records = format === 'txt'
          ? text.split(/\r?\n/).filter((l, k, all) => !(k === all.length - 1 && l === '')).map((l) => [l])
          : parseDelimited(text, DELIMITERS[format]!);
        records.forEach((rec, k) => {
          if (skipFirst && k === 0) return;
          schema.forEach((s, j) => builders[j]!.append(fromText(s.type, rec[j])));
        });
      }
      const n = builders[0]?.length ?? 0;
      if (n > 0) yield makeTable(schema, builders.map((b) => b.finish()), n);
    },
  };
}
