// npm run bench:replay: the whole rule pack replayed on its schedule over a 14-day store of
// about 10 million rows, through `kqlhunt hunt --from --to --store` (src/detect/hunt.ts's
// replay path), against the target of 2 minutes of wall time.
//
//   node bench/replay.mjs [--hosts 400] [--days 14] [--scale 1] [--seed 42] [--rules DIR]
//                         [--cpu-prof DIR] [--keep-state]
//
// The store is simulated once (`kqlhunt simulate --store`) under the system temp folder, keyed
// by the simulation's parameters, and reused by later runs. Before each replay the store's
// state database (alerts, rule health, first-seen tables) is removed, so every replay starts
// from the same state and raises the same alerts; --keep-state skips that, to time a replay
// over an already-recorded period. The replay is a child process, so its wall time, CPU time
// and peak memory are its own; --cpu-prof DIR writes a V8 CPU profile of it there.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TARGET_SECONDS = 120;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist', 'src', 'cli', 'main.js');
const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '400' },
    days: { type: 'string', default: '14' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    rules: { type: 'string', default: path.join(root, 'content', 'rules') },
    watchlists: { type: 'string', default: path.join(root, 'content', 'watchlists') },
    'cpu-prof': { type: 'string' },
    'keep-state': { type: 'boolean', default: false },
  },
});
for (const name of ['hosts', 'days', 'scale', 'seed']) {
  if (!(Number(values[name]) >= 0)) {
    process.stderr.write(`bench/replay: --${name} must be a number (got '${values[name]}')\n`);
    process.exit(2);
  }
}

const storeDir = path.join(os.tmpdir(), `kqlhunt-replay-bench-seed${values.seed}-${values.hosts}h-${values.days}d-x${values.scale}`);
const labelsFile = path.join(storeDir, 'labels.json');

// The child reports its own CPU time and peak memory when it exits.
const probeFile = path.join(os.tmpdir(), `kqlhunt-replay-bench-probe-${process.pid}.mjs`);
fs.writeFileSync(probeFile,
  `process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nBENCH ' + JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, rssMb: u.maxRSS / 1024 }) + '\\n'); });`
  + `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(2))).then((c) => { process.exitCode = c; });`);

function kqlhunt(args, nodeArgs = []) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [...nodeArgs, probeFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - started) / 1000;
  const usage = /BENCH (.*)/.exec(r.stderr ?? '');
  return { ...r, wall, ...(usage ? JSON.parse(usage[1]) : { cpu: NaN, rssMb: NaN }) };
}

const seconds = (s) => `${s.toFixed(1)} s`;

try {
  console.log(`replay bench: ${values.days} days x ${values.hosts} hosts x scale ${values.scale}, seed ${values.seed} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
  if (!fs.existsSync(labelsFile)) {
    console.log(`simulating into ${storeDir} (kept for later runs)`);
    const sim = kqlhunt(['simulate', '--days', values.days, '--hosts', values.hosts, '--scale', values.scale, '--seed', values.seed, '--store', storeDir]);
    if (sim.status !== 0) throw new Error(`simulate failed (exit ${sim.status}):\n${sim.stderr}`);
    console.log(`  ${/([\d,]+ rows in [\d.]+ s)/.exec(sim.stderr)?.[1] ?? ''}`);
  } else {
    console.log(`reusing the store in ${storeDir}`);
  }
  const labels = JSON.parse(fs.readFileSync(labelsFile, 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(storeDir, 'manifest.json'), 'utf8'));
  const rowsByTable = Object.entries(manifest.tables).map(([name, t]) => [name, t.segments.reduce((n, s) => n + s.rows, 0)]);
  const totalRows = rowsByTable.reduce((n, [, r]) => n + r, 0);
  console.log(`store: ${totalRows.toLocaleString('en-US')} rows (${rowsByTable.map(([n, r]) => `${n} ${(r / 1e6).toFixed(2)}M`).join(', ')})`);

  if (!values['keep-state']) {
    for (const f of fs.readdirSync(storeDir)) if (f.startsWith('state.db')) fs.rmSync(path.join(storeDir, f));
  }
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])] : [];
  console.log(`replaying ${path.relative(root, values.rules) || values.rules} from ${labels.start} to ${labels.end}`);
  const replay = kqlhunt(['hunt', '--rules', values.rules, '--watchlists', values.watchlists, '--store', storeDir,
    '--from', labels.start, '--to', labels.end, '--format', 'json'], nodeArgs);
  if (replay.status !== 0 && replay.status !== 1) throw new Error(`hunt failed (exit ${replay.status}):\n${replay.stderr}`);
  const result = JSON.parse(replay.stdout);

  const perRule = new Map();
  for (const run of result.runs) {
    const r = perRule.get(run.ruleName) ?? { runs: 0, ms: 0, alerts: 0, failed: 0, file: path.basename(run.ruleFile) };
    r.runs++;
    r.ms += run.durationMs;
    r.alerts += run.alertCount;
    if (run.status === 'failed') r.failed++;
    perRule.set(run.ruleName, r);
  }
  const failed = result.runs.filter((r) => r.status === 'failed');
  const ruleMs = result.runs.reduce((n, r) => n + r.durationMs, 0);
  console.log(`\nwall ${seconds(replay.wall)} (CPU ${seconds(replay.cpu)}, peak RSS ${Math.round(replay.rssMb)} MB); `
    + `rules ${perRule.size}, runs ${result.runs.length}, failed ${failed.length}, alerts ${result.alerts.length}; `
    + `rule time ${seconds(ruleMs / 1000)}, the rest (loading, first-seen, alerts, state) ${seconds(replay.wall - ruleMs / 1000)}`);
  console.log('\nslowest rules (total over their runs):');
  const top = [...perRule.values()].sort((a, b) => b.ms - a.ms).slice(0, 10);
  for (const r of top) {
    console.log(`  ${r.file.padEnd(48)} ${seconds(r.ms / 1000).padStart(8)}  ${String(r.runs).padStart(3)} runs  ${String(r.alerts).padStart(3)} alerts${r.failed ? `  ${r.failed} FAILED` : ''}`);
  }
  for (const f of failed.slice(0, 5)) console.log(`failed: ${f.ruleName} at ${f.runTime}: ${f.error}`);
  const verdict = replay.wall < TARGET_SECONDS ? 'within' : 'OVER';
  console.log(`\n${verdict} the ${TARGET_SECONDS} s target (${(totalRows / 1e6).toFixed(1)}M rows, ${values.days} days)`);
  if (values['cpu-prof']) console.log(`CPU profile in ${path.resolve(values['cpu-prof'])}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
} finally {
  fs.rmSync(probeFile, { force: true });
}
