// npm run bench: every benchmark in turn, each in a process of its own (so one's memory and JIT
// state do not colour the next), then a summary of every line that states a target.
//
//   node bench/all.mjs [--only engine,ingest,store,sim,replay]
//
// engine  bench/run.mjs     queries 1-2, the join and make-series against DuckDB (issues 3, 4)
// ingest  bench/ingest.mjs  CEF and Zeek conn, file to durable store (issue 5)
// store   bench/store.mjs   bytes a row on disk, loading 10M rows x 8 columns (issue 5)
// sim     bench/sim.mjs     14 days at 500 hosts into NDJSON and into the store (issue 6)
// replay  bench/replay.mjs  the rule pack replayed over 14 days of ~10M rows (issue 7)
//
// Figures move with the machine's load: each bench prints the load average with its figures.

import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SUITES = [
  { id: 'engine', file: 'run.mjs', nodeArgs: ['--expose-gc'] },
  { id: 'ingest', file: 'ingest.mjs' },
  { id: 'store', file: 'store.mjs' },
  { id: 'sim', file: 'sim.mjs', env: { BENCH_DAYS: '14', BENCH_TABLES: '0' } },
  { id: 'replay', file: 'replay.mjs' },
];

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : SUITES.map((s) => s.id);
const unknown = only.filter((id) => !SUITES.some((s) => s.id === id));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.map((s) => s.id).join(', ')}\n`);
  process.exit(2);
}

/** Lines that state a target and how the run fared against it. */
const VERDICT = /target/i;

function run(suite) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(suite.nodeArgs ?? []), path.join(here, suite.file)], {
      env: { ...process.env, ...(suite.env ?? {}) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const verdicts = [];
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (VERDICT.test(line)) verdicts.push(line.trim());
    });
    child.on('close', (code) => resolve({ id: suite.id, code, seconds: (performance.now() - started) / 1000, verdicts }));
  });
}

console.log(`kqlhunt benchmarks: ${only.join(', ')} (${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
const results = [];
for (const suite of SUITES.filter((s) => only.includes(s.id))) {
  console.log(`\n=== ${suite.id}: bench/${suite.file}\n`);
  results.push(await run(suite));
}
console.log('\n=== summary\n');
for (const r of results) {
  console.log(`${r.id} (${r.seconds.toFixed(0)} s${r.code === 0 ? '' : `, exit ${r.code}`})`);
  for (const v of r.verdicts) console.log(`  ${v}`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
