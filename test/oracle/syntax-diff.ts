// Differential test of our parser against Microsoft's (Kusto.Language) on the syntax verdict:
// does a query have syntax errors or not. Kusto.Language's `KustoCode.Parse` runs no semantic
// analysis, so every error diagnostic it reports is a syntax error.
//
// As a script: `node dist/test/oracle/syntax-diff.js [--verbose]` prints agreement figures and
// the disagreements.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, SYNTAX_ERROR } from '../../src/kql/syntax/index.js';
import { loadOracle, type KustoLanguage } from '../util/oracle.js';
import { CORPUS, SEED_QUERIES } from '../util/paths.js';

export interface Sample {
  id: string;
  text: string;
}

export interface Disagreement {
  sample: Sample;
  ours: string[];
  theirs: string[];
}

export interface DiffReport {
  total: number;
  agree: number;
  /** Queries both parsers accept. */
  bothClean: number;
  oursOnlyErrors: Disagreement[];
  theirsOnlyErrors: Disagreement[];
  /** Literal-content and not-supported diagnostics we raise, which the oracle leaves to analysis. */
  nonSyntaxDiagnostics: number;
}

export function loadCorpusSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const line of fs.readFileSync(CORPUS, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id?: string; path?: string; name?: string; query?: string };
    if (typeof row.query !== 'string') continue;
    samples.push({ id: row.path ?? row.id ?? row.name ?? `#${samples.length}`, text: row.query });
  }
  return samples;
}

export function loadSeedSamples(): Sample[] {
  return fs.readdirSync(SEED_QUERIES).filter((f) => f.endsWith('.kql')).sort()
    .map((f) => ({ id: `seeds/${f}`, text: fs.readFileSync(path.join(SEED_QUERIES, f), 'utf8') }));
}

/** Messages of the oracle's syntax errors for `text`. */
export function oracleSyntaxErrors(K: KustoLanguage, text: string): string[] {
  const diagnostics = K.KustoCode.Parse(text).GetDiagnostics();
  const out: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (String(d.Severity) === 'Error') out.push(`@${d.Start}+${d.Length}: ${d.Message}`);
  }
  return out;
}

export function ourSyntaxErrors(text: string): { syntax: string[]; other: number } {
  const { diagnostics } = parse(text);
  const syntax = diagnostics.filter((d) => d.code === SYNTAX_ERROR && d.severity === 'error')
    .map((d) => `@${d.start}-${d.end}: ${d.message}`);
  return { syntax, other: diagnostics.length - syntax.length };
}

export function diffSyntax(samples: Sample[], K: KustoLanguage = loadOracle()): DiffReport {
  const report: DiffReport = { total: samples.length, agree: 0, bothClean: 0, oursOnlyErrors: [], theirsOnlyErrors: [], nonSyntaxDiagnostics: 0 };
  for (const sample of samples) {
    const theirs = oracleSyntaxErrors(K, sample.text);
    const { syntax: ours, other } = ourSyntaxErrors(sample.text);
    report.nonSyntaxDiagnostics += other;
    if ((ours.length > 0) === (theirs.length > 0)) {
      report.agree++;
      if (ours.length === 0) report.bothClean++;
    } else if (ours.length > 0) {
      report.oursOnlyErrors.push({ sample, ours, theirs });
    } else {
      report.theirsOnlyErrors.push({ sample, ours, theirs });
    }
  }
  return report;
}

function printDisagreement(d: Disagreement, verbose: boolean): void {
  console.log(`  ${d.sample.id}`);
  for (const m of d.ours.slice(0, 3)) console.log(`    ours:   ${m}`);
  for (const m of d.theirs.slice(0, 3)) console.log(`    theirs: ${m}`);
  if (verbose) {
    const at = /^@(\d+)/.exec(d.ours[0] ?? d.theirs[0] ?? '');
    if (at) {
      const offset = Number(at[1]);
      console.log(`    near:   ${JSON.stringify(d.sample.text.slice(Math.max(0, offset - 60), offset + 60))}`);
    }
  }
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const K = loadOracle();
  const samples = [...loadCorpusSamples(), ...loadSeedSamples()];
  const started = performance.now();
  const report = diffSyntax(samples, K);
  const elapsed = performance.now() - started;
  const pct = (100 * report.agree) / report.total;
  console.log(`syntax verdicts: ${report.agree}/${report.total} agree (${pct.toFixed(2)}%), ${report.bothClean} clean in both`);
  console.log(`  we report errors, oracle does not: ${report.oursOnlyErrors.length}`);
  console.log(`  oracle reports errors, we do not:  ${report.theirsOnlyErrors.length}`);
  console.log(`  literal / not-supported diagnostics (not compared): ${report.nonSyntaxDiagnostics}`);
  console.log(`  (${elapsed.toFixed(0)} ms including the oracle)`);
  if (report.oursOnlyErrors.length) console.log('\nwe report errors, oracle does not:');
  for (const d of report.oursOnlyErrors) printDisagreement(d, verbose);
  if (report.theirsOnlyErrors.length) console.log('\noracle reports errors, we do not:');
  for (const d of report.theirsOnlyErrors) printDisagreement(d, verbose);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
