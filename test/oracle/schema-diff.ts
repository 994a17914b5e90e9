// Differential test of result schemas against Microsoft's parser (the oracle).
//
// For the 630 network/exfiltration rules of ../shared/sentinel/subsets.json, both analysers get
// the same database: the shared table schemas and the stored function schemas. Where both
// analyse a query without errors, the result schemas (column names, types, order) must agree.
// Also counted: queries where only we report an error (false positives) and where only the
// oracle does (false negatives).
//
// Library for test/oracle/schema.test.ts; as a script it prints the figures and the
// disagreements: node dist/test/oracle/schema-diff.js [--all] [--verbose] [--recall]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../../src/kql/syntax/parser.js';
import { check, type CheckEnvironment } from '../../src/kql/semantics/checker.js';
import type { SchemaCatalog } from '../../src/io/schemas.js';
import { loadOracle, type KustoLanguage } from '../util/oracle.js';
import { CORPUS, SHARED } from '../util/paths.js';
import { sharedCatalog, sharedCheckEnvironment } from '../semantics/shared-env.js';

export interface RuleQuery {
  path: string;
  query: string;
}

/** The network ∪ exfil rules with their query text from the corpus. */
export function subsetQueries(): RuleQuery[] {
  const subsets = JSON.parse(fs.readFileSync(path.join(SHARED, 'sentinel', 'subsets.json'), 'utf8')) as Record<string, string[]>;
  const wanted = new Set([...(subsets['network'] ?? []), ...(subsets['exfil'] ?? [])]);
  const byPath = new Map<string, string>();
  for (const line of fs.readFileSync(CORPUS, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { path: string; query: string };
    if (wanted.has(rec.path) && !byPath.has(rec.path)) byPath.set(rec.path, rec.query);
  }
  return [...wanted].filter((p) => byPath.has(p)).sort().map((p) => ({ path: p, query: byPath.get(p)! }));
}

const ORACLE_TYPES: Record<string, string> = {
  bool: 'Bool', int: 'Int', long: 'Long', real: 'Real', decimal: 'Decimal', string: 'String',
  datetime: 'DateTime', timespan: 'TimeSpan', guid: 'Guid', dynamic: 'Dynamic',
};

function defaultFor(type: string): string {
  return type === 'string' ? "''" : `${type}(null)`;
}

const globalsByCatalog = new WeakMap<SchemaCatalog, unknown>();

/** An oracle GlobalState holding the same tables and stored functions as the checker sees. */
export function oracleGlobals(K: KustoLanguage, catalog: SchemaCatalog): unknown {
  let globals = globalsByCatalog.get(catalog);
  if (globals === undefined) {
    globals = buildOracleGlobals(K, catalog);
    globalsByCatalog.set(catalog, globals);
  }
  return globals;
}

function buildOracleGlobals(K: KustoLanguage, catalog: SchemaCatalog): unknown {
  const S = K.Symbols;
  const symbols: unknown[] = [];
  for (const [name, columns] of catalog.tables) {
    symbols.push(new S.TableSymbol.$ctor4(name, columns.map((c) => new S.ColumnSymbol(c.name, S.ScalarTypes[ORACLE_TYPES[c.type]!]))));
  }
  for (const [name, fn] of catalog.functions) {
    const params = fn.params.map((p) => `${p.name}:${p.type}${p.required ? '' : '=' + defaultFor(p.type)}`).join(', ');
    const columns = fn.columns.map((c) => `['${c.name}']:${c.type}`).join(', ');
    symbols.push(new S.FunctionSymbol.$ctor16(name, `(${params})`, `{ datatable(${columns})[] }`, null));
  }
  return K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('db', symbols));
}

export interface Analysis {
  errors: string[];
  columns: { name: string; type: string }[] | null;
  open?: boolean;
}

const oracleMemo = new WeakMap<object, Map<string, Analysis>>();

/** The oracle's verdict on a query; memoised per GlobalState, since the oracle is the slow half. */
export function oracleAnalyze(K: KustoLanguage, globals: unknown, text: string): Analysis {
  let memo = oracleMemo.get(globals as object);
  if (memo === undefined) {
    memo = new Map();
    oracleMemo.set(globals as object, memo);
  }
  const hit = memo.get(text);
  if (hit !== undefined) return hit;
  const result = oracleAnalyzeUncached(K, globals, text);
  memo.set(text, result);
  return result;
}

function oracleAnalyzeUncached(K: KustoLanguage, globals: unknown, text: string): Analysis {
  const code = K.KustoCode.ParseAndAnalyze(text, globals);
  const d = code.GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < d.Count; i++) {
    const x = d.getItem(i);
    if (x.Severity === 'Error') errors.push(`${x.Message} @${x.Start}`);
  }
  const rt = code.ResultType;
  let columns: Analysis['columns'] = null;
  if (rt && rt.Columns) {
    columns = [];
    for (let i = 0; i < rt.Columns.Count; i++) {
      const c = rt.Columns.getItem(i);
      columns.push({ name: c.Name, type: c.Type.Name });
    }
  }
  return { errors, columns };
}

export function ourAnalyze(env: CheckEnvironment, text: string): Analysis {
  const parsed = parse(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message} @${d.start}`);
  const checked = check(parsed.query, env);
  for (const d of checked.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message} @${d.start}`);
  const rs = checked.resultSchema;
  return { errors, columns: rs === null ? null : rs.columns.map((c) => ({ name: c.name, type: c.type })), open: rs?.open ?? false };
}

