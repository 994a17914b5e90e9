// KQL functions shipped as content (content/functions/*.kql): one function per file, written as
// ADX's own control command `.create-or-alter function [with (...)] Name(params) { body }`, so a
// file can be pasted into a real cluster unchanged. Comment lines before the command document
// the function; the one directive kqlhunt reads from them is `// @merge-with-table` (the
// function extends a table of the same name, see QueryOptions.functions).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type StoredFunction } from '../kql/index.js';

export interface ContentFunction {
  name: string;
  /** `(params) { body }`, as QueryOptions.functions takes it. */
  declaration: string;
  mergeWithTable: boolean;
  /** The `docstring` and `folder` properties of the command's `with (...)`, when given. */
  docstring?: string;
  folder?: string;
  /** Where it came from, for messages. */
  file: string;
}

export class ContentFunctionError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ContentFunctionError';
  }
}

const COMMAND = /^\s*\.create(?:-or-alter)?\s+function\s+(?:with\s*\(((?:[^()"]|"[^"]*")*)\)\s*)?(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2\s*(?=\()/;

function withProperty(props: string | undefined, key: string): string | undefined {
  if (props === undefined) return undefined;
  const m = new RegExp(`(?:^|,)\\s*${key}\\s*=\\s*"([^"]*)"`, 'i').exec(props);
  return m?.[1];
}

/** Parses one function file; throws ContentFunctionError saying what is wrong and where. */
export function parseContentFunction(file: string, text: string): ContentFunction {
  const source = text.replace(/^\uFEFF/, '');
  const lines = source.split('\n');
  let mergeWithTable = false;
  let first = 0;
  for (; first < lines.length; first++) {
    const line = lines[first]!.trim();
    if (line === '') continue;
    if (!line.startsWith('//')) break;
    if (/^\/\/\s*@merge-with-table\b/.test(line)) mergeWithTable = true;
  }
  const rest = lines.slice(first).join('\n');
  const m = COMMAND.exec(rest);
  if (!m) {
    throw new ContentFunctionError(file, `line ${first + 1}: expected '.create-or-alter function Name(parameters) { body }' after the header comments`);
  }
  const name = m[3]!;
  const afterName = rest.slice(m[0].length);
  const declaration = afterName.trim();
  const prefix = `let ${name} = `;
  const parsed = parse(`${prefix}${declaration};`);
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (error) {
    // `rest` is a suffix of `source`; map the error back to a line of the file.
    const declStart = source.length - rest.length + m[0].length + (afterName.length - afterName.trimStart().length);
    const at = declStart + Math.max(0, error.start - prefix.length);
    throw new ContentFunctionError(file, `line ${source.slice(0, at).split('\n').length}: ${error.message}`);
  }
  const st = parsed.query.statements[0];
  if (parsed.query.statements.length !== 1 || st?.kind !== 'Let' || st.value.kind !== 'FunctionDecl') {
    throw new ContentFunctionError(file, `'${name}': the command must end with one parameter list and body, '(...) { ... }'`);
  }
  const fn: ContentFunction = { name, declaration, mergeWithTable, file };
  const docstring = withProperty(m[1], 'docstring');
  const folder = withProperty(m[1], 'folder');
  if (docstring !== undefined) fn.docstring = docstring;
  if (folder !== undefined) fn.folder = folder;
  return fn;
}

/** Every `*.kql` file directly in `dir`, in name order. A name defined twice is an error. */
export function loadContentFunctions(dir: string): ContentFunction[] {
  const files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.kql')).sort();
  const out: ContentFunction[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const fn = parseContentFunction(file, fs.readFileSync(file, 'utf8'));
    const dup = out.find((o) => o.name === fn.name);
    if (dup) throw new ContentFunctionError(file, `function '${fn.name}' is also defined in ${dup.file}`);
    out.push(fn);
  }
  return out;
}

/** The engine's form: name -> { declaration, mergeWithTable }. */
export function storedFunctionsOf(fns: readonly ContentFunction[]): Map<string, StoredFunction> {
  return new Map(fns.map((f) => [f.name, { declaration: f.declaration, mergeWithTable: f.mergeWithTable }]));
}

/** content/functions of this installation, found by walking up from this module (src/ or dist/src/). */
export function builtinContentFunctionDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'content', 'functions');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('built-in content functions (content/functions) not found next to the kqlhunt installation');
    dir = up;
  }
}
