// series_decompose_anomalies throughput on hourly series of 14 days (336 points).
// Timings live here, never in tests. Run after `npm run build`: node bench/series.mjs
import { builtinFunctions } from '../dist/src/kql/functions/index.js';

const def = builtinFunctions().scalar('series_decompose_anomalies');
const ctx = { now: 0n, cache: new Map(), args: [{ type: 'dynamic' }, { type: 'real' }, { type: 'int' }, { type: 'string' }] };
const series = (k) => Array.from({ length: 336 }, (_, i) =>
  100 + 20 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919 + k * 104729) % 13) - (i === (k * 37) % 336 ? 90 : 0));
const run = (list) => { for (const s of list) def.impl([s, 1.5, -1, 'linefit'], ctx); };
const five = Array.from({ length: 5 }, (_, k) => series(k));
run(five); // warm up the JIT
for (const [label, list] of [['5 series', five], ['10k series', Array.from({ length: 10_000 }, (_, k) => series(k))]]) {
  const t0 = performance.now();
  run(list);
  console.log(`series_decompose_anomalies, ${label} x 336 points: ${(performance.now() - t0).toFixed(1)} ms`);
}