export interface DiffReport {
  total: number;
  bothClean: number;
  agree: number;
  /** Both clean but our schema is open (bag_unpack, pivot...): not compared. */
  openNotCompared: number;
  falsePositives: { path: string; ours: string[] }[];
  falseNegatives: { path: string; oracle: string[] }[];
  bothErrors: number;
  disagreements: { path: string; ours: string; oracle: string }[];
  /** agree / (bothClean - openNotCompared) */
  agreement: number;
}

function render(cols: Analysis['columns']): string {
  return cols === null ? '<none>' : cols.map((c) => `${c.name}:${c.type}`).join(', ');
}

export function runSchemaDiff(queries: RuleQuery[] = subsetQueries()): DiffReport {
  const K = loadOracle();
  const catalog = sharedCatalog();
  const globals = oracleGlobals(K, catalog);
  const env = sharedCheckEnvironment();
  const report: DiffReport = {
    total: queries.length, bothClean: 0, agree: 0, openNotCompared: 0,
    falsePositives: [], falseNegatives: [], bothErrors: 0, disagreements: [], agreement: 0,
  };
  for (const q of queries) {
    const oracle = oracleAnalyze(K, globals, q.query);
    const ours = ourAnalyze(env, q.query);
    if (ours.errors.length > 0 && oracle.errors.length === 0) report.falsePositives.push({ path: q.path, ours: ours.errors });
    else if (ours.errors.length === 0 && oracle.errors.length > 0) report.falseNegatives.push({ path: q.path, oracle: oracle.errors });
    else if (ours.errors.length > 0) report.bothErrors++;
    else {
      report.bothClean++;
      if (ours.open) {
        report.openNotCompared++;
      } else if (render(ours.columns) === render(oracle.columns)) {
        report.agree++;
      } else {
        report.disagreements.push({ path: q.path, ours: render(ours.columns), oracle: render(oracle.columns) });
      }
    }
  }
  const compared = report.bothClean - report.openNotCompared;
  report.agreement = compared === 0 ? 0 : report.agree / compared;
  return report;
}

/** Every corpus query (not only the network/exfil subset), for a wider false-positive hunt. */
export function allCorpusQueries(): RuleQuery[] {
  return fs.readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RuleQuery);
}

/**
 * Error recall: in rules both analysers accept, misspell the first column a `where` predicate
 * reads (`Zz` prefix) and count how often each analyser then reports an error.
 */
export function runMisspeltColumnRecall(queries: RuleQuery[]): { mutated: number; oracleCaught: number; bothCaught: number; missed: string[] } {
  const K = loadOracle();
  const globals = oracleGlobals(K, sharedCatalog());
  const env = sharedCheckEnvironment();
  const out = { mutated: 0, oracleCaught: 0, bothCaught: 0, missed: [] as string[] };
  for (const q of queries) {
    const target = firstWhereColumn(parse(q.query).query);
    if (target === undefined) continue;
    const text = q.query.slice(0, target.start) + 'Zz' + q.query.slice(target.start);
    if (oracleAnalyze(K, globals, q.query).errors.length > 0 || ourAnalyze(env, q.query).errors.length > 0) continue;
    out.mutated++;
    if (oracleAnalyze(K, globals, text).errors.length === 0) continue;
    out.oracleCaught++;
    if (ourAnalyze(env, text).errors.length > 0) out.bothCaught++;
    else out.missed.push(q.path);
  }
  return out;
}

/** The first plain name on the left of a comparison in a `where`, walking the statement list. */
function firstWhereColumn(node: unknown): { start: number; end: number } | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as Record<string, unknown>;
  if (n['kind'] === 'Where') {
    let p = n['predicate'] as Record<string, unknown> | undefined;
    while (p !== undefined && p['kind'] === 'Binary') {
      const left = p['left'] as Record<string, unknown>;
      if (left['kind'] === 'NameRef') return { start: left['start'] as number, end: left['end'] as number };
      p = left;
    }
  }
  for (const v of Object.values(n)) {
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) {
      const hit = firstWhereColumn(item);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const t0 = Date.now();
  const r = runSchemaDiff(process.argv.includes('--all') ? allCorpusQueries() : subsetQueries());
  const pct = (n: number, d: number): string => `${n}/${d} (${d === 0 ? 0 : ((100 * n) / d).toFixed(1)}%)`;
  console.log(`rules: ${r.total}`);
  console.log(`both analyse cleanly: ${r.bothClean} (our schema open, not compared: ${r.openNotCompared})`);
  console.log(`result schema agreement: ${pct(r.agree, r.bothClean - r.openNotCompared)}`);
  console.log(`false positives (we error, oracle clean): ${pct(r.falsePositives.length, r.total)}`);
  console.log(`false negatives (oracle errors, we are clean): ${pct(r.falseNegatives.length, r.total)}`);
  console.log(`both report errors: ${r.bothErrors}`);
  console.log(`time: ${Date.now() - t0} ms`);
  if (process.argv.includes('--recall')) {
    const rec = runMisspeltColumnRecall(process.argv.includes('--all') ? allCorpusQueries() : subsetQueries());
    console.log(`misspelt where-columns: ${rec.mutated} rules mutated, the oracle flags ${rec.oracleCaught}, we flag ${pct(rec.bothCaught, rec.oracleCaught)} of those`);
    for (const m of rec.missed) console.log(`  missed: ${m}`);
  }
  if (verbose) {
    for (const d of r.disagreements) console.log(`\nDIFF ${d.path}\n  ours:   ${d.ours}\n  oracle: ${d.oracle}`);
    for (const f of r.falsePositives) console.log(`\nFP ${f.path}\n  ${f.ours.join('\n  ')}`);
    for (const f of r.falseNegatives) console.log(`\nFN ${f.path}\n  ${f.oracle.join('\n  ')}`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
