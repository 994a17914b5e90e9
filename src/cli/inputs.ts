// Inputs of `kqlhunt check`: .kql files, and Sentinel rule YAML whose `query` is checked.
// Each input knows how to map an offset in its query back to an offset in its file, so
// diagnostics point at the YAML file's own lines.

import fs from 'node:fs';
import path from 'node:path';

export interface QueryInput {
  file: string;
  /** The whole file, for showing source lines. */
  fileText: string;
  /** The KQL text; undefined when the file has no usable query (see `problem`). */
  query?: string;
  /** Query offset -> file offset. */
  toFileOffset(queryOffset: number): number;
  /** Why there is no query (YAML errors, a missing `query` field), with the file offset it concerns. */
  problem?: { message: string; offset: number };
}

const QUERY_FILE = /\.(kql|csl)$/i;
const RULE_FILE = /\.ya?ml$/i;

/** Files named directly are taken whatever their extension; folders are walked for .kql/.csl/.yaml/.yml. */
export function expandInputPaths(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (QUERY_FILE.test(e.name) || RULE_FILE.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

export function isRuleFile(file: string): boolean {
  return RULE_FILE.test(file);
}

export function queryInputFromText(file: string, text: string): QueryInput {
  return { file, fileText: text, query: text, toFileOffset: (o) => o };
}

interface YamlScalarLike {
  type?: string;
  range?: [number, number, number];
  value: unknown;
}

/** A rule YAML's `query`, with an offset map exact for block scalars (`query: |`), which every Sentinel rule uses. */
export async function queryInputFromRule(file: string, text: string): Promise<QueryInput> {
  const { parseDocument, isScalar, isMap } = await import('yaml');
  const doc = parseDocument(text, { prettyErrors: false });
  const identity = (o: number): number => o;
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    return { file, fileText: text, toFileOffset: identity, problem: { message: `not valid YAML: ${err.message.split('\n')[0]}`, offset: err.pos[0] } };
  }
  const root = doc.contents;
  const node = isMap(root) ? root.get('query', true) : undefined;
  if (node === undefined || !isScalar(node) || typeof node.value !== 'string') {
    return {
      file, fileText: text, toFileOffset: identity,
      problem: { message: node === undefined ? "the rule has no 'query' field" : "the rule's 'query' is not a string", offset: 0 },
    };
  }
  const scalar = node as unknown as YamlScalarLike;
  const query = node.value;
  return { file, fileText: text, query, toFileOffset: offsetMapFor(text, scalar, query) };
}

function offsetMapFor(text: string, node: YamlScalarLike, query: string): (o: number) => number {
  const start = node.range?.[0] ?? 0;
  if (node.type === 'BLOCK_LITERAL') {
    // Content starts on the line after the `|` indicator; every line carries the block's indent.
    const firstLineStart = text.indexOf('\n', start) + 1;
    const indicator = /^\|([1-9])?/.exec(text.slice(start));
    const lineStarts: number[] = [];
    let p = firstLineStart;
    while (p > 0 && p <= text.length) {
      lineStarts.push(p);
      const nl = text.indexOf('\n', p);
      if (nl < 0) break;
      p = nl + 1;
    }
    let indent: number;
    if (indicator?.[1] !== undefined) {
      const keyLineStart = text.lastIndexOf('\n', start - 1) + 1;
      const keyIndent = /^ */.exec(text.slice(keyLineStart))![0].length;
      indent = keyIndent + Number(indicator[1]);
    } else {
      const firstContent = lineStarts.find((s) => !/^[ \t]*(\r?\n|$)/.test(text.slice(s, text.indexOf('\n', s) + 1 || undefined)));
      indent = firstContent === undefined ? 0 : /^ */.exec(text.slice(firstContent))![0].length;
    }
    const queryLineStarts = [0];
    for (let i = 0; i < query.length; i++) if (query.charCodeAt(i) === 10) queryLineStarts.push(i + 1);
    return (o) => {
      let line = 0;
      while (line + 1 < queryLineStarts.length && queryLineStarts[line + 1]! <= o) line++;
      const fileLineStart = lineStarts[line];
      if (fileLineStart === undefined) return node.range?.[1] ?? start;
      return fileLineStart + indent + (o - queryLineStarts[line]!);
    };
  }
  // Flow scalars: exact when written on one line without escapes; otherwise the node's start.
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const raw = text.slice(start + (quoted ? 1 : 0), start + (quoted ? 1 : 0) + query.length);
  if (raw === query) return (o) => start + (quoted ? 1 : 0) + o;
  return () => start;
}

export async function readQueryInput(file: string): Promise<QueryInput> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    return { file, fileText: '', toFileOffset: (o) => o, problem: { message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, offset: 0 } };
  }
  return isRuleFile(file) ? queryInputFromRule(file, text) : queryInputFromText(file, text);
}
