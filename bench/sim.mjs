// Simulator throughput. Run after building: node bench/sim.mjs
//
// 1. End to end: `kqlhunt simulate` as a child process (generator threads + writing thread),
//    once into NDJSON files (--out) and once into a store (--store), in a temporary directory:
//    rows, wall time, rows/s, CPU seconds (process.cpuUsage() in the child: user + system of
//    all its threads), rows per CPU second, peak RSS, bytes on disk, and each table's rows.
// 2. Per table (in this process, no writing): the generator alone into a sink that only counts, then
//    the generator with only one table encoded, for each table and each output; the extra CPU
//    time is that table's encoding cost, reported as its rows per CPU second.
//
// On a shared machine the wall rate falls with the load; the CPU rates are what free cores do.
// The load average is printed with every figure.
//
// Environment: BENCH_DAYS (3) BENCH_HOSTS (500) BENCH_SCALE (1) BENCH_ONLY=out|store
// BENCH_THREADS=N or a list such as 1,2 (generator threads, each run in turn; default the CLI's:
// the number of CPUs) BENCH_TABLES=0 (skip part 2)
// BENCH_TABLE_DAYS (1: days simulated in part 2) BENCH_REPEATS (3: part 2 keeps the least CPU time)
// BENCH_MEMORY=1 (instead: peak RSS of --store and --out runs of two lengths, to show memory
// does not grow with the number of rows)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist', 'src', 'cli', 'main.js');
const days = process.env.BENCH_DAYS ?? '3';
const hosts = process.env.BENCH_HOSTS ?? '500';
const scale = process.env.BENCH_SCALE ?? '1';
const only = process.env.BENCH_ONLY;
const threadCounts = process.env.BENCH_THREADS === undefined ? [undefined] : process.env.BENCH_THREADS.split(',').map((t) => t.trim());
const tableDays = process.env.BENCH_TABLE_DAYS ?? '1';
const repeats = Number(process.env.BENCH_REPEATS ?? '3');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-sim-bench-'));

// The child reports its own CPU time and peak RSS when it exits (both cover all its threads).
const probe = `const cpu0 = process.cpuUsage(); process.on('exit', () => { const c = process.cpuUsage(cpu0); process.stderr.write('\\nBENCH ' + JSON.stringify({ cpu: (c.user + c.system) / 1e6, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n'); });`
  + `import(${JSON.stringify(pathToFileURL(main).href)}).then((m) => m.main(process.argv.slice(2))).then((c) => { process.exitCode = c; });`;

// A file, not --eval: the simulator's worker thread inherits the parent's execArgv.
const probeFile = path.join(dir, 'probe.mjs');
fs.writeFileSync(probeFile, probe);

