// Cold-start cost of `kqlhunt check` on one file: best of five fresh processes.
// Timings live here, never in tests. Run after `npm run build`: node bench/cold-check.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const file = path.resolve('..', 'shared', 'seeds', 'queries', '002-network-footprint-file-origin.kql');
const times = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/kqlhunt', 'check', file], { encoding: 'utf8' });
  times.push(performance.now() - t0);
  if (r.status !== 0) { console.error(r.stdout, r.stderr); process.exit(1); }
}
console.log(`cold kqlhunt check: best ${Math.min(...times).toFixed(0)} ms of ${times.length} runs (target < 400 ms)`);
