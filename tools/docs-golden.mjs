#!/usr/bin/env node
// Turns hand-harvested extracts of Microsoft's KQL reference pages (tools/docs-extract/<group>.md)
// into golden test files (test/golden/docs/<group>/<page>.json) for test/conformance/docs.test.ts.
//
// An extract keeps, per docs page, only what the golden test needs: each self-contained
// ```kusto example and the markdown output table printed after it, copied verbatim.
//
//   ## <page-slug>                      page = data-explorer/kusto/query/<page-slug>.md
//   @now 2024-01-01T00:00:00Z           (optional, for the next example) fixed now()
//   @nondeterministic                   (optional) compare only the schema
//   @ordered | @unordered               (optional) override the row-order inference
//   @note <text>                        (optional) a remark kept in the golden file
//   ```kusto
//   <query>
//   ```
//   |col|col|
//   |---|---|
//   |v|v|
//
// Expected column types come from Microsoft's own parser (the oracle devDependency), which
// infers the result schema ADX would produce; the docs print names but not types.
// Runs only in a developer's session: the golden files are committed and the test is offline.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXTRACTS = path.join(ROOT, 'tools', 'docs-extract');
const OUT = path.join(ROOT, 'test', 'golden', 'docs');
const SOURCE_BASE = 'https://github.com/MicrosoftDocs/dataexplorer-docs/blob/main/data-explorer/kusto/query/';

function loadOracle() {
  const require = createRequire(path.join(ROOT, 'package.json'));
  const dir = path.join(ROOT, 'node_modules', '@kusto', 'language-service-next');
  globalThis.Bridge = require(path.join(dir, 'bridge.js'));
  require(path.join(dir, 'Kusto.Language.Bridge.js'));
  return globalThis.Kusto.Language;
}

const K = loadOracle();

/** The oracle's result schema, or null when it reports errors or no tabular result. */
function oracleSchema(query) {
  const code = K.KustoCode.ParseAndAnalyze(query, K.GlobalState.Default);
  const diags = code.GetDiagnostics();
  const errors = [];
  for (let i = 0; i < diags.Count; i++) {
    const d = diags.getItem(i);
    if (String(d.Severity) === 'Error') errors.push(d.Message);
  }
  const rt = code.ResultType;
  if (!rt || !rt.Columns) return { columns: null, errors };
  const cols = [];
  for (let i = 0; i < rt.Columns.Count; i++) {
    const c = rt.Columns.getItem(i);
    cols.push({ name: c.Name, type: c.Type.Name });
  }
  return { columns: cols, errors };
}

function splitRow(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') { cur += '|'; i++; continue; }
    if (s[i] === '|') { cells.push(cur.trim()); cur = ''; continue; }
    cur += s[i];
  }
  cells.push(cur.trim());
  return cells;
}

/** Whether the query fixes its row order, so the docs' printed order is part of the result. */
function ordersRows(query) {
  const body = query.replace(/\/\/.*$/gm, '');
  return /\b(order|sort)\s+by\b|\|\s*top(?![-\w])|\|\s*serialize\b|\|\s*scan\b/i.test(body);
}

function parseExtract(text, group) {
  const pages = new Map();
  let page = null;
  let pending = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = /^## (\S+)\s*$/.exec(line);
    if (header) {
      page = header[1];
      if (!pages.has(page)) pages.set(page, []);
      pending = {};
      continue;
    }
    const directive = /^@(\w+)\s*(.*)$/.exec(line);
    if (directive && page) {
      const [, key, value] = directive;
      if (key === 'now') pending.now = value.trim();
      else if (key === 'nondeterministic') pending.nondeterministic = true;
      else if (key === 'ordered') pending.ordered = true;
      else if (key === 'unordered') pending.ordered = false;
      else if (key === 'note') pending.note = value.trim();
      else throw new Error(`${group}.md:${i + 1}: unknown directive @${key}`);
      continue;
    }
    if (/^```kusto\s*$/.test(line)) {
      if (!page) throw new Error(`${group}.md:${i + 1}: example before any page header`);
      const qlines = [];
      i++;
      while (i < lines.length && !/^```\s*$/.test(lines[i])) qlines.push(lines[i++]);
      const query = qlines.join('\n').trim();
      // The output table is the first table after the block, before the next block or page.
      let j = i + 1;
      while (j < lines.length && !lines[j].trim().startsWith('|') && !/^```kusto|^## /.test(lines[j])) j++;
      const table = [];
      while (j < lines.length && lines[j].trim().startsWith('|')) table.push(lines[j++]);
      i = j - 1;
      const c = { query, line: i + 1, ...pending };
      pending = {};
      if (table.length < 2) {
        if (!c.nondeterministic) throw new Error(`${group}.md: example near line ${i + 1} has no output table`);
        c.names = null; c.rows = [];
      } else {
        c.names = splitRow(table[0]).map((n) => n.replace(/^`(.*)`$/, '$1'));
        c.rows = table.slice(2).map(splitRow);
      }
      pages.get(page).push(c);
    }
  }
  return pages;
}

let total = 0;
const oracleDisagrees = [];
for (const file of fs.readdirSync(EXTRACTS).filter((f) => f.endsWith('.md')).sort()) {
  const group = file.replace(/\.md$/, '');
  const pages = parseExtract(fs.readFileSync(path.join(EXTRACTS, file), 'utf8'), group);
  fs.mkdirSync(path.join(OUT, group), { recursive: true });
  for (const [page, cases] of pages) {
    const out = {
      page,
      source: SOURCE_BASE + page + '.md',
      license: 'CC-BY-4.0 (Microsoft docs content)',
      cases: cases.map((c, n) => {
        const o = oracleSchema(c.query);
        const columns = (c.names ?? o.columns?.map((x) => x.name) ?? []).map((name, k) => {
          const oc = o.columns?.[k];
          return oc && oc.name === name ? { name, type: oc.type } : { name };
        });
        if (o.errors.length) oracleDisagrees.push(`${group}/${page}#${n + 1}: ${o.errors[0]}`);
        else if (c.names && o.columns && c.names.join('|') !== o.columns.map((x) => x.name).join('|')) {
          oracleDisagrees.push(`${group}/${page}#${n + 1}: the page names ${c.names.join(', ')}; the oracle ${o.columns.map((x) => x.name).join(', ')}`);
        }
        const golden = {
          id: `${page}#${n + 1}`,
          query: c.query,
          columns,
          rows: c.rows,
          ordered: c.ordered ?? ordersRows(c.query),
        };
        if (c.now) golden.now = c.now;
        if (c.nondeterministic) golden.nondeterministic = true;
        if (c.note) golden.note = c.note;
        return golden;
      }),
    };
    total += out.cases.length;
    fs.writeFileSync(path.join(OUT, group, page + '.json'), JSON.stringify(out, null, 1) + '\n');
  }
}
console.log(`${total} cases written under ${path.relative(ROOT, OUT)}`);
if (oracleDisagrees.length) {
  console.log(`the oracle disagrees on ${oracleDisagrees.length} examples:`);
  for (const d of oracleDisagrees) console.log('  ' + d);
}