const load = () => os.loadavg()[0].toFixed(1);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function simulate(target, extra = {}) {
  const args = ['simulate', '--days', extra.days ?? days, '--hosts', hosts, '--scale', extra.scale ?? scale, '--seed', '42',
    ...(extra.threads ? ['--threads', extra.threads] : []), ...target];
  const loadBefore = load();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [probeFile, ...args], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`simulate ${target.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const rows = Number(/([\d,]+) rows in/.exec(r.stderr)[1].replaceAll(',', ''));
  const tables = [...r.stderr.matchAll(/^ {2}(\w+) +([\d,]+)$/gm)].map((m) => [m[1], Number(m[2].replaceAll(',', ''))]);
  const { cpu, rssMb } = JSON.parse(/BENCH (.*)/.exec(r.stderr)[1]);
  const bytes = du(target[1]);
  fs.rmSync(target[1], { recursive: true, force: true });
  return { rows, tables, wall, cpu, rssMb, bytes, load: `${loadBefore}-${load()}` };
}

function du(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, f) => n + du(path.join(p, f)), 0);
}

function endToEnd() {
  console.log(`End to end: simulate --days ${days} --hosts ${hosts} --scale ${scale} (${os.cpus().length} cores; cores busy = CPU-s / wall s)`);
  for (const threads of threadCounts) {
    for (const [label, target] of [['--out', ['--out', path.join(dir, 'out')]], ['--store', ['--store', path.join(dir, 'store')]]]) {
      if (only !== undefined && `--${only}` !== label) continue;
      const m = simulate(target, { threads });
      console.log(`${label.padEnd(7)} --threads ${threads ?? 'default'}  ${fmt(m.rows).padStart(12)} rows  ${m.wall.toFixed(1).padStart(6)} s wall  ${fmt(m.rows / m.wall).padStart(10)} rows/s  `
        + `${m.cpu.toFixed(1).padStart(6)} CPU-s  ${fmt(m.rows / m.cpu).padStart(10)} rows/CPU-s  ${(m.cpu / m.wall).toFixed(2)} cores busy  peak RSS ${fmt(m.rssMb)} MB  `
        + `${(m.bytes / 1048576).toFixed(0)} MiB on disk  (load ${m.load})`);
      if (threadCounts.length > 1) continue;
      for (const [table, rows] of m.tables) {
        console.log(`          ${table.padEnd(22)} ${fmt(rows).padStart(12)} rows  ${fmt(rows / m.wall).padStart(10)} rows/s of wall time`);
      }
    }
  }
}

/** CPU seconds of one in-process generation into `sink`. */
function cpuOf(simulateFn, options, sink) {
  const c0 = process.cpuUsage();
  const result = simulateFn(options, sink);
  sink.close?.();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, result };
}

async function perTable() {
  const dist = path.join(root, 'dist', 'src');
  const load = async (p) => import(pathToFileURL(path.join(dist, p)).href);
  const { simulate: run } = await load('sim/simulate.js');
  const { TableOutput } = await load('sim/output.js');
  const { ColumnarSink } = await load('sim/columnar-sink.js');
  const { TABLES } = await load('sim/rows.js');
  const { loadSchemaCatalog } = await load('io/schemas.js');
  const catalog = loadSchemaCatalog();
  const schemas = Object.fromEntries(TABLES.map((t) => [t, catalog.table(t)]));
  const options = { days: Number(tableDays), hosts: Number(hosts), seed: 42, endMs: Date.parse('2024-06-14T12:00:00Z'), scale: Number(scale) };
  // Each figure is the least CPU time of a few runs: other work on a shared machine only ever adds time.
  const least = (sink) => {
    let best;
    for (let i = 0; i < repeats; i++) {
      const m = cpuOf(run, options, sink());
      if (best === undefined || m.cpu < best.cpu) best = m;
    }
    return best;
  };

  // Chunks are dropped, but their buffers handed back as the CLI's writing thread does.
  const discard = () => { let last; return { write(c) { last = c; }, close() {}, spare() { const s = last; last = undefined; return s; } }; };
  const outputs = {
    generate: (tables) => new TableOutput(discard, tables),
    '--out': (tables) => new TableOutput(discard, tables),
    '--store': (tables) => new ColumnarSink({ schemas, tables, onSegment() {} }),
  };
  // Warm up the code first, so that no measurement pays for compilation.
  run(options, outputs['--out'](TABLES));
  run(options, outputs['--store'](TABLES));
  const first = least(() => outputs.generate([]));
  const total = first.result.totalRows;
  const measured = [];
  for (const output of ['--out', '--store']) {
    if (only !== undefined && `--${only}` !== output) continue;
    const all = least(() => outputs[output](TABLES)).cpu;
    const tables = TABLES.map((table) => {
      const m = least(() => outputs[output]([table]));
      return { table, rows: m.result.rows[table], cpu: m.cpu };
    });
    measured.push({ output, all, tables });
  }
  const generation = Math.min(first.cpu, least(() => outputs.generate([])).cpu);
  console.log(`\nGenerator thread, in process, nothing written, --days ${tableDays}, least of ${repeats} runs (load ${os.loadavg()[0].toFixed(1)}): generation alone `
    + `${generation.toFixed(2)} CPU-s for ${fmt(total)} rows (${fmt(total / generation)} rows/CPU-s)`);
  for (const { output, all, tables } of measured) {
    console.log(`${output.padEnd(7)} all tables encoded: ${all.toFixed(2)} CPU-s, ${fmt(total / all)} rows/CPU-s`);
    for (const { table, rows, cpu } of tables) {
      const extra = cpu - generation;
      // Below a few percent of the run, the difference is within the noise of a shared machine.
      const timed = rows >= total / 50 && extra > 0;
      console.log(`${output.padEnd(7)}   ${table.padEnd(22)} ${fmt(rows).padStart(12)} rows  `
        + (timed ? `encoding ${extra.toFixed(2).padStart(5)} CPU-s  ${fmt(rows / extra).padStart(10)} rows/CPU-s` : 'too few rows to time apart'));
    }
  }
}

function memory() {
  // Same volume per day, three times the days: peak memory must not follow the row count.
  const short = Number(days);
  console.log(`Peak RSS by run length (--hosts ${hosts} --scale ${scale}, default threads):`);
  for (const [label, target] of [['--store', ['--store', path.join(dir, 'store')]], ['--out', ['--out', path.join(dir, 'out')]]]) {
    if (only !== undefined && `--${only}` !== label) continue;
    for (const d of [short, 3 * short]) {
      const m = simulate(target, { days: String(d) });
      console.log(`${label.padEnd(7)} --days ${String(d).padStart(3)} ${fmt(m.rows).padStart(12)} rows  peak RSS ${fmt(m.rssMb)} MB  (${m.wall.toFixed(1)} s, load ${m.load})`);
    }
  }
}

try {
  if (process.env.BENCH_MEMORY === '1') memory();
  else {
    endToEnd();
    if (process.env.BENCH_TABLES !== '0') await perTable();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
