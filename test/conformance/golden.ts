// Golden cases from Microsoft's KQL reference pages: loading them, running each through the
// engine, and judging the result against the table the page prints, the way a reader would.
//
// A docs table is text. Each expected cell is read according to the type of the column the
// engine produced (or the oracle's type when the engine failed), so "0.33" matches 1/3 within
// the printed precision, "2017-01-01 00:00:00.0000000" matches the same instant however it is
// spelled, and a dynamic cell matches by JSON value.
import fs from 'node:fs';
import path from 'node:path';
import { query } from '../../src/kql/index.js';
import { isWholeReal, type DynamicValue, type Scalar, type ScalarType } from '../../src/kql/types.js';
import { formatScalar } from '../../src/kql/values/format.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { parseTimespanString } from '../../src/kql/values/timespan.js';
import { REPO_ROOT } from '../util/paths.js';

export const GOLDEN_DOCS = path.join(REPO_ROOT, 'test', 'golden', 'docs');

export interface GoldenColumn { name: string; type?: string }

export interface GoldenCase {
  id: string;
  query: string;
  columns: GoldenColumn[];
  rows: string[][];
  ordered: boolean;
  now?: string;
  nondeterministic?: boolean;
  note?: string;
}

export interface GoldenPage {
  page: string;
  source: string;
  license: string;
  cases: GoldenCase[];
}

export interface GoldenIndex {
  /** Groups the acceptance figure leaves out (geospatial and graph). */
  excludedGroups: string[];
  /** The overall pass rate (outside excluded groups) the suite may not fall below. */
  minimumPassRate: number;
}

export interface CaseOutcome {
  group: string;
  page: string;
  id: string;
  query: string;
  pass: boolean;
  reason?: string;
}

export function loadIndex(): GoldenIndex {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DOCS, 'index.json'), 'utf8')) as GoldenIndex;
}

export function loadPages(): { group: string; page: GoldenPage }[] {
  const out: { group: string; page: GoldenPage }[] = [];
  for (const group of fs.readdirSync(GOLDEN_DOCS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const dir = path.join(GOLDEN_DOCS, group);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      out.push({ group, page: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as GoldenPage });
    }
  }
  return out;
}

/** The docs spell a fixed `now` as ISO text. */
function nowTicks(text: string | undefined): bigint {
  const t = parseDatetimeString(text ?? '2024-01-01T00:00:00Z');
  if (t === null) throw new Error(`bad @now ${text}`);
  return t;
}

