// Simulator throughput: `kqlhunt simulate` end to end (generator thread + writing thread), once
// into NDJSON files (--out) and once into a store (--store), in a temporary directory.
// Run after building: node bench/sim.mjs   (BENCH_DAYS=n BENCH_HOSTS=n BENCH_SCALE=x to change
// the default 3 days x 500 hosts x scale 1; BENCH_ONLY=out|store to run one path;
// BENCH_THREADS=1|2 for the generator threads)
//
// Each run is a child process, so the numbers are its own: rows per wall-clock second, rows
// per CPU second (user + system of all its threads: on a shared machine the wall rate falls
// with the load, the CPU rate is what free cores would do) and peak resident memory.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist', 'src', 'cli', 'main.js');
const days = process.env.BENCH_DAYS ?? '3';
const hosts = process.env.BENCH_HOSTS ?? '500';
const scale = process.env.BENCH_SCALE ?? '1';
const only = process.env.BENCH_ONLY;
const threads = process.env.BENCH_THREADS; // default: the CLI default (1)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-sim-bench-'));

// The child reports its own CPU time and peak RSS when it exits (resourceUsage covers all threads).
const probe = `process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nBENCH ' + JSON.stringify({ cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, rssMb: u.maxRSS / 1024 }) + '\\n'); });`
  + `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(2))).then((c) => { process.exitCode = c; });`;

// A file, not --eval: the simulator's worker thread inherits the parent's execArgv.
const probeFile = path.join(dir, 'probe.mjs');
fs.writeFileSync(probeFile, probe);

function run(label, target) {
  const args = ['simulate', '--days', days, '--hosts', hosts, '--scale', scale, '--seed', '42', ...(threads ? ['--threads', threads] : []), ...target];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [probeFile, ...args], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  const rows = Number(/([\d,]+) rows in/.exec(r.stderr)[1].replaceAll(',', ''));
  const { cpu, rssMb } = JSON.parse(/BENCH (.*)/.exec(r.stderr)[1]);
  const bytes = du(target[1]);
  console.log(`${label.padEnd(7)} ${rows.toLocaleString('en-US').padStart(12)} rows  ${wall.toFixed(1).padStart(6)} s wall  `
    + `${Math.round(rows / wall).toLocaleString('en-US').padStart(10)} rows/s  ${Math.round(rows / cpu).toLocaleString('en-US').padStart(10)} rows/CPU-s  `
    + `peak RSS ${Math.round(rssMb)} MB  ${(bytes / 1048576).toFixed(0)} MiB on disk`);
}

function du(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, f) => n + du(path.join(p, f)), 0);
}

console.log(`simulate --days ${days} --hosts ${hosts} --scale ${scale}${threads ? ` --threads ${threads}` : ''} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
try {
  if (only !== 'store') run('--out', ['--out', path.join(dir, 'out')]);
  if (only !== 'out') run('--store', ['--store', path.join(dir, 'store')]);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
