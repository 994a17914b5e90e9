// Parse + check of the whole Sentinel corpus in one process (the brief's budget: < 5 s), and a
// tally of what the checker reports there. node dist/test/semantics/corpus-speed.js [--list CODE]
import fs from 'node:fs';
import { parse } from '../../src/kql/syntax/parser.js';
import { check } from '../../src/kql/semantics/checker.js';
import { CORPUS } from '../util/paths.js';
import { sharedCheckEnvironment } from './shared-env.js';

export function corpusQueries(): { path: string; query: string }[] {
  return fs.readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { path: string; query: string });
}

/** `ms` is wall time; `cpuMs` the process CPU time, which other load on the machine barely affects. */
export function checkCorpus(queries = corpusQueries()): { ms: number; cpuMs: number; byCode: Map<string, number>; clean: number; hits: { path: string; code: string; message: string }[] } {
  const env = sharedCheckEnvironment();
  const byCode = new Map<string, number>();
  const hits: { path: string; code: string; message: string }[] = [];
  let clean = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const q of queries) {
    const parsed = parse(q.query);
    const checked = check(parsed.query, env);
    const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === 'error');
    if (errors.length === 0) clean++;
    for (const d of errors) {
      byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
      hits.push({ path: q.path, code: d.code, message: d.message });
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, byCode, clean, hits };
}

function main(): void {
  const queries = corpusQueries();
  const r = checkCorpus(queries);
  console.log(`${queries.length} queries parsed and checked in ${r.ms.toFixed(0)} ms (${r.cpuMs.toFixed(0)} ms CPU); ${r.clean} without errors`);
  console.log([...r.byCode].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}: ${n}`).join('\n'));
  const i = process.argv.indexOf('--list');
  if (i >= 0) for (const h of r.hits.filter((x) => x.code === process.argv[i + 1])) console.log(`${h.path}: ${h.message}`);
}

if (process.argv[1]?.endsWith('corpus-speed.js')) main();