function stripMarkdown(cell: string): string {
  let s = cell.trim();
  const code = /^`(.*)`$/s.exec(s);
  if (code) s = code[1]!;
  return s.replace(/<br\s*\/?>/gi, '\n').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Agreement of two reals within what the docs printed: the last shown digit, or 1e-6 relative. */
function realsAgree(expected: string, actual: number): boolean {
  const e = expected.replace(/,/g, '');
  if (/^-?(nan)$/i.test(e)) return Number.isNaN(actual);
  if (/^\+?(inf|infinity|∞)$/i.test(e)) return actual === Infinity;
  if (/^-(inf|infinity|∞)$/i.test(e)) return actual === -Infinity;
  const x = Number(e);
  if (e === '' || Number.isNaN(x)) return false;
  if (x === actual) return true;
  const mantissa = /^[-+]?(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(e);
  // Docs often truncate instead of rounding: allow a full unit in the last printed decimal.
  // A number printed without decimals is taken as exact.
  let lastPlace = 0;
  if (mantissa && mantissa[2]) lastPlace = 10 ** -(mantissa[2].length - Number(mantissa[3] ?? 0));
  const tolerance = Math.max(lastPlace, Math.abs(x) * 1e-6, 1e-12);
  return Math.abs(x - actual) <= tolerance;
}

function dynamicAgrees(expected: DynamicValue, actual: DynamicValue): boolean {
  // A whole real (`1.0`) agrees with the printed number like any number: JSON.parse reads the
  // page's `1.0` as 1, so the page's typing is not compared here (whole-real tests do that).
  if (isWholeReal(actual)) actual = actual.value;
  if (typeof expected === 'number' && typeof actual === 'number') return realsAgree(String(expected), actual);
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    if (typeof expected === 'string' && typeof actual === 'number') return realsAgree(expected, actual);
    if (typeof expected === 'string' && typeof actual === 'string' && expected !== actual) {
      // A datetime inside dynamic prints with or without its fraction digits.
      const e = parseDatetimeString(expected);
      return e !== null && /^\d{4}-\d\d-\d\dT/.test(expected) && e === parseDatetimeString(actual);
    }
    return expected === actual;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return false;
  if (Array.isArray(expected)) {
    const a = actual as DynamicValue[];
    return expected.length === a.length && expected.every((v, i) => dynamicAgrees(v, a[i]!));
  }
  const a = actual as Record<string, DynamicValue>;
  const ek = Object.keys(expected);
  return ek.length === Object.keys(a).length && ek.every((k) => k in a && dynamicAgrees(expected[k]!, a[k]!));
}

function parseJsonCell(text: string): DynamicValue | undefined {
  try { return JSON.parse(text) as DynamicValue; } catch { return undefined; }
}

/** Whether a printed cell shows the value of the given type. */
export function cellAgrees(type: ScalarType, expectedText: string, actual: Scalar): boolean {
  const e = stripMarkdown(expectedText);
  const isNullText = e === '' || e.toLowerCase() === 'null' || e.toLowerCase() === '(null)';
  if (actual === null || (type === 'string' && actual === '')) return isNullText || (type === 'dynamic' && e === 'null');
  switch (type) {
    case 'bool': return (e.toLowerCase() === 'true' || e === '1') === actual && /^(true|false|0|1)$/i.test(e);
    case 'int':
    case 'long': {
      const n = Number(e.replace(/,/g, ''));
      return e !== '' && n === actual;
    }
    case 'real':
    case 'decimal': return realsAgree(e, actual as number);
    case 'datetime': {
      const t = parseDatetimeString(e.replace(/^datetime\((.*)\)$/, '$1'));
      return t !== null && t === actual;
    }
    case 'timespan': {
      const t = parseTimespanString(e.replace(/^timespan\((.*)\)$/, '$1'));
      return t !== null && t === actual;
    }
    case 'guid': return e.toLowerCase() === (actual as string).toLowerCase();
    // A rendered table cell cannot show leading or trailing blanks.
    case 'string': return e === actual || e === (actual as string).trim() || (e.length > 1 && e.startsWith('"') && e.endsWith('"') && e.slice(1, -1) === actual);
    case 'dynamic': {
      const v = actual as DynamicValue;
      const parsed = parseJsonCell(e);
      if (parsed !== undefined && dynamicAgrees(parsed, v)) return true;
      // Docs print a dynamic string bare, and property bags with unquoted keys now and then.
      if (typeof v === 'string') return e === v;
      return formatScalar('dynamic', v).replace(/\s+/g, '') === e.replace(/\s+/g, '');
    }
  }
}

function rowAgrees(types: ScalarType[], expected: string[], actual: Scalar[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((cell, i) => cellAgrees(types[i]!, cell, actual[i]!));
}

/** Matches expected rows to actual rows one to one, in any order (a bipartite search: a
 * greedy pass could pair a tolerant cell with the wrong row). */
function multisetAgrees(types: ScalarType[], expected: string[][], actual: Scalar[][]): boolean {
  if (expected.length !== actual.length) return false;
  const candidates = expected.map((e) => actual.map((a, j) => (rowAgrees(types, e, a) ? j : -1)).filter((j) => j >= 0));
  const owner = new Array<number>(actual.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const j of candidates[i]!) {
      if (seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || tryAssign(owner[j]!, seen)) { owner[j] = i; return true; }
    }
    return false;
  };
  return expected.every((_, i) => tryAssign(i, new Array<boolean>(actual.length).fill(false)));
}

function showRow(types: ScalarType[], row: Scalar[]): string {
  return '|' + row.map((v, i) => (v === null ? '' : formatScalar(types[i]!, v))).join('|') + '|';
}

/** Runs one case; a pass, or the first reason it fails. */
export function runCase(c: GoldenCase): { pass: boolean; reason?: string } {
  let result;
  try {
    result = query(c.query, { tables: new Map(), now: nowTicks(c.now), maxRows: 2_000_000, timeoutMs: 20_000 });
  } catch (e) {
    return { pass: false, reason: `error: ${(e as Error).message.split('\n')[0]}` };
  }
  const names = result.columns.map((x) => x.name);
  const expectedNames = c.columns.map((x) => x.name);
  if (names.join('|') !== expectedNames.join('|')) {
    return { pass: false, reason: `columns: expected ${expectedNames.join(', ')}; got ${names.join(', ')}` };
  }
  const types = result.columns.map((x) => x.type);
  const typeMismatch = c.columns.find((x, i) => x.type !== undefined && x.type !== types[i]
    // int and long print alike, and the oracle's int/long choice for operator outputs
    // (getschema's ColumnOrdinal, count()) is not always ADX's.
    && !((x.type === 'int' || x.type === 'long') && (types[i] === 'int' || types[i] === 'long')));
  if (typeMismatch) {
    const i = c.columns.indexOf(typeMismatch);
    return { pass: false, reason: `type of ${typeMismatch.name}: expected ${typeMismatch.type}; got ${types[i]}` };
  }
  if (c.nondeterministic) return { pass: true };
  const actual: Scalar[][] = [];
  for (let r = 0; r < result.table.length; r++) actual.push(result.table.columns.map((col) => col.column.get(r)));
  if (actual.length !== c.rows.length) {
    return { pass: false, reason: `rows: expected ${c.rows.length}; got ${actual.length}${actual.length ? ', first ' + showRow(types, actual[0]!) : ''}` };
  }
  if (c.ordered) {
    for (let r = 0; r < actual.length; r++) {
      if (!rowAgrees(types, c.rows[r]!, actual[r]!)) {
        return { pass: false, reason: `row ${r + 1}: expected |${c.rows[r]!.join('|')}|; got ${showRow(types, actual[r]!)}` };
      }
    }
    return { pass: true };
  }
  if (multisetAgrees(types, c.rows, actual)) return { pass: true };
  const unmatched = c.rows.find((e) => !actual.some((a) => rowAgrees(types, e, a)));
  return {
    pass: false,
    reason: unmatched ? `no row matches |${unmatched.join('|')}| (first actual ${showRow(types, actual[0]!)})` : 'rows match only with repeats',
  };
}

export function runAll(): CaseOutcome[] {
  const out: CaseOutcome[] = [];
  for (const { group, page } of loadPages()) {
    for (const c of page.cases) {
      const r = runCase(c);
      out.push({ group, page: page.page, id: c.id, query: c.query, pass: r.pass, ...(r.reason ? { reason: r.reason } : {}) });
    }
  }
  return out;
}

export interface PassRates {
  byGroup: Map<string, { passed: number; total: number }>;
  overall: { passed: number; total: number };
}

export function passRates(outcomes: CaseOutcome[], excludedGroups: readonly string[]): PassRates {
  const byGroup = new Map<string, { passed: number; total: number }>();
  const overall = { passed: 0, total: 0 };
  for (const o of outcomes) {
    const g = byGroup.get(o.group) ?? { passed: 0, total: 0 };
    g.total++;
    if (o.pass) g.passed++;
    byGroup.set(o.group, g);
    if (excludedGroups.includes(o.group)) continue;
    overall.total++;
    if (o.pass) overall.passed++;
  }
  return { byGroup, overall };
}
